/* 民情诉求 over HTTP: categories and deadlines, reporting from every channel (residents on the
 * phone, staff on someone's behalf, batches from 民情收集站 / 意见箱 / 楼栋服务小组, the 12345
 * bridge with its own ids), the queue, a case with its timeline, the actions, and the rates. */
#include "api.h"
#include "app.h"
#include "../auth/policy.h"
#include "../cases/cases.h"
#include "../cases/photo.h"
#include "../core/clock.h"
#include "../core/jw.h"
#include "../core/str.h"
#include "../sched/sched.h"
#include "../store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BATCH_MAX 200

static struct db *reader(struct req *r)
{
	return store_reader(r->app->store, &r->err);
}

/* ---- categories, tiers, settings ---- */

int api_case_categories(struct req *r)
{
	struct db *db = reader(r);
	json_t *items;
	if (!db || cases_categories_json(db, &items, &r->err) != XF_OK)
		return r->err.status;
	resp_take_json(r, 200, api_page(items, 0));
	return XF_OK;
}

const struct jv_field api_case_category_body[] = {{"code", JV_STRING, true, 2, 40, "分类编码"},
                                                  {"name", JV_STRING, true, 2, 60, "名称"},
                                                  {"tier", JV_STRING, true, 1, 16, "时限档次"},
                                                  {"group", JV_STRING, false, 0, 20, "大类"},
                                                  {"description", JV_STRING, false, 0, 200, "说明"},
                                                  {"active", JV_BOOL, false, 0, 0, "启用"},
                                                  {NULL, 0, 0, 0, 0, NULL}};

static int category_write(struct db *db, struct req *r, struct xf_err *err)
{
	int rc = cases_category_put(db, jv_str(r->json, "code", ""), jv_str(r->json, "name", ""),
	                            jv_str(r->json, "tier", ""), jv_str(r->json, "group", ""),
	                            jv_str(r->json, "description", ""),
	                            jv_bool(r->json, "active", 1) != 0, err);
	if (rc != XF_OK)
		return rc;
	snprintf(r->audit_object, sizeof r->audit_object, "case_categories/%s",
	         jv_str(r->json, "code", ""));
	json_t *items;
	if ((rc = cases_categories_json(db, &items, err)) != XF_OK)
		return rc;
	resp_take_json(r, 200, api_page(items, 0));
	return XF_OK;
}

int api_case_category_put(struct req *r)
{
	return req_write(r, category_write, NULL);
}

const struct jv_field api_case_tier_body[] = {
    {"tier", JV_STRING, true, 1, 16, "时限档次"},
    {"dispatch_minutes", JV_INT, false, 1, 60 * 24 * 30, "受理时限（分钟）"},
    {"feedback_minutes", JV_INT, true, 10, 60 * 24 * 90, "答复时限（分钟）"},
    {NULL, 0, 0, 0, 0, NULL}};

static int tier_write(struct db *db, struct req *r, struct xf_err *err)
{
	int rc = cases_tier_put(db, jv_str(r->json, "tier", ""),
	                        jv_int(r->json, "dispatch_minutes", 0) * 60,
	                        jv_int(r->json, "feedback_minutes", 0) * 60, err);
	if (rc != XF_OK)
		return rc;
	snprintf(r->audit_object, sizeof r->audit_object, "case_tiers/%s",
	         jv_str(r->json, "tier", ""));
	json_t *items;
	if ((rc = cases_categories_json(db, &items, err)) != XF_OK)
		return rc;
	resp_take_json(r, 200, api_page(items, 0));
	return XF_OK;
}

int api_case_tier_put(struct req *r)
{
	return req_write(r, tier_write, NULL);
}

int api_case_settings_get(struct req *r)
{
	struct db *db = reader(r);
	int pct, days;
	if (!db || cases_settings(db, &pct, &days, &r->err) != XF_OK)
		return r->err.status;
	resp_take_json(r, 200,
	               json_pack("{s:i, s:i}", "followup_percent", pct, "autoclose_days", days));
	return XF_OK;
}

