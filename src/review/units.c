/* The yearly evaluation of resident units by the communities they serve and by the street,
 * aggregated with their 文明共创 results against a configurable threshold for 优胜
 * eligibility; and the campaigns: 文明共创 here, 百日攻坚 from the registry beside them. */
#include "review_int.h"
#include "../auth/policy.h"
#include "../core/jv.h"
#include "../registry/registry.h"
#include "../store/store.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Weights of the three sources in the aggregate; a missing source's share goes to the rest. */
#define W_COMMUNITY 50
#define W_STREET    30
#define W_CAMPAIGN  20

static const struct {
	const char *key, *label;
} parts[] = {
    {"duty", "报到履职"}, {"projects", "共建项目"}, {"service", "服务群众"}, {"civic", "文明共创"}};

int review_unit_threshold(struct db *db)
{
	char v[16];
	struct xf_err e;
	if (store_meta_get(db, "review.unit_threshold", v, sizeof v, &e) != XF_OK)
		return 80;
	int n = atoi(v);
	return n >= 0 && n <= 100 ? n : 80;
}

int review_unit_threshold_set(struct db *db, int n, struct xf_err *err)
{
	if (n < 0 || n > 100)
		return xf_fail_field(err, XF_EINVAL, "out_of_range", "unit_threshold",
		                     "优胜评选线应在 0 到 100 分之间");
	char v[16];
	snprintf(v, sizeof v, "%d", n);
	return store_meta_set(db, "review.unit_threshold", v, err);
}

REVIEW_OP(review_settings_get)
{
	if (!policy_allows(a->role, "review.read"))
		return xf_fail(err, XF_EPERM, "forbidden", "没有权限查看评议设置");
	*out = json_pack("{s:i, s:{s:i, s:i, s:i}}", "unit_threshold", review_unit_threshold(db),
	                 "weights", "community", W_COMMUNITY, "street", W_STREET, "campaign",
	                 W_CAMPAIGN);
	return XF_OK;
}

REVIEW_OP(review_settings_put)
{
	if (!policy_allows(a->role, "review.settings"))
		return xf_fail(err, XF_EPERM, "forbidden", "只有管理员可以修改评议设置");
	int rc = review_unit_threshold_set(db, (int)jv_int(body, "unit_threshold", -1), err);
	return rc != XF_OK ? rc : review_settings_get(db, a, NULL, 0, now, out, err);
}

static bool is_unit(const struct review_org *o)
{
	return strcmp(o->kind, "resident_unit") == 0;
}

/* Is the unit inside the street of place (or inside place when it is above a street)? */
static int unit_near(struct db *db, int64_t place, int64_t unit_place, bool *ok, struct xf_err *err)
{
	int64_t street = 0;
	int rc = registry_ancestor_of_kind(db, place, "street", &street, err);
	if (rc == XF_OK)
		*ok = actor_inside(db, street ? street : place, unit_place);
	return rc;
}

/* ---- evaluation ---- */

