/* http/static.c: serving the embedded UI without sockets, from a small table of its own:
 * MIME types, gzip negotiation, ETag/304, cache lifetimes and the apps' index.html fallback. */
#include "../support/testlib.h"
#include "http/static.h"

#include <string.h>

#define RAW(s) (const unsigned char *)(s), sizeof(s) - 1

/* Sorted by path, as the generator writes it. */
static const struct static_asset tbl[] = {
    {"/assets/app-1a2b.js", "\"js1\"", "\"js1-gz\"", RAW("console.log(1)"), RAW("GZ-JS")},
    {"/assets/font-9f.woff2", "\"f1\"", "\"f1-gz\"", RAW("wOF2"), NULL, 0},
    {"/favicon.svg", "\"ico\"", "\"ico-gz\"", RAW("<svg/>"), NULL, 0},
    {"/index.html", "\"con\"", "\"con-gz\"", RAW("<html>console</html>"), RAW("GZ-CONSOLE")},
    {"/m/index.html", "\"mob\"", "\"mob-gz\"", RAW("<html>mobile</html>"), RAW("GZ-MOBILE")},
};
static const size_t ntbl = XF_ARRAY_LEN(tbl);

static struct req *get(const char *method, const char *uri, const char *h1, const char *v1)
{
	struct req *r = req_new(NULL);
	req_set_method(r, method);
	req_set_uri(r, uri, strlen(uri));
	if (h1)
		req_add_header(r, h1, v1);
	return r;
}

static const char *hdr(const struct req *r, const char *key)
{
	for (int i = 0; i < r->resp.nheaders; i++)
		if (strcmp(r->resp.headers[i].key, key) == 0)
			return r->resp.headers[i].value;
	return NULL;
}

static void assert_body(const struct req *r, const char *want)
{
	assert_non_null(r->resp.borrowed);
	assert_int_equal(r->resp.borrowed_len, strlen(want));
	assert_memory_equal(r->resp.borrowed, want, strlen(want));
}

static void test_mime_types_follow_the_extension(void **state)
{
	assert_string_equal(static_mime("/index.html"), "text/html; charset=utf-8");
	assert_string_equal(static_mime("/assets/a-1.js"), "text/javascript; charset=utf-8");
	assert_string_equal(static_mime("/assets/a-1.css"), "text/css; charset=utf-8");
	assert_string_equal(static_mime("/x.svg"), "image/svg+xml");
	assert_string_equal(static_mime("/x.PNG"), "image/png");
	assert_string_equal(static_mime("/assets/f.woff2"), "font/woff2");
	assert_string_equal(static_mime("/favicon.ico"), "image/x-icon");
	assert_string_equal(static_mime("/manifest.json"), "application/json; charset=utf-8");
	assert_string_equal(static_mime("/LICENSE"), "application/octet-stream");
	assert_string_equal(static_mime("/dir.js/file"), "application/octet-stream");
	assert_string_equal(static_mime("/trailing."), "application/octet-stream");
}

static void test_gzip_is_used_only_when_accepted(void **state)
{
	assert_true(static_accepts_gzip("gzip"));
	assert_true(static_accepts_gzip("gzip, deflate, br"));
	assert_true(static_accepts_gzip("br;q=1.0, GZIP;q=0.5"));
	assert_true(static_accepts_gzip("x-gzip"));
	assert_true(static_accepts_gzip("*"));
	assert_true(static_accepts_gzip("identity; q=1, * ; q=0.1"));
	assert_false(static_accepts_gzip(NULL));
	assert_false(static_accepts_gzip(""));
	assert_false(static_accepts_gzip("deflate, br"));
	assert_false(static_accepts_gzip("gzip;q=0"));
	assert_false(static_accepts_gzip("gzip; q=0.000"));
	assert_false(static_accepts_gzip("*;q=0"));
	assert_false(static_accepts_gzip("gzip;q=0, *"));
	assert_false(static_accepts_gzip("gzipx, compress"));
}

