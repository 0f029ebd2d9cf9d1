#include "demo.h"
#include "../auth/auth.h"
#include "../cases/cases.h"
#include "../coop/coop.h"
#include "../funds/funds.h"
#include "../gov/gov.h"
#include "../review/review.h"
#include "../civic/civic.h"
#include "../duty/duty.h"
#include "../core/clock.h"
#include "../core/crypto.h"
#include "../core/pii.h"
#include "../store/store.h"
#include "../points/points.h"
#include "people.h"
#include "registry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct embedded_file {
	int version;
	const char *name;
	const char *text;
};
extern const struct embedded_file xf_data_files[];

static const char *data_file(const char *name)
{
	for (const struct embedded_file *f = xf_data_files; f->name; f++)
		if (strcmp(f->name, name) == 0)
			return f->text;
	return NULL;
}

#define CITY_CODE "420200000000"

static int insert_place(struct db *db, int64_t parent, const char *parent_path, const char *kind,
                        const char *code, const char *name, int64_t district, int64_t *id_out,
                        char *path_out, size_t path_len, struct xf_err *err)
{
	struct db_stmt *st = db_prep(db,
	                             "INSERT INTO places(parent_id, kind, code, name, path,"
	                             " district_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
	                             " RETURNING id",
	                             err);
	if (!st)
		return err->status;
	/* The path needs the new id: insert with a unique provisional path, then set it. */
	char tmp[96];
	snprintf(tmp, sizeof tmp, "tmp:%s", code);
	if (parent)
		db_bind_int(st, 1, parent);
	else
		db_bind_null(st, 1);
	db_bind_text(st, 2, kind);
	db_bind_text(st, 3, code);
	db_bind_text(st, 4, name);
	db_bind_text(st, 5, tmp);
	if (district)
		db_bind_int(st, 6, district);
	else
		db_bind_null(st, 6);
	db_bind_int(st, 7, clock_now());
	int rc = db_step(st, err);
	if (rc != DB_ROW)
		return rc < 0 ? rc : XF_EDB;
	int64_t id = db_col_int(st, 0);
	db_reset(st);
	snprintf(path_out, path_len, "%s%lld/", parent_path, (long long)id);
	rc = db_run(db, err,
	            "UPDATE places SET path = ?, district_id = coalesce(district_id, ?)"
	            " WHERE id = ?",
	            "tii", path_out, strcmp(kind, "district") == 0 ? id : district, id);
	*id_out = id;
	return rc;
}

int demo_create_root(struct db *db, int64_t *root_id, struct xf_err *err)
{
	if (db_int(db, err, root_id, "SELECT id FROM places WHERE parent_id IS NULL", "") == XF_OK)
		return XF_OK;
	xf_err_clear(err);
	char path[32];
	return insert_place(db, 0, "/", "city", CITY_CODE, "黄石市", 0, root_id, path, sizeof path,
	                    err);
}

/* NBS names some communities "…社区居委会": people say "…社区". */
static void display_name(const char *nbs, char *out, size_t n)
{
	snprintf(out, n, "%s", nbs);
	size_t len = strlen(out), suf = strlen("居委会");
	if (len > suf && strcmp(out + len - suf, "居委会") == 0)
		out[len - suf] = 0;
	len = strlen(out);
	suf = strlen("村委会");
	if (len > suf && strcmp(out + len - suf, "村委会") == 0)
		strcpy(out + len - suf, "村");
}

struct account {
	const char *username, *display, *role, *place_code;
	const char *phone; /* synthetic; the resident and the party member sign in by SMS too */
};

