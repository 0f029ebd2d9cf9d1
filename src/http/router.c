/* Dispatch: one route table, with authentication, permission, CSRF, body checks,
 * idempotency and audit applied here from the route's row, never inside handlers. */
#include "http.h"
#include "metrics.h"
#include "../api/app.h"
#include "../auth/audit.h"
#include "../auth/auth.h"
#include "../auth/policy.h"
#include "../core/clock.h"
#include "../core/log.h"
#include "../core/str.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct req *req_new(struct app *app)
{
	struct req *r = xcalloc(1, sizeof *r);
	r->app = app;
	r->arena = arena_new();
	r->started_ms = clock_mono_ms();
	r->started_us = metrics_now_us();
	buf_init(&r->body);
	buf_init(&r->resp.body);
	r->method = HTTP_OTHER;
	r->method_name = "?";
	r->path = "";
	r->raw_uri = "";
	r->headers = arena_alloc(r->arena, sizeof(struct kv) * REQ_MAX_HEADERS);
	return r;
}

void req_free(struct req *r)
{
	if (!r)
		return;
	buf_free(&r->body);
	buf_free(&r->resp.body);
	if (r->json)
		json_decref(r->json);
	arena_free(r->arena);
	free(r);
}

void req_set_method(struct req *r, const char *m)
{
	static const struct {
		const char *name;
		enum http_method m;
	} tbl[] = {{"GET", HTTP_GET},        {"POST", HTTP_POST},     {"PUT", HTTP_PUT},
	           {"PATCH", HTTP_PATCH},    {"DELETE", HTTP_DELETE}, {"HEAD", HTTP_HEAD},
	           {"OPTIONS", HTTP_OPTIONS}};
	r->method = HTTP_OTHER;
	r->method_name = arena_strndup(r->arena, m, strnlen(m, 16));
	for (size_t i = 0; i < XF_ARRAY_LEN(tbl); i++)
		if (strcmp(m, tbl[i].name) == 0)
			r->method = tbl[i].m;
}

/* Decode "k=v&k2=v2" (a query string or a form body) into at most 64 pairs. */
static int parse_pairs(struct req *r, const char *s, size_t len, struct kv **out, size_t *nout,
                       const char *code, const char *what)
{
	size_t n = 1;
	for (size_t i = 0; i < len; i++)
		if (s[i] == '&')
			n++;
	if (n > 64)
		return xf_fail(&r->err, XF_EINVAL, code, "%s过多", what);
	*out = arena_alloc(r->arena, n * sizeof(struct kv));
	const char *p = s, *end = s + len;
	while (p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		if (!amp)
			amp = end;
		const char *eq = memchr(p, '=', (size_t)(amp - p));
		const char *kend = eq ? eq : amp;
		if (kend > p) {
			char *k = arena_alloc(r->arena, (size_t)(kend - p) + 1);
			const char *vs = eq ? eq + 1 : amp;
			char *v = arena_alloc(r->arena, (size_t)(amp - vs) + 1);
			if (url_decode(p, (size_t)(kend - p), k, true) < 0 ||
			    url_decode(vs, (size_t)(amp - vs), v, true) < 0)
				return xf_fail(&r->err, XF_EINVAL, code, "%s编码不正确", what);
			(*out)[*nout].key = k;
			(*out)[*nout].value = v;
			(*nout)++;
		}
		p = amp + 1;
	}
	return XF_OK;
}

/* Split the raw request target into a decoded path and decoded query pairs. */
int req_set_uri(struct req *r, const char *uri, size_t len)
{
	r->raw_uri = arena_strndup(r->arena, uri, len);
	const char *q = memchr(r->raw_uri, '?', len);
	size_t plen = q ? (size_t)(q - r->raw_uri) : len;
	char *path = arena_alloc(r->arena, plen + 1);
	if (plen == 0 || r->raw_uri[0] != '/' || url_decode(r->raw_uri, plen, path, false) < 0) {
		r->path = "";
		return xf_fail(&r->err, XF_EINVAL, "bad_path", "请求路径格式不正确");
	}
	r->path = path;
	if (!q)
		return XF_OK;
	return parse_pairs(r, q + 1, len - plen - 1, &r->query, &r->nquery, "bad_query",
	                   "查询参数");
}

