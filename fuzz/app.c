/* The in-process demo city of fuzz/app.h. */
#include "app.h"
#include "api/api.h"
#include "auth/auth.h"
#include "core/crypto.h"
#include "core/log.h"
#include "core/pii.h"
#include "core/ratelimit.h"
#include "http/http.h"
#include "registry/demo.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct app fuzz_app;
static char dir[] = "/tmp/xffuzz.XXXXXX";

const char *const fuzz_users[] = {"admin",  "jiedao", "shequ",     "wangge",  "dangyuan", "jumin",
                                  "danwei", "wuye",   "shangdian", "daibiao", "shenji",   "shenpi"};
const size_t fuzz_nusers = sizeof fuzz_users / sizeof fuzz_users[0];

/* Sessions made so far, by account. */
static struct session {
	int64_t user_id;
	char cookie[128], csrf[XF_TOKEN_CHARS];
} sessions[32];
static size_t nsessions;

static void cleanup(void)
{
	char cmd[64];
	store_close(fuzz_app.store);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

void fuzz_app_init(void)
{
	if (fuzz_app.store)
		return;
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
	    demo_generate(db, DEMO_SMALL, "fuzz-password", &ds, &err) != XF_OK) {
		fprintf(stderr, "fuzz: demo city failed: %s\n", err.message);
		abort();
	}
	db_close(db);
	app_config_defaults(&fuzz_app.cfg);
	fuzz_app.cfg.test_mode = false;
	fuzz_app.demo = true;
	fuzz_app.login_limiter = ratelimit_new(1024);
	if (store_open(path, &fuzz_app.store, &err) != XF_OK)
		abort();
}

int fuzz_app_write(int (*fn)(struct db *, void *, struct xf_err *), void *arg)
{
	struct xf_err err;
	return store_write(fuzz_app.store, fn, arg, &err);
}

int64_t fuzz_user_id(const char *username)
{
	struct xf_err err;
	struct db *db = store_reader(fuzz_app.store, &err);
	int64_t id = 0;
	if (!db || db_int(db, &err, &id, "SELECT id FROM users WHERE username = ?", "t",
	                  username) != XF_OK)
		return 0;
	return id;
}

/* Make the account usable again and give it a new session. */
static int make_session(struct db *db, void *arg, struct xf_err *err)
{
	struct session *s = arg;
	char token[XF_TOKEN_CHARS];
	int rc = db_run(db, err,
	                "UPDATE users SET disabled = 0, must_change_password = 0, locked_until = 0"
	                " WHERE id = ?",
	                "i", s->user_id);
	if (rc == XF_OK)
		rc = auth_session_create(&fuzz_app, db, s->user_id, "127.0.0.1", "fuzz", true, NULL,
		                         token, s->csrf, err);
	snprintf(s->cookie, sizeof s->cookie, "xf_session=%s", token);
	return rc;
}

static struct session *session_for(int64_t user_id)
{
	for (size_t i = 0; i < nsessions; i++)
		if (sessions[i].user_id == user_id)
			return &sessions[i];
	if (nsessions == sizeof sessions / sizeof sessions[0])
		nsessions = 0; /* forget the oldest ones: they are made again when needed */
	struct session *s = &sessions[nsessions];
	s->user_id = user_id;
	if (fuzz_app_write(make_session, s) != XF_OK)
		abort();
	nsessions++;
	return s;
}

static void forget_session(int64_t user_id)
{
	for (size_t i = 0; i < nsessions; i++)
		if (sessions[i].user_id == user_id) {
			sessions[i] = sessions[--nsessions];
			return;
		}
}

int fuzz_app_call(const struct fuzz_call *c, struct buf *out)
{
	int64_t uid = c->user_id;
	if (uid <= 0 && c->user >= 0 && (size_t)c->user < fuzz_nusers)
		uid = fuzz_user_id(fuzz_users[c->user]);
	struct session *s = uid > 0 ? session_for(uid) : NULL;
	struct req *r = req_new(&fuzz_app);
	snprintf(r->client_ip, sizeof r->client_ip, "127.0.0.1");
	snprintf(r->peer_ip, sizeof r->peer_ip, "127.0.0.1");
	req_set_method(r, c->method);
	req_set_uri(r, c->uri, c->uri_len);
	if (s) {
		req_add_header(r, "Cookie", s->cookie);
		if (!c->no_csrf)
			req_add_header(r, "X-CSRF-Token", s->csrf);
	}
	if (c->bearer) {
		char auth[128];
		snprintf(auth, sizeof auth, "Bearer %s", c->bearer);
		req_add_header(r, "Authorization", auth);
	}
	if (c->content_type)
		req_add_header(r, "Content-Type", c->content_type);
	for (const char *const *h = c->headers; h && h[0] && h[1]; h += 2)
		req_add_header(r, h[0], h[1]);
	if (c->body_len)
		buf_append(&r->body, c->body, c->body_len);
	http_run_sync(r, fuzz_app.store);
	int status = r->resp.status;
	if (status < 100 || status > 599)
		abort(); /* every request gets a real HTTP status */
	if (out) {
		if (r->resp.borrowed)
			buf_append(out, r->resp.borrowed, r->resp.borrowed_len);
		else
			buf_append(out, r->resp.body.data, r->resp.body.len);
	}
	/* The input may have signed out, disabled the account, forced a password change or
	 * enrolled a second factor: the next call gets a fresh, usable session. */
	bool stale = status == 401 || strcmp(r->err.code, "password_change_required") == 0 ||
	             strcmp(r->err.code, "second_factor_required") == 0;
	req_free(r);
	if (s && stale)
		forget_session(uid);
	return status;
}
