/* Branch standardisation: the checklist per domain, the branch's sheet (its own scores, the
 * reviewer's, items the platform fills from its records), ratings that move only with an
 * approver other than the proposer, rectification plans and their follow-ups. */
#include "review_int.h"
#include "../core/clock.h"
#include "../auth/policy.h"
#include "../core/jv.h"
#include "../registry/registry.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static const struct {
	const char *code, *label;
} domains[] = {{"community", "社区"}, {"agency", "机关"},      {"institution", "事业单位"},
               {"soe", "国有企业"},   {"private", "非公企业"}, {"social", "社会组织"}};

static const struct {
	const char *code, *label;
} sources[] = {{"posts_filled", "楼栋“两长五员一户”配齐率"},
               {"report_rate", "在职党员报到率"},
               {"case_rate", "民情诉求解决率"},
               {"work_coverage", "党组织工作覆盖率"}};

static const struct {
	const char *code, *label;
} ratings[] = {
    {"rectify", "整顿"}, {"standard", "标准型"}, {"model", "示范型"}, {"redflag", "红旗型"}};

const char *review_rating_label(const char *code)
{
	for (size_t i = 0; i < XF_ARRAY_LEN(ratings); i++)
		if (strcmp(ratings[i].code, code) == 0)
			return ratings[i].label;
	return "";
}

int review_rating_rank(const char *code)
{
	for (size_t i = 0; i < XF_ARRAY_LEN(ratings); i++)
		if (strcmp(ratings[i].code, code) == 0)
			return (int)i;
	return -1;
}

/* 90 红旗型, 80 示范型, 60 标准型, below that 整顿. */
const char *review_band(int64_t score)
{
	return score >= 90   ? "redflag"
	       : score >= 80 ? "model"
	       : score >= 60 ? "standard"
	                     : "rectify";
}

json_t *review_page(json_t *items)
{
	return json_pack("{s:o, s:n}", "items", items, "next");
}

int64_t review_year_start(int year)
{
	return clock_beijing_month_start(year, 1);
}

int review_year(json_t *obj, int *year, struct xf_err *err)
{
	int64_t y = jv_int(obj, "year", 0);
	if (y < 2000 || y > 2100)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "year",
		                     "year 应为 2000 到 2100 之间的年份");
	*year = (int)y;
	return XF_OK;
}

static const char *domain_of_kind(const char *kind)
{
	if (strcmp(kind, "community_party") == 0 || strcmp(kind, "grid_branch") == 0 ||
	    strcmp(kind, "building_party_group") == 0)
		return "community";
	if (strcmp(kind, "street_party_committee") == 0)
		return "agency";
	if (strcmp(kind, "unit_party") == 0 || strcmp(kind, "resident_unit") == 0)
		return "institution";
	if (strcmp(kind, "social_org_party") == 0 || strcmp(kind, "social_org") == 0)
		return "social";
	return "private";
}

int review_org_load(struct db *db, int64_t id, const char *field, struct review_org *o,
                    struct xf_err *err)
{
	struct db_stmt *st = db_prep(
	    db, "SELECT id, place_id, name, kind, line, domain FROM orgs WHERE id = ?", err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	int rc = db_step(st, err);
	if (rc != DB_ROW)
		return rc < 0 ? rc
		              : xf_fail_field(err, XF_EINVAL, "validation_failed", field,
		                              "没有这个组织");
	o->id = db_col_int(st, 0);
	o->place_id = db_col_int(st, 1);
	snprintf(o->name, sizeof o->name, "%s", db_col_text(st, 2));
	snprintf(o->kind, sizeof o->kind, "%s", db_col_text(st, 3));
	snprintf(o->line, sizeof o->line, "%s", db_col_text(st, 4));
	const char *d = db_col_text(st, 5);
	snprintf(o->domain, sizeof o->domain, "%s", *d ? d : domain_of_kind(o->kind));
	db_reset(st);
	return XF_OK;
}

static int load_branch(struct db *db, int64_t id, struct review_org *o, struct xf_err *err)
{
	int rc = review_org_load(db, id, "org_id", o, err);
	if (rc == XF_OK && strcmp(o->line, "party") != 0)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "org_id",
		                     "只有党组织参加支部规范化评定");
	return rc;
}

static const char *domain_label(const char *code)
{
	for (size_t i = 0; i < XF_ARRAY_LEN(domains); i++)
		if (strcmp(domains[i].code, code) == 0)
			return domains[i].label;
	return NULL;
}

static const char *source_label(const char *code)
{
	for (size_t i = 0; i < XF_ARRAY_LEN(sources); i++)
		if (strcmp(sources[i].code, code) == 0)
			return sources[i].label;
	return NULL;
}

/* ---- standards ---- */

REVIEW_OP(review_standards_list)
{
	const char *domain = jv_str(body, "kind", "");
	if (*domain && !domain_label(domain))
		return xf_fail_field(
		    err, XF_EINVAL, "validation_failed", "kind",
		    "领域只能是 community、agency、institution、soe、private、social");
	struct db_stmt *st = db_prep(db,
	                             "SELECT id, domain, ord, title, weight, evidence, source FROM"
	                             " review_standards WHERE active = 1 AND (? = '' OR domain = ?)"
	                             " ORDER BY domain, ord, id",
	                             err);
	if (!st)
		return err->status;
	db_bind_text(st, 1, domain);
	db_bind_text(st, 2, domain);
	json_t *items = json_array();
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		const char *src = db_col_text(st, 6);
		json_array_append_new(
		    items,
		    json_pack("{s:I, s:s, s:s, s:I, s:s, s:I, s:s, s:s, s:s?}", "id",
		              (json_int_t)db_col_int(st, 0), "domain", db_col_text(st, 1),
		              "domain_label", domain_label(db_col_text(st, 1)), "ord",
		              (json_int_t)db_col_int(st, 2), "title", db_col_text(st, 3), "weight",
		              (json_int_t)db_col_int(st, 4), "evidence", db_col_text(st, 5),
		              "source", src, "source_label", *src ? source_label(src) : NULL));
	}
	if (rc < 0) {
		json_decref(items);
		return rc;
	}
	*out = review_page(items);
	return XF_OK;
}

