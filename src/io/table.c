/* The spreadsheet interface: limits, opening by format, the row builder every reader fills,
 * the writers' common checks and files (temporary file + rename), date serial numbers. */
#include "io/table_int.h"
#include "core/str.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

const struct table_limits table_default_limits = {
    .max_bytes = (size_t)50 << 20,
    .max_part = (size_t)200 << 20,
    .max_rows = 2000000,
    .max_cols = 256,
    .max_cell = 4096,
};

static void limits_fill(struct table_limits *l, const struct table_limits *in)
{
	const struct table_limits *d = &table_default_limits;
	*l = *d;
	if (in) {
		if (in->max_bytes)
			l->max_bytes = in->max_bytes;
		if (in->max_part)
			l->max_part = in->max_part;
		if (in->max_rows > 0)
			l->max_rows = in->max_rows;
		if (in->max_cols)
			l->max_cols = in->max_cols;
		if (in->max_cell)
			l->max_cell = in->max_cell;
	}
	if (l->max_part > TABLE_XLSX_MAX_PART_CAP)
		l->max_part = TABLE_XLSX_MAX_PART_CAP;
	if (l->max_cols > TABLE_XLSX_MAX_COLS)
		l->max_cols = TABLE_XLSX_MAX_COLS;
	if (l->max_cell > ((size_t)1 << 20))
		l->max_cell = (size_t)1 << 20;
}

/* Copy s into out (n bytes) as valid UTF-8 without control characters, cut only between
 * characters: names from a zip or a path need not be UTF-8, and a message goes into JSON. */
static void utf8_clean(const char *s, char *out, size_t n)
{
	size_t o = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		size_t len = *p < 0x80 ? 1 : *p >= 0xF0 ? 4 : *p >= 0xE0 ? 3 : 2;
		bool ok = *p >= 0x20 && strnlen((const char *)p, len) == len &&
		          utf8_valid((const char *)p, len);
		if (!ok)
			len = 1;
		if (o + len >= n)
			break;
		if (ok)
			memcpy(out + o, p, len);
		else
			out[o] = '?';
		o += len;
		p += len;
	}
	out[o] = 0;
}

int table_errf(struct xf_err *err, int status, const char *code, const char *field, const char *fmt,
               ...)
{
	char raw[1024], msg[sizeof err->message];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof raw, fmt, ap);
	va_end(ap);
	utf8_clean(raw, msg, sizeof msg);
	return xf_fail_field(err, status, code, field, "%s", msg);
}

int table_fail(struct table_reader *t, int status, const char *code, const char *field,
               const char *fmt, ...)
{
	if (t->failed)
		return t->failed; /* the first error is the one that explains */
	va_list ap;
	va_start(ap, fmt);
	char msg[1024];
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	table_errf(&t->fail, status, code, field, "%s", msg);
	t->failed = status;
	return status;
}

