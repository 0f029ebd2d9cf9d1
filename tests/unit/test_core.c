/* core/: buffers, arena, text decoding, JSON shape checks, clock, crypto. */
#include "../support/testlib.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "core/jv.h"
#include "core/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void test_beijing_calendar(void **state)
{
	/* 2026-01-01 00:00 in Beijing is 2025-12-31 16:00 UTC */
	assert_int_equal(clock_beijing_month_start(2026, 1), 1767225600 - 8 * 3600);
	assert_int_equal(clock_beijing_month_start(2024, 3) - clock_beijing_month_start(2024, 2),
	                 29 * 86400); /* a leap February */
	assert_int_equal(clock_beijing_month_start(2026, 13), clock_beijing_month_start(2027, 1));
	int64_t t = clock_beijing_month_start(2027, 1);
	assert_int_equal(clock_beijing_year(t), 2027);
	assert_int_equal(clock_beijing_year(t - 1), 2026);
	assert_int_equal(clock_beijing_month(t - 1), 12);
	assert_int_equal(clock_beijing_month(t), 1);
}

static void test_buf_grows_and_escapes_json(void **state)
{
	struct buf b;
	buf_init(&b);
	for (int i = 0; i < 1000; i++)
		buf_printf(&b, "%d,", i);
	assert_int_equal(b.len, strlen(b.data));
	assert_true(strncmp(b.data, "0,1,2,", 6) == 0);
	buf_reset(&b);
	buf_json_str(&b, "a\"b\\c\n\x01中");
	assert_string_equal(b.data, "\"a\\\"b\\\\c\\n\\u0001中\"");
	buf_free(&b);
}

static void test_arena_allocations_are_aligned_and_survive_growth(void **state)
{
	struct arena *a = arena_new();
	char *first = arena_strdup(a, "hello");
	for (int i = 0; i < 5000; i++) {
		void *p = arena_alloc(a, (size_t)(i % 97) + 1);
		assert_int_equal((uintptr_t)p % _Alignof(max_align_t), 0);
	}
	void *big = arena_alloc(a, 100000);
	memset(big, 1, 100000);
	assert_string_equal(first, "hello");
	arena_free(a);
}

static void test_utf8_validation_rejects_malformed_sequences(void **state)
{
	assert_true(utf8_valid("黄石 abc", strlen("黄石 abc")));
	assert_false(utf8_valid("\xff", 1));
	assert_false(utf8_valid("\xc0\xaf", 2));         /* overlong '/' */
	assert_false(utf8_valid("\xed\xa0\x80", 3));     /* surrogate */
	assert_false(utf8_valid("\xe4\xb8", 2));         /* truncated */
	assert_false(utf8_valid("a\0b", 3));             /* NUL */
	assert_false(utf8_valid("\xf4\x90\x80\x80", 4)); /* > U+10FFFF */
	/* Past the eight-bytes-at-a-time ASCII run and the three-byte shortcut. */
	assert_true(utf8_valid("abcdefghijklmnop\xef\xbf\xbf", 19)); /* U+FFFF */
	assert_false(utf8_valid("abcdefgh\0ijk", 12));               /* NUL in a word */
	assert_false(utf8_valid("abcdefghijklmnop\xe4\xb8", 18));    /* cut after words */
	assert_false(utf8_valid("\xe0\x80\x80", 3));                 /* overlong NUL */
	assert_false(utf8_valid("\xe1\x80"
	                        "a",
	                        3)); /* bad third byte */
	assert_false(utf8_valid("\xe1"
	                        "abcdefgh",
	                        9));                            /* no continuation */
	assert_true(utf8_valid("\xe0\xa0\x80\xed\x9f\xbf", 6)); /* U+0800, U+D7FF */
	assert_int_equal(utf8_len("黄石市", strlen("黄石市")), 3);
}

static void test_url_decode_handles_escapes_and_refuses_bad_ones(void **state)
{
	char out[64];
	assert_int_equal(url_decode("a%20b+c", 7, out, true), 5);
	assert_string_equal(out, "a b c");
	assert_int_equal(url_decode("a+b", 3, out, false), 3);
	assert_string_equal(out, "a+b");
	const char *zh = "%E9%BB%84%E7%9F%B3";
	assert_true(url_decode(zh, strlen(zh), out, false) > 0);
	assert_string_equal(out, "黄石");
	assert_int_equal(url_decode("%zz", 3, out, false), -1);
	assert_int_equal(url_decode("%4", 2, out, false), -1);
	assert_int_equal(url_decode("a%00b", 5, out, false), -1);
	assert_int_equal(url_decode("%ff", 3, out, false), -1); /* not UTF-8 */
}

