/* Special funds under published rules: rule sets, budgets, spending requests with their
 * approval chain and vouchers, the public disclosure and budget against actual. */
#include "funds.h"
#include "../auth/policy.h"
#include "../core/jv.h"
#include "../registry/registry.h"
#include "../sched/outbox.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VOUCHERS_MAX 9

static json_t *page_of(json_t *items)
{
	return json_pack("{s:o, s:n}", "items", items, "next");
}

static void yuan(int64_t fen, char out[32])
{
	snprintf(out, 32, "%s%lld.%02lld", fen < 0 ? "-" : "", (long long)(llabs(fen) / 100),
	         (long long)(llabs(fen) % 100));
}

/* ---- rule sets ---- */

static bool role_known(const char *r)
{
	return policy_role(r) != NULL;
}

FUNDS_OP(funds_ruleset_create)
{
	if (!policy_allows(a->role, "funds.rules"))
		return xf_fail(err, XF_EPERM, "forbidden", "只有管理员可以发布经费使用规则");
	json_t *items = json_object_get(body, "items"), *it;
	size_t i;
	/* Every line is checked before anything is written. */
	json_array_foreach(items, i, it)
	{
		char field[48];
		const char *cat = jv_str(it, "category", ""), *name = jv_str(it, "name", "");
		size_t n = strlen(cat);
		bool ok = json_is_object(it) && n >= 2 && n <= 32 && *name && strlen(name) <= 60 &&
		          json_is_boolean(json_object_get(it, "allowed"));
		for (size_t k = 0; ok && k < n; k++)
			ok = (cat[k] >= 'a' && cat[k] <= 'z') || cat[k] == '_';
		if (!ok) {
			snprintf(field, sizeof field, "items[%zu]", i);
			return xf_fail_field(
			    err, XF_EINVAL, "validation_failed", field,
			    "第 %zu 条：须有 category（小写字母）、name 和 allowed", i + 1);
		}
		int64_t cap = jv_int(it, "cap_fen", 0), second = jv_int(it, "second_fen", 0);
		const char *ar = jv_str(it, "approver_role", "community_official"),
		           *sr = jv_str(it, "second_role", "street_official");
		if (cap < 0 || second < 0 || !role_known(ar) || !role_known(sr)) {
			snprintf(field, sizeof field, "items[%zu]", i);
			return xf_fail_field(err, XF_EINVAL, "validation_failed", field,
			                     "第 %zu 条：金额不能为负，审批角色须是已有角色",
			                     i + 1);
		}
	}
	struct db_stmt *st = db_prep(
	    db, "INSERT INTO fund_rulesets(name, published_at, text) VALUES (?, ?, ?) RETURNING id",
	    err);
	if (!st)
		return err->status;
	db_bind_text(st, 1, jv_str(body, "name", ""));
	db_bind_int(st, 2, now);
	db_bind_text(st, 3, jv_str(body, "text", ""));
	int rc = db_step(st, err);
	if (rc != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_EDB, "db_error", "保存失败");
	int64_t rs = db_col_int(st, 0);
	db_reset(st);
	json_array_foreach(items, i, it)
	{
		st = db_prep(
		    db,
		    "INSERT INTO fund_rule_items(ruleset_id, category, name, allowed, cap_fen,"
		    " approver_role, second_fen, second_role) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
		    " ON CONFLICT DO NOTHING",
		    err);
		if (!st)
			return err->status;
		db_bind_int(st, 1, rs);
		db_bind_text(st, 2, jv_str(it, "category", ""));
		db_bind_text(st, 3, jv_str(it, "name", ""));
		db_bind_int(st, 4, json_is_true(json_object_get(it, "allowed")));
		if (jv_int(it, "cap_fen", 0))
			db_bind_int(st, 5, jv_int(it, "cap_fen", 0));
		else
			db_bind_null(st, 5);
		db_bind_text(st, 6, jv_str(it, "approver_role", "community_official"));
		if (jv_int(it, "second_fen", 0))
			db_bind_int(st, 7, jv_int(it, "second_fen", 0));
		else
			db_bind_null(st, 7);
		db_bind_text(st, 8, jv_str(it, "second_role", "street_official"));
		if ((rc = db_step(st, err)) != DB_DONE)
			return rc < 0 ? rc : xf_fail(err, XF_EDB, "db_error", "保存失败");
	}
	*out = json_pack("{s:I}", "id", (json_int_t)rs);
	return XF_OK;
}

int funds_rules_publish(struct db *db, json_t *ruleset, int64_t now, struct xf_err *err)
{
	int64_t n = 0;
	int rc = db_int(db, err, &n, "SELECT count(*) FROM fund_rulesets WHERE name = ?", "t",
	                jv_str(ruleset, "name", ""));
	if (rc != XF_OK || n)
		return rc;
	struct actor system = {.role = "admin"};
	json_t *out = NULL;
	rc = funds_ruleset_create(db, &system, ruleset, 0, now, &out, err);
	json_decref(out);
	return rc;
}

