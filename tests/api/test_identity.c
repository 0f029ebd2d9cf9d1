/* Identity over HTTP: lockout, throttling, SMS login and its limits, session rotation and
 * revocation, disabling, the second factor, API tokens, the audited reveal, the audit chain,
 * and a scan of everything the server says and stores for unmasked personal data. */
#include "../support/testlib.h"
#include "auth/audit.h"
#include "auth/totp.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/pii.h"
#include "core/str.h"

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct tserver T;
/* Every response body the tests saw, for the personal-data scan. */
static struct buf seen;

static int setup(void **state)
{
	ts_start(&T);
	buf_init(&seen);
	return 0;
}

static int teardown(void **state)
{
	buf_free(&seen);
	ts_stop(&T);
	return 0;
}

static int call(const char *method, const char *path, const char *hdrs, const char *body,
                struct hresp *r)
{
	int rc = http_req(T.port, method, path, hdrs, body, r);
	if (rc == 0 && r->body) {
		buf_puts(&seen, r->body);
		buf_putc(&seen, '\n');
	}
	return rc;
}

static int login_status(const char *user, const char *pw, const char *otp, struct hresp *r)
{
	char body[256];
	if (otp)
		snprintf(body, sizeof body,
		         "{\"username\":\"%s\",\"password\":\"%s\",\"otp\":\"%s\"}", user, pw, otp);
	else
		snprintf(body, sizeof body, "{\"username\":\"%s\",\"password\":\"%s\"}", user, pw);
	assert_int_equal(call("POST", "/api/session", NULL, body, r), 0);
	return r->status;
}

static void advance(int64_t s)
{
	char body[64];
	struct hresp r;
	snprintf(body, sizeof body, "{\"advance\":%lld}", (long long)s);
	assert_int_equal(http_req(T.port, "POST", "/api/test/clock", NULL, body, &r), 0);
	assert_int_equal(r.status, 200);
	hr_free(&r);
}

static void test_five_failures_lock_the_account_for_fifteen_minutes(void **state)
{
	struct hresp r;
	for (int i = 0; i < 5; i++) {
		assert_int_equal(login_status("daibiao", "wrong-password", NULL, &r), 401);
		hr_free(&r);
	}
	/* Locked: even the right password gets 429 and when it ends. */
	assert_int_equal(login_status("daibiao", DEMO_PW, NULL, &r), 429);
	assert_string_equal(hr_error_code(&r), "account_locked");
	assert_non_null(json_object_get(json_object_get(r.json, "error"), "until"));
	char h[32];
	assert_non_null(hr_header(&r, "Retry-After", h, sizeof h));
	assert_true(atoi(h) > 800 && atoi(h) <= 900);
	hr_free(&r);
	advance(14 * 60);
	assert_int_equal(login_status("daibiao", DEMO_PW, NULL, &r), 429);
	hr_free(&r);
	advance(61);
	assert_int_equal(login_status("daibiao", DEMO_PW, NULL, &r), 200);
	hr_free(&r);
	/* A success resets the count: four more failures do not lock. */
	for (int i = 0; i < 4; i++) {
		assert_int_equal(login_status("daibiao", "wrong-password", NULL, &r), 401);
		hr_free(&r);
	}
	assert_int_equal(login_status("daibiao", DEMO_PW, NULL, &r), 200);
	hr_free(&r);
}

static void test_password_logins_are_throttled_per_address_at_sixty_a_minute(void **state)
{
	T.app.cfg.login_per_ip_per_min = 60;
	advance(120); /* a fresh window */
	struct hresp r;
	for (int i = 0; i < 60; i++) {
		/* Unknown accounts: no lockout gets in the way of counting. */
		int st = login_status("nobody", "wrong-password", NULL, &r);
		hr_free(&r);
		assert_int_equal(st, 401); /* 60 in a minute are allowed */
	}
	assert_int_equal(login_status("jumin", DEMO_PW, NULL, &r), 429);
	assert_string_equal(hr_error_code(&r), "too_many_requests");
	hr_free(&r);
	advance(61);
	assert_int_equal(login_status("jumin", DEMO_PW, NULL, &r), 200);
	hr_free(&r);
	T.app.cfg.login_per_ip_per_min = 1000000;
}

