/* cases/photo.c: type sniffing from the bytes and metadata stripping for JPEG, PNG and WebP,
 * everything else byte for byte; damaged and foreign files refused. */
#include "../support/testlib.h"
#include "../support/imgbytes.h"
#include "cases/photo.h"

#include <stdlib.h>
#include <string.h>

static bool contains(const struct buf *b, const void *needle, size_t n)
{
	return b->len >= n && memmem(b->data, b->len, needle, n) != NULL;
}

static int clean(const struct buf *in, struct buf *out, enum photo_type *t, struct xf_err *e)
{
	return photo_clean(in->data, in->len, out, t, e);
}

static void test_jpeg_loses_its_exif_segment_and_keeps_the_rest_byte_exact(void **state)
{
	struct buf in, out, want;
	buf_init(&in);
	buf_init(&out);
	buf_init(&want);
	size_t at, len;
	img_jpeg_with_gps(&in, &at, &len);
	enum photo_type t;
	struct xf_err e;
	assert_int_equal(clean(&in, &out, &t, &e), XF_OK);
	assert_int_equal(t, PHOTO_JPEG);
	assert_string_equal(photo_mime(t), "image/jpeg");
	assert_false(contains(&out, "GPSLatitude", 11));
	assert_false(contains(&out, "\xFF\xE1", 2));
	buf_append(&want, in.data, at);
	buf_append(&want, in.data + at + len, in.len - at - len);
	assert_int_equal(out.len, want.len);
	assert_memory_equal(out.data, want.data, want.len);
	buf_free(&in);
	buf_free(&out);
	buf_free(&want);
}

static void test_jpeg_drops_iptc_comments_and_what_follows_the_end(void **state)
{
	struct buf in, out;
	buf_init(&in);
	buf_init(&out);
	size_t at, len;
	img_jpeg_with_gps(&in, &at, &len);
	/* Insert APP13 (IPTC), COM and an APP2 ICC profile after APP0, and a trailer (a second
	 * image with its own Exif, as phones append) after EOI. */
	struct buf x;
	buf_init(&x);
	buf_append(&x, in.data, 20);
	img_segment(&x, 0xED, "Photoshop 3.0\0" IMG_GPS_TEXT, 14 + sizeof IMG_GPS_TEXT - 1);
	img_segment(&x, 0xFE, "taken at home", 13);
	img_segment(&x, 0xE2, "ICC_PROFILE\0\x01\x01", 14);
	buf_append(&x, in.data + 20, in.len - 20);
	buf_append(&x,
	           "\xFF\xD8\xFF\xE1\0\x10"
	           "Exif\0\0GPS....",
	           20);
	enum photo_type t;
	struct xf_err e;
	assert_int_equal(clean(&x, &out, &t, &e), XF_OK);
	assert_false(contains(&out, "GPS", 3));
	assert_false(contains(&out, "taken at home", 13));
	assert_true(contains(&out, "ICC_PROFILE", 11));
	assert_memory_equal(out.data + out.len - 2, "\xFF\xD9", 2);
	assert_false(contains(&out, "\xFF\xD9\xFF\xD8", 4));
	/* Cleaning twice changes nothing more. */
	struct buf again;
	buf_init(&again);
	assert_int_equal(photo_clean(out.data, out.len, &again, &t, &e), XF_OK);
	assert_int_equal(again.len, out.len);
	assert_memory_equal(again.data, out.data, out.len);
	buf_free(&again);
	buf_free(&x);
	buf_free(&in);
	buf_free(&out);
}

static void test_damaged_jpegs_are_refused(void **state)
{
	struct buf in, out;
	buf_init(&in);
	buf_init(&out);
	size_t at, len;
	img_jpeg_with_gps(&in, &at, &len);
	enum photo_type t;
	struct xf_err e;
	/* Cut anywhere before the end: no EOI, or a segment longer than the file. */
	for (size_t n = 3; n < in.len - 1; n++) {
		xf_err_clear(&e);
		assert_int_equal(photo_clean(in.data, n, &out, &t, &e), XF_EINVAL);
		assert_string_equal(e.code, "bad_image");
		assert_int_equal(out.len, 0);
	}
	/* A segment length below 2. */
	char bad[] = "\xFF\xD8\xFF\xE0\x00\x01\xFF\xD9";
	assert_int_equal(photo_clean(bad, sizeof bad - 1, &out, &t, &e), XF_EINVAL);
	/* No image data at all. */
	assert_int_equal(photo_clean("\xFF\xD8\xFF\xD9", 4, &out, &t, &e), XF_EINVAL);
	buf_free(&in);
	buf_free(&out);
}

