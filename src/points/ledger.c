/* The ledger: accounts with running totals and immutable transfers (TigerBeetle's model).
 * A transfer's debit side is checked in the same UPDATE that moves it, so a capped account
 * never goes below zero: on SQLite the one writer serialises jobs, on PostgreSQL the job is
 * SERIALIZABLE and a concurrent change to the same row is a retried 40001. */
#include "points.h"
#include "../auth/policy.h"
#include "../core/clock.h"
#include "../core/str.h"
#include "../registry/people.h"
#include "../store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY_OFFSET (8 * 3600) /* days are counted in China time (UTC+8) */

/* What never changes about an account (so one batch may cache it). */
struct acct {
	int64_t id;
	char kind[16];
	int64_t person_id, community_id, district_id;
	bool capped;
};

#define CACHE_SLOTS 64

/* One call of points_transfers_apply: who asks, when, the gift limit read once, and the
 * accounts already looked at (a batch of 8,000 usually touches a handful). */
struct batch {
	struct db *db;
	const struct points_caller *who;
	int64_t now, gift_limit;
	struct acct cache[CACHE_SLOTS];
};

struct existing {
	int64_t seq, debit, credit, amount, timeout_at, at, created_by;
	bool linked;
	char id[160], code[16], phase[16], pending_id[160], ref[4 * POINTS_REF_MAX + 1];
};

bool points_id_valid(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n < 1 || n > POINTS_ID_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-'))
			return false;
	}
	return true;
}

bool points_code_valid(const char *code)
{
	static const char *codes[] = {"earn", "redeem", "gift", "adjust", "expire", "settle"};
	for (size_t i = 0; code && i < XF_ARRAY_LEN(codes); i++)
		if (strcmp(code, codes[i]) == 0)
			return true;
	return false;
}

int64_t points_gift_limit(struct db *db)
{
	char v[32];
	struct xf_err e;
	if (store_meta_get(db, "points.gift_daily_limit", v, sizeof v, &e) != XF_OK)
		return POINTS_GIFT_LIMIT_DEFAULT;
	int64_t n = atoll(v);
	return n > 0 ? n : POINTS_GIFT_LIMIT_DEFAULT;
}

int points_gift_limit_set(struct db *db, int64_t n, struct xf_err *err)
{
	if (n < 1 || n > 1000000)
		return xf_fail_field(err, XF_EINVAL, "out_of_range", "gift_daily_limit",
		                     "每天转赠上限应在 1 到 1000000 之间");
	char v[24];
	snprintf(v, sizeof v, "%lld", (long long)n);
	return store_meta_set(db, "points.gift_daily_limit", v, err);
}

/* ---- accounts ---- */

int points_community_of(struct db *db, int64_t place_id, int64_t *community_id,
                        int64_t *district_id, struct xf_err *err)
{
	struct db_stmt *st =
	    db_prep(db, "SELECT path, coalesce(district_id, 0) FROM places WHERE id = ?", err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, place_id);
	int rc = db_step(st, err);
	if (rc == DB_DONE)
		return xf_fail(err, XF_ENOTFOUND, "place_not_found", "没有这个地点");
	if (rc != DB_ROW)
		return rc;
	char path[256];
	snprintf(path, sizeof path, "%s", db_col_text(st, 0));
	*district_id = db_col_int(st, 1);
	db_reset(st);
	/* The path lists the ancestors, root first: take the deepest community. */
	int64_t ids[16];
	int n = 0;
	for (char *p = path; *p && n < 16;) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		ids[n++] = strtoll(p, &p, 10);
	}
	if (n == 0)
		return xf_fail(err, XF_EINTERNAL, "bad_path", "地点路径不正确");
	for (int i = n - 1; i >= 0; i--) {
		int64_t is = 0;
		rc = db_int(db, err, &is,
		            "SELECT count(*) FROM places WHERE id = ? AND kind = 'community'", "i",
		            ids[i]);
		if (rc != XF_OK)
			return rc;
		if (is) {
			*community_id = ids[i];
			return XF_OK;
		}
	}
	*community_id = ids[0];
	return XF_OK;
}

static int account_by_key(struct db *db, const char *key, int64_t *id, struct xf_err *err)
{
	int rc = db_int(db, err, id, "SELECT id FROM points_accounts WHERE key = ?", "t", key);
	if (rc == XF_ENOTFOUND)
		xf_err_clear(err);
	return rc;
}

static int account_insert(struct db *db, const char *key, const char *kind, int64_t person,
                          int64_t community, const char *name, bool capped, int64_t district,
                          int64_t *id, struct xf_err *err)
{
	struct db_stmt *st =
	    db_prep(db,
	            "INSERT INTO points_accounts(key, kind, person_id, community_id,"
	            " name, capped, district_id, created_at) VALUES (?, ?, ?, ?, ?,"
	            " ?, ?, ?) RETURNING id",
	            err);
	if (!st)
		return err->status;
	db_bind_text(st, 1, key);
	db_bind_text(st, 2, kind);
	if (person)
		db_bind_int(st, 3, person);
	else
		db_bind_null(st, 3);
	db_bind_int(st, 4, community);
	db_bind_text(st, 5, name);
	db_bind_int(st, 6, capped ? 1 : 0);
	if (district)
		db_bind_int(st, 7, district);
	else
		db_bind_null(st, 7);
	db_bind_int(st, 8, clock_now());
	int rc = db_step(st, err);
	if (rc != DB_ROW)
		return rc < 0 ? rc : XF_EDB;
	*id = db_col_int(st, 0);
	db_reset(st);
	return XF_OK;
}

int points_person_account(struct db *db, int64_t person_id, bool create, int64_t *id,
                          struct xf_err *err)
{
	char key[40];
	snprintf(key, sizeof key, "person:%lld", (long long)person_id);
	int rc = account_by_key(db, key, id, err);
	if (rc != XF_ENOTFOUND || !create)
		return rc;
	struct db_stmt *st = db_prep(db, "SELECT place_id, name FROM people WHERE id = ?", err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, person_id);
	if ((rc = db_step(st, err)) == DB_DONE)
		return xf_fail(err, XF_ENOTFOUND, "person_not_found", "没有这个人员");
	if (rc != DB_ROW)
		return rc;
	int64_t place = db_col_int(st, 0), community, district;
	char name[4 * PEOPLE_NAME_MAX + 1]; /* whole: a cut could split a character */
	snprintf(name, sizeof name, "%s", db_col_text(st, 1));
	db_reset(st);
	if ((rc = points_community_of(db, place, &community, &district, err)) != XF_OK)
		return rc;
	return account_insert(db, key, "person", person_id, community, name, true, district, id,
	                      err);
}

