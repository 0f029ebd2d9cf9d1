/* Accounts and grants (admin), API tokens (admin), the audit log (auditor), people's masked
 * records and the audited reveal of their personal data, and the role list. */
#include "api.h"
#include "app.h"
#include "../auth/audit.h"
#include "../auth/auth.h"
#include "../auth/policy.h"
#include "../core/clock.h"
#include "../core/pii.h"
#include "../core/str.h"
#include "../registry/people.h"
#include "../registry/registry.h"
#include "../sched/webhook.h"
#include <sodium.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct db *reader(struct req *r)
{
	return store_reader(r->app->store, &r->err);
}

int api_roles(struct req *r)
{
	json_t *a = json_array();
	for (size_t i = 0; i < policy_nroles; i++)
		json_array_append_new(a, json_pack("{s:s, s:s, s:b}", "code", policy_roles[i].code,
		                                   "label", policy_roles[i].label, "staff",
		                                   policy_roles[i].staff));
	resp_take_json(r, 200, json_pack("{s:o}", "items", a));
	return XF_OK;
}

/* ---- people ---- */

int api_person_get(struct req *r)
{
	struct db *db = reader(r);
	int64_t place;
	if (!db || people_place(db, r->params[0], &place, &r->err) != XF_OK)
		return r->err.status;
	int rc = authz_check(db, &r->user, "people.read", place, &r->err);
	if (rc != XF_OK)
		return rc;
	json_t *v;
	if ((rc = people_get_json(db, r->params[0], &v, &r->err)) != XF_OK)
		return rc;
	if ((rc = registry_person_card(db, r->params[0], v, &r->err)) != XF_OK) {
		json_decref(v);
		return rc;
	}
	resp_take_json(r, 200, v);
	return XF_OK;
}

const struct jv_field api_reveal_body[] = {{"purpose", JV_STRING, true, 5, 200, "查看目的"},
                                           {NULL, 0, 0, 0, 0, NULL}};

static int reveal_write(struct db *db, struct req *r, struct xf_err *err)
{
	/* Scope is checked again inside the job, on the state the reveal reads. */
	int64_t place;
	int rc = people_place(db, r->params[0], &place, err);
	if (rc == XF_OK)
		rc = authz_check(db, &r->user, "people.reveal", place, err);
	json_t *v = NULL;
	if (rc == XF_OK)
		rc = people_reveal(db, r->params[0], &v, err);
	if (rc != XF_OK)
		return rc;
	resp_take_json(r, 200, v);
	return XF_OK;
}

int api_person_reveal(struct req *r)
{
	struct db *db = reader(r);
	int64_t place;
	if (!db || people_place(db, r->params[0], &place, &r->err) != XF_OK)
		return r->err.status;
	int rc = authz_check(db, &r->user, "people.reveal", place, &r->err);
	if (rc != XF_OK)
		return rc;
	snprintf(r->audit_object, sizeof r->audit_object, "people/%lld", (long long)r->params[0]);
	snprintf(r->audit_detail, sizeof r->audit_detail, "%s", jv_str(r->json, "purpose", ""));
	return req_write(r, reveal_write, NULL);
}

/* ---- accounts and grants ---- */

