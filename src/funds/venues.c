/* 党群服务中心, their upgrade projects and the 六有 checklist; venues (centre rooms and the
 * rooms units open) and bookings: opening hours, approval where the venue needs it, no double
 * booking (checked inside the write job, so two racing requests cannot both win: SQLite runs
 * jobs one at a time and PostgreSQL's SERIALIZABLE reruns the loser), and an arrival code. */
#include "funds.h"
#include "../auth/policy.h"
#include "../auth/totp.h"
#include "../core/buf.h"
#include "../core/crypto.h"
#include "../core/jv.h"
#include "../registry/registry.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *page_of(json_t *items)
{
	return json_pack("{s:o, s:n}", "items", items, "next");
}

/* ---- centres ---- */

static int centre_place(struct db *db, int64_t centre, int64_t *place, struct xf_err *err)
{
	int rc = db_int(db, err, place, "SELECT place_id FROM centres WHERE id = ?", "i", centre);
	if (rc == XF_ENOTFOUND)
		return xf_fail(err, XF_ENOTFOUND, "not_found", "没有这个党群服务中心");
	return rc;
}

FUNDS_OP(centres_create)
{
	int64_t place = jv_int(body, "place_id", 0), n = 0;
	int rc = actor_need(db, a, "funds.manage", place, err);
	if (rc == XF_OK)
		rc = db_int(db, err, &n,
		            "SELECT count(*) FROM places WHERE id = ? AND kind ="
		            " 'community'",
		            "i", place);
	if (rc != XF_OK)
		return rc;
	if (!n)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "place_id",
		                     "党群服务中心建在社区：place_id 应为社区");
	if ((rc = db_int(db, err, &n, "SELECT count(*) FROM centres WHERE place_id = ?", "i",
	                 place)) != XF_OK)
		return rc;
	if (n)
		return xf_fail(err, XF_ECONFLICT, "duplicate", "这个社区已经登记了党群服务中心");
	struct db_stmt *st = db_prep(
	    db,
	    "INSERT INTO centres(place_id, name, address, fitout, created_at, district_id) VALUES"
	    " (?, ?, ?, ?, ?, (SELECT district_id FROM places WHERE id = ?)) RETURNING id",
	    err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, place);
	db_bind_text(st, 2, jv_str(body, "name", ""));
	db_bind_text(st, 3, jv_str(body, "address", ""));
	db_bind_text(st, 4, jv_str(body, "fitout", ""));
	db_bind_int(st, 5, now);
	db_bind_int(st, 6, place);
	if ((rc = db_step(st, err)) != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_EDB, "db_error", "保存失败");
	int64_t cid = db_col_int(st, 0);
	db_reset(st);
	return centres_get(db, a, NULL, cid, now, out, err);
}

FUNDS_OP(centres_list)
{
	int64_t place = jv_int(body, "place", a->place_id);
	char lo[256], hi[256];
	int rc = actor_need(db, a, "funds.read", place, err);
	if (rc == XF_OK)
		rc = registry_subtree(db, place, lo, hi, err);
	if (rc != XF_OK)
		return rc;
	/* The area is the community's service-centre area (places.area_cm2), the one coverage
	 * reads (centres under 1,000 m²). */
	struct db_stmt *st = db_prep(
	    db,
	    "SELECT c.id, c.name, p.id, p.name, coalesce(p.area_cm2, 0), (SELECT count(*) FROM"
	    " venues v WHERE v.centre_id = c.id), (SELECT count(*) FROM centre_projects j WHERE"
	    " j.centre_id = c.id AND j.status <> 'done') FROM centres c CROSS JOIN places p WHERE "
	    "p.id ="
	    " c.place_id AND p.path >= ? AND p.path < ? ORDER BY p.path LIMIT 2000",
	    err);
	if (!st)
		return err->status;
	db_bind_text(st, 1, lo);
	db_bind_text(st, 2, hi);
	json_t *items = json_array();
	int64_t big = 0, n = 0;
	while ((rc = db_step(st, err)) == DB_ROW) {
		int64_t area = db_col_int(st, 4);
		big += area >= 100000; /* 1,000 m² in 0.01 m² */
		n++;
		json_array_append_new(
		    items,
		    json_pack("{s:I, s:s, s:I, s:s, s:I, s:I, s:I}", "id",
		              (json_int_t)db_col_int(st, 0), "name", db_col_text(st, 1), "place_id",
		              (json_int_t)db_col_int(st, 2), "place_name", db_col_text(st, 3),
		              "area_cm2", (json_int_t)area, "rooms", (json_int_t)db_col_int(st, 5),
		              "open_projects", (json_int_t)db_col_int(st, 6)));
	}
	if (rc < 0) {
		json_decref(items);
		return rc;
	}
	*out = json_pack("{s:o, s:n, s:I, s:I}", "items", items, "next", "count", (json_int_t)n,
	                 "at_least_1000", (json_int_t)big);
	return XF_OK;
}

