/* The registry over HTTP on the demo city: places and their paths, search, children pages,
 * both lines side by side, organisations, scoped and masked people lists, a person's
 * positions across organisations, and coverage computed from the data (never typed). */
#include "../support/testlib.h"
#include "core/clock.h"
#include "core/str.h"
#include "registry/people.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct tserver T;
static char shequ[512], shequ2[512], wangge[512], jumin[512], admin[512];

static int setup(void **state)
{
	ts_start(&T);
	ts_login(&T, "shequ", DEMO_PW, shequ, sizeof shequ);
	ts_login(&T, "shequ2", DEMO_PW, shequ2, sizeof shequ2);
	ts_login(&T, "wangge", DEMO_PW, wangge, sizeof wangge);
	ts_login(&T, "jumin", DEMO_PW, jumin, sizeof jumin);
	ts_login(&T, "admin", DEMO_PW, admin, sizeof admin);
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

static int64_t dazhi(void)
{
	return SQL_INT("SELECT id FROM places WHERE code = '420203009002'", "");
}

static void get(const char *hdrs, const char *path, int status, struct hresp *r)
{
	assert_int_equal(http_req(T.port, "GET", path, hdrs, NULL, r), 0);
	if (r->status != status)
		fail_msg("GET %s: %d %s", path, r->status, r->body);
}

static void test_places_have_paths_search_and_pages(void **state)
{
	struct hresp r;
	char path[96];
	get(admin, "/api/places?q=%E5%A4%A7%E6%99%BA%E8%B7%AF&kind=community", 200,
	    &r); /* 大智路 */
	json_t *items = json_object_get(r.json, "items");
	assert_int_equal(json_array_size(items), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "code")),
	                    "420203009002");
	hr_free(&r);
	get(admin, "/api/places?q=42020300", 200, &r); /* the start of a code */
	assert_true(json_array_size(json_object_get(r.json, "items")) >= 5);
	hr_free(&r);
	/* Search stays inside the caller's area and says where each place sits. */
	get(shequ, "/api/places?q=%E7%AC%AC%E4%BA%8C%E7%BD%91%E6%A0%BC", 200, &r); /* 第二网格 */
	json_t *found = json_object_get(r.json, "items");
	assert_int_equal(json_array_size(found), 1);
	assert_non_null(strstr(
	    json_string_value(json_object_get(json_array_get(found, 0), "within")), "大智路社区"));
	hr_free(&r);
	get(admin, "/api/places?q=%E7%AC%AC%E4%BA%8C%E7%BD%91%E6%A0%BC", 200, &r);
	assert_true(json_array_size(json_object_get(r.json, "items")) > 1);
	hr_free(&r);
	get(jumin, "/api/places?q=x&kind=village", 400, &r);
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(r.json, "error"), "field")), "kind");
	hr_free(&r);
	snprintf(path, sizeof path, "/api/places/%lld", (long long)dazhi());
	get(jumin, path, 200, &r);
	json_t *up = json_object_get(r.json, "ancestors");
	assert_int_equal(json_array_size(up), 3);
	assert_string_equal(json_string_value(json_object_get(json_array_get(up, 0), "name")),
	                    "黄石市");
	assert_string_equal(json_string_value(json_object_get(json_array_get(up, 2), "name")),
	                    "澄月街道");
	assert_true(json_real_value(json_object_get(r.json, "area_m2")) > 0);
	hr_free(&r);
	/* The root's four districts, two at a time. */
	int64_t root = SQL_INT("SELECT id FROM places WHERE parent_id IS NULL", "");
	snprintf(path, sizeof path, "/api/places/%lld/children?limit=2", (long long)root);
	get(jumin, path, 200, &r);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 2);
	const char *next = json_string_value(json_object_get(r.json, "next"));
	assert_non_null(next);
	snprintf(path, sizeof path, "/api/places/%lld/children?limit=2&cursor=%s", (long long)root,
	         next);
	hr_free(&r);
	get(jumin, path, 200, &r);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 2);
	assert_true(json_is_null(json_object_get(r.json, "next")));
	hr_free(&r);
	snprintf(path, sizeof path, "/api/places/%lld/children?limit=0", (long long)root);
	get(jumin, path, 400, &r);
	hr_free(&r);
	snprintf(path, sizeof path, "/api/places/%lld/children?limit=99999", (long long)root);
	get(jumin, path, 200, &r); /* clamped, not refused */
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 4);
	hr_free(&r);
	get(jumin, "/api/places/999999999", 404, &r);
	hr_free(&r);
}

static void test_both_lines_side_by_side_and_org_cards(void **state)
{
	struct hresp r;
	char path[96];
	snprintf(path, sizeof path, "/api/places/%lld/lines", (long long)dazhi());
	get(shequ, path, 200, &r);
	json_t *party = json_object_get(r.json, "party"),
	       *gov = json_object_get(r.json, "governance");
	assert_true(json_array_size(party) >= 1);
	assert_true(json_array_size(gov) >= 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(gov, 0), "kind")),
	                    "residents_committee");
	bool studio = false;
	json_t *it;
	size_t i;
	json_array_foreach(json_object_get(r.json, "organisations"), i, it) studio |=
	    strcmp(json_string_value(json_object_get(it, "kind")), "delegate_studio") == 0;
	assert_true(studio);
	hr_free(&r);
	/* The first grid's branch is paired with the bus company's party committee. */
	int64_t branch = SQL_INT("SELECT id FROM orgs WHERE code = 'P420203009002001'", "");
	snprintf(path, sizeof path, "/api/orgs/%lld", (long long)branch);
	get(shequ, path, 200, &r);
	json_t *pairs = json_object_get(r.json, "paired_with");
	assert_int_equal(json_array_size(pairs), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(pairs, 0), "name")),
	                    "黄石公交集团党委");
	assert_true(json_integer_value(json_object_get(r.json, "party_members")) > 0);
	hr_free(&r);
	/* The community's big party committee counts the unit among its members. */
	int64_t cp = SQL_INT("SELECT id FROM orgs WHERE code = 'P420203009002'", "");
	snprintf(path, sizeof path, "/api/orgs/%lld", (long long)cp);
	get(shequ, path, 200, &r);
	assert_int_equal(json_array_size(json_object_get(r.json, "member_orgs")), 1);
	/* Its own roll is empty; its members are in the grid branches below. */
	assert_true(json_integer_value(json_object_get(r.json, "party_members_under")) >
	            json_integer_value(json_object_get(r.json, "party_members")));
	hr_free(&r);
}

