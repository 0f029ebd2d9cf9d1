/* Answers' JSON text: the bytes jansson's json_dumps(v, JSON_COMPACT) gives (but for short
 * decimals, see put_real_short), written straight into the response buffer, from a jansson
 * tree (jw_document) or value by value (struct jw) with no tree at all. jansson walks every
 * string a code point at a time and writes through a callback per fragment; this copies runs that
 * need no escape in one go (a third of a children answer's time went to json_dumps; bench/run.sh,
 * PERFORMANCE.md). */
#include "jw.h"
#include "str.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Does any of the 8 bytes in w need an escape (below 0x20, '"' or '\\')? Exact: bytes of
 * 0x80 and above (UTF-8) never count. */
static inline bool word_needs_escape(uint64_t w)
{
	const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
	uint64_t q = w ^ (ones * '"'), bs = w ^ (ones * '\\');
	return (((w - ones * 0x20) & ~w) | ((q - ones) & ~q) | ((bs - ones) & ~bs)) & highs;
}

static void put_string(struct buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	buf_putc(b, '"');
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		/* Eight bytes at a time while none needs an escape (nearly always). */
		while (i + 8 <= n) {
			uint64_t w;
			memcpy(&w, s + i, 8);
			if (word_needs_escape(w))
				break;
			i += 8;
		}
		if (i >= n)
			break;
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		buf_append(b, s + run, i - run);
		run = i + 1;
		switch (c) {
		case '"':
			buf_append(b, "\\\"", 2);
			break;
		case '\\':
			buf_append(b, "\\\\", 2);
			break;
		case '\b':
			buf_append(b, "\\b", 2);
			break;
		case '\f':
			buf_append(b, "\\f", 2);
			break;
		case '\n':
			buf_append(b, "\\n", 2);
			break;
		case '\r':
			buf_append(b, "\\r", 2);
			break;
		case '\t':
			buf_append(b, "\\t", 2);
			break;
		default: {
			char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
			buf_append(b, e, 6);
		}
		}
	}
	buf_append(b, s + run, n - run);
	buf_putc(b, '"');
}

static void put_integer(struct buf *b, json_int_t v)
{
	char tmp[24], *p = tmp + sizeof tmp;
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	buf_append(b, p, (size_t)(tmp + sizeof tmp - p));
}

/* A real that is a decimal with at most six places (areas in m², coordinates, amounts)
 * written as that decimal: 113.35, not jansson's "%.17g" 113.34999999999999. The text reads
 * back as the same double: n / 10^k is correctly rounded, as is the parse of its decimal,
 * and below 1e9 two such decimals are never one double. false: write it the long way. */
static bool put_real_short(struct buf *b, double v)
{
	static const double p10[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6};
	if (!(v > -1e9 && v < 1e9))
		return false; /* also NaN */
	if (v == 0) {
		if (signbit(v))
			buf_append(b, "-0.0", 4);
		else
			buf_append(b, "0.0", 3);
		return true;
	}
	for (int k = 0; k < 7; k++) {
		long long n = llrint(v * p10[k]);
		if ((double)n / p10[k] != v)
			continue;
		/* The smallest such k: the last decimal is not 0 (or k = 0). */
		char tmp[32], *p = tmp + sizeof tmp;
		unsigned long long u = n < 0 ? 0ULL - (unsigned long long)n : (unsigned long long)n;
		if (k == 0) {
			*--p = '0';
			*--p = '.';
		}
		for (int d = 0; d < k || u; d++) {
			*--p = (char)('0' + u % 10);
			u /= 10;
			if (d == k - 1) {
				*--p = '.';
				if (!u)
					*--p = '0';
			}
		}
		if (n < 0)
			*--p = '-';
		buf_append(b, p, (size_t)(tmp + sizeof tmp - p));
		return true;
	}
	return false;
}

/* Otherwise jansson's jsonp_dtostr: "%.17g", a ".0" when it would read back as an integer,
 * and no '+' or leading zeros in the exponent. */
static void put_real(struct buf *b, double v)
{
	if (put_real_short(b, v))
		return;
	char s[64];
	int n = snprintf(s, sizeof s, "%.17g", v);
	if (n < 0 || (size_t)n >= sizeof s - 3) {
		buf_append(b, "null", 4);
		return;
	}
	if (!strchr(s, '.') && !strchr(s, 'e')) {
		memcpy(s + n, ".0", 3);
		n += 2;
	}
	char *start = strchr(s, 'e');
	if (start) {
		start++;
		char *end = start + 1;
		if (*start == '-')
			start++;
		while (*end == '0')
			end++;
		if (end != start) {
			memmove(start, end, (size_t)(s + n - end) + 1);
			n -= (int)(end - start);
		}
	}
	buf_append(b, s, (size_t)n);
}

