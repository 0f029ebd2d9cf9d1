/* The demo city's year of 一核多元 (part B), in the seed communities: building conventions
 * signed by most households (one 38 years old, revised this year and being signed again),
 * weekly hygiene rotas, a 楼栋自治联盟 in 大智路's second grid (an old estate with no
 * property company), the 2026 "我爱我楼" call with applications, reviews, grants requested
 * from each community's fund and their progress, and the 2027 call open now; in 大智路 four
 * quarterly 三方联动 meetings with commitments (some done, some overdue) and residents'
 * ratings of 大智物业; incubators at the four levels with the organisations they incubate,
 * their services and volunteers; 三社联动 on a case; and notices with their reads.
 * Deterministic. */
#include "civic_int.h"
#include "../funds/funds.h"
#include "../registry/registry.h"

#include <stdio.h>
#include <string.h>

#define DAY 86400

static const char *const seeds[] = {"420203009002", "420205003001", "420202005003", "420205003006",
                                    "420202007003"};

static uint64_t rng;

static uint32_t rnd(uint32_t n)
{
	rng = rng * 6364136223846793005ull + 1442695040888963407ull;
	return n ? (uint32_t)((rng >> 33) % n) : 0;
}

static int64_t code_id(struct db *db, const char *code)
{
	struct xf_err e;
	int64_t id = 0;
	db_int(db, &e, &id, "SELECT id FROM places WHERE code = ?", "t", code);
	return id;
}

static int64_t user_id(struct db *db, const char *name)
{
	struct xf_err e;
	int64_t id = 0;
	db_int(db, &e, &id, "SELECT id FROM users WHERE username = ?", "t", name);
	return id;
}

/* Up to max ids of people living in place's subtree (not the demo accounts' people unless
 * with_accounts). */
static int residents(struct db *db, int64_t place, bool with_accounts, int64_t *out, int max,
                     struct xf_err *err)
{
	char lo[256], hi[256];
	if (registry_subtree(db, place, lo, hi, err) != XF_OK)
		return -1;
	/* A path range on places (indexed), then people by place: cheap at city scale. */
	struct db_stmt *st = db_prep(
	    db,
	    "SELECT pe.id FROM places h JOIN people pe ON pe.place_id = h.id WHERE h.path >= ? AND"
	    " h.path < ? AND (? = 1 OR pe.id NOT IN (SELECT person_id FROM users WHERE person_id"
	    " IS NOT NULL)) ORDER BY pe.id",
	    err);
	if (!st)
		return -1;
	db_bind_text(st, 1, lo);
	db_bind_text(st, 2, hi);
	db_bind_int(st, 3, with_accounts ? 1 : 0);
	int n = 0, rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		if (n >= max) {
			db_reset(st);
			break;
		}
		out[n++] = db_col_int(st, 0);
	}
	return rc < 0 ? -1 : n;
}

static int children(struct db *db, int64_t place, const char *kind, int64_t *out, int max,
                    struct xf_err *err)
{
	struct db_stmt *st =
	    db_prep(db, "SELECT id FROM places WHERE parent_id = ? AND kind = ? ORDER BY id", err);
	if (!st)
		return -1;
	db_bind_int(st, 1, place);
	db_bind_text(st, 2, kind);
	int n = 0, rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		if (n >= max) {
			db_reset(st);
			break;
		}
		out[n++] = db_col_int(st, 0);
	}
	return rc < 0 ? -1 : n;
}

static const char building_text[] =
    "一、爱护楼道公共设施，不在楼道堆放杂物、不私拉电线，电动车不进楼、不入户充电。\n"
    "二、垃圾分类投放，按值日表轮流打扫楼道，保持楼梯扶手和窗台干净。\n"
    "三、邻里互谅互让，晚十点后不制造噪音，装修提前告知左右邻居。\n"
    "四、关心楼里的独居老人和困难家庭，有事及时告诉楼栋长。\n"
    "五、公约由本楼居民共同商定，修改须经楼栋议事会通过。";
static const char old_text[] = "本楼全体住户共同遵守：楼道轮流打扫，每户一周；自行车按序停放；"
                               "邻里有事互相帮衬。（1988 年订立）";

static int sign_some(struct db *db, int64_t conv, int64_t version, int64_t place, int percent,
                     int64_t when, struct xf_err *err)
{
	int64_t people[200];
	int n = residents(db, place, false, people, 200, err);
	if (n < 0)
		return err->status;
	for (int i = 0; i < n; i++) {
		if ((int)rnd(100) >= percent)
			continue;
		int rc =
		    db_run(db, err,
		           "INSERT INTO convention_signatures(convention_id, version, person_id,"
		           " signed_at) VALUES (?, ?, ?, ?)",
		           "iiii", conv, version, people[i], when + (int64_t)rnd(20) * DAY);
		if (rc != XF_OK)
			return rc;
	}
	return XF_OK;
}

