#include "str.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

bool utf8_valid(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	while (i < n) {
		/* Eight ASCII bytes at a time while none is NUL or above 0x7F. */
		while (i + 8 <= n) {
			uint64_t w;
			memcpy(&w, s + i, 8);
			if ((w | ((w - 0x0101010101010101ull) & ~w)) & 0x8080808080808080ull)
				break;
			i += 8;
		}
		if (i >= n)
			break;
		unsigned c = s[i];
		if (c == 0)
			return false;
		if (c < 0x80) {
			i++;
			continue;
		}
		/* The common case in Chinese text, a three-byte character outside U+D800…U+DFFF
		 * that is not overlong: E1…EC and EE…EF with two continuation bytes. */
		if (c >= 0xE1 && c != 0xED && c <= 0xEF && n - i >= 3 &&
		    (s[i + 1] & 0xC0) == 0x80 && (s[i + 2] & 0xC0) == 0x80) {
			i += 3;
			continue;
		}
		size_t len;
		unsigned cp;
		if ((c & 0xE0) == 0xC0) {
			len = 2;
			cp = c & 0x1F;
		} else if ((c & 0xF0) == 0xE0) {
			len = 3;
			cp = c & 0x0F;
		} else if ((c & 0xF8) == 0xF0) {
			len = 4;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (n - i < len)
			return false;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
		    (len == 4 && cp < 0x10000) || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		i += len;
	}
	return true;
}

size_t utf8_len(const char *s, size_t n)
{
	size_t count = 0;
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			count++;
	return count;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

long url_decode(const char *s, size_t n, char *out, bool plus_space)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '%') {
			if (n - i < 3)
				return -1;
			int h = hexval(s[i + 1]), l = hexval(s[i + 2]);
			if (h < 0 || l < 0)
				return -1;
			c = (char)(h * 16 + l);
			if (c == 0)
				return -1;
			i += 2;
		} else if (c == '+' && plus_space) {
			c = ' ';
		} else if (c == 0) {
			return -1;
		}
		out[o++] = c;
	}
	out[o] = 0;
	if (!utf8_valid(out, o))
		return -1;
	return (long)o;
}

size_t b64url_encode(const unsigned char *in, size_t n, char *out)
{
	static const char tbl[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	size_t o = 0, i = 0;
	for (; i + 2 < n; i += 3) {
		unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 | in[i + 2];
		out[o++] = tbl[(v >> 18) & 63];
		out[o++] = tbl[(v >> 12) & 63];
		out[o++] = tbl[(v >> 6) & 63];
		out[o++] = tbl[v & 63];
	}
	if (n - i == 1) {
		unsigned v = (unsigned)in[i] << 16;
		out[o++] = tbl[(v >> 18) & 63];
		out[o++] = tbl[(v >> 12) & 63];
	} else if (n - i == 2) {
		unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8;
		out[o++] = tbl[(v >> 18) & 63];
		out[o++] = tbl[(v >> 12) & 63];
		out[o++] = tbl[(v >> 6) & 63];
	}
	out[o] = 0;
	return o;
}

void hex_encode(const unsigned char *in, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hex[in[i] >> 4];
		out[2 * i + 1] = hex[in[i] & 15];
	}
	out[2 * n] = 0;
}

bool parse_i64(const char *s, int64_t *out)
{
	if (!s || !*s)
		return false;
	const char *p = s;
	if (*p == '-')
		p++;
	if (!*p || strlen(p) > 19)
		return false;
	for (const char *q = p; *q; q++)
		if (*q < '0' || *q > '9')
			return false;
	errno = 0;
	char *end;
	long long v = strtoll(s, &end, 10);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

bool str_eq_ct(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned char d = (unsigned char)(la != lb);
	size_t n = la < lb ? la : lb;
	for (size_t i = 0; i < n; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

bool str_has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

size_t str_fold_chars(const char *s, char out[][5], size_t max)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t n = 0;
	while (*p && n < max) {
		size_t len = *p < 0x80             ? 1
		             : (*p & 0xE0) == 0xC0 ? 2
		             : (*p & 0xF0) == 0xE0 ? 3
		             : (*p & 0xF8) == 0xF0 ? 4
		                                   : 1;
		for (size_t k = 1; k < len; k++)
			if ((p[k] & 0xC0) != 0x80) {
				len = 1; /* a cut or malformed sequence: its first byte alone */
				break;
			}
		char c[5];
		memcpy(c, p, len);
		c[len] = 0;
		if (len == 1 && c[0] >= 'A' && c[0] <= 'Z')
			c[0] = (char)(c[0] - 'A' + 'a');
		p += len;
		bool seen = false;
		for (size_t i = 0; i < n && !seen; i++)
			seen = strcmp(out[i], c) == 0;
		if (!seen)
			memcpy(out[n++], c, len + 1);
	}
	return n;
}

void str_like_pattern(char *out, size_t cap, const char *q, bool contains)
{
	size_t n = 0;
	if (cap < 3) {
		if (cap)
			out[0] = 0;
		return;
	}
	if (contains)
		out[n++] = '%';
	for (const char *c = q ? q : ""; *c; c++) {
		bool esc = *c == '%' || *c == '_' || *c == '\\';
		if (n + (esc ? 2 : 1) + 2 > cap)
			break;
		if (esc)
			out[n++] = '\\';
		out[n++] = *c;
	}
	out[n++] = '%';
	out[n] = 0;
}
