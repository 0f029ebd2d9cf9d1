/* The XLSX package: zip parts inflated under size caps (declared and actual), expat parsers
 * with the same guards for every part, and the way from _rels/.rels to the first sheet. */
#include "io/xlsx_int.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SHEETS 256
#define MAX_RELS   1024

const char *table_xml_local(const char *name)
{
	const char *p = strrchr(name, NS_SEP);
	return p ? p + 1 : name;
}

const char *table_xml_attr(const char **atts, const char *local, bool namespaced)
{
	for (size_t i = 0; atts[i]; i += 2) {
		const char *sep = strrchr(atts[i], NS_SEP);
		if ((sep != NULL) == namespaced && strcmp(sep ? sep + 1 : atts[i], local) == 0)
			return atts[i + 1];
	}
	return NULL;
}

void table_xml_abort(struct xguard *g)
{
	if (!g->failed) {
		g->failed = true;
		XML_StopParser(g->p, XML_FALSE);
	}
}

void table_xml_fail(struct xguard *g, int status, const char *code, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	table_fail(g->t, status, code, NULL, "%s", msg);
	table_xml_abort(g);
}

bool table_xml_enter(struct xguard *g)
{
	if (g->failed)
		return false;
	g->saw_cb = true;
	if (++g->depth > XML_MAX_DEPTH) {
		table_xml_fail(g, XF_EINVAL, "xlsx_xml_too_deep", "XLSX 中的 XML 嵌套过深（%s）",
		               g->part);
		return false;
	}
	return true;
}

bool table_xml_leave(struct xguard *g)
{
	if (g->failed)
		return false;
	g->saw_cb = true;
	g->depth--;
	return true;
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                               const XML_Char *pubid, int has_internal)
{
	table_xml_fail(ud, XF_EINVAL, "xlsx_doctype",
	               "XLSX 中含有 DTD 声明（%s），出于安全原因拒绝读取",
	               ((struct xguard *)ud)->part);
}

static void XMLCALL on_entity(void *ud, const XML_Char *name, int is_param, const XML_Char *value,
                              int value_len, const XML_Char *base, const XML_Char *sysid,
                              const XML_Char *pubid, const XML_Char *notation)
{
	table_xml_fail(ud, XF_EINVAL, "xlsx_doctype",
	               "XLSX 中含有实体声明（%s），出于安全原因拒绝读取",
	               ((struct xguard *)ud)->part);
}

void table_xml_new(struct xguard *g, struct table_reader *t, const char *part,
                   XML_StartElementHandler start, XML_EndElementHandler end,
                   XML_CharacterDataHandler text)
{
	XML_Parser p = XML_ParserCreateNS(NULL, NS_SEP);
	if (!p)
		abort(); /* out of memory, as xmalloc */
	g->p = p;
	g->t = t;
	g->part = part;
	g->sheet = false;
	g->depth = 0;
	g->quiet = 0;
	g->failed = false;
	XML_SetUserData(p, g);
	XML_SetElementHandler(p, start, end);
	if (text)
		XML_SetCharacterDataHandler(p, text);
	/* No DTDs at all: no entity can expand, nothing external is fetched. Billion-laughs
	 * protection stays on as a second fence. */
	XML_SetStartDoctypeDeclHandler(p, on_doctype);
	XML_SetEntityDeclHandler(p, on_entity);
	XML_SetParamEntityParsing(p, XML_PARAM_ENTITY_PARSING_NEVER);
	XML_SetBillionLaughsAttackProtectionMaximumAmplification(p, 10.0f);
	XML_SetBillionLaughsAttackProtectionActivationThreshold(p, 1 << 20);
}

int table_not_xlsx(struct table_reader *t, const char *why)
{
	return table_fail(t, XF_EINVAL, "xlsx_invalid", NULL, "文件不是有效的 XLSX（%s）", why);
}

