/* 一核多元, part B, over HTTP on the demo city: a convention is signed per version and only
 * by those living under it, an alliance only where no property company serves, a rota
 * reminds whoever is on duty once per turn, a 我爱我楼 call goes from applications through
 * reviews to a grant requested from the fund and its progress, a 三方联动 meeting shows its
 * 交叉任职 and its commitments go from promise through overdue reminder to done, residents
 * rate the property company, incubators at four levels take in organisations with services
 * and volunteers, 三社联动 links a case, and notices count reads without scoring them. */
#include "../support/testlib.h"
#include "auth/auth.h"
#include "core/clock.h"
#include "core/crypto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct tserver T;
static char shequ[512], shequ2[512], shequ3[512], jiedao[512], jumin[512], dangyuan[512], wuye[512],
    resident2[512];

#define SQL_INT(sql, ...)                                                                          \
	(__extension__({                                                                           \
		struct xf_err e_;                                                                  \
		int64_t v_ = -1;                                                                   \
		assert_int_equal(                                                                  \
		    db_int(store_reader(T.app.store, &e_), &e_, &v_, sql, __VA_ARGS__), XF_OK);    \
		v_;                                                                                \
	}))

/* A resident of 大智路 outside jumin's grid, with an account. */
static int make_resident2(struct db *db, void *arg, struct xf_err *err)
{
	(void)arg;
	int64_t person = 0, user, grid = 0;
	char hash[160];
	int rc = db_int(db, err, &grid, "SELECT id FROM places WHERE code = '420203009002003'", "");
	if (rc == XF_OK)
		rc = db_int(
		    db, err, &person,
		    "SELECT min(pe.id) FROM people pe JOIN places h ON h.id = pe.place_id JOIN"
		    " places g ON g.id = ? WHERE substr(h.path, 1, length(g.path)) = g.path",
		    "i", grid);
	if (rc == XF_OK)
		rc = crypto_pw_hash(DEMO_PW, hash, sizeof hash, err);
	if (rc == XF_OK)
		rc = auth_user_create(db, "resident2", hash, "第三网格居民", person, NULL, &user,
		                      err);
	if (rc == XF_OK)
		rc = auth_grant_add(db, user, "resident", grid, 0, NULL, err);
	return rc;
}

static void login_all(void)
{
	ts_login(&T, "shequ", DEMO_PW, shequ, sizeof shequ);
	ts_login(&T, "shequ2", DEMO_PW, shequ2, sizeof shequ2);
	ts_login(&T, "shequ3", DEMO_PW, shequ3, sizeof shequ3);
	ts_login(&T, "jiedao", DEMO_PW, jiedao, sizeof jiedao);
	ts_login(&T, "jumin", DEMO_PW, jumin, sizeof jumin);
	ts_login(&T, "dangyuan", DEMO_PW, dangyuan, sizeof dangyuan);
	ts_login(&T, "wuye", DEMO_PW, wuye, sizeof wuye);
	ts_login(&T, "resident2", DEMO_PW, resident2, sizeof resident2);
}

