/* 数据驾驶舱: the dashboard of a place, the records behind a figure, the seed's figures, and
 * the rollup that keeps the upper levels fast. See dash.h. */
#include "figures.h"
#include "../core/clock.h"
#include "../core/jv.h"
#include "../registry/registry.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int dash_need(struct db *db, const struct actor *a, int64_t place_id, struct xf_err *err)
{
	return actor_need(db, a, "dash.read", place_id, err);
}

static bool rolled_kind(const char *kind)
{
	return strcmp(kind, "city") == 0 || strcmp(kind, "district") == 0 ||
	       strcmp(kind, "street") == 0 || strcmp(kind, "community") == 0;
}

static void subtree_bounds(const char *path, char lo[256], char hi[256])
{
	snprintf(lo, 256, "%s", path);
	snprintf(hi, 256, "%s", path);
	size_t n = strlen(hi);
	if (n)
		hi[n - 1] = '0'; /* paths end in '/'; '0' follows it */
}

struct count_ctx {
	int f;
	struct fval *v;
};

static int count_row(void *arg, const char *path, int64_t id, const char *label, int64_t value,
                     int64_t at, const char *place)
{
	struct count_ctx *c = arg;
	c->v->n++;
	c->v->sum += value;
	if (dash_figures[c->f].trend)
		c->v->month[dash_month(at)] += value;
	return 0;
}

/* Count one figure live over [lo, hi). */
static int count_live(struct db *db, int f, const char *lo, const char *hi, int year, int64_t now,
                      struct fval *v, struct xf_err *err)
{
	memset(v, 0, sizeof *v);
	struct count_ctx c = {f, v};
	int rc = dash_figure_each(db, f, true, lo, hi, year, now, count_row, &c, err);
	v->known = rc == XF_OK;
	return rc;
}

/* City-wide figures (the red lines) are the same at every place: always counted. */
static int count_global(struct db *db, int year, int64_t now, struct fval *vals, struct xf_err *err)
{
	for (size_t f = 0; f < dash_nfigures; f++) {
		if (!dash_figures[f].global)
			continue;
		int rc = count_live(db, (int)f, "", "", year, now, &vals[f], err);
		if (rc != XF_OK)
			return rc;
	}
	return XF_OK;
}

/* Is figure f a key figure or a part of one? */
static bool key_part(int f)
{
	if (dash_figures[f].key)
		return true;
	for (size_t k = 0; k < dash_nfigures; k++)
		if (dash_figures[k].key && dash_figures[k].kind == K_RATIO &&
		    (strcmp(dash_figures[k].num, dash_figures[f].code) == 0 ||
		     strcmp(dash_figures[k].den, dash_figures[f].code) == 0))
			return true;
	return false;
}

int dash_place_values(struct db *db, int64_t place_id, const char *path, const char *kind, int year,
                      int64_t now, struct fval *vals, int64_t *as_of, struct xf_err *err)
{
	return dash_place_values_opt(db, place_id, path, kind, year, now, false, vals, as_of, err);
}

