/* 重心下移 over HTTP: funds and their rules, spending with approvals and vouchers, the public
 * disclosure, centres, venues and bookings, community cadres. One line per route, run by
 * src/api/ops.c; decisions live in src/funds/. */
#include "api.h"
#include "app.h"
#include "../auth/policy.h"
#include "../cases/photo.h"
#include "../core/clock.h"
#include "../funds/funds.h"
#include "../store/store.h"

#include <stdio.h>
#include <string.h>

#define READ(name, fn)                                                                             \
	int name(struct req *r)                                                                    \
	{                                                                                          \
		return api_op_read(r, fn);                                                         \
	}
#define WRITE(name, fn)                                                                            \
	int name(struct req *r)                                                                    \
	{                                                                                          \
		return api_op_write(r, fn);                                                        \
	}

READ(api_fund_rules_list, funds_rulesets_list)
WRITE(api_fund_rules_create, funds_ruleset_create)
WRITE(api_funds_create, funds_create)
READ(api_funds_get, funds_get)
WRITE(api_expenditure_create, funds_expenditure_create)
READ(api_expenditure_get, funds_expenditure_get)
WRITE(api_expenditure_approve, funds_expenditure_approve)
WRITE(api_expenditure_reject, funds_expenditure_reject)
WRITE(api_expenditure_pay, funds_expenditure_pay)
READ(api_funds_disclosure, funds_disclosure)
READ(api_centres_list, centres_list)
WRITE(api_centres_create, centres_create)
READ(api_centres_get, centres_get)
WRITE(api_centre_project_create, centres_project_create)
WRITE(api_centre_project_done, centres_project_done)
READ(api_liuyou_get, centres_liuyou_get)
WRITE(api_liuyou_put, centres_liuyou_put)
READ(api_venues_list, venues_list)
WRITE(api_venues_create, venues_create)
READ(api_bookings_list, bookings_list)
WRITE(api_bookings_create, bookings_create)
WRITE(api_booking_approve, bookings_approve)
WRITE(api_booking_reject, bookings_reject)
WRITE(api_booking_cancel, bookings_cancel)
READ(api_booking_code, bookings_code)
WRITE(api_booking_arrive, bookings_arrive)
WRITE(api_cadres_create, cadres_create)
READ(api_cadres_get, cadres_get)
WRITE(api_cadre_certificate_add, cadres_certificate_add)
WRITE(api_cadre_event_add, cadres_event_add)
READ(api_cadres_report, cadres_report)

/* ---- lists that export (?format=xlsx|csv): budgets, spending, cadre records ---- */

int api_funds_list(struct req *r)
{
	static const char *const keys[] = {"id",         "year",       "name",
	                                   "place_name", "budget_fen", "spent_fen"};
	static const char *const labels[] = {"编号", "年度",       "经费",
	                                     "地点", "预算（元）", "已支出（元）"};
	return api_op_export(r, funds_list, "funds", keys, labels, 6);
}

int api_expenditures_list(struct req *r)
{
	static const char *const keys[] = {"id",     "category", "title",     "amount_fen",
	                                   "status", "deeds",    "created_at"};
	static const char *const labels[] = {"编号", "类别",     "事项",    "金额（元）",
	                                     "状态", "好事实事", "申请时间"};
	return api_op_export(r, funds_expenditures_list, "expenditures", keys, labels, 7);
}

int api_funds_report(struct req *r)
{
	static const char *const keys[] = {"name", "funds", "budget_fen", "spent_fen", "deeds"};
	static const char *const labels[] = {"地点", "经费笔数", "预算（元）", "已支出（元）",
	                                     "好事实事"};
	return api_op_export(r, funds_report, "funds-report", keys, labels, 5);
}

int api_cadres_list(struct req *r)
{
	static const char *const keys[] = {
	    "id",       "name",        "title",          "place_name",
	    "hired_at", "subsidy_fen", "training_hours", "pay_fen"};
	static const char *const labels[] = {"编号",     "姓名",      "岗位",
	                                     "社区",     "入职时间",  "证书补贴（元/月）",
	                                     "培训学时", "月薪（元）"};
	/* Pay only in the spreadsheets of those who may see it. */
	return api_op_export(r, cadres_list, "cadres", keys, labels,
	                     policy_allows(r->user.role, "cadres.pay") ? 8 : 7);
}

