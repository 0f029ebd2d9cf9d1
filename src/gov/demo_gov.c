/* The demo city's year of 一核多元 in the seed's communities: residents' proposals with
 * comments, a meeting of each kind with attendance, minutes and decisions, decisions carried
 * out by milestones and rated by residents; closed votes counted by the rules (an owners'
 * committee election and an owners' double-majority vote on installing lifts, a household
 * vote on a building convention) with paper ballots entered and confirmed; and a vote open
 * now that 孙秀英 (jumin) can cast on her phone. Votes are cast through the same code as
 * live ones, at past times. Deterministic. */
#include "gov.h"
#include "../points/points.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY 86400

static uint64_t rng;

static uint32_t rnd(uint32_t n)
{
	rng = rng * 6364136223846793005ull + 1442695040888963407ull;
	return n ? (uint32_t)((rng >> 33) % n) : 0;
}

struct ctx {
	struct db *db;
	struct actor admin, staff, checker;
	int64_t now;
};

static int64_t place_id(struct db *db, const char *code)
{
	struct xf_err e;
	int64_t id = 0;
	if (db_int(db, &e, &id, "SELECT id FROM places WHERE code = ?", "t", code) != XF_OK)
		id = 0;
	return id;
}

/* Run an operation with a body given as JSON text; the answer's "id" in *id. */
static int op(struct ctx *c, actor_op fn, const struct actor *a, int64_t obj, int64_t at,
              const char *body, int64_t *id, struct xf_err *err)
{
	json_error_t je;
	json_t *b = body ? json_loads(body, 0, &je) : json_object(), *out = NULL;
	if (!b)
		return xf_fail(err, XF_EINTERNAL, "demo", "demo body: %s", je.text);
	int rc = fn(c->db, a, b, obj, at, &out, err);
	json_decref(b);
	if (rc == XF_OK && id)
		*id = json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	return rc;
}

static int masked_name(struct db *db, int64_t person, char *out, size_t n)
{
	struct xf_err e;
	struct db_stmt *st = db_prep(db, "SELECT name FROM people WHERE id = ?", &e);
	snprintf(out, n, "*");
	if (!st)
		return e.status;
	db_bind_int(st, 1, person);
	if (db_step(st, &e) == DB_ROW)
		points_mask_person(db_col_text(st, 0), out, n);
	db_reset(st);
	return XF_OK;
}

/* Candidates stand under their names. */
static void plain_name(struct db *db, int64_t person, char *out, size_t n)
{
	struct xf_err e;
	struct db_stmt *st = db_prep(db, "SELECT name FROM people WHERE id = ?", &e);
	snprintf(out, n, "候选人");
	if (!st)
		return;
	db_bind_int(st, 1, person);
	if (db_step(st, &e) == DB_ROW)
		snprintf(out, n, "%s", db_col_text(st, 0));
	db_reset(st);
}

/* Residents of a place (not the demo accounts' people, who act live). */
static int residents(struct db *db, int64_t place, int64_t *out, int max, int *n,
                     struct xf_err *err)
{
	struct db_stmt *st = db_prep(
	    db,
	    "SELECT pe.id FROM people pe JOIN places h ON h.id = pe.place_id JOIN places c ON c.id"
	    " = ? WHERE substr(h.path, 1, length(c.path)) = c.path AND pe.birth_year < 1990 AND"
	    " pe.id NOT IN (SELECT person_id FROM users WHERE person_id IS NOT NULL) ORDER BY"
	    " pe.id LIMIT 40",
	    err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, place);
	int rc;
	*n = 0;
	while ((rc = db_step(st, err)) == DB_ROW)
		if (*n < max)
			out[(*n)++] = db_col_int(st, 0);
	return rc < 0 ? rc : XF_OK;
}

