/* Open311 GeoReport v2 as outside systems call it: form-encoded POSTs (every field, its
 * bounds, duplicates, attributes, coordinates, addresses), authenticated by an open311 API
 * token in the Authorization header or as api_key, and the public GETs with their query
 * parameters (request ids, W3C dates, status, service code), in JSON and XML.
 * Input: a first byte choosing the call; then the form body, query string or path segment.
 * In a form, "@K" stands for the valid API token so the fuzzer can place api_key anywhere. */
#include "fuzz.h"
#include "app.h"
#include "auth/auth.h"
#include "core/clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char token[48];

static int make_token(struct db *db, void *arg, struct xf_err *err)
{
	int64_t id;
	return auth_token_create(db, "fuzz open311", "open311", clock_now() + 86400 * 365, 0, token,
	                         &id, err);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_app_init();
	if (fuzz_app_write(make_token, NULL) != XF_OK)
		abort();
	return 0;
}

/* Replace every "@K" by the token. */
static size_t with_token(const uint8_t *in, size_t n, char *out)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (in[i] == '@' && i + 1 < n && in[i + 1] == 'K') {
			memcpy(out + o, token, strlen(token));
			o += strlen(token);
			i++;
		} else {
			out[o++] = (char)in[i];
		}
	}
	return o;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 1 << 16)
		return 0;
	int mode = data[0] & 7;
	const uint8_t *rest = data + 1;
	size_t n = size - 1;
	char *body = malloc(n / 2 * 48 + n + 1);
	size_t blen = with_token(rest, n, body);
	char *uri = malloc(n + 64);
	struct fuzz_call c = {.method = "GET", .user = -1};
	static const char *const paths[] = {"/open311/v2/requests.json",
	                                    "/open311/v2/requests.xml"};
	switch (mode) {
	case 0:
	case 1:
	case 2:
	case 3:
		c.method = "POST";
		c.uri = paths[mode & 1];
		c.uri_len = strlen(c.uri);
		c.bearer = mode < 2 ? token : NULL;
		c.content_type = data[0] & 8 ? "application/x-www-form-urlencoded; charset=utf-8"
		                             : "application/x-www-form-urlencoded";
		c.body = body;
		c.body_len = blen;
		break;
	case 4:
	case 5:
		c.uri_len = (size_t)sprintf(uri, "%s?", paths[mode & 1]);
		memcpy(uri + c.uri_len, rest, n);
		c.uri_len += n;
		c.uri = uri;
		break;
	case 6:
	case 7:
		c.uri_len =
		    (size_t)sprintf(uri, "/open311/v2/%s/", mode == 6 ? "tokens" : "requests");
		memcpy(uri + c.uri_len, rest, n);
		c.uri_len += n;
		memcpy(uri + c.uri_len, ".json", 5);
		c.uri_len += 5;
		c.uri = uri;
		break;
	}
	struct buf out;
	buf_init(&out);
	int status = fuzz_app_call(&c, &out);
	if (status >= 500) {
		fprintf(stderr, "fuzz_open311: mode %d answered %d: %.300s\n", mode, status,
		        out.data ? out.data : "");
		abort();
	}
	/* What a POST answers: 201 with the new request's id and token, or an error in
	 * Open311's own shape ([{code, description}]), never {"error": …}. */
	if (mode < 4 && out.data && strstr(out.data, "{\"error\":"))
		abort();
	buf_free(&out);
	free(uri);
	free(body);
	return 0;
}
