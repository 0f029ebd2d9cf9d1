/* Delegates and 书记工程 over HTTP on the demo city: every level sees its own duty items and
 * the open/overdue/done counts of every level below (compared with counts made by hand from
 * the table, before and after the clock moves); items are followed up to done once; meeting
 * decisions and site-review findings become items; 挂点领导 are assigned and ended once; red
 * lines are configured and retired and their violations handled once; a delegate sees their
 * own studio, logs visits and inquiries, reports for a half year and is scored once by the
 * community. Each refusal is checked to change nothing. */
#include "../support/testlib.h"
#include "core/clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static struct tserver T;
static char admin[512], shequ[512], shequ2[512], jiedao[512], jumin[512], daibiao[512];

#define SQL_INT(sql, ...)                                                                          \
	(__extension__({                                                                           \
		struct xf_err e_;                                                                  \
		int64_t v_ = -1;                                                                   \
		assert_int_equal(                                                                  \
		    db_int(store_reader(T.app.store, &e_), &e_, &v_, sql, __VA_ARGS__), XF_OK);    \
		v_;                                                                                \
	}))

static void login_all(void)
{
	ts_login(&T, "admin", DEMO_PW, admin, sizeof admin);
	ts_login(&T, "shequ", DEMO_PW, shequ, sizeof shequ);
	ts_login(&T, "shequ2", DEMO_PW, shequ2, sizeof shequ2);
	ts_login(&T, "jiedao", DEMO_PW, jiedao, sizeof jiedao);
	ts_login(&T, "jumin", DEMO_PW, jumin, sizeof jumin);
	ts_login(&T, "daibiao", DEMO_PW, daibiao, sizeof daibiao);
}

static int setup(void **state)
{
	ts_start(&T);
	login_all();
	return 0;
}

static int teardown(void **state)
{
	ts_stop(&T);
	return 0;
}

static void req(const char *method, const char *hdrs, const char *path, const char *body,
                int status, struct hresp *r)
{
	assert_int_equal(http_req(T.port, method, path, hdrs, body, r), 0);
	if (r->status != status)
		fail_msg("%s %s %s: %d %s", method, path, body ? body : "", r->status, r->body);
}

static void req_ok(const char *method, const char *hdrs, const char *path, const char *body,
                   int status)
{
	struct hresp r;
	req(method, hdrs, path, body, status, &r);
	hr_free(&r);
}

static void req_err(const char *method, const char *hdrs, const char *path, const char *body,
                    int status, const char *code)
{
	struct hresp r;
	req(method, hdrs, path, body, status, &r);
	assert_string_equal(hr_error_code(&r), code);
	hr_free(&r);
}

