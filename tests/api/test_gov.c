/* 一核多元 议事和表决 over HTTP on the demo city, with one test building whose owners,
 * areas and residents are known, so every count below is worked out by hand:
 *
 *   unit  area   owner              residents (adults unless noted)
 *   U1    100 m² 甲 (also owns U2)   甲, 甲's spouse 乙
 *   U2    100 m² 甲                  —
 *   U3     50 m² 丙                  丙, a child born 2015
 *   U4     50 m² 丁                  丁
 *   U5     60 m² 戊                  戊
 *   U6     40 m² no registered owner 己 (tenant)
 *
 * Owners' roll: 甲 {U1,U2} 200 m², 丙 50, 丁 50, 戊 60, and U6 counted as one owner:
 * 5 owners, 400 m². People roll: 甲 乙 丙 丁 戊 己 = 6 (the child is not). Household roll:
 * U1 U3 U4 U5 U6 = 5 (nobody lives in U2). */
#include "../support/testlib.h"
#include "auth/auth.h"
#include "core/clock.h"
#include "core/crypto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct tserver T;
static char shequ[512], shequ2[512], wangge[512], jumin[512], jiedao[512];
static char hdr[6][512]; /* 甲 乙 丙 丁 戊 己 */
static int64_t person[6], unit[6], building;
enum { JIA, YI, BING, DING, WU, JI };

#define SQL_INT(sql, ...)                                                                          \
	(__extension__({                                                                           \
		struct xf_err e_;                                                                  \
		int64_t v_ = -1;                                                                   \
		assert_int_equal(                                                                  \
		    db_int(store_reader(T.app.store, &e_), &e_, &v_, sql, __VA_ARGS__), XF_OK);    \
		v_;                                                                                \
	}))

static int add_person(struct db *db, int64_t place, const char *name, int year, const char *tenure,
                      int64_t *id, struct xf_err *err)
{
	int rc =
	    db_run(db, err,
	           "INSERT INTO people(place_id, name, birth_year, tenure, residency, created_at,"
	           " updated_at) VALUES (?, ?, ?, ?, 'both', 0, 0)",
	           "itit", place, name, (int64_t)year, tenure);
	if (rc == XF_OK)
		rc = db_int(db, err, id, "SELECT max(id) FROM people", "");
	return rc;
}

static int build(struct db *db, void *arg, struct xf_err *err)
{
	int64_t grid = 0;
	char path[300], hash[160];
	int rc = db_int(db, err, &grid, "SELECT id FROM places WHERE code = '420203009002001'", "");
	if (rc == XF_OK)
		rc = db_run(
		    db, err,
		    "INSERT INTO places(parent_id, kind, code, name, path, district_id,"
		    " created_at) SELECT id, 'building', '420203009002001T1', '测试楼', 'tmp:T1',"
		    " district_id, 0 FROM places WHERE id = ?",
		    "i", grid);
	if (rc == XF_OK)
		rc = db_int(db, err, &building, "SELECT max(id) FROM places", "");
	if (rc != XF_OK)
		return rc;
	/* Paths are ids. */
	snprintf(path, sizeof path, "%lld", (long long)building);
	rc = db_run(db, err,
	            "UPDATE places SET path = (SELECT path FROM places WHERE id = ?) || ? || '/'"
	            " WHERE id = ?",
	            "iti", grid, path, building);
	static const int64_t areas[6] = {10000, 10000, 5000, 5000, 6000, 4000};
	for (int i = 0; i < 6 && rc == XF_OK; i++) {
		char code[40], name[16];
		snprintf(code, sizeof code, "420203009002001T1%02d", i + 1);
		snprintf(name, sizeof name, "U%d", i + 1);
		rc = db_run(
		    db, err,
		    "INSERT INTO places(parent_id, kind, code, name, path, district_id,"
		    " created_at, area_cm2) SELECT id, 'household', ?, ?, ?, district_id, 0, ?"
		    " FROM places WHERE id = ?",
		    "tttii", code, name, code, areas[i], building);
		if (rc == XF_OK)
			rc = db_int(db, err, &unit[i], "SELECT max(id) FROM places", "");
		char p2[32];
		snprintf(p2, sizeof p2, "%lld/", (long long)unit[i]);
		if (rc == XF_OK)
			rc = db_run(
			    db, err,
			    "UPDATE places SET path = (SELECT path FROM places WHERE id = ?) || ?"
			    " WHERE id = ?",
			    "iti", building, p2, unit[i]);
	}
	static const struct {
		const char *name, *tenure;
		int u;
	} who[6] = {{"甲业主", "owner", 0}, {"乙家属", "", 0},      {"丙业主", "owner", 2},
	            {"丁业主", "owner", 3}, {"戊业主", "owner", 4}, {"己租户", "tenant", 5}};
	for (int i = 0; i < 6 && rc == XF_OK; i++)
		rc = add_person(db, unit[who[i].u], who[i].name, 1970 + i, who[i].tenure,
		                &person[i], err);
	int64_t child;
	if (rc == XF_OK)
		rc = add_person(db, unit[2], "丙的孩子", 2015, "", &child, err);
	if (rc == XF_OK)
		rc = db_run(
		    db, err,
		    "INSERT INTO gov_holdings(person_id, place_id, created_at) VALUES (?, ?, 0)",
		    "ii", person[JIA], unit[1]);
	if (rc == XF_OK)
		rc = crypto_pw_hash(DEMO_PW, hash, sizeof hash, err);
	for (int i = 0; i < 6 && rc == XF_OK; i++) {
		char uname[16];
		int64_t uid;
		snprintf(uname, sizeof uname, "t%d", i);
		rc = auth_user_create(db, uname, hash, who[i].name, person[i], NULL, &uid, err);
		if (rc == XF_OK)
			rc = auth_grant_add(db, uid, "resident", unit[who[i].u], 0, NULL, err);
	}
	return rc;
}

