/* Case photos over HTTP: the reporter and the handlers add them (the bytes themselves as the
 * body), the type is sniffed, location metadata is gone from what is stored and served,
 * foreign types get 415, oversize 413, strangers nothing, and a case holds at most nine. */
#include "../support/testlib.h"
#include "../support/imgbytes.h"
#include "cases/cases.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static struct tserver T;
static char shequ[512], shequ2[512], jumin[512], dangyuan[512];

static int setup(void **state)
{
	ts_start(&T);
	ts_login(&T, "shequ", DEMO_PW, shequ, sizeof shequ);
	ts_login(&T, "shequ2", DEMO_PW, shequ2, sizeof shequ2);
	ts_login(&T, "jumin", DEMO_PW, jumin, sizeof jumin);
	ts_login(&T, "dangyuan", DEMO_PW, dangyuan, sizeof dangyuan);
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

static int64_t report(void)
{
	struct hresp r;
	assert_int_equal(http_req(T.port, "POST", "/api/cases", jumin,
	                          "{\"category\":\"sanitation\",\"title\":\"楼道堆物\","
	                          "\"description\":\"三单元楼道堆满杂物\"}",
	                          &r),
	                 0);
	assert_int_equal(r.status, 201);
	int64_t id = json_integer_value(json_object_get(r.json, "id"));
	hr_free(&r);
	return id;
}

/* POST the bytes as they are. */
static void upload(const char *hdrs, int64_t id, const char *ctype, const void *bytes, size_t n,
                   struct hresp *r)
{
	struct buf b;
	buf_init(&b);
	buf_printf(&b,
	           "POST /api/cases/%lld/photos HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: "
	           "close\r\n%sContent-Type: %s\r\nContent-Length: %zu\r\n\r\n",
	           (long long)id, hdrs ? hdrs : "", ctype, n);
	buf_append(&b, bytes, n);
	assert_int_equal(http_raw(T.port, b.data, b.len, r), 0);
	buf_free(&b);
}

/* GET keeping the body's bytes (http_raw stops at a NUL). */
static int fetch(const char *hdrs, const char *path, struct buf *head, struct buf *body)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)T.port)};
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
	struct timeval tv = {10, 0};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	char req[1024];
	int n = snprintf(req, sizeof req,
	                 "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n%s\r\n", path,
	                 hdrs ? hdrs : "");
	assert_int_equal(send(fd, req, (size_t)n, 0), n);
	struct buf all;
	buf_init(&all);
	char tmp[16384];
	ssize_t got;
	while ((got = recv(fd, tmp, sizeof tmp, 0)) > 0)
		buf_append(&all, tmp, (size_t)got);
	close(fd);
	char *sep = memmem(all.data, all.len, "\r\n\r\n", 4);
	assert_non_null(sep);
	buf_append(head, all.data, (size_t)(sep - all.data));
	buf_append(body, sep + 4, all.len - (size_t)(sep + 4 - all.data));
	int status = 0;
	sscanf(all.data, "HTTP/1.1 %d", &status);
	buf_free(&all);
	return status;
}

