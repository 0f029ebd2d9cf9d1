/* 积分超市 and merchants: catalogues with stock, one-time redemption codes (a keyed hash is
 * all that is stored), redemptions that move stock and balance together (a pending `redeem`
 * posted or voided at the counter, expired at its timeout), and the per-issuer report that
 * reconciles 通兑 through the clearing accounts. */
#include "points.h"
#include "../core/buf.h"
#include "../core/pii.h"
#include "../registry/registry.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CODE_DIGITS    10
#define CODES_OPEN_MAX 5 /* unexpired, unused codes one member may hold */

int points_shop_create(struct db *db, const char *name, const char *kind, int64_t place_id,
                       int64_t now, int64_t *id, struct xf_err *err)
{
	int64_t community, district, account;
	int rc = points_community_of(db, place_id, &community, &district, err);
	if (rc != XF_OK)
		return rc;
	/* The account comes first (the shop row needs it); its key is fixed once the shop has
	 * its id. */
	char key[64];
	snprintf(key, sizeof key, "shop:new:%08x%08x", randombytes_random(), randombytes_random());
	struct db_stmt *st = db_prep(db,
	                             "INSERT INTO points_accounts(key, kind, community_id, name,"
	                             " capped, district_id, created_at) VALUES (?, 'shop', ?, ?, 1,"
	                             " ?, ?) RETURNING id",
	                             err);
	if (!st)
		return err->status;
	db_bind_text(st, 1, key);
	db_bind_int(st, 2, community);
	db_bind_text(st, 3, name);
	if (district)
		db_bind_int(st, 4, district);
	else
		db_bind_null(st, 4);
	db_bind_int(st, 5, now);
	if ((rc = db_step(st, err)) != DB_ROW)
		return rc < 0 ? rc : XF_EDB;
	account = db_col_int(st, 0);
	db_reset(st);
	st = db_prep(db,
	             "INSERT INTO points_shops(name, kind, place_id, account_id, district_id,"
	             " created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
	             err);
	if (!st)
		return err->status;
	db_bind_text(st, 1, name);
	db_bind_text(st, 2, kind);
	db_bind_int(st, 3, place_id);
	db_bind_int(st, 4, account);
	if (district)
		db_bind_int(st, 5, district);
	else
		db_bind_null(st, 5);
	db_bind_int(st, 6, now);
	if ((rc = db_step(st, err)) != DB_ROW)
		return rc < 0 ? rc : XF_EDB;
	*id = db_col_int(st, 0);
	db_reset(st);
	snprintf(key, sizeof key, "shop:%lld", (long long)*id);
	return db_run(db, err, "UPDATE points_accounts SET key = ? WHERE id = ?", "ti", key,
	              account);
}

int points_shop_place(struct db *db, int64_t shop_id, int64_t *place_id, struct xf_err *err)
{
	int rc = db_int(db, err, place_id, "SELECT place_id FROM points_shops WHERE id = ?", "i",
	                shop_id);
	if (rc == XF_ENOTFOUND)
		return xf_fail(err, XF_ENOTFOUND, "shop_not_found", "没有这个商户");
	return rc;
}

bool points_shop_operator(struct db *db, int64_t shop_id, int64_t user_id)
{
	struct xf_err e;
	int64_t n = 0;
	return db_int(
	           db, &e, &n,
	           "SELECT count(*) FROM points_shop_operators WHERE shop_id = ? AND user_id = ?",
	           "ii", shop_id, user_id) == XF_OK &&
	       n > 0;
}

int points_shop_add_operator(struct db *db, int64_t shop_id, int64_t user_id, int64_t now,
                             struct xf_err *err)
{
	int64_t n = 0;
	int rc = db_int(db, err, &n, "SELECT count(*) FROM users WHERE id = ?", "i", user_id);
	if (rc != XF_OK)
		return rc;
	if (!n)
		return xf_fail_field(err, XF_ENOTFOUND, "user_not_found", "user_id",
		                     "没有这个账号");
	return db_run(db, err,
	              "INSERT INTO points_shop_operators(shop_id, user_id, created_at)"
	              " VALUES (?, ?, ?) ON CONFLICT (shop_id, user_id) DO NOTHING",
	              "iii", shop_id, user_id, now);
}

