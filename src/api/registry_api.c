/* The registry over HTTP: places and their children, search, both lines at a place,
 * organisations, people lists (masked, scoped) and the coverage report. */
#include "api.h"
#include "app.h"
#include "../auth/policy.h"
#include "../core/clock.h"
#include "../auth/audit.h"
#include "../core/str.h"
#include "../io/table.h"
#include "../core/jw.h"
#include "../registry/people.h"
#include "../registry/registry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PAGE_MAX 200

static struct db *reader(struct req *r)
{
	return store_reader(r->app->store, &r->err);
}

/* ?limit= clamped to the maximum (not refused), ?cursor= an id. */
int api_paging(struct req *r, int *limit, int64_t *cursor)
{
	int64_t v;
	const char *s;
	*limit = 50;
	*cursor = 0;
	if ((s = req_query(r, "limit"))) {
		if (!parse_i64(s, &v) || v < 1)
			return xf_fail_field(&r->err, XF_EINVAL, "validation_failed", "limit",
			                     "limit 应为正整数");
		*limit = v > PAGE_MAX ? PAGE_MAX : (int)v;
	}
	if ((s = req_query(r, "cursor")) && (!parse_i64(s, cursor) || *cursor < 0))
		return xf_fail_field(&r->err, XF_EINVAL, "validation_failed", "cursor",
		                     "cursor 不正确");
	return XF_OK;
}

void api_page_begin(struct buf *b, struct jw *w)
{
	buf_init(b);
	jw_init(w, b);
	jw_obj(w);
	jw_key(w, "items");
}

void api_page_end(struct req *r, struct buf *b, struct jw *w, int64_t next)
{
	jw_key(w, "next");
	if (next) {
		char id[24];
		snprintf(id, sizeof id, "%lld", (long long)next);
		jw_str(w, id);
	} else {
		jw_null(w);
	}
	jw_end_obj(w);
	resp_take_json_text(r, 200, b);
}

int api_place_param(struct req *r, int64_t fallback, int64_t *place)
{
	const char *p = req_query(r, "place");
	*place = fallback;
	if (p && (!parse_i64(p, place) || *place < 1))
		return xf_fail_field(&r->err, XF_EINVAL, "validation_failed", "place",
		                     "place 应为地点 id");
	return XF_OK;
}

json_t *api_page(json_t *items, int64_t next)
{
	char buf[24];
	snprintf(buf, sizeof buf, "%lld", (long long)next);
	return json_pack("{s:o, s:o}", "items", items, "next",
	                 next ? json_string(buf) : json_null());
}

#define EXPORT_MAX 100000
static const char *const place_keys[] = {"id", "code", "name", "kind"};
static const char *const place_labels[] = {"编号", "编码", "名称", "类型"};

int api_place_get(struct req *r)
{
	struct db *db = reader(r);
	json_t *v;
	if (!db || registry_place_json(db, r->params[0], &v, &r->err) != XF_OK)
		return r->err.status;
	resp_take_json(r, 200, v);
	return XF_OK;
}

int api_place_children(struct req *r)
{
	int limit;
	int64_t cursor, next;
	struct db *db = reader(r);
	if (!db || api_paging(r, &limit, &cursor) != XF_OK)
		return r->err.status;
	json_t *items;
	int64_t found = 0;
	int rc = db_int(db, &r->err, &found, "SELECT count(*) FROM places WHERE id = ?", "i",
	                r->params[0]);
	if (rc != XF_OK)
		return rc;
	if (!found)
		return xf_fail(&r->err, XF_ENOTFOUND, "not_found", "没有这个地点");
	if (req_query(r, "format")) {
		if ((rc = registry_children_json(db, r->params[0], 0, EXPORT_MAX, &items, &next,
		                                 &r->err)) != XF_OK)
			return rc;
		return api_export_items(r, "places", items, place_keys, place_labels, 4);
	}
	struct buf b;
	struct jw w;
	api_page_begin(&b, &w); /* {"items": [...], "next": …} as api_page */
	if ((rc = registry_children_write(db, r->params[0], cursor, limit, &w, &next, &r->err)) !=
	    XF_OK) {
		buf_free(&b);
		return rc;
	}
	api_page_end(r, &b, &w, next);
	return XF_OK;
}

