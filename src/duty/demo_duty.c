/* The demo city's year of delegates and 书记工程: a 党代表工作室 in the seed communities
 * (大智路's already exists; 友爱街 is left without one on purpose) each with 5–7 stationed
 * delegates, their visits and receptions, two half-years of 述职评议 (the latest with one
 * report still waiting for its scores), 询问质询 (one answered per studio) and a few of the
 * community's cases addressed to the studio; duty lists at the city, every district, the
 * seed communities' streets and the seed communities, some done and some overdue; joint
 * meetings at four levels and the city's and a district's leading groups, their decisions
 * followed up; 挂点领导 at the seed streets and communities; red-line violations, most
 * handled; and the street's quarterly site reviews. Deterministic. */
#include "duty_int.h"
#include "../registry/registry.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define DAY 86400

static const char *const seeds[] = {"420203009002", "420205003001", "420202005003", "420205003006",
                                    "420202007003"};

static int64_t place_of(struct db *db, const char *code)
{
	struct xf_err e;
	int64_t id = 0;
	db_int(db, &e, &id, "SELECT id FROM places WHERE code = ?", "t", code);
	return id;
}

static int64_t parent_of(struct db *db, int64_t place)
{
	struct xf_err e;
	int64_t id = 0;
	db_int(db, &e, &id, "SELECT coalesce(parent_id, 0) FROM places WHERE id = ?", "i", place);
	return id;
}

/* ---- delegates ---- */

static const char *const topics[] = {
    "走访独居老人，了解助餐需求", "调研老旧小区加装电梯意愿",       "走访辖区企业，听取用工难题",
    "调研背街小巷路灯照明",       "走访困难家庭，了解子女就学情况", "调研社区停车难问题",
    "走访驻区单位，商议共建项目", "调研垃圾分类推行情况",
};
static const char *const receptions[] = {
    "接待居民反映楼道堆物问题", "接待居民反映物业收费问题", "接待居民咨询医保政策",
    "接待居民反映噪音扰民",     "接待居民反映下水道堵塞",
};
static const char *const reports[] = {
    "半年来走访群众，收集意见建议，督促解决加装电梯、路灯维修等实事，按时参加工作室接待日。",
    "围绕老旧小区改造开展调研，提出建议并跟踪落实；接待群众来访，件件有回音。",
    "参加社区党建联席会议，督办群众反映的停车难问题，推动施划车位。",
};
static const struct {
	const char *kind, *target, *subject, *content, *answer;
} inquiries[] = {
    {"inquiry", "区住建局", "老旧小区改造进度", "辖区 3 个小区列入改造计划，何时开工？",
     "已完成设计招标，预计下季度开工，工期 6 个月。"},
    {"interpellation", "区城管局", "背街小巷垃圾清运不及时",
     "居民多次反映清运不及时，请说明原因和整改措施。", ""},
};

static int seed_delegates(struct db *db, int64_t studio, int64_t community, int want, int64_t now,
                          struct xf_err *err)
{
	int64_t have = 0;
	int rc = db_int(db, err, &have,
	                "SELECT count(*) FROM positions WHERE org_id = ? AND post = 'delegate' AND"
	                " ended_at IS NULL",
	                "i", studio);
	if (rc != XF_OK || have >= want)
		return rc;
	/* Party members living in the community (its path range: indexed at city scale), without
	 * an account, not yet delegates. */
	char lo[256], hi[256];
	if ((rc = registry_subtree(db, community, lo, hi, err)) != XF_OK)
		return rc;
	struct db_stmt *st = db_prep(
	    db,
	    "SELECT pe.id FROM places h JOIN people pe ON pe.place_id = h.id JOIN party_members pm"
	    " ON pm.person_id = pe.id WHERE h.path >= ? AND h.path < ? AND pe.id NOT IN (SELECT"
	    " person_id FROM users WHERE person_id IS NOT NULL) AND pe.id NOT IN (SELECT person_id"
	    " FROM positions WHERE post = 'delegate') ORDER BY pe.id LIMIT 10",
	    err);
	if (!st)
		return err->status;
	db_bind_text(st, 1, lo);
	db_bind_text(st, 2, hi);
	int64_t pick[10];
	int n = 0;
	while (n < 10 && (rc = db_step(st, err)) == DB_ROW)
		pick[n++] = db_col_int(st, 0);
	if (rc < 0)
		return rc;
	db_reset(st);
	for (int k = 0; k < n && have < want; k++, have++)
		if ((rc = db_run(
		         db, err,
		         "INSERT INTO positions(person_id, org_id, post, started_at) VALUES (?,"
		         " ?, 'delegate', ?)",
		         "iii", pick[k], studio, now - (400 + 30 * k) * DAY)) != XF_OK)
			return rc;
	return XF_OK;
}