static json_t *shop_row(struct db_stmt *st)
{
	return json_pack("{s:I, s:s, s:s, s:I, s:s, s:I, s:b, s:I}", "id",
	                 (json_int_t)db_col_int(st, 0), "name", db_col_text(st, 1), "kind",
	                 db_col_text(st, 2), "place_id", (json_int_t)db_col_int(st, 3),
	                 "place_name", db_col_text(st, 4), "account_id",
	                 (json_int_t)db_col_int(st, 5), "active", (int)db_col_int(st, 6), "items",
	                 (json_int_t)db_col_int(st, 7));
}

int points_shops_json(struct db *db, int64_t within, const char *q, int64_t cursor, int limit,
                      json_t **items, int64_t *next, struct xf_err *err)
{
	char lo[256] = "/", hi[256] = "0";
	int rc = within ? registry_subtree(db, within, lo, hi, err) : XF_OK;
	if (rc != XF_OK)
		return rc;
	struct db_stmt *st =
	    db_prep(db,
	            "SELECT s.id, s.name, s.kind, s.place_id, p.name, s.account_id, s.active,"
	            " (SELECT count(*) FROM points_items i WHERE i.shop_id = s.id AND i.active = 1)"
	            " FROM points_shops s CROSS JOIN places p WHERE p.id = s.place_id"
	            " AND p.path >= ? AND p.path < ? AND (? = '' OR s.name LIKE '%' || ? || '%')"
	            " AND s.id > ? ORDER BY s.id LIMIT ?",
	            err);
	if (!st)
		return err->status;
	db_bind_text(st, 1, lo);
	db_bind_text(st, 2, hi);
	db_bind_text(st, 3, q ? q : "");
	db_bind_text(st, 4, q ? q : "");
	db_bind_int(st, 5, cursor);
	db_bind_int(st, 6, limit + 1);
	*items = json_array();
	*next = 0;
	int n = 0;
	while ((rc = db_step(st, err)) == DB_ROW) {
		if (n == limit) {
			*next = json_integer_value(
			    json_object_get(json_array_get(*items, (size_t)n - 1), "id"));
			db_reset(st);
			return XF_OK;
		}
		json_array_append_new(*items, shop_row(st));
		n++;
	}
	if (rc != DB_DONE) {
		json_decref(*items);
		return rc;
	}
	return XF_OK;
}

int points_shop_json(struct db *db, int64_t shop_id, json_t **out, struct xf_err *err)
{
	struct db_stmt *st =
	    db_prep(db,
	            "SELECT s.id, s.name, s.kind, s.place_id, p.name, s.account_id, s.active,"
	            " (SELECT count(*) FROM points_items i WHERE i.shop_id = s.id AND i.active = 1)"
	            " FROM points_shops s JOIN places p ON p.id = s.place_id WHERE s.id = ?",
	            err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, shop_id);
	int rc = db_step(st, err);
	if (rc == DB_DONE)
		return xf_fail(err, XF_ENOTFOUND, "shop_not_found", "没有这个商户");
	if (rc != DB_ROW)
		return rc;
	json_t *shop = shop_row(st);
	db_reset(st);
	st = db_prep(db,
	             "SELECT id, name, price, stock, active FROM points_items WHERE shop_id = ?"
	             " ORDER BY id LIMIT 500",
	             err);
	if (!st) {
		json_decref(shop);
		return err->status;
	}
	db_bind_int(st, 1, shop_id);
	json_t *items = json_array();
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(items, json_pack("{s:I, s:s, s:I, s:I, s:b}", "id",
		                                       (json_int_t)db_col_int(st, 0), "name",
		                                       db_col_text(st, 1), "price",
		                                       (json_int_t)db_col_int(st, 2), "stock",
		                                       (json_int_t)db_col_int(st, 3), "active",
		                                       (int)db_col_int(st, 4)));
	if (rc != DB_DONE) {
		json_decref(items);
		json_decref(shop);
		return rc;
	}
	json_object_set_new(shop, "catalogue", items);
	*out = shop;
	return XF_OK;
}

