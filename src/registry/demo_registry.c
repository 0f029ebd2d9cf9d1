/* The demo city's registry: both organisation lines at every level, resident units from the
 * seed, 两新 organisations (some still without a party organisation), owners' committees and
 * property companies, households with synthetic residents, party members, the building
 * groups' "两长五员一户" posts (a few missing, so coverage has something to find), and a
 * quarter of activities. Deterministic: the same city every time. */
#include "demo.h"
#include "../core/clock.h"
#include "../core/pii.h"
#include "people.h"
#include "registry.h"

#include <stdio.h>
#include <string.h>

static int new_org(struct db *db, const char *code, const char *name, const char *kind,
                   int64_t place, int64_t parent, const char *domain, const char *built_on,
                   int64_t party_org, int64_t *id, struct xf_err *err)
{
	const struct org_kind *k = registry_org_kind(kind);
	struct db_stmt *st = db_prep(db,
	                             "INSERT INTO orgs(code, name, kind, line, place_id, parent_id,"
	                             " domain, built_on, party_org_id, district_id, created_at)"
	                             " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT district_id FROM"
	                             " places WHERE id = ?), ?) RETURNING id",
	                             err);
	if (!st)
		return err->status;
	db_bind_text(st, 1, code);
	db_bind_text(st, 2, name);
	db_bind_text(st, 3, kind);
	db_bind_text(st, 4, k ? k->line : "org");
	db_bind_int(st, 5, place);
	if (parent)
		db_bind_int(st, 6, parent);
	else
		db_bind_null(st, 6);
	db_bind_text(st, 7, domain ? domain : "");
	db_bind_text(st, 8, built_on ? built_on : "");
	if (party_org)
		db_bind_int(st, 9, party_org);
	else
		db_bind_null(st, 9);
	db_bind_int(st, 10, place);
	db_bind_int(st, 11, clock_now());
	int rc = db_step(st, err);
	if (rc != DB_ROW)
		return rc < 0 ? rc : XF_EDB;
	*id = db_col_int(st, 0);
	db_reset(st);
	return XF_OK;
}

static int activities(struct db *db, int64_t org, int n, struct xf_err *err)
{
	static const char *titles[] = {"主题党日：学习党的基层组织建设", "支部委员会会议",
	                               "党员志愿服务：小区环境整治", "组织生活会"};
	int64_t now = clock_now();
	for (int i = 0; i < n; i++) {
		int rc = db_run(
		    db, err, "INSERT INTO org_activities(org_id, held_at, title) VALUES (?, ?, ?)",
		    "iit", org, now - (int64_t)(5 + i * 21) * 86400, titles[i % 4]);
		if (rc != XF_OK)
			return rc;
	}
	return XF_OK;
}

static int position(struct db *db, int64_t person, int64_t org, const char *post,
                    struct xf_err *err)
{
	return db_run(
	    db, err,
	    "INSERT INTO positions(person_id, org_id, post, started_at) VALUES (?, ?, ?, ?)",
	    "iiti", person, org, post, clock_now() - 400 * 86400);
}

static const char *surnames[] = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周",
                                 "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗"};
static const char *given[] = {"志刚", "桂芳", "建国", "淑英", "明华", "秀兰", "德胜", "玉兰",
                              "国强", "翠华", "海燕", "春生", "凤英", "建军", "丽华", "文斌"};