/* ---- vouchers: an image (metadata stripped, as for case photos) or a PDF ---- */

struct voucher_job {
	const char *bytes; /* in the request's arena: a retried job finds them again */
	size_t len;
	const char *mime;
};

static int voucher_write(struct db *db, struct req *r, struct xf_err *err)
{
	struct voucher_job *vj = r->write_arg;
	struct actor a;
	actor_from_user(&r->user, &a);
	int n = 0;
	int rc = funds_voucher_add(db, &a, r->params[0], vj->mime, vj->bytes, vj->len, clock_now(),
	                           &n, err);
	if (rc != XF_OK)
		return rc;
	snprintf(r->audit_object, sizeof r->audit_object, "expenditures/%lld/vouchers/%d",
	         (long long)r->params[0], n);
	resp_take_json(
	    r, 201,
	    json_pack("{s:i, s:s, s:I}", "n", n, "mime", vj->mime, "size", (json_int_t)vj->len));
	return XF_OK;
}

int api_voucher_add(struct req *r)
{
	struct db *db = store_reader(r->app->store, &r->err);
	struct actor a;
	actor_from_user(&r->user, &a);
	if (!db || funds_voucher_allowed(db, &a, r->params[0], &r->err) != XF_OK)
		return r->err.status;
	struct voucher_job *vj = arena_alloc(r->arena, sizeof *vj);
	if (r->body.len >= 5 && memcmp(r->body.data, "%PDF-", 5) == 0) {
		if (r->body.len > PHOTO_MAX_BYTES)
			return xf_fail(&r->err, XF_ETOOBIG, "too_big", "凭证文件不能超过 5 MB");
		vj->mime = "application/pdf";
		vj->len = r->body.len;
		vj->bytes = arena_alloc(r->arena, vj->len);
		memcpy((char *)vj->bytes, r->body.data, vj->len);
		return req_write(r, voucher_write, vj);
	}
	struct buf clean;
	enum photo_type type;
	buf_init(&clean);
	if (photo_clean(r->body.data, r->body.len, &clean, &type, &r->err) != XF_OK) {
		buf_free(&clean);
		if (strcmp(r->err.code, "unsupported_media_type") == 0) {
			r->err.http = 415;
			snprintf(r->err.message, sizeof r->err.message,
			         "凭证只接受 JPEG、PNG、WebP 图片或 PDF 文件");
		}
		return r->err.status;
	}
	vj->mime = photo_mime(type);
	vj->len = clean.len;
	vj->bytes = arena_alloc(r->arena, clean.len ? clean.len : 1);
	memcpy((char *)vj->bytes, clean.data, clean.len);
	buf_free(&clean);
	return req_write(r, voucher_write, vj);
}

/* ---- bodies ---- */

