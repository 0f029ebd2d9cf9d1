/* Signing in (password + second factor, or phone + SMS code), signing out, who am I, my
 * preferences, my sessions, my active grant, my second factor and my password. */
#include "api.h"
#include "app.h"
#include "../auth/audit.h"
#include "../auth/auth.h"
#include "../auth/policy.h"
#include "../auth/totp.h"
#include "../core/clock.h"
#include "../core/pii.h"
#include "../core/ratelimit.h"
#include "../core/str.h"
#include "../sched/outbox.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct jv_field api_session_body[] = {
    {"username", JV_STRING, false, 1, 64, "用户名"}, {"password", JV_STRING, false, 1, 128, "密码"},
    {"otp", JV_STRING, false, 6, 6, "动态口令"},     {"phone", JV_STRING, false, 11, 11, "手机号"},
    {"code", JV_STRING, false, 6, 6, "短信验证码"},  {NULL, 0, 0, 0, 0, NULL}};

static int too_many(struct req *r, int64_t retry_after)
{
	xf_fail(&r->err, XF_EBUSY, "too_many_requests", "尝试过于频繁，请 %lld 秒后再试",
	        (long long)(retry_after > 0 ? retry_after : 1));
	r->err.http = 429;
	r->err.until = clock_now() + (retry_after > 0 ? retry_after : 1);
	return r->err.status;
}

static bool throttled(struct req *r, const char *what, int limit, int window_s)
{
	char key[96];
	int64_t retry;
	snprintf(key, sizeof key, "%s:%s", what, r->client_ip);
	if (ratelimit_hit(r->app->login_limiter, key, limit, window_s, &retry))
		return false;
	too_many(r, retry);
	return true;
}

struct login {
	int64_t user_id;
	bool mfa_ok;
	bool password_expired;
	char username[65];
	int64_t sms_id;
	char replaces[XF_DIGEST_HEX];
};

static int login_write(struct db *db, struct req *r, struct xf_err *err)
{
	struct login *l = r->write_arg;
	char token[XF_TOKEN_CHARS], csrf[XF_TOKEN_CHARS];
	int rc;
	if (l->sms_id &&
	    (rc = db_run(db, err,
	                 "UPDATE sms_codes SET used_at = ? WHERE id = ? AND used_at IS NULL", "ii",
	                 clock_now(), l->sms_id)) != XF_OK)
		return rc;
	if (l->sms_id && db_changes(db) == 0)
		return xf_fail(err, XF_EAUTH, "invalid_code", "验证码已使用，请重新获取");
	if (l->password_expired &&
	    (rc = db_run(db, err, "UPDATE users SET must_change_password = 1 WHERE id = ?", "i",
	                 l->user_id)) != XF_OK)
		return rc;
	rc = auth_session_create(r->app, db, l->user_id, r->client_ip, req_header(r, "User-Agent"),
	                         l->mfa_ok, l->replaces[0] ? l->replaces : NULL, token, csrf, err);
	if (rc != XF_OK)
		return rc;
	struct xf_user u;
	if ((rc = auth_user_load(db, l->user_id, 0, &u, err)) != XF_OK)
		return rc;
	r->authed = true; /* so the audit row names who signed in */
	r->user.id = u.id;
	snprintf(r->user.role, sizeof r->user.role, "%s", u.role);
	snprintf(r->audit_object, sizeof r->audit_object, "user:%s", u.username);
	snprintf(r->audit_detail, sizeof r->audit_detail, "%s", l->sms_id ? "sms" : "password");
	char cookie[200];
	auth_cookie_header(r->app, token, cookie, sizeof cookie);
	resp_header(r, "Set-Cookie", cookie);
	resp_take_json(r, 200,
	               json_pack("{s:o, s:s, s:b}", "user", auth_user_json(&u), "csrf", csrf,
	                         "second_factor_required", !l->mfa_ok));
	return XF_OK;
}

struct failure {
	int64_t user_id;
	bool locked;
};

