/* 书记工程: duty lists and their roll-up, joint meetings and leading groups (decisions become
 * 任务清单 items), quarterly site reviews (findings become 问题清单 items) and 挂点领导. */
#include "duty_int.h"
#include "../core/jv.h"
#include "../registry/registry.h"

#include <stdio.h>
#include <string.h>

static const char *const levels[] = {"city", "district", "street", "community"};

const char *duty_level_of(struct db *db, int64_t place, char kind[16])
{
	struct xf_err e;
	kind[0] = 0;
	struct db_stmt *st = db_prep(db, "SELECT kind FROM places WHERE id = ?", &e);
	if (!st)
		return NULL;
	db_bind_int(st, 1, place);
	if (db_step(st, &e) == DB_ROW) {
		snprintf(kind, 16, "%s", db_col_text(st, 0));
		db_reset(st);
	}
	for (size_t i = 0; i < XF_ARRAY_LEN(levels); i++)
		if (strcmp(kind, levels[i]) == 0)
			return levels[i];
	return NULL;
}

int64_t duty_district_of(struct db *db, int64_t place)
{
	struct xf_err e;
	int64_t d = 0;
	db_int(db, &e, &d, "SELECT coalesce(district_id, 0) FROM places WHERE id = ?", "i", place);
	return d;
}

json_t *duty_page(json_t *items)
{
	return json_pack("{s:o, s:n}", "items", items, "next");
}

int duty_query_place(struct db *db, const struct actor *a, json_t *q, const char *perm,
                     int64_t *place, struct xf_err *err)
{
	*place = jv_int(q, "place", a->place_id);
	return actor_need(db, a, perm, *place, err);
}

static bool one_of(const char *s, const char *const *set)
{
	for (; *set; set++)
		if (strcmp(s, *set) == 0)
			return true;
	return false;
}

static const char *const lists[] = {"task", "responsibility", "problem", NULL};

int duty_item_insert(struct db *db, const struct duty_item_in *in, int64_t *id, struct xf_err *err)
{
	char kind[16];
	const char *level = duty_level_of(db, in->place_id, kind);
	if (!level)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "place_id",
		                     "清单只能建在市、区、街道、社区四级");
	if (!one_of(in->list, lists))
		return xf_fail_field(
		    err, XF_EINVAL, "validation_failed", "list",
		    "清单只能是 task（任务）、responsibility（责任）或 problem（问题）");
	struct db_stmt *st = db_prep(
	    db,
	    "INSERT INTO duty_items(place_id, level, list, title, content, owner, due_at, status,"
	    " meeting_id, review_id, created_by, created_at, district_id) VALUES (?, ?, ?, ?, ?, ?,"
	    " ?, 'open', ?, ?, ?, ?, ?) RETURNING id",
	    err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, in->place_id);
	db_bind_text(st, 2, level);
	db_bind_text(st, 3, in->list);
	db_bind_text(st, 4, in->title);
	db_bind_text(st, 5, in->content ? in->content : "");
	db_bind_text(st, 6, in->owner);
	db_bind_int(st, 7, in->due_at);
	if (in->meeting_id)
		db_bind_int(st, 8, in->meeting_id);
	else
		db_bind_null(st, 8);
	if (in->review_id)
		db_bind_int(st, 9, in->review_id);
	else
		db_bind_null(st, 9);
	if (in->created_by)
		db_bind_int(st, 10, in->created_by);
	else
		db_bind_null(st, 10);
	db_bind_int(st, 11, in->now);
	int64_t district = duty_district_of(db, in->place_id);
	if (district)
		db_bind_int(st, 12, district);
	else
		db_bind_null(st, 12);
	int rc = db_step(st, err);
	if (rc != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_EDB, "db_error", "保存失败");
	*id = db_col_int(st, 0);
	db_reset(st);
	return XF_OK;
}

/* ---- items ---- */

#define ITEM_COLS                                                                                  \
	"SELECT d.id, d.place_id, p.name, d.level, d.list, d.title, d.content, d.owner, d.due_at," \
	" d.status, coalesce(d.done_at, 0), coalesce(d.meeting_id, 0), coalesce(d.review_id, 0),"  \
	" d.created_at, (SELECT count(*) FROM duty_notes n WHERE n.item_id = d.id) FROM"           \
	" duty_items d JOIN places p ON p.id = d.place_id "