int api_users_list(struct req *r)
{
	struct db *db = reader(r);
	if (!db)
		return r->err.status;
	const char *q = req_query(r, "q");
	char like[160];
	str_like_pattern(like, sizeof like, q, true);
	/* Accounts holding at least one grant inside the caller's subtree. */
	struct db_stmt *st = db_prep(
	    db,
	    "SELECT u.id, u.username, u.display_name, u.disabled, u.totp_enabled,"
	    " (SELECT g2.role FROM grants g2 WHERE g2.user_id = u.id ORDER BY g2.id LIMIT 1),"
	    " (SELECT p2.name FROM grants g3 JOIN places p2 ON p2.id = g3.place_id"
	    "  WHERE g3.user_id = u.id ORDER BY g3.id LIMIT 1)"
	    " FROM users u WHERE EXISTS (SELECT 1 FROM grants g JOIN places p ON p.id = g.place_id"
	    " JOIN places s ON s.id = ? WHERE g.user_id = u.id"
	    " AND substr(p.path, 1, length(s.path)) = s.path)"
	    " AND (u.username LIKE ? ESCAPE '\\' OR u.display_name LIKE ? ESCAPE '\\')"
	    " ORDER BY u.id LIMIT 200",
	    &r->err);
	if (!st)
		return r->err.status;
	db_bind_int(st, 1, r->user.place_id);
	db_bind_text(st, 2, like);
	db_bind_text(st, 3, like);
	json_t *items = json_array();
	while (db_step(st, &r->err) == DB_ROW)
		json_array_append_new(
		    items, json_pack("{s:I, s:s, s:s, s:b, s:b, s:s, s:s}", "id",
		                     (json_int_t)db_col_int(st, 0), "username", db_col_text(st, 1),
		                     "display_name", db_col_text(st, 2), "disabled",
		                     db_col_int(st, 3) != 0, "totp_enabled", db_col_int(st, 4) != 0,
		                     "role", db_col_text(st, 5), "place_name", db_col_text(st, 6)));
	resp_take_json(r, 200, json_pack("{s:o}", "items", items));
	return XF_OK;
}

const struct jv_field api_user_create_body[] = {{"username", JV_STRING, true, 2, 64, "用户名"},
                                                {"display_name", JV_STRING, true, 1, 64, "姓名"},
                                                {"role", JV_STRING, true, 1, 32, "角色"},
                                                {"place_id", JV_INT, true, 1, INT64_MAX, "地点"},
                                                {"phone", JV_STRING, false, 11, 11, "手机号"},
                                                {NULL, 0, 0, 0, 0, NULL}};

struct new_user {
	char password[13];
	char hash[160];
};

static int user_create_write(struct db *db, struct req *r, struct xf_err *err)
{
	struct new_user *nu = r->write_arg;
	int64_t place = jv_int(r->json, "place_id", 0), id = 0;
	int rc = authz_check(db, &r->user, "users.manage", place, err);
	if (rc == XF_OK)
		rc = auth_user_create(db, jv_str(r->json, "username", ""), nu->hash,
		                      jv_str(r->json, "display_name", ""), 0,
		                      jv_str(r->json, "phone", NULL), &id, err);
	if (rc == XF_OK)
		rc = db_run(db, err, "UPDATE users SET must_change_password = 1 WHERE id = ?", "i",
		            id);
	if (rc == XF_OK)
		rc = auth_grant_add(db, id, jv_str(r->json, "role", ""), place, r->user.id, NULL,
		                    err);
	if (rc != XF_OK)
		return rc;
	snprintf(r->audit_object, sizeof r->audit_object, "users/%lld", (long long)id);
	resp_take_json(r, 201,
	               json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "username",
	                         jv_str(r->json, "username", ""), "one_time_password",
	                         nu->password));
	return XF_OK;
}

int api_user_create(struct req *r)
{
	const char *role = jv_str(r->json, "role", "");
	const char *username = jv_str(r->json, "username", "");
	if (!policy_role(role))
		return xf_fail_field(&r->err, XF_EINVAL, "validation_failed", "role",
		                     "没有这个角色：%s", role);
	for (const char *p = username; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' ||
		      *p == '.'))
			return xf_fail_field(&r->err, XF_EINVAL, "validation_failed", "username",
			                     "用户名只能由小写字母、数字、下划线和点组成");
	const char *phone = jv_str(r->json, "phone", NULL);
	if (phone && !pii_phone_valid(phone))
		return xf_fail_field(&r->err, XF_EINVAL, "validation_failed", "phone",
		                     "手机号格式不正确");
	struct new_user *nu = arena_alloc(r->arena, sizeof *nu);
	crypto_random_password(nu->password);
	int rc = crypto_pw_hash(nu->password, nu->hash, sizeof nu->hash, &r->err);
	if (rc != XF_OK)
		return rc;
	return req_write(r, user_create_write, nu);
}

