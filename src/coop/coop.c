#include "coop.h"
#include "../core/clock.h"
#include "../auth/policy.h"
#include "../auth/totp.h"
#include "../cases/cases.h"
#include "../core/buf.h"
#include "../core/crypto.h"
#include "../core/jv.h"
#include "../http/http.h"
#include "../points/points.h"
#include "../registry/registry.h"
#include "../sched/outbox.h"
#include "../store/store.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CODE_WINDOW 300 /* an arrival code changes every 5 minutes */

/* ---- shared checks ---- */

static bool inside(struct db *db, int64_t scope, int64_t place)
{
	return actor_inside(db, scope, place);
}

static bool staff_in(struct db *db, const struct actor *a, int64_t place)
{
	return actor_may(db, a, "coop.manage", place);
}

static int need_staff(struct db *db, const struct actor *a, int64_t place, struct xf_err *err)
{
	return actor_need(db, a, "coop.manage", place, err);
}

static int need_person(const struct actor *a, struct xf_err *err)
{
	if (!a->person_id)
		return xf_fail(err, XF_EPERM, "no_person", "您的账号没有关联居民信息，请联系社区");
	return XF_OK;
}

static bool is_member(struct db *db, int64_t person)
{
	struct xf_err e;
	int64_t n = 0;
	return db_int(db, &e, &n, "SELECT count(*) FROM party_members WHERE person_id = ?", "i",
	              person) == XF_OK &&
	       n > 0;
}

static int64_t person_place(struct db *db, int64_t person)
{
	struct xf_err e;
	int64_t p = 0;
	db_int(db, &e, &p, "SELECT place_id FROM people WHERE id = ?", "i", person);
	return p;
}

static int64_t home_community(struct db *db, int64_t person)
{
	struct xf_err e;
	int64_t c = 0;
	cases_community_of(db, person_place(db, person), &c, &e);
	return c;
}

/* Is `place` one of the person's communities (home, or an approved registration), or an
 * ancestor of their home (a street-wide activity)? */
static bool my_area(struct db *db, int64_t person, int64_t place)
{
	int64_t home = home_community(db, person);
	if (home && (inside(db, home, place) || inside(db, place, home)))
		return true;
	struct xf_err e;
	int64_t n = 0;
	struct db_stmt *st = db_prep(db,
	                             "SELECT place_id FROM registrations WHERE person_id = ? AND"
	                             " kind = 'member' AND status = 'approved'",
	                             &e);
	if (!st)
		return false;
	db_bind_int(st, 1, person);
	int64_t regs[16];
	int k = 0;
	while (k < 16 && db_step(st, &e) == DB_ROW)
		regs[k++] = db_col_int(st, 0);
	db_reset(st);
	for (int i = 0; i < k; i++)
		if (inside(db, regs[i], place))
			n++;
	return n > 0;
}

static int place_exists(struct db *db, int64_t place, const char *field, struct xf_err *err)
{
	int64_t n = 0;
	int rc = db_int(db, err, &n, "SELECT count(*) FROM places WHERE id = ?", "i", place);
	if (rc == XF_OK && !n)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", field, "没有这个地点");
	return rc;
}

static int conflict(struct xf_err *err, const char *code, const char *msg)
{
	return xf_fail(err, XF_ECONFLICT, code, "%s", msg);
}

static int notify(struct db *db, int64_t person, const char *subject, const char *body,
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

static json_t *page_of(json_t *items)
{
	return json_pack("{s:o, s:n}", "items", items, "next");
}

/* ---- 报到 ---- */

static const char *const unit_kinds[] = {"resident_unit",    "unit_party", "enterprise",
                                         "enterprise_party", "social_org", NULL};

int coop_registration_create(struct db *db, const struct actor *a, json_t *body, int64_t id,
                             int64_t now, json_t **out, struct xf_err *err)
{
	const char *kind = jv_str(body, "kind", "member");
	int64_t person = 0, org = 0, place = 0, n = 0;
	int rc;
	if (strcmp(kind, "member") == 0) {
		if ((rc = need_person(a, err)) != XF_OK)
			return rc;
		if (!is_member(db, a->person_id))
			return xf_fail(err, XF_EPERM, "not_member", "只有党员可以到社区报到");
		person = a->person_id;
		if (!(place = home_community(db, person)))
			return xf_fail(err, XF_EINVAL, "no_community",
			               "您的住址不在任何社区，无法报到");
		rc =
		    db_int(db, err, &n,
		           "SELECT count(*) FROM registrations WHERE person_id = ? AND place_id = ?"
		           " AND status <> 'rejected'",
		           "ii", person, place);
	} else if (strcmp(kind, "unit") == 0) {
		org = jv_int(body, "org_id", 0);
		int64_t org_place = 0;
		char okind[40] = "";
		struct db_stmt *st =
		    db_prep(db, "SELECT place_id, kind FROM orgs WHERE id = ?", err);
		if (!st)
			return err->status;
		db_bind_int(st, 1, org);
		if ((rc = db_step(st, err)) == DB_ROW) {
			org_place = db_col_int(st, 0);
			snprintf(okind, sizeof okind, "%s", db_col_text(st, 1));
			db_reset(st);
		} else if (rc < 0) {
			return rc;
		}
		bool unit = false;
		for (const char *const *k = unit_kinds; *k; k++)
			unit |= strcmp(*k, okind) == 0;
		if (!org_place || !unit)
			return xf_fail_field(err, XF_EINVAL, "validation_failed", "org_id",
			                     "org_id 应为一个驻区单位或两新组织");
		if (!(strcmp(a->role, "unit_contact") == 0 ||
		      policy_allows(a->role, "coop.manage")) ||
		    !inside(db, a->place_id, org_place))
			return xf_fail(err, XF_EPERM, "forbidden",
			               "只有本单位联络人可以办理单位报到");
		if ((rc = registry_ancestor_of_kind(db, org_place, "street", &place, err)) != XF_OK)
			return rc;
		if (!place)
			return xf_fail_field(err, XF_EINVAL, "validation_failed", "org_id",
			                     "该单位不在任何街道");
		rc = db_int(db, err, &n,
		            "SELECT count(*) FROM registrations WHERE org_id = ? AND place_id = ?"
		            " AND status <> 'rejected'",
		            "ii", org, place);
	} else {
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "kind",
		                     "报到类型只能是 member（党员）或 unit（单位）");
	}
	if (rc != XF_OK)
		return rc;
	if (n)
		return conflict(err, "already_registered", "已经报到过了（或正在审核）");
	struct db_stmt *st = db_prep(
	    db,
	    "INSERT INTO registrations(kind, person_id, org_id, place_id, status, created_at,"
	    " district_id) VALUES (?, ?, ?, ?, 'pending', ?, (SELECT district_id FROM places WHERE"
	    " id = ?)) RETURNING id",
	    err);
	if (!st)
		return err->status;
	db_bind_text(st, 1, kind);
	if (person)
		db_bind_int(st, 2, person);
	else
		db_bind_null(st, 2);
	if (org)
		db_bind_int(st, 3, org);
	else
		db_bind_null(st, 3);
	db_bind_int(st, 4, place);
	db_bind_int(st, 5, now);
	db_bind_int(st, 6, place);
	if ((rc = db_step(st, err)) != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_EDB, "db_error", "报到失败");
	int64_t rid = db_col_int(st, 0);
	db_reset(st);
	*out = json_pack("{s:I, s:s, s:s, s:I}", "id", (json_int_t)rid, "kind", kind, "status",
	                 "pending", "place_id", (json_int_t)place);
	return XF_OK;
}

int coop_registrations_list(struct db *db, const struct actor *a, json_t *q, int64_t id,
                            int64_t now, json_t **out, struct xf_err *err)
{
	const char *status = jv_str(q, "status", "");
	bool staff = policy_allows(a->role, "coop.manage");
	/* A unit's contact sees the unit registrations of the organisations in their own area
	 * (the registration itself is with the street above it). */
	bool contact = strcmp(a->role, "unit_contact") == 0;
	int64_t place = contact ? a->place_id : jv_int(q, "place", a->place_id);
	if (staff && !inside(db, a->place_id, place))
		return xf_fail(err, XF_EPERM, "out_of_scope", "该地点不在您的管辖范围内");
	char lo[256] = "", hi[256] = "";
	struct db_stmt *st = db_prep(db, "SELECT path FROM places WHERE id = ?", err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, place);
	int rc = db_step(st, err);
	if (rc != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_ENOTFOUND, "not_found", "没有这个地点");
	snprintf(lo, sizeof lo, "%s", db_col_text(st, 0));
	db_reset(st);
	snprintf(hi, sizeof hi, "%s", lo);
	hi[strlen(hi) - 1] = '0';
	st = db_prep(
	    db,
	    "SELECT r.id, r.kind, r.status, coalesce(pe.name, ''), coalesce(o.name, ''),"
	    " p.name, r.created_at, coalesce(r.decided_at, 0), r.note,"
	    " coalesce(r.person_id, 0), coalesce(r.org_id, 0)"
	    " FROM registrations r JOIN places p ON p.id = r.place_id"
	    " LEFT JOIN people pe ON pe.id = r.person_id LEFT JOIN orgs o ON o.id = r.org_id"
	    " LEFT JOIN places op ON op.id = o.place_id"
	    " WHERE ((? = 1 AND p.path >= ? AND p.path < ?) OR (? = 0 AND r.person_id = ?)"
	    " OR (? = 1 AND r.kind = 'unit' AND op.path >= ? AND op.path < ?))"
	    " AND (? = '' OR r.status = ?) ORDER BY r.id DESC LIMIT 200",
	    err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, staff);
	db_bind_text(st, 2, lo);
	db_bind_text(st, 3, hi);
	db_bind_int(st, 4, staff);
	db_bind_int(st, 5, a->person_id ? a->person_id : -1);
	db_bind_int(st, 6, contact);
	db_bind_text(st, 7, lo);
	db_bind_text(st, 8, hi);
	db_bind_text(st, 9, status);
	db_bind_text(st, 10, status);
	json_t *items = json_array();
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(
		    items,
		    json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:s, s:I, s:I}", "id",
		              (json_int_t)db_col_int(st, 0), "kind", db_col_text(st, 1), "status",
		              db_col_text(st, 2), "person_name", db_col_text(st, 3), "org_name",
		              db_col_text(st, 4), "place_name", db_col_text(st, 5), "created_at",
		              (json_int_t)db_col_int(st, 6), "decided_at",
		              (json_int_t)db_col_int(st, 7), "note", db_col_text(st, 8),
		              "person_id", (json_int_t)db_col_int(st, 9), "org_id",
		              (json_int_t)db_col_int(st, 10)));
	if (rc < 0) {
		json_decref(items);
		return rc;
	}
	*out = page_of(items);
	return XF_OK;
}

