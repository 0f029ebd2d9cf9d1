#include "cases.h"
#include "../auth/policy.h"
#include "../core/clock.h"
#include "../core/jw.h"
#include "../http/http.h"
#include "../points/points.h"
#include "../registry/registry.h"
#include "../sched/outbox.h"
#include "../core/str.h"
#include "../store/store.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OPEN_STATES "('submitted', 'accepted', 'assigned', 'returned', 'reopened')"
#define DUP_WINDOW  (14 * 86400)

static const char *const channels[] = {"mobile",         "staff", "station", "mailbox",
                                       "building_group", "12345", "open311", NULL};

static const struct {
	const char *code, *label;
} statuses[] = {
    {"submitted", "待受理"},  {"accepted", "已受理"}, {"assigned", "已派单"},
    {"replied", "已答复"},    {"closed", "已办结"},   {"returned", "已退回"},
    {"reopened", "重新办理"},
};

static const char *status_label(const char *s)
{
	for (size_t i = 0; i < XF_ARRAY_LEN(statuses); i++)
		if (strcmp(statuses[i].code, s) == 0)
			return statuses[i].label;
	return s;
}

/* Which states each action may start from ("*open" = any state but closed). */
static const struct {
	const char *action, *from, *label;
} actions[] = {
    {"accept", "submitted returned reopened", "受理"},
    {"assign", "accepted assigned reopened", "派单"},
    {"reply", "accepted assigned reopened", "答复"},
    {"return", "submitted accepted assigned reopened", "退回"},
    {"rate", "replied", "评价"},
    {"reopen", "closed", "重新办理"},
    {"escalate", "submitted accepted assigned returned reopened replied", "上报"},
    {"supervise", "submitted accepted assigned returned reopened replied", "督办"},
    {"followup", "closed", "回访"},
    {"publish", "submitted accepted assigned replied closed returned reopened", "公开设置"},
};

bool cases_action_known(const char *action)
{
	for (size_t i = 0; i < XF_ARRAY_LEN(actions); i++)
		if (strcmp(actions[i].action, action) == 0)
			return true;
	return false;
}

static bool from_allowed(const char *action, const char *status)
{
	size_t n = strlen(status);
	for (size_t i = 0; i < XF_ARRAY_LEN(actions); i++) {
		if (strcmp(actions[i].action, action) != 0)
			continue;
		for (const char *p = actions[i].from; (p = strstr(p, status)) != NULL; p += n)
			if ((p == actions[i].from || p[-1] == ' ') && (p[n] == ' ' || p[n] == 0))
				return true;
	}
	return false;
}

static const char *action_label(const char *action)
{
	for (size_t i = 0; i < XF_ARRAY_LEN(actions); i++)
		if (strcmp(actions[i].action, action) == 0)
			return actions[i].label;
	if (strcmp(action, "submit") == 0)
		return "提交";
	if (strcmp(action, "autoclose") == 0)
		return "逾期未评价，自动办结";
	if (strcmp(action, "photo") == 0)
		return "添加照片";
	return action;
}

void cases_actor_from_user(const struct xf_user *u, struct case_actor *a)
{
	a->user_id = u->is_token ? 0 : u->id;
	a->role = u->role;
	a->place_id = u->place_id;
	a->person_id = u->person_id;
	a->is_token = u->is_token;
	a->token_id = u->token_id;
}

/* ---- places ---- */

int cases_community_of(struct db *db, int64_t place_id, int64_t *community, struct xf_err *err)
{
	*community = 0;
	struct db_stmt *st = db_prep(db, "SELECT path, kind FROM places WHERE id = ?", err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, place_id);
	int rc = db_step(st, err);
	if (rc != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_ENOTFOUND, "not_found", "没有这个地点");
	char path[256];
	snprintf(path, sizeof path, "%s", db_col_text(st, 0));
	db_reset(st);
	/* "/city/district/street/community/…": the fourth id, when the path is that deep (a
	 * community is its own community). */
	const char *p = path;
	for (int depth = 0; depth < 4 && p; depth++)
		p = strchr(p + 1, '/');
	if (!p)
		return XF_OK;
	const char *q = p;
	while (q > path && q[-1] != '/')
		q--;
	int64_t id = strtoll(q, NULL, 10);
	char kind[16] = "";
	if ((st = db_prep(db, "SELECT kind FROM places WHERE id = ?", err)) == NULL)
		return err->status;
	db_bind_int(st, 1, id);
	if ((rc = db_step(st, err)) == DB_ROW) {
		snprintf(kind, sizeof kind, "%s", db_col_text(st, 0));
		db_reset(st);
	} else if (rc < 0) {
		return rc;
	}
	if (strcmp(kind, "community") == 0)
		*community = id;
	return XF_OK;
}

static int parent_of(struct db *db, int64_t place, int64_t *parent, struct xf_err *err)
{
	*parent = 0;
	struct db_stmt *st =
	    db_prep(db, "SELECT coalesce(parent_id, 0) FROM places WHERE id = ?", err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, place);
	int rc = db_step(st, err);
	if (rc == DB_ROW) {
		*parent = db_col_int(st, 0);
		db_reset(st);
		return XF_OK;
	}
	return rc < 0 ? rc : xf_fail(err, XF_ENOTFOUND, "not_found", "没有这个地点");
}

/* ---- categories, tiers, settings ---- */

bool cases_category_active(struct db *db, const char *code)
{
	struct xf_err e;
	int64_t n = 0;
	return db_int(db, &e, &n,
	              "SELECT count(*) FROM case_categories WHERE code = ? AND active = 1", "t",
	              code) == XF_OK &&
	       n > 0;
}

int cases_categories_json(struct db *db, json_t **out, struct xf_err *err)
{
	struct db_stmt *st = db_prep(db,
	                             "SELECT c.code, c.name, c.tier, t.name, c.grp, c.description,"
	                             " c.keywords, c.active, coalesce(t.dispatch_s, 0),"
	                             " t.feedback_s FROM case_categories c JOIN case_tiers t"
	                             " ON t.tier = c.tier ORDER BY c.grp, c.code",
	                             err);
	if (!st)
		return err->status;
	*out = json_array();
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(
		    *out,
		    json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:o, s:I}", "code",
		              db_col_text(st, 0), "name", db_col_text(st, 1), "tier",
		              db_col_text(st, 2), "tier_name", db_col_text(st, 3), "group",
		              db_col_text(st, 4), "description", db_col_text(st, 5), "keywords",
		              db_col_text(st, 6), "active", db_col_int(st, 7) != 0, "dispatch_s",
		              db_col_int(st, 8) ? json_integer(db_col_int(st, 8)) : json_null(),
		              "feedback_s", (json_int_t)db_col_int(st, 9)));
	if (rc < 0) {
		json_decref(*out);
		return rc;
	}
	return XF_OK;
}

static bool tier_valid(const char *t)
{
	return strcmp(t, "emergency") == 0 || strcmp(t, "utilities") == 0 ||
	       strcmp(t, "general") == 0 || strcmp(t, "complex") == 0;
}

int cases_category_put(struct db *db, const char *code, const char *name, const char *tier,
                       const char *group, const char *description, bool active, struct xf_err *err)
{
	for (const char *p = code; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
			return xf_fail_field(err, XF_EINVAL, "validation_failed", "code",
			                     "分类编码只能由小写字母、数字和下划线组成");
	if (!tier_valid(tier))
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "tier",
		                     "时限档次只能是 emergency、utilities、general 或 complex");
	int64_t n = 0;
	int rc =
	    db_int(db, err, &n, "SELECT count(*) FROM case_categories WHERE code = ?", "t", code);
	if (rc != XF_OK)
		return rc;
	if (n)
		return db_run(
		    db, err,
		    "UPDATE case_categories SET name = ?, tier = ?, grp = ?, description = ?,"
		    " active = ? WHERE code = ?",
		    "ttttit", name, tier, group, description, (int64_t)active, code);
	return db_run(db, err,
	              "INSERT INTO case_categories(code, name, tier, grp, description, active)"
	              " VALUES (?, ?, ?, ?, ?, ?)",
	              "ttttti", code, name, tier, group, description, (int64_t)active);
}

int cases_tier_put(struct db *db, const char *tier, int64_t dispatch_s, int64_t feedback_s,
                   struct xf_err *err)
{
	if (!tier_valid(tier))
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "tier",
		                     "时限档次只能是 emergency、utilities、general 或 complex");
	if (dispatch_s && dispatch_s > feedback_s)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "dispatch_minutes",
		                     "受理时限不能长于答复时限");
	struct db_stmt *st =
	    db_prep(db, "UPDATE case_tiers SET dispatch_s = ?, feedback_s = ? WHERE tier = ?", err);
	if (!st)
		return err->status;
	if (dispatch_s)
		db_bind_int(st, 1, dispatch_s);
	else
		db_bind_null(st, 1);
	db_bind_int(st, 2, feedback_s);
	db_bind_text(st, 3, tier);
	int rc = db_step(st, err);
	return rc == DB_DONE ? XF_OK : rc;
}

int cases_settings_put(struct db *db, int followup_pct, int autoclose_days, struct xf_err *err)
{
	if (followup_pct != -1 && (followup_pct < 0 || followup_pct > 100))
		return xf_fail_field(err, XF_EINVAL, "out_of_range", "followup_percent",
		                     "回访抽样比例应在 0 到 100 之间");
	if (autoclose_days != -1 && (autoclose_days < 1 || autoclose_days > 60))
		return xf_fail_field(err, XF_EINVAL, "out_of_range", "autoclose_days",
		                     "答复后自动办结天数应在 1 到 60 之间");
	char v[24];
	int rc = XF_OK;
	if (followup_pct != -1) {
		snprintf(v, sizeof v, "%d", followup_pct);
		rc = store_meta_set(db, "cases.followup_pct", v, err);
	}
	if (rc == XF_OK && autoclose_days != -1) {
		snprintf(v, sizeof v, "%d", autoclose_days);
		rc = store_meta_set(db, "cases.autoclose_days", v, err);
	}
	return rc;
}