const struct jv_field api_case_settings_body[] = {
    {"followup_percent", JV_INT, false, 0, 100, "回访抽样比例（%）"},
    {"autoclose_days", JV_INT, false, 1, 60, "答复后自动办结天数"},
    {NULL, 0, 0, 0, 0, NULL}};

static int settings_write(struct db *db, struct req *r, struct xf_err *err)
{
	int rc = cases_settings_put(db, (int)jv_int(r->json, "followup_percent", -1),
	                            (int)jv_int(r->json, "autoclose_days", -1), err);
	int pct, days;
	if (rc != XF_OK || (rc = cases_settings(db, &pct, &days, err)) != XF_OK)
		return rc;
	snprintf(r->audit_object, sizeof r->audit_object, "case_settings");
	resp_take_json(r, 200,
	               json_pack("{s:i, s:i}", "followup_percent", pct, "autoclose_days", days));
	return XF_OK;
}

int api_case_settings_put(struct req *r)
{
	return req_write(r, settings_write, NULL);
}

/* ---- reporting ---- */

const struct jv_field api_case_body[] = {
    {"category", JV_STRING, true, 1, 40, "诉求分类"},
    {"title", JV_STRING, true, 2, 60, "标题"},
    {"description", JV_STRING, true, 2, 2000, "问题描述"},
    {"place_id", JV_INT, false, 1, INT64_MAX, "地点"},
    {"public", JV_BOOL, false, 0, 0, "公开"},
    {"on_behalf_of", JV_INT, false, 1, INT64_MAX, "代为反映的居民"},
    {"channel", JV_STRING, false, 1, 16, "渠道"},
    {"studio_id", JV_INT, false, 1, INT64_MAX, "党代表工作室"},
    {"external_id", JV_STRING, false, 1, 64, "外部编号"},
    {"lat", JV_NUMBER, false, -90, 90, "纬度"},
    {"lng", JV_NUMBER, false, -180, 180, "经度"},
    {NULL, 0, 0, 0, 0, NULL}};