REVIEW_OP(review_standard_create)
{
	if (!policy_allows(a->role, "review.standards"))
		return xf_fail(err, XF_EPERM, "forbidden", "没有权限修改规范化标准");
	const char *domain = jv_str(body, "domain", ""), *src = jv_str(body, "source", "");
	if (!domain_label(domain))
		return xf_fail_field(
		    err, XF_EINVAL, "validation_failed", "domain",
		    "领域只能是 community、agency、institution、soe、private、social");
	if (*src && !source_label(src))
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "source",
		                     "自动计分来源只能是 posts_filled、report_rate、case_rate、"
		                     "work_coverage");
	int64_t n = 0, ord = 0;
	int rc = db_int(db, err, &n,
	                "SELECT count(*) FROM review_standards WHERE domain = ? AND title = ?",
	                "tt", domain, jv_str(body, "title", ""));
	if (rc == XF_OK && n)
		return xf_fail_field(err, XF_ECONFLICT, "duplicate", "title", "该领域已有同名标准");
	if (rc == XF_OK)
		rc = db_int(
		    db, err, &ord,
		    "SELECT coalesce(max(ord), 0) + 1 FROM review_standards WHERE domain = ?", "t",
		    domain);
	if (rc != XF_OK)
		return rc;
	struct db_stmt *st = db_prep(db,
	                             "INSERT INTO review_standards(domain, ord, title, weight,"
	                             " evidence, source, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
	                             " RETURNING id",
	                             err);
	if (!st)
		return err->status;
	db_bind_text(st, 1, domain);
	db_bind_int(st, 2, ord);
	db_bind_text(st, 3, jv_str(body, "title", ""));
	db_bind_int(st, 4, jv_int(body, "weight", 0));
	db_bind_text(st, 5, jv_str(body, "evidence", ""));
	db_bind_text(st, 6, src);
	db_bind_int(st, 7, now);
	if ((rc = db_step(st, err)) != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_EDB, "db_error", "保存失败");
	*out = json_pack("{s:I, s:s, s:I, s:s}", "id", (json_int_t)db_col_int(st, 0), "domain",
	                 domain, "ord", (json_int_t)ord, "title", jv_str(body, "title", ""));
	db_reset(st);
	return XF_OK;
}

/* ---- items the platform fills ---- */

static int pct(int64_t part, int64_t whole)
{
	return whole ? (int)((part * 100 + whole / 2) / whole) : -1;
}

/* The percentage behind a self-filled item for a branch at place in year; -1 when nothing
 * to measure (no buildings with groups, no cases…): the item then does not count. */
static int auto_value(struct db *db, const char *source, int64_t place, int year, int64_t now,
                      int *value, struct xf_err *err)
{
	char lo[256], hi[256];
	int64_t count = 0, total = 0;
	int rc;
	*value = -1;
	if (strcmp(source, "posts_filled") == 0) {
		rc = registry_coverage_count(db, place, "building_groups_missing_posts", now,
		                             &count, &total, err);
		if (rc == XF_OK)
			*value = pct(total - count, total);
		return rc;
	}
	if (strcmp(source, "work_coverage") == 0) {
		rc = registry_coverage_count(db, place, "party_orgs_inactive", now, &count, &total,
		                             err);
		if (rc == XF_OK)
			*value = pct(total - count, total);
		return rc;
	}
	if ((rc = registry_subtree(db, place, lo, hi, err)) != XF_OK)
		return rc;
	int64_t from = review_year_start(year), to = review_year_start(year + 1);
	if (strcmp(source, "report_rate") == 0) {
		rc = db_int(db, err, &total,
		            "SELECT count(*) FROM party_members pm JOIN people pe ON pe.id ="
		            " pm.person_id JOIN places p ON p.id = pe.place_id WHERE pm.status ="
		            " 'serving' AND p.path >= ? AND p.path < ?",
		            "tt", lo, hi);
		if (rc == XF_OK)
			rc =
			    db_int(db, err, &count,
			           "SELECT count(*) FROM party_members pm JOIN people pe ON pe.id ="
			           " pm.person_id JOIN places p ON p.id = pe.place_id WHERE"
			           " pm.status = 'serving' AND p.path >= ? AND p.path < ? AND"
			           " EXISTS (SELECT 1 FROM registrations r WHERE r.person_id ="
			           " pm.person_id AND r.kind = 'member' AND r.status = 'approved'"
			           " AND r.decided_at < ?)",
			           "tti", lo, hi, to);
	} else if (strcmp(source, "case_rate") == 0) {
		rc =
		    db_int(db, err, &total,
		           "SELECT count(*) FROM cases c JOIN places p ON p.id = c.place_id WHERE"
		           " p.path >= ? AND p.path < ? AND c.created_at >= ? AND c.created_at < ?",
		           "ttii", lo, hi, from, to);
		if (rc == XF_OK)
			rc =
			    db_int(db, err, &count,
			           "SELECT count(*) FROM cases c JOIN places p ON p.id = c.place_id"
			           " WHERE p.path >= ? AND p.path < ? AND c.created_at >= ? AND"
			           " c.created_at < ? AND c.status = 'closed'",
			           "ttii", lo, hi, from, to);
	} else {
		return xf_fail(err, XF_EINTERNAL, "bad_source", "未知的自动计分来源");
	}
	if (rc == XF_OK)
		*value = pct(count, total);
	return rc;
}

/* ---- the sheet ---- */

struct std_row {
	int64_t id, weight;
	char source[24];
};

#define STD_MAX 64

static int domain_standards(struct db *db, const char *domain, struct std_row *rows, int *n,
                            struct xf_err *err)
{
	struct db_stmt *st = db_prep(db,
	                             "SELECT id, weight, source FROM review_standards WHERE"
	                             " domain = ? AND active = 1 ORDER BY ord, id",
	                             err);
	if (!st)
		return err->status;
	db_bind_text(st, 1, domain);
	int rc;
	*n = 0;
	while ((rc = db_step(st, err)) == DB_ROW && *n < STD_MAX) {
		rows[*n].id = db_col_int(st, 0);
		rows[*n].weight = db_col_int(st, 1);
		snprintf(rows[*n].source, sizeof rows[*n].source, "%s", db_col_text(st, 2));
		(*n)++;
	}
	if (rc == DB_ROW)
		db_reset(st);
	return rc < 0 ? rc : XF_OK;
}