FUNDS_OP(funds_rulesets_list)
{
	struct db_stmt *st =
	    db_prep(db,
	            "SELECT r.id, r.name, r.published_at, r.text, i.category, i.name,"
	            " i.allowed, coalesce(i.cap_fen, 0), i.approver_role,"
	            " coalesce(i.second_fen, 0), i.second_role FROM fund_rulesets r"
	            " LEFT JOIN fund_rule_items i ON i.ruleset_id = r.id"
	            " ORDER BY r.id, i.allowed DESC, i.category",
	            err);
	if (!st)
		return err->status;
	json_t *sets = json_array(), *cur = NULL;
	int64_t cur_id = 0;
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		if (db_col_int(st, 0) != cur_id) {
			cur_id = db_col_int(st, 0);
			cur = json_pack("{s:I, s:s, s:I, s:s, s:[]}", "id", (json_int_t)cur_id,
			                "name", db_col_text(st, 1), "published_at",
			                (json_int_t)db_col_int(st, 2), "text", db_col_text(st, 3),
			                "items");
			json_array_append_new(sets, cur);
		}
		if (db_col_null(st, 4))
			continue;
		json_t *item = json_pack("{s:s, s:s, s:b, s:s, s:s}", "category",
		                         db_col_text(st, 4), "name", db_col_text(st, 5), "allowed",
		                         db_col_int(st, 6) != 0, "approver_role",
		                         db_col_text(st, 8), "second_role", db_col_text(st, 10));
		json_object_set_new(item, "cap_fen",
		                    db_col_int(st, 7) ? json_integer(db_col_int(st, 7))
		                                      : json_null());
		json_object_set_new(item, "second_fen",
		                    db_col_int(st, 9) ? json_integer(db_col_int(st, 9))
		                                      : json_null());
		json_array_append_new(json_object_get(cur, "items"), item);
	}
	if (rc < 0) {
		json_decref(sets);
		return rc;
	}
	*out = page_of(sets);
	return XF_OK;
}

/* ---- funds ---- */

FUNDS_OP(funds_create)
{
	int64_t place = jv_int(body, "place_id", 0), org = jv_int(body, "org_id", 0),
	        year = jv_int(body, "year", 0), rs = jv_int(body, "ruleset_id", 0), n = 0;
	const char *kind = jv_str(body, "kind", "");
	int rc = actor_need(db, a, "funds.manage", place, err);
	if (rc != XF_OK)
		return rc;
	if (strcmp(kind, "service") != 0 && strcmp(kind, "industry") != 0 &&
	    strcmp(kind, "centre") != 0)
		return xf_fail_field(
		    err, XF_EINVAL, "validation_failed", "kind",
		    "经费类型只能是 service（服务群众专项经费）、industry（行业党委经费）"
		    "或 centre（阵地提档升级）");
	if ((rc = db_int(db, err, &n, "SELECT count(*) FROM fund_rulesets WHERE id = ?", "i",
	                 rs)) != XF_OK)
		return rc;
	if (!n)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "ruleset_id",
		                     "没有这套经费使用规则");
	if (org &&
	    (rc = db_int(db, err, &n, "SELECT count(*) FROM orgs WHERE id = ?", "i", org)) ==
	        XF_OK &&
	    !n)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "org_id", "没有这个组织");
	if (rc != XF_OK)
		return rc;
	if ((rc = db_int(db, err, &n,
	                 "SELECT count(*) FROM funds WHERE place_id = ? AND coalesce(org_id, 0) = ?"
	                 " AND year = ? AND kind = ?",
	                 "iiit", place, org, year, kind)) != XF_OK)
		return rc;
	if (n)
		return xf_fail(err, XF_ECONFLICT, "duplicate", "这个地点今年已有同类经费");
	struct db_stmt *st = db_prep(
	    db,
	    "INSERT INTO funds(place_id, org_id, year, kind, name, budget_fen, ruleset_id,"
	    " created_at, district_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, (SELECT district_id FROM"
	    " places WHERE id = ?)) RETURNING id",
	    err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, place);
	if (org)
		db_bind_int(st, 2, org);
	else
		db_bind_null(st, 2);
	db_bind_int(st, 3, year);
	db_bind_text(st, 4, kind);
	db_bind_text(st, 5, jv_str(body, "name", ""));
	db_bind_int(st, 6, jv_int(body, "budget_fen", 0));
	db_bind_int(st, 7, rs);
	db_bind_int(st, 8, now);
	db_bind_int(st, 9, place);
	if ((rc = db_step(st, err)) != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_EDB, "db_error", "保存失败");
	int64_t fid = db_col_int(st, 0);
	db_reset(st);
	return funds_get(db, a, NULL, fid, now, out, err);
}

static int fund_place(struct db *db, int64_t fund, int64_t *place, struct xf_err *err)
{
	int rc = db_int(db, err, place, "SELECT place_id FROM funds WHERE id = ?", "i", fund);
	if (rc == XF_ENOTFOUND)
		return xf_fail(err, XF_ENOTFOUND, "not_found", "没有这笔经费");
	return rc;
}

/* Money committed against a fund: pending and approved requests count, so two requests
 * cannot together spend more than the budget. */
static int committed(struct db *db, int64_t fund, int64_t *fen, struct xf_err *err)
{
	return db_int(db, err, fen,
	              "SELECT coalesce(sum(amount_fen), 0) FROM expenditures WHERE fund_id = ? AND"
	              " status IN ('pending', 'approved', 'paid')",
	              "i", fund);
}

