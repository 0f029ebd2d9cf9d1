/* Spreadsheet readers on arbitrary bytes: AUTO, CSV and XLSX, default and tight limits, every
 * row consumed and checked; CSV rows also go through the CSV writer and must read back equal. */
#include "fuzz.h"
#include "core/buf.h"
#include "core/str.h"
#include "io/table.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	return 0;
}

/* Every row a reader returns keeps its promises. When keep is not NULL the rows are appended
 * to it: per row the cell count, then per cell its length and its bytes with a NUL (cells
 * may hold any character but NUL, so no separator would do); an error appends (size_t)-1. */
static void consume(const uint8_t *data, size_t size, enum table_format fmt,
                    const struct table_limits *lim, struct buf *keep)
{
	struct table_reader *t;
	struct xf_err err;
	if (table_open_mem(data, size, fmt, lim, &t, &err) != XF_OK) {
		if (err.status >= 0 || !err.code[0] ||
		    !utf8_valid(err.message, strlen(err.message)))
			abort();
		return;
	}
	struct table_limits l = table_default_limits;
	if (lim && lim->max_cols)
		l.max_cols = lim->max_cols;
	if (lim && lim->max_cell)
		l.max_cell = lim->max_cell;
	const char *const *cells;
	size_t n;
	long last = 0;
	int rc;
	while ((rc = table_next(t, &cells, &n, &err)) == 1) {
		if (table_row(t) <= last || n == 0 || n > l.max_cols || !cells[n - 1][0])
			abort();
		last = table_row(t);
		if (keep)
			buf_append(keep, &n, sizeof n);
		for (size_t i = 0; i < n; i++) {
			size_t len = strlen(cells[i]);
			if (len > l.max_cell || !utf8_valid(cells[i], len))
				abort();
			char date[11];
			table_serial_date(cells[i], false, date);
			if (keep) {
				buf_append(keep, &len, sizeof len);
				buf_append(keep, cells[i], len + 1);
			}
		}
	}
	if (rc < 0 &&
	    (!err.code[0] || rc != err.status || !utf8_valid(err.message, strlen(err.message))))
		abort();
	if (rc < 0 && keep) {
		size_t bad = (size_t)-1;
		buf_append(keep, &bad, sizeof bad);
	}
	table_close(t);
}

/* Write the rows kept in `rows` as CSV and read them back: the same rows must come out. */
static void csv_round_trip(const struct buf *rows)
{
	struct table_writer *w;
	struct xf_err err;
	if (table_writer_open_mem(TABLE_CSV, NULL, &w, &err) != XF_OK)
		abort();
	const char *cells[256];
	for (size_t at = 0; at < rows->len;) {
		size_t n, len;
		memcpy(&n, rows->data + at, sizeof n);
		at += sizeof n;
		if (n == (size_t)-1) { /* the input had an error: nothing to compare */
			table_writer_discard(w);
			return;
		}
		for (size_t i = 0; i < n; i++) {
			memcpy(&len, rows->data + at, sizeof len);
			at += sizeof len;
			cells[i] = rows->data + at;
			at += len + 1;
		}
		if (table_writer_row(w, cells, n, &err) != XF_OK)
			abort();
	}
	char *out;
	size_t len;
	if (table_writer_close_mem(w, &out, &len, &err) != XF_OK)
		abort();
	struct buf again;
	buf_init(&again);
	consume((const uint8_t *)out, len, TABLE_CSV, NULL, &again);
	if (again.len != rows->len || (rows->len && memcmp(again.data, rows->data, rows->len)))
		abort();
	buf_free(&again);
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 1 << 20)
		return 0;
	static const struct table_limits tight = {.max_bytes = 1 << 16,
	                                          .max_part = 1 << 16,
	                                          .max_rows = 40,
	                                          .max_cols = 6,
	                                          .max_cell = 16};
	consume(data, size, TABLE_AUTO, NULL, NULL);
	consume(data, size, TABLE_XLSX, &tight, NULL);
	consume(data, size, TABLE_XLSX, NULL, NULL);
	struct buf rows;
	buf_init(&rows);
	consume(data, size, TABLE_CSV, NULL, &rows);
	csv_round_trip(&rows);
	buf_free(&rows);
	consume(data, size, TABLE_CSV, &tight, NULL);
	return 0;
}
