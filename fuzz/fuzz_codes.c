/* The codes people show on a phone or paper and staff type or scan: co-building arrival codes
 * (XF-A<activity>-<window>-<mac>), venue booking arrival codes (XF-B<booking>-<mac>), points
 * redemption codes (10 digits, one use), and the QR drawing of any text. Real codes are
 * issued by the demo city at start; in an input "@A", "@B" and "@R" stand for them (and "@I",
 * "@W", "@M" for the arrival code's id, time window and MAC), so the fuzzer mutates around
 * valid codes as well as garbage.
 * Input: a first byte choosing the check (arrival, booking, redemption, QR), then the text.
 * The property: a code is accepted only when it is exactly the one issued (no other spelling
 * of the same numbers, no prefix, no trailing bytes); anything else is a 4xx with a reason. */
#include "fuzz.h"
#include "app.h"
#include "auth/totp.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int64_t activity, member, booking, booker, shop;
static char arrival_code[96], booking_code[96], redemption_code[16];
/* The arrival code's parts (XF-A<id>-<window>-<mac>), so other spellings of the same numbers
 * with the right MAC can be tried: "@I", "@W", "@M". */
static char arrival_id[24], arrival_window[24], arrival_mac[24];

static int64_t query_int(const char *what)
{
	struct xf_err err;
	struct db *db = store_reader(fuzz_app.store, &err);
	int64_t v = 0;
	if (!db)
		abort();
	if (strcmp(what, "activity") == 0)
		db_int(db, &err, &v,
		       "SELECT s.activity_id FROM activity_signups s JOIN users u ON u.person_id ="
		       " s.person_id WHERE s.status = 'signed' ORDER BY s.activity_id LIMIT 1",
		       "");
	else if (strcmp(what, "member") == 0)
		db_int(
		    db, &err, &v,
		    "SELECT u.id FROM activity_signups s JOIN users u ON u.person_id = s.person_id"
		    " WHERE s.status = 'signed' AND s.activity_id = ? ORDER BY u.id LIMIT 1",
		    "i", activity);
	else if (strcmp(what, "booking") == 0)
		db_int(db, &err, &v,
		       "SELECT id FROM bookings WHERE status = 'approved' ORDER BY id LIMIT 1", "");
	else if (strcmp(what, "booker") == 0)
		db_int(db, &err, &v, "SELECT user_id FROM bookings WHERE id = ?", "i", booking);
	else if (strcmp(what, "shop") == 0)
		db_int(db, &err, &v, "SELECT id FROM points_shops ORDER BY id LIMIT 1", "");
	return v;
}

/* GET or POST a route and take "code" from the answer. */
static void fetch_code(const char *method, const char *uri, int user, int64_t user_id,
                       const char *body, char *out, size_t cap)
{
	struct buf b;
	buf_init(&b);
	struct fuzz_call c = {.method = method,
	                      .uri = uri,
	                      .uri_len = strlen(uri),
	                      .user = user,
	                      .user_id = user_id,
	                      .content_type = body ? "application/json" : NULL,
	                      .body = body,
	                      .body_len = body ? strlen(body) : 0};
	int status = fuzz_app_call(&c, &b);
	json_t *v = b.data ? json_loads(b.data, 0, NULL) : NULL;
	const char *code = json_string_value(json_object_get(v, "code"));
	if (status / 100 != 2 || !code) {
		fprintf(stderr, "fuzz_codes: %s %s answered %d: %.300s\n", method, uri, status,
		        b.data ? b.data : "");
		abort();
	}
	snprintf(out, cap, "%s", code);
	json_decref(v);
	buf_free(&b);
}

static void new_redemption_code(void)
{
	char body[96];
	snprintf(body, sizeof body, "{\"shop_id\":%lld,\"max_amount\":5}", (long long)shop);
	fetch_code("POST", "/api/points/redemption-codes", 4 /* dangyuan */, 0, body,
	           redemption_code, sizeof redemption_code);
}

/* The demo's volunteers have no sign-in of their own: sign the resident up for the first
 * activity, so arrival codes reach the roster check. */
static int sign_up(struct db *db, void *arg, struct xf_err *err)
{
	return db_run(db, err,
	              "INSERT INTO activity_signups (activity_id, person_id, status, created_at)"
	              " SELECT (SELECT min(id) FROM activities), person_id, 'signed', 0 FROM users"
	              " WHERE username = 'jumin'",
	              "");
}