static int proposal(struct ctx *c, int64_t place, int64_t person, const char *title,
                    const char *desc, int64_t at, int64_t *id, struct xf_err *err)
{
	char author[64];
	masked_name(c->db, person, author, sizeof author);
	struct db_stmt *st = db_prep(
	    c->db,
	    "INSERT INTO gov_proposals(place_id, source, title, description, person_id, author,"
	    " status, district_id, created_at, updated_at) VALUES (?, 'resident', ?, ?, ?, ?,"
	    " 'open', (SELECT district_id FROM places WHERE id = ?), ?, ?) RETURNING id",
	    err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, place);
	db_bind_text(st, 2, title);
	db_bind_text(st, 3, desc);
	db_bind_int(st, 4, person);
	db_bind_text(st, 5, author);
	db_bind_int(st, 6, place);
	db_bind_int(st, 7, at);
	db_bind_int(st, 8, at);
	int rc = db_step(st, err);
	if (rc != DB_ROW)
		return rc < 0 ? rc : XF_EDB;
	*id = db_col_int(st, 0);
	db_reset(st);
	return XF_OK;
}

static int comment(struct ctx *c, int64_t prop, int64_t person, const char *body, int64_t at,
                   struct xf_err *err)
{
	char author[64];
	masked_name(c->db, person, author, sizeof author);
	return db_run(
	    c->db, err,
	    "INSERT INTO gov_comments(proposal_id, author, body, created_at) VALUES (?, ?,"
	    " ?, ?)",
	    "itti", prop, author, body, at);
}

static int evaluate(struct ctx *c, int64_t decision, int64_t person, const char *rating,
                    const char *text, int64_t at, struct xf_err *err)
{
	char author[64];
	masked_name(c->db, person, author, sizeof author);
	return db_run(c->db, err,
	              "INSERT INTO gov_evaluations(decision_id, person_id, author, rating, comment,"
	              " created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
	              "iittti", decision, person, author, rating, text, at);
}

/* A meeting held at `at` with everyone but one invitee present, minutes and decisions. */
static int meeting(struct ctx *c, int64_t place, int64_t prop, const char *kind, const char *title,
                   const char *agenda, const char *invitees, const char *minutes,
                   const char *decisions, int64_t at, int64_t *decision, struct xf_err *err)
{
	char body[4096];
	int64_t id = 0;
	char propf[48] = "";
	if (prop)
		snprintf(propf, sizeof propf, ",\"proposal_id\":%lld", (long long)prop);
	snprintf(body, sizeof body,
	         "{\"place_id\":%lld,\"kind\":\"%s\",\"title\":\"%s\",\"agenda\":\"%s\","
	         "\"location\":\"社区党群服务中心议事厅\",\"starts_at\":%lld%s,\"invitees\":%s}",
	         (long long)place, kind, title, agenda, (long long)at, propf, invitees);
	int rc = op(c, gov_meeting_create, &c->admin, 0, at - 7 * DAY, body, &id, err);
	if (rc != XF_OK)
		return rc;
	/* Present: all but the last invitee. */
	int64_t first = 0, last = 0;
	if ((rc = db_int(c->db, err, &first,
	                 "SELECT min(id) FROM gov_invitees WHERE meeting_id = ?", "i", id)) !=
	        XF_OK ||
	    (rc = db_int(c->db, err, &last, "SELECT max(id) FROM gov_invitees WHERE meeting_id = ?",
	                 "i", id)) != XF_OK)
		return rc;
	char present[1024];
	size_t o = (size_t)snprintf(present, sizeof present, "{\"present\":[");
	for (int64_t i = first; i < last && o + 24 < sizeof present; i++)
		o += (size_t)snprintf(present + o, sizeof present - o, "%s%lld",
		                      i > first ? "," : "", (long long)i);
	snprintf(present + o, sizeof present - o, "]}");
	if ((rc = op(c, gov_meeting_attendance, &c->admin, id, at, present, NULL, err)) != XF_OK)
		return rc;
	snprintf(body, sizeof body, "{\"minutes\":\"%s\",\"decisions\":%s}", minutes, decisions);
	if ((rc = op(c, gov_meeting_minutes, &c->admin, id, at + 3 * 3600, body, NULL, err)) !=
	    XF_OK)
		return rc;
	if (decision)
		rc = db_int(c->db, err, decision,
		            "SELECT coalesce(min(id), 0) FROM gov_decisions WHERE meeting_id = ?",
		            "i", id);
	return rc;
}