int points_item_create(struct db *db, int64_t shop_id, const char *name, int64_t price,
                       int64_t stock, int64_t now, int64_t *id, struct xf_err *err)
{
	struct db_stmt *st =
	    db_prep(db,
	            "INSERT INTO points_items(shop_id, name, price, stock,"
	            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
	            err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, shop_id);
	db_bind_text(st, 2, name);
	db_bind_int(st, 3, price);
	db_bind_int(st, 4, stock);
	db_bind_int(st, 5, now);
	db_bind_int(st, 6, now);
	int rc = db_step(st, err);
	if (rc != DB_ROW)
		return rc < 0 ? rc : XF_EDB;
	*id = db_col_int(st, 0);
	db_reset(st);
	return XF_OK;
}

int points_item_shop(struct db *db, int64_t item_id, int64_t *shop_id, struct xf_err *err)
{
	int rc =
	    db_int(db, err, shop_id, "SELECT shop_id FROM points_items WHERE id = ?", "i", item_id);
	if (rc == XF_ENOTFOUND)
		return xf_fail(err, XF_ENOTFOUND, "item_not_found", "没有这件商品");
	return rc;
}

int points_item_update(struct db *db, int64_t item_id, const char *name, int64_t price,
                       int64_t stock, int active, int64_t now, struct xf_err *err)
{
	int rc = db_run(db, err,
	                "UPDATE points_items SET name = coalesce(?, name), price = CASE WHEN ? < 0"
	                " THEN price ELSE ? END, stock = CASE WHEN ? < 0 THEN stock ELSE ? END,"
	                " active = CASE WHEN ? < 0 THEN active ELSE ? END, updated_at = ?"
	                " WHERE id = ?",
	                "tiiiiiiii", name, price, price, stock, stock, (int64_t)active,
	                (int64_t)active, now, item_id);
	if (rc == XF_OK && db_changes(db) == 0)
		return xf_fail(err, XF_ENOTFOUND, "item_not_found", "没有这件商品");
	return rc;
}

/* ---- one-time codes ---- */

static void code_hash(const char *code, char out[XF_DIGEST_HEX])
{
	pii_bidx("points_code", code, out);
}

static bool code_format_ok(const char *code)
{
	if (!code || strlen(code) != CODE_DIGITS)
		return false;
	for (int i = 0; i < CODE_DIGITS; i++)
		if (code[i] < '0' || code[i] > '9')
			return false;
	return true;
}

int points_code_create(struct db *db, int64_t person_id, int64_t shop_id, int64_t max_amount,
                       int64_t ttl_s, int64_t now, char code[11], int64_t *expires_at,
                       struct xf_err *err)
{
	int64_t account, active = 0, open = 0;
	int rc =
	    db_int(db, err, &active, "SELECT active FROM points_shops WHERE id = ?", "i", shop_id);
	if (rc == XF_ENOTFOUND)
		return xf_fail_field(err, XF_ENOTFOUND, "shop_not_found", "shop_id",
		                     "没有这个商户");
	if (rc != XF_OK)
		return rc;
	if (!active)
		return xf_fail_field(err, XF_ECONFLICT, "shop_closed", "shop_id", "该商户已停用");
	if ((rc = points_person_account(db, person_id, true, &account, err)) != XF_OK)
		return rc;
	if ((rc = db_int(db, err, &open,
	                 "SELECT count(*) FROM points_codes WHERE account_id = ? AND expires_at > ?"
	                 " AND used_at IS NULL",
	                 "ii", account, now)) != XF_OK)
		return rc;
	if (open >= CODES_OPEN_MAX) {
		xf_fail(err, XF_EBUSY, "too_many_codes",
		        "您已有 %d 个未使用的兑换码，请先使用或等待其过期", CODES_OPEN_MAX);
		err->http = 429;
		return err->status;
	}
	for (int i = 0; i < CODE_DIGITS; i++)
		code[i] = (char)('0' + randombytes_uniform(10));
	code[CODE_DIGITS] = 0;
	char hash[XF_DIGEST_HEX];
	code_hash(code, hash);
	*expires_at = now + ttl_s;
	return db_run(db, err,
	              "INSERT INTO points_codes(code_hash, account_id, shop_id, max_amount,"
	              " created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
	              "tiiiii", hash, account, shop_id, max_amount, now, *expires_at);
}

struct code_row {
	int64_t id, account, shop, shop_account, max_amount, expires_at;
	bool used;
};