static void test_etags_match_weakly_and_in_lists(void **state)
{
	assert_true(static_etag_matches("\"abc\"", "\"abc\""));
	assert_true(static_etag_matches("\"x\", \"abc\"", "\"abc\""));
	assert_true(static_etag_matches("W/\"abc\"", "\"abc\""));
	assert_true(static_etag_matches("*", "\"abc\""));
	assert_false(static_etag_matches(NULL, "\"abc\""));
	assert_false(static_etag_matches("\"abcd\"", "\"abc\""));
	assert_false(static_etag_matches("\"ab\"", "\"abc\""));
	assert_false(static_etag_matches("abc", "\"abc\""));
	assert_false(static_etag_matches("\"abc", "\"abc\""));
}

static void test_api_and_health_paths_are_never_static(void **state)
{
	struct req *r = get("GET", "/api/unknown", NULL, NULL);
	assert_false(static_wants(r));
	req_free(r);
	r = get("GET", "/api", NULL, NULL);
	assert_false(static_wants(r));
	req_free(r);
	r = get("GET", "/healthz", NULL, NULL);
	assert_false(static_wants(r));
	req_free(r);
	r = get("GET", "/apiary", NULL, NULL);
	assert_true(static_wants(r));
	req_free(r);
	r = get("GET", "/m/me", NULL, NULL);
	assert_true(static_wants(r));
	req_free(r);
}

static void test_a_file_is_served_with_its_type_etag_and_cache_lifetime(void **state)
{
	struct req *r = get("GET", "/assets/app-1a2b.js", NULL, NULL);
	static_serve(r, tbl, ntbl);
	assert_int_equal(r->resp.status, 200);
	assert_string_equal(r->resp.content_type, "text/javascript; charset=utf-8");
	assert_string_equal(hdr(r, "ETag"), "\"js1\"");
	assert_string_equal(hdr(r, "Cache-Control"), "public, max-age=31536000, immutable");
	assert_string_equal(hdr(r, "Vary"), "Accept-Encoding");
	assert_null(hdr(r, "Content-Encoding"));
	assert_body(r, "console.log(1)");
	req_free(r);

	r = get("HEAD", "/favicon.svg", NULL, NULL);
	static_serve(r, tbl, ntbl);
	assert_int_equal(r->resp.status, 200);
	assert_string_equal(r->resp.content_type, "image/svg+xml");
	assert_string_equal(hdr(r, "Cache-Control"), "no-cache");
	assert_null(hdr(r, "Vary")); /* no gzip variant */
	req_free(r);
}

static void test_gzip_bytes_go_to_clients_that_accept_them(void **state)
{
	struct req *r = get("GET", "/assets/app-1a2b.js", "Accept-Encoding", "gzip, deflate, br");
	static_serve(r, tbl, ntbl);
	assert_int_equal(r->resp.status, 200);
	assert_string_equal(hdr(r, "Content-Encoding"), "gzip");
	assert_string_equal(hdr(r, "ETag"), "\"js1-gz\"");
	assert_body(r, "GZ-JS");
	req_free(r);

	/* A file that does not compress is sent as it is, whatever the client accepts. */
	r = get("GET", "/assets/font-9f.woff2", "Accept-Encoding", "gzip");
	static_serve(r, tbl, ntbl);
	assert_int_equal(r->resp.status, 200);
	assert_string_equal(r->resp.content_type, "font/woff2");
	assert_null(hdr(r, "Content-Encoding"));
	assert_body(r, "wOF2");
	req_free(r);
}

static void test_a_matching_if_none_match_gets_304_without_a_body(void **state)
{
	struct req *r = get("GET", "/assets/app-1a2b.js", "If-None-Match", "\"old\", \"js1\"");
	static_serve(r, tbl, ntbl);
	assert_int_equal(r->resp.status, 304);
	assert_null(r->resp.borrowed);
	assert_int_equal(r->resp.body.len, 0);
	assert_string_equal(hdr(r, "ETag"), "\"js1\"");
	req_free(r);

	/* The gzip representation's validator is honoured too. */
	r = get("GET", "/", "If-None-Match", "W/\"con-gz\"");
	static_serve(r, tbl, ntbl);
	assert_int_equal(r->resp.status, 304);
	req_free(r);

	r = get("GET", "/", "If-None-Match", "\"stale\"");
	static_serve(r, tbl, ntbl);
	assert_int_equal(r->resp.status, 200);
	assert_body(r, "<html>console</html>");
	req_free(r);
}

