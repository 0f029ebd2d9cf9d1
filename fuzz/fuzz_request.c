/* The whole request path without sockets: request target, headers, body, routing,
 * authentication (anonymous or a real admin session), CSRF, body checks, handlers and their
 * write jobs, against a real demo database. Input: a first byte choosing the session, then
 * "METHOD URI\n", header lines "Name: value\n", a blank line, the body. */
#include "fuzz.h"
#include "api/api.h"
#include "api/app.h"
#include "auth/auth.h"
#include "core/crypto.h"
#include "core/log.h"
#include "core/pii.h"
#include "core/ratelimit.h"
#include "registry/demo.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct app app;
static char cookie[128], csrf[64];
static char dir[] = "/tmp/xffuzz.XXXXXX";

static void cleanup(void)
{
	char cmd[64];
	store_close(app.store);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

/* An admin session for inputs that ask for one; re-made after every write, since the input
 * may have signed it out, disabled the account or revoked its sessions. */
static int make_session(struct db *db, void *arg, struct xf_err *err)
{
	char token[XF_TOKEN_CHARS];
	int64_t id;
	int rc = db_run(db, err,
	                "UPDATE users SET disabled = 0, must_change_password = 0, locked_until = 0"
	                " WHERE username = 'admin'",
	                "");
	if (rc == XF_OK)
		rc = db_int(db, err, &id, "SELECT id FROM users WHERE username = 'admin'", "");
	if (rc == XF_OK)
		rc = auth_session_create(&app, db, id, "127.0.0.1", "fuzz", true, NULL, token, csrf,
		                         err);
	snprintf(cookie, sizeof cookie, "xf_session=%s", token);
	return rc;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	if (!mkdtemp(dir))
		abort();
	atexit(cleanup);
	char path[128];
	snprintf(path, sizeof path, "%s/f.db", dir);
	crypto_init();
	crypto_pw_set_min_cost(true);
	log_set_level(LOG_ERROR);
	unsigned char key[XF_KEY_BYTES];
	randombytes_buf(key, sizeof key);
	pii_set_key(key);
	struct db *db;
	struct xf_err err;
	struct demo_stats ds = {0};
	if (db_open(path, DB_OPEN_CREATE | DB_OPEN_WRITER, &db, &err) != XF_OK ||
	    store_migrate(db, &err) != XF_OK ||
	    demo_generate(db, DEMO_SMALL, "fuzz-password", &ds, &err) != XF_OK)
		abort();
	db_close(db);
	app_config_defaults(&app.cfg);
	app.cfg.test_mode = false;
	app.demo = true;
	app.login_limiter = ratelimit_new(1024);
	if (store_open(path, &app.store, &err) != XF_OK ||
	    store_write(app.store, make_session, NULL, &err) != XF_OK)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2 || size > 1 << 16)
		return 0;
	int mode = data[0];
	char *s = malloc(size);
	memcpy(s, data + 1, size - 1);
	s[size - 1] = 0;
	size_t len = size - 1;
	struct req *r = req_new(&app);
	snprintf(r->client_ip, sizeof r->client_ip, "127.0.0.1");
	char *line_end = memchr(s, '\n', len);
	char *end = s + len;
	char *first_end = line_end ? line_end : end;
	char *sp = memchr(s, ' ', (size_t)(first_end - s));
	if (sp) {
		*sp = 0;
		req_set_method(r, s);
		req_set_uri(r, sp + 1, (size_t)(first_end - sp - 1));
	} else {
		req_set_method(r, "GET");
		req_set_uri(r, s, (size_t)(first_end - s));
	}
	char *p = line_end ? line_end + 1 : end;
	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *le = nl ? nl : end;
		if (le == p) {
			p = le + 1;
			break;
		}
		char *colon = memchr(p, ':', (size_t)(le - p));
		if (colon) {
			*colon = 0;
			*le = 0;
			char *v = colon + 1;
			while (*v == ' ')
				v++;
			req_add_header(r, p, v);
		}
		p = le + 1;
	}
	if (mode & 1) {
		req_add_header(r, "Cookie", cookie);
		if (mode & 2)
			req_add_header(r, "X-CSRF-Token", csrf);
	}
	if (p < end)
		buf_append(&r->body, p, (size_t)(end - p));
	http_run_sync(r, app.store);
	if (r->job.fn) { /* a write ran: the next input starts signed in again */
		struct xf_err e2;
		if (store_write(app.store, make_session, NULL, &e2) != XF_OK)
			abort();
	}
	req_free(r);
	free(s);
	return 0;
}
