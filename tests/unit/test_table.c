/* io/: reading and writing spreadsheets — CSV and XLSX round trips, other writers' files,
 * encodings, row numbering, every limit and every malformed input, injection escaping. */
#include "../support/testlib.h"
#include "core/buf.h"
#include "core/str.h"
#include "io/table.h"

#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#ifndef XF_TEST_DATA
#error "XF_TEST_DATA (tests/data) must be defined by tests/CMakeLists.txt"
#endif

/* Read everything into "row:cell|cell\n" lines; an error ends the text with "ERR code @row". */
static char *dump_reader(struct table_reader *t, struct xf_err *err)
{
	struct buf b;
	buf_init(&b);
	const char *const *cells;
	size_t n;
	int rc;
	while ((rc = table_next(t, &cells, &n, err)) == 1) {
		buf_printf(&b, "%ld:", table_row(t));
		for (size_t i = 0; i < n; i++)
			buf_printf(&b, "%s%s", i ? "|" : "", cells[i]);
		buf_putc(&b, '\n');
	}
	if (rc < 0)
		buf_printf(&b, "ERR %s @%ld", err->code, table_row(t));
	return b.data ? buf_steal(&b) : xstrdup("");
}

static char *dump_lim(const void *data, size_t len, enum table_format fmt,
                      const struct table_limits *lim, struct xf_err *err)
{
	struct table_reader *t;
	xf_err_clear(err);
	int rc = table_open_mem(data, len, fmt, lim, &t, err);
	if (rc != XF_OK) {
		assert_null(t);
		assert_int_equal(rc, err->status);
		struct buf b;
		buf_init(&b);
		buf_printf(&b, "OPEN %s", err->code);
		return buf_steal(&b);
	}
	char *s = dump_reader(t, err);
	table_close(t);
	return s;
}

static char *dump(const void *data, size_t len, enum table_format fmt, struct xf_err *err)
{
	return dump_lim(data, len, fmt, NULL, err);
}

#define CHECK_DUMP(data, len, fmt, expect)                                                         \
	do {                                                                                       \
		struct xf_err e_;                                                                  \
		char *got_ = dump(data, len, fmt, &e_);                                            \
		assert_string_equal(got_, expect);                                                 \
		free(got_);                                                                        \
	} while (0)

static char *dump_csv(const char *csv, struct xf_err *err)
{
	return dump(csv, strlen(csv), TABLE_CSV, err);
}

/* A zip made in memory with libzip. */
struct zent {
	const char *name;
	const char *data; /* NUL-terminated */
};

static unsigned char *make_zip(const struct zent *e, size_t n, size_t *outlen)
{
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
	assert_non_null(src);
	zip_source_keep(src);
	zip_t *z = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
	assert_non_null(z);
	for (size_t i = 0; i < n; i++) {
		zip_source_t *s = zip_source_buffer(z, e[i].data, strlen(e[i].data), 0);
		assert_non_null(s);
		assert_true(zip_file_add(z, e[i].name, s, ZIP_FL_ENC_UTF_8) >= 0);
	}
	assert_int_equal(zip_close(z), 0);
	assert_int_equal(zip_source_open(src), 0);
	assert_int_equal(zip_source_seek(src, 0, SEEK_END), 0);
	zip_int64_t len = zip_source_tell(src);
	assert_true(len > 0);
	assert_int_equal(zip_source_seek(src, 0, SEEK_SET), 0);
	unsigned char *out = malloc((size_t)len);
	assert_int_equal(zip_source_read(src, out, (zip_uint64_t)len), len);
	zip_source_close(src);
	zip_source_free(src);
	zip_error_fini(&ze);
	*outlen = (size_t)len;
	return out;
}

#define NS_MAIN "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#define NS_REL  "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define NS_PKG  "http://schemas.openxmlformats.org/package/2006/relationships"
#define SHEET(rows)                                                                                \
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet xmlns=\"" NS_MAIN                    \
	"\"><sheetData>" rows "</sheetData></worksheet>"
#define SST(items) "<?xml version=\"1.0\"?><sst xmlns=\"" NS_MAIN "\">" items "</sst>"

/* A minimal package: root rels, workbook, its rels, the sheet and optional shared strings. */
static unsigned char *make_xlsx(const char *sheet, const char *sst, size_t *len)
{
	struct zent e[] = {
	    {"_rels/.rels",
	     "<Relationships xmlns=\"" NS_PKG "\"><Relationship Id=\"rId1\" Type=\"" NS_REL
	     "/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"},
	    {"xl/workbook.xml", "<workbook xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_REL
	                        "\"><sheets><sheet name=\"S\" sheetId=\"1\" "
	                        "r:id=\"rId1\"/></sheets></workbook>"},
	    {"xl/_rels/workbook.xml.rels",
	     "<Relationships xmlns=\"" NS_PKG "\"><Relationship Id=\"rId1\" Type=\"" NS_REL
	     "/worksheet\" Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"rId2\" "
	     "Type=\"" NS_REL "/sharedStrings\" Target=\"sharedStrings.xml\"/></Relationships>"},
	    {"xl/worksheets/sheet1.xml", sheet},
	    {"xl/sharedStrings.xml", sst ? sst : ""},
	};
	return make_zip(e, sst ? 5 : 4, len);
}

static char *dump_sheet_lim(const char *sheet, const char *sst, const struct table_limits *lim,
                            struct xf_err *err)
{
	size_t len;
	unsigned char *z = make_xlsx(sheet, sst, &len);
	char *s = dump_lim(z, len, TABLE_AUTO, lim, err);
	free(z);
	return s;
}

static char *dump_sheet(const char *sheet, const char *sst, struct xf_err *err)
{
	return dump_sheet_lim(sheet, sst, NULL, err);
}

#define CHECK_SHEET(sheet, sst, expect)                                                            \
	do {                                                                                       \
		struct xf_err e_;                                                                  \
		char *got_ = dump_sheet(sheet, sst, &e_);                                          \
		assert_string_equal(got_, expect);                                                 \
		free(got_);                                                                        \
	} while (0)

