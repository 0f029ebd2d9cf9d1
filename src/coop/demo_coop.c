/* The demo city's year of 双报到 and co-building, in the seed's communities: serving members
 * registered with their home community, the four units with their streets, service posts
 * and their claims, micro-wishes in every state, a year of monthly 社区工作日 with confirmed
 * rosters (verified hours, and points by the ledger's rules), each unit's 2026 agreement with
 * its three lists, and the seed's story: 黄石公交集团 needed five drivers and 沈家营's
 * job-seekers with a bus licence filled the posts. Deterministic. */
#include "coop.h"
#include "../points/points.h"

#include <stdio.h>
#include <string.h>

static const char *const seeds[] = {"420203009002", "420205003001", "420202005003", "420205003006",
                                    "420202007003"};

static uint64_t rng;

static uint32_t rnd(uint32_t n)
{
	rng = rng * 6364136223846793005ull + 1442695040888963407ull;
	return n ? (uint32_t)((rng >> 33) % n) : 0;
}

struct seed {
	int64_t id, district;
	char lo[256], hi[256];
	int64_t members[64];
	int nmembers;
	int64_t residents[64];
	int nresidents;
};

static int load_seed(struct db *db, const char *code, struct seed *s, struct xf_err *err)
{
	memset(s, 0, sizeof *s);
	struct db_stmt *st = db_prep(
	    db, "SELECT id, path, coalesce(district_id, 0) FROM places WHERE code = ?", err);
	if (!st)
		return err->status;
	db_bind_text(st, 1, code);
	int rc = db_step(st, err);
	if (rc != DB_ROW)
		return rc < 0 ? rc : XF_OK;
	s->id = db_col_int(st, 0);
	snprintf(s->lo, sizeof s->lo, "%s", db_col_text(st, 1));
	s->district = db_col_int(st, 2);
	db_reset(st);
	memcpy(s->hi, s->lo, sizeof s->hi);
	s->hi[strlen(s->hi) - 1] = '0';
	/* Serving members living here (not the demo accounts' people: they act live). */
	st = db_prep(db,
	             "SELECT pm.person_id FROM party_members pm JOIN people pe ON pe.id ="
	             " pm.person_id JOIN places h ON h.id = pe.place_id WHERE h.path >= ? AND"
	             " h.path < ? AND pm.person_id NOT IN (SELECT person_id FROM users WHERE"
	             " person_id IS NOT NULL) ORDER BY pm.person_id LIMIT 64",
	             err);
	if (!st)
		return err->status;
	db_bind_text(st, 1, s->lo);
	db_bind_text(st, 2, s->hi);
	while (s->nmembers < 64 && (rc = db_step(st, err)) == DB_ROW)
		s->members[s->nmembers++] = db_col_int(st, 0);
	if (rc < 0)
		return rc;
	db_reset(st);
	st = db_prep(db,
	             "SELECT pe.id FROM people pe JOIN places h ON h.id = pe.place_id WHERE h.path"
	             " >= ? AND h.path < ? AND pe.birth_year < 1966 AND pe.id NOT IN (SELECT"
	             " person_id FROM party_members) ORDER BY pe.id LIMIT 64",
	             err);
	if (!st)
		return err->status;
	db_bind_text(st, 1, s->lo);
	db_bind_text(st, 2, s->hi);
	while (s->nresidents < 64 && (rc = db_step(st, err)) == DB_ROW)
		s->residents[s->nresidents++] = db_col_int(st, 0);
	if (rc < 0)
		return rc;
	db_reset(st);
	return XF_OK;
}

static int64_t last_id(struct db *db, struct xf_err *err, const char *table)
{
	int64_t id = 0;
	if (strcmp(table, "activities") == 0)
		db_int(db, err, &id, "SELECT max(id) FROM activities", "");
	else if (strcmp(table, "wishes") == 0)
		db_int(db, err, &id, "SELECT max(id) FROM wishes", "");
	else if (strcmp(table, "agreements") == 0)
		db_int(db, err, &id, "SELECT max(id) FROM agreements", "");
	else if (strcmp(table, "list_items") == 0)
		db_int(db, err, &id, "SELECT max(id) FROM list_items", "");
	return id;
}