int cases_overdue_count(struct db *db, int64_t now, int64_t *n, struct xf_err *err)
{
	return db_int(db, err, n,
	              "SELECT count(*) FROM cases WHERE status IN " OPEN_STATES
	              " AND (due_at < ? OR (status = 'submitted' AND dispatch_due_at < ?))",
	              "ii", now, now);
}

int cases_settings(struct db *db, int *followup_pct, int *autoclose_days, struct xf_err *err)
{
	char v[32];
	*followup_pct = 10;
	*autoclose_days = 7;
	int rc = store_meta_get(db, "cases.followup_pct", v, sizeof v, err);
	if (rc == XF_OK)
		*followup_pct = atoi(v);
	else if (rc != XF_ENOTFOUND)
		return rc;
	rc = store_meta_get(db, "cases.autoclose_days", v, sizeof v, err);
	if (rc == XF_OK)
		*autoclose_days = atoi(v);
	else if (rc != XF_ENOTFOUND)
		return rc;
	xf_err_clear(err);
	return XF_OK;
}

/* ---- one case as the write path sees it ---- */

struct crow {
	int64_t id, place, community, handling, reporter_user, reporter_person, studio;
	int64_t assignee_person, assignee_org, round, unsatisfied, rated_round, escalations;
	int64_t source_token, due_at, dispatch_due_at, accepted_at;
	int64_t dispatch_s, feedback_s;
	char status[16], category[48], external_id[80], title[160];
};

