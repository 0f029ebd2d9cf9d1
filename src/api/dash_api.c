/* 数据驾驶舱 over HTTP: the dashboard, the records behind a figure, the seed's figures, the
 * report pack (a job: 202 and a status to poll) and the scheduled rollup. The figures live in
 * src/dash/. */
#include "api.h"
#include "app.h"
#include "../auth/audit.h"
#include "../core/clock.h"
#include "../core/log.h"
#include "../dash/dash.h"
#include "../sched/sched.h"
#include "../store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int api_dashboard(struct req *r)
{
	return api_op_read(r, dash_dashboard);
}

int api_dashboard_records(struct req *r)
{
	static const char *const keys[] = {"id", "label", "place", "value", "at"};
	static const char *const labels[] = {"编号", "记录", "地点", "数值", "时间"};
	return api_op_export(r, dash_records, "dashboard-records", keys, labels, 5);
}

int api_dashboard_seed(struct req *r)
{
	static const char *const keys[] = {"item", "value", "unit", "seed", "label"};
	static const char *const labels[] = {"项目", "本地数值", "单位", "黄石案例所述",
	                                     "统计口径"};
	return api_op_export(r, dash_seed, "seed-figures", keys, labels, 5);
}

/* ---- the report pack ---- */

const struct jv_field api_pack_body[] = {
    {"place_id", JV_INT, true, 1, INT64_MAX, "地点"},
    {"year", JV_INT, true, 2000, 2100, "年度"},
    {NULL, 0, false, 0, 0, NULL},
};

static int pack_create(struct db *db, struct req *r, struct xf_err *err)
{
	struct actor a;
	actor_from_user(&r->user, &a);
	int64_t place = jv_int(r->json, "place_id", 0), year = jv_int(r->json, "year", 0), n = 0;
	int rc = db_int(db, err, &n, "SELECT count(*) FROM places WHERE id = ?", "i", place);
	if (rc != XF_OK)
		return rc;
	if (!n)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "place_id",
		                     "没有这个地点");
	if ((rc = dash_need(db, &a, place, err)) != XF_OK)
		return rc;
	/* One person, at most three packs waiting: a busy console cannot flood the scheduler. */
	rc = db_int(db, err, &n,
	            "SELECT count(*) FROM report_packs WHERE user_id = ? AND status IN ('queued',"
	            " 'running')",
	            "i", r->user.id);
	if (rc != XF_OK)
		return rc;
	if (n >= 3)
		return xf_fail(err, XF_ECONFLICT, "too_many_jobs",
		               "您已有 3 份报表正在生成，请等它们完成后再试");
	struct db_stmt *st = db_prep(db,
	                             "INSERT INTO report_packs(user_id, place_id, year, status,"
	                             " created_at) VALUES (?, ?, ?, 'queued', ?) RETURNING id",
	                             err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, r->user.id);
	db_bind_int(st, 2, place);
	db_bind_int(st, 3, year);
	db_bind_int(st, 4, clock_now());
	if ((rc = db_step(st, err)) != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_EDB, "db_error", "保存失败");
	int64_t id = db_col_int(st, 0);
	db_reset(st);
	snprintf(r->audit_object, sizeof r->audit_object, "reports/pack/%lld", (long long)id);
	char link[64];
	snprintf(link, sizeof link, "/api/reports/pack/%lld", (long long)id);
	resp_take_json(r, 202,
	               json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "status", "queued",
	                         "status_url", link));
	return XF_OK;
}

int api_pack_create(struct req *r)
{
	return req_write(r, pack_create, NULL);
}

