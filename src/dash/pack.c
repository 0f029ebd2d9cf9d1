/* The report pack: one XLSX workbook and a printable HTML page with the seed's figures, each
 * section's figures, the level below and the monthly trend, for a place and year. */
#include "figures.h"
#include "../core/buf.h"
#include "../io/table.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static void beijing(int64_t t, char out[32])
{
	time_t s = (time_t)(t + 8 * 3600);
	struct tm tm;
	gmtime_r(&s, &tm);
	strftime(out, 32, "%Y-%m-%d %H:%M", &tm);
}

static void html_text(struct buf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<':
			buf_puts(b, "&lt;");
			break;
		case '>':
			buf_puts(b, "&gt;");
			break;
		case '&':
			buf_puts(b, "&amp;");
			break;
		case '"':
			buf_puts(b, "&quot;");
			break;
		default:
			buf_putc(b, *s);
		}
	}
}

/* One table into both outputs: a worksheet (after the title row) and an HTML <table>. */
struct out {
	struct table_writer *w;
	struct buf html;
	const char *title_cells[3];
	int sheets;
};

static int table_begin(struct out *o, const char *name, const char *const *head, size_t n,
                       struct xf_err *err)
{
	int rc = o->sheets++ ? table_writer_sheet(o->w, name, err) : XF_OK;
	if (rc == XF_OK)
		rc = table_writer_row(o->w, o->title_cells, 3, err);
	const char *blank[1] = {""};
	if (rc == XF_OK)
		rc = table_writer_row(o->w, blank, 1, err);
	if (rc == XF_OK)
		rc = table_writer_row(o->w, head, n, err);
	buf_puts(&o->html, "<h2>");
	html_text(&o->html, name);
	buf_puts(&o->html, "</h2>\n<table>\n<thead><tr>");
	for (size_t i = 0; i < n; i++) {
		buf_puts(&o->html, "<th>");
		html_text(&o->html, head[i]);
		buf_puts(&o->html, "</th>");
	}
	buf_puts(&o->html, "</tr></thead>\n<tbody>\n");
	return rc;
}

static int out_row(struct out *o, const char *const *cells, size_t n, struct xf_err *err)
{
	buf_puts(&o->html, "<tr>");
	for (size_t i = 0; i < n; i++) {
		buf_puts(&o->html, i ? "<td>" : "<th scope=\"row\">");
		html_text(&o->html, cells[i] ? cells[i] : "");
		buf_puts(&o->html, i ? "</td>" : "</th>");
	}
	buf_puts(&o->html, "</tr>\n");
	return table_writer_row(o->w, cells, n, err);
}

static void table_end(struct out *o)
{
	buf_puts(&o->html, "</tbody>\n</table>\n");
}