/* A wrong password or code: counted (and perhaps locked) in a job, and audited. */
static int failure_write(struct db *db, struct req *r, struct xf_err *err)
{
	struct failure *f = r->write_arg;
	int rc = auth_login_failed(db, f->user_id, r->app->cfg.max_login_failures,
	                           r->app->cfg.lockout_s, &f->locked, err);
	if (rc != XF_OK)
		return rc;
	struct audit_entry e = {.user_id = f->user_id,
	                        .action = "session.create",
	                        .object = r->audit_object,
	                        .ip = r->client_ip,
	                        .outcome = "failed",
	                        .detail = f->locked ? "locked" : "bad_credentials"};
	if ((rc = audit_write(db, &e, err)) != XF_OK)
		return rc;
	r->audit_done = true;
	/* The answer is an error, but the count must commit: so the job succeeds and the
	 * error is sent from here. */
	resp_json(
	    r, 401,
	    "{\"error\":{\"code\":\"invalid_credentials\",\"message\":\"用户名或密码不正确\"}}");
	return XF_OK;
}

static void audit_unknown(struct req *r, const char *who)
{
	struct audit_entry e = {.action = "session.create",
	                        .object = who,
	                        .ip = r->client_ip,
	                        .outcome = "failed",
	                        .detail = "unknown_account"};
	audit_write_async(r->app->store, &e);
}

static int locked(struct req *r, int64_t until)
{
	char iso[21];
	clock_iso(until, iso);
	xf_fail(&r->err, XF_EBUSY, "account_locked",
	        "密码错误次数过多，账号已锁定，请于 %s（UTC）之后再试", iso);
	r->err.http = 429;
	r->err.until = until;
	return r->err.status;
}

static int password_login(struct req *r, struct db *db, const char *username, const char *password,
                          const char *otp)
{
	if (throttled(r, "login", r->app->cfg.login_per_ip_per_min, 60))
		return r->err.status;
	struct login_info li;
	int rc = auth_login_load(db, username, NULL, &li, &r->err);
	if (rc == XF_ENOTFOUND) {
		auth_verify_password(NULL, password); /* same cost as a real check */
		audit_unknown(r, username);
		return xf_fail(&r->err, XF_EAUTH, "invalid_credentials", "用户名或密码不正确");
	}
	if (rc != XF_OK)
		return rc;
	int64_t now = clock_now();
	if (li.locked_until > now)
		return locked(r, li.locked_until);
	snprintf(r->audit_object, sizeof r->audit_object, "user:%s", username);
	bool ok = auth_verify_password(&li, password);
	if (ok && li.totp_enabled) {
		if (!otp) {
			sodium_memzero(&li, sizeof li);
			return xf_fail_field(&r->err, XF_EAUTH, "otp_required", "otp",
			                     "请输入动态口令（身份验证器上的 6 位数字）");
		}
		ok = totp_check(li.totp_secret, otp);
	}
	sodium_memzero(li.totp_secret, sizeof li.totp_secret);
	if (!ok) {
		struct failure *f = arena_alloc(r->arena, sizeof *f);
		*f = (struct failure){li.id, false};
		return req_write(r, failure_write, f);
	}
	if (li.disabled)
		return xf_fail(&r->err, XF_EPERM, "account_disabled", "账号已停用，请联系管理员");
	struct login *l = arena_alloc(r->arena, sizeof *l);
	memset(l, 0, sizeof *l);
	l->user_id = li.id;
	l->mfa_ok =
	    li.totp_enabled || !li.staff || !r->app->cfg.require_second_factor || r->app->demo;
	/* 等保-style rotation, when the deployment turns it on (ASVS advises against it). */
	int64_t max_age = (int64_t)r->app->cfg.password_max_age_days * 86400;
	l->password_expired = max_age > 0 && now - li.password_changed_at > max_age;
	if (r->authed && r->cookie_session)
		memcpy(l->replaces, r->user.token_hash, sizeof l->replaces);
	return req_write(r, login_write, l);
}

/* The password check (argon2id: tens of milliseconds and 64 MB) runs on the server's
 * slow-work threads, not on the HTTP thread that received it. */
static int password_login_off(struct req *r)
{
	struct db *db = store_reader(r->app->store, &r->err);
	if (!db)
		return r->err.status;
	return password_login(r, db, jv_str(r->json, "username", ""),
	                      jv_str(r->json, "password", ""), jv_str(r->json, "otp", NULL));
}

