/* 党员积分 over HTTP: the transfers batch (up to 8,000, one result each), accounts and their
 * history, redemption codes with a QR code, the counter (redeem → confirm or cancel), shops
 * and catalogue, rules, awards and approvals, and the per-issuer report. Who may do what to
 * which account is decided in src/points (the ledger), inside the write job. */
#include "api.h"
#include "app.h"
#include "../auth/audit.h"
#include "../auth/policy.h"
#include "../auth/totp.h"
#include "../core/clock.h"
#include "../core/str.h"
#include "../points/points.h"
#include "../registry/people.h"
#include "../sched/sched.h"
#include "../store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE_MAX 200

static struct db *reader(struct req *r)
{
	return store_reader(r->app->store, &r->err);
}

static struct points_caller caller(const struct req *r)
{
	return (struct points_caller){r->user.id, r->user.person_id, r->user.role,
	                              r->user.place_id};
}

/* Chinese for the ledger's results, for the endpoints that answer with one error. */
static const char *result_message(const char *result)
{
	static const struct {
		const char *code, *msg;
	} t[] = {
	    {"exceeds_balance", "积分余额不足"},
	    {"not_permitted", "无权进行这笔积分操作"},
	    {"redemption_code_invalid", "兑换码不正确（或不属于本店）"},
	    {"redemption_code_used", "兑换码已使用过"},
	    {"redemption_code_expired", "兑换码已过期，请让对方刷新"},
	    {"exceeds_redemption_code_amount", "金额超过兑换码允许的上限"},
	    {"pending_transfer_expired", "兑换已超时，积分已退回"},
	    {"pending_transfer_already_posted", "这笔兑换已确认"},
	    {"pending_transfer_already_voided", "这笔兑换已取消"},
	    {"debit_account_not_found", "没有这个积分账户"},
	};
	for (size_t i = 0; i < XF_ARRAY_LEN(t); i++)
		if (strcmp(t[i].code, result) == 0)
			return t[i].msg;
	return "积分操作未成功";
}

/* The object-level check for reading an account: its owner, an operator of its shop, or
 * staff holding points.read over the place it belongs to. */
static int account_access(struct db *db, const struct req *r, int64_t id, struct xf_err *err)
{
	struct points_account_owner o;
	int rc = points_account_owner(db, id, &o, err);
	if (rc != XF_OK)
		return rc;
	if (o.person_id && o.person_id == r->user.person_id)
		return XF_OK;
	if (o.shop_id && points_shop_operator(db, o.shop_id, r->user.id))
		return XF_OK;
	int64_t place = o.community_id;
	if (o.person_id && (rc = people_place(db, o.person_id, &place, err)) != XF_OK)
		return rc;
	if (o.shop_id && (rc = points_shop_place(db, o.shop_id, &place, err)) != XF_OK)
		return rc;
	return authz_check(db, &r->user, "points.read", place, err);
}

/* Writes go through here so that a refusal decided inside the job (an account, shop or
 * award the caller may not touch) is audited like the router's own refusals. */
struct pwrite {
	write_fn fn;
	void *arg;
};

static void *warg(struct req *r)
{
	return ((struct pwrite *)r->write_arg)->arg;
}

static int pwrite_run(struct db *db, struct req *r, struct xf_err *err)
{
	struct pwrite *w = r->write_arg;
	int rc = w->fn(db, r, err);
	if (rc == XF_EPERM) {
		char action[80];
		snprintf(action, sizeof action, "%s %s", r->method_name, r->route->pattern);
		struct audit_entry e = {.user_id = r->user.id,
		                        .role = r->user.role,
		                        .action = action,
		                        .object = r->path,
		                        .ip = r->client_ip,
		                        .outcome = "denied",
		                        .detail = err->code};
		audit_write_async(r->app->store, &e);
	}
	return rc;
}

static int pwrite(struct req *r, write_fn fn, void *arg)
{
	struct pwrite *w = arena_alloc(r->arena, sizeof *w);
	w->fn = fn;
	w->arg = arg;
	return req_write(r, pwrite_run, w);
}

/* ---- transfers ---- */

const struct jv_field api_points_transfers_body[] = {
    {"transfers", JV_ARRAY, true, 1, POINTS_MAX_BATCH, "转账列表"}, {NULL, 0, 0, 0, 0, NULL}};

static int item_fail(struct req *r, size_t i, const char *key, const char *code, const char *msg)
{
	char field[64];
	snprintf(field, sizeof field, "transfers[%zu]%s%s", i, key ? "." : "", key ? key : "");
	xf_fail_field(&r->err, XF_EINVAL, code, field, "%s：%s", field, msg);
	r->err.http = 422;
	return r->err.status;
}

static bool opt_int(json_t *o, const char *k, int64_t lo, int64_t hi, int64_t *out, bool *bad)
{
	json_t *v = json_object_get(o, k);
	if (!v || json_is_null(v))
		return false;
	if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi) {
		*bad = true;
		return false;
	}
	*out = json_integer_value(v);
	return true;
}