FUNDS_OP(centres_get)
{
	int64_t place = 0;
	int rc = centre_place(db, id, &place, err);
	if (rc == XF_OK)
		rc = actor_need(db, a, "funds.read", place, err);
	if (rc != XF_OK)
		return rc;
	struct db_stmt *st =
	    db_prep(db,
	            "SELECT c.id, c.name, c.address, c.fitout, p.name,"
	            " coalesce(p.area_cm2, 0) FROM centres c JOIN places p ON p.id ="
	            " c.place_id WHERE c.id = ?",
	            err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	if ((rc = db_step(st, err)) != DB_ROW)
		return rc < 0 ? rc
		              : xf_fail(err, XF_ENOTFOUND, "not_found", "没有这个党群服务中心");
	json_t *v = json_pack("{s:I, s:s, s:s, s:s, s:s, s:I, s:[], s:[]}", "id",
	                      (json_int_t)db_col_int(st, 0), "name", db_col_text(st, 1), "address",
	                      db_col_text(st, 2), "fitout", db_col_text(st, 3), "place_name",
	                      db_col_text(st, 4), "area_cm2", (json_int_t)db_col_int(st, 5),
	                      "rooms", "projects");
	db_reset(st);
	st = db_prep(db,
	             "SELECT id, name, kind, capacity, area_cm2, needs_approval FROM venues WHERE"
	             " centre_id = ? ORDER BY id",
	             err);
	if (!st) {
		json_decref(v);
		return err->status;
	}
	db_bind_int(st, 1, id);
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(json_object_get(v, "rooms"),
		                      json_pack("{s:I, s:s, s:s, s:I, s:I, s:b}", "id",
		                                (json_int_t)db_col_int(st, 0), "name",
		                                db_col_text(st, 1), "kind", db_col_text(st, 2),
		                                "capacity", (json_int_t)db_col_int(st, 3),
		                                "area_cm2", (json_int_t)db_col_int(st, 4),
		                                "needs_approval", db_col_int(st, 5) != 0));
	st = rc < 0 ? NULL
	            : db_prep(db,
	                      "SELECT id, kind, title, area_cm2, coalesce(fund_id, 0), budget_fen,"
	                      " status, coalesce(done_at, 0) FROM centre_projects WHERE centre_id ="
	                      " ? ORDER BY id",
	                      err);
	if (!st) {
		json_decref(v);
		return rc < 0 ? rc : err->status;
	}
	db_bind_int(st, 1, id);
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(
		    json_object_get(v, "projects"),
		    json_pack("{s:I, s:s, s:s, s:I, s:I, s:I, s:s, s:I}", "id",
		              (json_int_t)db_col_int(st, 0), "kind", db_col_text(st, 1), "title",
		              db_col_text(st, 2), "area_cm2", (json_int_t)db_col_int(st, 3),
		              "fund_id", (json_int_t)db_col_int(st, 4), "budget_fen",
		              (json_int_t)db_col_int(st, 5), "status", db_col_text(st, 6),
		              "done_at", (json_int_t)db_col_int(st, 7)));
	if (rc < 0) {
		json_decref(v);
		return rc;
	}
	*out = v;
	return XF_OK;
}

FUNDS_OP(centres_project_create)
{
	int64_t place = 0, fund = jv_int(body, "fund_id", 0), n = 0;
	const char *kind = jv_str(body, "kind", "");
	int rc = centre_place(db, id, &place, err);
	if (rc == XF_OK)
		rc = actor_need(db, a, "funds.manage", place, err);
	if (rc != XF_OK)
		return rc;
	static const char *const kinds[] = {"new", "extend", "share", "swap", "buy"};
	bool ok = false;
	for (size_t i = 0; i < XF_ARRAY_LEN(kinds); i++)
		ok |= strcmp(kinds[i], kind) == 0;
	if (!ok)
		return xf_fail_field(
		    err, XF_EINVAL, "validation_failed", "kind",
		    "方式只能是 new（新建）、extend（扩建）、share（共享）、swap（置换）"
		    "或 buy（购买）");
	if (fund && ((rc = db_int(db, err, &n,
	                          "SELECT count(*) FROM funds WHERE id = ? AND kind = 'centre'",
	                          "i", fund)) != XF_OK ||
	             !n))
		return rc != XF_OK ? rc
		                   : xf_fail_field(err, XF_EINVAL, "validation_failed", "fund_id",
		                                   "fund_id 应为一笔阵地提档升级经费");
	struct db_stmt *st = db_prep(
	    db,
	    "INSERT INTO centre_projects(centre_id, kind, title, area_cm2, fund_id, budget_fen,"
	    " status, created_at) VALUES (?, ?, ?, ?, ?, ?, 'planned', ?) RETURNING id",
	    err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, kind);
	db_bind_text(st, 3, jv_str(body, "title", ""));
	db_bind_int(st, 4, jv_int(body, "area_cm2", 0));
	if (fund)
		db_bind_int(st, 5, fund);
	else
		db_bind_null(st, 5);
	db_bind_int(st, 6, jv_int(body, "budget_fen", 0));
	db_bind_int(st, 7, now);
	if ((rc = db_step(st, err)) != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_EDB, "db_error", "保存失败");
	*out = json_pack("{s:I}", "id", (json_int_t)db_col_int(st, 0));
	db_reset(st);
	return XF_OK;
}

FUNDS_OP(centres_project_done)
{
	int64_t centre = 0, place, area = 0;
	char status[12] = "";
	struct db_stmt *st = db_prep(
	    db, "SELECT centre_id, area_cm2, status FROM centre_projects WHERE id = ?", err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	int rc = db_step(st, err);
	if (rc != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_ENOTFOUND, "not_found", "没有这个项目");
	centre = db_col_int(st, 0);
	area = db_col_int(st, 1);
	snprintf(status, sizeof status, "%s", db_col_text(st, 2));
	db_reset(st);
	if ((rc = centre_place(db, centre, &place, err)) != XF_OK ||
	    (rc = actor_need(db, a, "funds.manage", place, err)) != XF_OK)
		return rc;
	if (strcmp(status, "done") == 0)
		return xf_fail(err, XF_ECONFLICT, "invalid_state", "这个项目已经完工");
	/* A finished project adds its area to the community's service centre. */
	if ((rc = db_run(db, err,
	                 "UPDATE centre_projects SET status = 'done', done_at = ? WHERE id = ?",
	                 "ii", now, id)) != XF_OK ||
	    (rc = db_run(db, err,
	                 "UPDATE places SET area_cm2 = coalesce(area_cm2, 0) + ? WHERE id = ?",
	                 "ii", area, place)) != XF_OK)
		return rc;
	return centres_get(db, a, NULL, centre, now, out, err);
}

static const char *const liuyou_items[] = {"place",     "sign",       "system",
                                           "equipment", "activities", "records"};

FUNDS_OP(centres_liuyou_put)
{
	int64_t org = jv_int(body, "org_id", 0), place = 0;
	int rc = db_int(db, err, &place, "SELECT place_id FROM orgs WHERE id = ?", "i", org);
	if (rc == XF_ENOTFOUND)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "org_id", "没有这个组织");
	if (rc == XF_OK)
		rc = actor_need(db, a, "funds.manage", place, err);
	if (rc != XF_OK)
		return rc;
	json_t *items = json_object_get(body, "items"), *it;
	size_t i;
	json_array_foreach(items, i, it)
	{
		const char *item = jv_str(it, "item", "");
		bool ok = json_is_boolean(json_object_get(it, "ok"));
		bool known = false;
		for (size_t k = 0; k < XF_ARRAY_LEN(liuyou_items); k++)
			known |= strcmp(liuyou_items[k], item) == 0;
		if (!ok || !known) {
			char field[32];
			snprintf(field, sizeof field, "items[%zu]", i);
			return xf_fail_field(
			    err, XF_EINVAL, "validation_failed", field,
			    "“六有”只有 place、sign、system、equipment、activities、"
			    "records 六项，每项须有 ok");
		}
	}
	json_array_foreach(items, i, it)
	{
		if ((rc = db_run(
		         db, err,
		         "INSERT INTO liuyou(org_id, item, ok, evidence, at) VALUES (?, ?, ?, ?, ?)"
		         " ON CONFLICT (org_id, item) DO UPDATE SET ok = excluded.ok, evidence ="
		         " excluded.evidence, at = excluded.at",
		         "ititi", org, jv_str(it, "item", ""),
		         (int64_t)json_is_true(json_object_get(it, "ok")),
		         jv_str(it, "evidence", ""), now)) != XF_OK)
			return rc;
	}
	json_t *q = json_pack("{s:I}", "org_id", (json_int_t)org);
	rc = centres_liuyou_get(db, a, q, 0, now, out, err);
	json_decref(q);
	return rc;
}

FUNDS_OP(centres_liuyou_get)
{
	int64_t org = jv_int(body, "org_id", 0), place = 0;
	int rc = db_int(db, err, &place, "SELECT place_id FROM orgs WHERE id = ?", "i", org);
	if (rc == XF_ENOTFOUND)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "org_id", "没有这个组织");
	if (rc == XF_OK)
		rc = actor_need(db, a, "funds.read", place, err);
	if (rc != XF_OK)
		return rc;
	json_t *items = json_array();
	int have = 0;
	for (size_t k = 0; k < XF_ARRAY_LEN(liuyou_items); k++) {
		struct db_stmt *st = db_prep(
		    db, "SELECT ok, evidence, at FROM liuyou WHERE org_id = ? AND item = ?", err);
		if (!st) {
			json_decref(items);
			return err->status;
		}
		db_bind_int(st, 1, org);
		db_bind_text(st, 2, liuyou_items[k]);
		bool ok = false;
		const char *ev = "";
		int64_t at = 0;
		char evbuf[256] = "";
		if ((rc = db_step(st, err)) == DB_ROW) {
			ok = db_col_int(st, 0) != 0;
			snprintf(evbuf, sizeof evbuf, "%s", db_col_text(st, 1));
			ev = evbuf;
			at = db_col_int(st, 2);
			db_reset(st);
		} else if (rc < 0) {
			json_decref(items);
			return rc;
		}
		have += ok;
		json_array_append_new(items,
		                      json_pack("{s:s, s:b, s:s, s:I}", "item", liuyou_items[k],
		                                "ok", ok, "evidence", ev, "at", (json_int_t)at));
	}
	*out = json_pack("{s:I, s:o, s:i, s:b}", "org_id", (json_int_t)org, "items", items, "met",
	                 have, "complete", have == 6);
	return XF_OK;
}

