/* 民事民提, 民事民议 and 民事民评: proposals with photos and comments, meetings of four kinds
 * with attendance, minutes and decisions, and the decisions' milestones and evaluations.
 * Everything is visible to staff over their area and to the people of the place it is
 * about (their home or their grant lies inside it); names of residents are shown masked. */
#include "gov.h"
#include "../auth/policy.h"
#include "../core/jv.h"
#include "../points/points.h"
#include "../registry/registry.h"

#include <stdio.h>
#include <string.h>

static json_t *page_of(json_t *items)
{
	return json_pack("{s:o, s:n}", "items", items, "next");
}

static int64_t home_of(struct db *db, const struct actor *a)
{
	struct xf_err e;
	int64_t home = 0;
	if (a->person_id && db_int(db, &e, &home, "SELECT place_id FROM people WHERE id = ?", "i",
	                           a->person_id) != XF_OK)
		home = 0;
	return home;
}

bool gov_can_see(struct db *db, const struct actor *a, int64_t place)
{
	if (actor_may(db, a, "gov.read", place) || actor_inside(db, place, a->place_id))
		return true;
	int64_t home = home_of(db, a);
	return home && actor_inside(db, place, home);
}

int gov_need_see(struct db *db, const struct actor *a, int64_t place, struct xf_err *err)
{
	if (gov_can_see(db, a, place))
		return XF_OK;
	return xf_fail(err, XF_EPERM, "out_of_scope", "这件事不在您所在的社区或管辖范围内");
}

void gov_author(struct db *db, const struct actor *a, char *out, size_t n)
{
	struct db_stmt *st = db_prep(
	    db,
	    "SELECT coalesce(p.name, u.display_name) FROM users u LEFT JOIN people p ON p.id ="
	    " u.person_id WHERE u.id = ?",
	    NULL);
	snprintf(out, n, "*");
	if (!st)
		return;
	db_bind_int(st, 1, a->user_id);
	if (db_step(st, NULL) == DB_ROW)
		points_mask_person(db_col_text(st, 0), out, n);
	db_reset(st);
}

/* The caller's visibility as bounds for list queries: staff scope [lo, hi) (empty when the
 * role cannot read), the grant's path and the home's path (ancestors of either are shown). */
struct seen {
	char lo[256], hi[256], grant[256], home[256], flo[256], fhi[256];
};

static int seen_init(struct db *db, const struct actor *a, json_t *q, struct seen *s,
                     struct xf_err *err)
{
	memset(s, 0, sizeof *s);
	int rc;
	if (policy_allows(a->role, "gov.read") &&
	    (rc = registry_subtree(db, a->place_id, s->lo, s->hi, err)) != XF_OK)
		return rc;
	char hi[256];
	if (a->place_id && registry_subtree(db, a->place_id, s->grant, hi, err) != XF_OK)
		xf_err_clear(err);
	int64_t home = home_of(db, a);
	if (home && registry_subtree(db, home, s->home, hi, err) != XF_OK)
		xf_err_clear(err);
	/* No filter: every path starts with '/' and sorts before '0'. */
	snprintf(s->flo, sizeof s->flo, "/");
	snprintf(s->fhi, sizeof s->fhi, "0");
	int64_t place = jv_int(q, "place", 0);
	if (place) {
		if ((rc = gov_need_see(db, a, place, err)) != XF_OK)
			return rc;
		if ((rc = registry_subtree(db, place, s->flo, s->fhi, err)) != XF_OK)
			return rc;
	}
	if (!s->grant[0])
		snprintf(s->grant, sizeof s->grant, "-");
	if (!s->home[0])
		snprintf(s->home, sizeof s->home, "-");
	return XF_OK;
}

/* Binds the seen bounds at idx..idx+5 and the status filter at idx+6, idx+7. */
static void seen_bind(struct db_stmt *st, int idx, const struct seen *s, const char *status)
{
	db_bind_text(st, idx, s->lo);
	db_bind_text(st, idx + 1, s->hi);
	db_bind_text(st, idx + 2, s->grant);
	db_bind_text(st, idx + 3, s->home);
	db_bind_text(st, idx + 4, s->flo);
	db_bind_text(st, idx + 5, s->fhi);
	db_bind_text(st, idx + 6, status);
	db_bind_text(st, idx + 7, status);
}

static int step_done(struct db_stmt *st, struct xf_err *err)
{
	int rc = db_step(st, err);
	return rc == DB_DONE ? XF_OK : rc < 0 ? rc : xf_fail(err, XF_EDB, "db_error", "保存失败");
}

static int insert_id(struct db_stmt *st, int64_t *id, struct xf_err *err)
{
	int rc = db_step(st, err);
	if (rc != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_EDB, "db_error", "保存失败");
	*id = db_col_int(st, 0);
	db_reset(st);
	return XF_OK;
}

static int64_t district_of(struct db *db, int64_t place)
{
	struct xf_err e;
	int64_t d = 0;
	if (db_int(db, &e, &d, "SELECT coalesce(district_id, 0) FROM places WHERE id = ?", "i",
	           place) != XF_OK)
		d = 0;
	return d;
}

static const char *place_name(struct db *db, int64_t place, char *out, size_t n)
{
	struct db_stmt *st = db_prep(db, "SELECT name FROM places WHERE id = ?", NULL);
	snprintf(out, n, "%s", "");
	if (st) {
		db_bind_int(st, 1, place);
		if (db_step(st, NULL) == DB_ROW)
			snprintf(out, n, "%s", db_col_text(st, 0));
		db_reset(st);
	}
	return out;
}

/* ---- 民事民提 ---- */

struct proposal {
	int64_t place_id, user_id;
	char status[16];
};