REVIEW_OP(review_unit_evaluate)
{
	struct review_org u;
	int year = 0;
	int rc = review_year(body, &year, err);
	if (rc == XF_OK)
		rc = review_org_load(db, jv_int(body, "unit_org_id", 0), "unit_org_id", &u, err);
	if (rc != XF_OK)
		return rc;
	if (!policy_allows(a->role, "review.evaluate"))
		return xf_fail(err, XF_EPERM, "forbidden", "没有权限评议驻区单位");
	if (!is_unit(&u))
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "unit_org_id",
		                     "只能评议驻区单位");
	char kind[16] = "";
	struct db_stmt *st = db_prep(db, "SELECT kind FROM places WHERE id = ?", err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, a->place_id);
	if ((rc = db_step(st, err)) == DB_ROW) {
		snprintf(kind, sizeof kind, "%s", db_col_text(st, 0));
		db_reset(st);
	} else if (rc < 0) {
		return rc;
	}
	bool ok = false;
	if ((rc = unit_near(db, a->place_id, u.place_id, &ok, err)) != XF_OK)
		return rc;
	if (!ok)
		return xf_fail(err, XF_EPERM, "out_of_scope", "该单位不在本街道，不能评议");
	if (strcmp(kind, "community") != 0 && strcmp(kind, "street") != 0)
		return xf_fail(err, XF_EINVAL, "evaluator_place",
		               "驻区单位由所服务的社区或街道评议，请切换到社区或街道身份");
	if (review_year_start(year) > now)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "year",
		                     "还没到 %d 年，不能评议", year);
	st = db_prep(db,
	             "INSERT INTO unit_evaluations(unit_org_id, year, place_id, evaluator, duty,"
	             " projects, service, civic, comment, evaluated_by, created_at, updated_at,"
	             " district_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT district_id"
	             " FROM places WHERE id = ?)) ON CONFLICT (unit_org_id, year, place_id) DO"
	             " UPDATE SET duty = excluded.duty, projects = excluded.projects, service ="
	             " excluded.service, civic = excluded.civic, comment = excluded.comment,"
	             " evaluated_by = excluded.evaluated_by, updated_at = excluded.updated_at"
	             " RETURNING id",
	             err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, u.id);
	db_bind_int(st, 2, year);
	db_bind_int(st, 3, a->place_id);
	db_bind_text(st, 4, kind);
	for (size_t k = 0; k < XF_ARRAY_LEN(parts); k++)
		db_bind_int(st, 5 + (int)k, jv_int(body, parts[k].key, 0));
	db_bind_text(st, 9, jv_str(body, "comment", ""));
	db_bind_int(st, 10, a->user_id);
	db_bind_int(st, 11, now);
	db_bind_int(st, 12, now);
	db_bind_int(st, 13, a->place_id);
	if ((rc = db_step(st, err)) != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_EDB, "db_error", "保存失败");
	int64_t eid = db_col_int(st, 0);
	db_reset(st);
	int64_t total = 0;
	for (size_t k = 0; k < XF_ARRAY_LEN(parts); k++)
		total += jv_int(body, parts[k].key, 0);
	*out = json_pack("{s:I, s:I, s:i, s:s, s:I}", "id", (json_int_t)eid, "unit_org_id",
	                 (json_int_t)u.id, "year", year, "evaluator", kind, "total",
	                 (json_int_t)total);
	return XF_OK;
}

/* ---- aggregation ---- */

struct agg {
	int64_t csum, cn, ssum, sn, msum, mn; /* community, street, campaign */
	int64_t part[4], parts_n;
};

static int aggregate(struct db *db, int64_t unit, int year, struct agg *g, struct xf_err *err)
{
	memset(g, 0, sizeof *g);
	struct db_stmt *st =
	    db_prep(db,
	            "SELECT evaluator, count(*), coalesce(sum(duty + projects + service + civic),"
	            " 0), coalesce(sum(duty), 0), coalesce(sum(projects), 0),"
	            " coalesce(sum(service), 0), coalesce(sum(civic), 0) FROM unit_evaluations"
	            " WHERE unit_org_id = ? AND year = ? GROUP BY evaluator",
	            err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, unit);
	db_bind_int(st, 2, year);
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		bool street = strcmp(db_col_text(st, 0), "street") == 0;
		*(street ? &g->sn : &g->cn) = db_col_int(st, 1);
		*(street ? &g->ssum : &g->csum) = db_col_int(st, 2);
		for (int k = 0; k < 4; k++)
			g->part[k] += db_col_int(st, 3 + k);
		g->parts_n += db_col_int(st, 1);
	}
	if (rc < 0)
		return rc;
	return db_int(db, err, &g->mn,
	              "SELECT count(cu.score) FROM civic_campaign_units cu JOIN civic_campaigns c"
	              " ON c.id = cu.campaign_id WHERE cu.org_id = ? AND c.ends_at >= ? AND"
	              " c.ends_at < ?",
	              "iii", unit, review_year_start(year), review_year_start(year + 1)) == XF_OK
	           ? db_int(db, err, &g->msum,
	                    "SELECT coalesce(sum(cu.score), 0) FROM civic_campaign_units cu JOIN"
	                    " civic_campaigns c ON c.id = cu.campaign_id WHERE cu.org_id = ? AND"
	                    " c.ends_at >= ? AND c.ends_at < ?",
	                    "iii", unit, review_year_start(year), review_year_start(year + 1))
	           : err->status;
}

