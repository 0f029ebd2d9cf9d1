/* sched/: the outbox delivers at least once with back-off; the scheduler runs what is due
 * by clock_now(). */
#include "../support/testlib.h"
#include "core/clock.h"
#include "sched/outbox.h"
#include "sched/sched.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct fx {
	char dir[64], db[512];
	struct store *s;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	ts_tmpdir(f->dir, sizeof f->dir);
	ts_new_db(f->dir, f->db, sizeof f->db);
	struct db *db;
	struct xf_err e;
	assert_int_equal(db_open(f->db, DB_OPEN_CREATE | DB_OPEN_WRITER, &db, &e), XF_OK);
	assert_int_equal(store_migrate(db, &e), XF_OK);
	db_close(db);
	assert_int_equal(store_open(f->db, &f->s, &e), XF_OK);
	clock_set(1800000000);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	store_close(f->s);
	clock_set(0);
	ts_drop_db(f->db);
	ts_rmdir(f->dir);
	free(f);
	return 0;
}

struct msg_arg {
	const char *to;
};

static int enqueue_job(struct db *db, void *arg, struct xf_err *err)
{
	struct msg_arg *m = arg;
	return outbox_enqueue(db, "sms", m->to, "案件进展", "您反映的问题已受理", NULL, err);
}

struct flaky {
	int calls, fail_first;
	char last_to[64];
};

static int flaky_send(void *ctx, const struct outbox_msg *m, struct xf_err *err)
{
	struct flaky *f = ctx;
	f->calls++;
	snprintf(f->last_to, sizeof f->last_to, "%s", m->recipient);
	if (f->calls <= f->fail_first)
		return xf_fail(err, XF_EIO, "gateway_down", "短信网关不可用");
	return XF_OK;
}

/* A macro, so the SQL stays a literal (every statement is registered). */
#define count(f, sql)                                                                              \
	(__extension__({                                                                           \
		struct xf_err e_;                                                                  \
		int64_t n_ = -1;                                                                   \
		assert_int_equal(db_int(store_reader((f)->s, &e_), &e_, &n_, sql, ""), XF_OK);     \
		n_;                                                                                \
	}))

static void test_failed_delivery_is_retried_after_backoff(void **state)
{
	struct fx *f = *state;
	struct xf_err e;
	struct msg_arg m = {"13800000001"};
	assert_int_equal(store_write(f->s, enqueue_job, &m, &e), XF_OK);
	struct flaky fl = {.fail_first = 2};
	struct outbox_sender sender = {"flaky", flaky_send, &fl, NULL};
	int ok, bad;
	assert_int_equal(outbox_deliver(f->s, &sender, 10, &ok, &bad, &e), XF_OK);
	assert_int_equal(ok, 0);
	assert_int_equal(bad, 1);
	/* Not due again until the back-off has passed. */
	assert_int_equal(outbox_deliver(f->s, &sender, 10, &ok, &bad, &e), XF_OK);
	assert_int_equal(ok + bad, 0);
	clock_advance(outbox_backoff(1));
	assert_int_equal(outbox_deliver(f->s, &sender, 10, &ok, &bad, &e), XF_OK);
	assert_int_equal(bad, 1);
	clock_advance(outbox_backoff(2));
	assert_int_equal(outbox_deliver(f->s, &sender, 10, &ok, &bad, &e), XF_OK);
	assert_int_equal(ok, 1);
	assert_int_equal(fl.calls, 3);
	assert_string_equal(fl.last_to, "13800000001");
	assert_int_equal(count(f, "SELECT count(*) FROM outbox WHERE delivered_at IS NOT NULL"), 1);
	assert_int_equal(count(f, "SELECT attempts FROM outbox"), 3);
	/* Delivered messages are not sent again. */
	clock_advance(7200);
	assert_int_equal(outbox_deliver(f->s, &sender, 10, &ok, &bad, &e), XF_OK);
	assert_int_equal(fl.calls, 3);
}

static void test_backoff_doubles_and_is_capped(void **state)
{
	assert_int_equal(outbox_backoff(1), 30);
	assert_int_equal(outbox_backoff(2), 60);
	assert_int_equal(outbox_backoff(3), 120);
	assert_int_equal(outbox_backoff(50), 3600);
}