/* Check one transfer's shape; nothing is applied unless every transfer passes. */
static int transfer_decode(struct req *r, size_t i, json_t *o, struct points_transfer *t)
{
	static const char *keys[] = {"id",
	                             "debit_account",
	                             "credit_account",
	                             "amount",
	                             "code",
	                             "ref",
	                             "pending",
	                             "timeout_s",
	                             "linked",
	                             "post_pending_id",
	                             "void_pending_id",
	                             "redemption_code"};
	memset(t, 0, sizeof *t);
	if (!json_is_object(o))
		return item_fail(r, i, NULL, "wrong_type", "应为对象");
	const char *key;
	json_t *v;
	json_object_foreach(o, key, v)
	{
		bool known = false;
		for (size_t k = 0; k < XF_ARRAY_LEN(keys); k++)
			known |= strcmp(key, keys[k]) == 0;
		if (!known)
			return item_fail(r, i, strnlen(key, 40) < 40 ? key : "?", "unknown_field",
			                 "不认识的字段");
	}
	t->id = jv_str(o, "id", NULL);
	if (!points_id_valid(t->id))
		return item_fail(r, i, "id", "validation_failed",
		                 "应为 1–64 个字母、数字、下划线或连字符");
	t->post_pending_id = jv_str(o, "post_pending_id", NULL);
	t->void_pending_id = jv_str(o, "void_pending_id", NULL);
	if (json_object_get(o, "post_pending_id") && !points_id_valid(t->post_pending_id))
		return item_fail(r, i, "post_pending_id", "validation_failed",
		                 "预扣转账编号不正确");
	if (json_object_get(o, "void_pending_id") && !points_id_valid(t->void_pending_id))
		return item_fail(r, i, "void_pending_id", "validation_failed",
		                 "预扣转账编号不正确");
	if (t->post_pending_id && t->void_pending_id)
		return item_fail(r, i, "void_pending_id", "validation_failed",
		                 "不能同时确认和撤销预扣");
	bool second = t->post_pending_id || t->void_pending_id, bad = false;
	if (!opt_int(o, "debit_account", 1, INT64_MAX, &t->debit_account, &bad) && (bad || !second))
		return item_fail(r, i, "debit_account", bad ? "wrong_type" : "missing_field",
		                 "应为账户编号（正整数）");
	if (!opt_int(o, "credit_account", 1, INT64_MAX, &t->credit_account, &bad) &&
	    (bad || !second))
		return item_fail(r, i, "credit_account", bad ? "wrong_type" : "missing_field",
		                 "应为账户编号（正整数）");
	if (!opt_int(o, "amount", 1, POINTS_AMOUNT_MAX, &t->amount, &bad) && (bad || !second))
		return item_fail(r, i, "amount", bad ? "out_of_range" : "missing_field",
		                 "应为 1 到 1000000000 之间的整数");
	json_t *code = json_object_get(o, "code");
	if (code || !second) {
		t->code = json_string_value(code);
		if (!points_code_valid(t->code))
			return item_fail(r, i, "code", "validation_failed",
			                 "应为 earn、redeem、gift、adjust、expire 或 settle");
	}
	json_t *ref = json_object_get(o, "ref");
	t->ref = "";
	if (ref && !json_is_null(ref)) {
		if (!json_is_string(ref) ||
		    utf8_len(json_string_value(ref), json_string_length(ref)) > POINTS_REF_MAX)
			return item_fail(r, i, "ref", "validation_failed",
			                 "应为不超过 64 个字符的文本");
		t->ref = json_string_value(ref);
	}
	json_t *b;
	if ((b = json_object_get(o, "pending")) && !json_is_boolean(b))
		return item_fail(r, i, "pending", "wrong_type", "应为布尔值");
	if ((b = json_object_get(o, "linked")) && !json_is_boolean(b))
		return item_fail(r, i, "linked", "wrong_type", "应为布尔值");
	t->pending = jv_bool(o, "pending", 0);
	t->linked = jv_bool(o, "linked", 0);
	if (t->pending && second)
		return item_fail(r, i, "pending", "validation_failed",
		                 "确认或撤销预扣时不能再预扣");
	if (opt_int(o, "timeout_s", 0, POINTS_TIMEOUT_MAX, &t->timeout_s, &bad) && !t->pending)
		return item_fail(r, i, "timeout_s", "validation_failed", "只有预扣转账才有超时");
	if (bad)
		return item_fail(r, i, "timeout_s", "out_of_range", "应在 0 到 2592000 秒之间");
	json_t *rc = json_object_get(o, "redemption_code");
	if (rc && (!json_is_string(rc) || json_string_length(rc) > 16))
		return item_fail(r, i, "redemption_code", "validation_failed", "兑换码格式不正确");
	t->redemption_code = json_string_value(rc);
	return XF_OK;
}

struct transfers_job {
	struct points_transfer *t;
	size_t n;
};

