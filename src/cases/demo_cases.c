/* The demo city's year of 民情: cases in every community that has households, from every
 * channel, most closed and rated, some open, a few overdue, returned, rated unsatisfied,
 * sent in by 12345 or addressed to the delegates' studio, with a consistent timeline each.
 * Deterministic (a fixed LCG), written directly (no notifications for the past). */
#include "cases.h"

#include <stdio.h>
#include <string.h>

static uint64_t rng = 0x2545F4914F6CDD1Dull;

static uint32_t rnd(uint32_t n)
{
	rng = rng * 6364136223846793005ull + 1442695040888963407ull;
	return n ? (uint32_t)((rng >> 33) % n) : 0;
}

static const struct {
	const char *category, *title, *text, *reply;
	int weight;
} topics[] = {
    {"sanitation", "楼道堆放杂物", "楼道里堆了纸箱和旧家具，影响通行，也有火灾隐患。",
     "已联系楼栋长和物业，杂物已清理，张贴了禁止堆放的提示。", 14},
    {"sanitation", "垃圾清运不及时", "小区东门垃圾桶两天没清运，气味很大。",
     "已协调环卫增加清运频次，改为每日两次。", 10},
    {"road_light", "路灯不亮", "小区主干道有三盏路灯晚上不亮，老人夜里出行不安全。",
     "已报修，三盏路灯更换了灯头，恢复照明。", 8},
    {"road_light", "井盖松动", "单元门口的井盖踩上去晃动，有响声。", "市政已更换井盖并加固。", 4},
    {"property", "电梯经常停运", "8 栋电梯一周停了两次，老人上下楼困难。",
     "物业已更换电梯控制板，并约定每月维保。", 8},
    {"property", "门禁损坏", "2 单元门禁坏了一个多月，陌生人随意进出。", "物业已更换门禁主机。", 5},
    {"neighbour", "楼上装修噪音", "楼上装修中午和晚上也在施工，影响休息。",
     "网格员上门沟通，装修方承诺按规定时间施工。", 7},
    {"neighbour", "楼上漏水", "卫生间天花板渗水，楼上住户联系不上。",
     "联系到楼上业主，已修复防水层。", 5},
    {"elderly_care", "独居老人需要助餐", "82 岁独居老人腿脚不便，希望社区提供助餐。",
     "已纳入社区长者食堂送餐名单，志愿者每日送餐。", 6},
    {"public_order", "消防通道被占", "夜间有车辆长期停在消防通道。",
     "联合物业划线并劝离，设置了隔离桩。", 7},
    {"water_power", "停水", "3 栋今天早上开始停水，没有通知。", "供水公司抢修管网，已恢复供水。",
     6},
    {"water_power", "楼道灯坏了", "楼道感应灯全都不亮。", "物业电工已更换感应灯。", 4},
    {"policy", "咨询低保申请", "家里老人生病，想了解低保怎么申请。",
     "已上门讲解政策并协助准备材料。", 5},
    {"old_estate", "希望加装电梯", "老楼六层没有电梯，居民愿意出资加装。",
     "已纳入老旧小区改造计划，召开了居民协商会。", 3},
    {"safety_hazard", "闻到燃气味", "厨房附近闻到燃气味。", "燃气公司已上门检修，更换了阀门。", 2},
};

static const char *const channels[] = {"mobile", "mobile",  "mobile",  "mobile",         "staff",
                                       "staff",  "station", "mailbox", "building_group", "12345"};

struct tier {
	int64_t dispatch, feedback;
};

static int tier_of(struct db *db, const char *category, struct tier *t, struct xf_err *err)
{
	struct db_stmt *st = db_prep(db,
	                             "SELECT coalesce(t.dispatch_s, 0), t.feedback_s FROM"
	                             " case_categories c JOIN case_tiers t ON t.tier = c.tier WHERE"
	                             " c.code = ?",
	                             err);
	if (!st)
		return err->status;
	db_bind_text(st, 1, category);
	int rc = db_step(st, err);
	if (rc != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_EINTERNAL, "demo", "no category %s", category);
	t->dispatch = db_col_int(st, 0);
	t->feedback = db_col_int(st, 1);
	db_reset(st);
	return XF_OK;
}