static int convention(struct db *db, int64_t place, int64_t alliance, const char *title,
                      const char *text, int64_t adopted, int64_t staff, int64_t *out,
                      struct xf_err *err)
{
	int rc = db_int(
	    db, err, out,
	    "INSERT INTO conventions(place_id, alliance_id, title, version, created_by,"
	    " created_at, district_id) VALUES (?, NULLIF(?, 0), ?, 1, ?, ?, (SELECT district_id"
	    " FROM places WHERE id = ?)) RETURNING id",
	    "iitiii", place, alliance, title, staff, adopted, place);
	if (rc == XF_OK)
		rc = db_run(db, err,
		            "INSERT INTO convention_versions(convention_id, version, text, note,"
		            " adopted_by, adopted_at) VALUES (?, 1, ?, '楼栋议事会通过', ?, ?)",
		            "itii", *out, text, staff, adopted);
	return rc;
}

static int revise(struct db *db, int64_t conv, const char *text, int64_t at, int64_t staff,
                  struct xf_err *err)
{
	int rc = db_run(db, err,
	                "INSERT INTO convention_versions(convention_id, version, text, note,"
	                " adopted_by, adopted_at) VALUES (?, 2, ?, '增加电动车和垃圾分类条款', ?,"
	                " ?)",
	                "itii", conv, text, staff, at);
	if (rc == XF_OK)
		rc = db_run(db, err, "UPDATE conventions SET version = 2 WHERE id = ?", "i", conv);
	return rc;
}

static int rota(struct db *db, int64_t place, const char *title, int64_t starts, int64_t staff,
                const int64_t *members, int n, struct xf_err *err)
{
	int64_t id;
	int rc =
	    db_int(db, err, &id,
	           "INSERT INTO rotas(place_id, title, task, period_days, starts_at,"
	           " created_by, created_at, district_id) VALUES (?, ?, '打扫楼道、擦扶手、"
	           "清理楼道小广告', 7, ?, ?, ?, (SELECT district_id FROM places WHERE id = ?))"
	           " RETURNING id",
	           "itiiii", place, title, starts, staff, starts, place);
	for (int i = 0; rc == XF_OK && i < n; i++)
		rc = db_run(db, err,
		            "INSERT INTO rota_members(rota_id, ord, person_id) VALUES (?, ?, ?)",
		            "iii", id, (int64_t)i, members[i]);
	return rc;
}

