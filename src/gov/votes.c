/* 民事民决: votes on a roll taken from the registry when the vote is set up, cast online by
 * the people on it or on paper (entered by staff, counted once a second account confirms),
 * and counted at close by the rule chosen for the vote:
 *   person     one person one vote: adults who live in the place;
 *   household  one household one vote: any adult member casts the household's ballot;
 *   owners     the owners' double majority of Civil Code art. 278 (statutory defaults):
 *              participation by ≥ 2/3 of the exclusive area and ≥ 2/3 of the owners; items
 *              6–8 pass with ≥ 3/4 of the participating area and owners, the others with
 *              more than half of each. Owners are counted by unit, one unit one owner, but
 *              an owner of several units counts once (with all their area); units with no
 *              registered owner count together as one owner (as the developer's unsold
 *              units do) and cannot vote.
 * A secret ballot adds to per-option sums made when the vote was set up and marks the roll
 * entry as voted, nothing else: no row, time or order ties a voter to a choice. Open (记名)
 * ballots also keep who chose what. The result of a secret vote exists only after close;
 * an open vote's count is shown live. */
#include "gov.h"
#include "../auth/policy.h"
#include "../core/jv.h"
#include "../core/str.h"
#include "../points/points.h"
#include "../registry/registry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ROLL_MAX       200000
#define CANDIDATES_MAX 30

/* Civil Code art. 278, para. 1: the matters owners decide together. */
static const char *const art278_items[10] = {"",
                                             "制定和修改业主大会议事规则",
                                             "制定和修改管理规约",
                                             "选举业主委员会或者更换业主委员会成员",
                                             "选聘和解聘物业服务企业或者其他管理人",
                                             "使用建筑物及其附属设施的维修资金",
                                             "筹集建筑物及其附属设施的维修资金",
                                             "改建、重建建筑物及其附属设施",
                                             "改变共有部分的用途或者利用共有部分从事经营活动",
                                             "有关共有和共同管理权利的其他重大事项"};

static json_t *page_of(json_t *items)
{
	return json_pack("{s:o, s:n}", "items", items, "next");
}

struct vote {
	int64_t id, place_id, proposal_id, decision_id, item, quorum_pct, seats, opens_at,
	    closes_at, roll_units, roll_area;
	bool secret, election;
	char rule[16], threshold[16], status[16], title[256];
};