static int ev(struct db *db, int64_t id, const char *action, const char *from, const char *to,
              int64_t actor, const char *role, int64_t place, const char *text, const char *detail,
              int64_t at, struct xf_err *err)
{
	struct db_stmt *st = db_prep(
	    db,
	    "INSERT INTO case_events(case_id, action, from_status, to_status, actor_user_id,"
	    " actor_role, place_id, text, detail, created_at, district_id) VALUES (?, ?, ?, ?, ?, "
	    "?,"
	    " ?, ?, ?, ?, (SELECT district_id FROM places WHERE id = ?))",
	    err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, action);
	db_bind_text(st, 3, from);
	db_bind_text(st, 4, to);
	if (actor)
		db_bind_int(st, 5, actor);
	else
		db_bind_null(st, 5);
	db_bind_text(st, 6, role);
	db_bind_int(st, 7, place);
	db_bind_text(st, 8, text);
	db_bind_text(st, 9, detail);
	db_bind_int(st, 10, at);
	db_bind_int(st, 11, place);
	int rc = db_step(st, err);
	return rc == DB_DONE ? XF_OK : rc;
}

struct community {
	int64_t id, street, handler, studio;
	char lo[256], hi[256];
	int64_t households[64], people[64];
	int nh;
};

/* One case's whole story, ending in `fate`. */
enum fate {
	F_OPEN_SUBMITTED,
	F_OPEN_ACCEPTED,
	F_OPEN_ASSIGNED,
	F_REPLIED,
	F_CLOSED,
	F_CLOSED_AFTER_UNSATISFIED,
	F_RETURNED_CLOSED,
	F_OVERDUE
};