static double one_decimal(double v)
{
	return round(v * 10.0) / 10.0;
}

/* The aggregate and the reasons a unit sees. */
static json_t *result_json(const struct agg *g, int threshold)
{
	double w = 0, sum = 0;
	json_t *reasons = json_array();
	char line[200];
	json_t *r = json_object();
	if (g->cn) {
		double v = (double)g->csum / (double)g->cn;
		w += W_COMMUNITY;
		sum += W_COMMUNITY * v;
		json_object_set_new(r, "community_score", json_real(one_decimal(v)));
		snprintf(line, sizeof line, "%lld 个社区评议，平均 %.1f 分", (long long)g->cn, v);
		json_array_append_new(reasons, json_string(line));
	} else {
		json_object_set_new(r, "community_score", json_null());
	}
	if (g->sn) {
		double v = (double)g->ssum / (double)g->sn;
		w += W_STREET;
		sum += W_STREET * v;
		json_object_set_new(r, "street_score", json_real(one_decimal(v)));
		snprintf(line, sizeof line, "街道评议 %.1f 分", v);
		json_array_append_new(reasons, json_string(line));
	} else {
		json_object_set_new(r, "street_score", json_null());
	}
	if (g->mn) {
		double v = (double)g->msum / (double)g->mn;
		w += W_CAMPAIGN;
		sum += W_CAMPAIGN * v;
		json_object_set_new(r, "campaign_score", json_real(one_decimal(v)));
		snprintf(line, sizeof line, "参加文明共创 %lld 项，平均 %.1f 分", (long long)g->mn,
		         v);
		json_array_append_new(reasons, json_string(line));
	} else {
		json_object_set_new(r, "campaign_score", json_null());
	}
	json_object_set_new(r, "community_forms", json_integer(g->cn));
	json_object_set_new(r, "street_forms", json_integer(g->sn));
	json_object_set_new(r, "campaigns", json_integer(g->mn));
	json_object_set_new(r, "threshold", json_integer(threshold));
	if (g->parts_n) {
		int weakest = 0;
		for (int k = 1; k < 4; k++)
			if (g->part[k] < g->part[weakest])
				weakest = k;
		snprintf(line, sizeof line, "最弱一项：%s（平均 %.1f / 25 分）",
		         parts[weakest].label, (double)g->part[weakest] / (double)g->parts_n);
		json_array_append_new(reasons, json_string(line));
	}
	if (!g->cn && !g->sn) {
		json_object_set_new(r, "score", json_null());
		json_object_set_new(r, "eligible", json_null());
		json_object_set_new(r, "status", json_string("not_evaluated"));
		json_array_append_new(reasons, json_string("本年度还没有社区或街道评议"));
	} else {
		double score = one_decimal(sum / w);
		bool eligible = score >= threshold;
		json_object_set_new(r, "score", json_real(score));
		json_object_set_new(r, "eligible", json_boolean(eligible));
		json_object_set_new(r, "status", json_string(eligible ? "eligible" : "below"));
		if (eligible)
			snprintf(line, sizeof line, "综合得分 %.1f 分，达到 %d 分的优胜评选线",
			         score, threshold);
		else
			snprintf(line, sizeof line,
			         "综合得分 %.1f 分，低于 %d 分的优胜评选线，取消本年度优胜评选资格",
			         score, threshold);
		json_array_append_new(reasons, json_string(line));
	}
	json_object_set_new(r, "reasons", reasons);
	return r;
}