int req_form_parse(struct req *r)
{
	if (r->form_state == 0) {
		const char *ct = req_header(r, "Content-Type");
		struct xf_err saved = r->err;
		r->form_state = 1;
		if (!ct || strncasecmp(ct, "application/x-www-form-urlencoded", 33) != 0) {
			r->form_state = -1;
			xf_fail(&r->err, XF_EINVAL, "unsupported_media_type",
			        "请求体必须是表单（Content-Type: "
			        "application/x-www-form-urlencoded）");
		} else if (memchr(r->body.data ? r->body.data : "", 0, r->body.len)) {
			r->form_state = -1;
			xf_fail(&r->err, XF_EINVAL, "bad_form", "表单字段编码不正确");
		} else if (parse_pairs(r, r->body.data ? r->body.data : "", r->body.len, &r->form,
		                       &r->nform, "bad_form", "表单字段") != XF_OK) {
			r->form_state = -1;
		}
		if (r->form_state < 0) {
			r->nform = 0;
			r->form_err = r->err;
			r->err = saved;
		}
	}
	if (r->form_state < 0) {
		r->err = r->form_err;
		return r->err.status;
	}
	return XF_OK;
}

const char *req_form(struct req *r, const char *name)
{
	if (r->form_state == 0) {
		struct xf_err saved = r->err;
		req_form_parse(r);
		r->err = saved;
	}
	for (size_t i = 0; i < r->nform; i++)
		if (strcmp(r->form[i].key, name) == 0)
			return r->form[i].value;
	return NULL;
}

void req_add_header(struct req *r, const char *key, const char *value)
{
	r->header_bytes += strlen(key) + strlen(value) + 4;
	if (r->nheaders >= REQ_MAX_HEADERS) {
		r->header_bytes = SIZE_MAX / 2; /* too many: treated as oversize */
		return;
	}
	r->headers[r->nheaders].key = arena_strdup(r->arena, key);
	r->headers[r->nheaders].value = arena_strdup(r->arena, value);
	r->nheaders++;
}

const char *req_header(const struct req *r, const char *name)
{
	for (size_t i = 0; i < r->nheaders; i++)
		if (strcasecmp(r->headers[i].key, name) == 0)
			return r->headers[i].value;
	return NULL;
}

const char *req_query(const struct req *r, const char *name)
{
	for (size_t i = 0; i < r->nquery; i++)
		if (strcmp(r->query[i].key, name) == 0)
			return r->query[i].value;
	return NULL;
}

const char *req_cookie(struct req *r, const char *name)
{
	size_t nlen = strlen(name);
	for (size_t i = 0; i < r->nheaders; i++) {
		if (strcasecmp(r->headers[i].key, "Cookie") != 0)
			continue;
		const char *p = r->headers[i].value;
		while (*p) {
			while (*p == ' ' || *p == ';')
				p++;
			const char *semi = strchr(p, ';');
			size_t seg = semi ? (size_t)(semi - p) : strlen(p);
			if (seg > nlen && strncmp(p, name, nlen) == 0 && p[nlen] == '=')
				return arena_strndup(r->arena, p + nlen + 1, seg - nlen - 1);
			p += seg;
		}
	}
	return NULL;
}

void resp_header(struct req *r, const char *key, const char *value)
{
	if (r->resp.nheaders >= (int)XF_ARRAY_LEN(r->resp.headers))
		abort();
	r->resp.headers[r->resp.nheaders].key = key;
	r->resp.headers[r->resp.nheaders].value = arena_strdup(r->arena, value);
	r->resp.nheaders++;
}

void resp_json(struct req *r, int status, const char *json_text)
{
	r->resp.status = status;
	r->resp.content_type = "application/json; charset=utf-8";
	buf_reset(&r->resp.body);
	buf_puts(&r->resp.body, json_text);
}

void resp_take_json(struct req *r, int status, json_t *v)
{
	r->resp.status = status;
	r->resp.content_type = "application/json; charset=utf-8";
	buf_reset(&r->resp.body);
	http_json_write(&r->resp.body, v);
	json_decref(v);
}

