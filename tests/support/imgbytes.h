/* Small images built byte by byte for the photo tests: a JPEG whose Exif segment carries a
 * GPS position, a PNG with text chunks, a WebP with EXIF and XMP chunks. Structurally valid
 * (what photo_clean walks), not meant to be decoded. Each function appends to b and returns
 * where the metadata it planted starts and ends, so a test can cut it out by hand. */
#ifndef XF_TEST_IMGBYTES_H
#define XF_TEST_IMGBYTES_H

#include "core/buf.h"

#include <stdint.h>
#include <string.h>

#define IMG_GPS_TEXT "GPSLatitude 30.2015N GPSLongitude 115.0388E"

static inline void img_put(struct buf *b, const char *bytes, size_t n)
{
	buf_append(b, bytes, n);
}

static inline void img_segment(struct buf *b, unsigned char marker, const char *data, size_t n)
{
	unsigned char h[4] = {0xFF, marker, (unsigned char)((n + 2) >> 8),
	                      (unsigned char)((n + 2) & 0xFF)};
	buf_append(b, h, 4);
	buf_append(b, data, n);
}

/* SOI, APP0 JFIF, APP1 Exif (with GPS text), DQT, SOF0, DHT, SOS, scan data with stuffing
 * and a restart marker, EOI. meta_at and meta_len: the APP1 segment. */
static inline void img_jpeg_with_gps(struct buf *b, size_t *meta_at, size_t *meta_len)
{
	static const char jfif[] = "JFIF\0\x01\x01\0\0\x01\0\x01\0\0";
	img_put(b, "\xFF\xD8", 2);
	img_segment(b, 0xE0, jfif, 14);
	*meta_at = b->len;
	char exif[128];
	size_t n = 0;
	memcpy(exif, "Exif\0\0MM\0*\0\0\0\x08", 14);
	n = 14;
	memcpy(exif + n, IMG_GPS_TEXT, sizeof IMG_GPS_TEXT - 1);
	n += sizeof IMG_GPS_TEXT - 1;
	img_segment(b, 0xE1, exif, n);
	*meta_len = b->len - *meta_at;
	char dqt[65];
	memset(dqt, 1, sizeof dqt);
	dqt[0] = 0;
	img_segment(b, 0xDB, dqt, sizeof dqt);
	img_segment(b, 0xC0, "\x08\0\x01\0\x01\x01\x01\x11\0", 9);
	char dht[18];
	memset(dht, 0, sizeof dht);
	dht[1] = 1; /* one code of length 1 */
	img_segment(b, 0xC4, dht, sizeof dht);
	img_segment(b, 0xDA, "\x01\x01\0\0\x3F\0", 6);
	img_put(b, "\x12\x34\xFF\x00\x56\xFF\xD0\x78", 8); /* stuffing and RST0 inside the scan */
	img_put(b, "\xFF\xD9", 2);
}

static inline void img_be32(struct buf *b, uint32_t v)
{
	unsigned char x[4] = {(unsigned char)(v >> 24), (unsigned char)(v >> 16),
	                      (unsigned char)(v >> 8), (unsigned char)v};
	buf_append(b, x, 4);
}

static inline void img_chunk(struct buf *b, const char *type, const char *data, size_t n)
{
	img_be32(b, (uint32_t)n);
	buf_append(b, type, 4);
	buf_append(b, data, n);
	img_be32(b, 0); /* CRCs are not checked by photo_clean */
}

/* Signature, IHDR, tEXt (a location), IDAT, IEND. meta_at and meta_len: the tEXt chunk. */
static inline void img_png_with_text(struct buf *b, size_t *meta_at, size_t *meta_len)
{
	img_put(b, "\x89PNG\r\n\x1a\n", 8);
	img_chunk(b, "IHDR", "\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0", 13);
	*meta_at = b->len;
	img_chunk(b, "tEXt", "Location\0" IMG_GPS_TEXT, 9 + sizeof IMG_GPS_TEXT - 1);
	*meta_len = b->len - *meta_at;
	img_chunk(b, "IDAT", "\x78\x9c\x63\x60\x60\x60\0\0\0\x04\0\x01", 12);
	img_chunk(b, "IEND", "", 0);
}

static inline void img_le32(struct buf *b, uint32_t v)
{
	unsigned char x[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
	                      (unsigned char)(v >> 24)};
	buf_append(b, x, 4);
}

static inline void img_riff_chunk(struct buf *b, const char *cc, const char *data, size_t n)
{
	buf_append(b, cc, 4);
	img_le32(b, (uint32_t)n);
	buf_append(b, data, n);
	if (n & 1)
		buf_append(b, "", 1);
}

/* RIFF/WEBP with VP8X (EXIF and XMP flags set), VP8, EXIF, XMP. */
static inline void img_webp_with_exif(struct buf *b)
{
	img_put(b, "RIFF\0\0\0\0WEBP", 12);
	img_riff_chunk(b, "VP8X", "\x0C\0\0\0\0\0\0\0\0\0", 10);
	img_riff_chunk(b, "VP8 ", "\x10\x02\0\0\x9d\x01\x2a\x01\0\x01\0\x02", 12);
	img_riff_chunk(b, "EXIF", "MM\0*\0\0\0\x08" IMG_GPS_TEXT, 8 + sizeof IMG_GPS_TEXT - 1);
	img_riff_chunk(b, "XMP ", "<x:xmpmeta>" IMG_GPS_TEXT "</x:xmpmeta>",
	               23 + sizeof IMG_GPS_TEXT - 1);
	uint32_t size = (uint32_t)(b->len - 8);
	for (int i = 0; i < 4; i++)
		b->data[4 + i] = (char)(size >> (8 * i));
}

#endif