static void test_people_lists_are_scoped_masked_and_paged(void **state)
{
	struct hresp r;
	char path[128];
	get(shequ, "/api/people?limit=20", 200, &r);
	json_t *items = json_object_get(r.json, "items");
	assert_int_equal(json_array_size(items), 20);
	json_t *first = json_array_get(items, 0);
	assert_non_null(strstr(json_string_value(json_object_get(first, "phone")), "****"));
	assert_non_null(strstr(json_string_value(json_object_get(first, "id_number")), "*****"));
	const char *next = json_string_value(json_object_get(r.json, "next"));
	assert_non_null(next);
	/* Everyone listed lives under 大智路社区. */
	int64_t total = SQL_INT("SELECT count(*) FROM people pe JOIN places p ON p.id = pe.place_id"
	                        " JOIN places c ON c.code = '420203009002'"
	                        " WHERE substr(p.path, 1, length(c.path)) = c.path",
	                        "");
	int64_t seen = (int64_t)json_array_size(items);
	char cursor[32];
	snprintf(cursor, sizeof cursor, "%s", next);
	hr_free(&r);
	while (cursor[0]) {
		snprintf(path, sizeof path, "/api/people?limit=200&cursor=%s", cursor);
		get(shequ, path, 200, &r);
		seen += (int64_t)json_array_size(json_object_get(r.json, "items"));
		const char *n2 = json_string_value(json_object_get(r.json, "next"));
		snprintf(cursor, sizeof cursor, "%s", n2 ? n2 : "");
		hr_free(&r);
	}
	assert_int_equal(seen, total);
	/* Another community's worker cannot read 大智路's people. */
	snprintf(path, sizeof path, "/api/people?place=%lld", (long long)dazhi());
	get(shequ2, path, 403, &r);
	assert_string_equal(hr_error_code(&r), "out_of_scope");
	hr_free(&r);
	/* A place that does not exist answers as one outside the scope, for a search and an
	 * export alike (nobody learns which ids exist). */
	get(shequ, "/api/people?place=987654321", 403, &r);
	assert_string_equal(hr_error_code(&r), "out_of_scope");
	hr_free(&r);
	get(shequ, "/api/people?place=987654321&format=csv", 403, &r);
	assert_string_equal(hr_error_code(&r), "out_of_scope");
	hr_free(&r);
	snprintf(path, sizeof path, "/api/people?place=%lld&format=csv", (long long)dazhi());
	get(shequ2, path, 403, &r);
	assert_string_equal(hr_error_code(&r), "out_of_scope");
	hr_free(&r);
	get(jumin, "/api/people", 403, &r);
	assert_string_equal(hr_error_code(&r), "forbidden");
	hr_free(&r);
	/* A search's % and _ are the characters themselves, not wildcards: no name holds them. */
	get(shequ, "/api/people?q=%25", 200, &r);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 0);
	hr_free(&r);
	get(shequ, "/api/people?q=_", 200, &r);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 0);
	hr_free(&r);
	get(shequ, "/api/places?q=%25", 200, &r);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 0);
	hr_free(&r);
	/* Search by part of a name. */
	get(shequ, "/api/people?q=%E6%A1%82%E8%8A%B3", 200, &r); /* 桂芳 */
	json_t *it;
	size_t i;
	json_array_foreach(json_object_get(r.json, "items"), i, it)
	    assert_non_null(strstr(json_string_value(json_object_get(it, "name")), "桂芳"));
	hr_free(&r);
}

static void test_building_card_shows_households_posts_and_members(void **state)
{
	struct hresp r;
	char path[96];
	/* A building of 大智路's first grid that has both groups. */
	int64_t b = SQL_INT("SELECT min(b.id) FROM places b JOIN places g ON g.id = b.parent_id"
	                    " WHERE g.code = '420203009002001' AND b.kind = 'building' AND EXISTS"
	                    " (SELECT 1 FROM orgs o WHERE o.place_id = b.id AND o.kind ="
	                    " 'building_party_group')",
	                    "");
	snprintf(path, sizeof path, "/api/places/%lld/building", (long long)b);
	get(shequ, path, 200, &r);
	json_t *posts = json_object_get(r.json, "posts");
	assert_int_equal(json_array_size(posts), 8);
	assert_true(json_array_size(json_object_get(r.json, "groups")) >= 1);
	json_t *hh = json_object_get(r.json, "households");
	assert_int_equal(json_array_size(hh), 6);
	int64_t residents = 0;
	json_t *it;
	size_t i;
	json_array_foreach(hh, i, it)
	{
		json_t *res;
		size_t k;
		json_array_foreach(json_object_get(it, "residents"), k, res)
		{
			assert_non_null(
			    strstr(json_string_value(json_object_get(res, "phone")), "****"));
			residents++;
		}
	}
	assert_int_equal(residents, json_integer_value(json_object_get(r.json, "residents")));
	assert_int_equal(residents, SQL_INT("SELECT count(*) FROM people pe JOIN places h ON h.id ="
	                                    " pe.place_id WHERE h.parent_id = ?",
	                                    "i", b));
	hr_free(&r);
	/* Not a building; another community's worker; a resident. */
	snprintf(path, sizeof path, "/api/places/%lld/building", (long long)dazhi());
	get(shequ, path, 400, &r);
	hr_free(&r);
	snprintf(path, sizeof path, "/api/places/%lld/building", (long long)b);
	get(shequ2, path, 403, &r);
	hr_free(&r);
	ts_login(&T, "jumin", DEMO_PW, jumin, sizeof jumin);
	get(jumin, path, 403, &r);
	hr_free(&r);
}

static void test_a_person_card_shows_positions_across_organisations(void **state)
{
	struct hresp r;
	char path[64];
	/* A building head of the first grid who also sits on the owners' committee (交叉任职). */
	int64_t pid =
	    SQL_INT("SELECT ps.person_id FROM positions ps JOIN orgs o ON o.id = ps.org_id"
	            " WHERE o.kind = 'owners_committee' ORDER BY ps.person_id LIMIT 1",
	            "");
	snprintf(path, sizeof path, "/api/people/%lld", (long long)pid);
	get(shequ, path, 200, &r);
	json_t *pos = json_object_get(r.json, "positions");
	assert_true(json_array_size(pos) >= 2);
	bool head = false, committee = false;
	json_t *it;
	size_t i;
	json_array_foreach(pos, i, it)
	{
		head |=
		    strcmp(json_string_value(json_object_get(it, "post")), "building_head") == 0;
		committee |= strcmp(json_string_value(json_object_get(it, "org_kind_label")),
		                    "业主委员会") == 0;
	}
	assert_true(head && committee);
	hr_free(&r);
}

static int64_t metric(json_t *coverage, const char *code, const char *field)
{
	json_t *it;
	size_t i;
	json_array_foreach(json_object_get(coverage, "metrics"), i,
	                   it) if (strcmp(json_string_value(json_object_get(it, "code")), code) ==
	                           0) return json_integer_value(json_object_get(it, field));
	return -1;
}