static void put_value(struct buf *b, const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		buf_putc(b, '{');
		bool first = true;
		for (void *it = json_object_iter((json_t *)v); it;
		     it = json_object_iter_next((json_t *)v, it)) {
			if (!first)
				buf_putc(b, ',');
			first = false;
			put_string(b, json_object_iter_key(it), json_object_iter_key_len(it));
			buf_putc(b, ':');
			put_value(b, json_object_iter_value(it));
		}
		buf_putc(b, '}');
		break;
	}
	case JSON_ARRAY: {
		buf_putc(b, '[');
		size_t n = json_array_size(v);
		for (size_t i = 0; i < n; i++) {
			if (i)
				buf_putc(b, ',');
			put_value(b, json_array_get(v, i));
		}
		buf_putc(b, ']');
		break;
	}
	case JSON_STRING:
		put_string(b, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		put_integer(b, json_integer_value(v));
		break;
	case JSON_REAL:
		put_real(b, json_real_value(v));
		break;
	case JSON_TRUE:
		buf_append(b, "true", 4);
		break;
	case JSON_FALSE:
		buf_append(b, "false", 5);
		break;
	default:
		buf_append(b, "null", 4);
	}
}

void jw_document(struct buf *b, const json_t *v)
{
	buf_reserve(b, 4096); /* most answers fit: no reallocations while writing */
	/* As json_dumps without JSON_ENCODE_ANY: only an object or an array is a document. */
	if (!v || !(json_is_object(v) || json_is_array(v)))
		buf_append(b, "null", 4);
	else
		put_value(b, v);
}

/* ---- value by value ---- */

void jw_init(struct jw *w, struct buf *b)
{
	memset(w, 0, sizeof *w);
	w->b = b;
	buf_reserve(b, 4096);
}

/* Before a value or a key: the comma between members, unless a key was just written. */
static void sep(struct jw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	uint64_t bit = 1ull << w->depth;
	if (w->depth && (w->nonempty & bit))
		buf_putc(w->b, ',');
	w->nonempty |= bit;
}

static void open_(struct jw *w, char c)
{
	sep(w);
	buf_putc(w->b, c);
	if (w->depth < 63)
		w->depth++;
	w->nonempty &= ~(1ull << w->depth);
}

void jw_obj(struct jw *w)
{
	open_(w, '{');
}

void jw_arr(struct jw *w)
{
	open_(w, '[');
}

void jw_end_obj(struct jw *w)
{
	buf_putc(w->b, '}');
	if (w->depth)
		w->depth--;
}

void jw_end_arr(struct jw *w)
{
	buf_putc(w->b, ']');
	if (w->depth)
		w->depth--;
}

void jw_members(struct jw *w, const char *text, size_t len)
{
	if (!len)
		return;
	sep(w);
	buf_append(w->b, text, len);
}

void jw_key(struct jw *w, const char *k)
{
	sep(w);
	put_string(w->b, k, strlen(k));
	buf_putc(w->b, ':');
	w->after_key = true;
}

void jw_str(struct jw *w, const char *s)
{
	sep(w);
	size_t n = s ? strlen(s) : 0;
	if (!s || !utf8_valid(s, n))
		buf_append(w->b, "null", 4); /* as jansson refuses it: never broken JSON */
	else
		put_string(w->b, s, n);
}

void jw_int(struct jw *w, int64_t v)
{
	sep(w);
	put_integer(w->b, (json_int_t)v);
}

void jw_real(struct jw *w, double v)
{
	sep(w);
	put_real(w->b, v);
}

void jw_bool(struct jw *w, bool v)
{
	sep(w);
	if (v)
		buf_append(w->b, "true", 4);
	else
		buf_append(w->b, "false", 5);
}

void jw_null(struct jw *w)
{
	sep(w);
	buf_append(w->b, "null", 4);
}

void jw_value(struct jw *w, const json_t *v)
{
	sep(w);
	if (v)
		put_value(w->b, v);
	else
		buf_append(w->b, "null", 4);
}

int jw_tree(struct buf *b, int rc, json_t **out, struct xf_err *err)
{
	*out = rc == XF_OK ? json_loads(buf_cstr(b), 0, NULL) : NULL;
	buf_free(b);
	if (rc == XF_OK && !*out)
		return xf_fail(err, XF_EINTERNAL, "internal", "服务器内部错误");
	return rc;
}