static int vote_load(struct db *db, int64_t id, struct vote *v, struct xf_err *err)
{
	struct db_stmt *st = db_prep(
	    db,
	    "SELECT place_id, coalesce(proposal_id, 0), coalesce(decision_id, 0), item, quorum_pct,"
	    " seats, opens_at, closes_at, roll_units, roll_area, secret, kind, rule, threshold,"
	    " status, title FROM gov_votes WHERE id = ?",
	    err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	int rc = db_step(st, err);
	if (rc == DB_DONE)
		return xf_fail(err, XF_ENOTFOUND, "not_found", "没有这次表决");
	if (rc != DB_ROW)
		return rc;
	v->id = id;
	v->place_id = db_col_int(st, 0);
	v->proposal_id = db_col_int(st, 1);
	v->decision_id = db_col_int(st, 2);
	v->item = db_col_int(st, 3);
	v->quorum_pct = db_col_int(st, 4);
	v->seats = db_col_int(st, 5);
	v->opens_at = db_col_int(st, 6);
	v->closes_at = db_col_int(st, 7);
	v->roll_units = db_col_int(st, 8);
	v->roll_area = db_col_int(st, 9);
	v->secret = db_col_int(st, 10) != 0;
	v->election = strcmp(db_col_text(st, 11), "election") == 0;
	snprintf(v->rule, sizeof v->rule, "%s", db_col_text(st, 12));
	snprintf(v->threshold, sizeof v->threshold, "%s", db_col_text(st, 13));
	snprintf(v->status, sizeof v->status, "%s", db_col_text(st, 14));
	snprintf(v->title, sizeof v->title, "%s", db_col_text(st, 15));
	db_reset(st);
	return XF_OK;
}

int gov_vote_secret(struct db *db, int64_t vote, bool *secret, struct xf_err *err)
{
	struct vote v;
	int rc = vote_load(db, vote, &v, err);
	if (rc == XF_OK)
		*secret = v.secret;
	return rc;
}

/* ---- the roll ---- */

static int adult_year(int64_t now)
{
	time_t t = (time_t)now;
	struct tm tm;
	gmtime_r(&t, &tm);
	return tm.tm_year + 1900 - 18;
}

struct unit {
	int64_t id, area;
	int parent;
	char name[64];
};

static int find(struct unit *u, int i)
{
	while (u[i].parent != i) {
		u[i].parent = u[u[i].parent].parent;
		i = u[i].parent;
	}
	return i;
}

static int unit_index(const struct unit *u, int n, int64_t id)
{
	int lo = 0, hi = n - 1;
	while (lo <= hi) {
		int mid = (lo + hi) / 2;
		if (u[mid].id == id)
			return mid;
		if (u[mid].id < id)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

struct link {
	int64_t person;
	int unit;
};

static int link_cmp(const void *a, const void *b)
{
	const struct link *x = a, *y = b;
	return x->person < y->person ? -1 : x->person > y->person ? 1 : x->unit - y->unit;
}

/* Owners: units in the place joined into one owner wherever a person owns several. */
static int roll_owners(struct db *db, int64_t vote, const char *lo, const char *hi,
                       int64_t *units_out, int64_t *area_out, struct xf_err *err)
{
	struct db_stmt *st = db_prep(db,
	                             "SELECT id, coalesce(area_cm2, 0), name FROM places WHERE kind"
	                             " = 'household' AND path >= ? AND path < ? ORDER BY id",
	                             err);
	if (!st)
		return err->status;
	db_bind_text(st, 1, lo);
	db_bind_text(st, 2, hi);
	struct unit *u = NULL;
	struct link *l = NULL;
	bool *owned = NULL;
	int n = 0, cap = 0, nl = 0, lcap = 0, rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		if (n == ROLL_MAX) {
			db_reset(st);
			free(u);
			return xf_fail(err, XF_ETOOBIG, "roll_too_large",
			               "范围内房屋超过 %d 套，请在更小的范围内表决", ROLL_MAX);
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			u = xrealloc(u, (size_t)cap * sizeof *u);
		}
		u[n] =
		    (struct unit){.id = db_col_int(st, 0), .area = db_col_int(st, 1), .parent = n};
		snprintf(u[n].name, sizeof u[n].name, "%s", db_col_text(st, 2));
		n++;
	}
	if (rc < 0)
		goto out;
	st = db_prep(db,
	             "SELECT pe.id, pe.place_id FROM people pe JOIN places h ON h.id = pe.place_id"
	             " WHERE pe.tenure = 'owner' AND h.kind = 'household' AND h.path >= ? AND"
	             " h.path < ? UNION ALL SELECT g.person_id, g.place_id FROM gov_holdings g JOIN"
	             " places h ON h.id = g.place_id WHERE h.kind = 'household' AND h.path >= ? AND"
	             " h.path < ?",
	             err);
	if (!st) {
		rc = err->status;
		goto out;
	}
	db_bind_text(st, 1, lo);
	db_bind_text(st, 2, hi);
	db_bind_text(st, 3, lo);
	db_bind_text(st, 4, hi);
	while ((rc = db_step(st, err)) == DB_ROW) {
		int k = unit_index(u, n, db_col_int(st, 1));
		if (k < 0)
			continue;
		if (nl == lcap) {
			lcap = lcap ? lcap * 2 : 256;
			l = xrealloc(l, (size_t)lcap * sizeof *l);
		}
		l[nl++] = (struct link){db_col_int(st, 0), k};
	}
	if (rc < 0)
		goto out;
	qsort(l, (size_t)nl, sizeof *l, link_cmp);
	owned = xcalloc((size_t)n + 1, sizeof *owned);
	for (int i = 0; i < nl; i++) {
		owned[l[i].unit] = true;
		if (i > 0 && l[i].person == l[i - 1].person) {
			int x = find(u, l[i].unit), y = find(u, l[i - 1].unit);
			/* The root is the lowest unit id: the owner's key on the roll. */
			if (x != y) {
				if (x < y)
					u[y].parent = x;
				else
					u[x].parent = y;
			}
		}
	}
	/* Co-owners of one unit are one owner too: join their other units. */
	int64_t units = 0, area = 0, none_area = 0, none_units = 0;
	for (int i = 0; i < n; i++) {
		area += u[i].area;
		if (!owned[i]) {
			none_area += u[i].area;
			none_units++;
		}
	}
	/* Sums per root. */
	int64_t *garea = xcalloc((size_t)n + 1, sizeof *garea),
	        *gunits = xcalloc((size_t)n + 1, sizeof *gunits);
	for (int i = 0; i < n; i++)
		if (owned[i]) {
			int r = find(u, i);
			garea[r] += u[i].area;
			gunits[r]++;
		}
	for (int i = 0; i < n && rc >= 0; i++) {
		if (!owned[i] || find(u, i) != i)
			continue;
		char label[96];
		if (gunits[i] > 1)
			snprintf(label, sizeof label, "%s 等 %lld 套", u[i].name,
			         (long long)gunits[i]);
		else
			snprintf(label, sizeof label, "%s", u[i].name);
		rc = db_run(
		    db, err,
		    "INSERT INTO gov_roll(vote_id, voter, label, area_cm2, units) VALUES (?, ?,"
		    " ?, ?, ?)",
		    "iitii", vote, u[i].id, label, garea[i], gunits[i]);
		units++;
	}
	for (int i = 0; i < nl && rc >= 0; i++) {
		if (i > 0 && l[i].person == l[i - 1].person)
			continue;
		rc = db_run(
		    db, err,
		    "INSERT INTO gov_roll_people(vote_id, person_id, voter) VALUES (?, ?, ?)",
		    "iii", vote, l[i].person, u[find(u, l[i].unit)].id);
	}
	if (rc >= 0 && none_units) {
		rc = db_run(
		    db, err,
		    "INSERT INTO gov_roll(vote_id, voter, label, area_cm2, units) VALUES (?, 0,"
		    " '未登记产权人的房屋（合计计为一名业主）', ?, ?)",
		    "iii", vote, none_area, none_units);
		units++;
	}
	free(garea);
	free(gunits);
	*units_out = units;
	*area_out = area;
out:
	free(u);
	free(l);
	free(owned);
	return rc < 0 ? rc : XF_OK;
}

static int build_roll(struct db *db, const struct vote *v, int64_t now, int64_t *units,
                      int64_t *area, struct xf_err *err)
{
	char lo[256], hi[256];
	int rc = registry_subtree(db, v->place_id, lo, hi, err);
	if (rc != XF_OK)
		return rc;
	int64_t year = adult_year(now);
	*area = 0;
	if (strcmp(v->rule, "owners") == 0)
		return roll_owners(db, v->id, lo, hi, units, area, err);
	if (strcmp(v->rule, "person") == 0) {
		rc = db_run(
		    db, err,
		    "INSERT INTO gov_roll(vote_id, voter, label) SELECT ?, pe.id, h.name FROM"
		    " people pe JOIN places h ON h.id = pe.place_id WHERE h.path >= ? AND"
		    " h.path < ? AND pe.residency IN ('living', 'both') AND"
		    " coalesce(pe.birth_year, 0) <= ?",
		    "itti", v->id, lo, hi, year);
		if (rc == XF_OK)
			rc = db_run(db, err,
			            "INSERT INTO gov_roll_people(vote_id, person_id, voter) SELECT"
			            " vote_id, voter, voter FROM gov_roll WHERE vote_id = ?",
			            "i", v->id);
	} else {
		rc =
		    db_run(db, err,
		           "INSERT INTO gov_roll_people(vote_id, person_id, voter) SELECT ?, pe.id,"
		           " h.id FROM people pe JOIN places h ON h.id = pe.place_id WHERE h.kind ="
		           " 'household' AND h.path >= ? AND h.path < ? AND pe.residency IN"
		           " ('living', 'both') AND coalesce(pe.birth_year, 0) <= ?",
		           "itti", v->id, lo, hi, year);
		if (rc == XF_OK)
			rc = db_run(
			    db, err,
			    "INSERT INTO gov_roll(vote_id, voter, label, area_cm2) SELECT ?, h.id,"
			    " h.name, coalesce(h.area_cm2, 0) FROM places h WHERE h.id IN (SELECT"
			    " voter FROM gov_roll_people WHERE vote_id = ?)",
			    "ii", v->id, v->id);
	}
	if (rc != XF_OK)
		return rc;
	return db_int(db, err, units, "SELECT count(*) FROM gov_roll WHERE vote_id = ?", "i",
	              v->id);
}

/* ---- set-up ---- */

GOV_OP(gov_vote_create)
{
	struct vote v = {0};
	v.place_id = jv_int(body, "place_id", 0);
	int rc = actor_need(db, a, "gov.manage", v.place_id, err);
	if (rc != XF_OK)
		return rc;
	const char *kind = jv_str(body, "kind", "ordinary"), *rule = jv_str(body, "rule", "");
	snprintf(v.rule, sizeof v.rule, "%s", rule);
	snprintf(v.threshold, sizeof v.threshold, "%s", jv_str(body, "threshold", "half"));
	v.item = jv_int(body, "item", 0);
	v.quorum_pct = jv_int(body, "quorum_pct", 50);
	v.seats = jv_int(body, "seats", 1);
	v.secret = jv_bool(body, "secret", 0) == 1;
	v.opens_at = jv_int(body, "opens_at", 0);
	v.closes_at = jv_int(body, "closes_at", 0);
	v.election = strcmp(kind, "election") == 0;
	if (!v.election && strcmp(kind, "ordinary") != 0)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "kind",
		                     "表决类型只能是 ordinary（事项表决）或 election（选举）");
	if (strcmp(rule, "person") != 0 && strcmp(rule, "household") != 0 &&
	    strcmp(rule, "owners") != 0)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "rule",
		                     "计票规则只能是 person（一人一票）、household（一户一票）或 "
		                     "owners（业主按面积和人数双过半）");
	bool owners = strcmp(rule, "owners") == 0;
	if (owners && (v.item < 1 || v.item > 9))
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "item",
		                     "业主共同决定须选择《民法典》第二百七十八条的事项（1–9）");
	if (!owners && v.item)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "item",
		                     "只有业主共同决定才选择第二百七十八条的事项");
	if (strcmp(v.threshold, "half") != 0 && strcmp(v.threshold, "two_thirds") != 0)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "threshold",
		                     "通过标准只能是 half（过半数）或 two_thirds（三分之二）");
	if (v.closes_at <= v.opens_at || v.closes_at <= now)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "closes_at",
		                     "截止时间须晚于开始时间和现在");
	json_t *cands = json_object_get(body, "candidates"), *it;
	size_t i, nc = json_array_size(cands);
	if (v.election) {
		if (nc < 1 || nc > CANDIDATES_MAX || v.seats < 1 || (size_t)v.seats > nc)
			return xf_fail_field(err, XF_EINVAL, "validation_failed", "candidates",
			                     "选举须有 1–%d 名候选人，应选人数不超过候选人数",
			                     CANDIDATES_MAX);
		json_array_foreach(cands, i, it)
		{
			size_t n = json_is_string(it) ? strlen(json_string_value(it)) : 0;
			if (n < 1 || n > 60)
				return xf_fail_field(err, XF_EINVAL, "validation_failed",
				                     "candidates", "第 %zu 名候选人的姓名不正确",
				                     i + 1);
		}
	} else if (nc || v.seats != 1) {
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "candidates",
		                     "只有选举才有候选人和应选人数");
	}
	int64_t prop = jv_int(body, "proposal_id", 0), dec = jv_int(body, "decision_id", 0), pp = 0;
	if (prop) {
		rc = db_int(db, err, &pp, "SELECT place_id FROM gov_proposals WHERE id = ?", "i",
		            prop);
		if (rc == XF_ENOTFOUND || (rc == XF_OK && !actor_inside(db, pp, v.place_id) &&
		                           !actor_inside(db, v.place_id, pp)))
			return xf_fail_field(err, XF_EINVAL, "validation_failed", "proposal_id",
			                     "没有这条提议，或它不在这个地方");
		if (rc != XF_OK)
			return rc;
	}
	if (dec) {
		rc =
		    db_int(db, err, &pp,
		           "SELECT place_id FROM gov_decisions WHERE id = ? AND status = 'to_vote'",
		           "i", dec);
		if (rc == XF_ENOTFOUND || (rc == XF_OK && !actor_inside(db, pp, v.place_id) &&
		                           !actor_inside(db, v.place_id, pp)))
			return xf_fail_field(err, XF_EINVAL, "validation_failed", "decision_id",
			                     "没有这项待表决的决定，或它不在这个地方");
		if (rc != XF_OK)
			return rc;
	}
	struct db_stmt *st = db_prep(
	    db,
	    "INSERT INTO gov_votes(place_id, proposal_id, decision_id, kind, rule, item, threshold,"
	    " quorum_pct, secret, seats, title, description, opens_at, closes_at, status,"
	    " roll_units, roll_area, created_by, district_id, created_at) VALUES (?, ?, ?, ?, ?, ?,"
	    " ?, ?, ?, ?, ?, ?, ?, ?, 'open', 0, 0, ?, (SELECT district_id FROM places WHERE id ="
	    " ?), ?) RETURNING id",
	    err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, v.place_id);
	if (prop)
		db_bind_int(st, 2, prop);
	else
		db_bind_null(st, 2);
	if (dec)
		db_bind_int(st, 3, dec);
	else
		db_bind_null(st, 3);
	db_bind_text(st, 4, kind);
	db_bind_text(st, 5, rule);
	db_bind_int(st, 6, v.item);
	db_bind_text(st, 7, v.threshold);
	db_bind_int(st, 8, v.quorum_pct);
	db_bind_int(st, 9, v.secret);
	db_bind_int(st, 10, v.seats);
	db_bind_text(st, 11, jv_str(body, "title", ""));
	db_bind_text(st, 12, jv_str(body, "description", ""));
	db_bind_int(st, 13, v.opens_at);
	db_bind_int(st, 14, v.closes_at);
	if (a->user_id)
		db_bind_int(st, 15, a->user_id);
	else
		db_bind_null(st, 15);
	db_bind_int(st, 16, v.place_id);
	db_bind_int(st, 17, now);
	if ((rc = db_step(st, err)) != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_EDB, "db_error", "保存失败");
	v.id = db_col_int(st, 0);
	db_reset(st);
	/* Options, each with its running sums. */
	static const char *const yn[][2] = {{"yes", "同意"}, {"no", "反对"}, {"abstain", "弃权"}};
	size_t nopt = v.election ? nc : 3;
	for (i = 0; i < nopt; i++) {
		const char *k = v.election ? "candidate" : yn[i][0],
		           *label =
		               v.election ? json_string_value(json_array_get(cands, i)) : yn[i][1];
		int64_t opt = 0;
		st =
		    db_prep(db,
		            "INSERT INTO gov_options(vote_id, ord, kind, label) VALUES (?, ?, ?, ?)"
		            " RETURNING id",
		            err);
		if (!st)
			return err->status;
		db_bind_int(st, 1, v.id);
		db_bind_int(st, 2, (int64_t)i + 1);
		db_bind_text(st, 3, k);
		db_bind_text(st, 4, label);
		if ((rc = db_step(st, err)) != DB_ROW)
			return rc < 0 ? rc : xf_fail(err, XF_EDB, "db_error", "保存失败");
		opt = db_col_int(st, 0);
		db_reset(st);
		if ((rc = db_run(db, err,
		                 "INSERT INTO gov_tallies(option_id, vote_id) VALUES (?, ?)", "ii",
		                 opt, v.id)) != XF_OK)
			return rc;
	}
	int64_t units = 0, area = 0;
	if ((rc = build_roll(db, &v, now, &units, &area, err)) != XF_OK)
		return rc;
	int64_t voters = 0;
	if ((rc = db_int(db, err, &voters, "SELECT count(*) FROM gov_roll_people WHERE vote_id = ?",
	                 "i", v.id)) != XF_OK)
		return rc;
	if (!voters)
		return xf_fail(err, XF_ECONFLICT, "empty_roll",
		               "这个范围内没有符合条件的投票人（请先在人口信息中登记%s）",
		               owners ? "业主" : "居民");
	if ((rc = db_run(db, err, "UPDATE gov_votes SET roll_units = ?, roll_area = ? WHERE id = ?",
	                 "iii", units, area, v.id)) != XF_OK)
		return rc;
	if (prop &&
	    (rc = db_run(db, err,
	                 "UPDATE gov_proposals SET status = 'voting', updated_at = ? WHERE id"
	                 " = ? AND status IN ('open', 'deliberating')",
	                 "ii", now, prop)) != XF_OK)
		return rc;
	*out = json_pack("{s:I, s:s, s:I, s:I, s:I}", "id", (json_int_t)v.id, "status", "open",
	                 "roll_units", (json_int_t)units, "roll_area", (json_int_t)area, "voters",
	                 (json_int_t)voters);
	return XF_OK;
}