/* The account's grants must all lie inside the caller's scope to manage it. */
static int manageable(struct db *db, struct req *r, int64_t user_id, struct xf_err *err)
{
	struct db_stmt *st = db_prep(db, "SELECT place_id FROM grants WHERE user_id = ?", err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, user_id);
	int64_t places[32];
	int n = 0;
	while (n < 32 && db_step(st, err) == DB_ROW)
		places[n++] = db_col_int(st, 0);
	db_reset(st);
	int64_t exists = 0;
	int rc = db_int(db, err, &exists, "SELECT count(*) FROM users WHERE id = ?", "i", user_id);
	if (rc != XF_OK)
		return rc;
	if (!exists)
		return xf_fail(err, XF_ENOTFOUND, "not_found", "账号不存在");
	if ((rc = authz_check(db, &r->user, "users.manage", 0, err)) != XF_OK)
		return rc;
	for (int i = 0; i < n; i++)
		if ((rc = authz_check(db, &r->user, "users.manage", places[i], err)) != XF_OK)
			return rc;
	return XF_OK;
}

const struct jv_field api_user_update_body[] = {{"display_name", JV_STRING, false, 1, 64, "姓名"},
                                                {"disabled", JV_BOOL, false, 0, 0, "停用"},
                                                {NULL, 0, 0, 0, 0, NULL}};

static int user_update_write(struct db *db, struct req *r, struct xf_err *err)
{
	int64_t id = r->params[0];
	int rc = manageable(db, r, id, err);
	if (rc != XF_OK)
		return rc;
	const char *name = jv_str(r->json, "display_name", NULL);
	if (name &&
	    (rc = db_run(db, err, "UPDATE users SET display_name = ?, updated_at = ? WHERE id = ?",
	                 "tii", name, clock_now(), id)) != XF_OK)
		return rc;
	int disabled = jv_bool(r->json, "disabled", -1);
	if (disabled >= 0 && (rc = auth_set_disabled(db, id, disabled == 1, err)) != XF_OK)
		return rc;
	struct xf_user u;
	if ((rc = auth_user_load(db, id, 0, &u, err)) != XF_OK)
		return rc;
	resp_take_json(r, 200, auth_user_json(&u));
	return XF_OK;
}

int api_user_update(struct req *r)
{
	if (r->params[0] == r->user.id && jv_bool(r->json, "disabled", 0) == 1)
		return xf_fail_field(&r->err, XF_EINVAL, "validation_failed", "disabled",
		                     "不能停用自己的账号");
	snprintf(r->audit_object, sizeof r->audit_object, "users/%lld", (long long)r->params[0]);
	return req_write(r, user_update_write, NULL);
}

const struct jv_field api_grant_add_body[] = {{"role", JV_STRING, true, 1, 32, "角色"},
                                              {"place_id", JV_INT, true, 1, INT64_MAX, "地点"},
                                              {NULL, 0, 0, 0, 0, NULL}};

static int grant_add_write(struct db *db, struct req *r, struct xf_err *err)
{
	int64_t place = jv_int(r->json, "place_id", 0), gid = 0;
	int rc = manageable(db, r, r->params[0], err);
	if (rc == XF_OK)
		rc = authz_check(db, &r->user, "users.manage", place, err);
	if (rc == XF_OK)
		rc = auth_grant_add(db, r->params[0], jv_str(r->json, "role", ""), place,
		                    r->user.id, &gid, err);
	if (rc != XF_OK)
		return rc;
	snprintf(r->audit_detail, sizeof r->audit_detail, "%s@%lld", jv_str(r->json, "role", ""),
	         (long long)place);
	resp_take_json(r, 201, json_pack("{s:I}", "id", (json_int_t)gid));
	return XF_OK;
}

