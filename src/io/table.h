/* Spreadsheets in and out: read CSV (UTF-8 or GB18030) and XLSX as rows of UTF-8 text cells,
 * write CSV (UTF-8 + BOM) and XLSX, with hard limits on everything that comes from outside. */
#ifndef XF_TABLE_H
#define XF_TABLE_H

#include "core/xf.h"

enum table_format {
	TABLE_AUTO, /* reading: by content (zip magic = XLSX); writing: by the file name's suffix */
	TABLE_CSV,
	TABLE_XLSX,
};

/* Everything a reader accepts is bounded by these; table_default_limits are the defaults
 * (an upload route may pass tighter ones). A zero field means "the default". */
struct table_limits {
	/* the file or upload itself: 50 MiB */
	size_t max_bytes;
	/* inflated bytes of any one XLSX part, declared or actual (zip bombs): 200 MiB, <= 1 GiB */
	size_t max_part;
	/* highest row number: 2,000,000 */
	long max_rows;
	/* columns holding a value: 256 (<= 16,384) */
	size_t max_cols;
	/* bytes of UTF-8 in one cell: 4,096 (<= 1 MiB) */
	size_t max_cell;
};
extern const struct table_limits table_default_limits;

/*
 * Reading.
 *
 * Every row comes back as UTF-8 text cells, whatever the source:
 * - Rows are numbered as a spreadsheet shows them (the header is row 1; a CSV record with
 *   quoted line breaks is one row). Rows whose cells are all empty are skipped, in both
 *   formats; table_row() tells the true number of the row just returned.
 * - Trailing empty cells are trimmed: cells past *ncells are empty. Empty cells in the
 *   middle of a row are "" (XLSX gaps such as A5, C5 with no B5 are filled).
 * - A cell that starts with ' followed by = + - @ tab or CR loses the ' : that is the
 *   formula-injection escape the writers add, so exported sheets import unchanged.
 * - CSV: RFC 4180 (quotes, doubled quotes, commas and line breaks in quotes; CRLF, LF or CR
 *   line ends); a quote inside an unquoted field is kept as text; text after a closing quote
 *   is an error. A UTF-8 BOM is skipped. Bytes that are not UTF-8 are read as GB18030 (what
 *   Chinese Excel saves; GBK is a subset) when the file looks like GB18030 (most non-ASCII
 *   bytes do not form UTF-8); a cell that is valid in neither, or holds a NUL, is an error
 *   naming its row. UTF-16 text and old .xls files are refused with a message saying so.
 * - XLSX: the first visible worksheet (via the workbook and its relationships; failing
 *   those, xl/worksheets/sheet1.xml or the first part under xl/worksheets/). Shared and
 *   inline strings (rich text runs joined, phonetic runs dropped, _xHHHH_ escapes decoded),
 *   booleans as TRUE/FALSE, error values and formula results as their cached text (formulas
 *   are never evaluated). Numbers as Excel shows them in a General cell with 15 significant
 *   digits, but never in E notation between 1e-20 and 1e21: 42 stays "42", 0.1+0.2 is "0.3",
 *   an ID stored as 4.20203199001011E+17 becomes "420203199001011000" (Excel has already
 *   lost the last digits; store IDs as text). Dates stay serial numbers ("45292" for
 *   2024-01-01): see table_serial_date().
 * - Limits (struct table_limits), DOCTYPE and entity declarations in any XML part, XML
 *   nested deeper than 64 levels, and a single XML token over 4 MiB are errors with an
 *   English code and a Chinese message ("第 N 行 …"; err.field names the cell, "B7", when
 *   there is one). Status XF_ETOOBIG for the file, an XLSX part or the row count (413),
 *   XF_EIO for a file that cannot be read, XF_EINVAL for everything else (400).
 * Memory held: the input (owned for files, borrowed for memory), one row, and for XLSX the
 * shared strings (bounded by max_part) and a 64 KiB window of the sheet, which is streamed.
 * A reader or writer is used by one thread at a time; separate ones are independent.
 *
 *	struct table_reader *t;
 *	if (table_open_mem(body, len, TABLE_AUTO, NULL, &t, err) != XF_OK)
 *		return err->status;
 *	const char *const *cells;
 *	size_t n;
 *	int rc;
 *	while ((rc = table_next(t, &cells, &n, err)) == 1)
 *		... row table_row(t): cells[0..n), missing columns are "" ...
 *	table_close(t);
 *	if (rc < 0)
 *		return rc; // err: "第 12 行 C 列：单元格过长（上限 4096 字节）", field "C12"
 */
