/* Health, the OpenAPI document, system status, and the test-only clock. */
#include "api.h"
#include "app.h"
#include "../auth/audit.h"
#include "../auth/auth.h"
#include "../core/clock.h"
#include "../core/log.h"
#include "../registry/registry.h"
#include "../sched/outbox.h"
#include "../sched/sched.h"

#include <stdlib.h>

int api_healthz(struct req *r)
{
	struct db *db = store_reader(r->app->store, &r->err);
	int64_t one;
	if (!db || db_int(db, &r->err, &one, "SELECT 1", "") != XF_OK) {
		resp_json(r, 503, "{\"status\":\"unavailable\"}");
		return XF_OK;
	}
	resp_json(r, 200, "{\"status\":\"ok\"}");
	return XF_OK;
}

int api_openapi(struct req *r)
{
	struct buf b;
	buf_init(&b);
	http_openapi(&b);
	resp_json(r, 200, buf_cstr(&b));
	buf_free(&b);
	return XF_OK;
}

int api_system_status(struct req *r)
{
	struct db *db = store_reader(r->app->store, &r->err);
	if (!db)
		return r->err.status;
	int64_t pending = 0, delivered = 0, version = 0;
	int rc;
	if ((rc = db_int(db, &r->err, &pending,
	                 "SELECT count(*) FROM outbox WHERE delivered_at IS NULL", "")) != XF_OK ||
	    (rc = db_int(db, &r->err, &delivered,
	                 "SELECT count(*) FROM outbox WHERE delivered_at IS NOT NULL", "")) !=
	        XF_OK ||
	    (rc = store_db_version(db, &version, &r->err)) != XF_OK)
		return rc;
	struct writer_stats ws = store_stats(r->app->store);
	json_t *v =
	    json_pack("{s:s, s:s, s:I, s:b, s:I, s:{s:I, s:I, s:I, s:I, s:I}, s:{s:I, s:I}}",
	              "version", XF_VERSION, "engine",
	              store_engine(r->app->store) == DB_POSTGRES ? "postgresql" : "sqlite",
	              "schema_version", (json_int_t)version, "demo", r->app->demo, "now",
	              (json_int_t)clock_now(), "writer", "jobs", (json_int_t)ws.jobs, "commits",
	              (json_int_t)ws.commits, "failed_batches", (json_int_t)ws.failed, "max_batch",
	              (json_int_t)ws.max_batch, "retries", (json_int_t)ws.retries, "outbox",
	              "pending", (json_int_t)pending, "delivered", (json_int_t)delivered);
	resp_take_json(r, 200, v);
	return XF_OK;
}

const struct jv_field api_test_clock_body[] = {
    {"set", JV_INT, false, 0, 0, "设定时间（UTC 秒）"},
    {"advance", JV_INT, false, -86400 * 3650LL, 86400 * 3650LL, "前进秒数"},
    {"release", JV_BOOL, false, 0, 0, "恢复真实时间"},
    {NULL, 0, 0, 0, 0, NULL}};

/* Test mode only (the route's PERM_TEST): move the server's clock, then run what is due. */
int api_test_clock(struct req *r)
{
	if (jv_bool(r->json, "release", 0))
		clock_set(0);
	int64_t set = jv_int(r->json, "set", 0);
	if (set > 0)
		clock_set(set);
	clock_advance(jv_int(r->json, "advance", 0));
	int ran = r->app->sched ? sched_tick(r->app->sched) : 0;
	json_t *v = json_pack("{s:I, s:i}", "now", (json_int_t)clock_now(), "tasks_run", ran);
	resp_take_json(r, 200, v);
	return XF_OK;
}

static int purge_fn(struct db *db, void *arg, struct xf_err *err)
{
	return auth_purge(db, *(int64_t *)arg, err);
}

static int purge_task(void *ctx, struct xf_err *err)
{
	struct app *app = ctx;
	int64_t now = clock_now();
	return store_write(app->store, purge_fn, &now, err);
}

static int outbox_task(void *ctx, struct xf_err *err)
{
	struct app *app = ctx;
	int delivered, failed;
	if (!app->sender)
		return XF_OK;
	return outbox_deliver(app->store, app->sender, 100, &delivered, &failed, err);
}

static int chain_fn(struct db *db, void *arg, struct xf_err *err)
{
	int *chained = arg;
	return audit_chain(db, 5000, chained, err);
}

/* One appender: chaining never makes two writers wait for each other. */
static int chain_task(void *ctx, struct xf_err *err)
{
	struct app *app = ctx;
	int chained = 0;
	do {
		int rc = store_write(app->store, chain_fn, &chained, err);
		if (rc != XF_OK)
			return rc;
	} while (chained == 5000);
	return XF_OK;
}

static int retention_fn(struct db *db, void *arg, struct xf_err *err)
{
	struct app *app = arg;
	int days = app->cfg.audit_retention_days < 180 ? 180 : app->cfg.audit_retention_days;
	return audit_purge(db, clock_now() - (int64_t)days * 86400, err);
}

static int retention_task(void *ctx, struct xf_err *err)
{
	struct app *app = ctx;
	return store_write(app->store, retention_fn, app, err);
}

static int snapshot_fn(struct db *db, void *arg, struct xf_err *err)
{
	return registry_campaigns_snapshot(db, clock_now(), err);
}

static int snapshot_task(void *ctx, struct xf_err *err)
{
	struct app *app = ctx;
	return store_write(app->store, snapshot_fn, NULL, err);
}

static int rollup_fn(struct db *db, void *arg, struct xf_err *err)
{
	return registry_rollup_rebuild(db, clock_now(), err);
}

static int rollup_task(void *ctx, struct xf_err *err)
{
	struct app *app = ctx;
	int64_t t0 = clock_mono_ms();
	int rc = store_write(app->store, rollup_fn, NULL, err);
	log_info("coverage rollup: %lld ms", (long long)(clock_mono_ms() - t0));
	return rc;
}

int64_t api_rollup_first_due_(struct app *app, const char *sql, int64_t every_s)
{
	struct xf_err err;
	int64_t at = 0;
	struct db *db = store_reader(app->store, &err);
	if (!db || db_int_(db, &err, &at, sql, "") != XF_OK)
		return 0;
	return at + every_s > clock_now() ? at + every_s : 0;
}

void api_core_schedule(struct app *app)
{
	sched_add_first(app->sched, "coverage_rollup", 600,
	                api_rollup_first_due(
	                    app, "SELECT coalesce(max(computed_at), 0) FROM coverage_rollup", 600),
	                rollup_task, app);
	sched_add(app->sched, "coverage_snapshots", 6 * 3600, snapshot_task, app);
	sched_add(app->sched, "audit_chain", 1, chain_task, app);
	sched_add(app->sched, "audit_retention", 86400, retention_task, app);
	sched_add(app->sched, "purge_sessions", 3600, purge_task, app);
	sched_add(app->sched, "outbox_deliver", 5, outbox_task, app);
	api_points_schedule(app);
	api_cases_schedule(app);
	api_coop_schedule(app);
	api_civic_schedule(app);
	api_dash_schedule(app);
}
