/* The rules engine: verified outcomes become earned points under a catalogue the deployment
 * configures (points per unit, caps per outcome and per person per day). Nothing is earned
 * for logging in, scanning in or time online (DOMAIN §3). Manual awards and adjustments wait
 * for a second person with the approver role. */
#include "points.h"
#include "../registry/people.h"
#include "../registry/registry.h"

#include <stdio.h>
#include <string.h>

struct rule {
	int64_t per_unit, cap_outcome, cap_day;
	bool enabled;
};

static int rule_load(struct db *db, const char *code, struct rule *r, struct xf_err *err)
{
	struct db_stmt *st = db_prep(db,
	                             "SELECT points_per_unit, cap_per_outcome, cap_per_day, enabled"
	                             " FROM points_rules WHERE code = ?",
	                             err);
	if (!st)
		return err->status;
	db_bind_text(st, 1, code);
	int rc = db_step(st, err);
	if (rc == DB_DONE)
		return xf_fail_field(err, XF_EINVAL, "unknown_rule", "rule",
		                     "没有这条积分规则：%.32s", code);
	if (rc != DB_ROW)
		return rc;
	r->per_unit = db_col_int(st, 0);
	r->cap_outcome = db_col_int(st, 1);
	r->cap_day = db_col_int(st, 2);
	r->enabled = db_col_int(st, 3) != 0;
	db_reset(st);
	return XF_OK;
}

static bool ref_valid(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n < 1 || n > 96)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-' || c == ':' || c == '.'))
			return false;
	}
	return true;
}

int points_outcome(struct db *db, const char *rule, const char *outcome_ref, int64_t person_id,
                   int64_t quantity, int64_t now, struct xf_err *err)
{
	if (!rule || strlen(rule) > 32)
		return xf_fail_field(err, XF_EINVAL, "unknown_rule", "rule", "没有这条积分规则");
	if (!ref_valid(outcome_ref))
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "outcome_ref",
		                     "成果编号应为 1–96 个字母、数字或 _-:.");
	if (quantity < 1 || quantity > 1000000)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "quantity",
		                     "数量应在 1 到 1000000 之间");
	struct rule r = {0};
	int rc = rule_load(db, rule, &r, err);
	if (rc != XF_OK)
		return rc;
	int64_t seen = 0;
	if ((rc = db_int(db, err, &seen,
	                 "SELECT count(*) FROM points_outcomes WHERE rule = ? AND outcome_ref = ?"
	                 " AND person_id = ?",
	                 "tti", rule, outcome_ref, person_id)) != XF_OK)
		return rc;
	if (seen)
		return XF_OK; /* idempotent per outcome */
	int64_t acct, day = (now + 8 * 3600) / 86400;
	if ((rc = points_person_account(db, person_id, true, &acct, err)) != XF_OK)
		return rc;
	int64_t amount = r.enabled ? quantity * r.per_unit : 0;
	if (r.cap_outcome && amount > r.cap_outcome)
		amount = r.cap_outcome;
	if (r.cap_day && amount > 0) {
		int64_t used = 0;
		if ((rc = db_int(db, err, &used,
		                 "SELECT coalesce(sum(amount), 0) FROM points_outcomes WHERE"
		                 " person_id = ? AND rule = ? AND day = ?",
		                 "iti", person_id, rule, day)) != XF_OK)
			return rc;
		if (amount > r.cap_day - used)
			amount = r.cap_day - used > 0 ? r.cap_day - used : 0;
	}
	char tid[200];
	snprintf(tid, sizeof tid, "rule:%s:%lld:%s", rule, (long long)person_id, outcome_ref);
	if (amount > 0) {
		struct points_account_owner o;
		int64_t issuer;
		if ((rc = points_account_owner(db, acct, &o, err)) != XF_OK ||
		    (rc = points_community_account(db, "issuer", o.community_id, &issuer, err)) !=
		        XF_OK)
			return rc;
		struct points_transfer t = {.id = tid,
		                            .debit_account = issuer,
		                            .credit_account = acct,
		                            .amount = amount,
		                            .code = "earn",
		                            .ref = outcome_ref};
		if ((rc = points_transfers_apply(db, POINTS_SYSTEM, &t, 1, now, NULL, err)) !=
		    XF_OK)
			return rc;
		if (strcmp(t.result, "ok") != 0 && strcmp(t.result, "exists") != 0)
			return xf_fail(err, XF_ECONFLICT, t.result, "积分入账失败：%s", t.result);
	}
	return db_run(db, err,
	              "INSERT INTO points_outcomes(rule, outcome_ref, person_id, quantity, amount,"
	              " transfer_id, day, at, district_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?,"
	              " (SELECT district_id FROM points_accounts WHERE id = ?))",
	              "ttiiitiii", rule, outcome_ref, person_id, quantity, amount,
	              amount > 0 ? tid : NULL, day, now, acct);
}

