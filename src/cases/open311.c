#include "open311.h"
#include "cases.h"
#include "../core/clock.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_COMMUNITIES 5000

/* A centroid as the engines print a REAL / double precision ("" for NULL). */
static bool coord(const char *s, double *out)
{
	if (!s || !*s)
		return false;
	char *end;
	*out = strtod(s, &end);
	return *end == 0 && isfinite(*out);
}

static int by_address(struct db *db, const char *address, int64_t *community, struct xf_err *err)
{
	struct db_stmt *st = db_prep(db,
	                             "SELECT id, name FROM places WHERE kind = 'community'"
	                             " ORDER BY id LIMIT 5000",
	                             err);
	if (!st)
		return err->status;
	size_t best = 0;
	int rc;
	*community = 0;
	while ((rc = db_step(st, err)) == DB_ROW) {
		const char *name = db_col_text(st, 1);
		size_t n = strlen(name);
		/* The longest full name wins: 大智路社区 inside "大智路社区3栋" beats a shorter
		 * one. */
		if (n >= 2 && n > best && strstr(address, name)) {
			best = n;
			*community = db_col_int(st, 0);
		}
	}
	return rc < 0 ? rc : XF_OK;
}

static int by_code(struct db *db, const char *code, int64_t *community, struct xf_err *err)
{
	int64_t place = 0;
	struct xf_err e;
	if (db_int(db, &e, &place, "SELECT id FROM places WHERE code = ?", "t", code) != XF_OK)
		return xf_fail_field(err, XF_EINVAL, "unknown_address", "address_id",
		                     "没有这个地址编码：%.64s", code);
	int rc = cases_community_of(db, place, community, err);
	if (rc == XF_OK && !*community)
		return xf_fail_field(err, XF_EINVAL, "unknown_address", "address_id",
		                     "地址编码应为社区或社区以下的地点");
	return rc;
}

/* The city box (centroids ± the margin) and the community nearest (lat, lng) in it. */
static int by_geo(struct db *db, double lat, double lng, int64_t *community, struct xf_err *err)
{
	struct db_stmt *st =
	    db_prep(db,
	            "SELECT id, coalesce(lat, 0), coalesce(lng, 0) FROM places WHERE kind ="
	            " 'community' AND lat IS NOT NULL AND lng IS NOT NULL ORDER BY id LIMIT 5000",
	            err);
	if (!st)
		return err->status;
	double lo_lat = 90, hi_lat = -90, lo_lng = 180, hi_lng = -180, best = INFINITY;
	int n = 0, rc;
	*community = 0;
	while ((rc = db_step(st, err)) == DB_ROW) {
		double clat, clng;
		if (!coord(db_col_text(st, 1), &clat) || !coord(db_col_text(st, 2), &clng))
			continue;
		n++;
		lo_lat = fmin(lo_lat, clat);
		hi_lat = fmax(hi_lat, clat);
		lo_lng = fmin(lo_lng, clng);
		hi_lng = fmax(hi_lng, clng);
		/* Equirectangular: exact enough across one city. */
		double dx = (lng - clng) * cos(lat * M_PI / 180.0), dy = lat - clat;
		double d = dx * dx + dy * dy;
		if (d < best) {
			best = d;
			*community = db_col_int(st, 0);
		}
	}
	if (rc < 0)
		return rc;
	if (!n)
		return xf_fail_field(err, XF_EINVAL, "cannot_locate", "lat",
		                     "系统中的社区没有坐标，无法按经纬度定位，请提供地址");
	if (lat < lo_lat - OPEN311_MARGIN_DEG || lat > hi_lat + OPEN311_MARGIN_DEG ||
	    lng < lo_lng - OPEN311_MARGIN_DEG || lng > hi_lng + OPEN311_MARGIN_DEG) {
		*community = 0;
		return xf_fail_field(err, XF_EINVAL, "outside_city", "lat",
		                     "该位置不在本市范围内（纬度 %.4f–%.4f，经度 %.4f–%.4f）",
		                     lo_lat - OPEN311_MARGIN_DEG, hi_lat + OPEN311_MARGIN_DEG,
		                     lo_lng - OPEN311_MARGIN_DEG, hi_lng + OPEN311_MARGIN_DEG);
	}
	return XF_OK;
}

int open311_locate(struct db *db, const char *address, const char *address_id, bool has_geo,
                   double lat, double lng, int64_t *community, struct xf_err *err)
{
	*community = 0;
	int64_t nearest = 0;
	int rc;
	/* Coordinates, when given, must lie in the city even if the address names a place. */
	if (has_geo && (rc = by_geo(db, lat, lng, &nearest, err)) != XF_OK)
		return rc;
	if (address && *address) {
		if ((rc = by_address(db, address, community, err)) != XF_OK)
			return rc;
		if (*community)
			return XF_OK;
	}
	if (address_id && *address_id)
		return by_code(db, address_id, community, err);
	if (has_geo) {
		*community = nearest;
		return XF_OK;
	}
	if (address && *address)
		return xf_fail_field(err, XF_EINVAL, "unknown_address", "address_string",
		                     "地址中没有本市的社区名称，请写明社区或提供经纬度");
	return xf_fail_field(err, XF_EINVAL, "location_required", "lat",
	                     "请提供位置：lat 和 long、address_string 或 address_id 之一");
}

int open311_services_json(struct db *db, json_t **out, struct xf_err *err)
{
	json_t *all;
	int rc = cases_categories_json(db, &all, err);
	if (rc != XF_OK)
		return rc;
	*out = json_array();
	json_t *c;
	size_t i;
	json_array_foreach(all, i, c)
	{
		if (!json_is_true(json_object_get(c, "active")))
			continue;
		json_array_append_new(
		    *out, json_pack("{s:O, s:O, s:O, s:b, s:s, s:O, s:O}", "service_code",
		                    json_object_get(c, "code"), "service_name",
		                    json_object_get(c, "name"), "description",
		                    json_object_get(c, "description"), "metadata", 0, "type",
		                    "realtime", "keywords", json_object_get(c, "keywords"), "group",
		                    json_object_get(c, "group")));
	}
	json_decref(all);
	return XF_OK;
}