static int64_t normalised(int64_t sum, int64_t weights)
{
	return weights ? (sum * 100 + weights / 2) / weights : 0;
}

static int current_rating(struct db *db, int64_t org, char out[16], int64_t *rating_id,
                          struct xf_err *err)
{
	struct db_stmt *st = db_prep(db,
	                             "SELECT id, rating FROM branch_ratings WHERE org_id = ? AND"
	                             " status = 'approved' ORDER BY id DESC LIMIT 1",
	                             err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, org);
	int rc = db_step(st, err);
	out[0] = 0;
	if (rating_id)
		*rating_id = 0;
	if (rc == DB_ROW) {
		snprintf(out, 16, "%s", db_col_text(st, 1));
		if (rating_id)
			*rating_id = db_col_int(st, 0);
		db_reset(st);
	}
	return rc < 0 ? rc : XF_OK;
}

REVIEW_OP(review_assessment_get)
{
	struct review_org o;
	int year = 0;
	int rc = review_year(body, &year, err);
	if (rc == XF_OK)
		rc = load_branch(db, jv_int(body, "org_id", 0), &o, err);
	if (rc == XF_OK)
		rc = actor_need(db, a, "review.read", o.place_id, err);
	if (rc != XF_OK)
		return rc;
	int64_t aid = 0;
	json_t *sheet =
	    json_pack("{s:{s:I, s:s, s:s, s:s, s:I}, s:i}", "org", "id", (json_int_t)o.id, "name",
	              o.name, "domain", o.domain, "domain_label", domain_label(o.domain),
	              "place_id", (json_int_t)o.place_id, "year", year);
	struct db_stmt *st = db_prep(
	    db,
	    "SELECT b.id, b.status, b.self_score, b.review_score, b.submitted_at, b.reviewed_at,"
	    " coalesce(u.display_name, ''), coalesce(v.display_name, '') FROM branch_assessments b"
	    " LEFT JOIN users u ON u.id = b.submitted_by LEFT JOIN users v ON v.id = b.reviewed_by"
	    " WHERE b.org_id = ? AND b.year = ?",
	    err);
	if (!st) {
		json_decref(sheet);
		return err->status;
	}
	db_bind_int(st, 1, o.id);
	db_bind_int(st, 2, year);
	if ((rc = db_step(st, err)) == DB_ROW) {
		aid = db_col_int(st, 0);
		json_object_set_new(sheet, "assessment_id", json_integer(aid));
		json_object_set_new(sheet, "status", json_string(db_col_text(st, 1)));
		json_object_set_new(sheet, "self_score", json_integer(db_col_int(st, 2)));
		json_object_set_new(sheet, "review_score",
		                    db_col_null(st, 3) ? json_null()
		                                       : json_integer(db_col_int(st, 3)));
		json_object_set_new(sheet, "submitted_at", json_integer(db_col_int(st, 4)));
		json_object_set_new(sheet, "submitted_by", json_string(db_col_text(st, 6)));
		json_object_set_new(sheet, "reviewed_by", json_string(db_col_text(st, 7)));
		if (!db_col_null(st, 3))
			json_object_set_new(sheet, "band",
			                    json_string(review_band(db_col_int(st, 3))));
		db_reset(st);
	} else if (rc < 0) {
		json_decref(sheet);
		return rc;
	} else {
		json_object_set_new(sheet, "status", json_string("none"));
	}
	st = db_prep(db,
	             "SELECT s.id, s.title, s.weight, s.evidence, s.source, i.self_score,"
	             " i.evidence, i.review_score, i.review_note, i.auto_value,"
	             " i.assessment_id IS NOT NULL FROM review_standards s LEFT JOIN"
	             " branch_assessment_items i ON i.standard_id = s.id AND i.assessment_id = ?"
	             " WHERE s.domain = ? AND s.active = 1 ORDER BY s.ord, s.id",
	             err);
	if (!st) {
		json_decref(sheet);
		return err->status;
	}
	db_bind_int(st, 1, aid);
	db_bind_text(st, 2, o.domain);
	json_t *items = json_array();
	struct {
		char source[24];
		json_t *item;
	} pending[STD_MAX];
	int np = 0;
	while ((rc = db_step(st, err)) == DB_ROW) {
		const char *src = db_col_text(st, 4);
		bool have = db_col_int(st, 10) != 0;
		json_t *it = json_pack(
		    "{s:I, s:s, s:I, s:s, s:s, s:s?, s:o, s:s, s:o, s:s}", "standard_id",
		    (json_int_t)db_col_int(st, 0), "title", db_col_text(st, 1), "weight",
		    (json_int_t)db_col_int(st, 2), "evidence_required", db_col_text(st, 3),
		    "source", src, "source_label", *src ? source_label(src) : NULL, "self_score",
		    have ? json_integer(db_col_int(st, 5)) : json_null(), "evidence",
		    db_col_text(st, 6), "review_score",
		    have && !db_col_null(st, 7) ? json_integer(db_col_int(st, 7)) : json_null(),
		    "review_note", db_col_text(st, 8));
		json_object_set_new(it, "auto_value",
		                    have && !db_col_null(st, 9) ? json_integer(db_col_int(st, 9))
		                                                : json_null());
		/* A self-filled item with nothing to measure does not count either way. */
		if (have && *src && db_col_null(st, 9)) {
			json_object_set_new(it, "self_score", json_null());
			json_object_set_new(it, "review_score", json_null());
		}
		/* Before anything is submitted, show what the platform would fill today. */
		if (*src && !have && np < STD_MAX) {
			snprintf(pending[np].source, sizeof pending[np].source, "%s", src);
			pending[np++].item = it;
		}
		json_array_append_new(items, it);
	}
	if (rc < 0) {
		json_decref(items);
		json_decref(sheet);
		return rc;
	}
	for (int k = 0; k < np; k++) {
		int v;
		if ((rc = auto_value(db, pending[k].source, o.place_id, year, now, &v, err)) !=
		    XF_OK) {
			json_decref(items);
			json_decref(sheet);
			return rc;
		}
		json_object_set_new(pending[k].item, "auto_value",
		                    v < 0 ? json_null() : json_integer(v));
	}
	json_object_set_new(sheet, "items", items);
	char cur[16];
	if ((rc = current_rating(db, o.id, cur, NULL, err)) != XF_OK) {
		json_decref(sheet);
		return rc;
	}
	json_object_set_new(sheet, "current_rating", json_string(cur));
	*out = sheet;
	return XF_OK;
}