int points_rules_json(struct db *db, json_t **out, struct xf_err *err)
{
	struct db_stmt *st =
	    db_prep(db,
	            "SELECT id, code, name, unit, points_per_unit, cap_per_outcome,"
	            " cap_per_day, enabled, updated_at FROM points_rules ORDER BY id",
	            err);
	if (!st)
		return err->status;
	json_t *items = json_array();
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(
		    items,
		    json_pack("{s:I, s:s, s:s, s:s, s:I, s:I, s:I, s:b, s:I}", "id",
		              (json_int_t)db_col_int(st, 0), "code", db_col_text(st, 1), "name",
		              db_col_text(st, 2), "unit", db_col_text(st, 3), "points_per_unit",
		              (json_int_t)db_col_int(st, 4), "cap_per_outcome",
		              (json_int_t)db_col_int(st, 5), "cap_per_day",
		              (json_int_t)db_col_int(st, 6), "enabled", (int)db_col_int(st, 7),
		              "updated_at", (json_int_t)db_col_int(st, 8)));
	if (rc != DB_DONE) {
		json_decref(items);
		return rc;
	}
	*out =
	    json_pack("{s:o, s:I, s:b}", "items", items, "gift_daily_limit",
	              (json_int_t)points_gift_limit(db), "expire_yearly", points_expire_yearly(db));
	return XF_OK;
}

int points_rule_id(struct db *db, const char *code, int64_t *id, struct xf_err *err)
{
	int rc = db_int(db, err, id, "SELECT id FROM points_rules WHERE code = ?", "t", code);
	if (rc == XF_ENOTFOUND)
		return xf_fail(err, XF_ENOTFOUND, "rule_not_found", "没有积分规则 %s", code);
	return rc;
}

int points_rule_update(struct db *db, int64_t id, int64_t per_unit, int64_t cap_outcome,
                       int64_t cap_day, int enabled, int64_t by, int64_t now, struct xf_err *err)
{
	int rc =
	    db_run(db, err,
	           "UPDATE points_rules SET points_per_unit = CASE WHEN ? < 0 THEN"
	           " points_per_unit ELSE ? END, cap_per_outcome = CASE WHEN ? < 0 THEN"
	           " cap_per_outcome ELSE ? END, cap_per_day = CASE WHEN ? < 0 THEN"
	           " cap_per_day ELSE ? END, enabled = CASE WHEN ? < 0 THEN enabled ELSE ? END,"
	           " updated_at = ?, updated_by = ? WHERE id = ?",
	           "iiiiiiiiiii", per_unit, per_unit, cap_outcome, cap_outcome, cap_day, cap_day,
	           (int64_t)enabled, (int64_t)enabled, now, by, id);
	if (rc == XF_OK && db_changes(db) == 0)
		return xf_fail(err, XF_ENOTFOUND, "rule_not_found", "没有这条积分规则");
	return rc;
}

/* ---- awards and adjustments ---- */