static unsigned char *read_fixture(const char *name, size_t *len)
{
	char path[512];
	snprintf(path, sizeof path, "%s/table/%s", XF_TEST_DATA, name);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	unsigned char *data = malloc(1 << 20);
	*len = fread(data, 1, 1 << 20, f);
	fclose(f);
	assert_true(*len > 0);
	return data;
}

static char *write_mem(enum table_format fmt, const char *sheet, const char *const *rows[],
                       const size_t *ns, size_t nrows, size_t *len)
{
	struct table_writer *w;
	struct xf_err err;
	assert_int_equal(table_writer_open_mem(fmt, sheet, &w, &err), XF_OK);
	for (size_t i = 0; i < nrows; i++)
		assert_int_equal(table_writer_row(w, rows[i], ns[i], &err), XF_OK);
	char *data;
	assert_int_equal(table_writer_close_mem(w, &data, len, &err), XF_OK);
	return data;
}

/* Zip bytes of one entry of an XLSX in memory (for looking at what our writer wrote). */
static char *zip_entry(const void *data, size_t len, const char *name)
{
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
	zip_t *z = zip_open_from_source(src, ZIP_RDONLY, &ze);
	assert_non_null(z);
	zip_stat_t st;
	assert_int_equal(zip_stat(z, name, 0, &st), 0);
	char *out = calloc(1, st.size + 1);
	zip_file_t *f = zip_fopen(z, name, 0);
	assert_int_equal(zip_fread(f, out, st.size), (zip_int64_t)st.size);
	zip_fclose(f);
	zip_discard(z);
	zip_error_fini(&ze);
	return out;
}

/* ---------------------------------------------------------------- CSV */

static const char *const tricky_header[] = {"姓名", "说明", "电话", "金额"};
static const char *const tricky_row1[] = {"张三", "含,逗号", "=1+1", "-5"};
static const char *const tricky_row2[] = {"李\"四\"", "两行\r\n第二行", "+86 138", "@SUM(A1)"};
static const char *const tricky_row3[] = {" 前后空格 ", "", "\tTAB", "\rCR"};
static const char *const tricky_row4[] = {"'已有引号", "''=双引号", "a\nb", NULL};

static void test_csv_writer_quotes_escapes_and_reads_back(void **state)
{
	const char *const *rows[] = {tricky_header, tricky_row1, tricky_row2, tricky_row3,
	                             tricky_row4};
	size_t ns[] = {4, 4, 4, 4, 4};
	size_t len;
	char *csv = write_mem(TABLE_CSV, NULL, rows, ns, 5, &len);
	const char *expect = "\xEF\xBB\xBF"
	                     "姓名,说明,电话,金额\r\n"
	                     "张三,\"含,逗号\",'=1+1,'-5\r\n"
	                     "\"李\"\"四\"\"\",\"两行\r\n第二行\",'+86 138,'@SUM(A1)\r\n"
	                     "\" 前后空格 \",,'\tTAB,\"'\rCR\"\r\n"
	                     "'已有引号,''=双引号,\"a\nb\",\r\n";
	assert_int_equal(len, strlen(expect));
	assert_memory_equal(csv, expect, len);
	/* Reading undoes the ' escape, keeps everything else. */
	struct xf_err err;
	char *got = dump(csv, len, TABLE_AUTO, &err);
	assert_string_equal(got, "1:姓名|说明|电话|金额\n"
	                         "2:张三|含,逗号|=1+1|-5\n"
	                         "3:李\"四\"|两行\r\n第二行|+86 138|@SUM(A1)\n"
	                         "4: 前后空格 ||\tTAB|\rCR\n"
	                         "5:'已有引号|''=双引号|a\nb\n");
	free(got);
	free(csv);
}

static void test_csv_quoted_fields_and_line_ends(void **state)
{
	/* LF, CRLF and CR line ends; quoted commas, quotes and line breaks; a quote inside an
	 * unquoted field is text; "" is an empty field; no newline at the end. */
	CHECK_DUMP("a,\"b,c\",\"d\"\"e\"\n"
	           "\"多\r\n行\",x\"y,\"\"\r\n"
	           "last,row\r"
	           "end",
	           strlen("a,\"b,c\",\"d\"\"e\"\n\"多\r\n行\",x\"y,\"\"\r\nlast,row\rend"),
	           TABLE_CSV, "1:a|b,c|d\"e\n2:多\r\n行|x\"y\n3:last|row\n4:end\n");
}

static void test_csv_rows_keep_their_numbers_when_empty_rows_are_skipped(void **state)
{
	const char *csv = "h1,h2\n\n,,\n\"\",\"\"\nv1,\nx,\"multi\nline\"\n\n,,,z\n";
	struct xf_err err;
	char *got = dump_csv(csv, &err);
	/* Row 2 (blank), 3 (commas) and 4 (empty quotes) are skipped; trailing empties are
	 * trimmed; a quoted line break stays inside row 6, so the next row is 8. */
	assert_string_equal(got, "1:h1|h2\n5:v1\n6:x|multi\nline\n8:|||z\n");
	free(got);
	CHECK_DUMP("", 0, TABLE_CSV, "");
	CHECK_DUMP("\n\n\r\n", 4, TABLE_AUTO, "");
}

static void test_csv_utf8_bom_is_stripped(void **state)
{
	CHECK_DUMP("\xEF\xBB\xBF姓名,年龄\r\n张三,30\r\n",
	           strlen("\xEF\xBB\xBF姓名,年龄\r\n张三,30\r\n"), TABLE_AUTO,
	           "1:姓名|年龄\n2:张三|30\n");
}