/* Residents of one building: households with floor areas, people with sealed numbers. */
static int populate_building(struct db *db, int64_t building, const char *bcode, const char *bpath,
                             int64_t branch, int64_t party_group, int64_t service_group,
                             int households, int seq, struct demo_stats *st, struct xf_err *err)
{
	int64_t holders[8] = {0}, central_pid = 0; /* the building's 党员中心户 */
	int nholders = 0;
	for (int h = 0; h < households; h++) {
		char code[48], name[32], path[300];
		snprintf(code, sizeof code, "%s%03d", bcode, h + 1);
		snprintf(name, sizeof name, "%d 单元 %d 室", 1 + h / 6,
		         101 + (h % 6) * 100 + h / 6);
		(void)path;
		int64_t hh;
		struct db_stmt *stp =
		    db_prep(db,
		            "INSERT INTO places(parent_id, kind, code, name, path,"
		            " district_id, created_at, area_cm2) VALUES (?, 'household',"
		            " ?, ?, ?, (SELECT district_id FROM places WHERE id = ?), ?,"
		            " ?) RETURNING id",
		            err);
		if (!stp)
			return err->status;
		char tmp[64];
		snprintf(tmp, sizeof tmp, "tmp:%s", code);
		db_bind_int(stp, 1, building);
		db_bind_text(stp, 2, code);
		db_bind_text(stp, 3, name);
		db_bind_text(stp, 4, tmp);
		db_bind_int(stp, 5, building);
		db_bind_int(stp, 6, clock_now());
		db_bind_int(stp, 7, (int64_t)(6000 + (seq * 7 + h * 13) % 8000)); /* 60–140 m² */
		int rc = db_step(stp, err);
		if (rc != DB_ROW)
			return rc < 0 ? rc : XF_EDB;
		hh = db_col_int(stp, 0);
		db_reset(stp);
		snprintf(path, sizeof path, "%s%lld/", bpath, (long long)hh);
		if ((rc = db_run(db, err, "UPDATE places SET path = ? WHERE id = ?", "ti", path,
		                 hh)) != XF_OK)
			return rc;
		st->households++;
		int people = 1 + (seq + h) % (households > 6 ? 4 : 3);
		for (int k = 0; k < people; k++) {
			int n = seq * 200 + h * 4 + k;
			char pname[32], phone[12], first17[18], idn[19], addr[96];
			snprintf(pname, sizeof pname, "%s%s", surnames[(n * 7) % 20],
			         given[(n / 3 + k) % 16]);
			snprintf(phone, sizeof phone, "171%08d", n);
			/* Unique by construction: (area, month, day, sequence) encodes n. */
			int year = 1945 + (n * 11) % 60, b = n / 1000, d = b % 336;
			snprintf(first17, sizeof first17, "9901%02d%04d%02d%02d%03d",
			         (b / 336) % 100, year, 1 + d / 28, 1 + d % 28, n % 1000);
			snprintf(idn, sizeof idn, "%s%c", first17, pii_id_check_char(first17));
			snprintf(addr, sizeof addr, "%s", name);
			/* Accounts: all at once in points_demo. */
			struct person_in p = {hh,   pname, (n % 2) ? "F" : "M", year, phone, idn,
			                      addr, true};
			int64_t pid;
			if ((rc = people_create(db, &p, &pid, err)) != XF_OK)
				return rc;
			rc = db_run(db, err,
			            "UPDATE people SET residency = ?, tenure = ?, volunteer = ?"
			            " WHERE id = ?",
			            "ttii",
			            n % 9 == 0    ? "living"
			            : n % 13 == 0 ? "registered"
			                          : "both",
			            k == 0 ? (n % 5 == 0 ? "tenant" : "owner") : "",
			            (int64_t)(n % 9 == 1), pid);
			if (rc != XF_OK)
				return rc;
			st->people++;
			/* About one in seven is a party member; a few lack a branch. */
			/* About 7.5% of urban residents (the seed's ~120,000 of 1.6 million). */
			if (n % (households > 6 ? 13 : 7) == 0) {
				const char *status = n % 21 == 0   ? "retired"
				                     : n % 49 == 0 ? "mobile"
				                                   : "serving";
				bool central = central_pid == 0 && n % 97 != 0;
				if (central)
					central_pid = pid;
				if (n % 97 == 0)
					rc = db_run(db, err,
					            "INSERT INTO party_members(person_id, status, "
					            "joined_year,"
					            " district_id) VALUES (?, ?, ?, (SELECT "
					            "district_id FROM"
					            " places WHERE id = ?))",
					            "itii", pid, status, (int64_t)(year + 25), hh);
				else
					rc = db_run(
					    db, err,
					    "INSERT INTO party_members(person_id, branch_org_id, "
					    "status,"
					    " central_household, joined_year, district_id) VALUES "
					    "(?, ?, ?,"
					    " ?, ?, (SELECT district_id FROM places WHERE id = ?))",
					    "iitiii", pid, branch, status, (int64_t)central,
					    (int64_t)(year + 25), hh);
				if (rc != XF_OK)
					return rc;
				st->members++;
			}
			if (nholders < 8)
				holders[nholders++] = pid;
		}
	}
	/* The eight posts; every third building still lacks a 文体委员. */
	int64_t group = party_group ? party_group : service_group;
	for (int i = 0; i < 8 && group && i < nholders; i++) {
		if (seq % 3 == 0 && strcmp(registry_building_posts[i], "culture_officer") == 0)
			continue;
		int64_t org = (i == 0 && party_group) ? party_group
		              : service_group         ? service_group
		                                      : party_group;
		/* The 党员中心户 post goes to the member flagged so, if the building has one. */
		bool central_post = strcmp(registry_building_posts[i], "central_household") == 0;
		if (central_post && !central_pid)
			continue;
		int rc = position(db, central_post ? central_pid : holders[i], org,
		                  registry_building_posts[i], err);
		if (rc != XF_OK)
			return rc;
	}
	return XF_OK;
}

