/* 评议考核 over HTTP on the demo city: a branch's sheet is scored from its own and the
 * reviewer's scores with the items the platform fills computed from the records; ratings
 * move only with a score that supports them and an approver who did not propose them,
 * leaving 整顿 needs the plan carried out, and the history keeps every step; the unit
 * evaluation aggregates communities, the street and 文明共创 against a configurable
 * threshold; and a member's yearly sheet equals the records it is computed from. */
#include "../support/testlib.h"
#include "core/clock.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static struct tserver T;
static char admin[512], shequ[512], shequ2[512], jiedao[512], shenpi[512], jumin[512],
    dangyuan[512], danwei[512];
static int year; /* this year (Beijing) */

#define SQL_INT(sql, ...)                                                                          \
	(__extension__({                                                                           \
		struct xf_err e_;                                                                  \
		int64_t v_ = -1;                                                                   \
		assert_int_equal(                                                                  \
		    db_int(store_reader(T.app.store, &e_), &e_, &v_, sql, __VA_ARGS__), XF_OK);    \
		v_;                                                                                \
	}))

static int64_t year_start(int y)
{
	struct tm tm = {.tm_year = y - 1900, .tm_mon = 0, .tm_mday = 1};
	return (int64_t)timegm(&tm) - 8 * 3600;
}