static void test_png_loses_text_time_and_exif_chunks(void **state)
{
	struct buf in, out, want;
	buf_init(&in);
	buf_init(&out);
	buf_init(&want);
	size_t at, len;
	img_png_with_text(&in, &at, &len);
	enum photo_type t;
	struct xf_err e;
	assert_int_equal(clean(&in, &out, &t, &e), XF_OK);
	assert_int_equal(t, PHOTO_PNG);
	buf_append(&want, in.data, at);
	buf_append(&want, in.data + at + len, in.len - at - len);
	assert_int_equal(out.len, want.len);
	assert_memory_equal(out.data, want.data, want.len);

	/* zTXt, iTXt, tIME and eXIf go too; other chunks (gAMA) stay; after IEND nothing. */
	struct buf x;
	buf_init(&x);
	buf_append(&x, in.data, 33); /* signature + IHDR */
	img_chunk(&x, "gAMA", "\0\0\xb1\x8f", 4);
	img_chunk(&x, "zTXt", "k\0\0xx", 5);
	img_chunk(&x, "iTXt", "k\0\0\0\0\0v", 7);
	img_chunk(&x, "tIME", "\x07\xea\x0b\x1b\x08\0\0", 7);
	img_chunk(&x, "eXIf", "MM\0*" IMG_GPS_TEXT, 4 + sizeof IMG_GPS_TEXT - 1);
	buf_append(&x, in.data + at + len, in.len - at - len);
	buf_append(&x, "trailing secrets", 16);
	assert_int_equal(clean(&x, &out, &t, &e), XF_OK);
	assert_true(contains(&out, "gAMA", 4));
	assert_false(contains(&out, "zTXt", 4) || contains(&out, "iTXt", 4) ||
	             contains(&out, "tIME", 4) || contains(&out, "eXIf", 4));
	assert_false(contains(&out, "trailing", 8));
	assert_memory_equal(out.data + out.len - 8, "IEND\0\0\0\0", 8);

	/* Damaged: cut short, a huge length, a first chunk other than IHDR. */
	assert_int_equal(photo_clean(in.data, in.len - 4, &out, &t, &e), XF_EINVAL);
	assert_string_equal(e.code, "bad_image");
	struct buf y;
	buf_init(&y);
	buf_append(&y, in.data, 8);
	img_chunk(&y, "IDAT", "x", 1);
	assert_int_equal(clean(&y, &out, &t, &e), XF_EINVAL);
	buf_reset(&y);
	buf_append(&y, in.data, 8);
	buf_append(&y, "\x7f\xff\xff\xffIHDR", 8);
	assert_int_equal(clean(&y, &out, &t, &e), XF_EINVAL);
	buf_free(&y);
	buf_free(&x);
	buf_free(&in);
	buf_free(&out);
	buf_free(&want);
}

static uint32_t le32_at(const char *p)
{
	const unsigned char *u = (const unsigned char *)p;
	return (uint32_t)u[0] | (uint32_t)u[1] << 8 | (uint32_t)u[2] << 16 | (uint32_t)u[3] << 24;
}

static void test_webp_loses_exif_and_xmp_and_its_flags_and_size_agree(void **state)
{
	struct buf in, out;
	buf_init(&in);
	buf_init(&out);
	img_webp_with_exif(&in);
	enum photo_type t;
	struct xf_err e;
	assert_int_equal(clean(&in, &out, &t, &e), XF_OK);
	assert_int_equal(t, PHOTO_WEBP);
	assert_string_equal(photo_mime(t), "image/webp");
	assert_false(contains(&out, "EXIF", 4));
	assert_false(contains(&out, "XMP ", 4));
	assert_false(contains(&out, "GPS", 3));
	assert_int_equal(le32_at(out.data + 4), out.len - 8);
	assert_memory_equal(out.data + 12, "VP8X", 4);
	assert_int_equal((unsigned char)out.data[20] & 0x0C, 0);
	assert_true(contains(&out, "VP8 ", 4));
	/* 12 header + VP8X (18) + VP8 (20) */
	assert_int_equal(out.len, 12 + 18 + 20);

	/* A RIFF size beyond the file, and a chunk overrunning the RIFF, are damage. */
	struct buf x;
	buf_init(&x);
	buf_append(&x, in.data, in.len);
	x.data[4] = (char)0xFF;
	assert_int_equal(clean(&x, &out, &t, &e), XF_EINVAL);
	assert_string_equal(e.code, "bad_image");
	assert_int_equal(photo_clean(in.data, 30, &out, &t, &e), XF_EINVAL);
	buf_free(&x);
	buf_free(&in);
	buf_free(&out);
}

static void test_other_types_and_oversize_files_are_refused(void **state)
{
	struct buf out;
	buf_init(&out);
	enum photo_type t;
	struct xf_err e;
	const char *foreign[] = {"GIF89a\x01\0\x01\0\0\0\0;",
	                         "<html><script>alert(1)</script>",
	                         "<svg xmlns='http://www.w3.org/2000/svg'/>",
	                         "%PDF-1.7",
	                         "",
	                         "\xFF\xD8"};
	for (size_t i = 0; i < XF_ARRAY_LEN(foreign); i++) {
		xf_err_clear(&e);
		assert_int_equal(photo_clean(foreign[i], strlen(foreign[i]), &out, &t, &e),
		                 XF_EINVAL);
		assert_string_equal(e.code, "unsupported_media_type");
		assert_int_equal(t, PHOTO_NONE);
	}
	assert_int_equal(photo_sniff("RIFF\0\0\0\0WAVE", 12), PHOTO_NONE);
	char *big = calloc(1, PHOTO_MAX_BYTES + 1);
	memcpy(big, "\xFF\xD8\xFF", 3);
	assert_int_equal(photo_clean(big, PHOTO_MAX_BYTES + 1, &out, &t, &e), XF_ETOOBIG);
	assert_string_equal(e.code, "photo_too_large");
	free(big);
	buf_free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_jpeg_loses_its_exif_segment_and_keeps_the_rest_byte_exact),
	    cmocka_unit_test(test_jpeg_drops_iptc_comments_and_what_follows_the_end),
	    cmocka_unit_test(test_damaged_jpegs_are_refused),
	    cmocka_unit_test(test_png_loses_text_time_and_exif_chunks),
	    cmocka_unit_test(test_webp_loses_exif_and_xmp_and_its_flags_and_size_agree),
	    cmocka_unit_test(test_other_types_and_oversize_files_are_refused),
	};
	return TS_RUN(tests, NULL, NULL);
}
