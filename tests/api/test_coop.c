/* 双报到 and co-building over HTTP on the demo city: members and units report, posts are
 * claimed under the negative list, a wish goes from a resident's order to her rating and the
 * member's points, activities fill and keep a waiting list, arrival codes are checked, a
 * roster is confirmed once into verified hours, and the bus company's need for drivers is
 * matched to 沈家营's job-seekers, forwarded by their community and hired. */
#include "../support/testlib.h"
#include "auth/auth.h"
#include "coop/coop.h"
#include "core/clock.h"
#include "core/crypto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct tserver T;
static char shequ[512], shequ2[512], shequ3[512], jiedao[512], jumin[512], dangyuan[512],
    danwei[512], member2[512], resident2[512], admin[512];

#define SQL_INT(sql, ...)                                                                          \
	(__extension__({                                                                           \
		struct xf_err e_;                                                                  \
		int64_t v_ = -1;                                                                   \
		assert_int_equal(                                                                  \
		    db_int(store_reader(T.app.store, &e_), &e_, &v_, sql, __VA_ARGS__), XF_OK);    \
		v_;                                                                                \
	}))

/* A second party member of 大智路 with an account, to compete for places. */
static int make_member2(struct db *db, void *arg, struct xf_err *err)
{
	int64_t person = 0, user, dazhi = 0;
	char hash[160];
	int rc = db_int(db, err, &dazhi, "SELECT id FROM places WHERE code = '420203009002'", "");
	if (rc == XF_OK)
		rc = db_int(
		    db, err, &person,
		    "SELECT min(pm.person_id) FROM party_members pm JOIN people pe ON pe.id ="
		    " pm.person_id JOIN places h ON h.id = pe.place_id JOIN places c ON c.id = ?"
		    " WHERE substr(h.path, 1, length(c.path)) = c.path AND pm.person_id NOT IN"
		    " (SELECT person_id FROM users WHERE person_id IS NOT NULL)",
		    "i", dazhi);
	if (rc == XF_OK)
		rc = crypto_pw_hash(DEMO_PW, hash, sizeof hash, err);
	if (rc == XF_OK)
		rc = auth_user_create(db, "member2", hash, "第二位党员", person, NULL, &user, err);
	if (rc == XF_OK)
		rc = auth_grant_add(db, user, "party_member", dazhi, 0, NULL, err);
	/* And a resident of 大智路 who is not a member. */
	if (rc == XF_OK)
		rc = db_int(
		    db, err, &person,
		    "SELECT min(pe.id) FROM people pe JOIN places h ON h.id = pe.place_id JOIN"
		    " places c ON c.id = ? WHERE substr(h.path, 1, length(c.path)) = c.path AND"
		    " pe.id NOT IN (SELECT person_id FROM party_members) AND pe.id NOT IN"
		    " (SELECT person_id FROM users WHERE person_id IS NOT NULL)",
		    "i", dazhi);
	if (rc == XF_OK)
		rc =
		    auth_user_create(db, "resident2", hash, "另一位居民", person, NULL, &user, err);
	if (rc == XF_OK)
		rc = auth_grant_add(db, user, "resident", dazhi, 0, NULL, err);
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
	ts_login(&T, "danwei", DEMO_PW, danwei, sizeof danwei);
	ts_login(&T, "member2", DEMO_PW, member2, sizeof member2);
	ts_login(&T, "resident2", DEMO_PW, resident2, sizeof resident2);
	ts_login(&T, "admin", DEMO_PW, admin, sizeof admin);
}

static int setup(void **state)
{
	ts_start(&T);
	struct xf_err e;
	assert_int_equal(store_write(T.app.store, make_member2, NULL, &e), XF_OK);
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
	assert_string_equal(err_code(&r), code);
	hr_free(&r);
}

static bool has_id(json_t *page, int64_t id)
{
	json_t *it;
	size_t i;
	json_array_foreach(json_object_get(page, "items"), i,
	                   it) if (num(it, "id") == id) return true;
	return false;
}