/* The newest SMS code sent to a user, read from the outbox log the default sender writes. */
static bool last_code(char out[7])
{
	advance(10); /* the outbox task runs */
	FILE *f = fopen(T.outbox, "r");
	if (!f)
		return false;
	char line[1024];
	bool found = false;
	while (fgets(line, sizeof line, f)) {
		char *p = strstr(line, "验证码是 ");
		if (p) {
			memcpy(out, p + strlen("验证码是 "), 6);
			out[6] = 0;
			found = true;
		}
	}
	fclose(f);
	return found;
}

static void test_sms_login_sends_a_code_that_works_once(void **state)
{
	struct hresp r;
	assert_int_equal(
	    call("POST", "/api/session/sms-code", NULL, "{\"phone\":\"17000000001\"}", &r), 0);
	assert_int_equal(r.status, 200);
	hr_free(&r);
	char code[7];
	assert_true(last_code(code));
	char body[128];
	snprintf(body, sizeof body, "{\"phone\":\"17000000001\",\"code\":\"%s\"}", code);
	assert_int_equal(call("POST", "/api/session", NULL, body, &r), 0);
	assert_int_equal(r.status, 200);
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(r.json, "user"), "username")),
	    "jumin");
	hr_free(&r);
	/* Used once. */
	assert_int_equal(call("POST", "/api/session", NULL, body, &r), 0);
	assert_int_equal(r.status, 401);
	assert_string_equal(hr_error_code(&r), "invalid_code");
	hr_free(&r);
}

static void test_sms_codes_are_rate_limited_and_guesses_are_bounded(void **state)
{
	struct hresp r;
	advance(120);
	assert_int_equal(
	    call("POST", "/api/session/sms-code", NULL, "{\"phone\":\"17000000002\"}", &r), 0);
	assert_int_equal(r.status, 200);
	hr_free(&r);
	/* A second code to the same number within a minute: refused. */
	assert_int_equal(
	    call("POST", "/api/session/sms-code", NULL, "{\"phone\":\"17000000002\"}", &r), 0);
	assert_int_equal(r.status, 429);
	assert_string_equal(hr_error_code(&r), "too_many_requests");
	hr_free(&r);
	char code[7];
	assert_true(last_code(code));
	/* Five wrong guesses kill the code, even before it expires. */
	for (int i = 0; i < 5; i++) {
		char body[96];
		snprintf(body, sizeof body, "{\"phone\":\"17000000002\",\"code\":\"%06d\"}",
		         (atoi(code) + 1 + i) % 1000000);
		assert_int_equal(call("POST", "/api/session", NULL, body, &r), 0);
		assert_int_equal(r.status, 401);
		hr_free(&r);
	}
	usleep(100000); /* the attempt counts are written asynchronously */
	char body[96];
	snprintf(body, sizeof body, "{\"phone\":\"17000000002\",\"code\":\"%s\"}", code);
	assert_int_equal(call("POST", "/api/session", NULL, body, &r), 0);
	assert_int_equal(r.status, 401);
	hr_free(&r);
	/* An unknown number gets the same answer and no message. */
	struct xf_err e;
	int64_t before, after;
	db_int(store_reader(T.app.store, &e), &e, &before, "SELECT count(*) FROM outbox", "");
	assert_int_equal(
	    call("POST", "/api/session/sms-code", NULL, "{\"phone\":\"13912345678\"}", &r), 0);
	assert_int_equal(r.status, 200);
	hr_free(&r);
	db_int(store_reader(T.app.store, &e), &e, &after, "SELECT count(*) FROM outbox", "");
	assert_int_equal(after, before);
	/* Bad numbers are refused with the field named. */
	assert_int_equal(
	    call("POST", "/api/session/sms-code", NULL, "{\"phone\":\"12345678901\"}", &r), 0);
	assert_int_equal(r.status, 400);
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(r.json, "error"), "field")), "phone");
	hr_free(&r);
	/* Per address: 20 an hour. */
	T.app.cfg.sms_per_ip_per_hour = 3;
	advance(3600);
	int limited = 0;
	for (int i = 0; i < 5; i++) {
		char b[64];
		snprintf(b, sizeof b, "{\"phone\":\"1390000%04d\"}", i);
		assert_int_equal(call("POST", "/api/session/sms-code", NULL, b, &r), 0);
		limited += r.status == 429;
		hr_free(&r);
	}
	T.app.cfg.sms_per_ip_per_hour = 20;
	assert_int_equal(limited, 2);
}