/* Check a list of {standard_id, score, evidence|note} against the domain's standards:
 * every item typed by people present once, within its weight; self-filled items are not
 * typed. scores[k] gets the score of rows[k] (auto ones computed here). */
static int check_items(struct db *db, json_t *items, const struct std_row *rows, int n,
                       const struct review_org *o, int year, int64_t now, int64_t *scores,
                       int *autov, json_t **texts, const char *text_key, struct xf_err *err)
{
	for (int k = 0; k < n; k++) {
		scores[k] = -1;
		texts[k] = NULL;
		autov[k] = -1;
	}
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
	{
		char field[32];
		snprintf(field, sizeof field, "items[%zu]", i);
		int64_t sid = jv_int(it, "standard_id", 0);
		json_t *score = json_object_get(it, "score");
		const char *text = jv_str(it, text_key, "");
		bool known = json_is_object(it);
		const char *key;
		json_t *v;
		/* Unknown keys are refused, not ignored (a misspelt "evidence" would vanish). */
		json_object_foreach(it, key, v) known &= strcmp(key, "standard_id") == 0 ||
		                                         strcmp(key, "score") == 0 ||
		                                         strcmp(key, text_key) == 0;
		if (!known || !json_is_integer(score) || strlen(text) > 1000 ||
		    (json_object_get(it, text_key) &&
		     !json_is_string(json_object_get(it, text_key))))
			return xf_fail_field(err, XF_EINVAL, "validation_failed", field,
			                     "第 %zu 项应为 {standard_id, score, %s}", i + 1,
			                     text_key);
		int k = 0;
		while (k < n && rows[k].id != sid)
			k++;
		if (k == n)
			return xf_fail_field(err, XF_EINVAL, "validation_failed", field,
			                     "第 %zu 项不是本领域的标准", i + 1);
		if (*rows[k].source)
			return xf_fail_field(err, XF_EINVAL, "auto_item", field,
			                     "第 %zu 项由平台根据已有记录自动计分，不需填写",
			                     i + 1);
		if (scores[k] >= 0)
			return xf_fail_field(err, XF_EINVAL, "validation_failed", field,
			                     "第 %zu 项重复", i + 1);
		int64_t s = json_integer_value(score);
		if (s < 0 || s > rows[k].weight)
			return xf_fail_field(err, XF_EINVAL, "out_of_range", field,
			                     "第 %zu 项得分应在 0 到 %lld 之间", i + 1,
			                     (long long)rows[k].weight);
		scores[k] = s;
		texts[k] = json_object_get(it, text_key);
	}
	for (int k = 0; k < n; k++) {
		if (*rows[k].source) {
			int rc =
			    auto_value(db, rows[k].source, o->place_id, year, now, &autov[k], err);
			if (rc != XF_OK)
				return rc;
			scores[k] = autov[k] < 0 ? -2 : (rows[k].weight * autov[k] + 50) / 100;
		} else if (scores[k] < 0) {
			return xf_fail_field(err, XF_EINVAL, "incomplete", "items",
			                     "还有标准没有打分（共 %d 项，需全部填写）", n);
		}
	}
	return XF_OK;
}

/* Sum and applicable weights (self-filled items with nothing to measure do not count). */
static int64_t total_of(const struct std_row *rows, int n, const int64_t *scores)
{
	int64_t sum = 0, w = 0;
	for (int k = 0; k < n; k++)
		if (scores[k] >= 0) {
			sum += scores[k];
			w += rows[k].weight;
		}
	return normalised(sum, w);
}

REVIEW_OP(review_assessment_submit)
{
	struct review_org o;
	int year = 0;
	int rc = review_year(body, &year, err);
	if (rc == XF_OK)
		rc = load_branch(db, jv_int(body, "org_id", 0), &o, err);
	if (rc == XF_OK)
		rc = actor_need(db, a, "review.assess", o.place_id, err);
	if (rc != XF_OK)
		return rc;
	struct std_row rows[STD_MAX];
	int n;
	if ((rc = domain_standards(db, o.domain, rows, &n, err)) != XF_OK)
		return rc;
	if (!n)
		return xf_fail(err, XF_EINVAL, "no_standards", "该领域还没有规范化标准");
	int64_t scores[STD_MAX];
	int autov[STD_MAX];
	json_t *texts[STD_MAX];
	if ((rc = check_items(db, json_object_get(body, "items"), rows, n, &o, year, now, scores,
	                      autov, texts, "evidence", err)) != XF_OK)
		return rc;
	int64_t aid = 0;
	struct db_stmt *st = db_prep(
	    db, "SELECT id, status FROM branch_assessments WHERE org_id = ? AND year = ?", err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, o.id);
	db_bind_int(st, 2, year);
	if ((rc = db_step(st, err)) == DB_ROW) {
		aid = db_col_int(st, 0);
		bool reviewed = strcmp(db_col_text(st, 1), "reviewed") == 0;
		db_reset(st);
		if (reviewed)
			return xf_fail(err, XF_ECONFLICT, "already_reviewed",
			               "这一年的评定表已经复核，不能再改自评");
	} else if (rc < 0) {
		return rc;
	}
	int64_t total = total_of(rows, n, scores);
	if (aid) {
		rc = db_run(db, err,
		            "UPDATE branch_assessments SET self_score = ?, submitted_by = ?,"
		            " submitted_at = ? WHERE id = ?",
		            "iiii", total, a->user_id, now, aid);
		if (rc == XF_OK)
			rc = db_run(db, err,
			            "DELETE FROM branch_assessment_items WHERE assessment_id = ?",
			            "i", aid);
	} else {
		rc =
		    db_run(db, err,
		           "INSERT INTO branch_assessments(org_id, year, status, self_score,"
		           " submitted_by, submitted_at, district_id) VALUES (?, ?, 'submitted', ?,"
		           " ?, ?, (SELECT district_id FROM places WHERE id = ?))",
		           "iiiiii", o.id, (int64_t)year, total, a->user_id, now, o.place_id);
		if (rc == XF_OK)
			rc = db_int(
			    db, err, &aid,
			    "SELECT id FROM branch_assessments WHERE org_id = ? AND year = ?", "ii",
			    o.id, (int64_t)year);
	}
	for (int k = 0; rc == XF_OK && k < n; k++) {
		st = db_prep(db,
		             "INSERT INTO branch_assessment_items(assessment_id, standard_id,"
		             " self_score, evidence, auto_value) VALUES (?, ?, ?, ?, ?)",
		             err);
		if (!st)
			return err->status;
		db_bind_int(st, 1, aid);
		db_bind_int(st, 2, rows[k].id);
		db_bind_int(st, 3, scores[k] < 0 ? 0 : scores[k]);
		db_bind_text(st, 4, texts[k] ? json_string_value(texts[k]) : "");
		if (autov[k] >= 0)
			db_bind_int(st, 5, autov[k]);
		else
			db_bind_null(st, 5);
		if ((rc = db_step(st, err)) != DB_DONE)
			return rc < 0 ? rc : xf_fail(err, XF_EDB, "db_error", "保存失败");
		rc = XF_OK;
	}
	if (rc != XF_OK)
		return rc;
	json_t *q = json_pack("{s:I, s:i}", "org_id", (json_int_t)o.id, "year", year);
	rc = review_assessment_get(db, a, q, 0, now, out, err);
	json_decref(q);
	return rc;
}

