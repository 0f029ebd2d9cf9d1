/* Shared basics: status codes, the error record every layer fills, checked allocation.
 * Every module includes this first. */
#ifndef XF_H
#define XF_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define XF_VERSION "0.1.0"

enum xf_status {
	XF_OK = 0,
	XF_EINVAL = -1,    /* bad input: 400/422 */
	XF_ENOTFOUND = -2, /* 404 */
	XF_ECONFLICT = -3, /* 409 */
	XF_EAUTH = -4,     /* 401 */
	XF_EPERM = -5,     /* 403 */
	XF_ETOOBIG = -6,   /* 413 */
	XF_EBUSY = -7,     /* 503 / 429 */
	XF_EDB = -8,       /* storage failure: 500 */
	XF_EIO = -9,       /* file or system failure */
	XF_EINTERNAL = -10,
	XF_PENDING = 1, /* handler queued a write job; answer comes later */
};

struct xf_err {
	int status;        /* enum xf_status */
	int http;          /* HTTP status to answer with, 0 = derive from status */
	char code[48];     /* stable English code: "validation_failed" */
	char message[256]; /* human message, Chinese */
	char field[64];    /* offending field, if any */
	int64_t until;     /* when a lock or limit ends (UTC seconds), 0 = not applicable */
};

/* Fill err and return status. Message is printf-style. */
int xf_fail(struct xf_err *err, int status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Same, naming the offending input field. */
int xf_fail_field(struct xf_err *err, int status, const char *code, const char *field,
                  const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void xf_err_clear(struct xf_err *err);
/* HTTP status for an error record. */
int xf_err_http(const struct xf_err *err);

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* Checked size arithmetic: false on overflow. */
static inline bool xf_add_ok(size_t a, size_t b, size_t *out)
{
	return !__builtin_add_overflow(a, b, out);
}
static inline bool xf_mul_ok(size_t a, size_t b, size_t *out)
{
	return !__builtin_mul_overflow(a, b, out);
}

#define XF_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#endif