static void test_coverage_is_computed_scoped_and_follows_the_data(void **state)
{
	struct hresp r;
	char path[128];
	snprintf(path, sizeof path, "/api/reports/coverage?place=%lld", (long long)dazhi());
	get(shequ, path, 200, &r);
	int64_t missing = metric(r.json, "buildings_without_party_group", "count");
	int64_t buildings = metric(r.json, "buildings_without_party_group", "total");
	assert_int_equal(buildings, SQL_INT("SELECT count(*) FROM places b JOIN places g ON g.id ="
	                                    " b.parent_id JOIN places c ON c.id = g.parent_id WHERE"
	                                    " c.code = '420203009002' AND b.kind = 'building'",
	                                    ""));
	assert_true(missing > 0 && missing < buildings);
	/* One line per grid below, for drill-down. */
	json_t *children = json_object_get(r.json, "children");
	assert_int_equal(json_array_size(children), 3);
	int64_t sum = 0;
	json_t *it;
	size_t i;
	json_array_foreach(children, i, it) sum +=
	    metric(it, "buildings_without_party_group", "count");
	assert_int_equal(sum, missing);
	hr_free(&r);
	/* The records behind the figure. */
	snprintf(path, sizeof path,
	         "/api/reports/coverage/items?place=%lld&metric=buildings_without_party_group",
	         (long long)dazhi());
	get(shequ, path, 200, &r);
	json_t *items = json_object_get(r.json, "items");
	assert_int_equal((int64_t)json_array_size(items), missing);
	int64_t b = json_integer_value(json_object_get(json_array_get(items, 0), "id"));
	hr_free(&r);
	/* Build that building's party group: the figure drops by one (computed, not typed). */
	struct xf_err e;
	struct db *w;
	assert_int_equal(db_open(T.db, DB_OPEN_WRITER, &w, &e), XF_OK);
	assert_int_equal(
	    db_run(w, &e,
	           "INSERT INTO orgs(code, name, kind, line, place_id, created_at)"
	           " VALUES ('TEST-PG', '新建党小组', 'building_party_group', 'party', ?,"
	           " 0)",
	           "i", b),
	    XF_OK);
	db_close(w);
	snprintf(path, sizeof path, "/api/reports/coverage?place=%lld", (long long)dazhi());
	get(shequ, path, 200, &r);
	assert_int_equal(metric(r.json, "buildings_without_party_group", "count"), missing - 1);
	/* Work coverage: a quarter later every organisation without new activity is inactive. */
	int64_t inactive = metric(r.json, "party_orgs_inactive", "count");
	int64_t orgs = metric(r.json, "party_orgs_inactive", "total");
	hr_free(&r);
	assert_true(inactive < orgs);
	char body[64];
	snprintf(body, sizeof body, "{\"advance\":%d}", 200 * 86400);
	assert_int_equal(http_req(T.port, "POST", "/api/test/clock", NULL, body, &r), 0);
	hr_free(&r);
	ts_login(&T, "shequ", DEMO_PW, shequ, sizeof shequ);
	get(shequ, path, 200, &r);
	assert_int_equal(metric(r.json, "party_orgs_inactive", "count"), orgs);
	hr_free(&r);
	/* Scope: a grid worker reads their grid, not the community; residents read none. */
	ts_login(&T, "wangge", DEMO_PW, wangge, sizeof wangge);
	get(wangge, path, 403, &r);
	assert_string_equal(hr_error_code(&r), "out_of_scope");
	hr_free(&r);
	/* A place that does not exist is outside every scope (nobody learns which ids exist). */
	get(shequ, "/api/reports/coverage?place=987654321", 403, &r);
	assert_string_equal(hr_error_code(&r), "out_of_scope");
	hr_free(&r);
	get(wangge, "/api/reports/coverage", 200, &r); /* defaults to the caller's place */
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(r.json, "place"), "kind")), "grid");
	hr_free(&r);
	ts_login(&T, "jumin", DEMO_PW, jumin, sizeof jumin);
	get(jumin, "/api/reports/coverage", 403, &r);
	hr_free(&r);
	snprintf(path, sizeof path, "/api/reports/coverage/items?place=%lld&metric=nonsense",
	         (long long)dazhi());
	get(shequ, path, 400, &r);
	hr_free(&r);
}

static void test_coverage_campaigns_show_progress(void **state)
{
	struct hresp r;
	char jiedao[512], path[96], body[256];
	ts_login(&T, "jiedao", DEMO_PW, jiedao, sizeof jiedao);
	get(jiedao, "/api/coverage-campaigns", 200, &r);
	json_t *c = json_array_get(json_object_get(r.json, "items"), 0);
	assert_non_null(c);
	assert_string_equal(json_string_value(json_object_get(c, "metric")),
	                    "buildings_without_party_group");
	assert_true(json_array_size(json_object_get(c, "series")) >= 5);
	assert_true(json_is_true(json_object_get(c, "running")));
	hr_free(&r);
	ts_login(&T, "shequ", DEMO_PW, shequ, sizeof shequ);
	snprintf(body, sizeof body,
	         "{\"place_id\":%lld,\"name\":\"共建委员会全覆盖\",\"metric\":"
	         "\"estates_without_committee\",\"target\":0,\"starts_at\":%lld,\"ends_at\":%lld}",
	         (long long)dazhi(), (long long)clock_now(), (long long)clock_now() + 100 * 86400);
	assert_int_equal(http_req(T.port, "POST", "/api/coverage-campaigns", shequ, body, &r), 0);
	assert_int_equal(r.status, 201);
	hr_free(&r);
	snprintf(path, sizeof path, "/api/coverage-campaigns?place=%lld", (long long)dazhi());
	get(shequ, path, 200, &r);
	c = json_array_get(json_object_get(r.json, "items"), 0);
	assert_string_equal(json_string_value(json_object_get(c, "name")), "共建委员会全覆盖");
	assert_int_equal(json_array_size(json_object_get(c, "series")), 1); /* today's snapshot */
	hr_free(&r);
	/* Bad input changes nothing; another community cannot start one here. */
	snprintf(body, sizeof body,
	         "{\"place_id\":%lld,\"name\":\"x2\",\"metric\":\"nonsense\",\"target\":0,"
	         "\"starts_at\":1,\"ends_at\":2}",
	         (long long)dazhi());
	assert_int_equal(http_req(T.port, "POST", "/api/coverage-campaigns", shequ, body, &r), 0);
	assert_int_equal(r.status, 400);
	hr_free(&r);
	snprintf(body, sizeof body,
	         "{\"place_id\":%lld,\"name\":\"倒序\",\"metric\":\"estates_without_committee\","
	         "\"target\":0,\"starts_at\":10,\"ends_at\":5}",
	         (long long)dazhi());
	assert_int_equal(http_req(T.port, "POST", "/api/coverage-campaigns", shequ, body, &r), 0);
	assert_int_equal(r.status, 400);
	hr_free(&r);
	snprintf(body, sizeof body,
	         "{\"place_id\":%lld,\"name\":\"越界\",\"metric\":\"estates_without_committee\","
	         "\"target\":0,\"starts_at\":1,\"ends_at\":5}",
	         (long long)dazhi());
	assert_int_equal(http_req(T.port, "POST", "/api/coverage-campaigns", shequ2, body, &r), 0);
	assert_int_equal(r.status, 403);
	hr_free(&r);
	assert_int_equal(SQL_INT("SELECT count(*) FROM coverage_campaigns", ""), 2);
}

