/* 评议考核 over HTTP: branch standards and ratings, unit evaluations, 文明共创 campaigns and
 * 民主评议党员 sheets. Each handler is one line run by src/api/ops.c; who may do what is
 * decided in src/review (staff inside their area, approvers other than the proposer, unit
 * contacts for their own unit, members for their own sheet). */
#include "api.h"
#include "app.h"
#include "../review/review.h"

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

READ(api_review_branches_list, review_branches_list)
READ(api_review_standards_list, review_standards_list)
WRITE(api_review_standard_create, review_standard_create)
READ(api_review_assessment_get, review_assessment_get)
WRITE(api_review_assessment_submit, review_assessment_submit)
WRITE(api_review_assessment_review, review_assessment_review)
READ(api_review_ratings_list, review_ratings_list)
WRITE(api_review_rating_propose, review_rating_propose)
WRITE(api_review_rating_approve, review_rating_approve)
WRITE(api_review_rating_reject, review_rating_reject)
READ(api_review_plans_list, review_plans_list)
WRITE(api_review_plan_create, review_plan_create)
WRITE(api_review_plan_followup, review_plan_followup)
READ(api_review_unit_result, review_unit_result)
WRITE(api_review_unit_evaluate, review_unit_evaluate)
READ(api_review_settings_get, review_settings_get)
WRITE(api_review_settings_put, review_settings_put)
READ(api_review_campaigns_list, review_campaigns_list)
WRITE(api_review_campaign_create, review_campaign_create)
READ(api_review_campaign_get, review_campaign_get)
WRITE(api_review_campaign_result, review_campaign_result)
READ(api_review_member_sheet, review_member_sheet)
WRITE(api_review_member_rate, review_member_rate)

int api_review_unit_results(struct req *r)
{
	static const char *const keys[] = {"unit_name",       "place_name",   "community_score",
	                                   "community_forms", "street_score", "campaign_score",
	                                   "score",           "threshold",    "status"};
	static const char *const labels[] = {"单位",         "所在地",     "社区评议平均分",
	                                     "社区评议份数", "街道评议分", "文明共创平均分",
	                                     "综合得分",     "优胜评选线", "结果"};
	return api_op_export(r, review_unit_results, "驻区单位年度评议", keys, labels,
	                     XF_ARRAY_LEN(keys));
}

int api_review_member_sheets(struct req *r)
{
	static const char *const keys[] = {"name",          "status_label",  "reported_label",
	                                   "activities",    "hours",         "wishes_fulfilled",
	                                   "posts_claimed", "cases_handled", "points",
	                                   "rating_label",  "note"};
	static const char *const labels[] = {
	    "姓名",       "类别",         "报到",     "参加活动（次）", "服务时长（小时）",
	    "完成微心愿", "认领服务岗位", "办结诉求", "积分（评价分）", "评议等次",
	    "备注"};
	return api_op_export(r, review_member_sheets, "民主评议党员", keys, labels,
	                     XF_ARRAY_LEN(keys));
}

/* ---- bodies ---- */

const struct jv_field api_review_standard_body[] = {
    {"domain", JV_STRING, true, 1, 16, "领域"},
    {"title", JV_STRING, true, 2, 80, "标准"},
    {"weight", JV_INT, true, 1, 100, "分值"},
    {"evidence", JV_STRING, false, 0, 300, "佐证材料"},
    {"source", JV_STRING, false, 0, 24, "自动计分来源"},
    {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_review_assessment_body[] = {
    {"org_id", JV_INT, true, 1, INT64_MAX, "党支部"},
    {"year", JV_INT, true, 2000, 2100, "年度"},
    {"items", JV_ARRAY, true, 0, 64, "各项得分"},
    {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_review_score_body[] = {{"items", JV_ARRAY, true, 0, 64, "各项复核得分"},
                                                 {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_review_rating_body[] = {{"org_id", JV_INT, true, 1, INT64_MAX, "党支部"},
                                                  {"year", JV_INT, true, 2000, 2100, "年度"},
                                                  {"rating", JV_STRING, true, 1, 16, "评定等次"},
                                                  {"reason", JV_STRING, true, 4, 500, "评定依据"},
                                                  {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_review_decision_body[] = {{"note", JV_STRING, false, 0, 200, "审批意见"},
                                                    {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_review_plan_body[] = {
    {"org_id", JV_INT, true, 1, INT64_MAX, "党支部"},
    {"problems", JV_STRING, true, 4, 1000, "存在问题"},
    {"measures", JV_STRING, true, 4, 1000, "整改措施"},
    {"deadline", JV_INT, true, 1, INT64_MAX, "整改期限"},
    {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_review_followup_body[] = {{"note", JV_STRING, true, 2, 500, "整改进展"},
                                                    {"done", JV_BOOL, false, 0, 0, "整改完成"},
                                                    {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_review_evaluation_body[] = {
    {"unit_org_id", JV_INT, true, 1, INT64_MAX, "驻区单位"},
    {"year", JV_INT, true, 2000, 2100, "年度"},
    {"duty", JV_INT, true, 0, 25, "报到履职"},
    {"projects", JV_INT, true, 0, 25, "共建项目"},
    {"service", JV_INT, true, 0, 25, "服务群众"},
    {"civic", JV_INT, true, 0, 25, "文明共创"},
    {"comment", JV_STRING, false, 0, 500, "评议意见"},
    {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_review_settings_body[] = {
    {"unit_threshold", JV_INT, true, 0, 100, "优胜评选线"}, {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_review_campaign_body[] = {
    {"place_id", JV_INT, true, 1, INT64_MAX, "地点"},
    {"kind", JV_STRING, true, 1, 16, "类型"},
    {"title", JV_STRING, true, 2, 80, "活动名称"},
    {"target", JV_STRING, false, 0, 500, "目标"},
    {"starts_at", JV_INT, true, 1, INT64_MAX, "开始"},
    {"ends_at", JV_INT, true, 1, INT64_MAX, "结束"},
    {"units", JV_ARRAY, true, 1, 200, "参加单位"},
    {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_review_campaign_result_body[] = {
    {"unit_org_id", JV_INT, true, 1, INT64_MAX, "单位"},
    {"score", JV_INT, true, 0, 100, "得分"},
    {"note", JV_STRING, false, 0, 300, "说明"},
    {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_review_member_body[] = {{"year", JV_INT, true, 2000, 2100, "年度"},
                                                  {"rating", JV_STRING, true, 1, 24, "评议等次"},
                                                  {"note", JV_STRING, false, 0, 300, "备注"},
                                                  {NULL, 0, 0, 0, 0, NULL}};
