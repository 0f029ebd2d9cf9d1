/* 民情闭环 over HTTP on the demo city: a resident's report through every state to a rating,
 * the unsatisfied rounds, returns, scope, deadlines and escalation by the scheduler with the
 * test clock, the 12345 bridge with its own ids, staff entry on a resident's behalf and in
 * batches, 回访 sampling, delegate studios, duplicates and the rates. */
#include "../support/testlib.h"
#include "cases/cases.h"
#include "core/clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct tserver T;
static char shequ[512], shequ2[512], jiedao[512], jumin[512], dangyuan[512], admin[512],
    daibiao[512];

static void login_all(void)
{
	ts_login(&T, "shequ", DEMO_PW, shequ, sizeof shequ);
	ts_login(&T, "shequ2", DEMO_PW, shequ2, sizeof shequ2);
	ts_login(&T, "jiedao", DEMO_PW, jiedao, sizeof jiedao);
	ts_login(&T, "jumin", DEMO_PW, jumin, sizeof jumin);
	ts_login(&T, "dangyuan", DEMO_PW, dangyuan, sizeof dangyuan);
	ts_login(&T, "admin", DEMO_PW, admin, sizeof admin);
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

#define SQL_INT(sql, ...)                                                                          \
	(__extension__({                                                                           \
		struct xf_err e_;                                                                  \
		int64_t v_ = -1;                                                                   \
		assert_int_equal(                                                                  \
		    db_int(store_reader(T.app.store, &e_), &e_, &v_, sql, __VA_ARGS__), XF_OK);    \
		v_;                                                                                \
	}))

static int64_t place(const char *code)
{
	return SQL_INT("SELECT id FROM places WHERE code = ?", "t", code);
}

static void req(const char *method, const char *hdrs, const char *path, const char *body,
                int status, struct hresp *r)
{
	assert_int_equal(http_req(T.port, method, path, hdrs, body, r), 0);
	if (r->status != status)
		fail_msg("%s %s %s: %d %s", method, path, body ? body : "", r->status, r->body);
}

static const char *str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static int64_t num(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

static const char *err_code(struct hresp *r)
{
	return str(json_object_get(r->json, "error"), "code");
}

static int64_t report(const char *hdrs, const char *category, const char *title)
{
	struct hresp r;
	char body[512];
	snprintf(body, sizeof body,
	         "{\"category\":\"%s\",\"title\":\"%s\",\"description\":\"楼道里堆满了杂物，"
	         "影响通行\"}",
	         category, title);
	req("POST", hdrs, "/api/cases", body, 201, &r);
	int64_t id = num(r.json, "id");
	hr_free(&r);
	return id;
}

static void act(const char *hdrs, int64_t id, const char *action, const char *body, int status,
                struct hresp *r)
{
	char path[96];
	snprintf(path, sizeof path, "/api/cases/%lld/%s", (long long)id, action);
	req("POST", hdrs, path, body ? body : "{}", status, r);
}

static void act_ok(const char *hdrs, int64_t id, const char *action, const char *body,
                   const char *want_status)
{
	struct hresp r;
	act(hdrs, id, action, body, 200, &r);
	assert_string_equal(str(r.json, "status"), want_status);
	hr_free(&r);
}

static void get_case(const char *hdrs, int64_t id, int status, struct hresp *r)
{
	char path[64];
	snprintf(path, sizeof path, "/api/cases/%lld", (long long)id);
	req("GET", hdrs, path, NULL, status, r);
}

static bool list_has(json_t *page, int64_t id)
{
	json_t *it;
	size_t i;
	json_array_foreach(json_object_get(page, "items"), i,
	                   it) if (num(it, "id") == id) return true;
	return false;
}

static void advance(int64_t secs)
{
	char body[64];
	struct hresp r;
	snprintf(body, sizeof body, "{\"advance\":%lld}", (long long)secs);
	req("POST", NULL, "/api/test/clock", body, 200, &r);
	hr_free(&r);
	login_all();
}

static int tick_fn(struct db *db, void *arg, struct xf_err *err)
{
	int *out = arg;
	return cases_tick(db, clock_now(), &out[0], &out[1], &out[2], err);
}

static void tick(int out[3])
{
	struct xf_err e;
	assert_int_equal(store_write(T.app.store, tick_fn, out, &e), XF_OK);
}

static void test_a_resident_report_goes_through_every_state_to_a_rating(void **state)
{
	struct hresp r;
	int64_t now = clock_now();
	int64_t id = report(jumin, "sanitation", "三单元楼道堆物");
	get_case(jumin, id, 200, &r);
	assert_string_equal(str(r.json, "status"), "submitted");
	assert_string_equal(str(r.json, "channel"), "mobile");
	/* Placed at her own household's place; the general tier: a reply within 7 days. */
	assert_int_equal(num(r.json, "place_id"),
	                 SQL_INT("SELECT place_id FROM people WHERE id = (SELECT person_id FROM"
	                         " users WHERE username = 'jumin')",
	                         ""));
	assert_true(num(r.json, "due_at") >= now + 7 * 86400 - 5 &&
	            num(r.json, "due_at") <= now + 7 * 86400 + 5);
	hr_free(&r);

	/* 大智路's secretary sees it in her queue; 友爱街's does not, and cannot open it. */
	req("GET", shequ, "/api/cases?status=submitted", NULL, 200, &r);
	assert_true(list_has(r.json, id));
	hr_free(&r);
	req("GET", shequ2, "/api/cases", NULL, 200, &r);
	assert_false(list_has(r.json, id));
	hr_free(&r);
	get_case(shequ2, id, 403, &r);
	hr_free(&r);
	act(shequ2, id, "accept", NULL, 403, &r);
	hr_free(&r);

	/* A resident cannot handle it; an action not allowed in this state changes nothing. */
	act(jumin, id, "accept", NULL, 403, &r);
	hr_free(&r);
	int64_t events = SQL_INT("SELECT count(*) FROM case_events WHERE case_id = ?", "i", id);
	act(shequ, id, "reply", "{\"text\":\"已清理\"}", 409, &r);
	assert_string_equal(err_code(&r), "invalid_state");
	hr_free(&r);
	assert_int_equal(SQL_INT("SELECT count(*) FROM case_events WHERE case_id = ?", "i", id),
	                 events);

	act_ok(shequ, id, "accept", NULL, "accepted");
	/* Assigned to 赵卫东, a party member, who replies himself. */
	char body[128];
	snprintf(body, sizeof body, "{\"person_id\":%lld,\"note\":\"请协调物业清理\"}",
	         (long long)SQL_INT("SELECT person_id FROM users WHERE username = 'dangyuan'", ""));
	act_ok(shequ, id, "assign", body, "assigned");
	act(shequ, id, "assign", "{\"person_id\":1,\"org_id\":1}", 400, &r);
	hr_free(&r);
	req("GET", dangyuan, "/api/cases?mine=1", NULL, 200, &r);
	assert_true(list_has(r.json, id));
	hr_free(&r);
	act_ok(dangyuan, id, "reply", "{\"text\":\"已联系物业，杂物已清走\"}", "replied");

	/* Only the reporter rates. */
	act(shequ, id, "rate", "{\"rating\":\"satisfied\"}", 403, &r);
	assert_string_equal(err_code(&r), "not_reporter");
	hr_free(&r);
	act(jumin, id, "rate", "{\"rating\":\"great\"}", 400, &r);
	hr_free(&r);
	act_ok(jumin, id, "rate", "{\"rating\":\"satisfied\",\"comment\":\"很快\"}", "closed");
	act(jumin, id, "rate", "{\"rating\":\"satisfied\"}", 409, &r); /* once per round */
	hr_free(&r);
	/* Solved and rated: the member who handled it earns by the case rule, once. */
	char ref[32];
	snprintf(ref, sizeof ref, "case:%lld", (long long)id);
	assert_int_equal(SQL_INT("SELECT count(*) FROM points_outcomes WHERE rule = 'case_solved'"
	                         " AND outcome_ref = ? AND person_id = (SELECT person_id FROM users"
	                         " WHERE username = 'dangyuan')",
	                         "t", ref),
	                 1);

	/* Whether the public (Open311) view shows the description is staff's decision. */
	act(jumin, id, "publish", "{\"public\":true}", 403, &r);
	hr_free(&r);
	act_ok(shequ, id, "publish", "{\"public\":true}", "closed");
	assert_int_equal(SQL_INT("SELECT public FROM cases WHERE id = ?", "i", id), 1);
	get_case(jumin, id, 200, &r);
	assert_int_equal(json_array_size(json_object_get(r.json, "timeline")), 6);
	hr_free(&r);
	act_ok(shequ, id, "publish", "{\"public\":false}", "closed");
	/* The timeline keeps who and when for every step. */
	get_case(jumin, id, 200, &r);
	json_t *tl = json_object_get(r.json, "timeline");
	assert_int_equal(json_array_size(tl), 7);
	const char *steps[] = {"submit", "accept", "assign", "reply", "rate"};
	for (size_t i = 0; i < 5; i++) {
		json_t *ev = json_array_get(tl, i);
		assert_string_equal(str(ev, "action"), steps[i]);
		assert_true(num(ev, "at") > 0);
	}
	assert_non_null(strstr(str(json_array_get(tl, 1), "actor"), "李红梅"));
	assert_string_equal(str(r.json, "rating"), "satisfied");
	hr_free(&r);
	/* She heard of every change. */
	assert_true(SQL_INT("SELECT count(*) FROM outbox WHERE channel = 'notice' AND recipient ="
	                    " 'user:' || (SELECT id FROM users WHERE username = 'jumin')"
	                    " AND body LIKE ?",
	                    "t", "%三单元楼道堆物%") >= 5);
}

static void test_unsatisfied_reopens_once_then_goes_to_the_street(void **state)
{
	struct hresp r;
	int64_t id = report(jumin, "property", "电梯经常停运");
	act_ok(shequ, id, "accept", NULL, "accepted");
	act_ok(shequ, id, "reply", "{\"text\":\"已通知物业维修\"}", "replied");
	act_ok(jumin, id, "rate", "{\"rating\":\"unsatisfied\",\"comment\":\"还是坏\"}",
	       "reopened");
	get_case(jumin, id, 200, &r);
	assert_int_equal(num(r.json, "round"), 2);
	assert_int_equal(num(r.json, "handling_place_id"), place("420203009002"));
	hr_free(&r);
	act_ok(shequ, id, "accept", NULL, "accepted");
	act_ok(shequ, id, "reply", "{\"text\":\"更换了控制板\"}", "replied");
	act_ok(jumin, id, "rate", "{\"rating\":\"unsatisfied\"}", "reopened");
	/* The second unsatisfied result goes to the street (澄月街道). */
	get_case(jiedao, id, 200, &r);
	assert_int_equal(num(r.json, "handling_place_id"), place("420203009000"));
	assert_int_equal(num(r.json, "round"), 3);
	hr_free(&r);
	act_ok(jiedao, id, "accept", NULL, "accepted");
	act_ok(jiedao, id, "reply", "{\"text\":\"街道协调更换电梯主机\"}", "replied");
	act_ok(jumin, id, "rate", "{\"rating\":\"basically_satisfied\"}", "closed");
	/* A closed case can be reopened by her with a reason. */
	act_ok(jumin, id, "reopen", "{\"reason\":\"又坏了\"}", "reopened");
	act(shequ2, id, "reopen", "{\"reason\":\"越权重开\"}", 403, &r);
	hr_free(&r);
}

static void test_a_return_reroutes_and_the_new_place_handles_it(void **state)
{
	struct hresp r;
	char body[256];
	int64_t id = report(jumin, "road_light", "路灯不亮");
	act_ok(shequ, id, "accept", NULL, "accepted");
	int64_t youai = place("420205003001");
	snprintf(body, sizeof body, "{\"reason\":\"路段属于友爱街社区\",\"place_id\":%lld}",
	         (long long)youai);
	act_ok(shequ, id, "return", body, "returned");
	/* Now 友爱街's: she accepts it; 大智路's secretary is no longer in charge. */
	act_ok(shequ2, id, "accept", NULL, "accepted");
	act(shequ, id, "reply", "{\"text\":\"越权答复\"}", 403, &r);
	hr_free(&r);
	get_case(jumin, id, 200, &r); /* the reporter still follows it */
	assert_int_equal(num(r.json, "handling_place_id"), youai);
	hr_free(&r);
	/* Without a place it goes one level up to be re-routed there. */
	act_ok(shequ2, id, "return", "{\"reason\":\"不属于社区职责\"}", "returned");
	get_case(shequ2, id, 200, &r);
	assert_int_equal(num(r.json, "handling_place_id"),
	                 SQL_INT("SELECT parent_id FROM places WHERE id = ?", "i", youai));
	hr_free(&r);
	act(shequ, id, "return", "{\"reason\":\"no\"}", 403, &r);
	hr_free(&r);
}

static void test_bad_input_is_refused_and_changes_nothing(void **state)
{
	struct hresp r;
	int64_t before = SQL_INT("SELECT count(*) FROM cases", "");
	req("POST", jumin, "/api/cases",
	    "{\"category\":\"no_such\",\"title\":\"标题\",\"description\":\"描述描述\"}", 400, &r);
	assert_string_equal(str(json_object_get(r.json, "error"), "field"), "category");
	hr_free(&r);
	req("POST", jumin, "/api/cases", "{\"category\":\"sanitation\",\"title\":\"x\"}", 422, &r);
	hr_free(&r);
	req("POST", jumin, "/api/cases",
	    "{\"category\":\"sanitation\",\"title\":\"标题\",\"description\":\"描述描述\","
	    "\"public\":true}",
	    400, &r);
	hr_free(&r);
	req("POST", jumin, "/api/cases",
	    "{\"category\":\"sanitation\",\"title\":\"标题\",\"description\":\"描述描述\","
	    "\"channel\":\"mailbox\"}",
	    403, &r);
	hr_free(&r);
	req("POST", jumin, "/api/cases",
	    "{\"category\":\"sanitation\",\"title\":\"标题\",\"description\":\"描述描述\","
	    "\"place_id\":99999999}",
	    400, &r);
	hr_free(&r);
	req("POST", jumin, "/api/cases",
	    "{\"category\":\"sanitation\",\"title\":\"标题\",\"description\":\"描述描述\","
	    "\"external_id\":\"X1\"}",
	    400, &r);
	hr_free(&r);
	assert_int_equal(SQL_INT("SELECT count(*) FROM cases", ""), before);
	req("GET", jumin, "/api/cases?status=nonsense", NULL, 400, &r);
	hr_free(&r);
	/* Another resident learns nothing about her cases. */
	int64_t id = report(jumin, "neighbour", "楼上噪音");
	get_case(dangyuan, id, 404, &r);
	hr_free(&r);
	act(dangyuan, id, "rate", "{\"rating\":\"satisfied\"}", 404, &r);
	hr_free(&r);
}

static void test_staff_enter_on_behalf_and_in_batches(void **state)
{
	struct hresp r;
	char body[1024];
	int64_t dazhi = place("420203009002");
	int64_t elder =
	    SQL_INT("SELECT min(pe.id) FROM people pe JOIN places g ON g.id = pe.place_id"
	            " WHERE g.parent_id = ? AND pe.birth_year < 1960",
	            "i", dazhi);
	snprintf(body, sizeof body,
	         "{\"category\":\"elderly_care\",\"title\":\"独居老人需要助餐\",\"description\":"
	         "\"电话反映腿脚不便，希望社区助餐\",\"on_behalf_of\":%lld}",
	         (long long)elder);
	req("POST", shequ, "/api/cases", body, 201, &r);
	int64_t id = num(r.json, "id");
	assert_string_equal(str(r.json, "channel"), "staff");
	assert_true(json_is_true(json_object_get(r.json, "entered_on_behalf")));
	assert_int_equal(num(json_object_get(r.json, "reporter"), "id"), elder);
	json_t *first = json_array_get(json_object_get(r.json, "timeline"), 0);
	assert_true(json_is_string(json_object_get(first, "on_behalf_of")));
	hr_free(&r);
	(void)id;
	/* 友爱街's secretary cannot enter for a 大智路 resident. */
	req("POST", shequ2, "/api/cases", body, 403, &r);
	hr_free(&r);

	/* A batch from the 居民意见箱: one bad item refuses all of it, naming the item. */
	int64_t before = SQL_INT("SELECT count(*) FROM cases WHERE channel = 'mailbox'", "");
	snprintf(body, sizeof body,
	         "{\"channel\":\"mailbox\",\"items\":["
	         "{\"category\":\"sanitation\",\"title\":\"垃圾桶满溢\",\"description\":\"东门垃圾"
	         "桶满了\",\"place_id\":%lld},"
	         "{\"category\":\"unknown\",\"title\":\"无效分类\",\"description\":\"描述描述\","
	         "\"place_id\":%lld},"
	         "{\"category\":\"public_order\",\"title\":\"乱停车\",\"description\":\"消防通道"
	         "被占\",\"place_id\":%lld}]}",
	         (long long)dazhi, (long long)dazhi, (long long)dazhi);
	req("POST", shequ, "/api/cases/batch", body, 400, &r);
	assert_string_equal(str(json_object_get(r.json, "error"), "field"), "items[1].category");
	hr_free(&r);
	assert_int_equal(SQL_INT("SELECT count(*) FROM cases WHERE channel = 'mailbox'", ""),
	                 before);
	snprintf(body, sizeof body,
	         "{\"channel\":\"mailbox\",\"items\":["
	         "{\"category\":\"sanitation\",\"title\":\"垃圾桶满溢\",\"description\":\"东门垃圾"
	         "桶满了\",\"place_id\":%lld},"
	         "{\"category\":\"public_order\",\"title\":\"乱停车\",\"description\":\"消防通道"
	         "被占\",\"place_id\":%lld}]}",
	         (long long)dazhi, (long long)dazhi);
	req("POST", shequ, "/api/cases/batch", body, 201, &r);
	assert_int_equal(json_array_size(json_object_get(r.json, "ids")), 2);
	hr_free(&r);
	assert_int_equal(SQL_INT("SELECT count(*) FROM cases WHERE channel = 'mailbox'", ""),
	                 before + 2);
	req("POST", jumin, "/api/cases/batch", body, 403, &r);
	hr_free(&r);
}

static int set_webhook(struct db *db, void *arg, struct xf_err *err)
{
	return db_run(db, err, "UPDATE api_tokens SET webhook_url = ? WHERE id = ?", "ti",
	              "https://hotline.example/xingfu", *(int64_t *)arg);
}

static int make_overdue(struct db *db, void *arg, struct xf_err *err)
{
	return db_run(db, err, "UPDATE cases SET due_at = ? WHERE id = ?", "ii", clock_now() - 10,
	              *(int64_t *)arg);
}

static void test_the_12345_bridge_keeps_its_ids_and_hears_changes(void **state)
{
	struct hresp r;
	char body[512], bearer[160], bearer2[160];
	req("POST", admin, "/api/tokens", "{\"name\":\"12345 热线\",\"scope\":\"12345\"}", 201, &r);
	snprintf(bearer, sizeof bearer, "Authorization: Bearer %s\r\n", str(r.json, "token"));
	int64_t token = num(r.json, "id");
	hr_free(&r);
	req("POST", admin, "/api/tokens", "{\"name\":\"另一个\",\"scope\":\"12345\"}", 201, &r);
	snprintf(bearer2, sizeof bearer2, "Authorization: Bearer %s\r\n", str(r.json, "token"));
	hr_free(&r);
	struct xf_err e;
	assert_int_equal(store_write(T.app.store, set_webhook, &token, &e), XF_OK);
	snprintf(
	    body, sizeof body,
	    "{\"category\":\"water_power\",\"title\":\"小区停水\",\"description\":\"12345 转办："
	    "3 栋停水半天\",\"channel\":\"12345\",\"external_id\":\"GD20261127-001\","
	    "\"place_id\":%lld}",
	    (long long)place("420203009002"));
	req("POST", bearer, "/api/cases", body, 201, &r);
	int64_t id = num(r.json, "id");
	assert_string_equal(str(r.json, "external_id"), "GD20261127-001");
	/* The utilities tier: accept within 2 h, reply within 24 h. */
	assert_int_equal(num(r.json, "due_at") - num(r.json, "created_at"), 86400);
	hr_free(&r);
	/* The same work order again returns the same case. */
	req("POST", bearer, "/api/cases", body, 200, &r);
	assert_int_equal(num(r.json, "id"), id);
	hr_free(&r);
	assert_int_equal(
	    SQL_INT("SELECT count(*) FROM cases WHERE external_id = 'GD20261127-001'", ""), 1);
	get_case(bearer, id, 200, &r);
	hr_free(&r);
	get_case(bearer2, id, 404, &r); /* another client's case */
	hr_free(&r);
	req("POST", bearer, "/api/cases",
	    "{\"category\":\"water_power\",\"title\":\"小区停水\",\"description\":\"没有编号\"}",
	    400, &r);
	hr_free(&r);
	/* Its webhook hears every state change, with its own id. */
	act_ok(shequ, id, "accept", NULL, "accepted");
	act_ok(shequ, id, "reply", "{\"text\":\"管网抢修完毕，已恢复供水\"}", "replied");
	assert_int_equal(SQL_INT("SELECT count(*) FROM outbox WHERE channel = 'webhook' AND"
	                         " recipient = 'https://hotline.example/xingfu' AND body LIKE ?",
	                         "t", "%GD20261127-001%"),
	                 3);
	assert_true(SQL_INT("SELECT count(*) FROM outbox WHERE channel = 'webhook' AND body LIKE ?",
	                    "t", "%\"status\":\"replied\"%") >= 1);
}

static void test_deadlines_remind_escalate_and_autoclose_on_the_clock(void **state)
{
	struct hresp r;
	int out[3];
	tick(out); /* settle anything earlier tests left due */
	/* An emergency: accept within 1 h, reply within 2 h. */
	int64_t id = report(jumin, "safety_hazard", "楼道闻到燃气味");
	int64_t community = place("420203009002"), street = place("420203009000");
	get_case(shequ, id, 200, &r);
	assert_int_equal(num(r.json, "due_at") - num(r.json, "created_at"), 7200);
	assert_int_equal(num(r.json, "handling_place_id"), community);
	hr_free(&r);
	/* Within the reminder window from the start (2 h ≤ 2 h): the community is told once. */
	tick(out);
	assert_true(out[1] >= 1);
	int64_t reminders =
	    SQL_INT("SELECT count(*) FROM outbox WHERE subject = '办理时限提醒'", "");
	tick(out);
	assert_int_equal(SQL_INT("SELECT count(*) FROM outbox WHERE subject = '办理时限提醒'", ""),
	                 reminders);
	/* Not accepted within the hour: the scheduler (run as the clock moves) takes it to the
	 * street. */
	advance(3601);
	get_case(jiedao, id, 200, &r);
	assert_int_equal(num(r.json, "handling_place_id"), street);
	assert_int_equal(num(r.json, "escalations"), 1);
	json_t *tl = json_object_get(r.json, "timeline");
	json_t *last = json_array_get(tl, json_array_size(tl) - 1);
	assert_string_equal(str(last, "action"), "escalate");
	assert_string_equal(str(last, "actor"), "系统");
	assert_false(json_is_true(json_object_get(r.json, "overdue"))); /* a fresh deadline */
	hr_free(&r);
	/* Past its deadline: listed as overdue until the scheduler moves it up. */
	int64_t late = report(jumin, "sanitation", "垃圾三天没清运");
	struct xf_err e;
	assert_int_equal(store_write(T.app.store, make_overdue, &late, &e), XF_OK);
	req("GET", shequ, "/api/cases?overdue=1", NULL, 200, &r);
	assert_true(list_has(r.json, late));
	hr_free(&r);
	tick(out);
	assert_true(out[0] >= 1);
	req("GET", shequ, "/api/cases?overdue=1", NULL, 200, &r);
	assert_false(list_has(r.json, late));
	hr_free(&r);
	/* A reply left unrated for 7 days closes by itself, without a rating. */
	act_ok(jiedao, id, "accept", NULL, "accepted");
	act_ok(jiedao, id, "reply", "{\"text\":\"燃气公司已关阀检修\"}", "replied");
	advance(8 * 86400);
	get_case(jumin, id, 200, &r);
	assert_string_equal(str(r.json, "status"), "closed");
	assert_true(json_is_null(json_object_get(r.json, "rating")));
	hr_free(&r);
}

static void test_followup_sampling_and_supervision(void **state)
{
	struct hresp r;
	req("PUT", admin, "/api/case-settings", "{\"followup_percent\":100}", 200, &r);
	hr_free(&r);
	req("PUT", shequ, "/api/case-settings", "{\"followup_percent\":100}", 403, &r);
	hr_free(&r);
	int64_t id = report(jumin, "sanitation", "小区东门污水外溢");
	/* 督办 comes from above: the street may, the community's own secretary may not. */
	act(shequ, id, "supervise", "{\"text\":\"抓紧办理\"}", 403, &r);
	hr_free(&r);
	act_ok(jiedao, id, "supervise", "{\"text\":\"请两日内办结\"}", "submitted");
	act_ok(shequ, id, "accept", NULL, "accepted");
	act_ok(shequ, id, "reply", "{\"text\":\"疏通了下水道\"}", "replied");
	act(shequ, id, "followup", "{\"outcome\":\"satisfied\"}", 409, &r); /* not closed yet */
	hr_free(&r);
	act_ok(jumin, id, "rate", "{\"rating\":\"satisfied\"}", "closed");
	req("GET", shequ, "/api/cases?followup=1", NULL, 200, &r);
	assert_true(list_has(r.json, id));
	hr_free(&r);
	act(shequ, id, "followup", "{\"outcome\":\"maybe\"}", 400, &r);
	hr_free(&r);
	act_ok(shequ, id, "followup", "{\"outcome\":\"satisfied\",\"note\":\"电话回访，居民满意\"}",
	       "closed");
	act(shequ, id, "followup", "{\"outcome\":\"satisfied\"}", 409, &r);
	hr_free(&r);
	req("GET", shequ, "/api/cases?followup=1", NULL, 200, &r);
	assert_false(list_has(r.json, id));
	hr_free(&r);
	req("PUT", admin, "/api/case-settings", "{\"followup_percent\":0}", 200, &r);
	hr_free(&r);
	int64_t id2 = report(jumin, "sanitation", "草坪被踩坏");
	act_ok(shequ, id2, "accept", NULL, "accepted");
	act_ok(shequ, id2, "reply", "{\"text\":\"补种了草皮\"}", "replied");
	act_ok(jumin, id2, "rate", "{\"rating\":\"satisfied\"}", "closed");
	get_case(shequ, id2, 200, &r);
	assert_false(json_is_true(json_object_get(r.json, "followup_sampled")));
	hr_free(&r);
	req("PUT", admin, "/api/case-settings", "{\"followup_percent\":10}", 200, &r);
	hr_free(&r);
}

static void test_a_delegate_studio_takes_a_case_through_its_stages(void **state)
{
	struct hresp r;
	char body[512];
	int64_t studio = SQL_INT("SELECT id FROM orgs WHERE code = 'DS420203009002'", "");
	/* The resident finds her community's studio and who sits in it. */
	req("GET", jumin, "/api/studios", NULL, 200, &r);
	json_t *first = json_array_get(json_object_get(r.json, "items"), 0);
	assert_int_equal(num(first, "id"), studio);
	assert_string_equal(
	    json_string_value(json_array_get(json_object_get(first, "delegate_names"), 0)),
	    "周明（市党代表）");
	hr_free(&r);
	req("GET", shequ2, "/api/studios", NULL, 200, &r); /* 友爱街 has none in the demo */
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 0);
	hr_free(&r);
	snprintf(body, sizeof body,
	         "{\"category\":\"old_estate\",\"title\":\"希望加装电梯\",\"description\":\"老楼"
	         "六层，老人上下楼困难\",\"studio_id\":%lld}",
	         (long long)studio);
	req("POST", jumin, "/api/cases", body, 201, &r);
	int64_t id = num(r.json, "id");
	assert_int_equal(num(json_object_get(r.json, "studio"), "id"), studio);
	hr_free(&r);
	req("GET", daibiao, "/api/cases?studio=1", NULL, 200, &r);
	assert_true(list_has(r.json, id));
	hr_free(&r);
	act_ok(daibiao, id, "accept", NULL, "accepted"); /* 受理办理 */
	act_ok(daibiao, id, "supervise", "{\"text\":\"请社区一月内拿出方案\"}",
	       "accepted"); /* 整改督导 */
	act_ok(shequ, id, "reply", "{\"text\":\"已纳入老旧小区改造计划\"}", "replied");
	act_ok(jumin, id, "rate", "{\"rating\":\"basically_satisfied\"}", "closed");
	act_ok(daibiao, id, "followup",
	       "{\"outcome\":\"basically_satisfied\",\"note\":\"通报：纳入年度计划\"}",
	       "closed"); /* 通报考核 */
	/* The resident sees the delegate's follow-up on her case. */
	get_case(jumin, id, 200, &r);
	json_t *tl = json_object_get(r.json, "timeline"), *it;
	size_t i;
	bool supervised = false, reported = false;
	json_array_foreach(tl, i, it)
	{
		supervised |= strcmp(str(it, "action"), "supervise") == 0 &&
		              strstr(str(it, "actor"), "周明") != NULL;
		reported |= strcmp(str(it, "action"), "followup") == 0;
	}
	assert_true(supervised && reported);
	hr_free(&r);
	/* A delegate has nothing to do with cases not addressed to the studio. */
	int64_t other = report(jumin, "sanitation", "垃圾没清运");
	act(daibiao, other, "accept", NULL, 404, &r);
	hr_free(&r);
}

static void test_duplicates_are_suggested_and_rates_come_with_counts(void **state)
{
	struct hresp r;
	int64_t a = report(jumin, "public_order", "夜间有人乱停车");
	int64_t b = report(dangyuan, "public_order", "消防通道被车占了");
	get_case(shequ, b, 200, &r);
	json_t *dups = json_object_get(r.json, "possible_duplicates");
	bool found = false;
	json_t *it;
	size_t i;
	json_array_foreach(dups, i, it) found |= num(it, "id") == a;
	assert_true(found);
	hr_free(&r);

	char path[128];
	snprintf(path, sizeof path, "/api/reports/cases?place=%lld&from=0",
	         (long long)place("420203009002"));
	req("GET", shequ, path, NULL, 200, &r);
	json_t *t = json_object_get(r.json, "total");
	int64_t received = num(t, "received"), rated = num(t, "rated"),
	        satisfied = num(t, "satisfied");
	assert_int_equal(received, SQL_INT("SELECT count(*) FROM cases c JOIN places p ON p.id ="
	                                   " c.place_id JOIN places k ON k.code = '420203009002'"
	                                   " WHERE substr(p.path, 1, length(k.path)) = k.path",
	                                   ""));
	assert_true(num(t, "responded") <= received && num(t, "solved") <= received);
	assert_true(rated > 0 && satisfied <= rated);
	double rate = json_real_value(json_object_get(t, "satisfaction_rate"));
	assert_true(rate > (double)satisfied / rated - 1e-9 &&
	            rate < (double)satisfied / rated + 1e-9);
	assert_true(json_array_size(json_object_get(r.json, "handlers")) > 0);
	hr_free(&r);
	req("GET", jumin, path, NULL, 403, &r);
	hr_free(&r);
	req("GET", shequ2, path, NULL, 403, &r);
	hr_free(&r);
}

static void test_deadlines_follow_the_configured_tiers(void **state)
{
	struct hresp r;
	req("POST", admin, "/api/case-tiers",
	    "{\"tier\":\"general\",\"dispatch_minutes\":30,\"feedback_minutes\":240}", 200, &r);
	hr_free(&r);
	req("POST", admin, "/api/case-tiers",
	    "{\"tier\":\"general\",\"dispatch_minutes\":300,\"feedback_minutes\":240}", 400, &r);
	hr_free(&r);
	req("POST", shequ, "/api/case-tiers", "{\"tier\":\"general\",\"feedback_minutes\":240}",
	    403, &r);
	hr_free(&r);
	int64_t id = report(jumin, "neighbour", "装修噪音");
	get_case(jumin, id, 200, &r);
	assert_int_equal(num(r.json, "due_at") - num(r.json, "created_at"), 240 * 60);
	hr_free(&r);
	req("POST", admin, "/api/case-categories",
	    "{\"code\":\"pets\",\"name\":\"宠物扰民\",\"tier\":\"general\",\"group\":\"调解\"}",
	    200, &r);
	hr_free(&r);
	req("GET", jumin, "/api/case-categories", NULL, 200, &r);
	assert_non_null(strstr(r.body, "宠物扰民"));
	hr_free(&r);
	req("POST", admin, "/api/case-tiers",
	    "{\"tier\":\"general\",\"dispatch_minutes\":1440,\"feedback_minutes\":10080}", 200, &r);
	hr_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_a_resident_report_goes_through_every_state_to_a_rating),
	    cmocka_unit_test(test_unsatisfied_reopens_once_then_goes_to_the_street),
	    cmocka_unit_test(test_a_return_reroutes_and_the_new_place_handles_it),
	    cmocka_unit_test(test_bad_input_is_refused_and_changes_nothing),
	    cmocka_unit_test(test_staff_enter_on_behalf_and_in_batches),
	    cmocka_unit_test(test_the_12345_bridge_keeps_its_ids_and_hears_changes),
	    cmocka_unit_test(test_followup_sampling_and_supervision),
	    cmocka_unit_test(test_a_delegate_studio_takes_a_case_through_its_stages),
	    cmocka_unit_test(test_duplicates_are_suggested_and_rates_come_with_counts),
	    cmocka_unit_test(test_deadlines_follow_the_configured_tiers),
	    cmocka_unit_test(test_deadlines_remind_escalate_and_autoclose_on_the_clock),
	};
	return TS_RUN(tests, setup, teardown);
}