static int decide(struct db *db, const struct actor *a, int64_t id, const char *to,
                  const char *note, int64_t now, json_t **out, struct xf_err *err)
{
	struct db_stmt *st = db_prep(
	    db, "SELECT place_id, status, coalesce(person_id, 0) FROM registrations WHERE id = ?",
	    err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	int rc = db_step(st, err);
	if (rc != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_ENOTFOUND, "not_found", "没有这条报到记录");
	int64_t place = db_col_int(st, 0), person = db_col_int(st, 2);
	bool pending = strcmp(db_col_text(st, 1), "pending") == 0;
	db_reset(st);
	if ((rc = need_staff(db, a, place, err)) != XF_OK)
		return rc;
	if (!pending)
		return conflict(err, "invalid_state", "这条报到已经处理过了");
	if ((rc = db_run(db, err,
	                 "UPDATE registrations SET status = ?, note = ?, decided_by = ?,"
	                 " decided_at = ? WHERE id = ?",
	                 "ttiii", to, note, a->user_id, now, id)) != XF_OK)
		return rc;
	if (person && (rc = notify(db, person, "报到审核结果",
	                           strcmp(to, "approved") == 0
	                               ? "您到社区报到的申请已通过，欢迎参加社区服务。"
	                               : "您到社区报到的申请未通过，请联系社区。",
	                           err)) != XF_OK)
		return rc;
	*out = json_pack("{s:I, s:s}", "id", (json_int_t)id, "status", to);
	return XF_OK;
}

int coop_registration_approve(struct db *db, const struct actor *a, json_t *body, int64_t id,
                              int64_t now, json_t **out, struct xf_err *err)
{
	return decide(db, a, id, "approved", jv_str(body, "note", ""), now, out, err);
}

int coop_registration_reject(struct db *db, const struct actor *a, json_t *body, int64_t id,
                             int64_t now, json_t **out, struct xf_err *err)
{
	return decide(db, a, id, "rejected", jv_str(body, "note", ""), now, out, err);
}

/* Seconds of the start of a calendar quarter or year in Beijing time (UTC+8). */
static int64_t period_start(int year, int month)
{
	return clock_beijing_month_start(year, month);
}

static int min_activities(struct db *db)
{
	char v[16];
	struct xf_err e;
	return store_meta_get(db, "coop.min_activities", v, sizeof v, &e) == XF_OK ? atoi(v) : 4;
}

int coop_min_activities_set(struct db *db, int n, struct xf_err *err)
{
	if (n < 1 || n > 100)
		return xf_fail_field(err, XF_EINVAL, "out_of_range", "min_activities",
		                     "在职党员每年最少参加活动次数应在 1 到 100 之间");
	char v[16];
	snprintf(v, sizeof v, "%d", n);
	return store_meta_set(db, "coop.min_activities", v, err);
}

int coop_service_report(struct db *db, const struct actor *a, json_t *q, int64_t id, int64_t now,
                        json_t **out, struct xf_err *err)
{
	int64_t org = jv_int(q, "org_id", 0), year = jv_int(q, "year", 0),
	        quarter = jv_int(q, "quarter", 0), org_place = 0;
	if (year < 2000 || year > 2100)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "year", "year 应为年份");
	if (quarter < 0 || quarter > 4)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "quarter",
		                     "quarter 应为 1 到 4");
	int rc = db_int(db, err, &org_place, "SELECT place_id FROM orgs WHERE id = ?", "i", org);
	if (rc == XF_ENOTFOUND)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "org_id", "没有这个组织");
	if (rc != XF_OK)
		return rc;
	bool unit_contact =
	    strcmp(a->role, "unit_contact") == 0 && inside(db, a->place_id, org_place);
	if (!unit_contact && (rc = need_staff(db, a, org_place, err)) != XF_OK)
		return rc;
	int64_t from = quarter ? period_start((int)year, (int)(quarter - 1) * 3 + 1)
	                       : period_start((int)year, 1);
	int64_t to = quarter ? (quarter == 4 ? period_start((int)year + 1, 1)
	                                     : period_start((int)year, (int)quarter * 3 + 1))
	                     : period_start((int)year + 1, 1);
	int minimum = min_activities(db);
	struct db_stmt *st = db_prep(
	    db,
	    "SELECT pe.id, pe.name,"
	    " (SELECT count(*) FROM registrations r WHERE r.person_id = pe.id AND r.status ="
	    "  'approved'),"
	    " (SELECT count(*) FROM activity_signups s JOIN activities ac ON ac.id = s.activity_id"
	    "  WHERE s.person_id = pe.id AND s.minutes > 0 AND ac.starts_at >= ? AND ac.starts_at"
	    "  < ?),"
	    " (SELECT coalesce(sum(s.minutes), 0) FROM activity_signups s JOIN activities ac ON"
	    "  ac.id = s.activity_id WHERE s.person_id = pe.id AND ac.starts_at >= ? AND"
	    "  ac.starts_at < ?),"
	    " (SELECT count(*) FROM wishes w WHERE w.claimed_person = pe.id AND w.status ="
	    "  'confirmed' AND w.confirmed_at >= ? AND w.confirmed_at < ?),"
	    " (SELECT count(*) FROM post_claims c WHERE c.person_id = pe.id)"
	    " FROM party_members pm JOIN people pe ON pe.id = pm.person_id"
	    " WHERE pm.employer_org_id = ? ORDER BY pe.id LIMIT 2000",
	    err);
	if (!st)
		return err->status;
	for (int k = 0; k < 3; k++) {
		db_bind_int(st, 1 + 2 * k, from);
		db_bind_int(st, 2 + 2 * k, to);
	}
	db_bind_int(st, 7, org);
	json_t *items = json_array();
	int flagged = 0;
	while ((rc = db_step(st, err)) == DB_ROW) {
		bool registered = db_col_int(st, 2) > 0;
		int64_t acts = db_col_int(st, 3);
		/* The yearly rule (at least N activities) only judges a whole year. */
		bool flag = !registered || (!quarter && acts < minimum);
		flagged += flag;
		json_array_append_new(
		    items, json_pack("{s:I, s:s, s:b, s:I, s:I, s:I, s:I, s:b}", "person_id",
		                     (json_int_t)db_col_int(st, 0), "name", db_col_text(st, 1),
		                     "registered", registered, "activities", (json_int_t)acts,
		                     "minutes", (json_int_t)db_col_int(st, 4), "wishes_fulfilled",
		                     (json_int_t)db_col_int(st, 5), "posts",
		                     (json_int_t)db_col_int(st, 6), "flagged", flag));
	}
	if (rc < 0) {
		json_decref(items);
		return rc;
	}
	*out = json_pack("{s:I, s:I, s:I, s:I, s:I, s:i, s:i, s:o}", "org_id", (json_int_t)org,
	                 "year", (json_int_t)year, "quarter", (json_int_t)quarter, "from",
	                 (json_int_t)from, "to", (json_int_t)to, "min_activities", minimum,
	                 "flagged", flagged, "members", items);
	return XF_OK;
}

/* ---- service posts ---- */

int coop_negative_list(struct db *db, const struct actor *a, json_t *q, int64_t id, int64_t now,
                       json_t **out, struct xf_err *err)
{
	struct db_stmt *st = db_prep(db, "SELECT ord, text FROM negative_list ORDER BY ord", err);
	if (!st)
		return err->status;
	json_t *items = json_array();
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(items,
		                      json_pack("{s:I, s:s}", "ord", (json_int_t)db_col_int(st, 0),
		                                "text", db_col_text(st, 1)));
	if (rc < 0) {
		json_decref(items);
		return rc;
	}
	*out = page_of(items);
	return XF_OK;
}

/* The area a list shows: staff their grant's subtree (or a place inside it); others their
 * home community. */
static int list_area(struct db *db, const struct actor *a, json_t *q, char lo[256], char hi[256],
                     struct xf_err *err)
{
	int64_t place = 0;
	if (policy_allows(a->role, "coop.manage")) {
		place = jv_int(q, "place", a->place_id);
		if (!inside(db, a->place_id, place))
			return xf_fail(err, XF_EPERM, "out_of_scope", "该地点不在您的管辖范围内");
	} else {
		place = a->person_id ? home_community(db, a->person_id) : 0;
		if (!place)
			place = a->place_id;
	}
	return registry_subtree(db, place, lo, hi, err);
}

int coop_posts_list(struct db *db, const struct actor *a, json_t *q, int64_t id, int64_t now,
                    json_t **out, struct xf_err *err)
{
	char lo[256], hi[256];
	int rc = list_area(db, a, q, lo, hi, err);
	if (rc != XF_OK)
		return rc;
	struct db_stmt *st = db_prep(
	    db,
	    "SELECT s.id, s.title, s.description, s.schedule, s.capacity, s.skills, s.status,"
	    " p.name, (SELECT count(*) FROM post_claims c WHERE c.post_id = s.id),"
	    " (SELECT count(*) FROM post_claims c WHERE c.post_id = s.id AND c.person_id = ?)"
	    " FROM service_posts s CROSS JOIN places p"
	    " WHERE p.id = s.place_id AND p.path >= ? AND p.path < ? ORDER BY s.id DESC LIMIT 200",
	    err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, a->person_id ? a->person_id : -1);
	db_bind_text(st, 2, lo);
	db_bind_text(st, 3, hi);
	json_t *items = json_array();
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(
		    items, json_pack("{s:I, s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:I, s:b}", "id",
		                     (json_int_t)db_col_int(st, 0), "title", db_col_text(st, 1),
		                     "description", db_col_text(st, 2), "schedule",
		                     db_col_text(st, 3), "capacity", (json_int_t)db_col_int(st, 4),
		                     "skills", db_col_text(st, 5), "status", db_col_text(st, 6),
		                     "place_name", db_col_text(st, 7), "claimed",
		                     (json_int_t)db_col_int(st, 8), "mine", db_col_int(st, 9) > 0));
	if (rc < 0) {
		json_decref(items);
		return rc;
	}
	*out = page_of(items);
	return XF_OK;
}

int coop_post_create(struct db *db, const struct actor *a, json_t *body, int64_t id, int64_t now,
                     json_t **out, struct xf_err *err)
{
	int64_t place = jv_int(body, "place_id", 0);
	int rc = place_exists(db, place, "place_id", err);
	if (rc == XF_OK)
		rc = need_staff(db, a, place, err);
	if (rc != XF_OK)
		return rc;
	struct db_stmt *st = db_prep(
	    db,
	    "INSERT INTO service_posts(place_id, title, description, schedule, capacity, skills,"
	    " created_by, created_at, district_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, (SELECT"
	    " district_id FROM places WHERE id = ?)) RETURNING id",
	    err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, place);
	db_bind_text(st, 2, jv_str(body, "title", ""));
	db_bind_text(st, 3, jv_str(body, "description", ""));
	db_bind_text(st, 4, jv_str(body, "schedule", ""));
	db_bind_int(st, 5, jv_int(body, "capacity", 1));
	db_bind_text(st, 6, jv_str(body, "skills", ""));
	db_bind_int(st, 7, a->user_id);
	db_bind_int(st, 8, now);
	db_bind_int(st, 9, place);
	if ((rc = db_step(st, err)) != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_EDB, "db_error", "保存失败");
	*out = json_pack("{s:I}", "id", (json_int_t)db_col_int(st, 0));
	db_reset(st);
	return XF_OK;
}

int coop_post_claim(struct db *db, const struct actor *a, json_t *body, int64_t id, int64_t now,
                    json_t **out, struct xf_err *err)
{
	int rc = need_person(a, err);
	if (rc != XF_OK)
		return rc;
	if (!is_member(db, a->person_id))
		return xf_fail(err, XF_EPERM, "not_member", "服务岗位由党员认领");
	struct db_stmt *st = db_prep(
	    db,
	    "SELECT place_id, capacity, status, (SELECT count(*) FROM post_claims c WHERE"
	    " c.post_id = s.id), (SELECT count(*) FROM post_claims c WHERE c.post_id = s.id AND"
	    " c.person_id = ?) FROM service_posts s WHERE id = ?",
	    err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, a->person_id);
	db_bind_int(st, 2, id);
	if ((rc = db_step(st, err)) != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_ENOTFOUND, "not_found", "没有这个服务岗位");
	int64_t place = db_col_int(st, 0), cap = db_col_int(st, 1), claimed = db_col_int(st, 3),
	        mine = db_col_int(st, 4);
	bool open = strcmp(db_col_text(st, 2), "open") == 0;
	db_reset(st);
	if (!my_area(db, a->person_id, place))
		return xf_fail(err, XF_EPERM, "out_of_scope", "这个岗位不在您报到的社区");
	if (!json_is_true(json_object_get(body, "acknowledge_negative_list")))
		return xf_fail_field(err, XF_EINVAL, "validation_failed",
		                     "acknowledge_negative_list", "认领前请阅读并确认负面清单");
	if (mine)
		return conflict(err, "already_claimed", "您已经认领了这个岗位");
	if (!open || claimed >= cap)
		return conflict(err, "post_full", "这个岗位已经满员");
	if ((rc = db_run(db, err,
	                 "INSERT INTO post_claims(post_id, person_id, negative_ack, created_at)"
	                 " VALUES (?, ?, ?, ?)",
	                 "iiii", id, a->person_id, now, now)) != XF_OK)
		return rc;
	*out = json_pack("{s:I, s:I, s:I}", "id", (json_int_t)id, "claimed",
	                 (json_int_t)claimed + 1, "capacity", (json_int_t)cap);
	return XF_OK;
}

/* ---- micro-wishes ---- */

struct wish {
	int64_t id, place, community, person, user, entered_by, claimed_person, claimed_org;
	char status[16];
};