static void code_hash(const char *bidx, const char *code, char out[XF_DIGEST_HEX])
{
	char tmp[XF_DIGEST_HEX + 8];
	snprintf(tmp, sizeof tmp, "%s:%s", bidx, code);
	crypto_digest_hex(tmp, strlen(tmp), out);
}

struct sms_attempt {
	struct write_job job;
	int64_t id;
};

static int sms_count_attempt(struct db *db, void *arg, struct xf_err *err)
{
	struct sms_attempt *a = arg;
	return db_run(db, err, "UPDATE sms_codes SET attempts = attempts + 1 WHERE id = ?", "i",
	              a->id);
}

static void sms_attempt_done(struct write_job *j)
{
	free(j->arg);
}

static int sms_login(struct req *r, struct db *db, const char *phone, const char *code)
{
	if (throttled(r, "login", r->app->cfg.login_per_ip_per_min, 60))
		return r->err.status;
	if (!pii_phone_valid(phone))
		return xf_fail_field(&r->err, XF_EINVAL, "validation_failed", "phone",
		                     "手机号格式不正确");
	char bidx[XF_DIGEST_HEX], want[XF_DIGEST_HEX];
	pii_bidx("phone", phone, bidx);
	code_hash(bidx, code, want);
	struct db_stmt *st =
	    db_prep(db,
	            "SELECT id, code_hash, attempts FROM sms_codes WHERE phone_bidx = ?"
	            " AND used_at IS NULL AND expires_at > ? ORDER BY id DESC LIMIT 1",
	            &r->err);
	if (!st)
		return r->err.status;
	db_bind_text(st, 1, bidx);
	db_bind_int(st, 2, clock_now());
	int rc = db_step(st, &r->err);
	if (rc < 0)
		return rc;
	if (rc == DB_DONE)
		return xf_fail_field(&r->err, XF_EAUTH, "invalid_code", "code",
		                     "验证码错误或已过期，请重新获取");
	int64_t sms_id = db_col_int(st, 0), attempts = db_col_int(st, 2);
	bool match = str_eq_ct(db_col_text(st, 1), want);
	db_reset(st);
	if (attempts >= 5 || !match) {
		/* Count the wrong guess; after five the code is dead. */
		struct sms_attempt *b = xcalloc(1, sizeof *b);
		b->id = sms_id;
		b->job =
		    (struct write_job){.fn = sms_count_attempt, .arg = b, .done = sms_attempt_done};
		store_submit(r->app->store, &b->job);
		return xf_fail_field(&r->err, XF_EAUTH, "invalid_code", "code",
		                     "验证码错误或已过期，请重新获取");
	}
	struct login_info li;
	rc = auth_login_load(db, NULL, bidx, &li, &r->err);
	sodium_memzero(li.totp_secret, sizeof li.totp_secret);
	if (rc == XF_ENOTFOUND)
		return xf_fail_field(&r->err, XF_EAUTH, "invalid_code", "code",
		                     "验证码错误或已过期");
	if (rc != XF_OK)
		return rc;
	if (li.locked_until > clock_now())
		return locked(r, li.locked_until);
	if (li.disabled)
		return xf_fail(&r->err, XF_EPERM, "account_disabled", "账号已停用，请联系管理员");
	struct login *l = arena_alloc(r->arena, sizeof *l);
	memset(l, 0, sizeof *l);
	l->user_id = li.id;
	l->sms_id = sms_id;
	/* A phone and a code are two factors only for people who are not staff. */
	l->mfa_ok = !li.staff || !r->app->cfg.require_second_factor || r->app->demo;
	if (r->authed && r->cookie_session)
		memcpy(l->replaces, r->user.token_hash, sizeof l->replaces);
	return req_write(r, login_write, l);
}

int api_session_create(struct req *r)
{
	const char *username = jv_str(r->json, "username", NULL);
	const char *password = jv_str(r->json, "password", NULL);
	const char *phone = jv_str(r->json, "phone", NULL);
	const char *code = jv_str(r->json, "code", NULL);
	struct db *db = store_reader(r->app->store, &r->err);
	if (!db)
		return r->err.status;
	if (username && password && !phone && !code)
		return req_offload(r, password_login_off);
	if (phone && code && !username && !password)
		return sms_login(r, db, phone, code);
	return xf_fail(&r->err, XF_EINVAL, "validation_failed",
	               "请提供 用户名+密码，或 手机号+短信验证码");
}