/* The pack's row, if the caller may see it: its owner, or dash.read over its place. */
static int pack_row(struct req *r, struct db *db, const char *what, struct db_stmt **out)
{
	struct db_stmt *st;
	if (strcmp(what, "xlsx") == 0)
		st = db_prep(db,
		             "SELECT user_id, place_id, year, status, progress, error, xlsx FROM"
		             " report_packs WHERE id = ?",
		             &r->err);
	else if (strcmp(what, "html") == 0)
		st = db_prep(db,
		             "SELECT user_id, place_id, year, status, progress, error, html FROM"
		             " report_packs WHERE id = ?",
		             &r->err);
	else
		st = db_prep(db,
		             "SELECT user_id, place_id, year, status, progress, error, NULL FROM"
		             " report_packs WHERE id = ?",
		             &r->err);
	if (!st)
		return r->err.status;
	db_bind_int(st, 1, r->params[0]);
	int rc = db_step(st, &r->err);
	if (rc != DB_ROW)
		return rc < 0 ? rc : xf_fail(&r->err, XF_ENOTFOUND, "not_found", "没有这份报表");
	struct actor a;
	actor_from_user(&r->user, &a);
	if (db_col_int(st, 0) != r->user.id && !actor_may(db, &a, "dash.read", db_col_int(st, 1))) {
		db_reset(st);
		return xf_fail(&r->err, XF_ENOTFOUND, "not_found", "没有这份报表");
	}
	*out = st;
	return XF_OK;
}

int api_pack_get(struct req *r)
{
	struct db *db = store_reader(r->app->store, &r->err);
	struct db_stmt *st;
	if (!db || pack_row(r, db, "status", &st) != XF_OK)
		return r->err.status;
	const char *status = db_col_text(st, 3);
	json_t *v =
	    json_pack("{s:I, s:I, s:I, s:s, s:I}", "id", (json_int_t)r->params[0], "place_id",
	              (json_int_t)db_col_int(st, 1), "year", (json_int_t)db_col_int(st, 2),
	              "status", status, "progress", (json_int_t)db_col_int(st, 4));
	if (strcmp(status, "done") == 0) {
		char link[64];
		snprintf(link, sizeof link, "/api/reports/pack/%lld/xlsx", (long long)r->params[0]);
		json_object_set_new(v, "xlsx", json_string(link));
		snprintf(link, sizeof link, "/api/reports/pack/%lld/html", (long long)r->params[0]);
		json_object_set_new(v, "html", json_string(link));
	} else if (strcmp(status, "failed") == 0) {
		json_object_set_new(v, "error", json_string(db_col_text(st, 5)));
	}
	db_reset(st);
	resp_take_json(r, 200, v);
	return XF_OK;
}

static int pack_file(struct req *r, const char *what)
{
	struct db *db = store_reader(r->app->store, &r->err);
	struct db_stmt *st;
	if (!db || pack_row(r, db, what, &st) != XF_OK)
		return r->err.status;
	if (strcmp(db_col_text(st, 3), "done") != 0) {
		db_reset(st);
		return xf_fail(&r->err, XF_ECONFLICT, "not_ready", "报表还在生成，请稍后再下载");
	}
	size_t n;
	const void *p = db_col_blob(st, 6, &n);
	int64_t place = db_col_int(st, 1), year = db_col_int(st, 2);
	buf_reset(&r->resp.body);
	buf_append(&r->resp.body, p, n);
	db_reset(st);
	bool xlsx = strcmp(what, "xlsx") == 0;
	r->resp.status = 200;
	r->resp.content_type =
	    xlsx ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	         : "text/html; charset=utf-8";
	char disp[96];
	snprintf(disp, sizeof disp, "%s; filename=\"xingfu-report-%lld-%lld.%s\"",
	         xlsx ? "attachment" : "inline", (long long)place, (long long)year, what);
	resp_header(r, "Content-Disposition", disp);
	struct audit_entry e = {.user_id = r->user.id,
	                        .role = r->user.role,
	                        .action = "export",
	                        .object = r->path,
	                        .ip = r->client_ip,
	                        .outcome = "ok",
	                        .detail = xlsx ? "report pack xlsx" : "report pack html"};
	audit_write_async(r->app->store, &e);
	return XF_OK;
}

int api_pack_xlsx(struct req *r)
{
	return pack_file(r, "xlsx");
}

int api_pack_html(struct req *r)
{
	return pack_file(r, "html");
}

/* ---- scheduled work: the rollup, and packs waiting to be generated ---- */

struct pack_update {
	int64_t id;
	int progress;
	const char *status, *error;
	char *xlsx, *html;
	size_t xlsx_len, html_len;
};

