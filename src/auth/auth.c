#include "auth.h"
#include "../api/app.h"
#include "../core/clock.h"
#include "../core/log.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int auth_user_create(struct db *db, const char *username, const char *password_hash,
                     const char *display_name, const char *role, int64_t place_id,
                     bool must_change_password, int64_t *id_out, struct xf_err *err)
{
	int64_t now = clock_now();
	struct db_stmt *st =
	    db_prep(db,
	            "INSERT INTO users(username, password_hash, display_name, role,"
	            " place_id, must_change_password, created_at, updated_at)"
	            " VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
	            err);
	if (!st)
		return err->status;
	db_bind_text(st, 1, username);
	db_bind_text(st, 2, password_hash);
	db_bind_text(st, 3, display_name);
	db_bind_text(st, 4, role);
	if (place_id > 0)
		db_bind_int(st, 5, place_id);
	else
		db_bind_null(st, 5);
	db_bind_int(st, 6, must_change_password);
	db_bind_int(st, 7, now);
	db_bind_int(st, 8, now);
	int rc = db_step(st, err);
	if (rc != DB_ROW) {
		if (rc == XF_ECONFLICT)
			return xf_fail_field(err, XF_ECONFLICT, "username_taken", "username",
			                     "用户名 %s 已被使用", username);
		return rc;
	}
	if (id_out)
		*id_out = db_col_int(st, 0);
	db_reset(st);
	return XF_OK;
}

/* A real argon2id hash of a random password: verifying against it when the user does not
 * exist costs the same as a wrong password, so timing does not reveal which usernames exist. */
static char dummy_buf[crypto_pwhash_STRBYTES];
static void dummy_init(void)
{
	char pw[13];
	struct xf_err e;
	crypto_random_password(pw);
	if (crypto_pw_hash(pw, dummy_buf, sizeof dummy_buf, &e) != XF_OK)
		dummy_buf[0] = 0;
}

int auth_check_password(struct db *db, const char *username, const char *password, int64_t *user_id,
                        struct xf_err *err)
{
	struct db_stmt *st =
	    db_prep(db, "SELECT id, password_hash, disabled FROM users WHERE username = ?", err);
	if (!st)
		return err->status;
	db_bind_text(st, 1, username);
	int rc = db_step(st, err);
	if (rc < 0)
		return rc;
	char hash[crypto_pwhash_STRBYTES];
	int64_t id = 0, disabled = 0;
	if (rc == DB_ROW) {
		id = db_col_int(st, 0);
		snprintf(hash, sizeof hash, "%s", db_col_text(st, 1));
		disabled = db_col_int(st, 2);
		db_reset(st);
	} else {
		static pthread_once_t once = PTHREAD_ONCE_INIT;
		pthread_once(&once, dummy_init);
		snprintf(hash, sizeof hash, "%s", dummy_buf);
	}
	bool ok = crypto_pw_verify(hash, password);
	sodium_memzero(hash, sizeof hash);
	if (!ok || id == 0)
		return xf_fail(err, XF_EAUTH, "invalid_credentials", "用户名或密码不正确");
	if (disabled)
		return xf_fail(err, XF_EPERM, "account_disabled", "账号已停用，请联系管理员");
	*user_id = id;
	return XF_OK;
}

int auth_session_create(struct app *app, struct db *db, int64_t user_id, const char *ip,
                        char token[XF_TOKEN_CHARS], char csrf[XF_TOKEN_CHARS], struct xf_err *err)
{
	char hash[XF_DIGEST_HEX];
	crypto_token(token);
	crypto_token(csrf);
	crypto_digest_hex(token, strlen(token), hash);
	int64_t now = clock_now();
	return db_run(db, err,
	              "INSERT INTO sessions(token_hash, user_id, csrf, ip, created_at, last_seen,"
	              " expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
	              "tittiii", hash, user_id, csrf, ip, now, now, now + app->cfg.session_max_s);
}

static void fill_user(struct db_stmt *st, struct xf_user *u, int off)
{
	u->id = db_col_int(st, off + 0);
	snprintf(u->username, sizeof u->username, "%s", db_col_text(st, off + 1));
	snprintf(u->display_name, sizeof u->display_name, "%s", db_col_text(st, off + 2));
	snprintf(u->role, sizeof u->role, "%s", db_col_text(st, off + 3));
	u->place_id = db_col_int(st, off + 4);
	snprintf(u->place_name, sizeof u->place_name, "%s", db_col_text(st, off + 5));
	u->must_change_password = db_col_int(st, off + 6) != 0;
}

