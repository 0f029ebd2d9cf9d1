#include "import.h"
#include "../core/buf.h"
#include "../core/clock.h"
#include "../core/pii.h"
#include "../core/str.h"
#include "../io/table.h"
#include "../auth/policy.h"
#include "people.h"
#include "registry.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_BAD 200 /* reported bad rows; the count goes on */

struct column {
	const char *name, *zh;
	bool required;
};

static const struct column place_cols[] = {
    {"code", "编码", true},     {"name", "名称", true},
    {"kind", "类型", true},     {"parent_code", "上级编码", true},
    {"lat", "纬度", false},     {"lng", "经度", false},
    {"area_m2", "面积", false}, {NULL, NULL, false}};
static const struct column org_cols[] = {{"code", "编码", true},
                                         {"name", "名称", true},
                                         {"kind", "类型", true},
                                         {"place_code", "所在地点编码", true},
                                         {"parent_code", "上级组织编码", false},
                                         {"domain", "领域", false},
                                         {"built_on", "依托", false},
                                         {"party_org_code", "党组织编码", false},
                                         {NULL, NULL, false}};
static const struct column people_cols[] = {
    {"name", "姓名", true},           {"id_number", "身份证号", true},
    {"place_code", "住户编码", true}, {"phone", "手机号", false},
    {"gender", "性别", false},        {"birth_year", "出生年份", false},
    {"address", "住址", false},       {"residency", "户籍与居住", false},
    {"tenure", "产权", false},        {NULL, NULL, false}};
static const struct column member_cols[] = {
    {"id_number", "身份证号", true},    {"branch_code", "所在支部编码", true},
    {"status", "状态", true},           {"central_household", "党员中心户", false},
    {"joined_year", "入党年份", false}, {NULL, NULL, false}};

static const struct column *columns_of(const char *kind)
{
	if (strcmp(kind, "places") == 0)
		return place_cols;
	if (strcmp(kind, "orgs") == 0)
		return org_cols;
	if (strcmp(kind, "people") == 0)
		return people_cols;
	if (strcmp(kind, "members") == 0)
		return member_cols;
	return NULL;
}

bool import_kind_valid(const char *kind)
{
	return columns_of(kind) != NULL;
}

const char *const *import_columns(const char *kind, size_t *n)
{
	static const char *names[4][16];
	static const char *kinds[4] = {"places", "orgs", "people", "members"};
	for (int k = 0; k < 4; k++) {
		if (strcmp(kind, kinds[k]) != 0)
			continue;
		const struct column *c = columns_of(kind);
		size_t i = 0;
		for (; c[i].name; i++)
			names[k][i] = c[i].name;
		*n = i;
		return names[k];
	}
	*n = 0;
	return NULL;
}

/* A parsed row: the cells of the kind's columns, by column index. */
struct row {
	long line;
	char *v[16];
};

struct ctx {
	struct db *db;
	const char *kind;
	const struct column *cols;
	int ncols;
	int map[16]; /* column index -> file column, -1 absent */
	struct row *rows;
	size_t n, cap;
	struct import_report *rep;
	int64_t bad;
};

static const char *cell(const struct row *r, int col)
{
	return r->v[col] ? r->v[col] : "";
}

/* Masked for the report: numbers that could be personal data never appear whole. */
static void masked(const char *colname, const char *value, char *out, size_t n)
{
	if (strcmp(colname, "id_number") == 0)
		pii_mask_id(value, out, n);
	else if (strcmp(colname, "phone") == 0)
		pii_mask_phone(value, out, n);
	else if (strcmp(colname, "address") == 0)
		pii_mask_address(value, out, n);
	else
		snprintf(out, n, "%.60s", value);
}