static json_t *item_json(struct db_stmt *st, int64_t now)
{
	bool done = strcmp(db_col_text(st, 9), "done") == 0;
	int64_t due = db_col_int(st, 8);
	json_t *o = json_pack(
	    "{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:b, s:I}", "id",
	    (json_int_t)db_col_int(st, 0), "place_id", (json_int_t)db_col_int(st, 1), "place_name",
	    db_col_text(st, 2), "level", db_col_text(st, 3), "list", db_col_text(st, 4), "title",
	    db_col_text(st, 5), "content", db_col_text(st, 6), "owner", db_col_text(st, 7),
	    "due_at", (json_int_t)due, "status", db_col_text(st, 9), "overdue", !done && due < now,
	    "created_at", (json_int_t)db_col_int(st, 13));
	json_object_set_new(o, "done_at",
	                    db_col_int(st, 10) ? json_integer(db_col_int(st, 10)) : json_null());
	json_object_set_new(o, "meeting_id",
	                    db_col_int(st, 11) ? json_integer(db_col_int(st, 11)) : json_null());
	json_object_set_new(o, "review_id",
	                    db_col_int(st, 12) ? json_integer(db_col_int(st, 12)) : json_null());
	json_object_set_new(o, "notes", json_integer(db_col_int(st, 14)));
	/* What a list shows in its status column; the spreadsheet says it in words. */
	json_object_set_new(o, "state",
	                    json_string(done        ? "done"
	                                : due < now ? "overdue"
	                                            : "open"));
	json_object_set_new(o, "state_label",
	                    json_string(done        ? "已办结"
	                                : due < now ? "已超期"
	                                            : "未到期"));
	const char *list = db_col_text(st, 4);
	json_object_set_new(o, "list_label",
	                    json_string(strcmp(list, "task") == 0             ? "任务清单"
	                                : strcmp(list, "responsibility") == 0 ? "责任清单"
	                                                                      : "问题清单"));
	return o;
}

static int collect(struct db_stmt *st, int64_t now, json_t *items, struct xf_err *err)
{
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(items, item_json(st, now));
	return rc < 0 ? rc : XF_OK;
}

int duty_items_of(struct db *db, int which, int64_t ref, int64_t now, json_t **items,
                  struct xf_err *err)
{
	struct db_stmt *st =
	    which == 0
	        ? db_prep(db, ITEM_COLS "WHERE d.meeting_id = ? ORDER BY d.id LIMIT 100", err)
	        : db_prep(db, ITEM_COLS "WHERE d.review_id = ? ORDER BY d.id LIMIT 100", err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, ref);
	*items = json_array();
	int rc = collect(st, now, *items, err);
	if (rc != XF_OK)
		json_decref(*items);
	return rc;
}

/* open (not yet due), overdue (open and past due) and done, in [lo, hi) without `except`. */
static int counts(struct db *db, const char *lo, const char *hi, int64_t except, int64_t now,
                  json_t *by_level, json_t *total, struct xf_err *err)
{
	struct db_stmt *st = db_prep(
	    db,
	    "SELECT d.level, sum(CASE WHEN d.status = 'open' AND d.due_at >= ? THEN 1 ELSE 0 END),"
	    " sum(CASE WHEN d.status = 'open' AND d.due_at < ? THEN 1 ELSE 0 END), sum(CASE WHEN"
	    " d.status = 'done' THEN 1 ELSE 0 END) FROM duty_items d CROSS JOIN places p WHERE "
	    "p.id ="
	    " d.place_id AND p.path >= ? AND p.path < ? AND d.place_id <> ? GROUP BY d.level",
	    err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, now);
	db_bind_int(st, 2, now);
	db_bind_text(st, 3, lo);
	db_bind_text(st, 4, hi);
	db_bind_int(st, 5, except);
	int rc;
	int64_t t[3] = {0, 0, 0};
	while ((rc = db_step(st, err)) == DB_ROW) {
		int64_t v[3] = {db_col_int(st, 1), db_col_int(st, 2), db_col_int(st, 3)};
		for (int k = 0; k < 3; k++)
			t[k] += v[k];
		if (by_level)
			json_object_set_new(by_level, db_col_text(st, 0),
			                    json_pack("{s:I, s:I, s:I}", "open", (json_int_t)v[0],
			                              "overdue", (json_int_t)v[1], "done",
			                              (json_int_t)v[2]));
	}
	if (rc < 0)
		return rc;
	json_object_set_new(total, "open", json_integer(t[0]));
	json_object_set_new(total, "overdue", json_integer(t[1]));
	json_object_set_new(total, "done", json_integer(t[2]));
	return XF_OK;
}

