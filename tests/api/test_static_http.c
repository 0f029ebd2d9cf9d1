/* The embedded UI over real HTTP: the console and the mobile site from the binary, ETag and
 * 304, gzip, cache lifetimes, the apps' fallback for deep links, and /api staying JSON. */
#include "../support/testlib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct tserver T;

static int setup(void **state)
{
	ts_start(&T);
	return 0;
}

static int teardown(void **state)
{
	ts_stop(&T);
	return 0;
}

/* The entry script an index.html loads: "/assets/<entry>-HASH.js". */
static void entry_script(const char *html, const char *entry, char *out, size_t n)
{
	char needle[64];
	snprintf(needle, sizeof needle, "src=\"/assets/%s-", entry);
	const char *p = strstr(html, needle);
	assert_non_null(p);
	p += 5;
	const char *end = strchr(p, '"');
	assert_non_null(end);
	snprintf(out, n, "%.*s", (int)(end - p), p);
}

static void test_console_page_is_served_with_etag_and_no_cache(void **state)
{
	struct hresp r;
	char h[512];
	assert_int_equal(http_req(T.port, "GET", "/", NULL, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(hr_header(&r, "Content-Type", h, sizeof h));
	assert_string_equal(h, "text/html; charset=utf-8");
	assert_non_null(hr_header(&r, "Cache-Control", h, sizeof h));
	assert_string_equal(h, "no-cache");
	assert_non_null(hr_header(&r, "Content-Security-Policy", h, sizeof h));
	assert_non_null(strstr(h, "script-src 'self'"));
	assert_non_null(strstr(r.body, "<title>幸福城区 · 党建引领基层治理平台</title>"));
	assert_null(strstr(r.body, "<script>")); /* no inline script: the CSP forbids it */
	char etag[128];
	assert_non_null(hr_header(&r, "ETag", etag, sizeof etag));
	assert_true(etag[0] == '"');
	hr_free(&r);

	char hdrs[256];
	snprintf(hdrs, sizeof hdrs, "If-None-Match: %s\r\n", etag);
	assert_int_equal(http_req(T.port, "GET", "/", hdrs, NULL, &r), 0);
	assert_int_equal(r.status, 304);
	assert_string_equal(r.body, "");
	assert_non_null(hr_header(&r, "ETag", h, sizeof h));
	assert_string_equal(h, etag);
	hr_free(&r);

	assert_int_equal(http_req(T.port, "GET", "/", "If-None-Match: \"other\"\r\n", NULL, &r), 0);
	assert_int_equal(r.status, 200);
	hr_free(&r);

	assert_int_equal(http_req(T.port, "HEAD", "/", NULL, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(hr_header(&r, "ETag", h, sizeof h));
	assert_string_equal(h, etag);
	hr_free(&r);
}

static void test_deep_links_fall_back_to_their_app(void **state)
{
	struct hresp r;
	char h[256];
	assert_int_equal(http_req(T.port, "GET", "/m/some/deep/link", NULL, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(hr_header(&r, "Content-Type", h, sizeof h));
	assert_string_equal(h, "text/html; charset=utf-8");
	assert_non_null(strstr(r.body, "src=\"/assets/mobile-"));
	hr_free(&r);

	assert_int_equal(http_req(T.port, "GET", "/system?tab=1", NULL, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "src=\"/assets/console-"));
	hr_free(&r);

	assert_int_equal(http_req(T.port, "GET", "/m", NULL, NULL, &r), 0);
	assert_int_equal(r.status, 301);
	assert_non_null(hr_header(&r, "Location", h, sizeof h));
	assert_string_equal(h, "/m/");
	hr_free(&r);
}

static void test_hashed_assets_are_cached_long_and_gzipped_when_accepted(void **state)
{
	struct hresp r;
	char h[256], js[128];
	assert_int_equal(http_req(T.port, "GET", "/m/", NULL, NULL, &r), 0);
	entry_script(r.body, "mobile", js, sizeof js);
	hr_free(&r);

	assert_int_equal(http_req(T.port, "GET", js, NULL, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(hr_header(&r, "Content-Type", h, sizeof h));
	assert_string_equal(h, "text/javascript; charset=utf-8");
	assert_non_null(hr_header(&r, "Cache-Control", h, sizeof h));
	assert_string_equal(h, "public, max-age=31536000, immutable");
	assert_null(hr_header(&r, "Content-Encoding", h, sizeof h));
	assert_non_null(hr_header(&r, "Content-Length", h, sizeof h));
	long identity_len = atol(h);
	hr_free(&r);

	assert_int_equal(
	    http_req(T.port, "GET", js, "Accept-Encoding: gzip, deflate, br\r\n", NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(hr_header(&r, "Content-Encoding", h, sizeof h));
	assert_string_equal(h, "gzip");
	assert_non_null(hr_header(&r, "Vary", h, sizeof h));
	assert_string_equal(h, "Accept-Encoding");
	assert_non_null(hr_header(&r, "Content-Length", h, sizeof h));
	assert_true(atol(h) < identity_len);
	assert_true((unsigned char)r.body[0] == 0x1f && (unsigned char)r.body[1] == 0x8b);
	hr_free(&r);

	assert_int_equal(http_req(T.port, "GET", "/favicon.svg", NULL, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(hr_header(&r, "Content-Type", h, sizeof h));
	assert_string_equal(h, "image/svg+xml");
	hr_free(&r);
}

static void test_api_paths_never_fall_back_to_html(void **state)
{
	static const char *paths[] = {"/api/unknown", "/api/", "/api/me/nothing", "/api/m/x"};
	struct hresp r;
	char h[256];
	for (size_t i = 0; i < XF_ARRAY_LEN(paths); i++) {
		assert_int_equal(http_req(T.port, "GET", paths[i], NULL, NULL, &r), 0);
		assert_int_equal(r.status, 404);
		assert_non_null(hr_header(&r, "Content-Type", h, sizeof h));
		assert_string_equal(h, "application/json; charset=utf-8");
		assert_string_equal(hr_error_code(&r), "not_found");
		assert_non_null(hr_header(&r, "Cache-Control", h, sizeof h));
		assert_string_equal(h, "no-store");
		hr_free(&r);
	}
	/* A missing script is a 404, not the app's HTML under a script's name. */
	assert_int_equal(http_req(T.port, "GET", "/assets/missing-0000.js", NULL, NULL, &r), 0);
	assert_int_equal(r.status, 404);
	assert_string_equal(hr_error_code(&r), "not_found");
	hr_free(&r);

	assert_int_equal(http_req(T.port, "POST", "/", NULL, "{}", &r), 0);
	assert_int_equal(r.status, 405);
	assert_non_null(hr_header(&r, "Allow", h, sizeof h));
	assert_string_equal(h, "GET, HEAD");
	hr_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_console_page_is_served_with_etag_and_no_cache),
	    cmocka_unit_test(test_deep_links_fall_back_to_their_app),
	    cmocka_unit_test(test_hashed_assets_are_cached_long_and_gzipped_when_accepted),
	    cmocka_unit_test(test_api_paths_never_fall_back_to_html),
	};
	return TS_RUN(tests, setup, teardown);
}
