/* 数据驾驶舱: every figure a level reports, computed from the records and never typed.
 *
 * A figure is one SQL query over a place's subtree (and a period) whose rows are the records
 * it counts: the same query answers the figure (its row count or the sum of a value), the
 * records behind it (GET /api/dashboard/records) and, run once over the whole city, the
 * maintained rollup that keeps the city, district, street and community figures fast
 * (dash_rollup, rebuilt by the scheduler; places below a community are always counted live).
 * Ratios and averages are two figures divided, shown with both counts. */
#ifndef XF_DASH_H
#define XF_DASH_H

#include "../auth/actor.h"
#include "../core/xf.h"
#include "../store/db.h"

#include <jansson.h>

/* GET /api/dashboard?place=&year=: the sections with their figures, the monthly trend, the
 * children (drill-down) with their key figures and the coverage report. */
int dash_dashboard(struct db *db, const struct actor *a, json_t *q, int64_t id, int64_t now,
                   json_t **out, struct xf_err *err);
/* GET /api/dashboard/records?place=&year=&figure=&offset=: the records a figure counts. */
int dash_records(struct db *db, const struct actor *a, json_t *q, int64_t id, int64_t now,
                 json_t **out, struct xf_err *err);
/* GET /api/dashboard/seed?place=&year=: the seed's figures for a place and year. */
int dash_seed(struct db *db, const struct actor *a, json_t *q, int64_t id, int64_t now,
              json_t **out, struct xf_err *err);

/* The rollup: computed on a reader connection (seconds at city scale, no writer held), then
 * stored in one short write. */
struct dash_rollup;
int dash_rollup_compute(struct db *db, int64_t now, struct dash_rollup **out, struct xf_err *err);
int dash_rollup_store(struct db *db, void *rollup, struct xf_err *err);
void dash_rollup_free(struct dash_rollup *r);

/* The report pack: one XLSX workbook (the seed's figures, then one sheet per section and
 * the children's figures) and a printable HTML page, for a place and year. progress(pct)
 * is called as sheets are done. */
int dash_pack_build(struct db *db, int64_t place_id, int year, int64_t now,
                    void (*progress)(int pct, void *ctx), void *ctx, char **xlsx, size_t *xlsx_len,
                    char **html, size_t *html_len, struct xf_err *err);
/* May the actor see a dashboard of this place (dash.read and inside the grant)? */
int dash_need(struct db *db, const struct actor *a, int64_t place_id, struct xf_err *err);
/* The first and last second (exclusive) of a calendar year in Beijing time. */
int64_t dash_year_start(int year);

#endif
