/* The browser UI's files, embedded at build time (cmake/web.cmake), and how they are served:
 * ETag and 304, gzip when accepted, MIME types, cache lifetimes, the single-page apps' fallback. */
#ifndef XF_STATIC_H
#define XF_STATIC_H

#include <stdbool.h>
#include <stddef.h>

struct req;

struct static_asset {
	const char *path;    /* "/index.html", "/m/index.html", "/assets/console-1a2b3c.js" */
	const char *etag;    /* quoted strong validator of the raw bytes */
	const char *etag_gz; /* the same for the gzip bytes */
	const unsigned char *raw;
	size_t raw_len;
	const unsigned char *gz; /* NULL when gzip would not make it smaller */
	size_t gz_len;
};

/* The generated table (gen/web_assets.c), sorted by path in strcmp order. */
extern const struct static_asset static_assets[];
extern const size_t static_nassets;

/* Does a request that matched no API route belong to the UI? Never for /api and /healthz. */
bool static_wants(const struct req *r);
/* Answer r from tbl (sorted by path): the file, or the console's or mobile site's index.html
 * for paths the apps route themselves; 304 when If-None-Match matches; 404 for missing
 * /assets/ files; 405 for methods other than GET and HEAD. Fills r->resp. */
void static_serve(struct req *r, const struct static_asset *tbl, size_t n);

/* Helpers, exposed for tests. */
const char *static_mime(const char *path);
bool static_accepts_gzip(const char *accept_encoding);
bool static_etag_matches(const char *if_none_match, const char *etag);

#endif