/* Place codes refer to the real tree (communities) or the generated grids under them. */
static const struct account accounts[] = {
    {"admin", "市级管理员", "admin", CITY_CODE, NULL},
    {"jiedao", "王建国（澄月街道党工委）", "street_official", "420203009000", NULL},
    {"shequ", "李红梅（大智路社区书记）", "community_official", "420203009002", NULL},
    {"shequ2", "张桂芳（友爱街社区书记）", "community_official", "420205003001", NULL},
    {"shequ3", "陈志强（沈家营社区主任）", "community_official", "420202005003", NULL},
    {"wangge", "刘晓燕（大智路社区第一网格员）", "grid_worker", "420203009002001", NULL},
    {"dangyuan", "赵卫东（党员）", "party_member", "420203009002001", "17000000002"},
    {"jumin", "孙秀英（居民）", "resident", "420203009002002", "17000000001"},
    {"danwei", "黄石公交集团", "unit_contact", "420203009002", NULL},
    {"wuye", "大智物业服务有限公司", "property", "420203009002001", NULL},
    {"shangdian", "大智路积分超市", "shop", "420203009002", NULL},
    {"daibiao", "周明（市党代表）", "delegate", "420203009002", "17000000003"},
    {"shenji", "审计员", "auditor", CITY_CODE, NULL},
    {"shenpi", "吴建平（市委组织部审批人）", "approver", CITY_CODE, NULL},
};

static const char *surnames[] = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周",
                                 "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗"};
static const char *given[] = {"建华", "秀英", "志强", "桂兰", "国平", "丽娟", "海波", "玉梅",
                              "德明", "春燕", "卫国", "红霞", "永红", "淑珍", "小军", "晓燕"};

/* A synthetic resident ID: area 990000 (no such region), so nobody mistakes it for real. */
static void synthetic_id(int n, int year, char out[19])
{
	char first17[18];
	snprintf(first17, sizeof first17, "990000%04d%02d%02d%03d", year, 1 + n % 12, 1 + n % 28,
	         (n * 7) % 1000);
	snprintf(out, 19, "%s%c", first17, pii_id_check_char(first17));
}

/* Residents of the seed's communities, with sealed phones, ID numbers and addresses. */
static int add_people(struct db *db, const char *community_code, int count, int seed,
                      struct demo_stats *st, struct xf_err *err)
{
	int64_t grid;
	char grid_code[32];
	snprintf(grid_code, sizeof grid_code, "%s001", community_code);
	int rc = db_int(db, err, &grid, "SELECT id FROM places WHERE code = ?", "t", grid_code);
	if (rc != XF_OK)
		return rc;
	for (int i = 0; i < count; i++) {
		int n = seed * 1000 + i;
		char name[32], phone[12], idn[19], addr[96];
		snprintf(name, sizeof name, "%s%s", surnames[n % 20], given[(n / 20 + i) % 16]);
		snprintf(phone, sizeof phone, "170%08d", 10000 + n);
		int year = 1950 + (n * 13) % 55;
		synthetic_id(n, year, idn);
		snprintf(addr, sizeof addr, "%d 栋 %d 单元 %d 室", 1 + i % 4, 1 + i % 3,
		         101 + (i % 6) * 100 + i % 4);
		struct person_in p = {grid, name, n % 2 ? "F" : "M", year, phone, idn, addr, false};
		if ((rc = people_create(db, &p, NULL, err)) != XF_OK)
			return rc;
		st->people++;
	}
	return XF_OK;
}