static int load(struct db *db, int64_t id, struct crow *c, struct xf_err *err)
{
	struct db_stmt *st = db_prep(
	    db,
	    "SELECT c.id, c.place_id, coalesce(c.community_id, 0), c.handling_place_id,"
	    " coalesce(c.reporter_user_id, 0), coalesce(c.reporter_person_id, 0),"
	    " coalesce(c.studio_org_id, 0), coalesce(c.assignee_person_id, 0),"
	    " coalesce(c.assignee_org_id, 0), c.round, c.unsatisfied, c.rated_round, c.escalations,"
	    " coalesce(c.source_token_id, 0), c.due_at, coalesce(c.dispatch_due_at, 0),"
	    " coalesce(c.accepted_at, 0), coalesce(t.dispatch_s, 0), t.feedback_s, c.status,"
	    " c.category, coalesce(c.external_id, ''), c.title FROM cases c"
	    " JOIN case_categories k ON k.code = c.category JOIN case_tiers t ON t.tier = k.tier"
	    " WHERE c.id = ?",
	    err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	int rc = db_step(st, err);
	if (rc != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_ENOTFOUND, "not_found", "没有这个诉求");
	int64_t *ints[] = {&c->id,
	                   &c->place,
	                   &c->community,
	                   &c->handling,
	                   &c->reporter_user,
	                   &c->reporter_person,
	                   &c->studio,
	                   &c->assignee_person,
	                   &c->assignee_org,
	                   &c->round,
	                   &c->unsatisfied,
	                   &c->rated_round,
	                   &c->escalations,
	                   &c->source_token,
	                   &c->due_at,
	                   &c->dispatch_due_at,
	                   &c->accepted_at,
	                   &c->dispatch_s,
	                   &c->feedback_s};
	for (size_t i = 0; i < XF_ARRAY_LEN(ints); i++)
		*ints[i] = db_col_int(st, (int)i);
	snprintf(c->status, sizeof c->status, "%s", db_col_text(st, 19));
	snprintf(c->category, sizeof c->category, "%s", db_col_text(st, 20));
	snprintf(c->external_id, sizeof c->external_id, "%s", db_col_text(st, 21));
	snprintf(c->title, sizeof c->title, "%s", db_col_text(st, 22));
	db_reset(st);
	return XF_OK;
}

/* ---- who may act ---- */

static bool inside(struct db *db, int64_t scope, int64_t place)
{
	struct xf_err e;
	bool in = false;
	return scope > 0 && place > 0 && authz_in_subtree(db, scope, place, &in, &e) == XF_OK && in;
}

static bool is_staff(struct db *db, const struct case_actor *a, const struct crow *c)
{
	return a->user_id && policy_allows(a->role, "cases.handle") &&
	       (inside(db, a->place_id, c->place) || inside(db, a->place_id, c->handling));
}

static bool is_reporter(const struct case_actor *a, const struct crow *c)
{
	return (a->user_id && a->user_id == c->reporter_user) ||
	       (a->person_id && a->person_id == c->reporter_person);
}

static bool is_delegate(struct db *db, const struct case_actor *a, const struct crow *c)
{
	if (!c->studio || !a->person_id || strcmp(a->role, "delegate") != 0)
		return false;
	struct xf_err e;
	int64_t n = 0;
	return db_int(db, &e, &n,
	              "SELECT count(*) FROM positions WHERE person_id = ? AND org_id = ?"
	              " AND post = 'delegate' AND ended_at IS NULL",
	              "ii", a->person_id, c->studio) == XF_OK &&
	       n > 0;
}

static bool is_assignee(const struct case_actor *a, const struct crow *c)
{
	return a->person_id && a->person_id == c->assignee_person;
}

/* Who may read a case, from what a read loaded: the case's access columns and the paths of
 * its place, its handling place and the actor's scope (so no query but a delegate's). */
static int decide_read(struct db *db, const struct case_actor *a, const struct crow *c,
                       const char *scope, const char *place, const char *handling,
                       struct xf_err *err)
{
	if (a->is_token) {
		if (a->token_id && a->token_id == c->source_token)
			return XF_OK;
		return xf_fail(err, XF_ENOTFOUND, "not_found", "没有这个诉求");
	}
	if (is_reporter(a, c) || is_assignee(a, c) || is_delegate(db, a, c))
		return XF_OK;
	if (policy_allows(a->role, "cases.handle") || policy_allows(a->role, "cases.report")) {
		if (a->place_id > 0 &&
		    (authz_path_inside(scope, place) || authz_path_inside(scope, handling)))
			return XF_OK;
		return xf_fail(err, XF_EPERM, "out_of_scope", "该诉求不在您的管辖范围内");
	}
	/* Residents learn nothing about other people's cases, not even that they exist. */
	return xf_fail(err, XF_ENOTFOUND, "not_found", "没有这个诉求");
}

/* The columns deciding who may read a case, at the end of a statement whose cases are c,
 * whose place is p and handling place h: the statement's first parameter is the actor's
 * scope (its place's id). */
#define ACCESS_COLS                                                                                \
	" c.place_id, c.handling_place_id, coalesce(c.reporter_user_id, 0),"                       \
	" coalesce(c.reporter_person_id, 0), coalesce(c.studio_org_id, 0),"                        \
	" coalesce(c.assignee_person_id, 0), coalesce(c.source_token_id, 0), p.path, "             \
	"h.path, " AUTHZ_SCOPE_PATH

/* Decide from the ACCESS_COLS starting at column `at` of a statement on its row. */
static int access_from_row(struct db *db, struct db_stmt *st, int at, int64_t id,
                           const struct case_actor *a, struct xf_err *err)
{
	struct crow c = {.id = id,
	                 .place = db_col_int(st, at),
	                 .handling = db_col_int(st, at + 1),
	                 .reporter_user = db_col_int(st, at + 2),
	                 .reporter_person = db_col_int(st, at + 3),
	                 .studio = db_col_int(st, at + 4),
	                 .assignee_person = db_col_int(st, at + 5),
	                 .source_token = db_col_int(st, at + 6)};
	return decide_read(db, a, &c, db_col_text(st, at + 9), db_col_text(st, at + 7),
	                   db_col_text(st, at + 8), err);
}

int cases_can_read(struct db *db, int64_t id, const struct case_actor *a, struct xf_err *err)
{
	struct db_stmt *st = db_prep(db,
	                             "SELECT" ACCESS_COLS " FROM cases c JOIN places p ON p.id ="
	                             " c.place_id JOIN places h ON h.id = c.handling_place_id"
	                             " WHERE c.id = ?",
	                             err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, a->place_id);
	db_bind_int(st, 2, id);
	int rc = db_step(st, err);
	if (rc != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_ENOTFOUND, "not_found", "没有这个诉求");
	rc = access_from_row(db, st, 0, id, a, err);
	db_reset(st);
	return rc;
}

/* ---- photos ---- */

int cases_photo_get(struct db *db, int64_t id, int n, const struct case_actor *a, char mime[32],
                    struct buf *out, struct xf_err *err)
{
	int rc = cases_can_read(db, id, a, err);
	if (rc != XF_OK)
		return rc;
	struct db_stmt *st = db_prep(db,
	                             "SELECT mime, bytes FROM case_photos WHERE case_id = ?"
	                             " ORDER BY id LIMIT 1 OFFSET ?",
	                             err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, n - 1);
	if ((rc = db_step(st, err)) != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_ENOTFOUND, "not_found", "没有这张照片");
	size_t len = 0;
	const void *p = db_col_blob(st, 1, &len);
	snprintf(mime, 32, "%s", db_col_text(st, 0));
	buf_reset(out);
	buf_append(out, p ? p : "", len);
	db_reset(st);
	return XF_OK;
}

static int event(struct db *db, int64_t case_id, const char *action, const char *from,
                 const char *to, const struct case_actor *a, int64_t on_behalf, int64_t place,
                 const char *text, json_t *detail, int64_t now, struct xf_err *err)
{
	char *d = detail ? json_dumps(detail, JSON_COMPACT) : NULL;
	struct db_stmt *st = db_prep(
	    db,
	    "INSERT INTO case_events(case_id, action, from_status, to_status, actor_user_id,"
	    " actor_role, on_behalf_person_id, place_id, text, detail, created_at, district_id)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT district_id FROM places WHERE id = "
	    "?))",
	    err);
	if (!st) {
		free(d);
		return err->status;
	}
	db_bind_int(st, 1, case_id);
	db_bind_text(st, 2, action);
	db_bind_text(st, 3, from);
	db_bind_text(st, 4, to);
	if (a && a->user_id)
		db_bind_int(st, 5, a->user_id);
	else
		db_bind_null(st, 5);
	db_bind_text(st, 6, a && a->role ? a->role : (a && a->is_token ? "api_token" : "system"));
	if (on_behalf)
		db_bind_int(st, 7, on_behalf);
	else
		db_bind_null(st, 7);
	db_bind_int(st, 8, place);
	db_bind_text(st, 9, text ? text : "");
	db_bind_text(st, 10, d ? d : "");
	db_bind_int(st, 11, now);
	db_bind_int(st, 12, place);
	int rc = db_step(st, err);
	free(d);
	return rc == DB_DONE ? XF_OK : rc;
}

/* The resident hears of every change; a 12345 or Open311 client at its token's webhook. */
static int notify_change(struct db *db, const struct crow *c, const char *action,
                         const char *status, int64_t now, struct xf_err *err)
{
	char to[48], subject[96], body[512];
	int rc = XF_OK;
	snprintf(subject, sizeof subject, "您反映的问题有新进展（%s）", status_label(status));
	snprintf(body, sizeof body, "诉求 #%lld「%s」：%s，当前状态：%s。", (long long)c->id,
	         c->title, action_label(action), status_label(status));
	if (c->reporter_user)
		snprintf(to, sizeof to, "user:%lld", (long long)c->reporter_user);
	else if (c->reporter_person)
		snprintf(to, sizeof to, "person:%lld", (long long)c->reporter_person);
	else
		to[0] = 0;
	if (*to && (rc = outbox_enqueue(db, "notice", to, subject, body, NULL, err)) != XF_OK)
		return rc;
	if (c->source_token) {
		char url[512] = "";
		struct db_stmt *st =
		    db_prep(db, "SELECT webhook_url FROM api_tokens WHERE id = ?", err);
		if (!st)
			return err->status;
		db_bind_int(st, 1, c->source_token);
		if ((rc = db_step(st, err)) == DB_ROW) {
			snprintf(url, sizeof url, "%s", db_col_text(st, 0));
			db_reset(st);
		} else if (rc < 0) {
			return rc;
		}
		rc = XF_OK; /* a token without a webhook: nothing to send */
		if (*url) {
			json_t *ev =
			    json_pack("{s:s, s:I, s:s, s:s, s:s, s:I}", "event", "case.changed",
			              "case_id", (json_int_t)c->id, "external_id", c->external_id,
			              "action", action, "status", status, "at", (json_int_t)now);
			char *s = json_dumps(ev, JSON_COMPACT);
			json_decref(ev);
			rc = outbox_enqueue_webhook(db, c->source_token, url, "case.changed", s,
			                            err);
			free(s);
		}
	}
	return rc == DB_DONE ? XF_OK : rc;
}

static int notify_person(struct db *db, int64_t person, const char *subject, const char *body,
                         struct xf_err *err)
{
	char to[48];
	int64_t user = 0;
	struct xf_err e;
	db_int(db, &e, &user, "SELECT id FROM users WHERE person_id = ? ORDER BY id LIMIT 1", "i",
	       person);
	if (user)
		snprintf(to, sizeof to, "user:%lld", (long long)user);
	else
		snprintf(to, sizeof to, "person:%lld", (long long)person);
	return outbox_enqueue(db, "notice", to, subject, body, NULL, err);
}

/* Staff accounts holding a handling grant exactly at the place (the level's queue). */
static int notify_level(struct db *db, int64_t place, const char *subject, const char *body,
                        struct xf_err *err)
{
	struct db_stmt *st = db_prep(db,
	                             "SELECT DISTINCT user_id FROM grants WHERE place_id = ? AND"
	                             " role IN ('community_official', 'street_official',"
	                             " 'district_official', 'admin', 'grid_worker')"
	                             " ORDER BY user_id LIMIT 20",
	                             err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, place);
	int64_t users[20];
	int n = 0, rc;
	while (n < 20 && (rc = db_step(st, err)) == DB_ROW)
		users[n++] = db_col_int(st, 0);
	if (rc < 0)
		return rc;
	db_reset(st);
	for (int i = 0; i < n; i++) {
		char to[48];
		snprintf(to, sizeof to, "user:%lld", (long long)users[i]);
		if ((rc = outbox_enqueue(db, "notice", to, subject, body, NULL, err)) != XF_OK)
			return rc;
	}
	return XF_OK;
}

int cases_photo_allowed(struct db *db, int64_t id, const struct case_actor *a, struct xf_err *err)
{
	struct crow c;
	int rc = load(db, id, &c, err);
	if (rc != XF_OK || (rc = cases_can_read(db, id, a, err)) != XF_OK)
		return rc;
	if (!is_reporter(a, &c) && !is_staff(db, a, &c) && !is_delegate(db, a, &c) &&
	    !is_assignee(a, &c))
		return xf_fail(err, XF_EPERM, "forbidden", "只有反映人或经办人可以添加照片");
	return XF_OK;
}

int cases_photo_add(struct db *db, int64_t id, const struct case_actor *a, const char *mime,
                    const void *bytes, size_t n, int64_t now, int *n_out, struct xf_err *err)
{
	struct crow c;
	int rc = cases_photo_allowed(db, id, a, err);
	if (rc != XF_OK || (rc = load(db, id, &c, err)) != XF_OK)
		return rc;
	int64_t have = 0;
	if ((rc = db_int(db, err, &have, "SELECT count(*) FROM case_photos WHERE case_id = ?", "i",
	                 id)) != XF_OK)
		return rc;
	if (have >= CASES_MAX_PHOTOS)
		return xf_fail(err, XF_ECONFLICT, "too_many_photos", "每件诉求最多 %d 张照片",
		               CASES_MAX_PHOTOS);
	unsigned char h[crypto_hash_sha256_BYTES];
	char hex[2 * crypto_hash_sha256_BYTES + 1];
	crypto_hash_sha256(h, bytes, n);
	hex_encode(h, sizeof h, hex);
	struct db_stmt *st = db_prep(db,
	                             "INSERT INTO case_photos(case_id, mime, bytes, size, sha256,"
	                             " user_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
	                             err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, mime);
	db_bind_blob(st, 3, bytes, n);
	db_bind_int(st, 4, (int64_t)n);
	db_bind_text(st, 5, hex);
	if (a->user_id)
		db_bind_int(st, 6, a->user_id);
	else
		db_bind_null(st, 6);
	db_bind_int(st, 7, now);
	if ((rc = db_step(st, err)) != DB_DONE)
		return rc < 0 ? rc : xf_fail(err, XF_EDB, "db_error", "保存照片失败");
	json_t *d =
	    json_pack("{s:s, s:I, s:s}", "mime", mime, "size", (json_int_t)n, "sha256", hex);
	rc = event(db, id, "photo", c.status, c.status, a, 0, c.handling, "", d, now, err);
	json_decref(d);
	if (rc == XF_OK)
		rc = db_run(db, err, "UPDATE cases SET updated_at = ? WHERE id = ?", "ii", now, id);
	*n_out = (int)have + 1;
	return rc;
}

/* ---- create ---- */

static int deadlines(struct db *db, const char *category, int64_t now, int64_t *dispatch_due,
                     int64_t *due, struct xf_err *err)
{
	struct db_stmt *st = db_prep(db,
	                             "SELECT coalesce(t.dispatch_s, 0), t.feedback_s FROM"
	                             " case_categories c JOIN case_tiers t ON t.tier = c.tier"
	                             " WHERE c.code = ?",
	                             err);
	if (!st)
		return err->status;
	db_bind_text(st, 1, category);
	int rc = db_step(st, err);
	if (rc != DB_ROW)
		return rc < 0 ? rc
		              : xf_fail_field(err, XF_EINVAL, "validation_failed", "category",
		                              "没有这个诉求分类");
	int64_t d = db_col_int(st, 0), f = db_col_int(st, 1);
	db_reset(st);
	*dispatch_due = d ? now + d : 0;
	*due = now + f;
	return XF_OK;
}

int cases_create(struct db *db, const struct case_in *in, int64_t *id, bool *existing,
                 struct xf_err *err)
{
	*existing = false;
	bool ok_channel = false;
	for (const char *const *c = channels; *c; c++)
		ok_channel |= strcmp(*c, in->channel) == 0;
	if (!ok_channel)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "channel",
		                     "渠道只能是 mobile、staff、station、mailbox、building_group、"
		                     "12345 或 open311");
	int rc;
	if (in->external_source && in->external_id) {
		struct db_stmt *st = db_prep(
		    db, "SELECT id FROM cases WHERE external_source = ? AND external_id = ?", err);
		if (!st)
			return err->status;
		db_bind_text(st, 1, in->external_source);
		db_bind_text(st, 2, in->external_id);
		if ((rc = db_step(st, err)) == DB_ROW) {
			*id = db_col_int(st, 0);
			*existing = true;
			db_reset(st);
			return XF_OK;
		}
		if (rc < 0)
			return rc;
	}
	if (!cases_category_active(db, in->category))
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "category",
		                     "没有这个诉求分类：%s", in->category);
	int64_t place = in->place_id, community = 0, handling;
	if (!place && in->reporter_person_id) {
		struct xf_err e;
		db_int(db, &e, &place, "SELECT place_id FROM people WHERE id = ?", "i",
		       in->reporter_person_id);
	}
	if (!place)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "place_id",
		                     "请选择问题发生的地点");
	rc = cases_community_of(db, place, &community, err);
	if (rc == XF_ENOTFOUND)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "place_id",
		                     "没有这个地点");
	if (rc != XF_OK)
		return rc;
	handling = community ? community : place;
	if (in->studio_org_id) {
		int64_t studio_place = 0;
		struct xf_err e;
		if (db_int(db, &e, &studio_place,
		           "SELECT place_id FROM orgs WHERE id = ? AND kind = 'delegate_studio'",
		           "i", in->studio_org_id) != XF_OK)
			return xf_fail_field(err, XF_EINVAL, "validation_failed", "studio_id",
			                     "没有这个党代表工作室");
		handling = studio_place;
	}
	int64_t dispatch_due = 0, due = 0;
	if ((rc = deadlines(db, in->category, in->now, &dispatch_due, &due, err)) != XF_OK)
		return rc;
	struct db_stmt *st = db_prep(
	    db,
	    "INSERT INTO cases(category, title, description, place_id, community_id,"
	    " handling_place_id, status, channel, public, reporter_user_id, reporter_person_id,"
	    " entered_by, external_source, external_id, token, studio_org_id, source_token_id, lat,"
	    " lng, dispatch_due_at, due_at, sla_due_at, created_at, updated_at, district_id)"
	    " VALUES (?, ?, ?, ?, ?, ?, 'submitted', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
	    "?,"
	    " ?, (SELECT district_id FROM places WHERE id = ?)) RETURNING id",
	    err);
	if (!st)
		return err->status;
	int k = 1;
	db_bind_text(st, k++, in->category);
	db_bind_text(st, k++, in->title);
	db_bind_text(st, k++, in->description);
	db_bind_int(st, k++, place);
	if (community)
		db_bind_int(st, k++, community);
	else
		db_bind_null(st, k++);
	db_bind_int(st, k++, handling);
	db_bind_text(st, k++, in->channel);
	db_bind_int(st, k++, in->is_public);
	int64_t opt[] = {in->reporter_user_id, in->reporter_person_id, in->entered_by};
	for (size_t i = 0; i < 3; i++)
		if (opt[i])
			db_bind_int(st, k++, opt[i]);
		else
			db_bind_null(st, k++);
	db_bind_text(st, k++, in->external_source);
	db_bind_text(st, k++, in->external_id);
	db_bind_text(st, k++, in->token);
	if (in->studio_org_id)
		db_bind_int(st, k++, in->studio_org_id);
	else
		db_bind_null(st, k++);
	if (in->source_token_id)
		db_bind_int(st, k++, in->source_token_id);
	else
		db_bind_null(st, k++);
	if (in->has_geo) {
		char la[32], ln[32];
		snprintf(la, sizeof la, "%.7f", in->lat);
		snprintf(ln, sizeof ln, "%.7f", in->lng);
		db_bind_text(st, k++, la);
		db_bind_text(st, k++, ln);
	} else {
		db_bind_null(st, k++);
		db_bind_null(st, k++);
	}
	if (dispatch_due)
		db_bind_int(st, k++, dispatch_due);
	else
		db_bind_null(st, k++);
	db_bind_int(st, k++, due);
	db_bind_int(st, k++, due);
	db_bind_int(st, k++, in->now);
	db_bind_int(st, k++, in->now);
	db_bind_int(st, k++, place);
	if ((rc = db_step(st, err)) != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_EDB, "db_error", "保存诉求失败");
	*id = db_col_int(st, 0);
	db_reset(st);
	struct case_actor sys = {.user_id = in->entered_by ? in->entered_by : in->reporter_user_id,
	                         .role = in->entered_by ? "staff" : "",
	                         .is_token = in->source_token_id != 0};
	json_t *detail = json_pack("{s:s}", "channel", in->channel);
	rc = event(db, *id, "submit", "", "submitted", &sys,
	           in->entered_by ? in->reporter_person_id : 0, handling, "", detail, in->now, err);
	json_decref(detail);
	if (rc != XF_OK)
		return rc;
	struct crow c;
	if ((rc = load(db, *id, &c, err)) != XF_OK ||
	    (rc = notify_change(db, &c, "submit", "submitted", in->now, err)) != XF_OK)
		return rc;
	char body[256];
	snprintf(body, sizeof body, "新诉求 #%lld「%s」待受理。", (long long)*id, in->title);
	return notify_level(db, handling, "新的民情诉求", body, err);
}