/* The last two finished half-years (Beijing time): [0] the older, [1] the latest. */
static void halves(int64_t now, int64_t year[2], int64_t half[2])
{
	time_t t = (time_t)(now + 8 * 3600);
	struct tm tm;
	gmtime_r(&t, &tm);
	int64_t y = tm.tm_year + 1900, h = tm.tm_mon < 6 ? 1 : 2;
	/* The latest finished half is the one before the current. */
	year[1] = h == 1 ? y - 1 : y;
	half[1] = h == 1 ? 2 : 1;
	year[0] = half[1] == 1 ? year[1] - 1 : year[1];
	half[0] = half[1] == 1 ? 2 : 1;
}

static int studio_year(struct db *db, int64_t studio, int64_t community, int s, int64_t staff,
                       int64_t now, struct xf_err *err)
{
	int64_t district = duty_district_of(db, community), year[2], half[2];
	halves(now, year, half);
	struct db_stmt *st = db_prep(db,
	                             "SELECT person_id FROM positions WHERE org_id = ? AND post ="
	                             " 'delegate' AND ended_at IS NULL ORDER BY id LIMIT 10",
	                             err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, studio);
	int64_t who[10];
	int n = 0, rc;
	while (n < 10 && (rc = db_step(st, err)) == DB_ROW)
		who[n++] = db_col_int(st, 0);
	if (rc < 0)
		return rc;
	db_reset(st);
	for (int k = 0; k < n; k++) {
		for (int v = 0; v < 5; v++) {
			bool visit = v < 3;
			int t = (s * 7 + k * 3 + v) % (visit ? 8 : 5);
			rc = db_run(
			    db, err,
			    "INSERT INTO delegate_visits(studio_org_id, person_id, kind, held_at,"
			    " topic, summary, people, created_by, created_at, district_id) VALUES"
			    " (?, ?, ?, ?, ?, ?, ?, NULLIF(?, 0), ?, ?)",
			    "iitittiiii", studio, who[k], visit ? "visit" : "reception",
			    now - (10 + 67 * v + 11 * k) * DAY, visit ? topics[t] : receptions[t],
			    visit ? "形成调研记录，问题已转社区办理" : "当场答复，登记跟踪",
			    (int64_t)(visit ? 6 + k : 1 + v % 3), staff,
			    now - (10 + 67 * v + 11 * k) * DAY, district);
			if (rc != XF_OK)
				return rc;
		}
		/* The older half scored for everyone; the latest scored but for the last delegate's
		 * report, which waits for the community's scores. */
		for (int h = 0; h < 2; h++) {
			bool pending = h == 1 && k == n - 1;
			int64_t score = 72 + (k * 7 + s * 5 + h * 3) % 27;
			const char *grade = score >= 90   ? "excellent"
			                    : score >= 75 ? "good"
			                                  : "pass";
			if (pending)
				rc = db_run(
				    db, err,
				    "INSERT INTO delegate_reviews(studio_org_id, person_id, year,"
				    " half, report, status, created_at, district_id) VALUES (?, ?,"
				    " ?, ?, ?, 'reported', ?, ?)",
				    "iiiitii", studio, who[k], year[h], half[h],
				    reports[(k + h) % 3], now - 5 * DAY, district);
			else
				rc = db_run(
				    db, err,
				    "INSERT INTO delegate_reviews(studio_org_id, person_id, year,"
				    " half, report, status, score, grade, comment, scored_by,"
				    " scored_at, created_at, district_id) VALUES (?, ?, ?, ?, ?,"
				    " 'scored', ?, ?, ?, NULLIF(?, 0), ?, ?, ?)",
				    "iiiitittiiii", studio, who[k], year[h], half[h],
				    reports[(k + h) % 3], score, grade,
				    score >= 90 ? "群众评价高" : "履职认真，建议多到网格走访",
				    staff, now - (h ? 3 : 185) * DAY, now - (h ? 8 : 190) * DAY,
				    district);
			if (rc != XF_OK)
				return rc;
		}
	}
	for (size_t q = 0; q < XF_ARRAY_LEN(inquiries) && n; q++) {
		bool answered = *inquiries[q].answer != 0;
		rc = db_run(
		    db, err,
		    "INSERT INTO delegate_inquiries(studio_org_id, person_id, kind, target,"
		    " subject, content, status, answer, answered_by, answered_at, created_by,"
		    " created_at, district_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULLIF(?, 0),"
		    " NULLIF(?, 0), NULLIF(?, 0), ?, ?)",
		    "iittttttiiiii", studio, who[q % (size_t)n], inquiries[q].kind,
		    inquiries[q].target, inquiries[q].subject, inquiries[q].content,
		    answered ? "answered" : "open", inquiries[q].answer, answered ? staff : 0,
		    answered ? now - 20 * DAY : 0, staff, now - (40 - 15 * (int64_t)q) * DAY,
		    district);
		if (rc != XF_OK)
			return rc;
	}
	return XF_OK;
}