void table_col_name(size_t col, char out[8])
{
	char tmp[8];
	size_t n = 0;
	col++; /* bijective base 26: A..Z, AA.. */
	while (col > 0 && n < 7) {
		col--;
		tmp[n++] = (char)('A' + col % 26);
		col /= 26;
	}
	for (size_t i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	out[n] = 0;
}

void table_row_begin(struct table_reader *t, long row)
{
	t->cur_row = row;
	t->ncells = 0;
	buf_reset(&t->text);
}

int table_cell_too_long(struct table_reader *t, size_t col)
{
	char name[8], ref[32];
	table_col_name(col, name);
	snprintf(ref, sizeof ref, "%s%ld", name, t->cur_row);
	return table_fail(t, XF_EINVAL, "cell_too_long", ref,
	                  "第 %ld 行 %s 列：单元格过长（上限 %zu 字节）", t->cur_row, name,
	                  t->lim.max_cell);
}

static bool injection_lead(char c)
{
	return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

int table_cell(struct table_reader *t, size_t col, const char *s, size_t len)
{
	if (len == 0)
		return XF_OK;
	char name[8], ref[32];
	if (col >= t->lim.max_cols) {
		table_col_name(col, name);
		snprintf(ref, sizeof ref, "%s%ld", name, t->cur_row);
		return table_fail(t, XF_EINVAL, "too_many_columns", ref,
		                  "第 %ld 行：列数过多（%s 列有内容，最多 %zu 列）", t->cur_row,
		                  name, t->lim.max_cols);
	}
	if (len > t->lim.max_cell)
		return table_cell_too_long(t, col);
	if (!utf8_valid(s, len)) {
		table_col_name(col, name);
		snprintf(ref, sizeof ref, "%s%ld", name, t->cur_row);
		return table_fail(t, XF_EINVAL, "bad_encoding", ref,
		                  "第 %ld 行 %s 列：文字编码无效（应为 UTF-8 或 GB18030）",
		                  t->cur_row, name);
	}
	/* Undo the writers' formula-injection escape. */
	if (len >= 2 && s[0] == '\'' && injection_lead(s[1])) {
		s++;
		len--;
	}
	while (t->ncells < col) {
		t->offs[t->ncells++] = t->text.len;
		buf_append(&t->text, "", 1);
	}
	t->offs[col] = t->text.len;
	buf_append(&t->text, s, len);
	buf_append(&t->text, "", 1);
	t->ncells = col + 1;
	return XF_OK;
}

bool table_row_end(struct table_reader *t)
{
	for (size_t i = 0; i < t->ncells; i++)
		t->cells[i] = t->text.data + t->offs[i];
	return t->ncells > 0;
}

static struct table_reader *reader_new(const struct table_limits *lim)
{
	struct table_reader *t = xcalloc(1, sizeof *t);
	limits_fill(&t->lim, lim);
	t->offs = xcalloc(t->lim.max_cols, sizeof *t->offs);
	t->cells = xcalloc(t->lim.max_cols, sizeof *t->cells);
	t->cd = (iconv_t)-1;
	buf_init(&t->text);
	buf_init(&t->raw);
	return t;
}

void table_close(struct table_reader *t)
{
	if (!t)
		return;
	table_csv_free(t);
	table_xlsx_free(t);
	buf_free(&t->text);
	free(t->offs);
	free(t->cells);
	free(t->owned);
	free(t);
}

static int too_large(struct xf_err *err, size_t max)
{
	return table_errf(err, XF_ETOOBIG, "file_too_large", NULL, "文件过大（上限 %zu MiB）",
	                  max >> 20);
}

static int reader_start(struct table_reader *t, enum table_format fmt, struct table_reader **out,
                        struct xf_err *err)
{
	static const unsigned char ole[8] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};
	const unsigned char *d = t->data;
	if (fmt == TABLE_AUTO) {
		if (t->len >= 8 && memcmp(d, ole, 8) == 0) {
			table_close(t);
			return table_errf(err, XF_EINVAL, "xls_unsupported", NULL,
			                  "这是旧版 .xls 文件或加密的工作簿，请在 Excel 中另存为 "
			                  ".xlsx（不设密码）或 CSV 后再导入");
		}
		bool zip = t->len >= 4 && d[0] == 'P' && d[1] == 'K' &&
		           ((d[2] == 3 && d[3] == 4) || (d[2] == 5 && d[3] == 6));
		fmt = zip ? TABLE_XLSX : TABLE_CSV;
	}
	t->fmt = fmt;
	int rc = fmt == TABLE_XLSX ? table_xlsx_open(t) : table_csv_open(t);
	if (rc != XF_OK) {
		if (err)
			*err = t->fail;
		table_close(t);
		return rc;
	}
	*out = t;
	return XF_OK;
}

int table_open_mem(const void *data, size_t len, enum table_format fmt,
                   const struct table_limits *lim, struct table_reader **out, struct xf_err *err)
{
	*out = NULL;
	struct table_reader *t = reader_new(lim);
	if (len > t->lim.max_bytes) {
		size_t max = t->lim.max_bytes;
		table_close(t);
		return too_large(err, max);
	}
	t->data = len ? data : (const unsigned char *)"";
	t->len = len;
	return reader_start(t, fmt, out, err);
}

int table_open_file(const char *path, enum table_format fmt, const struct table_limits *lim,
                    struct table_reader **out, struct xf_err *err)
{
	*out = NULL;
	struct table_reader *t = reader_new(lim);
	size_t max = t->lim.max_bytes;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		table_close(t);
		return table_errf(err, XF_EIO, "file_unreadable", NULL, "无法读取文件 %s：%s", path,
		                  strerror(e));
	}
	if (S_ISREG(st.st_mode) && (uintmax_t)st.st_size > max) {
		close(fd);
		table_close(t);
		return too_large(err, max);
	}
	size_t cap = S_ISREG(st.st_mode) ? (size_t)st.st_size + 1 : 65536, len = 0;
	unsigned char *data = xmalloc(cap);
	for (;;) {
		if (len == cap) {
			cap = cap > max / 2 ? max + 1 : cap * 2;
			data = xrealloc(data, cap);
		}
		ssize_t n = read(fd, data + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			close(fd);
			free(data);
			table_close(t);
			return table_errf(err, XF_EIO, "file_unreadable", NULL,
			                  "无法读取文件 %s：%s", path, strerror(e));
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > max) {
			close(fd);
			free(data);
			table_close(t);
			return too_large(err, max);
		}
	}
	close(fd);
	t->owned = data;
	t->data = data;
	t->len = len;
	return reader_start(t, fmt, out, err);
}