static int milestones(struct ctx *c, int64_t decision, const char *const *titles, int n, int done,
                      int64_t from, struct xf_err *err)
{
	for (int i = 0; i < n; i++) {
		char body[256];
		int64_t ms = 0;
		snprintf(body, sizeof body, "{\"title\":\"%s\",\"due_at\":%lld}", titles[i],
		         (long long)(from + (i + 1) * 20 * DAY));
		int rc = op(c, gov_milestone_create, &c->admin, decision, from, body, &ms, err);
		if (rc == XF_OK && i < done)
			rc = op(c, gov_milestone_done, &c->admin, ms, from + (i + 1) * 18 * DAY,
			        "{\"note\":\"按计划完成，照片已在公示栏张贴\"}", NULL, err);
		if (rc != XF_OK)
			return rc;
	}
	return XF_OK;
}

/* Cast on behalf of the roll at time `at`: turnout in percent, yes (or candidates) by rnd;
 * every tenth ballot on paper, entered by the staff account and confirmed by the checker. */
static int cast_all(struct ctx *c, int64_t vote, int turnout, int yes, bool election, int64_t at,
                    struct xf_err *err)
{
	int64_t opt0 = 0, nopt = 0;
	int rc = db_int(c->db, err, &opt0, "SELECT min(id) FROM gov_options WHERE vote_id = ?", "i",
	                vote);
	if (rc == XF_OK)
		rc = db_int(c->db, err, &nopt, "SELECT count(*) FROM gov_options WHERE vote_id = ?",
		            "i", vote);
	if (rc != XF_OK)
		return rc;
	/* One person per roll entry: the lowest id. */
	struct db_stmt *st =
	    db_prep(c->db,
	            "SELECT min(rp.person_id), min(pe.place_id) FROM"
	            " gov_roll_people rp JOIN people pe ON pe.id = rp.person_id"
	            " WHERE rp.vote_id = ? AND rp.person_id NOT IN (SELECT person_id FROM"
	            " users WHERE person_id IS NOT NULL) GROUP BY rp.voter ORDER BY"
	            " rp.voter",
	            err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, vote);
	int64_t(*who)[2] = NULL;
	size_t n = 0, cap = 0;
	while ((rc = db_step(st, err)) == DB_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 128;
			who = xrealloc(who, cap * sizeof *who);
		}
		who[n][0] = db_col_int(st, 0);
		who[n][1] = db_col_int(st, 1);
		n++;
	}
	rc = rc < 0 ? rc : XF_OK;
	int64_t place = 0;
	if (rc == XF_OK)
		rc = db_int(c->db, err, &place, "SELECT place_id FROM gov_votes WHERE id = ?", "i",
		            vote);
	bool paper = actor_may(c->db, &c->staff, "gov.ballots", place) &&
	             actor_may(c->db, &c->checker, "gov.ballots", place);
	for (size_t i = 0; i < n && rc == XF_OK; i++) {
		if ((int)rnd(100) >= turnout)
			continue;
		char body[160];
		if (election) {
			/* Candidates 1 and 2 are popular, 3 less, the others rarely chosen. */
			int64_t pick[3];
			int k = 0;
			pick[k++] = opt0 + (rnd(10) < 8 ? 0 : 3);
			if (rnd(10) < 7)
				pick[k++] = opt0 + 1;
			if (rnd(10) < 5)
				pick[k++] = opt0 + (nopt > 4 ? 2 + (int64_t)rnd(2) * 2 : 2);
			if (k == 3 && pick[2] == pick[0])
				k = 2;
			if (k == 2 && pick[1] == pick[0])
				k = 1;
			int o = snprintf(body, sizeof body, "{\"options\":[");
			for (int j = 0; j < k; j++)
				o += snprintf(body + o, sizeof body - (size_t)o, "%s%lld",
				              j ? "," : "", (long long)pick[j]);
			snprintf(body + o, sizeof body - (size_t)o, "]}");
		} else {
			int r = (int)rnd(100);
			snprintf(body, sizeof body, "{\"options\":[%lld]}",
			         (long long)(opt0 + (r < yes                     ? 0
			                             : r < yes + (100 - yes) / 2 ? 1
			                                                         : 2)));
		}
		if (paper && i % 10 == 3) {
			char pbody[200];
			int64_t pb = 0;
			snprintf(pbody, sizeof pbody, "{\"person_id\":%lld,%s",
			         (long long)who[i][0], body + 1);
			rc = op(c, gov_paper_enter, &c->staff, vote, at, pbody, &pb, err);
			if (rc == XF_OK)
				rc = op(c, gov_paper_confirm, &c->checker, pb, at + 3600, NULL,
				        NULL, err);
			continue;
		}
		struct actor voter = {
		    .role = "resident", .place_id = who[i][1], .person_id = who[i][0]};
		rc = op(c, gov_vote_cast, &voter, vote, at + (int64_t)(i % 50) * 600, body, NULL,
		        err);
	}
	free(who);
	return rc;
}

