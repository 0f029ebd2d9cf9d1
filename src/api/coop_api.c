/* 双报到 and co-building over HTTP. Each handler is one line, run by src/api/ops.c: reads
 * on a reader with the query string as a JSON object, writes inside a write job with the
 * checked body. Who may do what is decided in src/coop/coop.c (staff inside their area,
 * members for their communities, unit contacts for their unit). */
#include "api.h"
#include "app.h"
#include "../coop/coop.h"
#include "../core/clock.h"
#include "../core/str.h"
#include "../sched/sched.h"
#include "../store/store.h"

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

READ(api_registrations_list, coop_registrations_list)
WRITE(api_registration_create, coop_registration_create)
WRITE(api_registration_approve, coop_registration_approve)
WRITE(api_registration_reject, coop_registration_reject)
READ(api_service_report, coop_service_report)
READ(api_negative_list, coop_negative_list)
READ(api_posts_list, coop_posts_list)
WRITE(api_post_create, coop_post_create)
WRITE(api_post_claim, coop_post_claim)
READ(api_wishes_list, coop_wishes_list)
READ(api_wish_get, coop_wish_get)
WRITE(api_wish_create, coop_wish_create)
WRITE(api_wish_review, coop_wish_review)
WRITE(api_wish_claim, coop_wish_claim)
WRITE(api_wish_fulfil, coop_wish_fulfil)
WRITE(api_wish_confirm, coop_wish_confirm)
READ(api_activities_list, coop_activities_list)
READ(api_activity_get, coop_activity_get)
READ(api_activity_code, coop_activity_code)
READ(api_volunteer_report, coop_volunteer_report)
WRITE(api_activity_create, coop_activity_create)
WRITE(api_activity_signup, coop_activity_signup)
WRITE(api_activity_cancel, coop_activity_cancel)
WRITE(api_activity_arrive, coop_activity_arrive)
WRITE(api_activity_confirm, coop_activity_confirm)
READ(api_agreements_list, coop_agreements_list)
READ(api_agreement_get, coop_agreement_get)
WRITE(api_agreement_create, coop_agreement_create)
WRITE(api_agreement_sign, coop_agreement_sign)
WRITE(api_item_create, coop_item_create)
WRITE(api_item_claim, coop_item_claim)
WRITE(api_item_progress, coop_item_progress)
READ(api_matches_list, coop_matches_list)
WRITE(api_matches_run, coop_matches_run)
WRITE(api_match_forward, coop_match_forward)
WRITE(api_match_hire, coop_match_hire)
WRITE(api_match_decline, coop_match_decline)
WRITE(api_person_tags, coop_person_tags)

/* ---- bodies ---- */