static char *to_gb18030(const char *utf8, size_t *len)
{
	iconv_t cd = iconv_open("GB18030", "UTF-8");
	assert_true(cd != (iconv_t)-1);
	size_t n = strlen(utf8), cap = n * 2 + 8, left = cap;
	char *out = malloc(cap), *o = out, *in = (char *)utf8;
	assert_true(iconv(cd, &in, &n, &o, &left) != (size_t)-1);
	iconv_close(cd);
	*len = cap - left;
	return out;
}

static void test_csv_gbk_from_chinese_excel_is_converted(void **state)
{
	const char *text =
	    "姓名,身份证号,住址\r\n张三,420203199001011234,\"黄石市下陆区,团城山\"\r\n"
	    "李四,,湖北省黄石市€𠀀\r\n";
	size_t len;
	char *gb = to_gb18030(text, &len);
	/* GBK's two-byte Chinese (and GB18030's four-byte forms) are not UTF-8. */
	assert_memory_not_equal(gb, text, 4);
	struct table_reader *t;
	struct xf_err err;
	assert_int_equal(table_open_mem(gb, len, TABLE_AUTO, NULL, &t, &err), XF_OK);
	assert_int_equal(table_reader_format(t), TABLE_CSV);
	char *got = dump_reader(t, &err);
	table_close(t);
	assert_string_equal(got,
	                    "1:姓名|身份证号|住址\n2:张三|420203199001011234|黄石市下陆区,团城山\n"
	                    "3:李四||湖北省黄石市€𠀀\n");
	free(got);
	free(gb);
}

static void test_csv_invalid_text_is_an_error_naming_the_row(void **state)
{
	struct xf_err err;
	/* GBK file with a byte that is invalid in GB18030 too (0xFF) in row 3, column B. */
	size_t len;
	char *gb = to_gb18030("姓名,备注\r\n张三,好\r\n李四,坏X\r\n", &len);
	char *x = memchr(gb, 'X', len);
	*x = (char)0xFF;
	char *got = dump(gb, len, TABLE_AUTO, &err);
	assert_string_equal(got, "1:姓名|备注\n2:张三|好\nERR bad_encoding @3");
	assert_int_equal(err.status, XF_EINVAL);
	assert_string_equal(err.field, "B3");
	assert_non_null(strstr(err.message, "第 3 行"));
	free(got);
	free(gb);
	/* A UTF-8 file with one damaged byte is not mistaken for GB18030. */
	got = dump_csv("姓名,备注\n张三,黄石市下陆区团城山街道\n李四,\xE9\xBB\n王五,好\n", &err);
	assert_string_equal(got, "1:姓名|备注\n2:张三|黄石市下陆区团城山街道\nERR bad_encoding @3");
	free(got);
}

static void test_csv_malformed_input_gets_clear_errors(void **state)
{
	struct xf_err err;
	char *got = dump_csv("a,b\nc,\"never closed\nd,e\n", &err);
	assert_string_equal(got, "1:a|b\nERR csv_unclosed_quote @2");
	assert_non_null(strstr(err.message, "第 2 行"));
	free(got);
	got = dump_csv("a,b\n\"x\"y,z\n", &err);
	assert_string_equal(got, "1:a|b\nERR csv_bad_quote @2");
	free(got);
	got = dump("a,b\nc,d\0e\n", 10, TABLE_CSV, &err);
	assert_string_equal(got, "1:a|b\nERR csv_nul_byte @2");
	free(got);
	got = dump("\xFF\xFEh\0i\0", 6, TABLE_AUTO, &err);
	assert_string_equal(got, "OPEN csv_utf16");
	free(got);
	got = dump("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest", 12, TABLE_AUTO, &err);
	assert_string_equal(got, "OPEN xls_unsupported");
	assert_non_null(strstr(err.message, ".xls"));
	free(got);
	/* The error repeats; the reader does not carry on past it. */
	struct table_reader *t;
	assert_int_equal(table_open_mem("\"x", 2, TABLE_CSV, NULL, &t, &err), XF_OK);
	const char *const *cells;
	size_t n;
	assert_int_equal(table_next(t, &cells, &n, &err), XF_EINVAL);
	assert_int_equal(n, 0);
	assert_int_equal(table_next(t, &cells, &n, &err), XF_EINVAL);
	assert_string_equal(err.code, "csv_unclosed_quote");
	table_close(t);
}

static void test_csv_limits(void **state)
{
	struct xf_err err;
	struct buf b;
	buf_init(&b);
	/* Columns: 256 with values pass, the 257th is refused; empty ones past it are fine. */
	for (int i = 0; i < 256; i++)
		buf_printf(&b, "%s%d", i ? "," : "", i);
	buf_puts(&b, ",,,,\n");
	char *got = dump_csv(b.data, &err);
	assert_true(strncmp(got, "1:0|1|2|", 8) == 0);
	assert_null(strstr(got, "ERR"));
	free(got);
	buf_puts(&b, "x");
	for (int i = 0; i < 256; i++)
		buf_puts(&b, ",");
	buf_puts(&b, "too far\n");
	got = dump_csv(b.data, &err);
	assert_non_null(strstr(got, "ERR too_many_columns @2"));
	assert_string_equal(err.field, "IW2");
	free(got);
	/* Cells: 4,096 bytes pass, 4,097 do not (quoted or not). */
	buf_reset(&b);
	for (int i = 0; i < 4096; i++)
		buf_putc(&b, 'x');
	got = dump_csv(b.data, &err);
	assert_int_equal(strlen(got), 4096 + 3);
	free(got);
	buf_reset(&b);
	buf_puts(&b, "ok\n\"");
	for (int i = 0; i < 4097; i++)
		buf_putc(&b, 'x');
	buf_puts(&b, "\"\n");
	got = dump_csv(b.data, &err);
	assert_string_equal(got, "1:ok\nERR cell_too_long @2");
	assert_string_equal(err.field, "A2");
	assert_non_null(strstr(err.message, "单元格过长"));
	free(got);
	/* Rows (tightened for the test) and the input size. */
	struct table_limits lim = {.max_rows = 3, .max_bytes = 64};
	got = dump_lim("a\nb\n\nc\n", 7, TABLE_CSV, &lim, &err);
	assert_string_equal(got, "1:a\n2:b\nERR too_many_rows @4");
	assert_int_equal(err.status, XF_ETOOBIG);
	free(got);
	buf_reset(&b);
	for (int i = 0; i < 65; i++)
		buf_putc(&b, 'x');
	got = dump_lim(b.data, b.len, TABLE_CSV, &lim, &err);
	assert_string_equal(got, "OPEN file_too_large");
	assert_int_equal(err.status, XF_ETOOBIG);
	free(got);
	buf_free(&b);
	/* The default input limit is 50 MiB. */
	size_t big = ((size_t)50 << 20) + 1;
	char *huge = malloc(big);
	memset(huge, 'a', big);
	got = dump(huge, big, TABLE_AUTO, &err);
	assert_string_equal(got, "OPEN file_too_large");
	assert_non_null(strstr(err.message, "50 MiB"));
	free(got);
	free(huge);
}