static int64_t place_id(struct db *db, const char *code, struct xf_err *err)
{
	int64_t id = 0;
	db_int(db, err, &id, "SELECT id FROM places WHERE code = ?", "t", code);
	return id;
}

/* City scale: the seed's 两新 figures — 6 industry party committees, 8 market and 22 building
 * party organisations, 1,844 private-enterprise party organisations (and enterprises still
 * without one), spread over the communities. */
static int city_twonew(struct db *db, struct demo_stats *st, struct xf_err *err)
{
	static const char *industries[] = {"物流", "商贸", "餐饮", "建筑", "家政服务", "社会组织"};
	int64_t districts[4], industry[6], communities[200];
	int nd = 0, nc = 0, rc;
	struct db_stmt *q =
	    db_prep(db, "SELECT id FROM places WHERE kind = 'district' ORDER BY id", err);
	while (q && nd < 4 && db_step(q, err) == DB_ROW)
		districts[nd++] = db_col_int(q, 0);
	q = db_prep(db, "SELECT id FROM places WHERE kind = 'community' ORDER BY id", err);
	while (q && nc < 200 && db_step(q, err) == DB_ROW)
		communities[nc++] = db_col_int(q, 0);
	if (!nd || !nc)
		return XF_OK;
	char code[48], name[128];
	for (int i = 0; i < 6; i++) {
		snprintf(code, sizeof code, "IND%02d", i);
		snprintf(name, sizeof name, "黄石市%s行业党委", industries[i]);
		if ((rc = new_org(db, code, name, "industry_party_committee", districts[i % nd], 0,
		                  "private", "industry", 0, &industry[i], err)) != XF_OK ||
		    (rc = activities(db, industry[i], 2, err)) != XF_OK)
			return rc;
	}
	for (int i = 0; i < 8; i++) {
		int64_t id;
		snprintf(code, sizeof code, "MKT%02d", i);
		snprintf(name, sizeof name, "第%d商圈市场党委", i + 1);
		if ((rc = new_org(db, code, name, "market_party_org", communities[(i * 17) % nc], 0,
		                  "private", "market", 0, &id, err)) != XF_OK ||
		    (rc = activities(db, id, 1 + i % 2, err)) != XF_OK)
			return rc;
	}
	for (int i = 0; i < 22; i++) {
		int64_t id;
		snprintf(code, sizeof code, "BLD%02d", i);
		snprintf(name, sizeof name, "第%d商务楼宇党支部", i + 1);
		if ((rc = new_org(db, code, name, "building_party_org", communities[(i * 7) % nc],
		                  0, "private", "building", 0, &id, err)) != XF_OK ||
		    (rc = activities(db, id, 1, err)) != XF_OK)
			return rc;
	}
	static const char *kinds[] = {"商贸", "科技", "物流", "餐饮",
	                              "建材", "家政", "电子", "印务"};
	for (int i = 0; i < 2400; i++) {
		int64_t party = 0, org, place = communities[(i * 31) % nc];
		snprintf(name, sizeof name, "黄石%s%04d有限公司", kinds[i % 8], i);
		if (i < 1844) {
			char pname[160];
			snprintf(code, sizeof code, "PEC%04d", i);
			snprintf(pname, sizeof pname, "%s党支部", name);
			if ((rc = new_org(db, code, pname, "enterprise_party", place,
			                  industry[i % 6], "private",
			                  i % 5 == 0 ? "park" : "workstation", 0, &party, err)) !=
			        XF_OK ||
			    (rc = activities(db, party, i % 9 == 0 ? 0 : 1, err)) != XF_OK)
				return rc;
			st->orgs++;
		}
		snprintf(code, sizeof code, "EC%04d", i);
		if ((rc = new_org(db, code, name, "enterprise", place, 0, NULL, NULL, party, &org,
		                  err)) != XF_OK)
			return rc;
		st->orgs++;
	}
	st->orgs += 36;
	return XF_OK;
}