static void new_arrival_code(void)
{
	char uri[96];
	snprintf(uri, sizeof uri, "/api/activities/%lld/code", (long long)activity);
	fetch_code("GET", uri, 0 /* admin */, 0, NULL, arrival_code, sizeof arrival_code);
	if (sscanf(arrival_code, "XF-A%23[0-9]-%23[0-9]-%23[0-9a-f]", arrival_id, arrival_window,
	           arrival_mac) != 3)
		abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_app_init();
	if (fuzz_app_write(sign_up, NULL) != XF_OK)
		abort();
	char uri[96];
	if (!(activity = query_int("activity")) || !(member = query_int("member")) ||
	    !(booking = query_int("booking")) || !(booker = query_int("booker")) ||
	    !(shop = query_int("shop"))) {
		fprintf(stderr, "fuzz_codes: the demo city has no signed-up activity, approved "
		                "booking or shop\n");
		abort();
	}
	new_arrival_code();
	snprintf(uri, sizeof uri, "/api/bookings/%lld/code", (long long)booking);
	fetch_code("GET", uri, -1, booker, NULL, booking_code, sizeof booking_code);
	new_redemption_code();
	return 0;
}

/* The text with the markers replaced by the issued codes. */
static size_t expand(const uint8_t *in, size_t n, char *out)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		const char *code = NULL;
		if (in[i] == '@' && i + 1 < n)
			code = in[i + 1] == 'A'   ? arrival_code
			       : in[i + 1] == 'B' ? booking_code
			       : in[i + 1] == 'R' ? redemption_code
			       : in[i + 1] == 'I' ? arrival_id
			       : in[i + 1] == 'W' ? arrival_window
			       : in[i + 1] == 'M' ? arrival_mac
			                          : NULL;
		if (code) {
			memcpy(out + o, code, strlen(code));
			o += strlen(code);
			i++;
		} else {
			out[o++] = (char)in[i];
		}
	}
	out[o] = 0;
	return o;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 4096)
		return 0;
	int mode = data[0] & 3;
	char *text = malloc((size / 2 + 1) * 96 + size);
	size_t len = expand(data + 1, size - 1, text);
	if (mode == 3) {
		/* Any text becomes a QR drawing, or a clear refusal (too long, not text). */
		struct buf svg;
		buf_init(&svg);
		if (strlen(text) == len && totp_qr_svg(text, &svg) == XF_OK &&
		    (!svg.data || strncmp(svg.data, "<svg", 4) != 0 || !strstr(svg.data, "</svg>")))
			abort();
		buf_free(&svg);
		free(text);
		return 0;
	}
	json_t *code = json_stringn(text, len);
	if (!code) { /* not UTF-8: JSON cannot carry it, the body check refuses it earlier */
		free(text);
		return 0;
	}
	json_t *body = json_object();
	json_object_set_new(body, "code", code);
	char uri[96];
	struct fuzz_call c = {.method = "POST", .content_type = "application/json"};
	const char *issued;
	if (mode == 0) {
		static unsigned tries;
		if (++tries % 4096 == 0)
			new_arrival_code(); /* a code lives 5–10 minutes */
		snprintf(uri, sizeof uri, "/api/activities/%lld/arrive", (long long)activity);
		c.user_id = member;
		issued = arrival_code;
	} else if (mode == 1) {
		snprintf(uri, sizeof uri, "/api/bookings/%lld/arrive", (long long)booking);
		c.user = 0; /* admin: funds.manage over the city */
		issued = booking_code;
	} else {
		snprintf(uri, sizeof uri, "/api/points/redemptions");
		static unsigned serial;
		char id[32];
		snprintf(id, sizeof id, "fz-%u", ++serial);
		json_object_set_new(body, "id", json_string(id));
		json_object_set_new(body, "shop_id", json_integer(shop));
		json_object_set_new(body, "amount", json_integer(1));
		c.user = 8; /* shangdian, the shop's operator */
		issued = redemption_code;
	}
	char *js = json_dumps(body, JSON_COMPACT);
	c.uri = uri;
	c.uri_len = strlen(uri);
	c.body = js;
	c.body_len = strlen(js);
	struct buf out;
	buf_init(&out);
	int status = fuzz_app_call(&c, &out);
	if (status >= 500) {
		fprintf(stderr, "fuzz_codes: %s answered %d: %.300s\n", uri, status,
		        out.data ? out.data : "");
		abort();
	}
	/* Past the code check (accepted, or refused for the state of things — not yet time,
	 * not signed up, balance too low — rather than for the code): the code must be exactly
	 * the one issued. */
	bool code_refused =
	    out.data && (strstr(out.data, "\"code_") || strstr(out.data, "redemption_code") ||
	                 strstr(out.data, "\"field\":\"code\""));
	bool past_check = status / 100 == 2 || status == 409; /* accepted, or refused for state */
	if (past_check && !code_refused && (len != strlen(issued) || strcmp(text, issued) != 0)) {
		fprintf(stderr,
		        "fuzz_codes: %s accepted \"%s\" for the issued \"%s\" (%d): %.300s\n", uri,
		        text, issued, status, out.data ? out.data : "");
		abort();
	}
	if (mode == 2 && status / 100 == 2 && out.data && strstr(out.data, "\"ok\""))
		new_redemption_code(); /* used up: issue the next one */
	buf_free(&out);
	free(js);
	json_decref(body);
	free(text);
	return 0;
}