static int vote(struct ctx *c, const char *body, int64_t at, int turnout, int yes, bool election,
                bool close, int64_t *id, struct xf_err *err)
{
	int rc = op(c, gov_vote_create, &c->admin, 0, at, body, id, err);
	if (rc == XF_OK)
		rc = cast_all(c, *id, turnout, yes, election, at + DAY, err);
	if (rc == XF_OK && close)
		rc = op(c, gov_vote_close, &c->admin, *id, at + 15 * DAY, NULL, NULL, err);
	return rc;
}

static const char *const lift_steps[] = {"完成电梯井道勘察和设计", "报规划、住建部门审批",
                                         "电梯采购和安装", "特种设备检验验收"};
static const char *const clear_steps[] = {"发布清理通知，楼栋长逐户告知", "集中清理楼道堆物",
                                          "物业每周巡查，一月后复查"};
static const char *const park_steps[] = {"施划临时停车线", "安装道闸，业主车辆登记",
                                         "公示停车收费标准"};

static int dazhi(struct ctx *c, int64_t *jumin_vote, struct xf_err *err)
{
	int64_t dz = place_id(c->db, "420203009002"), grid1 = place_id(c->db, "420203009002001");
	if (!dz || !grid1)
		return XF_OK;
	int64_t ppl[40], now = c->now;
	int n = 0, rc = residents(c->db, dz, ppl, 40, &n, err);
	if (rc != XF_OK || n < 12)
		return rc;
	/* 民事民提 → 听证会 → owners' double majority → milestones. */
	int64_t lift = 0, dec = 0, v = 0;
	char body[2048];
	if ((rc = proposal(c, grid1, ppl[0], "老旧小区加装电梯",
	                   "我们楼里老人多，六楼上下太难了，希望加装电梯，费用按楼层分摊。",
	                   now - 280 * DAY, &lift, err)) != XF_OK ||
	    (rc = comment(c, lift, ppl[1], "一楼住户担心采光和噪音，希望先听听大家的意见。",
	                  now - 278 * DAY, err)) != XF_OK ||
	    (rc = comment(c, lift, ppl[2], "赞成！我家老人已经半年没下过楼了。", now - 277 * DAY,
	                  err)) != XF_OK)
		return rc;
	rc = meeting(
	    c, grid1, lift, "hearing", "加装电梯听证会",
	    "1. 设计方案介绍；2. 低层住户陈述意见；3. 费用分摊方案",
	    "[{\"name\":\"居民代表（高层）\",\"capacity\":\"居民代表\"},{\"name\":"
	    "\"居民代表（低层）\",\"capacity\":\"居民代表\"},{\"name\":\"大智物业服务有限"
	    "公司\",\"capacity\":\"物业\"},{\"name\":\"区住建局\",\"capacity\":\"职能部门\"},"
	    "{\"name\":\"业主委员会\",\"capacity\":\"业委会\"}]",
	    "低层住户提出采光和噪音顾虑，设计单位调整井道位置；费用按楼层系数分摊，一楼不"
	    "出资。同意提交业主共同决定。",
	    "[{\"text\":\"按调整后的方案加装电梯，提交业主表决\",\"to_vote\":true}]",
	    now - 250 * DAY, &dec, err);
	if (rc != XF_OK)
		return rc;
	snprintf(body, sizeof body,
	         "{\"place_id\":%lld,\"title\":\"加装电梯（改建建筑物及其附属设施）\","
	         "\"description\":\"按听证会调整后的方案加装电梯，费用按楼层系数分摊。\","
	         "\"rule\":\"owners\",\"item\":7,\"opens_at\":%lld,\"closes_at\":%lld,"
	         "\"proposal_id\":%lld,\"decision_id\":%lld}",
	         (long long)grid1, (long long)(now - 240 * DAY), (long long)(now - 226 * DAY),
	         (long long)lift, (long long)dec);
	if ((rc = vote(c, body, now - 240 * DAY, 96, 92, false, true, &v, err)) != XF_OK)
		return rc;
	int64_t passed = 0;
	if ((rc = db_int(c->db, err, &passed,
	                 "SELECT coalesce(passed, 0) FROM gov_votes WHERE id = ?", "i", v)) !=
	    XF_OK)
		return rc;
	if (passed && (rc = milestones(c, dec, lift_steps, 4, 2, now - 220 * DAY, err)) != XF_OK)
		return rc;
	/* 议事会 on clutter in the stairwells, done and rated. */
	int64_t clutter = 0, dec2 = 0;
	if ((rc = proposal(c, dz, ppl[3], "清理楼道堆物",
	                   "楼道里堆了纸箱、旧家具，还有人在楼道给电动车充电，很危险。",
	                   now - 200 * DAY, &clutter, err)) != XF_OK ||
	    (rc = comment(c, clutter, ppl[4], "电动车充电太吓人了，建议在楼下建充电棚。",
	                  now - 199 * DAY, err)) != XF_OK)
		return rc;
	rc =
	    meeting(c, dz, clutter, "council", "楼道堆物和电动车充电议事会",
	            "1. 通报楼道消防隐患；2. 讨论清理办法；3. 充电棚选址",
	            "[{\"name\":\"社区党委\",\"capacity\":\"召集人\"},{\"name\":\"楼栋长代表\","
	            "\"capacity\":\"楼栋长\"},{\"name\":\"居民代表\",\"capacity\":\"居民代表\"},"
	            "{\"name\":\"大智物业服务有限公司\",\"capacity\":\"物业\"}]",
	            "议定：一个月内集中清理楼道堆物，物业在3号楼旁建电动车充电棚，楼栋长每周巡查。",
	            "[{\"text\":\"一个月内清理楼道堆物，建电动车集中充电棚\"}]", now - 190 * DAY,
	            &dec2, err);
	if (rc != XF_OK ||
	    (rc = milestones(c, dec2, clear_steps, 3, 3, now - 189 * DAY, err)) != XF_OK ||
	    (rc = op(c, gov_decision_complete, &c->admin, dec2, now - 120 * DAY, NULL, NULL,
	             err)) != XF_OK)
		return rc;
	static const char *const ratings[][2] = {
	    {"satisfied", "楼道干净了，走着也放心"}, {"satisfied", "充电棚很方便"},
	    {"basic", "三楼还有一点杂物没清"},       {"satisfied", ""},
	    {"unsatisfied", "充电棚离我家太远"},     {"satisfied", "物业巡查很认真"}};
	for (size_t i = 0; i < XF_ARRAY_LEN(ratings) && rc == XF_OK; i++)
		rc = evaluate(c, dec2, ppl[5 + i], ratings[i][0], ratings[i][1],
		              now - 110 * DAY + (int64_t)i * DAY, err);
	if (rc != XF_OK)
		return rc;
	/* 业委会选举 of the first grid's estate, by the owners (item 3), secret. */
	char cands[5][64];
	for (int i = 0; i < 5; i++)
		plain_name(c->db, ppl[12 + i < n ? 12 + i : i], cands[i], sizeof cands[i]);
	snprintf(body, sizeof body,
	         "{\"place_id\":%lld,\"title\":\"第二届业主委员会选举\",\"kind\":\"election\","
	         "\"description\":\"差额选举：5 名候选人，选 3 名委员。\",\"rule\":\"owners\","
	         "\"item\":3,\"secret\":true,\"seats\":3,\"candidates\":[\"%s\",\"%s\",\"%s\","
	         "\"%s\",\"%s\"],"
	         "\"opens_at\":%lld,\"closes_at\":%lld}",
	         (long long)grid1, cands[0], cands[1], cands[2], cands[3], cands[4],
	         (long long)(now - 160 * DAY), (long long)(now - 146 * DAY));
	if ((rc = vote(c, body, now - 160 * DAY, 90, 0, true, true, &v, err)) != XF_OK)
		return rc;
	/* 孙秀英's proposal, and the vote open now. */
	int64_t jp = 0, mine = 0;
	struct xf_err e;
	db_int(c->db, &e, &jp, "SELECT coalesce(person_id, 0) FROM users WHERE username = 'jumin'",
	       "");
	if (jp && (rc = proposal(c, dz, jp, "社区活动室晚上多开放一小时",
	                         "晚饭后想去活动室下棋、跳舞，现在八点就关门了，希望开到九点。",
	                         now - 20 * DAY, &mine, err)) == XF_OK) {
		rc = db_run(
		    c->db, err,
		    "UPDATE gov_proposals SET user_id = (SELECT id FROM users WHERE username ="
		    " 'jumin') WHERE id = ?",
		    "i", mine);
		if (rc == XF_OK)
			rc =
			    comment(c, mine, ppl[6], "支持，晚上活动的人多。", now - 19 * DAY, err);
		if (rc == XF_OK)
			rc = comment(c, mine, ppl[7], "注意别影响楼上休息，九点前结束音乐。",
			             now - 18 * DAY, err);
	}
	if (rc != XF_OK)
		return rc;
	snprintf(body, sizeof body,
	         "{\"place_id\":%lld,\"title\":\"社区活动室开放时间延长到晚上九点\","
	         "\"description\":\"根据居民提议，活动室每天开放到21:00，20:30后不放音乐。"
	         "本社区年满18周岁的居民一人一票，无记名投票。\",\"rule\":\"person\","
	         "\"quorum_pct\":20,\"secret\":true,\"opens_at\":%lld,\"closes_at\":%lld%s%lld}",
	         (long long)dz, (long long)(now - 2 * DAY), (long long)(now + 12 * DAY),
	         mine ? ",\"proposal_id\":" : ",\"seats\":", (long long)(mine ? mine : 1));
	/* A third of the community has voted so far; jumin has not. */
	return vote(c, body, now - 2 * DAY, 30, 70, false, false, jumin_vote, err);
}