static void test_members_and_units_report_and_the_employer_hears(void **state)
{
	struct hresp r;
	char path[128], body[128];
	post(dangyuan, "/api/registrations", "{\"kind\":\"member\"}", 201, &r);
	int64_t reg = num(r.json, "id");
	assert_int_equal(num(r.json, "place_id"), place("420203009002"));
	hr_free(&r);
	post_err(dangyuan, "/api/registrations", "{\"kind\":\"member\"}", 409,
	         "already_registered");
	post_err(jumin, "/api/registrations", "{\"kind\":\"member\"}", 403, "not_member");
	post_ok(dangyuan, "/api/registrations", "{\"kind\":\"club\"}", 400);
	snprintf(path, sizeof path, "/api/registrations/%lld/approve", (long long)reg);
	post_err(shequ2, path, "{}", 403, "out_of_scope");
	post_ok(shequ, path, "{\"note\":\"欢迎\"}", 200);
	post_err(shequ, path, "{}", 409, "invalid_state");
	req("GET", dangyuan, "/api/registrations", NULL, 200, &r);
	assert_true(has_id(r.json, reg));
	hr_free(&r);

	/* A private enterprise of 大智路 reports to its street (澄月街道) through its contact
	 * (the demo's four units reported long ago). */
	int64_t bus = SQL_INT("SELECT min(id) FROM orgs WHERE kind = 'enterprise' AND place_id = ?",
	                      "i", place("420203009002"));
	snprintf(body, sizeof body, "{\"kind\":\"unit\",\"org_id\":%lld}", (long long)bus);
	post(danwei, "/api/registrations", body, 201, &r);
	assert_int_equal(num(r.json, "place_id"), place("420203009000"));
	int64_t ureg = num(r.json, "id");
	hr_free(&r);
	post_ok(jumin, "/api/registrations", body, 403);
	/* The contact follows the registrations of the units in their area (their community),
	 * and only those, whatever place they ask for. */
	int64_t theirs = SQL_INT("SELECT count(*) FROM registrations r JOIN orgs o ON o.id ="
	                         " r.org_id JOIN places op ON op.id = o.place_id WHERE r.kind ="
	                         " 'unit' AND op.path LIKE (SELECT path FROM places WHERE id = ?)"
	                         " || '%'",
	                         "i", place("420203009002"));
	assert_true(theirs >= 2); /* 黄石公交集团 (the demo's) and the one just made */
	const char *lists[] = {"/api/registrations", "/api/registrations?place=1"};
	for (size_t l = 0; l < 2; l++) {
		req("GET", danwei, lists[l], NULL, 200, &r);
		assert_true(has_id(r.json, ureg));
		assert_int_equal(json_array_size(json_object_get(r.json, "items")), theirs);
		hr_free(&r);
	}
	snprintf(path, sizeof path, "/api/registrations/%lld/approve", (long long)ureg);
	post_ok(shequ, path, "{}", 403); /* the street decides, not the community */
	post_ok(jiedao, path, "{}", 200);

	/* The employer branch's report: 赵卫东 has reported, and with fewer than four activities
	 * this year is flagged for 民主评议. */
	int64_t branch = SQL_INT("SELECT employer_org_id FROM party_members WHERE person_id = ?",
	                         "i", person_of("dangyuan"));
	snprintf(path, sizeof path, "/api/service-reports?org_id=%lld&year=2026",
	         (long long)branch);
	req("GET", shequ, path, NULL, 200, &r);
	json_t *it;
	size_t i;
	bool found = false;
	json_array_foreach(json_object_get(r.json, "members"), i, it)
	{
		if (num(it, "person_id") != person_of("dangyuan"))
			continue;
		found = true;
		assert_true(json_is_true(json_object_get(it, "registered")));
		assert_true(json_is_true(json_object_get(it, "flagged")) ==
		            (num(it, "activities") < 4));
	}
	assert_true(found);
	hr_free(&r);
	req("GET", jumin, path, NULL, 403, &r);
	hr_free(&r);
	req("GET", shequ, "/api/service-reports?org_id=1&year=20", NULL, 400, &r);
	hr_free(&r);
}