static int studios(struct db *db, int64_t now, struct xf_err *err)
{
	int64_t staff = 0;
	struct xf_err e;
	db_int(db, &e, &staff, "SELECT id FROM users WHERE username = 'shequ'", "");
	for (size_t s = 0; s < XF_ARRAY_LEN(seeds); s++) {
		int64_t community = place_of(db, seeds[s]), studio = 0;
		if (!community || strcmp(seeds[s], "420205003001") == 0)
			continue;
		char code[32];
		snprintf(code, sizeof code, "DS%s", seeds[s]);
		int rc = db_int(db, &e, &studio, "SELECT id FROM orgs WHERE code = ?", "t", code);
		if (rc == XF_ENOTFOUND) {
			char name[160], pname[96] = "";
			struct db_stmt *st =
			    db_prep(db, "SELECT name FROM places WHERE id = ?", err);
			if (!st)
				return err->status;
			db_bind_int(st, 1, community);
			if (db_step(st, err) == DB_ROW) {
				snprintf(pname, sizeof pname, "%s", db_col_text(st, 0));
				db_reset(st);
			}
			snprintf(name, sizeof name, "%s党代表工作室", pname);
			struct org_in in = {.code = code,
			                    .name = name,
			                    .kind = "delegate_studio",
			                    .domain = "",
			                    .built_on = "",
			                    .place_id = community,
			                    .now = now - 500 * DAY};
			if ((rc = registry_org_create(db, &in, &studio, err)) != XF_OK)
				return rc;
			/* A few of the community's cases were addressed to the new studio. */
			if ((rc = db_run(
			         db, err,
			         "UPDATE cases SET studio_org_id = ? WHERE id IN (SELECT id FROM"
			         " cases WHERE community_id = ? AND studio_org_id IS NULL ORDER"
			         " BY id LIMIT 3)",
			         "ii", studio, community)) != XF_OK)
				return rc;
		} else if (rc != XF_OK) {
			*err = e;
			return rc;
		}
		if ((rc = seed_delegates(db, studio, community, 5 + (int)(s % 3), now, err)) !=
		        XF_OK ||
		    (rc = studio_year(db, studio, community, (int)s, staff, now, err)) != XF_OK)
			return rc;
	}
	return XF_OK;
}

/* ---- 书记工程 ---- */

static const struct {
	const char *list, *title, *owner;
} city_items[] =
    {
        {"task", "全市党群服务中心提档升级全面达标", "市委组织部"},
        {"task", "“两新”组织党的组织覆盖百日攻坚", "市委两新工委"},
        {"responsibility", "市级领导挂点联系街道社区全覆盖", "市委办公室"},
        {"responsibility", "服务群众专项经费足额拨付到社区", "市财政局"},
        {"problem", "部分社区工作者待遇低于当地平均工资", "市人社局"},
        {"problem", "个别社区党群服务中心面积不足 1000 平方米", "市委组织部"},
},
  district_items[] =
      {
          {"task", "区级党建联席会议每季度召开一次", "区委组织部"},
          {"responsibility", "驻区单位到社区报到率达到 100%", "区直机关工委"},
          {"problem", "老旧小区业委会组建率偏低", "区住建局"},
},
  street_items[] =
      {
          {"task", "街道大工委成员单位年度共建项目落地", "街道党工委"},
          {"responsibility", "网格党支部书记全部由社区“两委”成员担任", "街道党工委"},
          {"problem", "辖区 2 个小区物业服务投诉集中", "街道城管办"},
},
  community_items[] = {
      {"task", "楼栋党小组“两长五员一户”配齐", "社区党委"},
      {"task", "每月社区工作日活动组织到位", "社区党委"},
      {"responsibility", "民情诉求 2 小时内分派", "社区居委会"},
      {"problem", "小区东门夜间照明不足", "社区居委会"},
};