static const struct {
	const char *title, *text, *note;
} wishes[] = {
    {"想学用智能手机挂号", "子女不在身边，希望有人教我用手机挂号", "上门教了两次，已能自己挂号"},
    {"家里水龙头漏水", "独居，不会修，想请人帮忙换个水龙头", "买了新龙头并装好"},
    {"孩子暑假想找个书法老师", "家里困难，孩子喜欢写字", "每周六辅导一次，坚持了一个暑假"},
    {"想要一台旧电脑", "孙子上网课没有电脑", "单位捐了一台旧笔记本并装好系统"},
    {"希望有人陪老伴去医院复查", "老伴行动不便，需要有人推轮椅", "陪同复查并办好了手续"},
    {"阳台晾衣架坏了", "晾衣架断了一根，没法晾被子", "换了新的晾衣杆"},
    {"想学做智能手机视频通话", "想和外地的孙子视频", "教会了微信视频"},
    {"家门口台阶太高", "老人进出不方便，希望加个扶手", "协调物业装了扶手"},
};

static const struct {
	const char *title, *desc, *schedule;
	int capacity;
} posts[] = {
    {"楼道文明劝导岗", "劝导楼道堆物、电动车进楼", "每周六上午", 4},
    {"老年人助餐配送岗", "为独居老人送餐", "工作日中午", 5},
    {"政策宣传岗", "讲解医保、养老政策", "每月第一个周日", 3},
    {"矛盾调解岗", "协助调解邻里纠纷", "按需", 3},
};