/* Conventions, rotas and (in 大智路's second grid) the alliance. */
static int seed_conventions(struct db *db, int64_t community, int64_t staff, int64_t now,
                            struct xf_err *err)
{
	int64_t grids[8], buildings[8], conv;
	int ng = children(db, community, "grid", grids, 8, err), rc;
	if (ng < 0)
		return err->status;
	char title[128];
	if ((rc = convention(
	         db, community, 0, "社区居民公约",
	         "一、遵纪守法，爱党爱国；二、邻里和睦，守望相助；三、爱护环境，垃圾分类；"
	         "四、关爱老幼，扶残助困；五、移风易俗，文明节俭。",
	         now - 320 * DAY, staff, &conv, err)) != XF_OK ||
	    (rc = sign_some(db, conv, 1, community, 55, now - 310 * DAY, err)) != XF_OK)
		return rc;
	for (int g = 0; g < ng; g++) {
		int nb = children(db, grids[g], "building", buildings, 8, err);
		if (nb < 0)
			return err->status;
		int64_t alliance = 0;
		int64_t pc = 0;
		db_int(
		    db, err, &pc,
		    "SELECT count(*) FROM orgs o JOIN places op ON op.id = o.place_id JOIN places p"
		    " ON p.id = ? WHERE o.kind = 'property_company' AND substr(op.path, 1,"
		    " length(p.path)) = p.path",
		    "i", grids[g]);
		/* An old estate without a property company: its buildings form an alliance. */
		if (!pc && g == 1) {
			if ((rc = db_int(
			         db, err, &alliance,
			         "INSERT INTO alliances(place_id, name, charter, created_by,"
			         " created_at, district_id) VALUES (?, (SELECT name FROM places"
			         " WHERE id = ?) || '楼栋自治联盟', '各楼栋长轮值召集，共管共治"
			         "：公共维修众筹、门岗志愿值守、环境卫生轮流打扫。', ?, ?,"
			         " (SELECT district_id FROM places WHERE id = ?)) RETURNING id",
			         "iiiii", grids[g], grids[g], staff, now - 280 * DAY, grids[g])) !=
			    XF_OK)
				return rc;
			for (int b = 0; b < nb; b++)
				if ((rc = db_run(
				         db, err,
				         "INSERT INTO alliance_buildings(alliance_id, building_id)"
				         " VALUES (?, ?)",
				         "ii", alliance, buildings[b])) != XF_OK)
					return rc;
			if ((rc = convention(
			         db, grids[g], alliance, "院落自治公约",
			         "一、联盟各楼栋共同负责院落卫生、绿化和安全；二、公共维修"
			         "费用按户分摊并张榜公示；三、门岗由居民志愿者轮流值守；"
			         "四、重大事项由各楼栋长召集院落议事会商定。",
			         now - 270 * DAY, staff, &conv, err)) != XF_OK ||
			    (rc = sign_some(db, conv, 1, grids[g], 60, now - 260 * DAY, err)) !=
			        XF_OK)
				return rc;
			int64_t duty[8];
			int nd = residents(db, grids[g], true, duty, 8, err);
			if (nd < 0)
				return err->status;
			if ((rc = rota(db, grids[g], "院落门岗与卫生值日", now - 200 * DAY - 3600,
			               staff, duty, nd, err)) != XF_OK)
				return rc;
		}
		for (int b = 0; b < nb && b < 3; b++) {
			char bname[64] = "";
			struct db_stmt *st =
			    db_prep(db, "SELECT name FROM places WHERE id = ?", err);
			if (!st)
				return err->status;
			db_bind_int(st, 1, buildings[b]);
			if (db_step(st, err) == DB_ROW) {
				snprintf(bname, sizeof bname, "%s", db_col_text(st, 0));
				db_reset(st);
			}
			bool old = g == 0 && b == 0;
			snprintf(title, sizeof title, "%s楼栋自治公约", bname);
			if ((rc = convention(db, buildings[b], alliance, title,
			                     old ? old_text : building_text,
			                     old ? 567993600 /* 1988 */ : now - 300 * DAY + b * DAY,
			                     staff, &conv, err)) != XF_OK)
				return rc;
			if (old) {
				/* 38 years on, revised this year and being signed again. */
				if ((rc = sign_some(db, conv, 1, buildings[b], 90, now - 330 * DAY,
				                    err)) != XF_OK ||
				    (rc = revise(db, conv, building_text, now - 40 * DAY, staff,
				                 err)) != XF_OK ||
				    (rc = sign_some(db, conv, 2, buildings[b], 45, now - 35 * DAY,
				                    err)) != XF_OK)
					return rc;
			} else if ((rc = sign_some(db, conv, 1, buildings[b], 70 + b * 10,
			                           now - 290 * DAY, err)) != XF_OK) {
				return rc;
			}
			int64_t duty[6];
			int nd = residents(db, buildings[b], false, duty, 6, err);
			if (nd < 0)
				return err->status;
			snprintf(title, sizeof title, "%s卫生值日表", bname);
			if (nd && (rc = rota(db, buildings[b], title, now - 180 * DAY - b * DAY,
			                     staff, duty, nd, err)) != XF_OK)
				return rc;
		}
	}
	return XF_OK;
}

static const struct {
	const char *group, *title, *plan;
	int64_t fen;
	int score;
} apps[] = {
    {"5 栋楼栋议事会", "楼道微改造：扶手和感应灯",
     "为 5 栋 6 个单元加装楼道扶手、更换感应灯，由楼栋长组织居民志愿者施工监督。", 1800000, 88},
    {"夕阳红志愿服务队", "独居老人“一键呼”结对",
     "组织 20 名志愿者与 40 位独居老人结对，每周上门探访两次并登记身体情况。", 1500000, 91},
    {"大智路邻里互助会", "楼栋共享工具箱",
     "在每栋楼设一个共享工具箱，居民登记借用，损坏由互助会修补。", 600000, 76},
    {"第三网格青年志愿队", "楼道小广告清理行动", "每月一次清理楼道小广告，并张贴楼栋公约宣传画。",
     400000, 64},
    {"6 栋居民小组", "楼顶小菜园", "在 6 栋楼顶开辟小菜园，由居民认领种植。", 900000, 52},
};