/* Items at a place: cycle through the table; the first is overdue, every third done. */
static int items_at(struct db *db, int64_t place, const char *const lists[],
                    const char *const titles[], const char *const owners[], int n, int salt,
                    int64_t now, struct xf_err *err)
{
	for (int k = 0; k < n; k++) {
		int64_t created = now - (120 - 9 * k - salt % 7) * DAY;
		bool overdue = k == 0, done = k % 3 == 2;
		struct duty_item_in in = {.place_id = place,
		                          .list = lists[k],
		                          .title = titles[k],
		                          .content = "",
		                          .owner = owners[k],
		                          .due_at = overdue ? now - (5 + salt % 9) * DAY
		                                            : now + (20 + 10 * k) * DAY,
		                          .now = created};
		int64_t id;
		int rc = duty_item_insert(db, &in, &id, err);
		if (rc == XF_OK && (done || overdue))
			rc = db_run(
			    db, err,
			    "INSERT INTO duty_notes(item_id, note, done, created_at) VALUES (?, ?,"
			    " ?, ?)",
			    "itii", id, done ? "已办结，材料已归档" : "正在协调，进度滞后",
			    (int64_t)done, now - 3 * DAY);
		if (rc == XF_OK && done)
			rc = db_run(
			    db, err,
			    "UPDATE duty_items SET status = 'done', done_at = ? WHERE id = ?", "ii",
			    now - 3 * DAY, id);
		if (rc != XF_OK)
			return rc;
	}
	return XF_OK;
}

#define ITEMS_AT(db, place, table, salt, now, err)                                                 \
	(__extension__({                                                                           \
		const char *l_[8], *t_[8], *o_[8];                                                 \
		int n_ = (int)XF_ARRAY_LEN(table);                                                 \
		for (int i_ = 0; i_ < n_; i_++) {                                                  \
			l_[i_] = table[i_].list;                                                   \
			t_[i_] = table[i_].title;                                                  \
			o_[i_] = table[i_].owner;                                                  \
		}                                                                                  \
		items_at(db, place, l_, t_, o_, n_, salt, now, err);                               \
	}))

static int meeting(struct db *db, int64_t place, const char *body, const char *title,
                   const char *agenda, int64_t held, const char *d1, const char *o1, const char *d2,
                   const char *o2, int64_t now, struct xf_err *err)
{
	struct db_stmt *st =
	    db_prep(db,
	            "INSERT INTO joint_meetings(place_id, body, title, held_at, agenda, attendees,"
	            " created_at, district_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
	            err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, place);
	db_bind_text(st, 2, body);
	db_bind_text(st, 3, title);
	db_bind_int(st, 4, held);
	db_bind_text(st, 5, agenda);
	db_bind_text(st, 6, "成员单位负责人、驻区单位党组织书记、社区书记代表");
	db_bind_int(st, 7, held);
	int64_t district = duty_district_of(db, place);
	if (district)
		db_bind_int(st, 8, district);
	else
		db_bind_null(st, 8);
	int rc = db_step(st, err);
	if (rc != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_EDB, "db_error", "保存失败");
	int64_t id = db_col_int(st, 0), item;
	db_reset(st);
	struct duty_item_in a = {.place_id = place,
	                         .list = "task",
	                         .title = d1,
	                         .owner = o1,
	                         .due_at = held + 30 * DAY,
	                         .meeting_id = id,
	                         .now = held},
	                    b = {.place_id = place,
	                         .list = "task",
	                         .title = d2,
	                         .owner = o2,
	                         .due_at = held + 120 * DAY,
	                         .meeting_id = id,
	                         .now = held};
	if ((rc = duty_item_insert(db, &a, &item, err)) != XF_OK)
		return rc;
	/* The first decision followed up and done (when its time has come). */
	if (held + 30 * DAY < now &&
	    ((rc = db_run(db, err,
	                  "INSERT INTO duty_notes(item_id, note, done, created_at) VALUES (?,"
	                  " '按期完成，已在下次会议通报', 1, ?)",
	                  "ii", item, held + 25 * DAY)) != XF_OK ||
	     (rc =
	          db_run(db, err, "UPDATE duty_items SET status = 'done', done_at = ? WHERE id = ?",
	                 "ii", held + 25 * DAY, item)) != XF_OK))
		return rc;
	return duty_item_insert(db, &b, &item, err);
}