/* ---- venues ---- */

FUNDS_OP(venues_create)
{
	int64_t place = jv_int(body, "place_id", 0), centre = jv_int(body, "centre_id", 0),
	        org = jv_int(body, "org_id", 0), opens = jv_int(body, "opens_min", 480),
	        closes = jv_int(body, "closes_min", 1260), n = 0;
	int rc = actor_need(db, a, "funds.manage", place, err);
	if (rc != XF_OK)
		return rc;
	if (opens >= closes)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "closes_min",
		                     "关门时间应晚于开门时间");
	if (centre &&
	    ((rc = db_int(db, err, &n, "SELECT count(*) FROM centres WHERE id = ? AND place_id = ?",
	                  "ii", centre, place)) != XF_OK ||
	     !n))
		return rc != XF_OK ? rc
		                   : xf_fail_field(err, XF_EINVAL, "validation_failed", "centre_id",
		                                   "centre_id 应为该社区的党群服务中心");
	if (org && ((rc = db_int(db, err, &n, "SELECT count(*) FROM orgs WHERE id = ?", "i",
	                         org)) != XF_OK ||
	            !n))
		return rc != XF_OK ? rc
		                   : xf_fail_field(err, XF_EINVAL, "validation_failed", "org_id",
		                                   "没有这个单位");
	struct db_stmt *st = db_prep(
	    db,
	    "INSERT INTO venues(place_id, centre_id, org_id, name, kind, capacity, area_cm2,"
	    " opens_min, closes_min, needs_approval, created_at, district_id) VALUES (?, ?, ?, ?, "
	    "?,"
	    " ?, ?, ?, ?, ?, ?, (SELECT district_id FROM places WHERE id = ?)) RETURNING id",
	    err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, place);
	if (centre)
		db_bind_int(st, 2, centre);
	else
		db_bind_null(st, 2);
	if (org)
		db_bind_int(st, 3, org);
	else
		db_bind_null(st, 3);
	db_bind_text(st, 4, jv_str(body, "name", ""));
	db_bind_text(st, 5, jv_str(body, "kind", "room"));
	db_bind_int(st, 6, jv_int(body, "capacity", 1));
	db_bind_int(st, 7, jv_int(body, "area_cm2", 0));
	db_bind_int(st, 8, opens);
	db_bind_int(st, 9, closes);
	db_bind_int(st, 10, jv_bool(body, "needs_approval", 0));
	db_bind_int(st, 11, now);
	db_bind_int(st, 12, place);
	if ((rc = db_step(st, err)) != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_EDB, "db_error", "保存失败");
	*out = json_pack("{s:I}", "id", (json_int_t)db_col_int(st, 0));
	db_reset(st);
	return XF_OK;
}

