/* 负面清单 of 书记工程: the red lines (40+ seeded by migration 0011, edited, added and
 * retired by the administrator; a retired line keeps its records), and the violations found
 * at a place with how they were handled. Not the co-building negative list for members'
 * service posts (src/coop). */
#include "duty_int.h"
#include "../core/jv.h"
#include "../registry/registry.h"

#include <stdio.h>
#include <string.h>

static json_t *line_row(struct db_stmt *st)
{
	return json_pack("{s:I, s:I, s:s, s:s, s:b, s:I}", "id", (json_int_t)db_col_int(st, 0),
	                 "ord", (json_int_t)db_col_int(st, 1), "category", db_col_text(st, 2),
	                 "text", db_col_text(st, 3), "active", (int)db_col_int(st, 4), "violations",
	                 (json_int_t)db_col_int(st, 5));
}

DUTY_OP(duty_red_lines_list)
{
	/* ?status=all includes retired lines. */
	bool all = strcmp(jv_str(body, "status", ""), "all") == 0;
	struct db_stmt *st = db_prep(
	    db,
	    "SELECT l.id, l.ord, l.category, l.text, l.active, (SELECT count(*) FROM"
	    " red_line_violations v WHERE v.red_line_id = l.id) FROM red_lines l WHERE l.active = 1"
	    " OR ? = 1 ORDER BY l.active DESC, l.ord, l.id LIMIT 500",
	    err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, all);
	json_t *items = json_array();
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(items, line_row(st));
	if (rc < 0) {
		json_decref(items);
		return rc;
	}
	*out = duty_page(items);
	return XF_OK;
}

static int line_get(struct db *db, int64_t id, json_t **out, struct xf_err *err)
{
	struct db_stmt *st = db_prep(
	    db,
	    "SELECT l.id, l.ord, l.category, l.text, l.active, (SELECT count(*) FROM"
	    " red_line_violations v WHERE v.red_line_id = l.id) FROM red_lines l WHERE l.id = ?",
	    err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	int rc = db_step(st, err);
	if (rc != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_ENOTFOUND, "not_found", "没有这条红线");
	*out = line_row(st);
	db_reset(st);
	return XF_OK;
}

static int text_taken(struct db *db, const char *text, int64_t except, struct xf_err *err)
{
	int64_t n = 0;
	int rc = db_int(db, err, &n, "SELECT count(*) FROM red_lines WHERE text = ? AND id <> ?",
	                "ti", text, except);
	if (rc == XF_OK && n)
		return xf_fail_field(err, XF_ECONFLICT, "duplicate", "text", "已有同样内容的红线");
	return rc;
}

DUTY_OP(duty_red_line_create)
{
	const char *text = jv_str(body, "text", ""), *category = jv_str(body, "category", "");
	int rc = text_taken(db, text, 0, err);
	if (rc != XF_OK)
		return rc;
	struct db_stmt *st =
	    db_prep(db,
	            "INSERT INTO red_lines(ord, category, text, active, updated_at)"
	            " VALUES ((SELECT coalesce(max(ord), 0) + 1 FROM red_lines), ?,"
	            " ?, 1, ?) RETURNING id",
	            err);
	if (!st)
		return err->status;
	db_bind_text(st, 1, category);
	db_bind_text(st, 2, text);
	db_bind_int(st, 3, now);
	if ((rc = db_step(st, err)) != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_EDB, "db_error", "保存失败");
	int64_t lid = db_col_int(st, 0);
	db_reset(st);
	return line_get(db, lid, out, err);
}

DUTY_OP(duty_red_line_update)
{
	json_t *cur = NULL;
	int rc = line_get(db, id, &cur, err);
	if (rc != XF_OK)
		return rc;
	const char *text = jv_str(body, "text", json_string_value(json_object_get(cur, "text")));
	const char *category =
	    jv_str(body, "category", json_string_value(json_object_get(cur, "category")));
	int active = jv_bool(body, "active", json_is_true(json_object_get(cur, "active")));
	if (!json_object_size(body)) {
		json_decref(cur);
		return xf_fail(err, XF_EINVAL, "validation_failed", "没有要修改的内容");
	}
	if ((rc = text_taken(db, text, id, err)) == XF_OK)
		rc =
		    db_run(db, err,
		           "UPDATE red_lines SET text = ?, category = ?, active = ?, updated_at = ?"
		           " WHERE id = ?",
		           "ttiii", text, category, (int64_t)active, now, id);
	json_decref(cur); /* text and category point into it until here */
	if (rc != XF_OK)
		return rc;
	return line_get(db, id, out, err);
}

/* ---- violations ---- */

#define VIOLATION_COLS                                                                             \
	"SELECT v.id, v.red_line_id, l.text, l.category, v.place_id, p.name, v.subject,"           \
	" v.description, v.found_at, v.status, v.handling, coalesce(v.handled_at, 0) FROM"         \
	" red_line_violations v JOIN red_lines l ON l.id = v.red_line_id CROSS JOIN places p "

static json_t *violation_row(struct db_stmt *st)
{
	json_t *o =
	    json_pack("{s:I, s:I, s:s, s:s, s:I, s:s, s:s, s:s, s:I, s:s, s:s}", "id",
	              (json_int_t)db_col_int(st, 0), "red_line_id", (json_int_t)db_col_int(st, 1),
	              "red_line", db_col_text(st, 2), "category", db_col_text(st, 3), "place_id",
	              (json_int_t)db_col_int(st, 4), "place_name", db_col_text(st, 5), "subject",
	              db_col_text(st, 6), "description", db_col_text(st, 7), "found_at",
	              (json_int_t)db_col_int(st, 8), "status", db_col_text(st, 9), "handling",
	              db_col_text(st, 10));
	json_object_set_new(o, "handled_at",
	                    db_col_int(st, 11) ? json_integer(db_col_int(st, 11)) : json_null());
	bool handled = strcmp(db_col_text(st, 9), "handled") == 0;
	json_object_set_new(o, "status_label", json_string(handled ? "已处理" : "待处理"));
	return o;
}

DUTY_OP(duty_violations_list)
{
	int64_t place;
	char lo[256], hi[256];
	int rc = duty_query_place(db, a, body, "duty.read", &place, err);
	if (rc == XF_OK)
		rc = registry_subtree(db, place, lo, hi, err);
	if (rc != XF_OK)
		return rc;
	const char *status = jv_str(body, "status", "");
	if (*status && strcmp(status, "reported") != 0 && strcmp(status, "handled") != 0)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "status",
		                     "状态只能是 reported（待处理）或 handled（已处理）");
	struct db_stmt *st = db_prep(
	    db,
	    VIOLATION_COLS "WHERE p.id = v.place_id AND p.path >= ? AND p.path < ? AND (? = '' OR"
	                   " v.status = ?) ORDER BY v.found_at DESC, v.id"
	                   " DESC LIMIT 500",
	    err);
	if (!st)
		return err->status;
	db_bind_text(st, 1, lo);
	db_bind_text(st, 2, hi);
	db_bind_text(st, 3, status);
	db_bind_text(st, 4, status);
	json_t *items = json_array();
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(items, violation_row(st));
	if (rc < 0) {
		json_decref(items);
		return rc;
	}
	*out = duty_page(items);
	return XF_OK;
}

