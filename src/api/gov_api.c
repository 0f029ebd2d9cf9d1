/* 一核多元 议事和表决 over HTTP: proposals with photos and comments, meetings, decisions with
 * milestones and evaluations, votes with online and paper ballots. One line per route, run
 * by src/api/ops.c; who may do what is decided in src/gov/. */
#include "api.h"
#include "app.h"
#include "../cases/photo.h"
#include "../core/clock.h"
#include "../gov/gov.h"
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

READ(api_gov_proposals_list, gov_proposals_list)
WRITE(api_gov_proposal_create, gov_proposal_create)
READ(api_gov_proposal_get, gov_proposal_get)
WRITE(api_gov_proposal_comment, gov_proposal_comment)
WRITE(api_gov_proposal_decline, gov_proposal_decline)
READ(api_gov_meetings_list, gov_meetings_list)
WRITE(api_gov_meeting_create, gov_meeting_create)
READ(api_gov_meeting_get, gov_meeting_get)
WRITE(api_gov_meeting_attendance, gov_meeting_attendance)
WRITE(api_gov_meeting_minutes, gov_meeting_minutes)
READ(api_gov_decisions_list, gov_decisions_list)
READ(api_gov_decision_get, gov_decision_get)
WRITE(api_gov_milestone_create, gov_milestone_create)
WRITE(api_gov_milestone_done, gov_milestone_done)
WRITE(api_gov_decision_complete, gov_decision_complete)
WRITE(api_gov_decision_evaluate, gov_decision_evaluate)
READ(api_gov_votes_list, gov_votes_list)
WRITE(api_gov_vote_create, gov_vote_create)
READ(api_gov_vote_get, gov_vote_get)
READ(api_gov_vote_roll, gov_vote_roll)
READ(api_gov_paper_list, gov_paper_list)
WRITE(api_gov_paper_enter, gov_paper_enter)
WRITE(api_gov_paper_confirm, gov_paper_confirm)
WRITE(api_gov_paper_reject, gov_paper_reject)
WRITE(api_gov_vote_close, gov_vote_close)

int api_gov_vote_cast(struct req *r)
{
	/* A stored idempotent request keeps a hash of the body: for a ballot of two or three
	 * options that hash names the choice, next to the voter. Refused for every ballot;
	 * voting twice is refused anyway, so a retry is safe. */
	if (r->idem_key)
		return xf_fail_field(&r->err, XF_EINVAL, "idempotency_not_supported",
		                     "Idempotency-Key",
		                     "投票不支持 Idempotency-Key：重复提交会被拒绝，可以直接重试");
	return api_op_write(r, gov_vote_cast);
}

/* ---- photos (metadata stripped, as for case photos) ---- */

struct photo_job {
	const char *bytes;
	size_t len;
	enum photo_type type;
};

static int photo_write(struct db *db, struct req *r, struct xf_err *err)
{
	struct photo_job *pj = r->write_arg;
	struct actor a;
	actor_from_user(&r->user, &a);
	int n = 0;
	int rc = gov_photo_add(db, &a, r->params[0], photo_mime(pj->type), pj->bytes, pj->len,
	                       clock_now(), &n, err);
	if (rc != XF_OK)
		return rc;
	snprintf(r->audit_object, sizeof r->audit_object, "proposals/%lld/photos/%d",
	         (long long)r->params[0], n);
	char url[80];
	snprintf(url, sizeof url, "/api/proposals/%lld/photos/%d", (long long)r->params[0], n);
	resp_take_json(r, 201,
	               json_pack("{s:i, s:s, s:s, s:I}", "n", n, "url", url, "mime",
	                         photo_mime(pj->type), "size", (json_int_t)pj->len));
	return XF_OK;
}

int api_gov_photo_add(struct req *r)
{
	struct db *db = store_reader(r->app->store, &r->err);
	struct actor a;
	actor_from_user(&r->user, &a);
	if (!db || gov_photo_allowed(db, &a, r->params[0], &r->err) != XF_OK)
		return r->err.status;
	struct photo_job *pj = arena_alloc(r->arena, sizeof *pj);
	struct buf clean;
	buf_init(&clean);
	if (photo_clean(r->body.data, r->body.len, &clean, &pj->type, &r->err) != XF_OK) {
		buf_free(&clean);
		if (strcmp(r->err.code, "unsupported_media_type") == 0)
			r->err.http = 415;
		return r->err.status;
	}
	pj->len = clean.len;
	pj->bytes = arena_alloc(r->arena, clean.len ? clean.len : 1);
	memcpy((char *)pj->bytes, clean.data, clean.len);
	buf_free(&clean);
	return req_write(r, photo_write, pj);
}

