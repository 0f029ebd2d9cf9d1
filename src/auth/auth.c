#include "auth.h"
#include "../api/app.h"
#include "../core/clock.h"
#include "../core/log.h"
#include "../core/pii.h"
#include "../core/str.h"
#include "policy.h"

#include <ctype.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int auth_user_create(struct db *db, const char *username, const char *password_hash,
                     const char *display_name, int64_t person_id, const char *phone,
                     int64_t *id_out, struct xf_err *err)
{
	int64_t now = clock_now();
	char bidx[XF_DIGEST_HEX];
	if (phone)
		pii_bidx("phone", phone, bidx);
	struct db_stmt *st = db_prep(db,
	                             "INSERT INTO users(username, password_hash, display_name,"
	                             " person_id, phone_bidx, password_changed_at, created_at,"
	                             " updated_at, phone_enc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
	                             " RETURNING id",
	                             err);
	if (!st)
		return err->status;
	db_bind_text(st, 1, username);
	db_bind_text(st, 2, password_hash);
	db_bind_text(st, 3, display_name);
	if (person_id > 0)
		db_bind_int(st, 4, person_id);
	else
		db_bind_null(st, 4);
	db_bind_text(st, 5, phone ? bidx : NULL);
	db_bind_int(st, 6, now);
	db_bind_int(st, 7, now);
	db_bind_int(st, 8, now);
	if (phone) {
		struct buf sealed;
		buf_init(&sealed);
		pii_seal(phone, &sealed);
		db_bind_blob(st, 9, sealed.data, sealed.len);
		buf_free(&sealed);
	} else {
		db_bind_null(st, 9);
	}
	int rc = db_step(st, err);
	if (rc != DB_ROW) {
		if (rc == XF_ECONFLICT)
			return xf_fail_field(err, XF_ECONFLICT, "username_taken", "username",
			                     "用户名 %s 或手机号已被使用", username);
		return rc < 0 ? rc : XF_EDB;
	}
	if (id_out)
		*id_out = db_col_int(st, 0);
	db_reset(st);
	return XF_OK;
}

int auth_grant_add(struct db *db, int64_t user_id, const char *role, int64_t place_id,
                   int64_t created_by, int64_t *id_out, struct xf_err *err)
{
	if (!policy_role(role))
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "role",
		                     "没有这个角色：%s", role);
	struct db_stmt *st = db_prep(db,
	                             "INSERT INTO grants(user_id, role, place_id, created_at,"
	                             " created_by) VALUES (?, ?, ?, ?, ?) RETURNING id",
	                             err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, user_id);
	db_bind_text(st, 2, role);
	db_bind_int(st, 3, place_id);
	db_bind_int(st, 4, clock_now());
	if (created_by)
		db_bind_int(st, 5, created_by);
	else
		db_bind_null(st, 5);
	int rc = db_step(st, err);
	if (rc != DB_ROW) {
		if (rc == XF_ECONFLICT)
			return xf_fail(err, XF_ECONFLICT, "grant_exists",
			               "该账号已有这个角色和地点的授权");
		return rc < 0 ? rc : XF_EDB;
	}
	if (id_out)
		*id_out = db_col_int(st, 0);
	db_reset(st);
	return XF_OK;
}

static bool holds_staff_grant(struct db *db, int64_t user_id)
{
	struct xf_err e;
	struct db_stmt *st = db_prep(db, "SELECT role FROM grants WHERE user_id = ?", &e);
	if (!st)
		return true; /* fail closed: ask for the second factor */
	db_bind_int(st, 1, user_id);
	bool staff = false;
	while (db_step(st, &e) == DB_ROW) {
		const struct role_info *ri = policy_role(db_col_text(st, 0));
		if (ri && ri->staff)
			staff = true;
	}
	return staff;
}