void resp_take_json_text(struct req *r, int status, struct buf *b)
{
	r->resp.status = status;
	r->resp.content_type = "application/json; charset=utf-8";
	buf_free(&r->resp.body);
	r->resp.body = *b;
	buf_init(b);
}

int req_fail(struct req *r, int status, const char *code, const char *msg)
{
	return xf_fail(&r->err, status, code, "%s", msg);
}

void http_error_response(struct req *r)
{
	for (size_t i = 0; i < http_nerror_formats; i++)
		if (str_has_prefix(r->path, http_error_formats[i].prefix)) {
			http_error_formats[i].fn(r);
			return;
		}
	int status = xf_err_http(&r->err);
	struct buf b;
	buf_init(&b);
	buf_puts(&b, "{\"error\":{\"code\":");
	buf_json_str(&b, r->err.code[0] ? r->err.code : "internal");
	buf_puts(&b, ",\"message\":");
	buf_json_str(&b, r->err.message[0] ? r->err.message : "服务器内部错误");
	if (r->err.field[0]) {
		buf_puts(&b, ",\"field\":");
		buf_json_str(&b, r->err.field);
	}
	if (r->err.until) {
		char iso[21], secs[24];
		clock_iso(r->err.until, iso);
		buf_printf(&b, ",\"until\":\"%s\"", iso);
		int64_t wait = r->err.until - clock_now();
		snprintf(secs, sizeof secs, "%lld", (long long)(wait > 0 ? wait : 1));
		resp_header(r, "Retry-After", secs);
	}
	buf_puts(&b, "}}");
	resp_json(r, status, buf_cstr(&b));
	buf_free(&b);
}

/* ---- routing ---- */

static bool segment_is_id(const char *s, size_t n, int64_t *out)
{
	if (n == 0 || n > 18 || s[0] == '0')
		return false;
	int64_t v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

static bool segment_is_code(const char *s, size_t n)
{
	if (n == 0 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '-'))
			return false;
	return true;
}

/* Does path match pattern? Fills params for {id} and {n} segments and *code for another
 * {name}. A placeholder takes its whole segment, less the pattern's literal suffix. */
static bool match(const char *pattern, const char *path, int64_t *params, int *np,
                  const char **code, size_t *code_len)
{
	*np = 0;
	*code = NULL;
	*code_len = 0;
	const char *p = pattern, *s = path;
	while (*p && *s) {
		if (*p == '{') {
			const char *pe = strchr(p, '}');
			if (!pe)
				return false;
			const char *suffix = pe + 1, *suffix_end = strchr(suffix, '/');
			size_t sfx = suffix_end ? (size_t)(suffix_end - suffix) : strlen(suffix);
			const char *se = strchr(s, '/');
			size_t n = se ? (size_t)(se - s) : strlen(s);
			if (n < sfx || memcmp(s + n - sfx, suffix, sfx) != 0)
				return false;
			n -= sfx;
			bool numeric = (pe - p == 3 && strncmp(p, "{id}", 4) == 0) ||
			               (pe - p == 2 && strncmp(p, "{n}", 3) == 0);
			if (numeric) {
				if (*np >= REQ_MAX_PARAMS || !segment_is_id(s, n, &params[*np]))
					return false;
				(*np)++;
			} else {
				if (*code || !segment_is_code(s, n))
					return false;
				*code = s;
				*code_len = n;
			}
			p = suffix + sfx;
			s += n + sfx;
			continue;
		}
		if (*p != *s)
			return false;
		p++;
		s++;
	}
	return *p == 0 && *s == 0;
}