/* City scale: 两委 for every community (书记 and 主任, one person for most: 一肩挑), and the
 * seed's cross-holdings: 166 两委 members and 314 楼栋长 sitting on owners' committees. */
static int city_committees(struct db *db, struct demo_stats *st, struct xf_err *err)
{
	struct db_stmt *q =
	    db_prep(db,
	            "SELECT c.id, (SELECT o.id FROM orgs o WHERE o.place_id = c.id AND"
	            " o.kind = 'community_party'), (SELECT o.id FROM orgs o WHERE"
	            " o.place_id = c.id AND o.kind = 'residents_committee'),"
	            " (SELECT min(g.id) FROM places g WHERE g.parent_id = c.id)"
	            " FROM places c WHERE c.kind = 'community' ORDER BY c.id",
	            err);
	struct cm {
		int64_t id, party, rc, grid;
	} cms[200];
	int n = 0, rc;
	while (q && n < 200 && db_step(q, err) == DB_ROW) {
		cms[n] = (struct cm){db_col_int(q, 0), db_col_int(q, 1), db_col_int(q, 2),
		                     db_col_int(q, 3)};
		n++;
	}
	int twowei_on_oc = 0, heads_on_oc = 0;
	for (int i = 0; i < n; i++) {
		if (!cms[i].grid)
			continue;
		/* Residents of the community's first grid take the posts. */
		int64_t people[8];
		int np = 0;
		struct db_stmt *p = db_prep(db,
		                            "SELECT pe.id FROM people pe JOIN places h ON h.id ="
		                            " pe.place_id JOIN places b ON b.id = h.parent_id WHERE"
		                            " b.parent_id = ? ORDER BY pe.id LIMIT 8",
		                            err);
		db_bind_int(p, 1, cms[i].grid);
		while (np < 8 && db_step(p, err) == DB_ROW)
			people[np++] = db_col_int(p, 0);
		db_reset(p);
		if (np < 7)
			continue;
		bool one_shoulder = i % 10 < 7;
		if ((rc = position(db, people[0], cms[i].party, "secretary", err)) != XF_OK ||
		    (rc = position(db, one_shoulder ? people[0] : people[1], cms[i].rc, "director",
		                   err)) != XF_OK)
			return rc;
		for (int k = 2; k < 7; k++)
			if ((rc = position(db, people[k], k % 2 ? cms[i].party : cms[i].rc,
			                   "committee_member", err)) != XF_OK)
				return rc;
		/* An owners' committee for the first grid's estate, with cross-holdings. */
		int64_t oc;
		char code[48], name[128];
		snprintf(code, sizeof code, "OCC%lld", (long long)cms[i].grid);
		snprintf(name, sizeof name, "第%d小区业主委员会", i + 1);
		if ((rc = new_org(db, code, name, "owners_committee", cms[i].grid, 0, NULL, NULL, 0,
		                  &oc, err)) != XF_OK)
			return rc;
		st->orgs++;
		if (twowei_on_oc < 166) {
			if ((rc = position(db, people[2], oc, "committee_member", err)) != XF_OK)
				return rc;
			twowei_on_oc++;
		}
		/* 楼栋长 of this grid's buildings join it until the seed's 314 are reached. */
		struct db_stmt *h =
		    db_prep(db,
		            "SELECT ps.person_id FROM positions ps JOIN orgs o ON o.id ="
		            " ps.org_id JOIN places b ON b.id = o.place_id WHERE"
		            " b.parent_id = ? AND ps.post = 'building_head' ORDER BY"
		            " ps.id LIMIT 3",
		            err);
		db_bind_int(h, 1, cms[i].grid);
		int64_t heads[3];
		int nh = 0;
		while (nh < 3 && db_step(h, err) == DB_ROW)
			heads[nh++] = db_col_int(h, 0);
		db_reset(h);
		for (int k = 0; k < nh && heads_on_oc < 314; k++, heads_on_oc++)
			if ((rc = position(db, heads[k], oc, "committee_member", err)) != XF_OK)
				return rc;
	}
	return XF_OK;
}