const struct jv_field api_fund_rules_body[] = {{"name", JV_STRING, true, 2, 80, "规则名称"},
                                               {"text", JV_STRING, false, 0, 4000, "规则全文"},
                                               {"items", JV_ARRAY, true, 1, 100, "支出类别"},
                                               {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_fund_body[] = {
    {"place_id", JV_INT, true, 1, INT64_MAX, "地点"},
    {"org_id", JV_INT, false, 1, INT64_MAX, "行业党委"},
    {"year", JV_INT, true, 2000, 2100, "年度"},
    {"kind", JV_STRING, true, 1, 10, "经费类型"},
    {"name", JV_STRING, true, 2, 80, "名称"},
    {"budget_fen", JV_INT, true, 0, 100000000000LL, "预算（分）"},
    {"ruleset_id", JV_INT, true, 1, INT64_MAX, "使用规则"},
    {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_expenditure_body[] = {
    {"fund_id", JV_INT, true, 1, INT64_MAX, "经费"},
    {"category", JV_STRING, true, 1, 32, "支出类别"},
    {"title", JV_STRING, true, 2, 80, "事项"},
    {"amount_fen", JV_INT, true, 1, 10000000000LL, "金额（分）"},
    {"outcome", JV_STRING, false, 0, 500, "办成的事"},
    {"deeds", JV_INT, false, 0, 1000, "好事实事件数"},
    {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_note_body[] = {{"note", JV_STRING, false, 0, 200, "意见"},
                                         {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_centre_body[] = {{"place_id", JV_INT, true, 1, INT64_MAX, "社区"},
                                           {"name", JV_STRING, true, 2, 80, "名称"},
                                           {"address", JV_STRING, false, 0, 200, "地址"},
                                           {"fitout", JV_STRING, false, 0, 500, "标准化配置"},
                                           {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_centre_project_body[] = {
    {"kind", JV_STRING, true, 1, 10, "方式"},
    {"title", JV_STRING, true, 2, 80, "项目"},
    {"area_cm2", JV_INT, false, 0, 10000000000LL, "新增面积（0.01 平方米）"},
    {"fund_id", JV_INT, false, 1, INT64_MAX, "经费"},
    {"budget_fen", JV_INT, false, 0, 100000000000LL, "预算（分）"},
    {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_liuyou_body[] = {{"org_id", JV_INT, true, 1, INT64_MAX, "组织"},
                                           {"items", JV_ARRAY, true, 1, 6, "六有"},
                                           {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_venue_body[] = {
    {"place_id", JV_INT, true, 1, INT64_MAX, "地点"},
    {"centre_id", JV_INT, false, 1, INT64_MAX, "党群服务中心"},
    {"org_id", JV_INT, false, 1, INT64_MAX, "开放场地的单位"},
    {"name", JV_STRING, true, 2, 60, "名称"},
    {"kind", JV_STRING, false, 1, 20, "类型"},
    {"capacity", JV_INT, true, 1, 10000, "容纳人数"},
    {"area_cm2", JV_INT, false, 0, 10000000000LL, "面积（0.01 平方米）"},
    {"opens_min", JV_INT, true, 0, 1439, "开门（分钟）"},
    {"closes_min", JV_INT, true, 1, 1440, "关门（分钟）"},
    {"needs_approval", JV_BOOL, false, 0, 0, "需要审批"},
    {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_booking_body[] = {
    {"venue_id", JV_INT, true, 1, INT64_MAX, "场地"},
    {"starts_at", JV_INT, true, 1, INT64_MAX, "开始时间"},
    {"ends_at", JV_INT, true, 1, INT64_MAX, "结束时间"},
    {"purpose", JV_STRING, true, 2, 200, "用途"},
    {"people", JV_INT, true, 1, 10000, "人数"},
    {"org_id", JV_INT, false, 1, INT64_MAX, "预约单位或团体"},
    {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_code_body[] = {{"code", JV_STRING, true, 1, 80, "到场码"},
                                         {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_cadre_body[] = {
    {"person_id", JV_INT, true, 1, INT64_MAX, "人员"},
    {"place_id", JV_INT, true, 1, INT64_MAX, "所在社区或街道"},
    {"title", JV_STRING, true, 2, 60, "岗位"},
    {"hired_at", JV_INT, false, 0, INT64_MAX, "入职时间"},
    {"pay_fen", JV_INT, false, 0, 10000000, "月薪（分）"},
    {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_certificate_body[] = {
    {"kind", JV_STRING, true, 1, 32, "证书类别"},
    {"name", JV_STRING, true, 2, 60, "证书名称"},
    {"obtained_at", JV_INT, false, 0, INT64_MAX, "取得时间"},
    {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_cadre_event_body[] = {{"kind", JV_STRING, true, 1, 16, "类别"},
                                                {"title", JV_STRING, true, 2, 80, "事项"},
                                                {"hours", JV_INT, false, 0, 10000, "学时"},
                                                {"at", JV_INT, false, 0, INT64_MAX, "时间"},
                                                {NULL, 0, 0, 0, 0, NULL}};