DUTY_OP(duty_items_list)
{
	int64_t place;
	int rc = duty_query_place(db, a, body, "duty.read", &place, err);
	if (rc != XF_OK)
		return rc;
	const char *list = jv_str(body, "kind", ""), *status = jv_str(body, "status", "");
	if (*list && !one_of(list, lists))
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "kind",
		                     "清单只能是 task、responsibility 或 problem");
	static const char *const states[] = {"open", "overdue", "done", NULL};
	if (*status && !one_of(status, states))
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "status",
		                     "状态只能是 open、overdue 或 done");
	char kind[16], lo[256], hi[256];
	const char *level = duty_level_of(db, place, kind);
	if (!level)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "place",
		                     "清单只在市、区、街道、社区四级");
	if ((rc = registry_subtree(db, place, lo, hi, err)) != XF_OK)
		return rc;
	/* The place's own items. */
	struct db_stmt *st =
	    db_prep(db,
	            ITEM_COLS
	            "WHERE d.place_id = ? AND (? = '' OR d.list = ?) AND (? = '' OR (? = 'done' AND"
	            " d.status = 'done') OR (? = 'open' AND d.status = 'open' AND d.due_at >= ?) OR"
	            " (? = 'overdue' AND d.status = 'open' AND d.due_at < ?)) ORDER BY"
	            " d.status DESC, d.due_at, d.id LIMIT 500",
	            err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, place);
	db_bind_text(st, 2, list);
	db_bind_text(st, 3, list);
	for (int k = 4; k <= 6; k++)
		db_bind_text(st, k, status);
	db_bind_int(st, 7, now);
	db_bind_text(st, 8, status);
	db_bind_int(st, 9, now);
	json_t *items = json_array(), *own = json_object(), *below = json_object(),
	       *by_level = json_object(), *children = json_array();
	json_t *v =
	    json_pack("{s:I, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:n}", "place_id",
	              (json_int_t)place, "level", level, "place_kind", kind, "items", items, "own",
	              own, "below", below, "levels", by_level, "children", children, "next");
	if ((rc = collect(st, now, items, err)) != XF_OK)
		goto fail;
	/* Own counts: the same query over exactly this place. */
	int64_t o[3] = {0, 0, 0};
	st = db_prep(db,
	             "SELECT sum(CASE WHEN status = 'open' AND due_at >= ? THEN 1 ELSE 0 END),"
	             " sum(CASE WHEN status = 'open' AND due_at < ? THEN 1 ELSE 0 END), sum(CASE"
	             " WHEN status = 'done' THEN 1 ELSE 0 END) FROM duty_items WHERE place_id = ?",
	             err);
	if (!st) {
		rc = err->status;
		goto fail;
	}
	db_bind_int(st, 1, now);
	db_bind_int(st, 2, now);
	db_bind_int(st, 3, place);
	if ((rc = db_step(st, err)) == DB_ROW) {
		for (int k = 0; k < 3; k++)
			o[k] = db_col_int(st, k);
		db_reset(st);
	} else if (rc < 0) {
		goto fail;
	}
	json_object_set_new(own, "open", json_integer(o[0]));
	json_object_set_new(own, "overdue", json_integer(o[1]));
	json_object_set_new(own, "done", json_integer(o[2]));
	/* Every level below, and each child place's subtree for drill-down. */
	if ((rc = counts(db, lo, hi, place, now, by_level, below, err)) != XF_OK)
		goto fail;
	st =
	    db_prep(db,
	            "SELECT id, name, kind FROM places WHERE parent_id = ? AND kind IN ('district',"
	            " 'street', 'community') ORDER BY id LIMIT 300",
	            err);
	if (!st) {
		rc = err->status;
		goto fail;
	}
	db_bind_int(st, 1, place);
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(children,
		                      json_pack("{s:I, s:s, s:s}", "place_id",
		                                (json_int_t)db_col_int(st, 0), "name",
		                                db_col_text(st, 1), "kind", db_col_text(st, 2)));
	if (rc < 0)
		goto fail;
	json_t *c;
	size_t i;
	json_array_foreach(children, i, c)
	{
		char clo[256], chi[256];
		int64_t cid = json_integer_value(json_object_get(c, "place_id"));
		if ((rc = registry_subtree(db, cid, clo, chi, err)) != XF_OK ||
		    (rc = counts(db, clo, chi, 0, now, NULL, c, err)) != XF_OK)
			goto fail;
	}
	*out = v;
	return XF_OK;
fail:
	json_decref(v);
	return rc;
}

static int item_place(struct db *db, int64_t id, int64_t *place, struct xf_err *err)
{
	int rc = db_int(db, err, place, "SELECT place_id FROM duty_items WHERE id = ?", "i", id);
	if (rc == XF_ENOTFOUND)
		return xf_fail(err, XF_ENOTFOUND, "not_found", "没有这条清单事项");
	return rc;
}

