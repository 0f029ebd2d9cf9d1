/* 重心下移 over HTTP on the demo city: the rules engine refusing each kind of rule by name,
 * the approval chain (never one's own, the rule's role at each step), money in integer fen
 * whose totals reconcile, vouchers, the public disclosure with no names, service centres and
 * the 六有 checklist, bookings without double booking even when 20 requests race, arrival
 * codes, and cadres whose pay only some roles see. */
#include "../support/imgbytes.h"
#include "../support/testlib.h"
#include "core/clock.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct tserver T;
static char shequ[512], shequ2[512], jiedao[512], jumin[512], admin[512], dangyuan[512];

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
	ts_login(&T, "shequ", DEMO_PW, shequ, sizeof shequ);
	ts_login(&T, "shequ2", DEMO_PW, shequ2, sizeof shequ2);
	ts_login(&T, "jiedao", DEMO_PW, jiedao, sizeof jiedao);
	ts_login(&T, "jumin", DEMO_PW, jumin, sizeof jumin);
	ts_login(&T, "admin", DEMO_PW, admin, sizeof admin);
	ts_login(&T, "dangyuan", DEMO_PW, dangyuan, sizeof dangyuan);
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

static const char *str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static int64_t num(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

static void post_err(const char *hdrs, const char *path, const char *body, int status,
                     const char *code)
{
	struct hresp r;
	req("POST", hdrs, path, body, status, &r);
	assert_string_equal(str(json_object_get(r.json, "error"), "code"), code);
	hr_free(&r);
}

static int64_t post_id(const char *hdrs, const char *path, const char *body, int status)
{
	struct hresp r;
	req("POST", hdrs, path, body, status, &r);
	int64_t id = num(r.json, "id");
	hr_free(&r);
	return id;
}

static int64_t place(const char *code)
{
	return SQL_INT("SELECT id FROM places WHERE code = ?", "t", code);
}

static int64_t ruleset, fund;

static void test_the_rules_refuse_by_name_and_the_chain_approves(void **state)
{
	struct hresp r;
	char body[1024], path[96];
	/* Published by the administrator: activities allowed up to 20,000 yuan, approved by the
	 * street, a second approval above 10,000; banquets forbidden. */
	const char *rules =
	    "{\"name\":\"2027 年服务群众专项经费使用规则\",\"items\":["
	    "{\"category\":\"activity\",\"name\":\"居民活动\",\"allowed\":true,\"cap_fen\":2000000,"
	    "\"approver_role\":\"street_official\",\"second_fen\":1000000,\"second_role\":"
	    "\"admin\"},"
	    "{\"category\":\"repair\",\"name\":\"小修小补\",\"allowed\":true,\"approver_role\":"
	    "\"street_official\"},"
	    "{\"category\":\"banquet\",\"name\":\"宴请\",\"allowed\":false}]}";
	req("POST", jiedao, "/api/fund-rules", rules, 403, &r);
	hr_free(&r);
	req("POST", admin, "/api/fund-rules",
	    "{\"name\":\"坏规则\",\"items\":[{\"category\":\"Bad Cat\",\"name\":\"x\",\"allowed\":"
	    "true}]}",
	    400, &r);
	hr_free(&r);
	ruleset = post_id(admin, "/api/fund-rules", rules, 201);
	assert_true(ruleset > 0);

	int64_t dazhi = place("420203009002");
	snprintf(
	    body, sizeof body,
	    "{\"place_id\":%lld,\"year\":2027,\"kind\":\"service\",\"name\":\"2027 年服务群众专项"
	    "经费\",\"budget_fen\":3000000,\"ruleset_id\":%lld}",
	    (long long)dazhi, (long long)ruleset);
	req("POST", shequ2, "/api/funds", body, 403, &r); /* not her community */
	hr_free(&r);
	fund = post_id(jiedao, "/api/funds", body, 201);
	post_err(jiedao, "/api/funds", body, 409, "duplicate");

	/* Each kind of rule, named in the refusal; nothing written. */
	int64_t before = SQL_INT("SELECT count(*) FROM expenditures", "");
	snprintf(body, sizeof body,
	         "{\"fund_id\":%lld,\"category\":\"banquet\",\"title\":\"联欢宴\",\"amount_fen\":"
	         "10000}",
	         (long long)fund);
	req("POST", shequ, "/api/expenditures", body, 400, &r);
	assert_string_equal(str(json_object_get(r.json, "error"), "code"), "rule_forbidden");
	assert_non_null(strstr(r.body, "宴请"));
	hr_free(&r);
	snprintf(
	    body, sizeof body,
	    "{\"fund_id\":%lld,\"category\":\"travel\",\"title\":\"考察\",\"amount_fen\":10000}",
	    (long long)fund);
	post_err(shequ, "/api/expenditures", body, 400, "rule_unknown_category");
	snprintf(
	    body, sizeof body,
	    "{\"fund_id\":%lld,\"category\":\"activity\",\"title\":\"大型活动\",\"amount_fen\":"
	    "2000001}",
	    (long long)fund);
	req("POST", shequ, "/api/expenditures", body, 400, &r);
	assert_string_equal(str(json_object_get(r.json, "error"), "code"), "rule_cap");
	assert_non_null(strstr(r.body, "20000.00"));
	hr_free(&r);
	snprintf(body, sizeof body,
	         "{\"fund_id\":%lld,\"category\":\"activity\",\"title\":\"活动\",\"amount_fen\":"
	         "1.5}",
	         (long long)fund);
	req("POST", shequ, "/api/expenditures", body, 422, &r); /* fen are integers */
	hr_free(&r);
	assert_int_equal(SQL_INT("SELECT count(*) FROM expenditures", ""), before);

	/* 1,500 yuan: one approval by the street; never one's own. */
	snprintf(body, sizeof body,
	         "{\"fund_id\":%lld,\"category\":\"activity\",\"title\":\"重阳节敬老活动\","
	         "\"amount_fen\":150000,\"outcome\":\"为 80 位老人送去慰问\",\"deeds\":1}",
	         (long long)fund);
	int64_t e1 = post_id(shequ, "/api/expenditures", body, 201);
	snprintf(path, sizeof path, "/api/expenditures/%lld/approve", (long long)e1);
	post_err(shequ, path, "{}", 403, "own_request"); /* and not the rule's role either */
	char shenpi[512]; /* an approver, but the rule wants the street at this step */
	ts_login(&T, "shenpi", DEMO_PW, shenpi, sizeof shenpi);
	post_err(shenpi, path, "{}", 403, "wrong_approver");
	req("POST", shequ2, path, "{}", 403, &r);
	hr_free(&r);
	req("POST", jiedao, path, "{\"note\":\"同意\"}", 200, &r);
	assert_string_equal(str(r.json, "status"), "approved");
	hr_free(&r);
	post_err(jiedao, path, "{}", 409, "invalid_state");

	/* 12,000 yuan: the street, then the second role. */
	snprintf(body, sizeof body,
	         "{\"fund_id\":%lld,\"category\":\"activity\",\"title\":\"楼道微改造\","
	         "\"amount_fen\":1200000,\"deeds\":3}",
	         (long long)fund);
	int64_t e2 = post_id(shequ, "/api/expenditures", body, 201);
	snprintf(path, sizeof path, "/api/expenditures/%lld/approve", (long long)e2);
	req("POST", jiedao, path, "{}", 200, &r);
	assert_string_equal(str(r.json, "status"), "pending");
	hr_free(&r);
	post_err(jiedao, path, "{}", 403, "wrong_approver");
	req("POST", admin, path, "{}", 200, &r);
	assert_string_equal(str(r.json, "status"), "approved");
	assert_int_equal(json_array_size(json_object_get(r.json, "approvals")), 2);
	hr_free(&r);

	/* A request by the street official himself: he may not approve it. */
	snprintf(body, sizeof body,
	         "{\"fund_id\":%lld,\"category\":\"repair\",\"title\":\"修路灯\",\"amount_fen\":"
	         "30000}",
	         (long long)fund);
	int64_t e3 = post_id(jiedao, "/api/expenditures", body, 201);
	snprintf(path, sizeof path, "/api/expenditures/%lld/approve", (long long)e3);
	post_err(jiedao, path, "{}", 403, "own_request");

	/* The budget: 30,000 yuan, 13,800 committed (pending counts): 16,500 more is refused. */
	snprintf(body, sizeof body,
	         "{\"fund_id\":%lld,\"category\":\"activity\",\"title\":\"超预算\",\"amount_fen\":"
	         "1650000}",
	         (long long)fund);
	req("POST", shequ, "/api/expenditures", body, 400, &r);
	assert_string_equal(str(json_object_get(r.json, "error"), "code"), "rule_budget");
	assert_non_null(strstr(r.body, "16200.00"));
	hr_free(&r);

	/* Totals reconcile to the fen. */
	snprintf(path, sizeof path, "/api/funds/%lld", (long long)fund);
	req("GET", shequ, path, NULL, 200, &r);
	assert_int_equal(num(r.json, "committed_fen"), 150000 + 1200000 + 30000);
	assert_int_equal(num(r.json, "remaining_fen"), 3000000 - 1380000);
	int64_t spent = 0;
	json_t *it;
	size_t i;
	json_array_foreach(json_object_get(r.json, "by_category"), i, it) spent +=
	    num(it, "spent_fen");
	assert_int_equal(spent, 1350000);
	hr_free(&r);
}

static void upload(const char *hdrs, int64_t id, const void *bytes, size_t n, struct hresp *r)
{
	struct buf b;
	buf_init(&b);
	buf_printf(
	    &b,
	    "POST /api/expenditures/%lld/vouchers HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: "
	    "close\r\n%sContent-Type: application/octet-stream\r\nContent-Length: %zu\r\n\r\n",
	    (long long)id, hdrs ? hdrs : "", n);
	buf_append(&b, bytes, n);
	assert_int_equal(http_raw(T.port, b.data, b.len, r), 0);
	buf_free(&b);
}

static void test_vouchers_payment_and_the_public_disclosure(void **state)
{
	struct hresp r;
	char path[128];
	int64_t e1 = SQL_INT("SELECT min(id) FROM expenditures WHERE fund_id = ? AND status ="
	                     " 'approved'",
	                     "i", fund);
	snprintf(path, sizeof path, "/api/expenditures/%lld/pay", (long long)e1);
	req("POST", shequ, path, "{}", 409, &r);
	assert_string_equal(str(json_object_get(r.json, "error"), "code"), "voucher_required");
	hr_free(&r);
	/* A GIF is refused; a PNG loses its text chunks; a PDF is kept. */
	upload(shequ, e1, "GIF89a\x01\x00\x01\x00", 10, &r);
	assert_int_equal(r.status, 415);
	hr_free(&r);
	struct buf png;
	size_t at, len;
	buf_init(&png);
	img_png_with_text(&png, &at, &len);
	upload(jumin, e1, png.data, png.len, &r);
	assert_int_equal(r.status, 403);
	hr_free(&r);
	upload(shequ, e1, png.data, png.len, &r);
	assert_int_equal(r.status, 201);
	hr_free(&r);
	buf_free(&png);
	upload(shequ, e1, "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n", 40, &r);
	assert_int_equal(r.status, 201);
	hr_free(&r);
	assert_int_equal(SQL_INT("SELECT count(*) FROM vouchers WHERE expenditure_id = ?", "i", e1),
	                 2);
	req("POST", shequ, path, "{}", 200, &r);
	assert_string_equal(str(r.json, "status"), "paid");
	hr_free(&r);

	/* The 公示: anyone, no sign-in; what the money did, never who asked or approved. */
	snprintf(path, sizeof path, "/api/disclosure/funds?place=%lld&year=2027",
	         (long long)place("420203009002"));
	req("GET", NULL, path, NULL, 200, &r);
	json_t *f = json_array_get(json_object_get(r.json, "funds"), 0);
	assert_int_equal(num(f, "budget_fen"), 3000000);
	assert_int_equal(num(f, "spent_fen"), 150000 + 1200000);
	assert_int_equal(num(f, "deeds"), 4);
	assert_non_null(strstr(r.body, "重阳节敬老活动"));
	assert_null(strstr(r.body, "修路灯")); /* pending: not shown */
	assert_null(strstr(r.body, "李红梅"));
	assert_null(strstr(r.body, "王建国"));
	assert_null(strstr(r.body, "requested_by"));
	hr_free(&r);
	snprintf(path, sizeof path, "/api/disclosure/funds?place=%lld",
	         (long long)place("420203009000"));
	req("GET", NULL, path, NULL, 400, &r); /* a street: choose a community */
	hr_free(&r);

	/* Budget against actual at the street: its communities add up. */
	snprintf(path, sizeof path, "/api/reports/funds?place=%lld&year=2027",
	         (long long)place("420203009000"));
	req("GET", jiedao, path, NULL, 200, &r);
	int64_t sum = 0;
	json_t *it;
	size_t i;
	json_array_foreach(json_object_get(r.json, "children"), i, it) sum += num(it, "spent_fen");
	assert_int_equal(num(json_object_get(r.json, "total"), "spent_fen"), sum);
	assert_int_equal(sum, 1350000);
	hr_free(&r);
	req("GET", jumin, path, NULL, 403, &r);
	hr_free(&r);
	/* Budgets and spending export for higher levels: yuan and Beijing dates, not fen. */
	snprintf(path, sizeof path, "/api/expenditures?fund_id=%lld&format=csv", (long long)fund);
	req("GET", shequ, path, NULL, 200, &r);
	assert_non_null(strstr(r.body, "金额（元）"));
	assert_non_null(strstr(r.body, "1500.00"));
	assert_non_null(strstr(r.body, "重阳节敬老活动"));
	hr_free(&r);
	snprintf(path, sizeof path, "/api/funds?place=%lld&year=2027&format=xlsx",
	         (long long)place("420203009000"));
	req("GET", jiedao, path, NULL, 200, &r);
	char h[160];
	assert_non_null(hr_header(&r, "Content-Type", h, sizeof h));
	assert_non_null(strstr(h, "spreadsheetml"));
	hr_free(&r);
	snprintf(path, sizeof path, "/api/reports/funds?place=%lld&year=2027&format=csv",
	         (long long)place("420203009000"));
	req("GET", jiedao, path, NULL, 200, &r);
	assert_non_null(strstr(r.body, "13500.00"));
	hr_free(&r);
}

static void test_centres_projects_and_the_six_haves(void **state)
{
	struct hresp r;
	char body[512], path[96];
	int64_t youai = place("420205003001");
	int64_t area0 =
	    SQL_INT("SELECT coalesce(area_cm2, 0) FROM places WHERE id = ?", "i", youai);
	int64_t centre =
	    SQL_INT("SELECT coalesce(max(id), 0) FROM centres WHERE place_id = ?", "i", youai);
	if (!centre) {
		snprintf(body, sizeof body,
		         "{\"place_id\":%lld,\"name\":\"友爱街社区党群服务中心\"}",
		         (long long)youai);
		centre = post_id(shequ2, "/api/centres", body, 201);
	}
	snprintf(body, sizeof body, "{\"place_id\":%lld,\"name\":\"重复\"}", (long long)youai);
	post_err(shequ2, "/api/centres", body, 409, "duplicate");
	snprintf(path, sizeof path, "/api/centres/%lld/projects", (long long)centre);
	post_err(shequ2, path, "{\"kind\":\"steal\",\"title\":\"非法方式\"}", 400,
	         "validation_failed");
	int64_t project = post_id(shequ2, path,
	                          "{\"kind\":\"extend\",\"title\":\"扩建二楼活动室\",\"area_cm2\":"
	                          "30000000}",
	                          201);
	req("POST", shequ, path, "{\"kind\":\"new\",\"title\":\"越权\"}", 403, &r);
	hr_free(&r);
	snprintf(path, sizeof path, "/api/centre-projects/%lld/done", (long long)project);
	req("POST", shequ2, path, "{}", 200, &r);
	hr_free(&r);
	post_err(shequ2, path, "{}", 409, "invalid_state");
	/* The finished extension is the community's centre area now (coverage reads it). */
	assert_int_equal(SQL_INT("SELECT area_cm2 FROM places WHERE id = ?", "i", youai),
	                 area0 + 30000000);

	int64_t org = SQL_INT("SELECT min(id) FROM orgs WHERE kind = 'enterprise_party' AND"
	                      " place_id = ?",
	                      "i", youai);
	if (org <= 0)
		org = SQL_INT("SELECT min(id) FROM orgs WHERE place_id = ?", "i", youai);
	snprintf(body, sizeof body,
	         "{\"org_id\":%lld,\"items\":[{\"item\":\"place\",\"ok\":true},{\"item\":\"sign\","
	         "\"ok\":true},{\"item\":\"magic\",\"ok\":true}]}",
	         (long long)org);
	req("PUT", shequ2, "/api/liuyou", body, 400, &r);
	hr_free(&r);
	snprintf(
	    body, sizeof body,
	    "{\"org_id\":%lld,\"items\":[{\"item\":\"place\",\"ok\":true},{\"item\":\"sign\","
	    "\"ok\":true},{\"item\":\"system\",\"ok\":true},{\"item\":\"equipment\",\"ok\":"
	    "true},{\"item\":\"activities\",\"ok\":true},{\"item\":\"records\",\"ok\":false}]}",
	    (long long)org);
	req("PUT", shequ2, "/api/liuyou", body, 200, &r);
	assert_int_equal(num(r.json, "met"), 5);
	assert_false(json_is_true(json_object_get(r.json, "complete")));
	hr_free(&r);
}

struct racer {
	int port;
	pthread_barrier_t *bar;
	const char *hdrs;
	char body[256];
	int status;
};

static void *race(void *arg)
{
	struct racer *c = arg;
	pthread_barrier_wait(c->bar);
	struct hresp r;
	if (http_req(c->port, "POST", "/api/bookings", c->hdrs, c->body, &r) == 0)
		c->status = r.status;
	hr_free(&r);
	return NULL;
}

static void test_bookings_never_double_book_even_when_they_race(void **state)
{
	struct hresp r;
	char body[512], path[128];
	int64_t dazhi = place("420203009002");
	snprintf(body, sizeof body,
	         "{\"place_id\":%lld,\"name\":\"多功能活动室\",\"capacity\":40,\"opens_min\":480,"
	         "\"closes_min\":1260}",
	         (long long)dazhi);
	int64_t venue = post_id(shequ, "/api/venues", body, 201);
	req("POST", jumin, "/api/venues", body, 403, &r);
	hr_free(&r);
	/* Tomorrow 10:00–11:00 Beijing time. */
	int64_t now = clock_now(), day = (now + 8 * 3600) / 86400 + 1;
	int64_t ten = day * 86400 - 8 * 3600 + 10 * 3600;
	snprintf(
	    body, sizeof body,
	    "{\"venue_id\":%lld,\"starts_at\":%lld,\"ends_at\":%lld,\"purpose\":\"合唱队排练\","
	    "\"people\":20}",
	    (long long)venue, (long long)ten, (long long)(ten + 3600));
	req("POST", jumin, "/api/bookings", body, 201, &r);
	int64_t booking = num(r.json, "id");
	assert_string_equal(str(r.json, "status"), "approved");
	hr_free(&r);
	snprintf(body, sizeof body,
	         "{\"venue_id\":%lld,\"starts_at\":%lld,\"ends_at\":%lld,\"purpose\":\"重叠\","
	         "\"people\":5}",
	         (long long)venue, (long long)(ten + 1800), (long long)(ten + 5400));
	post_err(dangyuan, "/api/bookings", body, 409, "booking_conflict");
	snprintf(body, sizeof body,
	         "{\"venue_id\":%lld,\"starts_at\":%lld,\"ends_at\":%lld,\"purpose\":\"夜场\","
	         "\"people\":5}",
	         (long long)venue, (long long)(ten + 12 * 3600), (long long)(ten + 13 * 3600));
	post_err(dangyuan, "/api/bookings", body, 400, "outside_opening_hours");
	snprintf(body, sizeof body,
	         "{\"venue_id\":%lld,\"starts_at\":%lld,\"ends_at\":%lld,\"purpose\":\"人太多\","
	         "\"people\":41}",
	         (long long)venue, (long long)(ten + 3 * 3600), (long long)(ten + 4 * 3600));
	post_err(dangyuan, "/api/bookings", body, 400, "validation_failed");

	/* Twenty requests for the same free hour at once: exactly one wins. */
	enum { N = 20 };
	pthread_barrier_t bar;
	pthread_barrier_init(&bar, NULL, N);
	pthread_t th[N];
	struct racer rs[N];
	for (int k = 0; k < N; k++) {
		rs[k] = (struct racer){T.port, &bar, k % 2 ? jumin : dangyuan, "", 0};
		snprintf(rs[k].body, sizeof rs[k].body,
		         "{\"venue_id\":%lld,\"starts_at\":%lld,\"ends_at\":%lld,\"purpose\":\"抢订"
		         "%d\",\"people\":3}",
		         (long long)venue, (long long)(ten + 5 * 3600), (long long)(ten + 6 * 3600),
		         k);
		pthread_create(&th[k], NULL, race, &rs[k]);
	}
	int won = 0, lost = 0;
	for (int k = 0; k < N; k++) {
		pthread_join(th[k], NULL);
		won += rs[k].status == 201;
		lost += rs[k].status == 409;
	}
	pthread_barrier_destroy(&bar);
	assert_int_equal(won, 1);
	assert_int_equal(lost, N - 1);
	assert_int_equal(SQL_INT("SELECT count(*) FROM bookings WHERE venue_id = ? AND starts_at ="
	                         " ? AND status = 'approved'",
	                         "ii", venue, ten + 5 * 3600),
	                 1);

	/* The calendar shows others' bookings as taken, without who or why. */
	snprintf(path, sizeof path, "/api/bookings?venue_id=%lld", (long long)venue);
	req("GET", dangyuan, path, NULL, 200, &r);
	assert_null(strstr(r.body, "合唱队排练"));
	hr_free(&r);
	req("GET", shequ, path, NULL, 200, &r);
	assert_non_null(strstr(r.body, "合唱队排练"));
	hr_free(&r);

	/* The arrival code on her phone; the venue's staff check it in the time slot. */
	snprintf(path, sizeof path, "/api/bookings/%lld/code", (long long)booking);
	req("GET", dangyuan, path, NULL, 404, &r);
	hr_free(&r);
	req("GET", jumin, path, NULL, 200, &r);
	char code[96];
	snprintf(code, sizeof code, "%s", str(r.json, "code"));
	assert_non_null(strstr(str(r.json, "qr_svg"), "<svg"));
	hr_free(&r);
	snprintf(path, sizeof path, "/api/bookings/%lld/arrive", (long long)booking);
	snprintf(body, sizeof body, "{\"code\":\"%s\"}", code);
	post_err(shequ, path, body, 409, "not_now");
	char advance[64];
	snprintf(advance, sizeof advance, "{\"set\":%lld}", (long long)(ten + 600));
	req("POST", NULL, "/api/test/clock", advance, 200, &r);
	hr_free(&r);
	login_all();
	code[strlen(code) - 1] = code[strlen(code) - 1] == '0' ? '1' : '0';
	snprintf(body, sizeof body, "{\"code\":\"%s\"}", code);
	post_err(shequ, path, body, 400, "code_invalid");
	snprintf(path, sizeof path, "/api/bookings/%lld/code", (long long)booking);
	req("GET", jumin, path, NULL, 200, &r);
	snprintf(code, sizeof code, "%s", str(r.json, "code"));
	hr_free(&r);
	snprintf(path, sizeof path, "/api/bookings/%lld/arrive", (long long)booking);
	snprintf(body, sizeof body, "{\"code\":\"%s\"}", code);
	req("POST", shequ, path, body, 200, &r);
	assert_int_equal(num(r.json, "arrived_at"), ten + 600);
	hr_free(&r);
	req("POST", NULL, "/api/test/clock", "{\"release\":true}", 200, &r);
	hr_free(&r);
	login_all();
}

static void test_cadres_pay_is_shown_only_to_those_who_need_it(void **state)
{
	struct hresp r;
	char body[256], path[96];
	int64_t dazhi = place("420203009002");
	int64_t person = SQL_INT("SELECT min(pe.id) FROM people pe JOIN places g ON g.id ="
	                         " pe.place_id WHERE g.parent_id = ? AND pe.id NOT IN (SELECT"
	                         " person_id FROM cadres)",
	                         "i", dazhi);
	snprintf(body, sizeof body,
	         "{\"person_id\":%lld,\"place_id\":%lld,\"title\":\"社区专职工作者\",\"pay_fen\":"
	         "380000}",
	         (long long)person, (long long)dazhi);
	req("POST", shequ, "/api/cadres", body, 403, &r); /* pay: not hers to record */
	hr_free(&r);
	int64_t cadre = post_id(jiedao, "/api/cadres", body, 201);
	post_err(jiedao, "/api/cadres", body, 409, "duplicate");
	snprintf(path, sizeof path, "/api/cadres/%lld/certificates", (long long)cadre);
	req("POST", shequ, path,
	    "{\"kind\":\"assistant_social_worker\",\"name\":\"助理社会工作师\",\"obtained_at\":"
	    "1700000000}",
	    200, &r);
	assert_int_equal(num(r.json, "subsidy_fen"), 10000);
	assert_null(json_object_get(r.json, "pay_fen"));
	hr_free(&r);
	post_err(shequ, path, "{\"kind\":\"wizard\",\"name\":\"魔法师\"}", 400,
	         "validation_failed");
	snprintf(path, sizeof path, "/api/cadres/%lld/events", (long long)cadre);
	req("POST", shequ, path,
	    "{\"kind\":\"training\",\"title\":\"社区干部学院春季班\",\"hours\":24}", 200, &r);
	hr_free(&r);
	snprintf(path, sizeof path, "/api/cadres/%lld", (long long)cadre);
	req("GET", jiedao, path, NULL, 200, &r);
	assert_int_equal(num(r.json, "pay_fen"), 380000);
	hr_free(&r);
	req("GET", jumin, path, NULL, 403, &r);
	hr_free(&r);
	snprintf(path, sizeof path, "/api/cadres?place=%lld", (long long)dazhi);
	req("GET", shequ, path, NULL, 200, &r);
	assert_null(strstr(r.body, "pay_fen"));
	hr_free(&r);
	/* The cadre records export; pay only for those who may see it. */
	snprintf(path, sizeof path, "/api/cadres?place=%lld&format=csv", (long long)dazhi);
	req("GET", jiedao, path, NULL, 200, &r);
	assert_non_null(strstr(r.body, "月薪（元）"));
	assert_non_null(strstr(r.body, "3800.00"));
	hr_free(&r);
	req("GET", shequ, path, NULL, 200, &r);
	assert_null(strstr(r.body, "月薪"));
	assert_null(strstr(r.body, "3800.00"));
	hr_free(&r);
	snprintf(path, sizeof path, "/api/reports/cadres?place=%lld", (long long)dazhi);
	req("GET", jiedao, path, NULL, 200, &r);
	assert_true(num(r.json, "cadres") >= 1);
	assert_true(num(r.json, "average_pay_fen") > 0);
	assert_true(num(r.json, "training_hours") >= 24);
	hr_free(&r);
	req("GET", shequ, path, NULL, 200, &r);
	assert_null(json_object_get(r.json, "average_pay_fen"));
	hr_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_the_rules_refuse_by_name_and_the_chain_approves),
	    cmocka_unit_test(test_vouchers_payment_and_the_public_disclosure),
	    cmocka_unit_test(test_centres_projects_and_the_six_haves),
	    cmocka_unit_test(test_bookings_never_double_book_even_when_they_race),
	    cmocka_unit_test(test_cadres_pay_is_shown_only_to_those_who_need_it),
	};
	return TS_RUN(tests, setup, teardown);
}