static int wish_load(struct db *db, int64_t id, struct wish *w, struct xf_err *err)
{
	struct db_stmt *st =
	    db_prep(db,
	            "SELECT id, place_id, coalesce(community_id, 0), coalesce(person_id, 0),"
	            " coalesce(user_id, 0), coalesce(entered_by, 0), coalesce(claimed_person, 0),"
	            " coalesce(claimed_org, 0), status FROM wishes WHERE id = ?",
	            err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	int rc = db_step(st, err);
	if (rc != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_ENOTFOUND, "not_found", "没有这个微心愿");
	int64_t *v[] = {&w->id,   &w->place,      &w->community,      &w->person,
	                &w->user, &w->entered_by, &w->claimed_person, &w->claimed_org};
	for (size_t i = 0; i < XF_ARRAY_LEN(v); i++)
		*v[i] = db_col_int(st, (int)i);
	snprintf(w->status, sizeof w->status, "%s", db_col_text(st, 8));
	db_reset(st);
	return XF_OK;
}

static bool wish_owner(const struct actor *a, const struct wish *w)
{
	return (a->user_id && a->user_id == w->user) || (a->person_id && a->person_id == w->person);
}

/* Who may see a wish: its resident, its claimer, staff over it, members of its community
 * once it is approved. Others get 404. */
static int wish_visible(struct db *db, const struct actor *a, const struct wish *w,
                        struct xf_err *err)
{
	if (wish_owner(a, w) || (a->person_id && a->person_id == w->claimed_person) ||
	    staff_in(db, a, w->place))
		return XF_OK;
	if (strcmp(w->status, "posted") != 0 && strcmp(w->status, "rejected") != 0 &&
	    a->person_id && is_member(db, a->person_id) && my_area(db, a->person_id, w->place))
		return XF_OK;
	return xf_fail(err, XF_ENOTFOUND, "not_found", "没有这个微心愿");
}

int coop_wish_create(struct db *db, const struct actor *a, json_t *body, int64_t id, int64_t now,
                     json_t **out, struct xf_err *err)
{
	int64_t behalf = jv_int(body, "on_behalf_of", 0), person = a->person_id, user = a->user_id,
	        entered = 0, place = jv_int(body, "place_id", 0), community = 0;
	int rc;
	if (behalf) {
		int64_t home = person_place(db, behalf);
		if (!home)
			return xf_fail_field(err, XF_EINVAL, "validation_failed", "on_behalf_of",
			                     "没有这位居民");
		if ((rc = need_staff(db, a, home, err)) != XF_OK)
			return rc;
		person = behalf;
		user = 0;
		entered = a->user_id;
		if (!place)
			place = home;
	} else {
		if ((rc = need_person(a, err)) != XF_OK)
			return rc;
		if (!place)
			place = person_place(db, person);
	}
	if ((rc = place_exists(db, place, "place_id", err)) != XF_OK ||
	    (rc = cases_community_of(db, place, &community, err)) != XF_OK)
		return rc;
	if (!community)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "place_id",
		                     "微心愿须在某个社区之内");
	struct db_stmt *st = db_prep(
	    db,
	    "INSERT INTO wishes(place_id, community_id, person_id, user_id, entered_by, title,"
	    " description, status, created_at, district_id) VALUES (?, ?, ?, ?, ?, ?, ?, 'posted',"
	    " ?, (SELECT district_id FROM places WHERE id = ?)) RETURNING id",
	    err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, place);
	db_bind_int(st, 2, community);
	db_bind_int(st, 3, person);
	if (user)
		db_bind_int(st, 4, user);
	else
		db_bind_null(st, 4);
	if (entered)
		db_bind_int(st, 5, entered);
	else
		db_bind_null(st, 5);
	db_bind_text(st, 6, jv_str(body, "title", ""));
	db_bind_text(st, 7, jv_str(body, "description", ""));
	db_bind_int(st, 8, now);
	db_bind_int(st, 9, place);
	if ((rc = db_step(st, err)) != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_EDB, "db_error", "保存失败");
	int64_t wid = db_col_int(st, 0);
	db_reset(st);
	return coop_wish_get(db, a, NULL, wid, now, out, err);
}

#define WISH_COLS                                                                                  \
	"w.id, w.title, w.description, w.status, p.name, coalesce(pe.name, ''),"                   \
	" coalesce(cp.name, coalesce(co.name, '')), w.created_at, coalesce(w.due_at, 0),"          \
	" coalesce(w.fulfilled_at, 0), w.fulfil_note, coalesce(w.rating, ''),"                     \
	" coalesce(w.confirmed_at, 0), w.review_note, coalesce(w.claimed_person, 0),"              \
	" coalesce(w.entered_by, 0), w.place_id, coalesce(w.person_id, 0), coalesce(w.user_id, 0)"
#define WISH_FROM                                                                                  \
	" FROM wishes w JOIN places p ON p.id = w.place_id LEFT JOIN people pe ON pe.id ="         \
	" w.person_id LEFT JOIN people cp ON cp.id = w.claimed_person LEFT JOIN orgs co ON co.id " \
	"="                                                                                        \
	" w.claimed_org"

/* A wish as the caller sees it: is_mine says it is the caller's own (a member's list also
 * holds the community's wishes to claim). */
static json_t *wish_row(struct db_stmt *st, const struct actor *a)
{
	int64_t me = a->person_id;
	static const char *const labels[][2] = {{"posted", "待审核"},    {"approved", "待认领"},
	                                        {"rejected", "未通过"},  {"claimed", "已认领"},
	                                        {"fulfilled", "待确认"}, {"confirmed", "已完成"}};
	const char *status = db_col_text(st, 3), *label = status;
	for (size_t i = 0; i < XF_ARRAY_LEN(labels); i++)
		if (strcmp(labels[i][0], status) == 0)
			label = labels[i][1];
	json_t *v = json_pack(
	    "{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:s, s:s, s:I, s:s, s:b, s:b}",
	    "id", (json_int_t)db_col_int(st, 0), "title", db_col_text(st, 1), "description",
	    db_col_text(st, 2), "status", status, "status_label", label, "place_name",
	    db_col_text(st, 4), "resident", db_col_text(st, 5), "claimed_by", db_col_text(st, 6),
	    "created_at", (json_int_t)db_col_int(st, 7), "due_at", (json_int_t)db_col_int(st, 8),
	    "fulfilled_at", (json_int_t)db_col_int(st, 9), "fulfil_note", db_col_text(st, 10),
	    "rating", db_col_text(st, 11), "confirmed_at", (json_int_t)db_col_int(st, 12),
	    "review_note", db_col_text(st, 13), "mine_to_fulfil", me && db_col_int(st, 14) == me,
	    "entered_on_behalf", db_col_int(st, 15) != 0);
	json_object_set_new(v, "place_id", json_integer(db_col_int(st, 16)));
	json_object_set_new(v, "is_mine",
	                    json_boolean((me && db_col_int(st, 17) == me) ||
	                                 (a->user_id && db_col_int(st, 18) == a->user_id)));
	return v;
}

int coop_wish_get(struct db *db, const struct actor *a, json_t *q, int64_t id, int64_t now,
                  json_t **out, struct xf_err *err)
{
	struct wish w;
	int rc = wish_load(db, id, &w, err);
	if (rc == XF_OK)
		rc = wish_visible(db, a, &w, err);
	if (rc != XF_OK)
		return rc;
	struct db_stmt *st = db_prep(db, "SELECT " WISH_COLS WISH_FROM " WHERE w.id = ?", err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	if ((rc = db_step(st, err)) != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_ENOTFOUND, "not_found", "没有这个微心愿");
	*out = wish_row(st, a);
	json_object_set_new(*out, "is_mine", json_boolean(wish_owner(a, &w)));
	db_reset(st);
	return XF_OK;
}

int coop_wishes_list(struct db *db, const struct actor *a, json_t *q, int64_t id, int64_t now,
                     json_t **out, struct xf_err *err)
{
	const char *status = jv_str(q, "status", "");
	bool staff = policy_allows(a->role, "coop.manage") && !jv_int(q, "mine", 0);
	char lo[256] = "", hi[256] = "";
	int rc;
	int64_t home = 0;
	if (staff) {
		if ((rc = list_area(db, a, q, lo, hi, err)) != XF_OK)
			return rc;
	} else if (a->person_id && is_member(db, a->person_id)) {
		home = home_community(db, a->person_id);
	}
	/* Staff: their area. Others: their own wishes and those they claimed; party members also
	 * the approved ones of their communities (home or registered) to claim — a resident does
	 * not see other residents' wishes. */
	struct db_stmt *st = db_prep(
	    db,
	    "SELECT " WISH_COLS WISH_FROM
	    " WHERE ((? = 1 AND p.path >= ? AND p.path < ?) OR (? = 0 AND (w.person_id = ? OR"
	    " w.user_id = ? OR w.claimed_person = ? OR (w.status = 'approved' AND (w.community_id ="
	    " ? OR w.community_id IN (SELECT r.place_id FROM registrations r WHERE r.person_id = ?"
	    " AND r.status = 'approved'))))))"
	    " AND (? = '' OR w.status = ?) ORDER BY w.id DESC LIMIT 200",
	    err);
	if (!st)
		return err->status;
	int64_t me = a->person_id ? a->person_id : -1;
	int k = 1;
	db_bind_int(st, k++, staff);
	db_bind_text(st, k++, lo);
	db_bind_text(st, k++, hi);
	db_bind_int(st, k++, staff);
	db_bind_int(st, k++, me);
	db_bind_int(st, k++, a->user_id ? a->user_id : -1);
	db_bind_int(st, k++, me);
	db_bind_int(st, k++, home ? home : -1);
	db_bind_int(st, k++, me);
	db_bind_text(st, k++, status);
	db_bind_text(st, k++, status);
	json_t *items = json_array();
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(items, wish_row(st, a));
	if (rc < 0) {
		json_decref(items);
		return rc;
	}
	*out = page_of(items);
	return XF_OK;
}

int coop_wish_review(struct db *db, const struct actor *a, json_t *body, int64_t id, int64_t now,
                     json_t **out, struct xf_err *err)
{
	struct wish w;
	int rc = wish_load(db, id, &w, err);
	if (rc == XF_OK)
		rc = need_staff(db, a, w.place, err);
	if (rc != XF_OK)
		return rc;
	if (strcmp(w.status, "posted") != 0)
		return conflict(err, "invalid_state", "这个微心愿已经审核过了");
	bool approve = json_is_true(json_object_get(body, "approve"));
	int64_t days = jv_int(body, "due_days", 14);
	if ((rc =
	         db_run(db, err,
	                "UPDATE wishes SET status = ?, review_note = ?, reviewed_by = ?, due_at = ?"
	                " WHERE id = ?",
	                "ttiii", approve ? "approved" : "rejected", jv_str(body, "note", ""),
	                a->user_id, approve ? now + days * 86400 : 0, id)) != XF_OK)
		return rc;
	if (w.person && (rc = notify(db, w.person, "微心愿审核",
	                             approve ? "您的微心愿已通过审核，等待党员认领。"
	                                     : "您的微心愿未通过审核，请联系社区。",
	                             err)) != XF_OK)
		return rc;
	return coop_wish_get(db, a, NULL, id, now, out, err);
}

int coop_wish_claim(struct db *db, const struct actor *a, json_t *body, int64_t id, int64_t now,
                    json_t **out, struct xf_err *err)
{
	struct wish w;
	int rc = wish_load(db, id, &w, err);
	if (rc != XF_OK)
		return rc;
	int64_t org = jv_int(body, "org_id", 0);
	if (org) {
		/* A unit claims through its contact, inside the contact's area. */
		int64_t org_place = 0;
		if (strcmp(a->role, "unit_contact") != 0)
			return xf_fail(err, XF_EPERM, "forbidden",
			               "只有单位联络人可以以单位名义认领");
		rc =
		    db_int(db, err, &org_place, "SELECT place_id FROM orgs WHERE id = ?", "i", org);
		if (rc == XF_ENOTFOUND)
			return xf_fail_field(err, XF_EINVAL, "validation_failed", "org_id",
			                     "没有这个单位");
		if (rc != XF_OK)
			return rc;
		if (!inside(db, a->place_id, org_place) || !inside(db, a->place_id, w.place))
			return xf_fail(err, XF_EPERM, "out_of_scope",
			               "这个微心愿不在您单位共建的范围内");
	} else {
		if ((rc = need_person(a, err)) != XF_OK)
			return rc;
		if (!is_member(db, a->person_id))
			return xf_fail(err, XF_EPERM, "not_member", "微心愿由党员认领");
		if (!my_area(db, a->person_id, w.place))
			return xf_fail(err, XF_EPERM, "out_of_scope", "这个微心愿不在您报到的社区");
	}
	if (w.claimed_person || w.claimed_org)
		return conflict(err, "already_claimed", "这个微心愿已经有人认领了");
	if (strcmp(w.status, "approved") != 0)
		return conflict(err, "invalid_state", "这个微心愿现在不能认领");
	struct db_stmt *st = db_prep(db,
	                             "UPDATE wishes SET status = 'claimed', claimed_person = ?,"
	                             " claimed_org = ?, claimed_at = ? WHERE id = ? AND status ="
	                             " 'approved'",
	                             err);
	if (!st)
		return err->status;
	if (org) {
		db_bind_null(st, 1);
		db_bind_int(st, 2, org);
	} else {
		db_bind_int(st, 1, a->person_id);
		db_bind_null(st, 2);
	}
	db_bind_int(st, 3, now);
	db_bind_int(st, 4, id);
	if ((rc = db_step(st, err)) != DB_DONE)
		return rc < 0 ? rc : xf_fail(err, XF_EDB, "db_error", "认领失败");
	if (w.person && (rc = notify(db, w.person, "微心愿已被认领",
	                             "您的微心愿已有人认领，完成后请您确认并评价。", err)) != XF_OK)
		return rc;
	return coop_wish_get(db, a, NULL, id, now, out, err);
}

int coop_wish_fulfil(struct db *db, const struct actor *a, json_t *body, int64_t id, int64_t now,
                     json_t **out, struct xf_err *err)
{
	struct wish w;
	int rc = wish_load(db, id, &w, err);
	if (rc != XF_OK)
		return rc;
	bool mine = (a->person_id && a->person_id == w.claimed_person) ||
	            (w.claimed_org && strcmp(a->role, "unit_contact") == 0 &&
	             inside(db, a->place_id, w.place));
	if (!mine)
		return xf_fail(err, XF_EPERM, "forbidden", "只有认领人可以提交完成情况");
	if (strcmp(w.status, "claimed") != 0)
		return conflict(err, "invalid_state", "这个微心愿现在不能提交完成");
	if ((rc = db_run(db, err,
	                 "UPDATE wishes SET status = 'fulfilled', fulfil_note = ?, fulfilled_at = ?"
	                 " WHERE id = ?",
	                 "tii", jv_str(body, "note", ""), now, id)) != XF_OK)
		return rc;
	if (w.person && (rc = notify(db, w.person, "请确认微心愿",
	                             "您的微心愿已完成，请在手机上确认并评价。", err)) != XF_OK)
		return rc;
	return coop_wish_get(db, a, NULL, id, now, out, err);
}

int coop_wish_confirm(struct db *db, const struct actor *a, json_t *body, int64_t id, int64_t now,
                      json_t **out, struct xf_err *err)
{
	struct wish w;
	int rc = wish_load(db, id, &w, err);
	if (rc != XF_OK)
		return rc;
	/* The resident, or staff when the wish was entered on the resident's behalf. */
	bool may = wish_owner(a, &w) || (w.entered_by && staff_in(db, a, w.place));
	if (!may)
		return xf_fail(err, XF_EPERM, "not_owner", "只有许愿的居民本人可以确认");
	if (strcmp(w.status, "confirmed") == 0)
		return conflict(err, "already_confirmed", "这个微心愿已经确认过了");
	if (strcmp(w.status, "fulfilled") != 0)
		return conflict(err, "invalid_state", "认领人还没有提交完成情况");
	const char *rating = jv_str(body, "rating", "");
	if (strcmp(rating, "satisfied") != 0 && strcmp(rating, "basically_satisfied") != 0 &&
	    strcmp(rating, "unsatisfied") != 0)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "rating",
		                     "评价只能是 satisfied、basically_satisfied 或 unsatisfied");
	if ((rc =
	         db_run(db, err,
	                "UPDATE wishes SET status = 'confirmed', rating = ?, confirmed_at = ? WHERE"
	                " id = ?",
	                "tii", rating, now, id)) != XF_OK)
		return rc;
	/* A confirmed, not unsatisfied, wish is a verified outcome: points to the member. */
	if (w.claimed_person && strcmp(rating, "unsatisfied") != 0) {
		char ref[48];
		snprintf(ref, sizeof ref, "wish:%lld", (long long)id);
		if ((rc = points_outcome(db, "wish_fulfilled", ref, w.claimed_person, 1, now,
		                         err)) != XF_OK)
			return rc;
	}
	return coop_wish_get(db, a, NULL, id, now, out, err);
}