int dash_place_values_opt(struct db *db, int64_t place_id, const char *path, const char *kind,
                          int year, int64_t now, bool keys_only, struct fval *vals, int64_t *as_of,
                          struct xf_err *err)
{
	memset(vals, 0, dash_nfigures * sizeof *vals);
	*as_of = 0;
	if (rolled_kind(kind)) {
		int64_t at = 0;
		int rc =
		    db_int(db, err, &at, "SELECT computed_at FROM dash_rollup_meta WHERE year = ?",
		           "i", (int64_t)year);
		if (rc == XF_OK) {
			struct db_stmt *st =
			    db_prep(db,
			            "SELECT figure, month, n, value FROM dash_rollup"
			            " WHERE place_id = ? AND year = ?",
			            err);
			if (!st)
				return err->status;
			db_bind_int(st, 1, place_id);
			db_bind_int(st, 2, year);
			while ((rc = db_step(st, err)) == DB_ROW) {
				int f = dash_figure_index(db_col_text(st, 0));
				int month = (int)db_col_int(st, 1);
				if (f < 0 || month < 0 || month > 12)
					continue;
				if (month == 0) {
					vals[f].n = db_col_int(st, 2);
					vals[f].sum = db_col_int(st, 3);
				} else {
					vals[f].month[month - 1] = db_col_int(st, 3);
				}
			}
			if (rc < 0)
				return rc;
			for (size_t f = 0; f < dash_nfigures; f++)
				vals[f].known = dash_figures[f].kind != K_RATIO;
			*as_of = at;
			return count_global(db, year, now, vals, err);
		}
		if (rc != XF_ENOTFOUND)
			return rc;
	}
	char lo[256], hi[256];
	subtree_bounds(path, lo, hi);
	for (size_t f = 0; f < dash_nfigures; f++) {
		if (dash_figures[f].kind == K_RATIO || (keys_only && !key_part((int)f)))
			continue;
		int rc = count_live(db, (int)f, lo, hi, year, now, &vals[f], err);
		if (rc != XF_OK)
			return rc;
	}
	return XF_OK;
}

static int64_t fig_total(const struct fval *v, int f)
{
	return dash_figures[f].kind == K_SUM ? v[f].sum : v[f].n;
}

double dash_display(int f, const struct fval *vals, bool *defined)
{
	const struct figure *fg = &dash_figures[f];
	*defined = true;
	if (fg->kind != K_RATIO)
		return (double)fig_total(vals, f) / (double)fg->scale;
	int a = dash_figure_index(fg->num), b = dash_figure_index(fg->den);
	double num = (double)fig_total(vals, a) / (double)dash_figures[a].scale;
	double den = (double)fig_total(vals, b) / (double)dash_figures[b].scale;
	if (den == 0) {
		*defined = false;
		return 0;
	}
	return fg->pct ? 100.0 * num / den : num / den;
}

/* Displayed numbers keep two decimals at most. */
static json_t *number(double d)
{
	double r = round(d * 100) / 100;
	if (r == floor(r) && fabs(r) < 9e15)
		return json_integer((json_int_t)r);
	return json_real(r);
}

json_t *dash_figure_json(int f, const struct fval *vals, bool with_meta)
{
	const struct figure *fg = &dash_figures[f];
	bool defined;
	double d = dash_display(f, vals, &defined);
	json_t *o = json_pack("{s:s, s:s, s:s, s:o}", "code", fg->code, "label", fg->label, "unit",
	                      fg->unit, "value", defined ? number(d) : json_null());
	if (fg->kind == K_RATIO) {
		int a = dash_figure_index(fg->num), b = dash_figure_index(fg->den);
		json_object_set_new(
		    o, "num",
		    json_pack("{s:s, s:s, s:o, s:s}", "code", fg->num, "label",
		              dash_figures[a].label, "value",
		              number((double)fig_total(vals, a) / dash_figures[a].scale), "unit",
		              dash_figures[a].unit));
		json_object_set_new(
		    o, "den",
		    json_pack("{s:s, s:s, s:o, s:s}", "code", fg->den, "label",
		              dash_figures[b].label, "value",
		              number((double)fig_total(vals, b) / dash_figures[b].scale), "unit",
		              dash_figures[b].unit));
	} else {
		json_object_set_new(o, "records", json_integer(vals[f].n));
	}
	if (with_meta) {
		json_object_set_new(o, "kind",
		                    json_string(fg->kind == K_RATIO ? "ratio"
		                                : fg->kind == K_SUM ? "sum"
		                                                    : "count"));
		if (fg->note)
			json_object_set_new(o, "note", json_string(fg->note));
		if (fg->mode == M_NONE)
			json_object_set_new(o, "current", json_true());
	}
	return o;
}

/* The viewer may see this figure (its extra permission, and for a ratio its parts'). */
static bool visible(struct db *db, const struct actor *a, int f, int64_t place)
{
	const struct figure *fg = &dash_figures[f];
	return !fg->perm || actor_may(db, a, fg->perm, place);
}