static int seed_ventures(struct db *db, int64_t community, int64_t staff, int64_t reviewer,
                         const struct actor *sys, int64_t now, struct xf_err *err)
{
	int64_t fund = 0, call, people[16];
	struct xf_err e;
	db_int(db, &e, &fund,
	       "SELECT min(id) FROM funds WHERE place_id = ? AND kind = 'service' AND year = ?",
	       "ii", community, (int64_t)civic_year(now));
	int n = residents(db, community, false, people, 16, err);
	if (n < 0)
		return err->status;
	int rc = db_int(db, err, &call,
	                "INSERT INTO venture_calls(place_id, title, description, budget_fen,"
	                " fund_id, category, closes_at, created_by, created_at, district_id) VALUES"
	                " (?, '2026 年“我爱我楼”公益创投', '面向本社区居民团体和社会组织，资助"
	                "让楼栋更干净、更安全、更有温度的小项目。每个项目不超过 2 万元。',"
	                " 5000000, ?, 'activity', ?, ?, ?, (SELECT district_id FROM places WHERE id"
	                " = ?)) RETURNING id",
	                "iniiii", community, now - 200 * DAY, staff, now - 240 * DAY, community);
	if (rc != XF_OK)
		return rc;
	if (fund)
		rc = db_run(db, err, "UPDATE venture_calls SET fund_id = ? WHERE id = ?", "ii",
		            fund, call);
	for (size_t i = 0; rc == XF_OK && i < XF_ARRAY_LEN(apps); i++) {
		int64_t app, org = 0;
		db_int(
		    db, &e, &org,
		    "SELECT min(o.id) FROM orgs o JOIN places p ON p.id = o.place_id JOIN places c"
		    " ON c.id = ? WHERE o.kind = 'social_org' AND substr(p.path, 1, length(c.path))"
		    " = c.path",
		    "i", community);
		if ((rc = db_int(db, err, &app,
		                 "INSERT INTO venture_apps(call_id, org_id, group_name, contact_id,"
		                 " submitted_by, title, plan, amount_fen, status, created_at,"
		                 " district_id) VALUES (?, ?, ?, ?, NULL, ?, ?, ?, 'submitted', ?,"
		                 " (SELECT district_id FROM places WHERE id = ?)) RETURNING id",
		                 "intnttiii", call, apps[i].group, apps[i].title, apps[i].plan,
		                 apps[i].fen, now - 220 * DAY + (int64_t)i * DAY, community)) !=
		    XF_OK)
			return rc;
		if (i == 1 && org)
			db_run(db, &e, "UPDATE venture_apps SET org_id = ? WHERE id = ?", "ii", org,
			       app);
		if (n)
			db_run(db, &e, "UPDATE venture_apps SET contact_id = ? WHERE id = ?", "ii",
			       people[i % n], app);
		if ((rc = db_run(
		         db, err,
		         "INSERT INTO venture_reviews(app_id, user_id, score, note, created_at)"
		         " VALUES (?, ?, ?, '', ?), (?, ?, ?, '', ?)",
		         "iiiiiiii", app, staff, (int64_t)apps[i].score, now - 195 * DAY, app,
		         reviewer, (int64_t)apps[i].score - 4 + (int64_t)rnd(8),
		         now - 194 * DAY)) != XF_OK)
			return rc;
		bool funded = apps[i].score >= 70;
		int64_t expenditure = 0;
		if (funded && fund) {
			/* The grant asks the fund, under its rules, like any other spending. */
			char t[160];
			snprintf(t, sizeof t, "公益创投：%s", apps[i].title);
			json_t *req =
			    json_pack("{s:I, s:s, s:s, s:I, s:s}", "fund_id", (json_int_t)fund,
			              "category", "activity", "title", t, "amount_fen",
			              (json_int_t)apps[i].fen, "outcome", apps[i].group);
			json_t *out = NULL;
			rc = funds_expenditure_create(db, sys, req, 0, now - 190 * DAY, &out, err);
			json_decref(req);
			if (rc != XF_OK)
				return rc;
			expenditure = json_integer_value(json_object_get(out, "id"));
			json_decref(out);
		}
		if ((rc = db_run(
		         db, err,
		         "UPDATE venture_apps SET status = ?, granted_fen = CASE WHEN ? = 1"
		         " THEN amount_fen END, decision_note = ?, decided_by = ?, decided_at"
		         " = ?, progress = ? WHERE id = ?",
		         "titiiii", funded ? "funded" : "rejected", (int64_t)funded,
		         funded ? "评审平均分 70 分以上，予以资助"
		                : "本次未获资助，建议完善方案后再申报",
		         staff, now - 190 * DAY, funded ? (int64_t)(100 - (int)i * 30) : 0, app)) !=
		    XF_OK)
			return rc;
		if (expenditure &&
		    (rc = db_run(db, err, "UPDATE venture_apps SET expenditure_id = ? WHERE id = ?",
		                 "ii", expenditure, app)) != XF_OK)
			return rc;
		if (funded) {
			static const char *const notes[] = {"已完成采购和施工方案公示", "完成一半",
			                                    "全部完成，居民验收"};
			for (int k = 0; k < 3 && k * 40 <= 100 - (int)i * 30; k++)
				if ((rc = db_run(
				         db, err,
				         "INSERT INTO venture_updates(app_id, progress, "
				         "note, user_id,"
				         " created_at) VALUES (?, ?, ?, ?, ?)",
				         "iitii", app,
				         (int64_t)(k == 2 ? 100 - (int)i * 30 : k * 40 + 20),
				         notes[k], staff, now - (170 - k * 50) * DAY)) != XF_OK)
					return rc;
		}
	}
	if (rc != XF_OK)
		return rc;
	/* Next year's call is open now. */
	if ((rc = db_int(db, err, &call,
	                 "INSERT INTO venture_calls(place_id, title, description, budget_fen,"
	                 " category, closes_at, created_by, created_at, district_id) VALUES (?,"
	                 " '2027 年“我爱我楼”公益创投', '欢迎楼栋议事会、居民小组和社会组织申报，"
	                 "截止后由社区两委和居民代表评审。', 6000000, '', ?, ?, ?, (SELECT"
	                 " district_id FROM places WHERE id = ?)) RETURNING id",
	                 "iiiii", community, now + 30 * DAY, staff, now - 10 * DAY, community)) !=
	    XF_OK)
		return rc;
	return db_run(
	    db, err,
	    "INSERT INTO venture_apps(call_id, group_name, contact_id, title, plan,"
	    " amount_fen, status, created_at, district_id) VALUES (?, '7 栋楼栋议事会',"
	    " NULLIF(?, 0), '楼道文化墙', '由居民共同设计楼道文化墙，展示楼栋公约和邻里故事。',"
	    " 800000, 'submitted', ?, (SELECT district_id FROM places WHERE id = ?))",
	    "iiii", call, n ? people[0] : 0, now - 3 * DAY, community);
}

