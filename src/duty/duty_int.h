/* Helpers shared by the duty module's files (not part of its public face). */
#ifndef XF_DUTY_INT_H
#define XF_DUTY_INT_H

#include "duty.h"

/* The level of a place for duty lists ("city", "district", "street", "community"), or NULL. */
const char *duty_level_of(struct db *db, int64_t place, char kind[16]);
int64_t duty_district_of(struct db *db, int64_t place);
json_t *duty_page(json_t *items);
/* The place a query asks about (?place=, default the caller's), checked against perm. */
int duty_query_place(struct db *db, const struct actor *a, json_t *q, const char *perm,
                     int64_t *place, struct xf_err *err);
/* Insert a duty item at place (its level computed); *id receives it. */
struct duty_item_in {
	int64_t place_id;
	const char *list, *title, *content, *owner;
	int64_t due_at, meeting_id, review_id, created_by, now;
};
int duty_item_insert(struct db *db, const struct duty_item_in *in, int64_t *id, struct xf_err *err);
/* Items of a meeting or a site review (which = 0 meeting, 1 review), with overdue. */
int duty_items_of(struct db *db, int which, int64_t ref, int64_t now, json_t **items,
                  struct xf_err *err);

#endif
