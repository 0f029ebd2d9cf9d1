/* The thin request/response layer between libmicrohttpd and the handlers, and the one route
 * table's shape. Handlers see only `struct req`; they can be driven without sockets. */
#ifndef XF_HTTP_H
#define XF_HTTP_H

#include "../core/buf.h"
#include "../core/crypto.h"
#include "../core/jv.h"
#include "../store/store.h"

struct app;

enum http_method {
	HTTP_GET = 1,
	HTTP_POST,
	HTTP_PUT,
	HTTP_PATCH,
	HTTP_DELETE,
	HTTP_HEAD,
	HTTP_OPTIONS,
	HTTP_OTHER
};

/* Who may call a route: a permission from src/auth/policy.c ("users.manage"), or: */
#define PERM_PUBLIC "public" /* anyone */
#define PERM_SELF   "self"   /* any signed-in account: every role holds "self" */
#define PERM_TEST   "test"   /* only when the server runs in test mode */
/* Loopback clients (after trusted-proxy resolution), or anyone presenting the configured
 * metrics token as "Authorization: Bearer"; no session or API token is looked up. */
#define PERM_LOCAL "local"

struct kv {
	const char *key;
	const char *value;
};

/* The signed-in account behind a request. */
struct xf_user {
	int64_t id;
	char username[64];
	char display_name[128];
	int64_t person_id;
	/* the active grant: its role over its place's subtree */
	int64_t grant_id;
	char role[32];
	int64_t place_id;
	char place_name[128];
	int ngrants;
	bool must_change_password;
	bool totp_enabled;
	bool mfa_ok; /* second factor satisfied, or not required */
	int64_t session_id;
	char token_hash[XF_DIGEST_HEX];
	char csrf[XF_TOKEN_CHARS];
	int64_t session_last_seen;
	/* a machine client (API token) instead of a person */
	bool is_token;
	int64_t token_id;
	char token_scope[16];
};

struct req;
typedef int (*handler_fn)(struct req *r);
/* Work a handler hands to the writer: runs inside the writer's transaction and fills the
 * response (so replays of the same Idempotency-Key can be answered from the stored copy). */
typedef int (*write_fn)(struct db *db, struct req *r, struct xf_err *err);

struct route {
	enum http_method method;
	/* "/api/things/{id}/action": {id} and {n} match a positive integer (r->params, in
	 * order), any other {name} a 1–64 character [A-Za-z0-9_-] code (r->code); text after
	 * the placeholder up to the next '/' (".json") must end the segment. */
	const char *pattern;
	handler_fn handler;
	const char *perm;            /* PERM_PUBLIC, PERM_SELF, PERM_TEST or a policy permission */
	bool csrf;                   /* cookie sessions must send X-CSRF-Token */
	const char *audit;           /* audit action written with the change, or NULL */
	size_t max_body;             /* bytes; 0 = no body accepted */
	const struct jv_field *body; /* declared JSON body, checked before the handler */
	const char *summary;         /* Chinese, for the OpenAPI document */
	const char *tag;
	const char *token_scope; /* API tokens with this scope may call it; NULL = people only */
	bool raw_body;           /* the body is a file (CSV/XLSX, an image) or a form, not JSON */
};

/* Errors under a path prefix written in another shape than {"error":…} (Open311's
 * [{code, description}]): fn turns r->err into r->resp. The table lives in routes.c. */
struct error_format {
	const char *prefix;
	void (*fn)(struct req *r);
};

struct resp {
	int status;
	struct buf body;
	const unsigned char *borrowed; /* instead of body: bytes the response does not own */
	size_t borrowed_len;           /* (the embedded UI files, see static.h) */
	const char *content_type;
	struct kv headers[8];
	int nheaders;
};

#define REQ_MAX_PARAMS  4
#define REQ_MAX_HEADERS 100