int points_award_propose(struct db *db, const char *kind, int64_t account_id, int64_t amount,
                         const char *reason, const char *corrects, int64_t by, int64_t now,
                         int64_t *id, struct xf_err *err)
{
	struct points_account_owner o;
	int rc = points_account_owner(db, account_id, &o, err);
	if (rc != XF_OK)
		return rc;
	bool award = strcmp(kind, "award") == 0;
	if (award) {
		struct rule r = {0};
		if ((rc = rule_load(db, "manual_award", &r, err)) != XF_OK)
			return rc;
		if (strcmp(o.kind, "person") != 0)
			return xf_fail_field(err, XF_EINVAL, "validation_failed", "account_id",
			                     "奖励只能发给个人账户");
		int64_t cap = r.cap_outcome ? r.cap_outcome : 10000;
		if (amount < 1 || amount > cap)
			return xf_fail_field(err, XF_EINVAL, "out_of_range", "amount",
			                     "奖励积分应在 1 到 %lld 之间", (long long)cap);
	} else {
		if (strcmp(o.kind, "issuer") == 0 || strcmp(o.kind, "clearing") == 0)
			return xf_fail_field(err, XF_EINVAL, "validation_failed", "account_id",
			                     "发行和清算账户不能调整");
		if (amount == 0 || amount > 1000000 || amount < -1000000)
			return xf_fail_field(err, XF_EINVAL, "out_of_range", "amount",
			                     "调整积分应为非零整数，绝对值不超过 1000000");
	}
	if (corrects && *corrects) {
		/* A correction names the earlier transfer it takes back: an earn to this account,
		 * and no more than it gave (so the score it lowers stays true). */
		int64_t given = 0;
		rc = db_int(db, err, &given,
		            "SELECT amount FROM points_transfers WHERE id = ? AND code = 'earn'"
		            " AND credit_account = ? AND phase IN ('single', 'post')",
		            "ti", corrects, account_id);
		if (rc == XF_ENOTFOUND)
			return xf_fail_field(err, XF_EINVAL, "validation_failed", "corrects",
			                     "要更正的应是给该账户的一笔积分获得记录");
		if (rc != XF_OK)
			return rc;
		if (award || amount >= 0 || -amount > given)
			return xf_fail_field(err, XF_EINVAL, "validation_failed", "amount",
			                     "更正只能扣回不超过原记录的积分");
	}
	int64_t place = o.community_id;
	if (o.person_id && (rc = people_place(db, o.person_id, &place, err)) != XF_OK)
		return rc;
	if (o.shop_id && (rc = points_shop_place(db, o.shop_id, &place, err)) != XF_OK)
		return rc;
	struct db_stmt *st = db_prep(
	    db,
	    "INSERT INTO points_awards(kind, account_id, amount, reason, corrects, place_id, "
	    "status,"
	    " proposed_by, proposed_at, district_id) VALUES (?, ?, ?, ?, ?, ?, 'proposed', ?, ?,"
	    " (SELECT district_id FROM places WHERE id = ?)) RETURNING id",
	    err);
	if (!st)
		return err->status;
	db_bind_text(st, 1, award ? "award" : "adjust");
	db_bind_int(st, 2, account_id);
	db_bind_int(st, 3, amount);
	db_bind_text(st, 4, reason);
	db_bind_text(st, 5, corrects ? corrects : "");
	db_bind_int(st, 6, place);
	db_bind_int(st, 7, by);
	db_bind_int(st, 8, now);
	db_bind_int(st, 9, place);
	if ((rc = db_step(st, err)) != DB_ROW)
		return rc < 0 ? rc : XF_EDB;
	*id = db_col_int(st, 0);
	db_reset(st);
	return XF_OK;
}

int points_award_place(struct db *db, int64_t id, int64_t *place_id, struct xf_err *err)
{
	int rc =
	    db_int(db, err, place_id, "SELECT place_id FROM points_awards WHERE id = ?", "i", id);
	if (rc == XF_ENOTFOUND)
		return xf_fail(err, XF_ENOTFOUND, "award_not_found", "没有这条奖励或调整申请");
	return rc;
}