/* May the actor see this unit's result: staff over its place, or its own contact. */
static int may_see_unit(struct db *db, const struct actor *a, const struct review_org *u,
                        struct xf_err *err)
{
	if (strcmp(a->role, "unit_contact") == 0) {
		if (actor_inside(db, a->place_id, u->place_id))
			return XF_OK;
		return xf_fail(err, XF_EPERM, "out_of_scope", "只能查看本单位的评议结果");
	}
	return actor_need(db, a, "review.read", u->place_id, err);
}

REVIEW_OP(review_unit_results)
{
	int year = 0, rc;
	char lo[256], hi[256];
	int64_t place = jv_int(body, "place", 0);
	bool contact = strcmp(a->role, "unit_contact") == 0;
	if (contact || jv_int(body, "mine", 0)) {
		if (!contact)
			return xf_fail(err, XF_EPERM, "forbidden", "只有驻区单位联络人有“本单位”");
		place = a->place_id;
	} else {
		if (!place)
			place = a->place_id;
		if ((rc = actor_need(db, a, "review.read", place, err)) != XF_OK)
			return rc;
	}
	if ((rc = review_year(body, &year, err)) != XF_OK ||
	    (rc = registry_subtree(db, place, lo, hi, err)) != XF_OK)
		return rc;
	struct db_stmt *st = db_prep(db,
	                             "SELECT o.id, o.name, p.name FROM orgs o JOIN places p ON"
	                             " p.id = o.place_id WHERE o.kind = 'resident_unit' AND"
	                             " p.path >= ? AND p.path < ? ORDER BY o.id LIMIT 1000",
	                             err);
	if (!st)
		return err->status;
	db_bind_text(st, 1, lo);
	db_bind_text(st, 2, hi);
	struct row {
		int64_t id;
		char name[128], place[96];
	} *rows = xcalloc(1000, sizeof *rows);
	int n = 0;
	while (n < 1000 && (rc = db_step(st, err)) == DB_ROW) {
		rows[n].id = db_col_int(st, 0);
		snprintf(rows[n].name, sizeof rows[n].name, "%s", db_col_text(st, 1));
		snprintf(rows[n].place, sizeof rows[n].place, "%s", db_col_text(st, 2));
		n++;
	}
	if (rc == DB_ROW)
		db_reset(st);
	if (rc < 0) {
		free(rows);
		return rc;
	}
	int threshold = review_unit_threshold(db), below = 0, evaluated = 0;
	json_t *items = json_array();
	for (int i = 0; i < n; i++) {
		struct agg g;
		if ((rc = aggregate(db, rows[i].id, year, &g, err)) != XF_OK) {
			json_decref(items);
			free(rows);
			return rc;
		}
		json_t *r = result_json(&g, threshold);
		json_object_set_new(r, "unit_org_id", json_integer(rows[i].id));
		json_object_set_new(r, "unit_name", json_string(rows[i].name));
		json_object_set_new(r, "place_name", json_string(rows[i].place));
		json_object_set_new(r, "year", json_integer(year));
		evaluated += g.cn || g.sn;
		below += json_is_false(json_object_get(r, "eligible"));
		json_array_append_new(items, r);
	}
	free(rows);
	*out = json_pack("{s:o, s:n, s:i, s:i, s:i, s:i}", "items", items, "next", "year", year,
	                 "threshold", threshold, "evaluated", evaluated, "below", below);
	return XF_OK;
}