/* ---- actions ---- */

/* A new round: fresh deadlines from now (the tier's), reminders re-armed. */
static int new_round(struct db *db, struct crow *c, int64_t handling, int64_t now,
                     struct xf_err *err)
{
	c->round++;
	c->handling = handling;
	return db_run(db, err,
	              "UPDATE cases SET status = 'reopened', round = ?, handling_place_id = ?,"
	              " due_at = ?, dispatch_due_at = ?, warned_at = NULL, closed_at = NULL,"
	              " assignee_person_id = NULL, assignee_org_id = NULL, updated_at = ?"
	              " WHERE id = ?",
	              "iiiiii", c->round, handling, now + c->feedback_s,
	              c->dispatch_s ? now + c->dispatch_s : now + c->feedback_s, now, c->id);
}

static int close_case(struct db *db, struct crow *c, int64_t now, struct xf_err *err)
{
	int pct, days;
	int rc = cases_settings(db, &pct, &days, err);
	if (rc != XF_OK)
		return rc;
	/* 回访 sampling: a fixed, evenly spread draw by case id (reproducible, auditable). */
	uint64_t h = (uint64_t)c->id * 0x9E3779B97F4A7C15ull;
	bool sampled = (int)((h >> 32) % 100) < pct;
	return db_run(
	    db, err,
	    "UPDATE cases SET status = 'closed', closed_at = ?, sampled = ?, updated_at = ?"
	    " WHERE id = ?",
	    "iiii", now, (int64_t)sampled, now, c->id);
}

static int deny(struct xf_err *err, const char *msg)
{
	return xf_fail(err, XF_EPERM, "forbidden", "%s", msg);
}

