/* CSV in and out: an RFC 4180 record parser over UTF-8 or GB18030 bytes (converted per cell
 * with iconv, so an error names its row), and the writer's quoting and injection escape. */
#include "io/table_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Decide the encoding of a file without a BOM: UTF-8 if every byte sequence is UTF-8, or if
 * well-formed multi-byte sequences outnumber broken ones eight to one (a UTF-8 file with a
 * few damaged bytes: its errors are then reported by row). Otherwise GB18030, where pairs
 * of bytes >= 0x81 rarely form UTF-8. */
static bool looks_utf8(const unsigned char *s, size_t n)
{
	size_t good = 0, bad = 0;
	for (size_t i = 0; i < n;) {
		unsigned c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		size_t len = c >= 0xC2 && c <= 0xDF   ? 2
		             : c >= 0xE0 && c <= 0xEF ? 3
		             : c >= 0xF0 && c <= 0xF4 ? 4
		                                      : 0;
		bool ok = len > 0 && n - i >= len;
		for (size_t k = 1; ok && k < len; k++)
			ok = (s[i + k] & 0xC0) == 0x80;
		if (ok && len >= 3) {
			unsigned c1 = s[i + 1];
			ok = !(c == 0xE0 && c1 < 0xA0) && !(c == 0xED && c1 >= 0xA0) &&
			     !(c == 0xF0 && c1 < 0x90) && !(c == 0xF4 && c1 >= 0x90);
		}
		if (ok) {
			good++;
			i += len;
		} else {
			bad++;
			i++;
		}
	}
	return bad == 0 || good >= 8 * bad;
}

int table_csv_open(struct table_reader *t)
{
	const unsigned char *d = t->data;
	if (t->len >= 2 && ((d[0] == 0xFF && d[1] == 0xFE) || (d[0] == 0xFE && d[1] == 0xFF)))
		return table_fail(t, XF_EINVAL, "csv_utf16", NULL,
		                  "不支持 UTF-16 编码的文本文件，请另存为 CSV（UTF-8）或 XLSX");
	if (t->len >= 3 && d[0] == 0xEF && d[1] == 0xBB && d[2] == 0xBF) {
		t->pos = 3;
	} else if (t->len >= 4 && memcmp(d, "\x84\x31\x95\x33", 4) == 0) {
		t->pos = 4;
		t->gb18030 = true;
	} else {
		t->gb18030 = !looks_utf8(d, t->len);
	}
	if (t->gb18030) {
		t->cd = iconv_open("UTF-8", "GB18030");
		if (t->cd == (iconv_t)-1)
			return table_fail(t, XF_EINTERNAL, "iconv_unavailable", NULL,
			                  "系统缺少 GB18030 编码转换（glibc iconv）");
	}
	return XF_OK;
}

void table_csv_free(struct table_reader *t)
{
	if (t->cd != (iconv_t)-1)
		iconv_close(t->cd);
	t->cd = (iconv_t)-1;
	buf_free(&t->raw);
	free(t->conv);
	t->conv = NULL;
}

static int field_bad_encoding(struct table_reader *t, size_t col)
{
	char name[8], ref[32];
	table_col_name(col, name);
	snprintf(ref, sizeof ref, "%s%ld", name, t->cur_row);
	return table_fail(t, XF_EINVAL, "bad_encoding", ref,
	                  "第 %ld 行 %s 列：文字编码无效（应为 UTF-8 或 GB18030）", t->cur_row,
	                  name);
}

/* Hand the raw bytes of one field to the row, converting GB18030 to UTF-8. */
static int put_field(struct table_reader *t, size_t col)
{
	const char *s = t->raw.data;
	size_t n = t->raw.len;
	if (n == 0)
		return XF_OK;
	if (memchr(s, 0, n)) {
		char name[8], ref[32];
		table_col_name(col, name);
		snprintf(ref, sizeof ref, "%s%ld", name, t->cur_row);
		return table_fail(t, XF_EINVAL, "csv_nul_byte", ref,
		                  "第 %ld 行 %s 列：含有空字符（NUL），这不是文本文件", t->cur_row,
		                  name);
	}
	if (!t->gb18030)
		return table_cell(t, col, s, n);
	/* GB18030 → UTF-8 grows at most 3/2 (two bytes become three). */
	size_t need = n * 2 + 16;
	if (t->conv_cap < need) {
		t->conv = xrealloc(t->conv, need);
		t->conv_cap = need;
	}
	char *in = (char *)s, *out = t->conv;
	size_t inleft = n, outleft = t->conv_cap;
	iconv(t->cd, NULL, NULL, NULL, NULL);
	if (iconv(t->cd, &in, &inleft, &out, &outleft) == (size_t)-1 ||
	    iconv(t->cd, NULL, NULL, &out, &outleft) == (size_t)-1)
		return field_bad_encoding(t, col);
	return table_cell(t, col, t->conv, t->conv_cap - outleft);
}