int api_gov_photo_get(struct req *r)
{
	struct db *db = store_reader(r->app->store, &r->err);
	struct actor a;
	actor_from_user(&r->user, &a);
	char mime[32];
	if (!db)
		return r->err.status;
	if (r->params[1] < 1 || r->params[1] > GOV_MAX_PHOTOS)
		return xf_fail(&r->err, XF_ENOTFOUND, "not_found", "没有这张照片");
	int rc =
	    gov_photo_get(db, &a, r->params[0], (int)r->params[1], mime, &r->resp.body, &r->err);
	if (rc != XF_OK)
		return rc;
	r->resp.status = 200;
	r->resp.content_type = strcmp(mime, "image/png") == 0    ? "image/png"
	                       : strcmp(mime, "image/webp") == 0 ? "image/webp"
	                                                         : "image/jpeg";
	resp_header(r, "Content-Disposition", "inline");
	return XF_OK;
}

/* ---- bodies ---- */

const struct jv_field api_gov_proposal_body[] = {
    {"place_id", JV_INT, false, 1, INT64_MAX, "地点"},
    {"title", JV_STRING, true, 2, 60, "提议标题"},
    {"description", JV_STRING, true, 5, 2000, "提议内容"},
    {"source", JV_STRING, false, 1, 16, "提议人"},
    {"org_id", JV_INT, false, 1, INT64_MAX, "组织"},
    {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_gov_comment_body[] = {{"body", JV_STRING, true, 2, 500, "意见"},
                                                {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_gov_reply_body[] = {{"reply", JV_STRING, true, 2, 500, "答复"},
                                              {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_gov_meeting_body[] = {
    {"place_id", JV_INT, true, 1, INT64_MAX, "地点"},
    {"kind", JV_STRING, true, 1, 16, "会议类型"},
    {"title", JV_STRING, true, 2, 60, "会议名称"},
    {"agenda", JV_STRING, true, 2, 2000, "议程"},
    {"location", JV_STRING, false, 0, 100, "地点"},
    {"starts_at", JV_INT, true, 1, INT64_MAX, "开会时间"},
    {"proposal_id", JV_INT, false, 1, INT64_MAX, "提议"},
    {"invitees", JV_ARRAY, true, 1, 200, "参会人"},
    {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_gov_attendance_body[] = {{"present", JV_ARRAY, true, 0, 200, "到会"},
                                                   {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_gov_minutes_body[] = {{"minutes", JV_STRING, true, 10, 20000, "纪要"},
                                                {"decisions", JV_ARRAY, true, 0, 20, "决定"},
                                                {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_gov_milestone_body[] = {
    {"title", JV_STRING, true, 2, 100, "节点"},
    {"due_at", JV_INT, true, 1, INT64_MAX, "计划完成时间"},
    {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_gov_note_body[] = {{"note", JV_STRING, false, 0, 500, "说明"},
                                             {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_gov_evaluation_body[] = {{"rating", JV_STRING, true, 1, 16, "评价"},
                                                   {"comment", JV_STRING, false, 0, 300, "意见"},
                                                   {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_gov_vote_body[] = {
    {"place_id", JV_INT, true, 1, INT64_MAX, "地点"},
    {"title", JV_STRING, true, 2, 80, "表决事项"},
    {"description", JV_STRING, false, 0, 2000, "说明"},
    {"kind", JV_STRING, false, 1, 16, "表决类型"},
    {"rule", JV_STRING, true, 1, 16, "计票规则"},
    {"item", JV_INT, false, 0, 9, "第二百七十八条事项"},
    {"threshold", JV_STRING, false, 1, 16, "通过标准"},
    {"quorum_pct", JV_INT, false, 0, 100, "参与率要求（%）"},
    {"secret", JV_BOOL, false, 0, 0, "无记名投票"},
    {"seats", JV_INT, false, 1, 30, "应选人数"},
    {"candidates", JV_ARRAY, false, 0, 30, "候选人"},
    {"opens_at", JV_INT, true, 1, INT64_MAX, "开始时间"},
    {"closes_at", JV_INT, true, 1, INT64_MAX, "截止时间"},
    {"proposal_id", JV_INT, false, 1, INT64_MAX, "提议"},
    {"decision_id", JV_INT, false, 1, INT64_MAX, "待表决的决定"},
    {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_gov_cast_body[] = {{"options", JV_ARRAY, true, 1, 30, "选项"},
                                             {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_gov_paper_body[] = {{"person_id", JV_INT, true, 1, INT64_MAX, "投票人"},
                                              {"options", JV_ARRAY, true, 1, 30, "选项"},
                                              {NULL, 0, 0, 0, 0, NULL}};