int api_places_search(struct req *r)
{
	const char *q = req_query(r, "q"), *kind = req_query(r, "kind");
	int limit;
	int64_t cursor;
	struct db *db = reader(r);
	if (!db || api_paging(r, &limit, &cursor) != XF_OK)
		return r->err.status;
	if (!q || !*q)
		return xf_fail_field(&r->err, XF_EINVAL, "validation_failed", "q",
		                     "请输入地名或编码");
	if (strlen(q) > 64)
		return xf_fail_field(&r->err, XF_EINVAL, "validation_failed", "q", "搜索词过长");
	static const char *kinds[] = {"city", "district", "street",   "community",
	                              "grid", "building", "household"};
	bool ok = !kind;
	for (size_t i = 0; kind && i < XF_ARRAY_LEN(kinds); i++)
		ok |= strcmp(kind, kinds[i]) == 0;
	if (!ok)
		return xf_fail_field(&r->err, XF_EINVAL, "validation_failed", "kind",
		                     "没有这种地点类型");
	json_t *items;
	/* Within the caller's area (the whole city for a city-level grant). */
	bool exporting = req_query(r, "format") != NULL;
	int rc = registry_search_json(db, r->user.place_id, q, kind, exporting ? EXPORT_MAX : limit,
	                              &items, &r->err);
	if (rc != XF_OK)
		return rc;
	if (exporting) {
		static const char *const keys[] = {"id", "code", "name", "kind", "within"};
		static const char *const labels[] = {"编号", "编码", "名称", "类型", "所在"};
		return api_export_items(r, "places", items, keys, labels, 5);
	}
	resp_take_json(r, 200, api_page(items, 0));
	return XF_OK;
}

int api_place_lines(struct req *r)
{
	struct db *db = reader(r);
	json_t *v;
	if (!db || registry_lines_json(db, r->params[0], &v, &r->err) != XF_OK)
		return r->err.status;
	resp_take_json(r, 200, v);
	return XF_OK;
}

int api_org_get(struct req *r)
{
	struct db *db = reader(r);
	json_t *v;
	if (!db || registry_org_json(db, r->params[0], &v, &r->err) != XF_OK)
		return r->err.status;
	resp_take_json(r, 200, v);
	return XF_OK;
}