int auth_session_lookup(struct app *app, struct db *db, const char *token, struct xf_user *u,
                        struct xf_err *err)
{
	size_t n = strlen(token);
	if (n == 0 || n > 64)
		return xf_fail(err, XF_EAUTH, "session_expired", "登录已过期，请重新登录");
	char hash[XF_DIGEST_HEX];
	crypto_digest_hex(token, n, hash);
	struct db_stmt *st = db_prep(
	    db,
	    "SELECT s.csrf, s.last_seen, s.expires_at, u.id, u.username, u.display_name, u.role,"
	    " coalesce(u.place_id, 0), coalesce(p.name, ''), u.must_change_password, u.disabled"
	    " FROM sessions s JOIN users u ON u.id = s.user_id"
	    " LEFT JOIN places p ON p.id = u.place_id WHERE s.token_hash = ?",
	    err);
	if (!st)
		return err->status;
	db_bind_text(st, 1, hash);
	int rc = db_step(st, err);
	if (rc < 0)
		return rc;
	if (rc == DB_DONE)
		return xf_fail(err, XF_EAUTH, "session_expired", "登录已过期，请重新登录");
	int64_t now = clock_now(), last = db_col_int(st, 1), expires = db_col_int(st, 2);
	bool disabled = db_col_int(st, 10) != 0;
	memset(u, 0, sizeof *u);
	snprintf(u->csrf, sizeof u->csrf, "%s", db_col_text(st, 0));
	fill_user(st, u, 3);
	db_reset(st);
	if (disabled || now >= expires || now - last >= app->cfg.session_idle_s)
		return xf_fail(err, XF_EAUTH, "session_expired", "登录已过期，请重新登录");
	memcpy(u->token_hash, hash, sizeof hash);
	u->session_last_seen = last;
	return XF_OK;
}

int auth_user_load(struct db *db, int64_t id, struct xf_user *u, struct xf_err *err)
{
	struct db_stmt *st =
	    db_prep(db,
	            "SELECT u.id, u.username, u.display_name, u.role, coalesce(u.place_id, 0),"
	            " coalesce(p.name, ''), u.must_change_password"
	            " FROM users u LEFT JOIN places p ON p.id = u.place_id WHERE u.id = ?",
	            err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	int rc = db_step(st, err);
	if (rc < 0)
		return rc;
	if (rc == DB_DONE)
		return xf_fail(err, XF_ENOTFOUND, "not_found", "账号不存在");
	memset(u, 0, sizeof *u);
	fill_user(st, u, 0);
	db_reset(st);
	return XF_OK;
}

int auth_session_delete(struct db *db, const char *token_hash, struct xf_err *err)
{
	return db_run(db, err, "DELETE FROM sessions WHERE token_hash = ?", "t", token_hash);
}

struct touch {
	struct write_job job;
	char hash[XF_DIGEST_HEX];
	int64_t now;
};

static int touch_fn(struct db *db, void *arg, struct xf_err *err)
{
	struct touch *t = arg;
	return db_run(db, err, "UPDATE sessions SET last_seen = ? WHERE token_hash = ?", "it",
	              t->now, t->hash);
}

static void touch_done(struct write_job *job)
{
	free(job->arg);
}

void auth_session_touch(struct app *app, const struct xf_user *u)
{
	int64_t now = clock_now();
	if (now - u->session_last_seen < 60)
		return;
	struct touch *t = xcalloc(1, sizeof *t);
	memcpy(t->hash, u->token_hash, sizeof t->hash);
	t->now = now;
	t->job.fn = touch_fn;
	t->job.arg = t;
	t->job.done = touch_done;
	store_submit(app->store, &t->job);
}

int auth_purge(struct db *db, int64_t now, struct xf_err *err)
{
	int rc = db_run(db, err, "DELETE FROM sessions WHERE expires_at <= ?", "i", now);
	if (rc == XF_OK)
		rc = db_run(db, err, "DELETE FROM idempotency WHERE created_at <= ?", "i",
		            now - 24 * 3600);
	return rc;
}

void auth_cookie_header(struct app *app, const char *token, char *out, size_t n)
{
	snprintf(out, n, "%s=%s; Path=/; HttpOnly; SameSite=Lax%s", AUTH_COOKIE, token,
	         app->cfg.cookie_secure ? "; Secure" : "");
}

void auth_clear_cookie_header(struct app *app, char *out, size_t n)
{
	snprintf(out, n, "%s=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0%s", AUTH_COOKIE,
	         app->cfg.cookie_secure ? "; Secure" : "");
}

json_t *auth_user_json(const struct xf_user *u)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:o, s:s, s:b}", "id", (json_int_t)u->id, "username",
	                 u->username, "display_name", u->display_name, "role", u->role, "place_id",
	                 u->place_id ? json_integer(u->place_id) : json_null(), "place_name",
	                 u->place_name, "must_change_password", u->must_change_password);
}