static void fmt_value(json_t *v, char *out, size_t n)
{
	if (json_is_integer(v))
		snprintf(out, n, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		snprintf(out, n, "%.2f", json_real_value(v));
	else
		snprintf(out, n, "—");
}

int dash_pack_build(struct db *db, int64_t place_id, int year, int64_t now,
                    void (*progress)(int pct, void *ctx), void *ctx, char **xlsx, size_t *xlsx_len,
                    char **html, size_t *html_len, struct xf_err *err)
{
	struct placeinfo p = {.id = place_id};
	struct db_stmt *st = db_prep(db, "SELECT name, kind, path FROM places WHERE id = ?", err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, place_id);
	int rc = db_step(st, err);
	if (rc != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_ENOTFOUND, "not_found", "没有这个地点");
	snprintf(p.name, sizeof p.name, "%s", db_col_text(st, 0));
	snprintf(p.kind, sizeof p.kind, "%s", db_col_text(st, 1));
	snprintf(p.path, sizeof p.path, "%s", db_col_text(st, 2));
	db_reset(st);

	struct fval *vals = calloc(dash_nfigures, sizeof *vals);
	int64_t as_of;
	json_t *seed = NULL;
	if ((rc = dash_place_values(db, p.id, p.path, p.kind, year, now, vals, &as_of, err)) !=
	        XF_OK ||
	    (rc = dash_seed_table(db, NULL, &p, year, now, &seed, &as_of, err)) != XF_OK) {
		free(vals);
		return rc;
	}
	char when[32], counted[32], c_place[160], c_period[48], c_time[96];
	beijing(now, when);
	beijing(as_of ? as_of : now, counted);
	snprintf(c_place, sizeof c_place, "地点：%s", p.name);
	snprintf(c_period, sizeof c_period, "期间：%d 年", year);
	snprintf(c_time, sizeof c_time, "生成时间：%s（数据截至 %s）", when, counted);
	struct out o = {.title_cells = {c_place, c_period, c_time}};
	rc = table_writer_open_mem(TABLE_XLSX, "幸福城区数据", &o.w, err);
	if (rc != XF_OK) {
		free(vals);
		json_decref(seed);
		return rc;
	}
	buf_puts(&o.html, "<!doctype html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
	                  "<title>");
	html_text(&o.html, p.name);
	buf_printf(&o.html,
	           " %d 年报表</title>\n<style>body{font-family:\"Noto Sans CJK SC\","
	           "\"Microsoft YaHei\",sans-serif;margin:2em;color:#111}h1{font-size:1.6em}"
	           "h2{font-size:1.25em;margin-top:1.6em;page-break-after:avoid}"
	           "table{border-collapse:collapse;width:100%%;font-size:14px}"
	           "th,td{border:1px solid #999;padding:4px 8px;text-align:left}"
	           "thead th{background:#eee}tr{page-break-inside:avoid}"
	           "@media print{body{margin:0}}</style></head><body>\n<h1>",
	           year);
	html_text(&o.html, p.name);
	buf_printf(&o.html, " · %d 年党建引领基层治理报表</h1>\n<p>", year);
	html_text(&o.html, c_time);
	buf_puts(&o.html, "</p>\n");

	/* 1. the seed's figures */
	const char *sh[] = {"项目", "本地数值", "单位", "黄石案例所述", "统计口径"};
	rc = table_begin(&o, "幸福城区数据", sh, 5, err);
	size_t i;
	json_t *row;
	json_array_foreach(seed, i, row)
	{
		if (rc != XF_OK)
			break;
		char v[48];
		fmt_value(json_object_get(row, "value"), v, sizeof v);
		const char *cells[] = {json_string_value(json_object_get(row, "item")), v,
		                       json_string_value(json_object_get(row, "unit")),
		                       json_string_value(json_object_get(row, "seed")),
		                       json_string_value(json_object_get(row, "label"))};
		rc = out_row(&o, cells, 5, err);
	}
	table_end(&o);
	if (progress)
		progress(20, ctx);

	/* 2. one sheet per section */
	const char *fh[] = {"指标", "数值", "单位", "记录数或分子", "分母", "说明"};
	for (size_t s = 0; s < dash_nsections && rc == XF_OK; s++) {
		rc = table_begin(&o, dash_sections[s].label, fh, 6, err);
		for (size_t f = 0; f < dash_nfigures && rc == XF_OK; f++) {
			if (dash_figures[f].section != (int)s || dash_figures[f].hidden)
				continue;
			json_t *fj = dash_figure_json((int)f, vals, true);
			char v[48], a[96] = "", b[96] = "";
			fmt_value(json_object_get(fj, "value"), v, sizeof v);
			if (dash_figures[f].kind == K_RATIO) {
				char x[48];
				json_t *num = json_object_get(fj, "num"),
				       *den = json_object_get(fj, "den");
				fmt_value(json_object_get(num, "value"), x, sizeof x);
				snprintf(a, sizeof a, "%s %s %s",
				         json_string_value(json_object_get(num, "label")), x,
				         json_string_value(json_object_get(num, "unit")));
				fmt_value(json_object_get(den, "value"), x, sizeof x);
				snprintf(b, sizeof b, "%s %s %s",
				         json_string_value(json_object_get(den, "label")), x,
				         json_string_value(json_object_get(den, "unit")));
			} else {
				snprintf(a, sizeof a, "%lld", (long long)vals[f].n);
			}
			const char *cells[] = {dash_figures[f].label,
			                       v,
			                       dash_figures[f].unit,
			                       a,
			                       b,
			                       dash_figures[f].note ? dash_figures[f].note : ""};
			rc = out_row(&o, cells, 6, err);
			json_decref(fj);
		}
		table_end(&o);
		if (progress)
			progress(20 + (int)(50 * (s + 1) / dash_nsections), ctx);
	}

	/* 3. the level below, with the key figures */
	if (rc == XF_OK) {
		const char *ch[16] = {"下级地点"};
		size_t nk = 1;
		int keyf[15];
		for (size_t f = 0; f < dash_nfigures && nk < 16; f++)
			if (dash_figures[f].key) {
				keyf[nk - 1] = (int)f;
				ch[nk++] = dash_figures[f].label;
			}
		rc = table_begin(&o, "下级对比", ch, nk, err);
		st = rc == XF_OK
		         ? db_prep(db,
		                   "SELECT id, name, kind, path FROM places WHERE parent_id = ?"
		                   " AND kind <> 'household' ORDER BY id LIMIT 200",
		                   err)
		         : NULL;
		if (rc == XF_OK && !st)
			rc = err->status;
		struct placeinfo kids[200];
		int nkids = 0;
		if (st) {
			db_bind_int(st, 1, p.id);
			while (nkids < 200 && (rc = db_step(st, err)) == DB_ROW) {
				kids[nkids].id = db_col_int(st, 0);
				snprintf(kids[nkids].name, sizeof kids[nkids].name, "%s",
				         db_col_text(st, 1));
				snprintf(kids[nkids].kind, sizeof kids[nkids].kind, "%s",
				         db_col_text(st, 2));
				snprintf(kids[nkids].path, sizeof kids[nkids].path, "%s",
				         db_col_text(st, 3));
				nkids++;
			}
			rc = rc < 0 ? rc : XF_OK;
		}
		struct fval *cv = calloc(dash_nfigures, sizeof *cv);
		for (int k = 0; k < nkids && rc == XF_OK; k++) {
			int64_t cas;
			rc = dash_place_values_opt(db, kids[k].id, kids[k].path, kids[k].kind, year,
			                           now, true, cv, &cas, err);
			char cells_buf[16][48];
			const char *cells[16] = {kids[k].name};
			for (size_t j = 1; j < nk && rc == XF_OK; j++) {
				bool def;
				double d = dash_display(keyf[j - 1], cv, &def);
				if (def)
					snprintf(cells_buf[j], sizeof cells_buf[j], "%.2f", d);
				else
					snprintf(cells_buf[j], sizeof cells_buf[j], "—");
				cells[j] = cells_buf[j];
			}
			if (rc == XF_OK)
				rc = out_row(&o, cells, nk, err);
		}
		free(cv);
		table_end(&o);
	}
	if (progress && rc == XF_OK)
		progress(85, ctx);

	/* 4. the monthly trend */
	if (rc == XF_OK) {
		const char *th[13] = {"指标"};
		static const char *months[12] = {"1月", "2月", "3月", "4月",  "5月",  "6月",
		                                 "7月", "8月", "9月", "10月", "11月", "12月"};
		for (int k = 0; k < 12; k++)
			th[k + 1] = months[k];
		rc = table_begin(&o, "月度趋势", th, 13, err);
		for (size_t f = 0; f < dash_nfigures && rc == XF_OK; f++) {
			if (!dash_figures[f].trend)
				continue;
			char cb[12][24];
			const char *cells[13] = {dash_figures[f].label};
			for (int k = 0; k < 12; k++) {
				snprintf(cb[k], sizeof cb[k], "%lld",
				         (long long)(vals[f].month[k] / dash_figures[f].scale));
				cells[k + 1] = cb[k];
			}
			rc = out_row(&o, cells, 13, err);
		}
		table_end(&o);
	}
	free(vals);
	json_decref(seed);
	buf_puts(&o.html, "</body></html>\n");
	if (rc != XF_OK) {
		table_writer_discard(o.w);
		buf_free(&o.html);
		return rc;
	}
	if ((rc = table_writer_close_mem(o.w, xlsx, xlsx_len, err)) != XF_OK) {
		buf_free(&o.html);
		return rc;
	}
	*html_len = o.html.len;
	*html = buf_steal(&o.html);
	if (progress)
		progress(100, ctx);
	return XF_OK;
}
