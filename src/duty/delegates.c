/* 党代表工作室: the delegates stationed at a studio (registry positions, post 'delegate'),
 * their visits and receptions, the half-yearly 述职评议 (the delegate reports, the community
 * scores once), 询问质询 with the department's answer, and the cases residents addressed to
 * the studio (src/cases). A delegate sees and writes for their own studio; staff for the
 * studios in their area. */
#include "duty_int.h"
#include "../core/jv.h"
#include "../registry/registry.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static int studio_place(struct db *db, int64_t studio, int64_t *place, struct xf_err *err)
{
	int rc = db_int(db, err, place,
	                "SELECT place_id FROM orgs WHERE id = ? AND kind = 'delegate_studio'", "i",
	                studio);
	if (rc == XF_ENOTFOUND)
		return xf_fail(err, XF_ENOTFOUND, "not_found", "没有这个党代表工作室");
	return rc;
}

static bool delegate_of(struct db *db, int64_t person, int64_t studio)
{
	struct xf_err e;
	int64_t n = 0;
	return person && studio &&
	       db_int(db, &e, &n,
	              "SELECT count(*) FROM positions WHERE person_id = ? AND org_id = ? AND"
	              " post = 'delegate' AND ended_at IS NULL",
	              "ii", person, studio) == XF_OK &&
	       n > 0;
}

/* The caller is this studio's delegate (signed in as one). */
static bool is_own_delegate(struct db *db, const struct actor *a, int64_t studio)
{
	return strcmp(a->role, "delegate") == 0 && delegate_of(db, a->person_id, studio);
}

/* Who a visit or inquiry is recorded for: the signed-in delegate themselves, or (staff with
 * duty.manage over the studio) a delegate of the studio named in the body. */
static int author(struct db *db, const struct actor *a, json_t *body, int64_t studio, int64_t place,
                  int64_t *person, struct xf_err *err)
{
	int64_t named = jv_int(body, "person_id", 0);
	if (is_own_delegate(db, a, studio)) {
		if (named && named != a->person_id)
			return xf_fail_field(err, XF_EPERM, "forbidden", "person_id",
			                     "党代表只能登记自己的履职记录");
		*person = a->person_id;
		return XF_OK;
	}
	int rc = actor_need(db, a, "duty.manage", place, err);
	if (rc != XF_OK)
		return rc;
	if (!delegate_of(db, named, studio))
		return xf_fail_field(err, XF_EINVAL, "not_delegate", "person_id",
		                     "请选择进驻本工作室的党代表");
	*person = named;
	return XF_OK;
}

static void bind_district(struct db *db, struct db_stmt *st, int idx, int64_t place)
{
	int64_t d = duty_district_of(db, place);
	if (d)
		db_bind_int(st, idx, d);
	else
		db_bind_null(st, idx);
}