REVIEW_OP(review_assessment_review)
{
	int64_t org = 0, year = 0, submitter = 0;
	struct db_stmt *st =
	    db_prep(db,
	            "SELECT org_id, year, status, coalesce(submitted_by, 0) FROM branch_assessments"
	            " WHERE id = ?",
	            err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	int rc = db_step(st, err);
	if (rc != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_ENOTFOUND, "not_found", "没有这份评定表");
	org = db_col_int(st, 0);
	year = db_col_int(st, 1);
	bool reviewed = strcmp(db_col_text(st, 2), "reviewed") == 0;
	submitter = db_col_int(st, 3);
	db_reset(st);
	struct review_org o;
	if ((rc = load_branch(db, org, &o, err)) != XF_OK ||
	    (rc = actor_need(db, a, "review.score", o.place_id, err)) != XF_OK)
		return rc;
	if (reviewed)
		return xf_fail(err, XF_ECONFLICT, "already_reviewed", "这份评定表已经复核过了");
	if (submitter && submitter == a->user_id)
		return xf_fail(err, XF_EPERM, "same_person", "自评人不能复核自己的评定表");
	struct std_row rows[STD_MAX];
	int n;
	if ((rc = domain_standards(db, o.domain, rows, &n, err)) != XF_OK)
		return rc;
	int64_t scores[STD_MAX];
	int autov[STD_MAX];
	json_t *texts[STD_MAX];
	if ((rc = check_items(db, json_object_get(body, "items"), rows, n, &o, (int)year, now,
	                      scores, autov, texts, "note", err)) != XF_OK)
		return rc;
	for (int k = 0; k < n; k++) {
		st = db_prep(
		    db,
		    "INSERT INTO branch_assessment_items(assessment_id, standard_id,"
		    " self_score, review_score, review_note, auto_value) VALUES (?, ?, 0, ?,"
		    " ?, ?) ON CONFLICT (assessment_id, standard_id) DO UPDATE SET"
		    " review_score = excluded.review_score, review_note ="
		    " excluded.review_note, auto_value = excluded.auto_value",
		    err);
		if (!st)
			return err->status;
		db_bind_int(st, 1, id);
		db_bind_int(st, 2, rows[k].id);
		db_bind_int(st, 3, scores[k] < 0 ? 0 : scores[k]);
		db_bind_text(st, 4, texts[k] ? json_string_value(texts[k]) : "");
		if (autov[k] >= 0)
			db_bind_int(st, 5, autov[k]);
		else
			db_bind_null(st, 5);
		if ((rc = db_step(st, err)) != DB_DONE)
			return rc < 0 ? rc : xf_fail(err, XF_EDB, "db_error", "保存失败");
	}
	if ((rc = db_run(db, err,
	                 "UPDATE branch_assessments SET status = 'reviewed', review_score = ?,"
	                 " reviewed_by = ?, reviewed_at = ? WHERE id = ?",
	                 "iiii", total_of(rows, n, scores), a->user_id, now, id)) != XF_OK)
		return rc;
	json_t *q = json_pack("{s:I, s:I}", "org_id", (json_int_t)org, "year", (json_int_t)year);
	rc = review_assessment_get(db, a, q, 0, now, out, err);
	json_decref(q);
	return rc;
}

/* ---- ratings ---- */

static int open_plans(struct db *db, int64_t org, int64_t *n, struct xf_err *err)
{
	return db_int(
	    db, err, n,
	    "SELECT count(*) FROM rectification_plans WHERE org_id = ? AND status = 'open'", "i",
	    org);
}

/* Leaving 整顿 needs every rectification plan done (整顿晋级). */
static int check_leaving_rectify(struct db *db, int64_t org, const char *cur, const char *rating,
                                 struct xf_err *err)
{
	if (strcmp(cur, "rectify") != 0 || strcmp(rating, "rectify") == 0)
		return XF_OK;
	int64_t n = 0;
	int rc = open_plans(db, org, &n, err);
	if (rc == XF_OK && n)
		return xf_fail(err, XF_ECONFLICT, "rectification_open",
		               "还有 %lld 项整改计划没有完成，不能晋级", (long long)n);
	return rc;
}

REVIEW_OP(review_rating_propose)
{
	struct review_org o;
	int year = 0;
	const char *rating = jv_str(body, "rating", "");
	int rc = review_year(body, &year, err);
	if (rc == XF_OK)
		rc = load_branch(db, jv_int(body, "org_id", 0), &o, err);
	if (rc == XF_OK)
		rc = actor_need(db, a, "review.rate", o.place_id, err);
	if (rc != XF_OK)
		return rc;
	if (review_rating_rank(rating) < 0)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "rating",
		                     "评定等次只能是 standard（标准型）、model（示范型）、"
		                     "redflag（红旗型）或 rectify（整顿）");
	int64_t score = -1, n = 0;
	rc = db_int(db, err, &score,
	            "SELECT coalesce(review_score, -1) FROM branch_assessments WHERE org_id = ?"
	            " AND year = ?",
	            "ii", o.id, (int64_t)year);
	if (rc == XF_ENOTFOUND)
		rc = XF_OK;
	if (rc != XF_OK)
		return rc;
	/* A rating above 整顿 rests on the reviewer's score; 整顿 on the stated reason. */
	if (strcmp(rating, "rectify") != 0) {
		if (score < 0)
			return xf_fail(err, XF_EINVAL, "not_reviewed",
			               "%d 年的评定表还没有复核，不能评定等次", year);
		const char *band = review_band(score);
		if (review_rating_rank(rating) > review_rating_rank(band))
			return xf_fail_field(err, XF_EINVAL, "score_too_low", "rating",
			                     "复核得分 %lld 分，只够评为%s", (long long)score,
			                     review_rating_label(band));
	}
	char cur[16];
	if ((rc = current_rating(db, o.id, cur, NULL, err)) != XF_OK ||
	    (rc = check_leaving_rectify(db, o.id, cur, rating, err)) != XF_OK)
		return rc;
	if ((rc = db_int(db, err, &n,
	                 "SELECT count(*) FROM branch_ratings WHERE org_id = ? AND status ="
	                 " 'proposed'",
	                 "i", o.id)) != XF_OK)
		return rc;
	if (n)
		return xf_fail(err, XF_ECONFLICT, "pending_exists", "该支部已有一项评定等待审批");
	struct db_stmt *st = db_prep(
	    db,
	    "INSERT INTO branch_ratings(org_id, year, rating, previous, score, reason, status,"
	    " proposed_by, proposed_at, district_id) VALUES (?, ?, ?, ?, ?, ?, 'proposed', ?, ?,"
	    " (SELECT district_id FROM places WHERE id = ?)) RETURNING id",
	    err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, o.id);
	db_bind_int(st, 2, year);
	db_bind_text(st, 3, rating);
	db_bind_text(st, 4, cur);
	if (score >= 0)
		db_bind_int(st, 5, score);
	else
		db_bind_null(st, 5);
	db_bind_text(st, 6, jv_str(body, "reason", ""));
	db_bind_int(st, 7, a->user_id);
	db_bind_int(st, 8, now);
	db_bind_int(st, 9, o.place_id);
	if ((rc = db_step(st, err)) != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_EDB, "db_error", "保存失败");
	int64_t rid = db_col_int(st, 0);
	db_reset(st);
	*out = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)rid, "org_id",
	                 (json_int_t)o.id, "rating", rating, "rating_label",
	                 review_rating_label(rating), "previous", cur, "status", "proposed");
	return XF_OK;
}

