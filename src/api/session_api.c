/* Sign in, sign out, who am I, and the signed-in person's display preferences. */
#include "api.h"
#include "app.h"
#include "../auth/auth.h"
#include "../core/clock.h"
#include "../core/log.h"

#include <stdlib.h>
#include <string.h>

const struct jv_field api_session_body[] = {{"username", JV_STRING, true, 1, 64, "用户名"},
                                            {"password", JV_STRING, true, 1, 128, "密码"},
                                            {NULL, 0, 0, 0, 0, NULL}};

struct login {
	int64_t user_id;
};

static int login_write(struct db *db, struct req *r, struct xf_err *err)
{
	struct login *l = r->write_arg;
	char token[XF_TOKEN_CHARS], csrf[XF_TOKEN_CHARS];
	int rc = auth_session_create(r->app, db, l->user_id, r->client_ip, token, csrf, err);
	if (rc != XF_OK)
		return rc;
	struct xf_user u;
	if ((rc = auth_user_load(db, l->user_id, &u, err)) != XF_OK)
		return rc;
	r->authed = true; /* so the audit row names who signed in */
	r->user.id = u.id;
	char cookie[200];
	auth_cookie_header(r->app, token, cookie, sizeof cookie);
	resp_header(r, "Set-Cookie", cookie);
	resp_take_json(r, 200, json_pack("{s:o, s:s}", "user", auth_user_json(&u), "csrf", csrf));
	return XF_OK;
}

struct failed_login {
	struct write_job job;
	char ip[64];
	char username[65];
	int64_t at;
};

static int failed_login_fn(struct db *db, void *arg, struct xf_err *err)
{
	struct failed_login *f = arg;
	return db_run(db, err,
	              "INSERT INTO audit(at, user_id, ip, action, target, outcome)"
	              " VALUES (?, NULL, ?, 'session.create', ?, 'denied')",
	              "itt", f->at, f->ip, f->username);
}

static void failed_login_done(struct write_job *job)
{
	free(job->arg);
}

int api_session_create(struct req *r)
{
	const char *username = jv_str(r->json, "username", "");
	const char *password = jv_str(r->json, "password", "");
	struct db *db = store_reader(r->app->store, &r->err);
	if (!db)
		return r->err.status;
	struct login *l = arena_alloc(r->arena, sizeof *l);
	int rc = auth_check_password(db, username, password, &l->user_id, &r->err);
	if (rc != XF_OK) {
		struct failed_login *f = xcalloc(1, sizeof *f);
		snprintf(f->ip, sizeof f->ip, "%s", r->client_ip);
		snprintf(f->username, sizeof f->username, "%s", username);
		f->at = clock_now();
		f->job =
		    (struct write_job){.fn = failed_login_fn, .arg = f, .done = failed_login_done};
		store_submit(r->app->store, &f->job);
		return rc;
	}
	return req_write(r, login_write, l);
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

int api_me(struct req *r)
{
	struct db *db = store_reader(r->app->store, &r->err);
	if (!db)
		return r->err.status;
	json_t *prefs = load_prefs(db, r->user.id, &r->err);
	if (!prefs)
		return r->err.status ? r->err.status : XF_EDB;
	resp_take_json(r, 200,
	               json_pack("{s:o, s:s, s:o, s:b}", "user", auth_user_json(&r->user), "csrf",
	                         r->user.csrf, "preferences", prefs, "demo", r->app->demo));
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