FUNDS_OP(venues_list)
{
	/* Anyone signed in sees the venues of their area (residents book them too). */
	int64_t place = jv_int(body, "place", a->place_id);
	char lo[256], hi[256];
	if (!actor_inside(db, a->place_id, place) && !actor_inside(db, place, a->place_id))
		return xf_fail(err, XF_EPERM, "out_of_scope", "该地点不在您的范围内");
	int rc = registry_subtree(db, place, lo, hi, err);
	if (rc != XF_OK)
		return rc;
	/* Venues inside the area, and those of the places above it (a street's hall). */
	struct db_stmt *st = db_prep(
	    db,
	    "SELECT v.id, v.name, v.kind, v.capacity, v.area_cm2, v.opens_min, v.closes_min,"
	    " v.needs_approval, p.name, coalesce(o.name, ''), coalesce(c.name, '') FROM venues v"
	    " CROSS JOIN places p LEFT JOIN orgs o ON o.id = v.org_id LEFT JOIN centres c ON"
	    " c.id = v.centre_id WHERE p.id = v.place_id AND ((p.path >= ? AND p.path < ?) OR"
	    " substr(?, 1, length(p.path)) = p.path) ORDER BY p.path, v.id LIMIT 500",
	    err);
	if (!st)
		return err->status;
	db_bind_text(st, 1, lo);
	db_bind_text(st, 2, hi);
	db_bind_text(st, 3, lo);
	json_t *items = json_array();
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(
		    items,
		    json_pack("{s:I, s:s, s:s, s:I, s:I, s:I, s:I, s:b, s:s, s:s, s:s}", "id",
		              (json_int_t)db_col_int(st, 0), "name", db_col_text(st, 1), "kind",
		              db_col_text(st, 2), "capacity", (json_int_t)db_col_int(st, 3),
		              "area_cm2", (json_int_t)db_col_int(st, 4), "opens_min",
		              (json_int_t)db_col_int(st, 5), "closes_min",
		              (json_int_t)db_col_int(st, 6), "needs_approval",
		              db_col_int(st, 7) != 0, "place_name", db_col_text(st, 8), "unit",
		              db_col_text(st, 9), "centre", db_col_text(st, 10)));
	if (rc < 0) {
		json_decref(items);
		return rc;
	}
	*out = page_of(items);
	return XF_OK;
}