int http_route(struct req *r)
{
	if (r->err.status)
		return r->err.status; /* from req_set_uri */
	bool path_known = false;
	const char *allowed[8];
	int nallowed = 0;
	for (size_t i = 0; i < http_nroutes; i++) {
		const struct route *rt = &http_routes[i];
		int64_t params[REQ_MAX_PARAMS];
		int np;
		const char *code;
		size_t code_len;
		if (!match(rt->pattern, r->path, params, &np, &code, &code_len))
			continue;
		path_known = true;
		enum http_method m = r->method == HTTP_HEAD ? HTTP_GET : r->method;
		if (rt->method == m) {
			r->route = rt;
			memcpy(r->params, params, sizeof params);
			r->nparams = np;
			r->code = code ? arena_strndup(r->arena, code, code_len) : NULL;
			return XF_OK;
		}
		static const char *names[] = {"", "GET", "POST", "PUT", "PATCH", "DELETE"};
		if (nallowed < 8 && rt->method < HTTP_HEAD)
			allowed[nallowed++] = names[rt->method];
	}
	if (path_known) {
		struct buf b;
		buf_init(&b);
		for (int i = 0; i < nallowed; i++)
			buf_printf(&b, "%s%s", i ? ", " : "", allowed[i]);
		resp_header(r, "Allow", buf_cstr(&b));
		buf_free(&b);
		xf_fail(&r->err, XF_EINVAL, "method_not_allowed", "该地址不支持 %s 请求",
		        r->method_name);
		r->err.http = 405;
		return r->err.status;
	}
	return xf_fail(&r->err, XF_ENOTFOUND, "not_found", "没有这个接口：%s", r->path);
}

static bool is_write_method(enum http_method m)
{
	return m == HTTP_POST || m == HTTP_PUT || m == HTTP_PATCH || m == HTTP_DELETE;
}

static bool is_public(const struct route *rt)
{
	return strcmp(rt->perm, PERM_PUBLIC) == 0 || strcmp(rt->perm, PERM_TEST) == 0;
}

/* Machine clients: "Authorization: Bearer TOKEN", or `api_key` (in the query or the form
 * body) for routes that Open311 clients call. Only routes that name a token scope accept
 * tokens. */
static const char *bearer_token(struct req *r)
{
	const char *h = req_header(r, "Authorization");
	if (h && strncasecmp(h, "Bearer ", 7) == 0)
		return h + 7;
	if (r->route->token_scope && strcmp(r->route->token_scope, "open311") == 0) {
		const char *k = req_query(r, "api_key");
		if (!k && r->body.len)
			k = req_form(r, "api_key");
		return k;
	}
	return NULL;
}

static int authenticate(struct req *r)
{
	struct db *db = NULL;
	if (strcmp(r->route->perm, PERM_LOCAL) == 0)
		return XF_OK; /* its own bearer token (the metrics token), checked in authorise */
	const char *bearer = bearer_token(r);
	if (bearer) {
		if (!(db = store_reader(r->app->store, &r->err)))
			return r->err.status;
		int rc = auth_token_lookup(db, bearer, &r->user, &r->err);
		if (rc != XF_OK)
			return rc;
		r->authed = true;
		return XF_OK;
	}
	const char *token = req_cookie(r, AUTH_COOKIE);
	if (!token)
		return XF_OK;
	if (!(db = store_reader(r->app->store, &r->err)))
		return r->err.status;
	int rc = auth_session_lookup(r->app, db, token, &r->user, &r->err);
	if (rc == XF_OK) {
		r->authed = true;
		r->cookie_session = true;
		auth_session_touch(r->app, &r->user);
	} else if (rc == XF_EAUTH) {
		/* A stale cookie: tell the browser to forget it; the route decides. */
		char hdr[160];
		auth_clear_cookie_header(r->app, hdr, sizeof hdr);
		resp_header(r, "Set-Cookie", hdr);
		xf_err_clear(&r->err);
		return XF_OK;
	}
	return rc;
}

static bool is_loopback(const char *ip)
{
	return strncmp(ip, "127.", 4) == 0 || strcmp(ip, "::1") == 0 ||
	       strncmp(ip, "::ffff:127.", 11) == 0;
}

/* PERM_LOCAL: the client (after trusted-proxy resolution) is this machine, or it presents
 * the metrics token. */
