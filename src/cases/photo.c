#include "photo.h"

#include <string.h>

enum photo_type photo_sniff(const void *data, size_t n)
{
	const unsigned char *p = data;
	if (n >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF)
		return PHOTO_JPEG;
	if (n >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0)
		return PHOTO_PNG;
	if (n >= 12 && memcmp(p, "RIFF", 4) == 0 && memcmp(p + 8, "WEBP", 4) == 0)
		return PHOTO_WEBP;
	return PHOTO_NONE;
}

const char *photo_mime(enum photo_type t)
{
	switch (t) {
	case PHOTO_JPEG:
		return "image/jpeg";
	case PHOTO_PNG:
		return "image/png";
	case PHOTO_WEBP:
		return "image/webp";
	default:
		return "application/octet-stream";
	}
}

static int damaged(struct xf_err *err, const char *what)
{
	return xf_fail(err, XF_EINVAL, "bad_image", "照片文件已损坏或格式不正确（%s）", what);
}

/* Markers: FF xx. Segments with a 2-byte length follow every marker but SOI, EOI, TEM and
 * RSTn; after SOS comes entropy-coded data, where FF is followed by 00 (stuffing) or RSTn
 * until the next real marker. */
static int clean_jpeg(const unsigned char *in, size_t n, struct buf *out, struct xf_err *err)
{
	size_t pos = 2;
	bool scanned = false;
	buf_append(out, in, 2);
	for (;;) {
		if (pos >= n || in[pos] != 0xFF)
			return damaged(err, pos >= n ? "JPEG 没有结束标记" : "JPEG 段结构错误");
		size_t mark = pos;
		while (pos < n && in[pos] == 0xFF)
			pos++; /* fill bytes */
		if (pos >= n)
			return damaged(err, "JPEG 没有结束标记");
		unsigned char m = in[pos++];
		if (m == 0xD9) {
			if (!scanned)
				return damaged(err, "JPEG 没有图像数据");
			buf_append(out, in + mark, pos - mark);
			return XF_OK; /* anything after EOI (a second image, a trailer) is dropped
			               */
		}
		if (m == 0x00 || m == 0xD8)
			return damaged(err, "JPEG 段结构错误");
		if (m == 0x01 || (m >= 0xD0 && m <= 0xD7)) {
			buf_append(out, in + mark, pos - mark);
			continue;
		}
		if (n - pos < 2)
			return damaged(err, "JPEG 段被截断");
		size_t len = (size_t)in[pos] << 8 | in[pos + 1];
		if (len < 2 || len > n - pos)
			return damaged(err, "JPEG 段长度错误");
		bool drop = m == 0xE1 /* APP1: Exif, XMP */ || m == 0xED /* APP13: IPTC */ ||
		            m == 0xFE /* COM */;
		if (!drop)
			buf_append(out, in + mark, pos - mark + len);
		pos += len;
		if (m != 0xDA)
			continue;
		scanned = true;
		size_t start = pos;
		while (pos < n) {
			if (in[pos] == 0xFF && pos + 1 < n &&
			    (in[pos + 1] == 0x00 || (in[pos + 1] >= 0xD0 && in[pos + 1] <= 0xD7))) {
				pos += 2;
				continue;
			}
			if (in[pos] == 0xFF)
				break;
			pos++;
		}
		buf_append(out, in + start, pos - start);
	}
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static bool is_type(const unsigned char *t, const char *name)
{
	return memcmp(t, name, 4) == 0;
}

/* Chunks: length (4, big-endian, < 2^31), type (4 letters), data, CRC (4). */
static int clean_png(const unsigned char *in, size_t n, struct buf *out, struct xf_err *err)
{
	size_t pos = 8;
	bool first = true;
	buf_append(out, in, 8);
	while (pos < n) {
		if (n - pos < 12)
			return damaged(err, "PNG 数据块被截断");
		uint32_t len = be32(in + pos);
		const unsigned char *type = in + pos + 4;
		if (len > 0x7FFFFFFFu || len > n - pos - 12)
			return damaged(err, "PNG 数据块长度错误");
		for (int i = 0; i < 4; i++)
			if (!((type[i] >= 'a' && type[i] <= 'z') ||
			      (type[i] >= 'A' && type[i] <= 'Z')))
				return damaged(err, "PNG 数据块类型错误");
		if (first && (!is_type(type, "IHDR") || len != 13))
			return damaged(err, "PNG 缺少 IHDR");
		first = false;
		bool drop = is_type(type, "eXIf") || is_type(type, "tEXt") ||
		            is_type(type, "zTXt") || is_type(type, "iTXt") || is_type(type, "tIME");
		if (!drop)
			buf_append(out, in + pos, (size_t)len + 12);
		pos += (size_t)len + 12;
		if (is_type(type, "IEND"))
			return XF_OK; /* anything after IEND is dropped */
	}
	return damaged(err, "PNG 没有 IEND");
}

/* RIFF: "RIFF", size (LE, of what follows), "WEBP", then chunks: FourCC, size (LE), data,
 * a pad byte when the size is odd. VP8X's first data byte holds the EXIF (0x08) and XMP
 * (0x04) flags. */
static int clean_webp(const unsigned char *in, size_t n, struct buf *out, struct xf_err *err)
{
	uint32_t riff = le32(in + 4);
	if (riff < 4 || riff > n - 8)
		return damaged(err, "WebP 长度错误");
	size_t end = 8 + (size_t)riff, pos = 12;
	size_t flags_at = 0;
	bool first = true;
	buf_append(out, in, 12);
	while (pos < end) {
		if (end - pos < 8)
			return damaged(err, "WebP 数据块被截断");
		const unsigned char *cc = in + pos;
		uint32_t size = le32(in + pos + 4);
		if (size > end - pos - 8)
			return damaged(err, "WebP 数据块长度错误");
		size_t whole = 8 + (size_t)size + (size & 1);
		if (whole > end - pos)
			whole = end - pos; /* an odd last chunk without its pad byte */
		if (first && !is_type(cc, "VP8 ") && !is_type(cc, "VP8L") && !is_type(cc, "VP8X"))
			return damaged(err, "WebP 缺少图像数据块");
		first = false;
		if (!is_type(cc, "EXIF") && !is_type(cc, "XMP ")) {
			if (is_type(cc, "VP8X") && size >= 10 && !flags_at)
				flags_at = out->len + 8;
			buf_append(out, in + pos, whole);
		}
		pos += whole;
	}
	if (first)
		return damaged(err, "WebP 没有数据块");
	if (flags_at)
		out->data[flags_at] &= (char)~0x0C;
	uint32_t size = (uint32_t)(out->len - 8);
	for (int i = 0; i < 4; i++)
		out->data[4 + i] = (char)(size >> (8 * i) & 0xFF);
	return XF_OK;
}

int photo_clean(const void *in, size_t n, struct buf *out, enum photo_type *type,
                struct xf_err *err)
{
	buf_reset(out);
	*type = PHOTO_NONE;
	if (n > PHOTO_MAX_BYTES)
		return xf_fail(err, XF_ETOOBIG, "photo_too_large", "照片不能超过 %u MiB",
		               PHOTO_MAX_BYTES / (1024 * 1024));
	enum photo_type t = photo_sniff(in, n);
	int rc;
	switch (t) {
	case PHOTO_JPEG:
		rc = clean_jpeg(in, n, out, err);
		break;
	case PHOTO_PNG:
		rc = clean_png(in, n, out, err);
		break;
	case PHOTO_WEBP:
		rc = clean_webp(in, n, out, err);
		break;
	default:
		return xf_fail(err, XF_EINVAL, "unsupported_media_type",
		               "只支持 JPEG、PNG 或 WebP 格式的照片");
	}
	if (rc != XF_OK) {
		buf_reset(out);
		return rc;
	}
	*type = t;
	return XF_OK;
}