static void test_file_sender_appends_json_lines(void **state)
{
	struct fx *f = *state;
	struct xf_err e;
	char path[160];
	snprintf(path, sizeof path, "%s/out.log", f->dir);
	struct outbox_sender *s = outbox_file_sender(path, &e);
	struct msg_arg a = {"张三 \"13900000000\""}, b = {"13900000001"};
	assert_int_equal(store_write(f->s, enqueue_job, &a, &e), XF_OK);
	assert_int_equal(store_write(f->s, enqueue_job, &b, &e), XF_OK);
	int ok, bad;
	assert_int_equal(outbox_deliver(f->s, s, 1, &ok, &bad, &e), XF_OK);
	assert_int_equal(ok, 1); /* max respected */
	assert_int_equal(outbox_deliver(f->s, s, 10, &ok, &bad, &e), XF_OK);
	assert_int_equal(ok, 1);
	outbox_sender_free(s);
	FILE *fp = fopen(path, "r");
	assert_non_null(fp);
	char line[512];
	int lines = 0;
	while (fgets(line, sizeof line, fp)) {
		json_t *v = json_loads(line, 0, NULL);
		assert_non_null(v);
		assert_string_equal(json_string_value(json_object_get(v, "channel")), "sms");
		json_decref(v);
		lines++;
	}
	fclose(fp);
	assert_int_equal(lines, 2);
	/* A sender that cannot write reports failure, and the message stays queued. */
	struct outbox_sender *broken = outbox_file_sender("/nonexistent/dir/out.log", &e);
	assert_int_equal(store_write(f->s, enqueue_job, &b, &e), XF_OK);
	assert_int_equal(outbox_deliver(f->s, broken, 10, &ok, &bad, &e), XF_OK);
	assert_int_equal(bad, 1);
	outbox_sender_free(broken);
	assert_int_equal(count(f, "SELECT count(*) FROM outbox WHERE delivered_at IS NULL"), 1);
}

static int counter_task(void *ctx, struct xf_err *err)
{
	(*(int *)ctx)++;
	return XF_OK;
}

static void test_scheduler_runs_tasks_when_due_by_the_clock(void **state)
{
	struct sched *s = sched_new();
	int hourly = 0, minutely = 0;
	sched_add(s, "hourly", 3600, counter_task, &hourly);
	sched_add(s, "minutely", 60, counter_task, &minutely);
	assert_int_equal(sched_tick(s), 2); /* everything runs at the first tick */
	assert_int_equal(sched_tick(s), 0);
	clock_advance(59);
	assert_int_equal(sched_tick(s), 0);
	clock_advance(1);
	assert_int_equal(sched_tick(s), 1);
	assert_int_equal(minutely, 2);
	clock_advance(3600);
	assert_int_equal(sched_tick(s), 2);
	assert_int_equal(hourly, 2);
	assert_int_equal(sched_runs(s, "minutely"), 3);
	sched_free(s);
}

/* A task whose result is still fresh at start-up waits for its first due time. */
static void test_scheduler_first_run_can_wait(void **state)
{
	struct sched *s = sched_new();
	int fresh = 0, stale = 0;
	sched_add_first(s, "fresh", 600, clock_now() + 120, counter_task, &fresh);
	sched_add_first(s, "stale", 600, 0, counter_task, &stale);
	assert_int_equal(sched_tick(s), 1);
	assert_int_equal(fresh, 0);
	assert_int_equal(stale, 1);
	clock_advance(119);
	assert_int_equal(sched_tick(s), 0);
	clock_advance(1);
	assert_int_equal(sched_tick(s), 1);
	assert_int_equal(fresh, 1);
	clock_advance(480); /* 600 s after the start: "stale" is due again, "fresh" at 720 */
	assert_int_equal(sched_tick(s), 1);
	assert_int_equal(stale, 2);
	assert_int_equal(fresh, 1);
	sched_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_failed_delivery_is_retried_after_backoff, setup,
	                                    teardown),
	    cmocka_unit_test(test_backoff_doubles_and_is_capped),
	    cmocka_unit_test_setup_teardown(test_file_sender_appends_json_lines, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_scheduler_runs_tasks_when_due_by_the_clock, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_scheduler_first_run_can_wait, setup, teardown),
	};
	return TS_RUN(tests, NULL, NULL);
}