static int authorise_local(struct req *r)
{
	if (is_loopback(r->client_ip))
		return XF_OK;
	const char *token = r->app->cfg.metrics_token;
	const char *h = req_header(r, "Authorization");
	if (token[0] && h && strncasecmp(h, "Bearer ", 7) == 0 && str_eq_ct(h + 7, token))
		return XF_OK;
	return xf_fail(&r->err, XF_EPERM, "forbidden",
	               "只有本机或持有监控令牌（metrics_token）的客户端可以访问");
}

static int authorise(struct req *r)
{
	const struct route *rt = r->route;
	if (strcmp(rt->perm, PERM_PUBLIC) == 0)
		return XF_OK;
	if (strcmp(rt->perm, PERM_LOCAL) == 0)
		return authorise_local(r);
	if (strcmp(rt->perm, PERM_TEST) == 0) {
		if (!r->app->cfg.test_mode)
			return xf_fail(&r->err, XF_ENOTFOUND, "not_found", "没有这个接口：%s",
			               r->path);
		return XF_OK;
	}
	if (!r->authed) {
		if (req_cookie(r, AUTH_COOKIE))
			return xf_fail(&r->err, XF_EAUTH, "session_expired",
			               "登录已过期，请重新登录");
		return xf_fail(&r->err, XF_EAUTH, "unauthenticated", "请先登录");
	}
	if (r->user.is_token) {
		if (!rt->token_scope || strcmp(rt->token_scope, r->user.token_scope) != 0)
			return xf_fail(&r->err, XF_EPERM, "forbidden",
			               "该 API 令牌的范围（%s）不能调用此接口",
			               r->user.token_scope);
		return XF_OK;
	}
	/* Staff who still owe a second factor may only look after themselves (enrol TOTP). */
	if (!r->user.mfa_ok && strcmp(rt->perm, PERM_SELF) != 0)
		return xf_fail(&r->err, XF_EPERM, "second_factor_required",
		               "请先在“我的账号”中绑定动态口令（双因素认证）");
	if (r->user.must_change_password && strcmp(rt->perm, PERM_SELF) != 0)
		return xf_fail(&r->err, XF_EPERM, "password_change_required",
		               "请先修改初始密码（或已过期的密码）");
	if (!policy_allows(r->user.role, rt->perm))
		return xf_fail(&r->err, XF_EPERM, "forbidden", "没有权限执行此操作");
	return XF_OK;
}

static int check_csrf(struct req *r)
{
	if (!r->route->csrf || !r->cookie_session || !is_write_method(r->method))
		return XF_OK;
	const char *t = req_header(r, "X-CSRF-Token");
	if (!t || !str_eq_ct(t, r->user.csrf))
		return xf_fail(&r->err, XF_EPERM, "csrf_failed",
		               "安全校验失败（缺少或错误的 X-CSRF-Token），请刷新页面后重试");
	return XF_OK;
}

static int check_body(struct req *r)
{
	const struct route *rt = r->route;
	if (rt->raw_body) {
		if (!r->body.len)
			return xf_fail(&r->err, XF_EINVAL, "empty_body", "请求体为空，请上传文件");
		return XF_OK;
	}
	if (!rt->body) {
		if (r->body.len)
			return xf_fail(&r->err, XF_EINVAL, "unexpected_body", "此接口不接受请求体");
		return XF_OK;
	}
	const char *ct = req_header(r, "Content-Type");
	if (!ct || strncasecmp(ct, "application/json", 16) != 0) {
		xf_fail(&r->err, XF_EINVAL, "unsupported_media_type",
		        "请求体必须是 JSON（Content-Type: application/json）");
		r->err.http = 415;
		return r->err.status;
	}
	int rc = jv_parse(r->body.data, r->body.len, &r->json, &r->err);
	if (rc == XF_OK)
		rc = jv_check(r->json, rt->body, &r->err);
	if (rc != XF_OK && strcmp(r->err.code, "invalid_json") != 0 &&
	    strcmp(r->err.code, "invalid_utf8") != 0 && strcmp(r->err.code, "duplicate_key") != 0)
		r->err.http = 422;
	return rc;
}

/* A GET on SQLite reads one snapshot: the session lookup, the scope checks and the
 * handler's queries share one read transaction instead of each statement opening and
 * closing its own (a WAL read mark, shared-memory locks and fcntl calls every time: a tenth
 * of a case read's CPU, bench/ab.sh). Ended when the handler returns, before the answer
 * is sent, so it is never held across a suspended request or by an idle thread. */
