#include "xf.h"
#include "str.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fill(struct xf_err *err, int status, const char *code, const char *field,
                 const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));
static void fill(struct xf_err *err, int status, const char *code, const char *field,
                 const char *fmt, va_list ap)
{
	if (!err)
		return;
	err->status = status;
	err->http = 0;
	err->until = 0;
	snprintf(err->code, sizeof err->code, "%s", code);
	snprintf(err->field, sizeof err->field, "%s", field ? field : "");
	vsnprintf(err->message, sizeof err->message, fmt, ap);
	/* A long message cut at the buffer's end must not end in half a character: the message
	 * goes into JSON. */
	size_t n = strlen(err->message);
	while (n && !utf8_valid(err->message, n))
		err->message[--n] = 0;
}

int xf_fail(struct xf_err *err, int status, const char *code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fill(err, status, code, NULL, fmt, ap);
	va_end(ap);
	return status;
}

int xf_fail_field(struct xf_err *err, int status, const char *code, const char *field,
                  const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fill(err, status, code, field, fmt, ap);
	va_end(ap);
	return status;
}

void xf_err_clear(struct xf_err *err)
{
	memset(err, 0, sizeof *err);
}

int xf_err_http(const struct xf_err *err)
{
	if (err->http)
		return err->http;
	switch (err->status) {
	case XF_EINVAL:
		return 400;
	case XF_ENOTFOUND:
		return 404;
	case XF_ECONFLICT:
		return 409;
	case XF_EAUTH:
		return 401;
	case XF_EPERM:
		return 403;
	case XF_ETOOBIG:
		return 413;
	case XF_EBUSY:
		return 503;
	default:
		return 500;
	}
}

static void oom(void)
{
	fputs("xingfu: out of memory\n", stderr);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		oom();
	return q;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = 0;
	return p;
}