static int place_info(struct db *db, int64_t id, struct placeinfo *p, struct xf_err *err)
{
	struct db_stmt *st =
	    db_prep(db, "SELECT id, name, kind, path FROM places WHERE id = ?", err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	int rc = db_step(st, err);
	if (rc != DB_ROW)
		return rc < 0
		           ? rc
		           : xf_fail_field(err, XF_ENOTFOUND, "not_found", "place", "没有这个地点");
	p->id = db_col_int(st, 0);
	snprintf(p->name, sizeof p->name, "%s", db_col_text(st, 1));
	snprintf(p->kind, sizeof p->kind, "%s", db_col_text(st, 2));
	snprintf(p->path, sizeof p->path, "%s", db_col_text(st, 3));
	db_reset(st);
	return XF_OK;
}

/* place (default: the viewer's own) and year (default: this year), checked. */
static int place_and_year(struct db *db, const struct actor *a, json_t *q, int64_t now,
                          struct placeinfo *p, int *year, struct xf_err *err)
{
	int64_t place = jv_int(q, "place", 0), y = jv_int(q, "year", 0);
	if (!place)
		place = a->place_id;
	if (!y)
		y = clock_beijing_year(now);
	if (y < 2000 || y > 2100)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "year",
		                     "year 应为 2000 到 2100 之间的年份");
	int rc = place_info(db, place, p, err);
	if (rc != XF_OK)
		return rc;
	if ((rc = dash_need(db, a, place, err)) != XF_OK)
		return rc;
	*year = (int)y;
	return XF_OK;
}

static json_t *place_json(const struct placeinfo *p)
{
	return json_pack("{s:I, s:s, s:s}", "id", (json_int_t)p->id, "name", p->name, "kind",
	                 p->kind);
}

static json_t *as_of_json(int64_t as_of)
{
	if (!as_of)
		return json_null();
	char iso[21];
	clock_iso(as_of, iso);
	return json_string(iso);
}