DUTY_OP(duty_delegates_list)
{
	int64_t place = 0, self = 0;
	char lo[256], hi[256];
	int rc;
	if (strcmp(a->role, "delegate") == 0 && a->person_id) {
		self = a->person_id; /* a delegate sees themselves, wherever they serve */
		place = 0;
		snprintf(lo, sizeof lo, "/");
		snprintf(hi, sizeof hi, "0");
	} else {
		if ((rc = duty_query_place(db, a, body, "duty.read", &place, err)) != XF_OK ||
		    (rc = registry_subtree(db, place, lo, hi, err)) != XF_OK)
			return rc;
	}
	struct db_stmt *st = db_prep(
	    db,
	    "SELECT ps.person_id, pe.name, o.id, o.name, p.name, ps.started_at, (SELECT count(*)"
	    " FROM delegate_visits v WHERE v.person_id = ps.person_id AND v.studio_org_id = o.id"
	    " AND v.kind = 'visit'), (SELECT count(*) FROM delegate_visits v WHERE v.person_id ="
	    " ps.person_id AND v.studio_org_id = o.id AND v.kind = 'reception'), (SELECT count(*)"
	    " FROM delegate_inquiries q WHERE q.person_id = ps.person_id), (SELECT count(*) FROM"
	    " cases c WHERE c.studio_org_id = o.id), coalesce((SELECT r.score FROM "
	    "delegate_reviews r"
	    " WHERE r.person_id = ps.person_id AND r.status = 'scored' ORDER BY r.year DESC, r.half"
	    " DESC LIMIT 1), -1) FROM positions ps JOIN orgs o ON o.id = ps.org_id AND o.kind ="
	    " 'delegate_studio' JOIN places p ON p.id = o.place_id JOIN people pe ON pe.id ="
	    " ps.person_id WHERE ps.post = 'delegate' AND ps.ended_at IS NULL AND ((? > 0 AND"
	    " ps.person_id = ?) OR (? = 0 AND p.path >= ? AND p.path < ?)) ORDER BY p.path, o.id,"
	    " ps.id LIMIT 1000",
	    err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, self);
	db_bind_int(st, 2, self);
	db_bind_int(st, 3, self);
	db_bind_text(st, 4, lo);
	db_bind_text(st, 5, hi);
	json_t *items = json_array();
	while ((rc = db_step(st, err)) == DB_ROW) {
		int64_t score = db_col_int(st, 10);
		json_t *o = json_pack(
		    "{s:I, s:s, s:I, s:s, s:s, s:I, s:I, s:I, s:I, s:I}", "person_id",
		    (json_int_t)db_col_int(st, 0), "name", db_col_text(st, 1), "studio_id",
		    (json_int_t)db_col_int(st, 2), "studio_name", db_col_text(st, 3), "place_name",
		    db_col_text(st, 4), "since", (json_int_t)db_col_int(st, 5), "visits",
		    (json_int_t)db_col_int(st, 6), "receptions", (json_int_t)db_col_int(st, 7),
		    "inquiries", (json_int_t)db_col_int(st, 8), "cases",
		    (json_int_t)db_col_int(st, 9));
		json_object_set_new(o, "last_score",
		                    score >= 0 ? json_integer(score) : json_null());
		json_array_append_new(items, o);
	}
	if (rc < 0) {
		json_decref(items);
		return rc;
	}
	*out = duty_page(items);
	return XF_OK;
}

static int rows(struct db_stmt *st, json_t *arr, json_t *(*fn)(struct db_stmt *),
                struct xf_err *err)
{
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(arr, fn(st));
	return rc < 0 ? rc : XF_OK;
}

static json_t *delegate_row(struct db_stmt *st)
{
	return json_pack("{s:I, s:s, s:I}", "person_id", (json_int_t)db_col_int(st, 0), "name",
	                 db_col_text(st, 1), "since", (json_int_t)db_col_int(st, 2));
}

static json_t *visit_row(struct db_stmt *st)
{
	return json_pack("{s:I, s:I, s:s, s:s, s:I, s:s, s:s, s:I}", "id",
	                 (json_int_t)db_col_int(st, 0), "person_id", (json_int_t)db_col_int(st, 1),
	                 "delegate", db_col_text(st, 2), "kind", db_col_text(st, 3), "held_at",
	                 (json_int_t)db_col_int(st, 4), "topic", db_col_text(st, 5), "summary",
	                 db_col_text(st, 6), "people", (json_int_t)db_col_int(st, 7));
}

static json_t *review_row(struct db_stmt *st)
{
	json_t *o = json_pack("{s:I, s:I, s:s, s:I, s:I, s:s, s:s, s:s, s:s}", "id",
	                      (json_int_t)db_col_int(st, 0), "person_id",
	                      (json_int_t)db_col_int(st, 1), "delegate", db_col_text(st, 2), "year",
	                      (json_int_t)db_col_int(st, 3), "half", (json_int_t)db_col_int(st, 4),
	                      "report", db_col_text(st, 5), "status", db_col_text(st, 6), "grade",
	                      db_col_text(st, 8), "comment", db_col_text(st, 9));
	json_object_set_new(o, "score",
	                    db_col_null(st, 7) ? json_null() : json_integer(db_col_int(st, 7)));
	return o;
}

static json_t *inquiry_row(struct db_stmt *st)
{
	return json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I}", "id",
	                 (json_int_t)db_col_int(st, 0), "person_id", (json_int_t)db_col_int(st, 1),
	                 "delegate", db_col_text(st, 2), "kind", db_col_text(st, 3), "target",
	                 db_col_text(st, 4), "subject", db_col_text(st, 5), "content",
	                 db_col_text(st, 6), "status", db_col_text(st, 7), "answer",
	                 db_col_text(st, 8), "created_at", (json_int_t)db_col_int(st, 9));
}

static json_t *case_row(struct db_stmt *st)
{
	return json_pack("{s:I, s:s, s:s, s:I}", "id", (json_int_t)db_col_int(st, 0), "title",
	                 db_col_text(st, 1), "status", db_col_text(st, 2), "created_at",
	                 (json_int_t)db_col_int(st, 3));
}

