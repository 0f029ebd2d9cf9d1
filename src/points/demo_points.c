/* The demo city's points: a 积分超市 in each seed community (every community at city scale)
 * with a catalogue, a year of points earned from verified outcomes (service hours, wishes,
 * cases) by a share of the party members, some redemptions and gifts — across communities
 * too, so the clearing report has something to reconcile — and 赵卫东 (`dangyuan`) with more
 * than 20 points after shopping and a gift. Everything goes through the ledger itself, so
 * `xingfu points verify` holds on a fresh demo. Deterministic. */
#include "points.h"
#include "../core/clock.h"
#include "../core/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *name;
	int64_t price, stock;
} catalogue[] = {
    {"洗衣液 2kg", 30, 120}, {"大米 5kg", 50, 80}, {"食用油 1.8L", 60, 60},
    {"抽纸 10 包", 12, 200}, {"理发券", 20, 100},  {"香皂 3 块", 8, 150},
};

static int add_shop(struct db *db, const char *code, const char *name, const char *kind,
                    int64_t now, int64_t *shop, struct xf_err *err)
{
	int64_t place;
	int rc = db_int(db, err, &place, "SELECT id FROM places WHERE code = ?", "t", code);
	if (rc != XF_OK)
		return rc;
	if ((rc = points_shop_create(db, name, kind, place, now, shop, err)) != XF_OK)
		return rc;
	for (size_t i = 0; i < XF_ARRAY_LEN(catalogue); i++) {
		int64_t item;
		if ((rc = points_item_create(db, *shop, catalogue[i].name, catalogue[i].price,
		                             catalogue[i].stock, now, &item, err)) != XF_OK)
			return rc;
	}
	return XF_OK;
}

static int system_transfer(struct db *db, const char *id, int64_t debit, int64_t credit,
                           int64_t amount, const char *code, int64_t at, struct xf_err *err)
{
	struct points_transfer t = {.id = id,
	                            .debit_account = debit,
	                            .credit_account = credit,
	                            .amount = amount,
	                            .code = code,
	                            .ref = "demo"};
	/* A member without enough points simply does not shop: not an error. */
	return points_transfers_apply(db, POINTS_SYSTEM, &t, 1, at, NULL, err);
}

/* 赵卫东: six service activities, two wishes and a case he reported solved; then a bottle of soap
 * at the counter (code → pending → confirmed) and two points to 孙秀英. */
