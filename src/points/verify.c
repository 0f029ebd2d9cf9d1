/* `xingfu points verify`: every account's running totals are replayed from its transfers —
 * posted debits and credits, open reservations, the earned score — and the whole ledger must
 * balance (debits = credits) with no capped account below zero. */
#include "points.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void note(struct points_verify_report *rep, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void note(struct points_verify_report *rep, const char *fmt, ...)
{
	size_t len = strlen(rep->first_bad);
	if (len + 8 >= sizeof rep->first_bad)
		return;
	if (len)
		len += (size_t)snprintf(rep->first_bad + len, sizeof rep->first_bad - len, "；");
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(rep->first_bad + len, sizeof rep->first_bad - len, fmt, ap);
	va_end(ap);
}

int points_verify(struct db *db, struct points_verify_report *rep, struct xf_err *err)
{
	memset(rep, 0, sizeof *rep);
	struct db_stmt *st = db_prep(
	    db,
	    "SELECT a.id, a.kind, a.capped, a.debits_posted, a.credits_posted, a.debits_pending,"
	    " a.credits_pending, a.earned,"
	    " coalesce((SELECT sum(t.amount) FROM points_transfers t WHERE t.debit_account = a.id"
	    " AND t.phase IN ('single', 'post')), 0),"
	    " coalesce((SELECT sum(t.amount) FROM points_transfers t WHERE t.credit_account = a.id"
	    " AND t.phase IN ('single', 'post')), 0),"
	    " coalesce((SELECT sum(t.amount) FROM points_transfers t WHERE t.debit_account = a.id"
	    " AND t.phase = 'pending' AND NOT EXISTS (SELECT 1 FROM points_transfers r"
	    " WHERE r.pending_id = t.id)), 0),"
	    " coalesce((SELECT sum(t.amount) FROM points_transfers t WHERE t.credit_account = a.id"
	    " AND t.phase = 'pending' AND NOT EXISTS (SELECT 1 FROM points_transfers r"
	    " WHERE r.pending_id = t.id)), 0),"
	    " coalesce((SELECT sum(t.amount) FROM points_transfers t WHERE t.credit_account = a.id"
	    " AND t.code = 'earn' AND t.phase IN ('single', 'post')), 0)"
	    " - coalesce((SELECT sum(t.amount) FROM points_transfers t WHERE t.debit_account = a.id"
	    " AND t.code = 'adjust' AND t.ref LIKE 'corrects:%' AND t.phase IN ('single', 'post')),"
	    " 0)"
	    " FROM points_accounts a ORDER BY a.id",
	    err);
	if (!st)
		return err->status;
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		int64_t id = db_col_int(st, 0);
		const char *kind = db_col_text(st, 1);
		bool capped = db_col_int(st, 2) != 0;
		int64_t dp = db_col_int(st, 3), cp = db_col_int(st, 4), dq = db_col_int(st, 5),
		        cq = db_col_int(st, 6), earned = db_col_int(st, 7);
		int64_t rdp = db_col_int(st, 8), rcp = db_col_int(st, 9), rdq = db_col_int(st, 10),
		        rcq = db_col_int(st, 11), rearned = db_col_int(st, 12);
		rep->accounts++;
		rep->total_debits += dp;
		rep->total_credits += cp;
		bool bad = false;
		if (dp != rdp || cp != rcp) {
			note(rep,
			     "账户 %lld（%s）余额 %lld（借 %lld 贷 %lld），按流水重放应为 %lld（借 "
			     "%lld 贷 %lld）",
			     (long long)id, kind, (long long)(cp - dp), (long long)dp,
			     (long long)cp, (long long)(rcp - rdp), (long long)rdp, (long long)rcp);
			bad = true;
		}
		if (dq != rdq || cq != rcq) {
			note(rep, "账户 %lld 冻结 %lld/%lld，未结的预扣流水为 %lld/%lld",
			     (long long)id, (long long)dq, (long long)cq, (long long)rdq,
			     (long long)rcq);
			bad = true;
		}
		if (earned != rearned) {
			note(rep, "账户 %lld 积分（评价分）%lld，按获得记录应为 %lld",
			     (long long)id, (long long)earned, (long long)rearned);
			bad = true;
		}
		if (capped && dp + dq > cp) {
			note(rep, "账户 %lld 低于零（可用 %lld）", (long long)id,
			     (long long)(cp - dp - dq));
			bad = true;
		}
		rep->bad_accounts += bad;
	}
	if (rc != DB_DONE)
		return rc;
	int64_t open = 0, listed = 0, matching = 0;
	if ((rc = db_int(db, err, &rep->transfers, "SELECT count(*) FROM points_transfers", "")) !=
	        XF_OK ||
	    (rc = db_int(db, err, &open,
	                 "SELECT count(*) FROM points_transfers t WHERE t.phase = 'pending' AND"
	                 " NOT EXISTS (SELECT 1 FROM points_transfers r WHERE r.pending_id = t.id)",
	                 "")) != XF_OK ||
	    (rc = db_int(db, err, &listed, "SELECT count(*) FROM points_pending", "")) != XF_OK ||
	    (rc = db_int(db, err, &matching,
	                 "SELECT count(*) FROM points_pending p JOIN points_transfers t ON t.seq ="
	                 " p.transfer_seq WHERE t.phase = 'pending' AND p.amount = t.amount AND"
	                 " p.debit_account = t.debit_account AND p.credit_account ="
	                 " t.credit_account AND NOT EXISTS (SELECT 1 FROM points_transfers r"
	                 " WHERE r.pending_id = t.id)",
	                 "")) != XF_OK)
		return rc;
	rep->pending_consistent = open == listed && listed == matching;
	if (!rep->pending_consistent)
		note(rep, "未结预扣 %lld 笔，预扣表 %lld 行（相符 %lld 行）", (long long)open,
		     (long long)listed, (long long)matching);
	rep->balanced = rep->total_debits == rep->total_credits;
	if (!rep->balanced)
		note(rep, "借方合计 %lld ≠ 贷方合计 %lld", (long long)rep->total_debits,
		     (long long)rep->total_credits);
	return XF_OK;
}