/* What the accounts' people are in the registry, and where serving members work. */
static int demo_people_records(struct db *db, struct xf_err *err)
{
	int64_t me = 0, branch = 0, bus = 0, studio = 0, delegate = 0;
	int rc =
	    db_int(db, err, &me, "SELECT person_id FROM users WHERE username = 'dangyuan'", "");
	if (rc == XF_OK)
		rc = db_int(db, err, &branch, "SELECT id FROM orgs WHERE code = 'P420203009002001'",
		            "");
	if (rc == XF_OK)
		rc =
		    db_int(db, err, &bus, "SELECT id FROM orgs WHERE code = 'P91420200U00001'", "");
	if (rc == XF_OK)
		rc = db_int(db, err, &studio, "SELECT id FROM orgs WHERE code = 'DS420203009002'",
		            "");
	if (rc == XF_OK)
		rc = db_int(db, err, &delegate,
		            "SELECT person_id FROM users WHERE username = 'daibiao'", "");
	if (rc != XF_OK)
		return rc;
	/* 赵卫东 is a serving member of the first grid's branch who works at the bus company. */
	if (me && branch &&
	    (rc = db_run(db, err,
	                 "INSERT INTO party_members(person_id, branch_org_id, status,"
	                 " employer_org_id, joined_year, district_id) VALUES (?, ?, 'serving', ?,"
	                 " 2001, (SELECT district_id FROM places WHERE id ="
	                 " (SELECT place_id FROM people WHERE id = ?)))",
	                 "iiii", me, branch, bus, me)) != XF_OK)
		return rc;
	/* 周明 holds the delegate post at 大智路's studio. */
	if (delegate && studio &&
	    (rc = db_run(db, err,
	                 "INSERT INTO positions(person_id, org_id, post, started_at)"
	                 " VALUES (?, ?, 'delegate', ?)",
	                 "iii", delegate, studio, clock_now() - 400 * 86400)) != XF_OK)
		return rc;
	/* Half the serving members work in an agency, unit or enterprise whose branch is their
	 * employer branch (在职党员 report to where they live, 双报到). */
	struct db_stmt *q = db_prep(db,
	                            "SELECT id FROM orgs WHERE kind IN ('unit_party',"
	                            " 'street_party_committee', 'enterprise_party') ORDER BY"
	                            " CASE kind WHEN 'unit_party' THEN 0 WHEN"
	                            " 'street_party_committee' THEN 1 ELSE 2 END, id LIMIT 48",
	                            err);
	if (!q)
		return err->status;
	int64_t employers[48];
	int n = 0;
	while (n < 48 && (rc = db_step(q, err)) == DB_ROW)
		employers[n++] = db_col_int(q, 0);
	if (rc < 0)
		return rc;
	db_reset(q);
	for (int k = 0; k < n; k++)
		if ((rc = db_run(
		         db, err,
		         "UPDATE party_members SET employer_org_id = ? WHERE status = 'serving'"
		         " AND employer_org_id IS NULL AND person_id % ? = ?",
		         "iii", employers[k], (int64_t)(2 * n), (int64_t)(2 * k))) != XF_OK)
			return rc;
	return XF_OK;
}

static const char *grid_names[] = {"第一网格", "第二网格", "第三网格", "第四网格",
                                   "第五网格", "第六网格", "第七网格", "第八网格"};

static bool seed_community(const char *code)
{
	return strcmp(code, "420203009002") == 0 || strcmp(code, "420205003001") == 0 ||
	       strcmp(code, "420202005003") == 0 || strcmp(code, "420205003006") == 0 ||
	       strcmp(code, "420202007003") == 0;
}

static int add_grids(struct db *db, int64_t community, const char *cpath, const char *ccode,
                     int64_t district, int ngrids, int nbuildings, struct demo_stats *st,
                     struct xf_err *err)
{
	for (int g = 0; g < ngrids; g++) {
		char code[32], path[256], bcode[40], bpath[256], bname[64];
		int64_t gid, bid;
		snprintf(code, sizeof code, "%s%03d", ccode, g + 1);
		int rc = insert_place(db, community, cpath, "grid", code, grid_names[g], district,
		                      &gid, path, sizeof path, err);
		if (rc != XF_OK)
			return rc;
		st->grids++;
		for (int b = 0; b < nbuildings; b++) {
			snprintf(bcode, sizeof bcode, "%s%03d", code, b + 1);
			snprintf(bname, sizeof bname, "%d 栋", g * nbuildings + b + 1);
			rc = insert_place(db, gid, path, "building", bcode, bname, district, &bid,
			                  bpath, sizeof bpath, err);
			if (rc != XF_OK)
				return rc;
			st->buildings++;
		}
	}
	return XF_OK;
}