int auth_login_load(struct db *db, const char *username, const char *phone_bidx,
                    struct login_info *li, struct xf_err *err)
{
	memset(li, 0, sizeof *li);
	struct db_stmt *st =
	    username ? db_prep(db,
	                       "SELECT id, password_hash, disabled, locked_until, failed_logins,"
	                       " totp_enabled, totp_secret_enc, password_changed_at FROM users"
	                       " WHERE username = ?",
	                       err)
	             : db_prep(db,
	                       "SELECT id, password_hash, disabled, locked_until, failed_logins,"
	                       " totp_enabled, totp_secret_enc, password_changed_at FROM users"
	                       " WHERE phone_bidx = ?",
	                       err);
	if (!st)
		return err->status;
	db_bind_text(st, 1, username ? username : phone_bidx);
	int rc = db_step(st, err);
	if (rc < 0)
		return rc;
	if (rc == DB_DONE)
		return XF_ENOTFOUND;
	li->id = db_col_int(st, 0);
	snprintf(li->hash, sizeof li->hash, "%s", db_col_text(st, 1));
	li->disabled = db_col_int(st, 2) != 0;
	li->locked_until = db_col_int(st, 3);
	li->failed = db_col_int(st, 4);
	li->totp_enabled = db_col_int(st, 5) != 0;
	li->password_changed_at = db_col_int(st, 7);
	size_t n = 0;
	const void *sealed = db_col_blob(st, 6, &n);
	if (sealed && n) {
		struct buf b;
		buf_init(&b);
		if (pii_open(sealed, n, &b, err) == XF_OK)
			snprintf(li->totp_secret, sizeof li->totp_secret, "%s", b.data);
		sodium_memzero(b.data, b.len);
		buf_free(&b);
	}
	db_reset(st);
	li->staff = holds_staff_grant(db, li->id);
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

bool auth_verify_password(const struct login_info *li, const char *password)
{
	if (!li || !li->hash[0]) {
		static pthread_once_t once = PTHREAD_ONCE_INIT;
		pthread_once(&once, dummy_init);
		crypto_pw_verify(dummy_buf, password);
		return false;
	}
	return crypto_pw_verify(li->hash, password);
}

int auth_login_failed(struct db *db, int64_t user_id, int max_failures, int lock_seconds,
                      bool *locked, struct xf_err *err)
{
	int64_t failed = 0, now = clock_now();
	*locked = false;
	int rc = db_int(db, err, &failed,
	                "UPDATE users SET failed_logins = failed_logins + 1 WHERE id = ?"
	                " RETURNING failed_logins",
	                "i", user_id);
	if (rc != XF_OK)
		return rc;
	if (failed >= max_failures) {
		*locked = true;
		return db_run(db, err,
		              "UPDATE users SET failed_logins = 0, locked_until = ? WHERE id = ?",
		              "ii", now + lock_seconds, user_id);
	}
	return XF_OK;
}

int auth_session_create(struct app *app, struct db *db, int64_t user_id, const char *ip,
                        const char *user_agent, bool mfa_ok, const char *replaces_token_hash,
                        char token[XF_TOKEN_CHARS], char csrf[XF_TOKEN_CHARS], struct xf_err *err)
{
	char hash[XF_DIGEST_HEX];
	crypto_token(token);
	crypto_token(csrf);
	crypto_digest_hex(token, strlen(token), hash);
	int64_t now = clock_now(), grant = 0;
	int rc;
	if (replaces_token_hash &&
	    (rc = auth_session_delete(db, replaces_token_hash, err)) != XF_OK)
		return rc;
	if ((rc = db_run(db, err,
	                 "UPDATE users SET failed_logins = 0, locked_until = 0 WHERE id = ?", "i",
	                 user_id)) != XF_OK)
		return rc;
	rc = db_int(db, err, &grant, "SELECT min(id) FROM grants WHERE user_id = ?", "i", user_id);
	if (rc != XF_OK)
		return rc;
	struct db_stmt *st = db_prep(db,
	                             "INSERT INTO sessions(token_hash, user_id, grant_id, csrf, ip,"
	                             " user_agent, mfa_ok, created_at, last_seen, expires_at)"
	                             " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	                             err);
	if (!st)
		return err->status;
	db_bind_text(st, 1, hash);
	db_bind_int(st, 2, user_id);
	if (grant)
		db_bind_int(st, 3, grant);
	else
		db_bind_null(st, 3);
	db_bind_text(st, 4, csrf);
	db_bind_text(st, 5, ip);
	db_bind_text(st, 6, user_agent ? user_agent : "");
	db_bind_int(st, 7, mfa_ok);
	db_bind_int(st, 8, now);
	db_bind_int(st, 9, now);
	db_bind_int(st, 10, now + app->cfg.session_max_s);
	rc = db_step(st, err);
	return rc == DB_DONE ? XF_OK : rc;
}

/* Account columns, then the grant's, in the order fill_user reads them. */
static void fill_user(struct db_stmt *st, struct xf_user *u, int off)
{
	u->id = db_col_int(st, off + 0);
	snprintf(u->username, sizeof u->username, "%s", db_col_text(st, off + 1));
	snprintf(u->display_name, sizeof u->display_name, "%s", db_col_text(st, off + 2));
	u->person_id = db_col_int(st, off + 3);
	u->must_change_password = db_col_int(st, off + 4) != 0;
	u->totp_enabled = db_col_int(st, off + 5) != 0;
	u->grant_id = db_col_int(st, off + 6);
	snprintf(u->role, sizeof u->role, "%s", db_col_text(st, off + 7));
	u->place_id = db_col_int(st, off + 8);
	snprintf(u->place_name, sizeof u->place_name, "%s", db_col_text(st, off + 9));
	u->ngrants = (int)db_col_int(st, off + 10);
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
	    "SELECT s.csrf, s.last_seen, s.expires_at, u.disabled, s.id, s.mfa_ok,"
	    " u.id, u.username, u.display_name, coalesce(u.person_id, 0), u.must_change_password,"
	    " u.totp_enabled, coalesce(g.id, 0), coalesce(g.role, ''), coalesce(g.place_id, 0),"
	    " '', 0 FROM sessions s JOIN users u ON u.id = s.user_id"
	    " LEFT JOIN grants g ON g.id = s.grant_id WHERE s.token_hash = ?",
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
	bool disabled = db_col_int(st, 3) != 0;
	memset(u, 0, sizeof *u);
	snprintf(u->csrf, sizeof u->csrf, "%s", db_col_text(st, 0));
	u->session_id = db_col_int(st, 4);
	u->mfa_ok = db_col_int(st, 5) != 0;
	fill_user(st, u, 6);
	db_reset(st);
	if (disabled || now >= expires || now - last >= app->cfg.session_idle_s)
		return xf_fail(err, XF_EAUTH, "session_expired", "登录已过期，请重新登录");
	memcpy(u->token_hash, hash, sizeof hash);
	u->session_last_seen = last;
	return XF_OK;
}

int auth_user_describe(struct db *db, struct xf_user *u, struct xf_err *err)
{
	struct db_stmt *st = db_prep(db,
	                             "SELECT coalesce((SELECT name FROM places WHERE id = ?), ''),"
	                             " (SELECT count(*) FROM grants WHERE user_id = ?)",
	                             err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, u->place_id);
	db_bind_int(st, 2, u->id);
	int rc = db_step(st, err);
	if (rc != DB_ROW)
		return rc < 0 ? rc : XF_EDB;
	snprintf(u->place_name, sizeof u->place_name, "%s", db_col_text(st, 0));
	u->ngrants = (int)db_col_int(st, 1);
	db_reset(st);
	return XF_OK;
}

int auth_user_load(struct db *db, int64_t id, int64_t grant_id, struct xf_user *u,
                   struct xf_err *err)
{
	struct db_stmt *st = db_prep(
	    db,
	    "SELECT u.id, u.username, u.display_name, coalesce(u.person_id, 0),"
	    " u.must_change_password, u.totp_enabled, coalesce(g.id, 0), coalesce(g.role, ''),"
	    " coalesce(g.place_id, 0), coalesce(p.name, ''),"
	    " (SELECT count(*) FROM grants x WHERE x.user_id = u.id)"
	    " FROM users u LEFT JOIN grants g ON g.id = (SELECT min(id) FROM grants y"
	    " WHERE y.user_id = u.id AND (? = 0 OR y.id = ?))"
	    " LEFT JOIN places p ON p.id = g.place_id WHERE u.id = ?",
	    err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, grant_id);
	db_bind_int(st, 2, grant_id);
	db_bind_int(st, 3, id);
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

int auth_sessions_revoke(struct db *db, int64_t user_id, int64_t session_id, struct xf_err *err)
{
	if (session_id == 0)
		return db_run(db, err, "DELETE FROM sessions WHERE user_id = ?", "i", user_id);
	int rc = db_run(db, err, "DELETE FROM sessions WHERE id = ? AND user_id = ?", "ii",
	                session_id, user_id);
	if (rc == XF_OK && db_changes(db) == 0)
		return xf_fail(err, XF_ENOTFOUND, "not_found", "没有这个会话");
	return rc;
}

int auth_session_set_grant(struct db *db, int64_t session_id, int64_t user_id, int64_t grant_id,
                           struct xf_err *err)
{
	int64_t n = 0;
	int rc = db_int(db, err, &n, "SELECT count(*) FROM grants WHERE id = ? AND user_id = ?",
	                "ii", grant_id, user_id);
	if (rc != XF_OK)
		return rc;
	if (n == 0)
		return xf_fail_field(err, XF_ENOTFOUND, "not_found", "grant_id", "您没有这个授权");
	return db_run(db, err, "UPDATE sessions SET grant_id = ? WHERE id = ?", "ii", grant_id,
	              session_id);
}

int auth_set_password(struct db *db, int64_t user_id, const char *password_hash, bool must_change,
                      struct xf_err *err)
{
	int64_t now = clock_now();
	return db_run(db, err,
	              "UPDATE users SET password_hash = ?, must_change_password = ?,"
	              " password_changed_at = ?, updated_at = ? WHERE id = ?",
	              "tiiii", password_hash, (int64_t)must_change, now, now, user_id);
}

int auth_set_disabled(struct db *db, int64_t user_id, bool disabled, struct xf_err *err)
{
	int rc = db_run(db, err, "UPDATE users SET disabled = ?, updated_at = ? WHERE id = ?",
	                "iii", (int64_t)disabled, clock_now(), user_id);
	if (rc == XF_OK && db_changes(db) == 0)
		return xf_fail(err, XF_ENOTFOUND, "not_found", "账号不存在");
	if (rc == XF_OK && disabled)
		rc = auth_sessions_revoke(db, user_id, 0, err);
	return rc;
}

struct touch {
	struct write_job job;
	int64_t session_id, now;
};

static int touch_fn(struct db *db, void *arg, struct xf_err *err)
{
	struct touch *t = arg;
	return db_run(db, err, "UPDATE sessions SET last_seen = ? WHERE id = ?", "ii", t->now,
	              t->session_id);
}

static void touch_done(struct write_job *job)
{
	free(job->arg);
}

/* The touches queued in the last minute, by session (a collision in a slot costs one extra
 * touch, nothing else): while the writer is busy (a rollup being stored, an import) every
 * request of a session that has not been refreshed used to queue its own UPDATE — tens of
 * thousands of jobs, and their memory, behind one long write. */
#define TOUCH_SLOTS 1024
static pthread_mutex_t touch_mu = PTHREAD_MUTEX_INITIALIZER;
static struct {
	int64_t session_id, at;
} touch_queued[TOUCH_SLOTS];

void auth_session_touch(struct app *app, const struct xf_user *u)
{
	int64_t now = clock_now();
	if (now - u->session_last_seen < 60)
		return;
	size_t slot = (uint64_t)u->session_id % TOUCH_SLOTS;
	pthread_mutex_lock(&touch_mu);
	bool queued = touch_queued[slot].session_id == u->session_id &&
	              now - touch_queued[slot].at < 60 && now >= touch_queued[slot].at;
	if (!queued) {
		touch_queued[slot].session_id = u->session_id;
		touch_queued[slot].at = now;
	}
	pthread_mutex_unlock(&touch_mu);
	if (queued)
		return;
	struct touch *t = xcalloc(1, sizeof *t);
	t->session_id = u->session_id;
	t->now = now;
	t->job = (struct write_job){.fn = touch_fn, .arg = t, .done = touch_done};
	store_submit(app->store, &t->job);
}

bool auth_token_scope_valid(const char *scope)
{
	return strcmp(scope, "open311") == 0 || strcmp(scope, "12345") == 0 ||
	       strcmp(scope, "export") == 0;
}

int auth_token_create(struct db *db, const char *name, const char *scope, int64_t expires_at,
                      int64_t created_by, char token[48], int64_t *id_out, struct xf_err *err)
{
	if (!auth_token_scope_valid(scope))
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "scope",
		                     "令牌范围只能是 open311、12345 或 export");
	char raw[XF_TOKEN_CHARS], hash[XF_DIGEST_HEX];
	crypto_token(raw);
	snprintf(token, 48, "xf_%s", raw);
	crypto_digest_hex(token, strlen(token), hash);
	struct db_stmt *st =
	    db_prep(db,
	            "INSERT INTO api_tokens(name, token_hash, scope, created_by,"
	            " created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
	            err);
	if (!st)
		return err->status;
	db_bind_text(st, 1, name);
	db_bind_text(st, 2, hash);
	db_bind_text(st, 3, scope);
	if (created_by)
		db_bind_int(st, 4, created_by);
	else
		db_bind_null(st, 4);
	db_bind_int(st, 5, clock_now());
	db_bind_int(st, 6, expires_at);
	int rc = db_step(st, err);
	if (rc != DB_ROW)
		return rc < 0 ? rc : XF_EDB;
	if (id_out)
		*id_out = db_col_int(st, 0);
	db_reset(st);
	return XF_OK;
}

int auth_token_lookup(struct db *db, const char *token, struct xf_user *u, struct xf_err *err)
{
	size_t n = strlen(token);
	if (n < 10 || n > 64)
		return xf_fail(err, XF_EAUTH, "invalid_token", "API 令牌无效或已过期");
	char hash[XF_DIGEST_HEX];
	crypto_digest_hex(token, n, hash);
	struct db_stmt *st = db_prep(db,
	                             "SELECT id, name, scope, expires_at, revoked_at IS NOT NULL"
	                             " FROM api_tokens WHERE token_hash = ?",
	                             err);
	if (!st)
		return err->status;
	db_bind_text(st, 1, hash);
	int rc = db_step(st, err);
	if (rc < 0)
		return rc;
	if (rc == DB_DONE)
		return xf_fail(err, XF_EAUTH, "invalid_token", "API 令牌无效或已过期");
	memset(u, 0, sizeof *u);
	u->is_token = true;
	u->token_id = db_col_int(st, 0);
	snprintf(u->username, sizeof u->username, "token:%s", db_col_text(st, 1));
	snprintf(u->display_name, sizeof u->display_name, "%s", db_col_text(st, 1));
	snprintf(u->token_scope, sizeof u->token_scope, "%s", db_col_text(st, 2));
	int64_t expires = db_col_int(st, 3);
	bool revoked = db_col_int(st, 4) != 0;
	db_reset(st);
	u->mfa_ok = true;
	if (revoked || clock_now() >= expires)
		return xf_fail(err, XF_EAUTH, "invalid_token", "API 令牌无效或已过期");
	return XF_OK;
}

int auth_token_revoke(struct db *db, int64_t id, struct xf_err *err)
{
	int rc = db_run(db, err,
	                "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
	                "ii", clock_now(), id);
	if (rc == XF_OK && db_changes(db) == 0)
		return xf_fail(err, XF_ENOTFOUND, "not_found", "没有这个令牌，或已被吊销");
	return rc;
}

int auth_purge(struct db *db, int64_t now, struct xf_err *err)
{
	int rc = db_run(db, err, "DELETE FROM sessions WHERE expires_at <= ?", "i", now);
	if (rc == XF_OK)
		rc = db_run(db, err, "DELETE FROM idempotency WHERE created_at <= ?", "i",
		            now - 24 * 3600);
	if (rc == XF_OK)
		rc = db_run(db, err, "DELETE FROM sms_codes WHERE created_at <= ?", "i",
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
	const struct role_info *ri = policy_role(u->role);
	return json_pack(
	    "{s:I, s:s, s:s, s:s, s:s, s:o, s:s, s:I, s:i, s:b, s:b}", "id", (json_int_t)u->id,
	    "username", u->username, "display_name", u->display_name, "role", u->role, "role_label",
	    ri ? ri->label : "", "place_id", u->place_id ? json_integer(u->place_id) : json_null(),
	    "place_name", u->place_name, "grant_id", (json_int_t)u->grant_id, "grants", u->ngrants,
	    "must_change_password", u->must_change_password, "totp_enabled", u->totp_enabled);
}

int auth_password_policy(struct app *app, const char *password, struct xf_err *err)
{
	size_t len = utf8_len(password, strlen(password));
	if ((int)len < app->cfg.password_min_len)
		return xf_fail_field(err, XF_EINVAL, "weak_password", "password",
		                     "密码至少需要 %d 个字符", app->cfg.password_min_len);
	if (len > 128)
		return xf_fail_field(err, XF_EINVAL, "weak_password", "password",
		                     "密码最多 128 个字符");
	int classes = 0, lower = 0, upper = 0, digit = 0, other = 0;
	for (const unsigned char *p = (const unsigned char *)password; *p; p++) {
		if (islower(*p))
			lower = 1;
		else if (isupper(*p))
			upper = 1;
		else if (isdigit(*p))
			digit = 1;
		else
			other = 1;
	}
	classes = lower + upper + digit + other;
	if (classes < app->cfg.password_classes)
		return xf_fail_field(err, XF_EINVAL, "weak_password", "password",
		                     "密码需包含大写字母、小写字母、数字、符号中的至少 %d 类",
		                     app->cfg.password_classes);
	return XF_OK;
}
