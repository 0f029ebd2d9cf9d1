/* XLSX reading with libzip + expat: load the shared strings, then stream the first sheet row
 * by row (expat suspended at each row end), cells turned into text as Excel shows them. */
#include "io/xlsx_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SST_TOO_LONG UINT32_MAX

/* Where the sheet's parser is: inside sheetData, a row, a cell; the cell's type and text. */
struct sheet_ctx {
	struct xguard g;
	struct xlsx *x;
	int sd_depth; /* depth of <sheetData>, 0 = outside */
	bool in_row, in_cell, in_is, capture;
	int rph;
	long prev_row;
	size_t next_col, col;
	char type; /* n number, s shared string, i inline string, b boolean, x other text */
	struct buf val;
	bool row_ready;
};

/* The XLSX side of a reader: the archive, the shared strings, the sheet being streamed. */
struct xlsx {
	zip_t *zip;
	struct buf sst_text; /* shared strings, NUL-separated */
	uint32_t *sst_off;
	size_t sst_n, sst_cap;
	struct sheet_ctx sh;
	struct zpart zp;
	bool suspended, done;
};

/* Cell text. */

static int hexdig(char c)
{
	return c >= '0' && c <= '9'   ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10
	                              : -1;
}

/* Decode OOXML's _xHHHH_ escapes in place (how control characters, and a literal "_x",
 * are stored). NUL and surrogates stay as written. Returns the new length. */
static size_t decode_x(char *s, size_t n)
{
	size_t o = 0;
	for (size_t i = 0; i < n;) {
		if (n - i >= 7 && s[i] == '_' && s[i + 1] == 'x' && s[i + 6] == '_') {
			int h[4];
			unsigned cp = 0;
			bool ok = true;
			for (int k = 0; k < 4; k++) {
				h[k] = hexdig(s[i + 2 + k]);
				ok = ok && h[k] >= 0;
				cp = cp << 4 | (unsigned)(h[k] & 15);
			}
			if (ok && cp != 0 && (cp < 0xD800 || cp > 0xDFFF)) {
				if (cp < 0x80) {
					s[o++] = (char)cp;
				} else if (cp < 0x800) {
					s[o++] = (char)(0xC0 | cp >> 6);
					s[o++] = (char)(0x80 | (cp & 0x3F));
				} else {
					s[o++] = (char)(0xE0 | cp >> 12);
					s[o++] = (char)(0x80 | ((cp >> 6) & 0x3F));
					s[o++] = (char)(0x80 | (cp & 0x3F));
				}
				i += 7;
				continue;
			}
		}
		s[o++] = s[i++];
	}
	s[o] = 0;
	return o;
}

/* A number as Excel shows it in a General cell: 15 significant digits; plain decimals, not E
 * notation, for exponents -20..20. Returns false if s is not a plain decimal number (then
 * the text is kept as it is). The process never calls setlocale, so '.' is the point. */
static bool excel_number(const char *s, size_t n, char out[64])
{
	if (n == 0 || n > 64 || strspn(s, "0123456789+-.eE") != n)
		return false;
	char *end;
	double v = strtod(s, &end);
	if (end != s + n || !isfinite(v))
		return false;
	char g[40];
	snprintf(g, sizeof g, "%.15g", v == 0 ? 0.0 : v); /* no "-0" */
	char *e = strchr(g, 'e');
	int exp = e ? atoi(e + 1) : 0;
	if (!e || exp < -20 || exp > 20) {
		snprintf(out, 64, "%s", g);
		return true;
	}
	*e = 0;
	bool neg = g[0] == '-';
	char digits[20];
	size_t nd = 0;
	for (const char *p = g + neg; *p && nd < sizeof digits - 1; p++)
		if (*p != '.')
			digits[nd++] = *p;
	/* At most 1 + 2 + 20 + 16 bytes: fits in 64. */
	int point = 1 + exp; /* digits before the decimal point */
	size_t k = 0;
	if (neg)
		out[k++] = '-';
	if (point <= 0) {
		out[k++] = '0';
		out[k++] = '.';
		for (int z = 0; z < -point; z++)
			out[k++] = '0';
		memcpy(out + k, digits, nd);
		k += nd;
	} else if ((size_t)point >= nd) {
		memcpy(out + k, digits, nd);
		k += nd;
		for (size_t z = nd; z < (size_t)point; z++)
			out[k++] = '0';
	} else {
		memcpy(out + k, digits, (size_t)point);
		k += (size_t)point;
		out[k++] = '.';
		memcpy(out + k, digits + point, nd - (size_t)point);
		k += nd - (size_t)point;
	}
	out[k] = 0;
	return true;
}