static int append_raw(struct table_reader *t, size_t col, const unsigned char *s, size_t n)
{
	/* UTF-8 is kept as is; GB18030 may shrink by half at most when converted. */
	size_t cap = t->gb18030 ? 2 * t->lim.max_cell : t->lim.max_cell;
	if (n > cap || t->raw.len > cap - n)
		return table_cell_too_long(t, col);
	buf_append(&t->raw, s, n);
	return XF_OK;
}

/* One field starting at t->pos. Leaves t->pos on the separator, line end or end of input. */
static int read_field(struct table_reader *t, size_t col, long start_row)
{
	const unsigned char *d = t->data;
	size_t len = t->len;
	buf_reset(&t->raw);
	if (t->pos < len && d[t->pos] == '"') {
		t->pos++;
		for (;;) {
			const unsigned char *q = memchr(d + t->pos, '"', len - t->pos);
			if (!q)
				return table_fail(t, XF_EINVAL, "csv_unclosed_quote", NULL,
				                  "第 %ld 行：引号没有闭合", start_row);
			size_t span = (size_t)(q - (d + t->pos));
			int rc = append_raw(t, col, d + t->pos, span);
			if (rc != XF_OK)
				return rc;
			t->pos += span + 1;
			if (t->pos < len && d[t->pos] == '"') {
				if ((rc = append_raw(t, col, (const unsigned char *)"\"", 1)) !=
				    XF_OK)
					return rc;
				t->pos++;
				continue;
			}
			break;
		}
		if (t->pos < len && d[t->pos] != ',' && d[t->pos] != '\r' && d[t->pos] != '\n') {
			char name[8];
			table_col_name(col, name);
			return table_fail(t, XF_EINVAL, "csv_bad_quote", NULL,
			                  "第 %ld 行 %s 列：引号后面不能直接跟其他字符", t->cur_row,
			                  name);
		}
		return XF_OK;
	}
	size_t start = t->pos;
	while (t->pos < len && d[t->pos] != ',' && d[t->pos] != '\r' && d[t->pos] != '\n')
		t->pos++;
	return append_raw(t, col, d + start, t->pos - start);
}

int table_csv_next(struct table_reader *t)
{
	const unsigned char *d = t->data;
	while (t->pos < t->len) {
		if (t->cur_row >= t->lim.max_rows) {
			t->cur_row++;
			return table_fail(t, XF_ETOOBIG, "too_many_rows", NULL,
			                  "行数过多（最多 %ld 行）", t->lim.max_rows);
		}
		table_row_begin(t, t->cur_row + 1);
		for (size_t col = 0;; col++) {
			int rc = read_field(t, col, t->cur_row);
			if (rc == XF_OK)
				rc = put_field(t, col);
			if (rc != XF_OK)
				return rc;
			if (t->pos >= t->len)
				break;
			unsigned char c = d[t->pos++];
			if (c == ',')
				continue;
			if (c == '\r' && t->pos < t->len && d[t->pos] == '\n')
				t->pos++;
			break;
		}
		if (table_row_end(t))
			return 1;
	}
	return 0;
}

/* Writing. */

static bool needs_quotes(const char *s, size_t n)
{
	if (n && (s[0] == ' ' || s[n - 1] == ' '))
		return true;
	return strpbrk(s, ",\"\r\n") != NULL;
}

int table_csv_write_row(struct table_writer *w, const char *const *cells, size_t n,
                        struct xf_err *err)
{
	struct buf *b = &w->line;
	buf_reset(b);
	for (size_t i = 0; i < n; i++) {
		const char *s = cells[i] ? cells[i] : "";
		if (i)
			buf_putc(b, ',');
		bool prefix = table_needs_quote_prefix(s);
		size_t len = strlen(s);
		if (!needs_quotes(s, len)) {
			if (prefix)
				buf_putc(b, '\'');
			buf_append(b, s, len);
			continue;
		}
		buf_putc(b, '"');
		if (prefix)
			buf_putc(b, '\'');
		for (const char *q; (q = strchr(s, '"')); s = q + 1) {
			buf_append(b, s, (size_t)(q - s) + 1);
			buf_putc(b, '"');
		}
		buf_puts(b, s);
		buf_putc(b, '"');
	}
	buf_append(b, "\r\n", 2);
	if (w->to_mem) {
		buf_append(&w->mem, b->data, b->len);
		return XF_OK;
	}
	if (fwrite(b->data, 1, b->len, w->f) != b->len)
		return table_errf(err, XF_EIO, "write_failed", NULL, "无法写入文件 %s：%s", w->tmp,
		                  strerror(errno));
	return XF_OK;
}
