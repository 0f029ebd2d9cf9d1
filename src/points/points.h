/* 党员积分: a double-entry points ledger across the city (after TigerBeetle), the rules that
 * turn verified outcomes into earned points, awards with a second approver, shops with
 * catalogues, one-time redemption codes and the per-issuer clearing report. Plain C over the
 * store; every writing function runs inside the caller's write job. */
#ifndef XF_POINTS_H
#define XF_POINTS_H

#include "../store/db.h"
#include <jansson.h>

#define POINTS_MAX_BATCH          8000
#define POINTS_ID_MAX             64         /* client transfer ids: 1–64 of [A-Za-z0-9_-] */
#define POINTS_REF_MAX            64         /* characters */
#define POINTS_AMOUNT_MAX         1000000000 /* one transfer */
#define POINTS_TIMEOUT_MAX        (30 * 86400)
#define POINTS_GIFT_LIMIT_DEFAULT 1000

/* Who asks. user_id 0 is the system (rules engine, approvals, expiry, settlement). */
struct points_caller {
	int64_t user_id;
	int64_t person_id;
	const char *role;
	int64_t place_id;
};
#define POINTS_SYSTEM ((const struct points_caller *)0)

/* One transfer as a client sends it (strings borrowed). A second phase names the pending
 * transfer in post_pending_id or void_pending_id; its accounts, amount and code may then be
 * left 0/NULL (taken from the pending transfer) and must match it when given. */
struct points_transfer {
	const char *id;
	int64_t debit_account, credit_account, amount;
	const char *code; /* earn redeem gift adjust expire settle */
	const char *ref;  /* "" when absent */
	bool pending;
	int64_t timeout_s; /* pending only; 0 = no timeout */
	bool linked;       /* succeeds or fails together with the next transfer */
	const char *post_pending_id, *void_pending_id;
	const char *redemption_code; /* required for redeem by a shop operator */
	const char *result;          /* out: "ok", "exists", "exceeds_balance", … */
};

struct points_apply_stats {
	int ok, exists, refused, failed;
	char refused_ids[200]; /* the first few refused (not_permitted) ids, for the audit row */
};

/* Is s a valid client transfer id? */
bool points_id_valid(const char *s);
bool points_code_valid(const char *code);
/* Apply transfers in order; each gets a result. Linked chains are all-or-nothing (nested
 * savepoints). Returns XF_OK unless storage failed: then the caller's job must fail. */
int points_transfers_apply(struct db *db, const struct points_caller *who,
                           struct points_transfer *t, size_t n, int64_t now,
                           struct points_apply_stats *stats, struct xf_err *err);

/* Accounts. Every person has one, opened on first use (create = true) inside a write job. */
int points_person_account(struct db *db, int64_t person_id, bool create, int64_t *id,
                          struct xf_err *err);
/* The community's issuer or clearing account ("issuer", "clearing"), opened on first use. */
int points_community_account(struct db *db, const char *kind, int64_t community_id, int64_t *id,
                             struct xf_err *err);
/* The community a place belongs to (itself, the nearest community above, else the root). */
int points_community_of(struct db *db, int64_t place_id, int64_t *community_id,
                        int64_t *district_id, struct xf_err *err);
int points_account_json(struct db *db, int64_t id, json_t **out, struct xf_err *err);
/* Who owns an account: kind, person (person accounts), shop (shop accounts), community. */
struct points_account_owner {
	char kind[16];
	int64_t person_id, shop_id, community_id;
};
int points_account_owner(struct db *db, int64_t id, struct points_account_owner *o,
                         struct xf_err *err);
/* Transfers touching an account, newest first; cursor is a transfer seq (0 = from the top). */
int points_account_transfers_json(struct db *db, int64_t id, int64_t cursor, int limit,
                                  json_t **items, int64_t *next, struct xf_err *err);
/* The accounts a person holds: their own and those of shops a user operates. */
int points_accounts_of_json(struct db *db, int64_t person_id, int64_t user_id, json_t **items,
                            struct xf_err *err);

/* Release pending transfers whose timeout has passed (at most max). */
int points_expire_due(struct db *db, int64_t now, int max, int *expired, struct xf_err *err);

/* Deployment settings (meta): the daily gift limit per account. */
int64_t points_gift_limit(struct db *db);
/* Change it: 1–1,000,000, else out_of_range. */
int points_gift_limit_set(struct db *db, int64_t n, struct xf_err *err);

/* Optional yearly expiry (meta points.expire_yearly = on|off, default off): at the start of
 * each China-time year, what is left of each person's available balance from before it goes
 * back to their community issuer as a system `expire` transfer `sys:yearly:<year>:<account>`
 * (never the score, never open reservations). Switching it on marks the current year done.
 * points_expire_yearly_due does up to max accounts after *cursor and sets *done when the
 * year is complete; it does nothing when off or when the year is already done, so the
 * scheduler may call it on every tick. */
bool points_expire_yearly(struct db *db);
int points_expire_yearly_set(struct db *db, bool on, int64_t now, struct xf_err *err);
int points_expire_yearly_due(struct db *db, int64_t now, int max, int64_t *cursor, int *moved,
                             bool *done, struct xf_err *err);
/* The calendar year in China time (UTC+8) and the moment it begins. */
int64_t points_china_year(int64_t now);
int64_t points_year_start(int64_t year);
/* Open an account for every person who has none: one INSERT … SELECT for people under a
 * community, then one at a time for the few elsewhere. */
int points_open_all_person_accounts(struct db *db, int64_t now, int64_t *opened,
                                    struct xf_err *err);

/* A person's name as others see it: the first character, then one '*' per further one up to
 * any "（" note ("孙秀英（居民）" → "孙**"). Shops and gift histories show only this. */