/* ---- counting ---- */

/* art. 278: items 6–8 need three quarters, the others more than half (of participants). */
static bool owners_pass(int64_t item, int64_t part, int64_t whole)
{
	if (whole <= 0)
		return false;
	if (item >= 6 && item <= 8)
		return part * 4 >= whole * 3;
	return part * 2 > whole;
}

static bool plain_pass(const char *threshold, int64_t part, int64_t whole)
{
	if (whole <= 0)
		return false;
	if (strcmp(threshold, "two_thirds") == 0)
		return part * 3 >= whole * 2;
	return part * 2 > whole;
}

struct tally {
	int64_t option, heads, area;
	char kind[16], label[128];
	bool pass_heads, pass_area, pass, elected;
};

static int tally_cmp(const void *a, const void *b)
{
	const struct tally *x = a, *y = b;
	if (x->heads != y->heads)
		return x->heads > y->heads ? -1 : 1;
	if (x->area != y->area)
		return x->area > y->area ? -1 : 1;
	return x->option < y->option ? -1 : 1;
}

/* The result from the roll and the sums; *passed as decided by the rule. */
static int compute(struct db *db, const struct vote *v, json_t **out, bool *passed,
                   struct xf_err *err)
{
	int64_t part = 0, part_area = 0;
	struct db_stmt *st = db_prep(
	    db,
	    "SELECT count(*), coalesce(sum(area_cm2), 0) FROM gov_roll WHERE vote_id = ? AND"
	    " voted = 1",
	    err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, v->id);
	int rc = db_step(st, err);
	if (rc != DB_ROW)
		return rc < 0 ? rc : XF_EDB;
	part = db_col_int(st, 0);
	part_area = db_col_int(st, 1);
	db_reset(st);
	bool owners = strcmp(v->rule, "owners") == 0;
	bool quorum = owners ? part * 3 >= v->roll_units * 2 && part_area * 3 >= v->roll_area * 2
	                     : part * 100 >= v->roll_units * v->quorum_pct;
	st = db_prep(db,
	             "SELECT o.id, o.kind, o.label, t.heads, t.area_cm2 FROM gov_options o JOIN"
	             " gov_tallies t ON t.option_id = o.id WHERE o.vote_id = ? ORDER BY o.ord",
	             err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, v->id);
	struct tally t[CANDIDATES_MAX + 3];
	size_t n = 0;
	while ((rc = db_step(st, err)) == DB_ROW && n < XF_ARRAY_LEN(t)) {
		struct tally *x = &t[n++];
		memset(x, 0, sizeof *x);
		x->option = db_col_int(st, 0);
		snprintf(x->kind, sizeof x->kind, "%s", db_col_text(st, 1));
		snprintf(x->label, sizeof x->label, "%s", db_col_text(st, 2));
		x->heads = db_col_int(st, 3);
		x->area = db_col_int(st, 4);
		if (owners) {
			x->pass_heads = owners_pass(v->item, x->heads, part);
			x->pass_area = owners_pass(v->item, x->area, part_area);
		} else {
			x->pass_heads = plain_pass(v->threshold, x->heads, part);
			x->pass_area = true;
		}
		x->pass = quorum && x->pass_heads && x->pass_area;
	}
	if (rc == DB_ROW)
		db_reset(st);
	else if (rc < 0)
		return rc;
	*passed = false;
	if (v->election) {
		struct tally sorted[XF_ARRAY_LEN(t)];
		memcpy(sorted, t, n * sizeof *t);
		qsort(sorted, n, sizeof *sorted, tally_cmp);
		int64_t seats = v->seats;
		for (size_t i = 0; i < n && seats > 0; i++)
			if (sorted[i].pass) {
				for (size_t k = 0; k < n; k++)
					if (t[k].option == sorted[i].option)
						t[k].elected = true;
				seats--;
				*passed = true;
			}
	} else {
		for (size_t i = 0; i < n; i++)
			if (strcmp(t[i].kind, "yes") == 0)
				*passed = t[i].pass;
	}
	json_t *opts = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_pack("{s:I, s:s, s:s, s:I, s:I, s:b, s:b, s:b}", "id",
		                      (json_int_t)t[i].option, "kind", t[i].kind, "label",
		                      t[i].label, "heads", (json_int_t)t[i].heads, "area_cm2",
		                      (json_int_t)t[i].area, "pass_heads", t[i].pass_heads,
		                      "pass_area", t[i].pass_area, "pass", t[i].pass);
		if (v->election)
			json_object_set_new(o, "elected", json_boolean(t[i].elected));
		json_array_append_new(opts, o);
	}
	const char *basis =
	    !owners ? (strcmp(v->threshold, "two_thirds") == 0 ? "参与投票的三分之二以上同意"
	                                                       : "参与投票的过半数同意")
	    : (v->item >= 6 && v->item <= 8)
	        ? "《民法典》第二百七十八条（法定默认）：专有部分面积占比三分之二以上且人数占比"
	          "三分之二以上的业主参与表决，经参与表决专有部分面积四分之三以上且参与表决人数"
	          "四分之三以上的业主同意"
	        : "《民法典》第二百七十八条（法定默认）：专有部分面积占比三分之二以上且人数占比"
	          "三分之二以上的业主参与表决，经参与表决专有部分面积过半数且参与表决人数过半数"
	          "的业主同意";
	*out = json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:b, s:o, s:b, s:s}", "rule", v->rule,
	                 "item", (json_int_t)v->item, "roll_units", (json_int_t)v->roll_units,
	                 "roll_area", (json_int_t)v->roll_area, "participants", (json_int_t)part,
	                 "participant_area", (json_int_t)part_area, "quorum", quorum, "options",
	                 opts, "passed", *passed, "basis", basis);
	if (!owners)
		json_object_set_new(*out, "quorum_pct", json_integer(v->quorum_pct));
	else
		json_object_set_new(*out, "item_label", json_string(art278_items[v->item % 10]));
	return XF_OK;
}