static int dangyuan(struct db *db, int64_t shop, int64_t now, struct xf_err *err)
{
	int64_t me, jumin, shop_user, item;
	int rc =
	    db_int(db, err, &me, "SELECT person_id FROM users WHERE username = 'dangyuan'", "");
	if (rc == XF_OK)
		rc = db_int(db, err, &jumin, "SELECT person_id FROM users WHERE username = 'jumin'",
		            "");
	if (rc == XF_OK)
		rc = db_int(db, err, &shop_user,
		            "SELECT id FROM users WHERE username = 'shangdian'", "");
	if (rc == XF_OK)
		rc = db_int(db, err, &item,
		            "SELECT min(id) FROM points_items WHERE shop_id = ? AND price = 8", "i",
		            shop);
	if (rc != XF_OK)
		return rc == XF_ENOTFOUND ? (xf_err_clear(err), XF_OK) : rc;
	for (int i = 0; i < 6 && rc == XF_OK; i++) {
		char ref[48];
		snprintf(ref, sizeof ref, "demo:activity:dy%d", i);
		rc = points_outcome(db, "service_hours", ref, me, 4, now - (300 - i * 45) * 86400LL,
		                    err);
	}
	if (rc == XF_OK)
		rc = points_outcome(db, "wish_fulfilled", "demo:wish:dy1", me, 1,
		                    now - 120 * 86400LL, err);
	if (rc == XF_OK)
		rc = points_outcome(db, "wish_fulfilled", "demo:wish:dy2", me, 1,
		                    now - 40 * 86400LL, err);
	if (rc == XF_OK)
		rc = points_outcome(db, "case_solved", "demo:case:dy1", me, 1, now - 60 * 86400LL,
		                    err);
	if (rc != XF_OK || (rc = points_shop_add_operator(db, shop, shop_user, now, err)) != XF_OK)
		return rc;
	char code[11];
	int64_t expires, rid, acct, to;
	const char *result;
	struct points_caller cashier = {shop_user, 0, "shop", 0};
	struct points_line line = {item, 1};
	int64_t at = now - 20 * 86400LL;
	if ((rc = points_code_create(db, me, shop, 20, 300, at, code, &expires, err)) != XF_OK ||
	    (rc = points_redeem(db, &cashier, shop, "demo-dy-redeem-1", code, &line, 1, 0, 900, at,
	                        &rid, &result, err)) != XF_OK)
		return rc;
	struct points_transfer post = {
	    .id = "demo-dy-redeem-1-post", .ref = "", .post_pending_id = "demo-dy-redeem-1"};
	if ((rc = points_transfers_apply(db, &cashier, &post, 1, at + 60, NULL, err)) != XF_OK)
		return rc;
	if ((rc = points_person_account(db, me, true, &acct, err)) != XF_OK ||
	    (rc = points_person_account(db, jumin, true, &to, err)) != XF_OK)
		return rc;
	struct points_caller owner = {0, me, "party_member", 0};
	struct points_transfer gift = {.id = "demo-dy-gift-1",
	                               .debit_account = acct,
	                               .credit_account = to,
	                               .amount = 2,
	                               .code = "gift",
	                               .ref = "谢谢帮忙照看老人"};
	return points_transfers_apply(db, &owner, &gift, 1, now - 10 * 86400LL, NULL, err);
}