int review_units_each(struct db *db, const char *lo, const char *hi, int year,
                      int (*fn)(void *ctx, const char *path, int64_t id, const char *name,
                                const char *place, bool below),
                      void *ctx, struct xf_err *err)
{
	struct db_stmt *st = db_prep(db,
	                             "SELECT o.id, o.name, p.name, p.path FROM places p CROSS JOIN"
	                             " orgs o WHERE o.place_id = p.id AND o.kind = 'resident_unit'"
	                             " AND p.path >= ? AND p.path < ? ORDER BY o.id",
	                             err);
	if (!st)
		return err->status;
	db_bind_text(st, 1, lo);
	db_bind_text(st, 2, hi);
	struct row {
		int64_t id;
		char name[128], place[96], path[256];
	} *rows = NULL;
	size_t n = 0, cap = 0;
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			rows = xrealloc(rows, cap * sizeof *rows);
		}
		rows[n].id = db_col_int(st, 0);
		snprintf(rows[n].name, sizeof rows[n].name, "%s", db_col_text(st, 1));
		snprintf(rows[n].place, sizeof rows[n].place, "%s", db_col_text(st, 2));
		snprintf(rows[n].path, sizeof rows[n].path, "%s", db_col_text(st, 3));
		n++;
	}
	int threshold = review_unit_threshold(db);
	for (size_t i = 0; i < n && rc >= 0; i++) {
		struct agg g;
		if ((rc = aggregate(db, rows[i].id, year, &g, err)) != XF_OK)
			break;
		json_t *r = result_json(&g, threshold);
		bool below = json_is_false(json_object_get(r, "eligible"));
		json_decref(r);
		if (fn(ctx, rows[i].path, rows[i].id, rows[i].name, rows[i].place, below))
			break;
	}
	free(rows);
	return rc < 0 ? rc : XF_OK;
}

REVIEW_OP(review_unit_result)
{
	struct review_org u;
	int year = 0;
	if (review_org_load(db, id, "id", &u, err) != XF_OK)
		return xf_fail(err, XF_ENOTFOUND, "not_found", "没有这个单位");
	int rc = may_see_unit(db, a, &u, err);
	if (rc == XF_OK)
		rc = review_year(body, &year, err);
	if (rc != XF_OK)
		return rc;
	if (!is_unit(&u))
		return xf_fail(err, XF_ENOTFOUND, "not_found", "这不是驻区单位");
	struct agg g;
	if ((rc = aggregate(db, u.id, year, &g, err)) != XF_OK)
		return rc;
	json_t *r = result_json(&g, review_unit_threshold(db));
	json_object_set_new(r, "unit_org_id", json_integer(u.id));
	json_object_set_new(r, "unit_name", json_string(u.name));
	json_object_set_new(r, "year", json_integer(year));
	/* The forms, with who filled them in (the place, not the person) and their comments. */
	struct db_stmt *st = db_prep(
	    db,
	    "SELECT e.id, e.evaluator, p.name, e.duty, e.projects, e.service, e.civic, e.comment,"
	    " e.updated_at FROM unit_evaluations e JOIN places p ON p.id = e.place_id WHERE"
	    " e.unit_org_id = ? AND e.year = ? ORDER BY e.evaluator, e.id",
	    err);
	if (!st) {
		json_decref(r);
		return err->status;
	}
	db_bind_int(st, 1, u.id);
	db_bind_int(st, 2, year);
	json_t *forms = json_array();
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(
		    forms, json_pack("{s:I, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:s, s:I}", "id",
		                     (json_int_t)db_col_int(st, 0), "evaluator", db_col_text(st, 1),
		                     "place_name", db_col_text(st, 2), "duty",
		                     (json_int_t)db_col_int(st, 3), "projects",
		                     (json_int_t)db_col_int(st, 4), "service",
		                     (json_int_t)db_col_int(st, 5), "civic",
		                     (json_int_t)db_col_int(st, 6), "total",
		                     (json_int_t)(db_col_int(st, 3) + db_col_int(st, 4) +
		                                  db_col_int(st, 5) + db_col_int(st, 6)),
		                     "comment", db_col_text(st, 7), "updated_at",
		                     (json_int_t)db_col_int(st, 8)));
	json_object_set_new(r, "forms", forms);
	if (rc < 0) {
		json_decref(r);
		return rc;
	}
	st = db_prep(db,
	             "SELECT c.id, c.title, c.kind, cu.score, cu.note FROM civic_campaign_units cu"
	             " JOIN civic_campaigns c ON c.id = cu.campaign_id WHERE cu.org_id = ? AND"
	             " c.ends_at >= ? AND c.ends_at < ? ORDER BY c.id",
	             err);
	if (!st) {
		json_decref(r);
		return err->status;
	}
	db_bind_int(st, 1, u.id);
	db_bind_int(st, 2, review_year_start(year));
	db_bind_int(st, 3, review_year_start(year + 1));
	json_t *camps = json_array();
	while ((rc = db_step(st, err)) == DB_ROW) {
		json_t *c = json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)db_col_int(st, 0),
		                      "title", db_col_text(st, 1), "kind", db_col_text(st, 2),
		                      "note", db_col_text(st, 4));
		json_object_set_new(
		    c, "score", db_col_null(st, 3) ? json_null() : json_integer(db_col_int(st, 3)));
		json_array_append_new(camps, c);
	}
	json_object_set_new(r, "campaign_results", camps);
	if (rc < 0) {
		json_decref(r);
		return rc;
	}
	*out = r;
	return XF_OK;
}