int dash_dashboard(struct db *db, const struct actor *a, json_t *q, int64_t id, int64_t now,
                   json_t **out, struct xf_err *err)
{
	(void)id;
	struct placeinfo p;
	int year = 0;
	int rc = place_and_year(db, a, q, now, &p, &year, err);
	if (rc != XF_OK)
		return rc;
	struct fval *vals = calloc(dash_nfigures, sizeof *vals);
	int64_t as_of;
	if ((rc = dash_place_values(db, p.id, p.path, p.kind, year, now, vals, &as_of, err)) !=
	    XF_OK) {
		free(vals);
		return rc;
	}
	json_t *sections = json_array();
	for (size_t s = 0; s < dash_nsections; s++) {
		json_t *figs = json_array();
		for (size_t f = 0; f < dash_nfigures; f++)
			if (dash_figures[f].section == (int)s && !dash_figures[f].hidden &&
			    visible(db, a, (int)f, p.id))
				json_array_append_new(figs, dash_figure_json((int)f, vals, true));
		json_array_append_new(sections,
		                      json_pack("{s:s, s:s, s:o}", "code", dash_sections[s].code,
		                                "label", dash_sections[s].label, "figures", figs));
	}
	json_t *series = json_array();
	for (size_t f = 0; f < dash_nfigures; f++) {
		if (!dash_figures[f].trend)
			continue;
		json_t *m = json_array();
		for (int k = 0; k < 12; k++)
			json_array_append_new(
			    m, json_integer(vals[f].month[k] / dash_figures[f].scale));
		json_array_append_new(series, json_pack("{s:s, s:s, s:s, s:o}", "code",
		                                        dash_figures[f].code, "label",
		                                        dash_figures[f].label, "unit",
		                                        dash_figures[f].unit, "values", m));
	}
	/* The level below, with the key figures (drill-down). */
	json_t *children = json_array();
	if (strcmp(p.kind, "building") != 0 && strcmp(p.kind, "household") != 0) {
		struct db_stmt *st =
		    db_prep(db,
		            "SELECT id FROM places WHERE parent_id = ? AND kind IN ('district',"
		            " 'street', 'community', 'grid') ORDER BY id LIMIT 200",
		            err);
		if (!st)
			rc = err->status;
		int64_t ids[200];
		int n = 0;
		if (st) {
			db_bind_int(st, 1, p.id);
			while (n < 200 && (rc = db_step(st, err)) == DB_ROW)
				ids[n++] = db_col_int(st, 0);
			rc = rc < 0 ? rc : XF_OK;
		}
		struct fval *cv = calloc(dash_nfigures, sizeof *cv);
		for (int i = 0; i < n && rc == XF_OK; i++) {
			struct placeinfo c;
			int64_t cas;
			if ((rc = place_info(db, ids[i], &c, err)) != XF_OK ||
			    (rc = dash_place_values_opt(db, c.id, c.path, c.kind, year, now, true,
			                                cv, &cas, err)) != XF_OK)
				break;
			json_t *figs = json_object();
			for (size_t f = 0; f < dash_nfigures; f++)
				if (dash_figures[f].key && visible(db, a, (int)f, c.id)) {
					bool def;
					double d = dash_display((int)f, cv, &def);
					json_object_set_new(figs, dash_figures[f].code,
					                    def ? number(d) : json_null());
				}
			json_t *cj = place_json(&c);
			json_object_set_new(cj, "figures", figs);
			json_array_append_new(children, cj);
		}
		free(cv);
	}
	free(vals);
	if (rc != XF_OK) {
		json_decref(sections);
		json_decref(series);
		json_decref(children);
		return rc;
	}
	json_t *keys = json_array();
	for (size_t f = 0; f < dash_nfigures; f++)
		if (dash_figures[f].key && visible(db, a, (int)f, p.id))
			json_array_append_new(keys, json_pack("{s:s, s:s, s:s}", "code",
			                                      dash_figures[f].code, "label",
			                                      dash_figures[f].label, "unit",
			                                      dash_figures[f].unit));
	*out = json_pack("{s:o, s:i, s:o, s:s, s:o, s:{s:o}, s:o, s:o}", "place", place_json(&p),
	                 "year", year, "as_of", as_of_json(as_of), "source",
	                 as_of ? "rollup" : "live", "sections", sections, "trend", "series", series,
	                 "key_figures", keys, "children", children);
	return XF_OK;
}

#define RECORDS_MAX 200

struct records_ctx {
	int f;
	int64_t offset, limit, n, sum;
	bool stop; /* the total comes from elsewhere: stop after the page */
	json_t *items;
};

static int record_row(void *arg, const char *path, int64_t id, const char *label, int64_t value,
                      int64_t at, const char *place)
{
	struct records_ctx *c = arg;
	if (c->n >= c->offset && c->n < c->offset + c->limit) {
		json_t *it =
		    json_pack("{s:I, s:s, s:s, s:o}", "id", (json_int_t)id, "label", label, "place",
		              place, "value", number((double)value / dash_figures[c->f].scale));
		json_object_set_new(it, "at", at ? json_integer(at) : json_null());
		json_array_append_new(c->items, it);
	}
	c->n++;
	c->sum += value;
	return c->stop && c->n >= c->offset + c->limit;
}