static void test_an_exif_jpeg_comes_back_without_its_app1_segment(void **state)
{
	int64_t id = report();
	struct buf img, want, head, body;
	buf_init(&img);
	buf_init(&want);
	buf_init(&head);
	buf_init(&body);
	size_t at, len;
	img_jpeg_with_gps(&img, &at, &len);
	buf_append(&want, img.data, at);
	buf_append(&want, img.data + at + len, img.len - at - len);
	struct hresp r;
	/* The declared Content-Type does not matter: the bytes decide. */
	upload(jumin, id, "application/octet-stream", img.data, img.len, &r);
	assert_int_equal(r.status, 201);
	assert_int_equal(json_integer_value(json_object_get(r.json, "n")), 1);
	assert_string_equal(json_string_value(json_object_get(r.json, "mime")), "image/jpeg");
	hr_free(&r);

	char path[96];
	snprintf(path, sizeof path, "/api/cases/%lld/photos/1", (long long)id);
	assert_int_equal(fetch(jumin, path, &head, &body), 200);
	assert_non_null(strcasestr(head.data, "\r\nContent-Type: image/jpeg"));
	assert_non_null(strcasestr(head.data, "\r\nX-Content-Type-Options: nosniff"));
	assert_int_equal(body.len, want.len);
	assert_memory_equal(body.data, want.data, want.len);
	assert_null(memmem(body.data, body.len, "GPSLatitude", 11));
	assert_null(memmem(body.data, body.len, "\xFF\xE1", 2));
	/* Nor is it in the database. */
	assert_int_equal(SQL_INT("SELECT size FROM case_photos WHERE case_id = ?", "i", id),
	                 (int64_t)want.len);
	/* The handler sees it too, the case counts it, the timeline says who added it. */
	buf_reset(&head);
	buf_reset(&body);
	assert_int_equal(fetch(shequ, path, &head, &body), 200);
	assert_int_equal(body.len, want.len);
	snprintf(path, sizeof path, "/api/cases/%lld", (long long)id);
	assert_int_equal(http_req(T.port, "GET", path, jumin, NULL, &r), 0);
	assert_int_equal(json_integer_value(json_object_get(r.json, "photos")), 1);
	assert_non_null(strstr(r.body, "\"action\":\"photo\""));
	hr_free(&r);
	/* Photo 2 does not exist; 0 and 10 are not photo numbers. */
	snprintf(path, sizeof path, "/api/cases/%lld/photos/2", (long long)id);
	assert_int_equal(http_req(T.port, "GET", path, jumin, NULL, &r), 0);
	assert_int_equal(r.status, 404);
	hr_free(&r);
	snprintf(path, sizeof path, "/api/cases/%lld/photos/10", (long long)id);
	assert_int_equal(http_req(T.port, "GET", path, jumin, NULL, &r), 0);
	assert_int_equal(r.status, 404);
	hr_free(&r);
	buf_free(&img);
	buf_free(&want);
	buf_free(&head);
	buf_free(&body);
}

static void test_a_png_loses_its_text_chunk_and_staff_may_add_one(void **state)
{
	int64_t id = report();
	struct buf img, head, body;
	buf_init(&img);
	buf_init(&head);
	buf_init(&body);
	size_t at, len;
	img_png_with_text(&img, &at, &len);
	struct hresp r;
	upload(shequ, id, "image/png", img.data, img.len, &r);
	assert_int_equal(r.status, 201);
	hr_free(&r);
	char path[96];
	snprintf(path, sizeof path, "/api/cases/%lld/photos/1", (long long)id);
	assert_int_equal(fetch(jumin, path, &head, &body), 200);
	assert_non_null(strcasestr(head.data, "\r\nContent-Type: image/png"));
	assert_int_equal(body.len, img.len - len);
	assert_null(memmem(body.data, body.len, "tEXt", 4));
	assert_null(memmem(body.data, body.len, "GPS", 3));
	assert_memory_equal(body.data, img.data, at);
	buf_free(&img);
	buf_free(&head);
	buf_free(&body);
}

static void test_gif_html_and_broken_files_are_refused_and_nothing_is_stored(void **state)
{
	int64_t id = report();
	struct hresp r;
	const char gif[] = "GIF89a\x01\0\x01\0\x80\0\0\0\0\0\xff\xff\xff,\0\0\0\0\x01\0\x01\0\0\x02"
	                   "\x02\x44\x01\0;";
	upload(jumin, id, "image/gif", gif, sizeof gif - 1, &r);
	assert_int_equal(r.status, 415);
	assert_string_equal(hr_error_code(&r), "unsupported_media_type");
	assert_non_null(strstr(r.body, "只支持 JPEG、PNG 或 WebP"));
	hr_free(&r);
	const char *html = "<html><script>alert(document.cookie)</script></html>";
	upload(jumin, id, "image/jpeg", html, strlen(html), &r);
	assert_int_equal(r.status, 415);
	hr_free(&r);
	/* A JPEG cut short is damaged, not foreign. */
	struct buf img;
	buf_init(&img);
	size_t at, len;
	img_jpeg_with_gps(&img, &at, &len);
	upload(jumin, id, "image/jpeg", img.data, img.len - 6, &r);
	assert_int_equal(r.status, 400);
	assert_string_equal(hr_error_code(&r), "bad_image");
	hr_free(&r);
	/* An empty body. */
	upload(jumin, id, "image/jpeg", "", 0, &r);
	assert_int_equal(r.status, 400);
	hr_free(&r);
	assert_int_equal(SQL_INT("SELECT count(*) FROM case_photos WHERE case_id = ?", "i", id), 0);
	buf_free(&img);
}