DUTY_OP(duty_item_get)
{
	int64_t place;
	int rc = item_place(db, id, &place, err);
	if (rc == XF_OK)
		rc = actor_need(db, a, "duty.read", place, err);
	if (rc != XF_OK)
		return rc;
	struct db_stmt *st = db_prep(db, ITEM_COLS "WHERE d.id = ?", err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	if ((rc = db_step(st, err)) != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_ENOTFOUND, "not_found", "没有这条清单事项");
	json_t *v = item_json(st, now), *notes = json_array();
	db_reset(st);
	json_object_set_new(v, "follow_ups", notes);
	st = db_prep(db,
	             "SELECT n.id, n.note, n.done, n.created_at, coalesce(u.display_name, '') FROM"
	             " duty_notes n LEFT JOIN users u ON u.id = n.created_by WHERE n.item_id = ?"
	             " ORDER BY n.id LIMIT 200",
	             err);
	if (!st) {
		json_decref(v);
		return err->status;
	}
	db_bind_int(st, 1, id);
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(
		    notes, json_pack("{s:I, s:s, s:b, s:I, s:s}", "id",
		                     (json_int_t)db_col_int(st, 0), "note", db_col_text(st, 1),
		                     "done", (int)db_col_int(st, 2), "created_at",
		                     (json_int_t)db_col_int(st, 3), "by", db_col_text(st, 4)));
	if (rc < 0) {
		json_decref(v);
		return rc;
	}
	*out = v;
	return XF_OK;
}

DUTY_OP(duty_item_create)
{
	int64_t place = jv_int(body, "place_id", 0), due = jv_int(body, "due_at", 0);
	int rc = actor_need(db, a, "duty.manage", place, err);
	if (rc != XF_OK)
		return rc;
	if (due <= now)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "due_at",
		                     "完成时限应晚于现在");
	struct duty_item_in in = {.place_id = place,
	                          .list = jv_str(body, "list", ""),
	                          .title = jv_str(body, "title", ""),
	                          .content = jv_str(body, "content", ""),
	                          .owner = jv_str(body, "owner", ""),
	                          .due_at = due,
	                          .created_by = a->user_id,
	                          .now = now};
	int64_t item;
	if ((rc = duty_item_insert(db, &in, &item, err)) != XF_OK)
		return rc;
	return duty_item_get(db, a, NULL, item, now, out, err);
}

DUTY_OP(duty_item_follow_up)
{
	int64_t place;
	int rc = item_place(db, id, &place, err);
	if (rc == XF_OK)
		rc = actor_need(db, a, "duty.manage", place, err);
	if (rc != XF_OK)
		return rc;
	int64_t done = 0;
	if ((rc = db_int(db, err, &done,
	                 "SELECT count(*) FROM duty_items WHERE id = ? AND status = 'done'", "i",
	                 id)) != XF_OK)
		return rc;
	if (done)
		return xf_fail(err, XF_ECONFLICT, "already_done", "这条事项已经办结");
	bool close = jv_bool(body, "done", 0);
	if ((rc = db_run(db, err,
	                 "INSERT INTO duty_notes(item_id, note, done, created_by, created_at)"
	                 " VALUES (?, ?, ?, ?, ?)",
	                 "itiii", id, jv_str(body, "note", ""), (int64_t)close, a->user_id, now)) !=
	    XF_OK)
		return rc;
	if (close &&
	    (rc = db_run(db, err, "UPDATE duty_items SET status = 'done', done_at = ? WHERE id = ?",
	                 "ii", now, id)) != XF_OK)
		return rc;
	return duty_item_get(db, a, NULL, id, now, out, err);
}

/* ---- joint meetings and leading groups ---- */

static const struct jv_field decision_fields[] = {{"title", JV_STRING, true, 2, 80, "决定事项"},
                                                  {"content", JV_STRING, false, 0, 500, "内容"},
                                                  {"owner", JV_STRING, true, 1, 40, "责任单位"},
                                                  {"due_at", JV_INT, true, 1, INT64_MAX, "时限"},
                                                  {"place_id", JV_INT, false, 1, INT64_MAX, "地点"},
                                                  {NULL, 0, 0, 0, 0, NULL}};

/* Decisions or findings: each a checked object, placed inside `place`'s subtree and due
 * after `after`; made into items of `list`. */
