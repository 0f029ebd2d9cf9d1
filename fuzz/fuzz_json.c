/* Every route's declared JSON body: strict parsing, then the shape check, as the router
 * does before any handler runs. */
#include "fuzz.h"
#include "core/jv.h"
#include "http/http.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 1 << 16)
		return 0;
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