static int setup(void **state)
{
	ts_start(&T);
	struct xf_err e;
	if (store_write(T.app.store, build, NULL, &e) != XF_OK)
		fail_msg("fixtures: %s", e.message);
	ts_login(&T, "shequ", DEMO_PW, shequ, sizeof shequ);
	ts_login(&T, "shequ2", DEMO_PW, shequ2, sizeof shequ2);
	ts_login(&T, "wangge", DEMO_PW, wangge, sizeof wangge);
	ts_login(&T, "jumin", DEMO_PW, jumin, sizeof jumin);
	ts_login(&T, "jiedao", DEMO_PW, jiedao, sizeof jiedao);
	for (int i = 0; i < 6; i++) {
		char uname[16];
		snprintf(uname, sizeof uname, "t%d", i);
		ts_login(&T, uname, DEMO_PW, hdr[i], sizeof hdr[i]);
	}
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

static int64_t num(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

static const char *str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static void post_ok(const char *hdrs, const char *path, const char *body, int status)
{
	struct hresp r;
	req("POST", hdrs, path, body, status, &r);
	hr_free(&r);
}

static void post_err(const char *hdrs, const char *path, const char *body, int status,
                     const char *code)
{
	struct hresp r;
	req("POST", hdrs, path, body, status, &r);
	assert_string_equal(hr_error_code(&r), code);
	hr_free(&r);
}

/* A vote on the test building (or place), open from a minute ago for five minutes. */
static int64_t make_vote(const char *extra, int64_t place)
{
	char body[1024];
	int64_t now = clock_now();
	snprintf(
	    body, sizeof body,
	    "{\"place_id\":%lld,\"title\":\"测试表决\",\"opens_at\":%lld,\"closes_at\":%lld,%s}",
	    (long long)(place ? place : building), (long long)(now - 60), (long long)(now + 300),
	    extra);
	struct hresp r;
	req("POST", shequ, "/api/votes", body, 201, &r);
	int64_t id = num(r.json, "id");
	hr_free(&r);
	return id;
}

/* Option ids in order (同意, 反对, 弃权 or the candidates). */
static void options(int64_t vote, int64_t *opt, size_t n)
{
	char path[64];
	struct hresp r;
	snprintf(path, sizeof path, "/api/votes/%lld", (long long)vote);
	req("GET", shequ, path, NULL, 200, &r);
	json_t *o = json_object_get(r.json, "options");
	assert_int_equal(json_array_size(o), n);
	for (size_t i = 0; i < n; i++)
		opt[i] = num(json_array_get(o, i), "id");
	hr_free(&r);
}

static void cast(int who, int64_t vote, const char *opts, int status, const char *code)
{
	char path[64], body[128];
	snprintf(path, sizeof path, "/api/votes/%lld/cast", (long long)vote);
	snprintf(body, sizeof body, "{\"options\":[%s]}", opts);
	if (code)
		post_err(hdr[who], path, body, status, code);
	else
		post_ok(hdr[who], path, body, status);
}

static const char *idv(int64_t v, char *buf)
{
	sprintf(buf, "%lld", (long long)v);
	return buf;
}

/* Close after the window; the result. */
static json_t *close_vote(int64_t vote)
{
	char path[64];
	struct hresp r;
	clock_advance(400);
	snprintf(path, sizeof path, "/api/votes/%lld/close", (long long)vote);
	req("POST", shequ, path, NULL, 200, &r);
	json_t *res = json_incref(json_object_get(r.json, "result"));
	hr_free(&r);
	clock_advance(-400);
	return res;
}

static json_t *option_result(json_t *res, int64_t opt)
{
	json_t *it;
	size_t i;
	json_array_foreach(json_object_get(res, "options"), i,
	                   it) if (num(it, "id") == opt) return it;
	fail_msg("option %lld not in the result", (long long)opt);
	return NULL;
}

static void test_the_owners_roll_counts_an_owner_of_two_units_once(void **state)
{
	struct hresp r;
	char path[64];
	int64_t v = make_vote("\"rule\":\"owners\",\"item\":5", 0);
	snprintf(path, sizeof path, "/api/votes/%lld", (long long)v);
	req("GET", shequ, path, NULL, 200, &r);
	assert_int_equal(num(r.json, "roll_units"), 5);    /* 甲 丙 丁 戊 + U6 */
	assert_int_equal(num(r.json, "roll_area"), 40000); /* 400 m² */
	hr_free(&r);
	assert_int_equal(SQL_INT("SELECT area_cm2 FROM gov_roll WHERE vote_id = ? AND voter = ?",
	                         "ii", v, unit[0]),
	                 20000);
	assert_int_equal(
	    SQL_INT("SELECT units FROM gov_roll WHERE vote_id = ? AND voter = 0", "i", v), 1);
	/* The tenant and the spouse are not owners. */
	int64_t opt[3];
	char b[24];
	options(v, opt, 3);
	cast(JI, v, idv(opt[0], b), 403, "not_eligible");
	cast(YI, v, idv(opt[0], b), 403, "not_eligible");
	/* 甲 votes once for both units. */
	cast(JIA, v, idv(opt[1], b), 200, NULL);
	cast(JIA, v, idv(opt[0], b), 409, "already_voted");
	cast(BING, v, idv(opt[0], b), 200, NULL);
	cast(DING, v, idv(opt[0], b), 200, NULL);
	cast(WU, v, idv(opt[0], b), 200, NULL);
	json_t *res = close_vote(v);
	/* Participation 4 of 5 owners, 360 of 400 m²: both ≥ 2/3. Yes: 3 of 4 owners (> 1/2)
	 * but 160 of 360 m² (not > 180): passes by headcount, fails by area. */
	assert_true(json_is_true(json_object_get(res, "quorum")));
	assert_int_equal(num(res, "participants"), 4);
	assert_int_equal(num(res, "participant_area"), 36000);
	json_t *yes = option_result(res, opt[0]);
	assert_int_equal(num(yes, "heads"), 3);
	assert_int_equal(num(yes, "area_cm2"), 16000);
	assert_true(json_is_true(json_object_get(yes, "pass_heads")));
	assert_false(json_is_true(json_object_get(yes, "pass_area")));
	assert_false(json_is_true(json_object_get(res, "passed")));
	assert_int_equal(num(option_result(res, opt[1]), "area_cm2"), 20000);
	json_decref(res);
	/* A closed vote changes no more. */
	cast(JI, v, idv(opt[0], b), 409, "vote_closed");
	snprintf(path, sizeof path, "/api/votes/%lld/close", (long long)v);
	clock_advance(400);
	post_err(shequ, path, NULL, 409, "vote_closed");
	clock_advance(-400);
}

static void test_three_quarters_for_rebuilding_and_the_quorum(void **state)
{
	int64_t opt[3];
	char b[24];
	/* Item 7 needs ≥ 3/4 of each: 甲 丙 丁 yes, 戊 no → 3/4 owners, 300/360 m²: passes. */
	int64_t v = make_vote("\"rule\":\"owners\",\"item\":7", 0);
	options(v, opt, 3);
	cast(JIA, v, idv(opt[0], b), 200, NULL);
	cast(BING, v, idv(opt[0], b), 200, NULL);
	cast(DING, v, idv(opt[0], b), 200, NULL);
	cast(WU, v, idv(opt[1], b), 200, NULL);
	json_t *res = close_vote(v);
	assert_true(json_is_true(json_object_get(res, "passed")));
	assert_int_equal(num(option_result(res, opt[0]), "area_cm2"), 30000);
	assert_non_null(strstr(str(res, "basis"), "法定默认"));
	json_decref(res);
	/* Quorum: only 甲 and 丙 take part: 2 of 5 owners < 2/3, though all say yes. */
	v = make_vote("\"rule\":\"owners\",\"item\":4", 0);
	options(v, opt, 3);
	cast(JIA, v, idv(opt[0], b), 200, NULL);
	cast(BING, v, idv(opt[0], b), 200, NULL);
	res = close_vote(v);
	assert_false(json_is_true(json_object_get(res, "quorum")));
	assert_true(json_is_true(json_object_get(option_result(res, opt[0]), "pass_heads")));
	assert_false(json_is_true(json_object_get(res, "passed")));
	json_decref(res);
}

static void test_one_person_one_vote_and_one_household_one_vote(void **state)
{
	int64_t opt[3];
	char b[24], path[64];
	struct hresp r;
	/* People: 6 adults (the child is not on the roll). 甲 乙 yes, 丙 no, 己 abstains: 4 of 6
	 * take part (≥ 50%); 2 yes of 4 is not more than half: fails. */
	int64_t v = make_vote("\"rule\":\"person\",\"quorum_pct\":50", 0);
	snprintf(path, sizeof path, "/api/votes/%lld", (long long)v);
	req("GET", shequ, path, NULL, 200, &r);
	assert_int_equal(num(r.json, "roll_units"), 6);
	/* Open ballot: the count is live. */
	assert_true(json_is_true(json_object_get(r.json, "live")));
	hr_free(&r);
	options(v, opt, 3);
	cast(JIA, v, idv(opt[0], b), 200, NULL);
	cast(YI, v, idv(opt[0], b), 200, NULL);
	cast(BING, v, idv(opt[1], b), 200, NULL);
	cast(JI, v, idv(opt[2], b), 200, NULL);
	req("GET", hdr[DING], path, NULL, 200, &r);
	assert_int_equal(num(json_object_get(r.json, "result"), "participants"), 4);
	assert_true(json_is_true(json_object_get(json_object_get(r.json, "me"), "eligible")));
	hr_free(&r);
	json_t *res = close_vote(v);
	assert_true(json_is_true(json_object_get(res, "quorum")));
	assert_int_equal(num(option_result(res, opt[0]), "heads"), 2);
	assert_false(json_is_true(json_object_get(res, "passed")));
	json_decref(res);
	/* Households: U1 U3 U4 U5 U6. 甲 for U1 (then 乙 cannot), 丙 yes, 丁 no: 3 of 5 take
	 * part (≥ 50%), 2 of 3 yes meets two thirds: passes. */
	v = make_vote("\"rule\":\"household\",\"threshold\":\"two_thirds\"", 0);
	options(v, opt, 3);
	cast(JIA, v, idv(opt[0], b), 200, NULL);
	cast(YI, v, idv(opt[0], b), 409, "already_voted");
	cast(BING, v, idv(opt[0], b), 200, NULL);
	cast(DING, v, idv(opt[1], b), 200, NULL);
	res = close_vote(v);
	assert_int_equal(num(res, "roll_units"), 5);
	assert_int_equal(num(res, "participants"), 3);
	assert_true(json_is_true(json_object_get(res, "passed")));
	json_decref(res);
}

static void test_an_owners_committee_election_elects_by_double_majority(void **state)
{
	int64_t opt[3];
	char b[64];
	int64_t v =
	    make_vote("\"kind\":\"election\",\"rule\":\"owners\",\"item\":3,\"secret\":true,"
	              "\"seats\":2,\"candidates\":[\"张三\",\"李四\",\"王五\"]",
	              0);
	options(v, opt, 3);
	/* X: 甲 丙 戊 = 3 of 4 owners, 310 of 360 m²; Y: 甲 丁 = 2 (not > 2); Z: 丁 戊 = 2. */
	snprintf(b, sizeof b, "%lld,%lld", (long long)opt[0], (long long)opt[1]);
	cast(JIA, v, b, 200, NULL);
	cast(BING, v, idv(opt[0], b), 200, NULL);
	snprintf(b, sizeof b, "%lld,%lld,%lld", (long long)opt[0], (long long)opt[1],
	         (long long)opt[2]);
	cast(DING, v, b, 400, "validation_failed"); /* three names for two seats */
	snprintf(b, sizeof b, "%lld,%lld", (long long)opt[1], (long long)opt[1]);
	cast(DING, v, b, 400, "validation_failed"); /* the same name twice */
	snprintf(b, sizeof b, "%lld,%lld", (long long)opt[1], (long long)opt[2]);
	cast(DING, v, b, 200, NULL);
	snprintf(b, sizeof b, "%lld,%lld", (long long)opt[0], (long long)opt[2]);
	cast(WU, v, b, 200, NULL);
	json_t *res = close_vote(v);
	json_t *x = option_result(res, opt[0]), *y = option_result(res, opt[1]);
	assert_int_equal(num(x, "heads"), 3);
	assert_int_equal(num(x, "area_cm2"), 31000);
	assert_true(json_is_true(json_object_get(x, "elected")));
	assert_int_equal(num(y, "heads"), 2);
	assert_false(json_is_true(json_object_get(y, "elected")));
	assert_false(json_is_true(json_object_get(option_result(res, opt[2]), "elected")));
	json_decref(res);
}

static void test_a_secret_ballot_cannot_be_linked_to_its_voter(void **state)
{
	int64_t opt[3];
	char b[24], path[64];
	struct hresp r;
	int64_t v = make_vote("\"rule\":\"person\",\"secret\":true", 0);
	options(v, opt, 3);
	int64_t audit_before = SQL_INT("SELECT count(*) FROM audit_log", "");
	/* An Idempotency-Key would store a hash of the body (the choice) next to the voter. */
	snprintf(path, sizeof path, "/api/votes/%lld/cast", (long long)v);
	char h[700];
	snprintf(h, sizeof h, "%sIdempotency-Key: k-secret-1\r\n", hdr[JIA]);
	snprintf(b, sizeof b, "{\"options\":[%lld]}", (long long)opt[0]);
	req("POST", h, path, b, 400, &r);
	assert_string_equal(hr_error_code(&r), "idempotency_not_supported");
	hr_free(&r);
	assert_int_equal(
	    SQL_INT("SELECT count(*) FROM gov_roll WHERE vote_id = ? AND voted = 1", "i", v), 0);
	/* 甲 yes, 乙 no. */
	req("POST", hdr[JIA], path, b, 200, &r);
	assert_null(json_object_get(r.json, "options")); /* the answer does not repeat it */
	hr_free(&r);
	cast(YI, v, idv(opt[1], b), 200, NULL);
	/* What the database holds about the two voters is identical… */
	for (int i = 0; i < 2; i++)
		assert_int_equal(
		    SQL_INT("SELECT count(*) FROM gov_roll WHERE vote_id = ? AND voter = ?"
		            " AND voted = 1 AND channel = 'online'",
		            "ii", v, person[i]),
		    1);
	/* …and the ballots exist only as sums: no ballot rows, no paper, no stored request. */
	assert_int_equal(SQL_INT("SELECT count(*) FROM gov_open_ballots WHERE vote_id = ?", "i", v),
	                 0);
	assert_int_equal(
	    SQL_INT("SELECT count(*) FROM gov_paper_ballots WHERE vote_id = ?", "i", v), 0);
	assert_int_equal(SQL_INT("SELECT count(*) FROM idempotency WHERE path = ?", "t", path), 0);
	assert_int_equal(SQL_INT("SELECT heads FROM gov_tallies WHERE option_id = ?", "i", opt[0]),
	                 1);
	assert_int_equal(SQL_INT("SELECT heads FROM gov_tallies WHERE option_id = ?", "i", opt[1]),
	                 1);
	/* The tallies table has no column that could name a voter. */
	struct xf_err e;
	struct db *db = store_reader(T.app.store, &e);
	struct db_stmt *st = db_prep(db, "SELECT * FROM gov_tallies WHERE vote_id = ?", &e);
	assert_non_null(st);
	db_bind_int(st, 1, v);
	int rows = 0;
	while (db_step(st, &e) == DB_ROW) {
		rows++;
		/* option_id, vote_id, heads, area_cm2: four columns, none a person. */
		assert_true(db_col_int(st, 0) == opt[0] || db_col_int(st, 0) == opt[1] ||
		            db_col_int(st, 0) == opt[2]);
		assert_int_equal(db_col_int(st, 1), v);
	}
	assert_int_equal(rows, 3);
	/* The audit rows of the two casts say the same thing apart from who. */
	assert_int_equal(
	    SQL_INT("SELECT count(DISTINCT detail || '|' || object) FROM audit_log WHERE"
	            " action = 'votes.cast' AND id > ?",
	            "i", audit_before),
	    1);
	/* The voter sees that she voted, not what (nobody does until the count). */
	snprintf(path, sizeof path, "/api/votes/%lld", (long long)v);
	req("GET", hdr[JIA], path, NULL, 200, &r);
	assert_true(json_is_true(json_object_get(json_object_get(r.json, "me"), "voted")));
	assert_true(json_is_null(json_object_get(r.json, "result")));
	hr_free(&r);
	req("GET", shequ, path, NULL, 200, &r);
	assert_true(json_is_null(json_object_get(r.json, "result")));
	hr_free(&r);
	json_t *res = close_vote(v);
	assert_int_equal(num(option_result(res, opt[0]), "heads"), 1);
	json_decref(res);
}

static void test_paper_ballots_count_only_when_a_second_person_confirms(void **state)
{
	int64_t opt[3];
	char b[128], path[64], cpath[64];
	struct hresp r;
	int64_t v = make_vote("\"rule\":\"person\",\"secret\":true", 0);
	options(v, opt, 3);
	snprintf(path, sizeof path, "/api/votes/%lld/paper", (long long)v);
	snprintf(b, sizeof b, "{\"person_id\":%lld,\"options\":[%lld]}", (long long)person[WU],
	         (long long)opt[0]);
	req("POST", shequ, path, b, 201, &r);
	int64_t pb = num(r.json, "id");
	hr_free(&r);
	/* Pending: not counted, and 戊 cannot vote online meanwhile, nor be entered twice. */
	cast(WU, v, idv(opt[1], b), 409, "paper_pending");
	snprintf(b, sizeof b, "{\"person_id\":%lld,\"options\":[%lld]}", (long long)person[WU],
	         (long long)opt[0]);
	post_err(wangge, path, b, 409, "paper_pending");
	snprintf(b, sizeof b, "{\"person_id\":%lld,\"options\":[%lld]}",
	         (long long)person[0] + 999999, (long long)opt[0]);
	post_err(shequ, path, b, 400, "not_eligible");
	assert_int_equal(SQL_INT("SELECT heads FROM gov_tallies WHERE option_id = ?", "i", opt[0]),
	                 0);
	/* The one who entered it cannot confirm it; another community cannot either. */
	snprintf(cpath, sizeof cpath, "/api/paper-ballots/%lld/confirm", (long long)pb);
	post_err(shequ, cpath, NULL, 409, "second_person_required");
	post_err(shequ2, cpath, NULL, 403, "out_of_scope");
	post_err(jumin, cpath, NULL, 403, "forbidden");
	/* A closed vote cannot be closed while paper waits. */
	clock_advance(400);
	snprintf(b, sizeof b, "/api/votes/%lld/close", (long long)v);
	post_err(shequ, b, NULL, 409, "paper_pending");
	clock_advance(-400);
	post_ok(wangge, cpath, NULL, 200);
	post_err(wangge, cpath, NULL, 409, "invalid_state");
	assert_int_equal(SQL_INT("SELECT heads FROM gov_tallies WHERE option_id = ?", "i", opt[0]),
	                 1);
	cast(WU, v, idv(opt[1], b), 409, "already_voted");
	/* The confirmed secret paper keeps neither voter nor choice. */
	assert_int_equal(SQL_INT("SELECT count(*) FROM gov_paper_ballots WHERE id = ? AND voter IS"
	                         " NULL AND choice = ''",
	                         "i", pb),
	                 1);
	/* A rejected paper counts nothing and frees the voter. */
	snprintf(b, sizeof b, "{\"person_id\":%lld,\"options\":[%lld]}", (long long)person[DING],
	         (long long)opt[1]);
	req("POST", wangge, path, b, 201, &r);
	pb = num(r.json, "id");
	hr_free(&r);
	snprintf(cpath, sizeof cpath, "/api/paper-ballots/%lld/reject", (long long)pb);
	post_ok(shequ, cpath, NULL, 200);
	assert_int_equal(SQL_INT("SELECT heads FROM gov_tallies WHERE option_id = ?", "i", opt[1]),
	                 0);
	cast(DING, v, idv(opt[1], b), 200, NULL);
	req("GET", shequ, path, NULL, 200, &r);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 2);
	hr_free(&r);
	/* The roll search for the desk. */
	snprintf(path, sizeof path, "/api/votes/%lld/roll?q=%%E6%%88%%8A", (long long)v); /* 戊 */
	req("GET", wangge, path, NULL, 200, &r);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 1);
	assert_true(json_is_true(
	    json_object_get(json_array_get(json_object_get(r.json, "items"), 0), "voted")));
	hr_free(&r);
	json_t *res = close_vote(v);
	assert_int_equal(num(res, "participants"), 2);
	json_decref(res);
}