static void test_street_and_above_come_from_the_rollup_with_its_time(void **state)
{
	struct hresp r;
	char jiedao[512], path[96];
	ts_login(&T, "jiedao", DEMO_PW, jiedao, sizeof jiedao);
	int64_t street = SQL_INT("SELECT id FROM places WHERE code = '420203009000'", "");
	snprintf(path, sizeof path, "/api/reports/coverage?place=%lld", (long long)street);
	get(jiedao, path, 200, &r);
	assert_true(json_is_integer(json_object_get(r.json, "as_of")));
	int64_t before = metric(r.json, "estates_without_committee", "count");
	/* The street's children are communities, also rolled up; they add up to the street. */
	int64_t sum = 0;
	json_t *it;
	size_t i;
	json_array_foreach(json_object_get(r.json, "children"), i, it) sum +=
	    metric(it, "estates_without_committee", "count");
	assert_int_equal(sum, before);
	hr_free(&r);
	assert_true(before > 0);
	/* Give one estate its committee: the community (live) sees it at once, the street when
	 * the scheduler next rolls up. */
	int64_t grid =
	    SQL_INT("SELECT p.id FROM places p JOIN places c ON c.id = p.parent_id WHERE"
	            " c.code = '420203009002' AND p.kind = 'grid' AND NOT EXISTS (SELECT 1"
	            " FROM orgs o WHERE o.place_id = p.id AND o.kind = 'estate_committee')"
	            " ORDER BY p.id LIMIT 1",
	            "");
	struct xf_err e;
	struct db *w;
	assert_int_equal(db_open(T.db, DB_OPEN_WRITER, &w, &e), XF_OK);
	assert_int_equal(
	    db_run(w, &e,
	           "INSERT INTO orgs(code, name, kind, line, place_id, created_at)"
	           " VALUES ('TEST-EC', '新建共建委员会', 'estate_committee', 'governance',"
	           " ?, 0)",
	           "i", grid),
	    XF_OK);
	db_close(w);
	get(jiedao, path, 200, &r);
	assert_int_equal(metric(r.json, "estates_without_committee", "count"), before);
	hr_free(&r);
	assert_int_equal(http_req(T.port, "POST", "/api/test/clock", NULL, "{\"advance\":601}", &r),
	                 0);
	hr_free(&r);
	ts_login(&T, "jiedao", DEMO_PW, jiedao, sizeof jiedao);
	get(jiedao, path, 200, &r);
	assert_int_equal(metric(r.json, "estates_without_committee", "count"), before - 1);
	hr_free(&r);
}

static void test_lists_export_to_xlsx_and_csv_masked_and_audited(void **state)
{
	struct hresp r;
	char h[160];
	ts_login(&T, "shequ", DEMO_PW, shequ, sizeof shequ);
	get(shequ, "/api/people?format=csv", 200, &r);
	assert_non_null(hr_header(&r, "Content-Type", h, sizeof h));
	assert_non_null(strstr(h, "text/csv"));
	/* Every person of 大智路 is there, masked: no whole phone or ID number. */
	assert_non_null(strstr(r.body, "****"));
	assert_null(strstr(r.body, "1710000"));
	int64_t lines = 0;
	for (const char *p = r.body; *p; p++)
		lines += *p == '\n';
	int64_t total = SQL_INT("SELECT count(*) FROM people pe JOIN places p ON p.id = pe.place_id"
	                        " JOIN places c ON c.code = '420203009002'"
	                        " WHERE substr(p.path, 1, length(c.path)) = c.path",
	                        "");
	assert_int_equal(lines, total + 1); /* and the header */
	hr_free(&r);
	get(shequ, "/api/people?format=xlsx", 200, &r);
	assert_non_null(hr_header(&r, "Content-Disposition", h, sizeof h));
	assert_non_null(strstr(h, "xingfu-people.xlsx"));
	assert_true(r.body != NULL);
	hr_free(&r);
	get(shequ, "/api/people?format=pdf", 400, &r);
	hr_free(&r);
	usleep(100000); /* audited asynchronously */
	assert_true(SQL_INT("SELECT count(*) FROM audit_log WHERE action = 'export'", "") >= 2);
}

static bool has_role(json_t *card, const char *role)
{
	json_t *it;
	size_t i;
	json_array_foreach(json_object_get(card, "roles"), i,
	                   it) if (strcmp(json_string_value(it), role) == 0) return true;
	return false;
}

static void post(const char *hdrs, const char *path, const char *body, int status, struct hresp *r)
{
	assert_int_equal(http_req(T.port, "POST", path, hdrs, body, r), 0);
	if (r->status != status)
		fail_msg("POST %s %s: %d %s", path, body, r->status, r->body);
}

static void test_organisations_and_positions_are_written_scoped_and_kept(void **state)
{
	struct hresp r;
	char body[512], path[96];
	ts_login(&T, "shequ", DEMO_PW, shequ, sizeof shequ);
	int64_t place = dazhi(),
	        other = SQL_INT("SELECT id FROM places WHERE code = '420205003001'", ""),
	        before = SQL_INT("SELECT count(*) FROM orgs", "");
	snprintf(body, sizeof body,
	         "{\"code\":\"SO-T-001\",\"name\":\"大智路社区志愿者协会\",\"kind\":\"social_org\","
	         "\"place_id\":%lld,\"domain\":\"social\"}",
	         (long long)place);
	post(shequ, "/api/orgs", body, 201, &r);
	int64_t org = json_integer_value(json_object_get(r.json, "id"));
	assert_string_equal(json_string_value(json_object_get(r.json, "kind_label")), "社会组织");
	hr_free(&r);
	/* The same code again, an unknown kind, 依托 on a non-party organisation, another
	 * community's place: each refused, nothing written. */
	post(shequ, "/api/orgs", body, 409, &r);
	hr_free(&r);
	snprintf(body, sizeof body,
	         "{\"code\":\"SO-T-002\",\"name\":\"某组织\",\"kind\":\"club\",\"place_id\":%lld}",
	         (long long)place);
	post(shequ, "/api/orgs", body, 400, &r);
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(r.json, "error"), "field")), "kind");
	hr_free(&r);
	snprintf(body, sizeof body,
	         "{\"code\":\"SO-T-003\",\"name\":\"某组织\",\"kind\":\"social_org\","
	         "\"built_on\":\"market\",\"place_id\":%lld}",
	         (long long)place);
	post(shequ, "/api/orgs", body, 400, &r);
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(r.json, "error"), "field")),
	    "built_on");
	hr_free(&r);
	snprintf(body, sizeof body,
	         "{\"code\":\"SO-T-004\",\"name\":\"某组织\",\"kind\":\"social_org\","
	         "\"place_id\":%lld}",
	         (long long)other);
	post(shequ, "/api/orgs", body, 403, &r);
	hr_free(&r);
	assert_int_equal(SQL_INT("SELECT count(*) FROM orgs", ""), before + 1);

	/* A resident of 大智路 with no posts becomes director of the residents' committee: a
	 * cadre (干部) on the card; ending the post keeps it in the history. */
	int64_t rc_org = SQL_INT("SELECT id FROM orgs WHERE kind = 'residents_committee' AND"
	                         " place_id = ?",
	                         "i", place),
	        pid = SQL_INT("SELECT min(pe.id) FROM people pe JOIN places g ON g.id = pe.place_id"
	                      " WHERE g.parent_id = ? AND NOT EXISTS (SELECT 1 FROM positions ps"
	                      " WHERE ps.person_id = pe.id)",
	                      "i", place);
	snprintf(path, sizeof path, "/api/people/%lld", (long long)pid);
	get(shequ, path, 200, &r);
	assert_false(has_role(r.json, "cadre"));
	hr_free(&r);
	snprintf(body, sizeof body, "{\"person_id\":%lld,\"org_id\":%lld,\"post\":\"director\"}",
	         (long long)pid, (long long)rc_org);
	post(shequ, "/api/positions", body, 201, &r);
	int64_t position = json_integer_value(json_object_get(r.json, "id"));
	hr_free(&r);
	post(shequ, "/api/positions", body, 409, &r);
	hr_free(&r);
	snprintf(body, sizeof body, "{\"person_id\":%lld,\"org_id\":%lld,\"post\":\"king\"}",
	         (long long)pid, (long long)rc_org);
	post(shequ, "/api/positions", body, 400, &r);
	hr_free(&r);
	get(shequ, path, 200, &r);
	assert_true(has_role(r.json, "cadre"));
	hr_free(&r);
	char end[96];
	snprintf(end, sizeof end, "/api/positions/%lld/end", (long long)position);
	post(shequ2, end, "{}", 403, &r); /* 友爱街's secretary: not her committee */
	hr_free(&r);
	post(shequ, end, "{\"ended_at\":1}", 400, &r); /* before it started */
	hr_free(&r);
	post(shequ, end, "{}", 200, &r);
	hr_free(&r);
	post(shequ, end, "{}", 409, &r);
	hr_free(&r);
	get(shequ, path, 200, &r);
	assert_false(has_role(r.json, "cadre"));
	json_t *pos = json_array_get(json_object_get(r.json, "positions"), 0);
	assert_true(json_integer_value(json_object_get(pos, "ended_at")) > 0);
	hr_free(&r);
	(void)org;
}

