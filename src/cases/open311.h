/* Open311 GeoReport v2 over the case core: services are the case categories, a request is
 * placed at a community (named in its address, else the nearest to its coordinates, refused
 * outside the city), and the public view shows only what is safe in public — category,
 * status, dates, the community and its centroid, the description and notes only of cases
 * staff made public; never a name, a phone or an exact address. */
#ifndef XF_OPEN311_H
#define XF_OPEN311_H

#include "../store/db.h"
#include <jansson.h>
#include <stdbool.h>

/* The city's box: the communities' centroids, widened by this many degrees (about 5 km). */
#define OPEN311_MARGIN_DEG 0.05
#define OPEN311_MAX_IDS    100
#define OPEN311_MAX_ROWS   1000

/* Where a request lands: the community whose full name the address contains (the longest
 * such name), else the place whose code is address_id (its community), else the community
 * nearest lat/lng. Coordinates outside the city are refused (XF_EINVAL, code
 * "outside_city"), as is a request nothing locates. */
int open311_locate(struct db *db, const char *address, const char *address_id, bool has_geo,
                   double lat, double lng, int64_t *community, struct xf_err *err);

/* [{service_code, service_name, description, metadata, type, keywords, group}] */
int open311_services_json(struct db *db, json_t **out, struct xf_err *err);
/* {service_code, attributes: []}; XF_ENOTFOUND for an unknown or inactive code. */
int open311_service_json(struct db *db, const char *code, json_t **out, struct xf_err *err);

struct open311_filter {
	const int64_t *ids; /* when nids > 0 the other filters are ignored (as the spec says) */
	int nids;
	const char *service_code; /* NULL: any */
	int status;               /* 0 any, 1 open, 2 closed */
	int64_t start, end;       /* created_at in [start, end) */
};
/* The public view of matching requests, newest first, at most OPEN311_MAX_ROWS. */
int open311_requests_json(struct db *db, const struct open311_filter *f, json_t **out,
                          struct xf_err *err);
/* [{service_request_id, token}] for a token, XF_ENOTFOUND otherwise. */
int open311_token_json(struct db *db, const char *token, json_t **out, struct xf_err *err);

#endif