static int meetings(struct db *db, int64_t city, int64_t district, int64_t street,
                    int64_t community, int64_t now, struct xf_err *err)
{
	int rc;
	if ((rc = meeting(db, city, "leading_group", "市委城市基层党建工作领导小组会议",
	                  "研究部署年度书记工程任务清单", now - 150 * DAY,
	                  "印发年度任务清单、责任清单、问题清单", "市委组织部",
	                  "建立市级领导挂点联系制度", "市委办公室", now, err)) != XF_OK ||
	    (rc = meeting(db, city, "joint_meeting", "市党建联席会议（第二季度）",
	                  "通报各区书记工程进展；研究党群服务中心提档升级", now - 100 * DAY,
	                  "各区报送提档升级项目清单", "各区委组织部", "督办问题清单销号",
	                  "市委督查室", now, err)) != XF_OK)
		return rc;
	if (district &&
	    ((rc = meeting(db, district, "leading_group", "区委城市基层党建工作领导小组会议",
	                   "分解市级任务清单", now - 140 * DAY, "制定区级责任清单", "区委组织部",
	                   "落实社区工作者薪酬待遇", "区人社局", now, err)) != XF_OK ||
	     (rc = meeting(db, district, "joint_meeting", "区党建联席会议", "驻区单位双报到推进",
	                   now - 80 * DAY, "驻区单位报到情况通报", "区直机关工委",
	                   "共建项目年底前全部落地", "各街道党工委", now, err)) != XF_OK))
		return rc;
	if (street && (rc = meeting(db, street, "joint_meeting", "街道大工委联席会议",
	                            "研究辖区停车难和物业服务问题", now - 60 * DAY,
	                            "协调驻区单位错时开放停车位", "街道党工委",
	                            "约谈物业服务投诉集中的企业", "街道城管办", now, err)) != XF_OK)
		return rc;
	if (community && (rc = meeting(db, community, "joint_meeting", "社区大党委联席会议",
	                               "加装电梯意见征集；楼道堆物清理", now - 45 * DAY,
	                               "完成 3 栋楼加装电梯意见征集", "社区居委会",
	                               "组织党员清理楼道堆物", "网格党支部", now, err)) != XF_OK)
		return rc;
	return XF_OK;
}

/* The quarterly reviews a street (or a community, among its grids) held this year. Findings
 * at a grid are the community's items (duty lists stop at the community). */