static int insert_children(struct db *db, const struct actor *a, json_t *arr, int64_t place,
                           int64_t after, const char *list, int64_t meeting, int64_t review,
                           int64_t now, struct xf_err *err)
{
	json_t *d;
	size_t i;
	json_array_foreach(arr, i, d)
	{
		int rc;
		if (!json_is_object(d))
			return xf_fail_field(err, XF_EINVAL, "validation_failed", list,
			                     "第 %zu 项应为对象", i + 1);
		if ((rc = jv_check(d, decision_fields, err)) != XF_OK)
			return rc;
		int64_t at = jv_int(d, "place_id", place), due = jv_int(d, "due_at", 0);
		if (!actor_inside(db, place, at))
			return xf_fail_field(err, XF_EINVAL, "validation_failed", "place_id",
			                     "第 %zu 项的地点不在本级范围内", i + 1);
		if (due <= after)
			return xf_fail_field(err, XF_EINVAL, "validation_failed", "due_at",
			                     "第 %zu 项的时限应晚于会议时间", i + 1);
		struct duty_item_in in = {.place_id = at,
		                          .list = list,
		                          .title = jv_str(d, "title", ""),
		                          .content = jv_str(d, "content", ""),
		                          .owner = jv_str(d, "owner", ""),
		                          .due_at = due,
		                          .meeting_id = meeting,
		                          .review_id = review,
		                          .created_by = a->user_id,
		                          .now = now};
		int64_t item;
		if ((rc = duty_item_insert(db, &in, &item, err)) != XF_OK)
			return rc;
	}
	return XF_OK;
}

static int meeting_place(struct db *db, int64_t id, int64_t *place, struct xf_err *err)
{
	int rc =
	    db_int(db, err, place, "SELECT place_id FROM joint_meetings WHERE id = ?", "i", id);
	if (rc == XF_ENOTFOUND)
		return xf_fail(err, XF_ENOTFOUND, "not_found", "没有这次会议");
	return rc;
}

#define MEETING_COLS                                                                               \
	"SELECT m.id, m.place_id, p.name, m.body, m.title, m.held_at, m.agenda, m.attendees,"      \
	" (SELECT count(*) FROM duty_items d WHERE d.meeting_id = m.id), (SELECT count(*) FROM"    \
	" duty_items d WHERE d.meeting_id = m.id AND d.status = 'done'), (SELECT count(*) FROM"    \
	" duty_items d WHERE d.meeting_id = m.id AND d.status = 'open' AND d.due_at < ?), p.kind"  \
	" FROM joint_meetings m CROSS JOIN places p "

static json_t *meeting_json(struct db_stmt *st)
{
	json_t *o =
	    json_pack("{s:I, s:I, s:s, s:s, s:s, s:I, s:s, s:s, s:I, s:I, s:I, s:s}", "id",
	              (json_int_t)db_col_int(st, 0), "place_id", (json_int_t)db_col_int(st, 1),
	              "place_name", db_col_text(st, 2), "body", db_col_text(st, 3), "title",
	              db_col_text(st, 4), "held_at", (json_int_t)db_col_int(st, 5), "agenda",
	              db_col_text(st, 6), "attendees", db_col_text(st, 7), "decisions",
	              (json_int_t)db_col_int(st, 8), "done", (json_int_t)db_col_int(st, 9),
	              "overdue", (json_int_t)db_col_int(st, 10), "level", db_col_text(st, 11));
	bool group = strcmp(db_col_text(st, 3), "leading_group") == 0;
	json_object_set_new(o, "body_label", json_string(group ? "领导小组会议" : "党建联席会议"));
	return o;
}

DUTY_OP(duty_meetings_list)
{
	int64_t place;
	char lo[256], hi[256];
	int rc = duty_query_place(db, a, body, "duty.read", &place, err);
	if (rc == XF_OK)
		rc = registry_subtree(db, place, lo, hi, err);
	if (rc != XF_OK)
		return rc;
	struct db_stmt *st =
	    db_prep(db,
	            MEETING_COLS "WHERE p.id = m.place_id AND p.path >= ? AND p.path < ? ORDER BY "
	                         "m.held_at DESC, m.id DESC LIMIT 500",
	            err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, now);
	db_bind_text(st, 2, lo);
	db_bind_text(st, 3, hi);
	json_t *items = json_array();
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(items, meeting_json(st));
	if (rc < 0) {
		json_decref(items);
		return rc;
	}
	*out = duty_page(items);
	return XF_OK;
}

DUTY_OP(duty_meeting_get)
{
	int64_t place;
	int rc = meeting_place(db, id, &place, err);
	if (rc == XF_OK)
		rc = actor_need(db, a, "duty.read", place, err);
	if (rc != XF_OK)
		return rc;
	struct db_stmt *st = db_prep(db, MEETING_COLS "WHERE p.id = m.place_id AND m.id = ?", err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, now);
	db_bind_int(st, 2, id);
	if ((rc = db_step(st, err)) != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_ENOTFOUND, "not_found", "没有这次会议");
	json_t *v = meeting_json(st), *items;
	db_reset(st);
	if ((rc = duty_items_of(db, 0, id, now, &items, err)) != XF_OK) {
		json_decref(v);
		return rc;
	}
	json_object_set_new(v, "items", items);
	*out = v;
	return XF_OK;
}