/* Shared strings: every <si>'s text runs (not its phonetic runs) joined. */
struct sst_ctx {
	struct xguard g;
	struct xlsx *x;
	bool in_si, capture, over;
	int rph;
	struct buf cur;
};

static void XMLCALL sst_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct sst_ctx *c = ud;
	if (!table_xml_enter(&c->g))
		return;
	const char *l = table_xml_local(name);
	if (c->g.depth == 2 && strcmp(l, "si") == 0) {
		c->in_si = true;
		c->over = false;
		c->rph = 0;
		buf_reset(&c->cur);
	} else if (c->in_si && strcmp(l, "rPh") == 0) {
		c->rph++;
	} else if (c->in_si && c->rph == 0 && strcmp(l, "t") == 0) {
		c->capture = true;
	}
}

static void sst_push(struct sst_ctx *c)
{
	struct xlsx *x = c->x;
	struct table_reader *t = c->g.t;
	uint32_t off = SST_TOO_LONG;
	if (!c->over) {
		size_t n = c->cur.data ? decode_x(c->cur.data, c->cur.len) : 0;
		if (n <= t->lim.max_cell) {
			off = (uint32_t)x->sst_text.len; /* < max_part <= 1 GiB */
			buf_append(&x->sst_text, c->cur.data ? c->cur.data : "", n);
			buf_append(&x->sst_text, "", 1);
		}
	}
	if (x->sst_n == x->sst_cap) {
		x->sst_cap = x->sst_cap ? x->sst_cap * 2 : 256;
		x->sst_off = xrealloc(x->sst_off, x->sst_cap * sizeof *x->sst_off);
	}
	x->sst_off[x->sst_n++] = off;
}

static void XMLCALL sst_end(void *ud, const XML_Char *name)
{
	struct sst_ctx *c = ud;
	if (!table_xml_leave(&c->g))
		return;
	const char *l = table_xml_local(name);
	if (strcmp(l, "t") == 0) {
		c->capture = false;
	} else if (strcmp(l, "rPh") == 0 && c->rph > 0) {
		c->rph--;
	} else if (c->g.depth == 1 && c->in_si && strcmp(l, "si") == 0) {
		sst_push(c);
		c->in_si = c->capture = false;
	}
}

static void XMLCALL sst_text(void *ud, const XML_Char *s, int len)
{
	struct sst_ctx *c = ud;
	if (c->g.failed)
		return;
	c->g.saw_cb = true;
	if (!c->capture || c->over)
		return;
	/* Escapes (_x000D_) shrink when decoded: keep up to 8x the cell limit, then judge. */
	if ((size_t)len > 8 * c->g.t->lim.max_cell - c->cur.len) {
		c->over = true;
		return;
	}
	buf_append(&c->cur, s, (size_t)len);
}

static int load_sst(struct table_reader *t, zip_int64_t idx)
{
	struct sst_ctx c = {.x = t->x};
	buf_init(&c.cur);
	table_xml_new(&c.g, t, "xl/sharedStrings.xml", sst_start, sst_end, sst_text);
	int rc = table_xml_parse_part(t, t->x->zip, &c.g, idx);
	XML_ParserFree(c.g.p);
	buf_free(&c.cur);
	return rc;
}

/* The sheet. */

static void cell_fail(struct sheet_ctx *c, const char *code, const char *what)
{
	struct table_reader *t = c->g.t;
	char name[8], ref[32];
	table_col_name(c->col, name);
	snprintf(ref, sizeof ref, "%s%ld", name, t->cur_row);
	table_fail(t, XF_EINVAL, code, ref, "第 %ld 行 %s 列：%s", t->cur_row, name, what);
	table_xml_abort(&c->g);
}

/* "C5" → column 2 (0-based). Letters then digits, at most XFD. */
static bool parse_ref(const char *r, size_t *col)
{
	size_t c = 0, letters = 0;
	for (; (*r >= 'A' && *r <= 'Z') || (*r >= 'a' && *r <= 'z'); r++) {
		if (++letters > 3)
			return false;
		c = c * 26 + (size_t)((*r | 0x20) - 'a' + 1);
	}
	if (letters == 0 || c > TABLE_XLSX_MAX_COLS)
		return false;
	for (; *r; r++)
		if (*r < '0' || *r > '9')
			return false;
	*col = c - 1;
	return true;
}