static int64_t num(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

static const char *str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static int64_t place(const char *code)
{
	return SQL_INT("SELECT id FROM places WHERE code = ?", "t", code);
}

static void advance(int64_t secs)
{
	char body[64];
	snprintf(body, sizeof body, "{\"advance\":%lld}", (long long)secs);
	req_ok("POST", NULL, "/api/test/clock", body, 200);
	login_all();
}

/* ---- roll-up, counted by hand ---- */

struct tally {
	int64_t open, overdue, done;
};

static void tally_add(struct tally *t, const char *status, int64_t due, int64_t now)
{
	if (strcmp(status, "done") == 0)
		t->done++;
	else if (due < now)
		t->overdue++;
	else
		t->open++;
}

/* Read every item with its place's path and count: the place's own, each level strictly
 * below it, and in total below it. */
static void hand_count(int64_t at, int64_t now, struct tally *own, struct tally lv[4],
                       struct tally *below)
{
	static const char *const levels[] = {"city", "district", "street", "community"};
	struct xf_err e;
	struct db *db = store_reader(T.app.store, &e);
	char base[256] = "";
	struct db_stmt *st = db_prep(db, "SELECT path FROM places WHERE id = ?", &e);
	db_bind_int(st, 1, at);
	assert_int_equal(db_step(st, &e), DB_ROW);
	snprintf(base, sizeof base, "%s", db_col_text(st, 0));
	db_reset(st);
	memset(own, 0, sizeof *own);
	memset(lv, 0, 4 * sizeof lv[0]);
	memset(below, 0, sizeof *below);
	st = db_prep(db,
	             "SELECT d.place_id, p.path, d.level, d.status, d.due_at FROM duty_items d JOIN"
	             " places p ON p.id = d.place_id",
	             &e);
	assert_non_null(st);
	while (db_step(st, &e) == DB_ROW) {
		const char *path = db_col_text(st, 1), *level = db_col_text(st, 2),
		           *status = db_col_text(st, 3);
		int64_t due = db_col_int(st, 4);
		if (db_col_int(st, 0) == at) {
			tally_add(own, status, due, now);
			continue;
		}
		if (strncmp(path, base, strlen(base)) != 0)
			continue;
		tally_add(below, status, due, now);
		for (int k = 0; k < 4; k++)
			if (strcmp(level, levels[k]) == 0)
				tally_add(&lv[k], status, due, now);
	}
}

static void same(json_t *counts, const struct tally *t, const char *what)
{
	if (num(counts, "open") != t->open || num(counts, "overdue") != t->overdue ||
	    num(counts, "done") != t->done)
		fail_msg("%s: API open %lld overdue %lld done %lld, by hand %lld %lld %lld", what,
		         (long long)num(counts, "open"), (long long)num(counts, "overdue"),
		         (long long)num(counts, "done"), (long long)t->open, (long long)t->overdue,
		         (long long)t->done);
}

/* Ask for place `at` as `who` and compare every count with the hand count. */
static void check_rollup(const char *who, int64_t at)
{
	static const char *const levels[] = {"city", "district", "street", "community"};
	char path[96];
	struct hresp r;
	snprintf(path, sizeof path, "/api/duty-lists?place=%lld", (long long)at);
	req("GET", who, path, NULL, 200, &r);
	struct tally own, lv[4], below;
	hand_count(at, clock_now(), &own, lv, &below);
	same(json_object_get(r.json, "own"), &own, "own");
	same(json_object_get(r.json, "below"), &below, "below");
	/* The place's own items are listed, and only those. */
	json_t *items = json_object_get(r.json, "items"), *it;
	size_t i;
	assert_int_equal(json_array_size(items), own.open + own.overdue + own.done);
	json_array_foreach(items, i, it) assert_int_equal(num(it, "place_id"), at);
	/* Each level below, and nothing for the level itself or above. */
	json_t *by = json_object_get(r.json, "levels");
	for (int k = 0; k < 4; k++) {
		json_t *c = json_object_get(by, levels[k]);
		int64_t n = lv[k].open + lv[k].overdue + lv[k].done;
		if (!n) {
			assert_null(c);
			continue;
		}
		assert_non_null(c);
		same(c, &lv[k], levels[k]);
	}
	/* The children's subtrees add up to everything below. */
	struct tally sum = {0, 0, 0};
	json_array_foreach(json_object_get(r.json, "children"), i, it)
	{
		sum.open += num(it, "open");
		sum.overdue += num(it, "overdue");
		sum.done += num(it, "done");
	}
	same(json_object_get(r.json, "below"), &sum, "children");
	hr_free(&r);
}

static void test_each_level_sees_its_items_and_the_counts_of_every_level_below(void **state)
{
	int64_t dazhi = place("420203009002"), street = place("420203009000");
	int64_t district = SQL_INT("SELECT parent_id FROM places WHERE id = ?", "i", street);
	int64_t city = SQL_INT("SELECT min(id) FROM places WHERE parent_id IS NULL", "");
	/* The demo has items at every level, some overdue and some done. */
	struct tally own, lv[4], below;
	hand_count(city, clock_now(), &own, lv, &below);
	for (int k = 1; k < 4; k++)
		assert_true(lv[k].open + lv[k].overdue + lv[k].done > 0);
	assert_true(below.overdue > 0 && below.done > 0 && below.open > 0);
	check_rollup(admin, city);
	check_rollup(admin, district);
	check_rollup(jiedao, street);
	check_rollup(shequ, dazhi);

	/* A new item at the community, due in two days: the street sees one more open below. */
	char body[256];
	struct hresp r;
	snprintf(body, sizeof body,
	         "{\"place_id\":%lld,\"list\":\"task\",\"title\":\"清理 5 栋楼道堆物\","
	         "\"owner\":\"第一网格党支部\",\"due_at\":%lld}",
	         (long long)dazhi, (long long)(clock_now() + 2 * 86400));
	req("POST", jiedao, "/api/duty-lists", body, 201, &r);
	int64_t item = num(r.json, "id");
	assert_string_equal(str(r.json, "level"), "community");
	assert_string_equal(str(r.json, "state"), "open");
	hr_free(&r);
	snprintf(body, sizeof body, "/api/duty-lists?place=%lld", (long long)street);
	req("GET", jiedao, body, NULL, 200, &r);
	int64_t open_before =
	            num(json_object_get(json_object_get(r.json, "levels"), "community"), "open"),
	        overdue_before =
	            num(json_object_get(json_object_get(r.json, "levels"), "community"), "overdue");
	hr_free(&r);
	check_rollup(jiedao, street);
	check_rollup(admin, city);
	/* Three days later it is overdue, everywhere above it, computed from the clock. */
	advance(3 * 86400);
	req("GET", jiedao, body, NULL, 200, &r);
	json_t *c = json_object_get(json_object_get(r.json, "levels"), "community");
	assert_true(num(c, "overdue") >= overdue_before + 1);
	assert_true(num(c, "open") <= open_before - 1);
	hr_free(&r);
	check_rollup(jiedao, street);
	check_rollup(shequ, dazhi);
	check_rollup(admin, city);
	/* Done: counted as done, once. */
	snprintf(body, sizeof body, "/api/duty-lists/%lld/follow-up", (long long)item);
	req_ok("POST", shequ, body, "{\"note\":\"已清理完毕\",\"done\":true}", 200);
	check_rollup(jiedao, street);
	check_rollup(admin, city);

	/* Refusals: a place outside one's area, a level with no lists, a bad filter. */
	snprintf(body, sizeof body, "/api/duty-lists?place=%lld", (long long)street);
	req_err("GET", shequ, body, NULL, 403, "out_of_scope");
	snprintf(body, sizeof body, "/api/duty-lists?place=%lld",
	         (long long)place("420203009002001"));
	req_err("GET", shequ, body, NULL, 400, "validation_failed");
	req_err("GET", shequ, "/api/duty-lists?status=late", NULL, 400, "validation_failed");
	req_err("GET", shequ, "/api/duty-lists?kind=wish", NULL, 400, "validation_failed");
	req_err("GET", jumin, "/api/duty-lists", NULL, 403, "forbidden");
	/* The filters and the export. */
	req("GET", shequ, "/api/duty-lists?status=done&kind=task", NULL, 200, &r);
	json_t *it;
	size_t i;
	bool found = false;
	json_array_foreach(json_object_get(r.json, "items"), i, it)
	{
		assert_string_equal(str(it, "state"), "done");
		assert_string_equal(str(it, "list"), "task");
		found |= num(it, "id") == item;
	}
	assert_true(found);
	hr_free(&r);
	req("GET", shequ, "/api/duty-lists?format=xlsx", NULL, 200, &r);
	char ct[128];
	assert_non_null(strstr(hr_header(&r, "Content-Type", ct, sizeof ct), "spreadsheetml"));
	hr_free(&r);
}

static void test_items_are_followed_up_to_done_once_and_bad_input_changes_nothing(void **state)
{
	int64_t dazhi = place("420203009002"), youai = place("420205003001");
	int64_t before = SQL_INT("SELECT count(*) FROM duty_items", "");
	char body[320], path[96];
	int64_t due = clock_now() + 30 * 86400;
	snprintf(body, sizeof body,
	         "{\"place_id\":%lld,\"list\":\"task\",\"title\":\"过期\",\"owner\":\"社区\","
	         "\"due_at\":%lld}",
	         (long long)dazhi, (long long)(clock_now() - 60));
	req_err("POST", shequ, "/api/duty-lists", body, 400, "validation_failed");
	snprintf(body, sizeof body,
	         "{\"place_id\":%lld,\"list\":\"wish\",\"title\":\"清单\",\"owner\":\"社区\","
	         "\"due_at\":%lld}",
	         (long long)dazhi, (long long)due);
	req_err("POST", shequ, "/api/duty-lists", body, 400, "validation_failed");
	snprintf(body, sizeof body,
	         "{\"place_id\":%lld,\"list\":\"task\",\"title\":\"网格\",\"owner\":\"社区\","
	         "\"due_at\":%lld}",
	         (long long)place("420203009002001"), (long long)due);
	req_err("POST", shequ, "/api/duty-lists", body, 400, "validation_failed");
	snprintf(body, sizeof body,
	         "{\"place_id\":%lld,\"list\":\"task\",\"title\":\"别人的\",\"owner\":\"社区\","
	         "\"due_at\":%lld}",
	         (long long)youai, (long long)due);
	req_err("POST", shequ, "/api/duty-lists", body, 403, "out_of_scope");
	snprintf(body, sizeof body,
	         "{\"place_id\":%lld,\"list\":\"task\",\"title\":\"多余\",\"owner\":\"社区\","
	         "\"due_at\":%lld,\"priority\":1}",
	         (long long)dazhi, (long long)due);
	req_err("POST", shequ, "/api/duty-lists", body, 422, "unknown_field");
	req_ok("POST", shequ, "/api/duty-lists", "{\"place_id\":", 400);
	assert_int_equal(SQL_INT("SELECT count(*) FROM duty_items", ""), before);

	struct hresp r;
	snprintf(body, sizeof body,
	         "{\"place_id\":%lld,\"list\":\"problem\",\"title\":\"3 号楼屋面漏水\","
	         "\"content\":\"顶层住户反映\",\"owner\":\"物业公司\",\"due_at\":%lld}",
	         (long long)dazhi, (long long)due);
	req("POST", shequ, "/api/duty-lists", body, 201, &r);
	int64_t item = num(r.json, "id");
	hr_free(&r);
	snprintf(path, sizeof path, "/api/duty-lists/%lld/follow-up", (long long)item);
	req_ok("POST", shequ2, path, "{\"note\":\"不是我的\"}", 403);
	req_ok("POST", shequ, path, "{\"note\":\"已联系物业\"}", 200);
	req("POST", shequ, path, "{\"note\":\"已修好，住户确认\",\"done\":true}", 200, &r);
	assert_string_equal(str(r.json, "status"), "done");
	assert_int_equal(json_array_size(json_object_get(r.json, "follow_ups")), 2);
	hr_free(&r);
	req_err("POST", shequ, path, "{\"note\":\"再办一次\",\"done\":true}", 409, "already_done");
	assert_int_equal(SQL_INT("SELECT count(*) FROM duty_notes WHERE item_id = ?", "i", item),
	                 2);
	snprintf(path, sizeof path, "/api/duty-lists/%lld", (long long)item);
	req_ok("GET", shequ2, path, NULL, 403);
	req_ok("GET", jiedao, path, NULL, 200);
	req_ok("GET", shequ, "/api/duty-lists/99999999", NULL, 404);
}

static void test_meeting_decisions_and_site_findings_become_items_followed_up(void **state)
{
	int64_t dazhi = place("420203009002"), street = place("420203009000"),
	        youai = place("420205003001");
	int64_t meetings = SQL_INT("SELECT count(*) FROM joint_meetings", ""),
	        items = SQL_INT("SELECT count(*) FROM duty_items", "");
	char body[1024], path[96];
	long long held = (long long)(clock_now() - 3600), due = held + 20 * 86400;
	/* A decision placed outside the street: refused, and no meeting is left behind. */
	snprintf(body, sizeof body,
	         "{\"place_id\":%lld,\"title\":\"街道党建联席会议\",\"held_at\":%lld,\"agenda\":"
	         "\"停车难\",\"decisions\":[{\"title\":\"施划车位\",\"owner\":\"城管办\","
	         "\"due_at\":%lld},{\"title\":\"越界\",\"owner\":\"某社区\",\"due_at\":%lld,"
	         "\"place_id\":%lld}]}",
	         (long long)street, held, due, due, (long long)youai);
	req_err("POST", jiedao, "/api/joint-meetings", body, 400, "validation_failed");
	/* A leading group below the district, a meeting in the future, a bad decision. */
	snprintf(body, sizeof body,
	         "{\"place_id\":%lld,\"body\":\"leading_group\",\"title\":\"领导小组\",\"held_at\":"
	         "%lld,\"agenda\":\"议题\"}",
	         (long long)street, held);
	req_err("POST", jiedao, "/api/joint-meetings", body, 400, "validation_failed");
	snprintf(body, sizeof body,
	         "{\"place_id\":%lld,\"title\":\"明天的会\",\"held_at\":%lld,\"agenda\":\"议题\"}",
	         (long long)street, (long long)(clock_now() + 86400));
	req_err("POST", jiedao, "/api/joint-meetings", body, 400, "validation_failed");
	snprintf(body, sizeof body,
	         "{\"place_id\":%lld,\"title\":\"会议\",\"held_at\":%lld,\"agenda\":\"议题\","
	         "\"decisions\":[{\"title\":\"早于会议\",\"owner\":\"社区\",\"due_at\":%lld}]}",
	         (long long)street, held, held - 10);
	req_ok("POST", jiedao, "/api/joint-meetings", body, 400);
	snprintf(body, sizeof body,
	         "{\"place_id\":%lld,\"title\":\"会议\",\"held_at\":%lld,\"agenda\":\"议题\","
	         "\"decisions\":[\"施划车位\"]}",
	         (long long)street, held);
	req_ok("POST", jiedao, "/api/joint-meetings", body, 400);
	assert_int_equal(SQL_INT("SELECT count(*) FROM joint_meetings", ""), meetings);
	assert_int_equal(SQL_INT("SELECT count(*) FROM duty_items", ""), items);

	struct hresp r;
	snprintf(body, sizeof body,
	         "{\"place_id\":%lld,\"title\":\"街道党建联席会议（第四季度）\",\"held_at\":%lld,"
	         "\"agenda\":\"停车难；物业投诉\",\"attendees\":\"大工委成员单位\",\"decisions\":"
	         "[{\"title\":\"错时开放单位停车位\",\"owner\":\"街道党工委\",\"due_at\":%lld},"
	         "{\"title\":\"大智路施划临时车位\",\"owner\":\"大智路社区\",\"due_at\":%lld,"
	         "\"place_id\":%lld}]}",
	         (long long)street, held, due, due, (long long)dazhi);
	req("POST", jiedao, "/api/joint-meetings", body, 201, &r);
	int64_t meeting = num(r.json, "id");
	json_t *decisions = json_object_get(r.json, "items");
	assert_int_equal(json_array_size(decisions), 2);
	int64_t second = num(json_array_get(decisions, 1), "id");
	assert_int_equal(num(json_array_get(decisions, 1), "place_id"), dazhi);
	assert_string_equal(str(json_array_get(decisions, 0), "list"), "task");
	hr_free(&r);
	/* The community follows up its decision; the meeting shows it done. */
	snprintf(path, sizeof path, "/api/duty-lists/%lld/follow-up", (long long)second);
	req_ok("POST", shequ, path, "{\"note\":\"已施划 20 个车位\",\"done\":true}", 200);
	snprintf(path, sizeof path, "/api/joint-meetings/%lld", (long long)meeting);
	req("GET", jiedao, path, NULL, 200, &r);
	assert_int_equal(num(r.json, "done"), 1);
	assert_int_equal(num(r.json, "decisions"), 2);
	hr_free(&r);
	req_ok("GET", shequ, path, NULL, 403); /* the street's meeting is above the community */
	req("GET", shequ, "/api/joint-meetings", NULL, 200, &r);
	assert_true(json_array_size(json_object_get(r.json, "items")) >= 1); /* its own */
	hr_free(&r);

	/* A quarterly site review: findings at the community become its 问题清单. */
	int64_t reviews = SQL_INT("SELECT count(*) FROM site_reviews", "");
	snprintf(body, sizeof body,
	         "{\"place_id\":%lld,\"year\":2030,\"quarter\":1,\"title\":\"现场观摩会\","
	         "\"held_at\":%lld,\"findings\":[{\"title\":\"活动室长期上锁\",\"owner\":"
	         "\"社区党委\",\"due_at\":%lld,\"place_id\":%lld}]}",
	         (long long)street, held, due, (long long)dazhi);
	req("POST", jiedao, "/api/site-reviews", body, 201, &r);
	int64_t review = num(r.json, "id");
	json_t *f = json_array_get(json_object_get(r.json, "items"), 0);
	assert_string_equal(str(f, "list"), "problem");
	assert_int_equal(num(f, "place_id"), dazhi);
	assert_int_equal(num(f, "review_id"), review);
	hr_free(&r);
	req_err("POST", jiedao, "/api/site-reviews", body, 409, "review_exists");
	req_ok("POST", shequ, "/api/site-reviews", body, 403);
	snprintf(body, sizeof body,
	         "{\"place_id\":%lld,\"year\":2030,\"quarter\":5,\"title\":\"现场观摩会\","
	         "\"held_at\":%lld}",
	         (long long)street, held);
	req_err("POST", jiedao, "/api/site-reviews", body, 422, "out_of_range");
	assert_int_equal(SQL_INT("SELECT count(*) FROM site_reviews", ""), reviews + 1);
	req("GET", jiedao, "/api/site-reviews?year=2030", NULL, 200, &r);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 1);
	assert_int_equal(num(json_array_get(json_object_get(r.json, "items"), 0), "findings"), 1);
	hr_free(&r);
	req("GET", shequ, "/api/duty-lists?kind=problem", NULL, 200, &r);
	bool seen = false;
	json_t *it;
	size_t i;
	json_array_foreach(json_object_get(r.json, "items"), i, it) seen |=
	    num(it, "review_id") == review;
	assert_true(seen);
	hr_free(&r);
}