static const struct {
	const char *title, *agenda;
	int quarter;
	struct {
		const char *who; /* property_company, owners_committee, residents_committee */
		const char *title;
		int due_days, done; /* done: 1 done, 0 open */
	} c[3];
} meetings[] = {
    {"一季度三方联动会议",
     "小区停车秩序、电梯维保",
     0,
     {{"property_company", "重新划定 40 个停车位并安排夜间巡查", 30, 1},
      {"owners_committee", "召开业主大会表决停车收费方案", 45, 1},
      {"residents_committee", "协调交警在东门设置临时停车区", 20, 1}}},
    {"二季度三方联动会议",
     "雨季积水、楼顶防水",
     1,
     {{"property_company", "疏通东门排水管网并更换井盖", 15, 1},
      {"property_company", "3 栋、4 栋楼顶防水维修", 60, 0},
      {"owners_committee", "公示维修资金使用明细", 30, 1}}},
    {"三季度三方联动会议",
     "物业服务质量评议、垃圾分类",
     2,
     {{"property_company", "针对居民评价中的保洁问题制定整改方案", 20, 1},
      {"residents_committee", "组织垃圾分类入户宣传", 30, 1},
      {"owners_committee", "推动续签物业合同前的满意度调查", 40, 0}}},
    {"四季度三方联动会议",
     "冬季供暖、消防通道",
     3,
     {{"property_company", "清理各楼栋消防通道堆物", 10, 0},
      {"residents_committee", "为独居老人检查取暖设施", 25, 0},
      {"property_company", "更换 2 号门禁系统", 90, 0}}},
};