/* ---- reading ---- */

GOV_OP(gov_votes_list)
{
	char lo[256] = "", hi[256] = "", grant[256] = "-", home[256] = "-", flo[256] = "/",
	     fhi[256] = "0", h2[256];
	int rc;
	if (policy_allows(a->role, "gov.read") &&
	    (rc = registry_subtree(db, a->place_id, lo, hi, err)) != XF_OK)
		return rc;
	if (a->place_id && registry_subtree(db, a->place_id, grant, h2, err) != XF_OK)
		xf_err_clear(err);
	int64_t homep = 0;
	if (a->person_id &&
	    db_int(db, err, &homep, "SELECT place_id FROM people WHERE id = ?", "i",
	           a->person_id) == XF_OK &&
	    registry_subtree(db, homep, home, h2, err) != XF_OK)
		xf_err_clear(err);
	xf_err_clear(err);
	int64_t place = jv_int(body, "place", 0);
	if (place && ((rc = gov_need_see(db, a, place, err)) != XF_OK ||
	              (rc = registry_subtree(db, place, flo, fhi, err)) != XF_OK))
		return rc;
	const char *status = jv_str(body, "status", "");
	struct db_stmt *st = db_prep(
	    db,
	    "SELECT v.id, v.place_id, p.name, v.kind, v.rule, v.item, v.secret, v.title,"
	    " v.opens_at, v.closes_at, v.status, coalesce(v.passed, -1), v.roll_units,"
	    " (SELECT count(*) FROM gov_roll r WHERE r.vote_id = v.id AND r.voted = 1),"
	    " (SELECT count(*) FROM gov_roll_people rp JOIN gov_roll r ON r.vote_id = rp.vote_id"
	    " AND r.voter = rp.voter WHERE rp.vote_id = v.id AND rp.person_id = ? AND r.voted ="
	    " 1), (SELECT count(*) FROM gov_roll_people rp WHERE rp.vote_id = v.id AND"
	    " rp.person_id = ?) FROM gov_votes v CROSS JOIN places p WHERE p.id = v.place_id AND"
	    " ((p.path >= ? AND p.path < ?) OR substr(?, 1, length(p.path)) = p.path OR substr(?,"
	    " 1, length(p.path)) = p.path) AND p.path >= ? AND p.path < ? AND (? = '' OR v.status"
	    " = ?) ORDER BY v.closes_at DESC, v.id DESC LIMIT 200",
	    err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, a->person_id);
	db_bind_int(st, 2, a->person_id);
	db_bind_text(st, 3, lo);
	db_bind_text(st, 4, hi);
	db_bind_text(st, 5, grant);
	db_bind_text(st, 6, home);
	db_bind_text(st, 7, flo);
	db_bind_text(st, 8, fhi);
	db_bind_text(st, 9, status);
	db_bind_text(st, 10, status);
	json_t *items = json_array();
	while ((rc = db_step(st, err)) == DB_ROW) {
		json_t *o = json_pack(
		    "{s:I, s:I, s:s, s:s, s:s, s:I, s:b, s:s, s:I, s:I, s:s, s:I, s:I, s:b, s:b}",
		    "id", (json_int_t)db_col_int(st, 0), "place_id", (json_int_t)db_col_int(st, 1),
		    "place", db_col_text(st, 2), "kind", db_col_text(st, 3), "rule",
		    db_col_text(st, 4), "item", (json_int_t)db_col_int(st, 5), "secret",
		    db_col_int(st, 6) != 0, "title", db_col_text(st, 7), "opens_at",
		    (json_int_t)db_col_int(st, 8), "closes_at", (json_int_t)db_col_int(st, 9),
		    "status", db_col_text(st, 10), "roll_units", (json_int_t)db_col_int(st, 12),
		    "voted_units", (json_int_t)db_col_int(st, 13), "i_voted",
		    db_col_int(st, 14) > 0, "eligible", db_col_int(st, 15) > 0);
		int64_t passed = db_col_int(st, 11);
		json_object_set_new(o, "passed", passed < 0 ? json_null() : json_boolean(passed));
		json_array_append_new(items, o);
	}
	if (rc < 0) {
		json_decref(items);
		return rc;
	}
	*out = page_of(items);
	return XF_OK;
}

