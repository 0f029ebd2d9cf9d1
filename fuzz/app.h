/* A small demo city in a temporary directory, served in-process (no sockets) to the harnesses
 * that drive whole requests (fuzz_route, fuzz_open311, fuzz_codes): sign anyone in, send one
 * request through routing, authentication, CSRF, body checks, the handler and the writer
 * exactly as the server would, and read the answer. */
#ifndef XF_FUZZ_APP_H
#define XF_FUZZ_APP_H

#include "api/app.h"
#include "core/buf.h"
#include "store/store.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

extern struct app fuzz_app;

/* Create the city and start its store (once; aborts on failure). */
void fuzz_app_init(void);

/* The demo accounts a harness may act as (index into this table), -1 = anonymous. */
extern const char *const fuzz_users[];
extern const size_t fuzz_nusers;
int64_t fuzz_user_id(const char *username);

struct fuzz_call {
	const char *method;
	const char *uri;
	size_t uri_len;
	int user;           /* index into fuzz_users, or -1 */
	int64_t user_id;    /* instead of user, when > 0: any account */
	bool no_csrf;       /* leave out X-CSRF-Token */
	const char *bearer; /* Authorization: Bearer … (an API token) */
	const char *content_type;
	const void *body;
	size_t body_len;
	const char *const *headers; /* extra "Name", "value" pairs, NULL-terminated */
};

/* Run one request; the answer's status, and its body in out when out is not NULL. After a
 * write the account used is made usable again (enabled, no forced password change, a fresh
 * session when the request ended it), so one input cannot lock the next ones out. */
int fuzz_app_call(const struct fuzz_call *c, struct buf *out);

/* Run SQL-free setup through the writer: fn gets the writer's connection. */
int fuzz_app_write(int (*fn)(struct db *, void *, struct xf_err *), void *arg);

#endif