/* Fills `in` from one case object for this caller; NULL prefix for the single form. */
static int case_in_from(struct db *db, struct req *r, json_t *o, const char *batch_channel,
                        struct case_in *in, struct xf_err *err)
{
	const struct xf_user *u = &r->user;
	memset(in, 0, sizeof *in);
	in->category = jv_str(o, "category", "");
	in->title = jv_str(o, "title", "");
	in->description = jv_str(o, "description", "");
	in->place_id = jv_int(o, "place_id", 0);
	in->studio_org_id = jv_int(o, "studio_id", 0);
	in->now = clock_now();
	json_t *lat = json_object_get(o, "lat"), *lng = json_object_get(o, "lng");
	if ((lat != NULL) != (lng != NULL))
		return xf_fail_field(err, XF_EINVAL, "validation_failed", lat ? "lng" : "lat",
		                     "经纬度要同时提供");
	if (lat) {
		in->has_geo = true;
		in->lat = json_number_value(lat);
		in->lng = json_number_value(lng);
	}
	const char *channel = batch_channel ? batch_channel : jv_str(o, "channel", NULL);
	int64_t behalf = jv_int(o, "on_behalf_of", 0);
	bool is_public = jv_bool(o, "public", 0) != 0;
	if (u->is_token) {
		/* The 12345 bridge: its own ids, its own channel, a place it names. */
		if (channel && strcmp(channel, "12345") != 0)
			return xf_fail_field(err, XF_EINVAL, "validation_failed", "channel",
			                     "12345 接口的渠道只能是 12345");
		in->channel = "12345";
		in->external_source = "12345";
		in->external_id = jv_str(o, "external_id", NULL);
		in->source_token_id = u->token_id;
		if (!in->external_id)
			return xf_fail_field(err, XF_EINVAL, "validation_failed", "external_id",
			                     "12345 工单须带 external_id（工单编号）");
		if (!in->place_id)
			return xf_fail_field(err, XF_EINVAL, "validation_failed", "place_id",
			                     "12345 工单须指明地点 place_id");
		in->is_public = is_public;
		return XF_OK;
	}
	if (jv_str(o, "external_id", NULL))
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "external_id",
		                     "只有 12345 接口可以带外部编号");
	bool enters = policy_allows(u->role, "cases.enter");
	if (behalf || batch_channel ||
	    (channel && strcmp(channel, "mobile") != 0 && strcmp(channel, "staff") != 0)) {
		/* On someone's behalf, or from a station, mailbox or building group: staff only,
		 * inside their area, recorded as such. */
		if (!enters)
			return xf_fail(err, XF_EPERM, "forbidden",
			               "只有工作人员可以代居民反映或批量录入");
		if (!channel)
			channel = "staff";
		if (strcmp(channel, "staff") != 0 && strcmp(channel, "station") != 0 &&
		    strcmp(channel, "mailbox") != 0 && strcmp(channel, "building_group") != 0)
			return xf_fail_field(err, XF_EINVAL, "validation_failed", "channel",
			                     "代为录入的渠道只能是 staff、station、mailbox 或 "
			                     "building_group");
		if (behalf) {
			int64_t home = 0;
			int rc = db_int(db, err, &home, "SELECT place_id FROM people WHERE id = ?",
			                "i", behalf);
			if (rc == XF_ENOTFOUND)
				return xf_fail_field(err, XF_EINVAL, "validation_failed",
				                     "on_behalf_of", "没有这位居民");
			if (rc != XF_OK ||
			    (rc = authz_check(db, u, "cases.enter", home, err)) != XF_OK)
				return rc;
			in->reporter_person_id = behalf;
			if (!in->place_id)
				in->place_id = home;
		}
		in->entered_by = u->id;
		in->channel = channel;
	} else if (enters && channel && strcmp(channel, "staff") == 0) {
		/* Staff reporting what they found themselves (发现问题). */
		in->entered_by = u->id;
		in->channel = "staff";
	} else {
		if (channel && strcmp(channel, "mobile") != 0)
			return xf_fail_field(err, XF_EINVAL, "validation_failed", "channel",
			                     "居民反映的渠道只能是 mobile");
		in->channel = "mobile";
		in->reporter_user_id = u->id;
		in->reporter_person_id = u->person_id;
		if (!in->place_id && !u->person_id)
			return xf_fail_field(err, XF_EINVAL, "validation_failed", "place_id",
			                     "请选择问题发生的地点");
	}
	if (is_public && !policy_allows(u->role, "cases.handle"))
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "public",
		                     "是否公开由工作人员决定");
	in->is_public = is_public;
	if (in->place_id && in->entered_by && !behalf &&
	    authz_check(db, u, "cases.enter", in->place_id, err) != XF_OK)
		return err->status;
	return XF_OK;
}

/* The answer is the case card, written as JSON text (a read, a creation, an action). */
static int card_answer(struct db *db, struct req *r, int64_t id, const struct case_actor *a,
                       int64_t now, int status, struct xf_err *err)
{
	struct buf b;
	struct jw w;
	buf_init(&b);
	jw_init(&w, &b);
	int rc = cases_card_write(db, id, a, now, &w, err);
	if (rc == XF_OK)
		resp_take_json_text(r, status, &b);
	buf_free(&b);
	return rc;
}

static int create_write(struct db *db, struct req *r, struct xf_err *err)
{
	struct case_in in;
	int rc = case_in_from(db, r, r->json, NULL, &in, err);
	int64_t id;
	bool existing;
	if (rc == XF_OK)
		rc = cases_create(db, &in, &id, &existing, err);
	if (rc != XF_OK)
		return rc;
	if ((rc = card_answer(db, r, id, NULL, in.now, existing ? 200 : 201, err)) != XF_OK)
		return rc;
	snprintf(r->audit_object, sizeof r->audit_object, "cases/%lld", (long long)id);
	return XF_OK;
}

int api_case_create(struct req *r)
{
	return req_write(r, create_write, NULL);
}

const struct jv_field api_case_batch_body[] = {{"channel", JV_STRING, true, 1, 16, "渠道"},
                                               {"items", JV_ARRAY, true, 1, BATCH_MAX, "诉求"},
                                               {NULL, 0, 0, 0, 0, NULL}};