int api_grant_add(struct req *r)
{
	snprintf(r->audit_object, sizeof r->audit_object, "users/%lld", (long long)r->params[0]);
	return req_write(r, grant_add_write, NULL);
}

static int grant_delete_write(struct db *db, struct req *r, struct xf_err *err)
{
	int64_t user_id = 0, place = 0;
	struct db_stmt *st = db_prep(db, "SELECT user_id, place_id FROM grants WHERE id = ?", err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, r->params[0]);
	int rc = db_step(st, err);
	if (rc < 0)
		return rc;
	if (rc == DB_DONE)
		return xf_fail(err, XF_ENOTFOUND, "not_found", "没有这个授权");
	user_id = db_col_int(st, 0);
	place = db_col_int(st, 1);
	db_reset(st);
	if ((rc = authz_check(db, &r->user, "users.manage", place, err)) != XF_OK)
		return rc;
	/* Sessions using the grant end with it. */
	if ((rc = db_run(db, err, "DELETE FROM sessions WHERE grant_id = ?", "i", r->params[0])) !=
	        XF_OK ||
	    (rc = db_run(db, err, "DELETE FROM grants WHERE id = ?", "i", r->params[0])) != XF_OK)
		return rc;
	snprintf(r->audit_detail, sizeof r->audit_detail, "user %lld", (long long)user_id);
	resp_json(r, 200, "{\"ok\":true}");
	return XF_OK;
}

int api_grant_delete(struct req *r)
{
	snprintf(r->audit_object, sizeof r->audit_object, "grants/%lld", (long long)r->params[0]);
	return req_write(r, grant_delete_write, NULL);
}

static int reset_password_write(struct db *db, struct req *r, struct xf_err *err)
{
	struct new_user *nu = r->write_arg;
	int rc = manageable(db, r, r->params[0], err);
	if (rc == XF_OK)
		rc = auth_set_password(db, r->params[0], nu->hash, true, err);
	if (rc == XF_OK)
		rc = auth_sessions_revoke(db, r->params[0], 0, err);
	if (rc == XF_OK)
		rc = db_run(db, err,
		            "UPDATE users SET failed_logins = 0, locked_until = 0 WHERE id = ?",
		            "i", r->params[0]);
	if (rc != XF_OK)
		return rc;
	resp_take_json(r, 200, json_pack("{s:s}", "one_time_password", nu->password));
	return XF_OK;
}

int api_user_reset_password(struct req *r)
{
	struct new_user *nu = arena_alloc(r->arena, sizeof *nu);
	crypto_random_password(nu->password);
	int rc = crypto_pw_hash(nu->password, nu->hash, sizeof nu->hash, &r->err);
	if (rc != XF_OK)
		return rc;
	snprintf(r->audit_object, sizeof r->audit_object, "users/%lld", (long long)r->params[0]);
	return req_write(r, reset_password_write, nu);
}

static int user_sessions_revoke_write(struct db *db, struct req *r, struct xf_err *err)
{
	int rc = manageable(db, r, r->params[0], err);
	if (rc == XF_OK)
		rc = auth_sessions_revoke(db, r->params[0], 0, err);
	if (rc == XF_OK)
		resp_json(r, 200, "{\"ok\":true}");
	return rc;
}

int api_user_sessions_revoke(struct req *r)
{
	snprintf(r->audit_object, sizeof r->audit_object, "users/%lld", (long long)r->params[0]);
	return req_write(r, user_sessions_revoke_write, NULL);
}