static int proposal_load(struct db *db, int64_t id, struct proposal *p, struct xf_err *err)
{
	struct db_stmt *st = db_prep(
	    db, "SELECT place_id, coalesce(user_id, 0), status FROM gov_proposals WHERE id = ?",
	    err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	int rc = db_step(st, err);
	if (rc == DB_DONE)
		return xf_fail(err, XF_ENOTFOUND, "not_found", "没有这条提议");
	if (rc != DB_ROW)
		return rc;
	p->place_id = db_col_int(st, 0);
	p->user_id = db_col_int(st, 1);
	snprintf(p->status, sizeof p->status, "%s", db_col_text(st, 2));
	db_reset(st);
	return XF_OK;
}

GOV_OP(gov_proposal_create)
{
	int64_t place = jv_int(body, "place_id", 0), org = jv_int(body, "org_id", 0);
	const char *source = jv_str(body, "source", a->person_id ? "resident" : "staff");
	char author[96];
	int rc;
	/* Without a place, a resident proposes to their community. */
	if (!place) {
		int64_t home = home_of(db, a);
		if ((rc = registry_ancestor_of_kind(db, home ? home : a->place_id, "community",
		                                    &place, err)) != XF_OK)
			return rc;
		if (!place)
			return xf_fail_field(err, XF_EINVAL, "validation_failed", "place_id",
			                     "请选择提议针对的楼栋、小区或社区");
	}
	if ((rc = gov_need_see(db, a, place, err)) != XF_OK)
		return rc;
	if (strcmp(source, "resident") == 0) {
		if (!a->person_id)
			return xf_fail(err, XF_ECONFLICT, "no_person",
			               "您的账号未关联居民信息，不能以居民身份提议");
		gov_author(db, a, author, sizeof author);
	} else if (strcmp(source, "building_group") == 0) {
		if (strcmp(a->role, "building_member") != 0)
			return xf_fail(err, XF_EPERM, "forbidden",
			               "只有楼栋服务小组成员可以代表楼栋提议");
		char masked[64];
		gov_author(db, a, masked, sizeof masked);
		snprintf(author, sizeof author, "楼栋服务小组（%s）", masked);
	} else if (strcmp(source, "org") == 0) {
		struct db_stmt *st =
		    db_prep(db, "SELECT name, place_id FROM orgs WHERE id = ?", err);
		if (!st)
			return err->status;
		db_bind_int(st, 1, org);
		if ((rc = db_step(st, err)) != DB_ROW) {
			if (rc < 0)
				return rc;
			return xf_fail_field(err, XF_EINVAL, "validation_failed", "org_id",
			                     "请选择提议的组织");
		}
		snprintf(author, sizeof author, "%s", db_col_text(st, 0));
		int64_t org_place = db_col_int(st, 1);
		db_reset(st);
		if (!actor_inside(db, org_place, a->place_id) &&
		    !actor_inside(db, a->place_id, org_place))
			return xf_fail(err, XF_EPERM, "out_of_scope", "您不能代表这个组织提议");
	} else if (strcmp(source, "staff") == 0) {
		if ((rc = actor_need(db, a, "gov.manage", place, err)) != XF_OK)
			return rc;
		char pn[96];
		snprintf(author, sizeof author, "%s", place_name(db, place, pn, sizeof pn));
	} else {
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "source",
		                     "提议人只能是 resident（居民）、building_group（楼栋小组）、"
		                     "org（组织）或 staff（社区）");
	}
	struct db_stmt *st = db_prep(
	    db,
	    "INSERT INTO gov_proposals(place_id, source, org_id, title, description, user_id,"
	    " person_id, author, status, district_id, created_at, updated_at) VALUES (?, ?, ?, ?,"
	    " ?, ?, ?, ?, 'open', ?, ?, ?) RETURNING id",
	    err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, place);
	db_bind_text(st, 2, source);
	if (strcmp(source, "org") == 0)
		db_bind_int(st, 3, org);
	else
		db_bind_null(st, 3);
	db_bind_text(st, 4, jv_str(body, "title", ""));
	db_bind_text(st, 5, jv_str(body, "description", ""));
	if (a->user_id)
		db_bind_int(st, 6, a->user_id);
	else
		db_bind_null(st, 6);
	if (a->person_id)
		db_bind_int(st, 7, a->person_id);
	else
		db_bind_null(st, 7);
	db_bind_text(st, 8, author);
	db_bind_int(st, 9, district_of(db, place));
	db_bind_int(st, 10, now);
	db_bind_int(st, 11, now);
	int64_t pid = 0;
	if ((rc = insert_id(st, &pid, err)) != XF_OK)
		return rc;
	*out =
	    json_pack("{s:I, s:s, s:s}", "id", (json_int_t)pid, "status", "open", "author", author);
	return XF_OK;
}

GOV_OP(gov_proposals_list)
{
	struct seen s;
	int rc = seen_init(db, a, body, &s, err);
	if (rc != XF_OK)
		return rc;
	struct db_stmt *st = db_prep(
	    db,
	    "SELECT g.id, g.place_id, p.name, g.source, g.title, g.author, g.status,"
	    " g.created_at, (SELECT count(*) FROM gov_comments c WHERE c.proposal_id = g.id)"
	    " FROM gov_proposals g CROSS JOIN places p WHERE p.id = g.place_id AND ((p.path >= ? "
	    "AND"
	    " p.path < ?) OR substr(?, 1, length(p.path)) = p.path OR substr(?, 1,"
	    " length(p.path)) = p.path) AND p.path >= ? AND p.path < ? AND (? = '' OR g.status"
	    " = ?) ORDER BY g.id DESC LIMIT 200",
	    err);
	if (!st)
		return err->status;
	seen_bind(st, 1, &s, jv_str(body, "status", ""));
	json_t *items = json_array();
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(
		    items, json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:I}", "id",
		                     (json_int_t)db_col_int(st, 0), "place_id",
		                     (json_int_t)db_col_int(st, 1), "place", db_col_text(st, 2),
		                     "source", db_col_text(st, 3), "title", db_col_text(st, 4),
		                     "author", db_col_text(st, 5), "status", db_col_text(st, 6),
		                     "created_at", (json_int_t)db_col_int(st, 7), "comments",
		                     (json_int_t)db_col_int(st, 8)));
	if (rc < 0) {
		json_decref(items);
		return rc;
	}
	*out = page_of(items);
	return XF_OK;
}