int demo_generate(struct db *db, enum demo_scale scale, const char *password, struct demo_stats *st,
                  struct xf_err *err)
{
	void (*progress)(const char *, int64_t, int64_t, void *) = st->progress;
	void *progress_ctx = st->progress_ctx;
	memset(st, 0, sizeof *st);
	st->progress = progress;
	st->progress_ctx = progress_ctx;
	const char *csv = data_file("huangshi-divisions");
	if (!csv)
		return xf_fail(err, XF_EINTERNAL, "data_missing", "程序缺少内置的区划数据");
	/* One transaction for the whole city: keep its pages in memory until the commit rather
	 * than spilling them to the WAL page by page (a city-scale run writes about 1 GB). */
	if (db_engine(db) == DB_SQLITE &&
	    db_exec_script(db, "PRAGMA cache_size = -4000000; PRAGMA cache_spill = OFF", err) !=
	        XF_OK)
		return err->status;
	int rc = db_begin(db, true, err);
	if (rc != XF_OK)
		return rc;
	int64_t root, district = 0, street = 0;
	char root_path[32] = "", dpath[64] = "", spath[128] = "", last_d[16] = "", last_s[16] = "";
	if ((rc = demo_create_root(db, &root, err)) != XF_OK)
		goto fail;
	snprintf(root_path, sizeof root_path, "/%lld/", (long long)root);
	const char *line = strchr(csv, '\n'); /* skip the header */
	while (line && *++line) {
		const char *end = strchr(line, '\n');
		size_t n = end ? (size_t)(end - line) : strlen(line);
		char row[512], *f[6], *save = NULL;
		if (n == 0 || n >= sizeof row)
			break;
		memcpy(row, line, n);
		row[n] = 0;
		int k = 0;
		for (char *t = strtok_r(row, ",\r", &save); t && k < 6;
		     t = strtok_r(NULL, ",\r", &save))
			f[k++] = t;
		line = end;
		if (k != 6)
			continue;
		char code[32], name[128];
		if (strcmp(f[0], last_d) != 0) {
			snprintf(code, sizeof code, "%s000000", f[0]);
			if ((rc = insert_place(db, root, root_path, "district", code, f[1], 0,
			                       &district, dpath, sizeof dpath, err)) != XF_OK)
				goto fail;
			snprintf(last_d, sizeof last_d, "%s", f[0]);
			st->districts++;
		}
		if (strcmp(f[2], last_s) != 0) {
			if ((rc = insert_place(db, district, dpath, "street", f[2], f[3], district,
			                       &street, spath, sizeof spath, err)) != XF_OK)
				goto fail;
			snprintf(last_s, sizeof last_s, "%s", f[2]);
			st->streets++;
		}
		int64_t community;
		char cpath[192];
		display_name(f[5], name, sizeof name);
		if ((rc = insert_place(db, street, spath, "community", f[4], name, district,
		                       &community, cpath, sizeof cpath, err)) != XF_OK)
			goto fail;
		st->communities++;
		int ngrids = 0, nbuild = 0;
		if (seed_community(f[4])) {
			ngrids = 3;
			nbuild = scale == DEMO_CITY ? 12 : 4;
		} else if (scale == DEMO_CITY) {
			/* ~880 grids and ~21,000 buildings: the seed's 2,100+ building party groups
			 * are one in ten buildings' worth of groups here, and households fill them
			 * to ~1.6 million urban residents. */
			ngrids = 5 + (int)(community % 4);
			nbuild = 20 + (int)(community % 9);
		}
		if ((rc = add_grids(db, community, cpath, f[4], district, ngrids, nbuild, st,
		                    err)) != XF_OK)
			goto fail;
	}
	if ((rc = demo_registry(db, scale, st, err)) != XF_OK)
		goto fail;
	if ((rc = add_people(db, "420203009002", 24, 1, st, err)) != XF_OK || /* 大智路 */
	    (rc = add_people(db, "420205003001", 12, 2, st, err)) != XF_OK || /* 友爱街 */
	    (rc = add_people(db, "420202005003", 12, 3, st, err)) != XF_OK)   /* 沈家营 */
		goto fail;
	char hash[128];
	for (size_t i = 0; i < XF_ARRAY_LEN(accounts); i++) {
		int64_t place, user, person = 0;
		if ((rc = db_int(db, err, &place, "SELECT id FROM places WHERE code = ?", "t",
		                 accounts[i].place_code)) != XF_OK)
			goto fail;
		/* Each account its own salt (argon2id, a few hundred ms in all). */
		if ((rc = crypto_pw_hash(password, hash, sizeof hash, err)) != XF_OK)
			goto fail;
		if (accounts[i].phone) {
			char idn[19];
			synthetic_id(9000 + (int)i, 1975, idn);
			struct person_in p = {
			    place, accounts[i].display,  "F",  1975, accounts[i].phone,
			    idn,   "1 栋 1 单元 101 室", false};
			if ((rc = people_create(db, &p, &person, err)) != XF_OK)
				goto fail;
			st->people++;
		}
		if ((rc = auth_user_create(db, accounts[i].username, hash, accounts[i].display,
		                           person, accounts[i].phone, &user, err)) != XF_OK ||
		    (rc = auth_grant_add(db, user, accounts[i].role, place, 0, NULL, err)) != XF_OK)
			goto fail;
		st->accounts++;
	}
	if ((rc = demo_people_records(db, err)) != XF_OK)
		goto fail;
	if ((rc = cases_demo(db, scale == DEMO_CITY, clock_now(), &st->cases, err)) != XF_OK)
		goto fail;
	if (st->progress)
		st->progress("党员积分", 0, 0, st->progress_ctx);
	if ((rc = points_demo(db, scale == DEMO_CITY, err)) != XF_OK)
		goto fail;
	if ((rc = coop_demo(db, scale == DEMO_CITY, clock_now(), err)) != XF_OK)
		goto fail;
	if ((rc = funds_demo(db, scale == DEMO_CITY, clock_now(), err)) != XF_OK)
		goto fail;
	if ((rc = gov_demo(db, scale == DEMO_CITY, clock_now(), err)) != XF_OK)
		goto fail;
	if ((rc = review_demo(db, scale == DEMO_CITY, clock_now(), err)) != XF_OK)
		goto fail;
	if ((rc = civic_demo(db, scale == DEMO_CITY, clock_now(), err)) != XF_OK)
		goto fail;
	if ((rc = duty_demo(db, scale == DEMO_CITY, clock_now(), err)) != XF_OK)
		goto fail;
	if ((rc = store_meta_set(db, "demo", "1", err)) != XF_OK ||
	    (rc = store_meta_set(db, "demo_scale", scale == DEMO_CITY ? "city" : "small", err)) !=
	        XF_OK)
		goto fail;
	if ((rc = db_int(db, err, &st->places, "SELECT count(*) FROM places", "")) != XF_OK ||
	    (rc = registry_rollup_rebuild(db, clock_now(), err)) != XF_OK)
		goto fail;
	return db_commit(db, err);
fail:
	db_rollback(db);
	return rc;
}

int demo_reset_passwords(struct db *db, const char *password, struct xf_err *err)
{
	int rc = db_begin(db, true, err);
	if (rc != XF_OK)
		return rc;
	for (size_t i = 0; i < XF_ARRAY_LEN(accounts); i++) {
		char hash[128];
		if ((rc = crypto_pw_hash(password, hash, sizeof hash, err)) != XF_OK ||
		    (rc = db_run(
		         db, err,
		         "UPDATE users SET password_hash = ?, updated_at = ? WHERE username = ?",
		         "tit", hash, clock_now(), accounts[i].username)) != XF_OK) {
			db_rollback(db);
			return rc;
		}
	}
	return db_commit(db, err);
}