static int transfers_write(struct db *db, struct req *r, struct xf_err *err)
{
	struct transfers_job *j = warg(r);
	struct points_caller who = caller(r);
	struct points_apply_stats st;
	int rc = points_transfers_apply(db, &who, j->t, j->n, clock_now(), &st, err);
	if (rc != XF_OK)
		return rc;
	if (st.refused) {
		/* Refusals are security events: one row naming them, in the same commit. */
		char detail[256];
		snprintf(detail, sizeof detail, "%d refused: %s", st.refused, st.refused_ids);
		struct audit_entry e = {.user_id = r->user.id,
		                        .role = r->user.role,
		                        .action = "points.transfers",
		                        .object = r->path,
		                        .ip = r->client_ip,
		                        .outcome = "denied",
		                        .detail = detail};
		if ((rc = audit_write(db, &e, err)) != XF_OK)
			return rc;
	}
	snprintf(r->audit_detail, sizeof r->audit_detail,
	         "%zu transfers: ok=%d exists=%d refused=%d failed=%d", j->n, st.ok, st.exists,
	         st.refused, st.failed);
	struct buf b;
	buf_init(&b);
	buf_puts(&b, "{\"results\":[");
	for (size_t i = 0; i < j->n; i++) {
		buf_puts(&b, i ? ",{\"id\":" : "{\"id\":");
		buf_json_str(&b, j->t[i].id);
		buf_puts(&b, ",\"result\":\"");
		buf_puts(&b, j->t[i].result);
		buf_puts(&b, "\"}");
	}
	buf_puts(&b, "]}");
	resp_json(r, 200, buf_cstr(&b));
	buf_free(&b);
	return XF_OK;
}

int api_points_transfers(struct req *r)
{
	json_t *arr = json_object_get(r->json, "transfers");
	size_t n = json_array_size(arr);
	struct transfers_job *j = arena_alloc(r->arena, sizeof *j);
	j->n = n;
	j->t = arena_alloc(r->arena, n * sizeof *j->t);
	for (size_t i = 0; i < n; i++)
		if (transfer_decode(r, i, json_array_get(arr, i), &j->t[i]) != XF_OK)
			return r->err.status;
	return pwrite(r, transfers_write, j);
}

/* ---- accounts ---- */

static int open_account_fn(struct db *db, void *arg, struct xf_err *err)
{
	int64_t id;
	return points_person_account(db, *(int64_t *)arg, true, &id, err);
}

int api_points_accounts(struct req *r)
{
	struct db *db = reader(r);
	if (!db)
		return r->err.status;
	const char *owner = req_query(r, "owner");
	int64_t person = r->user.person_id;
	if (owner && strcmp(owner, "me") != 0 && (!parse_i64(owner, &person) || person < 1))
		return xf_fail_field(&r->err, XF_EINVAL, "validation_failed", "owner",
		                     "owner 应为 me 或人员编号");
	json_t *items;
	int rc;
	if (person && person == r->user.person_id) {
		int64_t id;
		/* Every person has an account: opened the first time it is looked at. */
		if ((rc = points_person_account(db, person, false, &id, &r->err)) == XF_ENOTFOUND) {
			xf_err_clear(&r->err);
			if ((rc = store_write(r->app->store, open_account_fn, &person, &r->err)) !=
			    XF_OK)
				return rc;
		} else if (rc != XF_OK) {
			return rc;
		}
		rc = points_accounts_of_json(db, person, r->user.id, &items, &r->err);
	} else if (person) {
		int64_t place;
		if ((rc = people_place(db, person, &place, &r->err)) != XF_OK ||
		    (rc = authz_check(db, &r->user, "points.read", place, &r->err)) != XF_OK)
			return rc;
		rc = points_accounts_of_json(db, person, 0, &items, &r->err);
	} else {
		/* An account without a person (staff): only the shops it operates. */
		rc = points_accounts_of_json(db, -1, r->user.id, &items, &r->err);
	}
	if (rc != XF_OK)
		return rc;
	resp_take_json(r, 200, api_page(items, 0));
	return XF_OK;
}

int api_points_account(struct req *r)
{
	struct db *db = reader(r);
	json_t *v;
	if (!db || account_access(db, r, r->params[0], &r->err) != XF_OK ||
	    points_account_json(db, r->params[0], &v, &r->err) != XF_OK)
		return r->err.status;
	json_object_set_new(v, "gift_daily_limit", json_integer(points_gift_limit(db)));
	resp_take_json(r, 200, v);
	return XF_OK;
}

int api_points_account_transfers(struct req *r)
{
	struct db *db = reader(r);
	int limit;
	int64_t cursor, next;
	json_t *items;
	if (!db || api_paging(r, &limit, &cursor) != XF_OK ||
	    account_access(db, r, r->params[0], &r->err) != XF_OK ||
	    points_account_transfers_json(db, r->params[0], cursor, limit, &items, &next,
	                                  &r->err) != XF_OK)
		return r->err.status;
	resp_take_json(r, 200, api_page(items, next));
	return XF_OK;
}

/* ---- redemption codes ---- */

const struct jv_field api_points_code_body[] = {
    {"shop_id", JV_INT, true, 1, INT64_MAX, "商户"},
    {"max_amount", JV_INT, true, 1, 1000000, "最多兑换积分"},
    {"ttl_s", JV_INT, false, 60, 900, "有效秒数"},
    {NULL, 0, 0, 0, 0, NULL}};