struct req {
	struct app *app;
	struct arena *arena;
	enum http_method method;
	const char *method_name;
	const char *raw_uri;
	char *path; /* percent-decoded, UTF-8 */
	struct kv *query;
	size_t nquery;
	struct kv *headers;
	size_t nheaders;
	size_t header_bytes;
	struct buf body;
	bool body_too_big;
	char peer_ip[64];   /* the socket's peer */
	char client_ip[64]; /* after trusted-proxy processing */
	const struct route *route;
	int64_t params[REQ_MAX_PARAMS];
	int nparams;
	const char *code; /* the route's {name} segment, if it has one */
	struct kv *form;  /* application/x-www-form-urlencoded body, see req_form */
	size_t nform;
	int form_state; /* 0 not parsed, 1 parsed, -1 malformed (why: form_err) */
	struct xf_err form_err;
	bool authed;
	bool cookie_session;
	struct xf_user user;
	json_t *json;
	/* what the audit row says beyond who/when/where: set by handlers when it matters */
	int64_t on_behalf_of;
	char audit_object[96];
	char audit_detail[256];
	bool audit_done; /* the job wrote its own audit row */
	struct xf_err err;
	struct resp resp;
	/* write path */
	write_fn write;
	void *write_arg;
	int (*offload)(struct req *r); /* req_offload: run on the slow-work threads */
	struct req *offload_next;
	const char *idem_key;
	char body_hash[XF_DIGEST_HEX];
	bool replayed;
	struct write_job job;
	int64_t started_ms;
	int64_t started_us; /* monotonic, for the latency histograms */
	int stage;
	void *conn; /* the MHD connection while a job is pending */
};

/* Lifecycle (server.c and tests use these). */
struct req *req_new(struct app *app);
void req_free(struct req *r);
int req_set_uri(struct req *r, const char *uri, size_t len);
void req_add_header(struct req *r, const char *key, const char *value);
const char *req_header(const struct req *r, const char *name);
const char *req_query(const struct req *r, const char *name);
const char *req_cookie(struct req *r, const char *name);
/* A field of a form-encoded body (first occurrence), or NULL. The body is parsed on first
 * use; req_form_parse says whether it was well-formed (XF_OK, or an error in r->err). */
int req_form_parse(struct req *r);
const char *req_form(struct req *r, const char *name);
void req_set_method(struct req *r, const char *method);

/* Route, authenticate, authorise, check CSRF and body, then call the handler.
 * Returns XF_OK with r->resp filled, or XF_PENDING with r->job ready to submit. */
int http_dispatch(struct req *r);
/* Match only (for early limits before the body arrives): XF_OK, or an error in r->err. */
int http_route(struct req *r);
/* After the pending job settled: fill r->resp from it. */
void http_finish_job(struct req *r);
/* Without the server (the fuzz harnesses): route and dispatch r on the calling thread, run an
 * offloaded part and a queued write (through `store`, as the writer would) right here, and
 * leave the answer or the error in r->resp. */
void http_run_sync(struct req *r, struct store *store);
/* Record a 401/403 on a protected route in the audit log (asynchronously). */
void http_audit_denied(struct req *r);
/* Fill r->resp with the JSON error in r->err. */
void http_error_response(struct req *r);

/* For handlers. */
void resp_json(struct req *r, int status, const char *json_text);
void resp_take_json(struct req *r, int status, json_t *v); /* steals v */
/* The answer is the JSON text in b (written with struct jw); b is left empty. */
void resp_take_json_text(struct req *r, int status, struct buf *b);
/* Append v as json_dumps(v, JSON_COMPACT) would write it (json_out.c). */
void http_json_write(struct buf *b, const json_t *v);
void resp_header(struct req *r, const char *key, const char *value);
int req_fail(struct req *r, int status, const char *code, const char *msg);
/* Queue fn on the writer; the handler returns what this returns. */
int req_write(struct req *r, write_fn fn, void *arg);
/* Run fn off the HTTP thread, on one of the server's slow-work threads (CPU-heavy work: a
 * password check), so the other connections of this HTTP thread don't wait behind it.
 * fn gets its own reader (store_reader) and returns like a handler: XF_OK with the answer
 * set, a failure, or req_write's XF_PENDING. The handler returns what this returns. */
int req_offload(struct req *r, int (*fn)(struct req *r));
/* Run this route's handler again on a slow-work thread (r->offload is set there, so the
 * handler knows not to hand itself off twice): a read that turns out slow (a report counted
 * live) once the handler has seen what is asked. */
int req_offload_handler(struct req *r);

/* The route table (api/routes.c) and the generated OpenAPI document. */
extern const struct route http_routes[];
extern const size_t http_nroutes;
extern const struct error_format http_error_formats[];
extern const size_t http_nerror_formats;
void http_openapi(struct buf *out);

#endif