int table_zip_open(struct table_reader *t, zip_t *z, zip_int64_t idx, struct zpart *zp)
{
	zip_stat_t st;
	zip_stat_init(&st);
	memset(zp, 0, sizeof *zp);
	if (zip_stat_index(z, (zip_uint64_t)idx, 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE) ||
	    !(st.valid & ZIP_STAT_NAME))
		return table_not_xlsx(t, "压缩目录损坏");
	snprintf(zp->name, sizeof zp->name, "%s", st.name);
	if (st.size > t->lim.max_part)
		return table_fail(t, XF_ETOOBIG, "xlsx_part_too_large", NULL,
		                  "XLSX 中的 %s 解压后过大（上限 %zu MiB），可能是压缩炸弹",
		                  zp->name, t->lim.max_part >> 20);
	zp->declared = st.size;
	zp->f = zip_fopen_index(z, (zip_uint64_t)idx, 0);
	if (!zp->f) {
		char why[REL_STR + 64];
		snprintf(why, sizeof why, "%s 无法解压：%s", zp->name, zip_strerror(z));
		return table_not_xlsx(t, why);
	}
	return XF_OK;
}

void table_zip_close(struct zpart *zp)
{
	if (zp->f)
		zip_fclose(zp->f);
	zp->f = NULL;
}

/* Read the next chunk; the declared size and max_part bound what a part may inflate to. */
static int part_read(struct table_reader *t, struct zpart *zp, void *buf, size_t cap, size_t *got)
{
	zip_int64_t n = zip_fread(zp->f, buf, cap);
	*got = 0;
	if (n < 0) {
		char why[REL_STR + 64];
		snprintf(why, sizeof why, "%s 已损坏：%s", zp->name, zip_file_strerror(zp->f));
		return table_not_xlsx(t, why);
	}
	if ((zip_uint64_t)n > t->lim.max_part - zp->got)
		return table_fail(t, XF_ETOOBIG, "xlsx_part_too_large", NULL,
		                  "XLSX 中的 %s 解压后过大（上限 %zu MiB），可能是压缩炸弹",
		                  zp->name, t->lim.max_part >> 20);
	zp->got += (size_t)n;
	if (zp->got > zp->declared || (n == 0 && zp->got != zp->declared)) {
		char why[REL_STR + 64];
		snprintf(why, sizeof why, "%s 的实际大小与声明不符", zp->name);
		return table_not_xlsx(t, why);
	}
	*got = (size_t)n;
	return XF_OK;
}

static int xml_error(struct table_reader *t, struct xguard *g)
{
	XML_Parser p = g->p;
	const char *what = XML_ErrorString(XML_GetErrorCode(p));
	unsigned long line = (unsigned long)XML_GetCurrentLineNumber(p);
	if (g->sheet && t->cur_row > 0)
		return table_fail(t, XF_EINVAL, "xlsx_bad_xml", NULL,
		                  "第 %ld 行附近：XLSX 工作表的 XML 格式错误（%s，XML 第 %lu 行）",
		                  t->cur_row, what ? what : "?", line);
	return table_fail(t, XF_EINVAL, "xlsx_bad_xml", NULL,
	                  "XLSX 中 %s 的 XML 格式错误（%s，第 %lu 行）", g->part, what ? what : "?",
	                  line);
}

/* Feed the parser the next chunk of the part, or resume it. 1 = more to do, 0 = the part is
 * parsed to its end, <0 = error. */
int table_xml_step(struct table_reader *t, struct xguard *g, struct zpart *zp, bool *suspended)
{
	enum XML_Status st;
	if (*suspended) {
		st = XML_ResumeParser(g->p);
	} else {
		void *buf = XML_GetBuffer(g->p, XML_CHUNK);
		if (!buf)
			return xml_error(t, g);
		size_t n;
		int rc = part_read(t, zp, buf, XML_CHUNK, &n);
		if (rc != XF_OK)
			return rc;
		zp->eof = n == 0;
		g->saw_cb = false;
		st = XML_ParseBuffer(g->p, (int)n, zp->eof);
		/* expat keeps an unfinished token in memory: bound it. */
		g->quiet = g->saw_cb ? 0 : g->quiet + n;
		if (st != XML_STATUS_ERROR && g->quiet > XML_QUIET_MAX)
			return table_fail(t, XF_EINVAL, "xlsx_xml_token_too_large", NULL,
			                  "XLSX 中 %s 的 XML 标记过大", g->part);
	}
	switch (st) {
	case XML_STATUS_ERROR:
		return g->failed ? t->failed : xml_error(t, g);
	case XML_STATUS_SUSPENDED:
		*suspended = true;
		return 1;
	default:
		*suspended = false;
		return zp->eof ? 0 : 1;
	}
}

