/* Delegates and 书记工程 over HTTP. Each handler is one line through src/api/ops.c; who may
 * do what is decided in src/duty (staff inside their area, a delegate for their own studio).
 * Lists export as XLSX or CSV (?format=). */
#include "duty_api.h"
#include "../duty/duty.h"

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

READ(api_studio_get, duty_studio_get)
WRITE(api_studio_visit, duty_visit_create)
WRITE(api_studio_review, duty_review_report)
WRITE(api_studio_inquiry, duty_inquiry_create)
WRITE(api_delegate_review_score, duty_review_score)
WRITE(api_delegate_inquiry_answer, duty_inquiry_answer)
READ(api_duty_item_get, duty_item_get)
WRITE(api_duty_item_create, duty_item_create)
WRITE(api_duty_item_follow_up, duty_item_follow_up)
READ(api_joint_meeting_get, duty_meeting_get)
WRITE(api_joint_meeting_create, duty_meeting_create)
READ(api_site_review_get, duty_site_review_get)
WRITE(api_site_review_create, duty_site_review_create)
READ(api_instructors_list, duty_instructors_list)
WRITE(api_instructor_create, duty_instructor_create)
WRITE(api_instructor_end, duty_instructor_end)
READ(api_red_lines_list, duty_red_lines_list)
WRITE(api_red_line_create, duty_red_line_create)
WRITE(api_red_line_update, duty_red_line_update)
WRITE(api_violation_create, duty_violation_create)
WRITE(api_violation_handle, duty_violation_handle)

/* ---- lists that export ---- */

int api_delegates_list(struct req *r)
{
	static const char *const keys[] = {"name",       "studio_name", "place_name", "visits",
	                                   "receptions", "inquiries",   "cases",      "last_score"};
	static const char *const labels[] = {"党代表",         "工作室",         "社区",
	                                     "走访调研（次）", "接待群众（次）", "询问质询（件）",
	                                     "群众诉求（件）", "最近述职评分"};
	return api_op_export(r, duty_delegates_list, "delegates", keys, labels, 8);
}

int api_duty_items_list(struct req *r)
{
	static const char *const keys[] = {"id",    "place_name", "list_label",  "title",
	                                   "owner", "due_at",     "state_label", "done_at"};
	static const char *const labels[] = {"编号",     "层级地点", "清单", "事项",
	                                     "责任单位", "完成时限", "状态", "办结时间"};
	return api_op_export(r, duty_items_list, "duty-lists", keys, labels, 8);
}

int api_joint_meetings_list(struct req *r)
{
	static const char *const keys[] = {"id",      "place_name", "body_label", "title",
	                                   "held_at", "decisions",  "done",       "overdue"};
	static const char *const labels[] = {"编号",     "层级地点", "会议类型", "会议",
	                                     "召开时间", "决定事项", "已办结",   "已超期"};
	return api_op_export(r, duty_meetings_list, "joint-meetings", keys, labels, 8);
}

int api_site_reviews_list(struct req *r)
{
	static const char *const keys[] = {"id",      "place_name", "year", "quarter",
	                                   "held_at", "findings",   "done", "overdue"};
	static const char *const labels[] = {"编号",     "组织单位", "年度",   "季度",
	                                     "召开时间", "交办问题", "已办结", "已超期"};
	return api_op_export(r, duty_site_reviews_list, "site-reviews", keys, labels, 8);
}

int api_violations_list(struct req *r)
{
	static const char *const keys[] = {"id",       "red_line",     "place_name", "subject",
	                                   "found_at", "status_label", "handling"};
	static const char *const labels[] = {"编号",     "违反的红线", "地点",    "对象",
	                                     "发现时间", "状态",       "处理情况"};
	return api_op_export(r, duty_violations_list, "red-line-violations", keys, labels, 7);
}

/* ---- bodies ---- */

