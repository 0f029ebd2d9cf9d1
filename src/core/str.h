/* Byte-level text helpers that see input from outside: UTF-8 validation, percent-decoding,
 * base64url, hex, constant-time compare. All bounded, all fuzzed. */
#ifndef XF_STR_H
#define XF_STR_H

#include "xf.h"

/* True if s[0..n) is well-formed UTF-8 with no NUL and no overlong or surrogate forms. */
bool utf8_valid(const char *s, size_t n);
/* Number of code points in valid UTF-8. */
size_t utf8_len(const char *s, size_t n);
/* Percent-decode s[0..n) into out (capacity n+1). plus_space turns '+' into ' '.
 * Returns decoded length, or -1 on a malformed escape, an encoded NUL or invalid UTF-8. */
long url_decode(const char *s, size_t n, char *out, bool plus_space);
/* base64url without padding. out needs 4*ceil(n/3)+1 bytes. Returns length. */
size_t b64url_encode(const unsigned char *in, size_t n, char *out);
void hex_encode(const unsigned char *in, size_t n, char *out /* 2n+1 */);
/* Parse a decimal int64 with no sign other than a leading '-', no spaces. */
bool parse_i64(const char *s, int64_t *out);
bool str_eq_ct(const char *a, const char *b);
bool str_has_prefix(const char *s, const char *prefix);
/* A LIKE pattern (for "LIKE ? ESCAPE '\\'") matching text that contains q (contains) or starts
 * with it: q's own '%', '_' and '\\' are escaped, so they match only themselves. Truncated
 * to cap (never between an escape and its character). */
void str_like_pattern(char *out, size_t cap, const char *q, bool contains);
/* The characters of s (its code points), each once, in order of first appearance, with ASCII
 * letters folded to lower case as SQLite's LIKE folds them: out[i] holds one, NUL-terminated.
 * At most max; a byte that does not start a well-formed sequence counts as one character.
 * Returns how many. (The keys of people_name_chars, and of a search for them.) */
size_t str_fold_chars(const char *s, char out[][5], size_t max);

#endif