static const struct jv_field batch_item[] = {
    {"category", JV_STRING, true, 1, 40, "诉求分类"},
    {"title", JV_STRING, true, 2, 60, "标题"},
    {"description", JV_STRING, true, 2, 2000, "问题描述"},
    {"place_id", JV_INT, false, 1, INT64_MAX, "地点"},
    {"on_behalf_of", JV_INT, false, 1, INT64_MAX, "代为反映的居民"},
    {NULL, 0, 0, 0, 0, NULL}};

/* All or nothing: the first bad item refuses the batch and names itself. */
static int batch_write(struct db *db, struct req *r, struct xf_err *err)
{
	json_t *items = json_object_get(r->json, "items"), *it, *ids = json_array();
	const char *channel = jv_str(r->json, "channel", "");
	size_t i;
	json_array_foreach(items, i, it)
	{
		struct case_in in;
		int64_t id;
		bool existing;
		int rc = json_is_object(it) ? jv_check(it, batch_item, err)
		                            : xf_fail(err, XF_EINVAL, "validation_failed",
		                                      "每一条诉求都应是一个对象");
		if (rc == XF_OK)
			rc = case_in_from(db, r, it, channel, &in, err);
		if (rc == XF_OK)
			rc = cases_create(db, &in, &id, &existing, err);
		if (rc != XF_OK) {
			char field[64], msg[sizeof err->message], code[sizeof err->code];
			snprintf(field, sizeof field, "items[%zu]%s%.40s", i,
			         *err->field ? "." : "", err->field);
			snprintf(msg, sizeof msg, "第 %zu 条：%.200s", i + 1, err->message);
			snprintf(code, sizeof code, "%s",
			         *err->code ? err->code : "validation_failed");
			json_decref(ids);
			return xf_fail_field(err, rc, code, field, "%s", msg);
		}
		json_array_append_new(ids, json_integer(id));
	}
	snprintf(r->audit_object, sizeof r->audit_object, "cases/batch");
	snprintf(r->audit_detail, sizeof r->audit_detail, "%s: %zu", channel, json_array_size(ids));
	resp_take_json(r, 201, json_pack("{s:o}", "ids", ids));
	return XF_OK;
}

int api_case_batch(struct req *r)
{
	const char *channel = jv_str(r->json, "channel", "");
	if (strcmp(channel, "station") != 0 && strcmp(channel, "mailbox") != 0 &&
	    strcmp(channel, "building_group") != 0 && strcmp(channel, "staff") != 0)
		return xf_fail_field(
		    &r->err, XF_EINVAL, "validation_failed", "channel",
		    "批量录入的渠道只能是 station（民情收集站）、mailbox（居民意见箱）、"
		    "building_group（楼栋服务小组）或 staff");
	return req_write(r, batch_write, NULL);
}

/* ---- reading ---- */

static bool flag(struct req *r, const char *name)
{
	const char *v = req_query(r, name);
	return v && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
}

int api_case_list(struct req *r)
{
	struct db *db = reader(r);
	struct case_filter f = {0};
	int64_t cursor, next;
	if (!db || api_paging(r, &f.limit, &cursor) != XF_OK)
		return r->err.status;
	f.after = cursor;
	f.status = req_query(r, "status");
	f.category = req_query(r, "category");
	f.overdue = flag(r, "overdue");
	f.mine = flag(r, "mine");
	f.studio = flag(r, "studio");
	f.followup_due = flag(r, "followup");
	f.place_id = r->user.place_id;
	static const char *const st[] = {"submitted", "accepted", "assigned", "replied",
	                                 "closed",    "returned", "reopened", "open"};
	bool ok = !f.status;
	for (size_t i = 0; f.status && i < XF_ARRAY_LEN(st); i++)
		ok |= strcmp(f.status, st[i]) == 0;
	if (!ok)
		return xf_fail_field(&r->err, XF_EINVAL, "validation_failed", "status",
		                     "没有这种状态");
	if (f.category && strlen(f.category) > 40)
		return xf_fail_field(&r->err, XF_EINVAL, "validation_failed", "category",
		                     "分类编码过长");
	if (api_place_param(r, f.place_id, &f.place_id) != XF_OK)
		return r->err.status;
	struct case_actor a;
	cases_actor_from_user(&r->user, &a);
	bool staff = policy_allows(r->user.role, "cases.handle") ||
	             policy_allows(r->user.role, "cases.report");
	int rc;
	if (staff && !f.mine && !f.studio &&
	    (rc = authz_check(db, &r->user,
	                      policy_allows(r->user.role, "cases.handle") ? "cases.handle"
	                                                                  : "cases.report",
	                      f.place_id, &r->err)) != XF_OK)
		return rc;
	struct buf b;
	struct jw w;
	api_page_begin(&b, &w); /* {"items": [...], "next": …} as api_page */
	if ((rc = cases_list_write(db, &f, &a, clock_now(), &w, &next, &r->err)) != XF_OK) {
		buf_free(&b);
		return rc;
	}
	api_page_end(r, &b, &w, next);
	return XF_OK;
}