int cases_act(struct db *db, int64_t id, const char *action, json_t *body,
              const struct case_actor *a, int64_t now, struct xf_err *err)
{
	struct crow c;
	int rc = load(db, id, &c, err);
	if (rc != XF_OK)
		return rc;
	if ((rc = cases_can_read(db, id, a, err)) != XF_OK)
		return rc;
	bool staff = is_staff(db, a, &c), delegate = is_delegate(db, a, &c),
	     reporter = is_reporter(a, &c), assignee = is_assignee(a, &c);
	/* Who, before whether: a resident poking at a state learns nothing about it. */
	if (strcmp(action, "rate") == 0) {
		if (!reporter)
			return xf_fail(err, XF_EPERM, "not_reporter",
			               "只有反映问题的居民本人可以评价");
	} else if (strcmp(action, "reopen") == 0) {
		if (!reporter && !staff)
			return deny(err, "只有反映人或经办的工作人员可以重新办理");
	} else if (strcmp(action, "reply") == 0) {
		if (!staff && !delegate && !assignee)
			return deny(err, "只有经办人可以答复");
	} else if (strcmp(action, "return") == 0) {
		if (!staff && !assignee)
			return deny(err, "只有经办人可以退回");
	} else if (strcmp(action, "supervise") == 0) {
		/* 督办 comes from above the level handling it (or the studio's delegate). */
		bool above = a->user_id && policy_allows(a->role, "cases.handle") &&
		             a->place_id != c.handling && inside(db, a->place_id, c.handling);
		if (!above && !delegate)
			return deny(err, "督办须由上级或党代表发起");
	} else if (strcmp(action, "publish") == 0) {
		/* Whether Open311's public view may show the description: staff decide. */
		if (!staff)
			return deny(err, "只有经办的工作人员可以设置是否公开");
	} else if (!staff && !delegate) {
		return deny(err, "没有权限办理这件诉求");
	}
	if (!from_allowed(action, c.status))
		return xf_fail(err, XF_ECONFLICT, "invalid_state", "诉求当前状态为“%s”，不能%s",
		               status_label(c.status), action_label(action));
	char from[16];
	snprintf(from, sizeof from, "%s", c.status);
	const char *text = "";
	json_t *detail = NULL;
	int64_t on_behalf = 0;
	if (strcmp(action, "accept") == 0) {
		rc = db_run(
		    db, err,
		    "UPDATE cases SET status = 'accepted', accepted_at = coalesce(accepted_at, ?),"
		    " updated_at = ? WHERE id = ?",
		    "iii", now, now, c.id);
		snprintf(c.status, sizeof c.status, "accepted");
	} else if (strcmp(action, "assign") == 0) {
		int64_t person = jv_int(body, "person_id", 0), org = jv_int(body, "org_id", 0),
		        n = 0;
		text = jv_str(body, "note", "");
		if ((person != 0) == (org != 0))
			return xf_fail_field(err, XF_EINVAL, "validation_failed", "person_id",
			                     "请指定一位经办人（person_id）或一个单位（org_id）");
		if (person)
			rc = db_int(db, err, &n, "SELECT count(*) FROM people WHERE id = ?", "i",
			            person);
		else
			rc =
			    db_int(db, err, &n, "SELECT count(*) FROM orgs WHERE id = ?", "i", org);
		if (rc != XF_OK)
			return rc;
		if (!n)
			return xf_fail_field(err, XF_EINVAL, "validation_failed",
			                     person ? "person_id" : "org_id",
			                     person ? "没有这个人" : "没有这个单位");
		struct db_stmt *st =
		    db_prep(db,
		            "UPDATE cases SET status = 'assigned', assignee_person_id = ?,"
		            " assignee_org_id = ?, warned_at = NULL, updated_at = ? WHERE id = ?",
		            err);
		if (!st)
			return err->status;
		if (person)
			db_bind_int(st, 1, person);
		else
			db_bind_null(st, 1);
		if (org)
			db_bind_int(st, 2, org);
		else
			db_bind_null(st, 2);
		db_bind_int(st, 3, now);
		db_bind_int(st, 4, c.id);
		rc = db_step(st, err) == DB_DONE ? XF_OK : err->status;
		snprintf(c.status, sizeof c.status, "assigned");
		detail = json_pack("{s:I, s:I}", "person_id", (json_int_t)person, "org_id",
		                   (json_int_t)org);
		if (rc == XF_OK && person) {
			char msg[256];
			snprintf(msg, sizeof msg, "诉求 #%lld「%s」已派给您办理，请在时限内答复。",
			         (long long)c.id, c.title);
			rc = notify_person(db, person, "新派单", msg, err);
		}
	} else if (strcmp(action, "reply") == 0) {
		text = jv_str(body, "text", "");
		rc = db_run(db, err,
		            "UPDATE cases SET status = 'replied', replied_at = ?, replied_by = ?,"
		            " updated_at = ? WHERE id = ?",
		            "iiii", now, a->user_id, now, c.id);
		snprintf(c.status, sizeof c.status, "replied");
	} else if (strcmp(action, "return") == 0) {
		text = jv_str(body, "reason", "");
		int64_t to = jv_int(body, "place_id", 0), place = c.place, community = 0, handling;
		if (to) {
			rc = cases_community_of(db, to, &community, err);
			if (rc == XF_ENOTFOUND)
				return xf_fail_field(err, XF_EINVAL, "validation_failed",
				                     "place_id", "没有这个地点");
			if (rc != XF_OK)
				return rc;
			place = to;
			handling = community ? community : to;
		} else {
			/* Nowhere named: the level above re-routes it. */
			if ((rc = parent_of(db, c.handling, &handling, err)) != XF_OK)
				return rc;
			if (!handling)
				return xf_fail_field(err, XF_EINVAL, "validation_failed",
				                     "place_id",
				                     "已是最高一级，请指明应转给哪个地点");
			community = c.community;
		}
		struct db_stmt *st = db_prep(
		    db,
		    "UPDATE cases SET status = 'returned', place_id = ?, community_id = ?,"
		    " handling_place_id = ?, assignee_person_id = NULL, assignee_org_id = NULL,"
		    " due_at = ?, sla_due_at = ?, dispatch_due_at = ?, warned_at = NULL,"
		    " updated_at = ? WHERE id = ?",
		    err);
		if (!st)
			return err->status;
		db_bind_int(st, 1, place);
		if (community)
			db_bind_int(st, 2, community);
		else
			db_bind_null(st, 2);
		db_bind_int(st, 3, handling);
		db_bind_int(st, 4, now + c.feedback_s);
		db_bind_int(st, 5, now + c.feedback_s);
		db_bind_int(st, 6, now + (c.dispatch_s ? c.dispatch_s : c.feedback_s));
		db_bind_int(st, 7, now);
		db_bind_int(st, 8, c.id);
		rc = db_step(st, err) == DB_DONE ? XF_OK : err->status;
		c.handling = handling;
		snprintf(c.status, sizeof c.status, "returned");
		detail = json_pack("{s:I}", "to_place_id", (json_int_t)handling);
		if (rc == XF_OK) {
			char msg[256];
			snprintf(msg, sizeof msg, "诉求 #%lld「%s」被退回（%s），请重新分派。",
			         (long long)c.id, c.title, text);
			rc = notify_level(db, handling, "退回的诉求", msg, err);
		}
	} else if (strcmp(action, "rate") == 0) {
		const char *rating = jv_str(body, "rating", "");
		text = jv_str(body, "comment", "");
		if (strcmp(rating, "satisfied") != 0 &&
		    strcmp(rating, "basically_satisfied") != 0 &&
		    strcmp(rating, "unsatisfied") != 0)
			return xf_fail_field(
			    err, XF_EINVAL, "validation_failed", "rating",
			    "评价只能是 satisfied、basically_satisfied 或 unsatisfied");
		if (c.rated_round == c.round)
			return xf_fail(err, XF_ECONFLICT, "already_rated", "本轮办理已经评价过了");
		if ((rc = db_run(db, err,
		                 "UPDATE cases SET rating = ?, rated_round = round, updated_at = ?"
		                 " WHERE id = ?",
		                 "tii", rating, now, c.id)) != XF_OK)
			return rc;
		detail = json_pack("{s:s, s:I}", "rating", rating, "round", (json_int_t)c.round);
		if (strcmp(rating, "unsatisfied") != 0) {
			rc = close_case(db, &c, now, err);
			snprintf(c.status, sizeof c.status, "closed");
			/* Solved and rated: a verified outcome for the person who handled it. */
			if (rc == XF_OK && c.assignee_person) {
				char ref[40];
				snprintf(ref, sizeof ref, "case:%lld", (long long)c.id);
				rc = points_outcome(db, "case_solved", ref, c.assignee_person, 1,
				                    now, err);
			}
		} else {
			c.unsatisfied++;
			rc = db_run(db, err, "UPDATE cases SET unsatisfied = ? WHERE id = ?", "ii",
			            c.unsatisfied, c.id);
			if (rc == XF_OK && c.unsatisfied == 1) {
				rc = new_round(db, &c, c.handling, now, err); /* reopens once */
			} else if (rc == XF_OK && c.unsatisfied == 2) {
				/* A second unsatisfied result goes to the street. */
				int64_t street = 0;
				if ((rc = registry_ancestor_of_kind(db, c.handling, "street",
				                                    &street, err)) == XF_OK)
					rc = new_round(db, &c, street ? street : c.handling, now,
					               err);
				if (rc == XF_OK)
					rc = db_run(db, err,
					            "UPDATE cases SET escalations = escalations + 1"
					            " WHERE id = ?",
					            "i", c.id);
				if (rc == XF_OK) {
					char msg[256];
					snprintf(msg, sizeof msg,
					         "诉求 #%lld「%s」居民两次不满意，转街道办理。",
					         (long long)c.id, c.title);
					rc = notify_level(db, c.handling, "不满意诉求转办", msg,
					                  err);
				}
			} else if (rc == XF_OK) {
				/* After the street's round the result stands, unsatisfied. */
				rc = close_case(db, &c, now, err);
			}
			if (rc == XF_OK)
				rc = load(db, c.id, &c, err);
		}
	} else if (strcmp(action, "reopen") == 0) {
		text = jv_str(body, "reason", "");
		rc = new_round(db, &c, c.handling, now, err);
		snprintf(c.status, sizeof c.status, "reopened");
	} else if (strcmp(action, "escalate") == 0) {
		text = jv_str(body, "reason", "");
		int64_t up;
		if ((rc = parent_of(db, c.handling, &up, err)) != XF_OK)
			return rc;
		if (!up)
			return xf_fail(err, XF_ECONFLICT, "invalid_state",
			               "已是最高一级，无法再上报");
		rc = db_run(db, err,
		            "UPDATE cases SET handling_place_id = ?, escalations = escalations + 1,"
		            " updated_at = ? WHERE id = ?",
		            "iii", up, now, c.id);
		c.handling = up;
		detail = json_pack("{s:I}", "to_place_id", (json_int_t)up);
		if (rc == XF_OK) {
			char msg[256];
			snprintf(msg, sizeof msg, "诉求 #%lld「%s」已上报到本级（%s）。",
			         (long long)c.id, c.title, text);
			rc = notify_level(db, up, "上报的诉求", msg, err);
		}
	} else if (strcmp(action, "supervise") == 0) {
		text = jv_str(body, "text", "");
		char msg[256];
		snprintf(msg, sizeof msg, "诉求 #%lld「%s」被督办：%s", (long long)c.id, c.title,
		         text);
		rc = notify_level(db, c.handling, "督办", msg, err);
		if (rc == XF_OK && c.assignee_person)
			rc = notify_person(db, c.assignee_person, "督办", msg, err);
		rc = rc == XF_OK ? db_run(db, err, "UPDATE cases SET updated_at = ? WHERE id = ?",
		                          "ii", now, c.id)
		                 : rc;
	} else if (strcmp(action, "publish") == 0) {
		bool pub = jv_bool(body, "public", 0) != 0;
		rc = db_run(db, err, "UPDATE cases SET public = ?, updated_at = ? WHERE id = ?",
		            "iii", (int64_t)pub, now, c.id);
		detail = json_pack("{s:b}", "public", pub);
	} else if (strcmp(action, "followup") == 0) {
		const char *outcome = jv_str(body, "outcome", "");
		text = jv_str(body, "note", "");
		if (strcmp(outcome, "satisfied") != 0 &&
		    strcmp(outcome, "basically_satisfied") != 0 &&
		    strcmp(outcome, "unsatisfied") != 0 && strcmp(outcome, "unreachable") != 0)
			return xf_fail_field(err, XF_EINVAL, "validation_failed", "outcome",
			                     "回访结果只能是 satisfied、basically_satisfied、"
			                     "unsatisfied 或 unreachable");
		int64_t done = 0;
		if ((rc = db_int(
		         db, err, &done,
		         "SELECT count(*) FROM cases WHERE id = ? AND followup_outcome IS NOT"
		         " NULL",
		         "i", c.id)) != XF_OK)
			return rc;
		if (done)
			return xf_fail(err, XF_ECONFLICT, "already_followed_up",
			               "这件诉求已经回访过了");
		rc = db_run(db, err,
		            "UPDATE cases SET followup_outcome = ?, updated_at = ? WHERE id = ?",
		            "tii", outcome, now, c.id);
		detail = json_pack("{s:s}", "outcome", outcome);
	}
	if (rc == XF_OK)
		rc = event(db, c.id, action, from, c.status, a, on_behalf, c.handling, text, detail,
		           now, err);
	json_decref(detail);
	if (rc == XF_OK && strcmp(action, "supervise") != 0 && strcmp(action, "publish") != 0)
		rc = notify_change(db, &c, action, c.status, now, err);
	return rc;
}

/* ---- reading ---- */

/* A case's brief, the members of its object (the caller opens and closes it): every case in
 * a list and the top of a case card. Written straight as JSON text, with no jansson tree
 * (docs/PERFORMANCE.md, third round). */