static int setup(void **state)
{
	ts_start(&T);
	ts_login(&T, "admin", DEMO_PW, admin, sizeof admin);
	ts_login(&T, "shequ", DEMO_PW, shequ, sizeof shequ);
	ts_login(&T, "shequ2", DEMO_PW, shequ2, sizeof shequ2);
	ts_login(&T, "jiedao", DEMO_PW, jiedao, sizeof jiedao);
	ts_login(&T, "shenpi", DEMO_PW, shenpi, sizeof shenpi);
	ts_login(&T, "jumin", DEMO_PW, jumin, sizeof jumin);
	ts_login(&T, "dangyuan", DEMO_PW, dangyuan, sizeof dangyuan);
	ts_login(&T, "danwei", DEMO_PW, danwei, sizeof danwei);
	time_t t = (time_t)(clock_now() + 8 * 3600);
	struct tm tm;
	gmtime_r(&t, &tm);
	year = tm.tm_year + 1900;
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

static const char *str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static int64_t num(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

static void req_err(const char *method, const char *hdrs, const char *path, const char *body,
                    int status, const char *code)
{
	struct hresp r;
	req(method, hdrs, path, body, status, &r);
	assert_string_equal(str(json_object_get(r.json, "error"), "code"), code);
	hr_free(&r);
}

static int64_t org(const char *code)
{
	return SQL_INT("SELECT id FROM orgs WHERE code = ?", "t", code);
}

static int64_t place(const char *code)
{
	return SQL_INT("SELECT id FROM places WHERE code = ?", "t", code);
}

/* ---- standards and the sheet ---- */

static void test_standards_per_domain(void **state)
{
	struct hresp r;
	static const char *domains[] = {"community", "agency",  "institution",
	                                "soe",       "private", "social"};
	for (size_t i = 0; i < 6; i++) {
		char path[64];
		snprintf(path, sizeof path, "/api/standards?kind=%s", domains[i]);
		req("GET", jiedao, path, NULL, 200, &r);
		json_t *items = json_object_get(r.json, "items"), *it;
		assert_true(json_array_size(items) >= 9);
		int64_t w = 0;
		size_t k;
		json_array_foreach(items, k, it) w += num(it, "weight");
		assert_int_equal(w, 100);
		hr_free(&r);
	}
	req_err("GET", jiedao, "/api/standards?kind=farm", NULL, 400, "validation_failed");
	req_ok("GET", jumin, "/api/standards", NULL, 403);
	/* The district adds an item; a community cannot; bad input changes nothing. */
	int64_t before = SQL_INT("SELECT count(*) FROM review_standards", "");
	req_ok("POST", shequ, "/api/standards",
	       "{\"domain\":\"social\",\"title\":\"志愿服务\",\"weight\":5}", 403);
	req_err("POST", admin, "/api/standards",
	        "{\"domain\":\"farm\",\"title\":\"x条\",\"weight\":5}", 400, "validation_failed");
	req_err("POST", admin, "/api/standards",
	        "{\"domain\":\"social\",\"title\":\"自动项\",\"weight\":5,\"source\":\"clicks\"}",
	        400, "validation_failed");
	req_ok("POST", admin, "/api/standards",
	       "{\"domain\":\"social\",\"title\":\"志愿服务\",\"weight\":101}", 422);
	req_ok("POST", admin, "/api/standards",
	       "{\"domain\":\"social\",\"title\":\"志愿服务\",\"weight\":5,\"unknown\":1}", 422);
	assert_int_equal(SQL_INT("SELECT count(*) FROM review_standards", ""), before);
	req_ok(
	    "POST", admin, "/api/standards",
	    "{\"domain\":\"social\",\"title\":\"志愿服务常态化\",\"weight\":5,\"evidence\":\"服务"
	    "记录\"}",
	    201);
	req_err("POST", admin, "/api/standards",
	        "{\"domain\":\"social\",\"title\":\"志愿服务常态化\",\"weight\":5}", 409,
	        "duplicate");
}

/* What the test expects of an automatic item, computed here from the records. */
static int64_t expected_auto(const char *source, int64_t at, int y)
{
	int64_t total = 0, part = 0;
	const char *path_sql = "(SELECT path FROM places WHERE id = ?)";
	(void)path_sql;
	if (strcmp(source, "posts_filled") == 0) {
		total =
		    SQL_INT("SELECT count(*) FROM places b WHERE b.kind = 'building' AND"
		            " substr(b.path, 1, length((SELECT path FROM places WHERE id = ?))) ="
		            " (SELECT path FROM places WHERE id = ?) AND EXISTS (SELECT 1 FROM orgs"
		            " o WHERE o.place_id = b.id AND o.kind IN ('building_party_group',"
		            " 'building_service_group'))",
		            "ii", at, at);
		part = SQL_INT(
		    "SELECT count(*) FROM places b WHERE b.kind = 'building' AND substr(b.path, 1,"
		    " length((SELECT path FROM places WHERE id = ?))) = (SELECT path FROM places"
		    " WHERE id = ?) AND EXISTS (SELECT 1 FROM orgs o WHERE o.place_id = b.id AND"
		    " o.kind IN ('building_party_group', 'building_service_group')) AND (SELECT"
		    " count(DISTINCT ps.post) FROM positions ps JOIN orgs o ON o.id = ps.org_id "
		    "WHERE"
		    " o.place_id = b.id AND ps.ended_at IS NULL AND ps.post IN"
		    " ('building_party_leader', 'building_head', 'hygiene_officer',"
		    " 'security_officer', 'culture_officer', 'property_clerk', 'grid_manager',"
		    " 'central_household')) = 8",
		    "ii", at, at);
	} else if (strcmp(source, "report_rate") == 0) {
		total =
		    SQL_INT("SELECT count(*) FROM party_members pm JOIN people pe ON pe.id ="
		            " pm.person_id JOIN places h ON h.id = pe.place_id WHERE pm.status ="
		            " 'serving' AND substr(h.path, 1, length((SELECT path FROM places"
		            " WHERE id = ?))) = (SELECT path FROM places WHERE id = ?)",
		            "ii", at, at);
		part = SQL_INT(
		    "SELECT count(*) FROM party_members pm JOIN people pe ON pe.id = pm.person_id"
		    " JOIN places h ON h.id = pe.place_id WHERE pm.status = 'serving' AND"
		    " substr(h.path, 1, length((SELECT path FROM places WHERE id = ?))) = (SELECT"
		    " path FROM places WHERE id = ?) AND pm.person_id IN (SELECT person_id FROM"
		    " registrations WHERE kind = 'member' AND status = 'approved' AND decided_at < "
		    "?)",
		    "iii", at, at, year_start(y + 1));
	} else if (strcmp(source, "case_rate") == 0) {
		total =
		    SQL_INT("SELECT count(*) FROM cases c JOIN places h ON h.id = c.place_id"
		            " WHERE substr(h.path, 1, length((SELECT path FROM places WHERE id ="
		            " ?))) = (SELECT path FROM places WHERE id = ?) AND c.created_at >= ?"
		            " AND c.created_at < ?",
		            "iiii", at, at, year_start(y), year_start(y + 1));
		part =
		    SQL_INT("SELECT count(*) FROM cases c JOIN places h ON h.id = c.place_id"
		            " WHERE substr(h.path, 1, length((SELECT path FROM places WHERE id ="
		            " ?))) = (SELECT path FROM places WHERE id = ?) AND c.created_at >= ?"
		            " AND c.created_at < ? AND c.status = 'closed'",
		            "iiii", at, at, year_start(y), year_start(y + 1));
	} else {
		total =
		    SQL_INT("SELECT count(*) FROM orgs o JOIN places h ON h.id = o.place_id"
		            " WHERE o.line = 'party' AND substr(h.path, 1, length((SELECT path"
		            " FROM places WHERE id = ?))) = (SELECT path FROM places WHERE id = ?)",
		            "ii", at, at);
		part =
		    SQL_INT("SELECT count(*) FROM orgs o JOIN places h ON h.id = o.place_id"
		            " WHERE o.line = 'party' AND substr(h.path, 1, length((SELECT path"
		            " FROM places WHERE id = ?))) = (SELECT path FROM places WHERE id = ?)"
		            " AND EXISTS (SELECT 1 FROM org_activities a WHERE a.org_id = o.id AND"
		            " a.held_at > ?)",
		            "iii", at, at, clock_now() - 90 * 86400);
	}
	return total ? (part * 100 + total / 2) / total : -1;
}

/* Fill a sheet: every manual item at score(weight, k); returns the expected total. */
static int64_t fill_items(json_t *sheet, json_t *items, const char *text_key, int64_t at, int y,
                          int pct)
{
	json_t *it;
	size_t k;
	int64_t sum = 0, w = 0;
	json_array_foreach(json_object_get(sheet, "items"), k, it)
	{
		int64_t weight = num(it, "weight");
		if (*str(it, "source")) {
			int64_t v = expected_auto(str(it, "source"), at, y);
			assert_int_equal(json_is_null(json_object_get(it, "auto_value"))
			                     ? -1
			                     : num(it, "auto_value"),
			                 v);
			if (v >= 0) {
				sum += (weight * v + 50) / 100;
				w += weight;
			}
			continue;
		}
		int64_t s = (weight * pct) / 100 - (int64_t)(k % 2);
		s = s < 0 ? 0 : s;
		sum += s;
		w += weight;
		json_array_append_new(items, json_pack("{s:I, s:I, s:s}", "standard_id",
		                                       (json_int_t)num(it, "standard_id"), "score",
		                                       (json_int_t)s, text_key, "记录齐全"));
	}
	return (sum * 100 + w / 2) / w;
}

static void submit_body(char *out, size_t n, int64_t o, int y, json_t *items)
{
	char *s = json_dumps(items, JSON_COMPACT);
	snprintf(out, n, "{\"org_id\":%lld,\"year\":%d,\"items\":%s}", (long long)o, y, s);
	free(s);
}

static int64_t sheet_for(const char *hdrs, int64_t o, int y, json_t **sheet)
{
	struct hresp r;
	char path[96];
	snprintf(path, sizeof path, "/api/branch-assessments?org_id=%lld&year=%d", (long long)o, y);
	req("GET", hdrs, path, NULL, 200, &r);
	*sheet = json_incref(r.json);
	int64_t aid = num(r.json, "assessment_id");
	hr_free(&r);
	return aid;
}

static void test_sheet_scores_self_and_review_with_items_from_the_records(void **state)
{
	int64_t br = org("P420203009002001"), grid = place("420203009002001");
	int y = year - 2;
	json_t *sheet;
	sheet_for(shequ, br, y, &sheet);
	assert_string_equal(str(sheet, "status"), "none");
	assert_string_equal(str(json_object_get(sheet, "org"), "domain"), "community");
	json_t *items = json_array();
	int64_t want = fill_items(sheet, items, "evidence", grid, y, 80);
	char body[8192], path[96];
	/* Incomplete, an automatic item typed, a score over the weight: refused, nothing kept. */
	json_t *part = json_array();
	json_array_append(part, json_array_get(items, 0));
	submit_body(body, sizeof body, br, y, part);
	req_err("POST", shequ, "/api/branch-assessments", body, 400, "incomplete");
	json_decref(part);
	json_t *it;
	size_t k;
	int64_t auto_id = 0;
	json_array_foreach(json_object_get(sheet, "items"), k, it) if (*str(it, "source")) auto_id =
	    num(it, "standard_id");
	json_t *bad = json_deep_copy(items);
	json_array_append_new(
	    bad, json_pack("{s:I, s:i}", "standard_id", (json_int_t)auto_id, "score", 5));
	submit_body(body, sizeof body, br, y, bad);
	req_err("POST", shequ, "/api/branch-assessments", body, 400, "auto_item");
	json_decref(bad);
	bad = json_deep_copy(items);
	json_object_set_new(json_array_get(bad, 0), "evidnce", json_string("拼错的字段"));
	submit_body(body, sizeof body, br, y, bad);
	req_err("POST", shequ, "/api/branch-assessments", body, 400, "validation_failed");
	json_decref(bad);
	bad = json_deep_copy(items);
	json_object_set_new(json_array_get(bad, 0), "score", json_integer(99));
	submit_body(body, sizeof body, br, y, bad);
	req_err("POST", shequ, "/api/branch-assessments", body, 400, "out_of_range");
	json_decref(bad);
	submit_body(body, sizeof body, br, y, items);
	char self_body[8192];
	snprintf(self_body, sizeof self_body, "%s", body);
	req_ok("POST", jumin, "/api/branch-assessments", body, 403);
	req_err("POST", shequ2, "/api/branch-assessments", body, 403, "out_of_scope");
	assert_int_equal(SQL_INT("SELECT count(*) FROM branch_assessments WHERE org_id = ? AND"
	                         " year = ?",
	                         "ii", br, (int64_t)y),
	                 0);
	struct hresp r;
	req("POST", shequ, "/api/branch-assessments", body, 201, &r);
	assert_int_equal(num(r.json, "self_score"), want);
	assert_string_equal(str(r.json, "status"), "submitted");
	int64_t aid = num(r.json, "assessment_id");
	hr_free(&r);
	json_decref(items);

	/* The street reviews (lower); the community cannot; nor twice. */
	items = json_array();
	int64_t want_review = fill_items(sheet, items, "note", grid, y, 85);
	char *s = json_dumps(items, JSON_COMPACT);
	snprintf(body, sizeof body, "{\"items\":%s}", s);
	free(s);
	snprintf(path, sizeof path, "/api/branch-assessments/%lld/review", (long long)aid);
	req_ok("POST", shequ, path, body, 403);
	req("POST", jiedao, path, body, 200, &r);
	assert_int_equal(num(r.json, "review_score"), want_review);
	assert_string_equal(str(r.json, "status"), "reviewed");
	assert_string_equal(str(r.json, "band"), want_review >= 90   ? "redflag"
	                                         : want_review >= 80 ? "model"
	                                         : want_review >= 60 ? "standard"
	                                                             : "rectify");
	hr_free(&r);
	req_err("POST", jiedao, path, body, 409, "already_reviewed");
	req_err("POST", shequ, "/api/branch-assessments", self_body, 409, "already_reviewed");
	json_decref(items);
	json_decref(sheet);
	req_ok("POST", jiedao, "/api/branch-assessments/999999/review", "{\"items\":[]}", 404);
}

/* ---- ratings ---- */

static int64_t propose(const char *hdrs, int64_t o, int y, const char *rating, int status)
{
	char body[256];
	snprintf(body, sizeof body,
	         "{\"org_id\":%lld,\"year\":%d,\"rating\":\"%s\",\"reason\":\"对标复核结果\"}",
	         (long long)o, y, rating);
	struct hresp r;
	req("POST", hdrs, "/api/branch-ratings", body, status, &r);
	int64_t id = num(r.json, "id");
	hr_free(&r);
	return id;
}

static void decide(const char *hdrs, int64_t id, const char *what, int status)
{
	char path[96];
	snprintf(path, sizeof path, "/api/branch-ratings/%lld/%s", (long long)id, what);
	req_ok("POST", hdrs, path, "{\"note\":\"同意\"}", status);
}

static json_t *history(int64_t o)
{
	struct hresp r;
	char path[96];
	snprintf(path, sizeof path, "/api/branch-ratings?org_id=%lld", (long long)o);
	req("GET", jiedao, path, NULL, 200, &r);
	json_t *items = json_incref(json_object_get(r.json, "items"));
	hr_free(&r);
	return items;
}

static void test_ratings_need_the_score_and_another_approver_and_keep_history(void **state)
{
	int64_t br = org("P420203009002001");
	int y = year - 2;
	int64_t score = SQL_INT("SELECT review_score FROM branch_assessments WHERE org_id = ? AND"
	                        " year = ?",
	                        "ii", br, (int64_t)y);
	assert_true(score >= 60 && score < 90);
	/* Above what the score supports: refused. No sheet at all: refused. */
	req_err(
	    "POST", jiedao, "/api/branch-ratings",
	    "{\"org_id\":999999,\"year\":2020,\"rating\":\"standard\",\"reason\":\"没有这个支部\"}",
	    400, "validation_failed");
	char body[256];
	snprintf(body, sizeof body,
	         "{\"org_id\":%lld,\"year\":%d,\"rating\":\"redflag\",\"reason\":\"表现突出\"}",
	         (long long)br, y);
	req_err("POST", jiedao, "/api/branch-ratings", body, 400, "score_too_low");
	snprintf(body, sizeof body,
	         "{\"org_id\":%lld,\"year\":%d,\"rating\":\"standard\",\"reason\":\"表现一般\"}",
	         (long long)br, y - 1);
	req_err("POST", jiedao, "/api/branch-ratings", body, 400, "not_reviewed");
	snprintf(body, sizeof body,
	         "{\"org_id\":%lld,\"year\":%d,\"rating\":\"gold\",\"reason\":\"表现一般\"}",
	         (long long)br, y);
	req_err("POST", jiedao, "/api/branch-ratings", body, 400, "validation_failed");
	snprintf(body, sizeof body,
	         "{\"org_id\":%lld,\"year\":%d,\"rating\":\"standard\",\"reason\":\"表现一般\"}",
	         (long long)br, y);
	req_ok("POST", shequ, "/api/branch-ratings", body, 403);
	int64_t before = SQL_INT("SELECT count(*) FROM branch_ratings WHERE org_id = ?", "i", br);

	/* The street proposes; a second proposal waits; the proposer cannot approve. */
	int64_t r1 = propose(jiedao, br, y, "standard", 201);
	propose(jiedao, br, y, "standard", 409);
	decide(jiedao, r1, "approve", 403); /* a street official holds no approval */
	int64_t r_admin = 0;
	decide(shenpi, r1, "approve", 200);
	decide(shenpi, r1, "approve", 409);
	/* An administrator proposing cannot approve their own proposal either. */
	r_admin = propose(admin, br, y, "rectify", 201);
	{
		char path[96];
		snprintf(path, sizeof path, "/api/branch-ratings/%lld/approve", (long long)r_admin);
		req_err("POST", admin, path, "{}", 403, "same_person");
	}
	decide(shenpi, r_admin, "reject", 200);
	json_t *h = history(br);
	assert_int_equal((int64_t)json_array_size(h), before + 2);
	assert_string_equal(str(json_array_get(h, 0), "status"), "rejected");
	assert_string_equal(str(json_array_get(h, 1), "rating"), "standard");
	assert_true(json_is_true(json_object_get(json_array_get(h, 1), "current")));
	json_decref(h);

	/* 整顿: a plan, and no promotion until the street confirms it is carried out. */
	int64_t rr = propose(jiedao, br, y, "rectify", 201);
	decide(shenpi, rr, "approve", 200);
	snprintf(body, sizeof body,
	         "{\"org_id\":%lld,\"problems\":\"三会一课不落实\",\"measures\":\"每月按时开展\","
	         "\"deadline\":%lld}",
	         (long long)br, (long long)(clock_now() - 10));
	req_err("POST", jiedao, "/api/rectifications", body, 400, "validation_failed");
	snprintf(body, sizeof body,
	         "{\"org_id\":%lld,\"problems\":\"三会一课不落实\",\"measures\":\"每月按时开展\","
	         "\"deadline\":%lld}",
	         (long long)br, (long long)(clock_now() + 30 * 86400));
	req_ok("POST", shequ, "/api/rectifications", body, 403);
	struct hresp r;
	req("POST", jiedao, "/api/rectifications", body, 201, &r);
	int64_t plan = num(r.json, "id");
	hr_free(&r);
	propose(jiedao, br, y, "standard", 409);
	char path[96];
	snprintf(path, sizeof path, "/api/rectifications/%lld/followups", (long long)plan);
	req_ok("POST", shequ, path, "{\"note\":\"已补齐记录\",\"done\":true}", 403);
	req_ok("POST", shequ, path, "{\"note\":\"已补齐记录\"}", 200);
	req_ok("POST", shequ2, path, "{\"note\":\"别人的\"}", 403);
	req_ok("POST", jiedao, path, "{\"note\":\"现场查看属实\",\"done\":true}", 200);
	req_err("POST", jiedao, path, "{\"note\":\"再来\"}", 409, "plan_closed");
	snprintf(path, sizeof path, "/api/rectifications?org_id=%lld", (long long)br);
	req("GET", jiedao, path, NULL, 200, &r);
	json_t *p0 = json_array_get(json_object_get(r.json, "items"), 0);
	assert_int_equal(num(p0, "id"), plan);
	assert_string_equal(str(p0, "status"), "done");
	assert_int_equal(json_array_size(json_object_get(p0, "followups")), 2);
	hr_free(&r);
	int64_t up = propose(jiedao, br, y, "standard", 201);
	decide(shenpi, up, "approve", 200);
	h = history(br);
	assert_string_equal(str(json_array_get(h, 0), "rating"), "standard");
	assert_string_equal(str(json_array_get(h, 0), "previous"), "rectify");
	assert_true(json_is_true(json_object_get(json_array_get(h, 0), "current")));
	assert_string_equal(str(json_array_get(h, 1), "rating"), "rectify");
	assert_false(json_is_true(json_object_get(json_array_get(h, 1), "current")));
	json_decref(h);

	/* The demo's 整顿晋级: last year 整顿 with its plan done, this year 标准型. */
	h = history(org("P420203009002002"));
	assert_string_equal(str(json_array_get(h, 0), "rating"), "standard");
	assert_string_equal(str(json_array_get(h, 0), "previous"), "rectify");
	assert_string_equal(str(json_array_get(h, 1), "rating"), "rectify");
	assert_int_equal(num(json_array_get(h, 1), "year"), year - 1);
	json_decref(h);
	assert_int_equal(SQL_INT("SELECT count(*) FROM rectification_plans WHERE org_id = ? AND"
	                         " status = 'open'",
	                         "i", org("P420203009002003")),
	                 1);
	/* The area's branches with this year's sheet, rating, proposals and plans. */
	snprintf(path, sizeof path, "/api/branches?year=%d", year);
	req("GET", shequ, path, NULL, 200, &r);
	json_t *b;
	size_t k;
	bool seen = false;
	json_array_foreach(json_object_get(r.json, "items"), k, b)
	{
		assert_string_not_equal(str(b, "kind"), "building_party_group");
		if (num(b, "org_id") != org("P420203009002003"))
			continue;
		seen = true;
		assert_string_equal(str(b, "rating"), "rectify");
		assert_int_equal(num(b, "open_plans"), 1);
		assert_string_equal(str(b, "sheet"), "reviewed");
	}
	assert_true(seen);
	hr_free(&r);
	req_ok("GET", jiedao, "/api/branches", NULL, 400);
	/* The approver's queue holds the demo's waiting proposal; others' areas stay out. */
	req("GET", shenpi, "/api/branch-ratings?status=proposed", NULL, 200, &r);
	assert_true(json_array_size(json_object_get(r.json, "items")) >= 1);
	hr_free(&r);
	snprintf(path, sizeof path, "/api/branch-ratings?place=%lld",
	         (long long)place("420203009002"));
	req_err("GET", shequ2, path, NULL, 403, "out_of_scope");
}

/* ---- unit evaluations ---- */

static double expected_unit_score(int64_t unit, int y, bool *any)
{
	int64_t cn = SQL_INT("SELECT count(*) FROM unit_evaluations WHERE unit_org_id = ? AND"
	                     " year = ? AND evaluator = 'community'",
	                     "ii", unit, (int64_t)y),
	        cs = SQL_INT("SELECT coalesce(sum(duty + projects + service + civic), 0) FROM"
	                     " unit_evaluations WHERE unit_org_id = ? AND year = ? AND evaluator ="
	                     " 'community'",
	                     "ii", unit, (int64_t)y),
	        sn = SQL_INT("SELECT count(*) FROM unit_evaluations WHERE unit_org_id = ? AND"
	                     " year = ? AND evaluator = 'street'",
	                     "ii", unit, (int64_t)y),
	        ss = SQL_INT("SELECT coalesce(sum(duty + projects + service + civic), 0) FROM"
	                     " unit_evaluations WHERE unit_org_id = ? AND year = ? AND evaluator ="
	                     " 'street'",
	                     "ii", unit, (int64_t)y),
	        mn =
	            SQL_INT("SELECT count(u.score) FROM civic_campaign_units u JOIN civic_campaigns"
	                    " c ON c.id = u.campaign_id WHERE u.org_id = ? AND c.ends_at >= ? AND"
	                    " c.ends_at < ?",
	                    "iii", unit, year_start(y), year_start(y + 1)),
	        ms = SQL_INT("SELECT coalesce(sum(u.score), 0) FROM civic_campaign_units u JOIN"
	                     " civic_campaigns c ON c.id = u.campaign_id WHERE u.org_id = ? AND"
	                     " c.ends_at >= ? AND c.ends_at < ?",
	                     "iii", unit, year_start(y), year_start(y + 1));
	double w = 0, s = 0;
	if (cn) {
		w += 50;
		s += 50.0 * (double)cs / (double)cn;
	}
	if (sn) {
		w += 30;
		s += 30.0 * (double)ss / (double)sn;
	}
	if (mn) {
		w += 20;
		s += 20.0 * (double)ms / (double)mn;
	}
	*any = cn || sn;
	return w ? round(10.0 * s / w) / 10.0 : 0;
}

static int count_below(json_t *items, int threshold)
{
	json_t *it;
	size_t k;
	int n = 0;
	json_array_foreach(items, k, it)
	{
		bool any;
		double want = expected_unit_score(num(it, "unit_org_id"), year, &any);
		if (!any) {
			assert_true(json_is_null(json_object_get(it, "eligible")));
			continue;
		}
		assert_true(fabs(json_number_value(json_object_get(it, "score")) - want) < 0.051);
		bool below = want < threshold;
		assert_int_equal(json_is_false(json_object_get(it, "eligible")), below);
		n += below;
	}
	return n;
}

static void test_unit_evaluation_threshold_decides_eligibility(void **state)
{
	struct hresp r;
	char path[128], body[256];
	snprintf(path, sizeof path, "/api/unit-evaluations?year=%d", year);
	req("GET", admin, path, NULL, 200, &r);
	assert_int_equal(num(r.json, "threshold"), 80);
	/* The demo's year: six units under the line, as in the seed's 2017. */
	assert_int_equal(num(r.json, "below"), 6);
	assert_int_equal(count_below(json_object_get(r.json, "items"), 80), 6);
	json_t *items = json_incref(json_object_get(r.json, "items"));
	hr_free(&r);

	/* The line is a setting: only the administrator moves it, within 0–100. */
	req_ok("PUT", shequ, "/api/review-settings", "{\"unit_threshold\":90}", 403);
	req_err("PUT", admin, "/api/review-settings", "{\"unit_threshold\":101}", 422,
	        "out_of_range");
	req_ok("PUT", admin, "/api/review-settings", "{\"unit_threshold\":90}", 200);
	req("GET", admin, path, NULL, 200, &r);
	int at90 = count_below(json_object_get(r.json, "items"), 90);
	assert_int_equal(num(r.json, "below"), at90);
	assert_true(at90 > 6);
	hr_free(&r);
	req_ok("PUT", admin, "/api/review-settings", "{\"unit_threshold\":80}", 200);
	json_decref(items);

	/* 大智路 evaluates the bus company; not a unit of another street, not out of range. */
	int64_t bus = org("91420200U00001"), far = org("91420200U00004");
	snprintf(body, sizeof body,
	         "{\"unit_org_id\":%lld,\"year\":%d,\"duty\":10,\"projects\":10,\"service\":10,"
	         "\"civic\":10,\"comment\":\"全年报到党员参加活动很少，共建项目未落实\"}",
	         (long long)bus, year);
	req_ok("POST", danwei, "/api/unit-evaluations", body, 403);
	req_ok("POST", jumin, "/api/unit-evaluations", body, 403);
	char far_body[256];
	snprintf(far_body, sizeof far_body,
	         "{\"unit_org_id\":%lld,\"year\":%d,\"duty\":10,\"projects\":10,\"service\":10,"
	         "\"civic\":10}",
	         (long long)far, year);
	req_err("POST", shequ, "/api/unit-evaluations", far_body, 403, "out_of_scope");
	char bad[256];
	snprintf(bad, sizeof bad,
	         "{\"unit_org_id\":%lld,\"year\":%d,\"duty\":26,\"projects\":10,\"service\":10,"
	         "\"civic\":10}",
	         (long long)bus, year);
	req_err("POST", shequ, "/api/unit-evaluations", bad, 422, "out_of_range");
	snprintf(bad, sizeof bad,
	         "{\"unit_org_id\":%lld,\"year\":%d,\"duty\":20,\"projects\":10,\"service\":10,"
	         "\"civic\":10}",
	         (long long)bus, year + 1);
	req_err("POST", shequ, "/api/unit-evaluations", bad, 400, "validation_failed");
	snprintf(bad, sizeof bad,
	         "{\"unit_org_id\":%lld,\"year\":%d,\"duty\":20,\"projects\":10,\"service\":10,"
	         "\"civic\":10}",
	         (long long)org("P420203009002"), year);
	req_err("POST", shequ, "/api/unit-evaluations", bad, 400, "validation_failed");
	req_ok("POST", shequ, "/api/unit-evaluations", body, 201);
	bool any;
	double want = expected_unit_score(bus, year, &any);
	assert_true(want < 80);
	snprintf(path, sizeof path, "/api/unit-evaluations/%lld?year=%d", (long long)bus, year);
	req("GET", danwei, path, NULL, 200, &r);
	assert_string_equal(str(r.json, "status"), "below");
	assert_true(fabs(json_number_value(json_object_get(r.json, "score")) - want) < 0.051);
	json_t *reasons = json_object_get(r.json, "reasons");
	const char *last = json_string_value(json_array_get(reasons, json_array_size(reasons) - 1));
	assert_non_null(strstr(last, "取消本年度优胜评选资格"));
	/* The forms show the comment and the place, never who typed them. */
	json_t *f;
	size_t k;
	bool seen = false;
	json_array_foreach(json_object_get(r.json, "forms"), k, f) seen |=
	    strstr(str(f, "comment"), "共建项目未落实") != NULL;
	assert_true(seen);
	assert_null(strstr(r.body, "李红梅"));
	hr_free(&r);
	/* The contact sees its own area's units only; residents nothing. */
	snprintf(path, sizeof path, "/api/unit-evaluations?year=%d&mine=1", year);
	req("GET", danwei, path, NULL, 200, &r);
	json_t *it;
	int64_t dazhi_units = SQL_INT(
	    "SELECT count(*) FROM orgs o JOIN places p ON p.id = o.place_id WHERE o.kind ="
	    " 'resident_unit' AND substr(p.path, 1, length((SELECT path FROM places WHERE code ="
	    " '420203009002'))) = (SELECT path FROM places WHERE code = '420203009002')",
	    "");
	assert_int_equal((int64_t)json_array_size(json_object_get(r.json, "items")), dazhi_units);
	json_array_foreach(json_object_get(r.json, "items"), k, it)
	    assert_true(num(it, "unit_org_id") != far);
	hr_free(&r);
	snprintf(path, sizeof path, "/api/unit-evaluations/%lld?year=%d", (long long)far, year);
	req_err("GET", danwei, path, NULL, 403, "out_of_scope");
	snprintf(path, sizeof path, "/api/unit-evaluations?year=%d", year);
	req_ok("GET", jumin, path, NULL, 403);
	req_ok("GET", jiedao, "/api/unit-evaluations?year=1999", NULL, 400);
	snprintf(path, sizeof path, "/api/unit-evaluations?year=%d&format=xlsx", year);
	req("GET", jiedao, path, NULL, 200, &r);
	char h[160];
	assert_non_null(hr_header(&r, "Content-Type", h, sizeof h));
	assert_non_null(strstr(h, "spreadsheetml"));
	hr_free(&r);
}

/* ---- campaigns ---- */

static void test_campaigns_list_both_kinds_and_feed_the_evaluation(void **state)
{
	struct hresp r;
	char body[512], path[128];
	int64_t street = place("420203009000"), bus = org("91420200U00001"),
	        far = org("91420200U00004");
	/* A 百日攻坚 from the registry appears beside 文明共创, with its progress. */
	snprintf(
	    body, sizeof body,
	    "{\"place_id\":%lld,\"name\":\"百日攻坚·楼栋党小组\",\"metric\":"
	    "\"buildings_without_party_group\",\"target\":0,\"starts_at\":%lld,\"ends_at\":%lld}",
	    (long long)street, (long long)clock_now() - 86400, (long long)clock_now() + 99 * 86400);
	req_ok("POST", jiedao, "/api/coverage-campaigns", body, 201);
	req("GET", jiedao, "/api/campaigns", NULL, 200, &r);
	json_t *it;
	size_t k;
	int civic = 0, coverage = 0;
	json_array_foreach(json_object_get(r.json, "items"), k, it)
	{
		civic += strcmp(str(it, "kind"), "civic") == 0;
		coverage += strcmp(str(it, "kind"), "coverage") == 0;
	}
	assert_true(civic >= 1 && coverage >= 1);
	hr_free(&r);
	req("GET", jiedao, "/api/campaigns?kind=coverage", NULL, 200, &r);
	json_array_foreach(json_object_get(r.json, "items"), k, it)
	    assert_string_equal(str(it, "kind"), "coverage");
	hr_free(&r);
	req_err("GET", jiedao, "/api/campaigns?kind=other", NULL, 400, "validation_failed");

	/* A 卫生城市 campaign: units of the street only, a real period. */
	int64_t s = year_start(year) + 86400, e = year_start(year) + 200 * 86400;
	snprintf(
	    body, sizeof body,
	    "{\"place_id\":%lld,\"kind\":\"hygienic_city\",\"title\":\"创卫共建\",\"starts_at\":"
	    "%lld,\"ends_at\":%lld,\"units\":[%lld,%lld]}",
	    (long long)street, (long long)s, (long long)e, (long long)bus, (long long)far);
	req_err("POST", jiedao, "/api/campaigns", body, 400, "validation_failed");
	snprintf(
	    body, sizeof body,
	    "{\"place_id\":%lld,\"kind\":\"hygienic_city\",\"title\":\"创卫共建\",\"starts_at\":"
	    "%lld,\"ends_at\":%lld,\"units\":[%lld]}",
	    (long long)street, (long long)e, (long long)s, (long long)bus);
	req_err("POST", jiedao, "/api/campaigns", body, 400, "validation_failed");
	snprintf(
	    body, sizeof body,
	    "{\"place_id\":%lld,\"kind\":\"hygienic_city\",\"title\":\"创卫共建\",\"starts_at\":"
	    "%lld,\"ends_at\":%lld,\"units\":[%lld]}",
	    (long long)street, (long long)s, (long long)e, (long long)bus);
	req_ok("POST", shequ2, "/api/campaigns", body, 403);
	req("POST", jiedao, "/api/campaigns", body, 201, &r);
	int64_t cid = num(r.json, "id");
	assert_int_equal(num(r.json, "units"), 1);
	assert_int_equal(num(r.json, "units_scored"), 0);
	hr_free(&r);
	snprintf(path, sizeof path, "/api/campaigns/%lld/results", (long long)cid);
	snprintf(body, sizeof body, "{\"unit_org_id\":%lld,\"score\":60}", (long long)far);
	req_err("POST", jiedao, path, body, 400, "not_in_campaign");
	snprintf(body, sizeof body, "{\"unit_org_id\":%lld,\"score\":160}", (long long)bus);
	req_err("POST", jiedao, path, body, 422, "out_of_range");
	bool any;
	double before = expected_unit_score(bus, year, &any);
	snprintf(body, sizeof body, "{\"unit_org_id\":%lld,\"score\":40,\"note\":\"责任区卫生差\"}",
	         (long long)bus);
	req("POST", jiedao, path, body, 200, &r);
	assert_int_equal(num(r.json, "units_scored"), 1);
	hr_free(&r);
	double after = expected_unit_score(bus, year, &any);
	assert_true(after < before);
	snprintf(path, sizeof path, "/api/unit-evaluations/%lld?year=%d", (long long)bus, year);
	req("GET", jiedao, path, NULL, 200, &r);
	assert_true(fabs(json_number_value(json_object_get(r.json, "score")) - after) < 0.051);
	bool listed = false;
	json_array_foreach(json_object_get(r.json, "campaign_results"), k, it) listed |=
	    num(it, "id") == cid && num(it, "score") == 40;
	assert_true(listed);
	hr_free(&r);
	snprintf(path, sizeof path, "/api/campaigns/%lld", (long long)cid);
	req_ok("GET", shequ2, path, NULL, 403);
	req_ok("GET", jiedao, "/api/campaigns/999999", NULL, 404);
}

/* ---- 民主评议党员 ---- */

static int add_records(struct db *db, void *arg, struct xf_err *err)
{
	int64_t me = 0, grid = 0, uid = 0;
	int rc =
	    db_int(db, err, &me, "SELECT person_id FROM users WHERE username = 'dangyuan'", "");
	if (rc == XF_OK)
		rc = db_int(db, err, &uid, "SELECT id FROM users WHERE username = 'shequ'", "");
	if (rc == XF_OK)
		rc = db_int(db, err, &grid, "SELECT id FROM places WHERE code = '420203009002001'",
		            "");
	int64_t in = year_start(year) + 40 * 86400, before = year_start(year) - 40 * 86400;
	/* Two confirmed activities this year (one outside it), a post, a wish, a case. */
	for (int i = 0; rc == XF_OK && i < 3; i++) {
		int64_t at = i < 2 ? in + i * 86400 : before, act = 0;
		rc = db_run(
		    db, err,
		    "INSERT INTO activities(place_id, kind, title, starts_at, ends_at, capacity,"
		    " secret, created_at) VALUES (?, 'other', '评议测试活动', ?, ?, 5, '00', ?)",
		    "iiii", grid, at + 7 * i, at + 3600, at);
		if (rc == XF_OK)
			rc = db_int(db, err, &act, "SELECT max(id) FROM activities", "");
		if (rc == XF_OK)
			rc = db_run(
			    db, err,
			    "INSERT INTO activity_signups(activity_id, person_id, status,"
			    " arrived_at, arrived_by, minutes, created_at) VALUES (?, ?, 'signed',"
			    " ?, 'roster', 90, ?)",
			    "iiii", act, me, at, at);
	}
	if (rc == XF_OK)
		rc = db_run(db, err,
		            "INSERT INTO service_posts(place_id, title, description, capacity,"
		            " created_at) VALUES (?, '评议测试岗', '说明', 3, ?)",
		            "ii", grid, in);
	if (rc == XF_OK)
		rc = db_run(db, err,
		            "INSERT INTO post_claims(post_id, person_id, negative_ack, created_at)"
		            " VALUES ((SELECT max(id) FROM service_posts), ?, ?, ?)",
		            "iii", me, in, in);
	if (rc == XF_OK)
		rc = db_run(
		    db, err,
		    "INSERT INTO wishes(place_id, community_id, title, description, status,"
		    " claimed_person, claimed_at, confirmed_at, rating, created_at) VALUES (?,"
		    " (SELECT parent_id FROM places WHERE id = ?), '评议测试心愿', '说明',"
		    " 'confirmed', ?, ?, ?, 'satisfied', ?)",
		    "iiiiii", grid, grid, me, in, in + 86400, in);
	/* And the 报到 the sheet had been missing. */
	if (rc == XF_OK)
		rc = db_run(
		    db, err,
		    "INSERT INTO registrations(kind, person_id, place_id, status, decided_by,"
		    " decided_at, created_at) VALUES ('member', ?, (SELECT parent_id FROM"
		    " places WHERE id = ?), 'approved', ?, ?, ?)",
		    "iiiii", me, grid, uid, in, in);
	if (rc == XF_OK)
		rc = db_run(
		    db, err,
		    "UPDATE cases SET assignee_person_id = ?, status = 'closed', closed_at = ?"
		    " WHERE id = (SELECT min(id) FROM cases)",
		    "ii", me, in);
	return rc;
}

static void check_sheet(json_t *it)
{
	int64_t p = num(it, "person_id"), from = year_start(year), to = year_start(year + 1);
	assert_int_equal(num(it, "points"),
	                 SQL_INT("SELECT coalesce(sum(earned), 0) FROM points_accounts WHERE"
	                         " person_id = ? AND kind = 'person'",
	                         "i", p));
	assert_int_equal(json_is_true(json_object_get(it, "reported")),
	                 SQL_INT("SELECT count(*) FROM registrations WHERE person_id = ? AND kind ="
	                         " 'member' AND status = 'approved' AND decided_at < ?",
	                         "ii", p, to) > 0);
	assert_int_equal(num(it, "activities"),
	                 SQL_INT("SELECT count(*) FROM activity_signups s JOIN activities a ON a.id"
	                         " = s.activity_id WHERE s.person_id = ? AND s.minutes > 0 AND"
	                         " a.starts_at >= ? AND a.starts_at < ?",
	                         "iii", p, from, to));
	assert_int_equal(num(it, "minutes"),
	                 SQL_INT("SELECT coalesce(sum(s.minutes), 0) FROM activity_signups s JOIN"
	                         " activities a ON a.id = s.activity_id WHERE s.person_id = ? AND"
	                         " s.minutes > 0 AND a.starts_at >= ? AND a.starts_at < ?",
	                         "iii", p, from, to));
	assert_int_equal(num(it, "wishes_fulfilled"),
	                 SQL_INT("SELECT count(*) FROM wishes WHERE claimed_person = ? AND status ="
	                         " 'confirmed' AND confirmed_at >= ? AND confirmed_at < ?",
	                         "iii", p, from, to));
	assert_int_equal(num(it, "posts_claimed"),
	                 SQL_INT("SELECT count(*) FROM post_claims WHERE person_id = ? AND"
	                         " created_at >= ? AND created_at < ?",
	                         "iii", p, from, to));
	assert_int_equal(
	    num(it, "cases_handled"),
	    SQL_INT("SELECT count(*) FROM cases WHERE assignee_person_id = ? AND status"
	            " = 'closed' AND closed_at >= ? AND closed_at < ?",
	            "iii", p, from, to));
}

static void test_member_sheet_equals_the_records(void **state)
{
	struct xf_err e;
	int64_t me = SQL_INT("SELECT person_id FROM users WHERE username = 'dangyuan'", ""),
	        br = org("P420203009002001");
	struct hresp r;
	char path[128], body[256];
	snprintf(path, sizeof path, "/api/member-reviews?mine=1&year=%d", year);
	req("GET", dangyuan, path, NULL, 200, &r);
	json_t *mine0 = json_incref(json_array_get(json_object_get(r.json, "items"), 0));
	hr_free(&r);
	assert_int_equal(store_write(T.app.store, add_records, NULL, &e), XF_OK);
	req("GET", dangyuan, path, NULL, 200, &r);
	json_t *mine = json_array_get(json_object_get(r.json, "items"), 0);
	assert_int_equal(num(mine, "person_id"), me);
	check_sheet(mine);
	/* What was added this year counts; the activity of last year does not. */
	assert_int_equal(num(mine, "activities"), num(mine0, "activities") + 2);
	assert_int_equal(num(mine, "minutes"), num(mine0, "minutes") + 180);
	assert_int_equal(num(mine, "posts_claimed"), num(mine0, "posts_claimed") + 1);
	assert_int_equal(num(mine, "wishes_fulfilled"), num(mine0, "wishes_fulfilled") + 1);
	assert_int_equal(num(mine, "cases_handled"), num(mine0, "cases_handled") + 1);
	assert_false(json_is_true(json_object_get(mine0, "reported")));
	assert_true(json_is_true(json_object_get(mine, "reported")));
	json_decref(mine0);
	hr_free(&r);
	/* The branch's whole sheet: every member's figures are the records'. */
	snprintf(path, sizeof path, "/api/member-reviews?org_id=%lld&year=%d", (long long)br, year);
	req("GET", shequ, path, NULL, 200, &r);
	json_t *items = json_object_get(r.json, "items"), *it;
	size_t k;
	assert_int_equal(
	    (int64_t)json_array_size(items),
	    SQL_INT("SELECT count(*) FROM party_members WHERE branch_org_id = ?", "i", br));
	assert_true(json_array_size(items) >= 2);
	int64_t blocked = 0, other = 0;
	json_array_foreach(items, k, it)
	{
		check_sheet(it);
		if (json_is_true(json_object_get(it, "serving")) &&
		    !json_is_true(json_object_get(it, "reported")))
			blocked = num(it, "person_id");
		if (num(it, "person_id") != me)
			other = num(it, "person_id");
	}
	hr_free(&r);
	req_ok("GET", shequ2, path, NULL, 403);
	req_ok("GET", jumin, path, NULL, 403);
	snprintf(path, sizeof path, "/api/member-reviews/%lld?year=%d", (long long)other, year);
	req_ok("GET", dangyuan, path, NULL, 403);
	req_ok("GET", shequ, path, NULL, 200);
	snprintf(path, sizeof path, "/api/member-reviews/%lld?year=%d", (long long)me, year);
	req_ok("GET", dangyuan, path, NULL, 200);

	/* The branch records the rating; who has not reported cannot be 合格. */
	snprintf(path, sizeof path, "/api/member-reviews/%lld", (long long)me);
	snprintf(body, sizeof body, "{\"year\":%d,\"rating\":\"excellent\"}", year);
	req_ok("POST", jumin, path, body, 403);
	req_ok("POST", dangyuan, path, body, 403);
	req_err("POST", shequ2, path, body, 403, "out_of_scope");
	snprintf(body, sizeof body, "{\"year\":%d,\"rating\":\"perfect\"}", year);
	req_err("POST", shequ, path, body, 400, "validation_failed");
	snprintf(body, sizeof body, "{\"year\":%d,\"rating\":\"excellent\",\"note\":\"带头服务\"}",
	         year);
	req("POST", shequ, path, body, 200, &r);
	assert_string_equal(str(r.json, "rating_label"), "优秀");
	hr_free(&r);
	assert_true(blocked != 0);
	{
		snprintf(path, sizeof path, "/api/member-reviews/%lld", (long long)blocked);
		snprintf(body, sizeof body, "{\"year\":%d,\"rating\":\"qualified\"}", year);
		req_err("POST", shequ, path, body, 400, "not_reported");
		snprintf(body, sizeof body, "{\"year\":%d,\"rating\":\"basically_qualified\"}",
		         year);
		req_ok("POST", shequ, path, body, 200);
	}
	/* Exported for the higher level. */
	snprintf(path, sizeof path, "/api/member-reviews?org_id=%lld&year=%d&format=xlsx",
	         (long long)br, year);
	req("GET", shequ, path, NULL, 200, &r);
	char h[160];
	assert_non_null(hr_header(&r, "Content-Type", h, sizeof h));
	assert_non_null(strstr(h, "spreadsheetml"));
	hr_free(&r);
	snprintf(path, sizeof path, "/api/member-reviews?org_id=%lld&year=%d&format=csv",
	         (long long)br, year);
	req("GET", shequ, path, NULL, 200, &r);
	assert_non_null(strstr(r.body, "带头服务"));
	assert_non_null(strstr(r.body, "优秀"));
	hr_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_standards_per_domain),
	    cmocka_unit_test(test_sheet_scores_self_and_review_with_items_from_the_records),
	    cmocka_unit_test(test_ratings_need_the_score_and_another_approver_and_keep_history),
	    cmocka_unit_test(test_unit_evaluation_threshold_decides_eligibility),
	    cmocka_unit_test(test_campaigns_list_both_kinds_and_feed_the_evaluation),
	    cmocka_unit_test(test_member_sheet_equals_the_records),
	};
	return TS_RUN(tests, setup, teardown);
}