static int code_write(struct db *db, struct req *r, struct xf_err *err)
{
	char code[11], payload[64];
	int64_t expires, shop = jv_int(r->json, "shop_id", 0);
	int64_t max = jv_int(r->json, "max_amount", 0);
	int rc = points_code_create(db, r->user.person_id, shop, max, jv_int(r->json, "ttl_s", 300),
	                            clock_now(), code, &expires, err);
	if (rc != XF_OK)
		return rc;
	/* What the member's phone shows: the QR code and the digits for typing. */
	snprintf(payload, sizeof payload, "xingfu:redeem:%s", code);
	struct buf svg;
	buf_init(&svg);
	if (totp_qr_svg(payload, &svg) != XF_OK) {
		buf_free(&svg);
		return xf_fail(err, XF_EINTERNAL, "qr_failed", "二维码生成失败");
	}
	snprintf(r->audit_detail, sizeof r->audit_detail, "shop %lld, max %lld", (long long)shop,
	         (long long)max);
	resp_take_json(r, 201,
	               json_pack("{s:s, s:I, s:I, s:I, s:s, s:s}", "code", code, "shop_id",
	                         (json_int_t)shop, "max_amount", (json_int_t)max, "expires_at",
	                         (json_int_t)expires, "qr_payload", payload, "qr_svg",
	                         buf_cstr(&svg)));
	buf_free(&svg);
	return XF_OK;
}

int api_points_code_create(struct req *r)
{
	/* A stored idempotent answer would keep the code in clear: refused here. */
	if (r->idem_key)
		return xf_fail_field(&r->err, XF_EINVAL, "idempotency_not_supported",
		                     "Idempotency-Key",
		                     "兑换码接口不支持 Idempotency-Key，请直接重试");
	if (!r->user.person_id)
		return xf_fail(&r->err, XF_ECONFLICT, "no_person",
		               "您的账号未关联人员信息，没有积分账户");
	return pwrite(r, code_write, NULL);
}

/* ---- rules and settings ---- */

int api_points_rules(struct req *r)
{
	struct db *db = reader(r);
	json_t *v;
	if (!db || points_rules_json(db, &v, &r->err) != XF_OK)
		return r->err.status;
	resp_take_json(r, 200, v);
	return XF_OK;
}

const struct jv_field api_points_rule_body[] = {
    {"points_per_unit", JV_INT, false, 0, 1000, "每单位积分"},
    {"cap_per_outcome", JV_INT, false, 0, 100000, "每项成果上限（0 为不限）"},
    {"cap_per_day", JV_INT, false, 0, 100000, "每人每天上限（0 为不限）"},
    {"enabled", JV_BOOL, false, 0, 0, "启用"},
    {NULL, 0, 0, 0, 0, NULL}};

static int rule_write(struct db *db, struct req *r, struct xf_err *err)
{
	int rc = points_rule_update(db, r->params[0], jv_int(r->json, "points_per_unit", -1),
	                            jv_int(r->json, "cap_per_outcome", -1),
	                            jv_int(r->json, "cap_per_day", -1),
	                            jv_bool(r->json, "enabled", -1), r->user.id, clock_now(), err);
	json_t *v;
	if (rc == XF_OK && (rc = points_rules_json(db, &v, err)) == XF_OK)
		resp_take_json(r, 200, v);
	snprintf(r->audit_object, sizeof r->audit_object, "points_rules/%lld",
	         (long long)r->params[0]);
	return rc;
}

int api_points_rule_update(struct req *r)
{
	return pwrite(r, rule_write, NULL);
}

const struct jv_field api_points_settings_body[] = {
    {"gift_daily_limit", JV_INT, false, 1, 1000000, "每天转赠上限"},
    {"expire_yearly", JV_BOOL, false, 0, 0, "每年初清零上一年剩余的可用积分"},
    {NULL, 0, 0, 0, 0, NULL}};

static int settings_write(struct db *db, struct req *r, struct xf_err *err)
{
	int64_t limit = jv_int(r->json, "gift_daily_limit", 0);
	int yearly = jv_bool(r->json, "expire_yearly", -1);
	int rc = XF_OK;
	if (limit)
		rc = points_gift_limit_set(db, limit, err);
	if (rc == XF_OK && yearly >= 0)
		rc = points_expire_yearly_set(db, yearly == 1, clock_now(), err);
	json_t *out;
	if (rc == XF_OK && (rc = points_rules_json(db, &out, err)) == XF_OK)
		resp_take_json(r, 200, out);
	snprintf(r->audit_detail, sizeof r->audit_detail, "gift_daily_limit=%lld expire_yearly=%s",
	         (long long)limit,
	         yearly < 0 ? "-"
	         : yearly   ? "on"
	                    : "off");
	return rc;
}

int api_points_settings(struct req *r)
{
	if (!json_object_get(r->json, "gift_daily_limit") &&
	    !json_object_get(r->json, "expire_yearly"))
		return xf_fail_field(&r->err, XF_EINVAL, "validation_failed", "gift_daily_limit",
		                     "请至少给出 gift_daily_limit 或 expire_yearly");
	return pwrite(r, settings_write, NULL);
}

/* ---- awards and approvals ---- */