const struct jv_field api_sms_code_body[] = {{"phone", JV_STRING, true, 11, 11, "手机号"},
                                             {NULL, 0, 0, 0, 0, NULL}};

struct sms_send {
	char bidx[XF_DIGEST_HEX];
	char code[7];
	int64_t user_id;
};

static int sms_code_write(struct db *db, struct req *r, struct xf_err *err)
{
	struct sms_send *s = r->write_arg;
	int64_t now = clock_now();
	if (s->user_id) {
		char hash[XF_DIGEST_HEX];
		code_hash(s->bidx, s->code, hash);
		int rc = db_run(
		    db, err,
		    "INSERT INTO sms_codes(phone_bidx, code_hash, ip, created_at, expires_at)"
		    " VALUES (?, ?, ?, ?, ?)",
		    "tttii", s->bidx, hash, r->client_ip, now, now + 300);
		if (rc != XF_OK)
			return rc;
		/* The number itself is not stored in the outbox: the sender finds it by user. */
		char to[32], body[160];
		snprintf(to, sizeof to, "user:%lld", (long long)s->user_id);
		snprintf(body, sizeof body,
		         "【幸福城区】您的登录验证码是 %s，5 分钟内有效。请勿告诉他人。", s->code);
		if ((rc = outbox_enqueue(db, "sms", to, "登录验证码", body, NULL, err)) != XF_OK)
			return rc;
	}
	snprintf(r->audit_detail, sizeof r->audit_detail, "%s", s->user_id ? "sent" : "no_account");
	resp_json(r, 200, "{\"sent\":true,\"expires_in\":300}");
	return XF_OK;
}

/* The same answer whether or not the number has an account: no enumeration. */
int api_sms_code(struct req *r)
{
	const char *phone = jv_str(r->json, "phone", "");
	if (!pii_phone_valid(phone))
		return xf_fail_field(&r->err, XF_EINVAL, "validation_failed", "phone",
		                     "手机号格式不正确（11 位大陆手机号）");
	if (throttled(r, "sms", r->app->cfg.sms_per_ip_per_hour, 3600))
		return r->err.status;
	struct sms_send *s = arena_alloc(r->arena, sizeof *s);
	memset(s, 0, sizeof *s);
	pii_bidx("phone", phone, s->bidx);
	char key[96];
	int64_t retry;
	snprintf(key, sizeof key, "sms1:%s", s->bidx);
	if (!ratelimit_hit(r->app->login_limiter, key, 1, 60, &retry))
		return too_many(r, retry);
	snprintf(key, sizeof key, "smsh:%s", s->bidx);
	if (!ratelimit_hit(r->app->login_limiter, key, r->app->cfg.sms_per_phone_per_hour, 3600,
	                   &retry))
		return too_many(r, retry);
	struct db *db = store_reader(r->app->store, &r->err);
	if (!db)
		return r->err.status;
	struct login_info li;
	int rc = auth_login_load(db, NULL, s->bidx, &li, &r->err);
	sodium_memzero(li.totp_secret, sizeof li.totp_secret);
	if (rc != XF_OK && rc != XF_ENOTFOUND)
		return rc;
	if (rc == XF_OK && !li.disabled)
		s->user_id = li.id;
	xf_err_clear(&r->err);
	snprintf(s->code, sizeof s->code, "%06u", (unsigned)randombytes_uniform(1000000));
	snprintf(r->audit_object, sizeof r->audit_object, "phone:%s", s->bidx);
	return req_write(r, sms_code_write, s);
}

static int logout_write(struct db *db, struct req *r, struct xf_err *err)
{
	int rc = auth_session_delete(db, r->user.token_hash, err);
	if (rc != XF_OK)
		return rc;
	char cookie[160];
	auth_clear_cookie_header(r->app, cookie, sizeof cookie);
	resp_header(r, "Set-Cookie", cookie);
	resp_json(r, 200, "{\"ok\":true}");
	return XF_OK;
}

int api_session_delete(struct req *r)
{
	return req_write(r, logout_write, NULL);
}