DUTY_OP(duty_meeting_create)
{
	int64_t place = jv_int(body, "place_id", 0), held = jv_int(body, "held_at", 0);
	const char *kind = jv_str(body, "body", "joint_meeting");
	int rc = actor_need(db, a, "duty.manage", place, err);
	if (rc != XF_OK)
		return rc;
	char pk[16];
	const char *level = duty_level_of(db, place, pk);
	if (!level)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "place_id",
		                     "联席会议在市、区、街道、社区四级召开");
	if (strcmp(kind, "leading_group") == 0) {
		if (strcmp(level, "city") != 0 && strcmp(level, "district") != 0)
			return xf_fail_field(err, XF_EINVAL, "validation_failed", "body",
			                     "领导小组只设在市、区两级");
	} else if (strcmp(kind, "joint_meeting") != 0) {
		return xf_fail_field(
		    err, XF_EINVAL, "validation_failed", "body",
		    "会议类型只能是 joint_meeting（联席会议）或 leading_group（领导小组）");
	}
	if (held > now)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "held_at",
		                     "会议已召开后才能登记，时间不能晚于现在");
	struct db_stmt *st = db_prep(
	    db,
	    "INSERT INTO joint_meetings(place_id, body, title, held_at, agenda, attendees,"
	    " created_by, created_at, district_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
	    err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, place);
	db_bind_text(st, 2, kind);
	db_bind_text(st, 3, jv_str(body, "title", ""));
	db_bind_int(st, 4, held);
	db_bind_text(st, 5, jv_str(body, "agenda", ""));
	db_bind_text(st, 6, jv_str(body, "attendees", ""));
	db_bind_int(st, 7, a->user_id);
	db_bind_int(st, 8, now);
	int64_t district = duty_district_of(db, place);
	if (district)
		db_bind_int(st, 9, district);
	else
		db_bind_null(st, 9);
	if ((rc = db_step(st, err)) != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_EDB, "db_error", "保存失败");
	int64_t meeting = db_col_int(st, 0);
	db_reset(st);
	json_t *decisions = json_object_get(body, "decisions");
	if (decisions && (rc = insert_children(db, a, decisions, place, held, "task", meeting, 0,
	                                       now, err)) != XF_OK)
		return rc;
	return duty_meeting_get(db, a, NULL, meeting, now, out, err);
}

/* ---- site reviews (现场观摩会) ---- */

static int review_place(struct db *db, int64_t id, int64_t *place, struct xf_err *err)
{
	int rc = db_int(db, err, place, "SELECT place_id FROM site_reviews WHERE id = ?", "i", id);
	if (rc == XF_ENOTFOUND)
		return xf_fail(err, XF_ENOTFOUND, "not_found", "没有这次现场观摩会");
	return rc;
}

#define REVIEW_COLS                                                                                \
	"SELECT r.id, r.place_id, p.name, r.year, r.quarter, r.title, r.held_at, r.host, (SELECT"  \
	" count(*) FROM duty_items d WHERE d.review_id = r.id), (SELECT count(*) FROM duty_items " \
	"d"                                                                                        \
	" WHERE d.review_id = r.id AND d.status = 'done'), (SELECT count(*) FROM duty_items d "    \
	"WHERE"                                                                                    \
	" d.review_id = r.id AND d.status = 'open' AND d.due_at < ?) FROM site_reviews r CROSS"    \
	" JOIN places p "

static json_t *review_json(struct db_stmt *st)
{
	return json_pack("{s:I, s:I, s:s, s:I, s:I, s:s, s:I, s:s, s:I, s:I, s:I}", "id",
	                 (json_int_t)db_col_int(st, 0), "place_id", (json_int_t)db_col_int(st, 1),
	                 "place_name", db_col_text(st, 2), "year", (json_int_t)db_col_int(st, 3),
	                 "quarter", (json_int_t)db_col_int(st, 4), "title", db_col_text(st, 5),
	                 "held_at", (json_int_t)db_col_int(st, 6), "host", db_col_text(st, 7),
	                 "findings", (json_int_t)db_col_int(st, 8), "done",
	                 (json_int_t)db_col_int(st, 9), "overdue", (json_int_t)db_col_int(st, 10));
}

