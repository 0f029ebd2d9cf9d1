/* XLSX writing with libxlsxwriter: one worksheet of text cells, bold frozen header, widths
 * from the content; rows stream to libxlsxwriter's temp file (constant-memory mode). */
#include "io/table_int.h"

#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#define WIDTH_MIN 8
#define WIDTH_MAX 60

/* Excel's sheet-name rules: no []:*?/\, no leading/trailing ', at most 31 characters. */
static void sheet_name_clean(const char *in, char *out, size_t n)
{
	size_t o = 0, chars = 0;
	for (const char *s = in ? in : ""; *s && chars < LXW_SHEETNAME_MAX;) {
		size_t len = 1;
		unsigned char c = (unsigned char)*s;
		if (c >= 0xC0)
			len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
		if (strnlen(s, len) < len || o + len + 1 > n)
			break;
		if (strchr("[]:*?/\\", *s) || c < 0x20)
			out[o++] = '_';
		else {
			memcpy(out + o, s, len);
			o += len;
		}
		s += len;
		chars++;
	}
	while (o > 0 && out[o - 1] == '\'')
		o--;
	out[o] = 0;
	size_t lead = strspn(out, "'");
	memmove(out, out + lead, o - lead + 1);
	if (!out[0])
		snprintf(out, n, "Sheet1");
}

static int lxw_fail(struct xf_err *err, lxw_error e)
{
	return table_errf(err, XF_EIO, "xlsx_write_failed", NULL, "生成 XLSX 失败：%s",
	                  lxw_strerror(e));
}

int table_xlsx_writer_start(struct table_writer *w, const char *sheet_name, struct xf_err *err)
{
	lxw_workbook_options opts = {.constant_memory = LXW_TRUE, .tmpdir = NULL};
	char name[LXW_SHEETNAME_MAX * 4 + 1];
	sheet_name_clean(sheet_name, name, sizeof name);
	lxw_workbook *wb = workbook_new_opt(w->tmp, &opts);
	if (!wb)
		return table_errf(err, XF_EIO, "xlsx_write_failed", NULL, "无法创建 XLSX 文件 %s",
		                  w->tmp);
	lxw_worksheet *ws = workbook_add_worksheet(wb, name);
	lxw_format *bold = workbook_add_format(wb);
	if (!ws || !bold) {
		lxw_workbook_free(wb);
		return table_errf(err, XF_EIO, "xlsx_write_failed", NULL, "无法创建 XLSX 工作表");
	}
	format_set_bold(bold);
	worksheet_freeze_panes(ws, 1, 0);
	w->wb = wb;
	w->ws = ws;
	w->bold = bold;
	return XF_OK;
}

/* How wide a cell shows: CJK and full-width characters take two columns. */
static int display_width(const char *s)
{
	int width = 0, line = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		unsigned cp = *p, len = 1;
		if (cp >= 0xF0)
			len = 4, cp &= 0x07;
		else if (cp >= 0xE0)
			len = 3, cp &= 0x0F;
		else if (cp >= 0xC0)
			len = 2, cp &= 0x1F;
		for (unsigned k = 1; k < len && p[k]; k++)
			cp = cp << 6 | (p[k] & 0x3F);
		for (unsigned k = 0; k < len && *p; k++)
			p++;
		if (cp == '\n') {
			line = 0;
			continue;
		}
		bool wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
		            (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
		            (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
		            (cp >= 0xFFE0 && cp <= 0xFFE6) || cp >= 0x20000;
		line += wide ? 2 : 1;
		if (line > width)
			width = line;
		if (width > WIDTH_MAX)
			break;
	}
	return width;
}

/* OOXML reads "_xHHHH_" as an escaped character: a literal one is written with its
 * underscore escaped, as Excel does ("_x005F_x0041_"). Also the injection prefix. */
static const char *xlsx_text(struct table_writer *w, const char *s)
{
	struct buf *b = &w->esc;
	buf_reset(b);
	if (table_needs_quote_prefix(s))
		buf_putc(b, '\'');
	for (const char *p = s; *p; p++) {
		if (p[0] == '_' && p[1] == 'x' && strspn(p + 2, "0123456789abcdefABCDEF") >= 4 &&
		    p[6] == '_')
			buf_puts(b, "_x005F");
		buf_putc(b, *p);
	}
	return b->data ? b->data : "";
}

int table_xlsx_write_row(struct table_writer *w, const char *const *cells, size_t n,
                         struct xf_err *err)
{
	if (n > w->nwidths) {
		w->widths = xrealloc(w->widths, n * sizeof *w->widths);
		memset(w->widths + w->nwidths, 0, (n - w->nwidths) * sizeof *w->widths);
		w->nwidths = n;
	}
	for (size_t i = 0; i < n; i++) {
		const char *s = cells[i] ? cells[i] : "";
		if (!*s)
			continue;
		lxw_error e =
		    worksheet_write_string(w->ws, (lxw_row_t)w->rows, (lxw_col_t)i, xlsx_text(w, s),
		                           w->rows == 0 ? w->bold : NULL);
		if (e != LXW_NO_ERROR)
			return lxw_fail(err, e);
		int dw = display_width(s);
		if (dw > w->widths[i])
			w->widths[i] = dw;
	}
	return XF_OK;
}

static void set_widths(struct table_writer *w)
{
	for (size_t i = 0; i < w->nwidths; i++) {
		int width = w->widths[i] + 2;
		width = width < WIDTH_MIN ? WIDTH_MIN : width > WIDTH_MAX ? WIDTH_MAX : width;
		worksheet_set_column(w->ws, (lxw_col_t)i, (lxw_col_t)i, width, NULL);
	}
}

int table_xlsx_writer_sheet(struct table_writer *w, const char *sheet_name, struct xf_err *err)
{
	char name[LXW_SHEETNAME_MAX * 4 + 1];
	sheet_name_clean(sheet_name, name, sizeof name);
	set_widths(w);
	/* Excel refuses two sheets of one name: a repeated one gets " (2)", " (3)", … */
	char unique[sizeof name + 16];
	snprintf(unique, sizeof unique, "%s", name);
	for (int k = 2; workbook_get_worksheet_by_name(w->wb, unique) && k < 1000; k++)
		snprintf(unique, sizeof unique, "%.24s (%d)", name, k);
	lxw_worksheet *ws = workbook_add_worksheet(w->wb, unique);
	if (!ws)
		return table_errf(err, XF_EIO, "xlsx_write_failed", NULL, "无法创建 XLSX 工作表");
	worksheet_freeze_panes(ws, 1, 0);
	w->ws = ws;
	free(w->widths);
	w->widths = NULL;
	w->nwidths = 0;
	return XF_OK;
}

int table_xlsx_writer_finish(struct table_writer *w, struct xf_err *err)
{
	set_widths(w);
	lxw_workbook *wb = w->wb;
	w->wb = w->ws = w->bold = NULL;
	lxw_error e = workbook_close(wb); /* writes w->tmp and frees wb */
	return e == LXW_NO_ERROR ? XF_OK : lxw_fail(err, e);
}

void table_xlsx_writer_free(struct table_writer *w)
{
	if (w->wb)
		lxw_workbook_free(w->wb);
	w->wb = w->ws = w->bold = NULL;
}