static void test_an_oversize_photo_gets_413(void **state)
{
	int64_t id = report();
	size_t n = 5 * 1024 * 1024 + 1;
	char *big = calloc(1, n);
	memcpy(big, "\xFF\xD8\xFF\xE0", 4);
	struct hresp r;
	upload(jumin, id, "image/jpeg", big, n, &r);
	assert_int_equal(r.status, 413);
	assert_string_equal(hr_error_code(&r), "body_too_large");
	hr_free(&r);
	free(big);
	assert_int_equal(SQL_INT("SELECT count(*) FROM case_photos WHERE case_id = ?", "i", id), 0);
}

static void test_strangers_can_neither_add_nor_see_photos(void **state)
{
	int64_t id = report();
	struct buf img;
	buf_init(&img);
	size_t at, len;
	img_jpeg_with_gps(&img, &at, &len);
	struct hresp r;
	/* Another community's secretary: out of scope. A resident who is not the reporter:
	 * the case does not exist for him. No session: 401. */
	upload(shequ2, id, "image/jpeg", img.data, img.len, &r);
	assert_int_equal(r.status, 403);
	hr_free(&r);
	upload(dangyuan, id, "image/jpeg", img.data, img.len, &r);
	assert_int_equal(r.status, 404);
	hr_free(&r);
	upload(NULL, id, "image/jpeg", img.data, img.len, &r);
	assert_int_equal(r.status, 401);
	hr_free(&r);
	assert_int_equal(SQL_INT("SELECT count(*) FROM case_photos WHERE case_id = ?", "i", id), 0);
	upload(jumin, id, "image/jpeg", img.data, img.len, &r);
	assert_int_equal(r.status, 201);
	hr_free(&r);
	char path[96];
	snprintf(path, sizeof path, "/api/cases/%lld/photos/1", (long long)id);
	assert_int_equal(http_req(T.port, "GET", path, shequ2, NULL, &r), 0);
	assert_int_equal(r.status, 403);
	hr_free(&r);
	assert_int_equal(http_req(T.port, "GET", path, dangyuan, NULL, &r), 0);
	assert_int_equal(r.status, 404);
	hr_free(&r);
	assert_int_equal(http_req(T.port, "GET", path, NULL, NULL, &r), 0);
	assert_int_equal(r.status, 401);
	hr_free(&r);
	buf_free(&img);
}

static void test_a_case_holds_at_most_nine_photos(void **state)
{
	int64_t id = report();
	struct buf img;
	buf_init(&img);
	size_t at, len;
	img_png_with_text(&img, &at, &len);
	struct hresp r;
	for (int i = 1; i <= 9; i++) {
		upload(jumin, id, "image/png", img.data, img.len, &r);
		assert_int_equal(r.status, 201);
		assert_int_equal(json_integer_value(json_object_get(r.json, "n")), i);
		hr_free(&r);
	}
	upload(jumin, id, "image/png", img.data, img.len, &r);
	assert_int_equal(r.status, 409);
	assert_string_equal(hr_error_code(&r), "too_many_photos");
	hr_free(&r);
	assert_int_equal(SQL_INT("SELECT count(*) FROM case_photos WHERE case_id = ?", "i", id), 9);
	buf_free(&img);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_an_exif_jpeg_comes_back_without_its_app1_segment),
	    cmocka_unit_test(test_a_png_loses_its_text_chunk_and_staff_may_add_one),
	    cmocka_unit_test(test_gif_html_and_broken_files_are_refused_and_nothing_is_stored),
	    cmocka_unit_test(test_an_oversize_photo_gets_413),
	    cmocka_unit_test(test_strangers_can_neither_add_nor_see_photos),
	    cmocka_unit_test(test_a_case_holds_at_most_nine_photos),
	};
	return TS_RUN(tests, setup, teardown);
}