static int code_find(struct db *db, const char *code, struct code_row *c, bool *found,
                     struct xf_err *err)
{
	*found = false;
	if (!code_format_ok(code))
		return XF_OK;
	char hash[XF_DIGEST_HEX];
	code_hash(code, hash);
	struct db_stmt *st = db_prep(db,
	                             "SELECT c.id, c.account_id, c.shop_id, s.account_id,"
	                             " c.max_amount, c.expires_at, c.used_at IS NOT NULL"
	                             " FROM points_codes c JOIN points_shops s ON s.id = c.shop_id"
	                             " WHERE c.code_hash = ?",
	                             err);
	if (!st)
		return err->status;
	db_bind_text(st, 1, hash);
	int rc = db_step(st, err);
	if (rc == DB_DONE)
		return XF_OK;
	if (rc != DB_ROW)
		return rc;
	*found = true;
	c->id = db_col_int(st, 0);
	c->account = db_col_int(st, 1);
	c->shop = db_col_int(st, 2);
	c->shop_account = db_col_int(st, 3);
	c->max_amount = db_col_int(st, 4);
	c->expires_at = db_col_int(st, 5);
	c->used = db_col_int(st, 6) != 0;
	db_reset(st);
	return XF_OK;
}

int points_code_check(struct db *db, const char *code, int64_t shop_account, int64_t debit,
                      int64_t amount, int64_t now, int64_t *code_id, const char **result,
                      struct xf_err *err)
{
	struct code_row c;
	bool found;
	int rc = code_find(db, code, &c, &found, err);
	*result = NULL;
	if (rc != XF_OK)
		return rc;
	if (!found || c.shop_account != shop_account || c.account != debit)
		*result = "redemption_code_invalid";
	else if (c.used)
		*result = "redemption_code_used";
	else if (now >= c.expires_at)
		*result = "redemption_code_expired";
	else if (amount > c.max_amount)
		*result = "exceeds_redemption_code_amount";
	else
		*code_id = c.id;
	return XF_OK;
}

/* ---- redemptions ---- */

