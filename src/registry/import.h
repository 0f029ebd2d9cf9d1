/* Registry imports from spreadsheets (CSV or XLSX, header in row 1): places, orgs, people
 * and members. Every row is checked before anything is written; a file with any bad row
 * writes nothing and reports each bad row (row, column, masked value, reason). Re-importing
 * the same file changes nothing. docs/IMPORT.md lists the columns. */
#ifndef XF_IMPORT_H
#define XF_IMPORT_H

#include "../store/db.h"
#include <jansson.h>

struct table_reader;

struct import_report {
	int64_t rows;      /* data rows read */
	int64_t created;   /* new records */
	int64_t unchanged; /* rows matching what is already there */
	json_t *errors;    /* [{row, column, value, reason}], empty when the file is good */
};

/* Is kind one of places, orgs, people, members? */
bool import_kind_valid(const char *kind);
/* The header row of a kind's template (English names; Chinese names are also accepted). */
const char *const *import_columns(const char *kind, size_t *n);
/* Read every row of t, check all of them, then write them (inside the caller's transaction).
 * scope_place > 0 refuses rows whose places lie outside that place's subtree.
 * XF_EINVAL with rep->errors filled when any row is bad (nothing written); progress, when
 * not NULL, is called every 10,000 rows. */
int import_run(struct db *db, const char *kind, struct table_reader *t, int64_t scope_place,
               struct import_report *rep, void (*progress)(int64_t rows, void *ctx), void *ctx,
               struct xf_err *err);
void import_report_free(struct import_report *rep);

#endif