GOV_OP(gov_vote_get)
{
	struct vote v;
	int rc = vote_load(db, id, &v, err);
	if (rc != XF_OK || (rc = gov_need_see(db, a, v.place_id, err)) != XF_OK)
		return rc;
	struct db_stmt *st = db_prep(
	    db,
	    "SELECT v.kind, v.description, v.result, coalesce(v.closed_at, 0), p.name,"
	    " v.threshold FROM gov_votes v JOIN places p ON p.id = v.place_id WHERE v.id = ?",
	    err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	if ((rc = db_step(st, err)) != DB_ROW)
		return rc < 0 ? rc : XF_EDB;
	json_t *o = json_pack(
	    "{s:I, s:I, s:s, s:s, s:s, s:s, s:I, s:s, s:I, s:b, s:I, s:s, s:I, s:I, s:s, s:I, s:I,"
	    " s:I, s:I, s:I, s:b, s:b}",
	    "id", (json_int_t)id, "place_id", (json_int_t)v.place_id, "place", db_col_text(st, 4),
	    "title", v.title, "kind", db_col_text(st, 0), "rule", v.rule, "item",
	    (json_int_t)v.item, "threshold", db_col_text(st, 5), "quorum_pct",
	    (json_int_t)v.quorum_pct, "secret", v.secret, "seats", (json_int_t)v.seats,
	    "description", db_col_text(st, 1), "opens_at", (json_int_t)v.opens_at, "closes_at",
	    (json_int_t)v.closes_at, "status", v.status, "closed_at", (json_int_t)db_col_int(st, 3),
	    "roll_units", (json_int_t)v.roll_units, "roll_area", (json_int_t)v.roll_area,
	    "proposal_id", (json_int_t)v.proposal_id, "decision_id", (json_int_t)v.decision_id,
	    "can_manage", actor_may(db, a, "gov.manage", v.place_id), "can_enter_paper",
	    actor_may(db, a, "gov.ballots", v.place_id));
	json_t *stored = NULL;
	if (strcmp(v.status, "closed") == 0)
		stored = json_loads(db_col_text(st, 2), 0, NULL);
	db_reset(st);
	st = db_prep(db, "SELECT id, kind, label FROM gov_options WHERE vote_id = ? ORDER BY ord",
	             err);
	if (!st) {
		json_decref(o);
		json_decref(stored);
		return err->status;
	}
	db_bind_int(st, 1, id);
	json_t *opts = json_array();
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(
		    opts, json_pack("{s:I, s:s, s:s}", "id", (json_int_t)db_col_int(st, 0), "kind",
		                    db_col_text(st, 1), "label", db_col_text(st, 2)));
	json_object_set_new(o, "options", opts);
	json_object_set_new(o, "item_label", json_string(art278_items[v.item % 10]));
	/* The caller's standing: on the roll (as what), voted. */
	st = rc < 0 ? NULL
	            : db_prep(db,
	                      "SELECT r.label, r.voted, r.channel FROM gov_roll_people rp JOIN"
	                      " gov_roll r ON r.vote_id = rp.vote_id AND r.voter = rp.voter WHERE"
	                      " rp.vote_id = ? AND rp.person_id = ?",
	                      err);
	if (!st) {
		json_decref(o);
		json_decref(stored);
		return rc < 0 ? rc : err->status;
	}
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, a->person_id);
	json_t *me = json_pack("{s:b, s:b}", "eligible", false, "voted", false);
	if ((rc = db_step(st, err)) == DB_ROW) {
		json_decref(me);
		me = json_pack("{s:b, s:s, s:b, s:s}", "eligible", true, "as", db_col_text(st, 0),
		               "voted", db_col_int(st, 1) != 0, "channel", db_col_text(st, 2));
		db_reset(st);
	} else if (rc < 0) {
		json_decref(o);
		json_decref(me);
		json_decref(stored);
		return rc;
	}
	json_object_set_new(o, "me", me);
	json_object_set_new(
	    o, "open_now",
	    json_boolean(strcmp(v.status, "open") == 0 && now >= v.opens_at && now < v.closes_at));
	int64_t voted = 0;
	if ((rc = db_int(db, err, &voted,
	                 "SELECT count(*) FROM gov_roll WHERE vote_id = ? AND voted = 1", "i",
	                 id)) != XF_OK) {
		json_decref(o);
		json_decref(stored);
		return rc;
	}
	json_object_set_new(o, "voted_units", json_integer(voted));
	if (stored) {
		json_object_set_new(o, "result", stored);
		json_object_set_new(o, "live", json_false());
	} else if (!v.secret) {
		json_t *res;
		bool passed;
		if ((rc = compute(db, &v, &res, &passed, err)) != XF_OK) {
			json_decref(o);
			return rc;
		}
		json_object_set_new(o, "result", res);
		json_object_set_new(o, "live", json_true());
	} else {
		json_object_set_new(o, "result", json_null());
	}
	*out = o;
	return XF_OK;
}

