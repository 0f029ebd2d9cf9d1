/* GET /metrics over HTTP: Prometheus text format, requests counted by route and status, the
 * writer's batches, the outbox backlog and overdue cases as the database has them, and who
 * may read it (loopback after trusted-proxy resolution, or the metrics token). The npm
 * parser test (tests/ops/metrics_parse.mjs) checks the format against a real parser. */
#include "../support/testlib.h"
#include "core/clock.h"
#include "sched/outbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct tserver T;

static int setup(void **state)
{
	ts_start(&T);
	return 0;
}

static int teardown(void **state)
{
	ts_stop(&T);
	return 0;
}

/* The value of the sample line "name{labels} value" (exactly that series), or -1. */
static double sample(const char *text, const char *series)
{
	size_t n = strlen(series);
	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (strncmp(p, series, n) == 0 && p[n] == ' ')
			return strtod(p + n + 1, NULL);
	return -1;
}

static char *scrape(const char *extra)
{
	struct hresp r;
	char ct[128];
	assert_int_equal(http_req(T.port, "GET", "/metrics", extra, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(hr_header(&r, "Content-Type", ct, sizeof ct));
	assert_string_equal(ct, "text/plain; version=0.0.4; charset=utf-8");
	char *body = strdup(r.body);
	hr_free(&r);
	return body;
}

/* A request is counted when MHD reports it completed, just after its answer went out: a
 * scrape may overtake the previous request by a moment, so look again (up to 2 s) until
 * series reaches at least want. */
static char *scrape_until(const char *series, double want)
{
	char *m = scrape(NULL);
	for (int tries = 0; tries < 40 && sample(m, series) < want; tries++) {
		free(m);
		usleep(50 * 1000);
		m = scrape(NULL);
	}
	return m;
}

static void test_metrics_answer_loopback_in_the_text_format(void **state)
{
	char *m = scrape(NULL);
	assert_non_null(strstr(m, "# TYPE xingfu_http_requests_total counter\n"));
	assert_non_null(strstr(m, "# TYPE xingfu_http_request_duration_seconds histogram\n"));
	assert_non_null(strstr(m, "# TYPE xingfu_writer_batch_size histogram\n"));
	assert_non_null(strstr(m, "# TYPE xingfu_writer_commit_seconds histogram\n"));
	assert_non_null(strstr(m, "# TYPE xingfu_writer_queue_depth gauge\n"));
	assert_non_null(strstr(m, "# TYPE xingfu_outbox_pending gauge\n"));
	assert_non_null(strstr(m, "# TYPE xingfu_cases_overdue gauge\n"));
	assert_true(sample(m, "xingfu_schema_version") >= 6);
	/* every line is a comment or "series value" */
	for (char *line = m, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		assert_non_null(next);
		*next++ = 0;
		if (line[0] != '#')
			assert_non_null(strrchr(line, ' '));
	}
	free(m);
}

static void test_requests_are_counted_by_route_and_status_with_durations(void **state)
{
	const char *series = "xingfu_http_requests_total{route=\"GET /api/me\",status=\"401\"}";
	const char *count = "xingfu_http_request_duration_seconds_count{route=\"GET /api/me\"}";
	char *before = scrape(NULL);
	double n0 = sample(before, series), c0 = sample(before, count);
	free(before);
	for (int i = 0; i < 3; i++) {
		struct hresp r;
		assert_int_equal(http_req(T.port, "GET", "/api/me", NULL, NULL, &r), 0);
		assert_int_equal(r.status, 401);
		hr_free(&r);
	}
	char *after = scrape_until(series, (n0 < 0 ? 0 : n0) + 3);
	assert_true(sample(after, series) == (n0 < 0 ? 0 : n0) + 3);
	assert_true(sample(after, count) >= (c0 < 0 ? 0 : c0) + 3);
	assert_true(sample(after, "xingfu_http_request_duration_seconds_bucket{route=\"GET "
	                          "/api/me\",le=\"+Inf\"}") == sample(after, count));
	/* an unknown API path is "(unmatched)", not a new series per path */
	struct hresp r;
	assert_int_equal(http_req(T.port, "GET", "/api/no/such/thing/4711", NULL, NULL, &r), 0);
	hr_free(&r);
	free(after);
	after = scrape_until("xingfu_http_requests_total{route=\"(unmatched)\",status=\"404\"}", 1);
	assert_true(
	    sample(after, "xingfu_http_requests_total{route=\"(unmatched)\",status=\"404\"}") >= 1);
	assert_null(strstr(after, "4711"));
	free(after);
}

static void test_writes_show_in_the_writer_families(void **state)
{
	char *before = scrape(NULL);
	double jobs0 = sample(before, "xingfu_writer_jobs_total{engine=\"sqlite\"}");
	if (jobs0 < 0)
		jobs0 = sample(before, "xingfu_writer_jobs_total{engine=\"postgresql\"}");
	free(before);
	char hdrs[512];
	ts_login(&T, "jumin", DEMO_PW, hdrs, sizeof hdrs); /* a session row and an audit row */
	char *after = scrape(NULL);
	const char *engine = ts_postgres() ? "postgresql" : "sqlite";
	char s_jobs[96], s_batches[96], s_commit[96], s_queue[96];
	snprintf(s_jobs, sizeof s_jobs, "xingfu_writer_jobs_total{engine=\"%s\"}", engine);
	snprintf(s_batches, sizeof s_batches, "xingfu_writer_batch_size_count{engine=\"%s\"}",
	         engine);
	snprintf(s_commit, sizeof s_commit, "xingfu_writer_commit_seconds_count{engine=\"%s\"}",
	         engine);
	snprintf(s_queue, sizeof s_queue, "xingfu_writer_queue_depth{engine=\"%s\"}", engine);
	assert_true(sample(after, s_jobs) > jobs0);
	assert_true(sample(after, s_batches) >= 1);
	assert_true(sample(after, s_commit) == sample(after, s_batches));
	assert_true(sample(after, s_queue) >= 0);
	free(after);
}

static void test_backlog_and_overdue_match_the_database(void **state)
{
	struct xf_err e;
	struct db *db = store_reader(T.app.store, &e);
	/* a month on (without running the scheduler, which would escalate them): the demo's
	 * open cases are overdue */
	clock_advance(30 * 86400);
	int64_t now = clock_now(), overdue = 0, pending = 0;
	assert_int_equal(
	    db_int(db, &e, &overdue,
	           "SELECT count(*) FROM cases WHERE status NOT IN ('replied', 'closed')"
	           " AND (due_at < ? OR (status = 'submitted' AND dispatch_due_at < ?))",
	           "ii", now, now),
	    XF_OK);
	assert_int_equal(
	    db_int(db, &e, &pending, "SELECT count(*) FROM outbox WHERE delivered_at IS NULL", ""),
	    XF_OK);
	char *m = scrape(NULL);
	assert_true(overdue > 0);
	assert_true(sample(m, "xingfu_cases_overdue") == (double)overdue);
	double got = sample(m, "xingfu_outbox_pending");
	/* the sender may deliver between the two reads: never more than the database had */
	assert_true(got >= 0 && got <= (double)pending + 1);
	free(m);
	clock_advance(-30 * 86400);
}

static void test_only_loopback_or_the_metrics_token_may_read_it(void **state)
{
	struct hresp r;
	snprintf(T.app.cfg.trusted_proxies, sizeof T.app.cfg.trusted_proxies, "127.0.0.1");
	/* behind the (trusted) proxy the client is 203.0.113.7: refused */
	assert_int_equal(
	    http_req(T.port, "GET", "/metrics", "X-Forwarded-For: 203.0.113.7\r\n", NULL, &r), 0);
	assert_int_equal(r.status, 403);
	assert_string_equal(hr_error_code(&r), "forbidden");
	hr_free(&r);
	/* a client on the proxy's own machine still counts as local */
	assert_int_equal(
	    http_req(T.port, "GET", "/metrics", "X-Forwarded-For: 127.0.0.1\r\n", NULL, &r), 0);
	assert_int_equal(r.status, 200);
	hr_free(&r);
	/* no token configured: a bearer opens nothing */
	assert_int_equal(http_req(T.port, "GET", "/metrics",
	                          "X-Forwarded-For: 203.0.113.7\r\nAuthorization: Bearer x\r\n",
	                          NULL, &r),
	                 0);
	assert_int_equal(r.status, 403);
	hr_free(&r);
	snprintf(T.app.cfg.metrics_token, sizeof T.app.cfg.metrics_token, "prom-scrape-0123456789");
	assert_int_equal(http_req(T.port, "GET", "/metrics",
	                          "X-Forwarded-For: 203.0.113.7\r\n"
	                          "Authorization: Bearer prom-scrape-0123456789\r\n",
	                          NULL, &r),
	                 0);
	assert_int_equal(r.status, 200);
	hr_free(&r);
	assert_int_equal(http_req(T.port, "GET", "/metrics",
	                          "X-Forwarded-For: 203.0.113.7\r\n"
	                          "Authorization: Bearer prom-scrape-0123456788\r\n",
	                          NULL, &r),
	                 0);
	assert_int_equal(r.status, 403);
	hr_free(&r);
	/* an untrusted peer's X-Forwarded-For is ignored: the peer (loopback) is the client */
	T.app.cfg.trusted_proxies[0] = 0;
	T.app.cfg.metrics_token[0] = 0;
	assert_int_equal(
	    http_req(T.port, "GET", "/metrics", "X-Forwarded-For: 203.0.113.7\r\n", NULL, &r), 0);
	assert_int_equal(r.status, 200);
	hr_free(&r);
}

/* Work that would hold an HTTP thread runs on the slow-work threads and is counted: a
 * community's coverage (counted live) goes there, a street's (from the rollup) does not. */
static void test_reports_counted_live_run_off_the_http_threads(void **state)
{
	char shequ[512], jiedao[512];
	ts_login(&T, "shequ", DEMO_PW, shequ, sizeof shequ);
	ts_login(&T, "jiedao", DEMO_PW, jiedao, sizeof jiedao);
	char *m = scrape(NULL);
	double n0 = sample(m, "xingfu_http_offloaded_total");
	free(m);
	assert_true(n0 >= 2); /* the two logins' password checks */
	struct hresp r;
	assert_int_equal(http_req(T.port, "GET", "/api/reports/coverage", jiedao, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(r.json, "place"), "kind")), "street");
	hr_free(&r);
	m = scrape(NULL);
	assert_true(sample(m, "xingfu_http_offloaded_total") == n0);
	free(m);
	assert_int_equal(http_req(T.port, "GET", "/api/reports/coverage", shequ, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(r.json, "place"), "kind")),
	    "community");
	assert_true(json_array_size(json_object_get(r.json, "metrics")) > 0);
	assert_true(json_is_null(json_object_get(r.json, "as_of")));
	hr_free(&r);
	m = scrape(NULL);
	assert_true(sample(m, "xingfu_http_offloaded_total") == n0 + 1);
	free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_metrics_answer_loopback_in_the_text_format),
	    cmocka_unit_test(test_requests_are_counted_by_route_and_status_with_durations),
	    cmocka_unit_test(test_writes_show_in_the_writer_families),
	    cmocka_unit_test(test_backlog_and_overdue_match_the_database),
	    cmocka_unit_test(test_only_loopback_or_the_metrics_token_may_read_it),
	    cmocka_unit_test(test_reports_counted_live_run_off_the_http_threads),
	};
	return TS_RUN(tests, setup, teardown);
}