DUTY_OP(duty_studio_get)
{
	int64_t place;
	int rc = studio_place(db, id, &place, err);
	if (rc != XF_OK)
		return rc;
	if (!is_own_delegate(db, a, id) &&
	    (rc = actor_need(db, a, "duty.read", place, err)) != XF_OK)
		return rc;
	struct db_stmt *st = db_prep(db,
	                             "SELECT o.name, p.name, (SELECT count(*) FROM cases c WHERE"
	                             " c.studio_org_id = o.id), (SELECT count(*) FROM cases c WHERE"
	                             " c.studio_org_id = o.id AND c.status <> 'closed') FROM orgs o"
	                             " JOIN places p ON p.id = o.place_id WHERE o.id = ?",
	                             err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	if ((rc = db_step(st, err)) != DB_ROW)
		return rc < 0 ? rc
		              : xf_fail(err, XF_ENOTFOUND, "not_found", "没有这个党代表工作室");
	json_t *dl = json_array(), *vs = json_array(), *rv = json_array(), *iq = json_array(),
	       *cs = json_array();
	json_t *v = json_pack("{s:I, s:s, s:I, s:s, s:b, s:o, s:o, s:o, s:o, s:{s:I, s:I, s:o}}",
	                      "id", (json_int_t)id, "name", db_col_text(st, 0), "place_id",
	                      (json_int_t)place, "place_name", db_col_text(st, 1), "mine",
	                      is_own_delegate(db, a, id), "delegates", dl, "visits", vs, "reviews",
	                      rv, "inquiries", iq, "cases", "total", (json_int_t)db_col_int(st, 2),
	                      "open", (json_int_t)db_col_int(st, 3), "items", cs);
	db_reset(st);
	st = db_prep(db,
	             "SELECT ps.person_id, pe.name, ps.started_at FROM positions ps JOIN people pe"
	             " ON pe.id = ps.person_id WHERE ps.org_id = ? AND ps.post = 'delegate' AND"
	             " ps.ended_at IS NULL ORDER BY ps.id LIMIT 20",
	             err);
	if (!st || (db_bind_int(st, 1, id), rc = rows(st, dl, delegate_row, err)) != XF_OK)
		goto fail;
	st = db_prep(db,
	             "SELECT v.id, v.person_id, pe.name, v.kind, v.held_at, v.topic, v.summary,"
	             " v.people FROM delegate_visits v JOIN people pe ON pe.id = v.person_id WHERE"
	             " v.studio_org_id = ? ORDER BY v.held_at DESC, v.id DESC LIMIT 100",
	             err);
	if (!st || (db_bind_int(st, 1, id), rc = rows(st, vs, visit_row, err)) != XF_OK)
		goto fail;
	st = db_prep(
	    db,
	    "SELECT r.id, r.person_id, pe.name, r.year, r.half, r.report, r.status, r.score,"
	    " coalesce(r.grade, ''), r.comment FROM delegate_reviews r JOIN people pe ON"
	    " pe.id = r.person_id WHERE r.studio_org_id = ? ORDER BY r.year DESC, r.half"
	    " DESC, r.id LIMIT 100",
	    err);
	if (!st || (db_bind_int(st, 1, id), rc = rows(st, rv, review_row, err)) != XF_OK)
		goto fail;
	st = db_prep(db,
	             "SELECT q.id, q.person_id, pe.name, q.kind, q.target, q.subject, q.content,"
	             " q.status, q.answer, q.created_at FROM delegate_inquiries q JOIN people pe ON"
	             " pe.id = q.person_id WHERE q.studio_org_id = ? ORDER BY q.id DESC LIMIT 100",
	             err);
	if (!st || (db_bind_int(st, 1, id), rc = rows(st, iq, inquiry_row, err)) != XF_OK)
		goto fail;
	st = db_prep(db,
	             "SELECT id, title, status, created_at FROM cases WHERE studio_org_id = ? ORDER"
	             " BY id DESC LIMIT 50",
	             err);
	if (!st || (db_bind_int(st, 1, id), rc = rows(st, cs, case_row, err)) != XF_OK)
		goto fail;
	*out = v;
	return XF_OK;
fail:
	json_decref(v);
	return st ? rc : err->status;
}

DUTY_OP(duty_visit_create)
{
	int64_t place, person;
	int rc = studio_place(db, id, &place, err);
	if (rc == XF_OK)
		rc = author(db, a, body, id, place, &person, err);
	if (rc != XF_OK)
		return rc;
	const char *kind = jv_str(body, "kind", "");
	int64_t held = jv_int(body, "held_at", 0);
	if (strcmp(kind, "visit") != 0 && strcmp(kind, "reception") != 0)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "kind",
		                     "类型只能是 visit（走访调研）或 reception（接待群众）");
	if (held > now)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "held_at",
		                     "履职记录在事后登记，时间不能晚于现在");
	struct db_stmt *st = db_prep(
	    db,
	    "INSERT INTO delegate_visits(studio_org_id, person_id, kind, held_at, topic, summary,"
	    " people, created_by, created_at, district_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
	    " RETURNING id",
	    err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, person);
	db_bind_text(st, 3, kind);
	db_bind_int(st, 4, held);
	db_bind_text(st, 5, jv_str(body, "topic", ""));
	db_bind_text(st, 6, jv_str(body, "summary", ""));
	db_bind_int(st, 7, jv_int(body, "people", 0));
	db_bind_int(st, 8, a->user_id);
	db_bind_int(st, 9, now);
	bind_district(db, st, 10, place);
	if ((rc = db_step(st, err)) != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_EDB, "db_error", "保存失败");
	int64_t vid = db_col_int(st, 0);
	db_reset(st);
	*out = json_pack("{s:I, s:I, s:I, s:s, s:I}", "id", (json_int_t)vid, "studio_id",
	                 (json_int_t)id, "person_id", (json_int_t)person, "kind", kind, "held_at",
	                 (json_int_t)held);
	return XF_OK;
}