static int one_case(struct db *db, const struct community *c, int64_t reporter_user,
                    int64_t reporter_person, int64_t household, int topic, const char *channel,
                    enum fate fate, int64_t created, int64_t studio, int serial, struct xf_err *err)
{
	struct tier t = {0, 0};
	int rc = tier_of(db, topics[topic].category, &t, err);
	if (rc != XF_OK)
		return rc;
	bool staff_entry = strcmp(channel, "mobile") != 0 && strcmp(channel, "12345") != 0;
	char ext[32];
	snprintf(ext, sizeof ext, "GD2026%06d", serial);
	int64_t accepted = created + 600 + rnd(t.dispatch ? (uint32_t)t.dispatch / 2 : 7200);
	int64_t replied = accepted + 3600 + rnd((uint32_t)(t.feedback / 2));
	int64_t rated = replied + 3600 + rnd(86400 * 2);
	const char *status = "closed", *rating = NULL;
	int64_t round = 1, unsatisfied = 0, escalations = 0;
	switch (fate) {
	case F_OPEN_SUBMITTED:
		status = "submitted";
		break;
	case F_OPEN_ACCEPTED:
		status = "accepted";
		break;
	case F_OPEN_ASSIGNED:
		status = "assigned";
		break;
	case F_REPLIED:
		status = "replied";
		break;
	case F_OVERDUE:
		status = "accepted";
		break;
	case F_CLOSED:
	case F_RETURNED_CLOSED:
		rating = rnd(10) < 8 ? "satisfied" : "basically_satisfied";
		break;
	case F_CLOSED_AFTER_UNSATISFIED:
		rating = "satisfied";
		round = 2;
		unsatisfied = 1;
		break;
	}
	int64_t due = created + t.feedback, dispatch_due = t.dispatch ? created + t.dispatch : 0;
	if (fate == F_CLOSED_AFTER_UNSATISFIED)
		due = rated + t.feedback;
	int64_t closed_at = strcmp(status, "closed") == 0
	                        ? (fate == F_CLOSED_AFTER_UNSATISFIED ? rated + 5 * 86400 : rated)
	                        : 0;
	uint64_t h = (uint64_t)(serial + 1) * 0x9E3779B97F4A7C15ull;
	bool sampled = closed_at && (int)((h >> 32) % 100) < 10;
	bool open = strcmp(status, "replied") != 0 && strcmp(status, "closed") != 0;
	struct db_stmt *st = db_prep(
	    db,
	    "INSERT INTO cases(category, title, description, place_id, community_id,"
	    " handling_place_id, status, channel, public, reporter_user_id, reporter_person_id,"
	    " entered_by, external_source, external_id, studio_org_id, round, unsatisfied, rating,"
	    " rated_round, escalations, dispatch_due_at, due_at, sla_due_at, accepted_at,"
	    " replied_at, replied_by, closed_at, sampled, followup_outcome, created_at, updated_at,"
	    " district_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
	    "?,"
	    " ?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT district_id FROM places WHERE id = ?)) RETURNING "
	    "id",
	    err);
	if (!st)
		return err->status;
	int k = 1;
	db_bind_text(st, k++, topics[topic].category);
	db_bind_text(st, k++, topics[topic].title);
	db_bind_text(st, k++, topics[topic].text);
	db_bind_int(st, k++, household);
	db_bind_int(st, k++, c->id);
	db_bind_int(st, k++, c->id);
	db_bind_text(st, k++, status);
	db_bind_text(st, k++, channel);
	db_bind_int(st, k++, closed_at && rnd(3) == 0); /* some closed cases shown in public */
	if (reporter_user)
		db_bind_int(st, k++, reporter_user);
	else
		db_bind_null(st, k++);
	if (reporter_person)
		db_bind_int(st, k++, reporter_person);
	else
		db_bind_null(st, k++);
	if (staff_entry && c->handler)
		db_bind_int(st, k++, c->handler);
	else
		db_bind_null(st, k++);
	if (strcmp(channel, "12345") == 0) {
		db_bind_text(st, k++, "12345");
		db_bind_text(st, k++, ext);
	} else {
		db_bind_null(st, k++);
		db_bind_null(st, k++);
	}
	if (studio)
		db_bind_int(st, k++, studio);
	else
		db_bind_null(st, k++);
	db_bind_int(st, k++, round);
	db_bind_int(st, k++, unsatisfied);
	db_bind_text(st, k++, rating);
	db_bind_int(st, k++, rating ? round : 0);
	db_bind_int(st, k++, escalations);
	if (dispatch_due)
		db_bind_int(st, k++, dispatch_due);
	else
		db_bind_null(st, k++);
	db_bind_int(st, k++, due);
	db_bind_int(st, k++, created + t.feedback);
	if (fate == F_OPEN_SUBMITTED)
		db_bind_null(st, k++);
	else
		db_bind_int(st, k++, accepted);
	bool has_reply = !open;
	if (has_reply) {
		db_bind_int(st, k++, replied);
		if (c->handler)
			db_bind_int(st, k++, c->handler);
		else
			db_bind_null(st, k++);
	} else {
		db_bind_null(st, k++);
		db_bind_null(st, k++);
	}
	if (closed_at)
		db_bind_int(st, k++, closed_at);
	else
		db_bind_null(st, k++);
	db_bind_int(st, k++, sampled);
	db_bind_text(st, k++, sampled && rnd(4) != 0 ? "satisfied" : NULL);
	db_bind_int(st, k++, created);
	db_bind_int(st, k++, closed_at ? closed_at : has_reply ? replied : accepted);
	db_bind_int(st, k++, household);
	if ((rc = db_step(st, err)) != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_EDB, "db_error", "demo case");
	int64_t id = db_col_int(st, 0);
	db_reset(st);
	/* The timeline, as it happened. */
	char detail[64];
	snprintf(detail, sizeof detail, "{\"channel\":\"%s\"}", channel);
	int64_t submitter = staff_entry ? c->handler : reporter_user;
	if ((rc = ev(db, id, "submit", "", "submitted", submitter,
	             staff_entry ? "community_official" : "", c->id, "", detail, created, err)) !=
	    XF_OK)
		return rc;
	if (fate == F_OPEN_SUBMITTED)
		return XF_OK;
	if (fate == F_RETURNED_CLOSED) {
		int64_t at = created + 1800;
		if ((rc = ev(db, id, "return", "submitted", "returned", 0, "dept_handler", c->id,
		             "不属于本单位职责，退回社区重新分派", "", at, err)) != XF_OK)
			return rc;
		accepted = at + 1800;
	}
	if ((rc = ev(db, id, "accept", fate == F_RETURNED_CLOSED ? "returned" : "submitted",
	             "accepted", c->handler, "community_official", c->id, "", "", accepted, err)) !=
	    XF_OK)
		return rc;
	if (fate == F_OPEN_ACCEPTED || fate == F_OVERDUE)
		return XF_OK;
	const char *cur = "accepted";
	if (fate == F_OPEN_ASSIGNED || rnd(3) == 0) {
		if ((rc = ev(db, id, "assign", "accepted", "assigned", c->handler,
		             "community_official", c->id, "请网格员上门核实处理", "",
		             accepted + 900, err)) != XF_OK)
			return rc;
		if (fate == F_OPEN_ASSIGNED)
			return XF_OK;
		cur = "assigned";
	}
	if ((rc = ev(db, id, "reply", cur, "replied", c->handler, "community_official", c->id,
	             topics[topic].reply, "", replied, err)) != XF_OK)
		return rc;
	if (fate == F_REPLIED)
		return XF_OK;
	if (fate == F_CLOSED_AFTER_UNSATISFIED) {
		if ((rc = ev(db, id, "rate", "replied", "reopened", reporter_user, "resident",
		             c->id, "问题还没有彻底解决",
		             "{\"rating\":\"unsatisfied\",\"round\":1}", rated, err)) != XF_OK ||
		    (rc = ev(db, id, "accept", "reopened", "accepted", c->handler,
		             "community_official", c->id, "", "", rated + 3600, err)) != XF_OK ||
		    (rc = ev(db, id, "reply", "accepted", "replied", c->handler,
		             "community_official", c->id, "再次上门处理，问题已解决。", "",
		             rated + 3 * 86400, err)) != XF_OK)
			return rc;
		rated += 5 * 86400;
	}
	char rd[64];
	snprintf(rd, sizeof rd, "{\"rating\":\"%s\",\"round\":%lld}", rating, (long long)round);
	if ((rc = ev(db, id, "rate", "replied", "closed", reporter_user, "resident", c->id, "", rd,
	             closed_at, err)) != XF_OK)
		return rc;
	return XF_OK;
}