DUTY_OP(duty_site_reviews_list)
{
	int64_t place, year = jv_int(body, "year", 0);
	char lo[256], hi[256];
	int rc = duty_query_place(db, a, body, "duty.read", &place, err);
	if (rc == XF_OK)
		rc = registry_subtree(db, place, lo, hi, err);
	if (rc != XF_OK)
		return rc;
	struct db_stmt *st = db_prep(
	    db,
	    REVIEW_COLS "WHERE p.id = r.place_id AND p.path >= ? AND p.path < ? AND (? = 0 OR"
	                " r.year = ?) ORDER BY r.held_at DESC LIMIT 500",
	    err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, now);
	db_bind_text(st, 2, lo);
	db_bind_text(st, 3, hi);
	db_bind_int(st, 4, year);
	db_bind_int(st, 5, year);
	json_t *items = json_array();
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(items, review_json(st));
	if (rc < 0) {
		json_decref(items);
		return rc;
	}
	*out = duty_page(items);
	return XF_OK;
}

DUTY_OP(duty_site_review_get)
{
	int64_t place;
	int rc = review_place(db, id, &place, err);
	if (rc == XF_OK)
		rc = actor_need(db, a, "duty.read", place, err);
	if (rc != XF_OK)
		return rc;
	struct db_stmt *st = db_prep(db, REVIEW_COLS "WHERE p.id = r.place_id AND r.id = ?", err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, now);
	db_bind_int(st, 2, id);
	if ((rc = db_step(st, err)) != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_ENOTFOUND, "not_found", "没有这次现场观摩会");
	json_t *v = review_json(st), *items;
	db_reset(st);
	if ((rc = duty_items_of(db, 1, id, now, &items, err)) != XF_OK) {
		json_decref(v);
		return rc;
	}
	json_object_set_new(v, "items", items);
	*out = v;
	return XF_OK;
}

DUTY_OP(duty_site_review_create)
{
	int64_t place = jv_int(body, "place_id", 0), held = jv_int(body, "held_at", 0);
	int64_t year = jv_int(body, "year", 0), quarter = jv_int(body, "quarter", 0);
	int rc = actor_need(db, a, "duty.manage", place, err);
	if (rc != XF_OK)
		return rc;
	char pk[16];
	if (!duty_level_of(db, place, pk))
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "place_id",
		                     "现场观摩会由市、区、街道或社区组织");
	if (held > now)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "held_at",
		                     "观摩会召开后才能登记，时间不能晚于现在");
	int64_t n = 0;
	if ((rc = db_int(db, err, &n,
	                 "SELECT count(*) FROM site_reviews WHERE place_id = ? AND year = ? AND"
	                 " quarter = ?",
	                 "iii", place, year, quarter)) != XF_OK)
		return rc;
	if (n)
		return xf_fail(err, XF_ECONFLICT, "review_exists",
		               "本季度的现场观摩会已经登记过了");
	struct db_stmt *st = db_prep(
	    db,
	    "INSERT INTO site_reviews(place_id, year, quarter, title, held_at, host, created_by,"
	    " created_at, district_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
	    err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, place);
	db_bind_int(st, 2, year);
	db_bind_int(st, 3, quarter);
	db_bind_text(st, 4, jv_str(body, "title", ""));
	db_bind_int(st, 5, held);
	db_bind_text(st, 6, jv_str(body, "host", ""));
	db_bind_int(st, 7, a->user_id);
	db_bind_int(st, 8, now);
	int64_t district = duty_district_of(db, place);
	if (district)
		db_bind_int(st, 9, district);
	else
		db_bind_null(st, 9);
	if ((rc = db_step(st, err)) != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_EDB, "db_error", "保存失败");
	int64_t review = db_col_int(st, 0);
	db_reset(st);
	json_t *findings = json_object_get(body, "findings");
	if (findings && (rc = insert_children(db, a, findings, place, held, "problem", 0, review,
	                                      now, err)) != XF_OK)
		return rc;
	return duty_site_review_get(db, a, NULL, review, now, out, err);
}

/* ---- 挂点领导 ---- */