int api_case_get(struct req *r)
{
	struct db *db = reader(r);
	struct case_actor a;
	cases_actor_from_user(&r->user, &a);
	/* The card's own row decides who may read it (one statement fewer than asking first). */
	if (!db || card_answer(db, r, r->params[0], &a, clock_now(), 200, &r->err) != XF_OK)
		return r->err.status;
	return XF_OK;
}

/* ---- actions ---- */

const struct jv_field api_case_accept_body[] = {{"note", JV_STRING, false, 0, 500, "备注"},
                                                {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_case_assign_body[] = {
    {"person_id", JV_INT, false, 1, INT64_MAX, "经办人"},
    {"org_id", JV_INT, false, 1, INT64_MAX, "经办单位"},
    {"note", JV_STRING, false, 0, 500, "备注"},
    {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_case_reply_body[] = {{"text", JV_STRING, true, 2, 2000, "办理结果"},
                                               {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_case_return_body[] = {
    {"reason", JV_STRING, true, 2, 500, "退回理由"},
    {"place_id", JV_INT, false, 1, INT64_MAX, "应转往的地点"},
    {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_case_rate_body[] = {{"rating", JV_STRING, true, 1, 24, "评价"},
                                              {"comment", JV_STRING, false, 0, 500, "意见"},
                                              {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_case_reopen_body[] = {{"reason", JV_STRING, true, 2, 500, "理由"},
                                                {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_case_escalate_body[] = {{"reason", JV_STRING, true, 2, 500, "理由"},
                                                  {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_case_supervise_body[] = {{"text", JV_STRING, true, 2, 500, "督办意见"},
                                                   {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_case_publish_body[] = {{"public", JV_BOOL, true, 0, 0, "是否公开"},
                                                 {NULL, 0, 0, 0, 0, NULL}};
const struct jv_field api_case_followup_body[] = {{"outcome", JV_STRING, true, 1, 24, "回访结果"},
                                                  {"note", JV_STRING, false, 0, 500, "回访记录"},
                                                  {NULL, 0, 0, 0, 0, NULL}};

static int action_write(struct db *db, struct req *r, struct xf_err *err)
{
	const char *action = strrchr(r->path, '/') + 1;
	struct case_actor a;
	cases_actor_from_user(&r->user, &a);
	int64_t now = clock_now();
	int rc = cases_act(db, r->params[0], action, r->json, &a, now, err);
	if (rc != XF_OK || (rc = card_answer(db, r, r->params[0], NULL, now, 200, err)) != XF_OK)
		return rc;
	snprintf(r->audit_object, sizeof r->audit_object, "cases/%lld", (long long)r->params[0]);
	return XF_OK;
}

int api_case_action(struct req *r)
{
	const char *slash = strrchr(r->path, '/');
	if (!slash || !cases_action_known(slash + 1))
		return xf_fail(&r->err, XF_ENOTFOUND, "not_found", "没有这个操作");
	return req_write(r, action_write, NULL);
}

/* ---- photos ---- */

/* The body is the image itself: sniffed, stripped of its metadata on this thread, then
 * stored by the writer with the same who-may-act rules as the case's actions. */
struct photo_job {
	const char *bytes; /* in the request's arena: a retried job finds them again */
	size_t len;
	enum photo_type type;
};

static int photo_write(struct db *db, struct req *r, struct xf_err *err)
{
	struct photo_job *pj = r->write_arg;
	struct case_actor a;
	cases_actor_from_user(&r->user, &a);
	int n = 0;
	int rc = cases_photo_add(db, r->params[0], &a, photo_mime(pj->type), pj->bytes, pj->len,
	                         clock_now(), &n, err);
	if (rc != XF_OK)
		return rc;
	snprintf(r->audit_object, sizeof r->audit_object, "cases/%lld/photos/%d",
	         (long long)r->params[0], n);
	char url[96];
	snprintf(url, sizeof url, "/api/cases/%lld/photos/%d", (long long)r->params[0], n);
	resp_take_json(r, 201,
	               json_pack("{s:i, s:s, s:s, s:I}", "n", n, "url", url, "mime",
	                         photo_mime(pj->type), "size", (json_int_t)pj->len));
	return XF_OK;
}

int api_case_photo_add(struct req *r)
{
	struct db *db = reader(r);
	struct case_actor a;
	cases_actor_from_user(&r->user, &a);
	/* Strangers learn nothing, not even whether the bytes were an image. */
	if (!db || cases_photo_allowed(db, r->params[0], &a, &r->err) != XF_OK)
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

int api_case_photo_get(struct req *r)
{
	struct db *db = reader(r);
	struct case_actor a;
	cases_actor_from_user(&r->user, &a);
	char mime[32];
	if (!db)
		return r->err.status;
	if (r->params[1] < 1 || r->params[1] > CASES_MAX_PHOTOS)
		return xf_fail(&r->err, XF_ENOTFOUND, "not_found", "没有这张照片");
	int rc =
	    cases_photo_get(db, r->params[0], (int)r->params[1], &a, mime, &r->resp.body, &r->err);
	if (rc != XF_OK)
		return rc;
	r->resp.status = 200;
	/* Only the three types ever stored; nosniff comes with every answer (server.c). */
	r->resp.content_type = strcmp(mime, "image/png") == 0    ? "image/png"
	                       : strcmp(mime, "image/webp") == 0 ? "image/webp"
	                                                         : "image/jpeg";
	resp_header(r, "Content-Disposition", "inline");
	return XF_OK;
}

/* ---- rates ---- */

int api_case_report(struct req *r)
{
	struct db *db = reader(r);
	if (!db)
		return r->err.status;
	int64_t place, now = clock_now(), from = now - 365 * 86400, to = now + 1;
	const char *f = req_query(r, "from"), *t = req_query(r, "to");
	if (api_place_param(r, r->user.place_id, &place) != XF_OK)
		return r->err.status;
	if (f && (!parse_i64(f, &from) || from < 0))
		return xf_fail_field(&r->err, XF_EINVAL, "validation_failed", "from",
		                     "from 应为 Unix 秒");
	if (t && (!parse_i64(t, &to) || to <= from))
		return xf_fail_field(&r->err, XF_EINVAL, "validation_failed", "to",
		                     "to 应为晚于 from 的 Unix 秒");
	int rc = authz_check(db, &r->user, "cases.report", place, &r->err);
	json_t *v;
	if (rc != XF_OK || (rc = cases_report_json(db, place, from, to, &v, &r->err)) != XF_OK)
		return rc;
	resp_take_json(r, 200, v);
	return XF_OK;
}

/* ---- the scheduler ---- */

static int tick_fn(struct db *db, void *arg, struct xf_err *err)
{
	int e, w, c;
	return cases_tick(db, clock_now(), &e, &w, &c, err);
}

static int tick_task(void *ctx, struct xf_err *err)
{
	struct app *app = ctx;
	return store_write(app->store, tick_fn, NULL, err);
}

void api_cases_schedule(struct app *app)
{
	sched_add(app->sched, "cases_deadlines", 60, tick_task, app);
}