/* ---- casting ---- */

/* The ballot's option ids, checked against the vote: one for an ordinary vote, 1..seats
 * distinct candidates for an election. */
static int check_choice(struct db *db, const struct vote *v, json_t *options, int64_t *ids,
                        size_t *n, struct xf_err *err)
{
	size_t k = json_array_size(options), i;
	json_t *it;
	if (!json_is_array(options) || k < 1 || (!v->election && k != 1) ||
	    (v->election && k > (size_t)v->seats) || k > CANDIDATES_MAX)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "options",
		                     v->election ? "请选择 1 至 %lld 名候选人"
		                                 : "请选择同意、反对或弃权中的一项",
		                     (long long)v->seats);
	json_array_foreach(options, i, it)
	{
		int64_t c = 0, opt = json_integer_value(it);
		int rc;
		if (!json_is_integer(it) ||
		    (rc = db_int(db, err, &c,
		                 "SELECT count(*) FROM gov_options WHERE id = ? AND vote_id = ?",
		                 "ii", opt, v->id)) != XF_OK ||
		    !c)
			return xf_fail_field(err, XF_EINVAL, "validation_failed", "options",
			                     "第 %zu 项不是本次表决的选项", i + 1);
		for (size_t j = 0; j < i; j++)
			if (ids[j] == opt)
				return xf_fail_field(err, XF_EINVAL, "validation_failed", "options",
				                     "同一个选项只能选一次");
		ids[i] = opt;
	}
	*n = k;
	return XF_OK;
}

/* Mark the roll entry voted and add to the sums (and, for an open ballot, record who chose
 * what). Nothing else is written for a secret ballot. */
static int record(struct db *db, const struct vote *v, int64_t voter, const int64_t *ids, size_t n,
                  const char *channel, struct xf_err *err)
{
	int64_t area = 0;
	int rc = db_run(db, err,
	                "UPDATE gov_roll SET voted = 1, channel = ? WHERE vote_id = ? AND voter = ?"
	                " AND voted = 0",
	                "tii", channel, v->id, voter);
	if (rc != XF_OK)
		return rc;
	if (db_changes(db) != 1)
		return xf_fail(err, XF_ECONFLICT, "already_voted", "已经投过票了，不能重复投票");
	if ((rc = db_int(db, err, &area,
	                 "SELECT area_cm2 FROM gov_roll WHERE vote_id = ? AND voter = ?", "ii",
	                 v->id, voter)) != XF_OK)
		return rc;
	if (strcmp(v->rule, "owners") != 0)
		area = 0;
	for (size_t i = 0; i < n; i++) {
		if ((rc = db_run(db, err,
		                 "UPDATE gov_tallies SET heads = heads + 1, area_cm2 = area_cm2 + ?"
		                 " WHERE option_id = ?",
		                 "ii", area, ids[i])) != XF_OK)
			return rc;
		if (!v->secret &&
		    (rc = db_run(
		         db, err,
		         "INSERT INTO gov_open_ballots(vote_id, voter, option_id) VALUES (?, ?,"
		         " ?)",
		         "iii", v->id, voter, ids[i])) != XF_OK)
			return rc;
	}
	return XF_OK;
}

static int need_open(const struct vote *v, int64_t now, bool window, struct xf_err *err)
{
	if (strcmp(v->status, "open") != 0)
		return xf_fail(err, XF_ECONFLICT, "vote_closed", "表决已经结束，结果不能再更改");
	if (now < v->opens_at)
		return xf_fail(err, XF_ECONFLICT, "outside_window", "表决还没有开始");
	if (window && now >= v->closes_at)
		return xf_fail(err, XF_ECONFLICT, "outside_window", "表决已经截止");
	return XF_OK;
}

static int voter_of(struct db *db, int64_t vote, int64_t person, int64_t *voter, struct xf_err *err)
{
	int rc = db_int(db, err, voter,
	                "SELECT voter FROM gov_roll_people WHERE vote_id = ? AND person_id = ?",
	                "ii", vote, person);
	if (rc == XF_ENOTFOUND)
		return xf_fail(err, XF_EPERM, "not_eligible", "不在本次表决的投票人名单中");
	return rc;
}