/* ---------------------------------------------------------------- XLSX */

static void test_xlsx_writer_round_trip(void **state)
{
	static const char *const odd[] = {"控制\x01字符", "_x0041_ 字面", "x\ty", NULL, "末列"};
	const char *const *rows[] = {tricky_header, tricky_row1, tricky_row2,
	                             tricky_row3,   tricky_row4, odd};
	size_t ns[] = {4, 4, 4, 4, 4, 5};
	size_t len;
	char *x = write_mem(TABLE_XLSX, "人员名单[2024]", rows, ns, 6, &len);
	assert_true(len > 4 && memcmp(x, "PK\3\4", 4) == 0);
	struct xf_err err;
	char *got = dump(x, len, TABLE_AUTO, &err);
	assert_string_equal(got, "1:姓名|说明|电话|金额\n"
	                         "2:张三|含,逗号|=1+1|-5\n"
	                         "3:李\"四\"|两行\r\n第二行|+86 138|@SUM(A1)\n"
	                         "4: 前后空格 ||\tTAB|\rCR\n"
	                         "5:'已有引号|''=双引号|a\nb\n"
	                         "6:控制\x01字符|_x0041_ 字面|x\ty||末列\n");
	free(got);
	/* What Excel sees: strings only (no formulas, no numbers), the ' on dangerous cells,
	 * a bold header, widths, the sheet name cleaned of Excel's forbidden characters. */
	char *sheet = zip_entry(x, len, "xl/worksheets/sheet1.xml");
	assert_null(strstr(sheet, "<f>"));
	assert_null(strstr(sheet, "<v>"));
	assert_non_null(strstr(sheet, "<t>'=1+1</t>"));
	assert_non_null(strstr(sheet, "<t>'-5</t>"));
	assert_non_null(strstr(sheet, "<c r=\"A1\" s=\"1\" t=\"inlineStr\">"));
	assert_non_null(strstr(sheet, "<c r=\"A2\" t=\"inlineStr\">"));
	assert_non_null(strstr(sheet, "<col min=\"1\" max=\"1\" width=\"12.7"));
	assert_non_null(strstr(sheet, "state=\"frozen\""));
	free(sheet);
	char *styles = zip_entry(x, len, "xl/styles.xml");
	assert_non_null(strstr(styles, "<b/>"));
	free(styles);
	char *wb = zip_entry(x, len, "xl/workbook.xml");
	assert_non_null(strstr(wb, "name=\"人员名单_2024_\""));
	free(wb);
	free(x);
}

static void test_xlsx_file_writer_replaces_the_file_only_when_closed(void **state)
{
	char dir[64], path[128];
	ts_tmpdir(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/名单.XLSX", dir);
	FILE *f = fopen(path, "w");
	fputs("old", f);
	fclose(f);
	struct table_writer *w;
	struct xf_err err;
	assert_int_equal(table_writer_open(path, TABLE_AUTO, "名单", &w, &err), XF_OK);
	const char *const hdr[] = {"a", "b"};
	assert_int_equal(table_writer_row(w, hdr, 2, &err), XF_OK);
	/* A bad row is refused and the writer goes on. */
	const char *const bad[] = {"ok", "\xC3("};
	assert_int_equal(table_writer_row(w, bad, 2, &err), XF_EINVAL);
	assert_string_equal(err.code, "bad_encoding");
	assert_non_null(strstr(err.message, "第 2 行 B 列"));
	const char *const good[] = {"1", "2"};
	assert_int_equal(table_writer_row(w, good, 2, &err), XF_OK);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 3); /* still the old file */
	assert_int_equal(table_writer_close(w, &err), XF_OK);
	struct table_reader *t;
	assert_int_equal(table_open_file(path, TABLE_AUTO, NULL, &t, &err), XF_OK);
	assert_int_equal(table_reader_format(t), TABLE_XLSX);
	char *got = dump_reader(t, &err);
	table_close(t);
	assert_string_equal(got, "1:a|b\n2:1|2\n");
	free(got);
	/* Discarding leaves the file as it was and no temporary file behind. */
	assert_int_equal(table_writer_open(path, TABLE_AUTO, NULL, &w, &err), XF_OK);
	assert_int_equal(table_writer_row(w, good, 2, &err), XF_OK);
	table_writer_discard(w);
	snprintf(path, sizeof path, "%s/out.csv", dir);
	assert_int_equal(table_writer_open(path, TABLE_AUTO, NULL, &w, &err), XF_OK);
	assert_int_equal(table_writer_row(w, hdr, 2, &err), XF_OK);
	assert_int_equal(table_writer_close(w, &err), XF_OK);
	assert_int_equal(table_open_file(path, TABLE_AUTO, NULL, &t, &err), XF_OK);
	assert_int_equal(table_reader_format(t), TABLE_CSV);
	got = dump_reader(t, &err);
	table_close(t);
	assert_string_equal(got, "1:a|b\n");
	free(got);
	char cmd[256];
	snprintf(cmd, sizeof cmd,
	         "test \"$(LC_ALL=C ls '%s' | tr '\\n' ' ')\" = 'out.csv 名单.XLSX '", dir);
	assert_int_equal(system(cmd), 0);
	/* Unknown suffix, missing directory, missing file. */
	assert_int_equal(table_writer_open("/tmp/x.txt", TABLE_AUTO, NULL, &w, &err), XF_EINVAL);
	assert_string_equal(err.code, "table_format_unknown");
	snprintf(path, sizeof path, "%s/none/x.csv", dir);
	assert_int_equal(table_writer_open(path, TABLE_CSV, NULL, &w, &err), XF_EIO);
	assert_int_equal(table_open_file(path, TABLE_AUTO, NULL, &t, &err), XF_EIO);
	assert_string_equal(err.code, "file_unreadable");
	/* A message naming a long Chinese path is cut between characters, never inside one. */
	struct buf longpath;
	buf_init(&longpath);
	buf_puts(&longpath, "/tmp/x"); /* 255 bytes end inside a character */
	for (int i = 0; i < 100; i++)
		buf_puts(&longpath, "幸");
	assert_int_equal(table_open_file(longpath.data, TABLE_AUTO, NULL, &t, &err), XF_EIO);
	assert_true(strlen(err.message) > 200);
	assert_true(utf8_valid(err.message, strlen(err.message)));
	buf_free(&longpath);
	ts_rmdir(dir);
}