int demo_registry(struct db *db, enum demo_scale scale, struct demo_stats *st, struct xf_err *err)
{
	int households = scale == DEMO_CITY ? 33 : 6;
	/* Streets: 党工委 and 办事处. */
	struct db_stmt *q = db_prep(db,
	                            "SELECT id, code, name FROM places WHERE kind = 'street'"
	                            " ORDER BY id",
	                            err);
	if (!q)
		return err->status;
	struct row {
		int64_t id;
		char code[40], name[96], path[200];
	};
	static struct row rows[4096];
	int n = 0, rc;
	while (n < 4096 && db_step(q, err) == DB_ROW) {
		rows[n].id = db_col_int(q, 0);
		snprintf(rows[n].code, sizeof rows[n].code, "%s", db_col_text(q, 1));
		snprintf(rows[n].name, sizeof rows[n].name, "%s", db_col_text(q, 2));
		n++;
	}
	for (int i = 0; i < n; i++) {
		char code[48], name[128];
		int64_t party, office;
		snprintf(code, sizeof code, "P%s", rows[i].code);
		snprintf(name, sizeof name, "%s党工委", rows[i].name);
		if ((rc = new_org(db, code, name, "street_party_committee", rows[i].id, 0, "agency",
		                  NULL, 0, &party, err)) != XF_OK)
			return rc;
		snprintf(code, sizeof code, "G%s", rows[i].code);
		snprintf(name, sizeof name, "%s办事处", rows[i].name);
		if ((rc = new_org(db, code, name, "street_office", rows[i].id, 0, NULL, NULL, 0,
		                  &office, err)) != XF_OK ||
		    (rc = activities(db, party, 3, err)) != XF_OK)
			return rc;
		st->orgs += 2;
	}
	/* Communities: 社区党组织 and 居委会; service-centre areas, most at least 1,000 m². */
	q = db_prep(db,
	            "SELECT c.id, c.code, c.name, (SELECT o.id FROM orgs o WHERE o.place_id ="
	            " c.parent_id AND o.kind = 'street_party_committee') FROM places c"
	            " WHERE c.kind = 'community' ORDER BY c.id",
	            err);
	if (!q)
		return err->status;
	int64_t parents[4096];
	n = 0;
	while (n < 4096 && db_step(q, err) == DB_ROW) {
		rows[n].id = db_col_int(q, 0);
		snprintf(rows[n].code, sizeof rows[n].code, "%s", db_col_text(q, 1));
		snprintf(rows[n].name, sizeof rows[n].name, "%s", db_col_text(q, 2));
		parents[n] = db_col_int(q, 3);
		n++;
	}
	for (int i = 0; i < n; i++) {
		char code[48], name[128];
		int64_t party, rc_org;
		snprintf(code, sizeof code, "P%s", rows[i].code);
		snprintf(name, sizeof name, "%s党委", rows[i].name);
		if ((rc = new_org(db, code, name, "community_party", rows[i].id, parents[i],
		                  "community", NULL, 0, &party, err)) != XF_OK)
			return rc;
		snprintf(code, sizeof code, "G%s", rows[i].code);
		snprintf(name, sizeof name, "%s居委会", rows[i].name);
		if ((rc = new_org(db, code, name, "residents_committee", rows[i].id, 0, NULL, NULL,
		                  0, &rc_org, err)) != XF_OK ||
		    (rc = activities(db, party, i % 6 == 5 ? 0 : 2, err)) != XF_OK)
			return rc;
		int64_t area = i % 10 == 7 ? 800 + i % 150 : 1000 + (i * 37) % 900;
		double lat = 30.17 + (double)(i % 17) * 0.004,
		       lng = 115.00 + (double)(i % 23) * 0.005;
		struct db_stmt *u = db_prep(
		    db, "UPDATE places SET area_cm2 = ?, lat = ?, lng = ? WHERE id = ?", err);
		if (!u)
			return err->status;
		char latbuf[32], lngbuf[32];
		snprintf(latbuf, sizeof latbuf, "%.5f", lat);
		snprintf(lngbuf, sizeof lngbuf, "%.5f", lng);
		db_bind_int(u, 1, area * 100);
		db_bind_text(u, 2, latbuf);
		db_bind_text(u, 3, lngbuf);
		db_bind_int(u, 4, rows[i].id);
		if (db_step(u, err) != DB_DONE)
			return err->status;
		st->orgs += 2;
	}
	/* Grids and buildings: branches, 共建委员会, 党小组, 服务小组, households, posts. */
	q = db_prep(
	    db,
	    "SELECT g.id, g.code, g.name, c.name, (SELECT o.id FROM orgs o WHERE o.place_id ="
	    " c.id AND o.kind = 'community_party') FROM places g JOIN places c"
	    " ON c.id = g.parent_id WHERE g.kind = 'grid' ORDER BY g.id",
	    err);
	if (!q)
		return err->status;
	static char cnames[4096][96];
	n = 0;
	while (n < 4096 && db_step(q, err) == DB_ROW) {
		rows[n].id = db_col_int(q, 0);
		snprintf(rows[n].code, sizeof rows[n].code, "%s", db_col_text(q, 1));
		snprintf(rows[n].name, sizeof rows[n].name, "%s", db_col_text(q, 2));
		snprintf(cnames[n], sizeof cnames[n], "%s", db_col_text(q, 3));
		parents[n] = db_col_int(q, 4);
		n++;
	}
	int seq = 0;
	for (int i = 0; i < n; i++) {
		char code[48], name[160];
		int64_t branch, estate;
		snprintf(code, sizeof code, "P%s", rows[i].code);
		snprintf(name, sizeof name, "%s%s党支部", cnames[i], rows[i].name);
		if ((rc = new_org(db, code, name, "grid_branch", rows[i].id, parents[i],
		                  "community", NULL, 0, &branch, err)) != XF_OK ||
		    (rc = activities(db, branch, i % 5 == 4 ? 0 : 2, err)) != XF_OK)
			return rc;
		st->orgs++;
		if (i % 4 != 3) {
			snprintf(code, sizeof code, "G%s", rows[i].code);
			snprintf(name, sizeof name, "%s%s小区共建委员会", cnames[i], rows[i].name);
			if ((rc = new_org(db, code, name, "estate_committee", rows[i].id, 0, NULL,
			                  NULL, 0, &estate, err)) != XF_OK)
				return rc;
			st->orgs++;
		}
		struct db_stmt *b =
		    db_prep(db,
		            "SELECT id, code, name, path FROM places WHERE parent_id = ?"
		            " AND kind = 'building' ORDER BY id",
		            err);
		if (!b)
			return err->status;
		db_bind_int(b, 1, rows[i].id);
		struct row brows[64];
		int nb = 0;
		while (nb < 64 && db_step(b, err) == DB_ROW) {
			brows[nb].id = db_col_int(b, 0);
			snprintf(brows[nb].code, sizeof brows[nb].code, "%s", db_col_text(b, 1));
			snprintf(brows[nb].name, sizeof brows[nb].name, "%s", db_col_text(b, 2));
			snprintf(brows[nb].path, sizeof brows[nb].path, "%s", db_col_text(b, 3));
			nb++;
		}
		for (int k = 0; k < nb; k++, seq++) {
			int64_t pg = 0, sg = 0;
			if (seq % 5 != 4) {
				snprintf(code, sizeof code, "P%s", brows[k].code);
				snprintf(name, sizeof name, "%s%s党小组", rows[i].name,
				         brows[k].name);
				if ((rc = new_org(db, code, name, "building_party_group",
				                  brows[k].id, branch, "community", NULL, 0, &pg,
				                  err)) != XF_OK ||
				    (rc = activities(db, pg, seq % 6 == 5 ? 0 : 1, err)) != XF_OK)
					return rc;
				st->orgs++;
			}
			if (seq % 7 != 6) {
				snprintf(code, sizeof code, "G%s", brows[k].code);
				snprintf(name, sizeof name, "%s%s楼栋服务小组", rows[i].name,
				         brows[k].name);
				if ((rc = new_org(db, code, name, "building_service_group",
				                  brows[k].id, 0, NULL, NULL, 0, &sg, err)) !=
				    XF_OK)
					return rc;
				st->orgs++;
			}
			if ((rc = populate_building(db, brows[k].id, brows[k].code, brows[k].path,
			                            branch, pg, sg, households, seq, st, err)) !=
			    XF_OK)
				return rc;
			if (st->progress && seq % 500 == 0)
				st->progress("楼栋和住户", seq, 0, st->progress_ctx);
		}
	}
	/* Resident units from the seed, 两新 organisations, and the organisations of an estate. */
	struct unit {
		const char *code, *name, *community, *domain;
	} units[] = {
	    {"91420200U00001", "黄石公交集团", "420203009002", "soe"},
	    {"91420200U00002", "黄石市第四医院", "420202005003", "institution"},
	    {"91420200U00003", "武商黄石购物中心", "420202007003", "soe"},
	    {"91420200U00004", "大上海商贸中心", "420205003001", "private"},
	};
	for (size_t i = 0; i < XF_ARRAY_LEN(units); i++) {
		int64_t place = place_id(db, units[i].community, err), unit, party,
		        community_party = 0;
		char code[48], name[128];
		if (!place)
			continue;
		db_int(db, err, &community_party,
		       "SELECT id FROM orgs WHERE place_id = ? AND kind = 'community_party'", "i",
		       place);
		snprintf(code, sizeof code, "P%s", units[i].code);
		snprintf(name, sizeof name, "%s党委", units[i].name);
		if ((rc = new_org(db, code, name, "unit_party", place, 0, units[i].domain, NULL, 0,
		                  &party, err)) != XF_OK ||
		    (rc = new_org(db, units[i].code, units[i].name, "resident_unit", place, 0, NULL,
		                  NULL, party, &unit, err)) != XF_OK ||
		    (rc = activities(db, party, 3, err)) != XF_OK)
			return rc;
		/* The unit's party committee sits on the community's big party committee. */
		if (community_party &&
		    (rc = db_run(db, err,
		                 "INSERT INTO org_members(org_id, member_org_id, created_at)"
		                 " VALUES (?, ?, ?)",
		                 "iii", community_party, party, clock_now())) != XF_OK)
			return rc;
		st->orgs += 2;
	}
	static const char *seed[] = {"420203009002", "420205003001", "420205003006", "420202005003",
	                             "420202007003"};
	static const char *built_on[] = {"building", "market", "park", "workstation", "industry"};
	for (size_t s = 0; s < XF_ARRAY_LEN(seed); s++) {
		int64_t place = place_id(db, seed[s], err);
		if (!place)
			continue;
		for (int e = 0; e < 6; e++) {
			char code[48], name[128];
			int64_t party = 0, org;
			static const char *names[] = {"鑫源商贸有限公司", "江南建材经营部",
			                              "港湾物流有限公司", "磁湖餐饮管理公司",
			                              "楚天电子科技公司", "东方家政服务社"};
			if (e % 3 != 2) {
				snprintf(code, sizeof code, "PE%s%02d", seed[s], e);
				snprintf(name, sizeof name, "%s党支部", names[e]);
				if ((rc = new_org(db, code, name, "enterprise_party", place, 0,
				                  "private", built_on[(s + (size_t)e) % 5], 0,
				                  &party, err)) != XF_OK ||
				    (rc = activities(db, party, e % 2 ? 1 : 0, err)) != XF_OK)
					return rc;
				st->orgs++;
			}
			snprintf(code, sizeof code, "E%s%02d", seed[s], e);
			if ((rc = new_org(db, code, names[e], "enterprise", place, 0, NULL, NULL,
			                  party, &org, err)) != XF_OK)
				return rc;
			st->orgs++;
		}
		char code[48], name[128];
		int64_t org;
		snprintf(code, sizeof code, "S%s", seed[s]);
		snprintf(name, sizeof name, "夕阳红志愿服务队（%s）", seed[s] + 9);
		if ((rc = new_org(db, code, name, "social_org", place, 0, NULL, NULL, 0, &org,
		                  err)) != XF_OK)
			return rc;
		st->orgs++;
	}
	/* 大智路: an owners' committee, its property company, a delegates' studio, a pairing. */
	int64_t grid1 = place_id(db, "420203009002001", err),
	        dazhi = place_id(db, "420203009002", err);
	if (grid1 && dazhi) {
		int64_t oc, pc, studio, branch = 0, bus = 0;
		if ((rc = new_org(db, "OC420203009002001", "大智路第一小区业主委员会",
		                  "owners_committee", grid1, 0, NULL, NULL, 0, &oc, err)) !=
		        XF_OK ||
		    (rc = new_org(db, "91420200MA4K0001", "大智物业服务有限公司",
		                  "property_company", grid1, 0, NULL, NULL, 0, &pc, err)) !=
		        XF_OK ||
		    (rc = new_org(db, "DS420203009002", "大智路社区党代表工作室", "delegate_studio",
		                  dazhi, 0, NULL, NULL, 0, &studio, err)) != XF_OK)
			return rc;
		st->orgs += 3;
		db_int(db, err, &branch, "SELECT id FROM orgs WHERE code = 'P420203009002001'", "");
		db_int(db, err, &bus, "SELECT id FROM orgs WHERE code = 'P91420200U00001'", "");
		if (branch && bus &&
		    (rc = db_run(db, err,
		                 "INSERT INTO pairings(org_a, org_b, started_at) VALUES (?, ?, ?)",
		                 "iii", branch, bus, clock_now() - 200 * 86400)) != XF_OK)
			return rc;
		/* 交叉任职: the building heads of the first grid also sit on the owners' committee.
		 */
		rc = db_run(
		    db, err,
		    "INSERT INTO positions(person_id, org_id, post, started_at)"
		    " SELECT ps.person_id, ?, 'committee_member', ps.started_at FROM positions ps"
		    " JOIN orgs o ON o.id = ps.org_id JOIN places b ON b.id = o.place_id"
		    " WHERE b.parent_id = ? AND ps.post = 'building_head'",
		    "ii", oc, grid1);
		if (rc != XF_OK)
			return rc;
	}
	if (scale == DEMO_CITY && (rc = city_twonew(db, st, err)) != XF_OK)
		return rc;
	if (scale == DEMO_CITY && (rc = city_committees(db, st, err)) != XF_OK)
		return rc;
	/* 百日攻坚 at 澄月街道: every building with a party group, started 40 days ago, with the
	 * snapshots it would have taken (three buildings fixed along the way). */
	int64_t street = place_id(db, "420203009000", err), campaign;
	int64_t now = clock_now(), count = 0, total = 0;
	if (street) {
		if ((rc = registry_campaign_create(
		         db, street, "楼栋党小组百日攻坚", "buildings_without_party_group", 0,
		         now - 40 * 86400, now + 60 * 86400, &campaign, err)) != XF_OK ||
		    (rc = registry_coverage_count(db, street, "buildings_without_party_group", now,
		                                  &count, &total, err)) != XF_OK)
			return rc;
		for (int d = 40; d >= 0; d -= 10) {
			int64_t value = count + (d >= 30 ? 3 : d >= 20 ? 2 : d >= 10 ? 1 : 0);
			if ((rc = db_run(db, err,
			                 "INSERT INTO coverage_snapshots(campaign_id, day, value)"
			                 " VALUES (?, ?, ?)",
			                 "iii", campaign, (now - d * 86400) / 86400, value)) !=
			    XF_OK)
				return rc;
		}
	}
	return XF_OK;
}