static void test_bad_votes_are_refused_and_change_nothing(void **state)
{
	int64_t opt[3];
	char b[512], path[64];
	int64_t now = clock_now();
	int64_t before = SQL_INT("SELECT count(*) FROM gov_votes", "");
	/* Set-up errors. */
	snprintf(b, sizeof b,
	         "{\"place_id\":%lld,\"title\":\"坏表决\",\"rule\":\"owners\",\"opens_at\":%lld,"
	         "\"closes_at\":%lld}",
	         (long long)building, (long long)now, (long long)now + 60);
	post_err(shequ, "/api/votes", b, 400, "validation_failed"); /* no art. 278 item */
	snprintf(b, sizeof b,
	         "{\"place_id\":%lld,\"title\":\"坏表决\",\"rule\":\"person\",\"opens_at\":%lld,"
	         "\"closes_at\":%lld}",
	         (long long)building, (long long)now, (long long)now - 60);
	post_err(shequ, "/api/votes", b, 400, "validation_failed"); /* closes before it opens */
	snprintf(b, sizeof b,
	         "{\"place_id\":%lld,\"title\":\"坏表决\",\"rule\":\"majority\",\"opens_at\":%lld,"
	         "\"closes_at\":%lld}",
	         (long long)building, (long long)now, (long long)now + 60);
	post_err(shequ, "/api/votes", b, 400, "validation_failed");
	snprintf(b, sizeof b,
	         "{\"place_id\":%lld,\"title\":\"坏表决\",\"rule\":\"person\",\"opens_at\":%lld,"
	         "\"closes_at\":%lld}",
	         (long long)building, (long long)now, (long long)now + 60);
	post_err(shequ2, "/api/votes", b, 403, "out_of_scope");
	post_err(jumin, "/api/votes", b, 403, "forbidden");
	post_err(shequ, "/api/votes", "{\"place_id\":1,\"title\":\"x\"", 400, "invalid_json");
	assert_int_equal(SQL_INT("SELECT count(*) FROM gov_votes", ""), before);
	/* Outside the window: not yet open, and after it closed. */
	snprintf(
	    b, sizeof b,
	    "{\"place_id\":%lld,\"title\":\"明天的表决\",\"rule\":\"person\",\"opens_at\":%lld,"
	    "\"closes_at\":%lld}",
	    (long long)building, (long long)now + 3600, (long long)now + 7200);
	struct hresp r;
	req("POST", shequ, "/api/votes", b, 201, &r);
	int64_t later = num(r.json, "id");
	hr_free(&r);
	options(later, opt, 3);
	char o[24];
	cast(JIA, later, idv(opt[0], o), 409, "outside_window");
	int64_t v = make_vote("\"rule\":\"person\"", 0);
	options(v, opt, 3);
	clock_advance(301);
	cast(JIA, v, idv(opt[0], o), 409, "outside_window");
	clock_advance(-301);
	/* Before the window ends the count cannot be made. */
	snprintf(path, sizeof path, "/api/votes/%lld/close", (long long)v);
	post_err(shequ, path, NULL, 409, "still_open");
	/* Not eligible: 孙秀英 lives elsewhere, so she does not even see it. */
	cast(JIA, v, "", 422, "out_of_range");
	cast(JIA, v, idv(opt[0] + 1000000, o), 400, "validation_failed");
	snprintf(path, sizeof path, "/api/votes/%lld/cast", (long long)v);
	snprintf(b, sizeof b, "{\"options\":[%lld]}", (long long)opt[0]);
	post_err(jumin, path, b, 403, "out_of_scope");
	post_err(shequ, path, b, 403, "not_eligible");
	assert_int_equal(
	    SQL_INT("SELECT count(*) FROM gov_roll WHERE vote_id IN (?, ?) AND voted = 1", "ii", v,
	            later),
	    0);
	assert_int_equal(
	    SQL_INT("SELECT sum(heads) FROM gov_tallies WHERE vote_id IN (?, ?)", "ii", v, later),
	    0);
}