static void test_writer_refuses_what_excel_cannot_hold(void **state)
{
	struct table_writer *w;
	struct xf_err err;
	assert_int_equal(table_writer_open_mem(TABLE_AUTO, NULL, &w, &err), XF_EINVAL);
	assert_int_equal(table_writer_open_mem(TABLE_XLSX, NULL, &w, &err), XF_OK);
	char *long_cell = malloc(32769);
	memset(long_cell, 'x', 32768);
	long_cell[32768] = 0;
	const char *const row[] = {long_cell};
	assert_int_equal(table_writer_row(w, row, 1, &err), XF_EINVAL);
	assert_string_equal(err.code, "cell_too_long");
	long_cell[32767] = 0;
	assert_int_equal(table_writer_row(w, row, 1, &err), XF_OK);
	const char **wide = calloc(16385, sizeof *wide);
	assert_int_equal(table_writer_row(w, wide, 16385, &err), XF_EINVAL);
	assert_string_equal(err.code, "too_many_columns");
	free(wide);
	free(long_cell);
	table_writer_discard(w);
}

static void test_xlsx_from_libreoffice(void **state)
{
	size_t len;
	unsigned char *x = read_fixture("libreoffice.xlsx", &len);
	struct xf_err err;
	struct table_reader *t;
	assert_int_equal(table_open_mem(x, len, TABLE_AUTO, NULL, &t, &err), XF_OK);
	assert_false(table_date1904(t));
	char *got = dump_reader(t, &err);
	table_close(t);
	/* Row 3 is empty; B4 and E4 are gaps; LibreOffice stores booleans as 1/0; the date is a
	 * serial; the 18-digit number lost its last digits in LibreOffice, not here. */
	assert_string_equal(got, "1:姓名|身份证号|年龄|党员|入党日期|备注\n"
	                         "2:张三|420203199001011234|35|1|45292|=1+1\n"
	                         "4:李四||3.5|0||第一行\n第二行\n"
	                         "5:王五|420203199001011000|0.3|||张三\n");
	char date[11];
	assert_int_equal(table_serial_date("45292", false, date), XF_OK);
	assert_string_equal(date, "2024-01-01");
	free(got);
	free(x);
}

static void test_xlsx_from_a_hand_made_package(void **state)
{
	size_t len;
	unsigned char *x = read_fixture("handmade.xlsx", &len);
	struct xf_err err;
	struct table_reader *t;
	assert_int_equal(table_open_mem(x, len, TABLE_XLSX, NULL, &t, &err), XF_OK);
	assert_true(table_date1904(t));
	char *got = dump_reader(t, &err);
	table_close(t);
	/* The hidden first sheet is passed over; rich runs join, phonetic runs drop; a row
	 * without r follows row 2; the styled blanks of row 7 and of XFD9 are empty. */
	assert_string_equal(got, "1:姓名|电话|备注|数量\n"
	                         "2:a\rb|13800138000|TRUE|#N/A\n"
	                         "3:x|y\n"
	                         "5:||1500||公式结果\n"
	                         "8:  空格  |_x0041_\n"
	                         "9:=HYPERLINK(\"x\")\n");
	free(got);
	free(x);
}

static void test_xlsx_numbers_show_as_excel_shows_them(void **state)
{
	CHECK_SHEET(
	    SHEET("<row r=\"1\"><c><v>42</v></c><c><v>-7</v></c><c><v>0</v></c><c><v>-0</v></c>"
	          "<c><v>1.5</v></c><c><v>0.30000000000000004</v></c>"
	          "<c><v>4.20203199001011E+17</v></c><c><v>123456789012345678</v></c>"
	          "<c><v>1E-7</v></c><c><v>-2.5E-3</v></c><c><v>1E+300</v></c>"
	          "<c><v>45292.75</v></c><c><v>12abc</v></c><c><v>0x10</v></c></row>"),
	    NULL,
	    "1:42|-7|0|0|1.5|0.3|420203199001011000|123456789012346000|0.0000001|-0.0025|"
	    "1e+300|45292.75|12abc|0x10\n");
}