int points_open_all_person_accounts(struct db *db, int64_t now, int64_t *opened, struct xf_err *err)
{
	*opened = 0;
	/* Each place under a community, with that community (the walk does not go below a
	 * nested community, so a place has its nearest one, as points_community_of says). */
	int rc = db_run(
	    db, err,
	    "WITH RECURSIVE pc(id, community) AS (SELECT id, id FROM places"
	    " WHERE kind = 'community' UNION ALL SELECT c.id, pc.community FROM places c"
	    " JOIN pc ON c.parent_id = pc.id WHERE c.kind <> 'community')"
	    " INSERT INTO points_accounts(key, kind, person_id, community_id, name, capped,"
	    " district_id, created_at) SELECT 'person:' || p.id, 'person', p.id, pc.community,"
	    " p.name, 1, pl.district_id, ? FROM people p JOIN pc ON pc.id = p.place_id"
	    " JOIN places pl ON pl.id = p.place_id WHERE NOT EXISTS (SELECT 1"
	    " FROM points_accounts a WHERE a.person_id = p.id AND a.kind = 'person')",
	    "i", now);
	if (rc != XF_OK)
		return rc;
	*opened = db_changes(db);
	/* The rest (people registered above any community): one at a time. */
	struct db_stmt *st = db_prep(db,
	                             "SELECT p.id FROM people p WHERE NOT EXISTS (SELECT 1"
	                             " FROM points_accounts a WHERE a.person_id = p.id AND"
	                             " a.kind = 'person') ORDER BY p.id LIMIT 100000",
	                             err);
	if (!st)
		return err->status;
	int64_t *ids = xcalloc(100000, sizeof *ids);
	int n = 0;
	while (n < 100000 && (rc = db_step(st, err)) == DB_ROW)
		ids[n++] = db_col_int(st, 0);
	if (rc == DB_ROW)
		db_reset(st);
	rc = rc < 0 ? rc : XF_OK;
	for (int i = 0; i < n && rc == XF_OK; i++) {
		int64_t id;
		if ((rc = points_person_account(db, ids[i], true, &id, err)) == XF_OK)
			(*opened)++;
	}
	free(ids);
	return rc;
}

int points_community_account(struct db *db, const char *kind, int64_t community_id, int64_t *id,
                             struct xf_err *err)
{
	char key[48];
	snprintf(key, sizeof key, "%s:%lld", kind, (long long)community_id);
	int rc = account_by_key(db, key, id, err);
	if (rc != XF_ENOTFOUND)
		return rc;
	struct db_stmt *st =
	    db_prep(db, "SELECT name, coalesce(district_id, 0) FROM places WHERE id = ?", err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, community_id);
	if ((rc = db_step(st, err)) == DB_DONE)
		return xf_fail(err, XF_ENOTFOUND, "place_not_found", "没有这个社区");
	if (rc != DB_ROW)
		return rc;
	char name[192];
	snprintf(name, sizeof name, "%s%s", db_col_text(st, 0),
	         strcmp(kind, "issuer") == 0 ? "积分发行账户" : "积分清算账户");
	int64_t district = db_col_int(st, 1);
	db_reset(st);
	/* Issuers and clearing accounts are not capped: they stand for what the community owes. */
	return account_insert(db, key, kind, 0, community_id, name, false, district, id, err);
}