/* ?format=xlsx|csv: the same list as a spreadsheet (masked as on screen), audited. */
int api_export_items(struct req *r, const char *name, json_t *items, const char *const *keys,
                     const char *const *labels, size_t ncols)
{
	const char *fmt = req_query(r, "format");
	bool xlsx = strcmp(fmt, "xlsx") == 0;
	if (!xlsx && strcmp(fmt, "csv") != 0) {
		json_decref(items);
		return xf_fail_field(&r->err, XF_EINVAL, "validation_failed", "format",
		                     "format 只能是 xlsx 或 csv");
	}
	struct table_writer *w;
	int rc = table_writer_open_mem(xlsx ? TABLE_XLSX : TABLE_CSV, name, &w, &r->err);
	if (rc == XF_OK)
		rc = table_writer_row(w, labels, ncols, &r->err);
	json_t *it;
	size_t i;
	json_array_foreach(items, i, it)
	{
		if (rc != XF_OK)
			break;
		const char *cells[16];
		char nums[16][24];
		for (size_t k = 0; k < ncols; k++) {
			json_t *v = json_object_get(it, keys[k]);
			size_t kl = strlen(keys[k]);
			if (json_is_integer(v) && kl > 4 && strcmp(keys[k] + kl - 4, "_fen") == 0) {
				/* Money for people: yuan with two decimals, from the integer fen.
				 */
				long long fen = (long long)json_integer_value(v);
				snprintf(nums[k], sizeof nums[k], "%s%lld.%02lld",
				         fen < 0 ? "-" : "", llabs(fen) / 100, llabs(fen) % 100);
				cells[k] = nums[k];
			} else if (json_is_integer(v) && kl > 3 &&
			           strcmp(keys[k] + kl - 3, "_at") == 0) {
				/* Times for people: Beijing time, or empty when unset. */
				time_t t = (time_t)json_integer_value(v) + 8 * 3600;
				struct tm tm;
				nums[k][0] = 0;
				if (json_integer_value(v) > 0 && gmtime_r(&t, &tm))
					strftime(nums[k], sizeof nums[k], "%Y-%m-%d %H:%M", &tm);
				cells[k] = nums[k];
			} else if (json_is_integer(v)) {
				snprintf(nums[k], sizeof nums[k], "%lld",
				         (long long)json_integer_value(v));
				cells[k] = nums[k];
			} else {
				cells[k] = json_is_string(v) ? json_string_value(v) : "";
			}
		}
		rc = table_writer_row(w, cells, ncols, &r->err);
	}
	size_t rows = json_array_size(items);
	json_decref(items);
	char *data;
	size_t len;
	if (rc != XF_OK) {
		table_writer_discard(w);
		return rc;
	}
	if ((rc = table_writer_close_mem(w, &data, &len, &r->err)) != XF_OK)
		return rc;
	r->resp.status = 200;
	r->resp.content_type =
	    xlsx ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	         : "text/csv; charset=utf-8";
	buf_reset(&r->resp.body);
	buf_append(&r->resp.body, data, len);
	free(data);
	char disp[96], detail[64];
	snprintf(disp, sizeof disp, "attachment; filename=\"xingfu-%s.%s\"", name,
	         xlsx ? "xlsx" : "csv");
	resp_header(r, "Content-Disposition", disp);
	snprintf(detail, sizeof detail, "%zu rows, %s", rows, xlsx ? "xlsx" : "csv");
	struct audit_entry e = {.user_id = r->user.id,
	                        .role = r->user.role,
	                        .action = "export",
	                        .object = r->path,
	                        .ip = r->client_ip,
	                        .outcome = "ok",
	                        .detail = detail};
	audit_write_async(r->app->store, &e);
	return XF_OK;
}

int api_people_list(struct req *r)
{
	int limit;
	int64_t cursor, next, place;
	struct db *db = reader(r);
	if (!db || api_paging(r, &limit, &cursor) != XF_OK)
		return r->err.status;
	const char *q = req_query(r, "q");
	if (api_place_param(r, r->user.place_id, &place) != XF_OK)
		return r->err.status;
	if (q && strlen(q) > 64)
		return xf_fail_field(&r->err, XF_EINVAL, "validation_failed", "q", "搜索词过长");
	/* The permission here; the scope with the search's first statement (as authz_check
	 * would decide it, one statement fewer). A place of 0 (an account with no place and no
	 * ?place=) has no people to show. */
	if (!policy_allows(r->user.role, "people.read"))
		return xf_fail(&r->err, XF_EPERM, "forbidden", "没有权限执行此操作");
	if (place <= 0)
		return xf_fail(&r->err, XF_ENOTFOUND, "not_found", "没有这个地点");
	int rc;
	json_t *items;
	if (req_query(r, "format")) {
		/* The whole list (to a bound), not a page. */
		if ((rc = registry_people_json(db, r->user.place_id, place, q, 0, EXPORT_MAX,
		                               &items, &next, &r->err)) != XF_OK)
			return rc;
		static const char *const keys[] = {"id",    "name",      "gender",
		                                   "phone", "id_number", "place_name"};
		static const char *const labels[] = {
		    "编号", "姓名", "性别", "手机号（脱敏）", "身份证号（脱敏）", "住户"};
		return api_export_items(r, "people", items, keys, labels, 6);
	}
	struct buf b;
	struct jw w;
	api_page_begin(&b, &w); /* {"items": [...], "next": …} as api_page */
	if ((rc = registry_people_write(db, r->user.place_id, place, q, cursor, limit, &w, &next,
	                                &r->err)) != XF_OK) {
		buf_free(&b);
		return rc;
	}
	api_page_end(r, &b, &w, next);
	return XF_OK;
}

