/* Every route of the route table with what it takes from outside: a request body for the
 * routes that accept one (JSON through the declared shape and then the handler's own checks
 * and its write job; files and forms for the raw ones), a query string for the others —
 * signed in as any of the demo accounts, against a real demo city. fuzz_request finds routes
 * by chance; this harness names them, so each capability's input checks are reached.
 * Input: two bytes choosing the route, one the account (and whether to send the CSRF
 * token), one the path's ids and codes; then the body or query string. */
#include "fuzz.h"
#include "app.h"
#include "http/http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_app_init();
	return 0;
}

static const char *const method_names[] = {
    [HTTP_GET] = "GET",         [HTTP_POST] = "POST",     [HTTP_PUT] = "PUT",
    [HTTP_PATCH] = "PATCH",     [HTTP_DELETE] = "DELETE", [HTTP_HEAD] = "HEAD",
    [HTTP_OPTIONS] = "OPTIONS", [HTTP_OTHER] = "OTHER"};

static const char *const codes[] = {"me", "open311", "manual_award", "gift",    "city", "huanjing",
                                    "a",  "0",       "x-y_z",        "services"};

static const char *const raw_types[] = {
    "text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "image/jpeg",
    "application/x-www-form-urlencoded"};

/* The pattern with its placeholders filled: {id} and {n} by small ids (the demo city's
 * objects), any other {name} by a code, both chosen by seed. */
static size_t fill_path(const char *pattern, unsigned seed, char *out, size_t cap)
{
	size_t o = 0;
	unsigned k = 0;
	for (const char *p = pattern; *p && o + 24 < cap;) {
		if (*p != '{') {
			out[o++] = *p++;
			continue;
		}
		const char *end = strchr(p, '}');
		if (!end)
			break;
		bool number = (end - p == 3 && strncmp(p, "{id}", 4) == 0) ||
		              (end - p == 2 && strncmp(p, "{n}", 3) == 0);
		unsigned v = (seed >> (3 * k)) & 7;
		if (number)
			o += (size_t)snprintf(out + o, cap - o, "%u",
			                      1 + v + 8 * (k == 0 ? seed >> 6 : 0));
		else
			o += (size_t)snprintf(out + o, cap - o, "%s", codes[(seed + k) % 10]);
		k++;
		p = end + 1;
	}
	out[o] = 0;
	return o;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 4 || size > 1 << 16 || http_nroutes == 0)
		return 0;
	const struct route *rt = &http_routes[((size_t)data[0] << 8 | data[1]) % http_nroutes];
	int who = data[2] & 0x7f;
	unsigned seed = data[3];
	const uint8_t *rest = data + 4;
	size_t n = size - 4;
	char uri[1024];
	size_t len = fill_path(rt->pattern, seed, uri, sizeof uri - 1);
	struct fuzz_call c = {
	    .method = rt->method < (int)(sizeof method_names / sizeof method_names[0])
	                  ? method_names[rt->method]
	                  : "GET",
	    .user = who < (int)fuzz_nusers ? who : -1,
	    .no_csrf = data[2] & 0x80,
	};
	if (rt->max_body) {
		c.body = rest;
		c.body_len = n;
		c.content_type = rt->raw_body ? raw_types[seed >> 6] : "application/json";
	} else if (n) {
		/* A query string: whatever the bytes are, up to the end of the buffer. */
		size_t q = n < sizeof uri - len - 2 ? n : sizeof uri - len - 2;
		uri[len++] = '?';
		memcpy(uri + len, rest, q);
		len += q;
		uri[len] = 0;
	}
	c.uri = uri;
	c.uri_len = len;
	int status = fuzz_app_call(&c, NULL);
	/* A server error is a bug here: the demo city is healthy, so every refusal of bad
	 * input must be a 4xx with a reason. */
	if (status >= 500) {
		fprintf(stderr, "fuzz_route: %s %s answered %d\n", c.method, rt->pattern, status);
		abort();
	}
	return 0;
}