int points_award_decide(struct db *db, int64_t id, bool approve, int64_t by, int64_t now,
                        struct xf_err *err)
{
	struct db_stmt *st =
	    db_prep(db,
	            "SELECT kind, account_id, amount, corrects, status, proposed_by"
	            " FROM points_awards WHERE id = ?",
	            err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	int rc = db_step(st, err);
	if (rc == DB_DONE)
		return xf_fail(err, XF_ENOTFOUND, "award_not_found", "没有这条奖励或调整申请");
	if (rc != DB_ROW)
		return rc;
	char kind[16], corrects[160], status[16];
	snprintf(kind, sizeof kind, "%s", db_col_text(st, 0));
	int64_t account = db_col_int(st, 1), amount = db_col_int(st, 2);
	snprintf(corrects, sizeof corrects, "%s", db_col_text(st, 3));
	snprintf(status, sizeof status, "%s", db_col_text(st, 4));
	int64_t proposer = db_col_int(st, 5);
	db_reset(st);
	if (strcmp(status, "proposed") != 0)
		return xf_fail(err, XF_ECONFLICT, "already_decided", "这条申请已经审批过了");
	if (by == proposer)
		return xf_fail(err, XF_EPERM, "same_person", "提出人不能审批自己的申请");
	char tid[200] = "";
	if (approve) {
		struct points_account_owner o;
		if ((rc = points_account_owner(db, account, &o, err)) != XF_OK)
			return rc;
		char ref[48];
		snprintf(ref, sizeof ref, "award:%lld", (long long)id);
		if (strcmp(kind, "award") == 0) {
			struct rule r = {0};
			if ((rc = rule_load(db, "manual_award", &r, err)) != XF_OK)
				return rc;
			if (!r.enabled)
				return xf_fail(err, XF_ECONFLICT, "rule_disabled",
				               "人工奖励规则已停用，不能批准");
			if ((rc = points_outcome(db, "manual_award", ref, o.person_id, amount, now,
			                         err)) != XF_OK)
				return rc;
			snprintf(tid, sizeof tid, "rule:manual_award:%lld:%s",
			         (long long)o.person_id, ref);
		} else {
			int64_t issuer;
			if ((rc = points_community_account(db, "issuer", o.community_id, &issuer,
			                                   err)) != XF_OK)
				return rc;
			char tref[200];
			snprintf(tid, sizeof tid, "sys:adjust:%lld", (long long)id);
			snprintf(tref, sizeof tref, "%s%s", corrects[0] ? "corrects:" : "",
			         corrects[0] ? corrects : ref);
			struct points_transfer t = {.id = tid,
			                            .debit_account = amount > 0 ? issuer : account,
			                            .credit_account = amount > 0 ? account : issuer,
			                            .amount = amount > 0 ? amount : -amount,
			                            .code = "adjust",
			                            .ref = tref};
			if ((rc = points_transfers_apply(db, POINTS_SYSTEM, &t, 1, now, NULL,
			                                 err)) != XF_OK)
				return rc;
			if (strcmp(t.result, "ok") != 0)
				return xf_fail(err, XF_ECONFLICT, t.result, "调整未能入账：%s",
				               strcmp(t.result, "exceeds_balance") == 0 ? "余额不足"
				                                                        : t.result);
			/* Taking back a wrong award lowers the score it raised. */
			if (corrects[0] &&
			    (rc = db_run(
			         db, err,
			         "UPDATE points_accounts SET earned = earned - ? WHERE id = ?",
			         "ii", -amount, account)) != XF_OK)
				return rc;
		}
	}
	return db_run(db, err,
	              "UPDATE points_awards SET status = ?, decided_by = ?, decided_at = ?,"
	              " transfer_id = ? WHERE id = ? AND status = 'proposed'",
	              "tiiti", approve ? "approved" : "rejected", by, now, tid[0] ? tid : NULL, id);
}

int points_awards_json(struct db *db, int64_t scope_place, const char *status, int64_t cursor,
                       int limit, json_t **items, int64_t *next, struct xf_err *err)
{
	char lo[256], hi[256];
	int rc = registry_subtree(db, scope_place, lo, hi, err);
	if (rc != XF_OK)
		return rc;
	struct db_stmt *st = db_prep(
	    db,
	    "SELECT w.id, w.kind, w.account_id, a.name, w.amount, w.reason, w.corrects, w.status,"
	    " w.proposed_by, u.display_name, w.proposed_at, w.decided_by, w.decided_at,"
	    " coalesce(w.transfer_id, ''), w.place_id"
	    " FROM points_awards w JOIN places p ON p.id = w.place_id"
	    " JOIN points_accounts a ON a.id = w.account_id JOIN users u ON u.id = w.proposed_by"
	    " WHERE p.path >= ? AND p.path < ? AND (? = '' OR w.status = ?) AND w.id > ?"
	    " ORDER BY w.id LIMIT ?",
	    err);
	if (!st)
		return err->status;
	db_bind_text(st, 1, lo);
	db_bind_text(st, 2, hi);
	db_bind_text(st, 3, status ? status : "");
	db_bind_text(st, 4, status ? status : "");
	db_bind_int(st, 5, cursor);
	db_bind_int(st, 6, limit + 1);
	*items = json_array();
	*next = 0;
	int n = 0;
	bool more = false;
	while ((rc = db_step(st, err)) == DB_ROW) {
		if (n == limit) {
			db_reset(st);
			rc = DB_DONE;
			more = true;
			break;
		}
		int64_t wid = db_col_int(st, 0);
		json_t *v =
		    json_pack("{s:I, s:s, s:I, s:s, s:I, s:s, s:s, s:s, s:I, s:s, s:I, s:I}", "id",
		              (json_int_t)wid, "kind", db_col_text(st, 1), "account_id",
		              (json_int_t)db_col_int(st, 2), "account_name", db_col_text(st, 3),
		              "amount", (json_int_t)db_col_int(st, 4), "reason", db_col_text(st, 5),
		              "corrects", db_col_text(st, 6), "status", db_col_text(st, 7),
		              "proposed_by", (json_int_t)db_col_int(st, 8), "proposed_by_name",
		              db_col_text(st, 9), "proposed_at", (json_int_t)db_col_int(st, 10),
		              "place_id", (json_int_t)db_col_int(st, 14));
		if (!db_col_null(st, 11)) {
			json_object_set_new(v, "decided_by", json_integer(db_col_int(st, 11)));
			json_object_set_new(v, "decided_at", json_integer(db_col_int(st, 12)));
		}
		if (*db_col_text(st, 13))
			json_object_set_new(v, "transfer_id", json_string(db_col_text(st, 13)));
		json_array_append_new(*items, v);
		*next = wid;
		n++;
	}
	if (rc != DB_DONE) {
		json_decref(*items);
		return rc;
	}
	if (!more)
		*next = 0;
	return XF_OK;
}