int points_demo(struct db *db, bool city, struct xf_err *err)
{
	int64_t now = clock_now(), dazhi = 0, opened;
	/* Every person has an account: the generated residents' in one statement. */
	int64_t t0 = clock_mono_ms();
	int rc = points_open_all_person_accounts(db, now, &opened, err);
	if (rc != XF_OK)
		return rc;
	log_info("demo: %lld points accounts opened in %lld ms", (long long)opened,
	         (long long)(clock_mono_ms() - t0));
	rc = add_shop(db, "420203009002", "大智路社区积分超市", "supermarket", now, &dazhi, err);
	int64_t extra;
	if (rc == XF_OK)
		rc = add_shop(db, "420205003001", "友爱街社区积分超市", "supermarket", now, &extra,
		              err);
	if (rc == XF_OK)
		rc = add_shop(db, "420202005003", "沈家营便民超市（积分商户）", "merchant", now,
		              &extra, err);
	if (rc != XF_OK)
		return rc;
	if (city) {
		/* One 积分超市 per community elsewhere in the city. */
		struct db_stmt *st =
		    db_prep(db,
		            "SELECT code, name FROM places WHERE kind = 'community'"
		            " AND code NOT IN ('420203009002', '420205003001',"
		            " '420202005003') ORDER BY id",
		            err);
		if (!st)
			return err->status;
		char(*codes)[2][128] = xcalloc(1024, sizeof *codes);
		int n = 0;
		while (n < 1024 && (rc = db_step(st, err)) == DB_ROW) {
			snprintf(codes[n][0], 128, "%s", db_col_text(st, 0));
			snprintf(codes[n][1], 128, "%s积分超市", db_col_text(st, 1));
			n++;
		}
		if (rc == DB_ROW)
			db_reset(st);
		rc = rc < 0 ? rc : XF_OK;
		for (int i = 0; i < n && rc == XF_OK; i++)
			rc =
			    add_shop(db, codes[i][0], codes[i][1], "supermarket", now, &extra, err);
		free(codes);
		if (rc != XF_OK)
			return rc;
	}
	if ((rc = dangyuan(db, dazhi, now, err)) != XF_OK)
		return rc;
	/* A year of verified outcomes for a share of the members (all of them in the small
	 * city, one in five at city scale: generation must stay quick). */
	int64_t every = city ? 5 : 1;
	struct db_stmt *st = db_prep(db,
	                             "SELECT m.person_id FROM party_members m JOIN people p"
	                             " ON p.id = m.person_id WHERE m.person_id % ? = 0"
	                             " AND p.id NOT IN (SELECT person_id FROM users WHERE"
	                             " person_id IS NOT NULL) ORDER BY m.person_id LIMIT 100000",
	                             err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, every);
	int64_t *who = xcalloc(100000, sizeof *who);
	int n = 0;
	while (n < 100000 && (rc = db_step(st, err)) == DB_ROW)
		who[n++] = db_col_int(st, 0);
	if (rc == DB_ROW)
		db_reset(st);
	rc = rc < 0 ? rc : XF_OK;
	static const char *rules[] = {"service_hours", "wish_fulfilled", "case_solved"};
	for (int i = 0; i < n && rc == XF_OK; i++) {
		int64_t pid = who[i];
		int k = 1 + (int)(pid % 3);
		for (int j = 0; j < k && rc == XF_OK; j++) {
			char ref[64];
			const char *rule = rules[(pid + j) % 3];
			int64_t q = rule == rules[0] ? 1 + (pid + j) % 4 : 1;
			if (rule == rules[0])
				snprintf(ref, sizeof ref, "demo:activity:%lld",
				         (long long)((pid * 7 + j) % 500));
			else
				snprintf(ref, sizeof ref, "demo:%s:%lld-%d",
				         rule == rules[1] ? "wish" : "case", (long long)pid, j);
			int64_t at = now - ((pid * 13 + j * 37) % 360 + 1) * 86400;
			rc = points_outcome(db, rule, ref, pid, q, at, err);
		}
	}
	/* Some spend at the nearest supermarket or at 大智路's (通兑 across the city); some give
	 * a point to the next member on the list. */
	int64_t dazhi_account = 0;
	if (rc == XF_OK)
		rc = db_int(db, err, &dazhi_account,
		            "SELECT account_id FROM points_shops WHERE id = ?", "i", dazhi);
	for (int i = 0; i < n && rc == XF_OK; i++) {
		int64_t pid = who[i], acct, shop_acct = dazhi_account;
		if (i % 4 != 0 && i % 7 != 3)
			continue;
		if ((rc = points_person_account(db, pid, true, &acct, err)) != XF_OK)
			break;
		char id[64];
		int64_t at = now - (pid % 30 + 1) * 86400;
		if (i % 4 == 0) {
			if (i % 8 == 0) {
				rc = db_int(
				    db, err, &shop_acct,
				    "SELECT s.account_id FROM points_shops s JOIN points_accounts a"
				    " ON a.community_id = (SELECT community_id FROM points_accounts"
				    " WHERE id = ?) WHERE a.id = s.account_id ORDER BY s.id LIMIT "
				    "1",
				    "i", acct);
				if (rc == XF_ENOTFOUND) {
					xf_err_clear(err);
					shop_acct = dazhi_account;
					rc = XF_OK;
				}
			}
			snprintf(id, sizeof id, "demo-redeem-%lld", (long long)pid);
			if (rc == XF_OK)
				rc = system_transfer(db, id, acct, shop_acct, 2 + pid % 3, "redeem",
				                     at, err);
		} else if (i + 1 < n) {
			int64_t to;
			snprintf(id, sizeof id, "demo-gift-%lld", (long long)pid);
			if ((rc = points_person_account(db, who[i + 1], true, &to, err)) == XF_OK)
				rc = system_transfer(db, id, acct, to, 1, "gift", at, err);
		}
	}
	free(who);
	return rc;
}
