/* Test support: a real server on an ephemeral loopback port over a fresh demo database,
 * and a small raw-socket HTTP client (raw, so tests can send what browsers never would). */
#ifndef XF_TESTLIB_H
#define XF_TESTLIB_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "api/api.h"
#include "api/app.h"
#include "http/server.h"
#include "store/store.h"

#define DEMO_PW "test-password-1"

struct tserver {
	struct app app;
	struct server *srv;
	int port;
	char dir[256];
	char db[512];
	char outbox[320];
	char access[320];
};

/* The engine this run tests: $XINGFU_TEST_ENGINE, "sqlite" (default) or "postgres". On
 * postgres the cluster's admin URL is read from the file $XINGFU_TEST_PG_STATE (written by
 * scripts/pg-test.sh); a missing or unreachable server fails the test, never skips it. */
bool ts_postgres(void);
/* A random personal-data key for this process (what the key file gives a server). */
void ts_key_init(void);
/* A new empty database for one test: a file in dir (SQLite) or a new database in the test
 * cluster (PostgreSQL). target receives the path or URL. */
void ts_new_db(const char *dir, char *target, size_t n);
void ts_drop_db(const char *target);
/* Run a cmocka group and print "XF-TESTS engine=… run=N failed=M" for the summary. */
int ts_run_group(const char *name, const struct CMUnitTest *tests, size_t n,
                 CMFixtureFunction setup, CMFixtureFunction teardown);
#define TS_RUN(tests, setup, teardown)                                                             \
	ts_run_group(#tests, tests, sizeof(tests) / sizeof((tests)[0]), setup, teardown)

/* Make a temp dir with a small demo city; start serving it in test mode. */
void ts_start(struct tserver *t);
void ts_stop(struct tserver *t);
/* A temp directory for a test (removed by ts_rmdir). */
void ts_tmpdir(char *out, size_t n);
void ts_rmdir(const char *dir);

struct hresp {
	int status;
	char *head; /* status line and headers */
	char *body;
	size_t body_len; /* bytes in body (it may hold NULs; a NUL follows them) */
	json_t *json;    /* parsed body, or NULL */
};

/* Send raw bytes, read until the server closes or a full response arrives. */
int http_raw(int port, const char *raw, size_t len, struct hresp *out);
/* method path [extra header lines "K: v\r\n"] [JSON body]. */
int http_req(int port, const char *method, const char *path, const char *extra_headers,
             const char *body, struct hresp *out);
const char *hr_header(const struct hresp *r, const char *name, char *buf, size_t n);
const char *hr_error_code(const struct hresp *r);
void hr_free(struct hresp *r);

/* Sign in; fills "Cookie: xf_session=…\r\nX-CSRF-Token: …\r\n" for later requests. */
void ts_login(struct tserver *t, const char *user, const char *pw, char *hdrs, size_t n);

#endif