static void test_cards_show_roles_derived_from_records(void **state)
{
	struct hresp r;
	char path[64];
	ts_login(&T, "shequ", DEMO_PW, shequ, sizeof shequ);
	/* 赵卫东: a serving member of the first grid's branch, employed at the bus company. */
	snprintf(path, sizeof path, "/api/people/%lld",
	         (long long)SQL_INT("SELECT person_id FROM users WHERE username = 'dangyuan'", ""));
	get(shequ, path, 200, &r);
	assert_true(has_role(r.json, "member"));
	json_t *emp = json_object_get(r.json, "employer");
	assert_non_null(strstr(json_string_value(json_object_get(emp, "name")), "黄石公交集团"));
	hr_free(&r);
	/* 周明: the delegate of 大智路's studio. */
	snprintf(path, sizeof path, "/api/people/%lld",
	         (long long)SQL_INT("SELECT person_id FROM users WHERE username = 'daibiao'", ""));
	get(shequ, path, 200, &r);
	assert_true(has_role(r.json, "delegate"));
	assert_false(has_role(r.json, "member"));
	hr_free(&r);
	/* Half the serving members have an employer branch; no retired member has one. */
	assert_true(SQL_INT("SELECT count(*) FROM party_members WHERE employer_org_id IS NOT NULL",
	                    "") > 0);
	assert_int_equal(SQL_INT("SELECT count(*) FROM party_members WHERE status <> 'serving'"
	                         " AND employer_org_id IS NOT NULL",
	                         ""),
	                 0);
	/* A volunteer is flagged as such. */
	snprintf(path, sizeof path, "/api/people/%lld",
	         (long long)SQL_INT("SELECT min(pe.id) FROM people pe JOIN places g ON g.id ="
	                            " pe.place_id JOIN places b ON b.id = g.parent_id JOIN places"
	                            " gr ON gr.id = b.parent_id WHERE gr.parent_id = ? AND"
	                            " pe.volunteer = 1",
	                            "i", dazhi()));
	get(shequ, path, 200, &r);
	assert_true(has_role(r.json, "volunteer"));
	hr_free(&r);
}

static bool lists(json_t *arr, const char *v)
{
	json_t *it;
	size_t i;
	json_array_foreach(arr, i, it) if (strcmp(json_string_value(it), v) == 0) return true;
	return false;
}

static void test_me_lists_what_the_active_role_may_do(void **state)
{
	struct hresp r;
	ts_login(&T, "shequ", DEMO_PW, shequ, sizeof shequ);
	ts_login(&T, "wangge", DEMO_PW, wangge, sizeof wangge);
	get(shequ, "/api/me", 200, &r);
	json_t *p = json_object_get(r.json, "permissions");
	assert_true(lists(p, "people.reveal") && lists(p, "registry.manage"));
	assert_false(lists(p, "audit.read") || lists(p, "users.manage"));
	hr_free(&r);
	get(wangge, "/api/me", 200, &r);
	p = json_object_get(r.json, "permissions");
	assert_true(lists(p, "people.read"));
	assert_false(lists(p, "people.reveal") || lists(p, "registry.manage"));
	hr_free(&r);
}

static void test_every_registry_list_exports(void **state)
{
	struct hresp r;
	char path[96], h[160];
	ts_login(&T, "shequ", DEMO_PW, shequ, sizeof shequ);
	snprintf(path, sizeof path, "/api/places/%lld/children?format=csv", (long long)dazhi());
	get(shequ, path, 200, &r);
	assert_non_null(strstr(r.body, "编号,编码,名称,类型"));
	int64_t lines = 0;
	for (const char *p = r.body; *p; p++)
		lines += *p == '\n';
	assert_int_equal(
	    lines, SQL_INT("SELECT count(*) FROM places WHERE parent_id = ?", "i", dazhi()) + 1);
	hr_free(&r);
	get(shequ, "/api/places?q=420203009002&format=xlsx", 200, &r);
	assert_non_null(hr_header(&r, "Content-Type", h, sizeof h));
	assert_non_null(strstr(h, "spreadsheetml"));
	hr_free(&r);
	get(admin, "/api/coverage-campaigns?format=csv", 200, &r);
	assert_non_null(strstr(r.body, "楼栋党小组百日攻坚"));
	assert_non_null(strstr(r.body, "无楼栋党小组的楼栋")); /* the figure by name */
	assert_null(strstr(r.body, "buildings_without_party_group"));
	hr_free(&r);
	snprintf(path, sizeof path, "/api/places/%lld/children?format=doc", (long long)dazhi());
	get(shequ, path, 400, &r);
	hr_free(&r);
}

/* The ids a search answers, page after page (limit per page). */
/* An item of a people page shows the person as their row has them, whichever way the page
 * was read (from the name entries, an index or the table). */
static void item_is_the_person(json_t *it)
{
	struct xf_err e;
	struct db *db = store_reader(T.app.store, &e);
	struct db_stmt *st = db_prep(db,
	                             "SELECT pe.name, pe.gender, pe.phone_mask, pe.id_mask,"
	                             " pe.place_id, p.name FROM people pe JOIN places p"
	                             " ON p.id = pe.place_id WHERE pe.id = ?",
	                             &e);
	assert_non_null(st);
	db_bind_int(st, 1, json_integer_value(json_object_get(it, "id")));
	assert_int_equal(db_step(st, &e), DB_ROW);
	static const char *const keys[] = {"name", "gender", "phone", "id_number"};
	for (int k = 0; k < 4; k++)
		assert_string_equal(json_string_value(json_object_get(it, keys[k])),
		                    db_col_text(st, k));
	assert_int_equal(json_integer_value(json_object_get(it, "place_id")), db_col_int(st, 4));
	assert_string_equal(json_string_value(json_object_get(it, "place_name")),
	                    db_col_text(st, 5));
	db_reset(st);
}