DUTY_OP(duty_instructors_list)
{
	int64_t place;
	char lo[256], hi[256];
	int rc = duty_query_place(db, a, body, "duty.read", &place, err);
	if (rc == XF_OK)
		rc = registry_subtree(db, place, lo, hi, err);
	if (rc != XF_OK)
		return rc;
	struct db_stmt *st = db_prep(
	    db,
	    "SELECT i.id, i.place_id, p.name, p.kind, i.person_id, pe.name, i.title, i.started_at,"
	    " coalesce(i.ended_at, 0), (SELECT count(*) FROM duty_items d WHERE d.place_id ="
	    " i.place_id AND d.status = 'open' AND d.due_at < ?) FROM instructors i CROSS JOIN"
	    " places p JOIN people pe ON pe.id = i.person_id WHERE p.id = i.place_id AND p.path >= "
	    "? AND"
	    " p.path < ? ORDER BY i.ended_at IS NOT NULL, p.path, i.id LIMIT 500",
	    err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, now);
	db_bind_text(st, 2, lo);
	db_bind_text(st, 3, hi);
	json_t *items = json_array();
	while ((rc = db_step(st, err)) == DB_ROW) {
		json_t *o = json_pack(
		    "{s:I, s:I, s:s, s:s, s:I, s:s, s:s, s:I, s:I}", "id",
		    (json_int_t)db_col_int(st, 0), "place_id", (json_int_t)db_col_int(st, 1),
		    "place_name", db_col_text(st, 2), "place_kind", db_col_text(st, 3), "person_id",
		    (json_int_t)db_col_int(st, 4), "name", db_col_text(st, 5), "title",
		    db_col_text(st, 6), "started_at", (json_int_t)db_col_int(st, 7),
		    "overdue_items", (json_int_t)db_col_int(st, 9));
		json_object_set_new(o, "ended_at",
		                    db_col_int(st, 8) ? json_integer(db_col_int(st, 8))
		                                      : json_null());
		json_array_append_new(items, o);
	}
	if (rc < 0) {
		json_decref(items);
		return rc;
	}
	*out = duty_page(items);
	return XF_OK;
}

DUTY_OP(duty_instructor_create)
{
	int64_t place = jv_int(body, "place_id", 0), person = jv_int(body, "person_id", 0);
	int rc = actor_need(db, a, "duty.manage", place, err);
	if (rc != XF_OK)
		return rc;
	char pk[16];
	duty_level_of(db, place, pk);
	if (strcmp(pk, "street") != 0 && strcmp(pk, "community") != 0)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "place_id",
		                     "挂点领导联系的是街道或社区");
	int64_t n = 0;
	if ((rc = db_int(db, err, &n, "SELECT count(*) FROM people WHERE id = ?", "i", person)) !=
	    XF_OK)
		return rc;
	if (!n)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "person_id",
		                     "没有这个人");
	if ((rc = db_int(db, err, &n,
	                 "SELECT count(*) FROM instructors WHERE place_id = ? AND person_id = ? AND"
	                 " ended_at IS NULL",
	                 "ii", place, person)) != XF_OK)
		return rc;
	if (n)
		return xf_fail(err, XF_ECONFLICT, "already_assigned", "这位领导已经挂点联系这里");
	int64_t district = duty_district_of(db, place);
	struct db_stmt *st =
	    db_prep(db,
	            "INSERT INTO instructors(place_id, person_id, title, started_at, created_by,"
	            " district_id) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
	            err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, place);
	db_bind_int(st, 2, person);
	db_bind_text(st, 3, jv_str(body, "title", ""));
	db_bind_int(st, 4, now);
	db_bind_int(st, 5, a->user_id);
	if (district)
		db_bind_int(st, 6, district);
	else
		db_bind_null(st, 6);
	if ((rc = db_step(st, err)) != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_EDB, "db_error", "保存失败");
	int64_t iid = db_col_int(st, 0);
	db_reset(st);
	*out = json_pack("{s:I, s:I, s:I, s:s, s:I}", "id", (json_int_t)iid, "place_id",
	                 (json_int_t)place, "person_id", (json_int_t)person, "title",
	                 jv_str(body, "title", ""), "started_at", (json_int_t)now);
	return XF_OK;
}

DUTY_OP(duty_instructor_end)
{
	int64_t place = 0, ended = 0;
	int rc = db_int(db, err, &place, "SELECT place_id FROM instructors WHERE id = ?", "i", id);
	if (rc == XF_ENOTFOUND)
		return xf_fail(err, XF_ENOTFOUND, "not_found", "没有这条挂点记录");
	if (rc == XF_OK)
		rc = actor_need(db, a, "duty.manage", place, err);
	if (rc == XF_OK)
		rc =
		    db_int(db, err, &ended,
		           "SELECT count(*) FROM instructors WHERE id = ? AND ended_at IS NOT NULL",
		           "i", id);
	if (rc != XF_OK)
		return rc;
	if (ended)
		return xf_fail(err, XF_ECONFLICT, "already_ended", "这条挂点已经结束");
	if ((rc = db_run(db, err, "UPDATE instructors SET ended_at = ? WHERE id = ?", "ii", now,
	                 id)) != XF_OK)
		return rc;
	*out = json_pack("{s:I, s:I}", "id", (json_int_t)id, "ended_at", (json_int_t)now);
	return XF_OK;
}
