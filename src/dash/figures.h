/* Private to src/dash: the figure table and the machinery the dashboard, the rollup and the
 * report pack share. */
#ifndef XF_DASH_FIGURES_H
#define XF_DASH_FIGURES_H

#include "dash.h"

#include <stdbool.h>
#include <stdint.h>

enum fkind {
	K_COUNT, /* how many records */
	K_SUM,   /* the sum of the records' values */
	K_RATIO, /* figure num / figure den */
};

/* What a figure's query binds after the subtree bounds (lo, hi). */
enum fmode {
	M_NONE,       /* the state now */
	M_WINDOW,     /* t0, t1: the year's first and last second (exclusive) */
	M_YEAR,       /* the year (a column such as funds.year) */
	M_WINDOW_NOW, /* t0, t1, now */
	M_NOW,        /* now */
};

/* One record a figure counts. A non-zero return stops the walk. */
typedef int (*dash_row_fn)(void *ctx, const char *path, int64_t id, const char *label,
                           int64_t value, int64_t at, const char *place);
/* A figure counted by code rather than one query (the unit evaluation's aggregate). */
typedef int (*dash_rows_fn)(struct db *db, const char *lo, const char *hi, int year, int64_t now,
                            dash_row_fn row, void *ctx, struct xf_err *err);

struct section {
	const char *code, *label;
};

struct figure {
	const char *code, *label;
	int section;
	enum fkind kind;
	enum fmode mode;
	const char *unit; /* what the displayed number counts */
	int scale; /* displayed = value / scale (元 from 分: 100; 小时 from minutes: 60) */
	const char *num, *den;
	bool pct;          /* a ratio shown in per cent */
	bool hidden;       /* only a part of a ratio */
	bool trend;        /* kept per month too */
	bool key;          /* shown for each child place (drill-down) */
	const char *perm;  /* a further permission the viewer needs (NULL: dash.read) */
	const char *note;  /* how it is counted */
	bool global;       /* the same everywhere (city-wide rules): no subtree, not rolled up */
	dash_rows_fn rows; /* counted by code instead of a query */
};

extern const struct section dash_sections[];
extern const size_t dash_nsections;
extern const struct figure dash_figures[];
extern const size_t dash_nfigures;

int dash_figure_index(const char *code);
/* The figure's query, prepared: rows are (path, id, label, value, at, place name). live: for
 * one place's subtree (its places first); otherwise for the whole city (the rollup). */
struct db_stmt *dash_figure_prep(struct db *db, int f, bool live, struct xf_err *err);
/* Bind the figure's parameters: subtree [lo, hi) and its period. */
void dash_figure_bind(struct db_stmt *st, int f, const char *lo, const char *hi, int year,
                      int64_t now);

/* Walk the records figure f counts in [lo, hi): live (one subtree) or the whole city. */
int dash_figure_each(struct db *db, int f, bool live, const char *lo, const char *hi, int year,
                     int64_t now, dash_row_fn row, void *ctx, struct xf_err *err);

/* A figure's value for one place: n records, their sum, and per month when trend. */
struct fval {
	int64_t n, sum;
	int64_t month[12];
	bool known;
};

/* Every figure of one place and year: from the rollup when it holds the place and year
 * (*as_of is its time), otherwise counted live (*as_of = 0). */
int dash_place_values(struct db *db, int64_t place_id, const char *path, const char *kind, int year,
                      int64_t now, struct fval *vals, int64_t *as_of, struct xf_err *err);
struct placeinfo {
	int64_t id;
	char name[128], kind[16], path[256];
};
/* The seed's figures of a place (a NULL actor sees every figure: the report pack). */
int dash_seed_table(struct db *db, const struct actor *a, const struct placeinfo *p, int year,
                    int64_t now, json_t **rows, int64_t *as_of, struct xf_err *err);
/* The same, counting only the key figures and their parts when counted live (children). */
int dash_place_values_opt(struct db *db, int64_t place_id, const char *path, const char *kind,
                          int year, int64_t now, bool keys_only, struct fval *vals, int64_t *as_of,
                          struct xf_err *err);
/* A figure's displayed value (NULL for a ratio with a zero denominator). */
json_t *dash_figure_json(int f, const struct fval *vals, bool with_meta);
double dash_display(int f, const struct fval *vals, bool *defined);
/* The calendar month (0–11, Beijing time) of t. */
int dash_month(int64_t t);

#endif