static bool parse_long(const char *s, long max, long *out)
{
	long v = 0;
	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (*s - '0');
		if (v > max)
			return false;
	}
	*out = v;
	return true;
}

static void row_start(struct sheet_ctx *c, const char **atts)
{
	struct table_reader *t = c->g.t;
	const char *r = table_xml_attr(atts, "r", false);
	long row = c->prev_row + 1;
	if (r && (!parse_long(r, 1L << 40, &row) || row < 1)) {
		table_xml_fail(&c->g, XF_EINVAL, "xlsx_bad_row",
		               "XLSX 中第 %ld 行之后的行号“%.20s”无效", c->prev_row, r);
		return;
	}
	if (row <= c->prev_row) {
		table_xml_fail(&c->g, XF_EINVAL, "xlsx_bad_row",
		               "XLSX 中第 %ld 行出现在第 %ld 行之后（行号顺序错误）", row,
		               c->prev_row);
		return;
	}
	if (row > t->lim.max_rows) {
		t->cur_row = row;
		table_xml_fail(&c->g, XF_ETOOBIG, "too_many_rows", "行数过多（最多 %ld 行）",
		               t->lim.max_rows);
		return;
	}
	c->prev_row = row;
	table_row_begin(t, row);
	c->in_row = true;
	c->next_col = 0;
}

static void cell_start(struct sheet_ctx *c, const char **atts)
{
	const char *r = table_xml_attr(atts, "r", false), *type = table_xml_attr(atts, "t", false);
	size_t col = c->next_col;
	if (r && !parse_ref(r, &col)) {
		table_xml_fail(&c->g, XF_EINVAL, "xlsx_bad_cell_ref",
		               "第 %ld 行：单元格位置“%.20s”无效", c->g.t->cur_row, r);
		return;
	}
	if (col < c->next_col) {
		table_xml_fail(&c->g, XF_EINVAL, "xlsx_bad_cell_ref",
		               "第 %ld 行：单元格位置“%.20s”重复或顺序错误", c->g.t->cur_row,
		               r ? r : "");
		return;
	}
	c->col = col;
	c->next_col = col + 1;
	c->type = !type || strcmp(type, "n") == 0  ? 'n'
	          : strcmp(type, "s") == 0         ? 's'
	          : strcmp(type, "inlineStr") == 0 ? 'i'
	          : strcmp(type, "b") == 0         ? 'b'
	                                           : 'x';
	c->in_cell = true;
	c->in_is = c->capture = false;
	c->rph = 0;
	buf_reset(&c->val);
}

static void cell_end(struct sheet_ctx *c)
{
	struct table_reader *t = c->g.t;
	struct xlsx *x = c->x;
	char *v = c->val.data ? c->val.data : (char *)"";
	size_t n = c->val.len;
	char num[64];
	int rc;
	c->in_cell = false;
	switch (c->type) {
	case 's': {
		long i;
		if (n == 0)
			return;
		if (!parse_long(v, 1L << 40, &i) || (size_t)i >= x->sst_n) {
			cell_fail(c, "xlsx_bad_shared_string", "共享字符串编号无效");
			return;
		}
		if (x->sst_off[i] == SST_TOO_LONG) {
			table_cell_too_long(t, c->col);
			table_xml_abort(&c->g);
			return;
		}
		v = x->sst_text.data + x->sst_off[i];
		n = strlen(v);
		break;
	}
	case 'n':
		if (excel_number(v, n, num)) {
			v = num;
			n = strlen(num);
		}
		break;
	case 'b':
		if (n == 1 && (v[0] == '0' || v[0] == '1')) {
			v = v[0] == '1' ? "TRUE" : "FALSE";
			n = strlen(v);
		}
		break;
	default:
		n = n ? decode_x(v, n) : 0;
		break;
	}
	rc = table_cell(t, c->col, v, n);
	if (rc != XF_OK)
		table_xml_abort(&c->g);
}

