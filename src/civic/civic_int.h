/* Helpers shared by the civic module's files (not its public face). */
#ifndef XF_CIVIC_INT_H
#define XF_CIVIC_INT_H

#include "civic.h"
#include "../core/jv.h"

struct civic_place {
	int64_t id, district;
	char kind[16], name[128], path[256];
};

/* A row as an object: spec is "key:type …", type i (integer), t (text), n (integer or
 * null), b (0/1 as a boolean). */
json_t *civic_row(struct db_stmt *st, const char *spec);
/* Step st to the end (at most max rows), appending civic_row objects to items. */
int civic_rows(struct db_stmt *st, const char *spec, int max, json_t *items, struct xf_err *err);
json_t *civic_page(json_t *items);
int civic_place(struct db *db, int64_t id, const char *field, struct civic_place *p,
                struct xf_err *err);
bool civic_staff(const struct actor *a);
int civic_need(struct db *db, const struct actor *a, int64_t place, struct xf_err *err);
/* The scope of a staff list: ?place= inside the grant, else the grant; [lo, hi) paths. */
int civic_scope(struct db *db, const struct actor *a, json_t *q, char lo[256], char hi[256],
                struct xf_err *err);
int civic_need_person(const struct actor *a, struct xf_err *err);
/* The person's home place (0 if unknown). */
int64_t civic_home(struct db *db, int64_t person);
int64_t civic_community(struct db *db, int64_t place);
bool civic_inside(struct db *db, int64_t scope, int64_t place);
int civic_notify(struct db *db, int64_t person, const char *subject, const char *body,
                 struct xf_err *err);
void civic_mask_name(const char *name, char *out, size_t n);
/* Beijing calendar year of t. */
int civic_year(int64_t t);

#endif