int dash_records(struct db *db, const struct actor *a, json_t *q, int64_t id, int64_t now,
                 json_t **out, struct xf_err *err)
{
	(void)id;
	const char *code = jv_str(q, "figure", "");
	int f = dash_figure_index(code);
	if (f < 0)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "figure",
		                     "没有这个指标：%s", code);
	if (dash_figures[f].kind == K_RATIO)
		return xf_fail_field(err, XF_EINVAL, "ratio_figure", "figure",
		                     "“%s”由两个指标相除得出，请分别查看分子和分母的记录",
		                     dash_figures[f].label);
	struct placeinfo p;
	int year = 0;
	int rc = place_and_year(db, a, q, now, &p, &year, err);
	if (rc != XF_OK)
		return rc;
	if (dash_figures[f].perm &&
	    (rc = actor_need(db, a, dash_figures[f].perm, p.id, err)) != XF_OK)
		return rc;
	int64_t offset = jv_int(q, "offset", 0), limit = jv_int(q, "limit", 50);
	if (limit < 1 || limit > RECORDS_MAX)
		limit = RECORDS_MAX;
	/* an export takes them all (bounded) */
	bool all = jv_int(q, "all", 0);
	if (all)
		offset = 0, limit = 100000;
	/* Where the rollup holds the place, the total is its count (with its time) and only the
	 * page is read: a city-wide list answers as fast as a community's. */
	int64_t as_of = 0, rolled_n = 0, rolled_sum = 0;
	if (!all && rolled_kind(p.kind)) {
		struct fval *vals = calloc(dash_nfigures, sizeof *vals);
		rc = dash_place_values(db, p.id, p.path, p.kind, year, now, vals, &as_of, err);
		rolled_n = vals[f].n;
		rolled_sum = vals[f].sum;
		free(vals);
		if (rc != XF_OK)
			return rc;
	}
	char lo[256], hi[256];
	subtree_bounds(p.path, lo, hi);
	struct records_ctx c = {
	    .f = f, .offset = offset, .limit = limit, .stop = as_of != 0, .items = json_array()};
	rc = dash_figure_each(db, f, true, lo, hi, year, now, record_row, &c, err);
	if (rc != XF_OK) {
		json_decref(c.items);
		return rc;
	}
	json_t *items = c.items;
	int64_t n = c.n, sum = c.sum;
	if (as_of)
		n = rolled_n, sum = rolled_sum;
	*out = json_pack("{s:s, s:s, s:s, s:o, s:i, s:I, s:o, s:I, s:o}", "figure", code, "label",
	                 dash_figures[f].label, "unit", dash_figures[f].unit, "place",
	                 place_json(&p), "year", year, "total", (json_int_t)n, "value",
	                 number((double)sum / dash_figures[f].scale), "offset", (json_int_t)offset,
	                 "items", items);
	json_object_set_new(*out, "as_of", as_of_json(as_of));
	return XF_OK;
}

/* ---- the seed's figures ---- */

static const struct {
	const char *label, *figure, *seed;
} seed_rows[] = {
    {"社会组织行业党委", "industry_party_committees", "6 个"},
    {"私营企业党组织", "enterprise_party_orgs", "1844 个"},
    {"楼宇党组织", "building_party_orgs", "22 个"},
    {"商圈市场党组织", "market_party_orgs", "8 个"},
    {"楼栋党小组", "building_party_groups", "2100 多个"},
    {"“两长五员一户”岗位配齐率", "building_posts_rate", "普遍推选产生"},
    {"进入业主委员会的社区“两委”成员", "committee_on_owners", "166 名"},
    {"成为业主委员会成员的楼栋长", "building_heads_on_owners", "314 名"},
    {"社区志愿者占城区总人数", "volunteer_share", "10.8%"},
    {"党员群众服务中心面积达到 1000 平方米以上的社区", "centre_share", "90% 以上"},
    {"阵地提档升级投入", "centre_upgrade_budget", "市县每年 5000 多万元"},
    {"服务群众专项经费总额", "service_fund_budget", "每个社区每年不低于 30 万元"},
    {"每个社区平均专项经费", "service_fund_per_community", "不低于 30 万元"},
    {"用专项经费为群众办好事解难事", "deeds_done", "3 年 8000 余件"},
    {"行业党委工作经费", "industry_fund_budget", "每个行业党委每年 5 万元"},
    {"从社区干部中招录公务员和事业单位工作人员", "cadres_recruited", "近年近 90 名"},
    {"社区党组织书记提拔进街道领导班子", "cadres_promoted", "4 名"},
    {"社区干部平均报酬", "cadre_pay_avg", "3500 元/月以上"},
    {"持助理社工师以上职称的社区干部", "cadres_certified", "每月补贴 100 元"},
    {"党代表工作室", "studios", "城市社区普遍建立"},
    {"每个工作室驻点党代表", "delegates_per_studio", "5–7 名"},
    {"到社区报到的在职党员", "members_registered", "连续 5 年组织报到"},
    {"报到的驻区单位", "units_registered", "驻区单位普遍报到"},
    {"负面清单“红线”", "red_lines", "40 多条"},
    {"因驻点社区评价低被取消优胜资格的单位", "units_lost", "2017 年 6 家"},
};