/* ---- campaigns ---- */

static const char *campaign_kind_label(const char *k)
{
	return strcmp(k, "civilized_city") == 0  ? "文明城市创建"
	       : strcmp(k, "hygienic_city") == 0 ? "卫生城市创建"
	                                         : "";
}

REVIEW_OP(review_campaign_create)
{
	int64_t place = jv_int(body, "place_id", 0), starts = jv_int(body, "starts_at", 0),
	        ends = jv_int(body, "ends_at", 0);
	const char *kind = jv_str(body, "kind", "");
	int64_t n = 0;
	int rc = db_int(db, err, &n, "SELECT count(*) FROM places WHERE id = ?", "i", place);
	if (rc != XF_OK)
		return rc;
	if (!n)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "place_id",
		                     "没有这个地点");
	if ((rc = actor_need(db, a, "review.campaign", place, err)) != XF_OK)
		return rc;
	if (!*campaign_kind_label(kind))
		return xf_fail_field(
		    err, XF_EINVAL, "validation_failed", "kind",
		    "活动类型只能是 civilized_city（文明城市）或 hygienic_city（卫生城市）");
	if (ends <= starts)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "ends_at",
		                     "结束时间应晚于开始时间");
	json_t *units = json_object_get(body, "units"), *u;
	size_t i;
	json_array_foreach(units, i, u)
	{
		char field[32];
		snprintf(field, sizeof field, "units[%zu]", i);
		struct review_org o;
		bool ok = false;
		if (!json_is_integer(u) || json_integer_value(u) <= 0)
			return xf_fail_field(err, XF_EINVAL, "validation_failed", field,
			                     "第 %zu 个单位应为单位编号", i + 1);
		if ((rc = review_org_load(db, json_integer_value(u), field, &o, err)) != XF_OK)
			return rc;
		if (!is_unit(&o))
			return xf_fail_field(err, XF_EINVAL, "validation_failed", field,
			                     "%s 不是驻区单位", o.name);
		if ((rc = unit_near(db, place, o.place_id, &ok, err)) != XF_OK)
			return rc;
		if (!ok)
			return xf_fail_field(err, XF_EINVAL, "validation_failed", field,
			                     "%s 不在本街道", o.name);
		for (size_t k = 0; k < i; k++)
			if (json_integer_value(json_array_get(units, k)) == json_integer_value(u))
				return xf_fail_field(err, XF_EINVAL, "validation_failed", field,
				                     "%s 重复", o.name);
	}
	struct db_stmt *st = db_prep(db,
	                             "INSERT INTO civic_campaigns(place_id, kind, title, target,"
	                             " starts_at, ends_at, created_by, created_at, district_id)"
	                             " VALUES (?, ?, ?, ?, ?, ?, ?, ?, (SELECT district_id FROM"
	                             " places WHERE id = ?)) RETURNING id",
	                             err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, place);
	db_bind_text(st, 2, kind);
	db_bind_text(st, 3, jv_str(body, "title", ""));
	db_bind_text(st, 4, jv_str(body, "target", ""));
	db_bind_int(st, 5, starts);
	db_bind_int(st, 6, ends);
	db_bind_int(st, 7, a->user_id);
	db_bind_int(st, 8, now);
	db_bind_int(st, 9, place);
	if ((rc = db_step(st, err)) != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_EDB, "db_error", "保存失败");
	int64_t cid = db_col_int(st, 0);
	db_reset(st);
	json_array_foreach(units, i, u)
	{
		if ((rc = db_run(
		         db, err,
		         "INSERT INTO civic_campaign_units(campaign_id, org_id) VALUES (?, ?)",
		         "ii", cid, (int64_t)json_integer_value(u))) != XF_OK)
			return rc;
	}
	return review_campaign_get(db, a, NULL, cid, now, out, err);
}

