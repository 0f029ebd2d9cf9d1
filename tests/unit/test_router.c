/* http/: request-target decoding, routing, cookies and the OpenAPI document, without
 * sockets. */
#include "../support/testlib.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_known_routes_match_and_unknown_ones_do_not),
	    cmocka_unit_test(test_paths_and_queries_are_decoded_strictly),
	    cmocka_unit_test(test_cookies_and_headers_are_found_by_name),
	    cmocka_unit_test(test_openapi_lists_every_route_and_is_valid_json),
	};
	return TS_RUN(tests, NULL, NULL);
}