static void brief_write(struct jw *w, struct db_stmt *st, int64_t now)
{
	/* id, category, category name, title, status, place_id, place name, created_at, due_at,
	 * channel, round, handling place name, dispatch_due_at */
	const char *status = db_col_text(st, 4);
	bool open = strcmp(status, "replied") != 0 && strcmp(status, "closed") != 0;
	int64_t due = db_col_int(st, 8);
	bool overdue = open && (due < now || (strcmp(status, "submitted") == 0 &&
	                                      db_col_int(st, 12) && db_col_int(st, 12) < now));
	jw_key(w, "id");
	jw_int(w, db_col_int(st, 0));
	jw_key(w, "category");
	jw_str(w, db_col_text(st, 1));
	jw_key(w, "category_name");
	jw_str(w, db_col_text(st, 2));
	jw_key(w, "title");
	jw_str(w, db_col_text(st, 3));
	jw_key(w, "status");
	jw_str(w, status);
	jw_key(w, "status_label");
	jw_str(w, status_label(status));
	jw_key(w, "place_id");
	jw_int(w, db_col_int(st, 5));
	jw_key(w, "place_name");
	jw_str(w, db_col_text(st, 6));
	jw_key(w, "created_at");
	jw_int(w, db_col_int(st, 7));
	jw_key(w, "due_at");
	jw_int(w, due);
	jw_key(w, "overdue");
	jw_bool(w, overdue);
	jw_key(w, "seconds_left");
	jw_int(w, open ? due - now : 0);
	jw_key(w, "channel");
	jw_str(w, db_col_text(st, 9));
	jw_key(w, "round");
	jw_int(w, db_col_int(st, 10));
	jw_key(w, "handling_place_name");
	jw_str(w, db_col_text(st, 11));
}

/* A string member, null when empty. */
static void str_or_null(struct jw *w, const char *key, const char *s)
{
	jw_key(w, key);
	if (*s)
		jw_str(w, s);
	else
		jw_null(w);
}

/* A time member, null when 0 (unset). */
static void time_or_null(struct jw *w, const char *key, int64_t t)
{
	jw_key(w, key);
	if (t)
		jw_int(w, t);
	else
		jw_null(w);
}

/* {id, name} or null when id is 0. */
static void ref_or_null(struct jw *w, const char *key, const char *type, int64_t id,
                        const char *name)
{
	jw_key(w, key);
	if (!id) {
		jw_null(w);
		return;
	}
	jw_obj(w);
	if (type) {
		jw_key(w, "type");
		jw_str(w, type);
	}
	jw_key(w, "id");
	jw_int(w, id);
	jw_key(w, "name");
	jw_str(w, name);
	jw_end_obj(w);
}

#define BRIEF_COLS                                                                                 \
	"c.id, c.category, k.name, c.title, c.status, c.place_id, p.name, c.created_at, c.due_at," \
	" c.channel, c.round, h.name, coalesce(c.dispatch_due_at, 0)"
#define BRIEF_FROM                                                                                 \
	" FROM cases c JOIN case_categories k ON k.code = c.category JOIN places p ON p.id ="      \
	" c.place_id JOIN places h ON h.id = c.handling_place_id"

int cases_card_write(struct db *db, int64_t id, const struct case_actor *a, int64_t now,
                     struct jw *w, struct xf_err *err)
{
	struct db_stmt *st = db_prep(
	    db,
	    "SELECT " BRIEF_COLS ", c.description, c.public, coalesce(c.reporter_person_id, 0),"
	    " coalesce(rp.name, ''), coalesce(c.entered_by, 0), coalesce(c.external_id, ''),"
	    " coalesce(c.studio_org_id, 0), coalesce(so.name, ''), coalesce(c.assignee_person_id, "
	    "0),"
	    " coalesce(ap.name, ''), coalesce(c.assignee_org_id, 0), coalesce(ao.name, ''),"
	    " coalesce(c.rating, ''), c.rated_round, c.unsatisfied, c.escalations, c.sla_due_at,"
	    " coalesce(c.accepted_at, 0), coalesce(c.replied_at, 0), coalesce(c.closed_at, 0),"
	    " c.sampled, coalesce(c.followup_outcome, ''), coalesce(c.community_id, 0),"
	    " c.handling_place_id, (SELECT count(*) FROM case_photos f WHERE f.case_id = "
	    "c.id)," ACCESS_COLS BRIEF_FROM
	    " LEFT JOIN people rp ON rp.id = c.reporter_person_id LEFT JOIN orgs so ON so.id ="
	    " c.studio_org_id LEFT JOIN people ap ON ap.id = c.assignee_person_id LEFT JOIN orgs ao"
	    " ON ao.id = c.assignee_org_id WHERE c.id = ?",
	    err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, a ? a->place_id : 0);
	db_bind_int(st, 2, id);
	int rc = db_step(st, err);
	if (rc != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_ENOTFOUND, "not_found", "没有这个诉求");
	/* Who may read it, from the same row (the columns after the card's 38). */
	if (a && (rc = access_from_row(db, st, 38, id, a, err)) != XF_OK) {
		db_reset(st);
		return rc;
	}
	jw_obj(w);
	brief_write(w, st, now);
	int b = 13;
	jw_key(w, "description");
	jw_str(w, db_col_text(st, b));
	jw_key(w, "public");
	jw_bool(w, db_col_int(st, b + 1) != 0);
	ref_or_null(w, "reporter", NULL, db_col_int(st, b + 2), db_col_text(st, b + 3));
	jw_key(w, "entered_on_behalf");
	jw_bool(w, db_col_int(st, b + 4) != 0);
	str_or_null(w, "external_id", db_col_text(st, b + 5));
	ref_or_null(w, "studio", NULL, db_col_int(st, b + 6), db_col_text(st, b + 7));
	if (db_col_int(st, b + 8))
		ref_or_null(w, "assignee", "person", db_col_int(st, b + 8), db_col_text(st, b + 9));
	else
		ref_or_null(w, "assignee", "org", db_col_int(st, b + 10), db_col_text(st, b + 11));
	str_or_null(w, "rating", db_col_text(st, b + 12));
	jw_key(w, "rated_this_round");
	jw_bool(w, db_col_int(st, b + 13) == db_col_int(st, 10));
	jw_key(w, "unsatisfied");
	jw_int(w, db_col_int(st, b + 14));
	jw_key(w, "escalations");
	jw_int(w, db_col_int(st, b + 15));
	jw_key(w, "sla_due_at");
	jw_int(w, db_col_int(st, b + 16));
	time_or_null(w, "accepted_at", db_col_int(st, b + 17));
	time_or_null(w, "replied_at", db_col_int(st, b + 18));
	time_or_null(w, "closed_at", db_col_int(st, b + 19));
	time_or_null(w, "dispatch_due_at", db_col_int(st, 12));
	jw_key(w, "followup_sampled");
	jw_bool(w, db_col_int(st, b + 20) != 0);
	str_or_null(w, "followup_outcome", db_col_text(st, b + 21));
	int64_t community = db_col_int(st, b + 22), handling = db_col_int(st, b + 23);
	jw_key(w, "handling_place_id");
	jw_int(w, handling);
	jw_key(w, "photos");
	jw_int(w, db_col_int(st, b + 24));
	char cat[48];
	snprintf(cat, sizeof cat, "%s", db_col_text(st, 1));
	db_reset(st);

