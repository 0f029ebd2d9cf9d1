/* The real server on an ephemeral loopback port, over HTTP: sessions, CSRF, bad input,
 * limits, idempotency, group commit under concurrency, the test clock and the outbox. */
#include "../support/testlib.h"
#include "core/clock.h"
#include "core/log.h"
#include "sched/outbox.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
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

static void test_healthz_answers_ok_with_security_headers(void **state)
{
	struct hresp r;
	char h[512];
	assert_int_equal(http_req(T.port, "GET", "/healthz", NULL, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_string_equal(json_string_value(json_object_get(r.json, "status")), "ok");
	assert_non_null(hr_header(&r, "X-Content-Type-Options", h, sizeof h));
	assert_string_equal(h, "nosniff");
	assert_non_null(hr_header(&r, "Content-Security-Policy", h, sizeof h));
	assert_non_null(strstr(h, "frame-ancestors 'none'"));
	hr_free(&r);
	assert_int_equal(http_req(T.port, "GET", "/api/openapi.json", NULL, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(hr_header(&r, "Cache-Control", h, sizeof h));
	assert_string_equal(h, "no-store");
	assert_non_null(json_object_get(json_object_get(r.json, "paths"), "/api/session"));
	hr_free(&r);
}

static void test_unknown_route_is_404_json_and_wrong_method_is_405(void **state)
{
	struct hresp r;
	char h[128];
	assert_int_equal(http_req(T.port, "GET", "/api/no/such/thing", NULL, NULL, &r), 0);
	assert_int_equal(r.status, 404);
	assert_string_equal(hr_error_code(&r), "not_found");
	hr_free(&r);
	assert_int_equal(http_req(T.port, "PATCH", "/api/me", NULL, "{}", &r), 0);
	assert_int_equal(r.status, 405);
	assert_string_equal(hr_error_code(&r), "method_not_allowed");
	assert_non_null(hr_header(&r, "Allow", h, sizeof h));
	assert_string_equal(h, "GET");
	hr_free(&r);
	assert_int_equal(http_req(T.port, "GET", "/api/%E0%80", NULL, NULL, &r), 0);
	assert_int_equal(r.status, 400);
	assert_string_equal(hr_error_code(&r), "bad_path");
	hr_free(&r);
}

static void test_login_sets_httponly_cookie_and_me_answers(void **state)
{
	struct hresp r;
	char h[256];
	assert_int_equal(http_req(T.port, "POST", "/api/session", NULL,
	                          "{\"username\":\"shequ\",\"password\":\"" DEMO_PW "\"}", &r),
	                 0);
	assert_int_equal(r.status, 200);
	assert_non_null(hr_header(&r, "Set-Cookie", h, sizeof h));
	assert_non_null(strstr(h, "HttpOnly"));
	assert_non_null(strstr(h, "SameSite=Lax"));
	json_t *u = json_object_get(r.json, "user");
	assert_string_equal(json_string_value(json_object_get(u, "place_name")), "大智路社区");
	assert_string_equal(json_string_value(json_object_get(u, "role")), "community_official");
	assert_int_equal(strlen(json_string_value(json_object_get(r.json, "csrf"))), 43);
	hr_free(&r);

	char hdrs[512];
	ts_login(&T, "jumin", DEMO_PW, hdrs, sizeof hdrs);
	assert_int_equal(http_req(T.port, "GET", "/api/me", hdrs, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(r.json, "user"), "username")),
	    "jumin");
	assert_true(json_is_true(json_object_get(r.json, "demo")));
	hr_free(&r);
	/* The session's own answer names the grant's place and counts the grants (the lookup
	 * every request makes leaves them out). */
	ts_login(&T, "shequ", DEMO_PW, hdrs, sizeof hdrs);
	assert_int_equal(http_req(T.port, "GET", "/api/me", hdrs, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	u = json_object_get(r.json, "user");
	assert_string_equal(json_string_value(json_object_get(u, "place_name")), "大智路社区");
	assert_int_equal(json_integer_value(json_object_get(u, "grants")),
	                 json_array_size(json_object_get(r.json, "grants")));
	assert_true(json_integer_value(json_object_get(u, "grants")) >= 1);
	hr_free(&r);
}

static void test_bad_credentials_get_401_and_leave_an_audit_row(void **state)
{
	struct hresp r;
	struct xf_err e;
	int64_t sessions_before, sessions;
	db_int(store_reader(T.app.store, &e), &e, &sessions_before, "SELECT count(*) FROM sessions",
	       "");
	assert_int_equal(http_req(T.port, "POST", "/api/session", NULL,
	                          "{\"username\":\"shequ\",\"password\":\"wrong-password\"}", &r),
	                 0);
	assert_int_equal(r.status, 401);
	assert_string_equal(hr_error_code(&r), "invalid_credentials");
	hr_free(&r);
	assert_int_equal(http_req(T.port, "POST", "/api/session", NULL,
	                          "{\"username\":\"nobody\",\"password\":\"wrong-password\"}", &r),
	                 0);
	assert_int_equal(r.status, 401);
	assert_string_equal(hr_error_code(&r), "invalid_credentials");
	hr_free(&r);
	/* The denial is written asynchronously; give the writer a moment. */
	int64_t n = 0;
	for (int i = 0; i < 100 && n < 2; i++) {
		db_int(store_reader(T.app.store, &e), &e, &n,
		       "SELECT count(*) FROM audit_log WHERE action = 'session.create'"
		       " AND outcome = 'failed'",
		       "");
		usleep(10000);
	}
	assert_int_equal(n, 2);
	db_int(store_reader(T.app.store, &e), &e, &sessions, "SELECT count(*) FROM sessions", "");
	assert_int_equal(sessions, sessions_before);
}

static void test_me_without_session_is_401(void **state)
{
	struct hresp r;
	assert_int_equal(http_req(T.port, "GET", "/api/me", NULL, NULL, &r), 0);
	assert_int_equal(r.status, 401);
	assert_string_equal(hr_error_code(&r), "unauthenticated");
	hr_free(&r);
	assert_int_equal(
	    http_req(T.port, "GET", "/api/me", "Cookie: xf_session=forged\r\n", NULL, &r), 0);
	assert_int_equal(r.status, 401);
	assert_string_equal(hr_error_code(&r), "session_expired");
	hr_free(&r);
}

static void test_state_change_needs_csrf_token(void **state)
{
	char hdrs[512], cookie_only[256];
	ts_login(&T, "dangyuan", DEMO_PW, hdrs, sizeof hdrs);
	snprintf(cookie_only, sizeof cookie_only, "%.*s", (int)(strstr(hdrs, "\r\n") - hdrs + 2),
	         hdrs);
	struct hresp r;
	assert_int_equal(http_req(T.port, "PUT", "/api/me/preferences", cookie_only,
	                          "{\"large_text\":true}", &r),
	                 0);
	assert_int_equal(r.status, 403);
	assert_string_equal(hr_error_code(&r), "csrf_failed");
	hr_free(&r);
	char wrong[300];
	snprintf(wrong, sizeof wrong, "%sX-CSRF-Token: not-the-token\r\n", cookie_only);
	assert_int_equal(
	    http_req(T.port, "PUT", "/api/me/preferences", wrong, "{\"large_text\":true}", &r), 0);
	assert_int_equal(r.status, 403);
	hr_free(&r);
	/* Nothing changed. */
	assert_int_equal(http_req(T.port, "GET", "/api/me", hdrs, NULL, &r), 0);
	assert_int_equal(json_object_size(json_object_get(r.json, "preferences")), 0);
	hr_free(&r);
	assert_int_equal(http_req(T.port, "PUT", "/api/me/preferences", hdrs,
	                          "{\"large_text\":true,\"lang\":\"en\"}", &r),
	                 0);
	assert_int_equal(r.status, 200);
	hr_free(&r);
	assert_int_equal(http_req(T.port, "GET", "/api/me", hdrs, NULL, &r), 0);
	json_t *p = json_object_get(r.json, "preferences");
	assert_true(json_is_true(json_object_get(p, "large_text")));
	assert_string_equal(json_string_value(json_object_get(p, "lang")), "en");
	hr_free(&r);
}

struct bad {
	const char *body;
	const char *ctype;
	int status;
	const char *code;
};

static void test_bad_bodies_get_clear_errors_and_change_nothing(void **state)
{
	char hdrs[512];
	ts_login(&T, "wangge", DEMO_PW, hdrs, sizeof hdrs);
	static const struct bad cases[] = {
	    {"{\"large_text\":", "application/json", 400, "invalid_json"},
	    {"{\"large_text\":true,\"large_text\":false}", "application/json", 400,
	     "duplicate_key"},
	    {"{\"large_text\":\"yes\"}", "application/json", 422, "wrong_type"},
	    {"{\"large_text\":true,\"theme\":\"dark\"}", "application/json", 422, "unknown_field"},
	    {"{\"lang\":\"\xff\xfe\"}", "application/json", 400, "invalid_utf8"},
	    {"{\"lang\":\"fr\"}", "application/json", 400, "validation_failed"},
	    {"{}", "application/json", 400, "validation_failed"},
	    {"[true]", "application/json", 400, "invalid_json"},
	    {"{\"large_text\":true}", "text/plain", 415, "unsupported_media_type"},
	};
	for (size_t i = 0; i < XF_ARRAY_LEN(cases); i++) {
		struct buf b;
		buf_init(&b);
		buf_printf(&b,
		           "PUT /api/me/preferences HTTP/1.1\r\nHost: x\r\nConnection: close\r\n%s"
		           "Content-Type: %s\r\nContent-Length: %zu\r\n\r\n%s",
		           hdrs, cases[i].ctype, strlen(cases[i].body), cases[i].body);
		struct hresp r;
		assert_int_equal(http_raw(T.port, b.data, b.len, &r), 0);
		buf_free(&b);
		if (r.status != cases[i].status || strcmp(hr_error_code(&r), cases[i].code) != 0)
			fail_msg("case %zu: got %d %s", i, r.status, r.body);
		assert_non_null(json_string_value(
		    json_object_get(json_object_get(r.json, "error"), "message")));
		hr_free(&r);
	}
	struct hresp r;
	assert_int_equal(http_req(T.port, "GET", "/api/me", hdrs, NULL, &r), 0);
	assert_int_equal(json_object_size(json_object_get(r.json, "preferences")), 0);
	hr_free(&r);
	/* The field is named so a form can point at it. */
	assert_int_equal(
	    http_req(T.port, "PUT", "/api/me/preferences", hdrs, "{\"large_text\":1}", &r), 0);
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(r.json, "error"), "field")),
	    "large_text");
	hr_free(&r);
}

static void test_oversize_bodies_get_413(void **state)
{
	/* Announced: refused before the body is read. */
	const char *raw =
	    "POST /api/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
	    "Content-Length: 10000000\r\n\r\n";
	struct hresp r;
	assert_int_equal(http_raw(T.port, raw, strlen(raw), &r), 0);
	assert_int_equal(r.status, 413);
	assert_string_equal(hr_error_code(&r), "body_too_large");
	hr_free(&r);
	/* Chunked, without a length: refused once it passes the route's limit. */
	struct buf b;
	buf_init(&b);
	buf_puts(&b, "POST /api/session HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
	             "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
	for (int i = 0; i < 8; i++) {
		buf_printf(&b, "400\r\n");
		for (int k = 0; k < 1024; k++)
			buf_putc(&b, 'a');
		buf_puts(&b, "\r\n");
	}
	buf_puts(&b, "0\r\n\r\n");
	assert_int_equal(http_raw(T.port, b.data, b.len, &r), 0);
	buf_free(&b);
	assert_int_equal(r.status, 413);
	hr_free(&r);
	/* A body where none is accepted. */
	assert_int_equal(http_req(T.port, "GET", "/healthz", NULL, "{}", &r), 0);
	assert_int_equal(r.status, 413);
	hr_free(&r);
}

/* A GET of /healthz with a query of `query` bytes after "?x=" and `n` headers of `fill`
 * bytes of value each, named X-00…, sent whole; the answer in *r. */
static void get_with_filler(size_t query, int n, size_t fill, struct hresp *r)
{
	struct buf b;
	buf_init(&b);
	buf_puts(&b, "GET /healthz");
	if (query) {
		buf_puts(&b, "?x=");
		for (size_t k = 0; k < query; k++)
			buf_putc(&b, 'a');
	}
	buf_puts(&b, " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n");
	for (int i = 0; i < n; i++) {
		buf_printf(&b, "X-%02d: ", i);
		for (size_t k = 0; k < fill; k++)
			buf_putc(&b, 'z');
		buf_puts(&b, "\r\n");
	}
	buf_puts(&b, "\r\n");
	assert_int_equal(http_raw(T.port, b.data, b.len, r), 0);
	buf_free(&b);
}

static void test_oversize_headers_get_431_json(void **state)
{
	struct hresp r;
	get_with_filler(0, 40, 500, &r); /* ~20 KiB of headers */
	assert_int_equal(r.status, 431);
	assert_string_equal(hr_error_code(&r), "headers_too_large");
	hr_free(&r);
}

/* The largest request head accepted — an 8 KiB target and 16 KiB of headers in 97 of them —
 * fits a connection's memory and is answered, not refused by libmicrohttpd. */
static void test_the_largest_accepted_request_head_is_answered(void **state)
{
	struct hresp r;
	get_with_filler(8192 - 11, 97, 156, &r); /* the target "/healthz?x=a…": 8,192 bytes */
	assert_int_equal(r.status, 200);
	hr_free(&r);
}

static void test_idempotency_key_replays_and_detects_reuse(void **state)
{
	char hdrs[512], with_key[700];
	ts_login(&T, "shequ2", DEMO_PW, hdrs, sizeof hdrs);
	snprintf(with_key, sizeof with_key, "%sIdempotency-Key: prefs-001\r\n", hdrs);
	struct hresp a, b, c;
	char h[64];
	assert_int_equal(
	    http_req(T.port, "PUT", "/api/me/preferences", with_key, "{\"large_text\":true}", &a),
	    0);
	assert_int_equal(a.status, 200);
	assert_null(hr_header(&a, "Idempotent-Replayed", h, sizeof h));
	/* Change the preference another way, then replay: the stored answer comes back and
	 * the change is not applied twice. */
	assert_int_equal(
	    http_req(T.port, "PUT", "/api/me/preferences", hdrs, "{\"large_text\":false}", &c), 0);
	hr_free(&c);
	assert_int_equal(
	    http_req(T.port, "PUT", "/api/me/preferences", with_key, "{\"large_text\":true}", &b),
	    0);
	assert_int_equal(b.status, 200);
	assert_string_equal(a.body, b.body);
	assert_non_null(hr_header(&b, "Idempotent-Replayed", h, sizeof h));
	hr_free(&b);
	assert_int_equal(http_req(T.port, "GET", "/api/me", hdrs, NULL, &c), 0);
	assert_true(
	    json_is_false(json_object_get(json_object_get(c.json, "preferences"), "large_text")));
	hr_free(&c);
	/* Same key, different body: 409. */
	assert_int_equal(
	    http_req(T.port, "PUT", "/api/me/preferences", with_key, "{\"lang\":\"en\"}", &b), 0);
	assert_int_equal(b.status, 409);
	assert_string_equal(hr_error_code(&b), "idempotency_key_reused");
	hr_free(&b);
	hr_free(&a);
}

struct conc {
	int port;
	const char *hdrs;
	pthread_barrier_t *bar;
	int status;
};

static void *put_once(void *arg)
{
	struct conc *c = arg;
	pthread_barrier_wait(c->bar);
	struct hresp r;
	if (http_req(c->port, "PUT", "/api/me/preferences", c->hdrs, "{\"large_text\":true}", &r) ==
	    0)
		c->status = r.status;
	hr_free(&r);
	return NULL;
}

static void test_64_concurrent_writes_share_commits(void **state)
{
	enum { N = 64 };
	char hdrs[512];
	ts_login(&T, "admin", DEMO_PW, hdrs, sizeof hdrs);
	pthread_barrier_t bar;
	pthread_barrier_init(&bar, NULL, N);
	pthread_t th[N];
	struct conc cs[N];
	/* Several rounds: the first may catch the writer idle. */
	struct writer_stats before = store_stats(T.app.store);
	for (int round = 0; round < 5; round++) {
		for (int i = 0; i < N; i++) {
			cs[i] = (struct conc){T.port, hdrs, &bar, 0};
			pthread_create(&th[i], NULL, put_once, &cs[i]);
		}
		for (int i = 0; i < N; i++) {
			pthread_join(th[i], NULL);
			assert_int_equal(cs[i].status, 200);
		}
	}
	pthread_barrier_destroy(&bar);
	struct writer_stats after = store_stats(T.app.store);
	uint64_t jobs = after.jobs - before.jobs, commits = after.commits - before.commits;
	printf("# 5 x 64 concurrent PUTs: %llu jobs in %llu commits (max batch %llu, %llu "
	       "serialization retries)\n",
	       (unsigned long long)jobs, (unsigned long long)commits,
	       (unsigned long long)after.max_batch,
	       (unsigned long long)(after.retries - before.retries));
	assert_int_equal(after.failed - before.failed, 0);
	assert_true(jobs >= 5 * N);
	if (ts_postgres())
		assert_int_equal(commits, jobs); /* PostgreSQL: one transaction per job */
	else
		assert_true(commits < jobs); /* SQLite: group commit */
}

struct conc_login {
	int port;
	pthread_barrier_t *bar;
	int status;
};

static void *login_once(void *arg)
{
	struct conc_login *c = arg;
	pthread_barrier_wait(c->bar);
	struct hresp r;
	if (http_req(c->port, "POST", "/api/session", NULL,
	             "{\"username\":\"shangdian\",\"password\":\"" DEMO_PW "\"}", &r) == 0)
		c->status = r.status;
	hr_free(&r);
	return NULL;
}

/* The figure: 64 concurrent POSTs (each stores a session and an audit row) are
 * answered after fewer commits than requests. */
static void test_64_concurrent_posts_are_answered_with_fewer_commits(void **state)
{
	enum { N = 64 };
	pthread_barrier_t bar;
	pthread_barrier_init(&bar, NULL, N);
	pthread_t th[N];
	struct conc_login cs[N];
	struct writer_stats before = store_stats(T.app.store);
	for (int i = 0; i < N; i++) {
		cs[i] = (struct conc_login){T.port, &bar, 0};
		pthread_create(&th[i], NULL, login_once, &cs[i]);
	}
	for (int i = 0; i < N; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(cs[i].status, 200);
	}
	pthread_barrier_destroy(&bar);
	struct writer_stats after = store_stats(T.app.store);
	uint64_t jobs = after.jobs - before.jobs, commits = after.commits - before.commits;
	printf("# 64 concurrent POST /api/session: %llu jobs in %llu commits\n",
	       (unsigned long long)jobs, (unsigned long long)commits);
	assert_int_equal(jobs, N);
	if (ts_postgres())
		assert_int_equal(commits, N); /* one transaction per job, four writers */
	else
		assert_true(commits < N);
}

/* Wait (up to 5 s) until the user's newest session shows a request at the current time. */
static void wait_touched(const char *username)
{
	for (int i = 0; i < 500; i++) {
		struct xf_err e;
		int64_t last = 0;
		struct db_stmt *st =
		    db_prep(store_reader(T.app.store, &e),
		            "SELECT coalesce(max(s.last_seen), 0) FROM sessions s JOIN"
		            " users u ON u.id = s.user_id WHERE u.username = ?",
		            &e);
		db_bind_text(st, 1, username);
		if (db_step(st, &e) == DB_ROW)
			last = db_col_int(st, 0);
		db_reset(st);
		if (last >= clock_now() - 5)
			return;
		usleep(10000);
	}
	fail_msg("the session of %s was not refreshed", username);
}

/* Jobs that hold the writers until the test lets them go (a long write: a rollup's store). */
struct gate {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool open;
	int entered, done;
};

static int gate_fn(struct db *db, void *arg, struct xf_err *err)
{
	struct gate *g = arg;
	pthread_mutex_lock(&g->mu);
	g->entered++;
	pthread_cond_broadcast(&g->cv);
	while (!g->open)
		pthread_cond_wait(&g->cv, &g->mu);
	pthread_mutex_unlock(&g->mu);
	return XF_OK;
}

static void gate_done(struct write_job *j)
{
	struct gate *g = j->arg;
	pthread_mutex_lock(&g->mu);
	g->done++;
	pthread_cond_broadcast(&g->cv);
	pthread_mutex_unlock(&g->mu);
}

/* While the writers are busy, a session's requests queue one refresh of its idle timer, not
 * one each. */
static void test_a_busy_writer_gets_one_session_refresh_not_one_per_request(void **state)
{
	char hdrs[512];
	struct hresp r;
	ts_login(&T, "wangge", DEMO_PW, hdrs, sizeof hdrs);
	assert_int_equal(http_req(T.port, "POST", "/api/test/clock", NULL, "{\"advance\":120}", &r),
	                 0);
	hr_free(&r);
	/* SQLite has one writer; PostgreSQL four, each taking one job at a time. */
	int writers = ts_postgres() ? 4 : 1;
	struct gate g = {.open = false};
	struct write_job jobs[4];
	pthread_mutex_init(&g.mu, NULL);
	pthread_cond_init(&g.cv, NULL);
	for (int i = 0; i < writers; i++) {
		jobs[i] = (struct write_job){.fn = gate_fn, .arg = &g, .done = gate_done};
		store_submit(T.app.store, &jobs[i]);
	}
	pthread_mutex_lock(&g.mu);
	while (g.entered < writers)
		pthread_cond_wait(&g.cv, &g.mu);
	pthread_mutex_unlock(&g.mu);
	struct writer_stats before = store_stats(T.app.store);
	for (int i = 0; i < 20; i++) {
		assert_int_equal(http_req(T.port, "GET", "/api/me", hdrs, NULL, &r), 0);
		assert_int_equal(r.status, 200);
		hr_free(&r);
	}
	struct writer_stats queued = store_stats(T.app.store);
	pthread_mutex_lock(&g.mu);
	g.open = true;
	pthread_cond_broadcast(&g.cv);
	while (g.done < writers)
		pthread_cond_wait(&g.cv, &g.mu);
	pthread_mutex_unlock(&g.mu);
	assert_int_equal(queued.queued - before.queued, 1);
	wait_touched("wangge"); /* and that one refresh is written */
	pthread_mutex_destroy(&g.mu);
	pthread_cond_destroy(&g.cv);
}

static void test_session_expires_after_idle_time_and_logout_ends_it(void **state)
{
	char hdrs[512];
	struct hresp r;
	ts_login(&T, "jiedao", DEMO_PW, hdrs, sizeof hdrs);
	/* 25 idle minutes: still signed in, and the request refreshes the idle timer. */
	for (int i = 0; i < 2; i++) {
		assert_int_equal(
		    http_req(T.port, "POST", "/api/test/clock", NULL, "{\"advance\":1500}", &r), 0);
		assert_int_equal(r.status, 200);
		hr_free(&r);
		assert_int_equal(http_req(T.port, "GET", "/api/me", hdrs, NULL, &r), 0);
		assert_int_equal(r.status, 200);
		hr_free(&r);
		wait_touched("jiedao"); /* the refresh is written asynchronously */
	}
	/* 31 idle minutes end it. */
	assert_int_equal(
	    http_req(T.port, "POST", "/api/test/clock", NULL, "{\"advance\":1860}", &r), 0);
	hr_free(&r);
	assert_int_equal(http_req(T.port, "GET", "/api/me", hdrs, NULL, &r), 0);
	assert_int_equal(r.status, 401);
	assert_string_equal(hr_error_code(&r), "session_expired");
	assert_non_null(
	    strstr(json_string_value(json_object_get(json_object_get(r.json, "error"), "message")),
	           "重新登录"));
	hr_free(&r);

	ts_login(&T, "jiedao", DEMO_PW, hdrs, sizeof hdrs);
	assert_int_equal(http_req(T.port, "DELETE", "/api/session", hdrs, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	char h[256];
	assert_non_null(hr_header(&r, "Set-Cookie", h, sizeof h));
	assert_non_null(strstr(h, "Max-Age=0"));
	hr_free(&r);
	assert_int_equal(http_req(T.port, "GET", "/api/me", hdrs, NULL, &r), 0);
	assert_int_equal(r.status, 401);
	hr_free(&r);
}

static void test_admin_routes_refuse_other_roles(void **state)
{
	char hdrs[512];
	struct hresp r;
	ts_login(&T, "jumin", DEMO_PW, hdrs, sizeof hdrs);
	assert_int_equal(http_req(T.port, "GET", "/api/system/status", hdrs, NULL, &r), 0);
	assert_int_equal(r.status, 403);
	assert_string_equal(hr_error_code(&r), "forbidden");
	hr_free(&r);
	ts_login(&T, "admin", DEMO_PW, hdrs, sizeof hdrs);
	assert_int_equal(http_req(T.port, "GET", "/api/system/status", hdrs, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(json_object_get(json_object_get(r.json, "writer"), "commits"));
	assert_true(json_is_true(json_object_get(r.json, "demo")));
	hr_free(&r);
}

static int enqueue(struct db *db, void *arg, struct xf_err *err)
{
	return outbox_enqueue(db, "sms", "13800000002", "工单", "您的诉求已办结，请评价", NULL,
	                      err);
}

static void test_outbox_is_delivered_by_the_scheduler(void **state)
{
	struct xf_err e;
	assert_int_equal(store_write(T.app.store, enqueue, NULL, &e), XF_OK);
	struct hresp r;
	/* Moving the clock runs what is due (the outbox task runs every 5 s). */
	assert_int_equal(http_req(T.port, "POST", "/api/test/clock", NULL, "{\"advance\":10}", &r),
	                 0);
	assert_int_equal(r.status, 200);
	hr_free(&r);
	/* Other tasks queue notices too (the demo city's overdue cases): find ours. */
	FILE *f = fopen(T.outbox, "r");
	assert_non_null(f);
	char line[2048];
	bool found = false;
	while (!found && fgets(line, sizeof line, f))
		found = strstr(line, "13800000002") != NULL;
	fclose(f);
	assert_true(found);
	int64_t n;
	assert_int_equal(db_int(store_reader(T.app.store, &e), &e, &n,
	                        "SELECT count(*) FROM outbox WHERE delivered_at IS NULL AND"
	                        " recipient = '13800000002'",
	                        ""),
	                 XF_OK);
	assert_int_equal(n, 0);
}

static void test_test_clock_is_refused_outside_test_mode(void **state)
{
	struct hresp r;
	T.app.cfg.test_mode = false;
	assert_int_equal(http_req(T.port, "POST", "/api/test/clock", NULL, "{\"advance\":10}", &r),
	                 0);
	T.app.cfg.test_mode = true;
	assert_int_equal(r.status, 404);
	hr_free(&r);
}

static void test_client_address_comes_from_trusted_proxy_only(void **state)
{
	struct hresp r;
	struct xf_err e;
	const char *body = "{\"username\":\"shequ3\",\"password\":\"" DEMO_PW "\"}";
	assert_int_equal(
	    http_req(T.port, "POST", "/api/session", "X-Forwarded-For: 203.0.113.9\r\n", body, &r),
	    0);
	hr_free(&r);
	snprintf(T.app.cfg.trusted_proxies, sizeof T.app.cfg.trusted_proxies, "127.0.0.1");
	assert_int_equal(http_req(T.port, "POST", "/api/session",
	                          "X-Forwarded-For: 198.51.100.7, 127.0.0.1\r\n", body, &r),
	                 0);
	hr_free(&r);
	T.app.cfg.trusted_proxies[0] = 0;
	struct db *db = store_reader(T.app.store, &e);
	struct db_stmt *st = db_prep(db,
	                             "SELECT ip FROM audit_log WHERE action = 'session.create'"
	                             " AND outcome = 'ok' AND user_id = (SELECT id FROM users"
	                             " WHERE username = 'shequ3') ORDER BY id",
	                             &e);
	assert_int_equal(db_step(st, &e), DB_ROW);
	assert_string_equal(db_col_text(st, 0), "127.0.0.1"); /* untrusted peer: header ignored */
	assert_int_equal(db_step(st, &e), DB_ROW);
	assert_string_equal(db_col_text(st, 0), "198.51.100.7");
	db_reset(st);
}

static void test_silent_connection_is_dropped(void **state)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)T.port)};
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
	/* Idle timeout is 2 s in tests: the server must close within a few seconds. */
	struct pollfd p = {fd, POLLIN, 0};
	int64_t t0 = clock_mono_ms();
	int n = poll(&p, 1, 8000);
	assert_int_equal(n, 1);
	char c;
	assert_true(recv(fd, &c, 1, 0) <= 0);
	assert_true(clock_mono_ms() - t0 < 8000);
	close(fd);
}

static void test_access_log_is_json_lines(void **state)
{
	struct hresp r;
	assert_int_equal(http_req(T.port, "GET", "/healthz", NULL, NULL, &r), 0);
	hr_free(&r);
	fflush(log_access_file());
	FILE *f = fopen(T.access, "r");
	assert_non_null(f);
	char line[1024];
	int n = 0;
	while (fgets(line, sizeof line, f)) {
		json_t *v = json_loads(line, 0, NULL);
		assert_non_null(v);
		assert_non_null(json_object_get(v, "status"));
		assert_non_null(json_object_get(v, "ms"));
		json_decref(v);
		n++;
	}
	fclose(f);
	assert_true(n >= 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_healthz_answers_ok_with_security_headers),
	    cmocka_unit_test(test_unknown_route_is_404_json_and_wrong_method_is_405),
	    cmocka_unit_test(test_login_sets_httponly_cookie_and_me_answers),
	    cmocka_unit_test(test_bad_credentials_get_401_and_leave_an_audit_row),
	    cmocka_unit_test(test_me_without_session_is_401),
	    cmocka_unit_test(test_state_change_needs_csrf_token),
	    cmocka_unit_test(test_bad_bodies_get_clear_errors_and_change_nothing),
	    cmocka_unit_test(test_oversize_bodies_get_413),
	    cmocka_unit_test(test_oversize_headers_get_431_json),
	    cmocka_unit_test(test_the_largest_accepted_request_head_is_answered),
	    cmocka_unit_test(test_a_busy_writer_gets_one_session_refresh_not_one_per_request),
	    cmocka_unit_test(test_idempotency_key_replays_and_detects_reuse),
	    cmocka_unit_test(test_64_concurrent_writes_share_commits),
	    cmocka_unit_test(test_64_concurrent_posts_are_answered_with_fewer_commits),
	    cmocka_unit_test(test_session_expires_after_idle_time_and_logout_ends_it),
	    cmocka_unit_test(test_admin_routes_refuse_other_roles),
	    cmocka_unit_test(test_outbox_is_delivered_by_the_scheduler),
	    cmocka_unit_test(test_test_clock_is_refused_outside_test_mode),
	    cmocka_unit_test(test_client_address_comes_from_trusted_proxy_only),
	    cmocka_unit_test(test_silent_connection_is_dropped),
	    cmocka_unit_test(test_access_log_is_json_lines),
	};
	return TS_RUN(tests, setup, teardown);
}