int points_redeem(struct db *db, const struct points_caller *who, int64_t shop_id,
                  const char *transfer_id, const char *code, const struct points_line *lines,
                  size_t nlines, int64_t amount, int64_t timeout_s, int64_t now,
                  int64_t *redemption_id, const char **result, struct xf_err *err)
{
	int64_t shop_account = 0;
	int rc = db_int(db, err, &shop_account, "SELECT account_id FROM points_shops WHERE id = ?",
	                "i", shop_id);
	if (rc == XF_ENOTFOUND)
		return xf_fail_field(err, XF_ENOTFOUND, "shop_not_found", "shop_id",
		                     "没有这个商户");
	if (rc != XF_OK)
		return rc;
	if (who == POINTS_SYSTEM || !points_shop_operator(db, shop_id, who->user_id))
		return xf_fail(err, XF_EPERM, "not_operator", "您不是该商户的收银员");
	int64_t prior = 0;
	rc = db_int(db, err, &prior,
	            "SELECT id FROM points_redemptions WHERE transfer_id = ? AND shop_id = ?", "ti",
	            transfer_id, shop_id);
	if (rc == XF_OK) {
		*redemption_id = prior;
		*result = "exists";
		return XF_OK;
	}
	if (rc != XF_ENOTFOUND)
		return rc;
	xf_err_clear(err);
	int64_t prices[64];
	if (nlines > XF_ARRAY_LEN(prices))
		return xf_fail_field(err, XF_EINVAL, "out_of_range", "items",
		                     "一次最多兑换 64 种商品");
	if (nlines)
		amount = 0;
	for (size_t i = 0; i < nlines; i++) {
		char field[48];
		snprintf(field, sizeof field, "items[%zu]", i);
		struct db_stmt *st =
		    db_prep(db,
		            "SELECT price, stock, active FROM points_items WHERE id = ?"
		            " AND shop_id = ?",
		            err);
		if (!st)
			return err->status;
		db_bind_int(st, 1, lines[i].item_id);
		db_bind_int(st, 2, shop_id);
		if ((rc = db_step(st, err)) == DB_DONE || (rc == DB_ROW && !db_col_int(st, 2))) {
			if (rc == DB_ROW)
				db_reset(st);
			return xf_fail_field(err, XF_EINVAL, "item_not_found", field,
			                     "本店没有这件商品或已下架");
		}
		if (rc != DB_ROW)
			return rc;
		prices[i] = db_col_int(st, 0);
		int64_t stock = db_col_int(st, 1);
		db_reset(st);
		if (stock < lines[i].quantity)
			return xf_fail_field(err, XF_ECONFLICT, "out_of_stock", field,
			                     "库存不足（剩 %lld 件）", (long long)stock);
		amount += prices[i] * lines[i].quantity;
	}
	struct code_row c;
	bool found;
	if ((rc = code_find(db, code, &c, &found, err)) != XF_OK)
		return rc;
	if (!found) {
		*result = "redemption_code_invalid";
		return XF_OK;
	}
	struct points_transfer t = {.id = transfer_id,
	                            .debit_account = c.account,
	                            .credit_account = shop_account,
	                            .amount = amount,
	                            .code = "redeem",
	                            .ref = "",
	                            .pending = true,
	                            .timeout_s = timeout_s,
	                            .redemption_code = code};
	if ((rc = points_transfers_apply(db, who, &t, 1, now, NULL, err)) != XF_OK)
		return rc;
	*result = t.result;
	if (strcmp(t.result, "ok") != 0)
		return XF_OK;
	struct db_stmt *st =
	    db_prep(db,
	            "INSERT INTO points_redemptions(transfer_id, shop_id, account_id, amount,"
	            " created_by, created_at, district_id) VALUES (?, ?, ?, ?, ?, ?,"
	            " (SELECT district_id FROM points_shops WHERE id = ?)) RETURNING id",
	            err);
	if (!st)
		return err->status;
	db_bind_text(st, 1, transfer_id);
	db_bind_int(st, 2, shop_id);
	db_bind_int(st, 3, c.account);
	db_bind_int(st, 4, amount);
	db_bind_int(st, 5, who->user_id);
	db_bind_int(st, 6, now);
	db_bind_int(st, 7, shop_id);
	if ((rc = db_step(st, err)) != DB_ROW)
		return rc < 0 ? rc : XF_EDB;
	*redemption_id = db_col_int(st, 0);
	db_reset(st);
	for (size_t i = 0; i < nlines; i++) {
		if ((rc = db_run(
		         db, err,
		         "UPDATE points_items SET stock = stock - ?, updated_at = ? WHERE id = ?"
		         " AND stock >= ?",
		         "iiii", lines[i].quantity, now, lines[i].item_id, lines[i].quantity)) !=
		    XF_OK)
			return rc;
		if (db_changes(db) != 1)
			return xf_fail(err, XF_EBUSY, "serialization_failure", "并发冲突，请重试");
		if ((rc = db_run(
		         db, err,
		         "INSERT INTO points_redemption_items(redemption_id, item_id, quantity,"
		         " price) VALUES (?, ?, ?, ?)",
		         "iiii", *redemption_id, lines[i].item_id, lines[i].quantity, prices[i])) !=
		    XF_OK)
			return rc;
	}
	return XF_OK;
}

int points_redemption_restock(struct db *db, const char *transfer_id, struct xf_err *err)
{
	return db_run(db, err,
	              "UPDATE points_items SET stock = stock + (SELECT ri.quantity FROM"
	              " points_redemption_items ri JOIN points_redemptions r ON r.id ="
	              " ri.redemption_id WHERE r.transfer_id = ? AND ri.item_id = points_items.id)"
	              " WHERE id IN (SELECT ri.item_id FROM points_redemption_items ri JOIN"
	              " points_redemptions r ON r.id = ri.redemption_id WHERE r.transfer_id = ?)",
	              "tt", transfer_id, transfer_id);
}