static void test_xlsx_gaps_rows_and_cell_types(void **state)
{
	CHECK_SHEET(
	    SHEET("<row r=\"2\"><c r=\"C2\" t=\"s\"><v>1</v></c><c r=\"A3\" t=\"inlineStr\">"
	          "<is><t>wrong row digit is ignored, A after C is not</t></is></c></row>"),
	    SST("<si><t>a</t></si><si><t>b</t></si>"), "ERR xlsx_bad_cell_ref @2");
	struct buf want;
	buf_init(&want);
	buf_puts(&want, "2:|b||FALSE|E\n5:");
	for (int i = 0; i < 26; i++) /* AA is the 27th column */
		buf_putc(&want, '|');
	buf_puts(&want, "#DIV/0!\n1048576:");
	for (int i = 0; i < 255; i++) /* IV is the 256th */
		buf_putc(&want, '|');
	buf_puts(&want, "9\n");
	CHECK_SHEET(
	    SHEET("<row r=\"2\"><c r=\"B2\" t=\"s\"><v>1</v></c><c r=\"D2\" t=\"b\"><v>0</v></c>"
	          "<c t=\"inlineStr\"><is><t>E</t></is></c></row>"
	          "<row r=\"3\"/><row r=\"4\"><c r=\"A4\" s=\"2\"/></row>"
	          "<row><c r=\"AA5\" t=\"e\"><v>#DIV/0!</v></c></row>"
	          "<row r=\"1048576\"><c r=\"IV1048576\"><v>9</v></c></row>"),
	    SST("<si><t>a</t></si><si><t>b</t></si>"), want.data);
	buf_free(&want);
	/* Inline rich text: runs join, phonetic runs (rPh) drop, formulas are not evaluated. */
	CHECK_SHEET(SHEET("<row r=\"1\"><c t=\"inlineStr\"><is><r><t>黄</t></r><r><t>石</t></r>"
	                  "<rPh sb=\"0\" eb=\"1\"><t>huang</t></rPh></is></c>"
	                  "<c><f>1+1</f></c><c><f>1+1</f><v>2</v></c></row>"),
	            NULL, "1:黄石||2\n");
	/* Rows out of order, shared string out of range, bad references. */
	CHECK_SHEET(SHEET("<row r=\"3\"><c><v>1</v></c></row><row r=\"2\"><c><v>1</v></c></row>"),
	            NULL, "3:1\nERR xlsx_bad_row @3");
	CHECK_SHEET(SHEET("<row r=\"1\"><c t=\"s\"><v>5</v></c></row>"), SST("<si><t>a</t></si>"),
	            "ERR xlsx_bad_shared_string @1");
	CHECK_SHEET(SHEET("<row r=\"1\"><c t=\"s\"><v>0</v></c></row>"), NULL,
	            "ERR xlsx_bad_shared_string @1");
	CHECK_SHEET(SHEET("<row r=\"1\"><c r=\"XFE1\"><v>1</v></c></row>"), NULL,
	            "ERR xlsx_bad_cell_ref @1");
	CHECK_SHEET(SHEET("<row r=\"x\"><c><v>1</v></c></row>"), NULL, "ERR xlsx_bad_row @0");
	CHECK_SHEET(SHEET(""), NULL, "");
}

static void test_xlsx_limits(void **state)
{
	struct xf_err err;
	/* Columns: IV (256) holds a value, IW (257) may not; styled blanks beyond are fine. */
	char *got =
	    dump_sheet(SHEET("<row r=\"1\"><c r=\"IV1\"><v>1</v></c><c r=\"XFD1\" s=\"1\"/></row>"
	                     "<row r=\"2\"><c r=\"IW2\"><v>1</v></c></row>"),
	               NULL, &err);
	assert_non_null(strstr(got, "\nERR too_many_columns @2"));
	assert_string_equal(err.field, "IW2");
	free(got);
	/* Cells: inline and shared strings over 4,096 bytes. */
	struct buf s, x;
	buf_init(&s);
	buf_init(&x);
	for (int i = 0; i < 4097; i++)
		buf_putc(&s, 'y');
	buf_printf(&x,
	           SHEET("<row r=\"1\"><c t=\"inlineStr\"><is><t>ok</t></is></c></row>"
	                 "<row r=\"2\"><c r=\"B2\" t=\"inlineStr\"><is><t>%s</t></is></c></row>"),
	           s.data);
	got = dump_sheet(x.data, NULL, &err);
	assert_string_equal(got, "1:ok\nERR cell_too_long @2");
	assert_string_equal(err.field, "B2");
	free(got);
	buf_reset(&x);
	buf_printf(&x, SST("<si><t>short</t></si><si><t>%s</t></si>"), s.data);
	got = dump_sheet(SHEET("<row r=\"1\"><c t=\"s\"><v>0</v></c></row><row r=\"4\"><c "
	                       "t=\"s\"><v>1</v></c></row>"),
	                 x.data, &err);
	assert_string_equal(got, "1:short\nERR cell_too_long @4");
	free(got);
	/* An escaped character counts once decoded: 4,096 × "_x000D_" is 4,096 bytes. */
	buf_reset(&x);
	buf_puts(&x, SHEET("<row r=\"1\"><c t=\"inlineStr\"><is><t>"));
	x.len -= strlen("</sheetData></worksheet>");
	for (int i = 0; i < 4096; i++)
		buf_puts(&x, "_x000D_");
	buf_puts(&x, "</t></is></c></row></sheetData></worksheet>");
	got = dump_sheet(x.data, NULL, &err);
	assert_int_equal(strlen(got), 4096 + 3);
	free(got);
	/* Rows: the highest row number counts, not how many rows there are. */
	struct table_limits lim = {.max_rows = 1000};
	got = dump_sheet_lim(
	    SHEET("<row r=\"1\"><c><v>1</v></c></row><row r=\"1001\"><c><v>1</v></c></row>"), NULL,
	    &lim, &err);
	assert_string_equal(got, "1:1\nERR too_many_rows @1001");
	assert_int_equal(err.status, XF_ETOOBIG);
	free(got);
	buf_free(&s);
	buf_free(&x);
}

/* Patch a 32-bit field of the entry `name` in its local header (at loff) and central
 * directory header (at coff). */