static int coverage_place(struct req *r, struct db *db, int64_t *place)
{
	if (api_place_param(r, r->user.place_id, place) != XF_OK)
		return r->err.status;
	return authz_check(db, &r->user, "registry.read", *place, &r->err);
}

int api_coverage(struct req *r)
{
	struct db *db = reader(r);
	int64_t place;
	if (!db || api_place_param(r, r->user.place_id, &place) != XF_OK)
		return r->err.status;
	if (!policy_allows(r->user.role, "registry.read"))
		return xf_fail(&r->err, XF_EPERM, "forbidden", "没有权限执行此操作");
	/* One statement for what authz_check and the choice below would ask in two: whether the
	 * place is inside the actor's scope (by their paths), and whether it is counted live. A
	 * community or below is counted live (~14 ms at city scale): on a slow-work thread, so
	 * that the other connections of this HTTP thread don't wait behind it. Streets and above
	 * read the rollup and answer here. */
	bool live = false;
	if (place > 0) {
		struct db_stmt *st = db_prep(
		    db,
		    "SELECT p.path, p.kind NOT IN ('city', 'district', 'street'), " AUTHZ_SCOPE_PATH
		    " FROM places p WHERE p.id = ?",
		    &r->err);
		if (!st)
			return r->err.status;
		db_bind_int(st, 1, r->user.place_id);
		db_bind_int(st, 2, place);
		int rc = authz_row_check(st, db_step(st, &r->err), 0, 2, &r->err);
		if (rc != XF_OK)
			return rc;
		live = db_col_int(st, 1);
		db_reset(st);
	}
	if (!r->offload && live && r->app && r->app->store)
		return req_offload_handler(r);
	struct buf b;
	struct jw w;
	buf_init(&b);
	jw_init(&w, &b);
	int rc = registry_coverage_write(db, place, clock_now(), &w, &r->err);
	if (rc != XF_OK) {
		buf_free(&b);
		return rc;
	}
	resp_take_json_text(r, 200, &b);
	return XF_OK;
}

int api_coverage_items(struct req *r)
{
	struct db *db = reader(r);
	int64_t place, cursor;
	int limit;
	if (!db || coverage_place(r, db, &place) != XF_OK ||
	    api_paging(r, &limit, &cursor) != XF_OK)
		return r->err.status;
	const char *metric = req_query(r, "metric");
	if (!metric)
		return xf_fail_field(&r->err, XF_EINVAL, "validation_failed", "metric",
		                     "缺少 metric");
	json_t *items;
	bool exporting = req_query(r, "format") != NULL;
	int rc = registry_coverage_items(db, place, metric, clock_now(),
	                                 exporting ? EXPORT_MAX : limit, &items, &r->err);
	if (rc != XF_OK)
		return rc;
	if (exporting) {
		static const char *const keys[] = {"type", "id", "name", "kind"};
		static const char *const labels[] = {"对象", "编号", "名称", "类型"};
		return api_export_items(r, metric, items, keys, labels, 4);
	}
	resp_take_json(r, 200, api_page(items, 0));
	return XF_OK;
}

int api_campaigns_list(struct req *r)
{
	struct db *db = reader(r);
	int64_t place;
	if (!db || coverage_place(r, db, &place) != XF_OK)
		return r->err.status;
	json_t *items;
	int rc = registry_campaigns_json(db, place, clock_now(), &items, &r->err);
	if (rc != XF_OK)
		return rc;
	if (req_query(r, "format")) {
		static const char *const keys[] = {"id",           "name",      "place_name",
		                                   "metric_label", "target",    "current",
		                                   "total",        "starts_on", "ends_on"};
		static const char *const labels[] = {"编号",     "名称",     "地点",
		                                     "覆盖指标", "目标值",   "当前值",
		                                     "总数",     "开始日期", "结束日期"};
		return api_export_items(r, "campaigns", items, keys, labels, 9);
	}
	resp_take_json(r, 200, api_page(items, 0));
	return XF_OK;
}