FUNDS_OP(funds_get)
{
	int64_t place = 0;
	int rc = fund_place(db, id, &place, err);
	if (rc == XF_OK)
		rc = actor_need(db, a, "funds.read", place, err);
	if (rc != XF_OK)
		return rc;
	struct db_stmt *st = db_prep(
	    db,
	    "SELECT f.id, f.year, f.kind, f.name, f.budget_fen, f.ruleset_id, r.name, p.id, p.name,"
	    " coalesce(o.name, '') FROM funds f JOIN fund_rulesets r ON r.id = f.ruleset_id JOIN"
	    " places p ON p.id = f.place_id LEFT JOIN orgs o ON o.id = f.org_id WHERE f.id = ?",
	    err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	if ((rc = db_step(st, err)) != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_ENOTFOUND, "not_found", "没有这笔经费");
	int64_t budget = db_col_int(st, 4), used = 0;
	json_t *v =
	    json_pack("{s:I, s:I, s:s, s:s, s:I, s:I, s:s, s:I, s:s, s:s}", "id",
	              (json_int_t)db_col_int(st, 0), "year", (json_int_t)db_col_int(st, 1), "kind",
	              db_col_text(st, 2), "name", db_col_text(st, 3), "budget_fen",
	              (json_int_t)budget, "ruleset_id", (json_int_t)db_col_int(st, 5),
	              "ruleset_name", db_col_text(st, 6), "place_id", (json_int_t)db_col_int(st, 7),
	              "place_name", db_col_text(st, 8), "org_name", db_col_text(st, 9));
	db_reset(st);
	if ((rc = committed(db, id, &used, err)) != XF_OK) {
		json_decref(v);
		return rc;
	}
	json_t *cats = json_array();
	json_object_set_new(v, "by_category", cats);
	st =
	    db_prep(db,
	            "SELECT e.category, coalesce(i.name, e.category), coalesce(sum(CASE WHEN"
	            " e.status IN ('approved', 'paid') THEN e.amount_fen ELSE 0 END), 0),"
	            " coalesce(sum(CASE WHEN e.status = 'pending' THEN e.amount_fen ELSE 0 END),"
	            " 0), coalesce(sum(CASE WHEN e.status IN ('approved', 'paid') THEN e.deeds ELSE"
	            " 0 END), 0) FROM expenditures e JOIN funds f ON f.id = e.fund_id LEFT JOIN"
	            " fund_rule_items i ON i.ruleset_id = f.ruleset_id AND i.category = e.category"
	            " WHERE e.fund_id = ? GROUP BY e.category, i.name ORDER BY e.category",
	            err);
	if (!st) {
		json_decref(v);
		return err->status;
	}
	db_bind_int(st, 1, id);
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(cats,
		                      json_pack("{s:s, s:s, s:I, s:I, s:I}", "category",
		                                db_col_text(st, 0), "name", db_col_text(st, 1),
		                                "spent_fen", (json_int_t)db_col_int(st, 2),
		                                "pending_fen", (json_int_t)db_col_int(st, 3),
		                                "deeds", (json_int_t)db_col_int(st, 4)));
	if (rc < 0) {
		json_decref(v);
		return rc;
	}
	json_object_set_new(v, "committed_fen", json_integer(used));
	json_object_set_new(v, "remaining_fen", json_integer(budget - used));
	*out = v;
	return XF_OK;
}

FUNDS_OP(funds_list)
{
	int64_t place = jv_int(body, "place", a->place_id), year = jv_int(body, "year", 0);
	char lo[256], hi[256];
	int rc = actor_need(db, a, "funds.read", place, err);
	if (rc == XF_OK)
		rc = registry_subtree(db, place, lo, hi, err);
	if (rc != XF_OK)
		return rc;
	struct db_stmt *st = db_prep(
	    db,
	    "SELECT f.id, f.year, f.kind, f.name, f.budget_fen, p.name, (SELECT coalesce(sum("
	    "e.amount_fen), 0) FROM expenditures e WHERE e.fund_id = f.id AND e.status IN"
	    " ('approved', 'paid')) FROM funds f CROSS JOIN places p WHERE p.id = f.place_id AND "
	    "p.path "
	    ">= ?"
	    " AND p.path < ? AND (? = 0 OR f.year = ?) ORDER BY f.year DESC, p.path, f.id LIMIT "
	    "500",
	    err);
	if (!st)
		return err->status;
	db_bind_text(st, 1, lo);
	db_bind_text(st, 2, hi);
	db_bind_int(st, 3, year);
	db_bind_int(st, 4, year);
	json_t *items = json_array();
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(
		    items,
		    json_pack("{s:I, s:I, s:s, s:s, s:I, s:s, s:I}", "id",
		              (json_int_t)db_col_int(st, 0), "year", (json_int_t)db_col_int(st, 1),
		              "kind", db_col_text(st, 2), "name", db_col_text(st, 3), "budget_fen",
		              (json_int_t)db_col_int(st, 4), "place_name", db_col_text(st, 5),
		              "spent_fen", (json_int_t)db_col_int(st, 6)));
	if (rc < 0) {
		json_decref(items);
		return rc;
	}
	*out = page_of(items);
	return XF_OK;
}

/* ---- expenditures ---- */

struct rule {
	bool found, allowed;
	int64_t cap, second;
	char name[64], approver[32], second_role[32];
};

static int rule_for(struct db *db, int64_t fund, const char *category, struct rule *r,
                    struct xf_err *err)
{
	memset(r, 0, sizeof *r);
	struct db_stmt *st =
	    db_prep(db,
	            "SELECT i.allowed, coalesce(i.cap_fen, 0), coalesce(i.second_fen,"
	            " 0), i.name, i.approver_role, i.second_role FROM funds f JOIN"
	            " fund_rule_items i ON i.ruleset_id = f.ruleset_id WHERE f.id ="
	            " ? AND i.category = ?",
	            err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, fund);
	db_bind_text(st, 2, category);
	int rc = db_step(st, err);
	if (rc == DB_ROW) {
		r->found = true;
		r->allowed = db_col_int(st, 0) != 0;
		r->cap = db_col_int(st, 1);
		r->second = db_col_int(st, 2);
		snprintf(r->name, sizeof r->name, "%s", db_col_text(st, 3));
		snprintf(r->approver, sizeof r->approver, "%s", db_col_text(st, 4));
		snprintf(r->second_role, sizeof r->second_role, "%s", db_col_text(st, 5));
		db_reset(st);
		return XF_OK;
	}
	return rc < 0 ? rc : XF_OK;
}

FUNDS_OP(funds_expenditure_create)
{
	int64_t fund = jv_int(body, "fund_id", 0), amount = jv_int(body, "amount_fen", 0),
	        place = 0, budget = 0, used = 0;
	const char *category = jv_str(body, "category", "");
	int rc = fund_place(db, fund, &place, err);
	if (rc == XF_ENOTFOUND)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "fund_id",
		                     "没有这笔经费");
	if (rc == XF_OK)
		rc = actor_need(db, a, "funds.request", place, err);
	if (rc != XF_OK)
		return rc;
	/* The published rules decide, each refusal naming its rule. */
	struct rule r;
	if ((rc = rule_for(db, fund, category, &r, err)) != XF_OK)
		return rc;
	char y1[32], y2[32];
	if (!r.found)
		return xf_fail_field(err, XF_EINVAL, "rule_unknown_category", "category",
		                     "经费使用规则里没有“%s”这一类支出", category);
	if (!r.allowed)
		return xf_fail_field(err, XF_EINVAL, "rule_forbidden", "category",
		                     "“%s”在经费使用规则的禁止清单上", r.name);
	if (r.cap && amount > r.cap) {
		yuan(amount, y1);
		yuan(r.cap, y2);
		return xf_fail_field(err, XF_EINVAL, "rule_cap", "amount_fen",
		                     "“%s”每笔不得超过 %s 元（本次 %s 元）", r.name, y2, y1);
	}
	if ((rc = db_int(db, err, &budget, "SELECT budget_fen FROM funds WHERE id = ?", "i",
	                 fund)) != XF_OK ||
	    (rc = committed(db, fund, &used, err)) != XF_OK)
		return rc;
	if (used + amount > budget) {
		yuan(budget - used, y1);
		return xf_fail_field(err, XF_EINVAL, "rule_budget", "amount_fen",
		                     "超出预算：这笔经费只剩 %s 元可用", y1);
	}
	int64_t steps = r.second && amount > r.second ? 2 : 1;
	struct db_stmt *st = db_prep(
	    db,
	    "INSERT INTO expenditures(fund_id, category, title, amount_fen, outcome, deeds, status,"
	    " steps, requested_by, created_at, district_id) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?,"
	    " ?, ?, (SELECT district_id FROM places WHERE id = ?)) RETURNING id",
	    err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, fund);
	db_bind_text(st, 2, category);
	db_bind_text(st, 3, jv_str(body, "title", ""));
	db_bind_int(st, 4, amount);
	db_bind_text(st, 5, jv_str(body, "outcome", ""));
	db_bind_int(st, 6, jv_int(body, "deeds", 1));
	db_bind_int(st, 7, steps);
	db_bind_int(st, 8, a->user_id);
	db_bind_int(st, 9, now);
	db_bind_int(st, 10, place);
	if ((rc = db_step(st, err)) != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_EDB, "db_error", "保存失败");
	int64_t eid = db_col_int(st, 0);
	db_reset(st);
	return funds_expenditure_get(db, a, NULL, eid, now, out, err);
}