static json_t *load_prefs(struct db *db, int64_t user_id, struct xf_err *err)
{
	struct db_stmt *st = db_prep(db, "SELECT prefs FROM users WHERE id = ?", err);
	if (!st)
		return NULL;
	db_bind_int(st, 1, user_id);
	if (db_step(st, err) != DB_ROW)
		return NULL;
	json_t *v = json_loads(db_col_text(st, 0), 0, NULL);
	db_reset(st);
	return json_is_object(v) ? v : (json_decref(v), json_object());
}

static json_t *grants_json(struct db *db, int64_t user_id, struct xf_err *err)
{
	struct db_stmt *st = db_prep(db,
	                             "SELECT g.id, g.role, g.place_id, p.name FROM grants g"
	                             " JOIN places p ON p.id = g.place_id WHERE g.user_id = ?"
	                             " ORDER BY g.id",
	                             err);
	if (!st)
		return NULL;
	db_bind_int(st, 1, user_id);
	json_t *a = json_array();
	while (db_step(st, err) == DB_ROW) {
		const struct role_info *ri = policy_role(db_col_text(st, 1));
		json_array_append_new(
		    a, json_pack("{s:I, s:s, s:s, s:I, s:s}", "id", (json_int_t)db_col_int(st, 0),
		                 "role", db_col_text(st, 1), "role_label", ri ? ri->label : "",
		                 "place_id", (json_int_t)db_col_int(st, 2), "place_name",
		                 db_col_text(st, 3)));
	}
	return a;
}

int api_me(struct req *r)
{
	if (r->user.is_token) {
		resp_take_json(r, 200,
		               json_pack("{s:{s:I, s:s, s:s}}", "token", "id",
		                         (json_int_t)r->user.token_id, "name", r->user.display_name,
		                         "scope", r->user.token_scope));
		return XF_OK;
	}
	struct db *db = store_reader(r->app->store, &r->err);
	if (!db || auth_user_describe(db, &r->user, &r->err) != XF_OK)
		return r->err.status;
	json_t *prefs = load_prefs(db, r->user.id, &r->err);
	if (!prefs)
		return r->err.status ? r->err.status : XF_EDB;
	json_t *grants = grants_json(db, r->user.id, &r->err);
	if (!grants) {
		json_decref(prefs);
		return r->err.status;
	}
	/* What the active grant's role may do, so the UI shows only what will work (the
	 * server still checks every request). */
	const char *perms[64];
	size_t np = policy_role_permissions(r->user.role, perms, 64);
	json_t *pa = json_array();
	for (size_t i = 0; i < np; i++)
		json_array_append_new(pa, json_string(perms[i]));
	resp_take_json(r, 200,
	               json_pack("{s:o, s:s, s:o, s:o, s:o, s:b, s:b}", "user",
	                         auth_user_json(&r->user), "csrf", r->user.csrf, "preferences",
	                         prefs, "grants", grants, "permissions", pa, "demo", r->app->demo,
	                         "second_factor_required", !r->user.mfa_ok));
	return XF_OK;
}

const struct jv_field api_preferences_body[] = {{"large_text", JV_BOOL, false, 0, 0, "大字模式"},
                                                {"lang", JV_STRING, false, 2, 8, "界面语言"},
                                                {NULL, 0, 0, 0, 0, NULL}};

/* Read-modify-write of the stored preferences, inside the writer so concurrent changes
 * to different keys are not lost. */
static int prefs_write(struct db *db, struct req *r, struct xf_err *err)
{
	json_t *prefs = load_prefs(db, r->user.id, err);
	if (!prefs)
		return err->status ? err->status : XF_EDB;
	json_object_update(prefs, r->json);
	char *s = json_dumps(prefs, JSON_COMPACT | JSON_SORT_KEYS);
	int rc = db_run(db, err, "UPDATE users SET prefs = ?, updated_at = ? WHERE id = ?", "tii",
	                s, clock_now(), r->user.id);
	if (rc == XF_OK)
		resp_json(r, 200, s);
	free(s);
	json_decref(prefs);
	return rc;
}

