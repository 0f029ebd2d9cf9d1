/* 民主评议党员: each member's yearly sheet, every figure a query over the records the platform
 * already holds (points, 报到, confirmed activities and hours, micro-wishes, service posts,
 * cases handled), never typed again; the branch records the rating. */
#include "review_int.h"
#include "../auth/policy.h"
#include "../core/jv.h"
#include "../store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *code, *label;
} member_ratings[] = {{"excellent", "优秀"},
                      {"qualified", "合格"},
                      {"basically_qualified", "基本合格"},
                      {"unqualified", "不合格"}};

static const char *member_rating_label(const char *code)
{
	for (size_t i = 0; i < XF_ARRAY_LEN(member_ratings); i++)
		if (strcmp(member_ratings[i].code, code) == 0)
			return member_ratings[i].label;
	return NULL;
}

static const char *status_label(const char *s)
{
	return strcmp(s, "serving") == 0   ? "在职党员"
	       : strcmp(s, "retired") == 0 ? "离退休党员"
	                                   : "流动党员";
}

static int min_activities(struct db *db)
{
	char v[16];
	struct xf_err e;
	if (store_meta_get(db, "coop.min_activities", v, sizeof v, &e) != XF_OK)
		return 4;
	int n = atoi(v);
	return n >= 1 && n <= 100 ? n : 4;
}

/* Sheets of one branch (org != 0) or one person (person != 0) for a year. */
static int sheets(struct db *db, int64_t org, int64_t person, int year, json_t **items,
                  struct xf_err *err)
{
	int64_t from = review_year_start(year), to = review_year_start(year + 1);
	struct db_stmt *st = db_prep(
	    db,
	    "SELECT pe.id, pe.name, pm.status, pm.branch_org_id, coalesce(o.name, ''),"
	    " (SELECT coalesce(sum(pa.earned), 0) FROM points_accounts pa WHERE pa.person_id ="
	    "  pe.id AND pa.kind = 'person'),"
	    " (SELECT count(*) FROM registrations r WHERE r.person_id = pe.id AND r.kind ="
	    "  'member' AND r.status = 'approved' AND r.decided_at < ?),"
	    " (SELECT count(*) FROM activity_signups s JOIN activities ac ON ac.id ="
	    "  s.activity_id WHERE s.person_id = pe.id AND s.minutes > 0 AND ac.starts_at >= ?"
	    "  AND ac.starts_at < ?),"
	    " (SELECT coalesce(sum(s.minutes), 0) FROM activity_signups s JOIN activities ac ON"
	    "  ac.id = s.activity_id WHERE s.person_id = pe.id AND s.minutes > 0 AND"
	    "  ac.starts_at >= ? AND ac.starts_at < ?),"
	    " (SELECT count(*) FROM wishes w WHERE w.claimed_person = pe.id AND w.status ="
	    "  'confirmed' AND w.confirmed_at >= ? AND w.confirmed_at < ?),"
	    " (SELECT count(*) FROM post_claims c WHERE c.person_id = pe.id AND c.created_at >= ?"
	    "  AND c.created_at < ?),"
	    " (SELECT count(*) FROM cases k WHERE k.assignee_person_id = pe.id AND k.status ="
	    "  'closed' AND k.closed_at >= ? AND k.closed_at < ?),"
	    " mr.rating, coalesce(mr.note, ''), coalesce(mr.rated_at, 0),"
	    " coalesce(u.display_name, '')"
	    " FROM party_members pm JOIN people pe ON pe.id = pm.person_id"
	    " LEFT JOIN orgs o ON o.id = pm.branch_org_id"
	    " LEFT JOIN member_reviews mr ON mr.person_id = pe.id AND mr.year = ?"
	    " LEFT JOIN users u ON u.id = mr.rated_by"
	    " WHERE (? = 0 OR pm.branch_org_id = ?) AND (? = 0 OR pm.person_id = ?)"
	    " ORDER BY pe.id LIMIT 2000",
	    err);
	if (!st)
		return err->status;
	int b = 1;
	db_bind_int(st, b++, to);
	for (int k = 0; k < 5; k++) {
		db_bind_int(st, b++, from);
		db_bind_int(st, b++, to);
	}
	db_bind_int(st, b++, year);
	db_bind_int(st, b++, org);
	db_bind_int(st, b++, org);
	db_bind_int(st, b++, person);
	db_bind_int(st, b++, person);
	int minimum = min_activities(db), rc;
	*items = json_array();
	while ((rc = db_step(st, err)) == DB_ROW) {
		const char *status = db_col_text(st, 2);
		bool serving = strcmp(status, "serving") == 0, reported = db_col_int(st, 6) > 0;
		int64_t acts = db_col_int(st, 7), minutes = db_col_int(st, 8);
		json_t *flags = json_array();
		if (serving && !reported)
			json_array_append_new(flags, json_string("在职党员未到社区报到"));
		if (serving && acts < minimum) {
			char line[96];
			snprintf(line, sizeof line, "全年参加活动 %lld 次，少于 %d 次",
			         (long long)acts, minimum);
			json_array_append_new(flags, json_string(line));
		}
		const char *rating = db_col_null(st, 12) ? NULL : db_col_text(st, 12);
		json_t *it = json_pack(
		    "{s:I, s:s, s:i, s:s, s:s, s:I, s:s, s:I, s:b, s:b, s:I, s:I, s:f, s:I, s:I, "
		    "s:I,"
		    " s:i, s:o, s:s?, s:s?, s:s, s:s}",
		    "person_id", (json_int_t)db_col_int(st, 0), "name", db_col_text(st, 1), "year",
		    year, "status", status, "status_label", status_label(status), "branch_org_id",
		    (json_int_t)db_col_int(st, 3), "branch_name", db_col_text(st, 4), "points",
		    (json_int_t)db_col_int(st, 5), "serving", serving, "reported", reported,
		    "activities", (json_int_t)acts, "minutes", (json_int_t)minutes, "hours",
		    (double)minutes / 60.0, "wishes_fulfilled", (json_int_t)db_col_int(st, 9),
		    "posts_claimed", (json_int_t)db_col_int(st, 10), "cases_handled",
		    (json_int_t)db_col_int(st, 11), "min_activities", minimum, "flags", flags,
		    "rating", rating, "rating_label", rating ? member_rating_label(rating) : NULL,
		    "note", db_col_text(st, 13), "rated_by", db_col_text(st, 15));
		json_object_set_new(it, "reported_label",
		                    json_string(reported ? "已报到" : "未报到"));
		json_object_set_new(it, "rated_at",
		                    db_col_int(st, 14) ? json_integer(db_col_int(st, 14))
		                                       : json_null());
		json_array_append_new(*items, it);
	}
	if (rc < 0) {
		json_decref(*items);
		*items = NULL;
		return rc;
	}
	return XF_OK;
}