static void test_posts_are_claimed_under_the_negative_list_until_full(void **state)
{
	struct hresp r;
	char body[256], path[96];
	req("GET", dangyuan, "/api/negative-list", NULL, 200, &r);
	assert_true(json_array_size(json_object_get(r.json, "items")) >= 5);
	hr_free(&r);
	snprintf(body, sizeof body,
	         "{\"place_id\":%lld,\"title\":\"楼道文明劝导岗\",\"description\":\"每周六上午劝导"
	         "楼道堆物\",\"capacity\":1}",
	         (long long)place("420203009002"));
	post(shequ, "/api/posts", body, 201, &r);
	int64_t id = num(r.json, "id");
	hr_free(&r);
	post_ok(jumin, "/api/posts", body, 403);
	snprintf(path, sizeof path, "/api/posts/%lld/claim", (long long)id);
	post_ok(dangyuan, path, "{\"acknowledge_negative_list\":false}", 400);
	post_ok(dangyuan, path, "{\"acknowledge_negative_list\":true}", 200);
	post_err(dangyuan, path, "{\"acknowledge_negative_list\":true}", 409, "already_claimed");
	post_err(member2, path, "{\"acknowledge_negative_list\":true}", 409, "post_full");
	post_err(jumin, path, "{\"acknowledge_negative_list\":true}", 403, "not_member");
	assert_int_equal(SQL_INT("SELECT count(*) FROM post_claims WHERE post_id = ?", "i", id), 1);
	req("GET", dangyuan, "/api/posts", NULL, 200, &r);
	json_t *it;
	size_t i;
	bool mine = false;
	json_array_foreach(json_object_get(r.json, "items"), i, it) mine |=
	    num(it, "id") == id && json_is_true(json_object_get(it, "mine"));
	assert_true(mine);
	hr_free(&r);
}