struct exp {
	int64_t id, fund, place, amount, steps, requested_by, approvals;
	char status[12], category[40];
};

static int exp_load(struct db *db, int64_t id, struct exp *e, struct xf_err *err)
{
	struct db_stmt *st = db_prep(
	    db,
	    "SELECT e.id, e.fund_id, f.place_id, e.amount_fen, e.steps, e.requested_by, e.status,"
	    " e.category, (SELECT count(*) FROM expenditure_approvals x WHERE x.expenditure_id ="
	    " e.id AND x.decision = 'approved') FROM expenditures e JOIN funds f ON f.id ="
	    " e.fund_id WHERE e.id = ?",
	    err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	int rc = db_step(st, err);
	if (rc != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_ENOTFOUND, "not_found", "没有这笔支出");
	e->id = db_col_int(st, 0);
	e->fund = db_col_int(st, 1);
	e->place = db_col_int(st, 2);
	e->amount = db_col_int(st, 3);
	e->steps = db_col_int(st, 4);
	e->requested_by = db_col_int(st, 5);
	snprintf(e->status, sizeof e->status, "%s", db_col_text(st, 6));
	snprintf(e->category, sizeof e->category, "%s", db_col_text(st, 7));
	e->approvals = db_col_int(st, 8);
	db_reset(st);
	return XF_OK;
}

FUNDS_OP(funds_expenditure_get)
{
	struct exp e;
	int rc = exp_load(db, id, &e, err);
	if (rc == XF_OK)
		rc = actor_need(db, a, "funds.read", e.place, err);
	if (rc != XF_OK)
		return rc;
	struct db_stmt *st = db_prep(
	    db,
	    "SELECT e.id, e.fund_id, f.name, e.category, coalesce(i.name, e.category), e.title,"
	    " e.amount_fen, e.outcome, e.deeds, e.status, e.steps, u.display_name, e.created_at,"
	    " coalesce(e.decided_at, 0), coalesce(e.paid_at, 0), (SELECT count(*) FROM vouchers v"
	    " WHERE v.expenditure_id = e.id) FROM expenditures e JOIN funds f ON f.id = e.fund_id"
	    " JOIN users u ON u.id = e.requested_by LEFT JOIN fund_rule_items i ON i.ruleset_id ="
	    " f.ruleset_id AND i.category = e.category WHERE e.id = ?",
	    err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	if ((rc = db_step(st, err)) != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_ENOTFOUND, "not_found", "没有这笔支出");
	json_t *v = json_pack(
	    "{s:I, s:I, s:s, s:s, s:s, s:s, s:I, s:s, s:I, s:s, s:I, s:s, s:I, s:I, s:I, s:I}",
	    "id", (json_int_t)db_col_int(st, 0), "fund_id", (json_int_t)db_col_int(st, 1),
	    "fund_name", db_col_text(st, 2), "category", db_col_text(st, 3), "category_name",
	    db_col_text(st, 4), "title", db_col_text(st, 5), "amount_fen",
	    (json_int_t)db_col_int(st, 6), "outcome", db_col_text(st, 7), "deeds",
	    (json_int_t)db_col_int(st, 8), "status", db_col_text(st, 9), "steps",
	    (json_int_t)db_col_int(st, 10), "requested_by", db_col_text(st, 11), "created_at",
	    (json_int_t)db_col_int(st, 12), "decided_at", (json_int_t)db_col_int(st, 13), "paid_at",
	    (json_int_t)db_col_int(st, 14), "vouchers", (json_int_t)db_col_int(st, 15));
	db_reset(st);
	json_t *chain = json_array();
	json_object_set_new(v, "approvals", chain);
	st = db_prep(db,
	             "SELECT x.step, u.display_name, x.role, x.decision, x.note, x.at FROM"
	             " expenditure_approvals x JOIN users u ON u.id = x.user_id WHERE"
	             " x.expenditure_id = ? ORDER BY x.step",
	             err);
	if (!st) {
		json_decref(v);
		return err->status;
	}
	db_bind_int(st, 1, id);
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(
		    chain,
		    json_pack("{s:I, s:s, s:s, s:s, s:s, s:I}", "step",
		              (json_int_t)db_col_int(st, 0), "by", db_col_text(st, 1), "role",
		              db_col_text(st, 2), "decision", db_col_text(st, 3), "note",
		              db_col_text(st, 4), "at", (json_int_t)db_col_int(st, 5)));
	if (rc < 0) {
		json_decref(v);
		return rc;
	}
	*out = v;
	return XF_OK;
}

FUNDS_OP(funds_expenditures_list)
{
	int64_t fund = jv_int(body, "fund_id", 0), place;
	const char *status = jv_str(body, "status", "");
	int rc = fund_place(db, fund, &place, err);
	if (rc == XF_OK)
		rc = actor_need(db, a, "funds.read", place, err);
	if (rc != XF_OK)
		return rc;
	struct db_stmt *st = db_prep(
	    db,
	    "SELECT e.id, e.category, e.title, e.amount_fen, e.status, e.created_at, e.deeds,"
	    " e.steps, (SELECT count(*) FROM expenditure_approvals x WHERE x.expenditure_id = e.id"
	    " AND x.decision = 'approved') FROM expenditures e WHERE e.fund_id = ? AND (? = '' OR"
	    " e.status = ?) ORDER BY e.id DESC LIMIT 500",
	    err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, fund);
	db_bind_text(st, 2, status);
	db_bind_text(st, 3, status);
	json_t *items = json_array();
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(
		    items,
		    json_pack("{s:I, s:s, s:s, s:I, s:s, s:I, s:I, s:I, s:I}", "id",
		              (json_int_t)db_col_int(st, 0), "category", db_col_text(st, 1),
		              "title", db_col_text(st, 2), "amount_fen",
		              (json_int_t)db_col_int(st, 3), "status", db_col_text(st, 4),
		              "created_at", (json_int_t)db_col_int(st, 5), "deeds",
		              (json_int_t)db_col_int(st, 6), "steps", (json_int_t)db_col_int(st, 7),
		              "approved_steps", (json_int_t)db_col_int(st, 8)));
	if (rc < 0) {
		json_decref(items);
		return rc;
	}
	*out = page_of(items);
	return XF_OK;
}

/* One step of the chain: the rule's approver role at step 1, its second role at step 2;
 * never the requester. */
static int decide(struct db *db, const struct actor *a, int64_t id, bool approve, const char *note,
                  int64_t now, json_t **out, struct xf_err *err)
{
	struct exp e;
	struct rule r;
	int rc = exp_load(db, id, &e, err);
	if (rc == XF_OK)
		rc = actor_need(db, a, "funds.approve", e.place, err);
	if (rc == XF_OK)
		rc = rule_for(db, e.fund, e.category, &r, err);
	if (rc != XF_OK)
		return rc;
	/* Who, before whether: never one's own request, and only the rule's role at the step. */
	if (a->user_id == e.requested_by)
		return xf_fail(err, XF_EPERM, "own_request", "不能审批自己提出的支出申请");
	int64_t step = e.approvals + 1;
	bool pending = strcmp(e.status, "pending") == 0, admin = strcmp(a->role, "admin") == 0;
	const char *need = step == 1 ? r.approver : r.second_role;
	/* A decided request: only someone who could have approved it learns that it is. */
	bool may = admin || (pending ? strcmp(a->role, need) == 0
	                             : strcmp(a->role, r.approver) == 0 ||
	                                   strcmp(a->role, r.second_role) == 0);
	if (!may) {
		const struct role_info *ri = policy_role(pending ? need : r.approver);
		return xf_fail(err, XF_EPERM, "wrong_approver", "按规则，这一步须由%s审批",
		               ri ? ri->label : need);
	}
	if (!pending)
		return xf_fail(err, XF_ECONFLICT, "invalid_state", "这笔支出已经审批完了");
	int64_t n = 0;
	if ((rc = db_int(db, err, &n,
	                 "SELECT count(*) FROM expenditure_approvals WHERE expenditure_id = ? AND"
	                 " user_id = ?",
	                 "ii", id, a->user_id)) != XF_OK)
		return rc;
	if (n)
		return xf_fail(err, XF_EPERM, "already_approved_by_you", "同一人不能审批两步");
	if ((rc = db_run(db, err,
	                 "INSERT INTO expenditure_approvals(expenditure_id, step, user_id, role,"
	                 " decision, note, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
	                 "iiittti", id, step, a->user_id, a->role,
	                 approve ? "approved" : "rejected", note, now)) != XF_OK)
		return rc;
	const char *to = !approve ? "rejected" : step >= e.steps ? "approved" : "pending";
	if (strcmp(to, "pending") != 0 &&
	    (rc = db_run(db, err, "UPDATE expenditures SET status = ?, decided_at = ? WHERE id = ?",
	                 "tii", to, now, id)) != XF_OK)
		return rc;
	return funds_expenditure_get(db, a, NULL, id, now, out, err);
}

FUNDS_OP(funds_expenditure_approve)
{
	return decide(db, a, id, true, jv_str(body, "note", ""), now, out, err);
}

FUNDS_OP(funds_expenditure_reject)
{
	return decide(db, a, id, false, jv_str(body, "note", ""), now, out, err);
}

FUNDS_OP(funds_expenditure_pay)
{
	struct exp e;
	int rc = exp_load(db, id, &e, err);
	if (rc == XF_OK)
		rc = actor_need(db, a, "funds.request", e.place, err);
	if (rc != XF_OK)
		return rc;
	if (strcmp(e.status, "approved") != 0)
		return xf_fail(err, XF_ECONFLICT, "invalid_state",
		               "只有审批通过的支出才能登记支付");
	int64_t v = 0;
	if ((rc = db_int(db, err, &v, "SELECT count(*) FROM vouchers WHERE expenditure_id = ?", "i",
	                 id)) != XF_OK)
		return rc;
	if (!v)
		return xf_fail(err, XF_ECONFLICT, "voucher_required", "请先上传发票或凭证");
	if ((rc = db_run(db, err,
	                 "UPDATE expenditures SET status = 'paid', paid_at = ? WHERE id = ?", "ii",
	                 now, id)) != XF_OK)
		return rc;
	return funds_expenditure_get(db, a, NULL, id, now, out, err);
}

int funds_voucher_allowed(struct db *db, const struct actor *a, int64_t expenditure,
                          struct xf_err *err)
{
	struct exp e;
	int rc = exp_load(db, expenditure, &e, err);
	if (rc == XF_OK)
		rc = actor_need(db, a, "funds.request", e.place, err);
	return rc;
}

int funds_voucher_add(struct db *db, const struct actor *a, int64_t expenditure, const char *mime,
                      const void *bytes, size_t n, int64_t now, int *count, struct xf_err *err)
{
	int rc = funds_voucher_allowed(db, a, expenditure, err);
	int64_t have = 0;
	if (rc == XF_OK)
		rc =
		    db_int(db, err, &have, "SELECT count(*) FROM vouchers WHERE expenditure_id = ?",
		           "i", expenditure);
	if (rc != XF_OK)
		return rc;
	if (have >= VOUCHERS_MAX)
		return xf_fail(err, XF_ECONFLICT, "too_many_vouchers", "每笔支出最多 %d 份凭证",
		               VOUCHERS_MAX);
	unsigned char h[crypto_hash_sha256_BYTES];
	char hex[2 * crypto_hash_sha256_BYTES + 1];
	crypto_hash_sha256(h, bytes, n);
	sodium_bin2hex(hex, sizeof hex, h, sizeof h);
	struct db_stmt *st =
	    db_prep(db,
	            "INSERT INTO vouchers(expenditure_id, mime, bytes, size, sha256,"
	            " created_at) VALUES (?, ?, ?, ?, ?, ?)",
	            err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, expenditure);
	db_bind_text(st, 2, mime);
	db_bind_blob(st, 3, bytes, n);
	db_bind_int(st, 4, (int64_t)n);
	db_bind_text(st, 5, hex);
	db_bind_int(st, 6, now);
	if ((rc = db_step(st, err)) != DB_DONE)
		return rc < 0 ? rc : xf_fail(err, XF_EDB, "db_error", "保存凭证失败");
	*count = (int)have + 1;
	return XF_OK;
}

/* ---- 公示 and budget against actual ---- */

FUNDS_OP(funds_disclosure)
{
	int64_t place = jv_int(body, "place", 0), year = jv_int(body, "year", 0), kind_place = 0;
	int rc =
	    db_int(db, err, &kind_place,
	           "SELECT count(*) FROM places WHERE id = ? AND kind = 'community'", "i", place);
	if (rc != XF_OK)
		return rc;
	if (!kind_place)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "place",
		                     "请选择一个社区（place 应为社区的地点编号）");
	/* What residents may see: the fund, and each approved or paid item — category, what it
	 * was for, the amount, when, what it did. Never who asked or who approved. */
	struct db_stmt *st = db_prep(
	    db,
	    "SELECT f.id, f.name, f.year, f.budget_fen, e.id, coalesce(i.name, e.category), "
	    "e.title,"
	    " e.amount_fen, e.outcome, e.deeds, coalesce(e.paid_at, e.decided_at) FROM funds f"
	    " LEFT JOIN expenditures e ON e.fund_id = f.id AND e.status IN ('approved', 'paid')"
	    " LEFT JOIN fund_rule_items i ON i.ruleset_id = f.ruleset_id AND i.category ="
	    " e.category WHERE f.place_id = ? AND (? = 0 OR f.year = ?) ORDER BY f.year DESC, f.id,"
	    " e.id DESC LIMIT 2000",
	    err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, place);
	db_bind_int(st, 2, year);
	db_bind_int(st, 3, year);
	json_t *funds = json_array(), *cur = NULL;
	int64_t cur_id = 0;
	while ((rc = db_step(st, err)) == DB_ROW) {
		if (db_col_int(st, 0) != cur_id) {
			cur_id = db_col_int(st, 0);
			cur = json_pack("{s:I, s:s, s:I, s:I, s:I, s:I, s:[]}", "id",
			                (json_int_t)cur_id, "name", db_col_text(st, 1), "year",
			                (json_int_t)db_col_int(st, 2), "budget_fen",
			                (json_int_t)db_col_int(st, 3), "spent_fen", (json_int_t)0,
			                "deeds", (json_int_t)0, "items");
			json_array_append_new(funds, cur);
		}
		if (db_col_null(st, 4))
			continue;
		json_array_append_new(json_object_get(cur, "items"),
		                      json_pack("{s:s, s:s, s:I, s:s, s:I, s:I}", "category",
		                                db_col_text(st, 5), "title", db_col_text(st, 6),
		                                "amount_fen", (json_int_t)db_col_int(st, 7),
		                                "outcome", db_col_text(st, 8), "deeds",
		                                (json_int_t)db_col_int(st, 9), "date",
		                                (json_int_t)db_col_int(st, 10)));
		json_object_set_new(
		    cur, "spent_fen",
		    json_integer(json_integer_value(json_object_get(cur, "spent_fen")) +
		                 db_col_int(st, 7)));
		json_object_set_new(cur, "deeds",
		                    json_integer(json_integer_value(json_object_get(cur, "deeds")) +
		                                 db_col_int(st, 9)));
	}
	if (rc < 0) {
		json_decref(funds);
		return rc;
	}
	char name[128] = "";
	struct db_stmt *pn = db_prep(db, "SELECT name FROM places WHERE id = ?", err);
	if (pn) {
		db_bind_int(pn, 1, place);
		if (db_step(pn, err) == DB_ROW) {
			snprintf(name, sizeof name, "%s", db_col_text(pn, 0));
			db_reset(pn);
		}
	}
	*out = json_pack("{s:I, s:s, s:o}", "place_id", (json_int_t)place, "place_name", name,
	                 "funds", funds);
	return XF_OK;
}

static int totals(struct db *db, const char *lo, const char *hi, int64_t year, json_t **out,
                  struct xf_err *err)
{
	struct db_stmt *st = db_prep(
	    db,
	    "SELECT coalesce(sum(f.budget_fen), 0), coalesce(sum((SELECT "
	    "coalesce(sum(e.amount_fen),"
	    " 0) FROM expenditures e WHERE e.fund_id = f.id AND e.status IN ('approved', 'paid'))),"
	    " 0), coalesce(sum((SELECT coalesce(sum(e.deeds), 0) FROM expenditures e WHERE"
	    " e.fund_id = f.id AND e.status IN ('approved', 'paid'))), 0), count(*) FROM funds f"
	    " CROSS JOIN places p WHERE p.id = f.place_id AND p.path >= ? AND p.path < ? AND (? = "
	    "0 OR"
	    " f.year = ?)",
	    err);
	if (!st)
		return err->status;
	db_bind_text(st, 1, lo);
	db_bind_text(st, 2, hi);
	db_bind_int(st, 3, year);
	db_bind_int(st, 4, year);
	int rc = db_step(st, err);
	if (rc != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_EDB, "db_error", "统计失败");
	*out = json_pack("{s:I, s:I, s:I, s:I}", "budget_fen", (json_int_t)db_col_int(st, 0),
	                 "spent_fen", (json_int_t)db_col_int(st, 1), "deeds",
	                 (json_int_t)db_col_int(st, 2), "funds", (json_int_t)db_col_int(st, 3));
	db_reset(st);
	return XF_OK;
}

FUNDS_OP(funds_report)
{
	int64_t place = jv_int(body, "place", a->place_id), year = jv_int(body, "year", 0);
	char lo[256], hi[256];
	int rc = actor_need(db, a, "funds.read", place, err);
	if (rc == XF_OK)
		rc = registry_subtree(db, place, lo, hi, err);
	json_t *total, *by_cat = json_array(), *children = json_array();
	if (rc != XF_OK || (rc = totals(db, lo, hi, year, &total, err)) != XF_OK) {
		json_decref(by_cat);
		json_decref(children);
		return rc;
	}
	json_t *v = json_pack("{s:I, s:I, s:o, s:o, s:o}", "place_id", (json_int_t)place, "year",
	                      (json_int_t)year, "total", total, "by_category", by_cat, "children",
	                      children);
	struct db_stmt *st = db_prep(
	    db,
	    "SELECT e.category, coalesce(max(i.name), e.category), coalesce(sum(e.amount_fen), 0),"
	    " coalesce(sum(e.deeds), 0), count(*) FROM expenditures e JOIN funds f ON f.id ="
	    " e.fund_id CROSS JOIN places p LEFT JOIN fund_rule_items i ON"
	    " i.ruleset_id = f.ruleset_id AND i.category = e.category WHERE p.id = f.place_id AND"
	    " p.path >= ? AND p.path "
	    "<"
	    " ? AND (? = 0 OR f.year = ?) AND e.status IN ('approved', 'paid') GROUP BY e.category"
	    " ORDER BY 3 DESC",
	    err);
	if (!st) {
		json_decref(v);
		return err->status;
	}
	db_bind_text(st, 1, lo);
	db_bind_text(st, 2, hi);
	db_bind_int(st, 3, year);
	db_bind_int(st, 4, year);
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(by_cat,
		                      json_pack("{s:s, s:s, s:I, s:I, s:I}", "category",
		                                db_col_text(st, 0), "name", db_col_text(st, 1),
		                                "spent_fen", (json_int_t)db_col_int(st, 2), "deeds",
		                                (json_int_t)db_col_int(st, 3), "count",
		                                (json_int_t)db_col_int(st, 4)));
	if (rc < 0) {
		json_decref(v);
		return rc;
	}
	/* Each child place, for drill-down. */
	st = db_prep(
	    db, "SELECT id, name, path FROM places WHERE parent_id = ? ORDER BY id LIMIT 300", err);
	if (!st) {
		json_decref(v);
		return err->status;
	}
	db_bind_int(st, 1, place);
	struct child {
		int64_t id;
		char name[128], lo[256];
	} *c = calloc(300, sizeof *c);
	int n = 0;
	while (n < 300 && (rc = db_step(st, err)) == DB_ROW) {
		c[n].id = db_col_int(st, 0);
		snprintf(c[n].name, sizeof c[n].name, "%s", db_col_text(st, 1));
		snprintf(c[n].lo, sizeof c[n].lo, "%s", db_col_text(st, 2));
		n++;
	}
	db_reset(st);
	for (int i = 0; rc >= 0 && i < n; i++) {
		char chi[256];
		memcpy(chi, c[i].lo, sizeof chi);
		chi[strlen(chi) - 1] = '0';
		json_t *t;
		if ((rc = totals(db, c[i].lo, chi, year, &t, err)) != XF_OK)
			break;
		if (json_integer_value(json_object_get(t, "funds")) == 0) {
			json_decref(t);
			continue;
		}
		json_object_set_new(t, "id", json_integer(c[i].id));
		json_object_set_new(t, "name", json_string(c[i].name));
		json_array_append_new(children, t);
	}
	free(c);
	if (rc < 0) {
		json_decref(v);
		return rc;
	}
	*out = v;
	return XF_OK;
}
