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

/* Does any byte of s need an escape? */
static inline bool needs_escape(const char *s, size_t n)
{
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, s + i, 8);
		if (word_needs_escape(w))
			return true;
	}
	for (; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == '"' || c == '\\')
			return true;
	}
	return false;
}

/* Room for n more bytes (and the NUL) at b->data + b->len. */
static inline char *room(struct buf *b, size_t n)
{
	if (b->len + n + 1 > b->cap)
		buf_reserve(b, n);
	return b->data + b->len;
}

/* s in quotes, with a suffix byte when suffix is not 0: what nearly every string and key is
 * (nothing to escape), written with one reservation and one copy. */
static inline void put_plain(struct buf *b, const char *s, size_t n, char suffix)
{
	char *p = room(b, n + 3);
	*p++ = '"';
	memcpy(p, s, n);
	p += n;
	*p++ = '"';
	if (suffix)
		*p++ = suffix;
	*p = 0;
	b->len = (size_t)(p - b->data);
}

static void put_string(struct buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	if (!needs_escape(s, n)) {
		put_plain(b, s, n, 0);
		return;
	}
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

void jw_key_n(struct jw *w, const char *k, size_t n)
{
	sep(w);
	if (!needs_escape(k, n)) {
		put_plain(w->b, k, n, ':');
	} else {
		put_string(w->b, k, n);
		buf_putc(w->b, ':');
	}
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

/* ---- stored JSON text ---- */

/* Is s[*i…] one value exactly as put_value writes what jansson parses from it? Compact (no
 * white space), objects and arrays (nested at most 32 deep, at most 16 keys an object, no key
 * twice), strings in UTF-8 with only the escapes put_string makes, integers in int64's range
 * with no leading zero, true, false, null — no reals (jw writes some shorter than they were
 * stored). Anything else is not "canonical", and is parsed instead: this only ever decides
 * between two ways of writing the same answer. */
static bool canon_value(const char *s, size_t n, size_t *i, int depth);

static bool canon_string(const char *s, size_t n, size_t *i, size_t *start, size_t *len)
{
	if (*i >= n || s[*i] != '"')
		return false;
	size_t k = ++*i;
	*start = k;
	while (k < n && s[k] != '"') {
		unsigned char c = (unsigned char)s[k];
		if (c < 0x20)
			return false;
		if (c != '\\') {
			k++;
			continue;
		}
		if (k + 1 >= n)
			return false;
		char e = s[k + 1];
		if (e == '"' || e == '\\' || e == 'b' || e == 'f' || e == 'n' || e == 'r' ||
		    e == 't') {
			k += 2;
			continue;
		}
		/* \u00XX with upper-case hex for the other control characters, as put_string. */
		static const char hex[] = "0123456789ABCDEF";
		if (e != 'u' || k + 6 > n || s[k + 2] != '0' || s[k + 3] != '0' ||
		    (s[k + 4] != '0' && s[k + 4] != '1') || !strchr(hex, s[k + 5]) || !s[k + 5])
			return false;
		unsigned v =
		    (unsigned)(s[k + 4] - '0') * 16 + (unsigned)(strchr(hex, s[k + 5]) - hex);
		/* \u0000 jansson refuses; the five above have their own escape. */
		if (v == 0 || v == '\b' || v == '\f' || v == '\n' || v == '\r' || v == '\t')
			return false;
		k += 6;
	}
	if (k >= n || !utf8_valid(s + *start, k - *start))
		return false;
	*len = k - *start;
	*i = k + 1;
	return true;
}

static bool canon_integer(const char *s, size_t n, size_t *i)
{
	size_t k = *i;
	bool neg = k < n && s[k] == '-';
	if (neg)
		k++;
	if (k >= n || s[k] < '0' || s[k] > '9')
		return false;
	if (s[k] == '0') {
		if (neg)
			return false; /* -0: jansson writes 0 */
		k++;
	} else {
		unsigned long long v = 0;
		for (; k < n && s[k] >= '0' && s[k] <= '9'; k++) {
			unsigned d = (unsigned)(s[k] - '0');
			if (v > (9223372036854775808ull - d) / 10)
				return false;
			v = v * 10 + d;
		}
		if (!neg && v > 9223372036854775807ull)
			return false;
	}
	if (k < n && (s[k] == '.' || s[k] == 'e' || s[k] == 'E' || (s[k] >= '0' && s[k] <= '9')))
		return false; /* a real, or a leading zero */
	*i = k;
	return true;
}

static bool canon_value(const char *s, size_t n, size_t *i, int depth)
{
	if (*i >= n || depth > 32)
		return false;
	size_t start, len;
	switch (s[*i]) {
	case '{': {
		size_t keys[16][2];
		int nk = 0;
		++*i;
		if (*i < n && s[*i] == '}') {
			++*i;
			return true;
		}
		for (;;) {
			if (nk == 16 || !canon_string(s, n, i, &start, &len))
				return false;
			for (int k = 0; k < nk; k++)
				if (keys[k][1] == len &&
				    memcmp(s + keys[k][0], s + start, len) == 0)
					return false;
			keys[nk][0] = start;
			keys[nk++][1] = len;
			if (*i >= n || s[*i] != ':')
				return false;
			++*i;
			if (!canon_value(s, n, i, depth + 1))
				return false;
			if (*i < n && s[*i] == ',') {
				++*i;
				continue;
			}
			if (*i < n && s[*i] == '}') {
				++*i;
				return true;
			}
			return false;
		}
	}
	case '[':
		++*i;
		if (*i < n && s[*i] == ']') {
			++*i;
			return true;
		}
		for (;;) {
			if (!canon_value(s, n, i, depth + 1))
				return false;
			if (*i < n && s[*i] == ',') {
				++*i;
				continue;
			}
			if (*i < n && s[*i] == ']') {
				++*i;
				return true;
			}
			return false;
		}
	case '"':
		return canon_string(s, n, i, &start, &len);
	case 't':
		if (n - *i >= 4 && memcmp(s + *i, "true", 4) == 0) {
			*i += 4;
			return true;
		}
		return false;
	case 'f':
		if (n - *i >= 5 && memcmp(s + *i, "false", 5) == 0) {
			*i += 5;
			return true;
		}
		return false;
	case 'n':
		if (n - *i >= 4 && memcmp(s + *i, "null", 4) == 0) {
			*i += 4;
			return true;
		}
		return false;
	default:
		return canon_integer(s, n, i);
	}
}

bool jw_canonical(const char *text, size_t n)
{
	size_t i = 0;
	return n && (text[0] == '{' || text[0] == '[') && canon_value(text, n, &i, 0) && i == n;
}

void jw_json_text(struct jw *w, const char *text)
{
	size_t n = text ? strlen(text) : 0;
	if (jw_canonical(text, n)) {
		sep(w);
		buf_append(w->b, text, n);
		return;
	}
	json_t *v = n ? json_loadb(text, n, 0, NULL) : NULL;
	jw_value(w, v);
	json_decref(v);
}

int jw_tree(struct buf *b, int rc, json_t **out, struct xf_err *err)
{
	*out = rc == XF_OK ? json_loads(buf_cstr(b), 0, NULL) : NULL;
	buf_free(b);
	if (rc == XF_OK && !*out)
		return xf_fail(err, XF_EINTERNAL, "internal", "服务器内部错误");
	return rc;
}