static struct db *read_snapshot(struct req *r)
{
	if (r->method != HTTP_GET || !r->app || !r->app->store)
		return NULL;
	struct xf_err e;
	struct db *db = store_reader(r->app->store, &e);
	if (!db || db_engine(db) != DB_SQLITE || db_in_tx(db) || db_begin(db, false, &e) != XF_OK)
		return NULL;
	return db;
}

static int dispatch(struct req *r);

/* A read's handler on a slow-work thread: in a snapshot of that thread's reader, as the
 * HTTP thread reads (an export's pages or a report's figures all from one state). */
static int run_handler(struct req *r)
{
	struct db *snap = read_snapshot(r);
	int rc = r->route->handler(r);
	struct xf_err e;
	if (snap && db_in_tx(snap) && db_commit(snap, &e) != XF_OK)
		db_rollback(snap);
	if (rc == XF_EPERM)
		http_audit_denied(r); /* object-level refusals (out of scope) */
	return rc;
}

int req_offload_handler(struct req *r)
{
	return req_offload(r, run_handler);
}

int http_dispatch(struct req *r)
{
	struct db *snap = read_snapshot(r);
	int rc = dispatch(r);
	struct xf_err e;
	if (snap && db_in_tx(snap) && db_commit(snap, &e) != XF_OK)
		db_rollback(snap);
	return rc;
}

static int dispatch(struct req *r)
{
	int rc = r->route ? XF_OK : http_route(r);
	if (rc != XF_OK)
		return rc;
	if (r->body_too_big)
		return xf_fail(&r->err, XF_ETOOBIG, "body_too_large", "请求体过大（上限 %zu 字节）",
		               r->route->max_body);
	if ((rc = authenticate(r)) != XF_OK || (rc = authorise(r)) != XF_OK ||
	    (rc = check_csrf(r)) != XF_OK || (rc = check_body(r)) != XF_OK) {
		http_audit_denied(r);
		return rc;
	}
	const char *idem = req_header(r, "Idempotency-Key");
	if (idem && is_write_method(r->method) && !is_public(r->route)) {
		size_t n = strlen(idem);
		if (n == 0 || n > 128 || !utf8_valid(idem, n))
			return xf_fail_field(&r->err, XF_EINVAL, "bad_idempotency_key",
			                     "Idempotency-Key",
			                     "Idempotency-Key 应为 1–128 个字符");
		r->idem_key = idem;
		/* The key binds method, path and body. */
		struct buf b;
		buf_init(&b);
		buf_printf(&b, "%s %s\n", r->method_name, r->path);
		buf_append(&b, r->body.data ? r->body.data : "", r->body.len);
		crypto_digest_hex(b.data, b.len, r->body_hash);
		buf_free(&b);
	}
	/* An export (a GET with ?format=…: an XLSX or CSV of up to thousands of rows) runs on the
	 * slow-work threads, so the HTTP thread's other connections don't wait for it. */
	if (r->method == HTTP_GET && req_query(r, "format") && r->app && r->app->store)
		return req_offload(r, run_handler);
	rc = r->route->handler(r);
	if (rc == XF_PENDING && !r->write && !r->offload)
		abort(); /* a handler said pending without queueing work */
	if (rc == XF_EPERM)
		http_audit_denied(r); /* object-level refusals (out of scope) */
	return rc;
}

/* ---- the write path: idempotency and audit wrap the handler's job ---- */

static int idem_lookup(struct db *db, struct req *r, struct xf_err *err)
{
	struct db_stmt *st = db_prep(db,
	                             "SELECT body_hash, status, response FROM idempotency "
	                             "WHERE user_id = ? AND key = ?",
	                             err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, r->authed ? r->user.id : 0);
	db_bind_text(st, 2, r->idem_key);
	int rc = db_step(st, err);
	if (rc == DB_DONE)
		return XF_ENOTFOUND;
	if (rc != DB_ROW)
		return rc;
	if (strcmp(db_col_text(st, 0), r->body_hash) != 0) {
		db_reset(st);
		return xf_fail(err, XF_ECONFLICT, "idempotency_key_reused",
		               "该 Idempotency-Key 已用于另一个不同的请求");
	}
	r->replayed = true;
	resp_json(r, (int)db_col_int(st, 1), db_col_text(st, 2));
	db_reset(st);
	return XF_OK;
}