/* Parse a whole (small) part with the context's handlers. */
int table_xml_parse_part(struct table_reader *t, zip_t *z, struct xguard *g, zip_int64_t idx)
{
	struct zpart zp;
	int rc = table_zip_open(t, z, idx, &zp);
	bool suspended = false;
	if (rc == XF_OK)
		do
			rc = table_xml_step(t, g, &zp, &suspended);
		while (rc == 1);
	table_zip_close(&zp);
	return rc < 0 ? rc : XF_OK;
}

/* Relationships (the _rels/ parts): Id → Type (last path segment) and Target. */
struct rel {
	char id[REL_STR];
	char type[64];
	char target[REL_STR];
};

struct rels_ctx {
	struct xguard g;
	struct rel *rels;
	size_t n;
};

static void XMLCALL rels_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct rels_ctx *c = ud;
	if (!table_xml_enter(&c->g) || strcmp(table_xml_local(name), "Relationship") != 0 ||
	    c->n >= MAX_RELS)
		return;
	const char *id = table_xml_attr(atts, "Id", false),
	           *type = table_xml_attr(atts, "Type", false);
	const char *target = table_xml_attr(atts, "Target", false),
	           *mode = table_xml_attr(atts, "TargetMode", false);
	if (!id || !type || !target || (mode && strcmp(mode, "External") == 0) ||
	    strlen(id) >= REL_STR || strlen(target) >= REL_STR)
		return;
	const char *slash = strrchr(type, '/');
	struct rel *r = &c->rels[c->n++];
	snprintf(r->id, sizeof r->id, "%s", id);
	snprintf(r->type, sizeof r->type, "%s", slash ? slash + 1 : type);
	snprintf(r->target, sizeof r->target, "%s", target);
}

static void XMLCALL plain_end(void *ud, const XML_Char *name)
{
	table_xml_leave(ud);
}

/* Resolve a relationship target against the directory of the part that owns it
 * ("xl/" for the workbook). Segments "." and ".." are folded; false if it leaves the root. */
static bool resolve(const char *dir, const char *target, char *out, size_t n)
{
	char path[2 * REL_STR];
	if (target[0] == '/')
		snprintf(path, sizeof path, "%s", target + 1);
	else
		snprintf(path, sizeof path, "%s%s", dir, target);
	size_t o = 0;
	for (char *seg = path, *next; seg; seg = next) {
		next = strchr(seg, '/');
		if (next)
			*next++ = 0;
		if (!*seg || strcmp(seg, ".") == 0)
			continue;
		if (strcmp(seg, "..") == 0) {
			if (o == 0)
				return false;
			while (o > 0 && out[o - 1] != '/')
				o--;
			if (o > 0)
				o--; /* the slash before the dropped segment */
			continue;
		}
		size_t len = strlen(seg);
		if (o + len + 2 > n)
			return false;
		if (o)
			out[o++] = '/';
		memcpy(out + o, seg, len);
		o += len;
	}
	out[o] = 0;
	return o > 0;
}

static zip_int64_t locate(zip_t *z, const char *name)
{
	return zip_name_locate(z, name, ZIP_FL_NOCASE);
}

static int load_rels(struct table_reader *t, zip_t *z, const char *name, struct rels_ctx *c)
{
	c->rels = xcalloc(MAX_RELS, sizeof *c->rels);
	c->n = 0;
	zip_int64_t idx = locate(z, name);
	if (idx < 0)
		return XF_OK; /* no relationships: the caller falls back to the usual names */
	table_xml_new(&c->g, t, name, rels_start, plain_end, NULL);
	int rc = table_xml_parse_part(t, z, &c->g, idx);
	XML_ParserFree(c->g.p);
	return rc;
}

static const struct rel *rel_by(const struct rels_ctx *c, const char *id, const char *type)
{
	for (size_t i = 0; i < c->n; i++)
		if ((!id || strcmp(c->rels[i].id, id) == 0) && strcmp(c->rels[i].type, type) == 0)
			return &c->rels[i];
	return NULL;
}

/* The workbook: its sheets in order (relationship id, hidden?) and the date system. */
struct sheet_ref {
	char rid[REL_STR];
	bool hidden;
};

struct wb_ctx {
	struct xguard g;
	struct sheet_ref *sheets;
	size_t n;
	bool date1904;
};

