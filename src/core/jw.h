/* JSON text for answers, written straight into a buffer: from a jansson tree (jw_document,
 * byte for byte what json_dumps(v, JSON_COMPACT) gives, but for short decimals) or value by
 * value with no tree at all (struct jw: the hottest reads, a case card, build no tree). */
#ifndef XF_JW_H
#define XF_JW_H

#include "buf.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

void jw_document(struct buf *b, const json_t *v);

/* The writer keeps the commas: open a container, write keys and values, close it. A key's
 * text is written as given (our own ASCII literals); a string value that is not UTF-8 is
 * written as null. */
struct jw {
	struct buf *b;
	int depth;
	uint64_t nonempty; /* bit d: the container at depth d has a member */
	bool after_key;
};
void jw_init(struct jw *w, struct buf *b);
void jw_obj(struct jw *w);
void jw_end_obj(struct jw *w);
void jw_arr(struct jw *w);
void jw_end_arr(struct jw *w);
void jw_key_n(struct jw *w, const char *k, size_t n);
/* Inline so that a literal key's length is known when compiling. */
static inline void jw_key(struct jw *w, const char *k)
{
	jw_key_n(w, k, strlen(k));
}
void jw_str(struct jw *w, const char *s);
void jw_int(struct jw *w, int64_t v);
/* As jansson writes a real, but a decimal of up to six places as that decimal (113.35). */
void jw_real(struct jw *w, double v);
void jw_bool(struct jw *w, bool v);
void jw_null(struct jw *w);
/* Members already written as JSON text ("k":v,… — our own constants, encoded once), added to
 * the open object as if written key by key. */
void jw_members(struct jw *w, const char *text, size_t len);
/* A jansson value (NULL: null), as jw_document writes one. */
void jw_value(struct jw *w, const json_t *v);
/* JSON text we stored (a case event's detail): written as is when it is exactly what this
 * writer would write for it (jw_canonical: compact, no reals, no other escapes), otherwise
 * parsed and written as jw_value — null when it does not parse or is empty. */
void jw_json_text(struct jw *w, const char *text);
bool jw_canonical(const char *text, size_t n);
/* For callers that want a tree of what was written into b (exports, stored answers): rc is
 * the writing's outcome; on XF_OK *out is the parsed text. b is freed either way. */
int jw_tree(struct buf *b, int rc, json_t **out, struct xf_err *err);

#endif
