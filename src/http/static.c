/* Serving the embedded UI. Files are looked up by exact path in a sorted table (no file system,
 * so no traversal); anything the apps route themselves gets their index.html. */
#include "static.h"
#include "http.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define CACHE_IMMUTABLE  "public, max-age=31536000, immutable"
#define CACHE_REVALIDATE "no-cache"

const char *static_mime(const char *path)
{
	static const struct {
		const char *ext;
		const char *mime;
	} types[] = {
	    {"html", "text/html; charset=utf-8"},
	    {"js", "text/javascript; charset=utf-8"},
	    {"mjs", "text/javascript; charset=utf-8"},
	    {"css", "text/css; charset=utf-8"},
	    {"json", "application/json; charset=utf-8"},
	    {"map", "application/json; charset=utf-8"},
	    {"webmanifest", "application/manifest+json"},
	    {"txt", "text/plain; charset=utf-8"},
	    {"svg", "image/svg+xml"},
	    {"png", "image/png"},
	    {"jpg", "image/jpeg"},
	    {"jpeg", "image/jpeg"},
	    {"gif", "image/gif"},
	    {"webp", "image/webp"},
	    {"avif", "image/avif"},
	    {"ico", "image/x-icon"},
	    {"woff2", "font/woff2"},
	    {"woff", "font/woff"},
	    {"ttf", "font/ttf"},
	    {"wasm", "application/wasm"},
	};
	const char *slash = strrchr(path, '/');
	const char *dot = strrchr(slash ? slash : path, '.');
	if (dot && dot[1])
		for (size_t i = 0; i < XF_ARRAY_LEN(types); i++)
			if (strcasecmp(dot + 1, types[i].ext) == 0)
				return types[i].mime;
	return "application/octet-stream";
}

static bool is_zero_q(const char *q, size_t n)
{
	/* qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ) */
	if (n == 0 || q[0] != '0')
		return false;
	for (size_t i = 1; i < n; i++)
		if (q[i] != '0' && q[i] != '.')
			return false;
	return true;
}

/* Accept-Encoding: gzip, or a wildcard, with a non-zero quality. */
bool static_accepts_gzip(const char *ae)
{
	if (!ae)
		return false;
	bool star = false;
	const char *p = ae;
	while (*p) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		const char *name = p;
		while (*p && *p != ',' && *p != ';' && *p != ' ' && *p != '\t')
			p++;
		size_t nlen = (size_t)(p - name);
		bool zero = false;
		while (*p && *p != ',') {
			while (*p == ' ' || *p == '\t' || *p == ';')
				p++;
			if ((p[0] == 'q' || p[0] == 'Q') && p[1] == '=') {
				const char *v = p + 2;
				size_t vlen = strcspn(v, " \t;,");
				zero = is_zero_q(v, vlen);
				p = v + vlen;
			} else {
				while (*p && *p != ',' && *p != ';')
					p++;
			}
		}
		if ((nlen == 4 && strncasecmp(name, "gzip", 4) == 0) ||
		    (nlen == 6 && strncasecmp(name, "x-gzip", 6) == 0))
			return !zero;
		if (nlen == 1 && name[0] == '*')
			star = !zero;
	}
	return star;
}

/* If-None-Match uses the weak comparison: W/ prefixes are ignored on both sides. */
bool static_etag_matches(const char *inm, const char *etag)
{
	if (!inm || !etag)
		return false;
	if (strncmp(etag, "W/", 2) == 0)
		etag += 2;
	size_t elen = strlen(etag);
	const char *p = inm;
	while (*p) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '*')
			return true;
		if (strncmp(p, "W/", 2) == 0)
			p += 2;
		if (*p != '"')
			return false; /* malformed: no match */
		const char *end = strchr(p + 1, '"');
		if (!end)
			return false;
		size_t n = (size_t)(end - p) + 1;
		if (n == elen && memcmp(p, etag, n) == 0)
			return true;
		p = end + 1;
	}
	return false;
}

bool static_wants(const struct req *r)
{
	const char *p = r->path;
	if (strcmp(p, "/api") == 0 || strncmp(p, "/api/", 5) == 0 || strcmp(p, "/healthz") == 0 ||
	    strncmp(p, "/open311/", 9) == 0)
		return false;
	return p[0] == '/';
}

static int cmp_path(const void *key, const void *elem)
{
	return strcmp(key, ((const struct static_asset *)elem)->path);
}

static const struct static_asset *find(const struct static_asset *tbl, size_t n, const char *path)
{
	if (n == 0)
		return NULL;
	return bsearch(path, tbl, n, sizeof *tbl, cmp_path);
}

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static void send_asset(struct req *r, const struct static_asset *a, const char *cache)
{
	bool gz = a->gz && static_accepts_gzip(req_header(r, "Accept-Encoding"));
	const char *etag = gz ? a->etag_gz : a->etag;
	r->resp.content_type = static_mime(a->path);
	resp_header(r, "ETag", etag);
	resp_header(r, "Cache-Control", cache);
	if (a->gz)
		resp_header(r, "Vary", "Accept-Encoding");
	const char *inm = req_header(r, "If-None-Match");
	if (static_etag_matches(inm, a->etag) || static_etag_matches(inm, a->etag_gz)) {
		r->resp.status = 304;
		return;
	}
	r->resp.status = 200;
	if (gz)
		resp_header(r, "Content-Encoding", "gzip");
	r->resp.borrowed = gz ? a->gz : a->raw;
	r->resp.borrowed_len = gz ? a->gz_len : a->raw_len;
}

void static_serve(struct req *r, const struct static_asset *tbl, size_t n)
{
	xf_err_clear(&r->err);
	if (r->method != HTTP_GET && r->method != HTTP_HEAD) {
		resp_header(r, "Allow", "GET, HEAD");
		xf_fail(&r->err, XF_EINVAL, "method_not_allowed", "该地址不支持 %s 请求",
		        r->method_name);
		r->err.http = 405;
		http_error_response(r);
		return;
	}
	const char *path = r->path;
	if (strcmp(path, "/m") == 0) {
		/* The mobile app's router lives under /m/. */
		resp_header(r, "Location", "/m/");
		resp_json(r, 301, "{\"location\":\"/m/\"}");
		return;
	}
	const struct static_asset *a;
	size_t len = strlen(path);
	if (len > 0 && path[len - 1] == '/') {
		char *index = arena_alloc(r->arena, len + sizeof "index.html");
		memcpy(index, path, len);
		memcpy(index + len, "index.html", sizeof "index.html");
		a = find(tbl, n, index);
	} else {
		a = find(tbl, n, path);
	}
	if (a) {
		send_asset(r, a,
		           starts_with(path, "/assets/") ? CACHE_IMMUTABLE : CACHE_REVALIDATE);
		return;
	}
	/* A missing script or style must not come back as HTML. */
	if (!starts_with(path, "/assets/")) {
		a = find(tbl, n, starts_with(path, "/m/") ? "/m/index.html" : "/index.html");
		if (a) {
			send_asset(r, a, CACHE_REVALIDATE);
			return;
		}
	}
	xf_fail(&r->err, XF_ENOTFOUND, "not_found", "没有这个文件：%s", path);
	http_error_response(r);
}