static void XMLCALL wb_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct wb_ctx *c = ud;
	if (!table_xml_enter(&c->g))
		return;
	const char *l = table_xml_local(name);
	if (strcmp(l, "workbookPr") == 0) {
		const char *v = table_xml_attr(atts, "date1904", false);
		c->date1904 = v && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
	} else if (strcmp(l, "sheet") == 0 && c->n < MAX_SHEETS) {
		const char *rid = table_xml_attr(atts, "id", true),
		           *state = table_xml_attr(atts, "state", false);
		if (!rid || strlen(rid) >= REL_STR)
			return;
		struct sheet_ref *s = &c->sheets[c->n++];
		snprintf(s->rid, sizeof s->rid, "%s", rid);
		s->hidden = state && strcmp(state, "visible") != 0;
	}
}

/* Pick the sheet part and the shared strings part. */
int table_xlsx_find_parts(struct table_reader *t, zip_t *z, zip_int64_t *sheet, zip_int64_t *sst)
{
	char wbname[REL_STR] = "xl/workbook.xml", dir[REL_STR], name[REL_STR];
	struct rels_ctx root, wbrels;
	struct wb_ctx wb = {.sheets = NULL};
	*sheet = *sst = -1;
	int rc = load_rels(t, z, "_rels/.rels", &root);
	const struct rel *r = rc == XF_OK ? rel_by(&root, NULL, "officeDocument") : NULL;
	if (r && !resolve("", r->target, wbname, sizeof wbname))
		snprintf(wbname, sizeof wbname, "xl/workbook.xml");
	free(root.rels);
	if (rc != XF_OK)
		return rc;
	/* The workbook's directory and its relationships part: xl/_rels/workbook.xml.rels. */
	const char *slash = strrchr(wbname, '/');
	size_t dlen = slash ? (size_t)(slash - wbname) + 1 : 0;
	snprintf(dir, sizeof dir, "%.*s", (int)dlen, wbname);
	snprintf(name, sizeof name, "%s_rels/%s.rels", dir, wbname + dlen);
	rc = load_rels(t, z, name, &wbrels);
	zip_int64_t wbidx = locate(z, wbname);
	if (rc == XF_OK && wbidx >= 0) {
		wb.sheets = xcalloc(MAX_SHEETS, sizeof *wb.sheets);
		table_xml_new(&wb.g, t, wbname, wb_start, plain_end, NULL);
		rc = table_xml_parse_part(t, z, &wb.g, wbidx);
		XML_ParserFree(wb.g.p);
		t->date1904 = wb.date1904;
	}
	/* The first visible worksheet; else the first worksheet. */
	for (int pass = 0; rc == XF_OK && pass < 2 && *sheet < 0; pass++)
		for (size_t i = 0; i < wb.n && *sheet < 0; i++) {
			const struct rel *s = rel_by(&wbrels, wb.sheets[i].rid, "worksheet");
			if (s && (pass == 1 || !wb.sheets[i].hidden) &&
			    resolve(dir, s->target, name, sizeof name))
				*sheet = locate(z, name);
		}
	const struct rel *ss = rc == XF_OK ? rel_by(&wbrels, NULL, "sharedStrings") : NULL;
	if (ss && resolve(dir, ss->target, name, sizeof name))
		*sst = locate(z, name);
	free(wb.sheets);
	free(wbrels.rels);
	if (rc != XF_OK)
		return rc;
	if (*sst < 0)
		*sst = locate(z, "xl/sharedStrings.xml");
	if (*sheet < 0)
		*sheet = locate(z, "xl/worksheets/sheet1.xml");
	for (zip_int64_t i = 0, n = zip_get_num_entries(z, 0); *sheet < 0 && i < n; i++) {
		const char *e = zip_get_name(z, (zip_uint64_t)i, 0);
		size_t len = e ? strlen(e) : 0;
		if (len > 18 && strncmp(e, "xl/worksheets/", 14) == 0 &&
		    strcmp(e + len - 4, ".xml") == 0 && !strchr(e + 14, '/'))
			*sheet = i;
	}
	if (*sheet < 0)
		return table_fail(t, XF_EINVAL, "xlsx_no_sheet", NULL,
		                  "XLSX 文件中没有工作表（.ods 或 Numbers 文件请先另存为 .xlsx）");
	return XF_OK;
}