static size_t search_ids(const char *hdrs, int64_t place, const char *q, int limit, int64_t *ids,
                         size_t cap)
{
	struct hresp r;
	char path[200], cursor[32] = "0";
	size_t n = 0;
	do {
		snprintf(path, sizeof path, "/api/people?place=%lld&q=%s&limit=%d&cursor=%s",
		         (long long)place, q, limit, cursor);
		get(hdrs, path, 200, &r);
		json_t *it;
		size_t i;
		json_array_foreach(json_object_get(r.json, "items"), i, it)
		{
			assert_true(n < cap);
			ids[n++] = json_integer_value(json_object_get(it, "id"));
			item_is_the_person(it);
		}
		const char *next = json_string_value(json_object_get(r.json, "next"));
		snprintf(cursor, sizeof cursor, "%s", next ? next : "");
		hr_free(&r);
	} while (cursor[0]);
	return n;
}

/* The same search by the places' paths, as the answer must be whichever plan it took. */
static size_t search_ids_by_path(int64_t place, const char *like, int64_t *ids, size_t cap)
{
	struct xf_err e;
	struct db *db = store_reader(T.app.store, &e);
	struct db_stmt *st =
	    db_prep(db,
	            "SELECT pe.id FROM people pe JOIN places p ON p.id = pe.place_id"
	            " JOIN places w ON w.id = ? WHERE substr(p.path, 1,"
	            " length(w.path)) = w.path AND pe.name LIKE ? ORDER BY pe.id",
	            &e);
	assert_non_null(st);
	db_bind_int(st, 1, place);
	db_bind_text(st, 2, like);
	size_t n = 0;
	while (db_step(st, &e) == DB_ROW) {
		assert_true(n < cap);
		ids[n++] = db_col_int(st, 0);
	}
	db_reset(st);
	return n;
}

static int64_t nested_person;

/* A community inside one of 大智路's grids (an import can build one), with someone in it. */
static int nested_community(struct db *db, void *arg, struct xf_err *err)
{
	int64_t grid = 0, id = 0;
	int rc = db_int(db, err, &grid,
	                "SELECT g.id FROM places g JOIN places c ON c.id = g.parent_id"
	                " WHERE c.code = '420203009002' AND g.kind = 'grid' ORDER BY g.id LIMIT 1",
	                "");
	if (rc == XF_OK)
		rc = db_run(db, err,
		            "INSERT INTO places(parent_id, kind, code, name, path, created_at)"
		            " SELECT id, 'community', 'T-NESTED-1', '嵌套社区', path || 'x/', 0"
		            " FROM places WHERE id = ?",
		            "i", grid);
	if (rc == XF_OK)
		rc = db_int(db, err, &id, "SELECT id FROM places WHERE code = 'T-NESTED-1'", "");
	if (rc == XF_OK)
		rc = db_run(
		    db, err,
		    "UPDATE places SET path = (SELECT path FROM places WHERE id = ?) || ? || '/'"
		    " WHERE id = ?",
		    "iii", grid, id, id);
	struct person_in p = {.place_id = id, .name = "张嵌套", .gender = "F"};
	if (rc == XF_OK)
		rc = people_create(db, &p, &nested_person, err);
	return rc;
}

static void test_a_community_search_walks_its_people_in_order(void **state)
{
	/* Everyone carries the nearest community above their place (none above a community). */
	assert_int_equal(
	    SQL_INT("SELECT count(*) FROM people pe JOIN places p ON p.id = pe.place_id"
	            " WHERE coalesce(pe.community_id, 0) <> coalesce((SELECT c.id FROM places c"
	            " WHERE c.kind = 'community' AND substr(p.path, 1, length(c.path)) = c.path"
	            " ORDER BY length(c.path) DESC LIMIT 1), 0)",
	            ""),
	    0);
	assert_true(SQL_INT("SELECT count(community_id) FROM people", "") > 100);
	/* 大智路 by its people_community walk: the same people, in the same order, page by page,
	 * as its places' paths give. */
	static int64_t a[4096], b[4096];
	ts_login(&T, "shequ", DEMO_PW, shequ, sizeof shequ); /* earlier tests moved the clock */
	size_t na = search_ids(shequ, dazhi(), "%E5%BC%A0", 2, a, 4096); /* 张 */
	size_t nb = search_ids_by_path(dazhi(), "%张%", b, 4096);
	if (na <= 2)
		fail_msg("only %zu people named 张 in 大智路", na);
	assert_int_equal(na, nb);
	assert_memory_equal(a, b, na * sizeof a[0]);
	na = search_ids(shequ, dazhi(), "", 500, a, 4096);
	nb = search_ids_by_path(dazhi(), "%", b, 4096);
	assert_int_equal(na, nb);
	assert_memory_equal(a, b, na * sizeof a[0]);
	/* Its district by people_district: the same people, in the same order. */
	ts_login(&T, "admin", DEMO_PW, admin, sizeof admin);
	int64_t district =
	    SQL_INT("SELECT district_id FROM places WHERE code = '420203009002'", "");
	assert_int_equal(SQL_INT("SELECT count(*) FROM places WHERE id = ? AND kind = 'district'",
	                         "i", district),
	                 1);
	na = search_ids(admin, district, "%E5%BC%A0", 3, a, 4096);
	nb = search_ids_by_path(district, "%张%", b, 4096);
	assert_true(na > 3);
	assert_int_equal(na, nb);
	assert_memory_equal(a, b, na * sizeof a[0]);
	/* Everyone carries the nearest street above their place too, and 大智路's street by its
	 * people_street walk gives the same people in the same order as its places' paths. */
	assert_int_equal(
	    SQL_INT("SELECT count(*) FROM people pe JOIN places p ON p.id = pe.place_id"
	            " WHERE coalesce(pe.street_id, 0) <> coalesce((SELECT s.id FROM places s"
	            " WHERE s.kind = 'street' AND substr(p.path, 1, length(s.path)) = s.path"
	            " ORDER BY length(s.path) DESC LIMIT 1), 0)",
	            ""),
	    0);
	assert_true(SQL_INT("SELECT count(street_id) FROM people", "") > 100);
	int64_t street = SQL_INT("SELECT s.id FROM places c JOIN places s ON s.id = c.parent_id"
	                         " WHERE c.code = '420203009002' AND s.kind = 'street'",
	                         "");
	na = search_ids(admin, street, "%E5%BC%A0", 3, a, 4096);
	nb = search_ids_by_path(street, "%张%", b, 4096);
	assert_true(na > 3);
	assert_int_equal(na, nb);
	assert_memory_equal(a, b, na * sizeof a[0]);
	na = search_ids(admin, street, "", 500, a, 4096);
	nb = search_ids_by_path(street, "%", b, 4096);
	assert_true(na > 3);
	assert_int_equal(na, nb);
	assert_memory_equal(a, b, na * sizeof a[0]);
	/* With a community inside it, 大智路 is searched by its places: the nested community's
	 * people are still found, and the nested one finds its own by its walk. */
	struct xf_err e;
	if (store_write(T.app.store, nested_community, NULL, &e) != XF_OK)
		fail_msg("nested community: %s", e.message);
	int64_t nested = SQL_INT("SELECT id FROM places WHERE code = 'T-NESTED-1'", "");
	assert_int_equal(
	    SQL_INT("SELECT community_id FROM people WHERE id = ?", "i", nested_person), nested);
	assert_int_equal(SQL_INT("SELECT street_id FROM people WHERE id = ?", "i", nested_person),
	                 street);
	na = search_ids(admin, street, "%E5%B5%8C%E5%A5%97", 20, a, 4096); /* 嵌套, by the street */
	assert_int_equal(na, 1);
	assert_int_equal(a[0], nested_person);
	na = search_ids(shequ, dazhi(), "%E5%BC%A0", 50, a, 4096);
	nb = search_ids_by_path(dazhi(), "%张%", b, 4096);
	assert_int_equal(na, nb);
	assert_memory_equal(a, b, na * sizeof a[0]);
	na = search_ids(shequ, dazhi(), "%E5%B5%8C%E5%A5%97", 20, a, 4096); /* 嵌套 */
	assert_int_equal(na, 1);
	assert_int_equal(a[0], nested_person);
	na = search_ids(shequ, nested, "%E5%B5%8C%E5%A5%97", 20, a, 4096);
	assert_int_equal(na, 1);
	assert_int_equal(a[0], nested_person);
}