static enum fate pick_fate(int64_t age_days)
{
	uint32_t r = rnd(100);
	if (age_days < 2)
		return r < 35   ? F_OPEN_SUBMITTED
		       : r < 60 ? F_OPEN_ACCEPTED
		       : r < 80 ? F_OPEN_ASSIGNED
		                : F_REPLIED;
	if (age_days < 7)
		return r < 15   ? F_OPEN_ACCEPTED
		       : r < 35 ? F_OPEN_ASSIGNED
		       : r < 60 ? F_REPLIED
		                : F_CLOSED;
	if (age_days < 40 && r < 4)
		return F_OVERDUE;
	return r < 6 ? F_CLOSED_AFTER_UNSATISFIED : r < 10 ? F_RETURNED_CLOSED : F_CLOSED;
}

static int pick_topic(void)
{
	int total = 0;
	for (size_t i = 0; i < XF_ARRAY_LEN(topics); i++)
		total += topics[i].weight;
	int r = (int)rnd((uint32_t)total);
	for (size_t i = 0; i < XF_ARRAY_LEN(topics); i++) {
		if (r < topics[i].weight)
			return (int)i;
		r -= topics[i].weight;
	}
	return 0;
}

int cases_demo(struct db *db, bool city, int64_t now, int64_t *count, struct xf_err *err)
{
	*count = 0;
	rng = 0x2545F4914F6CDD1Dull;
	struct db_stmt *st =
	    db_prep(db, "SELECT id, path FROM places WHERE kind = 'community' ORDER BY id", err);
	if (!st)
		return err->status;
	static struct community cs[512];
	int n = 0, rc;
	while (n < 512 && (rc = db_step(st, err)) == DB_ROW) {
		cs[n].id = db_col_int(st, 0);
		snprintf(cs[n].lo, sizeof cs[n].lo, "%s", db_col_text(st, 1));
		memcpy(cs[n].hi, cs[n].lo, sizeof cs[n].hi);
		cs[n].hi[strlen(cs[n].hi) - 1] = '0';
		n++;
	}
	if (rc < 0)
		return rc;
	db_reset(st);
	int64_t jumin = 0, jumin_person = 0, dazhi = 0, studio = 0;
	struct xf_err e;
	db_int(db, &e, &jumin, "SELECT id FROM users WHERE username = 'jumin'", "");
	db_int(db, &e, &jumin_person, "SELECT person_id FROM users WHERE username = 'jumin'", "");
	db_int(db, &e, &dazhi, "SELECT id FROM places WHERE code = '420203009002'", "");
	db_int(db, &e, &studio, "SELECT id FROM orgs WHERE code = 'DS420203009002'", "");
	int serial = 0;
	for (int i = 0; i < n; i++) {
		struct community *c = &cs[i];
		c->nh = 0;
		c->handler = 0;
		/* The community's own worker, when the demo has an account there. */
		db_int(db, &e, &c->handler,
		       "SELECT min(g.user_id) FROM grants g WHERE g.place_id = ? AND g.role ="
		       " 'community_official'",
		       "i", c->id);
		st = db_prep(
		    db,
		    "SELECT h.id, (SELECT min(pe.id) FROM people pe WHERE pe.place_id = h.id)"
		    " FROM places h WHERE h.kind = 'household' AND h.path >= ? AND h.path < ?"
		    " ORDER BY h.id LIMIT 64",
		    err);
		if (!st)
			return err->status;
		db_bind_text(st, 1, c->lo);
		db_bind_text(st, 2, c->hi);
		while (c->nh < 64 && (rc = db_step(st, err)) == DB_ROW) {
			c->households[c->nh] = db_col_int(st, 0);
			c->people[c->nh] = db_col_int(st, 1);
			c->nh++;
		}
		if (rc < 0)
			return rc;
		db_reset(st);
		if (!c->nh)
			continue;
		/* A year: the seed's communities busier than the rest. */
		int cases = c->handler ? 60 : city ? 24 : 12;
		for (int k = 0; k < cases; k++) {
			/* A busy recent fortnight on top of the year, so queues have work. */
			int64_t age = rnd(100) < 15 ? rnd(14) : 1 + rnd(364);
			int64_t created = now - age * 86400 - rnd(36000);
			int hh = (int)rnd((uint32_t)c->nh);
			const char *channel = channels[rnd(XF_ARRAY_LEN(channels))];
			int64_t studio_id = c->id == dazhi && k % 12 == 0 ? studio : 0;
			if ((rc = one_case(db, c, 0, c->people[hh], c->households[hh], pick_topic(),
			                   channel, pick_fate(age), created, studio_id, serial++,
			                   err)) != XF_OK)
				return rc;
			(*count)++;
		}
		/* 孙秀英 (jumin) has her own: one closed and rated, one awaiting her rating, one
		 * being handled. */
		if (c->id == dazhi && jumin) {
			int64_t home = 0;
			db_int(db, &e, &home, "SELECT place_id FROM people WHERE id = ?", "i",
			       jumin_person);
			if (!home)
				home = c->households[0];
			const struct {
				int topic;
				enum fate fate;
				int days;
			} mine[] = {{4, F_CLOSED, 60}, {2, F_REPLIED, 2}, {0, F_OPEN_ACCEPTED, 1}};
			for (size_t m = 0; m < XF_ARRAY_LEN(mine); m++) {
				if ((rc = one_case(db, c, jumin, jumin_person, home, mine[m].topic,
				                   "mobile", mine[m].fate,
				                   now - mine[m].days * 86400, 0, serial++, err)) !=
				    XF_OK)
					return rc;
				(*count)++;
			}
		}
	}
	return XF_OK;
}