int dash_seed_table(struct db *db, const struct actor *a, const struct placeinfo *p, int year,
                    int64_t now, json_t **rows, int64_t *as_of, struct xf_err *err)
{
	struct fval *vals = calloc(dash_nfigures, sizeof *vals);
	int rc = dash_place_values(db, p->id, p->path, p->kind, year, now, vals, as_of, err);
	if (rc != XF_OK) {
		free(vals);
		return rc;
	}
	json_t *a_rows = json_array();
	for (size_t i = 0; i < sizeof seed_rows / sizeof seed_rows[0]; i++) {
		int f = dash_figure_index(seed_rows[i].figure);
		if (f < 0)
			continue;
		json_t *fig = dash_figure_json(f, vals, false);
		bool shown = !a || visible(db, a, f, p->id);
		if (!shown)
			json_object_set_new(fig, "value", json_null());
		json_object_set_new(fig, "restricted", json_boolean(!shown));
		json_object_set_new(fig, "item", json_string(seed_rows[i].label));
		json_object_set_new(fig, "seed", json_string(seed_rows[i].seed));
		json_object_set_new(fig, "figure", json_string(seed_rows[i].figure));
		json_array_append_new(a_rows, fig);
	}
	free(vals);
	*rows = a_rows;
	return XF_OK;
}

int dash_seed(struct db *db, const struct actor *a, json_t *q, int64_t id, int64_t now,
              json_t **out, struct xf_err *err)
{
	(void)id;
	struct placeinfo p;
	int year = 0;
	int rc = place_and_year(db, a, q, now, &p, &year, err);
	if (rc != XF_OK)
		return rc;
	json_t *rows;
	int64_t as_of;
	if ((rc = dash_seed_table(db, a, &p, year, now, &rows, &as_of, err)) != XF_OK)
		return rc;
	*out = json_pack("{s:o, s:i, s:o, s:o}", "place", place_json(&p), "year", year, "as_of",
	                 as_of_json(as_of), "items", rows);
	return XF_OK;
}

/* ---- the rollup ---- */

struct agg {
	int64_t id;
	struct fval *v; /* [2][dash_nfigures]: this year, last year */
};

struct dash_rollup {
	struct agg *slots;
	size_t cap, n;
	int year;
	int64_t computed_at;
};

static struct agg *agg_get(struct dash_rollup *m, int64_t id)
{
	if ((m->n + 1) * 2 > m->cap) {
		size_t ncap = m->cap ? m->cap * 2 : 256;
		struct agg *ns = calloc(ncap, sizeof *ns);
		for (size_t i = 0; i < m->cap; i++) {
			if (!m->slots[i].id)
				continue;
			size_t j = (size_t)m->slots[i].id * 2654435761u & (ncap - 1);
			while (ns[j].id)
				j = (j + 1) & (ncap - 1);
			ns[j] = m->slots[i];
		}
		free(m->slots);
		m->slots = ns;
		m->cap = ncap;
	}
	size_t j = (size_t)id * 2654435761u & (m->cap - 1);
	while (m->slots[j].id && m->slots[j].id != id)
		j = (j + 1) & (m->cap - 1);
	if (!m->slots[j].id) {
		m->slots[j].id = id;
		m->slots[j].v = calloc(2 * dash_nfigures, sizeof(struct fval));
		m->n++;
	}
	return &m->slots[j];
}