static void cookie_of(struct hresp *r, char *out, size_t n)
{
	char h[256];
	assert_non_null(hr_header(r, "Set-Cookie", h, sizeof h));
	*strchr(h, ';') = 0;
	snprintf(out, n, "Cookie: %s\r\n", h);
}

static void test_session_id_changes_at_login_and_sessions_can_be_revoked(void **state)
{
	struct hresp r;
	char c1[200], c2[200], hdrs[512];
	assert_int_equal(login_status("shequ3", DEMO_PW, NULL, &r), 200);
	cookie_of(&r, c1, sizeof c1);
	hr_free(&r);
	/* Signing in again while holding c1 replaces it. */
	assert_int_equal(call("POST", "/api/session", c1,
	                      "{\"username\":\"shequ3\",\"password\":\"" DEMO_PW "\"}", &r),
	                 0);
	assert_int_equal(r.status, 200);
	cookie_of(&r, c2, sizeof c2);
	const char *csrf = json_string_value(json_object_get(r.json, "csrf"));
	snprintf(hdrs, sizeof hdrs, "%sX-CSRF-Token: %s\r\n", c2, csrf);
	hr_free(&r);
	assert_string_not_equal(c1, c2);
	assert_int_equal(call("GET", "/api/me", c1, NULL, &r), 0);
	assert_int_equal(r.status, 401);
	hr_free(&r);
	/* A second device; the first lists both and ends the other. */
	char other[200];
	assert_int_equal(login_status("shequ3", DEMO_PW, NULL, &r), 200);
	cookie_of(&r, other, sizeof other);
	hr_free(&r);
	assert_int_equal(call("GET", "/api/me/sessions", hdrs, NULL, &r), 0);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 2);
	json_int_t other_id = 0;
	json_t *it;
	size_t i;
	json_array_foreach(json_object_get(r.json, "items"), i,
	                   it) if (!json_is_true(json_object_get(it, "current"))) other_id =
	    json_integer_value(json_object_get(it, "id"));
	hr_free(&r);
	assert_true(other_id > 0);
	char path[64];
	snprintf(path, sizeof path, "/api/me/sessions/%lld", (long long)other_id);
	assert_int_equal(call("DELETE", path, hdrs, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	hr_free(&r);
	assert_int_equal(call("GET", "/api/me", other, NULL, &r), 0);
	assert_int_equal(r.status, 401);
	hr_free(&r);
	/* Someone else's session id is not found, not ended. */
	assert_int_equal(call("DELETE", "/api/me/sessions/1", hdrs, NULL, &r), 0);
	assert_int_equal(r.status, 404);
	hr_free(&r);
}

static int64_t user_id(const char *username)
{
	struct xf_err e;
	int64_t id = 0;
	struct db_stmt *st =
	    db_prep(store_reader(T.app.store, &e), "SELECT id FROM users WHERE username = ?", &e);
	db_bind_text(st, 1, username);
	if (db_step(st, &e) == DB_ROW)
		id = db_col_int(st, 0);
	db_reset(st);
	return id;
}

static void test_disabling_an_account_ends_its_sessions(void **state)
{
	char admin[512], victim[200], path[64];
	struct hresp r;
	ts_login(&T, "admin", DEMO_PW, admin, sizeof admin);
	assert_int_equal(login_status("wuye", DEMO_PW, NULL, &r), 200);
	cookie_of(&r, victim, sizeof victim);
	hr_free(&r);
	snprintf(path, sizeof path, "/api/users/%lld", (long long)user_id("wuye"));
	assert_int_equal(call("PATCH", path, admin, "{\"disabled\":true}", &r), 0);
	assert_int_equal(r.status, 200);
	hr_free(&r);
	assert_int_equal(call("GET", "/api/me", victim, NULL, &r), 0);
	assert_int_equal(r.status, 401);
	hr_free(&r);
	assert_int_equal(login_status("wuye", DEMO_PW, NULL, &r), 403);
	assert_string_equal(hr_error_code(&r), "account_disabled");
	hr_free(&r);
	assert_int_equal(call("PATCH", path, admin, "{\"disabled\":false}", &r), 0);
	hr_free(&r);
	assert_int_equal(login_status("wuye", DEMO_PW, NULL, &r), 200);
	hr_free(&r);
}

static void test_staff_need_a_second_factor_outside_the_demo(void **state)
{
	T.app.demo = false;
	struct hresp r;
	char hdrs[512];
	ts_login(&T, "jiedao", DEMO_PW, hdrs, sizeof hdrs);
	assert_int_equal(call("GET", "/api/me", hdrs, NULL, &r), 0);
	assert_true(json_is_true(json_object_get(r.json, "second_factor_required")));
	hr_free(&r);
	assert_int_equal(call("GET", "/api/users", hdrs, NULL, &r), 0);
	assert_int_equal(r.status, 403);
	assert_string_equal(hr_error_code(&r), "second_factor_required");
	hr_free(&r);
	/* Enrol: a QR code, then a code from the app. */
	assert_int_equal(call("POST", "/api/me/totp", hdrs, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	char secret[48];
	snprintf(secret, sizeof secret, "%s", json_string_value(json_object_get(r.json, "secret")));
	assert_non_null(strstr(json_string_value(json_object_get(r.json, "qr_svg")), "<svg"));
	assert_true(str_has_prefix(json_string_value(json_object_get(r.json, "otpauth_uri")),
	                           "otpauth://totp/"));
	hr_free(&r);
	assert_int_equal(call("POST", "/api/me/totp/confirm", hdrs, "{\"code\":\"000000\"}", &r),
	                 0);
	assert_int_equal(r.status, 400);
	hr_free(&r);
	char code[7], body[64];
	assert_int_equal(totp_code(secret, clock_now(), code), XF_OK);
	snprintf(body, sizeof body, "{\"code\":\"%s\"}", code);
	assert_int_equal(call("POST", "/api/me/totp/confirm", hdrs, body, &r), 0);
	assert_int_equal(r.status, 200);
	hr_free(&r);
	assert_int_equal(call("GET", "/api/users", hdrs, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	hr_free(&r);
	/* From now on the password alone is not enough. */
	assert_int_equal(login_status("jiedao", DEMO_PW, NULL, &r), 401);
	assert_string_equal(hr_error_code(&r), "otp_required");
	hr_free(&r);
	assert_int_equal(
	    login_status("jiedao", DEMO_PW, "123456", &r) == 401 || strcmp(code, "123456") == 0, 1);
	hr_free(&r);
	advance(30);
	assert_int_equal(totp_code(secret, clock_now(), code), XF_OK);
	assert_int_equal(login_status("jiedao", DEMO_PW, code, &r), 200);
	assert_true(json_is_false(json_object_get(r.json, "second_factor_required")));
	hr_free(&r);
	/* A lost phone: the admin lists the account's grants and clears its second factor. */
	char admin[512], path[64];
	snprintf(path, sizeof path, "/api/users/%lld/grants", (long long)user_id("jiedao"));
	T.app.demo = true; /* the admin, also staff, would otherwise have to enrol first */
	ts_login(&T, "admin", DEMO_PW, admin, sizeof admin);
	assert_int_equal(call("GET", path, admin, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 1);
	hr_free(&r);
	snprintf(path, sizeof path, "/api/users/%lld/reset-totp", (long long)user_id("jiedao"));
	assert_int_equal(call("POST", path, admin, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	hr_free(&r);
	T.app.demo = false;
	assert_int_equal(login_status("jiedao", DEMO_PW, NULL, &r), 200); /* no otp asked now */
	assert_true(json_is_true(json_object_get(r.json, "second_factor_required")));
	hr_free(&r);
	/* Residents are not staff: no second factor asked. */
	assert_int_equal(login_status("jumin", DEMO_PW, NULL, &r), 200);
	assert_true(json_is_false(json_object_get(r.json, "second_factor_required")));
	hr_free(&r);
	T.app.demo = true;
}

static void test_api_tokens_have_a_scope_an_expiry_and_can_be_revoked(void **state)
{
	char admin[512], bearer[128], path[64];
	struct hresp r;
	ts_login(&T, "admin", DEMO_PW, admin, sizeof admin);
	assert_int_equal(call("POST", "/api/tokens", admin,
	                      "{\"name\":\"12345 热线\",\"scope\":\"12345\",\"expires_days\":30}",
	                      &r),
	                 0);
	assert_int_equal(r.status, 201);
	snprintf(bearer, sizeof bearer, "Authorization: Bearer %s\r\n",
	         json_string_value(json_object_get(r.json, "token")));
	json_int_t id = json_integer_value(json_object_get(r.json, "id"));
	hr_free(&r);
	assert_int_equal(
	    call("POST", "/api/tokens", admin, "{\"name\":\"x\",\"scope\":\"root\"}", &r), 0);
	assert_int_equal(r.status, 400);
	hr_free(&r);
	/* The token is stored as a digest only, and listed without it. */
	assert_int_equal(call("GET", "/api/tokens", admin, NULL, &r), 0);
	assert_null(strstr(r.body, bearer + 22));
	hr_free(&r);
	assert_int_equal(call("GET", "/api/me", bearer, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(r.json, "token"), "scope")), "12345");
	hr_free(&r);
	/* Outside its scope. */
	assert_int_equal(call("GET", "/api/users", bearer, NULL, &r), 0);
	assert_int_equal(r.status, 403);
	hr_free(&r);
	assert_int_equal(
	    call("GET", "/api/me", "Authorization: Bearer xf_forged-token-value\r\n", NULL, &r), 0);
	assert_int_equal(r.status, 401);
	assert_string_equal(hr_error_code(&r), "invalid_token");
	hr_free(&r);
	snprintf(path, sizeof path, "/api/tokens/%lld", (long long)id);
	assert_int_equal(call("DELETE", path, admin, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	hr_free(&r);
	assert_int_equal(call("GET", "/api/me", bearer, NULL, &r), 0);
	assert_int_equal(r.status, 401);
	hr_free(&r);
	/* Expiry. */
	assert_int_equal(call("POST", "/api/tokens", admin,
	                      "{\"name\":\"短期\",\"scope\":\"open311\",\"expires_days\":1}", &r),
	                 0);
	char b2[128];
	snprintf(b2, sizeof b2, "Authorization: Bearer %s\r\n",
	         json_string_value(json_object_get(r.json, "token")));
	hr_free(&r);
	advance(86400 + 1);
	assert_int_equal(call("GET", "/api/me", b2, NULL, &r), 0);
	assert_int_equal(r.status, 401);
	hr_free(&r);
}

static int64_t person_in(const char *community_code)
{
	struct xf_err e;
	int64_t id = 0;
	struct db_stmt *st = db_prep(store_reader(T.app.store, &e),
	                             "SELECT p.id FROM people p JOIN places g ON g.id = p.place_id"
	                             " JOIN places c ON c.id = g.parent_id WHERE c.code = ?"
	                             " ORDER BY p.id LIMIT 1",
	                             &e);
	db_bind_text(st, 1, community_code);
	if (db_step(st, &e) == DB_ROW)
		id = db_col_int(st, 0);
	db_reset(st);
	return id;
}

static void test_reveal_needs_a_purpose_scope_and_leaves_an_audit_row(void **state)
{
	char shequ[512], shequ2[512], wangge[512], path[64], gpath[64];
	struct hresp r;
	ts_login(&T, "shequ", DEMO_PW, shequ, sizeof shequ);
	ts_login(&T, "shequ2", DEMO_PW, shequ2, sizeof shequ2);
	ts_login(&T, "wangge", DEMO_PW, wangge, sizeof wangge);
	int64_t pid = person_in("420203009002");
	assert_true(pid > 0);
	snprintf(path, sizeof path, "/api/people/%lld/reveal", (long long)pid);
	snprintf(gpath, sizeof gpath, "/api/people/%lld", (long long)pid);
	/* Masked by default. */
	assert_int_equal(call("GET", gpath, shequ, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	const char *masked = json_string_value(json_object_get(r.json, "phone"));
	assert_non_null(strstr(masked, "****"));
	assert_non_null(strstr(json_string_value(json_object_get(r.json, "id_number")), "*****"));
	hr_free(&r);
	assert_int_equal(call("POST", path, shequ, "{\"purpose\":\"查\"}", &r), 0);
	assert_int_equal(r.status, 422);
	hr_free(&r);
	/* Reveal: the caller sees plain text; the scan below skips this one answer. */
	assert_int_equal(
	    http_req(T.port, "POST", path, shequ, "{\"purpose\":\"核实低保申请人的联系方式\"}", &r),
	    0);
	assert_int_equal(r.status, 200);
	const char *phone = json_string_value(json_object_get(r.json, "phone"));
	assert_true(pii_phone_valid(phone));
	assert_true(pii_id_number_valid(json_string_value(json_object_get(r.json, "id_number"))));
	hr_free(&r);
	/* Another community's official, and a grid worker (no reveal right): refused. */
	assert_int_equal(
	    call("POST", path, shequ2, "{\"purpose\":\"核实低保申请人的联系方式\"}", &r), 0);
	assert_int_equal(r.status, 403);
	assert_string_equal(hr_error_code(&r), "out_of_scope");
	hr_free(&r);
	assert_int_equal(call("GET", gpath, shequ2, NULL, &r), 0);
	assert_int_equal(r.status, 403);
	hr_free(&r);
	assert_int_equal(
	    call("POST", path, wangge, "{\"purpose\":\"核实低保申请人的联系方式\"}", &r), 0);
	assert_int_equal(r.status, 403);
	hr_free(&r);
	struct xf_err e;
	int64_t n = 0;
	db_int(store_reader(T.app.store, &e), &e, &n,
	       "SELECT count(*) FROM audit_log WHERE action = 'people.reveal' AND outcome = 'ok'"
	       " AND detail = '核实低保申请人的联系方式'",
	       "");
	assert_int_equal(n, 1);
	usleep(100000);
	db_int(store_reader(T.app.store, &e), &e, &n,
	       "SELECT count(*) FROM audit_log WHERE outcome = 'denied' AND object LIKE '%reveal%'",
	       "");
	assert_true(n >= 2);
}

static int chain_now(struct db *db, void *arg, struct xf_err *err)
{
	int chained;
	return audit_chain(db, 100000, &chained, err);
}

static void test_audit_chain_detects_an_edited_row(void **state)
{
	struct xf_err e;
	assert_int_equal(store_write(T.app.store, chain_now, NULL, &e), XF_OK);
	struct audit_report rep;
	struct db *db = store_reader(T.app.store, &e);
	assert_int_equal(audit_verify(db, &rep, &e), XF_OK);
	assert_int_equal(rep.broken_id, 0);
	assert_true(rep.chained > 20);
	/* The auditor reads it; nobody else does. */
	char auditor[512], admin[512];
	struct hresp r;
	ts_login(&T, "shenji", DEMO_PW, auditor, sizeof auditor);
	ts_login(&T, "admin", DEMO_PW, admin, sizeof admin);
	assert_int_equal(call("GET", "/api/audit?action=people.reveal", auditor, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_true(json_array_size(json_object_get(r.json, "items")) >= 1);
	hr_free(&r);
	assert_int_equal(call("GET", "/api/audit", admin, NULL, &r), 0);
	assert_int_equal(r.status, 403);
	hr_free(&r);
	/* Tamper with one column of one row behind the server's back. */
	int64_t victim = 0;
	db_int(db, &e, &victim, "SELECT id FROM audit_log WHERE seq = 5", "");
	struct db *w;
	assert_int_equal(db_open(T.db, DB_OPEN_WRITER, &w, &e), XF_OK);
	assert_int_equal(
	    db_run(w, &e, "UPDATE audit_log SET ip = '10.0.0.1' WHERE id = ?", "i", victim), XF_OK);
	db_close(w);
	assert_int_equal(audit_verify(db, &rep, &e), XF_OK);
	assert_int_equal(rep.broken_id, victim);
}

static bool token_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       c == '-' || c == '_';
}

/* Unmasked ID numbers (18 digits with a valid check character) and mobile numbers. */
static int pii_hits(const char *text, const char *where)
{
	regex_t phone, idn;
	regcomp(&phone, "1[3-9][0-9]{9}", REG_EXTENDED);
	regcomp(&idn, "[0-9]{17}[0-9Xx]", REG_EXTENDED);
	int hits = 0;
	regmatch_t m;
	for (const char *p = text; regexec(&phone, p, 1, &m, 0) == 0; p += m.rm_eo) {
		/* Inside a longer token (a digest, a base64 CSRF token, a timestamp) it is not a
		 * phone number: personal data in answers stands between quotes or punctuation. */
		if (!token_char(m.rm_so > 0 ? p[m.rm_so - 1] : ' ') && !token_char(p[m.rm_eo])) {
			printf("unmasked phone in %s: %.11s\n", where, p + m.rm_so);
			hits++;
		}
	}
	for (const char *p = text; regexec(&idn, p, 1, &m, 0) == 0; p += m.rm_eo) {
		if (token_char(m.rm_so > 0 ? p[m.rm_so - 1] : ' ') || token_char(p[m.rm_eo]))
			continue;
		char cand[19];
		memcpy(cand, p + m.rm_so, 18);
		cand[18] = 0;
		if (pii_id_number_valid(cand)) {
			printf("unmasked ID number in %s: %s\n", where, cand);
			hits++;
		}
	}
	regfree(&phone);
	regfree(&idn);
	return hits;
}

static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct buf b;
	buf_init(&b);
	char tmp[65536];
	size_t k;
	while ((k = fread(tmp, 1, sizeof tmp, f)) > 0)
		buf_append(&b, tmp, k);
	fclose(f);
	*n = b.len;
	return buf_steal(&b);
}

static void test_no_unmasked_personal_data_in_answers_logs_or_database(void **state)
{
	char admin[512], shequ[512];
	struct hresp r;
	ts_login(&T, "admin", DEMO_PW, admin, sizeof admin);
	ts_login(&T, "shequ", DEMO_PW, shequ, sizeof shequ);
	/* Touch everything that lists people or accounts. */
	const char *paths[] = {"/api/me",           "/api/users",  "/api/users?q=jumin",
	                       "/api/audit",        "/api/tokens", "/api/me/sessions",
	                       "/api/system/status"};
	for (size_t i = 0; i < XF_ARRAY_LEN(paths); i++) {
		assert_int_equal(call("GET", paths[i], admin, NULL, &r), 0);
		hr_free(&r);
	}
	for (int k = 0; k < 5; k++) {
		char p[48];
		snprintf(p, sizeof p, "/api/people/%lld",
		         (long long)(person_in("420203009002") + k));
		assert_int_equal(call("GET", p, shequ, NULL, &r), 0);
		hr_free(&r);
	}
	assert_int_equal(pii_hits(buf_cstr(&seen), "API responses"), 0);
	fflush(log_access_file());
	size_t n;
	char *text = slurp(T.access, &n);
	assert_non_null(text);
	assert_int_equal(pii_hits(text, "access log"), 0);
	free(text);
	text = slurp(T.outbox, &n);
	if (text) {
		assert_int_equal(pii_hits(text, "outbox log"), 0);
		free(text);
	}
	/* Nothing sealed leaks into the database: the demo numbers are not in its files. */
	if (!ts_postgres()) {
		const char *suffix[] = {"", "-wal"};
		for (int s = 0; s < 2; s++) {
			char path[600];
			snprintf(path, sizeof path, "%s%s", T.db, suffix[s]);
			char *raw = slurp(path, &n);
			if (!raw)
				continue;
			assert_null(memmem(raw, n, "17000000001", 11));
			assert_null(memmem(raw, n, "17000010000", 11));
			free(raw);
		}
	} else {
		struct xf_err e;
		int64_t hits = 1;
		assert_int_equal(
		    db_int(store_reader(T.app.store, &e), &e, &hits,
		           "SELECT count(*) FROM people WHERE phone_mask LIKE '170000%'"
		           " OR name LIKE '%17000000001%'",
		           ""),
		    XF_OK);
		assert_int_equal(hits, 0);
	}
}

static void test_new_accounts_and_expired_passwords_must_change_first(void **state)
{
	char admin[512], hdrs[512];
	struct hresp r;
	ts_login(&T, "admin", DEMO_PW, admin, sizeof admin);
	struct xf_err e;
	int64_t place = 0;
	db_int(store_reader(T.app.store, &e), &e, &place,
	       "SELECT id FROM places WHERE code = '420203009002'", "");
	char body[256];
	snprintf(body, sizeof body,
	         "{\"username\":\"li_new\",\"display_name\":\"李新\",\"role\":"
	         "\"community_official\",\"place_id\":%lld}",
	         (long long)place);
	assert_int_equal(call("POST", "/api/users", admin, body, &r), 0);
	assert_int_equal(r.status, 201);
	char otp[32];
	snprintf(otp, sizeof otp, "%s",
	         json_string_value(json_object_get(r.json, "one_time_password")));
	hr_free(&r);
	assert_int_equal(call("POST", "/api/users", admin, body, &r), 0);
	assert_int_equal(r.status, 409); /* the same username again */
	hr_free(&r);
	ts_login(&T, "li_new", otp, hdrs, sizeof hdrs);
	assert_int_equal(call("GET", "/api/users", hdrs, NULL, &r), 0);
	assert_int_equal(r.status, 403);
	assert_string_equal(hr_error_code(&r), "password_change_required");
	hr_free(&r);
	snprintf(body, sizeof body, "{\"old_password\":\"%s\",\"new_password\":\"short\"}", otp);
	assert_int_equal(call("PUT", "/api/me/password", hdrs, body, &r), 0);
	assert_int_equal(r.status, 400);
	assert_string_equal(hr_error_code(&r), "weak_password");
	hr_free(&r);
	snprintf(body, sizeof body,
	         "{\"old_password\":\"%s\",\"new_password\":\"大智路社区2026春\"}", otp);
	assert_int_equal(call("PUT", "/api/me/password", hdrs, body, &r), 0);
	assert_int_equal(r.status, 200);
	hr_free(&r);
	ts_login(&T, "li_new", "大智路社区2026春", hdrs, sizeof hdrs);
	assert_int_equal(call("GET", "/api/users", hdrs, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	hr_free(&r);
	/* 等保-style rotation when configured: 90 days on, the password must change again. */
	T.app.cfg.password_max_age_days = 90;
	advance(91 * 86400);
	ts_login(&T, "li_new", "大智路社区2026春", hdrs, sizeof hdrs);
	assert_int_equal(call("GET", "/api/users", hdrs, NULL, &r), 0);
	assert_int_equal(r.status, 403);
	assert_string_equal(hr_error_code(&r), "password_change_required");
	hr_free(&r);
	T.app.cfg.password_max_age_days = 0;
}

static void test_sessions_end_after_twelve_hours_however_active(void **state)
{
	char hdrs[512];
	struct hresp r;
	ts_login(&T, "shequ2", DEMO_PW, hdrs, sizeof hdrs);
	/* Active every 14 minutes for 11 h 40 min: still signed in. (A refresh the writer has
	 * not committed yet still leaves the session under 30 idle minutes.) */
	for (int i = 0; i < 50; i++) {
		advance(14 * 60);
		assert_int_equal(call("GET", "/api/me", hdrs, NULL, &r), 0);
		assert_int_equal(r.status, 200);
		hr_free(&r);
		usleep(50000); /* the idle refresh is written asynchronously */
	}
	advance(25 * 60); /* 12 h 5 min after sign-in, 25 min idle */
	assert_int_equal(call("GET", "/api/me", hdrs, NULL, &r), 0);
	assert_int_equal(r.status, 401);
	assert_string_equal(hr_error_code(&r), "session_expired");
	hr_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_five_failures_lock_the_account_for_fifteen_minutes),
	    cmocka_unit_test(test_password_logins_are_throttled_per_address_at_sixty_a_minute),
	    cmocka_unit_test(test_sms_login_sends_a_code_that_works_once),
	    cmocka_unit_test(test_sms_codes_are_rate_limited_and_guesses_are_bounded),
	    cmocka_unit_test(test_session_id_changes_at_login_and_sessions_can_be_revoked),
	    cmocka_unit_test(test_disabling_an_account_ends_its_sessions),
	    cmocka_unit_test(test_staff_need_a_second_factor_outside_the_demo),
	    cmocka_unit_test(test_api_tokens_have_a_scope_an_expiry_and_can_be_revoked),
	    cmocka_unit_test(test_reveal_needs_a_purpose_scope_and_leaves_an_audit_row),
	    cmocka_unit_test(test_audit_chain_detects_an_edited_row),
	    cmocka_unit_test(test_new_accounts_and_expired_passwords_must_change_first),
	    cmocka_unit_test(test_sessions_end_after_twelve_hours_however_active),
	    cmocka_unit_test(test_no_unmasked_personal_data_in_answers_logs_or_database),
	};
	return TS_RUN(tests, setup, teardown);
}
