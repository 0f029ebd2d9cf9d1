/* Private to src/io: the reader and writer structures shared by table.c, csv.c, xlsx_read.c
 * and xlsx_write.c, and the row builder every format fills. Nothing outside src/io includes it. */
#ifndef XF_TABLE_INT_H
#define XF_TABLE_INT_H

#include "core/buf.h"
#include "io/table.h"

#include <iconv.h>
#include <stdio.h>

#define TABLE_XLSX_MAX_PART_CAP ((size_t)1 << 30) /* offsets into shared strings are 32-bit */
#define TABLE_WRITE_MAX_CELL    32767             /* Excel's limit on a cell's text */
#define TABLE_XLSX_MAX_ROWS     1048576
#define TABLE_XLSX_MAX_COLS     16384

struct xlsx; /* xlsx_read.c */

struct table_reader {
	enum table_format fmt;
	struct table_limits lim;
	const unsigned char *data; /* the input; owned when read from a file */
	size_t len;
	unsigned char *owned;
	long row;     /* number of the row last returned, or of the row that failed */
	long cur_row; /* the row being assembled */
	int failed;   /* sticky status of the first error, 0 = none */
	struct xf_err fail;
	/* the row being assembled: cell texts NUL-separated in text, offsets in offs */
	struct buf text;
	size_t *offs;
	size_t ncells;
	const char **cells;
	/* CSV */
	size_t pos;
	bool gb18030;
	iconv_t cd;
	struct buf raw;
	char *conv;
	size_t conv_cap;
	/* XLSX */
	struct xlsx *x;
	bool date1904;
};

/* xf_fail_field whose message is always valid UTF-8 (bad bytes from a zip entry name or a
 * path become '?'; a long message is cut between characters). */
int table_errf(struct xf_err *err, int status, const char *code, const char *field, const char *fmt,
               ...) __attribute__((format(printf, 5, 6)));
/* Record the reader's error (sticky) and return status. */
int table_fail(struct table_reader *t, int status, const char *code, const char *field,
               const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Spreadsheet column name of a 0-based column: 0 → "A", 27 → "AB". out: 8 bytes. */
void table_col_name(size_t col, char out[8]);
/* Fail with "cell too long" for 0-based column col of the current row. */
int table_cell_too_long(struct table_reader *t, size_t col);
/* Start assembling row number `row` (1-based). */
void table_row_begin(struct table_reader *t, long row);
/* Put valid UTF-8 text s[0..len) in 0-based column col (> every column put before in this
 * row). Empty text is ignored; checks the column and cell limits and UTF-8 validity. */
int table_cell(struct table_reader *t, size_t col, const char *s, size_t len);
/* Finish the row: true if it has a non-empty cell (then cells/ncells are ready). */
bool table_row_end(struct table_reader *t);

int table_csv_open(struct table_reader *t);
int table_csv_next(struct table_reader *t); /* 1 row ready, 0 end, <0 error */
void table_csv_free(struct table_reader *t);

int table_xlsx_open(struct table_reader *t);
int table_xlsx_next(struct table_reader *t);
void table_xlsx_free(struct table_reader *t);

struct table_writer {
	enum table_format fmt;
	char *path; /* final path (file writers) */
	char *tmp;  /* temporary file being written */
	long rows;
	/* CSV: rows go to f, or to mem for a memory writer */
	FILE *f;
	bool to_mem;
	struct buf mem;
	struct buf line;
	/* XLSX */
	void *wb, *ws, *bold; /* lxw_workbook, lxw_worksheet, lxw_format */
	int *widths;
	size_t nwidths;
	struct buf esc;
};

/* Check a row before anything of it is written: UTF-8, cell sizes, column count. */
int table_check_row(const struct table_writer *w, const char *const *cells, size_t n,
                    size_t max_cols, struct xf_err *err);
/* Does this cell need the formula-injection ' in front? */
bool table_needs_quote_prefix(const char *s);

int table_csv_write_row(struct table_writer *w, const char *const *cells, size_t n,
                        struct xf_err *err);
int table_xlsx_writer_start(struct table_writer *w, const char *sheet_name, struct xf_err *err);
int table_xlsx_write_row(struct table_writer *w, const char *const *cells, size_t n,
                         struct xf_err *err);
/* Start another worksheet (the rows that follow go there). */
int table_xlsx_writer_sheet(struct table_writer *w, const char *sheet_name, struct xf_err *err);
/* Write the workbook to w->tmp and free the libxlsxwriter objects. */
int table_xlsx_writer_finish(struct table_writer *w, struct xf_err *err);
void table_xlsx_writer_free(struct table_writer *w);

#endif
