/* 数据驾驶舱 over HTTP on the small demo city: every figure of the dashboard, at the city, a
 * district, a street and a community, equals the count this test computes itself from the
 * records (with queries written independently of src/dash, by path prefix); the rollup
 * agrees with them; the seed's table; records behind a figure; scope (who sees which place
 * and which figure); bad input; the report pack job from 202 to the XLSX and HTML files. */
#include "../support/testlib.h"
#include "core/clock.h"
#include "io/table.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static struct tserver T;
static char admin[512], jiedao[512], shequ[512], shequ2[512], jumin[512], wangge[512];

static void login_all(void)
{
	ts_login(&T, "admin", DEMO_PW, admin, sizeof admin);
	ts_login(&T, "jiedao", DEMO_PW, jiedao, sizeof jiedao);
	ts_login(&T, "shequ", DEMO_PW, shequ, sizeof shequ);
	ts_login(&T, "shequ2", DEMO_PW, shequ2, sizeof shequ2);
	ts_login(&T, "jumin", DEMO_PW, jumin, sizeof jumin);
	ts_login(&T, "wangge", DEMO_PW, wangge, sizeof wangge);
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

static void expect(const char *method, const char *hdrs, const char *path, const char *body,
                   int status, const char *code)
{
	struct hresp r;
	req(method, hdrs, path, body, status, &r);
	if (code)
		assert_string_equal(hr_error_code(&r), code);
	hr_free(&r);
}

static int64_t num(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

static struct db *rdb(void)
{
	struct xf_err e;
	struct db *db = store_reader(T.app.store, &e);
	assert_non_null(db);
	return db;
}

static int64_t place_of(const char *kind, const char *code)
{
	int64_t id = 0;
	struct xf_err e;
	if (code)
		assert_int_equal(
		    db_int(rdb(), &e, &id, "SELECT id FROM places WHERE code = ?", "t", code),
		    XF_OK);
	else
		assert_int_equal(db_int(rdb(), &e, &id,
		                        "SELECT id FROM places WHERE kind = ? ORDER BY id LIMIT 1",
		                        "t", kind),
		                 XF_OK);
	return id;
}

static int64_t grant_place(const char *user)
{
	int64_t id = 0;
	struct xf_err e;
	assert_int_equal(db_int(rdb(), &e, &id,
	                        "SELECT g.place_id FROM grants g JOIN users u ON u.id = g.user_id"
	                        " WHERE u.username = ? ORDER BY g.id LIMIT 1",
	                        "t", user),
	                 XF_OK);
	return id;
}

/* ---- the expected figures, computed here by path prefix ---- */

struct ctx {
	char like[260]; /* "<path>%" */
	int64_t t0, t1, year, now;
};

static int64_t year_start(int year)
{
	struct tm tm = {.tm_year = year - 1900, .tm_mon = 0, .tm_mday = 1};
	return (int64_t)timegm(&tm) - 8 * 3600;
}

static int64_t q_t(const struct ctx *c, const char *sql)
{
	struct db_stmt *st;
	struct xf_err e;
	assert_non_null(st = db_prep_(rdb(), sql, &e));
	db_bind_text(st, 1, c->like);
	assert_int_equal(db_step(st, &e), DB_ROW);
	int64_t v = db_col_int(st, 0);
	db_reset(st);
	return v;
}

static int64_t q_tw(const struct ctx *c, const char *sql)
{
	struct db_stmt *st;
	struct xf_err e;
	assert_non_null(st = db_prep_(rdb(), sql, &e));
	db_bind_text(st, 1, c->like);
	db_bind_int(st, 2, c->t0);
	db_bind_int(st, 3, c->t1);
	assert_int_equal(db_step(st, &e), DB_ROW);
	int64_t v = db_col_int(st, 0);
	db_reset(st);
	return v;
}

static int64_t q_tn(const struct ctx *c, const char *sql)
{
	struct db_stmt *st;
	struct xf_err e;
	assert_non_null(st = db_prep_(rdb(), sql, &e));
	db_bind_text(st, 1, c->like);
	db_bind_int(st, 2, c->now);
	assert_int_equal(db_step(st, &e), DB_ROW);
	int64_t v = db_col_int(st, 0);
	db_reset(st);
	return v;
}

static int64_t q_ty(const struct ctx *c, const char *sql)
{
	struct db_stmt *st;
	struct xf_err e;
	assert_non_null(st = db_prep_(rdb(), sql, &e));
	db_bind_text(st, 1, c->like);
	db_bind_int(st, 2, c->year);
	assert_int_equal(db_step(st, &e), DB_ROW);
	int64_t v = db_col_int(st, 0);
	db_reset(st);
	return v;
}

#define SUB "(SELECT id FROM places WHERE path LIKE ?)"
#define BPOSTS                                                                                     \
	"('building_party_leader', 'building_head', 'hygiene_officer', 'security_officer',"        \
	" 'culture_officer', 'property_clerk', 'grid_manager', 'central_household')"
#define BGROUPS "('building_party_group', 'building_service_group')"

struct want {
	const char *code;
	int64_t value; /* in the figure's raw unit (fen, minutes, points, records) */
	int scale;
};

static size_t expected(const struct ctx *c, struct want *w)
{
	size_t n = 0;
#define ORGS(code, cond)                                                                           \
	w[n++] = (struct want){                                                                    \
	    code, q_t(c, DB_SQL("SELECT count(*) FROM orgs WHERE " cond " AND place_id IN " SUB)), \
	    1}
	ORGS("party_orgs", "line = 'party'");
	ORGS("building_party_groups", "kind = 'building_party_group'");
	ORGS("industry_party_committees", "kind = 'industry_party_committee'");
	ORGS("enterprise_party_orgs", "kind = 'enterprise_party'");
	ORGS("building_party_orgs", "kind = 'building_party_org'");
	ORGS("market_party_orgs", "kind = 'market_party_org'");
	ORGS("social_org_party_orgs", "kind = 'social_org_party'");
	ORGS("studios", "kind = 'delegate_studio'");
	w[n++] = (struct want){
	    "building_posts_filled",
	    q_t(c,
	        DB_SQL("SELECT count(*) FROM (SELECT DISTINCT o.place_id, ps.post FROM positions"
	               " ps JOIN orgs o ON o.id = ps.org_id JOIN places p ON p.id = o.place_id"
	               " WHERE p.kind = 'building' AND ps.ended_at IS NULL AND o.kind IN " BGROUPS
	               " AND ps.post IN " BPOSTS " AND p.path LIKE ?) x")),
	    1};
	w[n++] = (struct want){
	    "building_posts_total",
	    8 * q_t(c, DB_SQL("SELECT count(DISTINCT o.place_id) FROM orgs o"
	                      " JOIN places p ON p.id = o.place_id WHERE p.kind ="
	                      " 'building' AND o.kind IN " BGROUPS " AND p.path LIKE ?")),
	    1};
	w[n++] = (struct want){
	    "committee_on_owners",
	    q_t(c,
	        DB_SQL("SELECT count(*) FROM positions ps JOIN orgs o ON o.id = ps.org_id WHERE"
	               " o.kind = 'owners_committee' AND ps.ended_at IS NULL AND o.place_id IN " SUB
	               " AND ps.person_id IN (SELECT q.person_id FROM positions q JOIN orgs qo ON"
	               " qo.id = q.org_id WHERE q.ended_at IS NULL AND qo.kind IN"
	               " ('community_party', 'residents_committee') AND q.post IN ('secretary',"
	               " 'director', 'committee_member'))")),
	    1};
	w[n++] = (struct want){
	    "building_heads_on_owners",
	    q_t(c,
	        DB_SQL("SELECT count(*) FROM positions ps JOIN orgs o ON o.id = ps.org_id WHERE"
	               " o.kind = 'owners_committee' AND ps.ended_at IS NULL AND o.place_id IN " SUB
	               " AND ps.person_id IN (SELECT q.person_id FROM positions q WHERE"
	               " q.ended_at IS NULL AND q.post = 'building_head')")),
	    1};
	w[n++] = (struct want){
	    "population", q_t(c, DB_SQL("SELECT count(*) FROM people WHERE place_id IN " SUB)), 1};
	w[n++] = (struct want){
	    "volunteers",
	    q_t(c, DB_SQL("SELECT count(*) FROM people WHERE volunteer = 1 AND place_id IN " SUB)),
	    1};
	w[n++] = (struct want){
	    "serving_members",
	    q_t(c, DB_SQL("SELECT count(*) FROM party_members pm JOIN people pe ON pe.id ="
	                  " pm.person_id WHERE pm.status = 'serving' AND pe.place_id IN " SUB)),
	    1};
	w[n++] = (struct want){
	    "members_registered",
	    q_t(c, DB_SQL("SELECT count(*) FROM registrations WHERE kind = 'member' AND status ="
	                  " 'approved' AND place_id IN " SUB)),
	    1};
	w[n++] = (struct want){
	    "units_registered",
	    q_t(c, DB_SQL("SELECT count(*) FROM registrations WHERE kind = 'unit' AND status ="
	                  " 'approved' AND place_id IN " SUB)),
	    1};
	w[n++] = (struct want){"wishes_posted",
	                       q_tw(c, DB_SQL("SELECT count(*) FROM wishes WHERE place_id IN " SUB
	                                      " AND created_at >= ? AND created_at < ?")),
	                       1};
	w[n++] = (struct want){
	    "wishes_confirmed",
	    q_tw(c, DB_SQL("SELECT count(*) FROM wishes WHERE place_id IN " SUB
	                   " AND status = 'confirmed' AND confirmed_at >= ? AND confirmed_at < ?")),
	    1};
	w[n++] =
	    (struct want){"activities_held",
	                  q_tw(c, DB_SQL("SELECT count(*) FROM activities WHERE place_id IN " SUB
	                                 " AND starts_at >= ? AND starts_at < ?")),
	                  1};
	w[n++] = (struct want){
	    "service_hours",
	    q_tw(c, DB_SQL("SELECT coalesce(sum(s.minutes), 0) FROM activity_signups s JOIN"
	                   " activities a ON a.id = s.activity_id WHERE a.place_id IN " SUB
	                   " AND a.starts_at >= ? AND a.starts_at < ? AND s.minutes > 0")),
	    60};
#define POINTS(code, kind)                                                                         \
	w[n++] = (struct want){                                                                    \
	    code,                                                                                  \
	    q_tw(c, DB_SQL("SELECT coalesce(sum(t.amount), 0) FROM points_transfers t WHERE"       \
	                   " t.debit_account IN (SELECT id FROM points_accounts WHERE"             \
	                   " community_id IN " SUB ") AND t.code = '" kind "' AND t.phase IN"      \
	                   " ('single', 'post') AND t.at >= ? AND t.at < ?")),                     \
	    1}
	POINTS("points_issued", "earn");
	POINTS("points_redeemed", "redeem");
	w[n++] =
	    (struct want){"agreements_signed",
	                  q_ty(c, DB_SQL("SELECT count(*) FROM agreements WHERE place_id IN " SUB
	                                 " AND year = ? AND signed_at IS NOT NULL")),
	                  1};
	w[n++] = (struct want){
	    "list_items",
	    q_ty(c, DB_SQL("SELECT count(*) FROM list_items WHERE agreement_id IN (SELECT id FROM"
	                   " agreements WHERE place_id IN " SUB " AND year = ?)")),
	    1};
	w[n++] = (struct want){
	    "list_items_done",
	    q_ty(c,
	         DB_SQL("SELECT count(*) FROM list_items WHERE status = 'done' AND agreement_id"
	                " IN (SELECT id FROM agreements WHERE place_id IN " SUB " AND year = ?)")),
	    1};
#define FUNDS(code, cond)                                                                          \
	w[n++] = (struct want){code,                                                               \
	                       q_ty(c, DB_SQL("SELECT coalesce(sum(budget_fen), 0) FROM funds"     \
	                                      " WHERE place_id IN " SUB " AND year = ?" cond)),    \
	                       100}
	FUNDS("funds_budget", "");
	FUNDS("service_fund_budget", " AND kind = 'service'");
	FUNDS("centre_upgrade_budget", " AND kind = 'centre'");
	FUNDS("industry_fund_budget", " AND kind = 'industry'");
	w[n++] = (struct want){
	    "funds_spent",
	    q_ty(c, DB_SQL("SELECT coalesce(sum(amount_fen), 0) FROM expenditures WHERE status ="
	                   " 'paid' AND fund_id IN (SELECT id FROM funds WHERE place_id IN " SUB
	                   " AND year = ?)")),
	    100};
	w[n++] = (struct want){
	    "deeds_done",
	    q_ty(c, DB_SQL("SELECT coalesce(sum(deeds), 0) FROM expenditures WHERE status ="
	                   " 'paid' AND fund_id IN (SELECT id FROM funds WHERE place_id IN " SUB
	                   " AND year = ? AND kind = 'service')")),
	    1};
	w[n++] = (struct want){
	    "communities",
	    q_t(c, DB_SQL("SELECT count(*) FROM places WHERE kind = 'community' AND path LIKE ?")),
	    1};
	w[n++] = (struct want){
	    "centres_1000",
	    q_t(c, DB_SQL("SELECT count(*) FROM places WHERE kind = 'community' AND area_cm2 >="
	                  " 100000 AND path LIKE ?")),
	    1};
	w[n++] = (struct want){
	    "cadres",
	    q_t(c,
	        DB_SQL("SELECT count(*) FROM cadres WHERE left_at IS NULL AND place_id IN " SUB)),
	    1};
#define EVENTS(code, kind)                                                                         \
	w[n++] =                                                                                   \
	    (struct want){code,                                                                    \
	                  q_tw(c, DB_SQL("SELECT count(*) FROM cadre_events WHERE kind = '" kind   \
	                                 "' AND cadre_id IN (SELECT id FROM cadres WHERE"          \
	                                 " left_at IS NULL AND place_id IN " SUB ") AND at >= ?"   \
	                                 " AND at < ?")),                                          \
	                  1}
	EVENTS("cadres_recruited", "civil_service");
	EVENTS("cadres_promoted", "promotion");
	w[n++] = (struct want){
	    "cadres_certified",
	    q_t(c,
	        DB_SQL(
	            "SELECT count(*) FROM cadres WHERE left_at IS NULL AND place_id IN " SUB
	            " AND id IN (SELECT cadre_id FROM cadre_certificates WHERE kind <> 'other')")),
	    1};
	w[n++] = (struct want){
	    "studio_delegates",
	    q_t(c, DB_SQL("SELECT count(*) FROM positions WHERE post = 'delegate' AND ended_at IS"
	                  " NULL AND org_id IN (SELECT id FROM orgs WHERE kind = 'delegate_studio'"
	                  " AND place_id IN " SUB ")")),
	    1};
	w[n++] =
	    (struct want){"proposals",
	                  q_tw(c, DB_SQL("SELECT count(*) FROM gov_proposals WHERE place_id IN " SUB
	                                 " AND created_at >= ? AND created_at < ?")),
	                  1};
	w[n++] = (struct want){
	    "meetings_held",
	    q_tw(c,
	         DB_SQL(
	             "SELECT count(*) FROM gov_meetings WHERE status = 'held' AND place_id IN " SUB
	             " AND held_at >= ? AND held_at < ?")),
	    1};
	w[n++] = (struct want){
	    "votes_closed",
	    q_tw(
	        c,
	        DB_SQL("SELECT count(*) FROM gov_votes WHERE status = 'closed' AND place_id IN " SUB
	               " AND closed_at >= ? AND closed_at < ?")),
	    1};
	w[n++] = (struct want){
	    "duty_items", q_t(c, DB_SQL("SELECT count(*) FROM duty_items WHERE place_id IN " SUB)),
	    1};
	w[n++] = (struct want){
	    "duty_done",
	    q_t(c,
	        DB_SQL(
	            "SELECT count(*) FROM duty_items WHERE status = 'done' AND place_id IN " SUB)),
	    1};
	w[n++] = (struct want){
	    "duty_overdue",
	    q_tn(c,
	         DB_SQL("SELECT count(*) FROM duty_items WHERE status = 'open' AND place_id IN " SUB
	                " AND due_at < ?")),
	    1};
	int64_t lines = 0;
	struct xf_err e;
	assert_int_equal(
	    db_int(rdb(), &e, &lines, "SELECT count(*) FROM red_lines WHERE active = 1", ""),
	    XF_OK);
	w[n++] = (struct want){"red_lines", lines, 1};
	w[n++] = (struct want){
	    "red_line_violations",
	    q_tw(c, DB_SQL("SELECT count(*) FROM red_line_violations WHERE place_id IN " SUB
	                   " AND found_at >= ? AND found_at < ?")),
	    1};
#define RATED(code, rating)                                                                        \
	w[n++] = (struct want){                                                                    \
	    code,                                                                                  \
	    q_t(c,                                                                                 \
	        DB_SQL("SELECT count(*) FROM branch_ratings br WHERE br.status = 'approved' AND"   \
	               " br.rating = '" rating "' AND br.id = (SELECT max(b2.id) FROM"             \
	               " branch_ratings b2 WHERE b2.org_id = br.org_id AND b2.status ="            \
	               " 'approved') AND br.org_id IN (SELECT id FROM orgs WHERE place_id IN" SUB  \
	               ")")),                                                                      \
	    1}
	RATED("rated_model", "model");
	RATED("rated_redflag", "redflag");
	RATED("rated_standard", "standard");
	RATED("rated_rectify", "rectify");
	return n;
}

static json_t *find_figure(json_t *dash, const char *code)
{
	size_t i, j;
	json_t *s, *f;
	json_array_foreach(json_object_get(dash, "sections"), i, s)
	{
		json_array_foreach(json_object_get(s, "figures"), j, f)
		{
			if (strcmp(json_string_value(json_object_get(f, "code")), code) == 0)
				return f;
		}
	}
	return NULL;
}

static double dval(json_t *v)
{
	return json_is_integer(v) ? (double)json_integer_value(v) : json_real_value(v);
}

static void ctx_for(int64_t place, struct ctx *c)
{
	struct xf_err e;
	struct db_stmt *st = db_prep(rdb(), "SELECT path FROM places WHERE id = ?", &e);
	assert_non_null(st);
	db_bind_int(st, 1, place);
	assert_int_equal(db_step(st, &e), DB_ROW);
	snprintf(c->like, sizeof c->like, "%s%%", db_col_text(st, 0));
	db_reset(st);
	c->now = clock_now();
	time_t s = (time_t)(c->now + 8 * 3600);
	struct tm tm;
	gmtime_r(&s, &tm);
	c->year = tm.tm_year + 1900;
	c->t0 = year_start((int)c->year);
	c->t1 = year_start((int)c->year + 1);
}

/* Every figure of the dashboard of place equals the count made here; with the cases report
 * for the case figures; ratios from their parts. Returns how many figures were non-zero. */
static int check_place(const char *hdrs, int64_t place, const char *want_source)
{
	struct ctx c;
	ctx_for(place, &c);
	struct want w[96];
	size_t n = expected(&c, w);
	char path[160];
	snprintf(path, sizeof path, "/api/dashboard?place=%lld&year=%lld", (long long)place,
	         (long long)c.year);
	struct hresp r;
	req("GET", hdrs, path, NULL, 200, &r);
	assert_string_equal(json_string_value(json_object_get(r.json, "source")), want_source);
	assert_int_equal(num(json_object_get(r.json, "place"), "id"), place);
	int nonzero = 0;
	for (size_t i = 0; i < n; i++) {
		json_t *f = find_figure(r.json, w[i].code);
		if (!f)
			fail_msg("figure %s missing", w[i].code);
		double got = dval(json_object_get(f, "value"));
		double want = round((double)w[i].value / w[i].scale * 100) / 100;
		if (fabs(got - want) > 0.005)
			fail_msg("%s at place %lld: dashboard %.2f, records %.2f", w[i].code,
			         (long long)place, got, want);
		nonzero += w[i].value != 0;
	}
	/* 响应率 / 解决率 / 满意率 and their counts agree with the cases report */
	snprintf(path, sizeof path, "/api/reports/cases?place=%lld&from=%lld&to=%lld",
	         (long long)place, (long long)c.t0, (long long)c.t1);
	struct hresp cr;
	req("GET", hdrs, path, NULL, 200, &cr);
	json_t *t = json_object_get(cr.json, "total");
	static const struct {
		const char *fig, *rep;
	} pairs[] = {{"cases_received", "received"},   {"cases_responded", "responded"},
	             {"cases_solved", "solved"},       {"cases_rated", "rated"},
	             {"cases_satisfied", "satisfied"}, {"cases_overdue", "overdue"}};
	for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
		json_t *f = find_figure(r.json, pairs[i].fig);
		assert_non_null(f);
		if (num(f, "value") != num(t, pairs[i].rep))
			fail_msg("%s: dashboard %lld, cases report %lld", pairs[i].fig,
			         (long long)num(f, "value"), (long long)num(t, pairs[i].rep));
		nonzero += num(f, "value") != 0;
	}
	hr_free(&cr);
	/* the units that lost their 优胜 eligibility: as the evaluation module's own results say */
	snprintf(path, sizeof path, "/api/unit-evaluations?place=%lld&year=%lld", (long long)place,
	         (long long)c.year);
	req("GET", admin, path, NULL, 200, &cr);
	json_t *lost = find_figure(r.json, "units_lost");
	assert_non_null(lost);
	assert_int_equal(num(lost, "value"), num(cr.json, "below"));
	nonzero += num(lost, "value") != 0;
	hr_free(&cr);
	/* every ratio is its two parts divided */
	size_t i, j;
	json_t *s, *f;
	json_array_foreach(json_object_get(r.json, "sections"), i, s)
	{
		json_array_foreach(json_object_get(s, "figures"), j, f)
		{
			if (strcmp(json_string_value(json_object_get(f, "kind")), "ratio") != 0)
				continue;
			double a = dval(json_object_get(json_object_get(f, "num"), "value"));
			double b = dval(json_object_get(json_object_get(f, "den"), "value"));
			json_t *v = json_object_get(f, "value");
			if (b == 0) {
				assert_true(json_is_null(v));
				continue;
			}
			bool pct = strcmp(json_string_value(json_object_get(f, "unit")), "%") == 0;
			double want = pct ? 100 * a / b : a / b;
			if (fabs(dval(v) - want) > 0.006 * (pct ? 1 : fmax(1, want)))
				fail_msg("%s: %.4f, want %.4f",
				         json_string_value(json_object_get(f, "code")), dval(v),
				         want);
		}
	}
	hr_free(&r);
	return nonzero;
}

static void test_figures_equal_records(void **state)
{
	/* no rollup yet: counted live at every level */
	int64_t city = place_of("city", NULL);
	int nz = check_place(admin, city, "live");
	assert_true(nz >= 25); /* the demo's year shows most figures */
	check_place(admin, place_of("district", NULL), "live");
	check_place(jiedao, grant_place("jiedao"), "live");
	check_place(shequ, grant_place("shequ"), "live");
	check_place(wangge, grant_place("wangge"), "live");
}

static void test_rollup_agrees(void **state)
{
	/* the scheduler's rollup runs as the clock moves; the upper levels then read it */
	struct hresp r;
	req("POST", NULL, "/api/test/clock", "{\"advance\":601}", 200, &r);
	hr_free(&r);
	login_all();
	check_place(admin, place_of("city", NULL), "rollup");
	check_place(jiedao, grant_place("jiedao"), "rollup");
	check_place(shequ, grant_place("shequ"), "rollup");
	/* below a community: always live */
	check_place(wangge, grant_place("wangge"), "live");
	/* the trend's months add up to the year */
	char path[96];
	snprintf(path, sizeof path, "/api/dashboard?place=%lld", (long long)place_of("city", NULL));
	req("GET", admin, path, NULL, 200, &r);
	assert_non_null(json_object_get(r.json, "as_of"));
	json_t *series = json_object_get(json_object_get(r.json, "trend"), "series"), *sr;
	size_t i;
	json_array_foreach(series, i, sr)
	{
		int64_t sum = 0;
		size_t k;
		json_t *m;
		json_array_foreach(json_object_get(sr, "values"), k, m) sum +=
		    json_integer_value(m);
		json_t *f = find_figure(r.json, json_string_value(json_object_get(sr, "code")));
		assert_int_equal(sum, (int64_t)dval(json_object_get(f, "value")));
	}
	/* drill-down: the children are the districts, each with its key figures */
	json_t *kids = json_object_get(r.json, "children");
	assert_true(json_array_size(kids) > 0);
	json_t *k0 = json_array_get(kids, 0);
	assert_string_equal(json_string_value(json_object_get(k0, "kind")), "district");
	assert_non_null(json_object_get(json_object_get(k0, "figures"), "solve_rate"));
	hr_free(&r);
}

static void test_records_and_seed(void **state)
{
	int64_t street = grant_place("jiedao");
	char path[192];
	snprintf(path, sizeof path, "/api/dashboard?place=%lld", (long long)street);
	struct hresp d, r;
	req("GET", jiedao, path, NULL, 200, &d);
	static const char *figs[] = {"party_orgs", "cases_received", "population", "funds_budget"};
	for (size_t i = 0; i < 4; i++) {
		json_t *f = find_figure(d.json, figs[i]);
		snprintf(path, sizeof path,
		         "/api/dashboard/records?place=%lld&figure=%s&limit=5&offset=1",
		         (long long)street, figs[i]);
		req("GET", jiedao, path, NULL, 200, &r);
		assert_int_equal(num(r.json, "total"), num(f, "records"));
		assert_true(json_array_size(json_object_get(r.json, "items")) <= 5);
		assert_true(fabs(dval(json_object_get(r.json, "value")) -
		                 dval(json_object_get(f, "value"))) < 0.005);
		hr_free(&r);
	}
	hr_free(&d);
	/* an export of the records */
	snprintf(path, sizeof path,
	         "/api/dashboard/records?place=%lld&figure=party_orgs&format=xlsx&all=1",
	         (long long)street);
	req("GET", jiedao, path, NULL, 200, &r);
	assert_memory_equal(r.body, "PK", 2);
	hr_free(&r);
	/* the seed's table: every row names its figure and equals the dashboard's value */
	int64_t city = place_of("city", NULL);
	snprintf(path, sizeof path, "/api/dashboard/seed?place=%lld", (long long)city);
	req("GET", admin, path, NULL, 200, &r);
	snprintf(path, sizeof path, "/api/dashboard?place=%lld", (long long)city);
	req("GET", admin, path, NULL, 200, &d);
	json_t *items = json_object_get(r.json, "items"), *it;
	assert_true(json_array_size(items) >= 20);
	size_t i;
	json_array_foreach(items, i, it)
	{
		assert_true(strlen(json_string_value(json_object_get(it, "seed"))) > 0);
		json_t *f = find_figure(d.json, json_string_value(json_object_get(it, "figure")));
		assert_non_null(f);
		json_t *a = json_object_get(it, "value"), *b = json_object_get(f, "value");
		assert_true(json_is_null(a) == json_is_null(b));
		if (!json_is_null(a))
			assert_true(fabs(dval(a) - dval(b)) < 0.005);
	}
	hr_free(&r);
	hr_free(&d);
}

static void test_scope(void **state)
{
	char path[160];
	int64_t city = place_of("city", NULL), own = grant_place("shequ"),
	        other = grant_place("shequ2");
	snprintf(path, sizeof path, "/api/dashboard?place=%lld", (long long)city);
	expect("GET", shequ, path, NULL, 403, "out_of_scope");
	expect("GET", jumin, "/api/dashboard", NULL, 403, "forbidden");
	snprintf(path, sizeof path, "/api/dashboard?place=%lld", (long long)other);
	expect("GET", shequ, path, NULL, 403, "out_of_scope");
	snprintf(path, sizeof path, "/api/dashboard/records?place=%lld&figure=population",
	         (long long)other);
	expect("GET", shequ, path, NULL, 403, "out_of_scope");
	/* no place: the viewer's own */
	struct hresp r;
	req("GET", shequ, "/api/dashboard", NULL, 200, &r);
	assert_int_equal(num(json_object_get(r.json, "place"), "id"), own);
	/* pay is only for roles holding cadres.pay: the community official sees no pay figure */
	assert_null(find_figure(r.json, "cadre_pay_avg"));
	assert_non_null(find_figure(r.json, "cadres"));
	hr_free(&r);
	snprintf(path, sizeof path, "/api/dashboard/records?place=%lld&figure=cadre_pay_sum",
	         (long long)own);
	expect("GET", shequ, path, NULL, 403, "forbidden");
	snprintf(path, sizeof path, "/api/dashboard?place=%lld", (long long)grant_place("jiedao"));
	req("GET", jiedao, path, NULL, 200, &r);
	assert_non_null(find_figure(r.json, "cadre_pay_avg"));
	hr_free(&r);
}

static void test_bad_input(void **state)
{
	expect("GET", admin, "/api/dashboard?year=1999", NULL, 400, "validation_failed");
	expect("GET", admin, "/api/dashboard?place=abc", NULL, 400, "validation_failed");
	expect("GET", admin, "/api/dashboard?place=99999999", NULL, 404, "not_found");
	expect("GET", admin, "/api/dashboard/records?figure=nope", NULL, 400, "validation_failed");
	expect("GET", admin, "/api/dashboard/records", NULL, 400, "validation_failed");
	expect("GET", admin, "/api/dashboard/records?figure=solve_rate", NULL, 400, "ratio_figure");
	expect("POST", admin, "/api/reports/pack", "{\"year\":2026}", 422, "missing_field");
	expect("POST", admin, "/api/reports/pack", "{\"place_id\":99999999,\"year\":2026}", 400,
	       "validation_failed");
	expect("POST", admin, "/api/reports/pack", "{\"place_id\":1,\"year\":1990}", 422, NULL);
	expect("GET", admin, "/api/reports/pack/99999999", NULL, 404, "not_found");
}

static void test_report_pack(void **state)
{
	int64_t street = grant_place("jiedao");
	char body[96], path[96];
	snprintf(body, sizeof body, "{\"place_id\":%lld,\"year\":%d}", (long long)street, 2026);
	struct hresp r;
	req("POST", jiedao, "/api/reports/pack", body, 202, &r);
	int64_t id = num(r.json, "id");
	assert_true(id > 0);
	hr_free(&r);
	snprintf(path, sizeof path, "/api/reports/pack/%lld", (long long)id);
	req("GET", jiedao, path, NULL, 200, &r);
	assert_string_equal(json_string_value(json_object_get(r.json, "status")), "queued");
	assert_null(json_object_get(r.json, "xlsx"));
	hr_free(&r);
	/* not ready: no file yet */
	snprintf(path, sizeof path, "/api/reports/pack/%lld/xlsx", (long long)id);
	expect("GET", jiedao, path, NULL, 409, "not_ready");
	/* someone else's pack in another place: not found */
	snprintf(path, sizeof path, "/api/reports/pack/%lld", (long long)id);
	expect("GET", shequ2, path, NULL, 404, "not_found");
	/* outside one's area: refused, nothing queued */
	snprintf(body, sizeof body, "{\"place_id\":%lld,\"year\":2026}",
	         (long long)place_of("city", NULL));
	expect("POST", shequ, "/api/reports/pack", body, 403, "out_of_scope");
	/* the scheduler generates it */
	req("POST", NULL, "/api/test/clock", "{\"advance\":2}", 200, &r);
	hr_free(&r);
	login_all();
	req("GET", jiedao, path, NULL, 200, &r);
	assert_string_equal(json_string_value(json_object_get(r.json, "status")), "done");
	assert_int_equal(num(r.json, "progress"), 100);
	char xlsx_link[96], html_link[96];
	snprintf(xlsx_link, sizeof xlsx_link, "%s",
	         json_string_value(json_object_get(r.json, "xlsx")));
	snprintf(html_link, sizeof html_link, "%s",
	         json_string_value(json_object_get(r.json, "html")));
	hr_free(&r);
	/* the workbook: the seed's sheet first (title row with the place, period and time), and
	 * a sheet per section */
	struct hresp x;
	req("GET", jiedao, xlsx_link, NULL, 200, &x);
	char ct[128];
	assert_non_null(hr_header(&x, "Content-Type", ct, sizeof ct));
	assert_non_null(strstr(ct, "spreadsheetml"));
	size_t len = x.body_len;
	char clen[32];
	assert_non_null(hr_header(&x, "Content-Length", clen, sizeof clen));
	assert_int_equal((size_t)atol(clen), len);
	assert_true(len > 1000);
	assert_non_null(memmem(x.body, len, "xl/worksheets/sheet13.xml", 25));
	struct table_reader *t;
	struct xf_err e;
	if (table_open_mem(x.body, len, TABLE_XLSX, NULL, &t, &e) != XF_OK)
		fail_msg("xlsx: %s", e.message);
	const char *const *cells;
	size_t nc;
	assert_int_equal(table_next(t, &cells, &nc, &e), 1);
	assert_non_null(strstr(cells[0], "地点："));
	assert_non_null(strstr(cells[1], "2026"));
	assert_non_null(strstr(cells[2], "生成时间"));
	assert_int_equal(table_next(t, &cells, &nc, &e), 1);
	assert_string_equal(cells[0], "项目");
	int rows = 0;
	while (table_next(t, &cells, &nc, &e) == 1)
		rows++;
	assert_true(rows >= 20);
	table_close(t);
	hr_free(&x);
	req("GET", jiedao, html_link, NULL, 200, &x);
	assert_non_null(strstr(x.body, "幸福城区数据"));
	assert_non_null(strstr(x.body, "下级对比"));
	assert_non_null(strstr(x.body, "<table>"));
	hr_free(&x);
	/* at most three waiting per person */
	snprintf(body, sizeof body, "{\"place_id\":%lld,\"year\":2026}", (long long)street);
	for (int i = 0; i < 3; i++)
		expect("POST", jiedao, "/api/reports/pack", body, 202, NULL);
	expect("POST", jiedao, "/api/reports/pack", body, 409, "too_many_jobs");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_figures_equal_records),
	    cmocka_unit_test(test_rollup_agrees),
	    cmocka_unit_test(test_records_and_seed),
	    cmocka_unit_test(test_scope),
	    cmocka_unit_test(test_bad_input),
	    cmocka_unit_test(test_report_pack),
	};
	return ts_run_group("api_dash", tests, sizeof tests / sizeof tests[0], setup, teardown);
}
