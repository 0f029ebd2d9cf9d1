/* Text decoders that see input from outside: percent-decoding, UTF-8, a name's characters,
 * integers, the request-target splitter, cookies, and the personal-data format checks and
 * masks. */
#include "fuzz.h"
#include "core/pii.h"
#include "core/str.h"
#include "http/http.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 1 << 16)
		return 0;
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = 0;
	char *out = malloc(size + 1);
	long n = url_decode(s, size, out, size & 1);
	if (n >= 0 && !utf8_valid(out, (size_t)n))
		abort(); /* url_decode promises valid UTF-8 */
	/* The same verdict as jansson's own check (which allows NUL inside a string). */
	json_t *js = json_stringn(s, size);
	if (utf8_valid(s, size) != (js && !memchr(s, 0, size)))
		abort();
	json_decref(js);
	int64_t v;
	parse_i64(s, &v);
	char mask[64];
	pii_mask_phone(s, mask, sizeof mask);
	pii_mask_id(s, mask, sizeof mask);
	if (utf8_valid(s, strlen(s)))
		pii_mask_address(s, mask, sizeof mask);
	char chars[16][5];
	size_t nc = str_fold_chars(s, chars, 16);
	for (size_t i = 0; i < nc; i++)
		if (!chars[i][0] || strlen(chars[i]) > 4)
			abort(); /* each a character of 1-4 bytes */
	pii_phone_valid(s);
	pii_id_number_valid(s);
	struct req *r = req_new(NULL);
	req_set_uri(r, s, strlen(s));
	req_add_header(r, "Cookie", s);
	req_cookie(r, "xf_session");
	req_query(r, "q");
	req_free(r);
	free(out);
	free(s);
	return 0;
}