const struct jv_field api_registration_body[] = {{"kind", JV_STRING, true, 1, 8, "报到类型"},
                                                 {"org_id", JV_INT, false, 1, INT64_MAX, "单位"},
                                                 {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_decision_body[] = {{"note", JV_STRING, false, 0, 200, "意见"},
                                             {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_post_body[] = {{"place_id", JV_INT, true, 1, INT64_MAX, "地点"},
                                         {"title", JV_STRING, true, 2, 60, "岗位名称"},
                                         {"description", JV_STRING, true, 2, 1000, "岗位说明"},
                                         {"schedule", JV_STRING, false, 0, 100, "服务时间"},
                                         {"capacity", JV_INT, true, 1, 1000, "需要人数"},
                                         {"skills", JV_STRING, false, 0, 100, "技能要求"},
                                         {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_post_claim_body[] = {
    {"acknowledge_negative_list", JV_BOOL, true, 0, 0, "已阅读负面清单"}, {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_wish_body[] = {
    {"title", JV_STRING, true, 2, 60, "心愿"},
    {"description", JV_STRING, true, 2, 1000, "说明"},
    {"place_id", JV_INT, false, 1, INT64_MAX, "地点"},
    {"on_behalf_of", JV_INT, false, 1, INT64_MAX, "代为登记的居民"},
    {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_wish_review_body[] = {
    {"approve", JV_BOOL, true, 0, 0, "是否通过"},
    {"note", JV_STRING, false, 0, 200, "审核意见"},
    {"due_days", JV_INT, false, 1, 90, "完成期限（天）"},
    {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_wish_claim_body[] = {{"org_id", JV_INT, false, 1, INT64_MAX, "单位"},
                                               {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_wish_fulfil_body[] = {{"note", JV_STRING, true, 2, 500, "完成情况"},
                                                {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_wish_confirm_body[] = {{"rating", JV_STRING, true, 1, 24, "评价"},
                                                 {"comment", JV_STRING, false, 0, 200, "意见"},
                                                 {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_activity_body[] = {{"place_id", JV_INT, true, 1, INT64_MAX, "地点"},
                                             {"kind", JV_STRING, true, 1, 10, "活动类型"},
                                             {"title", JV_STRING, true, 2, 60, "活动名称"},
                                             {"description", JV_STRING, false, 0, 1000, "活动说明"},
                                             {"starts_at", JV_INT, true, 1, INT64_MAX, "开始时间"},
                                             {"ends_at", JV_INT, true, 1, INT64_MAX, "结束时间"},
                                             {"capacity", JV_INT, true, 1, 10000, "人数上限"},
                                             {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_empty_body[] = {{NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_arrive_body[] = {{"code", JV_STRING, true, 1, 64, "签到码"},
                                           {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_roster_body[] = {{"roster", JV_ARRAY, true, 0, 2000, "名单"},
                                           {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_agreement_body[] = {
    {"unit_org_id", JV_INT, true, 1, INT64_MAX, "共建单位"},
    {"place_id", JV_INT, true, 1, INT64_MAX, "街道或社区"},
    {"year", JV_INT, true, 2000, 2100, "年度"},
    {"title", JV_STRING, true, 2, 80, "协议名称"},
    {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_item_body[] = {{"agreement_id", JV_INT, true, 1, INT64_MAX, "协议"},
                                         {"side", JV_STRING, true, 1, 10, "哪一方"},
                                         {"list", JV_STRING, true, 1, 10, "清单"},
                                         {"category", JV_STRING, false, 0, 20, "类别"},
                                         {"title", JV_STRING, true, 2, 80, "名称"},
                                         {"content", JV_STRING, false, 0, 1000, "内容"},
                                         {"quantity", JV_INT, false, 1, 100000, "数量"},
                                         {"tags", JV_STRING, false, 0, 200, "标签"},
                                         {"starts_at", JV_INT, false, 1, INT64_MAX, "开始"},
                                         {"ends_at", JV_INT, false, 1, INT64_MAX, "结束"},
                                         {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_item_claim_body[] = {{"commitment", JV_STRING, true, 2, 500, "承诺"},
                                               {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_item_progress_body[] = {{"done", JV_INT, true, 0, 100000, "已完成"},
                                                  {"note", JV_STRING, false, 0, 500, "进展"},
                                                  {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_matches_run_body[] = {
    {"item_id", JV_INT, true, 1, INT64_MAX, "需求清单项"}, {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_tags_body[] = {{"tags", JV_ARRAY, true, 0, 10, "标签"},
                                         {NULL, 0, 0, 0, 0, NULL}};

/* ---- the scheduler ---- */

static int tick_fn(struct db *db, void *arg, struct xf_err *err)
{
	int created, reminded;
	return coop_tick(db, clock_now(), &created, &reminded, err);
}

static int tick_task(void *ctx, struct xf_err *err)
{
	struct app *app = ctx;
	return store_write(app->store, tick_fn, NULL, err);
}

void api_coop_schedule(struct app *app)
{
	sched_add(app->sched, "coop_workdays_and_reminders", 3600, tick_task, app);
}
