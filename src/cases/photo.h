/* Case photos from outside: the type is sniffed from the bytes (JPEG, PNG, WebP; nothing
 * else), the structure walked with every length bounded, and metadata that can carry a
 * location dropped while everything else is copied byte for byte. Pure: fuzzed and
 * unit-tested without a database. */
#ifndef XF_PHOTO_H
#define XF_PHOTO_H

#include "../core/buf.h"

#define PHOTO_MAX_BYTES (5u * 1024 * 1024)

enum photo_type { PHOTO_NONE = 0, PHOTO_JPEG, PHOTO_PNG, PHOTO_WEBP };

/* What the first bytes say (PHOTO_NONE for anything else: GIF, HTML, SVG…). */
enum photo_type photo_sniff(const void *data, size_t n);
const char *photo_mime(enum photo_type t);

/* Copy in to out without metadata:
 *   JPEG: drops APP1 (Exif, XMP), APP13 (IPTC) and COM segments, and anything after EOI;
 *   PNG:  drops eXIf, tEXt, zTXt, iTXt and tIME chunks, and anything after IEND;
 *   WebP: drops EXIF and XMP chunks, clears their VP8X flags, rewrites the RIFF size.
 * XF_OK with *type set; XF_EINVAL with err code "unsupported_media_type" (another type) or
 * "bad_image" (a damaged file); XF_ETOOBIG past PHOTO_MAX_BYTES. out is reset first. */
int photo_clean(const void *in, size_t n, struct buf *out, enum photo_type *type,
                struct xf_err *err);

#endif
