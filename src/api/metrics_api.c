/* GET /metrics: the HTTP counters, the writer's batches and queue, the outbox backlog and
 * overdue cases, in Prometheus text format. Loopback or the metrics token (PERM_LOCAL). */
#include "api.h"
#include "app.h"
#include "../cases/cases.h"
#include "../core/clock.h"
#include "../http/metrics.h"
#include "../sched/outbox.h"

static void writer_families(struct buf *b, struct store *s)
{
	struct writer_stats w = store_stats(s);
	const char *engine =
	    store_engine(s) == DB_POSTGRES ? "engine=\"postgresql\"" : "engine=\"sqlite\"";
	metrics_family(b, "xingfu_writer_jobs_total", "counter", "Write jobs run by the writer.");
	metrics_sample(b, "xingfu_writer_jobs_total", engine, (double)w.jobs);
	metrics_family(b, "xingfu_writer_commits_total", "counter",
	               "Batches committed (one fsync each on SQLite).");
	metrics_sample(b, "xingfu_writer_commits_total", engine, (double)w.commits);
	metrics_family(b, "xingfu_writer_failed_batches_total", "counter",
	               "Batches that failed as a whole (every request in them got 500).");
	metrics_sample(b, "xingfu_writer_failed_batches_total", engine, (double)w.failed);
	metrics_family(b, "xingfu_writer_retries_total", "counter",
	               "PostgreSQL transactions rerun after a serialization failure.");
	metrics_sample(b, "xingfu_writer_retries_total", engine, (double)w.retries);
	metrics_family(b, "xingfu_writer_queue_depth", "gauge", "Write jobs waiting for a writer.");
	metrics_sample(b, "xingfu_writer_queue_depth", engine, (double)w.queued);

	double sizes[STORE_BATCH_BUCKETS];
	for (int i = 0; i < STORE_BATCH_BUCKETS; i++)
		sizes[i] = (double)(1 << i);
	metrics_family(b, "xingfu_writer_batch_size", "histogram",
	               "Jobs per committed batch (group commit).");
	metrics_histogram(b, "xingfu_writer_batch_size", engine, sizes, w.batch_hist,
	                  STORE_BATCH_BUCKETS, (double)w.jobs);
	double secs[STORE_TIME_BUCKETS];
	for (int i = 0; i < STORE_TIME_BUCKETS; i++)
		secs[i] = (double)store_time_bounds_us[i] / 1e6;
	metrics_family(b, "xingfu_writer_batch_seconds", "histogram",
	               "Time per committed batch, from BEGIN until COMMIT returned.");
	metrics_histogram(b, "xingfu_writer_batch_seconds", engine, secs, w.tx_hist,
	                  STORE_TIME_BUCKETS, (double)w.tx_us / 1e6);
	metrics_family(b, "xingfu_writer_commit_seconds", "histogram",
	               "Time of the COMMIT alone (the durable flush).");
	metrics_histogram(b, "xingfu_writer_commit_seconds", engine, secs, w.commit_hist,
	                  STORE_TIME_BUCKETS, (double)w.commit_us / 1e6);
}

int api_metrics(struct req *r)
{
	struct db *db = store_reader(r->app->store, &r->err);
	if (!db)
		return r->err.status;
	int64_t now = clock_now(), pending = 0, failing = 0, oldest = 0, overdue = 0, version = 0;
	int rc;
	if ((rc = outbox_backlog(db, now, &pending, &failing, &oldest, &r->err)) != XF_OK ||
	    (rc = cases_overdue_count(db, now, &overdue, &r->err)) != XF_OK ||
	    (rc = store_db_version(db, &version, &r->err)) != XF_OK)
		return rc;
	struct buf b;
	buf_init(&b);
	metrics_family(&b, "xingfu_build_info", "gauge", "The running binary and its database.");
	buf_printf(&b, "xingfu_build_info{version=\"%s\",engine=\"%s\",demo=\"%s\"} 1\n",
	           XF_VERSION, store_engine(r->app->store) == DB_POSTGRES ? "postgresql" : "sqlite",
	           r->app->demo ? "yes" : "no");
	metrics_family(&b, "xingfu_schema_version", "gauge", "Schema version of the database.");
	metrics_sample(&b, "xingfu_schema_version", "", (double)version);
	metrics_render_http(&b);
	writer_families(&b, r->app->store);
	metrics_family(&b, "xingfu_outbox_pending", "gauge", "Notifications not yet delivered.");
	metrics_sample(&b, "xingfu_outbox_pending", "", (double)pending);
	metrics_family(
	    &b, "xingfu_outbox_failing", "gauge",
	    "Undelivered notifications that failed at least once (retried with back-off).");
	metrics_sample(&b, "xingfu_outbox_failing", "", (double)failing);
	metrics_family(&b, "xingfu_outbox_oldest_pending_seconds", "gauge",
	               "Age of the oldest undelivered notification (0 when none).");
	metrics_sample(&b, "xingfu_outbox_oldest_pending_seconds", "", (double)oldest);
	metrics_family(
	    &b, "xingfu_cases_overdue", "gauge",
	    "Open cases past their reply deadline, or unaccepted past the dispatch one.");
	metrics_sample(&b, "xingfu_cases_overdue", "", (double)overdue);
	r->resp.status = 200;
	r->resp.content_type = "text/plain; version=0.0.4; charset=utf-8";
	buf_reset(&r->resp.body);
	buf_append(&r->resp.body, b.data, b.len);
	buf_free(&b);
	return XF_OK;
}