/* ---- activities ---- */

struct activity {
	int64_t id, place, starts, ends, capacity, confirmed;
	char secret[65];
};

static int activity_load(struct db *db, int64_t id, struct activity *ac, struct xf_err *err)
{
	struct db_stmt *st =
	    db_prep(db,
	            "SELECT id, place_id, starts_at, ends_at, capacity,"
	            " coalesce(confirmed_at, 0), secret FROM activities WHERE id = ?",
	            err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	int rc = db_step(st, err);
	if (rc != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_ENOTFOUND, "not_found", "没有这个活动");
	ac->id = db_col_int(st, 0);
	ac->place = db_col_int(st, 1);
	ac->starts = db_col_int(st, 2);
	ac->ends = db_col_int(st, 3);
	ac->capacity = db_col_int(st, 4);
	ac->confirmed = db_col_int(st, 5);
	snprintf(ac->secret, sizeof ac->secret, "%s", db_col_text(st, 6));
	db_reset(st);
	return XF_OK;
}

static int insert_activity(struct db *db, int64_t place, const char *kind, const char *title,
                           const char *description, int64_t starts, int64_t ends, int64_t capacity,
                           int64_t organiser, int64_t now, int64_t *id, struct xf_err *err)
{
	char secret[65];
	crypto_secret_hex(secret);
	struct db_stmt *st = db_prep(
	    db,
	    "INSERT INTO activities(place_id, kind, title, description, starts_at, ends_at,"
	    " capacity, organiser, secret, created_at, district_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?,"
	    " ?, ?, (SELECT district_id FROM places WHERE id = ?)) ON CONFLICT DO NOTHING"
	    " RETURNING id",
	    err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, place);
	db_bind_text(st, 2, kind);
	db_bind_text(st, 3, title);
	db_bind_text(st, 4, description);
	db_bind_int(st, 5, starts);
	db_bind_int(st, 6, ends);
	db_bind_int(st, 7, capacity);
	if (organiser)
		db_bind_int(st, 8, organiser);
	else
		db_bind_null(st, 8);
	db_bind_text(st, 9, secret);
	db_bind_int(st, 10, now);
	db_bind_int(st, 11, place);
	int rc = db_step(st, err);
	*id = 0;
	if (rc == DB_ROW) {
		*id = db_col_int(st, 0);
		db_reset(st);
		return XF_OK;
	}
	return rc == DB_DONE ? XF_OK : rc;
}

int coop_activity_create(struct db *db, const struct actor *a, json_t *body, int64_t id,
                         int64_t now, json_t **out, struct xf_err *err)
{
	int64_t place = jv_int(body, "place_id", 0), starts = jv_int(body, "starts_at", 0),
	        ends = jv_int(body, "ends_at", 0), aid;
	const char *kind = jv_str(body, "kind", "other");
	if (strcmp(kind, "workday") != 0 && strcmp(kind, "80365") != 0 &&
	    strcmp(kind, "other") != 0)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "kind",
		                     "活动类型只能是 workday（社区工作日）、80365 或 other");
	if (ends <= starts || ends - starts > 24 * 3600)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "ends_at",
		                     "结束时间应晚于开始时间，且活动不超过 24 小时");
	int rc = place_exists(db, place, "place_id", err);
	if (rc == XF_OK)
		rc = need_staff(db, a, place, err);
	if (rc == XF_OK)
		rc = insert_activity(db, place, kind, jv_str(body, "title", ""),
		                     jv_str(body, "description", ""), starts, ends,
		                     jv_int(body, "capacity", 20), a->user_id, now, &aid, err);
	if (rc != XF_OK)
		return rc;
	if (!aid)
		return conflict(err, "duplicate", "同一地点同一时间已有同类活动");
	return coop_activity_get(db, a, NULL, aid, now, out, err);
}

#define ACT_COLS                                                                                   \
	"ac.id, ac.kind, ac.title, ac.description, ac.starts_at, ac.ends_at, ac.capacity, p.name," \
	" coalesce(ac.confirmed_at, 0),"                                                           \
	" (SELECT count(*) FROM activity_signups s WHERE s.activity_id = ac.id AND s.status ="     \
	" 'signed'),"                                                                              \
	" (SELECT count(*) FROM activity_signups s WHERE s.activity_id = ac.id AND s.status ="     \
	" 'waiting'),"                                                                             \
	" coalesce((SELECT s.status FROM activity_signups s WHERE s.activity_id = ac.id AND"       \
	" s.person_id = ?), ''), ac.place_id,"                                                     \
	" coalesce((SELECT s.minutes FROM activity_signups s WHERE s.activity_id = ac.id AND"      \
	" s.person_id = ?), -1),"                                                                  \
	" coalesce((SELECT s.arrived_at FROM activity_signups s WHERE s.activity_id = ac.id AND"   \
	" s.person_id = ? AND s.status = 'signed'), 0),"                                           \
	" (SELECT count(*) FROM activity_signups w JOIN activity_signups me ON me.activity_id ="   \
	" w.activity_id AND me.person_id = ? AND me.status = 'waiting' WHERE w.activity_id ="      \
	" ac.id AND w.status = 'waiting' AND (w.created_at < me.created_at OR (w.created_at ="     \
	" me.created_at AND w.person_id <= me.person_id)))"

/* The caller's own line (ACT_COLS binds the person four times): the confirmed minutes (null
 * until the roster is confirmed), the arrival, the place on the waiting list (0: not waiting;
 * the first waiting moves up first, as coop_activity_cancel promotes). */
static void bind_me(struct db_stmt *st, const struct actor *a)
{
	for (int k = 1; k <= 4; k++)
		db_bind_int(st, k, a->person_id ? a->person_id : -1);
}

static json_t *activity_row(struct db_stmt *st)
{
	json_t *v = json_pack(
	    "{s:I, s:s, s:s, s:s, s:I, s:I, s:I, s:s, s:b, s:I, s:I, s:s, s:I}", "id",
	    (json_int_t)db_col_int(st, 0), "kind", db_col_text(st, 1), "title", db_col_text(st, 2),
	    "description", db_col_text(st, 3), "starts_at", (json_int_t)db_col_int(st, 4),
	    "ends_at", (json_int_t)db_col_int(st, 5), "capacity", (json_int_t)db_col_int(st, 6),
	    "place_name", db_col_text(st, 7), "confirmed", db_col_int(st, 8) != 0, "signed",
	    (json_int_t)db_col_int(st, 9), "waiting", (json_int_t)db_col_int(st, 10), "my_status",
	    db_col_text(st, 11), "place_id", (json_int_t)db_col_int(st, 12));
	json_object_set_new(v, "my_minutes",
	                    db_col_int(st, 13) >= 0 ? json_integer(db_col_int(st, 13))
	                                            : json_null());
	json_object_set_new(v, "my_arrived_at", json_integer(db_col_int(st, 14)));
	json_object_set_new(v, "my_position", json_integer(db_col_int(st, 15)));
	return v;
}

int coop_activities_list(struct db *db, const struct actor *a, json_t *q, int64_t id, int64_t now,
                         json_t **out, struct xf_err *err)
{
	char lo[256], hi[256];
	int rc = list_area(db, a, q, lo, hi, err);
	if (rc != XF_OK)
		return rc;
	int64_t from = jv_int(q, "from", now - 30 * 86400), to = jv_int(q, "to", now + 60 * 86400);
	/* Inside the area, or above it (a street's activity is its communities' too). */
	struct db_stmt *st = db_prep(
	    db,
	    "SELECT " ACT_COLS " FROM activities ac JOIN places p ON p.id = ac.place_id"
	    " WHERE ((p.path >= ? AND p.path < ?) OR substr(?, 1, length(p.path)) = p.path)"
	    " AND ac.starts_at >= ? AND ac.starts_at < ? ORDER BY ac.starts_at, ac.id LIMIT 300",
	    err);
	if (!st)
		return err->status;
	bind_me(st, a);
	db_bind_text(st, 5, lo);
	db_bind_text(st, 6, hi);
	db_bind_text(st, 7, lo);
	db_bind_int(st, 8, from);
	db_bind_int(st, 9, to);
	json_t *items = json_array();
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(items, activity_row(st));
	if (rc < 0) {
		json_decref(items);
		return rc;
	}
	*out = page_of(items);
	return XF_OK;
}

int coop_activity_get(struct db *db, const struct actor *a, json_t *q, int64_t id, int64_t now,
                      json_t **out, struct xf_err *err)
{
	struct activity ac;
	int rc = activity_load(db, id, &ac, err);
	if (rc != XF_OK)
		return rc;
	bool staff = staff_in(db, a, ac.place);
	if (!staff && !(a->person_id && my_area(db, a->person_id, ac.place)))
		return xf_fail(err, XF_ENOTFOUND, "not_found", "没有这个活动");
	struct db_stmt *st = db_prep(db,
	                             "SELECT " ACT_COLS
	                             " FROM activities ac JOIN places p ON p.id = ac.place_id WHERE"
	                             " ac.id = ?",
	                             err);
	if (!st)
		return err->status;
	bind_me(st, a);
	db_bind_int(st, 5, id);
	if ((rc = db_step(st, err)) != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_ENOTFOUND, "not_found", "没有这个活动");
	json_t *v = activity_row(st);
	db_reset(st);
	if (staff) {
		/* The roster the organiser confirms. */
		json_t *roster = json_array();
		json_object_set_new(v, "roster", roster);
		st = db_prep(db,
		             "SELECT s.person_id, pe.name, s.status, coalesce(s.arrived_at, 0),"
		             " coalesce(s.arrived_by, ''), coalesce(s.minutes, -1) FROM"
		             " activity_signups s JOIN people pe ON pe.id = s.person_id WHERE"
		             " s.activity_id = ? AND s.status <> 'cancelled' ORDER BY s.created_at,"
		             " s.person_id",
		             err);
		if (!st) {
			json_decref(v);
			return err->status;
		}
		db_bind_int(st, 1, id);
		while ((rc = db_step(st, err)) == DB_ROW) {
			json_t *r = json_pack(
			    "{s:I, s:s, s:s, s:I, s:s}", "person_id", (json_int_t)db_col_int(st, 0),
			    "name", db_col_text(st, 1), "status", db_col_text(st, 2), "arrived_at",
			    (json_int_t)db_col_int(st, 3), "arrived_by", db_col_text(st, 4));
			json_object_set_new(r, "minutes",
			                    db_col_int(st, 5) >= 0 ? json_integer(db_col_int(st, 5))
			                                           : json_null());
			json_array_append_new(roster, r);
		}
		if (rc < 0) {
			json_decref(v);
			return rc;
		}
	}
	*out = v;
	return XF_OK;
}