int points_redemption_shop(struct db *db, int64_t id, int64_t *shop_id, char tid[96],
                           struct xf_err *err)
{
	struct db_stmt *st =
	    db_prep(db, "SELECT shop_id, transfer_id FROM points_redemptions WHERE id = ?", err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	int rc = db_step(st, err);
	if (rc == DB_DONE)
		return xf_fail(err, XF_ENOTFOUND, "redemption_not_found", "没有这笔兑换");
	if (rc != DB_ROW)
		return rc;
	*shop_id = db_col_int(st, 0);
	snprintf(tid, 96, "%s", db_col_text(st, 1));
	db_reset(st);
	return XF_OK;
}

static const char *redemption_state(struct db_stmt *st, int col)
{
	if (db_col_null(st, col))
		return "pending";
	const char *how = db_col_text(st, col);
	return strcmp(how, "post") == 0   ? "posted"
	       : strcmp(how, "void") == 0 ? "voided"
	                                  : "expired";
}

int points_redemption_json(struct db *db, int64_t id, json_t **out, struct xf_err *err)
{
	struct db_stmt *st =
	    db_prep(db,
	            "SELECT r.id, r.transfer_id, r.shop_id, s.name, r.account_id, a.name, r.amount,"
	            " r.created_at, t.timeout_at,"
	            " (SELECT x.phase FROM points_transfers x WHERE x.pending_id = r.transfer_id)"
	            " FROM points_redemptions r JOIN points_shops s ON s.id = r.shop_id"
	            " JOIN points_accounts a ON a.id = r.account_id"
	            " JOIN points_transfers t ON t.id = r.transfer_id WHERE r.id = ?",
	            err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	int rc = db_step(st, err);
	if (rc == DB_DONE)
		return xf_fail(err, XF_ENOTFOUND, "redemption_not_found", "没有这笔兑换");
	if (rc != DB_ROW)
		return rc;
	/* The shop sees the member masked ("赵**"): the one-time code is the proof. */
	char member[64];
	points_mask_person(db_col_text(st, 5), member, sizeof member);
	json_t *v = json_pack("{s:I, s:s, s:I, s:s, s:I, s:s, s:I, s:I, s:I, s:s}", "id",
	                      (json_int_t)db_col_int(st, 0), "transfer_id", db_col_text(st, 1),
	                      "shop_id", (json_int_t)db_col_int(st, 2), "shop_name",
	                      db_col_text(st, 3), "account_id", (json_int_t)db_col_int(st, 4),
	                      "member", member, "amount", (json_int_t)db_col_int(st, 6),
	                      "created_at", (json_int_t)db_col_int(st, 7), "timeout_at",
	                      (json_int_t)db_col_int(st, 8), "state", redemption_state(st, 9));
	db_reset(st);
	st = db_prep(db,
	             "SELECT ri.item_id, i.name, ri.quantity, ri.price FROM points_redemption_items"
	             " ri JOIN points_items i ON i.id = ri.item_id WHERE ri.redemption_id = ?"
	             " ORDER BY ri.item_id",
	             err);
	if (!st) {
		json_decref(v);
		return err->status;
	}
	db_bind_int(st, 1, id);
	json_t *lines = json_array();
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(lines, json_pack("{s:I, s:s, s:I, s:I}", "item_id",
		                                       (json_int_t)db_col_int(st, 0), "name",
		                                       db_col_text(st, 1), "quantity",
		                                       (json_int_t)db_col_int(st, 2), "price",
		                                       (json_int_t)db_col_int(st, 3)));
	json_object_set_new(v, "items", lines);
	if (rc != DB_DONE) {
		json_decref(v);
		return rc;
	}
	*out = v;
	return XF_OK;
}

int points_redemptions_json(struct db *db, int64_t shop_id, int64_t cursor, int limit,
                            json_t **items, int64_t *next, struct xf_err *err)
{
	struct db_stmt *st =
	    db_prep(db,
	            "SELECT r.id, r.transfer_id, r.amount, r.account_id, a.name, r.created_at,"
	            " (SELECT x.phase FROM points_transfers x WHERE x.pending_id = r.transfer_id)"
	            " FROM points_redemptions r JOIN points_accounts a ON a.id = r.account_id"
	            " WHERE r.shop_id = ? AND r.id < ? ORDER BY r.id DESC LIMIT ?",
	            err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, shop_id);
	db_bind_int(st, 2, cursor ? cursor : INT64_MAX);
	db_bind_int(st, 3, limit + 1);
	*items = json_array();
	*next = 0;
	int n = 0, rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		if (n == limit) {
			*next = json_integer_value(
			    json_object_get(json_array_get(*items, (size_t)n - 1), "id"));
			db_reset(st);
			return XF_OK;
		}
		char member[64];
		points_mask_person(db_col_text(st, 4), member, sizeof member);
		json_array_append_new(
		    *items,
		    json_pack("{s:I, s:s, s:I, s:I, s:s, s:I, s:s}", "id",
		              (json_int_t)db_col_int(st, 0), "transfer_id", db_col_text(st, 1),
		              "amount", (json_int_t)db_col_int(st, 2), "account_id",
		              (json_int_t)db_col_int(st, 3), "member", member, "created_at",
		              (json_int_t)db_col_int(st, 5), "state", redemption_state(st, 6)));
		n++;
	}
	if (rc != DB_DONE) {
		json_decref(*items);
		return rc;
	}
	return XF_OK;
}

/* ---- the per-issuer report ---- */

struct issuer_row {
	int64_t community;
	char name[128];
	int64_t issued, adjusted_in, adjusted_out, redeemed, redeemed_elsewhere, redeemed_here,
	    gifted_out, gifted_in, expired, outstanding, reserved, shops_hold, clearing, issuer;
};

static struct issuer_row *find_row(struct issuer_row *rows, size_t n, int64_t community)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (rows[mid].community == community)
			return &rows[mid];
		if (rows[mid].community < community)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

#define REPORT_MAX 2000

int points_issuers_report(struct db *db, int64_t within, json_t **out, struct xf_err *err)
{
	char lo[256], hi[256];
	int rc = registry_subtree(db, within, lo, hi, err);
	if (rc != XF_OK)
		return rc;
	struct issuer_row *rows = xcalloc(REPORT_MAX, sizeof *rows);
	size_t n = 0;
	struct db_stmt *st = db_prep(db,
	                             "SELECT id, name FROM places WHERE kind = 'community' AND"
	                             " path >= ? AND path < ? ORDER BY id LIMIT 2000",
	                             err);
	if (!st)
		goto fail;
	db_bind_text(st, 1, lo);
	db_bind_text(st, 2, hi);
	while ((rc = db_step(st, err)) == DB_ROW && n < REPORT_MAX) {
		rows[n].community = db_col_int(st, 0);
		snprintf(rows[n].name, sizeof rows[n].name, "%s", db_col_text(st, 1));
		n++;
	}
	if (rc < 0)
		goto fail;
	if (n == 0) {
		/* Below a community: report the community it belongs to. */
		int64_t district;
		if ((rc = points_community_of(db, within, &rows[0].community, &district, err)) !=
		    XF_OK)
			goto fail;
		snprintf(rows[0].name, sizeof rows[0].name, "%s", "");
		n = 1;
	}
	/* Every posted movement, grouped by who paid, who received and why. Earnings (most of
	 * the ledger) need only the paying issuer: summed per debit account off the
	 * points_transfers_code index before the accounts are read; the codes the report shows
	 * besides are read whole (settlements are not shown). */
	st = db_prep(db,
	             "SELECT d.kind, d.community_id, '', 0, 'earn', sum(x.total) FROM (SELECT"
	             " debit_account, sum(amount) AS total FROM points_transfers WHERE code ="
	             " 'earn' AND phase IN ('single', 'post') GROUP BY debit_account) x JOIN"
	             " points_accounts d ON d.id = x.debit_account GROUP BY d.kind, d.community_id"
	             " UNION ALL SELECT d.kind, d.community_id, c.kind, c.community_id, t.code,"
	             " sum(t.amount) FROM points_transfers t JOIN points_accounts d ON d.id ="
	             " t.debit_account JOIN points_accounts c ON c.id = t.credit_account"
	             " WHERE t.phase IN ('single', 'post') AND t.code IN ('adjust', 'redeem',"
	             " 'gift', 'expire') GROUP BY d.kind, d.community_id, c.kind, c.community_id,"
	             " t.code",
	             err);
	if (!st)
		goto fail;
	while ((rc = db_step(st, err)) == DB_ROW) {
		char dk[16], ck[16], code[16];
		snprintf(dk, sizeof dk, "%s", db_col_text(st, 0));
		snprintf(ck, sizeof ck, "%s", db_col_text(st, 2));
		snprintf(code, sizeof code, "%s", db_col_text(st, 4));
		int64_t dc = db_col_int(st, 1), cc = db_col_int(st, 3), sum = db_col_int(st, 5);
		struct issuer_row *D = find_row(rows, n, dc), *C = find_row(rows, n, cc);
		bool dp = strcmp(dk, "person") == 0, cp = strcmp(ck, "person") == 0;
		if (strcmp(code, "earn") == 0 && D && strcmp(dk, "issuer") == 0)
			D->issued += sum;
		else if (strcmp(code, "adjust") == 0) {
			if (D && strcmp(dk, "issuer") == 0 && cp)
				D->adjusted_in += sum;
			if (C && strcmp(ck, "issuer") == 0 && dp)
				C->adjusted_out += sum;
		} else if (strcmp(code, "redeem") == 0 && dp) {
			if (D)
				D->redeemed += sum;
			if (D && dc != cc)
				D->redeemed_elsewhere += sum;
			if (C && dc != cc)
				C->redeemed_here += sum;
		} else if (strcmp(code, "gift") == 0 && dp && cp && dc != cc) {
			if (D)
				D->gifted_out += sum;
			if (C)
				C->gifted_in += sum;
		} else if (strcmp(code, "expire") == 0 && dp && D) {
			D->expired += sum;
		}
	}
	if (rc < 0)
		goto fail;
	/* Accounts that never moved add nothing: the partial index points_accounts_held holds
	 * the others (tens of thousands of 1.6 million), so the balances are summed off it. */
	st = db_prep(db,
	             "SELECT community_id, kind, sum(credits_posted - debits_posted),"
	             " sum(debits_pending) FROM points_accounts WHERE credits_posted <> 0 OR"
	             " debits_posted <> 0 OR debits_pending <> 0 GROUP BY community_id, kind",
	             err);
	if (!st)
		goto fail;
	while ((rc = db_step(st, err)) == DB_ROW) {
		struct issuer_row *R = find_row(rows, n, db_col_int(st, 0));
		if (!R)
			continue;
		const char *kind = db_col_text(st, 1);
		int64_t bal = db_col_int(st, 2);
		if (strcmp(kind, "person") == 0) {
			R->outstanding = bal;
			R->reserved = db_col_int(st, 3);
		} else if (strcmp(kind, "shop") == 0) {
			R->shops_hold = bal;
		} else if (strcmp(kind, "clearing") == 0) {
			R->clearing = bal;
		} else if (strcmp(kind, "issuer") == 0) {
			R->issuer = bal;
		}
	}
	if (rc < 0)
		goto fail;
	json_t *items = json_array();
	struct issuer_row tot = {0};
	int64_t unreconciled = 0;
	for (size_t i = 0; i < n; i++) {
		struct issuer_row *R = &rows[i];
		bool holds = R->issued + R->adjusted_in - R->adjusted_out - R->redeemed -
		                 R->expired - R->gifted_out + R->gifted_in ==
		             R->outstanding;
		bool clears = R->clearing == R->redeemed_elsewhere + R->gifted_out -
		                                 R->redeemed_here - R->gifted_in;
		unreconciled += !(holds && clears);
		tot.issued += R->issued;
		tot.redeemed += R->redeemed;
		tot.outstanding += R->outstanding;
		tot.clearing += R->clearing;
		if (!R->issued && !R->redeemed && !R->redeemed_here && !R->outstanding &&
		    !R->clearing && !R->shops_hold)
			continue; /* a community with no points yet */
		json_t *v = json_pack(
		    "{s:I, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:b}",
		    "community_id", (json_int_t)R->community, "name", R->name, "issued",
		    (json_int_t)R->issued, "adjusted",
		    (json_int_t)(R->adjusted_in - R->adjusted_out), "redeemed",
		    (json_int_t)R->redeemed, "redeemed_elsewhere",
		    (json_int_t)R->redeemed_elsewhere, "redeemed_here_by_others",
		    (json_int_t)R->redeemed_here, "gifted_out", (json_int_t)R->gifted_out,
		    "gifted_in", (json_int_t)R->gifted_in, "expired", (json_int_t)R->expired,
		    "outstanding", (json_int_t)R->outstanding, "reserved", (json_int_t)R->reserved,
		    "shops_hold", (json_int_t)R->shops_hold, "clearing_balance",
		    (json_int_t)R->clearing, "reconciled", holds && clears);
		json_array_append_new(items, v);
	}
	*out = json_pack("{s:o, s:{s:I, s:I, s:I, s:I}, s:I}", "items", items, "totals", "issued",
	                 (json_int_t)tot.issued, "redeemed", (json_int_t)tot.redeemed,
	                 "outstanding", (json_int_t)tot.outstanding, "clearing_balance",
	                 (json_int_t)tot.clearing, "unreconciled", (json_int_t)unreconciled);
	free(rows);
	return XF_OK;
fail:
	free(rows);
	return err->status ? err->status : XF_EDB;
}