void points_mask_person(const char *name, char *out, size_t n);

/* ---- the rules engine (rules.c) ---- */

/* THE entry point other capabilities call when an outcome is verified: looks up the rule
 * (caps per outcome and per person per day), opens the person's account and posts an `earn`
 * transfer from the person's community issuer with an id derived from rule, person and
 * outcome. Idempotent per (rule, outcome_ref, person): a repeat changes nothing and returns
 * XF_OK. Rules: service_hours, wish_fulfilled, case_solved, manual_award. Call it from
 * inside a write job. */
int points_outcome(struct db *db, const char *rule, const char *outcome_ref, int64_t person_id,
                   int64_t quantity, int64_t now, struct xf_err *err);
int points_rules_json(struct db *db, json_t **out, struct xf_err *err);
/* A rule's id by its code (rule_not_found when there is none). */
int points_rule_id(struct db *db, const char *code, int64_t *id, struct xf_err *err);
/* Change a rule; fields < 0 (enabled < 0) are left as they are. */
int points_rule_update(struct db *db, int64_t id, int64_t per_unit, int64_t cap_outcome,
                       int64_t cap_day, int enabled, int64_t by, int64_t now, struct xf_err *err);

/* Awards (earn, via the rules engine) and adjustments wait for an approver. */
int points_award_propose(struct db *db, const char *kind, int64_t account_id, int64_t amount,
                         const char *reason, const char *corrects, int64_t by, int64_t now,
                         int64_t *id, struct xf_err *err);
/* Approve (posts the transfer) or reject; the decider must not be the proposer. */
int points_award_decide(struct db *db, int64_t id, bool approve, int64_t by, int64_t now,
                        struct xf_err *err);
int points_award_place(struct db *db, int64_t id, int64_t *place_id, struct xf_err *err);
int points_awards_json(struct db *db, int64_t scope_place, const char *status, int64_t cursor,
                       int limit, json_t **items, int64_t *next, struct xf_err *err);

/* ---- shops, catalogue, codes, redemptions (shops.c) ---- */

int points_shop_create(struct db *db, const char *name, const char *kind, int64_t place_id,
                       int64_t now, int64_t *id, struct xf_err *err);
int points_shop_place(struct db *db, int64_t shop_id, int64_t *place_id, struct xf_err *err);
bool points_shop_operator(struct db *db, int64_t shop_id, int64_t user_id);
int points_shop_add_operator(struct db *db, int64_t shop_id, int64_t user_id, int64_t now,
                             struct xf_err *err);
int points_shops_json(struct db *db, int64_t within, const char *q, int64_t cursor, int limit,
                      json_t **items, int64_t *next, struct xf_err *err);
int points_shop_json(struct db *db, int64_t shop_id, json_t **out, struct xf_err *err);
int points_item_create(struct db *db, int64_t shop_id, const char *name, int64_t price,
                       int64_t stock, int64_t now, int64_t *id, struct xf_err *err);
int points_item_shop(struct db *db, int64_t item_id, int64_t *shop_id, struct xf_err *err);
/* Fields < 0 (name NULL) are left as they are. */
int points_item_update(struct db *db, int64_t item_id, const char *name, int64_t price,
                       int64_t stock, int active, int64_t now, struct xf_err *err);

/* A one-time code (10 digits) for one shop and a maximum amount, valid ttl_s seconds. */
int points_code_create(struct db *db, int64_t person_id, int64_t shop_id, int64_t max_amount,
                       int64_t ttl_s, int64_t now, char code[11], int64_t *expires_at,
                       struct xf_err *err);
/* Find a usable code for (shop, debit account, amount): XF_OK with its id, or a result. */
int points_code_check(struct db *db, const char *code, int64_t shop_account, int64_t debit,
                      int64_t amount, int64_t now, int64_t *code_id, const char **result,
                      struct xf_err *err);

struct points_line {
	int64_t item_id, quantity;
};
/* At the counter: reserve the member's points (a pending `redeem`) and take the items from
 * stock in one job. amount is computed from the lines when there are any. *result is the
 * ledger's answer ("ok", "exists", "exceeds_balance", …); XF_OK means it was recorded. */
int points_redeem(struct db *db, const struct points_caller *who, int64_t shop_id,
                  const char *transfer_id, const char *code, const struct points_line *lines,
                  size_t nlines, int64_t amount, int64_t timeout_s, int64_t now,
                  int64_t *redemption_id, const char **result, struct xf_err *err);
int points_redemption_json(struct db *db, int64_t id, json_t **out, struct xf_err *err);
int points_redemption_shop(struct db *db, int64_t id, int64_t *shop_id, char tid[96],
                           struct xf_err *err);
int points_redemptions_json(struct db *db, int64_t shop_id, int64_t cursor, int limit,
                            json_t **items, int64_t *next, struct xf_err *err);
/* Put back the stock a voided or expired redemption took (ledger.c calls it). */
int points_redemption_restock(struct db *db, const char *transfer_id, struct xf_err *err);

/* Per issuing community under `within`: issued, redeemed, expired, outstanding, clearing. */
int points_issuers_report(struct db *db, int64_t within, json_t **out, struct xf_err *err);

/* ---- verification (verify.c) ---- */

struct points_verify_report {
	int64_t accounts, transfers, bad_accounts;
	int64_t total_debits, total_credits;
	bool balanced;           /* total debits == total credits */
	bool pending_consistent; /* points_pending == open pending transfers */
	char first_bad[512];     /* "account 17: balance 30, replay 20; …" */
};
/* Replay every posted transfer and compare with each account's totals. */
int points_verify(struct db *db, struct points_verify_report *rep, struct xf_err *err);

/* ---- demo (demo_points.c) ---- */
int points_demo(struct db *db, bool city, struct xf_err *err);

#endif