int coop_activity_signup(struct db *db, const struct actor *a, json_t *body, int64_t id,
                         int64_t now, json_t **out, struct xf_err *err)
{
	struct activity ac;
	int rc = need_person(a, err);
	if (rc == XF_OK)
		rc = activity_load(db, id, &ac, err);
	if (rc != XF_OK)
		return rc;
	if (!my_area(db, a->person_id, ac.place))
		return xf_fail(err, XF_ENOTFOUND, "not_found", "没有这个活动");
	if (ac.confirmed || now >= ac.ends)
		return conflict(err, "invalid_state", "活动已经结束，不能报名");
	int64_t mine = 0, signed_n = 0;
	if ((rc = db_int(db, err, &mine,
	                 "SELECT count(*) FROM activity_signups WHERE activity_id = ? AND"
	                 " person_id = ? AND status <> 'cancelled'",
	                 "ii", id, a->person_id)) != XF_OK ||
	    (rc = db_int(db, err, &signed_n,
	                 "SELECT count(*) FROM activity_signups WHERE activity_id = ? AND status ="
	                 " 'signed'",
	                 "i", id)) != XF_OK)
		return rc;
	if (mine)
		return conflict(err, "already_signed_up", "您已经报名了");
	const char *status = signed_n < ac.capacity ? "signed" : "waiting";
	/* A cancelled sign-up is renewed in place (one row per person and activity). */
	if ((rc = db_run(db, err,
	                 "INSERT INTO activity_signups(activity_id, person_id, status, created_at)"
	                 " VALUES (?, ?, ?, ?) ON CONFLICT (activity_id, person_id) DO UPDATE SET"
	                 " status = excluded.status, created_at = excluded.created_at,"
	                 " arrived_at = NULL, arrived_by = NULL, minutes = NULL",
	                 "iiti", id, a->person_id, status, now)) != XF_OK)
		return rc;
	*out = json_pack("{s:I, s:s}", "id", (json_int_t)id, "my_status", status);
	return XF_OK;
}

int coop_activity_cancel(struct db *db, const struct actor *a, json_t *body, int64_t id,
                         int64_t now, json_t **out, struct xf_err *err)
{
	struct activity ac;
	int rc = need_person(a, err);
	if (rc == XF_OK)
		rc = activity_load(db, id, &ac, err);
	if (rc != XF_OK)
		return rc;
	char status[16] = "";
	struct db_stmt *st = db_prep(
	    db, "SELECT status FROM activity_signups WHERE activity_id = ? AND person_id = ?", err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, a->person_id);
	if ((rc = db_step(st, err)) == DB_ROW) {
		snprintf(status, sizeof status, "%s", db_col_text(st, 0));
		db_reset(st);
	} else if (rc < 0) {
		return rc;
	}
	if (!*status || strcmp(status, "cancelled") == 0)
		return conflict(err, "not_signed_up", "您没有报名这个活动");
	if (ac.confirmed)
		return conflict(err, "invalid_state", "活动名单已确认，不能取消");
	if ((rc =
	         db_run(db, err,
	                "UPDATE activity_signups SET status = 'cancelled' WHERE activity_id = ? AND"
	                " person_id = ?",
	                "ii", id, a->person_id)) != XF_OK)
		return rc;
	if (strcmp(status, "signed") == 0) {
		/* The first on the waiting list moves up. */
		int64_t next = 0;
		struct xf_err e;
		if (db_int(
		        db, &e, &next,
		        "SELECT person_id FROM activity_signups WHERE activity_id = ? AND status ="
		        " 'waiting' ORDER BY created_at, person_id LIMIT 1",
		        "i", id) == XF_OK &&
		    next) {
			if ((rc = db_run(db, err,
			                 "UPDATE activity_signups SET status = 'signed' WHERE"
			                 " activity_id = ? AND person_id = ?",
			                 "ii", id, next)) != XF_OK ||
			    (rc = notify(db, next, "活动候补转正",
			                 "有人取消报名，您已从候补转为正式报名。", err)) != XF_OK)
				return rc;
		}
	}
	*out = json_pack("{s:I, s:s}", "id", (json_int_t)id, "my_status", "cancelled");
	return XF_OK;
}

static void code_mac(const struct activity *ac, int64_t window, char out[11])
{
	char msg[64];
	snprintf(msg, sizeof msg, "%lld:%lld", (long long)ac->id, (long long)window);
	crypto_hmac_hex(ac->secret, msg, 10, out);
}

int coop_activity_code(struct db *db, const struct actor *a, json_t *q, int64_t id, int64_t now,
                       json_t **out, struct xf_err *err)
{
	struct activity ac;
	int rc = activity_load(db, id, &ac, err);
	if (rc == XF_OK)
		rc = need_staff(db, a, ac.place, err);
	if (rc != XF_OK)
		return rc;
	int64_t window = now / CODE_WINDOW;
	char mac[11], code[96];
	code_mac(&ac, window, mac);
	snprintf(code, sizeof code, "XF-A%lld-%lld-%s", (long long)id, (long long)window, mac);
	struct buf svg = {0};
	if ((rc = totp_qr_svg(code, &svg)) != XF_OK) {
		buf_free(&svg);
		return xf_fail(err, XF_EINTERNAL, "qr_failed", "生成二维码失败");
	}
	*out = json_pack("{s:s, s:I, s:s%}", "code", code, "valid_until",
	                 (json_int_t)((window + 2) * CODE_WINDOW), "qr_svg", svg.data, svg.len);
	buf_free(&svg);
	return XF_OK;
}

int coop_activity_arrive(struct db *db, const struct actor *a, json_t *body, int64_t id,
                         int64_t now, json_t **out, struct xf_err *err)
{
	struct activity ac;
	int rc = need_person(a, err);
	if (rc == XF_OK)
		rc = activity_load(db, id, &ac, err);
	if (rc != XF_OK)
		return rc;
	const char *code = jv_str(body, "code", "");
	long long cid = 0, window = 0;
	char mac[16] = "", want[11], canon[96];
	int consumed = 0;
	/* Only the spelling the code was issued in: sscanf alone would also take "+1", "01" or
	 * " 1" for the same numbers (fuzz/fuzz_codes.c). */
	if (sscanf(code, "XF-A%lld-%lld-%15[0-9a-f]%n", &cid, &window, mac, &consumed) != 3 ||
	    (size_t)consumed != strlen(code) || strlen(mac) != 10 ||
	    snprintf(canon, sizeof canon, "XF-A%lld-%lld-%s", cid, window, mac) < 0 ||
	    strcmp(canon, code) != 0)
		return xf_fail_field(err, XF_EINVAL, "code_invalid", "code",
		                     "这不是本系统的签到码");
	if (cid != id)
		return xf_fail_field(err, XF_EINVAL, "code_wrong_activity", "code",
		                     "这是另一个活动的签到码");
	code_mac(&ac, window, want);
	if (sodium_memcmp(want, mac, 10) != 0)
		return xf_fail_field(err, XF_EINVAL, "code_invalid", "code", "签到码无效");
	int64_t cur = now / CODE_WINDOW;
	if (window != cur && window != cur - 1)
		return xf_fail_field(err, XF_EINVAL, "code_expired", "code",
		                     "签到码已过期，请扫描现场最新的二维码");
	if (now < ac.starts - 1800 || now > ac.ends + 1800)
		return xf_fail(err, XF_ECONFLICT, "not_now", "不在活动时间内，不能签到");
	char status[16] = "";
	int64_t arrived = 0;
	struct db_stmt *st = db_prep(db,
	                             "SELECT status, coalesce(arrived_at, 0) FROM activity_signups"
	                             " WHERE activity_id = ? AND person_id = ?",
	                             err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, a->person_id);
	if ((rc = db_step(st, err)) == DB_ROW) {
		snprintf(status, sizeof status, "%s", db_col_text(st, 0));
		arrived = db_col_int(st, 1);
		db_reset(st);
	} else if (rc < 0) {
		return rc;
	}
	if (strcmp(status, "signed") != 0)
		return conflict(err, "not_signed_up", "您没有报名这个活动（或仍在候补）");
	if (!arrived &&
	    (rc = db_run(db, err,
	                 "UPDATE activity_signups SET arrived_at = ?, arrived_by = 'code' WHERE"
	                 " activity_id = ? AND person_id = ?",
	                 "iii", now, id, a->person_id)) != XF_OK)
		return rc;
	/* Presence is evidence for the roster, never points by itself. */
	*out = json_pack("{s:I, s:I}", "id", (json_int_t)id, "arrived_at",
	                 (json_int_t)(arrived ? arrived : now));
	return XF_OK;
}

int coop_activity_confirm(struct db *db, const struct actor *a, json_t *body, int64_t id,
                          int64_t now, json_t **out, struct xf_err *err)
{
	struct activity ac;
	int rc = activity_load(db, id, &ac, err);
	if (rc == XF_OK)
		rc = need_staff(db, a, ac.place, err);
	if (rc != XF_OK)
		return rc;
	if (ac.confirmed)
		return conflict(err, "already_confirmed", "这个活动的名单已经确认过了");
	if (now < ac.starts)
		return conflict(err, "invalid_state", "活动还没开始，不能确认名单");
	json_t *roster = json_object_get(body, "roster"), *it;
	size_t i;
	int64_t duration_min = (ac.ends - ac.starts) / 60;
	/* Check every line before writing any. */
	json_array_foreach(roster, i, it)
	{
		char field[48];
		int64_t person = jv_int(it, "person_id", 0), minutes = jv_int(it, "minutes", -1),
		        n = 0;
		snprintf(field, sizeof field, "roster[%zu].person_id", i);
		if (!json_is_object(it) || !json_is_integer(json_object_get(it, "person_id")) ||
		    !json_is_integer(json_object_get(it, "minutes")))
			return xf_fail_field(err, XF_EINVAL, "validation_failed", field,
			                     "名单每行须有 person_id 和 minutes");
		if ((rc = db_int(db, err, &n,
		                 "SELECT count(*) FROM activity_signups WHERE activity_id = ? AND"
		                 " person_id = ? AND status = 'signed'",
		                 "ii", id, person)) != XF_OK)
			return rc;
		if (!n)
			return xf_fail_field(err, XF_EINVAL, "validation_failed", field,
			                     "第 %zu 行的人没有报名这个活动", i + 1);
		if (minutes < 0 || minutes > duration_min) {
			snprintf(field, sizeof field, "roster[%zu].minutes", i);
			return xf_fail_field(err, XF_EINVAL, "validation_failed", field,
			                     "服务时长应在 0 到 %lld 分钟之间",
			                     (long long)duration_min);
		}
	}
	int64_t confirmed = 0, total = 0;
	json_array_foreach(roster, i, it)
	{
		int64_t person = jv_int(it, "person_id", 0), minutes = jv_int(it, "minutes", 0);
		if ((rc = db_run(
		         db, err,
		         "UPDATE activity_signups SET minutes = ?, arrived_by ="
		         " coalesce(arrived_by, 'roster'), arrived_at = coalesce(arrived_at, ?)"
		         " WHERE activity_id = ? AND person_id = ?",
		         "iiii", minutes, ac.starts, id, person)) != XF_OK)
			return rc;
		/* Confirmed hours are verified hours: the ledger's rule turns them into points. */
		if (minutes >= 60) {
			char ref[48];
			snprintf(ref, sizeof ref, "activity:%lld", (long long)id);
			if ((rc = points_outcome(db, "service_hours", ref, person, minutes / 60,
			                         now, err)) != XF_OK)
				return rc;
		}
		confirmed++;
		total += minutes;
	}
	if ((rc = db_run(db, err,
	                 "UPDATE activities SET confirmed_at = ?, confirmed_by = ? WHERE id = ?",
	                 "iii", now, a->user_id, id)) != XF_OK)
		return rc;
	*out = json_pack("{s:I, s:I, s:I}", "id", (json_int_t)id, "confirmed",
	                 (json_int_t)confirmed, "minutes", (json_int_t)total);
	return XF_OK;
}