static int youai(struct ctx *c, struct xf_err *err)
{
	int64_t ya = place_id(c->db, "420205003001");
	if (!ya)
		return XF_OK;
	int64_t ppl[40], now = c->now, prop = 0, dec = 0;
	int n = 0, rc = residents(c->db, ya, ppl, 40, &n, err);
	if (rc != XF_OK || n < 6)
		return rc;
	if ((rc = proposal(c, ya, ppl[0], "小区停车难，外来车辆乱停",
	                   "晚上下班回来没地方停车，消防通道也被外来车辆占了。", now - 150 * DAY,
	                   &prop, err)) != XF_OK ||
	    (rc = comment(c, prop, ppl[1], "建议装道闸，业主车辆登记。", now - 149 * DAY, err)) !=
	        XF_OK)
		return rc;
	rc = meeting(
	    c, ya, prop, "coordination", "停车管理三方协调会",
	    "1. 居委会通报停车投诉；2. 物业提出管理方案；3. 业委会意见",
	    "[{\"name\":\"友爱街社区居委会\",\"capacity\":\"居委会\"},{\"name\":\"业主委员会"
	    "\",\"capacity\":\"业委会\"},{\"name\":\"物业服务企业\",\"capacity\":\"物业\"},"
	    "{\"name\":\"铁山派出所\",\"capacity\":\"职能部门\"}]",
	    "三方议定：施划停车线、安装道闸，业主车辆登记后免费，外来车辆临时收费。",
	    "[{\"text\":\"施划停车线、安装道闸，业主车辆登记免费停放\"}]", now - 140 * DAY, &dec,
	    err);
	/* The second step is overdue: it shows red on the board. */
	if (rc == XF_OK)
		rc = milestones(c, dec, park_steps, 3, 1, now - 139 * DAY, err);
	return rc;
}