/* Has the half year begun (Beijing time)? A report for a half not yet started is refused. */
static bool half_started(int64_t year, int64_t half, int64_t now)
{
	time_t t = (time_t)(now + 8 * 3600);
	struct tm tm;
	gmtime_r(&t, &tm);
	int64_t cy = tm.tm_year + 1900, ch = tm.tm_mon < 6 ? 1 : 2;
	return year < cy || (year == cy && half <= ch);
}

DUTY_OP(duty_review_report)
{
	int64_t place;
	int rc = studio_place(db, id, &place, err);
	if (rc != XF_OK)
		return rc;
	if (!is_own_delegate(db, a, id))
		return xf_fail(err, XF_EPERM, "not_delegate",
		               "只有进驻本工作室的党代表本人可以述职");
	int64_t year = jv_int(body, "year", 0), half = jv_int(body, "half", 0);
	if (!half_started(year, half, now))
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "half",
		                     "这个半年还没有开始，不能述职");
	int64_t n = 0;
	if ((rc =
	         db_int(db, err, &n,
	                "SELECT count(*) FROM delegate_reviews WHERE person_id = ? AND year = ? AND"
	                " half = ?",
	                "iii", a->person_id, year, half)) != XF_OK)
		return rc;
	if (n)
		return xf_fail(err, XF_ECONFLICT, "already_reported", "这个半年已经述职过了");
	struct db_stmt *st = db_prep(
	    db,
	    "INSERT INTO delegate_reviews(studio_org_id, person_id, year, half, report, status,"
	    " created_at, district_id) VALUES (?, ?, ?, ?, ?, 'reported', ?, ?) RETURNING id",
	    err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, a->person_id);
	db_bind_int(st, 3, year);
	db_bind_int(st, 4, half);
	db_bind_text(st, 5, jv_str(body, "report", ""));
	db_bind_int(st, 6, now);
	bind_district(db, st, 7, place);
	if ((rc = db_step(st, err)) != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_EDB, "db_error", "保存失败");
	int64_t rid = db_col_int(st, 0);
	db_reset(st);
	*out = json_pack("{s:I, s:I, s:I, s:I, s:s}", "id", (json_int_t)rid, "year",
	                 (json_int_t)year, "half", (json_int_t)half, "person_id",
	                 (json_int_t)a->person_id, "status", "reported");
	return XF_OK;
}

static const char *grade_of(int64_t score)
{
	return score >= 90 ? "excellent" : score >= 75 ? "good" : score >= 60 ? "pass" : "fail";
}