static int decide(struct db *db, const struct actor *a, json_t *body, int64_t id, int64_t now,
                  bool approve, json_t **out, struct xf_err *err)
{
	struct db_stmt *st =
	    db_prep(db,
	            "SELECT org_id, rating, status, proposed_by FROM branch_ratings"
	            " WHERE id = ?",
	            err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	int rc = db_step(st, err);
	if (rc != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_ENOTFOUND, "not_found", "没有这项评定");
	int64_t org = db_col_int(st, 0), proposer = db_col_int(st, 3);
	char rating[16], status[16];
	snprintf(rating, sizeof rating, "%s", db_col_text(st, 1));
	snprintf(status, sizeof status, "%s", db_col_text(st, 2));
	db_reset(st);
	struct review_org o;
	if ((rc = review_org_load(db, org, "org_id", &o, err)) != XF_OK ||
	    (rc = actor_need(db, a, "review.approve", o.place_id, err)) != XF_OK)
		return rc;
	if (strcmp(status, "proposed") != 0)
		return xf_fail(err, XF_ECONFLICT, "already_decided", "这项评定已经审批过了");
	if (proposer == a->user_id)
		return xf_fail(err, XF_EPERM, "same_person", "提出评定的人不能自己审批");
	char cur[16];
	if (approve && ((rc = current_rating(db, org, cur, NULL, err)) != XF_OK ||
	                (rc = check_leaving_rectify(db, org, cur, rating, err)) != XF_OK))
		return rc;
	if ((rc = db_run(db, err,
	                 "UPDATE branch_ratings SET status = ?, decided_by = ?, decided_at = ?,"
	                 " decision_note = ? WHERE id = ?",
	                 "tiiti", approve ? "approved" : "rejected", a->user_id, now,
	                 jv_str(body, "note", ""), id)) != XF_OK)
		return rc;
	*out = json_pack("{s:I, s:I, s:s, s:s, s:s}", "id", (json_int_t)id, "org_id",
	                 (json_int_t)org, "rating", rating, "rating_label",
	                 review_rating_label(rating), "status", approve ? "approved" : "rejected");
	return XF_OK;
}

REVIEW_OP(review_rating_approve)
{
	return decide(db, a, body, id, now, true, out, err);
}

REVIEW_OP(review_rating_reject)
{
	return decide(db, a, body, id, now, false, out, err);
}

/* The area a staff list shows: ?place= inside the grant, else the grant's place. */
static int list_scope(struct db *db, const struct actor *a, json_t *q, const char *perm,
                      char lo[256], char hi[256], struct xf_err *err)
{
	int64_t place = jv_int(q, "place", 0);
	if (!place)
		place = a->place_id;
	int rc = actor_need(db, a, perm, place, err);
	return rc != XF_OK ? rc : registry_subtree(db, place, lo, hi, err);
}

REVIEW_OP(review_ratings_list)
{
	char lo[256], hi[256];
	int64_t org = jv_int(body, "org_id", 0), year = jv_int(body, "year", 0);
	const char *status = jv_str(body, "status", "");
	int rc;
	if (org) {
		struct review_org o;
		if ((rc = review_org_load(db, org, "org_id", &o, err)) != XF_OK ||
		    (rc = actor_need(db, a, "review.read", o.place_id, err)) != XF_OK ||
		    (rc = registry_subtree(db, o.place_id, lo, hi, err)) != XF_OK)
			return rc;
	} else if ((rc = list_scope(db, a, body, "review.read", lo, hi, err)) != XF_OK) {
		return rc;
	}
	struct db_stmt *st = db_prep(
	    db,
	    "SELECT r.id, r.org_id, o.name, r.year, r.rating, r.previous, coalesce(r.score, -1),"
	    " r.reason, r.status, coalesce(u.display_name, ''), r.proposed_at,"
	    " coalesce(v.display_name, ''), coalesce(r.decided_at, 0), r.decision_note,"
	    " r.id = (SELECT max(x.id) FROM branch_ratings x WHERE x.org_id = r.org_id AND"
	    " x.status = 'approved'), p.name FROM branch_ratings r JOIN orgs o ON o.id = r.org_id"
	    " JOIN places p ON p.id = o.place_id LEFT JOIN users u ON u.id = r.proposed_by"
	    " LEFT JOIN users v ON v.id = r.decided_by WHERE p.path >= ? AND p.path < ? AND"
	    " (? = 0 OR r.org_id = ?) AND (? = '' OR r.status = ?) AND (? = 0 OR r.year = ?)"
	    " ORDER BY r.id DESC LIMIT 500",
	    err);
	if (!st)
		return err->status;
	db_bind_text(st, 1, lo);
	db_bind_text(st, 2, hi);
	db_bind_int(st, 3, org);
	db_bind_int(st, 4, org);
	db_bind_text(st, 5, status);
	db_bind_text(st, 6, status);
	db_bind_int(st, 7, year);
	db_bind_int(st, 8, year);
	json_t *items = json_array();
	while ((rc = db_step(st, err)) == DB_ROW) {
		json_t *it = json_pack(
		    "{s:I, s:I, s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:s,"
		    " s:b}",
		    "id", (json_int_t)db_col_int(st, 0), "org_id", (json_int_t)db_col_int(st, 1),
		    "org_name", db_col_text(st, 2), "place_name", db_col_text(st, 15), "year",
		    (json_int_t)db_col_int(st, 3), "rating", db_col_text(st, 4), "rating_label",
		    review_rating_label(db_col_text(st, 4)), "previous", db_col_text(st, 5),
		    "previous_label", review_rating_label(db_col_text(st, 5)), "reason",
		    db_col_text(st, 7), "status", db_col_text(st, 8), "proposed_by",
		    db_col_text(st, 9), "proposed_at", (json_int_t)db_col_int(st, 10), "decided_by",
		    db_col_text(st, 11), "decision_note", db_col_text(st, 13), "current",
		    db_col_int(st, 14) != 0);
		json_object_set_new(it, "score",
		                    db_col_int(st, 6) < 0 ? json_null()
		                                          : json_integer(db_col_int(st, 6)));
		json_object_set_new(it, "decided_at",
		                    db_col_int(st, 12) ? json_integer(db_col_int(st, 12))
		                                       : json_null());
		json_array_append_new(items, it);
	}
	if (rc < 0) {
		json_decref(items);
		return rc;
	}
	*out = review_page(items);
	return XF_OK;
}

/* ---- rectification ---- */

REVIEW_OP(review_plan_create)
{
	struct review_org o;
	int rc = load_branch(db, jv_int(body, "org_id", 0), &o, err);
	if (rc == XF_OK)
		rc = actor_need(db, a, "review.rate", o.place_id, err);
	if (rc != XF_OK)
		return rc;
	int64_t deadline = jv_int(body, "deadline", 0), rating_id = 0;
	if (deadline <= now)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "deadline",
		                     "整改期限应在今天之后");
	char cur[16];
	if ((rc = current_rating(db, o.id, cur, &rating_id, err)) != XF_OK)
		return rc;
	if (strcmp(cur, "rectify") != 0)
		return xf_fail(err, XF_ECONFLICT, "not_rectifying",
		               "该支部当前不是整顿类，不需要整改计划");
	struct db_stmt *st = db_prep(
	    db,
	    "INSERT INTO rectification_plans(org_id, rating_id, problems, measures, deadline,"
	    " status, created_by, created_at, district_id) VALUES (?, ?, ?, ?, ?, 'open', ?, ?,"
	    " (SELECT district_id FROM places WHERE id = ?)) RETURNING id",
	    err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, o.id);
	db_bind_int(st, 2, rating_id);
	db_bind_text(st, 3, jv_str(body, "problems", ""));
	db_bind_text(st, 4, jv_str(body, "measures", ""));
	db_bind_int(st, 5, deadline);
	db_bind_int(st, 6, a->user_id);
	db_bind_int(st, 7, now);
	db_bind_int(st, 8, o.place_id);
	if ((rc = db_step(st, err)) != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_EDB, "db_error", "保存失败");
	*out = json_pack("{s:I, s:I, s:s, s:I}", "id", (json_int_t)db_col_int(st, 0), "org_id",
	                 (json_int_t)o.id, "status", "open", "deadline", (json_int_t)deadline);
	db_reset(st);
	return XF_OK;
}