const struct jv_field api_points_award_body[] = {
    {"kind", JV_STRING, true, 1, 16, "类型（award 奖励 / adjust 调整）"},
    {"person_id", JV_INT, false, 1, INT64_MAX, "人员"},
    {"account_id", JV_INT, false, 1, INT64_MAX, "积分账户"},
    {"amount", JV_INT, true, -1000000, 1000000, "积分（调整可为负）"},
    {"reason", JV_STRING, true, 2, 200, "理由"},
    {"corrects", JV_STRING, false, 1, 160, "更正的转账编号"},
    {NULL, 0, 0, 0, 0, NULL}};

static int award_write(struct db *db, struct req *r, struct xf_err *err)
{
	const char *kind = jv_str(r->json, "kind", "");
	int64_t account = jv_int(r->json, "account_id", 0),
	        person = jv_int(r->json, "person_id", 0);
	int rc;
	if (!account && (rc = points_person_account(db, person, true, &account, err)) != XF_OK)
		return rc;
	/* The proposer must hold points.manage over the account's place. */
	struct points_account_owner o;
	int64_t place;
	if ((rc = points_account_owner(db, account, &o, err)) != XF_OK)
		return rc;
	place = o.community_id;
	if (o.person_id && (rc = people_place(db, o.person_id, &place, err)) != XF_OK)
		return rc;
	if (o.shop_id && (rc = points_shop_place(db, o.shop_id, &place, err)) != XF_OK)
		return rc;
	if ((rc = authz_check(db, &r->user, "points.manage", place, err)) != XF_OK)
		return rc;
	int64_t id;
	if ((rc = points_award_propose(
	         db, kind, account, jv_int(r->json, "amount", 0), jv_str(r->json, "reason", ""),
	         jv_str(r->json, "corrects", ""), r->user.id, clock_now(), &id, err)) != XF_OK)
		return rc;
	snprintf(r->audit_object, sizeof r->audit_object, "points_awards/%lld", (long long)id);
	resp_take_json(r, 201, json_pack("{s:I, s:s}", "id", (json_int_t)id, "status", "proposed"));
	return XF_OK;
}

int api_points_award_create(struct req *r)
{
	const char *kind = jv_str(r->json, "kind", "");
	bool award = strcmp(kind, "award") == 0;
	if (!award && strcmp(kind, "adjust") != 0)
		return xf_fail_field(&r->err, XF_EINVAL, "validation_failed", "kind",
		                     "kind 只能是 award（奖励）或 adjust（调整）");
	/* Adjustments are an administrator's, with an approver (policy: separated duties). */
	if (!award && strcmp(r->user.role, "admin") != 0)
		return xf_fail(&r->err, XF_EPERM, "forbidden", "只有管理员可以提出积分调整");
	bool has_person = json_object_get(r->json, "person_id") != NULL,
	     has_account = json_object_get(r->json, "account_id") != NULL;
	if (has_person == has_account)
		return xf_fail_field(&r->err, XF_EINVAL, "validation_failed", "person_id",
		                     "请给出 person_id 或 account_id 之一");
	return pwrite(r, award_write, NULL);
}

int api_points_awards_list(struct req *r)
{
	struct db *db = reader(r);
	int limit;
	int64_t cursor, next;
	if (!db || api_paging(r, &limit, &cursor) != XF_OK)
		return r->err.status;
	const char *status = req_query(r, "status");
	if (status && strcmp(status, "proposed") != 0 && strcmp(status, "approved") != 0 &&
	    strcmp(status, "rejected") != 0)
		return xf_fail_field(&r->err, XF_EINVAL, "validation_failed", "status",
		                     "status 只能是 proposed、approved 或 rejected");
	json_t *items;
	if (points_awards_json(db, r->user.place_id, status, cursor, limit, &items, &next,
	                       &r->err) != XF_OK)
		return r->err.status;
	resp_take_json(r, 200, api_page(items, next));
	return XF_OK;
}

static int decide_write(struct db *db, struct req *r, struct xf_err *err)
{
	bool approve = *(bool *)warg(r);
	int64_t place;
	int rc = points_award_place(db, r->params[0], &place, err);
	if (rc == XF_OK)
		rc = authz_check(db, &r->user, "points.approve", place, err);
	if (rc == XF_OK)
		rc = points_award_decide(db, r->params[0], approve, r->user.id, clock_now(), err);
	if (rc != XF_OK)
		return rc;
	snprintf(r->audit_object, sizeof r->audit_object, "points_awards/%lld",
	         (long long)r->params[0]);
	resp_take_json(r, 200,
	               json_pack("{s:I, s:s}", "id", (json_int_t)r->params[0], "status",
	                         approve ? "approved" : "rejected"));
	return XF_OK;
}

static int decide(struct req *r, bool approve)
{
	bool *a = arena_alloc(r->arena, sizeof *a);
	*a = approve;
	return pwrite(r, decide_write, a);
}

int api_points_award_approve(struct req *r)
{
	return decide(r, true);
}

int api_points_award_reject(struct req *r)
{
	return decide(r, false);
}

/* ---- shops and catalogue ---- */