static int voter_free(struct db *db, int64_t vote, int64_t voter, struct xf_err *err)
{
	int64_t voted = 0, pending = 0;
	int rc =
	    db_int(db, err, &voted, "SELECT voted FROM gov_roll WHERE vote_id = ? AND voter = ?",
	           "ii", vote, voter);
	if (rc == XF_OK)
		rc = db_int(
		    db, err, &pending,
		    "SELECT count(*) FROM gov_paper_ballots WHERE vote_id = ? AND voter = ? AND"
		    " status = 'pending'",
		    "ii", vote, voter);
	if (rc != XF_OK)
		return rc;
	if (voted)
		return xf_fail(err, XF_ECONFLICT, "already_voted", "已经投过票了，不能重复投票");
	if (pending)
		return xf_fail(err, XF_ECONFLICT, "paper_pending",
		               "已有一张纸质选票等待确认，不能再投票");
	return XF_OK;
}

GOV_OP(gov_vote_cast)
{
	struct vote v;
	int64_t voter = 0, ids[CANDIDATES_MAX];
	size_t n = 0;
	int rc = vote_load(db, id, &v, err);
	if (rc != XF_OK || (rc = gov_need_see(db, a, v.place_id, err)) != XF_OK)
		return rc;
	if (!a->person_id)
		return xf_fail(err, XF_EPERM, "not_eligible", "您的账号未关联居民信息，不能投票");
	if ((rc = need_open(&v, now, true, err)) != XF_OK ||
	    (rc = voter_of(db, id, a->person_id, &voter, err)) != XF_OK ||
	    (rc = voter_free(db, id, voter, err)) != XF_OK ||
	    (rc = check_choice(db, &v, json_object_get(body, "options"), ids, &n, err)) != XF_OK ||
	    (rc = record(db, &v, voter, ids, n, "online", err)) != XF_OK)
		return rc;
	/* The answer never repeats the choice. */
	*out = json_pack("{s:I, s:b}", "id", (json_int_t)id, "voted", true);
	return XF_OK;
}

/* ---- paper ballots ---- */

GOV_OP(gov_vote_roll)
{
	struct vote v;
	int rc = vote_load(db, id, &v, err);
	if (rc != XF_OK || (rc = actor_need(db, a, "gov.ballots", v.place_id, err)) != XF_OK)
		return rc;
	const char *q = jv_str(body, "q", "");
	char like[80];
	str_like_pattern(like, sizeof like, q, true);
	struct db_stmt *st = db_prep(
	    db,
	    "SELECT rp.person_id, pe.name, r.voter, r.label, r.area_cm2, r.voted, r.channel FROM"
	    " gov_roll_people rp JOIN gov_roll r ON r.vote_id = rp.vote_id AND r.voter = rp.voter"
	    " JOIN people pe ON pe.id = rp.person_id WHERE rp.vote_id = ? AND (pe.name LIKE ? "
	    "ESCAPE"
	    " '\\' OR r.label LIKE ? ESCAPE '\\') ORDER BY r.label, pe.id LIMIT 100",
	    err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, like);
	db_bind_text(st, 3, like);
	json_t *items = json_array();
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(
		    items,
		    json_pack("{s:I, s:s, s:I, s:s, s:I, s:b, s:s}", "person_id",
		              (json_int_t)db_col_int(st, 0), "name", db_col_text(st, 1), "voter",
		              (json_int_t)db_col_int(st, 2), "label", db_col_text(st, 3),
		              "area_cm2", (json_int_t)db_col_int(st, 4), "voted",
		              db_col_int(st, 5) != 0, "channel", db_col_text(st, 6)));
	if (rc < 0) {
		json_decref(items);
		return rc;
	}
	*out = page_of(items);
	return XF_OK;
}