static void test_a_wish_goes_from_order_to_rating_and_points(void **state)
{
	struct hresp r;
	char path[96];
	post(jumin, "/api/wishes",
	     "{\"title\":\"想学用智能手机挂号\",\"description\":\"孙女不在身边，希望有人教我用手机"
	     "挂号\"}",
	     201, &r);
	int64_t id = num(r.json, "id");
	assert_string_equal(str(r.json, "status"), "posted");
	hr_free(&r);
	snprintf(path, sizeof path, "/api/wishes/%lld", (long long)id);
	req("GET", dangyuan, path, NULL, 404, &r); /* not yet approved: members don't see it */
	hr_free(&r);
	char act[128];
	snprintf(act, sizeof act, "%s/claim", path);
	post_err(dangyuan, act, "{}", 409, "invalid_state");
	snprintf(act, sizeof act, "%s/review", path);
	post_ok(shequ2, act, "{\"approve\":true}", 403);
	post_ok(shequ, act, "{\"approve\":true,\"due_days\":7}", 200);
	post_err(shequ, act, "{\"approve\":true}", 409, "invalid_state");
	req("GET", dangyuan, "/api/wishes", NULL, 200, &r);
	assert_true(has_id(r.json, id));
	hr_free(&r);
	/* Another resident (not a member) sees neither the wish in her list nor the wish. */
	req("GET", resident2, "/api/wishes", NULL, 200, &r);
	assert_false(has_id(r.json, id));
	hr_free(&r);
	req("GET", resident2, path, NULL, 404, &r);
	hr_free(&r);
	/* In lists is_mine tells a resident's own wishes from the community's to claim. */
	req("GET", jumin, "/api/wishes?mine=1", NULL, 200, &r);
	json_t *w;
	size_t k;
	bool seen = false;
	json_array_foreach(json_object_get(r.json, "items"), k, w)
	{
		bool mine = json_is_true(json_object_get(w, "is_mine"));
		seen |= num(w, "id") == id && mine;
		if (!mine) /* someone else's: only there to be claimed */
			assert_string_equal(str(w, "status"), "approved");
	}
	assert_true(seen);
	hr_free(&r);
	snprintf(act, sizeof act, "%s/claim", path);
	post_ok(dangyuan, act, "{}", 200);
	post_err(member2, act, "{}", 409, "already_claimed");
	snprintf(act, sizeof act, "%s/confirm", path);
	post_err(jumin, act, "{\"rating\":\"satisfied\"}", 409, "invalid_state");
	snprintf(act, sizeof act, "%s/fulfil", path);
	post_ok(member2, act, "{\"note\":\"不是我认领的\"}", 403);
	post_ok(dangyuan, act, "{\"note\":\"上门教了两次，已会自己挂号\"}", 200);
	snprintf(act, sizeof act, "%s/confirm", path);
	post_err(dangyuan, act, "{\"rating\":\"satisfied\"}", 403, "not_owner");
	post_ok(jumin, act, "{\"rating\":\"great\"}", 400);
	post_ok(jumin, act, "{\"rating\":\"satisfied\",\"comment\":\"谢谢\"}", 200);
	post_err(jumin, act, "{\"rating\":\"satisfied\"}", 409, "already_confirmed");
	/* The rule's points went to the member who fulfilled it, once. */
	char ref[32];
	snprintf(ref, sizeof ref, "wish:%lld", (long long)id);
	assert_int_equal(SQL_INT("SELECT count(*) FROM points_outcomes WHERE rule ="
	                         " 'wish_fulfilled' AND outcome_ref = ? AND person_id = ?",
	                         "ti", ref, person_of("dangyuan")),
	                 1);
	assert_true(SQL_INT("SELECT amount FROM points_outcomes WHERE outcome_ref = ?", "t", ref) >
	            0);

	/* A wish of another community is out of a 大智路 member's reach. */
	int64_t youai_person = SQL_INT("SELECT min(pe.id) FROM people pe JOIN places h ON h.id ="
	                               " pe.place_id JOIN places c ON c.code = '420205003001'"
	                               " WHERE substr(h.path, 1, length(c.path)) = c.path",
	                               "");
	char body[256];
	snprintf(body, sizeof body,
	         "{\"title\":\"轮椅维修\",\"description\":\"轮椅刹车坏了\",\"on_behalf_of\":%lld}",
	         (long long)youai_person);
	post_ok(shequ, "/api/wishes", body, 403); /* not her resident */
	post(shequ2, "/api/wishes", body, 201, &r);
	int64_t other = num(r.json, "id");
	assert_true(json_is_true(json_object_get(r.json, "entered_on_behalf")));
	hr_free(&r);
	snprintf(act, sizeof act, "/api/wishes/%lld/review", (long long)other);
	post_ok(shequ2, act, "{\"approve\":true}", 200);
	snprintf(act, sizeof act, "/api/wishes/%lld/claim", (long long)other);
	post_err(dangyuan, act, "{}", 403, "out_of_scope");
}