enum table_format table_reader_format(const struct table_reader *t)
{
	return t->fmt;
}

int table_next(struct table_reader *t, const char *const **cells, size_t *ncells,
               struct xf_err *err)
{
	static const char *const none[1] = {""};
	*cells = none;
	*ncells = 0;
	int rc = t->failed              ? t->failed
	         : t->fmt == TABLE_XLSX ? table_xlsx_next(t)
	                                : table_csv_next(t);
	if (rc < 0) {
		t->row = t->cur_row;
		if (err)
			*err = t->fail;
		return t->failed ? t->failed : rc;
	}
	if (rc == 0)
		return 0;
	t->row = t->cur_row;
	*cells = t->cells;
	*ncells = t->ncells;
	return 1;
}

long table_row(const struct table_reader *t)
{
	return t->row;
}

bool table_date1904(const struct table_reader *t)
{
	return t->date1904;
}

/* Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm). */
static void civil_from_days(long z, int *y, unsigned *m, unsigned *d)
{
	z += 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long yy = (long)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)(yy + (*m <= 2));
}

int table_serial_date(const char *cell, bool date1904, char out[11])
{
	out[0] = 0;
	long days = 0;
	const char *p = cell;
	if (!p || !*p)
		return XF_EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		days = days * 10 + (*p - '0');
		if (days > 3000000)
			return XF_EINVAL;
	}
	if (p == cell)
		return XF_EINVAL;
	if (*p == '.') /* a time of day: dropped */
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
	if (*p)
		return XF_EINVAL;
	long unix_days;
	if (date1904)
		unix_days = days - 24107; /* serial 0 = 1904-01-01 */
	else if (days == 0 || days == 60)
		return XF_EINVAL; /* 1900-01-00 and Lotus' 1900-02-29 do not exist */
	else
		unix_days = days < 60 ? days - 25568 : days - 25569;
	int y;
	unsigned m, d;
	civil_from_days(unix_days, &y, &m, &d);
	if (y > 9999)
		return XF_EINVAL;
	snprintf(out, 11, "%04d-%02u-%02u", y, m, d);
	return XF_OK;
}

/* Writing. */

bool table_needs_quote_prefix(const char *s)
{
	return s && injection_lead(s[0]);
}

int table_check_row(const struct table_writer *w, const char *const *cells, size_t n,
                    size_t max_cols, struct xf_err *err)
{
	long row = w->rows + 1;
	if (n > max_cols)
		return table_errf(err, XF_EINVAL, "too_many_columns", NULL,
		                  "第 %ld 行：列数过多（%zu 列，最多 %zu 列）", row, n, max_cols);
	for (size_t i = 0; i < n; i++) {
		const char *s = cells[i] ? cells[i] : "";
		size_t len = strlen(s);
		char name[8];
		table_col_name(i, name);
		if (len > TABLE_WRITE_MAX_CELL)
			return table_errf(err, XF_EINVAL, "cell_too_long", NULL,
			                  "第 %ld 行 %s 列：单元格过长（上限 %d 字节）", row, name,
			                  TABLE_WRITE_MAX_CELL);
		if (!utf8_valid(s, len))
			return table_errf(err, XF_EINVAL, "bad_encoding", NULL,
			                  "第 %ld 行 %s 列：不是有效的 UTF-8 文本", row, name);
	}
	return XF_OK;
}