struct table_reader;

/* Read from memory (an upload). The bytes are NOT copied: they must stay valid and unchanged
 * until table_close. lim may be NULL (defaults). */
int table_open_mem(const void *data, size_t len, enum table_format fmt,
                   const struct table_limits *lim, struct table_reader **out, struct xf_err *err);
/* Read a file (read into memory, at most lim->max_bytes). */
int table_open_file(const char *path, enum table_format fmt, const struct table_limits *lim,
                    struct table_reader **out, struct xf_err *err);
/* The format being read (never TABLE_AUTO). */
enum table_format table_reader_format(const struct table_reader *t);
/* Next row: 1 = a row (cells valid until the next call or table_close), 0 = end, <0 = error
 * (err names the row; the error repeats on later calls). */
int table_next(struct table_reader *t, const char *const **cells, size_t *ncells,
               struct xf_err *err);
/* Row number of the row last returned (after an error: of the row that failed); 0 before. */
long table_row(const struct table_reader *t);
/* Whether the workbook counts dates from 1904 (old Mac Excel); false for CSV. */
bool table_date1904(const struct table_reader *t);
void table_close(struct table_reader *t);

/* A date serial number (as an XLSX date cell reads) to "YYYY-MM-DD" (out: 11 bytes). Any
 * time-of-day fraction is dropped. XF_EINVAL for anything that is not a whole number of days
 * from 1900-01-01 (serial 1; 1904 system: serial 0 = 1904-01-01) to 9999-12-31, and for 60,
 * Excel's nonexistent 1900-02-29. */
int table_serial_date(const char *cell, bool date1904, char out[11]);

/*
 * Writing. Cells are UTF-8 strings (NULL = empty), written as text, never as numbers or
 * formulas. A cell starting with = + - @ tab or CR gets a leading ' (OWASP CSV injection), in
 * both formats. Invalid UTF-8 or a cell over 32,767 bytes is an error naming row and column,
 * and nothing of that row is written; the writer stays usable.
 * - CSV: UTF-8 with a BOM (so Excel shows Chinese), CRLF, fields quoted when they hold
 *   , " CR or LF, or begin or end with a space.
 * - XLSX (libxlsxwriter, constant memory: rows stream to a temp file): one worksheet named
 *   sheet_name (Excel's forbidden characters replaced by _, cut to 31 characters; NULL or
 *   empty = "Sheet1"), the first row bold and frozen, column widths from the content (CJK
 *   characters count double), at most 1,048,576 rows and 16,384 columns.
 * A file writer writes to a temporary file beside path and renames it over path on
 * table_writer_close: the file is complete only after that, and never half-written. The file
 * is created with mode 0600 (exports hold personal data).
 */
struct table_writer;

/* fmt TABLE_AUTO chooses by path: *.xlsx → XLSX, *.csv → CSV (case-insensitive), else error. */
int table_writer_open(const char *path, enum table_format fmt, const char *sheet_name,
                      struct table_writer **out, struct xf_err *err);
/* Write to memory (an HTTP download); finish with table_writer_close_mem. fmt must be CSV
 * or XLSX. (XLSX goes through a temporary file in $TMPDIR or /tmp.) */
int table_writer_open_mem(enum table_format fmt, const char *sheet_name, struct table_writer **out,
                          struct xf_err *err);
int table_writer_row(struct table_writer *w, const char *const *cells, size_t n,
                     struct xf_err *err);
/* XLSX only: start another worksheet named sheet_name (cleaned as above; a name already
 * used gets " (2)"); the next row written is its header row. XF_EINVAL for CSV. */
int table_writer_sheet(struct table_writer *w, const char *sheet_name, struct xf_err *err);
/* Finish a file writer: flush, fsync, rename into place, free w (also on error, when the
 * temporary file is removed and path is left as it was). */
int table_writer_close(struct table_writer *w, struct xf_err *err);
/* Finish a memory writer: *data (malloc'd, caller frees) and *len receive the file; frees w. */
int table_writer_close_mem(struct table_writer *w, char **data, size_t *len, struct xf_err *err);
/* Give up: free w, remove any temporary file, leave path as it was. NULL is fine. */
void table_writer_discard(struct table_writer *w);

#endif