REVIEW_OP(review_plan_followup)
{
	int64_t org = 0;
	char status[8] = "";
	struct db_stmt *st =
	    db_prep(db, "SELECT org_id, status FROM rectification_plans WHERE id = ?", err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	int rc = db_step(st, err);
	if (rc != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_ENOTFOUND, "not_found", "没有这项整改计划");
	org = db_col_int(st, 0);
	snprintf(status, sizeof status, "%s", db_col_text(st, 1));
	db_reset(st);
	struct review_org o;
	if ((rc = review_org_load(db, org, "org_id", &o, err)) != XF_OK ||
	    (rc = actor_need(db, a, "review.assess", o.place_id, err)) != XF_OK)
		return rc;
	if (strcmp(status, "open") != 0)
		return xf_fail(err, XF_ECONFLICT, "plan_closed", "这项整改已经完成");
	bool done = jv_bool(body, "done", 0) == 1;
	/* Only the reviewing level (the street and above) closes a plan. */
	if (done && !actor_may(db, a, "review.rate", o.place_id))
		return xf_fail(err, XF_EPERM, "forbidden", "整改完成须由街道（上级）确认");
	if ((rc = db_run(db, err,
	                 "INSERT INTO rectification_followups(plan_id, note, done, by_user, at)"
	                 " VALUES (?, ?, ?, ?, ?)",
	                 "itiii", id, jv_str(body, "note", ""), (int64_t)done, a->user_id, now)) !=
	    XF_OK)
		return rc;
	if (done && (rc = db_run(db, err,
	                         "UPDATE rectification_plans SET status = 'done', done_at = ?"
	                         " WHERE id = ?",
	                         "ii", now, id)) != XF_OK)
		return rc;
	*out = json_pack("{s:I, s:s}", "id", (json_int_t)id, "status", done ? "done" : "open");
	return XF_OK;
}

REVIEW_OP(review_plans_list)
{
	char lo[256], hi[256];
	int64_t org = jv_int(body, "org_id", 0);
	const char *status = jv_str(body, "status", "");
	int rc;
	if (org) {
		struct review_org o;
		if ((rc = review_org_load(db, org, "org_id", &o, err)) != XF_OK ||
		    (rc = actor_need(db, a, "review.read", o.place_id, err)) != XF_OK ||
		    (rc = registry_subtree(db, o.place_id, lo, hi, err)) != XF_OK)
			return rc;
	} else if ((rc = list_scope(db, a, body, "review.read", lo, hi, err)) != XF_OK) {
		return rc;
	}
	struct db_stmt *st = db_prep(
	    db,
	    "SELECT r.id, r.org_id, o.name, r.problems, r.measures, r.deadline, r.status,"
	    " r.created_at, coalesce(r.done_at, 0), f.note, f.done, f.at,"
	    " coalesce(u.display_name, '') FROM rectification_plans r JOIN orgs o ON o.id ="
	    " r.org_id JOIN places p ON p.id = o.place_id LEFT JOIN rectification_followups f ON"
	    " f.plan_id = r.id LEFT JOIN users u ON u.id = f.by_user WHERE p.path >= ? AND"
	    " p.path < ? AND (? = 0 OR r.org_id = ?) AND (? = '' OR r.status = ?)"
	    " ORDER BY r.id DESC, f.id LIMIT 2000",
	    err);
	if (!st)
		return err->status;
	db_bind_text(st, 1, lo);
	db_bind_text(st, 2, hi);
	db_bind_int(st, 3, org);
	db_bind_int(st, 4, org);
	db_bind_text(st, 5, status);
	db_bind_text(st, 6, status);
	json_t *items = json_array(), *cur = NULL;
	int64_t cur_id = 0;
	while ((rc = db_step(st, err)) == DB_ROW) {
		if (db_col_int(st, 0) != cur_id) {
			cur_id = db_col_int(st, 0);
			bool open = strcmp(db_col_text(st, 6), "open") == 0;
			cur = json_pack(
			    "{s:I, s:I, s:s, s:s, s:s, s:I, s:s, s:b, s:I, s:[]}", "id",
			    (json_int_t)cur_id, "org_id", (json_int_t)db_col_int(st, 1), "org_name",
			    db_col_text(st, 2), "problems", db_col_text(st, 3), "measures",
			    db_col_text(st, 4), "deadline", (json_int_t)db_col_int(st, 5), "status",
			    db_col_text(st, 6), "overdue", open && db_col_int(st, 5) < now,
			    "created_at", (json_int_t)db_col_int(st, 7), "followups");
			json_object_set_new(cur, "done_at",
			                    db_col_int(st, 8) ? json_integer(db_col_int(st, 8))
			                                      : json_null());
			json_array_append_new(items, cur);
		}
		if (!db_col_null(st, 9))
			json_array_append_new(
			    json_object_get(cur, "followups"),
			    json_pack("{s:s, s:b, s:I, s:s}", "note", db_col_text(st, 9), "done",
			              db_col_int(st, 10) != 0, "at", (json_int_t)db_col_int(st, 11),
			              "by", db_col_text(st, 12)));
	}
	if (rc < 0) {
		json_decref(items);
		return rc;
	}
	*out = review_page(items);
	return XF_OK;
}

/* ---- the branches of an area ---- */

REVIEW_OP(review_branches_list)
{
	char lo[256], hi[256];
	int year = 0, rc;
	if ((rc = list_scope(db, a, body, "review.read", lo, hi, err)) != XF_OK ||
	    (rc = review_year(body, &year, err)) != XF_OK)
		return rc;
	struct db_stmt *st = db_prep(
	    db,
	    "SELECT o.id, o.name, o.kind, o.domain, p.name, coalesce(b.status, 'none'),"
	    " b.self_score, b.review_score, coalesce((SELECT r.rating FROM branch_ratings r WHERE"
	    " r.org_id = o.id AND r.status = 'approved' ORDER BY r.id DESC LIMIT 1), ''),"
	    " (SELECT count(*) FROM branch_ratings r WHERE r.org_id = o.id AND r.status ="
	    " 'proposed'), (SELECT count(*) FROM rectification_plans x WHERE x.org_id = o.id AND"
	    " x.status = 'open') FROM orgs o JOIN places p ON p.id = o.place_id LEFT JOIN"
	    " branch_assessments b ON b.org_id = o.id AND b.year = ? WHERE o.line = 'party' AND"
	    " o.kind NOT IN ('building_party_group') AND p.path >= ? AND p.path < ?"
	    " ORDER BY p.path, o.id LIMIT 500",
	    err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, year);
	db_bind_text(st, 2, lo);
	db_bind_text(st, 3, hi);
	json_t *items = json_array();
	while ((rc = db_step(st, err)) == DB_ROW) {
		const char *d = db_col_text(st, 3), *cur = db_col_text(st, 8);
		json_t *it = json_pack(
		    "{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:I}", "org_id",
		    (json_int_t)db_col_int(st, 0), "name", db_col_text(st, 1), "kind",
		    db_col_text(st, 2), "domain", *d ? d : domain_of_kind(db_col_text(st, 2)),
		    "place_name", db_col_text(st, 4), "sheet", db_col_text(st, 5), "rating", cur,
		    "rating_label", review_rating_label(cur), "pending", db_col_int(st, 9) > 0,
		    "open_plans", (json_int_t)db_col_int(st, 10));
		json_object_set_new(it, "self_score",
		                    db_col_null(st, 6) ? json_null()
		                                       : json_integer(db_col_int(st, 6)));
		json_object_set_new(it, "review_score",
		                    db_col_null(st, 7) ? json_null()
		                                       : json_integer(db_col_int(st, 7)));
		json_array_append_new(items, it);
	}
	if (rc < 0) {
		json_decref(items);
		return rc;
	}
	*out = review_page(items);
	return XF_OK;
}