static void test_leaders_are_assigned_once_and_ended_once(void **state)
{
	int64_t dazhi = place("420203009002");
	int64_t person = SQL_INT("SELECT min(id) FROM people WHERE id NOT IN (SELECT person_id FROM"
	                         " instructors)",
	                         "");
	char body[256], path[96];
	struct hresp r;
	snprintf(body, sizeof body, "{\"place_id\":%lld,\"person_id\":%lld,\"title\":\"副区长\"}",
	         (long long)dazhi, (long long)person);
	req_ok("POST", shequ2, "/api/instructors", body, 403);
	req_ok("POST", jumin, "/api/instructors", body, 403);
	req("POST", jiedao, "/api/instructors", body, 201, &r);
	int64_t id = num(r.json, "id");
	hr_free(&r);
	req_err("POST", jiedao, "/api/instructors", body, 409, "already_assigned");
	snprintf(body, sizeof body, "{\"place_id\":%lld,\"person_id\":%lld,\"title\":\"副区长\"}",
	         (long long)place("420203009002001"), (long long)person);
	req_err("POST", jiedao, "/api/instructors", body, 400, "validation_failed");
	snprintf(body, sizeof body,
	         "{\"place_id\":%lld,\"person_id\":99999999,\"title\":\"副区长\"}",
	         (long long)dazhi);
	req_err("POST", jiedao, "/api/instructors", body, 400, "validation_failed");
	req("GET", shequ, "/api/instructors", NULL, 200, &r);
	json_t *it;
	size_t i;
	bool found = false;
	json_array_foreach(json_object_get(r.json, "items"), i, it) found |= num(it, "id") == id;
	assert_true(found);
	hr_free(&r);
	snprintf(path, sizeof path, "/api/instructors/%lld/end", (long long)id);
	req_ok("POST", shequ2, path, NULL, 403);
	req_ok("POST", jiedao, path, NULL, 200);
	req_err("POST", jiedao, path, NULL, 409, "already_ended");
}