int api_points_shops(struct req *r)
{
	struct db *db = reader(r);
	int limit;
	int64_t cursor, next, place = 0;
	if (!db || api_paging(r, &limit, &cursor) != XF_OK)
		return r->err.status;
	const char *q = req_query(r, "q");
	if (api_place_param(r, 0, &place) != XF_OK)
		return r->err.status;
	if (q && strlen(q) > 64)
		return xf_fail_field(&r->err, XF_EINVAL, "validation_failed", "q", "搜索词过长");
	json_t *items;
	/* 通兑: members may use any shop in the city, so the list is city-wide by default. */
	if (points_shops_json(db, place, q, cursor, limit, &items, &next, &r->err) != XF_OK)
		return r->err.status;
	resp_take_json(r, 200, api_page(items, next));
	return XF_OK;
}

int api_points_shop_get(struct req *r)
{
	struct db *db = reader(r);
	json_t *v;
	if (!db || points_shop_json(db, r->params[0], &v, &r->err) != XF_OK)
		return r->err.status;
	resp_take_json(r, 200, v);
	return XF_OK;
}

const struct jv_field api_points_shop_body[] = {
    {"name", JV_STRING, true, 2, 64, "名称"},
    {"kind", JV_STRING, true, 1, 16, "类型（supermarket 积分超市 / merchant 商户）"},
    {"place_id", JV_INT, true, 1, INT64_MAX, "所在地点"},
    {NULL, 0, 0, 0, 0, NULL}};

static int shop_write(struct db *db, struct req *r, struct xf_err *err)
{
	int64_t place = jv_int(r->json, "place_id", 0), id;
	int rc = authz_check(db, &r->user, "points.manage", place, err);
	if (rc == XF_OK)
		rc = points_shop_create(db, jv_str(r->json, "name", ""),
		                        jv_str(r->json, "kind", ""), place, clock_now(), &id, err);
	json_t *v;
	if (rc != XF_OK || (rc = points_shop_json(db, id, &v, err)) != XF_OK)
		return rc;
	snprintf(r->audit_object, sizeof r->audit_object, "points_shops/%lld", (long long)id);
	resp_take_json(r, 201, v);
	return XF_OK;
}

int api_points_shop_create(struct req *r)
{
	const char *kind = jv_str(r->json, "kind", "");
	if (strcmp(kind, "supermarket") != 0 && strcmp(kind, "merchant") != 0)
		return xf_fail_field(&r->err, XF_EINVAL, "validation_failed", "kind",
		                     "kind 只能是 supermarket 或 merchant");
	return pwrite(r, shop_write, NULL);
}

const struct jv_field api_points_operator_body[] = {{"user_id", JV_INT, true, 1, INT64_MAX, "账号"},
                                                    {NULL, 0, 0, 0, 0, NULL}};

static int operator_write(struct db *db, struct req *r, struct xf_err *err)
{
	int64_t place;
	int rc = points_shop_place(db, r->params[0], &place, err);
	if (rc == XF_OK)
		rc = authz_check(db, &r->user, "points.manage", place, err);
	if (rc == XF_OK)
		rc = points_shop_add_operator(db, r->params[0], jv_int(r->json, "user_id", 0),
		                              clock_now(), err);
	if (rc != XF_OK)
		return rc;
	snprintf(r->audit_object, sizeof r->audit_object, "points_shops/%lld",
	         (long long)r->params[0]);
	resp_json(r, 200, "{\"ok\":true}");
	return XF_OK;
}

int api_points_shop_operator_add(struct req *r)
{
	return pwrite(r, operator_write, NULL);
}

/* The catalogue is kept by the shop's own operators or by staff over its place. */
static int catalogue_access(struct db *db, struct req *r, int64_t shop, struct xf_err *err)
{
	int64_t place;
	int rc = points_shop_place(db, shop, &place, err);
	if (rc != XF_OK)
		return rc;
	if (points_shop_operator(db, shop, r->user.id))
		return XF_OK;
	return authz_check(db, &r->user, "points.manage", place, err);
}

const struct jv_field api_points_item_body[] = {{"name", JV_STRING, true, 1, 64, "商品名称"},
                                                {"price", JV_INT, true, 1, 1000000, "所需积分"},
                                                {"stock", JV_INT, true, 0, 1000000, "库存"},
                                                {NULL, 0, 0, 0, 0, NULL}};

static int item_write(struct db *db, struct req *r, struct xf_err *err)
{
	int64_t id;
	int rc = catalogue_access(db, r, r->params[0], err);
	if (rc == XF_OK)
		rc = points_item_create(db, r->params[0], jv_str(r->json, "name", ""),
		                        jv_int(r->json, "price", 0), jv_int(r->json, "stock", 0),
		                        clock_now(), &id, err);
	if (rc != XF_OK)
		return rc;
	snprintf(r->audit_object, sizeof r->audit_object, "points_items/%lld", (long long)id);
	resp_take_json(r, 201, json_pack("{s:I}", "id", (json_int_t)id));
	return XF_OK;
}

int api_points_item_create(struct req *r)
{
	return pwrite(r, item_write, NULL);
}

const struct jv_field api_points_item_patch_body[] = {
    {"name", JV_STRING, false, 1, 64, "商品名称"},
    {"price", JV_INT, false, 1, 1000000, "所需积分"},
    {"stock", JV_INT, false, 0, 1000000, "库存"},
    {"active", JV_BOOL, false, 0, 0, "上架"},
    {NULL, 0, 0, 0, 0, NULL}};