static void bad(struct ctx *c, const struct row *r, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void bad(struct ctx *c, const struct row *r, int col, const char *fmt, ...)
{
	c->bad++;
	if (json_array_size(c->rep->errors) >= MAX_BAD)
		return;
	char reason[256], value[96] = "";
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(reason, sizeof reason, fmt, ap);
	va_end(ap);
	const char *colname = col >= 0 ? c->cols[col].name : "";
	if (col >= 0)
		masked(colname, cell(r, col), value, sizeof value);
	json_array_append_new(c->rep->errors,
	                      json_pack("{s:I, s:s, s:s, s:s, s:s}", "row", (json_int_t)r->line,
	                                "column", colname, "column_zh",
	                                col >= 0 ? c->cols[col].zh : "", "value", value, "reason",
	                                reason));
}

static int find_col(struct ctx *c, const char *name)
{
	for (int i = 0; i < c->ncols; i++)
		if (strcmp(c->cols[i].name, name) == 0)
			return i;
	return -1;
}

static int64_t id_by_code(struct db *db, const char *table_is_orgs, const char *code)
{
	struct xf_err e;
	int64_t id = 0;
	if (*table_is_orgs == 'o')
		db_int(db, &e, &id, "SELECT id FROM orgs WHERE code = ?", "t", code);
	else
		db_int(db, &e, &id, "SELECT id FROM places WHERE code = ?", "t", code);
	return id;
}

static const struct {
	const char *code, *zh, *parent;
} place_kinds[] = {
    {"district", "区", "city"},      {"street", "街道", "district"},
    {"community", "社区", "street"}, {"grid", "网格", "community"},
    {"building", "楼栋", "grid"},    {"household", "住户", "building"},
};

static const char *place_kind(const char *v)
{
	for (size_t i = 0; i < XF_ARRAY_LEN(place_kinds); i++)
		if (strcmp(v, place_kinds[i].code) == 0 || strcmp(v, place_kinds[i].zh) == 0)
			return place_kinds[i].code;
	return NULL;
}

static const char *kind_parent(const char *kind)
{
	for (size_t i = 0; i < XF_ARRAY_LEN(place_kinds); i++)
		if (strcmp(kind, place_kinds[i].code) == 0)
			return place_kinds[i].parent;
	return NULL;
}

static bool decimal(const char *s, double lo, double hi, double *out)
{
	char *end;
	double v = strtod(s, &end);
	if (end == s || *end || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

/* The kind of the place a code names: from the database, else from an earlier row. */
static const char *known_place_kind(struct ctx *c, const char *code, size_t upto, int code_col,
                                    int kind_col)
{
	for (size_t i = 0; i < upto; i++)
		if (strcmp(cell(&c->rows[i], code_col), code) == 0)
			return place_kind(cell(&c->rows[i], kind_col));
	struct xf_err e;
	struct db_stmt *st = db_prep(c->db, "SELECT kind FROM places WHERE code = ?", &e);
	if (!st)
		return NULL;
	db_bind_text(st, 1, code);
	static _Thread_local char kind[16];
	const char *k = NULL;
	if (db_step(st, &e) == DB_ROW) {
		snprintf(kind, sizeof kind, "%s", db_col_text(st, 0));
		db_reset(st);
		k = kind;
	}
	return k;
}

static void check_places(struct ctx *c)
{
	int code = find_col(c, "code"), name = find_col(c, "name"), kind = find_col(c, "kind"),
	    parent = find_col(c, "parent_code"), lat = find_col(c, "lat"), lng = find_col(c, "lng"),
	    area = find_col(c, "area_m2");
	for (size_t i = 0; i < c->n; i++) {
		struct row *r = &c->rows[i];
		const char *k = place_kind(cell(r, kind));
		double d;
		if (strlen(cell(r, code)) < 1 || strlen(cell(r, code)) > 32)
			bad(c, r, code, "编码应为 1–32 个字符");
		for (size_t j = 0; j < i; j++)
			if (strcmp(cell(&c->rows[j], code), cell(r, code)) == 0) {
				bad(c, r, code, "编码与第 %ld 行重复", c->rows[j].line);
				break;
			}
		if (utf8_len(cell(r, name), strlen(cell(r, name))) < 1 ||
		    utf8_len(cell(r, name), strlen(cell(r, name))) > 64)
			bad(c, r, name, "名称应为 1–64 个字");
		if (!k) {
			bad(c, r, kind,
			    "类型应为 district/street/community/grid/building/household"
			    "（或 区/街道/社区/网格/楼栋/住户）");
		} else {
			const char *pk = known_place_kind(c, cell(r, parent), i, code, kind);
			if (!pk)
				bad(c, r, parent,
				    "上级编码不存在（既不在系统中，也不在本文件前面的行）");
			else if (strcmp(pk, kind_parent(k)) != 0)
				bad(c, r, parent, "上级地点的类型是 %s，而 %s 的上级应是 %s", pk, k,
				    kind_parent(k));
		}
		if (lat >= 0 && *cell(r, lat) && !decimal(cell(r, lat), -90, 90, &d))
			bad(c, r, lat, "纬度应为 -90 到 90 之间的数");
		if (lng >= 0 && *cell(r, lng) && !decimal(cell(r, lng), -180, 180, &d))
			bad(c, r, lng, "经度应为 -180 到 180 之间的数");
		if (area >= 0 && *cell(r, area) && !decimal(cell(r, area), 0, 1000000, &d))
			bad(c, r, area, "面积应为 0 到 1,000,000 平方米之间的数");
		/* A code already in the system must describe the same place. */
		struct xf_err e;
		struct db_stmt *st =
		    db_prep(c->db,
		            "SELECT p.kind, coalesce(par.code, '') FROM places p LEFT JOIN"
		            " places par ON par.id = p.parent_id WHERE p.code = ?",
		            &e);
		if (st) {
			db_bind_text(st, 1, cell(r, code));
			if (db_step(st, &e) == DB_ROW) {
				if (k && (strcmp(db_col_text(st, 0), k) != 0 ||
				          strcmp(db_col_text(st, 1), cell(r, parent)) != 0))
					bad(c, r, code,
					    "该编码已存在，但类型或上级与系统中不同（导入不移动地点"
					    "）");
				db_reset(st);
			}
		}
	}
}

static int write_places(struct ctx *c, struct xf_err *err)
{
	int code = find_col(c, "code"), name = find_col(c, "name"), kind = find_col(c, "kind"),
	    parent = find_col(c, "parent_code"), lat = find_col(c, "lat"), lng = find_col(c, "lng"),
	    area = find_col(c, "area_m2");
	for (size_t i = 0; i < c->n; i++) {
		struct row *r = &c->rows[i];
		int64_t existing = id_by_code(c->db, "p", cell(r, code));
		double d;
		int64_t area_cm2 = *cell(r, area) && decimal(cell(r, area), 0, 1e6, &d)
		                       ? (int64_t)(d * 100 + 0.5)
		                       : -1;
		if (existing) {
			/* Same code: the name, coordinates and area may be corrected. */
			struct db_stmt *st =
			    db_prep(c->db,
			            "SELECT name, coalesce(lat, -999), coalesce(lng, -999),"
			            " coalesce(area_cm2, -1) FROM places WHERE id = ?",
			            err);
			if (!st)
				return err->status;
			db_bind_int(st, 1, existing);
			if (db_step(st, err) != DB_ROW)
				return err->status;
			double la = -999, ln = -999;
			bool same = strcmp(db_col_text(st, 0), cell(r, name)) == 0;
			if (*cell(r, lat) && decimal(cell(r, lat), -90, 90, &la))
				same &= strtod(db_col_text(st, 1), NULL) == la;
			if (*cell(r, lng) && decimal(cell(r, lng), -180, 180, &ln))
				same &= strtod(db_col_text(st, 2), NULL) == ln;
			if (area_cm2 >= 0)
				same &= db_col_int(st, 3) == area_cm2;
			db_reset(st);
			if (same) {
				c->rep->unchanged++;
				continue;
			}
			st = db_prep(c->db,
			             "UPDATE places SET name = ?, lat = coalesce(?, lat),"
			             " lng = coalesce(?, lng), area_cm2 = coalesce(?, area_cm2) "
			             "WHERE id = ?",
			             err);
			if (!st)
				return err->status;
			db_bind_text(st, 1, cell(r, name));
			db_bind_text(st, 2, *cell(r, lat) ? cell(r, lat) : NULL);
			db_bind_text(st, 3, *cell(r, lng) ? cell(r, lng) : NULL);
			if (area_cm2 >= 0)
				db_bind_int(st, 4, area_cm2);
			else
				db_bind_null(st, 4);
			db_bind_int(st, 5, existing);
			if (db_step(st, err) != DB_DONE)
				return err->status;
			c->rep->created++; /* written: counted with the new rows */
			continue;
		}
		int64_t pid = id_by_code(c->db, "p", cell(r, parent));
		char ppath[256] = "";
		struct db_stmt *st = db_prep(
		    c->db, "SELECT path, coalesce(district_id, 0) FROM places WHERE id = ?", err);
		if (!st)
			return err->status;
		db_bind_int(st, 1, pid);
		int64_t district = 0;
		if (db_step(st, err) != DB_ROW)
			return xf_fail(err, XF_EINTERNAL, "internal", "上级地点消失了");
		snprintf(ppath, sizeof ppath, "%s", db_col_text(st, 0));
		district = db_col_int(st, 1);
		db_reset(st);
		const char *k = place_kind(cell(r, kind));
		char tmp[64];
		snprintf(tmp, sizeof tmp, "tmp:%s", cell(r, code));
		st =
		    db_prep(c->db,
		            "INSERT INTO places(parent_id, kind, code, name, path, district_id,"
		            " created_at, lat, lng, area_cm2) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
		            " RETURNING id",
		            err);
		if (!st)
			return err->status;
		db_bind_int(st, 1, pid);
		db_bind_text(st, 2, k);
		db_bind_text(st, 3, cell(r, code));
		db_bind_text(st, 4, cell(r, name));
		db_bind_text(st, 5, tmp);
		if (district)
			db_bind_int(st, 6, district);
		else
			db_bind_null(st, 6);
		db_bind_int(st, 7, clock_now());
		db_bind_text(st, 8, *cell(r, lat) ? cell(r, lat) : NULL);
		db_bind_text(st, 9, *cell(r, lng) ? cell(r, lng) : NULL);
		if (area_cm2 >= 0)
			db_bind_int(st, 10, area_cm2);
		else
			db_bind_null(st, 10);
		if (db_step(st, err) != DB_ROW)
			return err->status;
		int64_t id = db_col_int(st, 0);
		db_reset(st);
		char path[300];
		snprintf(path, sizeof path, "%s%lld/", ppath, (long long)id);
		int rc = db_run(c->db, err,
		                "UPDATE places SET path = ?, district_id = coalesce(district_id, ?)"
		                " WHERE id = ?",
		                "tii", path, strcmp(k, "district") == 0 ? id : district, id);
		if (rc != XF_OK)
			return rc;
		c->rep->created++;
	}
	return XF_OK;
}

static void check_orgs(struct ctx *c)
{
	int code = find_col(c, "code"), name = find_col(c, "name"), kind = find_col(c, "kind"),
	    place = find_col(c, "place_code"), parent = find_col(c, "parent_code"),
	    domain = find_col(c, "domain"), built = find_col(c, "built_on"),
	    party = find_col(c, "party_org_code");
	static const char *domains[] = {"",    "community", "agency", "institution",
	                                "soe", "private",   "social"};
	static const char *bases[] = {"", "building", "market", "park", "workstation", "industry"};
	for (size_t i = 0; i < c->n; i++) {
		struct row *r = &c->rows[i];
		if (strlen(cell(r, code)) < 1 || strlen(cell(r, code)) > 32)
			bad(c, r, code, "编码应为 1–32 个字符");
		for (size_t j = 0; j < i; j++)
			if (strcmp(cell(&c->rows[j], code), cell(r, code)) == 0) {
				bad(c, r, code, "编码与第 %ld 行重复", c->rows[j].line);
				break;
			}
		if (utf8_len(cell(r, name), strlen(cell(r, name))) < 1 ||
		    utf8_len(cell(r, name), strlen(cell(r, name))) > 64)
			bad(c, r, name, "名称应为 1–64 个字");
		if (!registry_org_kind(cell(r, kind)))
			bad(c, r, kind, "没有这种组织类型（见 docs/IMPORT.md）");
		if (!id_by_code(c->db, "p", cell(r, place)))
			bad(c, r, place, "所在地点编码不存在");
		bool ok = false;
		for (size_t k = 0; k < XF_ARRAY_LEN(domains); k++)
			ok |= strcmp(cell(r, domain), domains[k]) == 0;
		if (!ok)
			bad(c, r, domain,
			    "领域应为 community/agency/institution/soe/private/social 或留空");
		ok = false;
		for (size_t k = 0; k < XF_ARRAY_LEN(bases); k++)
			ok |= strcmp(cell(r, built), bases[k]) == 0;
		if (!ok)
			bad(c, r, built,
			    "依托应为 building/market/park/workstation/industry 或留空");
		int refs[2] = {parent, party};
		for (int k = 0; k < 2; k++) {
			const char *v = cell(r, refs[k]);
			if (!*v)
				continue;
			bool found = id_by_code(c->db, "o", v) != 0;
			for (size_t j = 0; j < i && !found; j++)
				found = strcmp(cell(&c->rows[j], code), v) == 0;
			if (!found)
				bad(c, r, refs[k],
				    "引用的组织编码不存在（既不在系统中，也不在本文件前面的行）");
		}
	}
}

static int write_orgs(struct ctx *c, struct xf_err *err)
{
	int code = find_col(c, "code"), name = find_col(c, "name"), kind = find_col(c, "kind"),
	    place = find_col(c, "place_code"), parent = find_col(c, "parent_code"),
	    domain = find_col(c, "domain"), built = find_col(c, "built_on"),
	    party = find_col(c, "party_org_code");
	for (size_t i = 0; i < c->n; i++) {
		struct row *r = &c->rows[i];
		if (id_by_code(c->db, "o", cell(r, code))) {
			c->rep->unchanged++;
			continue;
		}
		const struct org_kind *k = registry_org_kind(cell(r, kind));
		int64_t pid = id_by_code(c->db, "p", cell(r, place));
		int64_t par = *cell(r, parent) ? id_by_code(c->db, "o", cell(r, parent)) : 0;
		int64_t po = *cell(r, party) ? id_by_code(c->db, "o", cell(r, party)) : 0;
		struct db_stmt *st = db_prep(
		    c->db,
		    "INSERT INTO orgs(code, name, kind, line, place_id, parent_id, domain, "
		    "built_on,"
		    " party_org_id, district_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?,"
		    " (SELECT district_id FROM places WHERE id = ?), ?)",
		    err);
		if (!st)
			return err->status;
		db_bind_text(st, 1, cell(r, code));
		db_bind_text(st, 2, cell(r, name));
		db_bind_text(st, 3, k->code);
		db_bind_text(st, 4, k->line);
		db_bind_int(st, 5, pid);
		if (par)
			db_bind_int(st, 6, par);
		else
			db_bind_null(st, 6);
		db_bind_text(st, 7, cell(r, domain));
		db_bind_text(st, 8, cell(r, built));
		if (po)
			db_bind_int(st, 9, po);
		else
			db_bind_null(st, 9);
		db_bind_int(st, 10, pid);
		db_bind_int(st, 11, clock_now());
		if (db_step(st, err) != DB_DONE)
			return err->status;
		c->rep->created++;
	}
	return XF_OK;
}

static bool people_exists(struct db *db, const char *id_number)
{
	char bidx[XF_DIGEST_HEX];
	pii_bidx("id", id_number, bidx);
	struct xf_err e;
	int64_t n = 0;
	db_int(db, &e, &n, "SELECT count(*) FROM people WHERE id_bidx = ?", "t", bidx);
	return n > 0;
}

static void check_people(struct ctx *c)
{
	int name = find_col(c, "name"), idn = find_col(c, "id_number"),
	    place = find_col(c, "place_code"), phone = find_col(c, "phone"),
	    gender = find_col(c, "gender"), year = find_col(c, "birth_year"),
	    residency = find_col(c, "residency"), tenure = find_col(c, "tenure");
	for (size_t i = 0; i < c->n; i++) {
		struct row *r = &c->rows[i];
		size_t nl = utf8_len(cell(r, name), strlen(cell(r, name)));
		if (nl < 1 || nl > 32)
			bad(c, r, name, "姓名应为 1–32 个字");
		if (!pii_id_number_valid(cell(r, idn)))
			bad(c, r, idn, "身份证号格式或校验位不正确");
		for (size_t j = 0; j < i; j++)
			if (strcmp(cell(&c->rows[j], idn), cell(r, idn)) == 0) {
				bad(c, r, idn, "身份证号与第 %ld 行重复", c->rows[j].line);
				break;
			}
		if (!id_by_code(c->db, "p", cell(r, place)))
			bad(c, r, place, "住户编码不存在");
		if (*cell(r, phone) && !pii_phone_valid(cell(r, phone)))
			bad(c, r, phone, "手机号格式不正确（11 位大陆手机号）");
		const char *g = cell(r, gender);
		if (*g && strcmp(g, "M") && strcmp(g, "F") && strcmp(g, "男") && strcmp(g, "女"))
			bad(c, r, gender, "性别应为 男/女（或 M/F）");
		int64_t y;
		if (*cell(r, year) && (!parse_i64(cell(r, year), &y) || y < 1900 || y > 2100))
			bad(c, r, year, "出生年份应为 1900–2100 的整数");
		const char *res = cell(r, residency);
		if (*res && strcmp(res, "registered") && strcmp(res, "living") &&
		    strcmp(res, "both"))
			bad(c, r, residency, "户籍与居住应为 registered/living/both");
		const char *t = cell(r, tenure);
		if (*t && strcmp(t, "owner") && strcmp(t, "tenant"))
			bad(c, r, tenure, "产权应为 owner/tenant 或留空");
	}
}

static int write_people(struct ctx *c, struct xf_err *err)
{
	int name = find_col(c, "name"), idn = find_col(c, "id_number"),
	    place = find_col(c, "place_code"), phone = find_col(c, "phone"),
	    gender = find_col(c, "gender"), year = find_col(c, "birth_year"),
	    address = find_col(c, "address"), residency = find_col(c, "residency"),
	    tenure = find_col(c, "tenure");
	for (size_t i = 0; i < c->n; i++) {
		struct row *r = &c->rows[i];
		/* De-duplication by the ID number's blind index. */
		if (people_exists(c->db, cell(r, idn))) {
			c->rep->unchanged++;
			continue;
		}
		const char *g = cell(r, gender);
		int64_t y = 0;
		if (*cell(r, year))
			parse_i64(cell(r, year), &y);
		struct person_in p = {id_by_code(c->db, "p", cell(r, place)),
		                      cell(r, name),
		                      strcmp(g, "男") == 0 || strcmp(g, "M") == 0   ? "M"
		                      : strcmp(g, "女") == 0 || strcmp(g, "F") == 0 ? "F"
		                                                                    : "",
		                      y,
		                      *cell(r, phone) ? cell(r, phone) : NULL,
		                      cell(r, idn),
		                      *cell(r, address) ? cell(r, address) : NULL,
		                      false}; /* people_create opens the points account */
		int64_t id;
		int rc = people_create(c->db, &p, &id, err);
		if (rc == XF_OK)
			rc = db_run(c->db, err,
			            "UPDATE people SET residency = ?, tenure = ? WHERE id = ?",
			            "tti", *cell(r, residency) ? cell(r, residency) : "both",
			            cell(r, tenure), id);
		if (rc != XF_OK)
			return rc;
		c->rep->created++;
	}
	return XF_OK;
}

static int64_t person_by_id_number(struct db *db, const char *id_number)
{
	char bidx[XF_DIGEST_HEX];
	pii_bidx("id", id_number, bidx);
	struct xf_err e;
	int64_t id = 0;
	db_int(db, &e, &id, "SELECT id FROM people WHERE id_bidx = ?", "t", bidx);
	return id;
}

static void check_members(struct ctx *c)
{
	int idn = find_col(c, "id_number"), branch = find_col(c, "branch_code"),
	    status = find_col(c, "status"), central = find_col(c, "central_household"),
	    joined = find_col(c, "joined_year");
	for (size_t i = 0; i < c->n; i++) {
		struct row *r = &c->rows[i];
		if (!pii_id_number_valid(cell(r, idn)))
			bad(c, r, idn, "身份证号格式或校验位不正确");
		else if (!person_by_id_number(c->db, cell(r, idn)))
			bad(c, r, idn, "系统中没有这个人（请先导入人员）");
		int64_t b = id_by_code(c->db, "o", cell(r, branch));
		if (!b)
			bad(c, r, branch, "支部编码不存在");
		const char *s = cell(r, status);
		if (strcmp(s, "serving") && strcmp(s, "retired") && strcmp(s, "mobile") &&
		    strcmp(s, "在职") && strcmp(s, "离退休") && strcmp(s, "流动"))
			bad(c, r, status, "状态应为 在职/离退休/流动（或 serving/retired/mobile）");
		const char *ch = cell(r, central);
		if (*ch && strcmp(ch, "是") && strcmp(ch, "否") && strcmp(ch, "1") &&
		    strcmp(ch, "0"))
			bad(c, r, central, "党员中心户应为 是/否");
		int64_t y;
		if (*cell(r, joined) && (!parse_i64(cell(r, joined), &y) || y < 1921 || y > 2100))
			bad(c, r, joined, "入党年份应为 1921–2100 的整数");
	}
}

static int write_members(struct ctx *c, struct xf_err *err)
{
	int idn = find_col(c, "id_number"), branch = find_col(c, "branch_code"),
	    status = find_col(c, "status"), central = find_col(c, "central_household"),
	    joined = find_col(c, "joined_year");
	for (size_t i = 0; i < c->n; i++) {
		struct row *r = &c->rows[i];
		int64_t person = person_by_id_number(c->db, cell(r, idn));
		int64_t b = id_by_code(c->db, "o", cell(r, branch)), exists = 0;
		db_int(c->db, err, &exists,
		       "SELECT count(*) FROM party_members WHERE person_id = ?", "i", person);
		const char *s = cell(r, status);
		const char *st = strcmp(s, "在职") == 0     ? "serving"
		                 : strcmp(s, "离退休") == 0 ? "retired"
		                 : strcmp(s, "流动") == 0   ? "mobile"
		                                            : s;
		int64_t ch =
		    strcmp(cell(r, central), "是") == 0 || strcmp(cell(r, central), "1") == 0;
		int64_t y = 0;
		if (*cell(r, joined))
			parse_i64(cell(r, joined), &y);
		int rc;
		if (exists) {
			rc = db_run(c->db, err,
			            "UPDATE party_members SET branch_org_id = ?, status = ?,"
			            " central_household = ? WHERE person_id = ? AND "
			            "(coalesce(branch_org_id,"
			            " 0) <> ? OR status <> ? OR central_household <> ?)",
			            "itiiiti", b, st, ch, person, b, st, ch);
			if (rc == XF_OK && db_changes(c->db) == 0)
				c->rep->unchanged++;
		} else {
			rc = db_run(
			    c->db, err,
			    "INSERT INTO party_members(person_id, branch_org_id, status,"
			    " central_household, joined_year, district_id) VALUES (?, ?, ?, ?, ?,"
			    " (SELECT district_id FROM people WHERE id = ?))",
			    "iitiii", person, b, st, ch, y, person);
			if (rc == XF_OK)
				c->rep->created++;
		}
		if (rc != XF_OK)
			return rc;
	}
	return XF_OK;
}

static void free_rows(struct ctx *c)
{
	for (size_t i = 0; i < c->n; i++)
		for (int k = 0; k < 16; k++)
			free(c->rows[i].v[k]);
	free(c->rows);
}

/* Rows must stay inside the importer's scope: the place a row names (or its parent). */
static void check_scope(struct ctx *c, int64_t scope)
{
	int col = find_col(c, strcmp(c->kind, "places") == 0 ? "parent_code" : "place_code");
	if (scope <= 0 || col < 0)
		return;
	for (size_t i = 0; i < c->n; i++) {
		int64_t id = id_by_code(c->db, "p", cell(&c->rows[i], col));
		bool inside = true;
		struct xf_err e;
		if (id && authz_in_subtree(c->db, scope, id, &inside, &e) == XF_OK && !inside)
			bad(c, &c->rows[i], col, "该地点不在您的管辖范围内");
	}
}

int import_run(struct db *db, const char *kind, struct table_reader *t, int64_t scope_place,
               struct import_report *rep, void (*progress)(int64_t rows, void *ctx), void *pctx,
               struct xf_err *err)
{
	memset(rep, 0, sizeof *rep);
	rep->errors = json_array();
	struct ctx c = {.db = db, .kind = kind, .cols = columns_of(kind), .rep = rep};
	if (!c.cols)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "kind",
		                     "导入类型只能是 places、orgs、people 或 members");
	while (c.cols[c.ncols].name)
		c.ncols++;
	const char *const *cells;
	size_t n;
	int rc = table_next(t, &cells, &n, err);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return xf_fail(err, XF_EINVAL, "empty_file", "文件是空的：第 1 行应为表头");
	/* Row 1: the header, English or Chinese names, in any order. */
	for (int i = 0; i < c.ncols; i++) {
		c.map[i] = -1;
		for (size_t k = 0; k < n; k++)
			if (strcmp(cells[k], c.cols[i].name) == 0 ||
			    strcmp(cells[k], c.cols[i].zh) == 0)
				c.map[i] = (int)k;
		if (c.map[i] < 0 && c.cols[i].required)
			return xf_fail_field(err, XF_EINVAL, "missing_column", c.cols[i].name,
			                     "第 1 行（表头）缺少必需的列：%s（%s）",
			                     c.cols[i].name, c.cols[i].zh);
	}
	while ((rc = table_next(t, &cells, &n, err)) == 1) {
		if (c.n == c.cap) {
			c.cap = c.cap ? c.cap * 2 : 256;
			c.rows = xrealloc(c.rows, c.cap * sizeof *c.rows);
		}
		struct row *r = &c.rows[c.n++];
		memset(r, 0, sizeof *r);
		r->line = table_row(t);
		for (int i = 0; i < c.ncols; i++) {
			const char *v =
			    c.map[i] >= 0 && (size_t)c.map[i] < n ? cells[c.map[i]] : "";
			/* Leading and trailing spaces are typing, not data. */
			while (*v == ' ')
				v++;
			size_t len = strlen(v);
			while (len && v[len - 1] == ' ')
				len--;
			r->v[i] = xstrndup(v, len);
		}
		for (int i = 0; i < c.ncols; i++)
			if (c.cols[i].required && !*r->v[i])
				bad(&c, r, i, "必填项为空");
		if (progress && c.n % 10000 == 0)
			progress((int64_t)c.n, pctx);
	}
	rep->rows = (int64_t)c.n;
	if (rc < 0) {
		free_rows(&c);
		return rc;
	}
	if (strcmp(kind, "places") == 0)
		check_places(&c);
	else if (strcmp(kind, "orgs") == 0)
		check_orgs(&c);
	else if (strcmp(kind, "people") == 0)
		check_people(&c);
	else
		check_members(&c);
	check_scope(&c, scope_place);
	if (c.bad) {
		free_rows(&c);
		return xf_fail(err, XF_EINVAL, "import_rejected",
		               "文件中有 %lld 行不符合要求，没有导入任何数据", (long long)c.bad);
	}
	if (strcmp(kind, "places") == 0)
		rc = write_places(&c, err);
	else if (strcmp(kind, "orgs") == 0)
		rc = write_orgs(&c, err);
	else if (strcmp(kind, "people") == 0)
		rc = write_people(&c, err);
	else
		rc = write_members(&c, err);
	free_rows(&c);
	return rc;
}

void import_report_free(struct import_report *rep)
{
	if (rep->errors)
		json_decref(rep->errors);
	rep->errors = NULL;
}