/* People and flagged volunteers of a subtree: a street or above from the dashboard's rollup
 * (*as_of its time; 1.6 million people cannot be counted within a request), below counted
 * live (its places first, then their people). */
static int volunteer_base(struct db *db, int64_t place, const char *lo, const char *hi, int64_t now,
                          int64_t *people, int64_t *flagged, int64_t *as_of, struct xf_err *err)
{
	char kind[16] = "";
	struct db_stmt *st = db_prep(db, "SELECT kind FROM places WHERE id = ?", err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, place);
	int rc = db_step(st, err);
	if (rc < 0)
		return rc;
	if (rc == DB_ROW)
		snprintf(kind, sizeof kind, "%s", db_col_text(st, 0));
	db_reset(st);
	*as_of = 0;
	if (strcmp(kind, "city") == 0 || strcmp(kind, "district") == 0 ||
	    strcmp(kind, "street") == 0) {
		int64_t year = clock_beijing_year(now), at = 0;
		rc = db_int(db, err, &at, "SELECT computed_at FROM dash_rollup_meta WHERE year = ?",
		            "i", year);
		if (rc == XF_OK) {
			/* A missing row is zero once the year's meta row exists. */
			*people = *flagged = 0;
			st = db_prep(
			    db,
			    "SELECT figure, n FROM dash_rollup WHERE place_id = ? AND year = ?"
			    " AND month = 0 AND figure IN ('population', 'volunteers')",
			    err);
			if (!st)
				return err->status;
			db_bind_int(st, 1, place);
			db_bind_int(st, 2, year);
			while ((rc = db_step(st, err)) == DB_ROW)
				*(strcmp(db_col_text(st, 0), "population") == 0 ? people
				                                                : flagged) =
				    db_col_int(st, 1);
			if (rc < 0)
				return rc;
			*as_of = at;
			return XF_OK;
		}
		if (rc != XF_ENOTFOUND)
			return rc;
	}
	st = db_prep(db,
	             "SELECT count(*), coalesce(sum(CASE WHEN pe.volunteer = 1 THEN 1 ELSE 0 END),"
	             " 0) FROM places p CROSS JOIN people pe WHERE pe.place_id = p.id AND"
	             " p.path >= ? AND p.path < ?",
	             err);
	if (!st)
		return err->status;
	db_bind_text(st, 1, lo);
	db_bind_text(st, 2, hi);
	if ((rc = db_step(st, err)) != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_EDB, "db_error", "统计失败");
	*people = db_col_int(st, 0);
	*flagged = db_col_int(st, 1);
	db_reset(st);
	return XF_OK;
}

int coop_volunteer_report(struct db *db, const struct actor *a, json_t *q, int64_t id, int64_t now,
                          json_t **out, struct xf_err *err)
{
	int64_t place = jv_int(q, "place", a->place_id);
	int rc = need_staff(db, a, place, err);
	char lo[256], hi[256];
	if (rc == XF_OK)
		rc = registry_subtree(db, place, lo, hi, err);
	int64_t people = 0, volunteers = 0, minutes = 0, as_of = 0;
	if (rc == XF_OK)
		rc = volunteer_base(db, place, lo, hi, now, &people, &volunteers, &as_of, err);
	if (rc != XF_OK)
		return rc;
	/* A volunteer is flagged or has verified minutes in the last 365 days: the second kind
	 * (and every verified minute) counted live from the year's activities, which are few. */
	struct db_stmt *st = db_prep(
	    db,
	    "SELECT count(DISTINCT CASE WHEN s.minutes > 0 AND pe.volunteer <> 1 THEN s.person_id"
	    " END), coalesce(sum(s.minutes), 0) FROM activities ac CROSS JOIN activity_signups s"
	    " CROSS JOIN people pe CROSS JOIN places p WHERE s.activity_id = ac.id AND pe.id ="
	    " s.person_id AND p.id = pe.place_id AND ac.starts_at >= ? AND p.path >= ? AND"
	    " p.path < ?",
	    err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, now - 365 * 86400);
	db_bind_text(st, 2, lo);
	db_bind_text(st, 3, hi);
	if ((rc = db_step(st, err)) != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_EDB, "db_error", "统计失败");
	volunteers += db_col_int(st, 0);
	minutes = db_col_int(st, 1);
	db_reset(st);
	*out = json_pack("{s:I, s:I, s:I, s:I, s:o}", "place_id", (json_int_t)place, "people",
	                 (json_int_t)people, "volunteers", (json_int_t)volunteers,
	                 "verified_minutes", (json_int_t)minutes, "volunteer_share",
	                 people ? json_real((double)volunteers / (double)people) : json_null());
	/* When the people were counted: null = just now, live. */
	json_object_set_new(*out, "as_of", as_of ? json_integer(as_of) : json_null());
	return XF_OK;
}

/* ---- agreements, the three lists, matching ---- */

static int agreement_place(struct db *db, int64_t id, int64_t *place, int64_t *unit,
                           struct xf_err *err)
{
	struct db_stmt *st =
	    db_prep(db, "SELECT place_id, unit_org_id FROM agreements WHERE id = ?", err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	int rc = db_step(st, err);
	if (rc != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_ENOTFOUND, "not_found", "没有这份共建协议");
	*place = db_col_int(st, 0);
	*unit = db_col_int(st, 1);
	db_reset(st);
	return XF_OK;
}

/* Which side the caller speaks for: the community (staff over the agreement's place) or
 * the unit (its contact, inside whose area the unit sits). NULL: neither. */
static const char *side_of(struct db *db, const struct actor *a, int64_t place, int64_t unit)
{
	if (staff_in(db, a, place))
		return "community";
	if (strcmp(a->role, "unit_contact") == 0) {
		int64_t up = 0;
		struct xf_err e;
		if (db_int(db, &e, &up, "SELECT place_id FROM orgs WHERE id = ?", "i", unit) ==
		        XF_OK &&
		    inside(db, a->place_id, up))
			return "unit";
	}
	return NULL;
}

int coop_agreement_create(struct db *db, const struct actor *a, json_t *body, int64_t id,
                          int64_t now, json_t **out, struct xf_err *err)
{
	int64_t unit = jv_int(body, "unit_org_id", 0), place = jv_int(body, "place_id", 0), n = 0;
	int rc = place_exists(db, place, "place_id", err);
	if (rc == XF_OK)
		rc = need_staff(db, a, place, err);
	if (rc == XF_OK)
		rc = db_int(db, err, &n,
		            "SELECT count(*) FROM orgs WHERE id = ? AND kind IN ('resident_unit',"
		            " 'unit_party', 'enterprise', 'enterprise_party', 'social_org')",
		            "i", unit);
	if (rc != XF_OK)
		return rc;
	if (!n)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "unit_org_id",
		                     "unit_org_id 应为一个驻区单位或两新组织");
	struct db_stmt *st = db_prep(
	    db,
	    "INSERT INTO agreements(unit_org_id, place_id, year, title, created_by, created_at,"
	    " district_id) VALUES (?, ?, ?, ?, ?, ?, (SELECT district_id FROM places WHERE id = ?))"
	    " ON CONFLICT DO NOTHING RETURNING id",
	    err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, unit);
	db_bind_int(st, 2, place);
	db_bind_int(st, 3, jv_int(body, "year", 0));
	db_bind_text(st, 4, jv_str(body, "title", ""));
	db_bind_int(st, 5, a->user_id);
	db_bind_int(st, 6, now);
	db_bind_int(st, 7, place);
	rc = db_step(st, err);
	if (rc == DB_DONE)
		return conflict(err, "duplicate", "这个单位今年已经和该地点签有共建协议");
	if (rc != DB_ROW)
		return rc;
	int64_t aid = db_col_int(st, 0);
	db_reset(st);
	return coop_agreement_get(db, a, NULL, aid, now, out, err);
}

int coop_agreements_list(struct db *db, const struct actor *a, json_t *q, int64_t id, int64_t now,
                         json_t **out, struct xf_err *err)
{
	char lo[256], hi[256];
	int rc = registry_subtree(
	    db,
	    policy_allows(a->role, "coop.manage") ? jv_int(q, "place", a->place_id) : a->place_id,
	    lo, hi, err);
	if (rc != XF_OK)
		return rc;
	if (!inside(db, a->place_id, jv_int(q, "place", a->place_id)))
		return xf_fail(err, XF_EPERM, "out_of_scope", "该地点不在您的管辖范围内");
	/* Staff: agreements of places in their area; unit contacts: of units in theirs. */
	struct db_stmt *st = db_prep(
	    db,
	    "SELECT ag.id, ag.year, ag.title, o.name, p.name, coalesce(ag.signed_at, 0),"
	    " (SELECT count(*) FROM list_items i WHERE i.agreement_id = ag.id),"
	    " (SELECT count(*) FROM list_items i WHERE i.agreement_id = ag.id AND i.status ="
	    " 'done'), (SELECT count(*) FROM list_items i WHERE i.agreement_id = ag.id AND"
	    " i.status = 'claimed') FROM agreements ag JOIN orgs o ON o.id = ag.unit_org_id JOIN"
	    " places p ON p.id = ag.place_id JOIN places up ON up.id = o.place_id"
	    " WHERE ((p.path >= ? AND p.path < ?) OR (up.path >= ? AND up.path < ?))"
	    " AND (? = 0 OR ag.year = ?) ORDER BY ag.year DESC, ag.id LIMIT 200",
	    err);
	if (!st)
		return err->status;
	int64_t year = jv_int(q, "year", 0);
	db_bind_text(st, 1, lo);
	db_bind_text(st, 2, hi);
	db_bind_text(st, 3, lo);
	db_bind_text(st, 4, hi);
	db_bind_int(st, 5, year);
	db_bind_int(st, 6, year);
	json_t *items = json_array();
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(
		    items,
		    json_pack("{s:I, s:I, s:s, s:s, s:s, s:I, s:I, s:I, s:I}", "id",
		              (json_int_t)db_col_int(st, 0), "year", (json_int_t)db_col_int(st, 1),
		              "title", db_col_text(st, 2), "unit_name", db_col_text(st, 3),
		              "place_name", db_col_text(st, 4), "signed_at",
		              (json_int_t)db_col_int(st, 5), "items", (json_int_t)db_col_int(st, 6),
		              "done", (json_int_t)db_col_int(st, 7), "claimed",
		              (json_int_t)db_col_int(st, 8)));
	if (rc < 0) {
		json_decref(items);
		return rc;
	}
	*out = page_of(items);
	return XF_OK;
}

