/* Helpers shared by the review module's files (not part of its public face). */
#ifndef XF_REVIEW_INT_H
#define XF_REVIEW_INT_H

#include "review.h"

struct review_org {
	int64_t id, place_id;
	char name[128], kind[40], line[16], domain[16];
};

/* The organisation, with its domain (the registry's, else one implied by its kind). */
int review_org_load(struct db *db, int64_t id, const char *field, struct review_org *o,
                    struct xf_err *err);
/* [from, to) of a calendar year in Beijing time. */
int64_t review_year_start(int year);
/* Year from a body or query: 2000–2100, else validation_failed on "year". */
int review_year(json_t *obj, int *year, struct xf_err *err);
/* Chinese label of a rating code ("" if unknown), its rank (整顿 0 … 红旗型 3, -1 unknown). */
const char *review_rating_label(const char *code);
int review_rating_rank(const char *code);
/* The rating a normalised score supports. */
const char *review_band(int64_t score);
json_t *review_page(json_t *items);

#endif