	/* The timeline: every transition, who, when, on whose behalf. */
	jw_key(w, "timeline");
	jw_arr(w);
	st =
	    db_prep(db,
	            "SELECT e.action, e.from_status, e.to_status, coalesce(u.display_name, ''),"
	            " e.actor_role, coalesce(op.name, ''), coalesce(pl.name, ''), e.text, e.detail,"
	            " e.created_at FROM case_events e LEFT JOIN users u ON u.id = e.actor_user_id"
	            " LEFT JOIN people op ON op.id = e.on_behalf_person_id LEFT JOIN places pl"
	            " ON pl.id = e.place_id WHERE e.case_id = ? ORDER BY e.id",
	            err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	while ((rc = db_step(st, err)) == DB_ROW) {
		jw_obj(w);
		jw_key(w, "action");
		jw_str(w, db_col_text(st, 0));
		jw_key(w, "action_label");
		jw_str(w, action_label(db_col_text(st, 0)));
		jw_key(w, "from");
		jw_str(w, db_col_text(st, 1));
		jw_key(w, "to");
		jw_str(w, db_col_text(st, 2));
		jw_key(w, "actor");
		jw_str(w, *db_col_text(st, 3)                         ? db_col_text(st, 3)
		          : strcmp(db_col_text(st, 4), "system") == 0 ? "系统"
		                                                      : "外部接口");
		jw_key(w, "actor_role");
		jw_str(w, db_col_text(st, 4));
		jw_key(w, "place_name");
		jw_str(w, db_col_text(st, 6));
		jw_key(w, "text");
		jw_str(w, db_col_text(st, 7));
		jw_key(w, "at");
		jw_int(w, db_col_int(st, 9));
		str_or_null(w, "on_behalf_of", db_col_text(st, 5));
		/* The detail is JSON text we stored: copied when it is what the writer would write
		 * for it, else parsed, so a damaged row answers null rather than breaking the
		 * answer. */
		jw_key(w, "detail");
		jw_json_text(w, db_col_text(st, 8));
		jw_end_obj(w);
	}
	if (rc < 0)
		return rc;
	jw_end_arr(w);
	/* Possible duplicates: the same community and category lately, newest first. The order
	 * follows cases_community (community_id, category, created_at[, id]) so the engine
	 * stops after five instead of sorting every recent case of the category. */
	jw_key(w, "possible_duplicates");
	jw_arr(w);
	if (community) {
		st = db_prep(
		    db,
		    "SELECT id, title, status, created_at FROM cases WHERE community_id = ?"
		    " AND category = ? AND id <> ? AND created_at >= ? AND (status <> 'closed'"
		    " OR closed_at >= ?) ORDER BY created_at DESC, id DESC LIMIT 5",
		    err);
		if (!st)
			return err->status;
		db_bind_int(st, 1, community);
		db_bind_text(st, 2, cat);
		db_bind_int(st, 3, id);
		db_bind_int(st, 4, now - DUP_WINDOW);
		db_bind_int(st, 5, now - DUP_WINDOW);
		while ((rc = db_step(st, err)) == DB_ROW) {
			jw_obj(w);
			jw_key(w, "id");
			jw_int(w, db_col_int(st, 0));
			jw_key(w, "title");
			jw_str(w, db_col_text(st, 1));
			jw_key(w, "status");
			jw_str(w, db_col_text(st, 2));
			jw_key(w, "status_label");
			jw_str(w, status_label(db_col_text(st, 2)));
			jw_key(w, "created_at");
			jw_int(w, db_col_int(st, 3));
			jw_end_obj(w);
		}
		if (rc < 0)
			return rc;
	}
	jw_end_arr(w);
	jw_end_obj(w);
	return XF_OK;
}

int cases_list_write(struct db *db, const struct case_filter *f, const struct case_actor *a,
                     int64_t now, struct jw *w, int64_t *next, struct xf_err *err)
{
	struct db_stmt *st;
	const char *status = f->status ? f->status : "";
	int64_t after = f->after > 0 ? f->after : INT64_MAX;
	bool staff = !a->is_token && (policy_allows(a->role, "cases.handle") ||
	                              policy_allows(a->role, "cases.report"));
	int rc;
	if (f->mine || (!staff && !f->studio)) {
		st = db_prep(
		    db,
		    "SELECT " BRIEF_COLS BRIEF_FROM
		    " WHERE (c.reporter_user_id = ? OR c.reporter_person_id = ?"
		    " OR c.assignee_person_id = ?) AND (? = '' OR c.status = ? OR (? = 'open'"
		    " AND c.status <> 'closed')) AND c.id < ? ORDER BY c.id DESC LIMIT ?",
		    err);
		if (!st)
			return err->status;
		db_bind_int(st, 1, a->user_id ? a->user_id : -1);
		db_bind_int(st, 2, a->person_id ? a->person_id : -1);
		db_bind_int(st, 3, a->person_id ? a->person_id : -1);
		db_bind_text(st, 4, status);
		db_bind_text(st, 5, status);
		db_bind_text(st, 6, status);
		db_bind_int(st, 7, after);
		db_bind_int(st, 8, f->limit + 1);
	} else if (f->studio) {
		st = db_prep(
		    db,
		    "SELECT " BRIEF_COLS BRIEF_FROM
		    " WHERE c.studio_org_id IN (SELECT org_id FROM positions WHERE person_id = ?"
		    " AND post = 'delegate' AND ended_at IS NULL) AND (? = '' OR c.status = ?"
		    " OR (? = 'open' AND c.status <> 'closed')) AND c.id < ?"
		    " ORDER BY c.id DESC LIMIT ?",
		    err);
		if (!st)
			return err->status;
		db_bind_int(st, 1, a->person_id ? a->person_id : -1);
		db_bind_text(st, 2, status);
		db_bind_text(st, 3, status);
		db_bind_text(st, 4, status);
		db_bind_int(st, 5, after);
		db_bind_int(st, 6, f->limit + 1);
	} else {
		char lo[256], hi[256];
		struct db_stmt *ps = db_prep(db, "SELECT path FROM places WHERE id = ?", err);
		if (!ps)
			return err->status;
		db_bind_int(ps, 1, f->place_id);
		if ((rc = db_step(ps, err)) != DB_ROW)
			return rc < 0 ? rc
			              : xf_fail(err, XF_ENOTFOUND, "not_found", "没有这个地点");
		snprintf(lo, sizeof lo, "%s", db_col_text(ps, 0));
		db_reset(ps);
		snprintf(hi, sizeof hi, "%s", lo);
		hi[strlen(hi) - 1] = '0';
		st = db_prep(
		    db,
		    "SELECT " BRIEF_COLS BRIEF_FROM
		    " WHERE ((p.path >= ? AND p.path < ?) OR (h.path >= ? AND h.path < ?))"
		    " AND (? = '' OR c.status = ? OR (? = 'open' AND c.status <> 'closed'))"
		    " AND (? = 0 OR (c.status IN " OPEN_STATES " AND (c.due_at < ? OR (c.status ="
		    " 'submitted' AND c.dispatch_due_at < ?))))"
		    " AND (? = 0 OR (c.status = 'closed' AND c.sampled = 1 AND c.followup_outcome "
		    "IS"
		    " NULL)) AND (? = '' OR c.category = ?) AND c.id < ? ORDER BY c.id DESC LIMIT "
		    "?",
		    err);
		if (!st)
			return err->status;
		const char *cat = f->category ? f->category : "";
		int k = 1;
		db_bind_text(st, k++, lo);
		db_bind_text(st, k++, hi);
		db_bind_text(st, k++, lo);
		db_bind_text(st, k++, hi);
		db_bind_text(st, k++, status);
		db_bind_text(st, k++, status);
		db_bind_text(st, k++, status);
		db_bind_int(st, k++, f->overdue);
		db_bind_int(st, k++, now);
		db_bind_int(st, k++, now);
		db_bind_int(st, k++, f->followup_due);
		db_bind_text(st, k++, cat);
		db_bind_text(st, k++, cat);
		db_bind_int(st, k++, after);
		db_bind_int(st, k++, f->limit + 1);
	}
	*next = 0;
	int n = 0;
	int64_t last = 0;
	jw_arr(w);
	while ((rc = db_step(st, err)) == DB_ROW) {
		if (n == f->limit) {
			*next = last;
			db_reset(st);
			break;
		}
		jw_obj(w);
		brief_write(w, st, now);
		jw_end_obj(w);
		last = db_col_int(st, 0);
		n++;
	}
	if (rc < 0)
		return rc;
	jw_end_arr(w);
	return XF_OK;
}

/* ---- rates ---- */

/* The city or a district: the cases first, each checked against its place (the places
 * first walked all 657k of them at the root); a street or less: its places first. */
#define RATES_SQL(FROM)                                                                            \
	"SELECT count(*),"                                                                         \
	" coalesce(sum(CASE WHEN c.accepted_at IS NOT NULL AND c.accepted_at <="                   \
	"  coalesce(c.dispatch_due_at, c.sla_due_at) THEN 1 ELSE 0 END), 0),"                      \
	" coalesce(sum(CASE WHEN c.status = 'closed' THEN 1 ELSE 0 END), 0),"                      \
	" coalesce(sum(CASE WHEN c.rating IS NOT NULL AND c.status = 'closed' THEN 1 ELSE 0"       \
	"  END), 0),"                                                                              \
	" coalesce(sum(CASE WHEN c.status = 'closed' AND c.rating IN ('satisfied',"                \
	"  'basically_satisfied') THEN 1 ELSE 0 END), 0),"                                         \
	" coalesce(sum(CASE WHEN c.status IN " OPEN_STATES " AND c.due_at < ? THEN 1 ELSE 0"       \
	"  END), 0),"                                                                              \
	" coalesce(sum(CASE WHEN c.replied_at IS NOT NULL AND c.replied_at <= c.sla_due_at"        \
	"  THEN 1 ELSE 0 END), 0)" FROM " WHERE p.id = c.place_id AND p.path >= ? AND p.path < ?"  \
	" AND c.created_at >= ? AND c.created_at < ?"

static int rates(struct db *db, const char *lo, const char *hi, int64_t from, int64_t to,
                 int64_t now, json_t **out, struct xf_err *err)
{
	struct db_stmt *st = registry_subtree_wide(lo)
	                         ? db_prep(db, RATES_SQL(" FROM cases c CROSS JOIN places p"), err)
	                         : db_prep(db, RATES_SQL(" FROM places p CROSS JOIN cases c"), err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, now);
	db_bind_text(st, 2, lo);
	db_bind_text(st, 3, hi);
	db_bind_int(st, 4, from);
	db_bind_int(st, 5, to);
	int rc = db_step(st, err);
	if (rc != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_EDB, "db_error", "统计失败");
	int64_t received = db_col_int(st, 0), responded = db_col_int(st, 1),
	        solved = db_col_int(st, 2), rated = db_col_int(st, 3),
	        satisfied = db_col_int(st, 4), overdue = db_col_int(st, 5),
	        in_time = db_col_int(st, 6);
	db_reset(st);
	/* Rates in per mille, with their counts beside them (never a bare percentage). */
	*out = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o, s:o, s:o}", "received",
	                 (json_int_t)received, "responded", (json_int_t)responded, "solved",
	                 (json_int_t)solved, "rated", (json_int_t)rated, "satisfied",
	                 (json_int_t)satisfied, "overdue", (json_int_t)overdue, "replied_in_time",
	                 (json_int_t)in_time, "good_deeds", (json_int_t)satisfied, "response_rate",
	                 received ? json_real((double)responded / (double)received) : json_null(),
	                 "solve_rate",
	                 received ? json_real((double)solved / (double)received) : json_null(),
	                 "satisfaction_rate",
	                 rated ? json_real((double)satisfied / (double)rated) : json_null());
	return XF_OK;
}