/* Migrations 0016 and 0018 run again over the people now here, beside the entries
 * people_create wrote (renamed out of their way), and the two compared column by column; then
 * the job fails on purpose, so that all of it rolls back. */
struct remigrated {
	int64_t written, missing, extra;
};

static int remigrate(struct db *db, void *arg, struct xf_err *err)
{
	struct remigrated *m = arg;
	const char *text = store_migration_text(db, 16), *page = store_migration_text(db, 18);
	if (!text || !page)
		return xf_fail(err, XF_EINVAL, "no_migration", "no migration 16 or 18");
	int rc =
	    db_exec_script(db,
	                   db_engine(db) == DB_POSTGRES
	                       ? "ALTER TABLE people_name_chars RENAME TO pnc_written;"
	                         " ALTER INDEX people_name_chars_pkey RENAME TO pnc_written_pkey;"
	                         " DROP FUNCTION place_name(bigint);"
	                       : "ALTER TABLE people_name_chars RENAME TO pnc_written;",
	                   err);
	if (rc == XF_OK)
		rc = db_exec_script(db, text, err);
	if (rc == XF_OK)
		rc = db_exec_script(db, page, err);
	if (rc == XF_OK)
		rc = db_int(db, err, &m->written, "SELECT count(*) FROM pnc_written", "");
#define PNC_COLS "place_id, ch, person_id, name, gender, phone_mask, id_mask, home_id"
	if (rc == XF_OK)
		rc = db_int(db, err, &m->missing,
		            "SELECT count(*) FROM (SELECT " PNC_COLS " FROM pnc_written"
		            " EXCEPT SELECT " PNC_COLS " FROM people_name_chars) AS x",
		            "");
	if (rc == XF_OK)
		rc = db_int(db, err, &m->extra,
		            "SELECT count(*) FROM (SELECT " PNC_COLS " FROM people_name_chars"
		            " EXCEPT SELECT " PNC_COLS " FROM pnc_written) AS x",
		            "");
#undef PNC_COLS
	if (rc != XF_OK)
		return rc;
	return xf_fail(err, XF_ECONFLICT, "on_purpose", "rolled back on purpose");
}

static int64_t anna;

/* The community the name searches run in: the one with the most people and no community
 * inside it (an earlier test nests one in 大智路, whose searches then walk its places). */
static int64_t name_place;

static int add_anna(struct db *db, void *arg, struct xf_err *err)
{
	int64_t building = 0;
	int rc = db_int(db, err, &building,
	                "SELECT b.id FROM places b JOIN places c ON c.id = ?"
	                " WHERE b.kind = 'building' AND substr(b.path, 1, length(c.path)) = c.path"
	                " ORDER BY b.id LIMIT 1",
	                "i", name_place);
	struct person_in p = {.place_id = building, .name = arg};
	return rc != XF_OK ? rc : people_create(db, &p, &anna, err);
}

static void url_encode(const char *s, char *out, size_t cap)
{
	size_t n = 0;
	for (const unsigned char *c = (const unsigned char *)s; *c && n + 4 < cap; c++)
		n += (size_t)snprintf(out + n, cap - n, "%%%02X", *c);
	out[n] = 0;
}

/* Both the API's search (by one character's entries) and the path walk, for q. */
static void same_as_by_path(const char *hdrs, int64_t place, const char *q)
{
	static int64_t a[8192], b[8192];
	char enc[200], like[200];
	url_encode(q, enc, sizeof enc);
	snprintf(like, sizeof like, "%%%s%%", q);
	size_t na = search_ids(hdrs, place, enc, 40, a, 8192);
	size_t nb = search_ids_by_path(place, like, b, 8192);
	if (na != nb)
		fail_msg("%s: %zu found, %zu by the paths", q, na, nb);
	assert_memory_equal(a, b, na * sizeof a[0]);
}