static int site_reviews(struct db *db, int64_t street, const char *site_kind, int64_t now,
                        struct xf_err *err)
{
	time_t t = (time_t)(now + 8 * 3600);
	struct tm tm;
	gmtime_r(&t, &tm);
	int64_t year = tm.tm_year + 1900, quarter = tm.tm_mon / 3 + 1;
	static const char *const seen[] = {"党群服务中心“制度下墙、服务上墙”未到位",
	                                   "楼栋党小组活动记录不全",
	                                   "小区垃圾分类亭破损",
	                                   "网格员入户走访台账与实际不符",
	                                   "共建项目公示牌缺失",
	                                   "老年活动室长期上锁"};
	struct db_stmt *q =
	    db_prep(db,
	            "SELECT CASE WHEN kind = 'grid' THEN parent_id ELSE id END FROM places WHERE"
	            " parent_id = ? AND kind = ? ORDER BY id LIMIT 3",
	            err);
	if (!q)
		return err->status;
	db_bind_int(q, 1, street);
	db_bind_text(q, 2, site_kind);
	int64_t sites[3];
	int n = 0, rc;
	while (n < 3 && (rc = db_step(q, err)) == DB_ROW)
		sites[n++] = db_col_int(q, 0);
	if (rc < 0)
		return rc;
	db_reset(q);
	if (!n)
		return XF_OK;
	/* Every finished quarter of this year (and last year's fourth when in the first). */
	for (int64_t k = 1; k <= (strcmp(site_kind, "grid") == 0 ? 1 : 3); k++) {
		int64_t qq = quarter - k, yy = year;
		if (qq < 1) {
			qq += 4;
			yy--;
		}
		if (k > 1 && yy < year)
			break;
		int64_t held = now - (k * 90 - 40) * DAY, review;
		char title[64];
		snprintf(title, sizeof title, "第%lld季度现场观摩会", (long long)qq);
		struct db_stmt *st = db_prep(
		    db,
		    "INSERT INTO site_reviews(place_id, year, quarter, title, held_at, host, "
		    "created_at,"
		    " district_id) VALUES (?, ?, ?, ?, ?, CASE WHEN ? = 'grid' THEN '社区党委书记'"
		    " ELSE '街道党工委书记' END, ?, ?) RETURNING id",
		    err);
		if (!st)
			return err->status;
		db_bind_int(st, 1, street);
		db_bind_int(st, 2, yy);
		db_bind_int(st, 3, qq);
		db_bind_text(st, 4, title);
		db_bind_int(st, 5, held);
		db_bind_text(st, 6, site_kind);
		db_bind_int(st, 7, held);
		int64_t district = duty_district_of(db, street);
		if (district)
			db_bind_int(st, 8, district);
		else
			db_bind_null(st, 8);
		if ((rc = db_step(st, err)) != DB_ROW)
			return rc < 0 ? rc : xf_fail(err, XF_EDB, "db_error", "保存失败");
		review = db_col_int(st, 0);
		db_reset(st);
		for (int f = 0; f < 2; f++) {
			int64_t item;
			struct duty_item_in in = {.place_id = sites[(k + f) % n],
			                          .list = "problem",
			                          .title = seen[(2 * k + f) % 6],
			                          .content = "现场交办，限期整改",
			                          .owner = "社区党委",
			                          .due_at = held + (f ? 60 : 20) * DAY,
			                          .review_id = review,
			                          .now = held};
			if ((rc = duty_item_insert(db, &in, &item, err)) != XF_OK)
				return rc;
			if (f == 0 &&
			    ((rc = db_run(db, err,
			                  "INSERT INTO duty_notes(item_id, note, done, created_at)"
			                  " VALUES (?, '当场办：已整改到位，复查通过', 1, ?)",
			                  "ii", item, held + 10 * DAY)) != XF_OK ||
			     (rc = db_run(
			          db, err,
			          "UPDATE duty_items SET status = 'done', done_at = ? WHERE id ="
			          " ?",
			          "ii", held + 10 * DAY, item)) != XF_OK))
				return rc;
		}
	}
	return XF_OK;
}