static int pack_update_fn(struct db *db, void *arg, struct xf_err *err)
{
	struct pack_update *u = arg;
	if (u->xlsx) {
		struct db_stmt *st =
		    db_prep(db,
		            "UPDATE report_packs SET status = 'done', progress = 100,"
		            " xlsx = ?, html = ?, done_at = ? WHERE id = ?",
		            err);
		if (!st)
			return err->status;
		db_bind_blob(st, 1, u->xlsx, u->xlsx_len);
		db_bind_blob(st, 2, u->html, u->html_len);
		db_bind_int(st, 3, clock_now());
		db_bind_int(st, 4, u->id);
		int rc = db_step(st, err);
		return rc < 0 ? rc : XF_OK;
	}
	return db_run(db, err,
	              "UPDATE report_packs SET status = ?, progress = ?, error = ? WHERE id = ?",
	              "titi", u->status, (int64_t)u->progress, u->error ? u->error : "", u->id);
}

struct pack_ctx {
	struct app *app;
	int64_t id;
};

static void pack_progress(int pct, void *arg)
{
	struct pack_ctx *c = arg;
	struct pack_update u = {.id = c->id, .progress = pct, .status = "running"};
	struct xf_err e;
	xf_err_clear(&e);
	if (pct < 100)
		store_write(c->app->store, pack_update_fn, &u, &e);
}

static int packs_task(void *ctx, struct xf_err *err)
{
	struct app *app = ctx;
	struct db *db = store_reader(app->store, err);
	if (!db)
		return err->status;
	/* a few per tick: the scheduler has other work */
	for (int k = 0; k < 4; k++) {
		struct db_stmt *st =
		    db_prep(db,
		            "SELECT id, place_id, year FROM report_packs WHERE status"
		            " IN ('queued', 'running') ORDER BY id LIMIT 1",
		            err);
		if (!st)
			return err->status;
		int rc = db_step(st, err);
		if (rc != DB_ROW)
			return rc < 0 ? rc : XF_OK;
		int64_t id = db_col_int(st, 0), place = db_col_int(st, 1), year = db_col_int(st, 2);
		db_reset(st);
		struct pack_ctx c = {app, id};
		struct pack_update u = {.id = id};
		struct xf_err e;
		xf_err_clear(&e);
		int64_t t0 = clock_mono_ms();
		rc = dash_pack_build(db, place, (int)year, clock_now(), pack_progress, &c, &u.xlsx,
		                     &u.xlsx_len, &u.html, &u.html_len, &e);
		if (rc != XF_OK) {
			u.status = "failed";
			u.error = e.message;
			log_warn("report pack %lld failed: %s", (long long)id, e.message);
		}
		rc = store_write(app->store, pack_update_fn, &u, err);
		free(u.xlsx);
		free(u.html);
		log_info("report pack %lld (place %lld, %lld) in %lld ms", (long long)id,
		         (long long)place, (long long)year, (long long)(clock_mono_ms() - t0));
		if (rc != XF_OK)
			return rc;
	}
	return XF_OK;
}

static int rollup_store_fn(struct db *db, void *arg, struct xf_err *err)
{
	return dash_rollup_store(db, arg, err);
}

static int rollup_task(void *ctx, struct xf_err *err)
{
	struct app *app = ctx;
	struct db *db = store_reader(app->store, err);
	if (!db)
		return err->status;
	struct dash_rollup *m;
	int64_t t0 = clock_mono_ms();
	int rc = dash_rollup_compute(db, clock_now(), &m, err);
	if (rc != XF_OK)
		return rc;
	int64_t t1 = clock_mono_ms();
	rc = store_write(app->store, rollup_store_fn, m, err);
	dash_rollup_free(m);
	log_info("dashboard rollup: counted in %lld ms, stored in %lld ms", (long long)(t1 - t0),
	         (long long)(clock_mono_ms() - t1));
	return rc;
}

void api_dash_schedule(struct app *app)
{
	sched_add_first(app->sched, "dash_rollup", 600,
	                api_rollup_first_due(
	                    app, "SELECT coalesce(max(computed_at), 0) FROM dash_rollup_meta", 600),
	                rollup_task, app);
	sched_add(app->sched, "report_packs", 1, packs_task, app);
}