/* ---- bookings ---- */

struct venue {
	int64_t id, place, capacity, opens, closes, needs_approval;
};

static int venue_load(struct db *db, int64_t id, struct venue *v, struct xf_err *err)
{
	struct db_stmt *st = db_prep(db,
	                             "SELECT id, place_id, capacity, opens_min, closes_min,"
	                             " needs_approval FROM venues WHERE id = ?",
	                             err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	int rc = db_step(st, err);
	if (rc != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_ENOTFOUND, "not_found", "没有这个场地");
	v->id = db_col_int(st, 0);
	v->place = db_col_int(st, 1);
	v->capacity = db_col_int(st, 2);
	v->opens = db_col_int(st, 3);
	v->closes = db_col_int(st, 4);
	v->needs_approval = db_col_int(st, 5);
	db_reset(st);
	return XF_OK;
}

#define BEIJING (8 * 3600)

FUNDS_OP(bookings_create)
{
	struct venue v;
	int64_t venue = jv_int(body, "venue_id", 0), s = jv_int(body, "starts_at", 0),
	        e = jv_int(body, "ends_at", 0), people = jv_int(body, "people", 1), clash = 0;
	int rc = venue_load(db, venue, &v, err);
	if (rc == XF_ENOTFOUND)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "venue_id",
		                     "没有这个场地");
	if (rc != XF_OK)
		return rc;
	if (!actor_inside(db, a->place_id, v.place) && !actor_inside(db, v.place, a->place_id))
		return xf_fail(err, XF_EPERM, "out_of_scope", "这个场地不在您的范围内");
	if (e <= s || e - s > 12 * 3600)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "ends_at",
		                     "结束时间应晚于开始时间，一次最多预约 12 小时");
	if (s < now)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "starts_at",
		                     "不能预约已经过去的时间");
	/* Opening hours, Beijing time, on one day. */
	int64_t day_s = (s + BEIJING) / 86400, day_e = (e - 1 + BEIJING) / 86400;
	int64_t from_min = ((s + BEIJING) % 86400) / 60, to_min = ((e + BEIJING) % 86400) / 60;
	if (to_min == 0)
		to_min = 1440;
	if (day_s != day_e || from_min < v.opens || to_min > v.closes)
		return xf_fail_field(err, XF_EINVAL, "outside_opening_hours", "starts_at",
		                     "不在开放时间内（每天 %02lld:%02lld–%02lld:%02lld）",
		                     (long long)(v.opens / 60), (long long)(v.opens % 60),
		                     (long long)(v.closes / 60), (long long)(v.closes % 60));
	if (people < 1 || people > v.capacity)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "people",
		                     "人数应在 1 到 %lld 之间", (long long)v.capacity);
	/* No overlap with a live booking, read inside this write job. */
	if ((rc =
	         db_int(db, err, &clash,
	                "SELECT count(*) FROM bookings WHERE venue_id = ? AND status IN ('pending',"
	                " 'approved') AND starts_at < ? AND ends_at > ?",
	                "iii", venue, e, s)) != XF_OK)
		return rc;
	if (clash)
		return xf_fail(err, XF_ECONFLICT, "booking_conflict", "这个时段已经有人预约了");
	char secret[65];
	crypto_secret_hex(secret);
	int64_t org = jv_int(body, "org_id", 0);
	struct db_stmt *st = db_prep(
	    db,
	    "INSERT INTO bookings(venue_id, user_id, org_id, purpose, people, starts_at, ends_at,"
	    " status, secret, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
	    err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, venue);
	db_bind_int(st, 2, a->user_id);
	if (org)
		db_bind_int(st, 3, org);
	else
		db_bind_null(st, 3);
	db_bind_text(st, 4, jv_str(body, "purpose", ""));
	db_bind_int(st, 5, people);
	db_bind_int(st, 6, s);
	db_bind_int(st, 7, e);
	db_bind_text(st, 8, v.needs_approval ? "pending" : "approved");
	db_bind_text(st, 9, secret);
	db_bind_int(st, 10, now);
	if ((rc = db_step(st, err)) != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_EDB, "db_error", "预约失败");
	*out = json_pack("{s:I, s:s}", "id", (json_int_t)db_col_int(st, 0), "status",
	                 v.needs_approval ? "pending" : "approved");
	db_reset(st);
	return XF_OK;
}