static void test_red_lines_are_configured_and_violations_handled_once(void **state)
{
	struct hresp r;
	req("GET", jumin, "/api/red-lines", NULL, 200, &r);
	size_t active = json_array_size(json_object_get(r.json, "items"));
	assert_true(active >= 40);
	hr_free(&r);
	req_ok("POST", shequ, "/api/red-lines",
	       "{\"category\":\"工作纪律\",\"text\":\"不得新增一条\"}", 403);
	req("POST", admin, "/api/red-lines",
	    "{\"category\":\"工作纪律\",\"text\":\"不得要求居民重复提交同一份证明材料\"}", 201, &r);
	int64_t line = num(r.json, "id");
	hr_free(&r);
	req_err("POST", admin, "/api/red-lines",
	        "{\"category\":\"工作纪律\",\"text\":\"不得要求居民重复提交同一份证明材料\"}", 409,
	        "duplicate");
	char path[96], body[512];
	snprintf(path, sizeof path, "/api/red-lines/%lld", (long long)line);
	req_ok("PATCH", admin, path, "{}", 400);
	req_ok("PATCH", admin, "/api/red-lines/99999999", "{\"active\":false}", 404);
	req("PATCH", admin, path, "{\"active\":false}", 200, &r);
	assert_false(json_is_true(json_object_get(r.json, "active")));
	hr_free(&r);
	req("GET", jumin, "/api/red-lines", NULL, 200, &r);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), active);
	hr_free(&r);
	req("GET", admin, "/api/red-lines?status=all", NULL, 200, &r);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), active + 1);
	hr_free(&r);

	/* Violations: against a retired line refused; recorded at the community; handled once. */
	int64_t dazhi = place("420203009002"), before = SQL_INT("SELECT count(*) FROM"
	                                                        " red_line_violations",
	                                                        "");
	snprintf(body, sizeof body,
	         "{\"red_line_id\":%lld,\"place_id\":%lld,\"subject\":\"某网格\",\"description\":"
	         "\"要求重复提交\"}",
	         (long long)line, (long long)dazhi);
	req_err("POST", shequ, "/api/red-line-violations", body, 409, "red_line_retired");
	int64_t first = SQL_INT("SELECT id FROM red_lines WHERE ord = 1", "");
	snprintf(body, sizeof body,
	         "{\"red_line_id\":%lld,\"place_id\":%lld,\"subject\":\"某网格\",\"description\":"
	         "\"情况\",\"found_at\":%lld}",
	         (long long)first, (long long)dazhi, (long long)(clock_now() + 86400));
	req_err("POST", shequ, "/api/red-line-violations", body, 400, "validation_failed");
	snprintf(body, sizeof body,
	         "{\"red_line_id\":%lld,\"place_id\":%lld,\"subject\":\"某网格\",\"description\":"
	         "\"情况\"}",
	         (long long)first, (long long)place("420205003001"));
	req_err("POST", shequ, "/api/red-line-violations", body, 403, "out_of_scope");
	assert_int_equal(SQL_INT("SELECT count(*) FROM red_line_violations", ""), before);
	snprintf(body, sizeof body,
	         "{\"red_line_id\":%lld,\"place_id\":%lld,\"subject\":\"某楼栋长\",\"description\":"
	         "\"在居民群发表不当言论\"}",
	         (long long)first, (long long)dazhi);
	req("POST", shequ, "/api/red-line-violations", body, 201, &r);
	int64_t v = num(r.json, "id");
	assert_string_equal(str(r.json, "status"), "reported");
	hr_free(&r);
	snprintf(path, sizeof path, "/api/red-line-violations/%lld/handle", (long long)v);
	req_ok("POST", shequ2, path, "{\"handling\":\"越权\"}", 403);
	req("POST", shequ, path, "{\"handling\":\"批评教育，本人作出书面检查\"}", 200, &r);
	assert_string_equal(str(r.json, "status"), "handled");
	hr_free(&r);
	req_err("POST", shequ, path, "{\"handling\":\"再处理\"}", 409, "already_handled");
	req("GET", jiedao, "/api/red-line-violations?status=handled", NULL, 200, &r);
	json_t *it;
	size_t i;
	bool found = false;
	json_array_foreach(json_object_get(r.json, "items"), i, it)
	{
		assert_string_equal(str(it, "status"), "handled");
		found |= num(it, "id") == v;
	}
	assert_true(found);
	hr_free(&r);
	req("GET", shequ2, "/api/red-line-violations", NULL, 200, &r);
	json_array_foreach(json_object_get(r.json, "items"), i, it) assert_true(num(it, "id") != v);
	hr_free(&r);
}