/* Add a record at path to its first four ancestors (city, district, street, community). */
static void agg_add(struct dash_rollup *m, const char *path, int y, int f, int64_t value,
                    int64_t at)
{
	const char *p = path;
	for (int depth = 0; depth < 4 && *p == '/' && p[1]; depth++) {
		char *end;
		int64_t id = strtoll(p + 1, &end, 10);
		if (end == p + 1 || *end != '/')
			break;
		struct fval *v = &agg_get(m, id)->v[y * dash_nfigures + (size_t)f];
		v->n++;
		v->sum += value;
		if (dash_figures[f].trend)
			v->month[dash_month(at)] += value;
		p = end;
	}
}

struct rollup_ctx {
	struct dash_rollup *m;
	int f, y;
	bool both; /* the state now: the same for both years */
};

static int rollup_row(void *arg, const char *path, int64_t id, const char *label, int64_t value,
                      int64_t at, const char *place)
{
	struct rollup_ctx *c = arg;
	agg_add(c->m, path, c->y, c->f, value, at);
	if (c->both)
		agg_add(c->m, path, 1, c->f, value, at);
	return 0;
}

void dash_rollup_free(struct dash_rollup *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->cap; i++)
		free(r->slots[i].v);
	free(r->slots);
	free(r);
}

int dash_rollup_compute(struct db *db, int64_t now, struct dash_rollup **out, struct xf_err *err)
{
	struct dash_rollup *m = calloc(1, sizeof *m);
	m->year = clock_beijing_year(now);
	m->computed_at = now;
	int rc = XF_OK;
	for (size_t f = 0; f < dash_nfigures && rc == XF_OK; f++) {
		if (dash_figures[f].kind == K_RATIO || dash_figures[f].global)
			continue;
		/* The state now is the same for both years: counted once, added to both. */
		int years = dash_figures[f].mode == M_NONE || dash_figures[f].mode == M_NOW ? 1 : 2;
		for (int y = 0; y < years && rc == XF_OK; y++) {
			struct rollup_ctx c = {m, (int)f, y, years == 1};
			rc = dash_figure_each(db, (int)f, false, "/", "0", m->year - y, now,
			                      rollup_row, &c, err);
		}
	}
	if (rc != XF_OK) {
		dash_rollup_free(m);
		return rc;
	}
	*out = m;
	return XF_OK;
}

int dash_rollup_store(struct db *db, void *rollup, struct xf_err *err)
{
	struct dash_rollup *m = rollup;
	int rc = db_run(db, err, "DELETE FROM dash_rollup", "");
	if (rc == XF_OK)
		rc = db_run(db, err, "DELETE FROM dash_rollup_meta", "");
	for (size_t i = 0; i < m->cap && rc == XF_OK; i++) {
		if (!m->slots[i].id)
			continue;
		for (int y = 0; y < 2 && rc == XF_OK; y++)
			for (size_t f = 0; f < dash_nfigures && rc == XF_OK; f++) {
				const struct fval *v =
				    &m->slots[i].v[(size_t)y * dash_nfigures + f];
				if (!v->n && !v->sum)
					continue; /* missing rows read as zero */
				rc = db_run(db, err,
				            "INSERT INTO dash_rollup(year, place_id, figure, "
				            "month, n, value)"
				            " VALUES (?, ?, ?, 0, ?, ?)",
				            "iitii", (int64_t)(m->year - y), m->slots[i].id,
				            dash_figures[f].code, v->n, v->sum);
				for (int k = 0; k < 12 && rc == XF_OK && dash_figures[f].trend; k++)
					if (v->month[k])
						rc = db_run(
						    db, err,
						    "INSERT INTO dash_rollup(year, place_id, "
						    "figure,"
						    " month, n, value) VALUES (?, ?, ?, ?, 0, ?)",
						    "iitii", (int64_t)(m->year - y), m->slots[i].id,
						    dash_figures[f].code, (int64_t)(k + 1),
						    v->month[k]);
			}
	}
	for (int y = 0; y < 2 && rc == XF_OK; y++)
		rc =
		    db_run(db, err, "INSERT INTO dash_rollup_meta(year, computed_at) VALUES (?, ?)",
		           "ii", (int64_t)(m->year - y), m->computed_at);
	return rc;
}