int api_user_sessions(struct req *r)
{
	struct db *db = reader(r);
	if (!db)
		return r->err.status;
	int rc = manageable(db, r, r->params[0], &r->err);
	if (rc != XF_OK)
		return rc;
	struct db_stmt *st =
	    db_prep(db,
	            "SELECT id, ip, user_agent, created_at, last_seen FROM sessions"
	            " WHERE user_id = ? AND expires_at > ? ORDER BY last_seen DESC",
	            &r->err);
	if (!st)
		return r->err.status;
	db_bind_int(st, 1, r->params[0]);
	db_bind_int(st, 2, clock_now());
	json_t *items = json_array();
	while (db_step(st, &r->err) == DB_ROW) {
		char c[21], l[21];
		clock_iso(db_col_int(st, 3), c);
		clock_iso(db_col_int(st, 4), l);
		json_array_append_new(items, json_pack("{s:I, s:s, s:s, s:s, s:s}", "id",
		                                       (json_int_t)db_col_int(st, 0), "ip",
		                                       db_col_text(st, 1), "user_agent",
		                                       db_col_text(st, 2), "created_at", c,
		                                       "last_seen", l));
	}
	resp_take_json(r, 200, json_pack("{s:o}", "items", items));
	return XF_OK;
}

int api_user_grants(struct req *r)
{
	struct db *db = reader(r);
	if (!db)
		return r->err.status;
	int rc = manageable(db, r, r->params[0], &r->err);
	if (rc != XF_OK)
		return rc;
	struct db_stmt *st = db_prep(db,
	                             "SELECT g.id, g.role, g.place_id, p.name FROM grants g"
	                             " JOIN places p ON p.id = g.place_id WHERE g.user_id = ?"
	                             " ORDER BY g.id",
	                             &r->err);
	if (!st)
		return r->err.status;
	db_bind_int(st, 1, r->params[0]);
	json_t *items = json_array();
	while (db_step(st, &r->err) == DB_ROW) {
		const struct role_info *ri = policy_role(db_col_text(st, 1));
		json_array_append_new(items, json_pack("{s:I, s:s, s:s, s:I, s:s}", "id",
		                                       (json_int_t)db_col_int(st, 0), "role",
		                                       db_col_text(st, 1), "role_label",
		                                       ri ? ri->label : "", "place_id",
		                                       (json_int_t)db_col_int(st, 2), "place_name",
		                                       db_col_text(st, 3)));
	}
	resp_take_json(r, 200, json_pack("{s:o}", "items", items));
	return XF_OK;
}

/* A lost phone: the account enrols a new authenticator at its next sign-in. */
static int reset_totp_write(struct db *db, struct req *r, struct xf_err *err)
{
	int rc = manageable(db, r, r->params[0], err);
	if (rc == XF_OK)
		rc = db_run(
		    db, err,
		    "UPDATE users SET totp_secret_enc = NULL, totp_enabled = 0, updated_at = ?"
		    " WHERE id = ?",
		    "ii", clock_now(), r->params[0]);
	if (rc == XF_OK)
		rc = auth_sessions_revoke(db, r->params[0], 0, err);
	if (rc == XF_OK)
		resp_json(r, 200, "{\"totp_enabled\":false}");
	return rc;
}

int api_user_reset_totp(struct req *r)
{
	snprintf(r->audit_object, sizeof r->audit_object, "users/%lld", (long long)r->params[0]);
	return req_write(r, reset_totp_write, NULL);
}

/* ---- API tokens ---- */

int api_tokens_list(struct req *r)
{
	struct db *db = reader(r);
	if (!db)
		return r->err.status;
	struct db_stmt *st = db_prep(db,
	                             "SELECT id, name, scope, created_at, expires_at,"
	                             " revoked_at IS NOT NULL, coalesce(last_used_at, 0),"
	                             " webhook_url FROM api_tokens ORDER BY id DESC LIMIT 500",
	                             &r->err);
	if (!st)
		return r->err.status;
	json_t *items = json_array();
	while (db_step(st, &r->err) == DB_ROW) {
		char c[21], e[21];
		clock_iso(db_col_int(st, 3), c);
		clock_iso(db_col_int(st, 4), e);
		json_array_append_new(
		    items,
		    json_pack("{s:I, s:s, s:s, s:s, s:s, s:b, s:s}", "id",
		              (json_int_t)db_col_int(st, 0), "name", db_col_text(st, 1), "scope",
		              db_col_text(st, 2), "created_at", c, "expires_at", e, "revoked",
		              db_col_int(st, 5) != 0, "webhook_url", db_col_text(st, 7)));
	}
	resp_take_json(r, 200, json_pack("{s:o}", "items", items));
	return XF_OK;
}