const struct jv_field api_campaign_body[] = {{"place_id", JV_INT, true, 1, INT64_MAX, "地点"},
                                             {"name", JV_STRING, true, 2, 64, "名称"},
                                             {"metric", JV_STRING, true, 1, 48, "覆盖指标"},
                                             {"target", JV_INT, true, 0, 1000000, "目标值"},
                                             {"starts_at", JV_INT, true, 0, INT64_MAX, "开始时间"},
                                             {"ends_at", JV_INT, true, 0, INT64_MAX, "结束时间"},
                                             {NULL, 0, 0, 0, 0, NULL}};

static int campaign_write(struct db *db, struct req *r, struct xf_err *err)
{
	int64_t place = jv_int(r->json, "place_id", 0), id;
	int rc = authz_check(db, &r->user, "registry.manage", place, err);
	if (rc == XF_OK)
		rc = registry_campaign_create(
		    db, place, jv_str(r->json, "name", ""), jv_str(r->json, "metric", ""),
		    jv_int(r->json, "target", 0), jv_int(r->json, "starts_at", 0),
		    jv_int(r->json, "ends_at", 0), &id, err);
	if (rc == XF_OK)
		rc = registry_campaigns_snapshot(db, clock_now(), err);
	if (rc != XF_OK)
		return rc;
	snprintf(r->audit_object, sizeof r->audit_object, "coverage_campaigns/%lld", (long long)id);
	resp_take_json(r, 201, json_pack("{s:I}", "id", (json_int_t)id));
	return XF_OK;
}

int api_campaign_create(struct req *r)
{
	if (!registry_metric_valid(jv_str(r->json, "metric", "")))
		return xf_fail_field(&r->err, XF_EINVAL, "validation_failed", "metric",
		                     "没有这个覆盖指标");
	return req_write(r, campaign_write, NULL);
}

int api_place_building(struct req *r)
{
	struct db *db = reader(r);
	if (!db)
		return r->err.status;
	int rc = authz_check(db, &r->user, "people.read", r->params[0], &r->err);
	if (rc != XF_OK)
		return rc;
	json_t *v;
	if ((rc = registry_building_json(db, r->params[0], &v, &r->err)) != XF_OK)
		return rc;
	resp_take_json(r, 200, v);
	return XF_OK;
}

/* ---- organisations and positions (registry.manage, inside the caller's area) ---- */

const struct jv_field api_org_body[] = {{"code", JV_STRING, true, 2, 32, "组织编码"},
                                        {"name", JV_STRING, true, 2, 80, "名称"},
                                        {"kind", JV_STRING, true, 2, 40, "组织类型"},
                                        {"place_id", JV_INT, true, 1, INT64_MAX, "所在地点"},
                                        {"parent_id", JV_INT, false, 1, INT64_MAX, "上级组织"},
                                        {"domain", JV_STRING, false, 0, 16, "领域"},
                                        {"built_on", JV_STRING, false, 0, 16, "依托"},
                                        {"party_org_id", JV_INT, false, 1, INT64_MAX, "所建党组织"},
                                        {NULL, 0, 0, 0, 0, NULL}};

static int org_write(struct db *db, struct req *r, struct xf_err *err)
{
	struct org_in in = {.code = jv_str(r->json, "code", ""),
	                    .name = jv_str(r->json, "name", ""),
	                    .kind = jv_str(r->json, "kind", ""),
	                    .domain = jv_str(r->json, "domain", ""),
	                    .built_on = jv_str(r->json, "built_on", ""),
	                    .place_id = jv_int(r->json, "place_id", 0),
	                    .parent_id = jv_int(r->json, "parent_id", 0),
	                    .party_org_id = jv_int(r->json, "party_org_id", 0),
	                    .now = clock_now()};
	int64_t id;
	int rc = authz_check(db, &r->user, "registry.manage", in.place_id, err);
	if (rc == XF_OK)
		rc = registry_org_create(db, &in, &id, err);
	if (rc != XF_OK)
		return rc;
	snprintf(r->audit_object, sizeof r->audit_object, "orgs/%lld", (long long)id);
	json_t *v;
	if ((rc = registry_org_json(db, id, &v, err)) != XF_OK)
		return rc;
	resp_take_json(r, 201, v);
	return XF_OK;
}