static bool has_suffix(const char *path, const char *suffix)
{
	size_t n = strlen(path), m = strlen(suffix);
	return n >= m && strcasecmp(path + n - m, suffix) == 0;
}

static struct table_writer *writer_new(enum table_format fmt)
{
	struct table_writer *w = xcalloc(1, sizeof *w);
	w->fmt = fmt;
	buf_init(&w->mem);
	buf_init(&w->line);
	buf_init(&w->esc);
	return w;
}

void table_writer_discard(struct table_writer *w)
{
	if (!w)
		return;
	table_xlsx_writer_free(w);
	if (w->f)
		fclose(w->f);
	if (w->tmp)
		unlink(w->tmp);
	free(w->tmp);
	free(w->path);
	buf_free(&w->mem);
	buf_free(&w->line);
	buf_free(&w->esc);
	free(w->widths);
	free(w);
}

#define CSV_BOM "\xEF\xBB\xBF"

static int io_fail(struct xf_err *err, const char *path, int e)
{
	return table_errf(err, XF_EIO, "write_failed", NULL, "无法写入文件 %s：%s", path,
	                  strerror(e));
}

/* Start a writer of fmt on the temporary file w->tmp (already created and open as fd). */
static int writer_start(struct table_writer *w, int fd, const char *sheet_name, struct xf_err *err)
{
	if (w->fmt == TABLE_XLSX) {
		close(fd); /* libxlsxwriter opens it by name when the workbook is closed */
		return table_xlsx_writer_start(w, sheet_name, err);
	}
	w->f = fdopen(fd, "wb");
	if (!w->f) {
		int e = errno;
		close(fd);
		return io_fail(err, w->tmp, e);
	}
	if (fwrite(CSV_BOM, 1, 3, w->f) != 3)
		return io_fail(err, w->tmp, errno);
	return XF_OK;
}

int table_writer_open(const char *path, enum table_format fmt, const char *sheet_name,
                      struct table_writer **out, struct xf_err *err)
{
	*out = NULL;
	if (fmt == TABLE_AUTO) {
		if (has_suffix(path, ".xlsx"))
			fmt = TABLE_XLSX;
		else if (has_suffix(path, ".csv"))
			fmt = TABLE_CSV;
		else
			return table_errf(err, XF_EINVAL, "table_format_unknown", NULL,
			                  "无法从文件名判断格式（应以 .xlsx 或 .csv 结尾）：%s",
			                  path);
	}
	struct table_writer *w = writer_new(fmt);
	w->path = xstrdup(path);
	struct buf tmp;
	buf_init(&tmp);
	buf_printf(&tmp, "%s.tmp-XXXXXX", path);
	w->tmp = buf_steal(&tmp);
	int fd = mkstemp(w->tmp);
	if (fd < 0) {
		int rc = io_fail(err, path, errno);
		free(w->tmp);
		w->tmp = NULL;
		table_writer_discard(w);
		return rc;
	}
	int rc = writer_start(w, fd, sheet_name, err);
	if (rc != XF_OK) {
		table_writer_discard(w);
		return rc;
	}
	*out = w;
	return XF_OK;
}

int table_writer_open_mem(enum table_format fmt, const char *sheet_name, struct table_writer **out,
                          struct xf_err *err)
{
	*out = NULL;
	if (fmt != TABLE_CSV && fmt != TABLE_XLSX)
		return table_errf(err, XF_EINVAL, "table_format_unknown", NULL,
		                  "导出格式必须是 CSV 或 XLSX");
	struct table_writer *w = writer_new(fmt);
	w->to_mem = true;
	if (fmt == TABLE_CSV) {
		buf_append(&w->mem, CSV_BOM, 3);
		*out = w;
		return XF_OK;
	}
	const char *dir = getenv("TMPDIR");
	struct buf tmp;
	buf_init(&tmp);
	buf_printf(&tmp, "%s/xingfu-table-XXXXXX", dir && *dir ? dir : "/tmp");
	w->tmp = buf_steal(&tmp);
	int fd = mkstemp(w->tmp);
	if (fd < 0) {
		int rc = io_fail(err, w->tmp, errno);
		free(w->tmp);
		w->tmp = NULL;
		table_writer_discard(w);
		return rc;
	}
	int rc = writer_start(w, fd, sheet_name, err);
	if (rc != XF_OK) {
		table_writer_discard(w);
		return rc;
	}
	*out = w;
	return XF_OK;
}