static void patch_field(void *data, size_t len, const char *name, size_t loff, size_t coff,
                        uint32_t v)
{
	unsigned char *z = data;
	size_t nlen = strlen(name);
	int patched = 0;
	for (size_t i = 0; i + 46 + nlen <= len; i++) {
		size_t off;
		if (memcmp(z + i, "PK\3\4", 4) == 0 && memcmp(z + i + 30, name, nlen) == 0)
			off = i + loff;
		else if (memcmp(z + i, "PK\1\2", 4) == 0 && memcmp(z + i + 46, name, nlen) == 0)
			off = i + coff;
		else
			continue;
		for (int k = 0; k < 4; k++)
			z[off + (size_t)k] = (unsigned char)(v >> (8 * k));
		patched++;
	}
	assert_int_equal(patched, 2);
}

/* The uncompressed size: offset 22 in a local header, 24 in a central one. */
static void patch_size(unsigned char *z, size_t len, const char *name, uint32_t size)
{
	patch_field(z, len, name, 22, 24, size);
}

static void test_xlsx_zip_bombs_are_refused(void **state)
{
	/* A sheet of 3 MiB of whitespace inflates from a few KiB. */
	size_t big = (size_t)3 << 20;
	struct buf sheet;
	buf_init(&sheet);
	buf_puts(&sheet,
	         "<worksheet xmlns=\"" NS_MAIN "\"><sheetData><row r=\"1\"><c><v>1</v></c></row>");
	char *pad = malloc(big);
	memset(pad, ' ', big);
	buf_append(&sheet, pad, big);
	free(pad);
	buf_puts(&sheet, "</sheetData></worksheet>");
	size_t len;
	unsigned char *z = make_xlsx(sheet.data, NULL, &len);
	assert_true(len < 64 * 1024);
	struct xf_err err;
	char *got = dump(z, len, TABLE_AUTO, &err);
	assert_string_equal(got, "1:1\n");
	free(got);
	/* Declared size over the limit: refused before inflating anything. */
	struct table_limits lim = {.max_part = 1 << 20};
	got = dump_lim(z, len, TABLE_AUTO, &lim, &err);
	assert_string_equal(got, "OPEN xlsx_part_too_large");
	assert_int_equal(err.status, XF_ETOOBIG);
	assert_non_null(strstr(err.message, "压缩炸弹"));
	free(got);
	/* Declared small but inflating to more: the actual bytes are counted too. */
	patch_size(z, len, "xl/worksheets/sheet1.xml", 1000);
	got = dump_lim(z, len, TABLE_AUTO, &lim, &err);
	assert_true(strstr(got, "ERR xlsx_invalid") || strstr(got, "ERR xlsx_part_too_large"));
	free(got);
	got = dump(z, len, TABLE_AUTO, &err);
	assert_true(strstr(got, "ERR xlsx_invalid") != NULL);
	free(got);
	/* The default cap (200 MiB) applies to the declared size. */
	patch_size(z, len, "xl/worksheets/sheet1.xml", (uint32_t)201 << 20);
	got = dump(z, len, TABLE_AUTO, &err);
	assert_string_equal(got, "OPEN xlsx_part_too_large");
	assert_non_null(strstr(err.message, "200 MiB"));
	free(got);
	free(z);
	buf_free(&sheet);
}

static void test_xlsx_malformed_packages_get_clear_errors(void **state)
{
	struct xf_err err;
	/* Not a zip at all (but asked to read XLSX). */
	char *got = dump("hello,world\n", 12, TABLE_XLSX, &err);
	assert_string_equal(got, "OPEN xlsx_invalid");
	assert_non_null(strstr(err.message, "文件不是有效的 XLSX"));
	free(got);
	/* Truncated: our own valid file cut short, at several places. */
	static const char *const r1[] = {"姓名", "电话"};
	const char *const *rows[] = {r1};
	size_t ns[] = {2}, len;
	char *x = write_mem(TABLE_XLSX, NULL, rows, ns, 1, &len);
	for (size_t cut = 10; cut < len; cut += len / 7) {
		got = dump(x, cut, TABLE_AUTO, &err);
		assert_true(strncmp(got, "OPEN xlsx_", 10) == 0 || strstr(got, "ERR xlsx_"));
		free(got);
	}
	/* A wrong CRC for the sheet: found when the sheet has been read. */
	patch_field(x, len, "xl/worksheets/sheet1.xml", 14, 16, 0x12345678);
	got = dump(x, len, TABLE_AUTO, &err);
	assert_string_equal(got, "1:姓名|电话\nERR xlsx_invalid @1");
	free(got);
	free(x);
	/* A zip without any sheet (an ODS or a DOCX would look like this). */
	struct zent none[] = {{"mimetype", "application/vnd.oasis.opendocument.spreadsheet"},
	                      {"content.xml", "<x/>"}};
	unsigned char *z = make_zip(none, 2, &len);
	got = dump(z, len, TABLE_AUTO, &err);
	assert_string_equal(got, "OPEN xlsx_no_sheet");
	free(got);
	free(z);
	/* Bad XML in the sheet, named with the row it happened near. */
	got = dump_sheet(SHEET("<row r=\"1\"><c><v>1</v></c></row><row r=\"2\"><c><v>2</c></row>"),
	                 NULL, &err);
	assert_string_equal(got, "1:1\nERR xlsx_bad_xml @2");
	assert_non_null(strstr(err.message, "第 2 行"));
	free(got);
	/* Bad XML in the shared strings and in the workbook. */
	got = dump_sheet(SHEET(""), SST("<si><t>a</si>"), &err);
	assert_string_equal(got, "OPEN xlsx_bad_xml");
	free(got);
	struct zent badwb[] = {{"xl/workbook.xml", "<workbook><sheets>"},
	                       {"xl/worksheets/sheet1.xml", SHEET("")}};
	z = make_zip(badwb, 2, &len);
	got = dump(z, len, TABLE_AUTO, &err);
	assert_string_equal(got, "OPEN xlsx_bad_xml");
	free(got);
	free(z);
	/* Without a workbook, xl/worksheets/sheet1.xml is read. */
	struct zent bare[] = {
	    {"xl/worksheets/sheet1.xml",
	     SHEET("<row r=\"1\"><c t=\"inlineStr\"><is><t>bare</t></is></c></row>")}};
	z = make_zip(bare, 1, &len);
	got = dump(z, len, TABLE_AUTO, &err);
	assert_string_equal(got, "1:bare\n");
	free(got);
	free(z);
}

