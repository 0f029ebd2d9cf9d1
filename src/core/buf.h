/* Growable length-carrying byte buffers (always NUL-terminated) and an arena that frees a
 * request's allocations in one go. */
#ifndef XF_BUF_H
#define XF_BUF_H

#include "xf.h"

struct buf {
	char *data; /* NUL-terminated; NULL until first write */
	size_t len;
	size_t cap;
};

void buf_init(struct buf *b);
void buf_free(struct buf *b);
void buf_reset(struct buf *b);
void buf_append(struct buf *b, const void *data, size_t n);
void buf_puts(struct buf *b, const char *s);
/* Room for n more bytes without another allocation (an answer about to be written). */
void buf_reserve(struct buf *b, size_t n);
/* One byte; inline because JSON output writes one between every two values. */
static inline void buf_putc(struct buf *b, char c)
{
	if (b->len + 2 <= b->cap) {
		b->data[b->len++] = c;
		b->data[b->len] = 0;
	} else {
		buf_append(b, &c, 1);
	}
}
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append s as a JSON string literal, quotes included. */
void buf_json_str(struct buf *b, const char *s);
/* Detach the data (caller frees); buffer becomes empty. */
char *buf_steal(struct buf *b);
const char *buf_cstr(const struct buf *b);

struct arena;
struct arena *arena_new(void);
void arena_free(struct arena *a);
void *arena_alloc(struct arena *a, size_t n);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);

#endif