static void fill_entry(struct req *r, struct audit_entry *e, const char *action,
                       const char *outcome, const char *detail)
{
	*e = (struct audit_entry){
	    .user_id = r->authed && !r->user.is_token ? r->user.id : 0,
	    .role = r->authed ? (r->user.is_token ? r->user.username : r->user.role) : "",
	    .on_behalf_of = r->on_behalf_of,
	    .action = action,
	    .object = r->audit_object[0] ? r->audit_object : r->path,
	    .ip = r->client_ip,
	    .outcome = outcome,
	    .detail = detail,
	};
}

static int audit_row(struct db *db, struct req *r, struct xf_err *err)
{
	struct audit_entry e;
	fill_entry(r, &e, r->route->audit, "ok", r->audit_detail);
	return audit_write(db, &e, err);
}

/* 401 and 403 on protected routes are security events: recorded, without waiting. */
void http_audit_denied(struct req *r)
{
	if (!r->route || is_public(r->route) || !r->app || !r->app->store)
		return;
	int status = xf_err_http(&r->err);
	if (status != 401 && status != 403)
		return;
	struct audit_entry e;
	char action[80];
	snprintf(action, sizeof action, "%s %s", r->method_name, r->route->pattern);
	fill_entry(r, &e, action, "denied", r->err.code);
	audit_write_async(r->app->store, &e);
}

static int run_write(struct db *db, void *arg, struct xf_err *err)
{
	struct req *r = arg;
	int rc;
	if (r->idem_key) {
		rc = idem_lookup(db, r, err);
		if (rc == XF_OK || rc != XF_ENOTFOUND)
			return rc;
		xf_err_clear(err);
	}
	rc = r->write(db, r, err);
	if (rc != XF_OK)
		return rc;
	if (r->route->audit && !r->audit_done && (rc = audit_row(db, r, err)) != XF_OK)
		return rc;
	if (r->idem_key)
		rc = db_run(db, err,
		            "INSERT INTO idempotency(user_id, key, method, path, body_hash, status,"
		            " response, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		            "ittttiti", r->authed ? r->user.id : 0, r->idem_key, r->method_name,
		            r->path, r->body_hash, (int64_t)r->resp.status, buf_cstr(&r->resp.body),
		            clock_now());
	return rc;
}

int req_write(struct req *r, write_fn fn, void *arg)
{
	r->write = fn;
	r->write_arg = arg;
	memset(&r->job, 0, sizeof r->job);
	r->job.fn = run_write;
	r->job.arg = r;
	return XF_PENDING;
}

int req_offload(struct req *r, int (*fn)(struct req *r))
{
	r->offload = fn;
	memset(&r->job, 0, sizeof r->job);
	return XF_PENDING;
}

void http_run_sync(struct req *r, struct store *store)
{
	int rc = http_route(r);
	if (rc == XF_OK && r->body.len > r->route->max_body)
		r->body_too_big = true;
	rc = rc == XF_OK ? http_dispatch(r) : rc;
	if (rc == XF_PENDING && r->offload) /* the slow-work threads' part */
		rc = r->offload(r);
	if (rc == XF_PENDING && !r->write)
		abort(); /* pending without a write queued */
	if (rc == XF_PENDING) {
		struct xf_err err;
		r->job.status = store_write(store, r->job.fn, r->job.arg, &err);
		if (r->job.status != XF_OK)
			r->job.err = err;
		http_finish_job(r);
	} else if (rc != XF_OK) {
		http_error_response(r);
	}
}

void http_finish_job(struct req *r)
{
	if (r->job.status != XF_OK) {
		r->err = r->job.err;
		http_error_response(r);
		return;
	}
	if (r->replayed)
		resp_header(r, "Idempotent-Replayed", "true");
}