DUTY_OP(duty_review_score)
{
	int64_t studio = 0, person = 0, place = 0;
	char status[16] = "";
	struct db_stmt *st = db_prep(
	    db, "SELECT studio_org_id, person_id, status FROM delegate_reviews WHERE id = ?", err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	int rc = db_step(st, err);
	if (rc != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_ENOTFOUND, "not_found", "没有这份述职");
	studio = db_col_int(st, 0);
	person = db_col_int(st, 1);
	snprintf(status, sizeof status, "%s", db_col_text(st, 2));
	db_reset(st);
	if ((rc = studio_place(db, studio, &place, err)) != XF_OK ||
	    (rc = actor_need(db, a, "duty.manage", place, err)) != XF_OK)
		return rc;
	if (a->person_id && a->person_id == person)
		return xf_fail(err, XF_EPERM, "own_review", "不能评议自己的述职");
	if (strcmp(status, "scored") == 0)
		return xf_fail(err, XF_ECONFLICT, "already_scored", "这份述职已经评议过了");
	int64_t score = jv_int(body, "score", 0);
	if ((rc = db_run(db, err,
	                 "UPDATE delegate_reviews SET status = 'scored', score = ?, grade = ?,"
	                 " comment = ?, scored_by = ?, scored_at = ? WHERE id = ?",
	                 "ittiii", score, grade_of(score), jv_str(body, "comment", ""), a->user_id,
	                 now, id)) != XF_OK)
		return rc;
	*out = json_pack("{s:I, s:s, s:I, s:s}", "id", (json_int_t)id, "status", "scored", "score",
	                 (json_int_t)score, "grade", grade_of(score));
	return XF_OK;
}

DUTY_OP(duty_inquiry_create)
{
	int64_t place, person;
	int rc = studio_place(db, id, &place, err);
	if (rc == XF_OK)
		rc = author(db, a, body, id, place, &person, err);
	if (rc != XF_OK)
		return rc;
	const char *kind = jv_str(body, "kind", "inquiry");
	if (strcmp(kind, "inquiry") != 0 && strcmp(kind, "interpellation") != 0)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "kind",
		                     "类型只能是 inquiry（询问）或 interpellation（质询）");
	struct db_stmt *st = db_prep(
	    db,
	    "INSERT INTO delegate_inquiries(studio_org_id, person_id, kind, target, subject,"
	    " content, status, created_by, created_at, district_id) VALUES (?, ?, ?, ?, ?, ?,"
	    " 'open', ?, ?, ?) RETURNING id",
	    err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, person);
	db_bind_text(st, 3, kind);
	db_bind_text(st, 4, jv_str(body, "target", ""));
	db_bind_text(st, 5, jv_str(body, "subject", ""));
	db_bind_text(st, 6, jv_str(body, "content", ""));
	db_bind_int(st, 7, a->user_id);
	db_bind_int(st, 8, now);
	bind_district(db, st, 9, place);
	if ((rc = db_step(st, err)) != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_EDB, "db_error", "保存失败");
	int64_t qid = db_col_int(st, 0);
	db_reset(st);
	*out = json_pack("{s:I, s:I, s:I, s:s, s:s}", "id", (json_int_t)qid, "studio_id",
	                 (json_int_t)id, "person_id", (json_int_t)person, "kind", kind, "status",
	                 "open");
	return XF_OK;
}

DUTY_OP(duty_inquiry_answer)
{
	int64_t studio = 0, place = 0, answered = 0;
	int rc = db_int(db, err, &studio,
	                "SELECT studio_org_id FROM delegate_inquiries WHERE id = ?", "i", id);
	if (rc == XF_ENOTFOUND)
		return xf_fail(err, XF_ENOTFOUND, "not_found", "没有这条询问质询");
	if (rc == XF_OK)
		rc = studio_place(db, studio, &place, err);
	if (rc == XF_OK)
		rc = actor_need(db, a, "duty.manage", place, err);
	if (rc == XF_OK)
		rc = db_int(db, err, &answered,
		            "SELECT count(*) FROM delegate_inquiries WHERE id = ? AND status ="
		            " 'answered'",
		            "i", id);
	if (rc != XF_OK)
		return rc;
	if (answered)
		return xf_fail(err, XF_ECONFLICT, "already_answered", "这条询问质询已经答复");
	if ((rc = db_run(db, err,
	                 "UPDATE delegate_inquiries SET status = 'answered', answer = ?,"
	                 " answered_by = ?, answered_at = ? WHERE id = ?",
	                 "tiii", jv_str(body, "answer", ""), a->user_id, now, id)) != XF_OK)
		return rc;
	*out = json_pack("{s:I, s:s}", "id", (json_int_t)id, "status", "answered");
	return XF_OK;
}