/* 大智路's year of joint meetings, its 交叉任职 and the residents' ratings. */
static int seed_tripartite(struct db *db, int64_t community, int64_t staff, int64_t now,
                           struct xf_err *err)
{
	int64_t party = 0, rcm = 0, oc = 0, pc = 0;
	struct xf_err e;
	db_int(db, &e, &party,
	       "SELECT min(id) FROM orgs WHERE place_id = ? AND kind = 'community_party'", "i",
	       community);
	db_int(db, &e, &rcm,
	       "SELECT min(id) FROM orgs WHERE place_id = ? AND kind = 'residents_committee'", "i",
	       community);
	db_int(db, &e, &oc,
	       "SELECT min(o.id) FROM orgs o JOIN places p ON p.id = o.place_id JOIN places c ON"
	       " c.id = ? WHERE o.kind = 'owners_committee' AND substr(p.path, 1, length(c.path)) ="
	       " c.path",
	       "i", community);
	db_int(db, &e, &pc,
	       "SELECT min(o.id) FROM orgs o JOIN places p ON p.id = o.place_id JOIN places c ON"
	       " c.id = ? WHERE o.kind = 'property_company' AND substr(p.path, 1, length(c.path)) ="
	       " c.path",
	       "i", community);
	if (!party || !rcm || (!oc && !pc))
		return XF_OK;
	/* Positions on the committees: the secretary also directs the residents' committee
	 * (一肩挑), and an owners' committee member sits on the residents' committee. */
	int64_t cadre = 0, owner_member = 0, pc_manager = 0, people[64];
	db_int(db, &e, &cadre, "SELECT min(person_id) FROM cadres WHERE place_id = ?", "i",
	       community);
	if (oc)
		db_int(db, &e, &owner_member,
		       "SELECT min(person_id) FROM positions WHERE org_id = ? AND ended_at IS NULL",
		       "i", oc);
	int n = residents(db, community, false, people, 64, err);
	if (n < 0)
		return err->status;
	int rc = XF_OK;
	if (cadre)
		rc = db_run(
		    db, err,
		    "INSERT INTO positions(person_id, org_id, post, started_at) VALUES (?, ?,"
		    " 'secretary', ?), (?, ?, 'director', ?)",
		    "iiiiii", cadre, party, now - 900 * DAY, cadre, rcm, now - 900 * DAY);
	if (rc == XF_OK && owner_member && owner_member != cadre)
		rc = db_run(
		    db, err,
		    "INSERT INTO positions(person_id, org_id, post, started_at) VALUES (?, ?,"
		    " 'committee_member', ?)",
		    "iii", owner_member, rcm, now - 700 * DAY);
	if (rc == XF_OK && pc && n > 40) {
		pc_manager = people[40];
		rc = db_run(
		    db, err,
		    "INSERT INTO positions(person_id, org_id, post, started_at) VALUES (?, ?,"
		    " 'director', ?)",
		    "iii", pc_manager, pc, now - 600 * DAY);
	}
	if (rc != XF_OK)
		return rc;
	int year = civic_year(now);
	for (size_t m = 0; m < XF_ARRAY_LEN(meetings); m++) {
		int64_t held = now - (int64_t)(330 - meetings[m].quarter * 90) * DAY, mid;
		char minutes[512];
		snprintf(minutes, sizeof minutes,
		         "社区党委书记主持。居委会、业委会、物业三方就“%s”逐项沟通，"
		         "形成承诺事项并明确责任人和期限，下次会议通报办理情况。",
		         meetings[m].agenda);
		if ((rc = db_int(
		         db, err, &mid,
		         "INSERT INTO tri_meetings(place_id, convenor_id, title, agenda, minutes,"
		         " held_at, created_by, created_at, district_id) VALUES (?, ?, ?, ?, ?,"
		         " ?, ?, ?, (SELECT district_id FROM places WHERE id = ?)) RETURNING id",
		         "iitttiiii", community, party, meetings[m].title, meetings[m].agenda,
		         minutes, held, staff, held, community)) != XF_OK)
			return rc;
		int64_t orgs[3] = {rcm, oc, pc};
		for (int k = 0; k < 3; k++)
			if (orgs[k] &&
			    (rc = db_run(db, err,
			                 "INSERT INTO tri_parties(meeting_id, org_id) VALUES"
			                 " (?, ?)",
			                 "ii", mid, orgs[k])) != XF_OK)
				return rc;
		for (int k = 0; k < 3; k++) {
			const char *who = meetings[m].c[k].who;
			int64_t org = strcmp(who, "property_company") == 0   ? pc
			              : strcmp(who, "owners_committee") == 0 ? oc
			                                                     : rcm;
			int64_t owner = org == pc ? pc_manager : org == oc ? owner_member : cadre;
			if (!org)
				continue;
			int64_t due = held + meetings[m].c[k].due_days * DAY, cid;
			bool done = meetings[m].c[k].done;
			if ((rc = db_int(
			         db, err, &cid,
			         "INSERT INTO tri_commitments(meeting_id, org_id, owner_id, title,"
			         " due_at, status, done_at, warned_at, created_at, district_id)"
			         " VALUES (?, ?, NULLIF(?, 0), ?, ?, ?, NULLIF(?, 0), NULLIF(?, "
			         "0), ?,"
			         " (SELECT district_id FROM places WHERE id = ?)) RETURNING id",
			         "iiitit"
			         "iiii",
			         mid, org, owner, meetings[m].c[k].title, due,
			         done ? "done" : "open", done ? due - 3 * DAY : 0,
			         !done && due < now ? due + DAY : 0, held, community)) != XF_OK)
				return rc;
			if ((rc = db_run(
			         db, err,
			         "INSERT INTO tri_followups(commitment_id, note, done, user_id,"
			         " created_at) VALUES (?, ?, ?, ?, ?)",
			         "itiii", cid,
			         done ? "已办结，居民代表现场查看" : "正在办理，物业报告材料已订购",
			         (int64_t)done, staff, done ? due - 3 * DAY : held + 7 * DAY)) !=
			    XF_OK)
				return rc;
		}
	}
	/* Residents rate 大智物业 for the year: most are content, a few are not. */
	for (int i = 0; pc && i < n && i < 36; i++) {
		static const int scores[] = {5, 4, 4, 5, 3, 4, 2, 5, 4, 3, 4, 1};
		static const char *const comments[] = {
		    "", "保洁及时", "",         "门岗很负责", "停车还是乱", "", "楼顶漏水拖了很久",
		    "", "",         "电梯常坏", "",           "收费不透明"};
		if ((rc = db_run(
		         db, err,
		         "INSERT INTO property_ratings(org_id, person_id, year, score, comment,"
		         " created_at, updated_at, district_id) VALUES (?, ?, ?, ?, ?, ?, ?,"
		         " (SELECT district_id FROM places WHERE id = ?))",
		         "iiiitiii", pc, people[i], (int64_t)year, (int64_t)scores[i % 12],
		         comments[i % 12], now - (int64_t)(i + 5) * DAY,
		         now - (int64_t)(i + 5) * DAY, community)) != XF_OK)
			return rc;
	}
	return XF_OK;
}

static const struct {
	const char *name;
	const char *category;
	const char *service;
	int served;
} new_orgs[] = {
    {"邻里互助会", "life", "上门维修小家电", 46},
    {"书法社", "culture", "周末少儿书法课", 120},
    {"慈善义工联合会", "charity", "困难家庭冬衣募捐", 85},
    {"调解志愿者协会", "affairs", "邻里纠纷调解", 23},
};