static void test_parse_i64_is_strict(void **state)
{
	int64_t v;
	assert_true(parse_i64("42", &v));
	assert_int_equal(v, 42);
	assert_true(parse_i64("-7", &v));
	assert_int_equal(v, -7);
	assert_false(parse_i64("", &v));
	assert_false(parse_i64("4 2", &v));
	assert_false(parse_i64("+1", &v));
	assert_false(parse_i64("99999999999999999999", &v));
	assert_false(parse_i64("1e3", &v));
}

static void test_b64url_and_hex(void **state)
{
	char out[16];
	b64url_encode((const unsigned char *)"\xfb\xff", 2, out);
	assert_string_equal(out, "-_8");
	hex_encode((const unsigned char *)"\x01\xab", 2, out);
	assert_string_equal(out, "01ab");
	assert_true(str_eq_ct("abc", "abc"));
	assert_false(str_eq_ct("abc", "abd"));
	assert_false(str_eq_ct("abc", "ab"));
}

static const struct jv_field fields[] = {{"name", JV_STRING, true, 1, 4, "名称"},
                                         {"count", JV_INT, false, 0, 10, "数量"},
                                         {"flag", JV_BOOL, false, 0, 0, NULL},
                                         {NULL, 0, 0, 0, 0, NULL}};

static int check(const char *text, struct xf_err *err)
{
	json_t *v;
	xf_err_clear(err);
	int rc = jv_parse(text, strlen(text), &v, err);
	if (rc == XF_OK) {
		rc = jv_check(v, fields, err);
		json_decref(v);
	}
	return rc;
}

static void test_json_shape_checks_name_the_problem(void **state)
{
	struct xf_err e;
	assert_int_equal(check("{\"name\":\"黄石市区\",\"count\":3}", &e), XF_OK);
	assert_int_equal(check("{\"name\":", &e), XF_EINVAL);
	assert_string_equal(e.code, "invalid_json");
	assert_int_equal(check("{\"name\":\"a\",\"name\":\"b\"}", &e), XF_EINVAL);
	assert_string_equal(e.code, "duplicate_key");
	assert_int_equal(check("{\"name\":1}", &e), XF_EINVAL);
	assert_string_equal(e.code, "wrong_type");
	assert_string_equal(e.field, "name");
	assert_int_equal(check("{\"name\":\"a\",\"extra\":1}", &e), XF_EINVAL);
	assert_string_equal(e.code, "unknown_field");
	assert_string_equal(e.field, "extra");
	assert_int_equal(check("{\"count\":1}", &e), XF_EINVAL);
	assert_string_equal(e.code, "missing_field");
	assert_int_equal(check("{\"name\":\"黄石市区县\"}", &e), XF_EINVAL); /* 5 characters */
	assert_string_equal(e.code, "out_of_range");
	assert_int_equal(check("{\"name\":\"a\",\"count\":11}", &e), XF_EINVAL);
	assert_string_equal(e.code, "out_of_range");
	assert_int_equal(check("{\"name\":\"a\",\"count\":1.5}", &e), XF_EINVAL);
	assert_string_equal(e.code, "wrong_type");
	assert_int_equal(check("[1,2]", &e), XF_EINVAL);
	assert_int_equal(check("{\"name\":\"\xff\"}", &e), XF_EINVAL);
	assert_string_equal(e.code, "invalid_utf8");
	assert_int_equal(check("{\"name\":\"a\\u0000\"}", &e), XF_EINVAL);
	assert_int_equal(check("", &e), XF_EINVAL);
}

static void test_long_error_messages_are_cut_on_a_character_boundary(void **state)
{
	struct xf_err e;
	char msg[400];
	size_t o = 0;
	while (o + 3 < sizeof msg - 1) {
		memcpy(msg + o, "黄", 3);
		o += 3;
	}
	msg[o] = 0;
	for (int shift = 0; shift < 3; shift++) {
		xf_fail(&e, XF_EINVAL, "x", "%.*s%s", shift, "ab", msg);
		assert_true(utf8_valid(e.message, strlen(e.message)));
		assert_true(strlen(e.message) >= sizeof e.message - 4);
	}
}

static void test_clock_can_be_pinned_and_moved(void **state)
{
	int64_t real = clock_now();
	clock_set(1000);
	assert_int_equal(clock_now(), 1000);
	clock_advance(60);
	assert_int_equal(clock_now(), 1060);
	clock_set(0);
	assert_true(clock_now() >= real);
	clock_advance(3600);
	assert_true(clock_now() >= real + 3600);
	clock_set(0);
	assert_true(clock_now() < real + 3600);
	char iso[21];
	clock_iso(0, iso);
	assert_string_equal(iso, "1970-01-01T00:00:00Z");
}

static void test_passwords_hash_and_verify(void **state)
{
	crypto_init();
	crypto_pw_set_min_cost(true);
	char h[256];
	struct xf_err e;
	assert_int_equal(crypto_pw_hash("correct horse", h, sizeof h, &e), XF_OK);
	assert_true(strncmp(h, "$argon2id$", 10) == 0);
	assert_true(crypto_pw_verify(h, "correct horse"));
	assert_false(crypto_pw_verify(h, "correct horsE"));
	char t1[XF_TOKEN_CHARS], t2[XF_TOKEN_CHARS];
	crypto_token(t1);
	crypto_token(t2);
	assert_int_equal(strlen(t1), 43);
	assert_string_not_equal(t1, t2);
	char pw[13];
	crypto_random_password(pw);
	assert_int_equal(strlen(pw), 12);
}

