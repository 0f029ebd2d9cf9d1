/* 一核多元, part B, over HTTP: conventions and rotas, 公益创投, 三方联动 and property-company
 * ratings, social-organisation incubators and 三社联动, notices. One line per route, run by
 * src/api/ops.c; decisions live in src/civic/. */
#include "api.h"
#include "app.h"
#include "../civic/civic.h"
#include "../core/clock.h"
#include "../sched/sched.h"
#include "../store/store.h"

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

READ(api_conventions_list, civic_conventions_list)
WRITE(api_convention_create, civic_convention_create)
READ(api_convention_get, civic_convention_get)
WRITE(api_convention_version, civic_convention_version)
WRITE(api_convention_sign, civic_convention_sign)
READ(api_alliances_list, civic_alliances_list)
WRITE(api_alliance_create, civic_alliance_create)
READ(api_rotas_list, civic_rotas_list)
WRITE(api_rota_create, civic_rota_create)
READ(api_rota_get, civic_rota_get)
READ(api_ventures_list, civic_ventures_list)
WRITE(api_venture_create, civic_venture_create)
READ(api_venture_get, civic_venture_get)
WRITE(api_venture_apply, civic_venture_apply)
WRITE(api_venture_review, civic_venture_review)
WRITE(api_venture_decide, civic_venture_decide)
WRITE(api_venture_progress, civic_venture_progress)
READ(api_tri_list, civic_tri_list)
WRITE(api_tri_create, civic_tri_create)
READ(api_tri_get, civic_tri_get)
WRITE(api_tri_commit, civic_tri_commit)
WRITE(api_tri_followup, civic_tri_followup)
READ(api_ratings_list, civic_ratings_list)
WRITE(api_rating_put, civic_rating_put)
READ(api_incubators_list, civic_incubators_list)
WRITE(api_incubator_create, civic_incubator_create)
READ(api_incubator_get, civic_incubator_get)
WRITE(api_incubation_add, civic_incubation_add)
WRITE(api_incubation_graduate, civic_incubation_graduate)
WRITE(api_org_service_add, civic_org_service_add)
WRITE(api_org_volunteer_add, civic_org_volunteer_add)
READ(api_sansha_list, civic_sansha_list)
WRITE(api_sansha_create, civic_sansha_create)
WRITE(api_notice_create, civic_notice_create)
READ(api_notice_get, civic_notice_get)
WRITE(api_notice_read, civic_notice_read)

/* ---- lists that export (?format=xlsx|csv) ---- */

int api_tri_commitments(struct req *r)
{
	static const char *const keys[] = {"id",         "meeting_title", "org_name",
	                                   "owner_name", "title",         "due_at",
	                                   "status",     "done_at",       "last_note"};
	static const char *const labels[] = {"编号", "会议", "承诺方",   "责任人",  "承诺事项",
	                                     "期限", "状态", "办结时间", "最近跟进"};
	return api_op_export(r, civic_tri_commitments, "commitments", keys, labels, 9);
}

int api_notices_list(struct req *r)
{
	static const char *const keys[] = {"id",         "kind",         "title",
	                                   "place_name", "published_at", "reads"};
	static const char *const labels[] = {"编号", "类别",     "标题",
	                                     "地点", "发布时间", "阅读人数"};
	return api_op_export(r, civic_notices_list, "notices", keys, labels, 6);
}

/* ---- bodies ---- */