GOV_OP(gov_paper_list)
{
	struct vote v;
	int rc = vote_load(db, id, &v, err);
	if (rc != XF_OK || (rc = actor_need(db, a, "gov.ballots", v.place_id, err)) != XF_OK)
		return rc;
	struct db_stmt *st = db_prep(
	    db,
	    "SELECT b.id, b.status, coalesce(r.label, ''), b.choice, u.display_name, b.entered_by,"
	    " b.created_at FROM gov_paper_ballots b JOIN users u ON u.id = b.entered_by LEFT JOIN"
	    " gov_roll r ON r.vote_id = b.vote_id AND r.voter = b.voter WHERE b.vote_id = ? ORDER"
	    " BY b.status <> 'pending', b.id DESC LIMIT 500",
	    err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	json_t *items = json_array();
	while ((rc = db_step(st, err)) == DB_ROW) {
		json_t *choice = json_array();
		const char *c = db_col_text(st, 3);
		/* Option ids, comma-separated: the labels are looked up by the page. */
		while (*c) {
			char *end;
			long long x = strtoll(c, &end, 10);
			if (end == c)
				break;
			json_array_append_new(choice, json_integer(x));
			c = *end == ',' ? end + 1 : end;
		}
		json_array_append_new(
		    items, json_pack("{s:I, s:s, s:s, s:o, s:s, s:b, s:I}", "id",
		                     (json_int_t)db_col_int(st, 0), "status", db_col_text(st, 1),
		                     "voter", db_col_text(st, 2), "options", choice, "entered_by",
		                     db_col_text(st, 4), "mine", db_col_int(st, 5) == a->user_id,
		                     "created_at", (json_int_t)db_col_int(st, 6)));
	}
	if (rc < 0) {
		json_decref(items);
		return rc;
	}
	*out = page_of(items);
	return XF_OK;
}

GOV_OP(gov_paper_enter)
{
	struct vote v;
	int64_t voter = 0, ids[CANDIDATES_MAX];
	size_t n = 0;
	int rc = vote_load(db, id, &v, err);
	if (rc != XF_OK || (rc = actor_need(db, a, "gov.ballots", v.place_id, err)) != XF_OK)
		return rc;
	/* Paper handed in during the window may be entered until the vote is closed. */
	if ((rc = need_open(&v, now, false, err)) != XF_OK)
		return rc;
	rc = voter_of(db, id, jv_int(body, "person_id", 0), &voter, err);
	if (rc == XF_EPERM)
		return xf_fail_field(err, XF_EINVAL, "not_eligible", "person_id",
		                     "此人不在本次表决的投票人名单中");
	if (rc != XF_OK || (rc = voter_free(db, id, voter, err)) != XF_OK ||
	    (rc = check_choice(db, &v, json_object_get(body, "options"), ids, &n, err)) != XF_OK)
		return rc;
	char choice[CANDIDATES_MAX * 21 + 1];
	size_t o = 0;
	choice[0] = 0;
	for (size_t i = 0; i < n; i++)
		o += (size_t)snprintf(choice + o, sizeof choice - o, "%s%lld", i ? "," : "",
		                      (long long)ids[i]);
	struct db_stmt *st = db_prep(
	    db,
	    "INSERT INTO gov_paper_ballots(vote_id, voter, choice, status, entered_by, created_at)"
	    " VALUES (?, ?, ?, 'pending', ?, ?) RETURNING id",
	    err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, voter);
	db_bind_text(st, 3, choice);
	db_bind_int(st, 4, a->user_id);
	db_bind_int(st, 5, now);
	if ((rc = db_step(st, err)) != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_EDB, "db_error", "保存失败");
	int64_t pb = db_col_int(st, 0);
	db_reset(st);
	*out = json_pack("{s:I, s:s}", "id", (json_int_t)pb, "status", "pending");
	return XF_OK;
}

struct paper {
	int64_t vote, voter, entered_by;
	char status[16], choice[CANDIDATES_MAX * 21 + 1];
};

static int paper_load(struct db *db, const struct actor *a, int64_t id, struct paper *p,
                      struct vote *v, struct xf_err *err)
{
	struct db_stmt *st =
	    db_prep(db,
	            "SELECT vote_id, coalesce(voter, 0), entered_by, status, choice"
	            " FROM gov_paper_ballots WHERE id = ?",
	            err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	int rc = db_step(st, err);
	if (rc == DB_DONE)
		return xf_fail(err, XF_ENOTFOUND, "not_found", "没有这张纸质选票");
	if (rc != DB_ROW)
		return rc;
	p->vote = db_col_int(st, 0);
	p->voter = db_col_int(st, 1);
	p->entered_by = db_col_int(st, 2);
	snprintf(p->status, sizeof p->status, "%s", db_col_text(st, 3));
	snprintf(p->choice, sizeof p->choice, "%s", db_col_text(st, 4));
	db_reset(st);
	if ((rc = vote_load(db, p->vote, v, err)) != XF_OK ||
	    (rc = actor_need(db, a, "gov.ballots", v->place_id, err)) != XF_OK)
		return rc;
	if (strcmp(p->status, "pending") != 0)
		return xf_fail(err, XF_ECONFLICT, "invalid_state", "这张选票已经处理过了");
	return XF_OK;
}

GOV_OP(gov_paper_confirm)
{
	struct paper p;
	struct vote v;
	int rc = paper_load(db, a, id, &p, &v, err);
	if (rc != XF_OK || (rc = need_open(&v, now, false, err)) != XF_OK)
		return rc;
	if (p.entered_by == a->user_id)
		return xf_fail(err, XF_ECONFLICT, "second_person_required",
		               "纸质选票须由录入人以外的另一名工作人员确认");
	int64_t ids[CANDIDATES_MAX];
	size_t n = 0;
	for (const char *c = p.choice; *c && n < CANDIDATES_MAX;) {
		char *end;
		ids[n++] = strtoll(c, &end, 10);
		c = *end == ',' ? end + 1 : end;
	}
	if ((rc = record(db, &v, p.voter, ids, n, "paper", err)) != XF_OK)
		return rc;
	/* A secret vote's paper keeps who entered and confirmed it, not whose it was. */
	if (v.secret)
		rc = db_run(db, err,
		            "UPDATE gov_paper_ballots SET status = 'confirmed', confirmed_by = ?,"
		            " decided_at = ?, voter = NULL, choice = '' WHERE id = ?",
		            "iii", a->user_id, now, id);
	else
		rc = db_run(db, err,
		            "UPDATE gov_paper_ballots SET status = 'confirmed', confirmed_by = ?,"
		            " decided_at = ? WHERE id = ?",
		            "iii", a->user_id, now, id);
	if (rc != XF_OK)
		return rc;
	*out = json_pack("{s:I, s:s}", "id", (json_int_t)id, "status", "confirmed");
	return XF_OK;
}

GOV_OP(gov_paper_reject)
{
	struct paper p;
	struct vote v;
	int rc = paper_load(db, a, id, &p, &v, err);
	if (rc != XF_OK || (rc = need_open(&v, now, false, err)) != XF_OK)
		return rc;
	if ((rc = db_run(db, err,
	                 "UPDATE gov_paper_ballots SET status = 'rejected', confirmed_by = ?,"
	                 " decided_at = ?, choice = '' WHERE id = ?",
	                 "iii", a->user_id, now, id)) != XF_OK)
		return rc;
	*out = json_pack("{s:I, s:s}", "id", (json_int_t)id, "status", "rejected");
	return XF_OK;
}

/* ---- close ---- */

GOV_OP(gov_vote_close)
{
	struct vote v;
	int64_t pending = 0;
	int rc = vote_load(db, id, &v, err);
	if (rc != XF_OK || (rc = actor_need(db, a, "gov.manage", v.place_id, err)) != XF_OK)
		return rc;
	if (strcmp(v.status, "open") != 0)
		return xf_fail(err, XF_ECONFLICT, "vote_closed", "表决已经结束，结果不能再更改");
	if (now < v.closes_at)
		return xf_fail(err, XF_ECONFLICT, "still_open", "表决还没有截止，截止后才能计票");
	if ((rc = db_int(db, err, &pending,
	                 "SELECT count(*) FROM gov_paper_ballots WHERE vote_id = ? AND status ="
	                 " 'pending'",
	                 "i", id)) != XF_OK)
		return rc;
	if (pending)
		return xf_fail(err, XF_ECONFLICT, "paper_pending",
		               "还有 %lld 张纸质选票等待第二人确认", (long long)pending);
	json_t *res;
	bool passed;
	if ((rc = compute(db, &v, &res, &passed, err)) != XF_OK)
		return rc;
	char *text = json_dumps(res, JSON_COMPACT);
	rc = db_run(db, err,
	            "UPDATE gov_votes SET status = 'closed', result = ?, passed = ?, closed_at = ?"
	            " WHERE id = ?",
	            "tiii", text ? text : "{}", (int64_t)passed, now, id);
	free(text);
	if (rc != XF_OK) {
		json_decref(res);
		return rc;
	}
	/* An ordinary vote that passed becomes a decision to carry out (or settles the one it
	 * was held on); the proposal learns the outcome. */
	if (!v.election && v.decision_id)
		rc =
		    db_run(db, err, "UPDATE gov_decisions SET status = ?, vote_id = ? WHERE id = ?",
		           "tii", passed ? "implementing" : "rejected", id, v.decision_id);
	else if (!v.election && passed)
		rc =
		    db_run(db, err,
		           "INSERT INTO gov_decisions(place_id, vote_id, proposal_id, text, status,"
		           " district_id, created_at) VALUES (?, ?, NULLIF(?, 0), ?, "
		           "'implementing', (SELECT"
		           " district_id FROM places WHERE id = ?), ?)",
		           "iiitii", v.place_id, id, v.proposal_id, v.title, v.place_id, now);
	if (rc == XF_OK && v.proposal_id)
		rc = db_run(
		    db, err,
		    "UPDATE gov_proposals SET status = ?, updated_at = ? WHERE id = ? AND status"
		    " = 'voting'",
		    "tii", passed ? "adopted" : "rejected", now, v.proposal_id);
	if (rc != XF_OK) {
		json_decref(res);
		return rc;
	}
	*out =
	    json_pack("{s:I, s:s, s:o}", "id", (json_int_t)id, "status", "closed", "result", res);
	return XF_OK;
}