static void test_key_file_is_private_and_never_overwritten(void **state)
{
	char dir[64], path[128];
	ts_tmpdir(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/k.key", dir);
	struct xf_err e;
	unsigned char key[XF_KEY_BYTES];
	assert_int_equal(crypto_key_create(path, &e), XF_OK);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(crypto_key_create(path, &e), XF_ECONFLICT);
	assert_int_equal(crypto_key_load(path, key, &e), XF_OK);
	chmod(path, 0644);
	assert_int_equal(crypto_key_load(path, key, &e), XF_EPERM);
	assert_string_equal(e.code, "key_insecure");
	chmod(path, 0600);
	FILE *f = fopen(path, "a");
	fputc('x', f);
	fclose(f);
	assert_int_equal(crypto_key_load(path, key, &e), XF_EINVAL);
	assert_int_equal(crypto_key_load("/nonexistent/k", key, &e), XF_EIO);
	ts_rmdir(dir);
}

/* A search's LIKE pattern: the user's %, _ and \ escaped, wrapped for "contains" or
 * "starts with", and cut short without leaving a dangling escape. */
static void test_like_patterns_escape_the_wildcards(void **state)
{
	char out[32];
	str_like_pattern(out, sizeof out, "张", true);
	assert_string_equal(out, "%张%");
	str_like_pattern(out, sizeof out, "50%_a\\b", true);
	assert_string_equal(out, "%50\\%\\_a\\\\b%");
	str_like_pattern(out, sizeof out, "cases.", false);
	assert_string_equal(out, "cases.%");
	str_like_pattern(out, sizeof out, NULL, true);
	assert_string_equal(out, "%%");
	char small[6]; /* room for %, 2 bytes, %, NUL: "%ab%" — never "%a\%" */
	str_like_pattern(small, sizeof small, "ab%%", true);
	assert_string_equal(small, "%ab%");
	str_like_pattern(small, sizeof small, "a%", true); /* fits: 5 bytes and the NUL */
	assert_string_equal(small, "%a\\%%");
	char tiny[5];
	str_like_pattern(tiny, sizeof tiny, "a%", true);
	assert_string_equal(tiny, "%a%");
}

static void test_fold_chars_keeps_each_character_once(void **state)
{
	char c[8][5];
	assert_int_equal(str_fold_chars("王小王", c, 8), 2);
	assert_string_equal(c[0], "王");
	assert_string_equal(c[1], "小");
	assert_int_equal(str_fold_chars("AnNa", c, 8), 2); /* ASCII folded, as LIKE folds */
	assert_string_equal(c[0], "a");
	assert_string_equal(c[1], "n");
	assert_int_equal(str_fold_chars("Éé😀", c, 8), 3); /* beyond ASCII: kept as written */
	assert_string_equal(c[0], "É");
	assert_string_equal(c[2], "😀");
	assert_int_equal(str_fold_chars("abcdef", c, 4), 4); /* at most max */
	assert_string_equal(c[3], "d");
	assert_int_equal(str_fold_chars("\xe4\xb8x", c, 8), 3); /* a cut sequence: byte by byte */
	assert_int_equal((unsigned char)c[0][0], 0xe4);
	assert_int_equal(c[0][1], 0);
	assert_string_equal(c[2], "x");
	assert_int_equal(str_fold_chars("", c, 8), 0);
	assert_int_equal(str_fold_chars(NULL, c, 8), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_beijing_calendar),
	    cmocka_unit_test(test_buf_grows_and_escapes_json),
	    cmocka_unit_test(test_arena_allocations_are_aligned_and_survive_growth),
	    cmocka_unit_test(test_utf8_validation_rejects_malformed_sequences),
	    cmocka_unit_test(test_url_decode_handles_escapes_and_refuses_bad_ones),
	    cmocka_unit_test(test_parse_i64_is_strict),
	    cmocka_unit_test(test_like_patterns_escape_the_wildcards),
	    cmocka_unit_test(test_fold_chars_keeps_each_character_once),
	    cmocka_unit_test(test_b64url_and_hex),
	    cmocka_unit_test(test_json_shape_checks_name_the_problem),
	    cmocka_unit_test(test_long_error_messages_are_cut_on_a_character_boundary),
	    cmocka_unit_test(test_clock_can_be_pinned_and_moved),
	    cmocka_unit_test(test_passwords_hash_and_verify),
	    cmocka_unit_test(test_key_file_is_private_and_never_overwritten),
	};
	return TS_RUN(tests, NULL, NULL);
}