FUNDS_OP(bookings_list)
{
	struct venue v;
	int64_t venue = jv_int(body, "venue_id", 0), from = jv_int(body, "from", now - 86400),
	        to = jv_int(body, "to", now + 30 * 86400);
	int rc = venue_load(db, venue, &v, err);
	if (rc != XF_OK)
		return rc;
	bool staff = actor_may(db, a, "funds.manage", v.place);
	if (!staff && !actor_inside(db, a->place_id, v.place) &&
	    !actor_inside(db, v.place, a->place_id))
		return xf_fail(err, XF_EPERM, "out_of_scope", "这个场地不在您的范围内");
	/* The calendar: everyone sees when it is taken; who booked and why only staff and the
	 * booker. */
	struct db_stmt *st =
	    db_prep(db,
	            "SELECT b.id, b.starts_at, b.ends_at, b.status, b.user_id,"
	            " u.display_name, b.purpose, b.people, coalesce(b.arrived_at, 0)"
	            " FROM bookings b JOIN users u ON u.id = b.user_id WHERE"
	            " b.venue_id = ? AND b.starts_at < ? AND b.ends_at > ? AND"
	            " b.status IN ('pending', 'approved') ORDER BY b.starts_at"
	            " LIMIT 500",
	            err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, venue);
	db_bind_int(st, 2, to);
	db_bind_int(st, 3, from);
	json_t *items = json_array();
	while ((rc = db_step(st, err)) == DB_ROW) {
		bool mine = db_col_int(st, 4) == a->user_id;
		json_t *b = json_pack(
		    "{s:I, s:I, s:I, s:s, s:b}", "id", (json_int_t)db_col_int(st, 0), "starts_at",
		    (json_int_t)db_col_int(st, 1), "ends_at", (json_int_t)db_col_int(st, 2),
		    "status", db_col_text(st, 3), "mine", mine);
		if (staff || mine) {
			json_object_set_new(b, "booked_by", json_string(db_col_text(st, 5)));
			json_object_set_new(b, "purpose", json_string(db_col_text(st, 6)));
			json_object_set_new(b, "people", json_integer(db_col_int(st, 7)));
			json_object_set_new(b, "arrived_at", json_integer(db_col_int(st, 8)));
		}
		json_array_append_new(items, b);
	}
	if (rc < 0) {
		json_decref(items);
		return rc;
	}
	*out = page_of(items);
	return XF_OK;
}