int open311_service_json(struct db *db, const char *code, json_t **out, struct xf_err *err)
{
	if (!cases_category_active(db, code))
		return xf_fail(err, XF_ENOTFOUND, "not_found", "没有这个服务：%.64s", code);
	/* General categories ask for nothing beyond the description and the place. */
	*out = json_pack("{s:s, s:[]}", "service_code", code, "attributes");
	return XF_OK;
}

/* Columns of the public view, in this order (and nothing else is selected). */
#define PUBLIC_COLS                                                                                \
	"c.id, c.status, c.category, k.name, CASE WHEN c.public = 1 THEN c.description ELSE ''"    \
	" END, c.created_at, c.updated_at, c.due_at, coalesce(cm.name, CASE WHEN p.kind IN"        \
	" ('city', 'district', 'street') THEN p.name ELSE '' END), coalesce(cm.lat, 0),"           \
	" coalesce(cm.lng, 0), cm.lat IS NOT NULL AND cm.lng IS NOT NULL, h.name, CASE WHEN"       \
	" c.public = 1 THEN coalesce((SELECT e.text FROM case_events e WHERE e.case_id = c.id"     \
	" AND e.action = 'reply' ORDER BY e.id DESC LIMIT 1), '') ELSE '' END"
#define PUBLIC_FROM                                                                                \
	" FROM cases c JOIN case_categories k ON k.code = c.category JOIN places p ON p.id ="      \
	" c.place_id JOIN places h ON h.id = c.handling_place_id LEFT JOIN places cm ON cm.id ="   \
	" c.community_id"

static json_t *public_row(struct db_stmt *st)
{
	char requested[21], updated[21], expected[21];
	bool closed = strcmp(db_col_text(st, 1), "closed") == 0;
	clock_iso(db_col_int(st, 5), requested);
	clock_iso(db_col_int(st, 6), updated);
	clock_iso(db_col_int(st, 7), expected);
	double lat = 0, lng = 0;
	bool geo = db_col_int(st, 11) != 0 && coord(db_col_text(st, 9), &lat) &&
	           coord(db_col_text(st, 10), &lng);
	return json_pack(
	    "{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:s, s:s, s:s, s:o, s:o, s:s}",
	    "service_request_id", (json_int_t)db_col_int(st, 0), "status",
	    closed ? "closed" : "open", "status_notes", db_col_text(st, 13), "service_name",
	    db_col_text(st, 3), "service_code", db_col_text(st, 2), "description",
	    db_col_text(st, 4), "agency_responsible", db_col_text(st, 12), "service_notice", "",
	    "requested_datetime", requested, "updated_datetime", updated, "expected_datetime",
	    closed ? json_null() : json_string(expected), "address", db_col_text(st, 8),
	    "address_id", "", "zipcode", "", "lat", geo ? json_real(lat) : json_null(), "long",
	    geo ? json_real(lng) : json_null(), "media_url", "");
}

int open311_requests_json(struct db *db, const struct open311_filter *f, json_t **out,
                          struct xf_err *err)
{
	*out = json_array();
	int rc;
	if (f->nids > 0) {
		for (int i = 0; i < f->nids && i < OPEN311_MAX_IDS; i++) {
			struct db_stmt *st =
			    db_prep(db, "SELECT " PUBLIC_COLS PUBLIC_FROM " WHERE c.id = ?", err);
			if (!st)
				goto fail;
			db_bind_int(st, 1, f->ids[i]);
			if ((rc = db_step(st, err)) == DB_ROW) {
				json_array_append_new(*out, public_row(st));
				db_reset(st);
			} else if (rc < 0) {
				goto fail;
			}
		}
		return XF_OK;
	}
	struct db_stmt *st = db_prep(
	    db,
	    "SELECT " PUBLIC_COLS PUBLIC_FROM
	    " WHERE c.created_at >= ? AND c.created_at < ? AND (? = '' OR c.category = ?)"
	    " AND (? = 0 OR (? = 1 AND c.status <> 'closed') OR (? = 2 AND c.status = 'closed'))"
	    " ORDER BY c.created_at DESC, c.id DESC LIMIT ?",
	    err);
	if (!st)
		goto fail;
	const char *code = f->service_code ? f->service_code : "";
	db_bind_int(st, 1, f->start);
	db_bind_int(st, 2, f->end);
	db_bind_text(st, 3, code);
	db_bind_text(st, 4, code);
	db_bind_int(st, 5, f->status);
	db_bind_int(st, 6, f->status);
	db_bind_int(st, 7, f->status);
	db_bind_int(st, 8, OPEN311_MAX_ROWS);
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(*out, public_row(st));
	if (rc < 0)
		goto fail;
	return XF_OK;
fail:
	json_decref(*out);
	*out = NULL;
	return err->status ? err->status : XF_EDB;
}

int open311_token_json(struct db *db, const char *token, json_t **out, struct xf_err *err)
{
	int64_t id = 0;
	int rc = db_int(db, err, &id, "SELECT id FROM cases WHERE token = ?", "t", token);
	if (rc == XF_ENOTFOUND)
		return xf_fail(err, XF_ENOTFOUND, "not_found", "没有这个令牌对应的诉求");
	if (rc != XF_OK)
		return rc;
	*out = json_pack("[{s:I, s:s}]", "service_request_id", (json_int_t)id, "token", token);
	return XF_OK;
}