const struct jv_field api_token_body[] = {
    {"name", JV_STRING, true, 1, 64, "名称"},
    {"scope", JV_STRING, true, 1, 16, "范围"},
    {"expires_days", JV_INT, false, 1, 3650, "有效天数"},
    {"webhook_url", JV_STRING, false, 1, WEBHOOK_URL_MAX, "回调地址（诉求状态变化时 POST）"},
    {NULL, 0, 0, 0, 0, NULL}};

static int token_write(struct db *db, struct req *r, struct xf_err *err)
{
	char token[48];
	int64_t id = 0,
	        expires = clock_now() + jv_int(r->json, "expires_days", 365) * (int64_t)86400;
	int rc = auth_token_create(db, jv_str(r->json, "name", ""), jv_str(r->json, "scope", ""),
	                           expires, r->user.id, token, &id, err);
	if (rc != XF_OK)
		return rc;
	char e[21];
	clock_iso(expires, e);
	snprintf(r->audit_object, sizeof r->audit_object, "api_tokens/%lld", (long long)id);
	/* The only time the token is shown. */
	json_t *v = json_pack("{s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)id, "token", token,
	                      "name", jv_str(r->json, "name", ""), "scope",
	                      jv_str(r->json, "scope", ""), "expires_at", e);
	const char *hook = jv_str(r->json, "webhook_url", NULL);
	if (hook) {
		if ((rc = db_run(db, err, "UPDATE api_tokens SET webhook_url = ? WHERE id = ?",
		                 "ti", hook, id)) != XF_OK) {
			json_decref(v);
			return rc;
		}
		/* The signing secret, derived from the key file: shown here, and only here. */
		char secret[XF_DIGEST_HEX];
		webhook_secret(id, secret);
		json_object_set_new(v, "webhook_url", json_string(hook));
		json_object_set_new(v, "webhook_secret", json_string(secret));
		sodium_memzero(secret, sizeof secret);
	}
	resp_take_json(r, 201, v);
	return XF_OK;
}

int api_token_create(struct req *r)
{
	if (!auth_token_scope_valid(jv_str(r->json, "scope", "")))
		return xf_fail_field(&r->err, XF_EINVAL, "validation_failed", "scope",
		                     "令牌范围只能是 open311、12345 或 export");
	const char *hook = jv_str(r->json, "webhook_url", NULL);
	if (hook && strcmp(jv_str(r->json, "scope", ""), "export") == 0)
		return xf_fail_field(&r->err, XF_EINVAL, "validation_failed", "webhook_url",
		                     "只有 12345 或 open311 令牌可以设置回调地址");
	if (hook && !webhook_url_valid(hook))
		return xf_fail_field(&r->err, XF_EINVAL, "validation_failed", "webhook_url",
		                     "回调地址应为 http:// 或 https:// 开头、不含用户名密码、"
		                     "不超过 %d 个字符的网址",
		                     WEBHOOK_URL_MAX);
	return req_write(r, token_write, NULL);
}

static int token_revoke_write(struct db *db, struct req *r, struct xf_err *err)
{
	int rc = auth_token_revoke(db, r->params[0], err);
	if (rc == XF_OK)
		resp_json(r, 200, "{\"ok\":true}");
	return rc;
}

int api_token_revoke(struct req *r)
{
	snprintf(r->audit_object, sizeof r->audit_object, "api_tokens/%lld",
	         (long long)r->params[0]);
	return req_write(r, token_revoke_write, NULL);
}

/* ---- the audit log (auditor) ---- */