static void test_a_name_search_walks_one_of_its_characters(void **state)
{
	/* What people_create wrote is what the migration builds from the same people. */
	struct remigrated m = {0};
	struct xf_err e;
	assert_int_equal(store_write(T.app.store, remigrate, &m, &e), XF_ECONFLICT);
	assert_string_equal(e.code, "on_purpose");
	assert_true(m.written > 1000);
	assert_int_equal(m.missing, 0);
	assert_int_equal(m.extra, 0);
	assert_int_equal(SQL_INT("SELECT count(*) FROM people_name_chars", ""), m.written);
	/* Every character of the first names in a community, a surname with the next character, a
	 * given name and a whole name: by its community and by its street, the same people in
	 * the same order as the path walk. */
	ts_login(&T, "admin", DEMO_PW, admin, sizeof admin);
	name_place =
	    SQL_INT("SELECT p.id FROM places p WHERE p.kind = 'community' AND NOT EXISTS"
	            " (SELECT 1 FROM places c WHERE c.kind = 'community' AND c.id <> p.id"
	            " AND substr(c.path, 1, length(p.path)) = p.path)"
	            " ORDER BY (SELECT count(*) FROM people pe WHERE pe.community_id = p.id)"
	            " DESC, p.id LIMIT 1",
	            "");
	int64_t street = SQL_INT("SELECT parent_id FROM places WHERE id = ?", "i", name_place);
	assert_int_equal(
	    SQL_INT("SELECT count(*) FROM places WHERE id = ? AND kind = 'street'", "i", street),
	    1);
	struct db *db = store_reader(T.app.store, &e);
	struct db_stmt *st = db_prep(db,
	                             "SELECT name FROM people WHERE community_id = ?"
	                             " ORDER BY id LIMIT 12",
	                             &e);
	assert_non_null(st);
	db_bind_int(st, 1, name_place);
	char names[12][100];
	int n = 0;
	while (db_step(st, &e) == DB_ROW)
		snprintf(names[n++], sizeof names[0], "%s", db_col_text(st, 0));
	db_reset(st);
	assert_int_equal(n, 12);
	for (int i = 0; i < n; i++) {
		char chars[16][5];
		size_t nc = str_fold_chars(names[i], chars, 16);
		assert_true(nc >= 2);
		for (size_t k = 0; k < nc; k++) {
			same_as_by_path(admin, name_place, chars[k]);
			if (i < 3)
				same_as_by_path(admin, street, chars[k]);
		}
		char two[12];
		/* A character twice is no longer one character's entries alone. */
		snprintf(two, sizeof two, "%s%s", chars[0], chars[0]);
		same_as_by_path(admin, name_place, two);
		snprintf(two, sizeof two, "%s%s", chars[0], chars[1]);
		same_as_by_path(admin, name_place, two);
		same_as_by_path(admin, street, two);
		same_as_by_path(admin, name_place,
		                names[i] + strlen(chars[0])); /* the given name */
		same_as_by_path(admin, street, names[i]);
	}
	same_as_by_path(admin, name_place, "龘");
	/* Wildcards are themselves: nobody here has a % or an _ in their name. */
	static int64_t ids[64];
	assert_int_equal(search_ids(admin, name_place, "%25", 20, ids, 64), 0);
	assert_int_equal(search_ids(admin, street, "_", 20, ids, 64), 0);
	/* A Latin name: its letters kept once each in lower case, under the community and the
	 * street, and found by its own spelling on both engines; SQLite's LIKE also folds case. */
	assert_int_equal(store_write(T.app.store, add_anna, (void *)"Anna Lee", &e), XF_OK);
	assert_int_equal(SQL_INT("SELECT count(*) FROM people_name_chars WHERE person_id = ?"
	                         " AND ch IN ('a', 'n', ' ', 'l', 'e')",
	                         "i", anna),
	                 10);
	assert_int_equal(
	    SQL_INT("SELECT count(*) FROM people_name_chars WHERE person_id = ?", "i", anna), 10);
	assert_int_equal(search_ids(admin, name_place, "Anna", 20, ids, 64), 1);
	assert_int_equal(ids[0], anna);
	assert_int_equal(search_ids(admin, street, "Lee", 20, ids, 64), 1);
	same_as_by_path(admin, name_place, "anna");
	same_as_by_path(admin, street, "LEE");
	/* One letter, either case: as each engine's LIKE answers it (SQLite folds ASCII case,
	 * PostgreSQL does not). */
	same_as_by_path(admin, name_place, "E");
	same_as_by_path(admin, name_place, "e");
	same_as_by_path(admin, street, "L");
	same_as_by_path(admin, street, "l");
	if (!ts_postgres()) {
		assert_int_equal(search_ids(admin, name_place, "ANNA", 20, ids, 64), 1);
		assert_int_equal(ids[0], anna);
	}
	/* A name too long is refused, and nothing is written. */
	int64_t people = SQL_INT("SELECT count(*) FROM people", "");
	char longname[300] = "";
	for (int i = 0; i < 65; i++)
		strcat(longname, "长");
	assert_int_equal(store_write(T.app.store, add_anna, longname, &e), XF_EINVAL);
	assert_string_equal(e.field, "name");
	assert_int_equal(SQL_INT("SELECT count(*) FROM people", ""), people);
	longname[64 * 3] = 0; /* 64 characters: taken */
	if (store_write(T.app.store, add_anna, longname, &e) != XF_OK)
		fail_msg("64 characters: %s", e.message);
	assert_int_equal(
	    SQL_INT("SELECT count(*) FROM people_name_chars WHERE person_id = ?", "i", anna), 2);
}

/* Party members without a branch, counted live for a community and each of its grids (one
 * walk through people_place below a street), against an independent count, before and after
 * a member loses their branch. */
static int64_t members_under(int64_t place, bool without_branch)
{
	return SQL_INT(
	    "SELECT count(*) FROM party_members pm JOIN people pe ON pe.id = pm.person_id"
	    " JOIN places p ON p.id = pe.place_id JOIN places w ON w.id = ?"
	    " WHERE substr(p.path, 1, length(w.path)) = w.path"
	    " AND (? = 0 OR pm.branch_org_id IS NULL)",
	    "ii", place, (int64_t)without_branch);
}

static int64_t unbranched_person;

static int drop_a_branch(struct db *db, void *arg, struct xf_err *err)
{
	int rc = db_int(db, err, &unbranched_person,
	                "SELECT pm.person_id FROM party_members pm JOIN people pe ON pe.id ="
	                " pm.person_id JOIN places p ON p.id = pe.place_id JOIN places c ON"
	                " c.code = '420203009002' WHERE substr(p.path, 1, length(c.path)) = c.path"
	                " AND pm.branch_org_id IS NOT NULL ORDER BY pm.person_id LIMIT 1",
	                "");
	if (rc == XF_OK)
		rc = db_run(db, err,
		            "UPDATE party_members SET branch_org_id = NULL WHERE person_id = ?",
		            "i", unbranched_person);
	return rc;
}

static void check_members_without_branch(void)
{
	struct hresp r;
	char path[128];
	snprintf(path, sizeof path, "/api/reports/coverage?place=%lld", (long long)dazhi());
	get(shequ, path, 200, &r);
	assert_int_equal(metric(r.json, "members_without_branch", "total"),
	                 members_under(dazhi(), 0));
	assert_int_equal(metric(r.json, "members_without_branch", "count"),
	                 members_under(dazhi(), 1));
	json_t *c;
	size_t i;
	int grids = 0;
	json_array_foreach(json_object_get(r.json, "children"), i, c)
	{
		json_t *m = json_object_get(c, "metrics");
		json_t *wrap = json_pack("{s:O}", "metrics", m);
		int64_t id = json_integer_value(json_object_get(c, "id"));
		assert_int_equal(metric(wrap, "members_without_branch", "total"),
		                 members_under(id, 0));
		assert_int_equal(metric(wrap, "members_without_branch", "count"),
		                 members_under(id, 1));
		json_decref(wrap);
		grids++;
	}
	assert_true(grids > 0);
	hr_free(&r);
}

static void test_members_without_branch_are_counted_live(void **state)
{
	ts_login(&T, "shequ", DEMO_PW, shequ, sizeof shequ);
	assert_true(members_under(dazhi(), 0) > 0);
	check_members_without_branch();
	int64_t before = members_under(dazhi(), 1);
	struct xf_err e;
	if (store_write(T.app.store, drop_a_branch, NULL, &e) != XF_OK)
		fail_msg("drop a branch: %s", e.message);
	assert_int_equal(members_under(dazhi(), 1), before + 1);
	check_members_without_branch();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_places_have_paths_search_and_pages),
	    cmocka_unit_test(test_both_lines_side_by_side_and_org_cards),
	    cmocka_unit_test(test_people_lists_are_scoped_masked_and_paged),
	    cmocka_unit_test(test_a_person_card_shows_positions_across_organisations),
	    cmocka_unit_test(test_building_card_shows_households_posts_and_members),
	    cmocka_unit_test(test_coverage_campaigns_show_progress),
	    cmocka_unit_test(test_lists_export_to_xlsx_and_csv_masked_and_audited),
	    cmocka_unit_test(test_organisations_and_positions_are_written_scoped_and_kept),
	    cmocka_unit_test(test_cards_show_roles_derived_from_records),
	    cmocka_unit_test(test_every_registry_list_exports),
	    cmocka_unit_test(test_me_lists_what_the_active_role_may_do),
	    cmocka_unit_test(test_coverage_is_computed_scoped_and_follows_the_data),
	    cmocka_unit_test(test_street_and_above_come_from_the_rollup_with_its_time),
	    cmocka_unit_test(test_a_community_search_walks_its_people_in_order),
	    cmocka_unit_test(test_a_name_search_walks_one_of_its_characters),
	    cmocka_unit_test(test_members_without_branch_are_counted_live),
	};
	return TS_RUN(tests, setup, teardown);
}