int coop_agreement_get(struct db *db, const struct actor *a, json_t *q, int64_t id, int64_t now,
                       json_t **out, struct xf_err *err)
{
	int64_t place = 0, unit = 0;
	int rc = agreement_place(db, id, &place, &unit, err);
	if (rc != XF_OK)
		return rc;
	if (!side_of(db, a, place, unit))
		return xf_fail(err, XF_EPERM, "out_of_scope", "这份协议不在您的管辖范围内");
	struct db_stmt *st = db_prep(db,
	                             "SELECT ag.id, ag.year, ag.title, o.id, o.name, p.id, p.name,"
	                             " coalesce(ag.signed_at, 0) FROM agreements ag JOIN orgs o ON"
	                             " o.id = ag.unit_org_id JOIN places p ON p.id = ag.place_id"
	                             " WHERE ag.id = ?",
	                             err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	if ((rc = db_step(st, err)) != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_ENOTFOUND, "not_found", "没有这份共建协议");
	json_t *v =
	    json_pack("{s:I, s:I, s:s, s:{s:I, s:s}, s:{s:I, s:s}, s:I, s:s}", "id",
	              (json_int_t)db_col_int(st, 0), "year", (json_int_t)db_col_int(st, 1), "title",
	              db_col_text(st, 2), "unit", "id", (json_int_t)db_col_int(st, 3), "name",
	              db_col_text(st, 4), "place", "id", (json_int_t)db_col_int(st, 5), "name",
	              db_col_text(st, 6), "signed_at", (json_int_t)db_col_int(st, 7), "my_side",
	              side_of(db, a, place, unit));
	db_reset(st);
	json_t *items = json_array();
	json_object_set_new(v, "items", items);
	st = db_prep(db,
	             "SELECT id, side, list, category, title, content, quantity, tags,"
	             " coalesce(starts_at, 0), coalesce(ends_at, 0), status,"
	             " coalesce(claimed_side, ''), commitment, progress FROM list_items WHERE"
	             " agreement_id = ? ORDER BY list, id",
	             err);
	if (!st) {
		json_decref(v);
		return err->status;
	}
	db_bind_int(st, 1, id);
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(
		    items,
		    json_pack(
		        "{s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:I, s:I, s:s, s:s, s:s, s:I}",
		        "id", (json_int_t)db_col_int(st, 0), "side", db_col_text(st, 1), "list",
		        db_col_text(st, 2), "category", db_col_text(st, 3), "title",
		        db_col_text(st, 4), "content", db_col_text(st, 5), "quantity",
		        (json_int_t)db_col_int(st, 6), "tags", db_col_text(st, 7), "starts_at",
		        (json_int_t)db_col_int(st, 8), "ends_at", (json_int_t)db_col_int(st, 9),
		        "status", db_col_text(st, 10), "claimed_side", db_col_text(st, 11),
		        "commitment", db_col_text(st, 12), "progress",
		        (json_int_t)db_col_int(st, 13)));
	if (rc < 0) {
		json_decref(v);
		return rc;
	}
	*out = v;
	return XF_OK;
}

int coop_agreement_sign(struct db *db, const struct actor *a, json_t *body, int64_t id, int64_t now,
                        json_t **out, struct xf_err *err)
{
	int64_t place = 0, unit = 0, signed_at = 0;
	int rc = agreement_place(db, id, &place, &unit, err);
	if (rc == XF_OK)
		rc = need_staff(db, a, place, err);
	if (rc == XF_OK)
		rc = db_int(db, err, &signed_at,
		            "SELECT coalesce(signed_at, 0) FROM agreements WHERE id = ?", "i", id);
	if (rc != XF_OK)
		return rc;
	if (signed_at)
		return conflict(err, "already_signed", "这份协议已经签订");
	if ((rc = db_run(db, err, "UPDATE agreements SET signed_at = ? WHERE id = ?", "ii", now,
	                 id)) != XF_OK)
		return rc;
	return coop_agreement_get(db, a, NULL, id, now, out, err);
}

int coop_item_create(struct db *db, const struct actor *a, json_t *body, int64_t id, int64_t now,
                     json_t **out, struct xf_err *err)
{
	int64_t agreement = jv_int(body, "agreement_id", 0), place, unit;
	int rc = agreement_place(db, agreement, &place, &unit, err);
	if (rc == XF_ENOTFOUND)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "agreement_id",
		                     "没有这份共建协议");
	if (rc != XF_OK)
		return rc;
	const char *mine = side_of(db, a, place, unit), *side = jv_str(body, "side", ""),
	           *list = jv_str(body, "list", "");
	if (!mine)
		return xf_fail(err, XF_EPERM, "out_of_scope", "这份协议不在您的管辖范围内");
	if (strcmp(side, "unit") != 0 && strcmp(side, "community") != 0)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "side",
		                     "side 只能是 unit 或 community");
	/* A unit writes only its own lists; the community may record both (from the signed
	 * paper agreement). */
	if (strcmp(mine, "unit") == 0 && strcmp(side, "unit") != 0)
		return xf_fail(err, XF_EPERM, "forbidden", "单位只能填写本单位的清单");
	if (strcmp(list, "need") != 0 && strcmp(list, "resource") != 0 &&
	    strcmp(list, "service") != 0)
		return xf_fail_field(
		    err, XF_EINVAL, "validation_failed", "list",
		    "清单只能是 need（需求）、resource（资源）或 service（服务/项目）");
	struct db_stmt *st = db_prep(
	    db,
	    "INSERT INTO list_items(agreement_id, side, list, category, title, content, quantity,"
	    " tags, starts_at, ends_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
	    " RETURNING id",
	    err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, agreement);
	db_bind_text(st, 2, side);
	db_bind_text(st, 3, list);
	db_bind_text(st, 4, jv_str(body, "category", ""));
	db_bind_text(st, 5, jv_str(body, "title", ""));
	db_bind_text(st, 6, jv_str(body, "content", ""));
	db_bind_int(st, 7, jv_int(body, "quantity", 1));
	db_bind_text(st, 8, jv_str(body, "tags", ""));
	int64_t s = jv_int(body, "starts_at", 0), e = jv_int(body, "ends_at", 0);
	if (s)
		db_bind_int(st, 9, s);
	else
		db_bind_null(st, 9);
	if (e)
		db_bind_int(st, 10, e);
	else
		db_bind_null(st, 10);
	db_bind_int(st, 11, now);
	if ((rc = db_step(st, err)) != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_EDB, "db_error", "保存失败");
	*out = json_pack("{s:I}", "id", (json_int_t)db_col_int(st, 0));
	db_reset(st);
	return XF_OK;
}

struct item {
	int64_t id, agreement, place, unit, quantity, progress;
	char side[12], list[12], status[12], claimed_side[12], tags[256];
};

static int item_load(struct db *db, int64_t id, struct item *it, struct xf_err *err)
{
	struct db_stmt *st = db_prep(
	    db,
	    "SELECT i.id, i.agreement_id, ag.place_id, ag.unit_org_id, i.quantity, i.progress,"
	    " i.side, i.list, i.status, coalesce(i.claimed_side, ''), i.tags FROM list_items i"
	    " JOIN agreements ag ON ag.id = i.agreement_id WHERE i.id = ?",
	    err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	int rc = db_step(st, err);
	if (rc != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_ENOTFOUND, "not_found", "没有这个清单项");
	it->id = db_col_int(st, 0);
	it->agreement = db_col_int(st, 1);
	it->place = db_col_int(st, 2);
	it->unit = db_col_int(st, 3);
	it->quantity = db_col_int(st, 4);
	it->progress = db_col_int(st, 5);
	snprintf(it->side, sizeof it->side, "%s", db_col_text(st, 6));
	snprintf(it->list, sizeof it->list, "%s", db_col_text(st, 7));
	snprintf(it->status, sizeof it->status, "%s", db_col_text(st, 8));
	snprintf(it->claimed_side, sizeof it->claimed_side, "%s", db_col_text(st, 9));
	snprintf(it->tags, sizeof it->tags, "%s", db_col_text(st, 10));
	db_reset(st);
	return XF_OK;
}

int coop_item_claim(struct db *db, const struct actor *a, json_t *body, int64_t id, int64_t now,
                    json_t **out, struct xf_err *err)
{
	struct item it;
	int rc = item_load(db, id, &it, err);
	if (rc != XF_OK)
		return rc;
	const char *mine = side_of(db, a, it.place, it.unit);
	if (!mine)
		return xf_fail(err, XF_EPERM, "out_of_scope", "这份协议不在您的管辖范围内");
	/* 双向认领: each side claims from the other's lists. */
	if (strcmp(mine, it.side) == 0)
		return xf_fail(err, XF_EINVAL, "own_item",
		               "不能认领本方清单里的项目，请认领对方的");
	if (strcmp(it.status, "open") != 0)
		return conflict(err, "already_claimed", "这个清单项已经被认领");
	if ((rc = db_run(
	         db, err,
	         "UPDATE list_items SET status = 'claimed', claimed_side = ?, commitment = ?,"
	         " claimed_at = ? WHERE id = ?",
	         "ttii", mine, jv_str(body, "commitment", ""), now, id)) != XF_OK)
		return rc;
	*out = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "status", "claimed",
	                 "claimed_side", mine);
	return XF_OK;
}

static int set_progress(struct db *db, const struct item *it, int64_t done, int64_t now,
                        struct xf_err *err)
{
	if (done > it->quantity)
		done = it->quantity;
	return db_run(db, err,
	              "UPDATE list_items SET progress = ?, status = CASE WHEN ? >= quantity THEN"
	              " 'done' ELSE status END, done_at = CASE WHEN ? >= quantity THEN ? ELSE"
	              " done_at END WHERE id = ?",
	              "iiiii", done, done, done, now, it->id);
}

int coop_item_progress(struct db *db, const struct actor *a, json_t *body, int64_t id, int64_t now,
                       json_t **out, struct xf_err *err)
{
	struct item it;
	int rc = item_load(db, id, &it, err);
	if (rc != XF_OK)
		return rc;
	if (!side_of(db, a, it.place, it.unit))
		return xf_fail(err, XF_EPERM, "out_of_scope", "这份协议不在您的管辖范围内");
	if (strcmp(it.status, "open") == 0)
		return conflict(err, "invalid_state", "这个清单项还没有被认领");
	int64_t done = jv_int(body, "done", 0);
	if ((rc = set_progress(db, &it, done, now, err)) != XF_OK ||
	    (rc = item_load(db, id, &it, err)) != XF_OK)
		return rc;
	*out = json_pack("{s:I, s:I, s:I, s:s}", "id", (json_int_t)id, "progress",
	                 (json_int_t)it.progress, "quantity", (json_int_t)it.quantity, "status",
	                 it.status);
	return XF_OK;
}

/* How close two places are in the tree: the depth of their common ancestor (city 1,
 * district 2, street 3, community 4 …). */
static int closeness(const char *a, const char *b)
{
	int depth = 0;
	for (size_t i = 0; a[i] && a[i] == b[i]; i++)
		if (a[i] == '/' && i > 0)
			depth++;
	return depth;
}

int coop_matches_run(struct db *db, const struct actor *a, json_t *body, int64_t id, int64_t now,
                     json_t **out, struct xf_err *err)
{
	struct item it;
	int64_t item_id = jv_int(body, "item_id", 0);
	int rc = item_load(db, item_id, &it, err);
	if (rc == XF_ENOTFOUND)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "item_id",
		                     "没有这个清单项");
	if (rc != XF_OK)
		return rc;
	if (!side_of(db, a, it.place, it.unit))
		return xf_fail(err, XF_EPERM, "out_of_scope", "这份协议不在您的管辖范围内");
	if (strcmp(it.list, "need") != 0)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "item_id",
		                     "只有需求清单里的项目可以匹配");
	char tags[8][40];
	int ntags = 0;
	char buf[256];
	snprintf(buf, sizeof buf, "%s", it.tags);
	char *save = NULL;
	for (char *t = strtok_r(buf, ", ", &save); t && ntags < 8; t = strtok_r(NULL, ", ", &save))
		snprintf(tags[ntags++], sizeof tags[0], "%s", t);
	char apath[256] = "";
	struct db_stmt *st = db_prep(db, "SELECT path FROM places WHERE id = ?", err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, it.place);
	if ((rc = db_step(st, err)) == DB_ROW) {
		snprintf(apath, sizeof apath, "%s", db_col_text(st, 0));
		db_reset(st);
	} else if (rc < 0) {
		return rc;
	}
	int proposed = 0;
	if (ntags) {
		/* People carrying every tag of the need, nearest in the place tree first. */
		st = db_prep(db,
		             "SELECT pe.id, p.path FROM person_tags t JOIN people pe ON pe.id ="
		             " t.person_id JOIN places p ON p.id = pe.place_id WHERE t.tag = ?"
		             " ORDER BY pe.id LIMIT 2000",
		             err);
		if (!st)
			return err->status;
		db_bind_text(st, 1, tags[0]);
		struct cand {
			int64_t person;
			int score;
		} *c = calloc(2000, sizeof *c);
		int n = 0;
		while (n < 2000 && (rc = db_step(st, err)) == DB_ROW) {
			c[n].person = db_col_int(st, 0);
			c[n].score = 10 * closeness(apath, db_col_text(st, 1));
			n++;
		}
		if (rc < 0) {
			free(c);
			return rc;
		}
		db_reset(st);
		for (int i = 0; i < n; i++) {
			bool all = true;
			for (int k = 1; k < ntags && all; k++) {
				int64_t has = 0;
				struct xf_err e;
				all = db_int(db, &e, &has,
				             "SELECT count(*) FROM person_tags WHERE person_id = ? "
				             "AND tag = ?",
				             "it", c[i].person, tags[k]) == XF_OK &&
				      has > 0;
			}
			if (!all)
				continue;
			if ((rc = db_run(
			         db, err,
			         "INSERT INTO matches(item_id, person_id, score, status, "
			         "updated_at,"
			         " created_at) VALUES (?, ?, ?, 'proposed', ?, ?) ON CONFLICT DO"
			         " NOTHING",
			         "iiiii", item_id, c[i].person, (int64_t)(60 + c[i].score), now,
			         now)) != XF_OK) {
				free(c);
				return rc;
			}
			proposed++;
		}
		free(c);
	}
	/* Resources on other agreements' lists in the same category. */
	st = db_prep(db,
	             "SELECT r.id FROM list_items r JOIN list_items n ON n.id = ? WHERE r.list ="
	             " 'resource' AND r.status = 'open' AND r.category = n.category AND"
	             " r.category <> '' AND r.agreement_id <> n.agreement_id AND NOT EXISTS (SELECT"
	             " 1 FROM matches m WHERE m.item_id = n.id AND m.resource_id = r.id) LIMIT 50",
	             err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, item_id);
	int64_t res[50];
	int nr = 0;
	while (nr < 50 && (rc = db_step(st, err)) == DB_ROW)
		res[nr++] = db_col_int(st, 0);
	if (rc < 0)
		return rc;
	db_reset(st);
	for (int i = 0; i < nr; i++) {
		if ((rc = db_run(
		         db, err,
		         "INSERT INTO matches(item_id, resource_id, score, status, updated_at,"
		         " created_at) VALUES (?, ?, 50, 'proposed', ?, ?)",
		         "iiii", item_id, res[i], now, now)) != XF_OK)
			return rc;
		proposed++;
	}
	json_t *q = json_pack("{s:I}", "item_id", (json_int_t)item_id);
	rc = coop_matches_list(db, a, q, 0, now, out, err);
	json_decref(q);
	if (rc == XF_OK)
		json_object_set_new(*out, "proposed_now", json_integer(proposed));
	return rc;
}