int api_audit_list(struct req *r)
{
	struct db *db = reader(r);
	if (!db)
		return r->err.status;
	int64_t limit = 50, cursor = INT64_MAX, from = 0, to = INT64_MAX, user = 0;
	const char *v;
	if ((v = req_query(r, "limit")) && (!parse_i64(v, &limit) || limit < 1))
		return xf_fail_field(&r->err, XF_EINVAL, "validation_failed", "limit",
		                     "limit 应为正整数");
	if (limit > 200)
		limit = 200;
	if ((v = req_query(r, "cursor")) && !parse_i64(v, &cursor))
		return xf_fail_field(&r->err, XF_EINVAL, "validation_failed", "cursor",
		                     "cursor 不正确");
	if ((v = req_query(r, "from")) && !parse_i64(v, &from))
		return xf_fail_field(&r->err, XF_EINVAL, "validation_failed", "from",
		                     "from 应为 UTC 秒");
	if ((v = req_query(r, "to")) && !parse_i64(v, &to))
		return xf_fail_field(&r->err, XF_EINVAL, "validation_failed", "to",
		                     "to 应为 UTC 秒");
	if ((v = req_query(r, "user")) && !parse_i64(v, &user))
		return xf_fail_field(&r->err, XF_EINVAL, "validation_failed", "user",
		                     "user 应为账号 id");
	const char *action = req_query(r, "action"), *outcome = req_query(r, "outcome");
	char like[96];
	str_like_pattern(like, sizeof like, action, false);
	struct db_stmt *st =
	    db_prep(db,
	            "SELECT a.id, a.at, coalesce(a.user_id, 0), coalesce(u.username, ''), a.role,"
	            " coalesce(a.on_behalf_of, 0), a.action, a.object, a.ip, a.outcome, a.detail,"
	            " coalesce(a.seq, 0) FROM audit_log a LEFT JOIN users u ON u.id = a.user_id"
	            " WHERE a.id < ? AND a.at >= ? AND a.at <= ? AND (? = 0 OR a.user_id = ?)"
	            " AND a.action LIKE ? ESCAPE '\\' AND (? = '' OR a.outcome = ?)"
	            " ORDER BY a.id DESC LIMIT ?",
	            &r->err);
	if (!st)
		return r->err.status;
	db_bind_int(st, 1, cursor);
	db_bind_int(st, 2, from);
	db_bind_int(st, 3, to);
	db_bind_int(st, 4, user);
	db_bind_int(st, 5, user);
	db_bind_text(st, 6, like);
	db_bind_text(st, 7, outcome ? outcome : "");
	db_bind_text(st, 8, outcome ? outcome : "");
	db_bind_int(st, 9, limit + 1);
	json_t *items = json_array();
	int64_t last = 0, n = 0;
	bool more = false;
	while (db_step(st, &r->err) == DB_ROW) {
		if (n == limit) {
			more = true;
			continue;
		}
		char at[21];
		clock_iso(db_col_int(st, 1), at);
		last = db_col_int(st, 0);
		json_array_append_new(
		    items,
		    json_pack("{s:I, s:s, s:I, s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:I}", "id",
		              (json_int_t)last, "at", at, "user_id", (json_int_t)db_col_int(st, 2),
		              "username", db_col_text(st, 3), "role", db_col_text(st, 4),
		              "on_behalf_of", (json_int_t)db_col_int(st, 5), "action",
		              db_col_text(st, 6), "object", db_col_text(st, 7), "ip",
		              db_col_text(st, 8), "outcome", db_col_text(st, 9), "detail",
		              db_col_text(st, 10), "seq", (json_int_t)db_col_int(st, 11)));
		n++;
	}
	char next[24] = "";
	if (more)
		snprintf(next, sizeof next, "%lld", (long long)last);
	resp_take_json(r, 200,
	               json_pack("{s:o, s:o}", "items", items, "next",
	                         more ? json_string(next) : json_null()));
	return XF_OK;
}