static int64_t code_of(const char *hdrs, int64_t activity, char *code, size_t n)
{
	struct hresp r;
	char path[96];
	snprintf(path, sizeof path, "/api/activities/%lld/code", (long long)activity);
	req("GET", hdrs, path, NULL, 200, &r);
	snprintf(code, n, "%s", str(r.json, "code"));
	assert_non_null(strstr(str(r.json, "qr_svg"), "<svg"));
	int64_t until = num(r.json, "valid_until");
	hr_free(&r);
	return until;
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

static void test_activities_fill_wait_check_codes_and_confirm_hours_once(void **state)
{
	struct hresp r;
	char body[512], path[128], code[96], other_code[96];
	int64_t now = clock_now();
	snprintf(body, sizeof body,
	         "{\"place_id\":%lld,\"kind\":\"80365\",\"title\":\"帮您365：义诊\",\"starts_at\":"
	         "%lld,\"ends_at\":%lld,\"capacity\":1}",
	         (long long)place("420203009002"), (long long)(now + 600),
	         (long long)(now + 600 + 3 * 3600));
	post(shequ, "/api/activities", body, 201, &r);
	int64_t id = num(r.json, "id");
	hr_free(&r);
	post_ok(shequ, "/api/activities", body, 409); /* the same place, kind and time */
	snprintf(body, sizeof body,
	         "{\"place_id\":%lld,\"kind\":\"other\",\"title\":\"另一个活动\",\"starts_at\":"
	         "%lld,\"ends_at\":%lld,\"capacity\":5}",
	         (long long)place("420203009002"), (long long)(now + 600), (long long)(now + 4000));
	post(shequ, "/api/activities", body, 201, &r);
	int64_t other = num(r.json, "id");
	hr_free(&r);

	/* One place: the second waits, and moves up when the first cancels. */
	snprintf(path, sizeof path, "/api/activities/%lld/signup", (long long)id);
	post(dangyuan, path, "{}", 200, &r);
	assert_string_equal(str(r.json, "my_status"), "signed");
	hr_free(&r);
	post_err(dangyuan, path, "{}", 409, "already_signed_up");
	post(member2, path, "{}", 200, &r);
	assert_string_equal(str(r.json, "my_status"), "waiting");
	hr_free(&r);
	snprintf(path, sizeof path, "/api/activities/%lld/cancel", (long long)id);
	post_ok(dangyuan, path, "{}", 200);
	snprintf(path, sizeof path, "/api/activities/%lld", (long long)id);
	req("GET", member2, path, NULL, 200, &r);
	assert_string_equal(str(r.json, "my_status"), "signed");
	hr_free(&r);
	snprintf(path, sizeof path, "/api/activities/%lld/signup", (long long)id);
	post(dangyuan, path, "{}", 200, &r);
	assert_string_equal(str(r.json, "my_status"), "waiting");
	hr_free(&r);
	/* Each sees their own line: the waiting member his place in the queue. */
	snprintf(path, sizeof path, "/api/activities/%lld", (long long)id);
	req("GET", dangyuan, path, NULL, 200, &r);
	assert_int_equal(num(r.json, "my_position"), 1);
	assert_true(json_is_null(json_object_get(r.json, "my_minutes")));
	hr_free(&r);
	req("GET", member2, path, NULL, 200, &r);
	assert_int_equal(num(r.json, "my_position"), 0);
	hr_free(&r);

	/* Arrival codes: only the organiser sees them; forged, foreign and stale ones fail. */
	snprintf(path, sizeof path, "/api/activities/%lld/code", (long long)id);
	req("GET", member2, path, NULL, 403, &r);
	hr_free(&r);
	advance(700); /* the activity has started */
	code_of(shequ, id, code, sizeof code);
	code_of(shequ, other, other_code, sizeof other_code);
	snprintf(path, sizeof path, "/api/activities/%lld/arrive", (long long)id);
	char forged[96];
	snprintf(forged, sizeof forged, "%s", code);
	forged[strlen(forged) - 1] = forged[strlen(forged) - 1] == 'a' ? 'b' : 'a';
	snprintf(body, sizeof body, "{\"code\":\"%s\"}", forged);
	post_err(member2, path, body, 400, "code_invalid");
	snprintf(body, sizeof body, "{\"code\":\"%s\"}", other_code);
	post_err(member2, path, body, 400, "code_wrong_activity");
	post_err(member2, path, "{\"code\":\"<script>\"}", 400, "code_invalid");
	snprintf(body, sizeof body, "{\"code\":\"%s\"}", code);
	post_err(dangyuan, path, body, 409, "not_signed_up"); /* still waiting */
	post(member2, path, body, 200, &r);
	assert_true(num(r.json, "arrived_at") > 0);
	hr_free(&r);
	advance(11 * 60);
	post_err(member2, path, body, 400, "code_expired");

	/* The roster: checked whole before anything is written, confirmed once. */
	int64_t m2 = person_of("member2"), dy = person_of("dangyuan");
	snprintf(path, sizeof path, "/api/activities/%lld/confirm", (long long)id);
	snprintf(body, sizeof body,
	         "{\"roster\":[{\"person_id\":%lld,\"minutes\":150},{\"person_id\":%lld,"
	         "\"minutes\":60}]}",
	         (long long)m2, (long long)dy);
	post(shequ, path, body, 400, &r);
	assert_string_equal(str(json_object_get(r.json, "error"), "field"), "roster[1].person_id");
	hr_free(&r);
	assert_int_equal(SQL_INT("SELECT count(*) FROM activity_signups WHERE activity_id = ? AND"
	                         " minutes IS NOT NULL",
	                         "i", id),
	                 0);
	snprintf(body, sizeof body, "{\"roster\":[{\"person_id\":%lld,\"minutes\":999}]}",
	         (long long)m2);
	post_ok(shequ, path, body, 400);
	snprintf(body, sizeof body, "{\"roster\":[{\"person_id\":%lld,\"minutes\":150}]}",
	         (long long)m2);
	post_ok(member2, path, body, 403);
	post_ok(shequ, path, body, 200);
	post_err(shequ, path, body, 409, "already_confirmed");
	/* 150 confirmed minutes are two verified hours: points by the rule, once. */
	char ref[40];
	snprintf(ref, sizeof ref, "activity:%lld", (long long)id);
	assert_int_equal(SQL_INT("SELECT quantity FROM points_outcomes WHERE rule = 'service_hours'"
	                         " AND outcome_ref = ? AND person_id = ?",
	                         "ti", ref, m2),
	                 2);
	/* Scanning in alone earns nothing: the other activity has no confirmed roster. */
	snprintf(ref, sizeof ref, "activity:%lld", (long long)other);
	assert_int_equal(
	    SQL_INT("SELECT count(*) FROM points_outcomes WHERE outcome_ref = ?", "t", ref), 0);
	req("GET", shequ, "/api/reports/volunteers", NULL, 200, &r);
	assert_true(num(r.json, "people") > 0 && num(r.json, "verified_minutes") >= 150);
	hr_free(&r);
}

static int tick_fn(struct db *db, void *arg, struct xf_err *err)
{
	int *out = arg;
	return coop_tick(db, clock_now(), &out[0], &out[1], err);
}

static void test_the_monthly_workday_is_created_once_per_community(void **state)
{
	struct xf_err e;
	int out[2];
	assert_int_equal(store_write(T.app.store, tick_fn, out, &e), XF_OK);
	int64_t communities = SQL_INT("SELECT count(*) FROM places WHERE kind = 'community'", "");
	int64_t workdays = SQL_INT("SELECT count(*) FROM activities WHERE kind = 'workday'", "");
	assert_true(workdays >= communities);
	assert_int_equal(store_write(T.app.store, tick_fn, out, &e), XF_OK);
	assert_int_equal(out[0], 0);
	assert_int_equal(SQL_INT("SELECT count(*) FROM activities WHERE kind = 'workday'", ""),
	                 workdays);
}

static void test_the_bus_company_finds_drivers_among_job_seekers(void **state)
{
	struct hresp r;
	char body[512], path[128];
	int64_t bus = SQL_INT("SELECT id FROM orgs WHERE code = '91420200U00001'", ""),
	        street = place("420203009000");
	snprintf(body, sizeof body,
	         "{\"unit_org_id\":%lld,\"place_id\":%lld,\"year\":2027,\"title\":\"2027 年度"
	         "共建协议\"}",
	         (long long)bus, (long long)street);
	post(jiedao, "/api/agreements", body, 201, &r);
	int64_t ag = num(r.json, "id");
	hr_free(&r);
	post_err(jiedao, "/api/agreements", body, 409, "duplicate");
	post_ok(danwei, "/api/agreements", body, 403);
	/* The unit writes its need; the community its own needs; each claims the other's. */
	snprintf(body, sizeof body,
	         "{\"agreement_id\":%lld,\"side\":\"unit\",\"list\":\"need\",\"category\":\"就业\","
	         "\"title\":\"招聘公交驾驶员\",\"quantity\":2,\"tags\":\"job_seeker,licence_"
	         "a3\"}",
	         (long long)ag);
	post(danwei, "/api/list-items", body, 201, &r);
	int64_t need = num(r.json, "id");
	hr_free(&r);
	snprintf(body, sizeof body,
	         "{\"agreement_id\":%lld,\"side\":\"community\",\"list\":\"need\",\"title\":\"职工"
	         "子女暑期托管志愿者\"}",
	         (long long)ag);
	post_ok(danwei, "/api/list-items", body, 403);
	post(jiedao, "/api/list-items", body, 201, &r);
	int64_t cneed = num(r.json, "id");
	hr_free(&r);
	snprintf(path, sizeof path, "/api/list-items/%lld/claim", (long long)cneed);
	post_err(jiedao, path, "{\"commitment\":\"自己认领\"}", 400, "own_item");
	post_ok(danwei, path, "{\"commitment\":\"派 5 名青年党员暑期轮值\"}", 200);
	post_err(danwei, path, "{\"commitment\":\"再认领\"}", 409, "already_claimed");

	/* 沈家营's worker records three job-seekers with a licence, and one without. */
	struct db_stmt *st;
	struct xf_err e;
	struct db *db = store_reader(T.app.store, &e);
	st = db_prep(db,
	             "SELECT pe.id FROM people pe JOIN places h ON h.id = pe.place_id JOIN places c"
	             " ON c.code = '420202005003' WHERE substr(h.path, 1, length(c.path)) = c.path"
	             " ORDER BY pe.id LIMIT 4",
	             &e);
	int64_t seekers[4];
	int n = 0;
	while (n < 4 && db_step(st, &e) == DB_ROW)
		seekers[n++] = db_col_int(st, 0);
	db_reset(st);
	assert_int_equal(n, 4);
	for (int i = 0; i < 4; i++) {
		snprintf(path, sizeof path, "/api/people/%lld/tags", (long long)seekers[i]);
		post_ok(shequ, path, "{\"tags\":[\"job_seeker\"]}", 403); /* not her residents */
		post_ok(shequ3, path,
		        i < 3 ? "{\"tags\":[\"job_seeker\",\"licence_a3\"]}"
		              : "{\"tags\":[\"job_seeker\"]}",
		        200);
	}
	snprintf(path, sizeof path, "/api/people/%lld/tags", (long long)seekers[0]);
	post_ok(shequ3, path, "{\"tags\":[\"Job Seeker!\"]}", 400);

	snprintf(body, sizeof body, "{\"item_id\":%lld}", (long long)need);
	post(jiedao, "/api/matches/run", body, 200, &r);
	json_t *items = json_object_get(r.json, "items");
	assert_int_equal(json_array_size(items), 3);
	int64_t match[3];
	for (int i = 0; i < 3; i++) {
		json_t *m = json_array_get(items, (size_t)i);
		match[i] = num(m, "id");
		assert_non_null(strstr(str(m, "phone"), "****")); /* masked */
		assert_true(num(m, "person_id") != seekers[3]);
	}
	hr_free(&r);
	/* Their own community forwards them; the unit hires the forwarded. */
	snprintf(path, sizeof path, "/api/matches/%lld/hire", (long long)match[0]);
	post_err(danwei, path, "{}", 409, "invalid_state");
	/* 沈家营's worker sees her residents among the proposals (she forwards them); 友爱街's
	 * sees none of them. */
	snprintf(path, sizeof path, "/api/matches?item_id=%lld", (long long)need);
	req("GET", shequ3, path, NULL, 200, &r);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 3);
	hr_free(&r);
	req("GET", shequ2, path, NULL, 200, &r);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 0);
	hr_free(&r);
	req("GET", jumin, path, NULL, 403, &r);
	hr_free(&r);
	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof path, "/api/matches/%lld/forward", (long long)match[i]);
		post_ok(jiedao, path, "{}", 403); /* 澄月街道 does not hold 沈家营's people */
		post_ok(shequ3, path, "{}", 200);
	}
	for (int i = 0; i < 2; i++) {
		snprintf(path, sizeof path, "/api/matches/%lld/hire", (long long)match[i]);
		post_ok(danwei, path, "{}", 200);
	}
	snprintf(path, sizeof path, "/api/matches/%lld/decline", (long long)match[2]);
	post_ok(danwei, path, "{}", 200);
	snprintf(path, sizeof path, "/api/matches?item_id=%lld", (long long)need);
	req("GET", danwei, path, NULL, 200, &r);
	assert_int_equal(num(r.json, "progress"), 2);
	hr_free(&r);
	snprintf(path, sizeof path, "/api/agreements/%lld", (long long)ag);
	req("GET", danwei, path, NULL, 200, &r);
	assert_string_equal(str(r.json, "my_side"), "unit");
	json_t *it;
	size_t i;
	json_array_foreach(json_object_get(r.json, "items"), i, it) if (num(it, "id") == need)
	    assert_string_equal(str(it, "status"), "done");
	hr_free(&r);
	req("GET", shequ2, path, NULL, 403, &r);
	hr_free(&r);
	snprintf(path, sizeof path, "/api/agreements/%lld/sign", (long long)ag);
	post_ok(danwei, path, "{}", 403);
	post_ok(jiedao, path, "{}", 200);
	post_err(jiedao, path, "{}", 409, "already_signed");
}