static int incubate(struct db *db, int64_t inc, int64_t place, const char *prefix, int k,
                    int64_t staff, int64_t now, const int64_t *people, int n, struct xf_err *err)
{
	char name[128], code[48];
	int64_t org;
	snprintf(name, sizeof name, "%s%s", prefix, new_orgs[k].name);
	snprintf(code, sizeof code, "SO-%lld-%d", (long long)inc, k + 1);
	int rc = db_int(db, err, &org,
	                "INSERT INTO orgs(code, name, kind, line, place_id, domain, district_id,"
	                " created_at) VALUES (?, ?, 'social_org', 'org', ?, 'social', (SELECT"
	                " district_id FROM places WHERE id = ?), ?) RETURNING id",
	                "ttiii", code, name, place, place, now - 400 * DAY);
	if (rc == XF_OK)
		rc = db_run(
		    db, err,
		    "INSERT INTO incubations(incubator_id, org_id, category, status, started_at,"
		    " graduated_at) VALUES (?, ?, ?, ?, ?, NULLIF(?, 0))",
		    "iittii", inc, org, new_orgs[k].category, k == 2 ? "graduated" : "incubating",
		    now - 360 * DAY, k == 2 ? now - 30 * DAY : 0);
	for (int m = 0; rc == XF_OK && m < 3; m++)
		rc = db_run(db, err,
		            "INSERT INTO org_services(org_id, place_id, title, served, held_at,"
		            " created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
		            "iitiiii", org, place, new_orgs[k].service,
		            (int64_t)(new_orgs[k].served / 3 + (int)rnd(10)),
		            now - (300 - m * 90) * DAY, staff, now - (300 - m * 90) * DAY);
	for (int v = 0; rc == XF_OK && v < n && v < 4 + k; v++)
		rc = db_run(
		    db, err,
		    "INSERT INTO org_volunteers(org_id, person_id, joined_at) VALUES (?, ?, ?)"
		    " ON CONFLICT DO NOTHING",
		    "iii", org, people[(v * 5 + k) % n], now - 300 * DAY);
	return rc;
}

static int seed_incubators(struct db *db, int64_t staff, int64_t now, struct xf_err *err)
{
	static const struct {
		const char *code, *name, *prefix;
	} centres[] = {
	    {"420200000000", "黄石市社会组织孵化基地", "黄石市"},
	    {"420203000000", "西塞山区社会组织服务中心", "西塞山区"},
	    {"420203009000", "澄月街道社会组织孵化园", "澄月街道"},
	    {"420203009002", "大智路社区社会组织孵化站", "大智路"},
	    {"420205003001", "友爱街社区社会组织孵化站", "友爱街"},
	};
	int64_t people[64];
	int n = residents(db, code_id(db, "420203009002"), false, people, 64, err);
	if (n < 0)
		return err->status;
	for (size_t c = 0; c < XF_ARRAY_LEN(centres); c++) {
		int64_t place = code_id(db, centres[c].code), inc;
		if (!place)
			continue;
		int rc = db_int(db, err, &inc,
		                "INSERT INTO incubators(place_id, name, address, created_at,"
		                " district_id) VALUES (?, ?, ?, ?, (SELECT district_id FROM places"
		                " WHERE id = ?)) RETURNING id",
		                "ittii", place, centres[c].name, "党群服务中心二楼",
		                now - 500 * DAY, place);
		if (rc != XF_OK)
			return rc;
		/* The community's existing volunteer team is incubated at its own station. */
		rc = db_run(
		    db, err,
		    "INSERT INTO incubations(incubator_id, org_id, category, status, started_at)"
		    " SELECT ?, o.id, 'elderly', 'incubating', ? FROM orgs o WHERE o.place_id ="
		    " ? AND o.kind = 'social_org'",
		    "iii", inc, now - 420 * DAY, place);
		for (int k = 0; rc == XF_OK && k < 4; k++)
			if ((c < 3 || k < 2) &&
			    (rc = incubate(db, inc, place, centres[c].prefix, (k + (int)c) % 4,
			                   staff, now, people, n, err)) != XF_OK)
				return rc;
		if (rc != XF_OK)
			return rc;
	}
	/* 三社联动 on a case: the community, its volunteer team and a social worker. */
	int64_t dazhi = code_id(db, "420203009002"), kase = 0, org = 0, worker = 0;
	struct xf_err e;
	db_int(db, &e, &kase, "SELECT min(id) FROM cases WHERE community_id = ?", "i", dazhi);
	db_int(db, &e, &org, "SELECT min(id) FROM orgs WHERE place_id = ? AND kind = 'social_org'",
	       "i", dazhi);
	db_int(db, &e, &worker, "SELECT min(person_id) FROM cadres WHERE place_id = ?", "i", dazhi);
	if (kase && org && worker)
		return db_run(
		    db, err,
		    "INSERT INTO sansha_links(subject, subject_id, place_id, org_id, worker_id,"
		    " note, created_by, created_at) VALUES ('case', ?, ?, ?, ?, '社工牵头评估"
		    "需求，志愿服务队每天送餐上门，社区负责协调助餐点', ?, ?)",
		    "iiiiii", kase, dazhi, org, worker, staff, now - 60 * DAY);
	return XF_OK;
}