static json_t *campaign_row(struct db_stmt *st, int64_t now)
{
	int64_t starts = db_col_int(st, 5), ends = db_col_int(st, 6), total = db_col_int(st, 8),
	        scored = db_col_int(st, 9);
	json_t *c = json_pack(
	    "{s:s, s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:b, s:b}", "kind",
	    "civic", "id", (json_int_t)db_col_int(st, 0), "place_id", (json_int_t)db_col_int(st, 1),
	    "place_name", db_col_text(st, 2), "type", db_col_text(st, 3), "type_label",
	    campaign_kind_label(db_col_text(st, 3)), "name", db_col_text(st, 4), "target",
	    db_col_text(st, 7), "starts_at", (json_int_t)starts, "ends_at", (json_int_t)ends,
	    "units", (json_int_t)total, "units_scored", (json_int_t)scored, "running",
	    now >= starts && now < ends, "finished", now >= ends);
	json_object_set_new(
	    c, "average",
	    scored ? json_real(one_decimal((double)db_col_int(st, 10) / (double)scored))
	           : json_null());
	json_object_set_new(
	    c, "progress",
	    json_real(total ? one_decimal(100.0 * (double)scored / (double)total) : 0.0));
	return c;
}

#define CAMPAIGN_SELECT                                                                            \
	"SELECT c.id, c.place_id, p.name, c.kind, c.title, c.starts_at, c.ends_at, c.target,"      \
	" (SELECT count(*) FROM civic_campaign_units u WHERE u.campaign_id = c.id),"               \
	" (SELECT count(u.score) FROM civic_campaign_units u WHERE u.campaign_id = c.id),"         \
	" (SELECT coalesce(sum(u.score), 0) FROM civic_campaign_units u WHERE u.campaign_id ="     \
	" c.id) FROM civic_campaigns c JOIN places p ON p.id = c.place_id"

REVIEW_OP(review_campaigns_list)
{
	int64_t place = jv_int(body, "place", 0);
	const char *kind = jv_str(body, "kind", "");
	if (!place)
		place = a->place_id;
	if (*kind && strcmp(kind, "civic") != 0 && strcmp(kind, "coverage") != 0)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "kind",
		                     "kind 只能是 civic（文明共创）或 coverage（百日攻坚）");
	int rc = actor_need(db, a, "review.read", place, err);
	char lo[256], hi[256];
	if (rc == XF_OK)
		rc = registry_subtree(db, place, lo, hi, err);
	if (rc != XF_OK)
		return rc;
	json_t *items = json_array();
	if (strcmp(kind, "coverage") != 0) {
		struct db_stmt *st = db_prep(db,
		                             CAMPAIGN_SELECT " WHERE p.path >= ? AND p.path < ?"
		                                             " ORDER BY c.id DESC LIMIT 200",
		                             err);
		if (!st) {
			json_decref(items);
			return err->status;
		}
		db_bind_text(st, 1, lo);
		db_bind_text(st, 2, hi);
		while ((rc = db_step(st, err)) == DB_ROW)
			json_array_append_new(items, campaign_row(st, now));
		if (rc < 0) {
			json_decref(items);
			return rc;
		}
	}
	if (strcmp(kind, "civic") != 0) {
		json_t *cov = NULL, *c;
		size_t i;
		if ((rc = registry_campaigns_json(db, place, now, &cov, err)) != XF_OK) {
			json_decref(items);
			return rc;
		}
		json_array_foreach(cov, i, c)
		{
			json_object_set_new(c, "kind", json_string("coverage"));
			json_object_set_new(c, "type_label", json_string("百日攻坚"));
			json_array_append(items, c);
		}
		json_decref(cov);
	}
	*out = review_page(items);
	return XF_OK;
}