static int item_patch_write(struct db *db, struct req *r, struct xf_err *err)
{
	int64_t shop;
	int rc = points_item_shop(db, r->params[0], &shop, err);
	if (rc == XF_OK)
		rc = catalogue_access(db, r, shop, err);
	if (rc == XF_OK)
		rc = points_item_update(db, r->params[0], jv_str(r->json, "name", NULL),
		                        jv_int(r->json, "price", -1), jv_int(r->json, "stock", -1),
		                        jv_bool(r->json, "active", -1), clock_now(), err);
	json_t *v;
	if (rc != XF_OK || (rc = points_shop_json(db, shop, &v, err)) != XF_OK)
		return rc;
	snprintf(r->audit_object, sizeof r->audit_object, "points_items/%lld",
	         (long long)r->params[0]);
	resp_take_json(r, 200, v);
	return XF_OK;
}

int api_points_item_update(struct req *r)
{
	return pwrite(r, item_patch_write, NULL);
}

/* ---- the counter ---- */

const struct jv_field api_points_redeem_body[] = {
    {"id", JV_STRING, true, 1, POINTS_ID_MAX, "转账编号（客户端生成，重试时不变）"},
    {"shop_id", JV_INT, true, 1, INT64_MAX, "商户"},
    {"code", JV_STRING, true, 1, 16, "兑换码"},
    {"items", JV_ARRAY, false, 1, 64, "兑换的商品"},
    {"amount", JV_INT, false, 1, 1000000, "积分（不选商品时）"},
    {"timeout_s", JV_INT, false, 60, 86400, "确认时限（秒）"},
    {NULL, 0, 0, 0, 0, NULL}};

struct redeem_job {
	struct points_line lines[64];
	size_t n;
};

static int redemption_answer(struct db *db, struct req *r, int status, int64_t id,
                             struct xf_err *err)
{
	json_t *v;
	int rc = points_redemption_json(db, id, &v, err);
	if (rc != XF_OK)
		return rc;
	snprintf(r->audit_object, sizeof r->audit_object, "points_redemptions/%lld", (long long)id);
	resp_take_json(r, status, v);
	return XF_OK;
}

static int ledger_refusal(struct req *r, const char *result, struct xf_err *err)
{
	bool code = strncmp(result, "redemption_code", 15) == 0 ||
	            strcmp(result, "exceeds_redemption_code_amount") == 0;
	xf_fail(err, XF_ECONFLICT, result, "%s", result_message(result));
	if (code)
		err->http = 422;
	if (strcmp(result, "not_permitted") == 0)
		err->status = XF_EPERM, err->http = 403;
	return err->status;
}

static int redeem_write(struct db *db, struct req *r, struct xf_err *err)
{
	struct redeem_job *j = warg(r);
	struct points_caller who = caller(r);
	int64_t id = 0;
	const char *result = NULL;
	int rc =
	    points_redeem(db, &who, jv_int(r->json, "shop_id", 0), jv_str(r->json, "id", ""),
	                  jv_str(r->json, "code", ""), j->lines, j->n, jv_int(r->json, "amount", 0),
	                  jv_int(r->json, "timeout_s", 900), clock_now(), &id, &result, err);
	if (rc != XF_OK)
		return rc;
	if (strcmp(result, "ok") != 0 && strcmp(result, "exists") != 0)
		return ledger_refusal(r, result, err);
	return redemption_answer(db, r, strcmp(result, "ok") == 0 ? 201 : 200, id, err);
}

int api_points_redemption_create(struct req *r)
{
	if (!points_id_valid(jv_str(r->json, "id", NULL)))
		return xf_fail_field(&r->err, XF_EINVAL, "validation_failed", "id",
		                     "转账编号应为 1–64 个字母、数字、下划线或连字符");
	json_t *items = json_object_get(r->json, "items");
	bool has_amount = json_object_get(r->json, "amount") != NULL;
	if ((items != NULL) == has_amount)
		return xf_fail_field(&r->err, XF_EINVAL, "validation_failed", "items",
		                     "请选择商品（items）或填写积分（amount）之一");
	struct redeem_job *j = arena_alloc(r->arena, sizeof *j);
	memset(j, 0, sizeof *j);
	json_t *it;
	size_t i;
	json_array_foreach(items, i, it)
	{
		char field[48];
		snprintf(field, sizeof field, "items[%zu]", i);
		json_t *id = json_object_get(it, "item_id"), *q = json_object_get(it, "quantity");
		if (!json_is_object(it) || json_object_size(it) != 2 || !json_is_integer(id) ||
		    json_integer_value(id) < 1 || !json_is_integer(q) ||
		    json_integer_value(q) < 1 || json_integer_value(q) > 1000) {
			xf_fail_field(&r->err, XF_EINVAL, "validation_failed", field,
			              "%s 应为 {\"item_id\": 商品编号, \"quantity\": 1–1000}",
			              field);
			r->err.http = 422;
			return r->err.status;
		}
		for (size_t k = 0; k < j->n; k++)
			if (j->lines[k].item_id == json_integer_value(id)) {
				xf_fail_field(&r->err, XF_EINVAL, "validation_failed", field,
				              "同一商品请合并为一行");
				r->err.http = 422;
				return r->err.status;
			}
		j->lines[j->n].item_id = json_integer_value(id);
		j->lines[j->n].quantity = json_integer_value(q);
		j->n++;
	}
	return pwrite(r, redeem_write, j);
}