static int linked_list(struct db *db, struct db_stmt *st, json_t *into, const char *key,
                       struct xf_err *err)
{
	json_t *arr = json_array();
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(
		    arr, json_pack("{s:I, s:s, s:s}", "id", (json_int_t)db_col_int(st, 0), "title",
		                   db_col_text(st, 1), "status", db_col_text(st, 2)));
	json_object_set_new(into, key, arr);
	(void)db;
	return rc < 0 ? rc : XF_OK;
}

GOV_OP(gov_proposal_get)
{
	struct proposal p;
	int rc = proposal_load(db, id, &p, err);
	if (rc != XF_OK || (rc = gov_need_see(db, a, p.place_id, err)) != XF_OK)
		return rc;
	struct db_stmt *st = db_prep(
	    db,
	    "SELECT g.id, g.place_id, pl.name, g.source, g.title, g.description, g.author,"
	    " g.status, g.reply, g.created_at, (SELECT count(*) FROM gov_attachments t WHERE"
	    " t.proposal_id = g.id) FROM gov_proposals g JOIN places pl ON pl.id = g.place_id"
	    " WHERE g.id = ?",
	    err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	if ((rc = db_step(st, err)) != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_ENOTFOUND, "not_found", "没有这条提议");
	json_t *o = json_pack(
	    "{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:b, s:b}", "id",
	    (json_int_t)db_col_int(st, 0), "place_id", (json_int_t)db_col_int(st, 1), "place",
	    db_col_text(st, 2), "source", db_col_text(st, 3), "title", db_col_text(st, 4),
	    "description", db_col_text(st, 5), "author", db_col_text(st, 6), "status",
	    db_col_text(st, 7), "reply", db_col_text(st, 8), "created_at",
	    (json_int_t)db_col_int(st, 9), "mine", p.user_id && p.user_id == a->user_id,
	    "can_manage", actor_may(db, a, "gov.manage", p.place_id));
	int photos = (int)db_col_int(st, 10);
	db_reset(st);
	json_t *urls = json_array();
	for (int i = 1; i <= photos; i++) {
		char url[80];
		snprintf(url, sizeof url, "/api/proposals/%lld/photos/%d", (long long)id, i);
		json_array_append_new(urls, json_string(url));
	}
	json_object_set_new(o, "photos", urls);
	st = db_prep(db,
	             "SELECT id, author, body, created_at FROM gov_comments WHERE proposal_id = ?"
	             " ORDER BY id LIMIT 500",
	             err);
	if (!st) {
		json_decref(o);
		return err->status;
	}
	db_bind_int(st, 1, id);
	json_t *comments = json_array();
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(
		    comments, json_pack("{s:I, s:s, s:s, s:I}", "id", (json_int_t)db_col_int(st, 0),
		                        "author", db_col_text(st, 1), "body", db_col_text(st, 2),
		                        "created_at", (json_int_t)db_col_int(st, 3)));
	json_object_set_new(o, "comments", comments);
	if (rc < 0) {
		json_decref(o);
		return rc;
	}
	struct db_stmt *m = db_prep(
	    db, "SELECT id, title, status FROM gov_meetings WHERE proposal_id = ? ORDER BY id",
	    err);
	if (m) {
		db_bind_int(m, 1, id);
		rc = linked_list(db, m, o, "meetings", err);
	}
	struct db_stmt *v = rc == XF_OK && m ? db_prep(db,
	                                               "SELECT id, title, status FROM gov_votes"
	                                               " WHERE proposal_id = ? ORDER BY id",
	                                               err)
	                                     : NULL;
	if (v) {
		db_bind_int(v, 1, id);
		rc = linked_list(db, v, o, "votes", err);
	}
	struct db_stmt *d = rc == XF_OK && v ? db_prep(db,
	                                               "SELECT id, text, status FROM gov_decisions"
	                                               " WHERE proposal_id = ? ORDER BY id",
	                                               err)
	                                     : NULL;
	if (d) {
		db_bind_int(d, 1, id);
		rc = linked_list(db, d, o, "decisions", err);
	}
	if (!m || !v || !d || rc != XF_OK) {
		json_decref(o);
		return rc != XF_OK ? rc : err->status;
	}
	*out = o;
	return XF_OK;
}

GOV_OP(gov_proposal_comment)
{
	struct proposal p;
	int rc = proposal_load(db, id, &p, err);
	if (rc != XF_OK || (rc = gov_need_see(db, a, p.place_id, err)) != XF_OK)
		return rc;
	if (strcmp(p.status, "open") != 0 && strcmp(p.status, "deliberating") != 0 &&
	    strcmp(p.status, "voting") != 0)
		return xf_fail(err, XF_ECONFLICT, "proposal_closed",
		               "这条提议已办结，不能再发表意见");
	char author[96];
	gov_author(db, a, author, sizeof author);
	struct db_stmt *st = db_prep(db,
	                             "INSERT INTO gov_comments(proposal_id, user_id, author, body,"
	                             " created_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
	                             err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	if (a->user_id)
		db_bind_int(st, 2, a->user_id);
	else
		db_bind_null(st, 2);
	db_bind_text(st, 3, author);
	db_bind_text(st, 4, jv_str(body, "body", ""));
	db_bind_int(st, 5, now);
	int64_t cid = 0;
	if ((rc = insert_id(st, &cid, err)) != XF_OK)
		return rc;
	*out = json_pack("{s:I, s:s}", "id", (json_int_t)cid, "author", author);
	return XF_OK;
}

GOV_OP(gov_proposal_decline)
{
	struct proposal p;
	int rc = proposal_load(db, id, &p, err);
	if (rc != XF_OK || (rc = actor_need(db, a, "gov.manage", p.place_id, err)) != XF_OK)
		return rc;
	if (strcmp(p.status, "open") != 0 && strcmp(p.status, "deliberating") != 0)
		return xf_fail(err, XF_ECONFLICT, "invalid_state",
		               "只有征集意见或协商中的提议可以答复不予采纳");
	if ((rc = db_run(db, err,
	                 "UPDATE gov_proposals SET status = 'declined', reply = ?, updated_at = ?"
	                 " WHERE id = ?",
	                 "tii", jv_str(body, "reply", ""), now, id)) != XF_OK)
		return rc;
	*out = json_pack("{s:I, s:s}", "id", (json_int_t)id, "status", "declined");
	return XF_OK;
}

int gov_photo_allowed(struct db *db, const struct actor *a, int64_t proposal, struct xf_err *err)
{
	struct proposal p;
	int rc = proposal_load(db, proposal, &p, err);
	if (rc != XF_OK || (rc = gov_need_see(db, a, p.place_id, err)) != XF_OK)
		return rc;
	if (!(p.user_id && p.user_id == a->user_id) && !actor_may(db, a, "gov.manage", p.place_id))
		return xf_fail(err, XF_EPERM, "forbidden", "只有提议人或社区可以添加照片");
	return XF_OK;
}

int gov_photo_add(struct db *db, const struct actor *a, int64_t proposal, const char *mime,
                  const void *bytes, size_t n, int64_t now, int *number, struct xf_err *err)
{
	int64_t have = 0;
	int rc = gov_photo_allowed(db, a, proposal, err);
	if (rc != XF_OK ||
	    (rc = db_int(db, err, &have,
	                 "SELECT count(*) FROM gov_attachments WHERE proposal_id = ?", "i",
	                 proposal)) != XF_OK)
		return rc;
	if (have >= GOV_MAX_PHOTOS)
		return xf_fail(err, XF_ECONFLICT, "too_many_photos", "每条提议最多 %d 张照片",
		               GOV_MAX_PHOTOS);
	struct db_stmt *st =
	    db_prep(db,
	            "INSERT INTO gov_attachments(proposal_id, n, mime, bytes, size,"
	            " created_at) VALUES (?, ?, ?, ?, ?, ?)",
	            err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, proposal);
	db_bind_int(st, 2, have + 1);
	db_bind_text(st, 3, mime);
	db_bind_blob(st, 4, bytes, n);
	db_bind_int(st, 5, (int64_t)n);
	db_bind_int(st, 6, now);
	if ((rc = step_done(st, err)) != XF_OK)
		return rc;
	*number = (int)have + 1;
	return XF_OK;
}

int gov_photo_get(struct db *db, const struct actor *a, int64_t proposal, int n, char mime[32],
                  struct buf *out, struct xf_err *err)
{
	struct proposal p;
	int rc = proposal_load(db, proposal, &p, err);
	if (rc != XF_OK || (rc = gov_need_see(db, a, p.place_id, err)) != XF_OK)
		return rc;
	struct db_stmt *st = db_prep(
	    db, "SELECT mime, bytes FROM gov_attachments WHERE proposal_id = ? AND n = ?", err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, proposal);
	db_bind_int(st, 2, n);
	if ((rc = db_step(st, err)) != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_ENOTFOUND, "not_found", "没有这张照片");
	snprintf(mime, 32, "%s", db_col_text(st, 0));
	size_t len;
	const void *b = db_col_blob(st, 1, &len);
	buf_append(out, b, len);
	db_reset(st);
	return XF_OK;
}

/* ---- 民事民议 ---- */

static const char *const meeting_kinds[][2] = {
    {"council", "议事会"}, {"hearing", "听证会"}, {"coordination", "协调会"}, {"review", "评议会"}};

struct meeting {
	int64_t place_id, proposal_id, starts_at;
	char status[16];
};

static int meeting_load(struct db *db, int64_t id, struct meeting *m, struct xf_err *err)
{
	struct db_stmt *st = db_prep(db,
	                             "SELECT place_id, coalesce(proposal_id, 0), starts_at, status"
	                             " FROM gov_meetings WHERE id = ?",
	                             err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	int rc = db_step(st, err);
	if (rc == DB_DONE)
		return xf_fail(err, XF_ENOTFOUND, "not_found", "没有这次会议");
	if (rc != DB_ROW)
		return rc;
	m->place_id = db_col_int(st, 0);
	m->proposal_id = db_col_int(st, 1);
	m->starts_at = db_col_int(st, 2);
	snprintf(m->status, sizeof m->status, "%s", db_col_text(st, 3));
	db_reset(st);
	return XF_OK;
}

GOV_OP(gov_meeting_create)
{
	int64_t place = jv_int(body, "place_id", 0), prop = jv_int(body, "proposal_id", 0);
	const char *kind = jv_str(body, "kind", "");
	int rc = actor_need(db, a, "gov.manage", place, err);
	if (rc != XF_OK)
		return rc;
	bool known = false;
	for (size_t i = 0; i < XF_ARRAY_LEN(meeting_kinds); i++)
		known |= strcmp(kind, meeting_kinds[i][0]) == 0;
	if (!known)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "kind",
		                     "会议类型只能是 council（议事会）、hearing（听证会）、"
		                     "coordination（协调会）或 review（评议会）");
	json_t *inv = json_object_get(body, "invitees"), *it;
	size_t i;
	json_array_foreach(inv, i, it)
	{
		const char *name = jv_str(it, "name", "");
		size_t n = strlen(name), c = strlen(jv_str(it, "capacity", ""));
		if (!json_is_object(it) || n < 1 || n > 90 || c > 60) {
			char field[32];
			snprintf(field, sizeof field, "invitees[%zu]", i);
			return xf_fail_field(err, XF_EINVAL, "validation_failed", field,
			                     "第 %zu 位参会人：须有姓名或单位（30 字以内）", i + 1);
		}
	}
	struct proposal p;
	if (prop) {
		if ((rc = proposal_load(db, prop, &p, err)) != XF_OK)
			return rc == XF_ENOTFOUND
			           ? xf_fail_field(err, XF_EINVAL, "validation_failed",
			                           "proposal_id", "没有这条提议")
			           : rc;
		if (!actor_inside(db, p.place_id, place) && !actor_inside(db, place, p.place_id))
			return xf_fail_field(err, XF_EINVAL, "validation_failed", "proposal_id",
			                     "提议与会议不在同一个地方");
	}
	struct db_stmt *st = db_prep(
	    db,
	    "INSERT INTO gov_meetings(place_id, proposal_id, kind, title, agenda, location,"
	    " starts_at, status, created_by, district_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?,"
	    " 'planned', ?, ?, ?) RETURNING id",
	    err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, place);
	if (prop)
		db_bind_int(st, 2, prop);
	else
		db_bind_null(st, 2);
	db_bind_text(st, 3, kind);
	db_bind_text(st, 4, jv_str(body, "title", ""));
	db_bind_text(st, 5, jv_str(body, "agenda", ""));
	db_bind_text(st, 6, jv_str(body, "location", ""));
	db_bind_int(st, 7, jv_int(body, "starts_at", 0));
	if (a->user_id)
		db_bind_int(st, 8, a->user_id);
	else
		db_bind_null(st, 8);
	db_bind_int(st, 9, district_of(db, place));
	db_bind_int(st, 10, now);
	int64_t mid = 0;
	if ((rc = insert_id(st, &mid, err)) != XF_OK)
		return rc;
	json_array_foreach(inv, i, it)
	{
		if ((rc = db_run(
		         db, err,
		         "INSERT INTO gov_invitees(meeting_id, name, capacity) VALUES (?, ?, ?)",
		         "itt", mid, jv_str(it, "name", ""), jv_str(it, "capacity", ""))) != XF_OK)
			return rc;
	}
	if (prop && strcmp(p.status, "open") == 0 &&
	    (rc = db_run(db, err,
	                 "UPDATE gov_proposals SET status = 'deliberating', updated_at = ? WHERE id"
	                 " = ?",
	                 "ii", now, prop)) != XF_OK)
		return rc;
	*out = json_pack("{s:I, s:s}", "id", (json_int_t)mid, "status", "planned");
	return XF_OK;
}

GOV_OP(gov_meetings_list)
{
	struct seen s;
	int rc = seen_init(db, a, body, &s, err);
	if (rc != XF_OK)
		return rc;
	struct db_stmt *st = db_prep(
	    db,
	    "SELECT m.id, m.place_id, p.name, m.kind, m.title, m.starts_at, m.status,"
	    " m.location, coalesce(m.proposal_id, 0), (SELECT count(*) FROM gov_invitees i WHERE"
	    " i.meeting_id = m.id), (SELECT count(*) FROM gov_invitees i WHERE i.meeting_id ="
	    " m.id AND i.attended = 1) FROM gov_meetings m CROSS JOIN places p WHERE p.id = "
	    "m.place_id"
	    " AND ((p.path >= ? AND p.path < ?) OR substr(?, 1, length(p.path)) = p.path OR"
	    " substr(?, 1, length(p.path)) = p.path) AND p.path >= ? AND p.path < ? AND (? = ''"
	    " OR m.status = ?) AND (? = '' OR m.kind = ?) ORDER BY m.starts_at DESC, m.id DESC"
	    " LIMIT 200",
	    err);
	if (!st)
		return err->status;
	seen_bind(st, 1, &s, jv_str(body, "status", ""));
	db_bind_text(st, 9, jv_str(body, "kind", ""));
	db_bind_text(st, 10, jv_str(body, "kind", ""));
	json_t *items = json_array();
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(
		    items, json_pack("{s:I, s:I, s:s, s:s, s:s, s:I, s:s, s:s, s:I, s:I, s:I}",
		                     "id", (json_int_t)db_col_int(st, 0), "place_id",
		                     (json_int_t)db_col_int(st, 1), "place", db_col_text(st, 2),
		                     "kind", db_col_text(st, 3), "title", db_col_text(st, 4),
		                     "starts_at", (json_int_t)db_col_int(st, 5), "status",
		                     db_col_text(st, 6), "location", db_col_text(st, 7),
		                     "proposal_id", (json_int_t)db_col_int(st, 8), "invited",
		                     (json_int_t)db_col_int(st, 9), "attended",
		                     (json_int_t)db_col_int(st, 10)));
	if (rc < 0) {
		json_decref(items);
		return rc;
	}
	*out = page_of(items);
	return XF_OK;
}

GOV_OP(gov_meeting_get)
{
	struct meeting m;
	int rc = meeting_load(db, id, &m, err);
	if (rc != XF_OK || (rc = gov_need_see(db, a, m.place_id, err)) != XF_OK)
		return rc;
	struct db_stmt *st = db_prep(
	    db,
	    "SELECT m.kind, m.title, m.agenda, m.location, m.starts_at, m.status, m.minutes,"
	    " coalesce(m.held_at, 0), coalesce(m.proposal_id, 0), p.name FROM gov_meetings m"
	    " JOIN places p ON p.id = m.place_id WHERE m.id = ?",
	    err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	if ((rc = db_step(st, err)) != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_ENOTFOUND, "not_found", "没有这次会议");
	json_t *o = json_pack(
	    "{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:I, s:I, s:b}", "id",
	    (json_int_t)id, "place_id", (json_int_t)m.place_id, "place", db_col_text(st, 9), "kind",
	    db_col_text(st, 0), "title", db_col_text(st, 1), "agenda", db_col_text(st, 2),
	    "location", db_col_text(st, 3), "starts_at", (json_int_t)db_col_int(st, 4), "status",
	    db_col_text(st, 5), "minutes", db_col_text(st, 6), "held_at",
	    (json_int_t)db_col_int(st, 7), "proposal_id", (json_int_t)db_col_int(st, 8),
	    "can_manage", actor_may(db, a, "gov.manage", m.place_id));
	db_reset(st);
	st = db_prep(db,
	             "SELECT id, name, capacity, attended FROM gov_invitees WHERE meeting_id = ?"
	             " ORDER BY id",
	             err);
	if (!st) {
		json_decref(o);
		return err->status;
	}
	db_bind_int(st, 1, id);
	json_t *inv = json_array();
	while ((rc = db_step(st, err)) == DB_ROW) {
		json_t *x = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)db_col_int(st, 0),
		                      "name", db_col_text(st, 1), "capacity", db_col_text(st, 2));
		json_object_set_new(x, "attended",
		                    db_col_null(st, 3) ? json_null()
		                                       : json_boolean(db_col_int(st, 3) != 0));
		json_array_append_new(inv, x);
	}
	json_object_set_new(o, "invitees", inv);
	struct db_stmt *d =
	    rc < 0 ? NULL
	           : db_prep(db,
	                     "SELECT id, text, status FROM gov_decisions WHERE meeting_id = ? ORDER"
	                     " BY id",
	                     err);
	if (d) {
		db_bind_int(d, 1, id);
		rc = linked_list(db, d, o, "decisions", err);
	}
	if (!d || rc != XF_OK) {
		json_decref(o);
		return rc < 0 ? rc : err->status;
	}
	*out = o;
	return XF_OK;
}

GOV_OP(gov_meeting_attendance)
{
	struct meeting m;
	int rc = meeting_load(db, id, &m, err);
	if (rc != XF_OK || (rc = actor_need(db, a, "gov.manage", m.place_id, err)) != XF_OK)
		return rc;
	if (strcmp(m.status, "planned") != 0)
		return xf_fail(err, XF_ECONFLICT, "meeting_held", "会议已结束，签到不能再修改");
	json_t *present = json_object_get(body, "present"), *it;
	size_t i;
	json_array_foreach(present, i, it)
	{
		int64_t n = 0, inv = json_integer_value(it);
		if (!json_is_integer(it) ||
		    (rc =
		         db_int(db, err, &n,
		                "SELECT count(*) FROM gov_invitees WHERE id = ? AND meeting_id = ?",
		                "ii", inv, id)) != XF_OK ||
		    !n) {
			if (rc < 0 && rc != XF_ENOTFOUND)
				return rc;
			return xf_fail_field(err, XF_EINVAL, "validation_failed", "present",
			                     "第 %zu 项不是本次会议的参会人", i + 1);
		}
	}
	if ((rc = db_run(db, err, "UPDATE gov_invitees SET attended = 0 WHERE meeting_id = ?", "i",
	                 id)) != XF_OK)
		return rc;
	json_array_foreach(present, i, it)
	{
		if ((rc = db_run(db, err, "UPDATE gov_invitees SET attended = 1 WHERE id = ?", "i",
		                 (int64_t)json_integer_value(it))) != XF_OK)
			return rc;
	}
	*out = json_pack("{s:I, s:I}", "id", (json_int_t)id, "attended",
	                 (json_int_t)json_array_size(present));
	return XF_OK;
}

GOV_OP(gov_meeting_minutes)
{
	struct meeting m;
	int rc = meeting_load(db, id, &m, err);
	if (rc != XF_OK || (rc = actor_need(db, a, "gov.manage", m.place_id, err)) != XF_OK)
		return rc;
	if (strcmp(m.status, "planned") != 0)
		return xf_fail(err, XF_ECONFLICT, "meeting_held", "会议纪要已经形成，不能再修改");
	if (now < m.starts_at)
		return xf_fail(err, XF_ECONFLICT, "not_started", "会议还没有开始，不能记录纪要");
	int64_t taken = 0;
	if ((rc = db_int(db, err, &taken,
	                 "SELECT count(*) FROM gov_invitees WHERE meeting_id = ? AND attended IS"
	                 " NOT NULL",
	                 "i", id)) != XF_OK)
		return rc;
	if (!taken)
		return xf_fail(err, XF_ECONFLICT, "no_attendance", "请先登记参会人签到");
	json_t *decs = json_object_get(body, "decisions"), *it;
	size_t i;
	bool to_vote = false;
	json_array_foreach(decs, i, it)
	{
		size_t n = strlen(jv_str(it, "text", ""));
		json_t *tv = json_object_get(it, "to_vote");
		if (!json_is_object(it) || n < 2 || n > 1500 || (tv && !json_is_boolean(tv))) {
			char field[32];
			snprintf(field, sizeof field, "decisions[%zu]", i);
			return xf_fail_field(err, XF_EINVAL, "validation_failed", field,
			                     "第 %zu 项决定：须有内容（500 字以内）", i + 1);
		}
		to_vote |= json_is_true(tv);
	}
	json_array_foreach(decs, i, it)
	{
		struct db_stmt *st = db_prep(
		    db,
		    "INSERT INTO gov_decisions(place_id, meeting_id, proposal_id, text, status,"
		    " district_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
		    err);
		if (!st)
			return err->status;
		db_bind_int(st, 1, m.place_id);
		db_bind_int(st, 2, id);
		if (m.proposal_id)
			db_bind_int(st, 3, m.proposal_id);
		else
			db_bind_null(st, 3);
		db_bind_text(st, 4, jv_str(it, "text", ""));
		db_bind_text(st, 5,
		             json_is_true(json_object_get(it, "to_vote")) ? "to_vote"
		                                                          : "implementing");
		db_bind_int(st, 6, district_of(db, m.place_id));
		db_bind_int(st, 7, now);
		if ((rc = step_done(st, err)) != XF_OK)
			return rc;
	}
	if ((rc = db_run(db, err,
	                 "UPDATE gov_meetings SET status = 'held', minutes = ?, held_at = ? WHERE"
	                 " id = ?",
	                 "tii", jv_str(body, "minutes", ""), now, id)) != XF_OK)
		return rc;
	/* A proposal whose meeting decided without a vote is adopted. */
	if (m.proposal_id && json_array_size(decs) && !to_vote &&
	    (rc = db_run(db, err,
	                 "UPDATE gov_proposals SET status = 'adopted', updated_at = ? WHERE id = ?"
	                 " AND status IN ('open', 'deliberating')",
	                 "ii", now, m.proposal_id)) != XF_OK)
		return rc;
	*out = json_pack("{s:I, s:s, s:I}", "id", (json_int_t)id, "status", "held", "decisions",
	                 (json_int_t)json_array_size(decs));
	return XF_OK;
}

/* ---- 民事民评 ---- */

struct decision {
	int64_t place_id;
	char status[16];
};

static int decision_load(struct db *db, int64_t id, struct decision *d, struct xf_err *err)
{
	struct db_stmt *st =
	    db_prep(db, "SELECT place_id, status FROM gov_decisions WHERE id = ?", err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	int rc = db_step(st, err);
	if (rc == DB_DONE)
		return xf_fail(err, XF_ENOTFOUND, "not_found", "没有这项决定");
	if (rc != DB_ROW)
		return rc;
	d->place_id = db_col_int(st, 0);
	snprintf(d->status, sizeof d->status, "%s", db_col_text(st, 1));
	db_reset(st);
	return XF_OK;
}

GOV_OP(gov_decisions_list)
{
	struct seen s;
	int rc = seen_init(db, a, body, &s, err);
	if (rc != XF_OK)
		return rc;
	struct db_stmt *st = db_prep(
	    db,
	    "SELECT d.id, d.place_id, p.name, d.text, d.status, d.created_at,"
	    " coalesce(d.meeting_id, 0), coalesce(d.vote_id, 0), (SELECT count(*) FROM"
	    " gov_milestones m WHERE m.decision_id = d.id), (SELECT count(*) FROM gov_milestones m"
	    " WHERE m.decision_id = d.id AND m.done_at IS NOT NULL), (SELECT count(*) FROM"
	    " gov_evaluations e WHERE e.decision_id = d.id), (SELECT count(*) FROM gov_evaluations"
	    " e WHERE e.decision_id = d.id AND e.rating = 'satisfied') FROM gov_decisions d CROSS "
	    "JOIN"
	    " places p WHERE p.id = d.place_id AND ((p.path >= ? AND p.path < ?) OR substr(?, 1,"
	    " length(p.path)) = p.path OR substr(?, 1, length(p.path)) = p.path) AND p.path >= ?"
	    " AND p.path < ? AND (? = '' OR d.status = ?) ORDER BY d.id DESC LIMIT 200",
	    err);
	if (!st)
		return err->status;
	seen_bind(st, 1, &s, jv_str(body, "status", ""));
	json_t *items = json_array();
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(
		    items, json_pack("{s:I, s:I, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
		                     "id", (json_int_t)db_col_int(st, 0), "place_id",
		                     (json_int_t)db_col_int(st, 1), "place", db_col_text(st, 2),
		                     "text", db_col_text(st, 3), "status", db_col_text(st, 4),
		                     "created_at", (json_int_t)db_col_int(st, 5), "meeting_id",
		                     (json_int_t)db_col_int(st, 6), "vote_id",
		                     (json_int_t)db_col_int(st, 7), "milestones",
		                     (json_int_t)db_col_int(st, 8), "milestones_done",
		                     (json_int_t)db_col_int(st, 9), "evaluations",
		                     (json_int_t)db_col_int(st, 10), "satisfied",
		                     (json_int_t)db_col_int(st, 11)));
	if (rc < 0) {
		json_decref(items);
		return rc;
	}
	*out = page_of(items);
	return XF_OK;
}

GOV_OP(gov_decision_get)
{
	struct decision d;
	int rc = decision_load(db, id, &d, err);
	if (rc != XF_OK || (rc = gov_need_see(db, a, d.place_id, err)) != XF_OK)
		return rc;
	struct db_stmt *st =
	    db_prep(db,
	            "SELECT d.text, d.status, coalesce(d.meeting_id, 0), coalesce(d.vote_id, 0),"
	            " coalesce(d.proposal_id, 0), coalesce(d.done_at, 0), d.created_at, p.name FROM"
	            " gov_decisions d JOIN places p ON p.id = d.place_id WHERE d.id = ?",
	            err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	if ((rc = db_step(st, err)) != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_ENOTFOUND, "not_found", "没有这项决定");
	json_t *o = json_pack(
	    "{s:I, s:I, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:b}", "id", (json_int_t)id,
	    "place_id", (json_int_t)d.place_id, "place", db_col_text(st, 7), "text",
	    db_col_text(st, 0), "status", db_col_text(st, 1), "meeting_id",
	    (json_int_t)db_col_int(st, 2), "vote_id", (json_int_t)db_col_int(st, 3), "proposal_id",
	    (json_int_t)db_col_int(st, 4), "done_at", (json_int_t)db_col_int(st, 5), "created_at",
	    (json_int_t)db_col_int(st, 6), "can_manage",
	    actor_may(db, a, "gov.manage", d.place_id));
	db_reset(st);
	st = db_prep(db,
	             "SELECT id, title, due_at, coalesce(done_at, 0), note FROM gov_milestones"
	             " WHERE decision_id = ? ORDER BY due_at, id",
	             err);
	if (!st) {
		json_decref(o);
		return err->status;
	}
	db_bind_int(st, 1, id);
	json_t *ms = json_array();
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(
		    ms,
		    json_pack("{s:I, s:s, s:I, s:I, s:s, s:b}", "id", (json_int_t)db_col_int(st, 0),
		              "title", db_col_text(st, 1), "due_at", (json_int_t)db_col_int(st, 2),
		              "done_at", (json_int_t)db_col_int(st, 3), "note", db_col_text(st, 4),
		              "overdue", !db_col_int(st, 3) && db_col_int(st, 2) < now));
	json_object_set_new(o, "milestones", ms);
	st = rc < 0 ? NULL
	            : db_prep(db,
	                      "SELECT author, rating, comment, created_at, person_id FROM"
	                      " gov_evaluations WHERE decision_id = ? ORDER BY id DESC LIMIT 500",
	                      err);
	if (!st) {
		json_decref(o);
		return rc < 0 ? rc : err->status;
	}
	db_bind_int(st, 1, id);
	json_t *ev = json_array();
	int64_t counts[3] = {0, 0, 0};
	bool mine = false;
	while ((rc = db_step(st, err)) == DB_ROW) {
		const char *r = db_col_text(st, 1);
		counts[strcmp(r, "satisfied") == 0 ? 0 : strcmp(r, "basic") == 0 ? 1 : 2]++;
		mine |= a->person_id && db_col_int(st, 4) == a->person_id;
		json_array_append_new(ev, json_pack("{s:s, s:s, s:s, s:I}", "author",
		                                    db_col_text(st, 0), "rating", r, "comment",
		                                    db_col_text(st, 2), "created_at",
		                                    (json_int_t)db_col_int(st, 3)));
	}
	json_object_set_new(o, "evaluations", ev);
	json_object_set_new(o, "summary",
	                    json_pack("{s:I, s:I, s:I}", "satisfied", (json_int_t)counts[0],
	                              "basic", (json_int_t)counts[1], "unsatisfied",
	                              (json_int_t)counts[2]));
	json_object_set_new(o, "evaluated", json_boolean(mine));
	if (rc < 0) {
		json_decref(o);
		return rc;
	}
	*out = o;
	return XF_OK;
}

GOV_OP(gov_milestone_create)
{
	struct decision d;
	int rc = decision_load(db, id, &d, err);
	if (rc != XF_OK || (rc = actor_need(db, a, "gov.manage", d.place_id, err)) != XF_OK)
		return rc;
	if (strcmp(d.status, "implementing") != 0)
		return xf_fail(err, XF_ECONFLICT, "invalid_state",
		               "只有正在落实的决定可以添加进度节点");
	struct db_stmt *st = db_prep(db,
	                             "INSERT INTO gov_milestones(decision_id, title, due_at,"
	                             " created_at) VALUES (?, ?, ?, ?) RETURNING id",
	                             err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, jv_str(body, "title", ""));
	db_bind_int(st, 3, jv_int(body, "due_at", 0));
	db_bind_int(st, 4, now);
	int64_t mid = 0;
	if ((rc = insert_id(st, &mid, err)) != XF_OK)
		return rc;
	*out = json_pack("{s:I}", "id", (json_int_t)mid);
	return XF_OK;
}

GOV_OP(gov_milestone_done)
{
	int64_t decision = 0, done = 0;
	int rc = db_int(db, err, &decision, "SELECT decision_id FROM gov_milestones WHERE id = ?",
	                "i", id);
	if (rc == XF_ENOTFOUND)
		return xf_fail(err, XF_ENOTFOUND, "not_found", "没有这个进度节点");
	struct decision d;
	if (rc != XF_OK || (rc = decision_load(db, decision, &d, err)) != XF_OK ||
	    (rc = actor_need(db, a, "gov.manage", d.place_id, err)) != XF_OK)
		return rc;
	if ((rc = db_int(db, err, &done,
	                 "SELECT count(*) FROM gov_milestones WHERE id = ? AND done_at IS NOT NULL",
	                 "i", id)) != XF_OK)
		return rc;
	if (done || strcmp(d.status, "implementing") != 0)
		return xf_fail(err, XF_ECONFLICT, "already_done", "这个节点已经完成");
	if ((rc = db_run(db, err, "UPDATE gov_milestones SET done_at = ?, note = ? WHERE id = ?",
	                 "iti", now, jv_str(body, "note", ""), id)) != XF_OK)
		return rc;
	*out = json_pack("{s:I, s:I}", "id", (json_int_t)id, "done_at", (json_int_t)now);
	return XF_OK;
}

GOV_OP(gov_decision_complete)
{
	struct decision d;
	int64_t open = 0, all = 0;
	int rc = decision_load(db, id, &d, err);
	if (rc != XF_OK || (rc = actor_need(db, a, "gov.manage", d.place_id, err)) != XF_OK)
		return rc;
	if (strcmp(d.status, "implementing") != 0)
		return xf_fail(err, XF_ECONFLICT, "invalid_state", "只有正在落实的决定可以办结");
	if ((rc = db_int(db, err, &all, "SELECT count(*) FROM gov_milestones WHERE decision_id = ?",
	                 "i", id)) != XF_OK ||
	    (rc = db_int(db, err, &open,
	                 "SELECT count(*) FROM gov_milestones WHERE decision_id = ? AND done_at IS"
	                 " NULL",
	                 "i", id)) != XF_OK)
		return rc;
	if (!all)
		return xf_fail(err, XF_ECONFLICT, "no_milestones", "请先登记落实的进度节点");
	if (open)
		return xf_fail(err, XF_ECONFLICT, "milestones_open", "还有 %lld 个进度节点没有完成",
		               (long long)open);
	if ((rc = db_run(db, err,
	                 "UPDATE gov_decisions SET status = 'done', done_at = ? WHERE id = ?", "ii",
	                 now, id)) != XF_OK)
		return rc;
	*out = json_pack("{s:I, s:s}", "id", (json_int_t)id, "status", "done");
	return XF_OK;
}

GOV_OP(gov_decision_evaluate)
{
	struct decision d;
	int64_t have = 0;
	int rc = decision_load(db, id, &d, err);
	if (rc != XF_OK || (rc = gov_need_see(db, a, d.place_id, err)) != XF_OK)
		return rc;
	const char *rating = jv_str(body, "rating", "");
	if (strcmp(rating, "satisfied") != 0 && strcmp(rating, "basic") != 0 &&
	    strcmp(rating, "unsatisfied") != 0)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "rating",
		                     "评价只能是 satisfied（满意）、basic（基本满意）或 "
		                     "unsatisfied（不满意）");
	if (!a->person_id)
		return xf_fail(err, XF_EPERM, "no_person", "只有本社区居民可以评价");
	if (strcmp(d.status, "done") != 0)
		return xf_fail(err, XF_ECONFLICT, "not_done", "这项决定还在落实中，办结后再评价");
	if ((rc = db_int(
	         db, err, &have,
	         "SELECT count(*) FROM gov_evaluations WHERE decision_id = ? AND person_id = ?",
	         "ii", id, a->person_id)) != XF_OK)
		return rc;
	if (have)
		return xf_fail(err, XF_ECONFLICT, "already_evaluated", "您已经评价过了");
	char author[96];
	gov_author(db, a, author, sizeof author);
	if ((rc = db_run(
	         db, err,
	         "INSERT INTO gov_evaluations(decision_id, person_id, author, rating, comment,"
	         " created_at) VALUES (?, ?, ?, ?, ?, ?)",
	         "iittti", id, a->person_id, author, rating, jv_str(body, "comment", ""), now)) !=
	    XF_OK)
		return rc;
	*out = json_pack("{s:I, s:s}", "id", (json_int_t)id, "rating", rating);
	return XF_OK;
}