int table_writer_row(struct table_writer *w, const char *const *cells, size_t n, struct xf_err *err)
{
	if (w->fmt == TABLE_XLSX && w->rows >= TABLE_XLSX_MAX_ROWS)
		return table_errf(err, XF_ETOOBIG, "too_many_rows", NULL,
		                  "超过 Excel 的行数上限 %d 行", TABLE_XLSX_MAX_ROWS);
	int rc = table_check_row(w, cells, n, TABLE_XLSX_MAX_COLS, err);
	if (rc != XF_OK)
		return rc;
	rc = w->fmt == TABLE_XLSX ? table_xlsx_write_row(w, cells, n, err)
	                          : table_csv_write_row(w, cells, n, err);
	if (rc == XF_OK)
		w->rows++;
	return rc;
}

int table_writer_sheet(struct table_writer *w, const char *sheet_name, struct xf_err *err)
{
	if (w->fmt != TABLE_XLSX)
		return table_errf(err, XF_EINVAL, "one_sheet_only", NULL,
		                  "CSV 文件只有一张表，不能再加工作表");
	int rc = table_xlsx_writer_sheet(w, sheet_name, err);
	if (rc == XF_OK)
		w->rows = 0;
	return rc;
}

/* Make the temporary file durable before it replaces anything. */
static int sync_path(const char *path, struct xf_err *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) != 0) {
		int rc = io_fail(err, path, errno);
		if (fd >= 0)
			close(fd);
		return rc;
	}
	close(fd);
	return XF_OK;
}

/* Finish writing into w->tmp (CSV file or XLSX). */
static int writer_finish(struct table_writer *w, struct xf_err *err)
{
	if (w->fmt == TABLE_XLSX)
		return table_xlsx_writer_finish(w, err);
	if (w->f) {
		FILE *f = w->f;
		w->f = NULL;
		if (fflush(f) != 0 || ferror(f)) {
			int e = errno;
			fclose(f);
			return io_fail(err, w->tmp, e);
		}
		if (fclose(f) != 0)
			return io_fail(err, w->tmp, errno);
	}
	return XF_OK;
}

int table_writer_close(struct table_writer *w, struct xf_err *err)
{
	int rc = writer_finish(w, err);
	if (rc == XF_OK && w->tmp)
		rc = sync_path(w->tmp, err);
	if (rc == XF_OK && w->tmp && w->path) {
		if (rename(w->tmp, w->path) != 0)
			rc = io_fail(err, w->path, errno);
		else {
			free(w->tmp);
			w->tmp = NULL;
		}
	}
	table_writer_discard(w);
	return rc;
}

static int read_whole(const char *path, struct buf *out, struct xf_err *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return table_errf(err, XF_EIO, "file_unreadable", NULL, "无法读取文件 %s：%s", path,
		                  strerror(errno));
	char chunk[65536];
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			close(fd);
			return table_errf(err, XF_EIO, "file_unreadable", NULL,
			                  "无法读取文件 %s：%s", path, strerror(e));
		}
		if (n == 0)
			break;
		buf_append(out, chunk, (size_t)n);
	}
	close(fd);
	return XF_OK;
}

int table_writer_close_mem(struct table_writer *w, char **data, size_t *len, struct xf_err *err)
{
	*data = NULL;
	*len = 0;
	int rc = writer_finish(w, err);
	struct buf *b = &w->mem;
	if (rc == XF_OK && w->fmt == TABLE_XLSX)
		rc = read_whole(w->tmp, b, err);
	if (rc == XF_OK) {
		*len = b->len;
		*data = b->data ? buf_steal(b) : xstrdup("");
	}
	table_writer_discard(w);
	return rc;
}