static void test_xlsx_dtds_entities_and_deep_xml_are_refused(void **state)
{
	struct xf_err err;
	static const char laughs[] =
	    "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
	    "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
	    "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]>"
	    "<worksheet xmlns=\"" NS_MAIN
	    "\"><sheetData><row r=\"1\"><c t=\"inlineStr\"><is><t>&lol3;"
	    "</t></is></c></row></sheetData></worksheet>";
	char *got = dump_sheet(laughs, NULL, &err);
	assert_string_equal(got, "ERR xlsx_doctype @0");
	assert_non_null(strstr(err.message, "DTD"));
	free(got);
	static const char external[] =
	    "<?xml version=\"1.0\"?><!DOCTYPE sst [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
	    "<sst xmlns=\"" NS_MAIN "\"><si><t>&xxe;</t></si></sst>";
	got = dump_sheet(SHEET("<row r=\"1\"><c t=\"s\"><v>0</v></c></row>"), external, &err);
	assert_string_equal(got, "OPEN xlsx_doctype");
	free(got);
	/* 65 levels of nesting. */
	struct buf b;
	buf_init(&b);
	buf_puts(&b,
	         "<worksheet xmlns=\"" NS_MAIN "\"><sheetData><row r=\"1\"><c><v>1</v></c></row>");
	for (int i = 0; i < 70; i++)
		buf_puts(&b, "<x>");
	for (int i = 0; i < 70; i++)
		buf_puts(&b, "</x>");
	buf_puts(&b, "</sheetData></worksheet>");
	got = dump_sheet(b.data, NULL, &err);
	assert_string_equal(got, "1:1\nERR xlsx_xml_too_deep @1");
	free(got);
	/* One 5 MiB attribute: a token expat would have to hold whole. */
	buf_reset(&b);
	buf_puts(&b, "<worksheet xmlns=\"" NS_MAIN "\"><sheetData><row r=\"1\" x=\"");
	for (int i = 0; i < 5 << 20; i++)
		buf_putc(&b, 'a');
	buf_puts(&b, "\"/></sheetData></worksheet>");
	got = dump_sheet(b.data, NULL, &err);
	assert_string_equal(got, "ERR xlsx_xml_token_too_large @0");
	free(got);
	buf_free(&b);
}

static void test_serial_dates(void **state)
{
	char d[11];
	assert_int_equal(table_serial_date("1", false, d), XF_OK);
	assert_string_equal(d, "1900-01-01");
	assert_int_equal(table_serial_date("59", false, d), XF_OK);
	assert_string_equal(d, "1900-02-28");
	assert_int_equal(table_serial_date("60", false, d), XF_EINVAL);
	assert_int_equal(table_serial_date("61", false, d), XF_OK);
	assert_string_equal(d, "1900-03-01");
	assert_int_equal(table_serial_date("32874.5", false, d), XF_OK);
	assert_string_equal(d, "1990-01-01");
	assert_int_equal(table_serial_date("2958465", false, d), XF_OK);
	assert_string_equal(d, "9999-12-31");
	assert_int_equal(table_serial_date("2958466", false, d), XF_EINVAL);
	assert_int_equal(table_serial_date("0", true, d), XF_OK);
	assert_string_equal(d, "1904-01-01");
	assert_int_equal(table_serial_date("43830", true, d), XF_OK);
	assert_string_equal(d, "2024-01-01");
	assert_int_equal(table_serial_date("-1", false, d), XF_EINVAL);
	assert_int_equal(table_serial_date("1e5", false, d), XF_EINVAL);
	assert_int_equal(table_serial_date("", false, d), XF_EINVAL);
	assert_int_equal(table_serial_date("张三", false, d), XF_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_csv_writer_quotes_escapes_and_reads_back),
	    cmocka_unit_test(test_csv_quoted_fields_and_line_ends),
	    cmocka_unit_test(test_csv_rows_keep_their_numbers_when_empty_rows_are_skipped),
	    cmocka_unit_test(test_csv_utf8_bom_is_stripped),
	    cmocka_unit_test(test_csv_gbk_from_chinese_excel_is_converted),
	    cmocka_unit_test(test_csv_invalid_text_is_an_error_naming_the_row),
	    cmocka_unit_test(test_csv_malformed_input_gets_clear_errors),
	    cmocka_unit_test(test_csv_limits),
	    cmocka_unit_test(test_xlsx_writer_round_trip),
	    cmocka_unit_test(test_xlsx_file_writer_replaces_the_file_only_when_closed),
	    cmocka_unit_test(test_writer_refuses_what_excel_cannot_hold),
	    cmocka_unit_test(test_xlsx_from_libreoffice),
	    cmocka_unit_test(test_xlsx_from_a_hand_made_package),
	    cmocka_unit_test(test_xlsx_numbers_show_as_excel_shows_them),
	    cmocka_unit_test(test_xlsx_gaps_rows_and_cell_types),
	    cmocka_unit_test(test_xlsx_limits),
	    cmocka_unit_test(test_xlsx_zip_bombs_are_refused),
	    cmocka_unit_test(test_xlsx_malformed_packages_get_clear_errors),
	    cmocka_unit_test(test_xlsx_dtds_entities_and_deep_xml_are_refused),
	    cmocka_unit_test(test_serial_dates),
	};
	return TS_RUN(tests, NULL, NULL);
}
