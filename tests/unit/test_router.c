/* http/: request-target decoding, routing, cookies and the OpenAPI document, without
 * sockets. */
#include "../support/testlib.h"
#include "core/jw.h"

#include <stdlib.h>
#include <string.h>

static struct req *mk(const char *method, const char *uri)
{
	struct req *r = req_new(NULL);
	req_set_method(r, method);
	req_set_uri(r, uri, strlen(uri));
	return r;
}

static void test_known_routes_match_and_unknown_ones_do_not(void **state)
{
	struct req *r = mk("GET", "/api/me");
	assert_int_equal(http_route(r), XF_OK);
	assert_string_equal(r->route->pattern, "/api/me");
	req_free(r);

	r = mk("GET", "/api/nothing-here");
	assert_int_equal(http_route(r), XF_ENOTFOUND);
	assert_string_equal(r->err.code, "not_found");
	assert_int_equal(xf_err_http(&r->err), 404);
	req_free(r);

	r = mk("PATCH", "/api/session");
	assert_int_not_equal(http_route(r), XF_OK);
	assert_int_equal(xf_err_http(&r->err), 405);
	assert_string_equal(r->err.code, "method_not_allowed");
	assert_string_equal(r->resp.headers[0].key, "Allow");
	assert_non_null(strstr(r->resp.headers[0].value, "POST"));
	assert_non_null(strstr(r->resp.headers[0].value, "DELETE"));
	req_free(r);

	r = mk("HEAD", "/healthz");
	assert_int_equal(http_route(r), XF_OK);
	req_free(r);
}

static void test_paths_and_queries_are_decoded_strictly(void **state)
{
	struct req *r = mk("GET", "/api/me?q=%E9%BB%84%E7%9F%B3&limit=20&flag&a+b=c+d");
	assert_int_equal(r->err.status, XF_OK);
	assert_string_equal(r->path, "/api/me");
	assert_string_equal(req_query(r, "q"), "黄石");
	assert_string_equal(req_query(r, "limit"), "20");
	assert_string_equal(req_query(r, "flag"), "");
	assert_string_equal(req_query(r, "a b"), "c d");
	assert_null(req_query(r, "missing"));
	req_free(r);

	r = mk("GET", "/api/%zz");
	assert_string_equal(r->err.code, "bad_path");
	assert_int_not_equal(http_route(r), XF_OK);
	req_free(r);

	r = mk("GET", "/api/me%00");
	assert_string_equal(r->err.code, "bad_path");
	req_free(r);

	r = mk("GET", "/api/me?q=%ff");
	assert_string_equal(r->err.code, "bad_query");
	req_free(r);

	r = mk("GET", "no-slash");
	assert_string_equal(r->err.code, "bad_path");
	req_free(r);
}

static void test_placeholders_take_ids_codes_and_leave_suffixes(void **state)
{
	/* {id} and {n}: positive integers, in order. */
	struct req *r = mk("GET", "/api/cases/12/photos/3");
	assert_int_equal(http_route(r), XF_OK);
	assert_string_equal(r->route->pattern, "/api/cases/{id}/photos/{n}");
	assert_int_equal(r->nparams, 2);
	assert_int_equal(r->params[0], 12);
	assert_int_equal(r->params[1], 3);
	req_free(r);
	/* An id before a suffix; the suffix chooses the route. */
	r = mk("GET", "/open311/v2/requests/42.xml");
	assert_int_equal(http_route(r), XF_OK);
	assert_string_equal(r->route->pattern, "/open311/v2/requests/{id}.xml");
	assert_int_equal(r->params[0], 42);
	req_free(r);
	/* Another name: a code of [A-Za-z0-9_-], at most 64 characters. */
	r = mk("GET", "/open311/v2/services/road_light.json");
	assert_int_equal(http_route(r), XF_OK);
	assert_string_equal(r->route->pattern, "/open311/v2/services/{code}.json");
	assert_string_equal(r->code, "road_light");
	req_free(r);
	r = mk("GET", "/open311/v2/tokens/Ab-_9.json");
	assert_int_equal(http_route(r), XF_OK);
	assert_string_equal(r->code, "Ab-_9");
	req_free(r);
	const char *no[] = {"/open311/v2/requests/0.json",
	                    "/open311/v2/requests/x.json",
	                    "/open311/v2/requests/42.yaml",
	                    "/open311/v2/requests/42",
	                    "/open311/v2/services/a.b.json",
	                    "/open311/v2/services/.json",
	                    "/open311/v2/services/a%20b.json",
	                    "/api/cases/1/photos/x",
	                    "/api/cases/1/photos/0"};
	for (size_t i = 0; i < XF_ARRAY_LEN(no); i++) {
		r = mk("GET", no[i]);
		if (http_route(r) == XF_OK)
			fail_msg("%s matched %s", no[i], r->route->pattern);
		req_free(r);
	}
	char long_code[100] = "/open311/v2/services/";
	memset(long_code + strlen(long_code), 'a', 65);
	strcat(long_code, ".json");
	r = mk("GET", long_code);
	assert_int_not_equal(http_route(r), XF_OK);
	req_free(r);
}