static int seed_coop(struct db *db, struct seed *s, int64_t now, struct xf_err *err)
{
	int rc;
	/* Serving members with an employer report to their home community (approved). */
	rc = db_run(
	    db, err,
	    "INSERT INTO registrations(kind, person_id, place_id, status, decided_at,"
	    " created_at, district_id) SELECT 'member', pm.person_id, ?, 'approved', ?, ?, ?"
	    " FROM party_members pm JOIN people pe ON pe.id = pm.person_id JOIN places h ON"
	    " h.id = pe.place_id WHERE h.path >= ? AND h.path < ? AND pm.status = 'serving'"
	    " AND pm.employer_org_id IS NOT NULL AND pm.person_id NOT IN (SELECT person_id"
	    " FROM users WHERE person_id IS NOT NULL)",
	    "iiiitt", s->id, now - 300 * 86400, now - 301 * 86400, s->district, s->lo, s->hi);
	if (rc != XF_OK)
		return rc;
	/* Posts, each half claimed. */
	for (size_t p = 0; p < XF_ARRAY_LEN(posts); p++) {
		int64_t post = 0;
		if ((rc = db_run(db, err,
		                 "INSERT INTO service_posts(place_id, title, description, schedule,"
		                 " capacity, created_at, district_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
		                 "itttiii", s->id, posts[p].title, posts[p].desc, posts[p].schedule,
		                 (int64_t)posts[p].capacity, now - 280 * 86400, s->district)) !=
		        XF_OK ||
		    (rc = db_int(db, err, &post, "SELECT max(id) FROM service_posts", "")) != XF_OK)
			return rc;
		for (int k = 0; k < posts[p].capacity / 2 + 1 && k < s->nmembers; k++)
			if ((rc = db_run(db, err,
			                 "INSERT INTO post_claims(post_id, person_id, negative_ack,"
			                 " created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
			                 "iiii", post,
			                 s->members[(p * 3 + (size_t)k) % (size_t)s->nmembers],
			                 now - 270 * 86400, now - 270 * 86400)) != XF_OK)
				return rc;
	}
	/* A year of monthly workdays: 8–14 members each, confirmed, two to two and a half
	 * hours; points by the service-hours rule. */
	for (int m = 12; m >= 1 && s->nmembers; m--) {
		int64_t starts = now - m * 30 * 86400 - (now % 86400) + 3600, id;
		char title[64];
		snprintf(title, sizeof title, "社区工作日（%d 个月前）", m);
		if ((rc = db_run(
		         db, err,
		         "INSERT INTO activities(place_id, kind, title, description, starts_at,"
		         " ends_at, capacity, secret, confirmed_at, created_at, district_id)"
		         " VALUES (?, 'workday', ?, '组团式服务：理发、义诊、家电维修、政策宣传',"
		         " ?, ?, 40, ?, ?, ?, ?)",
		         "itiitiii", s->id, title, starts, starts + 9000,
		         "00000000000000000000000000000000", starts + 10000, starts - 7 * 86400,
		         s->district)) != XF_OK)
			return rc;
		id = last_id(db, err, "activities");
		int n = 8 + (int)rnd(7);
		char ref[40];
		snprintf(ref, sizeof ref, "activity:%lld", (long long)id);
		for (int k = 0; k < n && k < s->nmembers; k++) {
			int64_t person = s->members[(k * 5 + m) % s->nmembers];
			int64_t minutes = 120 + 10 * (int64_t)rnd(4);
			if ((rc = db_run(
			         db, err,
			         "INSERT INTO activity_signups(activity_id, person_id, status,"
			         " arrived_at, arrived_by, minutes, created_at) VALUES (?, ?,"
			         " 'signed', ?, ?, ?, ?) ON CONFLICT DO NOTHING",
			         "iiitii", id, person, starts + 300, k % 3 ? "code" : "roster",
			         minutes, starts - 3 * 86400)) != XF_OK ||
			    (rc = points_outcome(db, "service_hours", ref, person, minutes / 60,
			                         starts + 10000, err)) != XF_OK)
				return rc;
		}
	}
	/* Wishes in every state. */
	for (size_t w = 0; w < XF_ARRAY_LEN(wishes) && s->nresidents && s->nmembers; w++) {
		int64_t person = s->residents[w % (size_t)s->nresidents];
		int64_t created = now - (int64_t)(w * 30 + 5) * 86400;
		static const char *const states[] = {"confirmed", "confirmed", "confirmed",
		                                     "fulfilled", "claimed",   "approved",
		                                     "posted",    "confirmed"};
		const char *status = states[w];
		bool claimed = strcmp(status, "approved") != 0 && strcmp(status, "posted") != 0;
		int64_t member = s->members[(w * 7) % (size_t)s->nmembers];
		struct db_stmt *st = db_prep(
		    db,
		    "INSERT INTO wishes(place_id, community_id, person_id, title, description, "
		    "status,"
		    " claimed_person, claimed_at, due_at, fulfilled_at, fulfil_note, rating,"
		    " confirmed_at, created_at, district_id) VALUES ((SELECT place_id FROM people "
		    "WHERE"
		    " id = ?), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		    err);
		if (!st)
			return err->status;
		int k = 1;
		db_bind_int(st, k++, person);
		db_bind_int(st, k++, s->id);
		db_bind_int(st, k++, person);
		db_bind_text(st, k++, wishes[w].title);
		db_bind_text(st, k++, wishes[w].text);
		db_bind_text(st, k++, status);
		if (claimed) {
			db_bind_int(st, k++, member);
			db_bind_int(st, k++, created + 86400);
		} else {
			db_bind_null(st, k++);
			db_bind_null(st, k++);
		}
		if (strcmp(status, "posted") != 0)
			db_bind_int(st, k++, created + 15 * 86400);
		else
			db_bind_null(st, k++);
		bool fulfilled =
		    strcmp(status, "fulfilled") == 0 || strcmp(status, "confirmed") == 0;
		if (fulfilled)
			db_bind_int(st, k++, created + 5 * 86400);
		else
			db_bind_null(st, k++);
		db_bind_text(st, k++, fulfilled ? wishes[w].note : "");
		bool confirmed = strcmp(status, "confirmed") == 0;
		db_bind_text(st, k++,
		             confirmed ? (w % 3 ? "satisfied" : "basically_satisfied") : NULL);
		if (confirmed)
			db_bind_int(st, k++, created + 6 * 86400);
		else
			db_bind_null(st, k++);
		db_bind_int(st, k++, created);
		db_bind_int(st, k++, s->district);
		if ((rc = db_step(st, err)) != DB_DONE)
			return rc < 0 ? rc : xf_fail(err, XF_EDB, "db_error", "demo wish");
		if (confirmed) {
			char ref[40];
			snprintf(ref, sizeof ref, "wish:%lld",
			         (long long)last_id(db, err, "wishes"));
			if ((rc = points_outcome(db, "wish_fulfilled", ref, member, 1,
			                         created + 6 * 86400, err)) != XF_OK)
				return rc;
		}
	}
	return XF_OK;
}

static int item(struct db *db, int64_t ag, const char *side, const char *list, const char *category,
                const char *title, const char *content, int64_t quantity, const char *tags,
                const char *status, const char *claimed_side, int64_t progress, int64_t now,
                int64_t *id, struct xf_err *err)
{
	struct db_stmt *st = db_prep(
	    db,
	    "INSERT INTO list_items(agreement_id, side, list, category, title, content, quantity,"
	    " tags, status, claimed_side, commitment, claimed_at, progress, done_at, created_at)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
	    err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, ag);
	db_bind_text(st, 2, side);
	db_bind_text(st, 3, list);
	db_bind_text(st, 4, category);
	db_bind_text(st, 5, title);
	db_bind_text(st, 6, content);
	db_bind_int(st, 7, quantity);
	db_bind_text(st, 8, tags);
	db_bind_text(st, 9, status);
	db_bind_text(st, 10, claimed_side);
	db_bind_text(st, 11, claimed_side ? "按协议约定的时间和数量完成" : "");
	if (claimed_side)
		db_bind_int(st, 12, now - 200 * 86400);
	else
		db_bind_null(st, 12);
	db_bind_int(st, 13, progress);
	if (strcmp(status, "done") == 0)
		db_bind_int(st, 14, now - 60 * 86400);
	else
		db_bind_null(st, 14);
	db_bind_int(st, 15, now - 300 * 86400);
	int rc = db_step(st, err);
	if (rc != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_EDB, "db_error", "demo item");
	*id = db_col_int(st, 0);
	db_reset(st);
	return XF_OK;
}

/* Each seed unit's 2026 agreement with its street, and the bus-driver story. */
static int agreements(struct db *db, int64_t now, struct xf_err *err)
{
	static const char *const units[] = {"91420200U00001", "91420200U00002", "91420200U00003",
	                                    "91420200U00004"};
	int64_t bus_need = 0, bus_place = 0;
	int rc;
	for (size_t u = 0; u < XF_ARRAY_LEN(units); u++) {
		int64_t org = 0, street = 0, district = 0, ag, id;
		struct xf_err e;
		if (db_int(db, &e, &org, "SELECT id FROM orgs WHERE code = ?", "t", units[u]) !=
		    XF_OK)
			continue;
		/* The street above the unit's community. */
		if ((rc = db_int(
		         db, err, &street,
		         "SELECT s.id FROM orgs o JOIN places c ON c.id = o.place_id JOIN places"
		         " s ON s.id = c.parent_id WHERE o.id = ?",
		         "i", org)) != XF_OK ||
		    (rc = db_int(db, err, &district,
		                 "SELECT coalesce(district_id, 0) FROM places WHERE id = ?", "i",
		                 street)) != XF_OK)
			return rc;
		if ((rc = db_run(
		         db, err,
		         "INSERT INTO registrations(kind, org_id, place_id, status, decided_at,"
		         " created_at, district_id) VALUES ('unit', ?, ?, 'approved', ?, ?, ?)",
		         "iiiii", org, street, now - 320 * 86400, now - 321 * 86400, district)) !=
		        XF_OK ||
		    (rc = db_run(
		         db, err,
		         "INSERT INTO agreements(unit_org_id, place_id, year, title, signed_at,"
		         " created_at, district_id) VALUES (?, ?, 2026, '2026 年度区域化党建共建"
		         "协议', ?, ?, ?)",
		         "iiiii", org, street, now - 310 * 86400, now - 320 * 86400, district)) !=
		        XF_OK)
			return rc;
		ag = last_id(db, err, "agreements");
		if ((rc = item(db, ag, "unit", "resource", "阵地", "职工活动中心周末向居民开放",
		               "每周六、日 9:00–17:00", 1, "", "claimed", "community", 0, now, &id,
		               err)) != XF_OK ||
		    (rc = item(db, ag, "community", "need", "志愿", "为独居老人上门服务",
		               "每月一次，每次 5 名党员", 12, "", "claimed", "unit", 9, now, &id,
		               err)) != XF_OK ||
		    (rc = item(db, ag, "community", "resource", "场地", "社区党群服务中心会议室",
		               "单位开会、培训可预约使用", 1, "", "open", NULL, 0, now, &id,
		               err)) != XF_OK ||
		    (rc = item(db, ag, "unit", "service", "项目", "“我爱我楼”楼道微改造",
		               "出资并派员参与三栋楼的楼道改造", 3, "", "done", "community", 3, now,
		               &id, err)) != XF_OK)
			return rc;
		if (u == 0) {
			/* 黄石公交集团 could not recruit drivers. */
			if ((rc = item(db, ag, "unit", "need", "就业", "招聘公交驾驶员",
			               "持 A1 驾照，身体健康，可接受早晚班", 5,
			               "job_seeker,licence_a1", "done", "community", 5, now,
			               &bus_need, err)) != XF_OK)
				return rc;
			bus_place = street;
		}
	}
	if (!bus_need)
		return XF_OK;
	/* 沈家营's job-seekers with an A1 licence: proposed, forwarded by their community, five
	 * hired within the week. */
	struct db_stmt *st = db_prep(
	    db,
	    "SELECT pe.id FROM people pe JOIN places h ON h.id = pe.place_id JOIN places c ON"
	    " c.code = '420202005003' WHERE substr(h.path, 1, length(c.path)) = c.path AND"
	    " pe.birth_year BETWEEN 1970 AND 2000 ORDER BY pe.id DESC LIMIT 8",
	    err);
	if (!st)
		return err->status;
	int64_t seekers[8];
	int n = 0;
	while (n < 8 && (rc = db_step(st, err)) == DB_ROW)
		seekers[n++] = db_col_int(st, 0);
	if (rc < 0)
		return rc;
	db_reset(st);
	int64_t shequ3 = 0;
	struct xf_err e;
	db_int(db, &e, &shequ3, "SELECT id FROM users WHERE username = 'shequ3'", "");
	for (int i = 0; i < n; i++) {
		const char *status = i < 5 ? "hired" : i < 6 ? "declined" : "proposed";
		if ((rc = db_run(db, err,
		                 "INSERT INTO person_tags(person_id, tag) VALUES (?, 'job_seeker'),"
		                 " (?, 'licence_a1') ON CONFLICT DO NOTHING",
		                 "ii", seekers[i], seekers[i])) != XF_OK ||
		    (rc =
		         db_run(db, err,
		                "INSERT INTO matches(item_id, person_id, score, status, decided_by,"
		                " updated_at, created_at) VALUES (?, ?, 80, ?, ?, ?, ?)",
		                "iitiii", bus_need, seekers[i], status, shequ3, now - 240 * 86400,
		                now - 247 * 86400)) != XF_OK)
			return rc;
	}
	(void)bus_place;
	return XF_OK;
}

int coop_demo(struct db *db, bool city, int64_t now, struct xf_err *err)
{
	rng = 0x9E3779B97F4A7C15ull;
	int64_t jumin = 0, jumin_person = 0;
	struct xf_err e;
	db_int(db, &e, &jumin, "SELECT id FROM users WHERE username = 'jumin'", "");
	db_int(db, &e, &jumin_person, "SELECT person_id FROM users WHERE username = 'jumin'", "");
	int rc;
	for (size_t i = 0; i < XF_ARRAY_LEN(seeds); i++) {
		struct seed s;
		if ((rc = load_seed(db, seeds[i], &s, err)) != XF_OK)
			return rc;
		if (s.id && (rc = seed_coop(db, &s, now, err)) != XF_OK)
			return rc;
	}
	/* 孙秀英's own: a wish the community approved, waiting for a member to claim it. */
	if (jumin_person &&
	    (rc = db_run(db, err,
	                 "INSERT INTO wishes(place_id, community_id, person_id, user_id, title,"
	                 " description, status, due_at, created_at, district_id) SELECT"
	                 " pe.place_id, c.id, pe.id, ?, '想请人帮忙换灯泡', '客厅吊灯灯泡坏了，"
	                 "够不着', 'approved', ?, ?, c.district_id FROM people pe JOIN places c ON"
	                 " c.code = '420203009002' WHERE pe.id = ?",
	                 "iiii", jumin, now + 10 * 86400, now - 86400, jumin_person)) != XF_OK)
		return rc;
	if ((rc = agreements(db, now, err)) != XF_OK)
		return rc;
	int created, reminded;
	(void)city;
	return coop_tick(db, now, &created, &reminded, err);
}