static int setup(void **state)
{
	(void)state;
	ts_start(&T);
	struct xf_err e;
	assert_int_equal(store_write(T.app.store, make_resident2, NULL, &e), XF_OK);
	login_all();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
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

static int64_t place(const char *code)
{
	return SQL_INT("SELECT id FROM places WHERE code = ?", "t", code);
}

static int64_t person_of(const char *user)
{
	return SQL_INT("SELECT person_id FROM users WHERE username = ?", "t", user);
}

static void post(const char *hdrs, const char *path, const char *body, int status, struct hresp *r)
{
	req("POST", hdrs, path, body, status, r);
}

static void post_ok(const char *hdrs, const char *path, const char *body, int status)
{
	struct hresp r;
	post(hdrs, path, body, status, &r);
	hr_free(&r);
}

static void post_err(const char *hdrs, const char *path, const char *body, int status,
                     const char *code)
{
	struct hresp r;
	post(hdrs, path, body, status, &r);
	if (strcmp(err_code(&r), code) != 0)
		fail_msg("%s %s: wanted %s, got %s", path, body, code, r.body);
	hr_free(&r);
}

static json_t *find(json_t *page, const char *key, int64_t id)
{
	json_t *it;
	size_t i;
	json_array_foreach(json_object_get(page, "items"), i, it) if (num(it, key) == id) return it;
	return NULL;
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

static int64_t outbox_to(int64_t person, const char *subject)
{
	char user[48], pers[48];
	int64_t uid =
	    SQL_INT("SELECT coalesce(min(id), 0) FROM users WHERE person_id = ?", "i", person);
	snprintf(user, sizeof user, "user:%lld", (long long)uid);
	snprintf(pers, sizeof pers, "person:%lld", (long long)person);
	return SQL_INT("SELECT count(*) FROM outbox WHERE (recipient = ? OR recipient = ?) AND"
	               " subject = ?",
	               "ttt", user, pers, subject);
}

static void test_a_convention_is_signed_per_version_by_those_living_under_it(void **state)
{
	(void)state;
	struct hresp r;
	char path[128], body[512];
	int64_t grid2 = place("420203009002002"), grid3 = place("420203009002003");
	int64_t me = person_of("jumin");
	assert_int_equal(SQL_INT("SELECT place_id FROM people WHERE id = ?", "i", me), grid2);

	snprintf(
	    body, sizeof body,
	    "{\"place_id\":%lld,\"title\":\"第二网格停车公约\",\"text\":\"车辆停放在划线车位内，"
	    "不占消防通道，不占盲道。\"}",
	    (long long)grid2);
	post_err(shequ2, "/api/conventions", body, 403, "out_of_scope");
	post_err(jumin, "/api/conventions", body, 403, "forbidden");
	post(shequ, "/api/conventions", body, 201, &r);
	int64_t conv = num(r.json, "id");
	assert_int_equal(num(r.json, "version"), 1);
	hr_free(&r);
	/* A convention belongs to a building, an estate or a community, not a street. */
	snprintf(
	    body, sizeof body,
	    "{\"place_id\":%lld,\"title\":\"街道公约\",\"text\":\"这是一份不该订在街道的公约。\"}",
	    (long long)place("420203009000"));
	post_err(jiedao, "/api/conventions", body, 400, "validation_failed");
	post_err(shequ, "/api/conventions", "{\"place_id\":1,\"title\":\"x\",\"text\":\"短\"}", 422,
	         "out_of_range");

	/* The resident finds it and signs; once per version. */
	req("GET", jumin, "/api/conventions", NULL, 200, &r);
	json_t *c = find(r.json, "id", conv);
	assert_non_null(c);
	assert_false(json_is_true(json_object_get(c, "signed_by_me")));
	hr_free(&r);
	snprintf(path, sizeof path, "/api/conventions/%lld/sign", (long long)conv);
	post(jumin, path, "{}", 200, &r);
	assert_true(json_is_true(json_object_get(r.json, "signed_by_me")));
	hr_free(&r);
	post_err(jumin, path, "{}", 409, "already_signed");
	/* A neighbour from another grid may not sign it, nor may staff sign for them. */
	post_err(resident2, path, "{}", 403, "not_resident_here");
	snprintf(body, sizeof body, "{\"person_id\":%lld}", (long long)person_of("resident2"));
	post_err(shequ, path, body, 400, "not_resident_here");
	post_err(shequ2, path, "{\"person_id\":1}", 403, "out_of_scope");
	/* Staff sign for a resident of the grid who has no phone (recorded as such). */
	int64_t neighbour = SQL_INT("SELECT min(pe.id) FROM people pe JOIN places h ON h.id ="
	                            " pe.place_id JOIN places g ON g.id = ? WHERE substr(h.path, 1,"
	                            " length(g.path)) = g.path AND pe.id <> ?",
	                            "ii", grid2, me);
	snprintf(body, sizeof body, "{\"person_id\":%lld}", (long long)neighbour);
	post(shequ, path, body, 200, &r);
	json_t *s, *signers = json_object_get(r.json, "signers");
	size_t i;
	int behalf = 0;
	json_array_foreach(signers, i, s) behalf += json_is_true(json_object_get(s, "on_behalf"));
	assert_int_equal(behalf, 1);
	assert_int_equal(json_array_size(signers), 2);
	hr_free(&r);

	/* A new version must differ, and asks everyone to sign again. */
	snprintf(path, sizeof path, "/api/conventions/%lld/versions", (long long)conv);
	post_err(shequ, path, "{\"text\":\"车辆停放在划线车位内，不占消防通道，不占盲道。\"}", 409,
	         "same_text");
	post_err(jumin, path, "{\"text\":\"居民自己改的公约内容很长很长\"}", 403, "forbidden");
	post(
	    shequ, path,
	    "{\"text\":\"车辆停放在划线车位内，不占消防通道、盲道；夜间不鸣笛。\",\"note\":\"议事会"
	    "修订\"}",
	    200, &r);
	assert_int_equal(num(r.json, "version"), 2);
	assert_int_equal(json_array_size(json_object_get(r.json, "versions")), 2);
	assert_int_equal(json_array_size(json_object_get(r.json, "signers")), 0);
	hr_free(&r);
	snprintf(path, sizeof path, "/api/conventions/%lld", (long long)conv);
	req("GET", jumin, path, NULL, 200, &r);
	assert_false(json_is_true(json_object_get(r.json, "signed_by_me")));
	hr_free(&r);
	req("GET", resident2, path, NULL, 403, &r);
	hr_free(&r);
	snprintf(path, sizeof path, "/api/conventions/%lld/sign", (long long)conv);
	post_ok(jumin, path, "{}", 200);
	assert_int_equal(SQL_INT("SELECT count(*) FROM convention_signatures WHERE convention_id"
	                         " = ? AND person_id = ?",
	                         "ii", conv, me),
	                 2);
	post_ok(jumin, "/api/conventions/999999/sign", "{}", 404);

	/* 楼栋自治联盟: not where a property company serves; a building joins only one. */
	int64_t grid1 = place("420203009002001");
	int64_t b1 = SQL_INT("SELECT min(id) FROM places WHERE parent_id = ?", "i", grid1);
	int64_t b2 = SQL_INT("SELECT min(id) FROM places WHERE parent_id = ?", "i", grid2);
	int64_t b3 = SQL_INT("SELECT min(id) FROM places WHERE parent_id = ?", "i", grid3);
	snprintf(
	    body, sizeof body,
	    "{\"place_id\":%lld,\"name\":\"第一网格联盟\",\"buildings\":[{\"building_id\":%lld}]}",
	    (long long)grid1, (long long)b1);
	post_err(shequ, "/api/conventions/alliances", body, 409, "has_property_company");
	snprintf(
	    body, sizeof body,
	    "{\"place_id\":%lld,\"name\":\"第三网格联盟\",\"buildings\":[{\"building_id\":%lld}]}",
	    (long long)grid3, (long long)b2);
	post_err(shequ, "/api/conventions/alliances", body, 400, "validation_failed");
	snprintf(
	    body, sizeof body,
	    "{\"place_id\":%lld,\"name\":\"第三网格联盟\",\"buildings\":[{\"building_id\":%lld,"
	    "\"head_id\":%lld}]}",
	    (long long)grid3, (long long)b3, (long long)me);
	post_err(shequ, "/api/conventions/alliances", body, 400, "validation_failed");
	snprintf(
	    body, sizeof body,
	    "{\"place_id\":%lld,\"name\":\"第三网格联盟\",\"buildings\":[{\"building_id\":%lld}]}",
	    (long long)grid3, (long long)b3);
	char odd[256];
	snprintf(
	    odd, sizeof odd,
	    "{\"place_id\":%lld,\"name\":\"第三网格联盟\",\"buildings\":[{\"building_id\":%lld,"
	    "\"floors\":6}]}",
	    (long long)grid3, (long long)b3);
	post_err(shequ, "/api/conventions/alliances", odd, 400, "validation_failed");
	post(shequ, "/api/conventions/alliances", body, 201, &r);
	assert_int_equal(num(r.json, "buildings"), 1);
	hr_free(&r);
	post_err(shequ, "/api/conventions/alliances", body, 409, "building_taken");
	req("GET", jumin, "/api/conventions/alliances", NULL, 403, &r);
	hr_free(&r);
}

static void test_a_rota_reminds_whoever_is_on_duty_once_per_turn(void **state)
{
	(void)state;
	struct hresp r;
	char body[512], path[64];
	int64_t grid3 = place("420203009002003");
	int64_t b = SQL_INT("SELECT min(id) FROM places WHERE parent_id = ?", "i", grid3);
	/* The last two residents of the building: the demo's rota there has the first six. */
	int64_t p2 = SQL_INT("SELECT max(pe.id) FROM people pe JOIN places h ON h.id = pe.place_id"
	                     " WHERE h.parent_id = ?",
	                     "i", b);
	int64_t p1 = SQL_INT("SELECT max(pe.id) FROM people pe JOIN places h ON h.id = pe.place_id"
	                     " WHERE h.parent_id = ? AND pe.id < ?",
	                     "ii", b, p2);
	int64_t outsider = person_of("jumin");
	int64_t starts = clock_now() + 2 * 3600;
	snprintf(
	    body, sizeof body,
	    "{\"place_id\":%lld,\"title\":\"测试楼卫生值日\",\"period_days\":1,\"starts_at\":%lld,"
	    "\"members\":[%lld,%lld]}",
	    (long long)b, (long long)starts, (long long)p1, (long long)outsider);
	post_err(shequ, "/api/rotas", body, 400, "validation_failed");
	snprintf(
	    body, sizeof body,
	    "{\"place_id\":%lld,\"title\":\"测试楼卫生值日\",\"period_days\":1,\"starts_at\":%lld,"
	    "\"members\":[%lld,%lld]}",
	    (long long)b, (long long)starts, (long long)p1, (long long)p1);
	post_err(shequ, "/api/rotas", body, 400, "validation_failed");
	snprintf(
	    body, sizeof body,
	    "{\"place_id\":%lld,\"title\":\"测试楼卫生值日\",\"period_days\":0,\"starts_at\":%lld,"
	    "\"members\":[%lld]}",
	    (long long)b, (long long)starts, (long long)p1);
	post_err(shequ, "/api/rotas", body, 422, "out_of_range");
	snprintf(
	    body, sizeof body,
	    "{\"place_id\":%lld,\"title\":\"测试楼卫生值日\",\"period_days\":1,\"starts_at\":%lld,"
	    "\"members\":[%lld,%lld]}",
	    (long long)b, (long long)starts, (long long)p1, (long long)p2);
	post_err(shequ2, "/api/rotas", body, 403, "out_of_scope");
	post(shequ, "/api/rotas", body, 201, &r);
	int64_t rota = num(r.json, "id");
	json_t *turns = json_object_get(r.json, "turns");
	assert_int_equal(json_array_size(turns), 8);
	assert_int_equal(num(json_array_get(turns, 0), "from"), starts);
	hr_free(&r);
	snprintf(path, sizeof path, "/api/rotas/%lld", (long long)rota);
	req("GET", jumin, path, NULL, 403, &r);
	hr_free(&r);
	req("GET", resident2, "/api/rotas", NULL, 200, &r);
	hr_free(&r);

	/* The scheduler reminds whoever's turn begins within a day, once per turn. */
	assert_int_equal(outbox_to(p1, "值日提醒"), 0);
	advance(3601); /* the first turn begins in an hour */
	assert_int_equal(outbox_to(p1, "值日提醒"), 1);
	assert_int_equal(outbox_to(p2, "值日提醒"), 0);
	advance(1800);
	assert_int_equal(outbox_to(p1, "值日提醒"), 1);
	advance(1801); /* the first turn has begun; the second begins within a day */
	assert_int_equal(outbox_to(p1, "值日提醒"), 1);
	assert_int_equal(outbox_to(p2, "值日提醒"), 1);
	advance(86400); /* two members: the third turn is the first member's again */
	assert_int_equal(outbox_to(p2, "值日提醒"), 1);
	assert_int_equal(outbox_to(p1, "值日提醒"), 2);
}

static void test_a_venture_goes_from_call_to_grant_and_progress(void **state)
{
	(void)state;
	struct hresp r;
	char body[512], path[96];
	int64_t dazhi = place("420203009002");
	int64_t fund = SQL_INT("SELECT min(id) FROM funds WHERE place_id = ? AND kind = 'service'",
	                       "i", dazhi);
	int64_t closes = clock_now() + 86400;
	snprintf(
	    body, sizeof body,
	    "{\"place_id\":%lld,\"title\":\"测试创投\",\"budget_fen\":300000,\"closes_at\":%lld,"
	    "\"fund_id\":%lld,\"category\":\"banquet\"}",
	    (long long)dazhi, (long long)closes, (long long)fund);
	post_err(shequ, "/api/ventures", body, 400, "validation_failed");
	snprintf(
	    body, sizeof body,
	    "{\"place_id\":%lld,\"title\":\"测试创投\",\"budget_fen\":300000,\"closes_at\":%lld}",
	    (long long)dazhi, (long long)(clock_now() - 10));
	post_err(shequ, "/api/ventures", body, 400, "validation_failed");
	snprintf(
	    body, sizeof body,
	    "{\"place_id\":%lld,\"title\":\"测试创投\",\"budget_fen\":300000,\"closes_at\":%lld,"
	    "\"fund_id\":%lld,\"category\":\"activity\"}",
	    (long long)dazhi, (long long)closes, (long long)fund);
	post_err(shequ2, "/api/ventures", body, 403, "out_of_scope");
	post(shequ, "/api/ventures", body, 201, &r);
	int64_t call = num(r.json, "id");
	assert_true(json_is_true(json_object_get(r.json, "open")));
	hr_free(&r);

	/* Residents apply for their group; staff enter a social organisation's application. */
	snprintf(path, sizeof path, "/api/ventures/%lld/applications", (long long)call);
	post_err(jumin, path,
	         "{\"group_name\":\"二网格议事会\",\"title\":\"楼道扶手\",\"plan\":"
	         "\"为老楼加装楼道扶手，"
	         "居民自己监督施工。\",\"amount_fen\":300001}",
	         400, "validation_failed");
	post(jumin, path,
	     "{\"group_name\":\"二网格议事会\",\"title\":\"楼道扶手\",\"plan\":"
	     "\"为老楼加装楼道扶手，"
	     "居民自己监督施工。\",\"amount_fen\":200000}",
	     201, &r);
	int64_t mine = num(r.json, "id");
	hr_free(&r);
	int64_t org = SQL_INT("SELECT min(id) FROM orgs WHERE place_id = ? AND kind = 'social_org'",
	                      "i", dazhi);
	snprintf(body, sizeof body,
	         "{\"group_name\":\"夕阳红\",\"title\":\"老人探访\",\"plan\":\"每周两次上门探访独居"
	         "老人。\",\"amount_fen\":150000,\"org_id\":%lld}",
	         (long long)org);
	post(shequ, path, body, 201, &r);
	int64_t theirs = num(r.json, "id");
	hr_free(&r);
	post(jumin, path,
	     "{\"group_name\":\"三人小组\",\"title\":\"楼顶花园\",\"plan\":\"在楼顶种花种菜，"
	     "大家认领。\",\"amount_fen\":50000}",
	     201, &r);
	int64_t third = num(r.json, "id");
	hr_free(&r);
	req("GET", shequ2, path + 0, NULL, 405, &r);
	hr_free(&r);

	/* Reviews come after the call closes; nobody reviews what they entered. */
	snprintf(path, sizeof path, "/api/ventures/applications/%lld/reviews", (long long)mine);
	post_err(shequ, path, "{\"score\":85}", 409, "call_still_open");
	advance(86401);
	snprintf(path, sizeof path, "/api/ventures/%lld/applications", (long long)call);
	post_err(
	    jumin, path,
	    "{\"group_name\":\"迟到的\",\"title\":\"迟到\",\"plan\":\"截止之后才来申报的项目\","
	    "\"amount_fen\":100}",
	    409, "call_closed");
	snprintf(path, sizeof path, "/api/ventures/applications/%lld/reviews", (long long)mine);
	post_err(jumin, path, "{\"score\":100}", 403, "forbidden");
	post_err(shequ, path, "{\"score\":101}", 422, "out_of_range");
	post_ok(shequ, path, "{\"score\":85}", 200);
	post(jiedao, path, "{\"score\":80,\"note\":\"方案具体\"}", 200, &r);
	json_t *apps = json_object_get(r.json, "applications"), *x;
	size_t i;
	json_array_foreach(apps, i, x) if (num(x, "id") == mine)
	{
		assert_int_equal(num(x, "reviews"), 2);
		assert_true(json_real_value(json_object_get(x, "score")) > 82.4 &&
		            json_real_value(json_object_get(x, "score")) < 82.6);
	}
	hr_free(&r);
	snprintf(path, sizeof path, "/api/ventures/applications/%lld/reviews", (long long)theirs);
	post_err(shequ, path, "{\"score\":90}", 403, "own_application");
	post_ok(jiedao, path, "{\"score\":90}", 200);

	/* Decisions: reviewed first, within the budget; a grant asks the fund. */
	snprintf(path, sizeof path, "/api/ventures/applications/%lld/decision", (long long)third);
	post_err(shequ, path, "{\"fund\":true}", 409, "not_reviewed");
	snprintf(path, sizeof path, "/api/ventures/applications/%lld/decision", (long long)mine);
	post_err(shequ2, path, "{\"fund\":true}", 403, "out_of_scope");
	post_err(shequ, path, "{\"fund\":true,\"granted_fen\":200001}", 400, "validation_failed");
	int64_t before = SQL_INT("SELECT count(*) FROM expenditures WHERE fund_id = ?", "i", fund);
	post_ok(shequ, path, "{\"fund\":true,\"granted_fen\":180000,\"note\":\"资助\"}", 200);
	assert_int_equal(SQL_INT("SELECT count(*) FROM expenditures WHERE fund_id = ?", "i", fund),
	                 before + 1);
	assert_int_equal(SQL_INT("SELECT e.amount_fen FROM venture_apps x JOIN expenditures e ON"
	                         " e.id = x.expenditure_id WHERE x.id = ? AND e.status = 'pending'",
	                         "i", mine),
	                 180000);
	assert_int_equal(outbox_to(person_of("jumin"), "公益创投结果"), 1);
	post_err(shequ, path, "{\"fund\":false}", 409, "already_decided");
	snprintf(path, sizeof path, "/api/ventures/applications/%lld/decision", (long long)theirs);
	post_err(shequ, path, "{\"fund\":true}", 400, "over_budget");
	assert_int_equal(SQL_INT("SELECT count(*) FROM expenditures WHERE fund_id = ?", "i", fund),
	                 before + 1);
	post_ok(shequ, path, "{\"fund\":false,\"note\":\"超出总额\"}", 200);

	/* Progress from the group (or staff), never backwards, only for a funded project. */
	snprintf(path, sizeof path, "/api/ventures/applications/%lld/progress", (long long)mine);
	post_ok(jumin, path, "{\"progress\":50,\"note\":\"扶手已采购\"}", 200);
	post_err(jumin, path, "{\"progress\":40,\"note\":\"倒退\"}", 400, "validation_failed");
	post_err(resident2, path, "{\"progress\":60,\"note\":\"别人的\"}", 403, "forbidden");
	post(shequ, path, "{\"progress\":100,\"note\":\"验收完成\"}", 200, &r);
	assert_int_equal(json_array_size(json_object_get(r.json, "updates")), 2);
	hr_free(&r);
	snprintf(path, sizeof path, "/api/ventures/applications/%lld/progress", (long long)theirs);
	post_err(shequ, path, "{\"progress\":10,\"note\":\"未资助\"}", 409, "not_funded");

	/* Residents of the community read the call, with the funded project. */
	snprintf(path, sizeof path, "/api/ventures/%lld", (long long)call);
	req("GET", jumin, path, NULL, 200, &r);
	assert_int_equal(num(r.json, "funded"), 1);
	assert_int_equal(num(r.json, "granted_fen"), 180000);
	hr_free(&r);
	req("GET", shequ2, path, NULL, 403, &r);
	hr_free(&r);
}

static void test_tripartite_commitments_go_from_promise_to_overdue_reminder_to_done(void **state)
{
	(void)state;
	struct hresp r;
	char body[512], path[96];
	int64_t dazhi = place("420203009002");
	int64_t rcm = SQL_INT("SELECT id FROM orgs WHERE place_id = ? AND kind ="
	                      " 'residents_committee'",
	                      "i", dazhi);
	int64_t oc = SQL_INT("SELECT id FROM orgs WHERE kind = 'owners_committee' AND place_id ="
	                     " (SELECT id FROM places WHERE code = '420203009002001')",
	                     "");
	int64_t pc = SQL_INT("SELECT id FROM orgs WHERE kind = 'property_company' AND place_id ="
	                     " (SELECT id FROM places WHERE code = '420203009002001')",
	                     "");
	int64_t other = SQL_INT("SELECT min(id) FROM orgs WHERE kind = 'residents_committee' AND"
	                        " place_id = ?",
	                        "i", place("420205003001"));
	int64_t now = clock_now();
	snprintf(
	    body, sizeof body,
	    "{\"place_id\":%lld,\"title\":\"临时三方会\",\"held_at\":%lld,\"org_ids\":[%lld,%lld]}",
	    (long long)dazhi, (long long)now, (long long)rcm, (long long)rcm);
	post_err(shequ, "/api/tripartite", body, 400, "missing_party");
	snprintf(
	    body, sizeof body,
	    "{\"place_id\":%lld,\"title\":\"临时三方会\",\"held_at\":%lld,\"org_ids\":[%lld,%lld]}",
	    (long long)dazhi, (long long)now, (long long)other, (long long)pc);
	post_err(shequ, "/api/tripartite", body, 400, "validation_failed");
	snprintf(
	    body, sizeof body,
	    "{\"place_id\":%lld,\"title\":\"临时三方会\",\"held_at\":%lld,\"org_ids\":[%lld,%lld]}",
	    (long long)place("420203009002001"), (long long)now, (long long)rcm, (long long)pc);
	post_err(shequ, "/api/tripartite", body, 400, "validation_failed");
	snprintf(
	    body, sizeof body,
	    "{\"place_id\":%lld,\"title\":\"临时三方会\",\"held_at\":%lld,\"agenda\":\"电梯维修"
	    "\",\"org_ids\":[%lld,%lld,%lld]}",
	    (long long)dazhi, (long long)now, (long long)rcm, (long long)oc, (long long)pc);
	post_err(shequ2, "/api/tripartite", body, 403, "out_of_scope");
	post_err(wuye, "/api/tripartite", body, 403, "forbidden");
	post(shequ, "/api/tripartite", body, 201, &r);
	int64_t meeting = num(r.json, "id");
	/* Convened by the community party organisation; 交叉任职 derived from positions. */
	assert_string_equal(str(r.json, "convenor_name"), "大智路社区党委");
	assert_int_equal(json_array_size(json_object_get(r.json, "parties")), 4);
	json_t *cross = json_object_get(r.json, "cross_posts");
	assert_true(json_array_size(cross) >= 1);
	assert_true(json_array_size(json_object_get(json_array_get(cross, 0), "posts")) >= 2);
	hr_free(&r);

	/* Commitments: by a party at the table, after the meeting, owned by someone there. */
	int64_t manager = SQL_INT("SELECT min(person_id) FROM positions WHERE org_id = ? AND"
	                          " ended_at IS NULL",
	                          "i", pc);
	snprintf(path, sizeof path, "/api/tripartite/%lld/commitments", (long long)meeting);
	snprintf(body, sizeof body, "{\"org_id\":%lld,\"title\":\"修电梯\",\"due_at\":%lld}",
	         (long long)other, (long long)now + 86400);
	post_err(shequ, path, body, 400, "validation_failed");
	snprintf(body, sizeof body, "{\"org_id\":%lld,\"title\":\"修电梯\",\"due_at\":%lld}",
	         (long long)pc, (long long)now - 86400);
	post_err(shequ, path, body, 400, "validation_failed");
	snprintf(body, sizeof body,
	         "{\"org_id\":%lld,\"title\":\"修电梯\",\"due_at\":%lld,\"owner_id\":%lld}",
	         (long long)pc, (long long)now + 86400, (long long)person_of("jumin"));
	post_err(shequ, path, body, 400, "owner_not_in_org");
	snprintf(body, sizeof body,
	         "{\"org_id\":%lld,\"title\":\"修电梯\",\"due_at\":%lld,\"owner_id\":%lld}",
	         (long long)pc, (long long)now + 2 * 86400, (long long)manager);
	post_err(wuye, path, body, 403, "forbidden");
	post(shequ, path, body, 201, &r);
	json_t *cs = json_object_get(r.json, "commitments");
	assert_int_equal(json_array_size(cs), 1);
	int64_t lift = num(json_array_get(cs, 0), "id");
	assert_false(json_is_true(json_object_get(json_array_get(cs, 0), "overdue")));
	hr_free(&r);
	snprintf(body, sizeof body, "{\"org_id\":%lld,\"title\":\"入户走访\",\"due_at\":%lld}",
	         (long long)rcm, (long long)now + 2 * 86400);
	post_ok(shequ, path, body, 201);
	int64_t visit =
	    SQL_INT("SELECT max(id) FROM tri_commitments WHERE meeting_id = ?", "i", meeting);
	assert_int_equal(outbox_to(manager, "承诺事项"), 1);

	/* The property company reads the meeting in its community. */
	snprintf(path, sizeof path, "/api/tripartite/%lld", (long long)meeting);
	req("GET", wuye, path, NULL, 200, &r);
	hr_free(&r);
	req("GET", jumin, path, NULL, 403, &r);
	hr_free(&r);
	req("GET", shequ2, path, NULL, 403, &r);
	hr_free(&r);
	req("GET", wuye, "/api/tripartite", NULL, 200, &r);
	assert_non_null(find(r.json, "id", meeting));
	hr_free(&r);

	/* Past the deadline: overdue in the list, the owner reminded once. */
	req("GET", shequ, "/api/tripartite/commitments?status=overdue", NULL, 200, &r);
	assert_null(find(r.json, "id", lift));
	hr_free(&r);
	advance(3 * 86400);
	req("GET", shequ, "/api/tripartite/commitments?status=overdue", NULL, 200, &r);
	json_t *c = find(r.json, "id", lift);
	assert_non_null(c);
	assert_true(json_is_true(json_object_get(c, "overdue")));
	hr_free(&r);
	assert_int_equal(outbox_to(manager, "承诺事项已逾期"), 1);
	advance(3601);
	assert_int_equal(outbox_to(manager, "承诺事项已逾期"), 1);
	req("GET", shequ, "/api/tripartite/commitments?status=late", NULL, 400, &r);
	hr_free(&r);

	/* Follow-up: the property company on its own promise only; done once. */
	snprintf(path, sizeof path, "/api/tripartite/commitments/%lld/followups", (long long)visit);
	post_err(wuye, path, "{\"note\":\"不是我们的\"}", 403, "not_your_commitment");
	snprintf(path, sizeof path, "/api/tripartite/commitments/%lld/followups", (long long)lift);
	post_err(jumin, path, "{\"note\":\"居民\"}", 403, "forbidden");
	post_ok(wuye, path, "{\"note\":\"配件已到货，周五安装\"}", 200);
	post(wuye, path, "{\"note\":\"电梯已修好并通过检验\",\"done\":true}", 200, &r);
	assert_string_equal(str(r.json, "status"), "done");
	assert_int_equal(json_array_size(json_object_get(r.json, "followups")), 2);
	hr_free(&r);
	post_err(shequ, path, "{\"note\":\"再跟进\"}", 409, "already_done");
	req("GET", shequ, "/api/tripartite/commitments?status=done", NULL, 200, &r);
	assert_non_null(find(r.json, "id", lift));
	hr_free(&r);
	req("GET", shequ, "/api/tripartite/commitments?status=overdue", NULL, 200, &r);
	assert_null(find(r.json, "id", lift));
	assert_non_null(find(r.json, "id", visit));
	hr_free(&r);
}

static int foreign_property(struct db *db, void *arg, struct xf_err *err)
{
	return db_run(db, err,
	              "INSERT INTO orgs(code, name, kind, line, place_id, created_at) VALUES"
	              " ('TEST-PC-1', '友爱物业', 'property_company', 'org', (SELECT id FROM places"
	              " WHERE code = '420205003001'), 0)",
	              "");
}

static void test_residents_rate_the_property_company_serving_them(void **state)
{
	(void)state;
	struct hresp r;
	char body[128];
	struct xf_err e;
	assert_int_equal(store_write(T.app.store, foreign_property, NULL, &e), XF_OK);
	int64_t pc = SQL_INT("SELECT id FROM orgs WHERE name = '大智物业服务有限公司'", "");
	int64_t far = SQL_INT("SELECT id FROM orgs WHERE code = 'TEST-PC-1'", "");
	int64_t rcm = SQL_INT("SELECT min(id) FROM orgs WHERE kind = 'residents_committee'", "");
	req("GET", jumin, "/api/tripartite/ratings", NULL, 200, &r);
	json_t *it = find(r.json, "org_id", pc);
	assert_non_null(it);
	int64_t n = num(it, "ratings");
	assert_int_equal(num(it, "my_score"), 0);
	assert_null(find(r.json, "org_id", far));
	hr_free(&r);
	snprintf(body, sizeof body, "{\"org_id\":%lld,\"score\":4,\"comment\":\"保洁不错\"}",
	         (long long)pc);
	post(jumin, "/api/tripartite/ratings", body, 200, &r);
	it = find(r.json, "org_id", pc);
	assert_int_equal(num(it, "ratings"), n + 1);
	assert_int_equal(num(it, "my_score"), 4);
	hr_free(&r);
	/* Changing her mind replaces her rating for the year; it does not add one. */
	snprintf(body, sizeof body, "{\"org_id\":%lld,\"score\":2}", (long long)pc);
	post(jumin, "/api/tripartite/ratings", body, 200, &r);
	it = find(r.json, "org_id", pc);
	assert_int_equal(num(it, "ratings"), n + 1);
	assert_int_equal(num(it, "my_score"), 2);
	hr_free(&r);
	snprintf(body, sizeof body, "{\"org_id\":%lld,\"score\":6}", (long long)pc);
	post_err(jumin, "/api/tripartite/ratings", body, 422, "out_of_range");
	snprintf(body, sizeof body, "{\"org_id\":%lld,\"score\":3}", (long long)rcm);
	post_err(jumin, "/api/tripartite/ratings", body, 400, "validation_failed");
	snprintf(body, sizeof body, "{\"org_id\":%lld,\"score\":1}", (long long)far);
	post_err(jumin, "/api/tripartite/ratings", body, 403, "not_your_property");
	snprintf(body, sizeof body, "{\"org_id\":%lld,\"score\":5}", (long long)pc);
	post_err(shequ, "/api/tripartite/ratings", body, 403, "no_person");
	/* The company sees its average with the count (and no names). */
	req("GET", wuye, "/api/tripartite/ratings", NULL, 200, &r);
	it = find(r.json, "org_id", pc);
	assert_non_null(it);
	assert_int_equal(num(it, "ratings"), n + 1);
	assert_true(json_is_real(json_object_get(it, "average")));
	hr_free(&r);
}

static void test_incubators_take_in_organisations_with_services_and_volunteers(void **state)
{
	(void)state;
	struct hresp r;
	char body[256], path[96];
	/* 大智路's worker sees the four levels serving her community. */
	req("GET", shequ, "/api/incubators", NULL, 200, &r);
	const char *want[] = {"city", "district", "street", "community"};
	for (int k = 0; k < 4; k++) {
		json_t *it;
		size_t i;
		bool seen = false;
		json_array_foreach(json_object_get(r.json, "items"), i, it) seen |=
		    strcmp(str(it, "level"), want[k]) == 0;
		assert_true(seen);
	}
	hr_free(&r);
	snprintf(body, sizeof body, "{\"place_id\":%lld,\"name\":\"又一个孵化站\"}",
	         (long long)place("420203009002"));
	post_err(shequ, "/api/incubators", body, 409, "already_exists");
	snprintf(body, sizeof body, "{\"place_id\":%lld,\"name\":\"网格孵化站\"}",
	         (long long)place("420203009002001"));
	post_err(shequ, "/api/incubators", body, 400, "validation_failed");
	int64_t shen = place("420202005003");
	snprintf(body, sizeof body, "{\"place_id\":%lld,\"name\":\"沈家营孵化站\"}",
	         (long long)shen);
	post_err(shequ, "/api/incubators", body, 403, "out_of_scope");
	post(shequ3, "/api/incubators", body, 201, &r);
	int64_t inc = num(r.json, "id");
	assert_string_equal(str(r.json, "level"), "community");
	hr_free(&r);

	snprintf(path, sizeof path, "/api/incubators/%lld/orgs", (long long)inc);
	post_err(shequ3, path, "{\"name\":\"沈家营读书会\",\"category\":\"reading\"}", 400,
	         "validation_failed");
	post_err(shequ3, path, "{\"category\":\"culture\"}", 400, "validation_failed");
	post_err(shequ, path, "{\"name\":\"沈家营读书会\",\"category\":\"culture\"}", 403,
	         "out_of_scope");
	post(shequ3, path, "{\"name\":\"沈家营读书会\",\"category\":\"culture\"}", 201, &r);
	json_t *orgs = json_object_get(r.json, "orgs");
	assert_int_equal(json_array_size(orgs), 1);
	int64_t org = num(json_array_get(orgs, 0), "org_id");
	int64_t incubation = num(json_array_get(orgs, 0), "id");
	hr_free(&r);
	assert_int_equal(
	    SQL_INT("SELECT count(*) FROM orgs WHERE id = ? AND kind = 'social_org'", "i", org), 1);
	snprintf(body, sizeof body, "{\"org_id\":%lld,\"category\":\"culture\"}", (long long)org);
	post_err(shequ3, path, body, 409, "already_incubated");
	snprintf(
	    body, sizeof body, "{\"org_id\":%lld,\"category\":\"culture\"}",
	    (long long)SQL_INT("SELECT min(id) FROM orgs WHERE kind = 'property_company'", ""));
	post_err(shequ3, path, body, 400, "validation_failed");

	snprintf(path, sizeof path, "/api/incubators/orgs/%lld/services", (long long)org);
	snprintf(body, sizeof body, "{\"title\":\"共读一本书\",\"served\":18,\"held_at\":%lld}",
	         (long long)clock_now() + 86400);
	post_err(shequ3, path, body, 400, "validation_failed");
	post_err(shequ2, path, "{\"title\":\"共读一本书\",\"served\":18}", 403, "out_of_scope");
	post_ok(shequ3, path, "{\"title\":\"共读一本书\",\"served\":18}", 201);
	snprintf(path, sizeof path, "/api/incubators/orgs/%lld/volunteers", (long long)org);
	int64_t v = SQL_INT("SELECT min(pe.id) FROM people pe JOIN places h ON h.id = pe.place_id"
	                    " JOIN places c ON c.id = ? WHERE substr(h.path, 1, length(c.path)) ="
	                    " c.path",
	                    "i", shen);
	snprintf(body, sizeof body, "{\"person_id\":%lld}", (long long)v);
	post_ok(shequ3, path, body, 201);
	post_err(shequ3, path, body, 409, "already_volunteer");
	post_err(shequ3, "/api/incubators/orgs/999999/volunteers", body, 404, "not_found");

	snprintf(path, sizeof path, "/api/incubators/%lld", (long long)inc);
	req("GET", shequ3, path, NULL, 200, &r);
	json_t *o = json_array_get(json_object_get(r.json, "orgs"), 0);
	assert_int_equal(num(o, "served"), 18);
	assert_int_equal(num(o, "volunteers"), 1);
	assert_string_equal(str(o, "last_service"), "共读一本书");
	hr_free(&r);
	snprintf(path, sizeof path, "/api/incubators/incubations/%lld/graduate",
	         (long long)incubation);
	post_ok(shequ3, path, "{}", 200);
	post_err(shequ3, path, "{}", 409, "already_graduated");

	/* 三社联动 on a case: community, social organisation and a social worker on record. */
	int64_t dazhi = place("420203009002");
	int64_t kase = SQL_INT("SELECT min(id) FROM cases WHERE community_id = ? AND id NOT IN"
	                       " (SELECT subject_id FROM sansha_links WHERE subject = 'case')",
	                       "i", dazhi);
	int64_t so = SQL_INT("SELECT min(id) FROM orgs WHERE place_id = ? AND kind = 'social_org'",
	                     "i", dazhi);
	int64_t worker =
	    SQL_INT("SELECT min(person_id) FROM cadres WHERE place_id = ?", "i", dazhi);
	snprintf(body, sizeof body,
	         "{\"subject\":\"case\",\"subject_id\":%lld,\"org_id\":%lld,\"worker_id\":%lld}",
	         (long long)kase, (long long)so, (long long)person_of("jumin"));
	post_err(shequ, "/api/incubators/sansha", body, 400, "not_social_worker");
	snprintf(body, sizeof body,
	         "{\"subject\":\"case\",\"subject_id\":%lld,\"org_id\":%lld,\"worker_id\":%lld}",
	         (long long)kase, (long long)so, (long long)worker);
	post_err(shequ2, "/api/incubators/sansha", body, 403, "out_of_scope");
	post_ok(shequ, "/api/incubators/sansha", body, 201);
	post_err(shequ, "/api/incubators/sansha", body, 409, "already_linked");
	post_err(shequ, "/api/incubators/sansha",
	         "{\"subject\":\"meeting\",\"subject_id\":1,\"org_id\":1,\"worker_id\":1}", 400,
	         "validation_failed");
	req("GET", shequ, "/api/incubators/sansha", NULL, 200, &r);
	json_t *l = find(r.json, "subject_id", kase);
	assert_non_null(l);
	assert_string_equal(str(l, "subject"), "case");
	hr_free(&r);
}

static void test_notices_reach_their_place_and_count_reads_without_scoring(void **state)
{
	(void)state;
	struct hresp r;
	char body[512], path[96];
	int64_t dazhi = place("420203009002");
	snprintf(
	    body, sizeof body,
	    "{\"place_id\":%lld,\"kind\":\"notice\",\"audience\":\"residents\",\"title\":\"停水"
	    "通知\",\"body\":\"周三停水\"}",
	    (long long)dazhi);
	post_err(shequ, "/api/notices", body, 400, "validation_failed");
	snprintf(
	    body, sizeof body,
	    "{\"place_id\":%lld,\"kind\":\"community\",\"audience\":\"residents\",\"title\":\"停水"
	    "通知\",\"body\":\"周三上午九点到十二点停水，请提前储水。\",\"pinned\":true}",
	    (long long)dazhi);
	post_err(shequ, "/api/notices", body, 422, "unknown_field");
	snprintf(
	    body, sizeof body,
	    "{\"place_id\":%lld,\"kind\":\"community\",\"audience\":\"residents\",\"title\":\"停水"
	    "通知\",\"body\":\"周三上午九点到十二点停水，请提前储水。\"}",
	    (long long)dazhi);
	post_err(shequ2, "/api/notices", body, 403, "out_of_scope");
	post_err(jumin, "/api/notices", body, 403, "forbidden");
	post(shequ, "/api/notices", body, 201, &r);
	int64_t water = num(r.json, "id");
	hr_free(&r);
	snprintf(
	    body, sizeof body,
	    "{\"place_id\":%lld,\"kind\":\"party\",\"audience\":\"members\",\"title\":\"主题党日"
	    "\",\"body\":\"本周五下午主题党日活动。\"}",
	    (long long)dazhi);
	post(shequ, "/api/notices", body, 201, &r);
	int64_t party = num(r.json, "id");
	hr_free(&r);

	req("GET", jumin, "/api/notices", NULL, 200, &r);
	json_t *it = find(r.json, "id", water);
	assert_non_null(it);
	assert_false(json_is_true(json_object_get(it, "read_by_me")));
	assert_null(find(r.json, "id", party)); /* for members */
	hr_free(&r);
	req("GET", dangyuan, "/api/notices?kind=party", NULL, 200, &r);
	assert_non_null(find(r.json, "id", party));
	assert_null(find(r.json, "id", water));
	hr_free(&r);
	snprintf(path, sizeof path, "/api/notices/%lld", (long long)party);
	req("GET", jumin, path, NULL, 403, &r);
	hr_free(&r);
	snprintf(path, sizeof path, "/api/notices/%lld/read", (long long)party);
	post_err(jumin, path, "{}", 403, "out_of_scope");

	int64_t ledger = SQL_INT("SELECT count(*) FROM outbox", "");
	snprintf(path, sizeof path, "/api/notices/%lld/read", (long long)water);
	post(jumin, path, "{}", 200, &r);
	assert_int_equal(num(r.json, "reads"), 1);
	assert_true(json_is_true(json_object_get(r.json, "read_by_me")));
	hr_free(&r);
	post(jumin, path, "{}", 200, &r);
	assert_int_equal(num(r.json, "reads"), 1);
	hr_free(&r);
	post_ok(resident2, path, "{}", 200);
	post_err(shequ2, path, "{}", 403, "out_of_scope");
	assert_int_equal(SQL_INT("SELECT count(*) FROM outbox", ""), ledger);
	req("GET", shequ, "/api/notices", NULL, 200, &r);
	assert_int_equal(num(find(r.json, "id", water), "reads"), 2);
	hr_free(&r);
	/* Reads are shown, never scored: no points rule or ledger entry names them. */
	assert_int_equal(
	    SQL_INT("SELECT count(*) FROM audit_log WHERE action = 'notices.read'", ""), 3);
	req("GET", shequ, "/api/notices?format=csv", NULL, 200, &r);
	assert_non_null(strstr(r.body, "阅读人数"));
	hr_free(&r);
}

static void test_the_demo_gives_the_resident_and_the_worker_real_content(void **state)
{
	(void)state;
	struct hresp r;
	req("GET", jumin, "/api/conventions", NULL, 200, &r);
	assert_true(json_array_size(json_object_get(r.json, "items")) >= 2);
	hr_free(&r);
	req("GET", jumin, "/api/rotas", NULL, 200, &r);
	assert_true(json_array_size(json_object_get(r.json, "items")) >= 1);
	hr_free(&r);
	req("GET", jumin, "/api/ventures", NULL, 200, &r);
	assert_true(json_array_size(json_object_get(r.json, "items")) >= 2);
	hr_free(&r);
	req("GET", shequ, "/api/tripartite", NULL, 200, &r);
	assert_true(json_array_size(json_object_get(r.json, "items")) >= 4);
	hr_free(&r);
	req("GET", shequ, "/api/tripartite/commitments?status=overdue", NULL, 200, &r);
	assert_true(json_array_size(json_object_get(r.json, "items")) >= 1);
	hr_free(&r);
	req("GET", shequ, "/api/conventions", NULL, 200, &r);
	json_t *it;
	size_t i;
	bool old = false;
	json_array_foreach(json_object_get(r.json, "items"), i, it) old |= num(it, "version") == 2;
	assert_true(old);
	hr_free(&r);
	/* Expenditures asked for by the 2026 grants are in the funds' queue. */
	assert_true(
	    SQL_INT("SELECT count(*) FROM venture_apps WHERE expenditure_id IS NOT NULL", "") >= 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_the_demo_gives_the_resident_and_the_worker_real_content),
	    cmocka_unit_test(test_a_convention_is_signed_per_version_by_those_living_under_it),
	    cmocka_unit_test(test_a_rota_reminds_whoever_is_on_duty_once_per_turn),
	    cmocka_unit_test(test_a_venture_goes_from_call_to_grant_and_progress),
	    cmocka_unit_test(
	        test_tripartite_commitments_go_from_promise_to_overdue_reminder_to_done),
	    cmocka_unit_test(test_residents_rate_the_property_company_serving_them),
	    cmocka_unit_test(test_incubators_take_in_organisations_with_services_and_volunteers),
	    cmocka_unit_test(test_notices_reach_their_place_and_count_reads_without_scoring),
	};
	return TS_RUN(tests, setup, teardown);
}