static void test_a_delegate_keeps_their_studio_and_is_reviewed_once(void **state)
{
	int64_t studio = SQL_INT("SELECT id FROM orgs WHERE code = 'DS420203009002'", "");
	int64_t other = SQL_INT(
	    "SELECT min(id) FROM orgs WHERE kind = 'delegate_studio' AND id <> ?", "i", studio);
	int64_t me = SQL_INT("SELECT person_id FROM users WHERE username = 'daibiao'", "");
	/* Every studio has 5–7 stationed delegates. */
	assert_int_equal(SQL_INT("SELECT count(*) FROM orgs o WHERE o.kind = 'delegate_studio' AND"
	                         " (SELECT count(*) FROM positions p WHERE p.org_id = o.id AND"
	                         " p.post = 'delegate' AND p.ended_at IS NULL) NOT BETWEEN 5 AND 7",
	                         ""),
	                 0);
	assert_true(SQL_INT("SELECT count(*) FROM orgs WHERE kind = 'delegate_studio'", "") >= 2);
	struct hresp r;
	char path[96], body[512];
	/* The delegate sees themselves and their studio, with its cases from the case module. */
	req("GET", daibiao, "/api/delegates", NULL, 200, &r);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 1);
	assert_int_equal(num(json_array_get(json_object_get(r.json, "items"), 0), "person_id"), me);
	hr_free(&r);
	snprintf(path, sizeof path, "/api/studios/%lld", (long long)studio);
	req("GET", daibiao, path, NULL, 200, &r);
	assert_true(json_is_true(json_object_get(r.json, "mine")));
	size_t nd = json_array_size(json_object_get(r.json, "delegates"));
	assert_true(nd >= 5 && nd <= 7);
	assert_int_equal(
	    num(json_object_get(r.json, "cases"), "total"),
	    SQL_INT("SELECT count(*) FROM cases WHERE studio_org_id = ?", "i", studio));
	assert_true(json_array_size(json_object_get(r.json, "visits")) > 0);
	assert_true(json_array_size(json_object_get(r.json, "reviews")) > 0);
	hr_free(&r);
	req_ok("GET", shequ, path, NULL, 200);
	req_ok("GET", shequ2, path, NULL, 403);
	req_ok("GET", jumin, path, NULL, 403);
	snprintf(path, sizeof path, "/api/studios/%lld", (long long)other);
	req_ok("GET", daibiao, path, NULL, 403);
	req_ok("GET", daibiao, "/api/studios/99999999", NULL, 404);

	/* Visits: their own, or entered by staff for a delegate of the studio. */
	int64_t visits = SQL_INT("SELECT count(*) FROM delegate_visits", "");
	int64_t colleague =
	    SQL_INT("SELECT min(person_id) FROM positions WHERE org_id = ? AND post ="
	            " 'delegate' AND person_id <> ?",
	            "ii", studio, me);
	snprintf(path, sizeof path, "/api/studios/%lld/visits", (long long)studio);
	snprintf(
	    body, sizeof body,
	    "{\"kind\":\"visit\",\"held_at\":%lld,\"topic\":\"走访 3 栋独居老人\",\"people\":4}",
	    (long long)(clock_now() - 3600));
	req_ok("POST", daibiao, path, body, 201);
	snprintf(
	    body, sizeof body,
	    "{\"kind\":\"visit\",\"held_at\":%lld,\"topic\":\"替别人登记\",\"person_id\":%lld}",
	    (long long)(clock_now() - 3600), (long long)colleague);
	req_ok("POST", daibiao, path, body, 403);
	snprintf(body, sizeof body, "{\"kind\":\"party\",\"held_at\":%lld,\"topic\":\"聚会\"}",
	         (long long)(clock_now() - 3600));
	req_ok("POST", daibiao, path, body, 400);
	snprintf(body, sizeof body, "{\"kind\":\"visit\",\"held_at\":%lld,\"topic\":\"明天的\"}",
	         (long long)(clock_now() + 86400));
	req_ok("POST", daibiao, path, body, 400);
	snprintf(
	    body, sizeof body,
	    "{\"kind\":\"reception\",\"held_at\":%lld,\"topic\":\"接待日\",\"person_id\":%lld}",
	    (long long)(clock_now() - 3600),
	    (long long)SQL_INT("SELECT person_id FROM users WHERE username = 'jumin'", ""));
	req_err("POST", shequ, path, body, 400, "not_delegate");
	snprintf(
	    body, sizeof body,
	    "{\"kind\":\"reception\",\"held_at\":%lld,\"topic\":\"接待日\",\"person_id\":%lld}",
	    (long long)(clock_now() - 3600), (long long)colleague);
	req_ok("POST", shequ, path, body, 201);
	req_ok("POST", shequ2, path, body, 403);
	req_ok("POST", jumin, path, body, 403);
	assert_int_equal(SQL_INT("SELECT count(*) FROM delegate_visits", ""), visits + 2);

	/* 述职: the delegate reports for the current half, once; the community scores it once. */
	int64_t now = clock_now() + 8 * 3600;
	time_t t = (time_t)now;
	struct tm tm;
	gmtime_r(&t, &tm);
	int year = tm.tm_year + 1900, half = tm.tm_mon < 6 ? 1 : 2;
	snprintf(path, sizeof path, "/api/studios/%lld/reviews", (long long)studio);
	snprintf(body, sizeof body,
	         "{\"year\":%d,\"half\":%d,\"report\":\"半年来走访群众 12 次，接待来访 8 "
	         "人次，督办加装电梯。\"}",
	         year + 1, 1);
	req_ok("POST", daibiao, path, body, 400);
	snprintf(body, sizeof body,
	         "{\"year\":%d,\"half\":%d,\"report\":\"半年来走访群众 12 次，接待来访 8 "
	         "人次，督办加装电梯。\"}",
	         year, half);
	req_err("POST", shequ, path, body, 403, "not_delegate");
	req("POST", daibiao, path, body, 201, &r);
	int64_t review = num(r.json, "id");
	hr_free(&r);
	req_err("POST", daibiao, path, body, 409, "already_reported");
	snprintf(path, sizeof path, "/api/delegate-reviews/%lld/score", (long long)review);
	req_ok("POST", daibiao, path, "{\"score\":100}", 403);
	req_ok("POST", shequ2, path, "{\"score\":80}", 403);
	req_err("POST", shequ, path, "{\"score\":101}", 422, "out_of_range");
	req("POST", shequ, path, "{\"score\":88,\"comment\":\"履职认真\"}", 200, &r);
	assert_string_equal(str(r.json, "grade"), "good");
	hr_free(&r);
	req_err("POST", shequ, path, "{\"score\":95}", 409, "already_scored");
	assert_int_equal(SQL_INT("SELECT score FROM delegate_reviews WHERE id = ?", "i", review),
	                 88);

	/* 询问质询 and the answer, once. */
	snprintf(path, sizeof path, "/api/studios/%lld/inquiries", (long long)studio);
	req("POST", daibiao, path,
	    "{\"kind\":\"inquiry\",\"target\":\"区住建局\",\"subject\":\"加装电梯补贴\","
	    "\"content\":"
	    "\"补贴标准和申请流程是什么？\"}",
	    201, &r);
	int64_t q = num(r.json, "id");
	hr_free(&r);
	req_ok("POST", daibiao, path,
	       "{\"kind\":\"gossip\",\"target\":\"区住建局\",\"subject\":\"主题\",\"content\":"
	       "\"内容\"}",
	       400);
	snprintf(path, sizeof path, "/api/delegate-inquiries/%lld/answer", (long long)q);
	req_ok("POST", daibiao, path, "{\"answer\":\"自己答\"}", 403);
	req_ok("POST", shequ, path, "{\"answer\":\"每台补贴 10 万元，社区统一申报\"}", 200);
	req_err("POST", shequ, path, "{\"answer\":\"再答一次\"}", 409, "already_answered");

	/* Staff see the delegates of their area with counts from the records; it exports. */
	req("GET", shequ, "/api/delegates", NULL, 200, &r);
	json_t *it;
	size_t i;
	bool found = false;
	json_array_foreach(json_object_get(r.json, "items"), i, it)
	{
		if (num(it, "person_id") != me)
			continue;
		found = true;
		assert_int_equal(
		    num(it, "visits"),
		    SQL_INT("SELECT count(*) FROM delegate_visits WHERE person_id = ? AND"
		            " kind = 'visit'",
		            "i", me));
		assert_int_equal(num(it, "last_score"), 88);
	}
	assert_true(found);
	hr_free(&r);
	req("GET", shequ2, "/api/delegates", NULL, 200, &r);
	json_array_foreach(json_object_get(r.json, "items"), i, it)
	    assert_true(num(it, "person_id") != me);
	hr_free(&r);
	req_ok("GET", jumin, "/api/delegates", NULL, 403);
	req("GET", shequ, "/api/delegates?format=csv", NULL, 200, &r);
	assert_non_null(strstr(r.body, "周明"));
	hr_free(&r);
	/* The existing studio list keeps its contract: 周明 first at 大智路. */
	req("GET", jumin, "/api/studios", NULL, 200, &r);
	json_t *first = json_array_get(json_object_get(r.json, "items"), 0);
	assert_int_equal(num(first, "id"), studio);
	assert_string_equal(
	    json_string_value(json_array_get(json_object_get(first, "delegate_names"), 0)),
	    "周明（市党代表）");
	hr_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_a_delegate_keeps_their_studio_and_is_reviewed_once),
	    cmocka_unit_test(test_items_are_followed_up_to_done_once_and_bad_input_changes_nothing),
	    cmocka_unit_test(test_meeting_decisions_and_site_findings_become_items_followed_up),
	    cmocka_unit_test(test_leaders_are_assigned_once_and_ended_once),
	    cmocka_unit_test(test_red_lines_are_configured_and_violations_handled_once),
	    cmocka_unit_test(test_each_level_sees_its_items_and_the_counts_of_every_level_below),
	};
	return TS_RUN(tests, setup, teardown);
}