const struct jv_field api_convention_body[] = {
    {"place_id", JV_INT, true, 1, INT64_MAX, "楼栋或小区"},
    {"title", JV_STRING, true, 2, 80, "公约名称"},
    {"text", JV_STRING, true, 10, 8000, "公约全文"},
    {"note", JV_STRING, false, 0, 200, "说明"},
    {"alliance_id", JV_INT, false, 1, INT64_MAX, "楼栋自治联盟"},
    {"meeting_id", JV_INT, false, 1, INT64_MAX, "通过公约的会议"},
    {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_convention_version_body[] = {
    {"text", JV_STRING, true, 10, 8000, "公约全文"},
    {"note", JV_STRING, false, 0, 200, "修订说明"},
    {"meeting_id", JV_INT, false, 1, INT64_MAX, "通过修订的会议"},
    {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_convention_sign_body[] = {
    {"person_id", JV_INT, false, 1, INT64_MAX, "代签的居民"}, {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_alliance_body[] = {{"place_id", JV_INT, true, 1, INT64_MAX, "小区"},
                                             {"name", JV_STRING, true, 2, 80, "联盟名称"},
                                             {"charter", JV_STRING, false, 0, 4000, "章程"},
                                             {"buildings", JV_ARRAY, true, 1, 50, "楼栋"},
                                             {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_rota_body[] = {{"place_id", JV_INT, true, 1, INT64_MAX, "楼栋"},
                                         {"title", JV_STRING, true, 2, 80, "值日表"},
                                         {"task", JV_STRING, false, 0, 200, "值日内容"},
                                         {"period_days", JV_INT, true, 1, 31, "每班天数"},
                                         {"starts_at", JV_INT, true, 1, INT64_MAX, "开始时间"},
                                         {"members", JV_ARRAY, true, 1, 60, "值日人员"},
                                         {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_venture_body[] = {
    {"place_id", JV_INT, true, 1, INT64_MAX, "社区"},
    {"title", JV_STRING, true, 2, 80, "创投名称"},
    {"description", JV_STRING, false, 0, 4000, "申报说明"},
    {"budget_fen", JV_INT, true, 1, 100000000000LL, "资助总额（分）"},
    {"closes_at", JV_INT, true, 1, INT64_MAX, "申报截止"},
    {"fund_id", JV_INT, false, 1, INT64_MAX, "经费"},
    {"category", JV_STRING, false, 0, 32, "支出类别"},
    {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_venture_apply_body[] = {
    {"group_name", JV_STRING, true, 2, 80, "申报团体"},
    {"title", JV_STRING, true, 2, 80, "项目名称"},
    {"plan", JV_STRING, true, 10, 4000, "实施方案"},
    {"amount_fen", JV_INT, true, 1, 100000000000LL, "申请金额（分）"},
    {"org_id", JV_INT, false, 1, INT64_MAX, "社会组织"},
    {"contact_id", JV_INT, false, 1, INT64_MAX, "联系人"},
    {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_venture_review_body[] = {{"score", JV_INT, true, 0, 100, "评分"},
                                                   {"note", JV_STRING, false, 0, 500, "评语"},
                                                   {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_venture_decide_body[] = {
    {"fund", JV_BOOL, true, 0, 0, "是否资助"},
    {"granted_fen", JV_INT, false, 1, 100000000000LL, "资助金额（分）"},
    {"note", JV_STRING, false, 0, 500, "决定说明"},
    {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_venture_progress_body[] = {
    {"progress", JV_INT, true, 0, 100, "进度（%）"},
    {"note", JV_STRING, true, 2, 500, "进展"},
    {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_tri_body[] = {{"place_id", JV_INT, true, 1, INT64_MAX, "社区"},
                                        {"title", JV_STRING, true, 2, 80, "会议名称"},
                                        {"held_at", JV_INT, true, 1, INT64_MAX, "开会时间"},
                                        {"agenda", JV_STRING, false, 0, 2000, "议题"},
                                        {"minutes", JV_STRING, false, 0, 8000, "会议纪要"},
                                        {"org_ids", JV_ARRAY, true, 2, 10, "参会各方"},
                                        {"meeting_id", JV_INT, false, 1, INT64_MAX, "议事会议"},
                                        {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_tri_commit_body[] = {{"org_id", JV_INT, true, 1, INT64_MAX, "承诺方"},
                                               {"title", JV_STRING, true, 2, 200, "承诺事项"},
                                               {"due_at", JV_INT, true, 1, INT64_MAX, "办结期限"},
                                               {"owner_id", JV_INT, false, 1, INT64_MAX, "责任人"},
                                               {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_tri_followup_body[] = {{"note", JV_STRING, true, 2, 500, "跟进情况"},
                                                 {"done", JV_BOOL, false, 0, 0, "已办结"},
                                                 {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_rating_body[] = {{"org_id", JV_INT, true, 1, INT64_MAX, "物业服务企业"},
                                           {"score", JV_INT, true, 1, 5, "评分（1–5 星）"},
                                           {"comment", JV_STRING, false, 0, 300, "意见"},
                                           {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_incubator_body[] = {{"place_id", JV_INT, true, 1, INT64_MAX, "地点"},
                                              {"name", JV_STRING, true, 2, 80, "名称"},
                                              {"address", JV_STRING, false, 0, 200, "地址"},
                                              {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_incubation_body[] = {{"org_id", JV_INT, false, 1, INT64_MAX, "社会组织"},
                                               {"name", JV_STRING, false, 2, 80, "新社会组织名称"},
                                               {"category", JV_STRING, true, 1, 16, "类别"},
                                               {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_org_service_body[] = {
    {"title", JV_STRING, true, 2, 120, "服务内容"},
    {"served", JV_INT, false, 0, 100000, "服务人次"},
    {"held_at", JV_INT, false, 1, INT64_MAX, "服务时间"},
    {"place_id", JV_INT, false, 1, INT64_MAX, "服务地点"},
    {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_org_volunteer_body[] = {
    {"person_id", JV_INT, true, 1, INT64_MAX, "志愿者"}, {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_sansha_body[] = {{"subject", JV_STRING, true, 1, 10, "联动对象"},
                                           {"subject_id", JV_INT, true, 1, INT64_MAX, "编号"},
                                           {"org_id", JV_INT, true, 1, INT64_MAX, "社会组织"},
                                           {"worker_id", JV_INT, true, 1, INT64_MAX, "社工"},
                                           {"note", JV_STRING, false, 0, 500, "说明"},
                                           {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_notice_body[] = {
    {"place_id", JV_INT, true, 1, INT64_MAX, "发布范围"}, {"kind", JV_STRING, true, 1, 16, "类别"},
    {"audience", JV_STRING, true, 1, 16, "对象"},         {"title", JV_STRING, true, 2, 80, "标题"},
    {"body", JV_STRING, true, 2, 8000, "正文"},           {NULL, 0, 0, 0, 0, NULL}};

/* ---- the scheduler: duty reminders and overdue commitments ---- */

static int tick_fn(struct db *db, void *arg, struct xf_err *err)
{
	(void)arg;
	int reminded;
	return civic_tick(db, clock_now(), &reminded, err);
}

static int tick_task(void *ctx, struct xf_err *err)
{
	struct app *app = ctx;
	return store_write(app->store, tick_fn, NULL, err);
}

void api_civic_schedule(struct app *app)
{
	sched_add(app->sched, "civic_rotas_and_commitments", 3600, tick_task, app);
}