static int shenjiaying(struct ctx *c, struct xf_err *err)
{
	int64_t sj = place_id(c->db, "420202005003");
	if (!sj)
		return XF_OK;
	int64_t ppl[40], now = c->now, prop = 0, dec = 0, v = 0;
	int n = 0, rc = residents(c->db, sj, ppl, 40, &n, err);
	if (rc != XF_OK || n < 6)
		return rc;
	/* A proposal not taken up, with the reply. */
	if ((rc = proposal(c, sj, ppl[0], "在小区中心花园建篮球场",
	                   "年轻人没有运动的地方，希望把中心花园改成篮球场。", now - 120 * DAY,
	                   &prop, err)) != XF_OK ||
	    (rc = comment(c, prop, ppl[1], "花园是老人散步的地方，不同意改。", now - 118 * DAY,
	                  err)) != XF_OK ||
	    (rc = op(c, gov_proposal_decline, &c->admin, prop, now - 100 * DAY,
	             "{\"reply\":\"中心花园属于全体业主共有部分，改变用途须业主共同决定；经征求意见"
	             "多数居民不赞成。社区已协调沈家营小学周末开放篮球场。\"}",
	             NULL, err)) != XF_OK)
		return rc;
	/* 评议会 on the property company's year. */
	if ((rc = meeting(
	         c, sj, 0, "review", "物业服务年度评议会",
	         "1. 物业述职；2. 居民代表提问；3. 现场测评",
	         "[{\"name\":\"居民代表\",\"capacity\":\"居民代表\"},{\"name\":\"业主委员会"
	         "\",\"capacity\":\"业委会\"},{\"name\":\"物业服务企业\",\"capacity\":\"物业"
	         "\"},{\"name\":\"沈家营社区党委\",\"capacity\":\"召集人\"}]",
	         "居民代表对保洁和维修响应基本满意，对绿化养护不满意；物业承诺三个月内整改"
	         "绿化。",
	         "[{\"text\":\"物业三个月内完成绿化补植和修剪\"}]", now - 90 * DAY, &dec, err)) !=
	    XF_OK)
		return rc;
	static const char *const green[] = {"补植缺损绿篱", "修剪高大乔木"};
	if ((rc = milestones(c, dec, green, 2, 2, now - 89 * DAY, err)) != XF_OK ||
	    (rc = op(c, gov_decision_complete, &c->admin, dec, now - 30 * DAY, NULL, NULL, err)) !=
	        XF_OK ||
	    (rc = evaluate(c, dec, ppl[2], "satisfied", "树修好了", now - 25 * DAY, err)) !=
	        XF_OK ||
	    (rc = evaluate(c, dec, ppl[3], "basic", "绿篱还稀", now - 24 * DAY, err)) != XF_OK)
		return rc;
	/* 一户一票: the building convention, open ballot; the desk mistyped one paper ballot
	 * and withdrew it. */
	char body[1024];
	snprintf(body, sizeof body,
	         "{\"place_id\":%lld,\"title\":\"修订楼栋文明公约（增加禁止高空抛物条款）\","
	         "\"rule\":\"household\",\"quorum_pct\":50,\"threshold\":\"two_thirds\","
	         "\"opens_at\":%lld,\"closes_at\":%lld}",
	         (long long)sj, (long long)(now - 60 * DAY), (long long)(now - 46 * DAY));
	if ((rc = op(c, gov_vote_create, &c->admin, 0, now - 60 * DAY, body, &v, err)) != XF_OK)
		return rc;
	struct actor desk = {.role = "community_official", .place_id = sj};
	struct xf_err e;
	db_int(c->db, &e, &desk.user_id, "SELECT id FROM users WHERE username = 'shequ3'", "");
	int64_t first = 0, opt = 0, pb = 0;
	if (desk.user_id &&
	    (rc = db_int(c->db, err, &first,
	                 "SELECT min(person_id) FROM gov_roll_people WHERE vote_id = ?", "i", v)) ==
	        XF_OK &&
	    (rc = db_int(c->db, err, &opt, "SELECT min(id) FROM gov_options WHERE vote_id = ?", "i",
	                 v)) == XF_OK) {
		char paper[128];
		snprintf(paper, sizeof paper, "{\"person_id\":%lld,\"options\":[%lld]}",
		         (long long)first, (long long)opt + 1);
		rc = op(c, gov_paper_enter, &desk, v, now - 59 * DAY, paper, &pb, err);
		if (rc == XF_OK)
			rc = op(c, gov_paper_reject, &desk, pb, now - 59 * DAY + 600, NULL, NULL,
			        err);
	}
	if (rc == XF_OK)
		rc = cast_all(c, v, 75, 85, false, now - 59 * DAY, err);
	if (rc == XF_OK)
		rc = op(c, gov_vote_close, &c->admin, v, now - 45 * DAY, NULL, NULL, err);
	return rc;
}