/* Confirm (post) or cancel (void) a pending redemption at the counter. */
static int settle_write(struct db *db, struct req *r, struct xf_err *err)
{
	bool post = *(bool *)warg(r);
	int64_t shop;
	char tid[96], second[112];
	int rc = points_redemption_shop(db, r->params[0], &shop, tid, err);
	if (rc != XF_OK)
		return rc;
	if (!points_shop_operator(db, shop, r->user.id))
		return xf_fail(err, XF_EPERM, "not_operator", "您不是该商户的收银员");
	/* The second phase's id follows from the redemption (':' is never in a client id), so
	 * pressing the button twice is harmless. */
	snprintf(second, sizeof second, "%s:%s", post ? "rp" : "rv", tid);
	struct points_transfer t = {.id = second, .ref = ""};
	if (post)
		t.post_pending_id = tid;
	else
		t.void_pending_id = tid;
	struct points_caller who = caller(r);
	if ((rc = points_transfers_apply(db, &who, &t, 1, clock_now(), NULL, err)) != XF_OK)
		return rc;
	if (strcmp(t.result, "ok") != 0 && strcmp(t.result, "exists") != 0)
		return ledger_refusal(r, t.result, err);
	return redemption_answer(db, r, 200, r->params[0], err);
}

static int settle(struct req *r, bool post)
{
	bool *p = arena_alloc(r->arena, sizeof *p);
	*p = post;
	return pwrite(r, settle_write, p);
}

int api_points_redemption_confirm(struct req *r)
{
	return settle(r, true);
}

int api_points_redemption_cancel(struct req *r)
{
	return settle(r, false);
}

static int shop_read_access(struct db *db, struct req *r, int64_t shop)
{
	int64_t place;
	int rc = points_shop_place(db, shop, &place, &r->err);
	if (rc != XF_OK)
		return rc;
	if (points_shop_operator(db, shop, r->user.id))
		return XF_OK;
	return authz_check(db, &r->user, "points.read", place, &r->err);
}

int api_points_redemption_get(struct req *r)
{
	struct db *db = reader(r);
	int64_t shop;
	char tid[96];
	json_t *v;
	if (!db || points_redemption_shop(db, r->params[0], &shop, tid, &r->err) != XF_OK ||
	    shop_read_access(db, r, shop) != XF_OK ||
	    points_redemption_json(db, r->params[0], &v, &r->err) != XF_OK)
		return r->err.status;
	resp_take_json(r, 200, v);
	return XF_OK;
}

int api_points_shop_redemptions(struct req *r)
{
	struct db *db = reader(r);
	int limit;
	int64_t cursor, next;
	json_t *items;
	if (!db || api_paging(r, &limit, &cursor) != XF_OK ||
	    shop_read_access(db, r, r->params[0]) != XF_OK ||
	    points_redemptions_json(db, r->params[0], cursor, limit, &items, &next, &r->err) !=
	        XF_OK)
		return r->err.status;
	resp_take_json(r, 200, api_page(items, next));
	return XF_OK;
}

/* ---- reconciliation ---- */

int api_points_issuers(struct req *r)
{
	struct db *db = reader(r);
	int64_t place;
	if (!db || api_place_param(r, r->user.place_id, &place) != XF_OK)
		return r->err.status;
	json_t *v;
	if (authz_check(db, &r->user, "points.read", place, &r->err) != XF_OK ||
	    points_issuers_report(db, place, &v, &r->err) != XF_OK)
		return r->err.status;
	resp_take_json(r, 200, v);
	return XF_OK;
}

/* ---- background: pending transfers past their timeout ---- */

static int expire_fn(struct db *db, void *arg, struct xf_err *err)
{
	return points_expire_due(db, clock_now(), 1000, arg, err);
}

static int expire_task(void *ctx, struct xf_err *err)
{
	struct app *app = ctx;
	int expired;
	do {
		int rc = store_write(app->store, expire_fn, &expired, err);
		if (rc != XF_OK)
			return rc;
	} while (expired == 1000);
	return XF_OK;
}

/* ---- background: the yearly expiry (a deployment rule; nothing when off or done) ---- */

struct yearly_arg {
	int64_t cursor;
	int moved;
	bool done;
};

static int yearly_fn(struct db *db, void *arg, struct xf_err *err)
{
	struct yearly_arg *y = arg;
	return points_expire_yearly_due(db, clock_now(), 1000, &y->cursor, &y->moved, &y->done,
	                                err);
}

static int yearly_task(void *ctx, struct xf_err *err)
{
	struct app *app = ctx;
	struct yearly_arg y = {0, 0, false};
	while (!y.done) {
		int rc = store_write(app->store, yearly_fn, &y, err);
		if (rc != XF_OK)
			return rc;
	}
	return XF_OK;
}

void api_points_schedule(struct app *app)
{
	sched_add(app->sched, "points_expire", 5, expire_task, app);
	sched_add(app->sched, "points_expire_yearly", 5, yearly_task, app);
}