int cases_report_json(struct db *db, int64_t place_id, int64_t from, int64_t to, json_t **out,
                      struct xf_err *err)
{
	int64_t now = clock_now();
	struct db_stmt *st = db_prep(db, "SELECT path, name, kind FROM places WHERE id = ?", err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, place_id);
	int rc = db_step(st, err);
	if (rc != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_ENOTFOUND, "not_found", "没有这个地点");
	char lo[256], hi[256], name[128], kind[16];
	snprintf(lo, sizeof lo, "%s", db_col_text(st, 0));
	snprintf(name, sizeof name, "%s", db_col_text(st, 1));
	snprintf(kind, sizeof kind, "%s", db_col_text(st, 2));
	db_reset(st);
	snprintf(hi, sizeof hi, "%s", lo);
	hi[strlen(hi) - 1] = '0';
	json_t *total;
	if ((rc = rates(db, lo, hi, from, to, now, &total, err)) != XF_OK)
		return rc;
	json_t *v = json_pack("{s:{s:I, s:s, s:s}, s:I, s:I, s:o}", "place", "id",
	                      (json_int_t)place_id, "name", name, "kind", kind, "from",
	                      (json_int_t)from, "to", (json_int_t)to, "total", total);
	/* Per child place (drill-down), skipping buildings' households. */
	json_t *children = json_array();
	json_object_set_new(v, "children", children);
	if (strcmp(kind, "building") != 0 && strcmp(kind, "household") != 0) {
		st = db_prep(
		    db,
		    "SELECT id, name, path FROM places WHERE parent_id = ? ORDER BY id LIMIT"
		    " 200",
		    err);
		if (!st) {
			json_decref(v);
			return err->status;
		}
		db_bind_int(st, 1, place_id);
		struct child {
			int64_t id;
			char name[128], lo[256];
		} *c = calloc(200, sizeof *c);
		int n = 0;
		while (n < 200 && (rc = db_step(st, err)) == DB_ROW) {
			c[n].id = db_col_int(st, 0);
			snprintf(c[n].name, sizeof c[n].name, "%s", db_col_text(st, 1));
			snprintf(c[n].lo, sizeof c[n].lo, "%s", db_col_text(st, 2));
			n++;
		}
		if (rc < 0) {
			free(c);
			json_decref(v);
			return rc;
		}
		db_reset(st);
		for (int i = 0; i < n; i++) {
			char chi[256];
			json_t *r;
			snprintf(chi, sizeof chi, "%s", c[i].lo);
			chi[strlen(chi) - 1] = '0';
			if ((rc = rates(db, c[i].lo, chi, from, to, now, &r, err)) != XF_OK) {
				free(c);
				json_decref(v);
				return rc;
			}
			json_object_set_new(r, "id", json_integer(c[i].id));
			json_object_set_new(r, "name", json_string(c[i].name));
			if (json_integer_value(json_object_get(r, "received")) > 0)
				json_array_append_new(children, r);
			else
				json_decref(r);
		}
		free(c);
	}
	/* Per handler: who replied, and how it was rated. */
	json_t *handlers = json_array();
	json_object_set_new(v, "handlers", handlers);
#define HANDLERS_SQL(FROM)                                                                         \
	"SELECT u.id, u.display_name, count(*), coalesce(sum(CASE WHEN c.replied_at <="            \
	" c.sla_due_at THEN 1 ELSE 0 END), 0), coalesce(sum(CASE WHEN c.status ="                  \
	" 'closed' THEN 1 ELSE 0 END), 0), coalesce(sum(CASE WHEN c.rating IS NOT NULL"            \
	" AND c.status = 'closed' THEN 1 ELSE 0 END), 0), coalesce(sum(CASE WHEN"                  \
	" c.status = 'closed' AND c.rating IN ('satisfied', 'basically_satisfied') THEN"           \
	" 1 ELSE 0 END), 0)" FROM " JOIN users u ON u.id = c.replied_by WHERE p.id ="              \
	" c.place_id AND p.path >= ? AND p.path < ? AND c.created_at >= ? AND c.created_at < ?"    \
	" GROUP BY u.id, u.display_name ORDER BY count(*) DESC LIMIT 50"
	st = registry_subtree_wide(lo)
	         ? db_prep(db, HANDLERS_SQL(" FROM cases c CROSS JOIN places p"), err)
	         : db_prep(db, HANDLERS_SQL(" FROM places p CROSS JOIN cases c"), err);
	if (!st) {
		json_decref(v);
		return err->status;
	}
	db_bind_text(st, 1, lo);
	db_bind_text(st, 2, hi);
	db_bind_int(st, 3, from);
	db_bind_int(st, 4, to);
	while ((rc = db_step(st, err)) == DB_ROW) {
		int64_t rated = db_col_int(st, 5), sat = db_col_int(st, 6);
		json_array_append_new(
		    handlers,
		    json_pack("{s:I, s:s, s:I, s:I, s:I, s:I, s:I, s:o}", "user_id",
		              (json_int_t)db_col_int(st, 0), "name", db_col_text(st, 1), "replied",
		              (json_int_t)db_col_int(st, 2), "replied_in_time",
		              (json_int_t)db_col_int(st, 3), "closed",
		              (json_int_t)db_col_int(st, 4), "rated", (json_int_t)rated,
		              "satisfied", (json_int_t)sat, "satisfaction_rate",
		              rated ? json_real((double)sat / (double)rated) : json_null()));
	}
	if (rc < 0) {
		json_decref(v);
		return rc;
	}
	*out = v;
	return XF_OK;
}

/* ---- the scheduler's part ---- */

int cases_tick(struct db *db, int64_t now, int *escalated, int *reminded, int *autoclosed,
               struct xf_err *err)
{
	*escalated = *reminded = *autoclosed = 0;
	int pct, days;
	int rc = cases_settings(db, &pct, &days, err);
	if (rc != XF_OK)
		return rc;
	int64_t ids[200];
	int n = 0;
	/* Overdue (reply deadline passed, or not accepted by the dispatch deadline): one level
	 * up (吹哨), with that level's fresh deadline. */
	struct db_stmt *st = db_prep(db,
	                             "SELECT id FROM cases WHERE status IN " OPEN_STATES
	                             " AND (due_at < ? OR (status = 'submitted' AND"
	                             " dispatch_due_at < ?)) ORDER BY id LIMIT 200",
	                             err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, now);
	db_bind_int(st, 2, now);
	while (n < 200 && (rc = db_step(st, err)) == DB_ROW)
		ids[n++] = db_col_int(st, 0);
	if (rc < 0)
		return rc;
	db_reset(st);
	struct case_actor sys = {.role = "system"};
	for (int i = 0; i < n; i++) {
		struct crow c;
		int64_t up;
		if ((rc = load(db, ids[i], &c, err)) != XF_OK ||
		    (rc = parent_of(db, c.handling, &up, err)) != XF_OK)
			return rc;
		if (!up)
			up = c.handling; /* the city itself: stays, with a new deadline */
		if ((rc = db_run(
		         db, err,
		         "UPDATE cases SET handling_place_id = ?, escalations = escalations +"
		         " 1, due_at = ?, dispatch_due_at = ?, warned_at = NULL, updated_at = ?"
		         " WHERE id = ?",
		         "iiiii", up, now + c.feedback_s,
		         now + (c.dispatch_s ? c.dispatch_s : c.feedback_s), now, c.id)) != XF_OK)
			return rc;
		json_t *d = json_pack("{s:I, s:I}", "to_place_id", (json_int_t)up, "due_was",
		                      (json_int_t)c.due_at);
		rc = event(db, c.id, "escalate", c.status, c.status, &sys, 0, up,
		           "超过办理时限，自动上报上一级", d, now, err);
		json_decref(d);
		if (rc != XF_OK)
			return rc;
		c.handling = up;
		char msg[256];
		snprintf(msg, sizeof msg, "诉求 #%lld「%s」超过办理时限，已上报本级督办。",
		         (long long)c.id, c.title);
		if ((rc = notify_level(db, up, "超期诉求上报", msg, err)) != XF_OK ||
		    (rc = notify_change(db, &c, "escalate", c.status, now, err)) != XF_OK)
			return rc;
		(*escalated)++;
	}
	/* Reminders: within the last fifth of the window (at least two hours), once. */
	n = 0;
	st = db_prep(db,
	             "SELECT c.id FROM cases c JOIN case_categories k ON k.code = c.category JOIN"
	             " case_tiers t ON t.tier = k.tier WHERE c.status IN " OPEN_STATES
	             " AND c.warned_at IS NULL AND c.due_at >= ? AND c.due_at - ? <="
	             " CASE WHEN t.feedback_s / 5 > 7200 THEN t.feedback_s / 5 ELSE 7200 END"
	             " ORDER BY c.id LIMIT 200",
	             err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, now);
	db_bind_int(st, 2, now);
	while (n < 200 && (rc = db_step(st, err)) == DB_ROW)
		ids[n++] = db_col_int(st, 0);
	if (rc < 0)
		return rc;
	db_reset(st);
	for (int i = 0; i < n; i++) {
		struct crow c;
		if ((rc = load(db, ids[i], &c, err)) != XF_OK)
			return rc;
		char msg[256];
		snprintf(msg, sizeof msg, "诉求 #%lld「%s」将于 %lld 分钟后到期，请尽快办理。",
		         (long long)c.id, c.title, (long long)((c.due_at - now) / 60));
		if (c.assignee_person)
			rc = notify_person(db, c.assignee_person, "办理时限提醒", msg, err);
		else
			rc = notify_level(db, c.handling, "办理时限提醒", msg, err);
		if (rc == XF_OK)
			rc = db_run(db, err, "UPDATE cases SET warned_at = ? WHERE id = ?", "ii",
			            now, c.id);
		if (rc != XF_OK)
			return rc;
		(*reminded)++;
	}
	/* Replies left unrated for `days` close without a rating (not counted as satisfied). */
	n = 0;
	st = db_prep(db,
	             "SELECT id FROM cases WHERE status = 'replied' AND replied_at < ? ORDER BY id"
	             " LIMIT 200",
	             err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, now - (int64_t)days * 86400);
	while (n < 200 && (rc = db_step(st, err)) == DB_ROW)
		ids[n++] = db_col_int(st, 0);
	if (rc < 0)
		return rc;
	db_reset(st);
	for (int i = 0; i < n; i++) {
		struct crow c;
		if ((rc = load(db, ids[i], &c, err)) != XF_OK ||
		    (rc = close_case(db, &c, now, err)) != XF_OK ||
		    (rc = event(db, c.id, "autoclose", "replied", "closed", &sys, 0, c.handling,
		                "答复后居民未评价，自动办结", NULL, now, err)) != XF_OK ||
		    (rc = notify_change(db, &c, "autoclose", "closed", now, err)) != XF_OK)
			return rc;
		(*autoclosed)++;
	}
	return XF_OK;
}