int coop_matches_list(struct db *db, const struct actor *a, json_t *q, int64_t id, int64_t now,
                      json_t **out, struct xf_err *err)
{
	struct item it;
	int64_t item_id = jv_int(q, "item_id", 0);
	int rc = item_load(db, item_id, &it, err);
	if (rc != XF_OK)
		return rc;
	/* The agreement's two sides see every match; the community the people live in sees
	 * its own residents' (it is the one that forwards them). */
	bool sides = side_of(db, a, it.place, it.unit) != NULL;
	char lo[256] = "", hi[256] = "";
	if (!sides) {
		if (!policy_allows(a->role, "coop.manage"))
			return xf_fail(err, XF_EPERM, "out_of_scope", "这份协议不在您的管辖范围内");
		if ((rc = registry_subtree(db, a->place_id, lo, hi, err)) != XF_OK)
			return rc;
	}
	struct db_stmt *st = db_prep(
	    db,
	    "SELECT m.id, m.status, m.score, coalesce(pe.name, ''), coalesce(pe.phone_mask, ''),"
	    " coalesce(pl.name, ''), coalesce(r.title, ''), coalesce(m.person_id, 0),"
	    " coalesce(m.resource_id, 0) FROM matches m LEFT JOIN people pe ON pe.id = m.person_id"
	    " LEFT JOIN places pl ON pl.id = pe.place_id LEFT JOIN list_items r ON r.id ="
	    " m.resource_id WHERE m.item_id = ? AND (? = 1 OR (pl.path >= ? AND pl.path < ?))"
	    " ORDER BY m.score DESC, m.id LIMIT 200",
	    err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, item_id);
	db_bind_int(st, 2, sides);
	db_bind_text(st, 3, lo);
	db_bind_text(st, 4, hi);
	json_t *items = json_array();
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(
		    items,
		    json_pack("{s:I, s:s, s:I, s:s, s:s, s:s, s:s, s:I, s:I}", "id",
		              (json_int_t)db_col_int(st, 0), "status", db_col_text(st, 1), "score",
		              (json_int_t)db_col_int(st, 2), "name", db_col_text(st, 3), "phone",
		              db_col_text(st, 4), "place_name", db_col_text(st, 5), "resource",
		              db_col_text(st, 6), "person_id", (json_int_t)db_col_int(st, 7),
		              "resource_id", (json_int_t)db_col_int(st, 8)));
	if (rc < 0) {
		json_decref(items);
		return rc;
	}
	*out = json_pack("{s:I, s:I, s:I, s:o, s:n}", "item_id", (json_int_t)item_id, "quantity",
	                 (json_int_t)it.quantity, "progress", (json_int_t)it.progress, "items",
	                 items, "next");
	return XF_OK;
}

struct match {
	int64_t id, item, person;
	char status[12];
};

static int match_load(struct db *db, int64_t id, struct match *m, struct xf_err *err)
{
	struct db_stmt *st = db_prep(
	    db, "SELECT id, item_id, coalesce(person_id, 0), status FROM matches WHERE id = ?",
	    err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	int rc = db_step(st, err);
	if (rc != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_ENOTFOUND, "not_found", "没有这条匹配");
	m->id = db_col_int(st, 0);
	m->item = db_col_int(st, 1);
	m->person = db_col_int(st, 2);
	snprintf(m->status, sizeof m->status, "%s", db_col_text(st, 3));
	db_reset(st);
	return XF_OK;
}

static int match_set(struct db *db, const struct actor *a, int64_t id, const char *to, int64_t now,
                     json_t **out, struct xf_err *err)
{
	return db_run(db, err,
	              "UPDATE matches SET status = ?, decided_by = ?, updated_at = ? WHERE id = ?",
	              "tiii", to, a->user_id, now, id) == XF_OK
	           ? (*out = json_pack("{s:I, s:s}", "id", (json_int_t)id, "status", to), XF_OK)
	           : err->status;
}

int coop_match_forward(struct db *db, const struct actor *a, json_t *body, int64_t id, int64_t now,
                       json_t **out, struct xf_err *err)
{
	struct match m;
	int rc = match_load(db, id, &m, err);
	if (rc != XF_OK)
		return rc;
	/* The person's own community forwards them (it knows them and asks first). */
	int64_t home = m.person ? person_place(db, m.person) : 0;
	if ((rc = need_staff(db, a, home, err)) != XF_OK)
		return rc;
	if (strcmp(m.status, "proposed") != 0)
		return conflict(err, "invalid_state", "只有建议中的匹配可以推荐");
	if ((rc = match_set(db, a, id, "forwarded", now, out, err)) != XF_OK)
		return rc;
	return notify(db, m.person, "就业推荐", "社区已把您推荐给共建单位，单位会与您联系。", err);
}

int coop_match_hire(struct db *db, const struct actor *a, json_t *body, int64_t id, int64_t now,
                    json_t **out, struct xf_err *err)
{
	struct match m;
	struct item it;
	int rc = match_load(db, id, &m, err);
	if (rc == XF_OK)
		rc = item_load(db, m.item, &it, err);
	if (rc != XF_OK)
		return rc;
	if (!side_of(db, a, it.place, it.unit))
		return xf_fail(err, XF_EPERM, "out_of_scope", "这份协议不在您的管辖范围内");
	if (strcmp(m.status, "forwarded") != 0)
		return conflict(err, "invalid_state", "只有社区推荐过来的人可以录用");
	if ((rc = match_set(db, a, id, "hired", now, out, err)) != XF_OK)
		return rc;
	/* The need's progress counts the hired. */
	int64_t hired = 0;
	if ((rc = db_int(db, err, &hired,
	                 "SELECT count(*) FROM matches WHERE item_id = ? AND status = 'hired'", "i",
	                 m.item)) != XF_OK)
		return rc;
	if (strcmp(it.status, "open") == 0 &&
	    (rc = db_run(db, err,
	                 "UPDATE list_items SET status = 'claimed', claimed_side = 'community',"
	                 " claimed_at = ? WHERE id = ?",
	                 "ii", now, it.id)) != XF_OK)
		return rc;
	return set_progress(db, &it, hired, now, err);
}

int coop_match_decline(struct db *db, const struct actor *a, json_t *body, int64_t id, int64_t now,
                       json_t **out, struct xf_err *err)
{
	struct match m;
	struct item it;
	int rc = match_load(db, id, &m, err);
	if (rc == XF_OK)
		rc = item_load(db, m.item, &it, err);
	if (rc != XF_OK)
		return rc;
	bool ok = side_of(db, a, it.place, it.unit) != NULL ||
	          (m.person && staff_in(db, a, person_place(db, m.person)));
	if (!ok)
		return xf_fail(err, XF_EPERM, "out_of_scope", "这条匹配不在您的管辖范围内");
	if (strcmp(m.status, "hired") == 0 || strcmp(m.status, "declined") == 0)
		return conflict(err, "invalid_state", "这条匹配已经有结果了");
	return match_set(db, a, id, "declined", now, out, err);
}

int coop_person_tags(struct db *db, const struct actor *a, json_t *body, int64_t id, int64_t now,
                     json_t **out, struct xf_err *err)
{
	int64_t place = person_place(db, id);
	if (!place)
		return xf_fail(err, XF_ENOTFOUND, "not_found", "没有这个人");
	int rc = need_staff(db, a, place, err);
	if (rc != XF_OK)
		return rc;
	json_t *tags = json_object_get(body, "tags"), *t;
	size_t i;
	json_array_foreach(tags, i, t)
	{
		const char *s = json_string_value(t);
		size_t n = s ? strlen(s) : 0;
		bool ok = n >= 2 && n <= 32;
		for (size_t k = 0; ok && k < n; k++)
			ok = (s[k] >= 'a' && s[k] <= 'z') || s[k] == '_' ||
			     (k > 0 && s[k] >= '0' && s[k] <= '9');
		if (!ok) {
			char field[32];
			snprintf(field, sizeof field, "tags[%zu]", i);
			return xf_fail_field(
			    err, XF_EINVAL, "validation_failed", field,
			    "标签由 2 到 32 个小写字母、数字或下划线组成，以字母开头");
		}
	}
	if ((rc = db_run(db, err, "DELETE FROM person_tags WHERE person_id = ?", "i", id)) != XF_OK)
		return rc;
	json_array_foreach(tags, i, t)
	{
		if ((rc = db_run(
		         db, err,
		         "INSERT INTO person_tags(person_id, tag) VALUES (?, ?) ON CONFLICT DO"
		         " NOTHING",
		         "it", id, json_string_value(t))) != XF_OK)
			return rc;
	}
	*out = json_pack("{s:I, s:O}", "person_id", (json_int_t)id, "tags", tags);
	return XF_OK;
}

/* ---- the scheduler's part ---- */

int coop_tick(struct db *db, int64_t now, int *created, int *reminded, struct xf_err *err)
{
	*created = *reminded = 0;
	/* 社区工作日: the 5th of this month and of the next, 09:00–11:30 Beijing time. */
	int64_t local = now + 8 * 3600, days = local / 86400;
	/* civil from days (Howard Hinnant) */
	int64_t z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097, yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153, m = mp + (mp < 10 ? 3 : -9);
	y += m <= 2;
	struct db_stmt *st = db_prep(db, "SELECT id FROM places WHERE kind = 'community'", err);
	if (!st)
		return err->status;
	int64_t *cs = calloc(4096, sizeof *cs);
	int n = 0, rc;
	while (n < 4096 && (rc = db_step(st, err)) == DB_ROW)
		cs[n++] = db_col_int(st, 0);
	if (rc < 0) {
		free(cs);
		return rc;
	}
	db_reset(st);
	for (int k = 0; k < 2; k++) {
		int64_t yy = y + (m + k > 12), mm = (m + k - 1) % 12 + 1;
		int64_t starts = period_start((int)yy, (int)mm) + 4 * 86400 + 9 * 3600;
		if (starts + 3 * 3600 < now)
			continue;
		char title[64];
		snprintf(title, sizeof title, "社区工作日（%lld 月）", (long long)mm);
		for (int i = 0; i < n; i++) {
			int64_t id;
			if ((rc = insert_activity(
			         db, cs[i], "workday", title,
			         "每月固定的社区工作日：社区和驻区单位党员组团服务居民", starts,
			         starts + 9000, 40, 0, now, &id, err)) != XF_OK) {
				free(cs);
				return rc;
			}
			*created += id != 0;
		}
	}
	free(cs);
	/* Wishes near their deadline: the claimer is reminded once. */
	st = db_prep(db,
	             "SELECT id, claimed_person, title FROM wishes WHERE status = 'claimed' AND"
	             " claimed_person IS NOT NULL AND warned_at IS NULL AND due_at IS NOT NULL AND"
	             " due_at - ? < 172800 ORDER BY id LIMIT 200",
	             err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, now);
	struct {
		int64_t id, person;
		char title[128];
	} w[200];
	int nw = 0;
	while (nw < 200 && (rc = db_step(st, err)) == DB_ROW) {
		w[nw].id = db_col_int(st, 0);
		w[nw].person = db_col_int(st, 1);
		snprintf(w[nw].title, sizeof w[nw].title, "%s", db_col_text(st, 2));
		nw++;
	}
	if (rc < 0)
		return rc;
	db_reset(st);
	for (int i = 0; i < nw; i++) {
		char msg[256];
		snprintf(msg, sizeof msg, "您认领的微心愿「%s」快到期了，请尽快完成。", w[i].title);
		if ((rc = notify(db, w[i].person, "微心愿到期提醒", msg, err)) != XF_OK ||
		    (rc = db_run(db, err, "UPDATE wishes SET warned_at = ? WHERE id = ?", "ii", now,
		                 w[i].id)) != XF_OK)
			return rc;
		(*reminded)++;
	}
	return XF_OK;
}