int api_me_preferences(struct req *r)
{
	const char *lang = jv_str(r->json, "lang", NULL);
	if (lang && strcmp(lang, "zh-CN") != 0 && strcmp(lang, "en") != 0)
		return xf_fail_field(&r->err, XF_EINVAL, "validation_failed", "lang",
		                     "界面语言只能是 zh-CN 或 en");
	if (json_object_size(r->json) == 0)
		return xf_fail(&r->err, XF_EINVAL, "validation_failed", "没有要保存的设置");
	return req_write(r, prefs_write, NULL);
}

/* ---- my sessions ---- */

int api_me_sessions(struct req *r)
{
	struct db *db = store_reader(r->app->store, &r->err);
	if (!db)
		return r->err.status;
	struct db_stmt *st = db_prep(db,
	                             "SELECT id, ip, user_agent, created_at, last_seen, expires_at"
	                             " FROM sessions WHERE user_id = ? AND expires_at > ?"
	                             " ORDER BY last_seen DESC",
	                             &r->err);
	if (!st)
		return r->err.status;
	db_bind_int(st, 1, r->user.id);
	db_bind_int(st, 2, clock_now());
	json_t *items = json_array();
	while (db_step(st, &r->err) == DB_ROW) {
		char c[21], l[21];
		clock_iso(db_col_int(st, 3), c);
		clock_iso(db_col_int(st, 4), l);
		json_array_append_new(
		    items, json_pack("{s:I, s:s, s:s, s:s, s:s, s:b}", "id",
		                     (json_int_t)db_col_int(st, 0), "ip", db_col_text(st, 1),
		                     "user_agent", db_col_text(st, 2), "created_at", c, "last_seen",
		                     l, "current", db_col_int(st, 0) == r->user.session_id));
	}
	resp_take_json(r, 200, json_pack("{s:o}", "items", items));
	return XF_OK;
}

static int revoke_write(struct db *db, struct req *r, struct xf_err *err)
{
	int rc = auth_sessions_revoke(db, r->user.id, r->params[0], err);
	if (rc == XF_OK)
		resp_json(r, 200, "{\"ok\":true}");
	return rc;
}

int api_me_session_revoke(struct req *r)
{
	snprintf(r->audit_object, sizeof r->audit_object, "session:%lld", (long long)r->params[0]);
	return req_write(r, revoke_write, NULL);
}

const struct jv_field api_grant_body[] = {{"grant_id", JV_INT, true, 1, INT64_MAX, "授权"},
                                          {NULL, 0, 0, 0, 0, NULL}};

static int grant_write(struct db *db, struct req *r, struct xf_err *err)
{
	int rc = auth_session_set_grant(db, r->user.session_id, r->user.id,
	                                jv_int(r->json, "grant_id", 0), err);
	if (rc != XF_OK)
		return rc;
	struct xf_user u;
	if ((rc = auth_user_load(db, r->user.id, jv_int(r->json, "grant_id", 0), &u, err)) != XF_OK)
		return rc;
	resp_take_json(r, 200, json_pack("{s:o}", "user", auth_user_json(&u)));
	return XF_OK;
}

int api_session_grant(struct req *r)
{
	if (r->user.is_token)
		return xf_fail(&r->err, XF_EPERM, "forbidden", "API 令牌没有授权可切换");
	return req_write(r, grant_write, NULL);
}

/* ---- second factor ---- */

static int totp_begin_write(struct db *db, struct req *r, struct xf_err *err)
{
	const char *secret = r->write_arg;
	struct buf sealed, uri, svg;
	buf_init(&sealed);
	buf_init(&uri);
	buf_init(&svg);
	pii_seal(secret, &sealed);
	struct db_stmt *st = db_prep(db,
	                             "UPDATE users SET totp_secret_enc = ?, totp_enabled = 0,"
	                             " updated_at = ? WHERE id = ?",
	                             err);
	int rc = st ? XF_OK : err->status;
	if (st) {
		db_bind_blob(st, 1, sealed.data, sealed.len);
		db_bind_int(st, 2, clock_now());
		db_bind_int(st, 3, r->user.id);
		rc = db_step(st, err) == DB_DONE ? XF_OK : err->status;
	}
	if (rc == XF_OK && (totp_uri(secret, r->user.username, &uri) != XF_OK ||
	                    totp_qr_svg(uri.data, &svg) != XF_OK))
		rc = xf_fail(err, XF_EINTERNAL, "internal", "无法生成二维码");
	if (rc == XF_OK)
		resp_take_json(r, 200,
		               json_pack("{s:s, s:s, s:s}", "secret", secret, "otpauth_uri",
		                         uri.data, "qr_svg", svg.data));
	buf_free(&sealed);
	buf_free(&uri);
	buf_free(&svg);
	return rc;
}