static int violation_get(struct db *db, int64_t id, json_t **out, struct xf_err *err)
{
	struct db_stmt *st =
	    db_prep(db, VIOLATION_COLS "WHERE p.id = v.place_id AND v.id = ?", err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	int rc = db_step(st, err);
	if (rc != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_ENOTFOUND, "not_found", "没有这条违反记录");
	*out = violation_row(st);
	db_reset(st);
	return XF_OK;
}

DUTY_OP(duty_violation_create)
{
	int64_t place = jv_int(body, "place_id", 0), line = jv_int(body, "red_line_id", 0);
	int64_t found = jv_int(body, "found_at", now), active = -1;
	int rc = actor_need(db, a, "duty.manage", place, err);
	if (rc != XF_OK)
		return rc;
	rc = db_int(db, err, &active, "SELECT active FROM red_lines WHERE id = ?", "i", line);
	if (rc == XF_ENOTFOUND)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "red_line_id",
		                     "没有这条红线");
	if (rc != XF_OK)
		return rc;
	if (!active)
		return xf_fail_field(err, XF_ECONFLICT, "red_line_retired", "red_line_id",
		                     "这条红线已经停用");
	if (found > now)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "found_at",
		                     "发现时间不能晚于现在");
	int64_t district = duty_district_of(db, place);
	struct db_stmt *st = db_prep(
	    db,
	    "INSERT INTO red_line_violations(red_line_id, place_id, subject, description, found_at,"
	    " status, created_by, created_at, district_id) VALUES (?, ?, ?, ?, ?, 'reported', ?, ?,"
	    " ?) RETURNING id",
	    err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, line);
	db_bind_int(st, 2, place);
	db_bind_text(st, 3, jv_str(body, "subject", ""));
	db_bind_text(st, 4, jv_str(body, "description", ""));
	db_bind_int(st, 5, found);
	db_bind_int(st, 6, a->user_id);
	db_bind_int(st, 7, now);
	if (district)
		db_bind_int(st, 8, district);
	else
		db_bind_null(st, 8);
	if ((rc = db_step(st, err)) != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_EDB, "db_error", "保存失败");
	int64_t vid = db_col_int(st, 0);
	db_reset(st);
	return violation_get(db, vid, out, err);
}

DUTY_OP(duty_violation_handle)
{
	int64_t place = 0, handled = 0;
	int rc = db_int(db, err, &place, "SELECT place_id FROM red_line_violations WHERE id = ?",
	                "i", id);
	if (rc == XF_ENOTFOUND)
		return xf_fail(err, XF_ENOTFOUND, "not_found", "没有这条违反记录");
	if (rc == XF_OK)
		rc = actor_need(db, a, "duty.manage", place, err);
	if (rc == XF_OK)
		rc = db_int(db, err, &handled,
		            "SELECT count(*) FROM red_line_violations WHERE id = ? AND status ="
		            " 'handled'",
		            "i", id);
	if (rc != XF_OK)
		return rc;
	if (handled)
		return xf_fail(err, XF_ECONFLICT, "already_handled", "这条记录已经处理完毕");
	if ((rc = db_run(db, err,
	                 "UPDATE red_line_violations SET status = 'handled', handling = ?,"
	                 " handled_by = ?, handled_at = ? WHERE id = ?",
	                 "tiii", jv_str(body, "handling", ""), a->user_id, now, id)) != XF_OK)
		return rc;
	return violation_get(db, id, out, err);
}