/* What the volunteer report says for a place, against a count written independently of
 * src/coop (by path prefix): flagged people, or verified minutes in the last 365 days. */
static void check_volunteers(const char *sess, bool rolled)
{
	struct hresp r;
	req("GET", sess, "/api/reports/volunteers", NULL, 200, &r);
	int64_t place = num(r.json, "place_id"), since = clock_now() - 365 * 86400;
	int64_t people = SQL_INT("SELECT count(*) FROM people pe JOIN places h ON h.id ="
	                         " pe.place_id JOIN places p ON p.id = ? WHERE substr(h.path, 1,"
	                         " length(p.path)) = p.path",
	                         "i", place);
	int64_t volunteers = SQL_INT(
	    "SELECT count(*) FROM people pe JOIN places h ON h.id = pe.place_id JOIN places p ON"
	    " p.id = ? WHERE substr(h.path, 1, length(p.path)) = p.path AND (pe.volunteer = 1 OR"
	    " pe.id IN (SELECT s.person_id FROM activity_signups s JOIN activities ac ON ac.id ="
	    " s.activity_id WHERE s.minutes > 0 AND ac.starts_at >= ?))",
	    "ii", place, since);
	int64_t minutes = SQL_INT(
	    "SELECT coalesce(sum(s.minutes), 0) FROM activity_signups s JOIN activities ac ON"
	    " ac.id = s.activity_id JOIN people pe ON pe.id = s.person_id JOIN places h ON h.id ="
	    " pe.place_id JOIN places p ON p.id = ? WHERE substr(h.path, 1, length(p.path)) ="
	    " p.path AND ac.starts_at >= ?",
	    "ii", place, since);
	assert_true(people > 0);
	assert_int_equal(num(r.json, "people"), people);
	assert_int_equal(num(r.json, "volunteers"), volunteers);
	assert_int_equal(num(r.json, "verified_minutes"), minutes);
	/* a street or above answers from the dashboard's rollup once it exists, and says when;
	 * a community is always counted live (as_of null) */
	json_t *as_of = json_object_get(r.json, "as_of");
	if (rolled)
		assert_true(json_is_integer(as_of) && json_integer_value(as_of) > 0);
	else
		assert_true(json_is_null(as_of));
	hr_free(&r);
}

static void test_the_volunteer_report_agrees_with_an_independent_count(void **state)
{
	/* the community: counted live */
	check_volunteers(shequ, false);
	/* once the scheduler's rollup has run (as the clock moves), the city and the street
	 * read it; the figures still agree */
	struct hresp r;
	req("POST", NULL, "/api/test/clock", "{\"advance\":601}", 200, &r);
	hr_free(&r);
	login_all();
	check_volunteers(admin, true);
	check_volunteers(jiedao, true);
	check_volunteers(shequ, false);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_members_and_units_report_and_the_employer_hears),
	    cmocka_unit_test(test_posts_are_claimed_under_the_negative_list_until_full),
	    cmocka_unit_test(test_a_wish_goes_from_order_to_rating_and_points),
	    cmocka_unit_test(test_activities_fill_wait_check_codes_and_confirm_hours_once),
	    cmocka_unit_test(test_the_monthly_workday_is_created_once_per_community),
	    cmocka_unit_test(test_the_bus_company_finds_drivers_among_job_seekers),
	    cmocka_unit_test(test_the_volunteer_report_agrees_with_an_independent_count),
	};
	return TS_RUN(tests, setup, teardown);
}