static int acct_load(struct batch *b, int64_t id, struct acct *a, bool *found, struct xf_err *err)
{
	struct acct *slot = &b->cache[(uint64_t)id % CACHE_SLOTS];
	if (slot->id == id) {
		*a = *slot;
		*found = true;
		return XF_OK;
	}
	struct db_stmt *st = db_prep(b->db,
	                             "SELECT kind, coalesce(person_id, 0), community_id,"
	                             " coalesce(district_id, 0), capped"
	                             " FROM points_accounts WHERE id = ?",
	                             err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	int rc = db_step(st, err);
	*found = rc == DB_ROW;
	if (rc == DB_DONE)
		return XF_OK;
	if (rc != DB_ROW)
		return rc;
	a->id = id;
	snprintf(a->kind, sizeof a->kind, "%s", db_col_text(st, 0));
	a->person_id = db_col_int(st, 1);
	a->community_id = db_col_int(st, 2);
	a->district_id = db_col_int(st, 3);
	a->capped = db_col_int(st, 4) != 0;
	db_reset(st);
	*slot = *a;
	return XF_OK;
}

/* ---- moving points ---- */

/* Reserve (pending) or post amount from debit to credit. The cap — and for a member's gift
 * the daily limit — is checked by the very UPDATE that moves it, so no other job can slip in
 * between check and change. *refused names why nothing moved, NULL when it did. */
static int move(struct db *db, int64_t debit, int64_t credit, int64_t amount, bool pending,
                bool earn, int64_t gift_limit, int64_t day, const char **refused,
                struct xf_err *err)
{
	int rc;
	int64_t gift = gift_limit > 0;
	if (pending)
		rc = db_run(
		    db, err,
		    "UPDATE points_accounts SET debits_pending = debits_pending + ?,"
		    " gifted_today = CASE WHEN ? = 0 THEN gifted_today WHEN gift_day = ? THEN"
		    " gifted_today + ? ELSE ? END, gift_day = CASE WHEN ? = 0 THEN gift_day"
		    " ELSE ? END WHERE id = ?"
		    " AND (capped = 0 OR credits_posted - debits_posted - debits_pending >= ?)"
		    " AND (? = 0 OR CASE WHEN gift_day = ? THEN gifted_today ELSE 0 END + ?"
		    " <= ?)",
		    "iiiiiiiiiiiii", amount, gift, day, amount, amount, gift, day, debit, amount,
		    gift, day, amount, gift_limit);
	else
		rc = db_run(
		    db, err,
		    "UPDATE points_accounts SET debits_posted = debits_posted + ?,"
		    " gifted_today = CASE WHEN ? = 0 THEN gifted_today WHEN gift_day = ? THEN"
		    " gifted_today + ? ELSE ? END, gift_day = CASE WHEN ? = 0 THEN gift_day"
		    " ELSE ? END WHERE id = ?"
		    " AND (capped = 0 OR credits_posted - debits_posted - debits_pending >= ?)"
		    " AND (? = 0 OR CASE WHEN gift_day = ? THEN gifted_today ELSE 0 END + ?"
		    " <= ?)",
		    "iiiiiiiiiiiii", amount, gift, day, amount, amount, gift, day, debit, amount,
		    gift, day, amount, gift_limit);
	if (rc != XF_OK)
		return rc;
	*refused = NULL;
	if (db_changes(db) == 0) {
		/* Which condition failed: only asked when something did. */
		int64_t short_of = 0;
		rc = db_int(db, err, &short_of,
		            "SELECT count(*) FROM points_accounts WHERE id = ? AND capped = 1 AND"
		            " credits_posted - debits_posted - debits_pending < ?",
		            "ii", debit, amount);
		*refused = rc != XF_OK || short_of ? "exceeds_balance" : "exceeds_daily_gift_limit";
		return rc;
	}
	if (pending)
		return db_run(db, err,
		              "UPDATE points_accounts SET credits_pending = credits_pending + ?"
		              " WHERE id = ?",
		              "ii", amount, credit);
	return db_run(db, err,
	              "UPDATE points_accounts SET credits_posted = credits_posted + ?,"
	              " earned = earned + ? WHERE id = ?",
	              "iii", amount, earn ? amount : 0, credit);
}

/* Second phase: release the reservation P and post A (0 for void and expiry). */
static int settle_pending(struct db *db, int64_t debit, int64_t credit, int64_t reserved,
                          int64_t posted, bool earn, struct xf_err *err)
{
	int rc = db_run(db, err,
	                "UPDATE points_accounts SET debits_pending = debits_pending - ?,"
	                " debits_posted = debits_posted + ? WHERE id = ?",
	                "iii", reserved, posted, debit);
	if (rc == XF_OK)
		rc =
		    db_run(db, err,
		           "UPDATE points_accounts SET credits_pending = credits_pending - ?,"
		           " credits_posted = credits_posted + ?, earned = earned + ? WHERE id = ?",
		           "iiii", reserved, posted, earn ? posted : 0, credit);
	return rc;
}

struct row_in {
	const char *id;
	int64_t debit, credit, amount;
	const char *code, *phase, *pending_id;
	int64_t timeout_at;
	const char *ref;
	bool linked;
	int64_t created_by, at, district;
};

static void bind_row(struct db_stmt *st, const struct row_in *t)
{
	db_bind_text(st, 1, t->id);
	db_bind_int(st, 2, t->debit);
	db_bind_int(st, 3, t->credit);
	db_bind_int(st, 4, t->amount);
	db_bind_text(st, 5, t->code);
	db_bind_text(st, 6, t->phase);
	db_bind_text(st, 7, t->pending_id); /* NULL binds NULL */
	db_bind_int(st, 8, t->timeout_at);
	db_bind_text(st, 9, t->ref ? t->ref : "");
	db_bind_int(st, 10, t->linked ? 1 : 0);
	if (t->created_by)
		db_bind_int(st, 11, t->created_by);
	else
		db_bind_null(st, 11);
	db_bind_int(st, 12, t->at);
	if (t->district)
		db_bind_int(st, 13, t->district);
	else
		db_bind_null(st, 13);
}

static int insert_transfer(struct db *db, const struct row_in *t, int64_t *seq, struct xf_err *err)
{
	struct db_stmt *st =
	    db_prep(db,
	            "INSERT INTO points_transfers(id, debit_account, credit_account, amount, code,"
	            " phase, pending_id, timeout_at, ref, linked, created_by, at, district_id)"
	            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq",
	            err);
	if (!st)
		return err->status;
	bind_row(st, t);
	int rc = db_step(st, err);
	if (rc == DB_ROW) {
		*seq = db_col_int(st, 0);
		db_reset(st);
		return XF_OK;
	}
	/* On PostgreSQL a concurrent transaction may have taken the id after our lookup: rerun
	 * the job (it will then see the transfer and answer `exists`). */
	if (rc == XF_ECONFLICT && db_engine(db) == DB_POSTGRES)
		return xf_fail(err, XF_EBUSY, "serialization_failure", "并发冲突，请重试");
	return rc < 0 ? rc : XF_EDB;
}

/* Insert unless the id is taken (*inserted false then). One round trip instead of a lookup
 * and an insert: it matters on PostgreSQL, where an 8,000-transfer batch is 8,000 of each. */
static int insert_new(struct db *db, const struct row_in *t, int64_t *seq, bool *inserted,
                      struct xf_err *err)
{
	*inserted = false;
	*seq = 0;
	struct db_stmt *st =
	    db_prep(db,
	            "INSERT INTO points_transfers(id, debit_account, credit_account, amount, code,"
	            " phase, pending_id, timeout_at, ref, linked, created_by, at, district_id)"
	            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
	            " ON CONFLICT (id) DO NOTHING RETURNING seq",
	            err);
	if (!st)
		return err->status;
	bind_row(st, t);
	int rc = db_step(st, err);
	*inserted = rc == DB_ROW;
	if (rc == DB_ROW) {
		*seq = db_col_int(st, 0);
		db_reset(st);
		return XF_OK;
	}
	return rc == DB_DONE ? XF_OK : rc;
}

static int find_transfer(struct db *db, const char *id, struct existing *x, bool *found,
                         struct xf_err *err)
{
	struct db_stmt *st =
	    db_prep(db,
	            "SELECT seq, debit_account, credit_account, amount, code, phase,"
	            " coalesce(pending_id, ''), timeout_at, ref, linked,"
	            " coalesce(created_by, 0), at, id"
	            " FROM points_transfers WHERE id = ?",
	            err);
	if (!st)
		return err->status;
	db_bind_text(st, 1, id);
	int rc = db_step(st, err);
	*found = rc == DB_ROW;
	if (rc == DB_DONE)
		return XF_OK;
	if (rc != DB_ROW)
		return rc;
	x->seq = db_col_int(st, 0);
	x->debit = db_col_int(st, 1);
	x->credit = db_col_int(st, 2);
	x->amount = db_col_int(st, 3);
	snprintf(x->code, sizeof x->code, "%s", db_col_text(st, 4));
	snprintf(x->phase, sizeof x->phase, "%s", db_col_text(st, 5));
	snprintf(x->pending_id, sizeof x->pending_id, "%s", db_col_text(st, 6));
	x->timeout_at = db_col_int(st, 7);
	snprintf(x->ref, sizeof x->ref, "%s", db_col_text(st, 8));
	x->linked = db_col_int(st, 9) != 0;
	x->created_by = db_col_int(st, 10);
	x->at = db_col_int(st, 11);
	snprintf(x->id, sizeof x->id, "%s", db_col_text(st, 12));
	db_reset(st);
	return XF_OK;
}

/* How a pending transfer was resolved: "post", "void", "expired" or "" (still open). */
static int resolution(struct db *db, const char *pending_id, char out[16], struct xf_err *err)
{
	struct db_stmt *st =
	    db_prep(db, "SELECT phase FROM points_transfers WHERE pending_id = ?", err);
	if (!st)
		return err->status;
	db_bind_text(st, 1, pending_id);
	int rc = db_step(st, err);
	out[0] = 0;
	if (rc == DB_ROW) {
		snprintf(out, 16, "%s", db_col_text(st, 0));
		db_reset(st);
		return XF_OK;
	}
	return rc == DB_DONE ? XF_OK : rc;
}

static const char *wanted_phase(const struct points_transfer *t)
{
	if (t->post_pending_id)
		return "post";
	if (t->void_pending_id)
		return "void";
	return t->pending ? "pending" : "single";
}

/* Same id already recorded: `exists` when the request says the same thing. */
static const char *compare_existing(const struct points_transfer *t, const struct existing *x)
{
	const char *phase = wanted_phase(t);
	const char *pid = t->post_pending_id ? t->post_pending_id : t->void_pending_id;
	if (strcmp(phase, x->phase) != 0 || t->linked != x->linked)
		return "exists_with_different_flags";
	if (pid && strcmp(pid, x->pending_id) != 0)
		return "exists_with_different_pending_id";
	if (t->debit_account && t->debit_account != x->debit)
		return "exists_with_different_debit_account";
	if (t->credit_account && t->credit_account != x->credit)
		return "exists_with_different_credit_account";
	if (t->amount && t->amount != x->amount)
		return "exists_with_different_amount";
	if (strcmp(t->ref ? t->ref : "", x->ref) != 0)
		return "exists_with_different_ref";
	if (t->pending && (x->timeout_at ? x->timeout_at - x->at : 0) != t->timeout_s)
		return "exists_with_different_timeout";
	if (t->code && strcmp(t->code, x->code) != 0)
		return "exists_with_different_code";
	return "exists";
}

static int64_t day_of(int64_t now)
{
	return (now + DAY_OFFSET) / 86400;
}

static bool is_shop_operator_of_account(struct db *db, int64_t account, int64_t user)
{
	struct xf_err e;
	int64_t n = 0;
	if (db_int(db, &e, &n,
	           "SELECT count(*) FROM points_shops s JOIN points_shop_operators o"
	           " ON o.shop_id = s.id WHERE s.account_id = ? AND o.user_id = ? AND s.active = 1",
	           "ii", account, user) != XF_OK)
		return false;
	return n > 0;
}

/* Points that cross from one community to another leave a record between their clearing
 * accounts: the sender's community now owes the receiver's (通兑 reconciled per issuer). */
static int clear_across(struct db *db, const char *id, const struct acct *d, const struct acct *c,
                        int64_t amount, int64_t now, struct xf_err *err)
{
	if (d->community_id == c->community_id || strcmp(d->kind, "person") != 0 ||
	    (strcmp(c->kind, "person") != 0 && strcmp(c->kind, "shop") != 0))
		return XF_OK;
	int64_t owes, owed, seq;
	const char *refused;
	int rc = points_community_account(db, "clearing", d->community_id, &owes, err);
	if (rc == XF_OK)
		rc = points_community_account(db, "clearing", c->community_id, &owed, err);
	if (rc == XF_OK)
		rc = move(db, owed, owes, amount, false, false, 0, 0, &refused, err);
	if (rc != XF_OK)
		return rc;
	char sid[200];
	snprintf(sid, sizeof sid, "sys:settle:%s", id);
	struct row_in row = {sid, owed, owes,  amount, "settle", "single",      NULL,
	                     0,   id,   false, 0,      now,      d->district_id};
	return insert_transfer(db, &row, &seq, err);
}

/* Release a pending transfer at its timeout: a new `expired` row, never an edit. */
static int expire_pending(struct db *db, const struct existing *p, int64_t now, struct xf_err *err)
{
	char xid[200];
	snprintf(xid, sizeof xid, "sys:expire:%s", p->id);
	int64_t seq;
	struct row_in row = {xid, p->debit, p->credit, p->amount, p->code, "expired", p->id,
	                     0,   "",       false,     0,         now,     0};
	int rc = settle_pending(db, p->debit, p->credit, p->amount, 0, false, err);
	if (rc == XF_OK)
		rc = insert_transfer(db, &row, &seq, err);
	if (rc == XF_OK)
		rc = db_run(db, err, "DELETE FROM points_pending WHERE transfer_seq = ?", "i",
		            p->seq);
	if (rc == XF_OK && strcmp(p->code, "redeem") == 0)
		rc = points_redemption_restock(db, p->id, err);
	return rc;
}

static bool may_post_code(struct db *db, const struct points_caller *who, const char *code,
                          const struct acct *d, const struct acct *c)
{
	if (who == POINTS_SYSTEM)
		return true;
	if (strcmp(code, "gift") == 0)
		return who->person_id && strcmp(d->kind, "person") == 0 &&
		       d->person_id == who->person_id && strcmp(c->kind, "person") == 0;
	if (strcmp(code, "redeem") == 0)
		return who->role && policy_allows(who->role, "points.shop") &&
		       strcmp(d->kind, "person") == 0 && strcmp(c->kind, "shop") == 0 &&
		       is_shop_operator_of_account(db, c->id, who->user_id);
	/* earn (rules engine), adjust (approved), expire and settle: the system only. */
	return false;
}

/* The second phase: post or void a pending transfer. */
static int apply_second(struct batch *b, struct points_transfer *t, struct xf_err *err)
{
	struct db *db = b->db;
	const struct points_caller *who = b->who;
	int64_t now = b->now;
	bool post = t->post_pending_id != NULL;
	const char *pid = post ? t->post_pending_id : t->void_pending_id;
	struct existing p;
	bool found;
	int rc = find_transfer(db, pid, &p, &found, err);
	if (rc != XF_OK)
		return rc;
	if (!found) {
		t->result = "pending_transfer_not_found";
		return XF_OK;
	}
	if (strcmp(p.phase, "pending") != 0) {
		t->result = "pending_transfer_not_pending";
		return XF_OK;
	}
	char how[16];
	if ((rc = resolution(db, pid, how, err)) != XF_OK)
		return rc;
	if (how[0]) {
		t->result = strcmp(how, "post") == 0   ? "pending_transfer_already_posted"
		            : strcmp(how, "void") == 0 ? "pending_transfer_already_voided"
		                                       : "pending_transfer_expired";
		return XF_OK;
	}
	if (t->debit_account && t->debit_account != p.debit) {
		t->result = "pending_transfer_has_different_debit_account";
		return XF_OK;
	}
	if (t->credit_account && t->credit_account != p.credit) {
		t->result = "pending_transfer_has_different_credit_account";
		return XF_OK;
	}
	if (t->code && strcmp(t->code, p.code) != 0) {
		t->result = "pending_transfer_has_different_code";
		return XF_OK;
	}
	if (post && t->amount > p.amount) {
		t->result = "exceeds_pending_transfer_amount";
		return XF_OK;
	}
	if (!post && t->amount && t->amount != p.amount) {
		t->result = "pending_transfer_has_different_amount";
		return XF_OK;
	}
	/* Whoever reserved decides; for a redemption, any operator of that shop. */
	bool allowed = who == POINTS_SYSTEM || (who->user_id && who->user_id == p.created_by) ||
	               (strcmp(p.code, "redeem") == 0 && who->role &&
	                policy_allows(who->role, "points.shop") &&
	                is_shop_operator_of_account(db, p.credit, who->user_id));
	if (!allowed) {
		t->result = "not_permitted";
		return XF_OK;
	}
	if (p.timeout_at && now >= p.timeout_at) {
		if ((rc = expire_pending(db, &p, now, err)) != XF_OK)
			return rc;
		t->result = "pending_transfer_expired";
		return XF_OK;
	}
	int64_t amount = post ? (t->amount ? t->amount : p.amount) : p.amount, seq;
	bool earn = strcmp(p.code, "earn") == 0;
	struct acct d, c;
	bool fd, fc;
	if ((rc = acct_load(b, p.debit, &d, &fd, err)) != XF_OK ||
	    (rc = acct_load(b, p.credit, &c, &fc, err)) != XF_OK)
		return rc;
	struct row_in row = {t->id,
	                     p.debit,
	                     p.credit,
	                     amount,
	                     p.code,
	                     post ? "post" : "void",
	                     pid,
	                     0,
	                     t->ref,
	                     t->linked,
	                     who ? who->user_id : 0,
	                     now,
	                     d.district_id};
	if ((rc = settle_pending(db, p.debit, p.credit, p.amount, post ? amount : 0, earn, err)) !=
	        XF_OK ||
	    (rc = insert_transfer(db, &row, &seq, err)) != XF_OK ||
	    (rc = db_run(db, err, "DELETE FROM points_pending WHERE transfer_seq = ?", "i",
	                 p.seq)) != XF_OK)
		return rc;
	if (post && (strcmp(p.code, "gift") == 0 || strcmp(p.code, "redeem") == 0))
		rc = clear_across(db, t->id, &d, &c, amount, now, err);
	else if (!post && strcmp(p.code, "redeem") == 0)
		rc = points_redemption_restock(db, pid, err);
	if (rc == XF_OK)
		t->result = "ok";
	return rc;
}

/* One transfer, without the chain logic. A negative return is a storage failure. */
static int apply_one(struct batch *b, struct points_transfer *t, struct xf_err *err)
{
	struct db *db = b->db;
	const struct points_caller *who = b->who;
	int64_t now = b->now;
	struct existing x;
	bool found, second = t->post_pending_id || t->void_pending_id;
	int rc;
	/* Second phases and redemptions look the id up first (a retried redemption must answer
	 * `exists`, not "code used"); the rest find out from the insert itself. */
	if (second || strcmp(t->code, "redeem") == 0) {
		if ((rc = find_transfer(db, t->id, &x, &found, err)) != XF_OK)
			return rc;
		if (found) {
			t->result = compare_existing(t, &x);
			return XF_OK;
		}
	}
	if (second)
		return apply_second(b, t, err);
	if (t->debit_account == t->credit_account) {
		t->result = "accounts_must_be_different";
		return XF_OK;
	}
	struct acct d, c;
	bool fd, fc;
	if ((rc = acct_load(b, t->debit_account, &d, &fd, err)) != XF_OK ||
	    (rc = acct_load(b, t->credit_account, &c, &fc, err)) != XF_OK)
		return rc;
	if (!fd || !fc) {
		t->result = !fd ? "debit_account_not_found" : "credit_account_not_found";
		return XF_OK;
	}
	if (!may_post_code(db, who, t->code, &d, &c)) {
		t->result = "not_permitted";
		return XF_OK;
	}
	bool gift = strcmp(t->code, "gift") == 0, redeem = strcmp(t->code, "redeem") == 0;
	int64_t code_id = 0, day = day_of(now);
	if (redeem && who != POINTS_SYSTEM) {
		const char *why = NULL;
		if (!t->redemption_code) {
			t->result = "not_permitted";
			return XF_OK;
		}
		rc = points_code_check(db, t->redemption_code, c.id, d.id, t->amount, now, &code_id,
		                       &why, err);
		if (rc != XF_OK)
			return rc;
		if (why) {
			t->result = why;
			return XF_OK;
		}
	}
	int64_t timeout_at = t->pending && t->timeout_s ? now + t->timeout_s : 0, seq;
	struct row_in row = {t->id,
	                     d.id,
	                     c.id,
	                     t->amount,
	                     t->code,
	                     t->pending ? "pending" : "single",
	                     NULL,
	                     timeout_at,
	                     t->ref,
	                     t->linked,
	                     who ? who->user_id : 0,
	                     now,
	                     d.district_id};
	bool inserted;
	if ((rc = insert_new(db, &row, &seq, &inserted, err)) != XF_OK)
		return rc;
	if (!inserted) {
		if ((rc = find_transfer(db, t->id, &x, &found, err)) != XF_OK)
			return rc;
		if (!found) /* taken by a transaction this one cannot see yet: rerun the job */
			return xf_fail(err, XF_EBUSY, "serialization_failure", "并发冲突，请重试");
		t->result = compare_existing(t, &x);
		return XF_OK;
	}
	/* A member's gifts count against the daily limit (the system's do not). */
	int64_t limit = gift && who != POINTS_SYSTEM ? b->gift_limit : 0;
	const char *refused;
	rc = move(db, d.id, c.id, t->amount, t->pending, strcmp(t->code, "earn") == 0, limit, day,
	          &refused, err);
	if (rc != XF_OK)
		return rc;
	if (refused) {
		/* Take back the row this job inserted a moment ago: it was never committed, so no
		 * recorded transfer is ever deleted. */
		t->result = refused;
		return db_run(db, err, "DELETE FROM points_transfers WHERE seq = ?", "i", seq);
	}
	if (t->pending &&
	    (rc = db_run(db, err,
	                 "INSERT INTO points_pending(transfer_seq, debit_account, credit_account,"
	                 " amount, timeout_at) VALUES (?, ?, ?, ?, ?)",
	                 "iiiii", seq, d.id, c.id, t->amount, timeout_at)) != XF_OK)
		return rc;
	if (code_id) {
		if ((rc = db_run(db, err,
		                 "UPDATE points_codes SET used_at = ?, transfer_id = ? WHERE id = ?"
		                 " AND used_at IS NULL",
		                 "iti", now, t->id, code_id)) != XF_OK)
			return rc;
		if (db_changes(db) != 1)
			return xf_fail(err, XF_EBUSY, "serialization_failure", "并发冲突，请重试");
	}
	if (!t->pending && (gift || redeem) &&
	    (rc = clear_across(db, t->id, &d, &c, t->amount, now, err)) != XF_OK)
		return rc;
	t->result = "ok";
	return XF_OK;
}

static bool all_exist(struct db *db, struct points_transfer *t, size_t n, struct xf_err *err)
{
	for (size_t k = 0; k < n; k++) {
		struct existing x;
		bool found;
		if (find_transfer(db, t[k].id, &x, &found, err) != XF_OK || !found ||
		    strcmp(compare_existing(&t[k], &x), "exists") != 0)
			return false;
	}
	return true;
}

static void count(struct points_apply_stats *s, struct points_transfer *t)
{
	if (!s)
		return;
	if (strcmp(t->result, "ok") == 0) {
		s->ok++;
	} else if (strcmp(t->result, "exists") == 0) {
		s->exists++;
	} else if (strcmp(t->result, "not_permitted") == 0) {
		s->refused++;
		size_t len = strlen(s->refused_ids);
		if (len + strlen(t->id) + 2 < sizeof s->refused_ids)
			snprintf(s->refused_ids + len, sizeof s->refused_ids - len, "%s%s",
			         len ? "," : "", t->id);
	} else {
		s->failed++;
	}
}

static int points_apply_batch(struct batch *b, struct points_transfer *t, size_t n,
                              struct points_apply_stats *stats, struct xf_err *err);

int points_transfers_apply(struct db *db, const struct points_caller *who,
                           struct points_transfer *t, size_t n, int64_t now,
                           struct points_apply_stats *stats, struct xf_err *err)
{
	if (stats)
		memset(stats, 0, sizeof *stats);
	struct batch *b = xcalloc(1, sizeof *b);
	b->db = db;
	b->who = who;
	b->now = now;
	b->gift_limit = points_gift_limit(db);
	int rc = points_apply_batch(b, t, n, stats, err);
	free(b);
	return rc;
}

static int points_apply_batch(struct batch *b, struct points_transfer *t, size_t n,
                              struct points_apply_stats *stats, struct xf_err *err)
{
	struct db *db = b->db;
	size_t i = 0;
	while (i < n) {
		if (!t[i].linked) {
			int rc = apply_one(b, &t[i], err);
			if (rc != XF_OK)
				return rc;
			count(stats, &t[i]);
			i++;
			continue;
		}
		size_t end = i;
		while (end < n && t[end].linked)
			end++;
		if (end == n) {
			/* The last transfer says "linked" but nothing follows it. */
			for (size_t k = i; k < n; k++) {
				t[k].result =
				    k == n - 1 ? "linked_event_chain_open" : "linked_event_failed";
				count(stats, &t[k]);
			}
			break;
		}
		/* t[i..end] is one chain: all or nothing. */
		int rc = db_savepoint(db, err);
		if (rc != XF_OK)
			return rc;
		size_t failed = SIZE_MAX;
		for (size_t k = i; k <= end && failed == SIZE_MAX; k++) {
			if ((rc = apply_one(b, &t[k], err)) != XF_OK)
				return rc; /* the job fails and rolls back as a whole */
			if (strcmp(t[k].result, "ok") != 0)
				failed = k;
		}
		if (failed == SIZE_MAX) {
			if ((rc = db_release(db, err)) != XF_OK)
				return rc;
		} else {
			db_rollback_to(db);
			const char *why = t[failed].result;
			bool again =
			    strcmp(why, "exists") == 0 && all_exist(db, t + i, end - i + 1, err);
			for (size_t k = i; k <= end; k++)
				t[k].result = again         ? "exists"
				              : k == failed ? why
				                            : "linked_event_failed";
		}
		for (size_t k = i; k <= end; k++)
			count(stats, &t[k]);
		i = end + 1;
	}
	return XF_OK;
}

/* ---- expiry ---- */

int points_expire_due(struct db *db, int64_t now, int max, int *expired, struct xf_err *err)
{
	*expired = 0;
	struct db_stmt *st = db_prep(db,
	                             "SELECT t.id FROM points_pending p JOIN points_transfers t"
	                             " ON t.seq = p.transfer_seq WHERE p.timeout_at > 0 AND"
	                             " p.timeout_at <= ? ORDER BY p.timeout_at LIMIT ?",
	                             err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, now);
	db_bind_int(st, 2, max);
	char(*ids)[160] = xcalloc((size_t)(max > 0 ? max : 1), sizeof *ids);
	int n = 0, rc;
	while ((rc = db_step(st, err)) == DB_ROW && n < max)
		snprintf(ids[n++], sizeof ids[0], "%s", db_col_text(st, 0));
	if (rc == DB_ROW)
		db_reset(st);
	else if (rc != DB_DONE) {
		free(ids);
		return rc;
	}
	rc = XF_OK;
	for (int i = 0; i < n && rc == XF_OK; i++) {
		struct existing p;
		bool found;
		if ((rc = find_transfer(db, ids[i], &p, &found, err)) == XF_OK && found &&
		    (rc = expire_pending(db, &p, now, err)) == XF_OK)
			(*expired)++;
	}
	free(ids);
	if (rc == XF_OK)
		/* Codes are short-lived; a day later they only take room. */
		rc = db_run(db, err,
		            "DELETE FROM points_codes WHERE expires_at < ? AND used_at IS NULL",
		            "i", now - 86400);
	return rc;
}

/* ---- yearly expiry (a deployment rule, off by default) ---- */

#define YEARLY_KEY      "points.expire_yearly"
#define YEARLY_DONE_KEY "points.expired_year" /* the last China-time year expired */

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400, yoe = y - era * 400;
	int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

int64_t points_china_year(int64_t now)
{
	int64_t t = now + DAY_OFFSET, days = t / 86400 - (t % 86400 < 0);
	int64_t y = 1970 + days / 365;
	while (days_from_civil(y, 1, 1) > days)
		y--;
	while (days_from_civil(y + 1, 1, 1) <= days)
		y++;
	return y;
}

int64_t points_year_start(int64_t year)
{
	return days_from_civil(year, 1, 1) * 86400 - DAY_OFFSET;
}

bool points_expire_yearly(struct db *db)
{
	char v[8];
	struct xf_err e;
	return store_meta_get(db, YEARLY_KEY, v, sizeof v, &e) == XF_OK && strcmp(v, "on") == 0;
}

static int64_t expired_year(struct db *db)
{
	char v[24];
	struct xf_err e;
	return store_meta_get(db, YEARLY_DONE_KEY, v, sizeof v, &e) == XF_OK ? atoll(v) : 0;
}

static int expired_year_set(struct db *db, int64_t year, struct xf_err *err)
{
	char v[24];
	snprintf(v, sizeof v, "%lld", (long long)year);
	return store_meta_set(db, YEARLY_DONE_KEY, v, err);
}

int points_expire_yearly_set(struct db *db, bool on, int64_t now, struct xf_err *err)
{
	/* Switched on during a year: the first expiry is at the start of the next one (points
	 * earned before the rule existed are not taken back at once). A restart that applies
	 * "on" again changes nothing, so a boundary passed while the server was down still
	 * expires. */
	if (on && !points_expire_yearly(db) && expired_year(db) < points_china_year(now)) {
		int rc = expired_year_set(db, points_china_year(now), err);
		if (rc != XF_OK)
			return rc;
	}
	return store_meta_set(db, YEARLY_KEY, on ? "on" : "off", err);
}

struct yearly_row {
	int64_t account, community, amount;
	char id[64];
};

int points_expire_yearly_due(struct db *db, int64_t now, int max, int64_t *cursor, int *moved,
                             bool *done, struct xf_err *err)
{
	*moved = 0;
	*done = true;
	if (!points_expire_yearly(db))
		return XF_OK;
	int64_t year = points_china_year(now);
	if (expired_year(db) >= year)
		return XF_OK;
	/* What is left from before the year: the balance less what was credited since it began
	 * (points spent since then count as the old ones), never more than is available — open
	 * reservations stay where they are. */
	struct db_stmt *st = db_prep(
	    db,
	    "SELECT a.id, a.community_id, a.credits_posted - a.debits_posted - a.debits_pending,"
	    " a.credits_posted - a.debits_posted - coalesce((SELECT sum(t.amount)"
	    " FROM points_transfers t WHERE t.credit_account = a.id AND t.phase IN ('single',"
	    " 'post') AND t.at >= ?), 0) FROM points_accounts a WHERE a.kind = 'person'"
	    " AND a.id > ? AND a.credits_posted - a.debits_posted - a.debits_pending > 0"
	    " ORDER BY a.id LIMIT ?",
	    err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, points_year_start(year));
	db_bind_int(st, 2, *cursor);
	db_bind_int(st, 3, max);
	struct yearly_row *rows = xcalloc((size_t)(max > 0 ? max : 1), sizeof *rows);
	int n = 0, k = 0, rc = DB_DONE;
	while (n < max && (rc = db_step(st, err)) == DB_ROW) {
		int64_t avail = db_col_int(st, 2), old = db_col_int(st, 3);
		*cursor = db_col_int(st, 0);
		n++;
		if ((old < avail ? old : avail) <= 0)
			continue;
		rows[k].account = *cursor;
		rows[k].community = db_col_int(st, 1);
		rows[k].amount = old < avail ? old : avail;
		snprintf(rows[k].id, sizeof rows[k].id, "sys:yearly:%lld:%lld", (long long)year,
		         (long long)rows[k].account);
		k++;
	}
	if (n == max)
		db_reset(st);
	else if (rc != DB_DONE) {
		free(rows);
		return rc;
	}
	char ref[32];
	snprintf(ref, sizeof ref, "yearly:%lld", (long long)year);
	struct points_transfer *t = xcalloc((size_t)(k ? k : 1), sizeof *t);
	rc = XF_OK;
	for (int i = 0; i < k && rc == XF_OK; i++) {
		int64_t issuer = 0;
		rc = points_community_account(db, "issuer", rows[i].community, &issuer, err);
		t[i] = (struct points_transfer){.id = rows[i].id,
		                                .debit_account = rows[i].account,
		                                .credit_account = issuer,
		                                .amount = rows[i].amount,
		                                .code = "expire",
		                                .ref = ref};
	}
	struct points_apply_stats stats;
	if (rc == XF_OK && k)
		rc = points_transfers_apply(db, POINTS_SYSTEM, t, (size_t)k, now, &stats, err);
	if (rc == XF_OK && k)
		*moved = stats.ok;
	free(t);
	free(rows);
	if (rc == XF_OK && n < max)
		rc = expired_year_set(db, year, err);
	else if (rc == XF_OK)
		*done = false;
	return rc;
}

/* ---- reading ---- */

int points_account_owner(struct db *db, int64_t id, struct points_account_owner *o,
                         struct xf_err *err)
{
	struct db_stmt *st =
	    db_prep(db,
	            "SELECT a.kind, coalesce(a.person_id, 0), coalesce(s.id, 0),"
	            " a.community_id FROM points_accounts a LEFT JOIN points_shops s"
	            " ON s.account_id = a.id WHERE a.id = ?",
	            err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	int rc = db_step(st, err);
	if (rc == DB_DONE)
		return xf_fail(err, XF_ENOTFOUND, "account_not_found", "没有这个积分账户");
	if (rc != DB_ROW)
		return rc;
	snprintf(o->kind, sizeof o->kind, "%s", db_col_text(st, 0));
	o->person_id = db_col_int(st, 1);
	o->shop_id = db_col_int(st, 2);
	o->community_id = db_col_int(st, 3);
	db_reset(st);
	return XF_OK;
}

static json_t *account_row(struct db_stmt *st)
{
	int64_t credits = db_col_int(st, 6), debits = db_col_int(st, 7),
	        pending = db_col_int(st, 8);
	json_t *v = json_pack(
	    "{s:I, s:s, s:s, s:I, s:s, s:I, s:I, s:I, s:I, s:I, s:I}", "id",
	    (json_int_t)db_col_int(st, 0), "kind", db_col_text(st, 1), "name", db_col_text(st, 2),
	    "community_id", (json_int_t)db_col_int(st, 4), "community_name", db_col_text(st, 5),
	    "balance", (json_int_t)(credits - debits), "pending", (json_int_t)pending, "available",
	    (json_int_t)(credits - debits - pending), "credits_pending",
	    (json_int_t)db_col_int(st, 9), "score", (json_int_t)db_col_int(st, 10), "created_at",
	    (json_int_t)db_col_int(st, 11));
	if (!db_col_null(st, 3))
		json_object_set_new(v, "person_id", json_integer(db_col_int(st, 3)));
	if (!db_col_null(st, 12))
		json_object_set_new(v, "shop_id", json_integer(db_col_int(st, 12)));
	return v;
}

int points_account_json(struct db *db, int64_t id, json_t **out, struct xf_err *err)
{
	struct db_stmt *st =
	    db_prep(db,
	            "SELECT a.id, a.kind, a.name, a.person_id, a.community_id, p.name,"
	            " a.credits_posted, a.debits_posted, a.debits_pending, a.credits_pending,"
	            " a.earned, a.created_at, s.id FROM points_accounts a JOIN places p"
	            " ON p.id = a.community_id LEFT JOIN points_shops s ON s.account_id = a.id"
	            " WHERE a.id = ?",
	            err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	int rc = db_step(st, err);
	if (rc == DB_DONE)
		return xf_fail(err, XF_ENOTFOUND, "account_not_found", "没有这个积分账户");
	if (rc != DB_ROW)
		return rc;
	*out = account_row(st);
	db_reset(st);
	return XF_OK;
}

int points_accounts_of_json(struct db *db, int64_t person_id, int64_t user_id, json_t **items,
                            struct xf_err *err)
{
	/* The person's accounts and the shops' by their indexes (an OR over the join walked all
	 * 1.6 million accounts in id order for a staff account without a person). */
	struct db_stmt *st = db_prep(
	    db,
	    "SELECT a.id, a.kind, a.name, a.person_id, a.community_id, p.name, a.credits_posted,"
	    " a.debits_posted, a.debits_pending, a.credits_pending, a.earned, a.created_at, s.id"
	    " FROM points_accounts a JOIN places p ON p.id = a.community_id"
	    " LEFT JOIN points_shops s ON s.account_id = a.id"
	    " WHERE a.id IN (SELECT id FROM points_accounts WHERE person_id = ? UNION SELECT"
	    " account_id FROM points_shops WHERE id IN (SELECT shop_id FROM points_shop_operators"
	    " WHERE user_id = ?)) ORDER BY a.id LIMIT 50",
	    err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, person_id);
	db_bind_int(st, 2, user_id);
	*items = json_array();
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(*items, account_row(st));
	if (rc != DB_DONE) {
		json_decref(*items);
		return rc;
	}
	return XF_OK;
}

static const char *state_of(const char *phase, const char *how)
{
	if (strcmp(phase, "pending") != 0)
		return strcmp(phase, "single") == 0 ? "posted" : phase;
	if (!how || !*how)
		return "pending";
	return strcmp(how, "post") == 0   ? "posted"
	       : strcmp(how, "void") == 0 ? "voided"
	                                  : "expired";
}

/* A person's name as others see it in a history: the first character, then one '*' for
 * each further one up to any "（" note ("孙秀英（居民）" → "孙**"). */
void points_mask_person(const char *name, char *out, size_t n)
{
	const char *paren = strstr(name, "（");
	size_t len = paren ? (size_t)(paren - name) : strlen(name), first = 1;
	while (first < len && ((unsigned char)name[first] & 0xC0) == 0x80)
		first++;
	size_t stars = first < len ? utf8_len(name + first, len - first) : 0;
	if (!stars)
		stars = 1;
	if (len == 0 || first + stars >= n) {
		snprintf(out, n, "*");
		return;
	}
	memcpy(out, name, first);
	memset(out + first, '*', stars);
	out[first + stars] = 0;
}

/* The other side of a transfer in a history row: a shop or community account by its name, a
 * person masked (a gift to a mistyped account number must not reveal a stranger's name). */
static json_t *counterparty(struct db_stmt *st, int col)
{
	const char *kind = db_col_text(st, col + 1), *name = db_col_text(st, col + 2);
	char masked[64];
	if (strcmp(kind, "person") == 0) {
		points_mask_person(name, masked, sizeof masked);
		name = masked;
	}
	json_t *v = json_pack("{s:I, s:s, s:s}", "account_id", (json_int_t)db_col_int(st, col),
	                      "kind", kind, "name", name);
	if (!db_col_null(st, col + 3))
		json_object_set_new(v, "shop_id", json_integer(db_col_int(st, col + 3)));
	return v;
}

/* Rows of one side (debit or credit) of an account, newest first. */
static int side_rows(struct db *db, int64_t id, bool debit, int64_t cursor, int limit, json_t *out,
                     struct xf_err *err)
{
	struct db_stmt *st;
	if (debit)
		st = db_prep(
		    db,
		    "SELECT t.seq, t.id, t.debit_account, t.credit_account, t.amount, t.code,"
		    " t.phase, coalesce(t.pending_id, ''), t.ref, t.at, t.timeout_at,"
		    " (SELECT r.phase FROM points_transfers r WHERE r.pending_id = t.id),"
		    " o.id, o.kind, o.name, s.id FROM points_transfers t"
		    " JOIN points_accounts o ON o.id = t.credit_account"
		    " LEFT JOIN points_shops s ON s.account_id = o.id"
		    " WHERE t.debit_account = ? AND t.seq < ? ORDER BY t.seq DESC LIMIT ?",
		    err);
	else
		st = db_prep(
		    db,
		    "SELECT t.seq, t.id, t.debit_account, t.credit_account, t.amount, t.code,"
		    " t.phase, coalesce(t.pending_id, ''), t.ref, t.at, t.timeout_at,"
		    " (SELECT r.phase FROM points_transfers r WHERE r.pending_id = t.id),"
		    " o.id, o.kind, o.name, s.id FROM points_transfers t"
		    " JOIN points_accounts o ON o.id = t.debit_account"
		    " LEFT JOIN points_shops s ON s.account_id = o.id"
		    " WHERE t.credit_account = ? AND t.seq < ? ORDER BY t.seq DESC LIMIT ?",
		    err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, cursor ? cursor : INT64_MAX);
	db_bind_int(st, 3, limit);
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		const char *phase = db_col_text(st, 6);
		json_t *v = json_pack(
		    "{s:I, s:s, s:I, s:I, s:I, s:s, s:s, s:s, s:s, s:I, s:s}", "seq",
		    (json_int_t)db_col_int(st, 0), "id", db_col_text(st, 1), "debit_account",
		    (json_int_t)db_col_int(st, 2), "credit_account", (json_int_t)db_col_int(st, 3),
		    "amount", (json_int_t)db_col_int(st, 4), "code", db_col_text(st, 5), "phase",
		    phase, "state",
		    state_of(phase, db_col_null(st, 11) ? NULL : db_col_text(st, 11)), "ref",
		    db_col_text(st, 8), "at", (json_int_t)db_col_int(st, 9), "direction",
		    debit ? "debit" : "credit");
		if (*db_col_text(st, 7))
			json_object_set_new(v, "pending_id", json_string(db_col_text(st, 7)));
		if (db_col_int(st, 10))
			json_object_set_new(v, "timeout_at", json_integer(db_col_int(st, 10)));
		json_object_set_new(v, "counterparty", counterparty(st, 12));
		json_array_append_new(out, v);
	}
	return rc == DB_DONE ? XF_OK : rc;
}

static int by_seq_desc(const void *a, const void *b)
{
	json_int_t x = json_integer_value(json_object_get(*(json_t *const *)a, "seq"));
	json_int_t y = json_integer_value(json_object_get(*(json_t *const *)b, "seq"));
	return x < y ? 1 : x > y ? -1 : 0;
}

int points_account_transfers_json(struct db *db, int64_t id, int64_t cursor, int limit,
                                  json_t **items, int64_t *next, struct xf_err *err)
{
	/* Two index range scans merged here: an OR would sort every transfer of a busy
	 * account (an issuer has one per point it ever issued). */
	json_t *both = json_array();
	int rc = side_rows(db, id, true, cursor, limit + 1, both, err);
	if (rc == XF_OK)
		rc = side_rows(db, id, false, cursor, limit + 1, both, err);
	if (rc != XF_OK) {
		json_decref(both);
		return rc;
	}
	size_t n = json_array_size(both);
	json_t **v = xcalloc(n ? n : 1, sizeof *v);
	for (size_t i = 0; i < n; i++)
		v[i] = json_array_get(both, i);
	qsort(v, n, sizeof *v, by_seq_desc);
	*items = json_array();
	*next = 0;
	for (size_t i = 0; i < n && i < (size_t)limit; i++)
		json_array_append(*items, v[i]);
	if (n > (size_t)limit)
		*next = json_integer_value(json_object_get(v[limit - 1], "seq"));
	free(v);
	json_decref(both);
	return XF_OK;
}