static void test_unknown_paths_fall_back_to_the_right_app(void **state)
{
	static const struct {
		const char *uri, *body;
	} cases[] = {
	    {"/", "<html>console</html>"},
	    {"/system", "<html>console</html>"},
	    {"/some/deep/link?x=1", "<html>console</html>"},
	    {"/deep/dir/", "<html>console</html>"},
	    {"/m/", "<html>mobile</html>"},
	    {"/m/me", "<html>mobile</html>"},
	    {"/m/some/deep/link", "<html>mobile</html>"},
	    {"/mobile", "<html>console</html>"},
	};
	for (size_t i = 0; i < XF_ARRAY_LEN(cases); i++) {
		struct req *r = get("GET", cases[i].uri, NULL, NULL);
		static_serve(r, tbl, ntbl);
		assert_int_equal(r->resp.status, 200);
		assert_string_equal(r->resp.content_type, "text/html; charset=utf-8");
		assert_string_equal(hdr(r, "Cache-Control"), "no-cache");
		assert_body(r, cases[i].body);
		req_free(r);
	}
	struct req *r = get("GET", "/m", NULL, NULL);
	static_serve(r, tbl, ntbl);
	assert_int_equal(r->resp.status, 301);
	assert_string_equal(hdr(r, "Location"), "/m/");
	req_free(r);
}

static void test_a_missing_asset_is_404_json_not_html(void **state)
{
	struct req *r = get("GET", "/assets/gone-123.js", NULL, NULL);
	static_serve(r, tbl, ntbl);
	assert_int_equal(r->resp.status, 404);
	assert_string_equal(r->resp.content_type, "application/json; charset=utf-8");
	assert_non_null(strstr(r->resp.body.data, "\"not_found\""));
	assert_null(r->resp.borrowed);
	req_free(r);

	/* Without a built UI (-DXF_WEB=OFF) every page is a JSON 404. */
	r = get("GET", "/", NULL, NULL);
	static_serve(r, tbl, 0);
	assert_int_equal(r->resp.status, 404);
	req_free(r);
}

static void test_other_methods_get_405_with_allow(void **state)
{
	struct req *r = get("POST", "/", NULL, NULL);
	static_serve(r, tbl, ntbl);
	assert_int_equal(r->resp.status, 405);
	assert_string_equal(hdr(r, "Allow"), "GET, HEAD");
	assert_non_null(strstr(r->resp.body.data, "method_not_allowed"));
	req_free(r);
}

static void test_the_built_table_is_sorted_and_holds_both_apps(void **state)
{
	for (size_t i = 1; i < static_nassets; i++)
		assert_true(strcmp(static_assets[i - 1].path, static_assets[i].path) < 0);
	bool console = false, mobile = false;
	for (size_t i = 0; i < static_nassets; i++) {
		const struct static_asset *a = &static_assets[i];
		assert_true(a->path[0] == '/');
		assert_true(a->etag[0] == '"' && a->etag_gz[0] == '"');
		if (a->gz)
			assert_true(a->gz_len < a->raw_len && a->gz[0] == 0x1f && a->gz[1] == 0x8b);
		console |= strcmp(a->path, "/index.html") == 0;
		mobile |= strcmp(a->path, "/m/index.html") == 0;
	}
#ifdef XF_WEB_BUILT
	assert_true(console && mobile);
#else
	(void)console;
	(void)mobile;
#endif
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_mime_types_follow_the_extension),
	    cmocka_unit_test(test_gzip_is_used_only_when_accepted),
	    cmocka_unit_test(test_etags_match_weakly_and_in_lists),
	    cmocka_unit_test(test_api_and_health_paths_are_never_static),
	    cmocka_unit_test(test_a_file_is_served_with_its_type_etag_and_cache_lifetime),
	    cmocka_unit_test(test_gzip_bytes_go_to_clients_that_accept_them),
	    cmocka_unit_test(test_a_matching_if_none_match_gets_304_without_a_body),
	    cmocka_unit_test(test_unknown_paths_fall_back_to_the_right_app),
	    cmocka_unit_test(test_a_missing_asset_is_404_json_not_html),
	    cmocka_unit_test(test_other_methods_get_405_with_allow),
	    cmocka_unit_test(test_the_built_table_is_sorted_and_holds_both_apps),
	};
	return TS_RUN(tests, NULL, NULL);
}
