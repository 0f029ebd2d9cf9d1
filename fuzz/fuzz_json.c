/* Every route's declared JSON body: strict parsing, then the shape check, as the router
 * does before any handler runs. And stored JSON text (a case event's detail) written by
 * jw_json_text: byte for byte what parsing it and writing the tree gives, whichever way it
 * goes. */
#include "fuzz.h"
#include "core/jv.h"
#include "core/jw.h"
#include "http/http.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	return 0;
}

static void stored_text(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = 0;
	size_t n = strlen(s);
	struct buf got, want;
	struct jw w;
	buf_init(&got);
	buf_init(&want);
	jw_init(&w, &got);
	jw_arr(&w);
	jw_json_text(&w, s);
	jw_end_arr(&w);
	json_t *v = n ? json_loadb(s, n, 0, NULL) : NULL;
	jw_init(&w, &want);
	jw_arr(&w);
	jw_value(&w, v);
	jw_end_arr(&w);
	if (strcmp(buf_cstr(&got), buf_cstr(&want)) != 0)
		abort();
	/* Canonical text parses, and writes back as itself. */
	if (jw_canonical(s, n) && (!v || got.len != n + 2 || memcmp(got.data + 1, s, n) != 0))
		abort();
	json_decref(v);
	buf_free(&got);
	buf_free(&want);
	free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 1 << 16)
		return 0;
	stored_text(data, size);
	json_t *v = NULL;
	struct xf_err err;
	xf_err_clear(&err);
	if (jv_parse((const char *)data, size, &v, &err) != XF_OK)
		return 0;
	for (size_t i = 0; i < http_nroutes; i++)
		if (http_routes[i].body)
			jv_check(v, http_routes[i].body, &err);
	json_decref(v);
	return 0;
}