static void XMLCALL sheet_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct sheet_ctx *c = ud;
	if (!table_xml_enter(&c->g))
		return;
	const char *l = table_xml_local(name);
	if (!c->sd_depth) {
		if (strcmp(l, "sheetData") == 0 && c->prev_row == 0)
			c->sd_depth = c->g.depth;
		return;
	}
	int rel = c->g.depth - c->sd_depth;
	if (rel == 1 && strcmp(l, "row") == 0)
		row_start(c, atts);
	else if (rel == 2 && c->in_row && strcmp(l, "c") == 0)
		cell_start(c, atts);
	else if (rel == 3 && c->in_cell && strcmp(l, "v") == 0)
		c->capture = true;
	else if (rel == 3 && c->in_cell && strcmp(l, "is") == 0)
		c->in_is = true;
	else if (rel > 3 && c->in_is && strcmp(l, "rPh") == 0)
		c->rph++;
	else if (rel > 3 && c->in_is && c->rph == 0 && strcmp(l, "t") == 0)
		c->capture = true;
}

static void XMLCALL sheet_end(void *ud, const XML_Char *name)
{
	struct sheet_ctx *c = ud;
	if (!table_xml_leave(&c->g) || !c->sd_depth)
		return;
	const char *l = table_xml_local(name);
	int rel = c->g.depth + 1 - c->sd_depth;
	if (rel == 0) {
		c->sd_depth = 0;
	} else if (rel == 1 && c->in_row && strcmp(l, "row") == 0) {
		c->in_row = false;
		if (table_row_end(c->g.t)) {
			c->row_ready = true;
			XML_StopParser(c->g.p,
			               XML_TRUE); /* hand the row out; resume on the next call */
		}
	} else if (rel == 2 && c->in_cell && strcmp(l, "c") == 0) {
		cell_end(c);
	} else if (rel == 3 && strcmp(l, "is") == 0) {
		c->in_is = false;
	} else if (strcmp(l, "rPh") == 0 && c->rph > 0) {
		c->rph--;
	} else if (strcmp(l, "v") == 0 || strcmp(l, "t") == 0) {
		c->capture = false;
	}
}

static void XMLCALL sheet_text(void *ud, const XML_Char *s, int len)
{
	struct sheet_ctx *c = ud;
	if (c->g.failed)
		return;
	c->g.saw_cb = true;
	if (!c->capture || !c->in_cell)
		return;
	if ((size_t)len > 8 * c->g.t->lim.max_cell - c->val.len) {
		table_cell_too_long(c->g.t, c->col);
		table_xml_abort(&c->g);
		return;
	}
	buf_append(&c->val, s, (size_t)len);
}

int table_xlsx_open(struct table_reader *t)
{
	struct xlsx *x = xcalloc(1, sizeof *x);
	t->x = x;
	buf_init(&x->sst_text);
	buf_init(&x->sh.val);
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(t->data, t->len, 0, &ze);
	if (src)
		x->zip = zip_open_from_source(src, ZIP_RDONLY, &ze);
	if (!x->zip) {
		char why[128];
		snprintf(why, sizeof why, "无法作为 zip 打开：%s", zip_error_strerror(&ze));
		zip_source_free(src);
		zip_error_fini(&ze);
		return table_not_xlsx(t, why);
	}
	zip_error_fini(&ze);
	zip_int64_t sheet, sst;
	int rc = table_xlsx_find_parts(t, x->zip, &sheet, &sst);
	if (rc == XF_OK && sst >= 0)
		rc = load_sst(t, sst);
	if (rc == XF_OK)
		rc = table_zip_open(t, x->zip, sheet, &x->zp);
	if (rc != XF_OK)
		return rc;
	x->sh.x = x;
	table_xml_new(&x->sh.g, t, x->zp.name, sheet_start, sheet_end, sheet_text);
	x->sh.g.sheet = true;
	return XF_OK;
}

int table_xlsx_next(struct table_reader *t)
{
	struct xlsx *x = t->x;
	for (;;) {
		if (x->sh.row_ready) {
			x->sh.row_ready = false;
			return 1;
		}
		if (x->done)
			return 0;
		int rc = table_xml_step(t, &x->sh.g, &x->zp, &x->suspended);
		if (rc < 0)
			return rc;
		if (rc == 0)
			x->done = true;
	}
}

void table_xlsx_free(struct table_reader *t)
{
	struct xlsx *x = t->x;
	if (!x)
		return;
	table_zip_close(&x->zp);
	if (x->sh.g.p)
		XML_ParserFree(x->sh.g.p);
	if (x->zip)
		zip_discard(x->zip);
	buf_free(&x->sst_text);
	buf_free(&x->sh.val);
	free(x->sst_off);
	free(x);
	t->x = NULL;
}