struct member {
	int64_t branch, place;
};

static int member_load(struct db *db, int64_t person, struct member *m, struct xf_err *err)
{
	struct db_stmt *st = db_prep(db,
	                             "SELECT coalesce(pm.branch_org_id, 0), coalesce(o.place_id, 0)"
	                             " FROM party_members pm LEFT JOIN orgs o ON o.id ="
	                             " pm.branch_org_id WHERE pm.person_id = ?",
	                             err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, person);
	int rc = db_step(st, err);
	if (rc != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_ENOTFOUND, "not_found", "没有这名党员");
	m->branch = db_col_int(st, 0);
	m->place = db_col_int(st, 1);
	db_reset(st);
	return XF_OK;
}

REVIEW_OP(review_member_sheets)
{
	int year = 0, rc;
	int64_t org = jv_int(body, "org_id", 0), person = 0;
	if (jv_int(body, "mine", 0)) {
		if (!a->person_id)
			return xf_fail(err, XF_EPERM, "no_person",
			               "您的账号没有关联居民信息，请联系社区");
		person = a->person_id;
		org = 0;
	} else {
		struct review_org o;
		if (!org)
			return xf_fail_field(err, XF_EINVAL, "validation_failed", "org_id",
			                     "请选择党支部");
		if ((rc = review_org_load(db, org, "org_id", &o, err)) != XF_OK ||
		    (rc = actor_need(db, a, "review.read", o.place_id, err)) != XF_OK)
			return rc;
	}
	json_t *items;
	if ((rc = review_year(body, &year, err)) != XF_OK ||
	    (rc = sheets(db, org, person, year, &items, err)) != XF_OK)
		return rc;
	int rated = 0;
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it) rated +=
	    json_object_get(it, "rating") != NULL && !json_is_null(json_object_get(it, "rating"));
	*out = json_pack("{s:o, s:n, s:i, s:I, s:i, s:i}", "items", items, "next", "year", year,
	                 "org_id", (json_int_t)org, "members", (int)json_array_size(items), "rated",
	                 rated);
	return XF_OK;
}

