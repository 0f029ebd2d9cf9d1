/* Photo sniffing and metadata stripping (src/cases/photo.c) on arbitrary bytes: never reads
 * out of bounds, never grows the file, and what it returns is a photo of the type it said
 * that a second pass leaves exactly as it is. */
#include "fuzz.h"
#include "cases/photo.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 1 << 20)
		return 0;
	struct buf out, again;
	buf_init(&out);
	buf_init(&again);
	enum photo_type t, t2;
	struct xf_err e;
	int rc = photo_clean(data, size, &out, &t, &e);
	if (rc != XF_OK) {
		if (out.len || t != PHOTO_NONE || !e.code[0])
			abort(); /* a refusal leaves nothing behind and says why */
	} else {
		if (out.len > size || photo_sniff(out.data, out.len) != t)
			abort();
		if (photo_clean(out.data, out.len, &again, &t2, &e) != XF_OK || t2 != t ||
		    again.len != out.len || memcmp(again.data, out.data, out.len) != 0)
			abort(); /* stripping is idempotent */
	}
	buf_free(&out);
	buf_free(&again);
	return 0;
}