int api_org_create(struct req *r)
{
	return req_write(r, org_write, NULL);
}

const struct jv_field api_position_body[] = {
    {"person_id", JV_INT, true, 1, INT64_MAX, "人员"},
    {"org_id", JV_INT, true, 1, INT64_MAX, "组织"},
    {"post", JV_STRING, true, 2, 40, "职务"},
    {"started_at", JV_INT, false, 0, INT64_MAX, "任职开始时间"},
    {NULL, 0, 0, 0, 0, NULL}};

static int position_write(struct db *db, struct req *r, struct xf_err *err)
{
	int64_t org = jv_int(r->json, "org_id", 0), place, id;
	int rc = registry_org_place(db, org, &place, err);
	if (rc == XF_ENOTFOUND)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "org_id", "没有这个组织");
	if (rc == XF_OK)
		rc = authz_check(db, &r->user, "registry.manage", place, err);
	if (rc == XF_OK)
		rc = registry_position_create(db, jv_int(r->json, "person_id", 0), org,
		                              jv_str(r->json, "post", ""),
		                              jv_int(r->json, "started_at", clock_now()), &id, err);
	if (rc != XF_OK)
		return rc;
	snprintf(r->audit_object, sizeof r->audit_object, "positions/%lld", (long long)id);
	resp_take_json(r, 201, json_pack("{s:I}", "id", (json_int_t)id));
	return XF_OK;
}

int api_position_create(struct req *r)
{
	if (!registry_post_valid(jv_str(r->json, "post", "")))
		return xf_fail_field(&r->err, XF_EINVAL, "validation_failed", "post",
		                     "没有这个职务");
	return req_write(r, position_write, NULL);
}

const struct jv_field api_position_end_body[] = {
    {"ended_at", JV_INT, false, 0, INT64_MAX, "任职结束时间"}, {NULL, 0, 0, 0, 0, NULL}};

static int position_end_write(struct db *db, struct req *r, struct xf_err *err)
{
	int64_t org, place;
	int rc = registry_position_org(db, r->params[0], &org, err);
	if (rc == XF_OK)
		rc = registry_org_place(db, org, &place, err);
	if (rc == XF_OK)
		rc = authz_check(db, &r->user, "registry.manage", place, err);
	if (rc == XF_OK)
		rc = registry_position_end(db, r->params[0],
		                           jv_int(r->json, "ended_at", clock_now()), err);
	if (rc != XF_OK)
		return rc;
	snprintf(r->audit_object, sizeof r->audit_object, "positions/%lld",
	         (long long)r->params[0]);
	resp_take_json(r, 200, json_pack("{s:I, s:b}", "id", (json_int_t)r->params[0], "ended", 1));
	return XF_OK;
}

int api_position_end(struct req *r)
{
	return req_write(r, position_end_write, NULL);
}

int api_studios(struct req *r)
{
	struct db *db = reader(r);
	if (!db)
		return r->err.status;
	/* A resident's studios are those over their home; staff see those over and in their
	 * area. */
	int64_t place = r->user.place_id;
	if (r->user.person_id && !policy_allows(r->user.role, "registry.read")) {
		int64_t home = 0;
		if (db_int(db, &r->err, &home, "SELECT place_id FROM people WHERE id = ?", "i",
		           r->user.person_id) == XF_OK &&
		    home)
			place = home;
	}
	json_t *items;
	int rc = registry_studios_json(db, place, &items, &r->err);
	if (rc != XF_OK)
		return rc;
	resp_take_json(r, 200, api_page(items, 0));
	return XF_OK;
}