int gov_demo(struct db *db, bool city, int64_t now, struct xf_err *err)
{
	(void)city;
	rng = 0x2545F4914F6CDD1Dull;
	struct ctx c = {.db = db, .now = now};
	int64_t root = 0, dz = place_id(db, "420203009002"),
	        grid1 = place_id(db, "420203009002001");
	int rc = db_int(db, err, &root, "SELECT min(id) FROM places WHERE parent_id IS NULL", "");
	if (rc != XF_OK)
		return rc;
	c.admin = (struct actor){.role = "admin", .place_id = root};
	/* Paper ballots: the community secretary enters, the grid worker confirms. */
	struct xf_err e;
	db_int(db, &e, &c.staff.user_id, "SELECT id FROM users WHERE username = 'shequ'", "");
	db_int(db, &e, &c.checker.user_id, "SELECT id FROM users WHERE username = 'wangge'", "");
	c.staff.role = "community_official";
	c.staff.place_id = dz;
	c.checker.role = "grid_worker";
	c.checker.place_id = grid1;
	if (!c.staff.user_id || !c.checker.user_id)
		return XF_OK;
	int64_t open_vote = 0;
	if ((rc = dazhi(&c, &open_vote, err)) != XF_OK || (rc = youai(&c, err)) != XF_OK)
		return rc;
	return shenjiaying(&c, err);
}