static void test_a_proposal_goes_to_a_hearing_a_vote_and_rated_milestones(void **state)
{
	char b[2048], path[96];
	struct hresp r;
	int64_t now = clock_now();
	/* 民事民提 by a resident of the test building; others comment. */
	snprintf(b, sizeof b,
	         "{\"place_id\":%lld,\"title\":\"楼顶防水维修\",\"description\":\"顶楼漏水三年了，"
	         "希望用维修资金修楼顶防水。\"}",
	         (long long)building);
	req("POST", hdr[WU], "/api/proposals", b, 201, &r);
	int64_t prop = num(r.json, "id");
	assert_string_equal(str(r.json, "author"), "戊**");
	hr_free(&r);
	snprintf(path, sizeof path, "/api/proposals/%lld/comments", (long long)prop);
	post_ok(hdr[JIA], path, "{\"body\":\"同意，顶楼住户太难了。\"}", 201);
	post_err(hdr[JIA], path, "{\"body\":\"\"}", 422, "out_of_range");
	post_err(shequ2, path, "{\"body\":\"别的社区的意见\"}", 403, "out_of_scope");
	/* 孙秀英 sees her community's proposals, not this building's. */
	snprintf(path, sizeof path, "/api/proposals/%lld", (long long)prop);
	req("GET", jumin, path, NULL, 403, &r);
	hr_free(&r);
	req("GET", hdr[YI], path, NULL, 200, &r);
	assert_int_equal(json_array_size(json_object_get(r.json, "comments")), 1);
	assert_string_equal(str(json_array_get(json_object_get(r.json, "comments"), 0), "author"),
	                    "甲**");
	hr_free(&r);
	/* 民事民议: a hearing about it. */
	snprintf(b, sizeof b,
	         "{\"place_id\":%lld,\"kind\":\"hearing\",\"title\":\"楼顶防水听证会\","
	         "\"agenda\":\"1. 维修方案；2. 费用\",\"starts_at\":%lld,\"proposal_id\":%lld,"
	         "\"invitees\":[{\"name\":\"顶楼住户代表\",\"capacity\":\"居民代表\"},"
	         "{\"name\":\"物业\",\"capacity\":\"物业\"}]}",
	         (long long)building, (long long)now + 60, (long long)prop);
	post_err(shequ, "/api/meetings", "{\"place_id\":1}", 422, "missing_field");
	char bad[2048];
	snprintf(bad, sizeof bad, "%s", b);
	memcpy(strstr(bad, "hearing"), "meeting", 7);
	post_err(shequ, "/api/meetings", bad, 400, "validation_failed");
	req("POST", shequ, "/api/meetings", b, 201, &r);
	int64_t m = num(r.json, "id");
	hr_free(&r);
	snprintf(path, sizeof path, "/api/meetings/%lld", (long long)m);
	req("GET", hdr[JIA], path, NULL, 200, &r);
	int64_t inv1 = num(json_array_get(json_object_get(r.json, "invitees"), 0), "id");
	hr_free(&r);
	snprintf(path, sizeof path, "/api/meetings/%lld/minutes", (long long)m);
	post_err(shequ, path,
	         "{\"minutes\":\"大家同意用维修资金修楼顶防水。\",\"decisions\":[{\"text\":"
	         "\"使用维修资金"
	         "修楼顶防水\",\"to_vote\":true}]}",
	         409, "not_started");
	clock_advance(120);
	post_err(shequ, path,
	         "{\"minutes\":\"大家同意用维修资金修楼顶防水。\",\"decisions\":[{\"text\":"
	         "\"使用维修资金"
	         "修楼顶防水\",\"to_vote\":true}]}",
	         409, "no_attendance");
	snprintf(b, sizeof b, "/api/meetings/%lld/attendance", (long long)m);
	char pres[64];
	snprintf(pres, sizeof pres, "{\"present\":[%lld]}", (long long)inv1);
	post_ok(shequ, b, pres, 200);
	post_err(hdr[JIA], b, pres, 403, "forbidden");
	post_ok(shequ, path,
	        "{\"minutes\":\"大家同意用维修资金修楼顶防水。\",\"decisions\":[{\"text\":"
	        "\"使用维修资金"
	        "修楼顶防水\",\"to_vote\":true}]}",
	        200);
	post_err(shequ, path, "{\"minutes\":\"改一下纪要内容可以吗\",\"decisions\":[]}", 409,
	         "meeting_held");
	clock_advance(-120);
	int64_t dec = SQL_INT("SELECT id FROM gov_decisions WHERE meeting_id = ?", "i", m);
	/* 民事民决: the owners decide (item 5), everyone but 甲 in favour: 3 of 4 owners but
	 * 160 of 360 m² — fails by area; the decision is rejected, so is the proposal. */
	snprintf(b, sizeof b,
	         "\"rule\":\"owners\",\"item\":5,\"proposal_id\":%lld,\"decision_id\":%lld",
	         (long long)prop, (long long)dec);
	int64_t v = make_vote(b, 0);
	int64_t opt[3];
	char o[24];
	options(v, opt, 3);
	cast(JIA, v, idv(opt[1], o), 200, NULL);
	cast(BING, v, idv(opt[0], o), 200, NULL);
	cast(DING, v, idv(opt[0], o), 200, NULL);
	cast(WU, v, idv(opt[0], o), 200, NULL);
	json_t *res = close_vote(v);
	assert_false(json_is_true(json_object_get(res, "passed")));
	json_decref(res);
	assert_int_equal(
	    SQL_INT("SELECT count(*) FROM gov_decisions WHERE id = ? AND status = 'rejected'", "i",
	            dec),
	    1);
	assert_int_equal(
	    SQL_INT("SELECT count(*) FROM gov_proposals WHERE id = ? AND status = 'rejected'", "i",
	            prop),
	    1);
	/* A vote that passes makes a decision to carry out: milestones, done, rated once. */
	v = make_vote("\"rule\":\"household\"", 0);
	options(v, opt, 3);
	cast(JIA, v, idv(opt[0], o), 200, NULL);
	cast(BING, v, idv(opt[0], o), 200, NULL);
	cast(DING, v, idv(opt[0], o), 200, NULL);
	res = close_vote(v);
	assert_true(json_is_true(json_object_get(res, "passed")));
	json_decref(res);
	dec = SQL_INT("SELECT id FROM gov_decisions WHERE vote_id = ?", "i", v);
	snprintf(path, sizeof path, "/api/decisions/%lld/evaluations", (long long)dec);
	post_err(hdr[JIA], path, "{\"rating\":\"satisfied\"}", 409, "not_done");
	snprintf(path, sizeof path, "/api/decisions/%lld/complete", (long long)dec);
	post_err(shequ, path, "{}", 409, "no_milestones");
	snprintf(path, sizeof path, "/api/decisions/%lld/milestones", (long long)dec);
	snprintf(b, sizeof b, "{\"title\":\"请施工队报价\",\"due_at\":%lld}",
	         (long long)now + 86400);
	req("POST", shequ, path, b, 201, &r);
	int64_t ms = num(r.json, "id");
	hr_free(&r);
	post_err(hdr[JIA], path, b, 403, "forbidden");
	snprintf(path, sizeof path, "/api/decisions/%lld/complete", (long long)dec);
	post_err(shequ, path, "{}", 409, "milestones_open");
	snprintf(b, sizeof b, "/api/milestones/%lld/done", (long long)ms);
	post_ok(shequ, b, "{\"note\":\"三家报价已公示\"}", 200);
	post_err(shequ, b, "{}", 409, "already_done");
	post_ok(shequ, path, "{}", 200);
	snprintf(path, sizeof path, "/api/decisions/%lld/evaluations", (long long)dec);
	post_err(hdr[JIA], path, "{\"rating\":\"great\"}", 400, "validation_failed");
	post_ok(hdr[JIA], path, "{\"rating\":\"satisfied\",\"comment\":\"办得快\"}", 200);
	post_err(hdr[JIA], path, "{\"rating\":\"basic\"}", 409, "already_evaluated");
	post_ok(hdr[JI], path, "{\"rating\":\"basic\"}", 200);
	post_err(shequ, path, "{\"rating\":\"basic\"}", 403, "no_person");
	snprintf(path, sizeof path, "/api/decisions/%lld", (long long)dec);
	req("GET", hdr[YI], path, NULL, 200, &r);
	json_t *sum = json_object_get(r.json, "summary");
	assert_int_equal(num(sum, "satisfied"), 1);
	assert_int_equal(num(sum, "basic"), 1);
	assert_string_equal(
	    str(json_array_get(json_object_get(r.json, "evaluations"), 1), "author"), "甲**");
	hr_free(&r);
}

