/* 公益创投: a community's call for projects ("我爱我楼"), applications from residents'
 * groups and social organisations, review scores after the call closes, funding decisions
 * within the call's budget (a grant becomes an expenditure request on the call's fund,
 * under the fund's published rules) and the funded project's progress. */
#include "civic_int.h"
#include "../funds/funds.h"

#include <stdio.h>
#include <string.h>

struct call {
	int64_t id, place, budget, fund, closes;
	char title[256], category[40];
};

static int call_load(struct db *db, int64_t id, struct call *c, struct xf_err *err)
{
	memset(c, 0, sizeof *c);
	struct db_stmt *st = db_prep(db,
	                             "SELECT id, place_id, budget_fen, coalesce(fund_id, 0),"
	                             " closes_at, title, category FROM venture_calls WHERE id = ?",
	                             err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	int rc = db_step(st, err);
	if (rc != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_ENOTFOUND, "not_found", "没有这次公益创投");
	c->id = db_col_int(st, 0);
	c->place = db_col_int(st, 1);
	c->budget = db_col_int(st, 2);
	c->fund = db_col_int(st, 3);
	c->closes = db_col_int(st, 4);
	snprintf(c->title, sizeof c->title, "%s", db_col_text(st, 5));
	snprintf(c->category, sizeof c->category, "%s", db_col_text(st, 6));
	db_reset(st);
	return XF_OK;
}

struct app {
	int64_t id, call, amount, contact, submitted_by;
	char status[12], title[256];
};

static int app_load(struct db *db, int64_t id, struct app *p, struct xf_err *err)
{
	memset(p, 0, sizeof *p);
	struct db_stmt *st = db_prep(db,
	                             "SELECT id, call_id, amount_fen, coalesce(contact_id, 0),"
	                             " coalesce(submitted_by, 0), status, title FROM venture_apps"
	                             " WHERE id = ?",
	                             err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	int rc = db_step(st, err);
	if (rc != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_ENOTFOUND, "not_found", "没有这份申报");
	p->id = db_col_int(st, 0);
	p->call = db_col_int(st, 1);
	p->amount = db_col_int(st, 2);
	p->contact = db_col_int(st, 3);
	p->submitted_by = db_col_int(st, 4);
	snprintf(p->status, sizeof p->status, "%s", db_col_text(st, 5));
	snprintf(p->title, sizeof p->title, "%s", db_col_text(st, 6));
	db_reset(st);
	return XF_OK;
}

/* Staff over the call's place, or a resident living there. */
static bool call_visible(struct db *db, const struct actor *a, const struct call *c, bool *staff)
{
	*staff = civic_staff(a) && actor_may(db, a, "civic.manage", c->place);
	return *staff || (a->person_id && civic_inside(db, c->place, civic_home(db, a->person_id)));
}

static const char call_spec[] = "id:i title:t description:t place_id:i place_name:t budget_fen:i"
                                " fund_id:n category:t closes_at:i applications:i funded:i"
                                " granted_fen:i";

CIVIC_OP(civic_ventures_list)
{
	(void)id;
	json_t *items = json_array();
	int rc = XF_OK;
	struct db_stmt *st = NULL;
	if (civic_staff(a)) {
		char lo[256], hi[256];
		if ((rc = civic_scope(db, a, body, lo, hi, err)) != XF_OK) {
			json_decref(items);
			return rc;
		}
		st = db_prep(
		    db,
		    "SELECT v.id, v.title, v.description, v.place_id, p.name, v.budget_fen,"
		    " v.fund_id, v.category, v.closes_at, (SELECT count(*) FROM venture_apps"
		    " x WHERE x.call_id = v.id), (SELECT count(*) FROM venture_apps x WHERE"
		    " x.call_id = v.id AND x.status = 'funded'), (SELECT"
		    " coalesce(sum(x.granted_fen), 0) FROM venture_apps x WHERE x.call_id ="
		    " v.id AND x.status = 'funded') FROM venture_calls v CROSS JOIN places p WHERE "
		    "p.id"
		    " = v.place_id AND p.path >= ? AND p.path < ? ORDER BY v.id DESC LIMIT"
		    " 100",
		    err);
		if (st) {
			db_bind_text(st, 1, lo);
			db_bind_text(st, 2, hi);
		}
	} else if (a->person_id) {
		st = db_prep(
		    db,
		    "SELECT v.id, v.title, v.description, v.place_id, p.name, v.budget_fen,"
		    " v.fund_id, v.category, v.closes_at, (SELECT count(*) FROM venture_apps"
		    " x WHERE x.call_id = v.id), (SELECT count(*) FROM venture_apps x WHERE"
		    " x.call_id = v.id AND x.status = 'funded'), (SELECT"
		    " coalesce(sum(x.granted_fen), 0) FROM venture_apps x WHERE x.call_id ="
		    " v.id AND x.status = 'funded') FROM venture_calls v JOIN places p ON p.id"
		    " = v.place_id JOIN people me ON me.id = ? JOIN places h ON h.id ="
		    " me.place_id WHERE substr(h.path, 1, length(p.path)) = p.path ORDER BY"
		    " v.id DESC LIMIT 20",
		    err);
		if (st)
			db_bind_int(st, 1, a->person_id);
	} else {
		*out = civic_page(items);
		return XF_OK;
	}
	if (!st) {
		json_decref(items);
		return err->status;
	}
	if ((rc = civic_rows(st, call_spec, 100, items, err)) != XF_OK) {
		json_decref(items);
		return rc;
	}
	size_t i;
	json_t *o;
	json_array_foreach(items, i, o)
	{
		json_object_set_new(
		    o, "open",
		    json_boolean(now < json_integer_value(json_object_get(o, "closes_at"))));
	}
	*out = civic_page(items);
	return XF_OK;
}

CIVIC_OP(civic_venture_create)
{
	(void)id;
	struct civic_place p;
	int rc = civic_place(db, jv_int(body, "place_id", 0), "place_id", &p, err);
	if (rc == XF_OK)
		rc = civic_need(db, a, p.id, err);
	if (rc != XF_OK)
		return rc;
	int64_t closes = jv_int(body, "closes_at", 0), fund = jv_int(body, "fund_id", 0);
	const char *category = jv_str(body, "category", "");
	if (closes <= now)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "closes_at",
		                     "截止时间应在现在之后");
	if (fund) {
		int64_t fplace = 0, ok = 0;
		if (db_int(db, err, &fplace, "SELECT place_id FROM funds WHERE id = ?", "i",
		           fund) != XF_OK ||
		    !civic_inside(db, fplace, p.id))
			return xf_fail_field(err, XF_EINVAL, "validation_failed", "fund_id",
			                     "这笔经费不能用于该地点");
		if ((rc =
		         db_int(db, err, &ok,
		                "SELECT count(*) FROM fund_rule_items i JOIN funds f ON"
		                " f.ruleset_id = i.ruleset_id WHERE f.id = ? AND i.category = ? AND"
		                " i.allowed = 1",
		                "it", fund, category)) != XF_OK)
			return rc;
		if (!ok)
			return xf_fail_field(err, XF_EINVAL, "validation_failed", "category",
			                     "经费使用规则里没有允许的“%s”这一类支出", category);
	}
	struct db_stmt *st = db_prep(db,
	                             "INSERT INTO venture_calls(place_id, title, description,"
	                             " budget_fen, fund_id, category, closes_at, created_by,"
	                             " created_at, district_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?,"
	                             " ?) RETURNING id",
	                             err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, p.id);
	db_bind_text(st, 2, jv_str(body, "title", ""));
	db_bind_text(st, 3, jv_str(body, "description", ""));
	db_bind_int(st, 4, jv_int(body, "budget_fen", 0));
	if (fund)
		db_bind_int(st, 5, fund);
	else
		db_bind_null(st, 5);
	db_bind_text(st, 6, category);
	db_bind_int(st, 7, closes);
	db_bind_int(st, 8, a->user_id);
	db_bind_int(st, 9, now);
	if (p.district)
		db_bind_int(st, 10, p.district);
	else
		db_bind_null(st, 10);
	if ((rc = db_step(st, err)) != DB_ROW)
		return rc < 0 ? rc : XF_EDB;
	int64_t cid = db_col_int(st, 0);
	db_reset(st);
	return civic_venture_get(db, a, NULL, cid, now, out, err);
}

CIVIC_OP(civic_venture_get)
{
	(void)body;
	struct call c;
	bool staff;
	int rc = call_load(db, id, &c, err);
	if (rc != XF_OK)
		return rc;
	if (!call_visible(db, a, &c, &staff))
		return xf_fail(err, XF_EPERM, "out_of_scope", "这次公益创投不在您的社区");
	struct db_stmt *st = db_prep(
	    db,
	    "SELECT v.id, v.title, v.description, v.place_id, p.name, v.budget_fen, v.fund_id,"
	    " v.category, v.closes_at, (SELECT count(*) FROM venture_apps x WHERE x.call_id ="
	    " v.id), (SELECT count(*) FROM venture_apps x WHERE x.call_id = v.id AND x.status ="
	    " 'funded'), (SELECT coalesce(sum(x.granted_fen), 0) FROM venture_apps x WHERE"
	    " x.call_id = v.id AND x.status = 'funded') FROM venture_calls v JOIN places p ON"
	    " p.id = v.place_id WHERE v.id = ?",
	    err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	if ((rc = db_step(st, err)) != DB_ROW)
		return rc < 0 ? rc : XF_EDB;
	json_t *o = civic_row(st, call_spec);
	db_reset(st);
	json_object_set_new(o, "open", json_boolean(now < c.closes));
	json_object_set_new(o, "can_manage", json_boolean(staff));
	json_t *apps = json_array();
	json_object_set_new(o, "applications", apps);
	st = db_prep(
	    db,
	    "SELECT x.id, x.group_name, coalesce(og.name, ''), x.org_id, x.title, x.plan,"
	    " x.amount_fen, x.status, x.granted_fen, x.decision_note, x.progress,"
	    " x.expenditure_id, coalesce(e.status, ''), (SELECT count(*) FROM venture_reviews r"
	    " WHERE r.app_id = x.id), (SELECT coalesce(sum(r.score), 0) FROM venture_reviews r"
	    " WHERE r.app_id = x.id), (SELECT count(*) FROM venture_reviews r WHERE r.app_id ="
	    " x.id AND r.user_id = ?), x.created_at, (SELECT count(*) FROM sansha_links s WHERE"
	    " s.subject = 'venture' AND s.subject_id = x.id) FROM venture_apps x LEFT JOIN orgs"
	    " og ON og.id = x.org_id LEFT JOIN expenditures e ON e.id = x.expenditure_id WHERE"
	    " x.call_id = ? ORDER BY x.id",
	    err);
	if (!st) {
		json_decref(o);
		return err->status;
	}
	db_bind_int(st, 1, a->user_id);
	db_bind_int(st, 2, id);
	if ((rc = civic_rows(st,
	                     "id:i group_name:t org_name:t org_id:n title:t plan:t amount_fen:i"
	                     " status:t granted_fen:n decision_note:t progress:i expenditure_id:n"
	                     " expenditure_status:t reviews:i score_sum:i reviewed_by_me:b"
	                     " created_at:i sansha:i",
	                     500, apps, err)) != XF_OK) {
		json_decref(o);
		return rc;
	}
	/* The mean review score, one decimal, computed here rather than typed anywhere. */
	size_t i;
	json_t *x;
	json_array_foreach(apps, i, x)
	{
		int64_t n = json_integer_value(json_object_get(x, "reviews"));
		int64_t sum = json_integer_value(json_object_get(x, "score_sum"));
		json_object_set_new(x, "score",
		                    n ? json_real((double)(sum * 10 / n) / 10.0) : json_null());
		json_object_del(x, "score_sum");
	}
	*out = o;
	return XF_OK;
}

CIVIC_OP(civic_venture_apply)
{
	struct call c;
	bool staff;
	int rc = call_load(db, id, &c, err);
	if (rc != XF_OK)
		return rc;
	if (!call_visible(db, a, &c, &staff))
		return xf_fail(err, XF_EPERM, "out_of_scope", "只有本社区的居民和团体可以申报");
	if (now >= c.closes)
		return xf_fail(err, XF_ECONFLICT, "call_closed", "申报已经截止");
	int64_t amount = jv_int(body, "amount_fen", 0), org = jv_int(body, "org_id", 0);
	int64_t contact = jv_int(body, "contact_id", 0);
	if (amount > c.budget)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "amount_fen",
		                     "申请金额超过了这次创投的总额");
	if (org) {
		int64_t ok = 0;
		if ((rc = db_int(db, err, &ok,
		                 "SELECT count(*) FROM orgs WHERE id = ? AND kind = 'social_org'",
		                 "i", org)) != XF_OK)
			return rc;
		if (!ok)
			return xf_fail_field(err, XF_EINVAL, "validation_failed", "org_id",
			                     "org_id 应为一个社会组织");
	}
	if (!staff) {
		contact = a->person_id; /* a resident applies for their own group */
	} else if (contact && !civic_inside(db, c.place, civic_home(db, contact))) {
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "contact_id",
		                     "联系人不住在本社区");
	}
	struct db_stmt *st = db_prep(db,
	                             "INSERT INTO venture_apps(call_id, org_id, group_name,"
	                             " contact_id, submitted_by, title, plan, amount_fen, status,"
	                             " created_at, district_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?,"
	                             " 'submitted', ?, (SELECT district_id FROM places WHERE id ="
	                             " ?)) RETURNING id",
	                             err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	if (org)
		db_bind_int(st, 2, org);
	else
		db_bind_null(st, 2);
	db_bind_text(st, 3, jv_str(body, "group_name", ""));
	if (contact)
		db_bind_int(st, 4, contact);
	else
		db_bind_null(st, 4);
	db_bind_int(st, 5, a->user_id);
	db_bind_text(st, 6, jv_str(body, "title", ""));
	db_bind_text(st, 7, jv_str(body, "plan", ""));
	db_bind_int(st, 8, amount);
	db_bind_int(st, 9, now);
	db_bind_int(st, 10, c.place);
	if ((rc = db_step(st, err)) != DB_ROW)
		return rc < 0 ? rc : XF_EDB;
	int64_t aid = db_col_int(st, 0);
	db_reset(st);
	*out = json_pack("{s:I, s:I, s:s}", "id", (json_int_t)aid, "call_id", (json_int_t)id,
	                 "status", "submitted");
	return XF_OK;
}

static int app_staff(struct db *db, const struct actor *a, int64_t app_id, struct app *p,
                     struct call *c, struct xf_err *err)
{
	int rc = app_load(db, app_id, p, err);
	if (rc == XF_OK)
		rc = call_load(db, p->call, c, err);
	if (rc == XF_OK)
		rc = civic_need(db, a, c->place, err);
	return rc;
}

CIVIC_OP(civic_venture_review)
{
	struct app p;
	struct call c;
	int rc = app_staff(db, a, id, &p, &c, err);
	if (rc != XF_OK)
		return rc;
	if (now < c.closes)
		return xf_fail(err, XF_ECONFLICT, "call_still_open", "申报截止后才能评审");
	if (strcmp(p.status, "submitted") != 0)
		return xf_fail(err, XF_ECONFLICT, "already_decided", "这份申报已经作出决定");
	if (p.submitted_by == a->user_id)
		return xf_fail(err, XF_EPERM, "own_application", "不能评审自己代为提交的申报");
	if ((rc = db_run(db, err,
	                 "INSERT INTO venture_reviews(app_id, user_id, score, note, created_at)"
	                 " VALUES (?, ?, ?, ?, ?) ON CONFLICT (app_id, user_id) DO UPDATE SET"
	                 " score = excluded.score, note = excluded.note, created_at ="
	                 " excluded.created_at",
	                 "iiiti", id, a->user_id, jv_int(body, "score", 0),
	                 jv_str(body, "note", ""), now)) != XF_OK)
		return rc;
	return civic_venture_get(db, a, NULL, c.id, now, out, err);
}

CIVIC_OP(civic_venture_decide)
{
	struct app p;
	struct call c;
	int rc = app_staff(db, a, id, &p, &c, err);
	if (rc != XF_OK)
		return rc;
	if (strcmp(p.status, "submitted") != 0)
		return xf_fail(err, XF_ECONFLICT, "already_decided", "这份申报已经作出决定");
	int64_t reviews = 0, granted_sum = 0;
	if ((rc = db_int(db, err, &reviews, "SELECT count(*) FROM venture_reviews WHERE app_id = ?",
	                 "i", id)) != XF_OK)
		return rc;
	if (!reviews)
		return xf_fail(err, XF_ECONFLICT, "not_reviewed", "还没有评审打分，不能作出决定");
	bool fund = jv_bool(body, "fund", 0);
	const char *note = jv_str(body, "note", "");
	int64_t granted = 0, expenditure = 0;
	if (fund) {
		granted = jv_int(body, "granted_fen", p.amount);
		if (granted > p.amount)
			return xf_fail_field(err, XF_EINVAL, "validation_failed", "granted_fen",
			                     "资助金额不能超过申请金额");
		if ((rc = db_int(db, err, &granted_sum,
		                 "SELECT coalesce(sum(granted_fen), 0) FROM venture_apps WHERE"
		                 " call_id = ? AND status = 'funded'",
		                 "i", c.id)) != XF_OK)
			return rc;
		if (granted_sum + granted > c.budget)
			return xf_fail_field(err, XF_EINVAL, "over_budget", "granted_fen",
			                     "超出这次创投的总额：还剩 %lld.%02lld 元",
			                     (long long)((c.budget - granted_sum) / 100),
			                     (long long)((c.budget - granted_sum) % 100));
		if (c.fund) {
			/* The grant is spent from the call's fund: a request under its rules. */
			char title[128];
			snprintf(title, sizeof title, "公益创投：%.100s", p.title);
			json_t *req =
			    json_pack("{s:I, s:s, s:s, s:I, s:s}", "fund_id", (json_int_t)c.fund,
			              "category", c.category, "title", title, "amount_fen",
			              (json_int_t)granted, "outcome", "");
			json_t *exp = NULL;
			rc = funds_expenditure_create(db, a, req, 0, now, &exp, err);
			json_decref(req);
			if (rc != XF_OK)
				return rc;
			expenditure = json_integer_value(json_object_get(exp, "id"));
			json_decref(exp);
		}
	}
	struct db_stmt *st = db_prep(db,
	                             "UPDATE venture_apps SET status = ?, granted_fen = ?,"
	                             " decision_note = ?, decided_by = ?, decided_at = ?,"
	                             " expenditure_id = ? WHERE id = ?",
	                             err);
	if (!st)
		return err->status;
	db_bind_text(st, 1, fund ? "funded" : "rejected");
	if (fund)
		db_bind_int(st, 2, granted);
	else
		db_bind_null(st, 2);
	db_bind_text(st, 3, note);
	db_bind_int(st, 4, a->user_id);
	db_bind_int(st, 5, now);
	if (expenditure)
		db_bind_int(st, 6, expenditure);
	else
		db_bind_null(st, 6);
	db_bind_int(st, 7, id);
	if ((rc = db_step(st, err)) != DB_DONE)
		return rc < 0 ? rc : XF_EDB;
	if (p.contact) {
		char msg[512];
		snprintf(msg, sizeof msg, "您申报的“%s”%s", p.title,
		         fund ? "获得公益创投资助" : "这次未获资助，感谢参与");
		if ((rc = civic_notify(db, p.contact, "公益创投结果", msg, err)) != XF_OK)
			return rc;
	}
	return civic_venture_get(db, a, NULL, c.id, now, out, err);
}

CIVIC_OP(civic_venture_progress)
{
	struct app p;
	struct call c;
	int rc = app_load(db, id, &p, err);
	if (rc == XF_OK)
		rc = call_load(db, p.call, &c, err);
	if (rc != XF_OK)
		return rc;
	bool own = (a->person_id && a->person_id == p.contact) || p.submitted_by == a->user_id;
	if (!own && (rc = civic_need(db, a, c.place, err)) != XF_OK)
		return rc;
	if (strcmp(p.status, "funded") != 0)
		return xf_fail(err, XF_ECONFLICT, "not_funded", "只有获得资助的项目才登记进展");
	int64_t progress = jv_int(body, "progress", 0), before = 0;
	if ((rc = db_int(db, err, &before, "SELECT progress FROM venture_apps WHERE id = ?", "i",
	                 id)) != XF_OK)
		return rc;
	if (progress < before)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "progress",
		                     "进度不能倒退（现在是 %lld%%）", (long long)before);
	if ((rc = db_run(db, err,
	                 "INSERT INTO venture_updates(app_id, progress, note, user_id, created_at)"
	                 " VALUES (?, ?, ?, ?, ?)",
	                 "iitii", id, progress, jv_str(body, "note", ""), a->user_id, now)) !=
	        XF_OK ||
	    (rc = db_run(db, err, "UPDATE venture_apps SET progress = ? WHERE id = ?", "ii",
	                 progress, id)) != XF_OK)
		return rc;
	json_t *ups = json_array();
	struct db_stmt *st = db_prep(db,
	                             "SELECT progress, note, created_at FROM venture_updates WHERE"
	                             " app_id = ? ORDER BY id",
	                             err);
	if (!st) {
		json_decref(ups);
		return err->status;
	}
	db_bind_int(st, 1, id);
	if ((rc = civic_rows(st, "progress:i note:t at:i", 200, ups, err)) != XF_OK) {
		json_decref(ups);
		return rc;
	}
	*out = json_pack("{s:I, s:I, s:o}", "id", (json_int_t)id, "progress", (json_int_t)progress,
	                 "updates", ups);
	return XF_OK;
}