int api_me_totp_begin(struct req *r)
{
	if (r->user.totp_enabled)
		return xf_fail(&r->err, XF_ECONFLICT, "totp_enabled",
		               "已绑定动态口令；如需更换请联系管理员");
	char *secret = arena_alloc(r->arena, 41);
	totp_new_secret(secret);
	return req_write(r, totp_begin_write, secret);
}

const struct jv_field api_totp_confirm_body[] = {{"code", JV_STRING, true, 6, 6, "动态口令"},
                                                 {NULL, 0, 0, 0, 0, NULL}};

static int totp_confirm_write(struct db *db, struct req *r, struct xf_err *err)
{
	int rc = db_run(db, err, "UPDATE users SET totp_enabled = 1, updated_at = ? WHERE id = ?",
	                "ii", clock_now(), r->user.id);
	if (rc == XF_OK)
		rc = db_run(db, err, "UPDATE sessions SET mfa_ok = 1 WHERE id = ?", "i",
		            r->user.session_id);
	if (rc == XF_OK)
		resp_json(r, 200, "{\"totp_enabled\":true}");
	return rc;
}

int api_me_totp_confirm(struct req *r)
{
	struct db *db = store_reader(r->app->store, &r->err);
	if (!db)
		return r->err.status;
	struct login_info li;
	int rc = auth_login_load(db, r->user.username, NULL, &li, &r->err);
	if (rc != XF_OK)
		return rc;
	bool ok = li.totp_secret[0] && !li.totp_enabled &&
	          totp_check(li.totp_secret, jv_str(r->json, "code", ""));
	sodium_memzero(li.totp_secret, sizeof li.totp_secret);
	if (!ok)
		return xf_fail_field(&r->err, XF_EINVAL, "invalid_code", "code",
		                     "动态口令不正确，请确认手机时间准确后重试");
	return req_write(r, totp_confirm_write, NULL);
}

/* ---- my password ---- */

const struct jv_field api_password_body[] = {{"old_password", JV_STRING, true, 1, 128, "原密码"},
                                             {"new_password", JV_STRING, true, 1, 128, "新密码"},
                                             {NULL, 0, 0, 0, 0, NULL}};

static int password_write(struct db *db, struct req *r, struct xf_err *err)
{
	int rc = auth_set_password(db, r->user.id, r->write_arg, false, err);
	/* Other sessions end: whoever knew the old password is signed out. */
	if (rc == XF_OK)
		rc = db_run(db, err, "DELETE FROM sessions WHERE user_id = ? AND id <> ?", "ii",
		            r->user.id, r->user.session_id);
	if (rc == XF_OK)
		resp_json(r, 200, "{\"ok\":true}");
	return rc;
}

int api_me_password(struct req *r)
{
	const char *old_pw = jv_str(r->json, "old_password", "");
	const char *new_pw = jv_str(r->json, "new_password", "");
	struct db *db = store_reader(r->app->store, &r->err);
	if (!db)
		return r->err.status;
	struct login_info li;
	int rc = auth_login_load(db, r->user.username, NULL, &li, &r->err);
	sodium_memzero(li.totp_secret, sizeof li.totp_secret);
	if (rc != XF_OK)
		return rc;
	if (!auth_verify_password(li.hash[0] ? &li : NULL, old_pw) && li.hash[0])
		return xf_fail_field(&r->err, XF_EINVAL, "invalid_credentials", "old_password",
		                     "原密码不正确");
	if ((rc = auth_password_policy(r->app, new_pw, &r->err)) != XF_OK)
		return rc;
	char *hash = arena_alloc(r->arena, 160);
	if ((rc = crypto_pw_hash(new_pw, hash, 160, &r->err)) != XF_OK)
		return rc;
	return req_write(r, password_write, hash);
}