static void test_the_demo_has_a_year_and_an_open_vote_for_jumin(void **state)
{
	struct hresp r;
	req("GET", jumin, "/api/votes?status=open", NULL, 200, &r);
	json_t *it, *mine = NULL;
	size_t i;
	json_array_foreach(json_object_get(r.json, "items"), i,
	                   it) if (json_is_true(json_object_get(it, "eligible"))) mine = it;
	assert_non_null(mine);
	assert_false(json_is_true(json_object_get(mine, "i_voted")));
	hr_free(&r);
	/* Each meeting kind held, with minutes; the election and an owners' vote closed. */
	static const char *kinds[] = {"council", "hearing", "coordination", "review"};
	for (size_t k = 0; k < 4; k++)
		assert_true(
		    SQL_INT("SELECT count(*) FROM gov_meetings WHERE kind = ? AND status = 'held'"
		            " AND minutes <> ''",
		            "t", kinds[k]) >= 1);
	assert_true(SQL_INT("SELECT count(*) FROM gov_votes WHERE kind = 'election' AND status ="
	                    " 'closed' AND rule = 'owners' AND item = 3",
	                    "") >= 1);
	assert_true(SQL_INT("SELECT count(*) FROM gov_votes WHERE kind = 'ordinary' AND status ="
	                    " 'closed' AND rule = 'owners' AND passed = 1",
	                    "") >= 1);
	assert_true(
	    SQL_INT("SELECT count(*) FROM gov_paper_ballots WHERE status = 'confirmed'", "") >= 1);
	assert_true(SQL_INT("SELECT count(*) FROM gov_evaluations", "") >= 4);
	req("GET", jumin, "/api/proposals", NULL, 200, &r);
	assert_true(json_array_size(json_object_get(r.json, "items")) >= 2);
	hr_free(&r);
	req("GET", jiedao, "/api/decisions", NULL, 200, &r);
	assert_true(json_array_size(json_object_get(r.json, "items")) >= 2);
	hr_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_the_owners_roll_counts_an_owner_of_two_units_once),
	    cmocka_unit_test(test_three_quarters_for_rebuilding_and_the_quorum),
	    cmocka_unit_test(test_one_person_one_vote_and_one_household_one_vote),
	    cmocka_unit_test(test_an_owners_committee_election_elects_by_double_majority),
	    cmocka_unit_test(test_a_secret_ballot_cannot_be_linked_to_its_voter),
	    cmocka_unit_test(test_paper_ballots_count_only_when_a_second_person_confirms),
	    cmocka_unit_test(test_bad_votes_are_refused_and_change_nothing),
	    cmocka_unit_test(test_a_proposal_goes_to_a_hearing_a_vote_and_rated_milestones),
	    cmocka_unit_test(test_the_demo_has_a_year_and_an_open_vote_for_jumin),
	};
	return TS_RUN(tests, setup, teardown);
}