REVIEW_OP(review_member_sheet)
{
	int year = 0;
	struct member m;
	/* Who may not read others' sheets does not learn who is a member either. */
	if (id != a->person_id && !policy_allows(a->role, "review.read"))
		return xf_fail(err, XF_EPERM, "forbidden", "只能查看本人的评议表");
	int rc = member_load(db, id, &m, err);
	if (rc != XF_OK)
		return rc;
	if (id != a->person_id &&
	    (rc = actor_need(db, a, "review.read", m.place ? m.place : -1, err)) != XF_OK)
		return rc;
	json_t *items;
	if ((rc = review_year(body, &year, err)) != XF_OK ||
	    (rc = sheets(db, 0, id, year, &items, err)) != XF_OK)
		return rc;
	*out = json_incref(json_array_get(items, 0));
	json_decref(items);
	return *out ? XF_OK : xf_fail(err, XF_ENOTFOUND, "not_found", "没有这名党员");
}

REVIEW_OP(review_member_rate)
{
	int year = 0;
	struct member m;
	const char *rating = jv_str(body, "rating", "");
	int rc = review_year(body, &year, err);
	if (rc == XF_OK)
		rc = member_load(db, id, &m, err);
	if (rc != XF_OK)
		return rc;
	if (!m.branch)
		return xf_fail(err, XF_EINVAL, "no_branch",
		               "这名党员没有所属支部，请先在组织体系中登记");
	if ((rc = actor_need(db, a, "review.member", m.place, err)) != XF_OK)
		return rc;
	if (!member_rating_label(rating))
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "rating",
		                     "评议等次只能是 excellent（优秀）、qualified（合格）、"
		                     "basically_qualified（基本合格）或 unqualified（不合格）");
	json_t *items;
	if ((rc = sheets(db, 0, id, year, &items, err)) != XF_OK)
		return rc;
	json_t *sheet = json_array_get(items, 0);
	bool blocked = sheet && json_is_true(json_object_get(sheet, "serving")) &&
	               !json_is_true(json_object_get(sheet, "reported"));
	json_decref(items);
	/* A member who has not reported to the community cannot be rated 合格 (or better). */
	if (blocked && (strcmp(rating, "excellent") == 0 || strcmp(rating, "qualified") == 0))
		return xf_fail_field(err, XF_EINVAL, "not_reported", "rating",
		                     "在职党员未到社区报到，不能评为合格或优秀");
	if ((rc = db_run(db, err,
	                 "INSERT INTO member_reviews(person_id, year, branch_org_id, rating, note,"
	                 " rated_by, rated_at, district_id) VALUES (?, ?, ?, ?, ?, ?, ?, (SELECT"
	                 " district_id FROM orgs WHERE id = ?)) ON CONFLICT (person_id, year) DO"
	                 " UPDATE SET rating = excluded.rating, note = excluded.note, rated_by ="
	                 " excluded.rated_by, rated_at = excluded.rated_at, branch_org_id ="
	                 " excluded.branch_org_id",
	                 "iiittiii", id, (int64_t)year, m.branch, rating, jv_str(body, "note", ""),
	                 a->user_id, now, m.branch)) != XF_OK)
		return rc;
	json_t *q = json_pack("{s:i}", "year", year);
	struct actor self = *a;
	rc = review_member_sheet(db, &self, q, id, now, out, err);
	json_decref(q);
	return rc;
}