const struct jv_field api_duty_empty_body[] = {{NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_visit_body[] = {{"kind", JV_STRING, true, 1, 12, "类型"},
                                          {"held_at", JV_INT, true, 1, INT64_MAX, "时间"},
                                          {"topic", JV_STRING, true, 2, 80, "主题"},
                                          {"summary", JV_STRING, false, 0, 1000, "情况"},
                                          {"people", JV_INT, false, 0, 10000, "人数"},
                                          {"person_id", JV_INT, false, 1, INT64_MAX, "党代表"},
                                          {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_report_body[] = {{"year", JV_INT, true, 2000, 2100, "年度"},
                                           {"half", JV_INT, true, 1, 2, "上半年或下半年"},
                                           {"report", JV_STRING, true, 10, 5000, "述职报告"},
                                           {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_inquiry_body[] = {{"kind", JV_STRING, false, 1, 16, "类型"},
                                            {"target", JV_STRING, true, 2, 60, "询问对象"},
                                            {"subject", JV_STRING, true, 2, 80, "事由"},
                                            {"content", JV_STRING, true, 2, 2000, "内容"},
                                            {"person_id", JV_INT, false, 1, INT64_MAX, "党代表"},
                                            {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_score_body[] = {{"score", JV_INT, true, 0, 100, "评分"},
                                          {"comment", JV_STRING, false, 0, 500, "评议意见"},
                                          {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_answer_body[] = {{"answer", JV_STRING, true, 2, 2000, "答复"},
                                           {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_duty_item_body[] = {{"place_id", JV_INT, true, 1, INT64_MAX, "层级"},
                                              {"list", JV_STRING, true, 1, 16, "清单"},
                                              {"title", JV_STRING, true, 2, 80, "事项"},
                                              {"content", JV_STRING, false, 0, 1000, "内容"},
                                              {"owner", JV_STRING, true, 1, 40, "责任单位"},
                                              {"due_at", JV_INT, true, 1, INT64_MAX, "完成时限"},
                                              {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_follow_up_body[] = {{"note", JV_STRING, true, 2, 500, "跟进情况"},
                                              {"done", JV_BOOL, false, 0, 0, "是否办结"},
                                              {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_meeting_body[] = {{"place_id", JV_INT, true, 1, INT64_MAX, "层级"},
                                            {"body", JV_STRING, false, 1, 16, "会议类型"},
                                            {"title", JV_STRING, true, 2, 80, "会议名称"},
                                            {"held_at", JV_INT, true, 1, INT64_MAX, "召开时间"},
                                            {"agenda", JV_STRING, true, 2, 2000, "议题"},
                                            {"attendees", JV_STRING, false, 0, 500, "参会人员"},
                                            {"decisions", JV_ARRAY, false, 0, 30, "决定事项"},
                                            {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_site_review_body[] = {
    {"place_id", JV_INT, true, 1, INT64_MAX, "组织单位"},
    {"year", JV_INT, true, 2000, 2100, "年度"},
    {"quarter", JV_INT, true, 1, 4, "季度"},
    {"title", JV_STRING, true, 2, 80, "名称"},
    {"held_at", JV_INT, true, 1, INT64_MAX, "召开时间"},
    {"host", JV_STRING, false, 0, 60, "主持"},
    {"findings", JV_ARRAY, false, 0, 30, "现场发现的问题"},
    {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_instructor_body[] = {
    {"place_id", JV_INT, true, 1, INT64_MAX, "联系的街道或社区"},
    {"person_id", JV_INT, true, 1, INT64_MAX, "领导"},
    {"title", JV_STRING, true, 2, 60, "职务"},
    {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_red_line_body[] = {{"category", JV_STRING, true, 2, 20, "类别"},
                                             {"text", JV_STRING, true, 4, 200, "内容"},
                                             {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_red_line_patch_body[] = {{"category", JV_STRING, false, 2, 20, "类别"},
                                                   {"text", JV_STRING, false, 4, 200, "内容"},
                                                   {"active", JV_BOOL, false, 0, 0, "是否启用"},
                                                   {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_violation_body[] = {{"red_line_id", JV_INT, true, 1, INT64_MAX, "红线"},
                                              {"place_id", JV_INT, true, 1, INT64_MAX, "地点"},
                                              {"subject", JV_STRING, true, 2, 60, "对象"},
                                              {"description", JV_STRING, true, 2, 1000, "情况"},
                                              {"found_at", JV_INT, false, 1, INT64_MAX, "发现时间"},
                                              {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_handle_body[] = {{"handling", JV_STRING, true, 2, 1000, "处理情况"},
                                           {NULL, 0, 0, 0, 0, NULL}};