struct booking {
	int64_t id, venue, place, user, starts, ends, arrived;
	char status[12], secret[65];
};

static int booking_load(struct db *db, int64_t id, struct booking *b, struct xf_err *err)
{
	struct db_stmt *st =
	    db_prep(db,
	            "SELECT b.id, b.venue_id, v.place_id, b.user_id, b.starts_at,"
	            " b.ends_at, coalesce(b.arrived_at, 0), b.status, b.secret FROM"
	            " bookings b JOIN venues v ON v.id = b.venue_id WHERE b.id = ?",
	            err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	int rc = db_step(st, err);
	if (rc != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_ENOTFOUND, "not_found", "没有这条预约");
	b->id = db_col_int(st, 0);
	b->venue = db_col_int(st, 1);
	b->place = db_col_int(st, 2);
	b->user = db_col_int(st, 3);
	b->starts = db_col_int(st, 4);
	b->ends = db_col_int(st, 5);
	b->arrived = db_col_int(st, 6);
	snprintf(b->status, sizeof b->status, "%s", db_col_text(st, 7));
	snprintf(b->secret, sizeof b->secret, "%s", db_col_text(st, 8));
	db_reset(st);
	return XF_OK;
}

static int booking_decide(struct db *db, const struct actor *a, int64_t id, const char *to,
                          int64_t now, json_t **out, struct xf_err *err)
{
	struct booking b;
	int rc = booking_load(db, id, &b, err);
	if (rc == XF_OK)
		rc = actor_need(db, a, "funds.manage", b.place, err);
	if (rc != XF_OK)
		return rc;
	if (strcmp(b.status, "pending") != 0)
		return xf_fail(err, XF_ECONFLICT, "invalid_state", "这条预约已经处理过了");
	if ((rc = db_run(db, err, "UPDATE bookings SET status = ?, decided_by = ? WHERE id = ?",
	                 "tii", to, a->user_id, id)) != XF_OK)
		return rc;
	*out = json_pack("{s:I, s:s}", "id", (json_int_t)id, "status", to);
	return XF_OK;
}

FUNDS_OP(bookings_approve)
{
	return booking_decide(db, a, id, "approved", now, out, err);
}

FUNDS_OP(bookings_reject)
{
	return booking_decide(db, a, id, "rejected", now, out, err);
}

FUNDS_OP(bookings_cancel)
{
	struct booking b;
	int rc = booking_load(db, id, &b, err);
	if (rc != XF_OK)
		return rc;
	if (b.user != a->user_id && !actor_may(db, a, "funds.manage", b.place))
		return xf_fail(err, XF_EPERM, "forbidden", "只能取消自己的预约");
	if (strcmp(b.status, "pending") != 0 && strcmp(b.status, "approved") != 0)
		return xf_fail(err, XF_ECONFLICT, "invalid_state", "这条预约已经取消或被拒绝");
	if ((rc = db_run(db, err, "UPDATE bookings SET status = 'cancelled' WHERE id = ?", "i",
	                 id)) != XF_OK)
		return rc;
	*out = json_pack("{s:I, s:s}", "id", (json_int_t)id, "status", "cancelled");
	return XF_OK;
}

/* The arrival code: the booking id with an HMAC under its own secret; shown as a QR on the
 * booker's phone, checked by the venue's staff. */
static void booking_mac(const struct booking *b, char out[17])
{
	char msg[32];
	snprintf(msg, sizeof msg, "booking:%lld", (long long)b->id);
	crypto_hmac_hex(b->secret, msg, 16, out);
}

FUNDS_OP(bookings_code)
{
	struct booking b;
	int rc = booking_load(db, id, &b, err);
	if (rc != XF_OK)
		return rc;
	if (b.user != a->user_id)
		return xf_fail(err, XF_ENOTFOUND, "not_found", "没有这条预约");
	if (strcmp(b.status, "approved") != 0)
		return xf_fail(err, XF_ECONFLICT, "invalid_state", "预约通过后才有到场码");
	char mac[17], code[64];
	booking_mac(&b, mac);
	snprintf(code, sizeof code, "XF-B%lld-%s", (long long)id, mac);
	struct buf svg = {0};
	if (totp_qr_svg(code, &svg) != XF_OK) {
		buf_free(&svg);
		return xf_fail(err, XF_EINTERNAL, "qr_failed", "生成二维码失败");
	}
	*out = json_pack("{s:s, s:s%}", "code", code, "qr_svg", svg.data, svg.len);
	buf_free(&svg);
	return XF_OK;
}

FUNDS_OP(bookings_arrive)
{
	struct booking b;
	int rc = booking_load(db, id, &b, err);
	if (rc == XF_OK)
		rc = actor_need(db, a, "funds.manage", b.place, err);
	if (rc != XF_OK)
		return rc;
	const char *code = jv_str(body, "code", "");
	char mac[17], want[64];
	booking_mac(&b, mac);
	snprintf(want, sizeof want, "XF-B%lld-%s", (long long)id, mac);
	if (strlen(code) != strlen(want) || sodium_memcmp(code, want, strlen(want)) != 0)
		return xf_fail_field(err, XF_EINVAL, "code_invalid", "code",
		                     "到场码不对（或不是这条预约的）");
	if (strcmp(b.status, "approved") != 0)
		return xf_fail(err, XF_ECONFLICT, "invalid_state", "这条预约没有通过或已取消");
	if (now < b.starts - 3600 || now > b.ends)
		return xf_fail(err, XF_ECONFLICT, "not_now", "不在预约时段内");
	if (!b.arrived && (rc = db_run(db, err, "UPDATE bookings SET arrived_at = ? WHERE id = ?",
	                               "ii", now, id)) != XF_OK)
		return rc;
	*out = json_pack("{s:I, s:I}", "id", (json_int_t)id, "arrived_at",
	                 (json_int_t)(b.arrived ? b.arrived : now));
	return XF_OK;
}