REVIEW_OP(review_campaign_get)
{
	struct db_stmt *st = db_prep(db, CAMPAIGN_SELECT " WHERE c.id = ?", err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	int rc = db_step(st, err);
	if (rc != DB_ROW)
		return rc < 0 ? rc
		              : xf_fail(err, XF_ENOTFOUND, "not_found", "没有这项文明共创活动");
	json_t *c = campaign_row(st, now);
	int64_t place = db_col_int(st, 1);
	db_reset(st);
	if ((rc = actor_need(db, a, "review.read", place, err)) != XF_OK) {
		json_decref(c);
		return rc;
	}
	st = db_prep(db,
	             "SELECT u.org_id, o.name, u.score, u.note, coalesce(u.scored_at, 0) FROM"
	             " civic_campaign_units u JOIN orgs o ON o.id = u.org_id WHERE u.campaign_id"
	             " = ? ORDER BY o.name, u.org_id",
	             err);
	if (!st) {
		json_decref(c);
		return err->status;
	}
	db_bind_int(st, 1, id);
	json_t *units = json_array();
	while ((rc = db_step(st, err)) == DB_ROW) {
		json_t *u =
		    json_pack("{s:I, s:s, s:s}", "unit_org_id", (json_int_t)db_col_int(st, 0),
		              "unit_name", db_col_text(st, 1), "note", db_col_text(st, 3));
		json_object_set_new(
		    u, "score", db_col_null(st, 2) ? json_null() : json_integer(db_col_int(st, 2)));
		json_object_set_new(u, "scored_at",
		                    db_col_int(st, 4) ? json_integer(db_col_int(st, 4))
		                                      : json_null());
		json_array_append_new(units, u);
	}
	json_object_set_new(c, "unit_results", units);
	if (rc < 0) {
		json_decref(c);
		return rc;
	}
	*out = c;
	return XF_OK;
}

REVIEW_OP(review_campaign_result)
{
	int64_t place = 0, unit = jv_int(body, "unit_org_id", 0), n = 0;
	int rc =
	    db_int(db, err, &place, "SELECT place_id FROM civic_campaigns WHERE id = ?", "i", id);
	if (rc == XF_ENOTFOUND)
		return xf_fail(err, XF_ENOTFOUND, "not_found", "没有这项文明共创活动");
	if (rc == XF_OK)
		rc = actor_need(db, a, "review.campaign", place, err);
	if (rc == XF_OK)
		rc = db_int(db, err, &n,
		            "SELECT count(*) FROM civic_campaign_units WHERE campaign_id = ? AND"
		            " org_id = ?",
		            "ii", id, unit);
	if (rc != XF_OK)
		return rc;
	if (!n)
		return xf_fail_field(err, XF_EINVAL, "not_in_campaign", "unit_org_id",
		                     "该单位没有参加这项活动");
	if ((rc = db_run(db, err,
	                 "UPDATE civic_campaign_units SET score = ?, note = ?, scored_by = ?,"
	                 " scored_at = ? WHERE campaign_id = ? AND org_id = ?",
	                 "itiiii", jv_int(body, "score", 0), jv_str(body, "note", ""), a->user_id,
	                 now, id, unit)) != XF_OK)
		return rc;
	return review_campaign_get(db, a, NULL, id, now, out, err);
}