static const struct {
	const char *kind, *audience, *title, *body;
	int days_ago;
} notices[] = {
    {"community", "residents", "关于开展冬季消防安全检查的通知",
     "本周六上午，社区联合物业对各楼栋消防通道、电动车充电情况进行检查，请居民提前清理楼道"
     "堆放物品。独居老人家中的取暖设施由网格员上门查看。",
     2},
    {"party", "members", "党员冬训学习安排",
     "本月党员冬训分三次集中学习，地点在党群服务中心二楼会议室。行动不便的老党员由党小组长"
     "上门送学。",
     6},
    {"community", "residents", "2027 年“我爱我楼”公益创投开始申报",
     "欢迎楼栋议事会、居民小组和社会组织申报让楼栋更好的小项目，截止日期见社区公告栏。", 10},
    {"party", "residents", "身边的榜样：楼栋长王阿姨的十年",
     "王阿姨当了十年楼栋长，"
     "组织邻居修好了楼道灯，"
     "每天陪独居的李奶奶聊天。",
     30},
    {"community", "residents", "三季度三方联动会议承诺事项办理情况公示",
     "保洁整改方案已实施，垃圾分类入户宣传完成，物业合同续签前的满意度调查正在进行。", 45},
    {"community", "residents", "社区卫生服务站周末义诊",
     "本周日上午在社区广场义诊，"
     "测血压、血糖，请带好医保卡。",
     80},
};

static int seed_notices(struct db *db, int64_t community, int64_t staff, int64_t now,
                        struct xf_err *err)
{
	int64_t readers[16];
	int nr = 0, rc;
	struct db_stmt *st =
	    db_prep(db,
	            "SELECT DISTINCT u.id FROM users u JOIN grants g ON g.user_id ="
	            " u.id JOIN places p ON p.id = g.place_id JOIN places c ON c.id"
	            " = ? WHERE substr(p.path, 1, length(c.path)) = c.path ORDER BY"
	            " u.id",
	            err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, community);
	while ((rc = db_step(st, err)) == DB_ROW) {
		if (nr >= 16) {
			db_reset(st);
			break;
		}
		readers[nr++] = db_col_int(st, 0);
	}
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < XF_ARRAY_LEN(notices); i++) {
		int64_t nid, at = now - (int64_t)notices[i].days_ago * DAY;
		if ((rc = db_int(
		         db, err, &nid,
		         "INSERT INTO notices(place_id, kind, audience, title, body,"
		         " published_by, published_at, district_id) VALUES (?, ?, ?, ?, ?, ?, ?,"
		         " (SELECT district_id FROM places WHERE id = ?)) RETURNING id",
		         "itttti"
		         "ii",
		         community, notices[i].kind, notices[i].audience, notices[i].title,
		         notices[i].body, staff, at, community)) != XF_OK)
			return rc;
		/* Older notices have been read by more of the accounts here; the newest by none,
		 * so a demo resident finds something unread. */
		for (int r = 0; i > 0 && r < nr && r < (int)i * 2; r++)
			if ((rc = db_run(
			         db, err,
			         "INSERT INTO notice_reads(notice_id, user_id, read_at) VALUES (?,"
			         " ?, ?) ON CONFLICT DO NOTHING",
			         "iii", nid, readers[r], at + 3600 * (r + 1))) != XF_OK)
				return rc;
	}
	return XF_OK;
}

int civic_demo(struct db *db, bool city, int64_t now, struct xf_err *err)
{
	(void)city;
	rng = 0x5eed0009;
	int64_t admin = user_id(db, "admin"), jiedao = user_id(db, "jiedao");
	int64_t shequ = user_id(db, "shequ");
	struct actor sys = {admin, "admin", code_id(db, "420200000000"), 0};
	for (size_t s = 0; s < XF_ARRAY_LEN(seeds); s++) {
		int64_t community = code_id(db, seeds[s]);
		if (!community)
			continue;
		int64_t staff = s == 0 && shequ ? shequ : admin;
		int rc;
		if ((rc = seed_conventions(db, community, staff, now, err)) != XF_OK ||
		    (rc = seed_ventures(db, community, staff, jiedao ? jiedao : admin, &sys, now,
		                        err)) != XF_OK ||
		    (rc = seed_tripartite(db, community, staff, now, err)) != XF_OK ||
		    (rc = seed_notices(db, community, staff, now, err)) != XF_OK)
			return rc;
	}
	return seed_incubators(db, shequ ? shequ : admin, now, err);
}