static void test_form_bodies_are_decoded_strictly(void **state)
{
	struct req *r = mk("POST", "/open311/v2/requests.json");
	req_add_header(r, "Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
	buf_puts(&r->body, "service_code=road_light&description=%E8%B7%AF%E7%81%AF+bad&x=");
	assert_int_equal(req_form_parse(r), XF_OK);
	assert_string_equal(req_form(r, "service_code"), "road_light");
	assert_string_equal(req_form(r, "description"), "路灯 bad");
	assert_string_equal(req_form(r, "x"), "");
	assert_null(req_form(r, "api_key"));
	req_free(r);
	r = mk("POST", "/open311/v2/requests.json");
	req_add_header(r, "Content-Type", "application/x-www-form-urlencoded");
	buf_puts(&r->body, "a=%ZZ");
	assert_int_not_equal(req_form_parse(r), XF_OK);
	assert_string_equal(r->err.code, "bad_form");
	assert_null(req_form(r, "a"));
	req_free(r);
	r = mk("POST", "/open311/v2/requests.json");
	req_add_header(r, "Content-Type", "application/json");
	buf_puts(&r->body, "a=1");
	assert_int_not_equal(req_form_parse(r), XF_OK);
	assert_string_equal(r->err.code, "unsupported_media_type");
	req_free(r);
}

static void test_cookies_and_headers_are_found_by_name(void **state)
{
	struct req *r = mk("GET", "/api/me");
	req_add_header(r, "cookie", "a=1; xf_session=tok123; xf_sessionx=no");
	req_add_header(r, "X-Thing", "v");
	assert_string_equal(req_cookie(r, "xf_session"), "tok123");
	assert_string_equal(req_cookie(r, "a"), "1");
	assert_null(req_cookie(r, "b"));
	assert_string_equal(req_header(r, "x-thing"), "v");
	assert_null(req_header(r, "X-Other"));
	req_free(r);
}

static void test_openapi_lists_every_route_and_is_valid_json(void **state)
{
	struct buf b;
	buf_init(&b);
	http_openapi(&b);
	json_error_t je;
	json_t *doc = json_loads(b.data, 0, &je);
	assert_non_null(doc);
	json_t *paths = json_object_get(doc, "paths");
	for (size_t i = 0; i < http_nroutes; i++) {
		json_t *p = json_object_get(paths, http_routes[i].pattern);
		assert_non_null(p);
	}
	json_t *login = json_object_get(json_object_get(paths, "/api/users"), "post");
	json_t *schema = json_object_get(
	    json_object_get(
	        json_object_get(json_object_get(json_object_get(login, "requestBody"), "content"),
	                        "application/json"),
	        "schema"),
	    "required");
	assert_int_equal(json_array_size(schema), 4); /* username, display_name, role, place_id */
	json_decref(doc);
	buf_free(&b);
}

/* Answers are written by http_json_write, byte for byte what json_dumps(JSON_COMPACT) gives:
 * escapes, non-ASCII text, embedded NUL, integer and real edge cases, key order, nesting. */
static void test_answers_serialise_exactly_as_jansson_does(void **state)
{
	json_t *v = json_pack(
	    "{s:s, s:s, s:s%, s:I, s:I, s:I, s:i, s:[f, f, f, f, f, f, f, f], s:{}, s:[], s:b, s:b,"
	    " s:n, s:[{s:[[]]}], s:s}",
	    "plain", "黄石市 团城山街道", "escapes", "q\"b\\s/\b\f\n\r\t\x01\x1f\x7f end", "nul",
	    "a\0b", (size_t)3, "zero", (json_int_t)0, "max", (json_int_t)INT64_MAX, "min",
	    (json_int_t)INT64_MIN, "neg", -42, "reals", 0.1 + 0.2, 1.0 / 3.0, 1e20, 1e-7, 5e-324,
	    2.5e9, -1.0 / 7.0, 123456789.1234567, "empty_object", "empty_array", "t", 1, "f", 0,
	    "null", "deep", "k", "", "");
	assert_non_null(v);
	json_object_set_new(v, "later", json_integer(7)); /* insertion order, not sorted */
	char *want = json_dumps(v, JSON_COMPACT);
	struct buf b;
	buf_init(&b);
	http_json_write(&b, v);
	assert_string_equal(buf_cstr(&b), want);
	assert_int_equal(b.len, strlen(want));
	free(want);
	/* Like json_dumps without JSON_ENCODE_ANY: a bare value or nothing is not a document. */
	buf_reset(&b);
	json_t *bare = json_string("x");
	http_json_write(&b, bare);
	http_json_write(&b, NULL);
	assert_string_equal(buf_cstr(&b), "nullnull");
	json_decref(bare);
	json_decref(v);
	/* Decimals with up to six places are written as such (not "%.17g": 113.34999999999999)
	 * and read back as the same double. */
	static const struct {
		double v;
		const char *text;
	} reals[] = {{113.35, "113.35"},
	             {30.2, "30.2"},
	             {0.0, "0.0"},
	             {-0.0, "-0.0"},
	             {-0.5, "-0.5"},
	             {0.05, "0.05"},
	             {1e-5, "0.00001"},
	             {123456.78, "123456.78"},
	             {113.0, "113.0"},
	             {-42.0, "-42.0"},
	             {30.123456, "30.123456"},
	             {114.987654, "114.987654"},
	             {999999999.5, "999999999.5"},
	             {0.1 + 0.2, "0.30000000000000004"}};
	for (size_t i = 0; i < sizeof reals / sizeof *reals; i++) {
		json_t *a = json_pack("[f]", reals[i].v);
		buf_reset(&b);
		http_json_write(&b, a);
		char want_text[64];
		snprintf(want_text, sizeof want_text, "[%s]", reals[i].text);
		assert_string_equal(buf_cstr(&b), want_text);
		json_t *back = json_loads(buf_cstr(&b), 0, NULL);
		assert_non_null(back);
		assert_true(json_real_value(json_array_get(back, 0)) == reals[i].v);
		json_decref(back);
		json_decref(a);
	}
	/* Strings are scanned eight bytes at a time: every ASCII byte at every position of a
	 * 24-byte string, in plain and in Chinese surroundings, written as jansson writes it. */
	static const char *grounds[] = {"abcdefghijklmnopqrstuvwx", "黄石市团城山街道"};
	for (size_t g = 0; g < 2; g++) {
		size_t len = strlen(grounds[g]);
		for (int c = 1; c < 128; c++)
			for (size_t at = 0; at < len; at++) {
				char text[32];
				memcpy(text, grounds[g], len + 1);
				text[at] = (char)c;
				if (g == 1 && at % 3) /* inside a character: keep the UTF-8 valid */
					continue;
				if (g == 1) { /* a character replaced by "x" + the byte + "y" */
					text[at] = 'x', text[at + 1] = (char)c, text[at + 2] = 'y';
				}
				json_t *a = json_pack("[s]", text);
				assert_non_null(a);
				char *w = json_dumps(a, JSON_COMPACT);
				buf_reset(&b);
				http_json_write(&b, a);
				assert_string_equal(buf_cstr(&b), w);
				free(w);
				json_decref(a);
			}
	}
	/* Every short decimal of a grid reads back exactly. */
	for (int k = -200000; k <= 200000; k += 7) {
		double d = k / 100.0;
		json_t *a = json_pack("[f]", d);
		buf_reset(&b);
		http_json_write(&b, a);
		assert_true(strtod(buf_cstr(&b) + 1, NULL) == d);
		json_decref(a);
	}
	buf_free(&b);
}

/* Value by value (struct jw): the same text jansson writes for the same tree — commas at
 * every depth, empty containers, escapes, a jansson value inside — and a string that is not
 * UTF-8 written as null, never as broken JSON. */
static void test_the_value_writer_matches_jansson(void **state)
{
	struct buf b;
	struct jw w;
	buf_init(&b);
	jw_init(&w, &b);
	jw_obj(&w);
	jw_key(&w, "id");
	jw_int(&w, -42);
	jw_key(&w, "name");
	jw_str(&w, "黄石 \"港\"\n");
	jw_key(&w, "empty_obj");
	jw_obj(&w);
	jw_end_obj(&w);
	jw_key(&w, "empty_arr");
	jw_arr(&w);
	jw_end_arr(&w);
	jw_key(&w, "list");
	jw_arr(&w);
	for (int i = 0; i < 3; i++) {
		jw_obj(&w);
		jw_key(&w, "n");
		jw_int(&w, i);
		jw_key(&w, "deep");
		jw_arr(&w);
		jw_arr(&w);
		jw_bool(&w, i == 1);
		jw_null(&w);
		jw_end_arr(&w);
		jw_int(&w, INT64_MAX);
		jw_end_arr(&w);
		jw_end_obj(&w);
	}
	jw_end_arr(&w);
	json_t *inner = json_pack("{s:[i, s], s:f}", "a", 1, "x", "b", 113.35);
	jw_key(&w, "tree");
	jw_value(&w, inner);
	jw_key(&w, "none");
	jw_value(&w, NULL);
	jw_key(&w, "min");
	jw_int(&w, INT64_MIN);
	jw_end_obj(&w);
	json_t *want_tree = json_pack(
	    "{s:I, s:s, s:{}, s:[], s:[{s:i, s:[[b, n], I]}, {s:i, s:[[b, n], I]}, {s:i, s:[[b, n],"
	    " I]}], s:O, s:n, s:I}",
	    "id", (json_int_t)-42, "name", "黄石 \"港\"\n", "empty_obj", "empty_arr", "list", "n",
	    0, "deep", 0, (json_int_t)INT64_MAX, "n", 1, "deep", 1, (json_int_t)INT64_MAX, "n", 2,
	    "deep", 0, (json_int_t)INT64_MAX, "tree", inner, "none", "min", (json_int_t)INT64_MIN);
	assert_non_null(want_tree);
	struct buf want;
	buf_init(&want);
	http_json_write(&want, want_tree);
	assert_string_equal(buf_cstr(&b), buf_cstr(&want));
	json_t *back = json_loads(buf_cstr(&b), 0, NULL);
	assert_non_null(back);
	assert_true(json_equal(back, want_tree));
	json_decref(back);
	json_decref(want_tree);
	json_decref(inner);
	buf_free(&want);
	/* Not UTF-8 (a lone continuation byte, a cut-off character): null. */
	buf_reset(&b);
	jw_init(&w, &b);
	jw_arr(&w);
	jw_str(&w, "ok");
	jw_str(&w, "bad \x80 byte");
	jw_str(&w, "\xe9\xbb");
	jw_str(&w, NULL);
	jw_end_arr(&w);
	assert_string_equal(buf_cstr(&b), "[\"ok\",null,null,null]");
	/* Members given as text join the object's commas as if written key by key: first,
	 * between keys, last, and empty text adds nothing. */
	buf_reset(&b);
	jw_init(&w, &b);
	jw_arr(&w);
	jw_obj(&w);
	jw_members(&w, "\"a\":1", 5);
	jw_key(&w, "b");
	jw_int(&w, 2);
	jw_members(&w, "\"c\":[3],\"d\":\"四\"", strlen("\"c\":[3],\"d\":\"四\""));
	jw_members(&w, "", 0);
	jw_end_obj(&w);
	jw_obj(&w);
	jw_members(&w, "", 0);
	jw_key(&w, "e");
	jw_null(&w);
	jw_end_obj(&w);
	jw_end_arr(&w);
	assert_string_equal(buf_cstr(&b),
	                    "[{\"a\":1,\"b\":2,\"c\":[3],\"d\":\"四\"},{\"e\":null}]");
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_known_routes_match_and_unknown_ones_do_not),
	    cmocka_unit_test(test_paths_and_queries_are_decoded_strictly),
	    cmocka_unit_test(test_placeholders_take_ids_codes_and_leave_suffixes),
	    cmocka_unit_test(test_form_bodies_are_decoded_strictly),
	    cmocka_unit_test(test_cookies_and_headers_are_found_by_name),
	    cmocka_unit_test(test_openapi_lists_every_route_and_is_valid_json),
	    cmocka_unit_test(test_the_value_writer_matches_jansson),
	    cmocka_unit_test(test_answers_serialise_exactly_as_jansson_does),
	};
	return TS_RUN(tests, NULL, NULL);
}