static int instructors_and_red_lines(struct db *db, int64_t street, int64_t now, struct xf_err *err)
{
	static const char *const titles[] = {"市委常委、组织部部长", "副市长", "区委书记",
	                                     "区委副书记", "区人大常委会主任"};
	int rc;
	int64_t places[6];
	int np = 0;
	if (street)
		places[np++] = street;
	for (size_t s = 0; s < XF_ARRAY_LEN(seeds) && np < 6; s++) {
		int64_t c = place_of(db, seeds[s]);
		if (c)
			places[np++] = c;
	}
	for (int k = 0; k < np && k < 5; k++) {
		/* A leader from the city's people (a resident without an account or a post). */
		int64_t person = 0;
		struct xf_err e;
		if (db_int(
		        db, &e, &person,
		        "SELECT min(pe.id) FROM people pe WHERE pe.id NOT IN (SELECT person_id FROM"
		        " users WHERE person_id IS NOT NULL) AND pe.id NOT IN (SELECT person_id"
		        " FROM positions) AND pe.id NOT IN (SELECT person_id FROM instructors) AND"
		        " pe.id > ?",
		        "i", (int64_t)(k * 37)) != XF_OK ||
		    !person)
			continue;
		if ((rc = db_run(db, err,
		                 "INSERT INTO instructors(place_id, person_id, title, started_at,"
		                 " district_id) VALUES (?, ?, ?, ?, ?)",
		                 "iitii", places[k], person, titles[k], now - (300 - 20 * k) * DAY,
		                 duty_district_of(db, places[k]))) != XF_OK)
			return rc;
	}
	static const struct {
		int line;
		const char *subject, *description, *handling;
	} v[] = {
	    {19, "某网格员", "居民反映诉求“只签收不办理”，超期 10 天未处理",
	     "约谈提醒，诉求已重新分派并办结"},
	    {25, "某社区", "要求楼栋长每日在工作群打卡拍照", "已取消打卡要求，向街道作出说明"},
	    {13, "某社区干部", "接受物业企业节日礼品", ""},
	};
	for (size_t k = 0; k < XF_ARRAY_LEN(v); k++) {
		int64_t place = place_of(db, seeds[k % XF_ARRAY_LEN(seeds)]), line = 0;
		struct xf_err e;
		if (!place || db_int(db, &e, &line, "SELECT id FROM red_lines WHERE ord = ?", "i",
		                     (int64_t)v[k].line) != XF_OK)
			continue;
		bool handled = *v[k].handling != 0;
		if ((rc = db_run(
		         db, err,
		         "INSERT INTO red_line_violations(red_line_id, place_id, subject,"
		         " description, found_at, status, handling, created_at, district_id)"
		         " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
		         "iittittii", line, place, v[k].subject, v[k].description,
		         now - (50 - 15 * (int64_t)k) * DAY, handled ? "handled" : "reported",
		         v[k].handling, now - (50 - 15 * (int64_t)k) * DAY,
		         duty_district_of(db, place))) != XF_OK)
			return rc;
		if (handled &&
		    (rc = db_run(db, err,
		                 "UPDATE red_line_violations SET handled_at = ? WHERE id ="
		                 " (SELECT max(id) FROM red_line_violations)",
		                 "i", now - (40 - 15 * (int64_t)k) * DAY)) != XF_OK)
			return rc;
	}
	return XF_OK;
}

int duty_demo(struct db *db, bool city, int64_t now, struct xf_err *err)
{
	(void)city;
	int rc = studios(db, now, err);
	if (rc != XF_OK)
		return rc;
	int64_t root = 0;
	struct xf_err e;
	db_int(db, &e, &root, "SELECT min(id) FROM places WHERE parent_id IS NULL", "");
	if (!root)
		return XF_OK;
	if ((rc = ITEMS_AT(db, root, city_items, 1, now, err)) != XF_OK)
		return rc;
	/* Every district (bounded), the seed communities' streets and the seed communities. */
	struct db_stmt *st =
	    db_prep(db, "SELECT id FROM places WHERE kind = 'district' ORDER BY id LIMIT 20", err);
	if (!st)
		return err->status;
	int64_t districts[20];
	int nd = 0;
	while (nd < 20 && (rc = db_step(st, err)) == DB_ROW)
		districts[nd++] = db_col_int(st, 0);
	if (rc < 0)
		return rc;
	db_reset(st);
	for (int k = 0; k < nd; k++)
		if ((rc = ITEMS_AT(db, districts[k], district_items, 2 + k, now, err)) != XF_OK)
			return rc;
	int64_t done_streets[8];
	int ns = 0;
	for (size_t s = 0; s < XF_ARRAY_LEN(seeds); s++) {
		int64_t c = place_of(db, seeds[s]);
		if (!c)
			continue;
		int64_t street = parent_of(db, c);
		bool seen = false;
		for (int k = 0; k < ns; k++)
			seen |= done_streets[k] == street;
		if (street && !seen && ns < 8) {
			done_streets[ns++] = street;
			if ((rc = ITEMS_AT(db, street, street_items, 3 + ns, now, err)) != XF_OK)
				return rc;
		}
		if ((rc = ITEMS_AT(db, c, community_items, 5 + (int)s, now, err)) != XF_OK)
			return rc;
	}
	int64_t dazhi = place_of(db, "420203009002"), street = dazhi ? parent_of(db, dazhi) : 0;
	int64_t district = street ? parent_of(db, street) : 0;
	if ((rc = meetings(db, root, district, street, dazhi, now, err)) != XF_OK ||
	    (street && (rc = site_reviews(db, street, "community", now, err)) != XF_OK) ||
	    (dazhi && (rc = site_reviews(db, dazhi, "grid", now, err)) != XF_OK))
		return rc;
	return instructors_and_red_lines(db, street, now, err);
}
