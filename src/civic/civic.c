/* Conventions with versions and sign-on, 楼栋自治联盟, duty rotas and their reminders,
 * notices with read counts; and the helpers the other civic files share. */
#include "civic_int.h"
#include "../core/clock.h"
#include "../auth/policy.h"
#include "../points/points.h"
#include "../registry/registry.h"
#include "../sched/outbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- helpers ---- */

json_t *civic_row(struct db_stmt *st, const char *spec)
{
	json_t *o = json_object();
	char key[48];
	int col = 0;
	for (const char *p = spec; *p;) {
		while (*p == ' ')
			p++;
		const char *colon = strchr(p, ':');
		if (!colon)
			break;
		size_t n =
		    (size_t)(colon - p) < sizeof key - 1 ? (size_t)(colon - p) : sizeof key - 1;
		memcpy(key, p, n);
		key[n] = 0;
		char type = colon[1];
		if (type == 't')
			json_object_set_new(o, key, json_string(db_col_text(st, col)));
		else if (type == 'n' && db_col_null(st, col))
			json_object_set_new(o, key, json_null());
		else if (type == 'b')
			json_object_set_new(o, key, json_boolean(db_col_int(st, col) != 0));
		else
			json_object_set_new(o, key, json_integer(db_col_int(st, col)));
		col++;
		p = colon + 2;
	}
	return o;
}

int civic_rows(struct db_stmt *st, const char *spec, int max, json_t *items, struct xf_err *err)
{
	int rc, n = 0;
	while ((rc = db_step(st, err)) == DB_ROW) {
		if (n++ >= max) {
			db_reset(st);
			return XF_OK;
		}
		json_array_append_new(items, civic_row(st, spec));
	}
	return rc < 0 ? rc : XF_OK;
}

json_t *civic_page(json_t *items)
{
	return json_pack("{s:o, s:n}", "items", items, "next");
}

int civic_place(struct db *db, int64_t id, const char *field, struct civic_place *p,
                struct xf_err *err)
{
	memset(p, 0, sizeof *p);
	struct db_stmt *st = db_prep(
	    db, "SELECT id, kind, name, path, coalesce(district_id, 0) FROM places WHERE id = ?",
	    err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	int rc = db_step(st, err);
	if (rc != DB_ROW)
		return rc < 0 ? rc
		              : xf_fail_field(err, XF_EINVAL, "validation_failed", field,
		                              "没有这个地点");
	p->id = db_col_int(st, 0);
	snprintf(p->kind, sizeof p->kind, "%s", db_col_text(st, 1));
	snprintf(p->name, sizeof p->name, "%s", db_col_text(st, 2));
	snprintf(p->path, sizeof p->path, "%s", db_col_text(st, 3));
	p->district = db_col_int(st, 4);
	db_reset(st);
	return XF_OK;
}

bool civic_staff(const struct actor *a)
{
	return policy_allows(a->role, "civic.manage");
}

int civic_need(struct db *db, const struct actor *a, int64_t place, struct xf_err *err)
{
	return actor_need(db, a, "civic.manage", place, err);
}

int civic_scope(struct db *db, const struct actor *a, json_t *q, char lo[256], char hi[256],
                struct xf_err *err)
{
	int64_t place = jv_int(q, "place", 0);
	if (place && !actor_inside(db, a->place_id, place))
		return xf_fail(err, XF_EPERM, "out_of_scope", "该地点不在您的管辖范围内");
	return registry_subtree(db, place ? place : a->place_id, lo, hi, err);
}

int civic_need_person(const struct actor *a, struct xf_err *err)
{
	if (!a->person_id)
		return xf_fail(err, XF_EPERM, "no_person", "您的账号没有关联居民信息，请联系社区");
	return XF_OK;
}

int64_t civic_home(struct db *db, int64_t person)
{
	struct xf_err e;
	int64_t p = 0;
	db_int(db, &e, &p, "SELECT place_id FROM people WHERE id = ?", "i", person);
	return p;
}

int64_t civic_community(struct db *db, int64_t place)
{
	struct xf_err e;
	int64_t c = 0;
	registry_ancestor_of_kind(db, place, "community", &c, &e);
	return c;
}

bool civic_inside(struct db *db, int64_t scope, int64_t place)
{
	return scope && place && actor_inside(db, scope, place);
}

int civic_notify(struct db *db, int64_t person, const char *subject, const char *body,
                 struct xf_err *err)
{
	char to[48];
	int64_t user = 0;
	struct xf_err e;
	db_int(db, &e, &user, "SELECT id FROM users WHERE person_id = ? ORDER BY id LIMIT 1", "i",
	       person);
	if (user)
		snprintf(to, sizeof to, "user:%lld", (long long)user);
	else
		snprintf(to, sizeof to, "person:%lld", (long long)person);
	return outbox_enqueue(db, "notice", to, subject, body, NULL, err);
}

void civic_mask_name(const char *name, char *out, size_t n)
{
	points_mask_person(name, out, n);
}

int civic_year(int64_t t)
{
	return clock_beijing_year(t);
}

/* ---- conventions ---- */

struct conv {
	int64_t id, place, version;
	char title[256];
};

static int conv_load(struct db *db, int64_t id, struct conv *c, struct xf_err *err)
{
	struct db_stmt *st =
	    db_prep(db, "SELECT id, place_id, version, title FROM conventions WHERE id = ?", err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	int rc = db_step(st, err);
	if (rc != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_ENOTFOUND, "not_found", "没有这份公约");
	c->id = db_col_int(st, 0);
	c->place = db_col_int(st, 1);
	c->version = db_col_int(st, 2);
	snprintf(c->title, sizeof c->title, "%s", db_col_text(st, 3));
	db_reset(st);
	return XF_OK;
}

static bool kind_in(const char *kind, const char *const *kinds)
{
	for (; *kinds; kinds++)
		if (strcmp(*kinds, kind) == 0)
			return true;
	return false;
}

CIVIC_OP(civic_conventions_list)
{
	(void)id;
	(void)now;
	json_t *items = json_array();
	int rc;
	if (civic_staff(a)) {
		char lo[256], hi[256];
		if ((rc = civic_scope(db, a, body, lo, hi, err)) != XF_OK) {
			json_decref(items);
			return rc;
		}
		struct db_stmt *st = db_prep(
		    db,
		    "SELECT c.id, c.title, c.place_id, p.name, p.kind, c.version, v.adopted_at,"
		    " c.alliance_id, (SELECT count(*) FROM convention_signatures s WHERE"
		    " s.convention_id = c.id AND s.version = c.version), (SELECT count(*) FROM"
		    /* the place's subtree first (SQLite keeps a CROSS JOIN's order), then its
		     * people by place: a building's count reads its households, not the city */
		    " places h CROSS JOIN people pe WHERE pe.place_id = h.id AND h.path >= p.path "
		    "AND"
		    " h.path < substr(p.path, 1, length(p.path) - 1) || '0') FROM conventions c"
		    " CROSS JOIN places p JOIN convention_versions v ON v.convention_id = c.id AND"
		    " v.version = c.version WHERE p.id = c.place_id AND p.path >= ? AND p.path < ?"
		    " ORDER BY c.id DESC"
		    " LIMIT 200",
		    err);
		if (!st) {
			json_decref(items);
			return err->status;
		}
		db_bind_text(st, 1, lo);
		db_bind_text(st, 2, hi);
		rc = civic_rows(st,
		                "id:i title:t place_id:i place_name:t place_kind:t version:i"
		                " adopted_at:i alliance_id:n signed:i residents:i",
		                200, items, err);
	} else if (a->person_id) {
		struct db_stmt *st = db_prep(
		    db,
		    "SELECT c.id, c.title, c.place_id, p.name, p.kind, c.version, v.adopted_at,"
		    " v.text, (SELECT count(*) FROM convention_signatures s WHERE s.convention_id ="
		    " c.id AND s.version = c.version), (SELECT count(*) FROM convention_signatures "
		    "s"
		    " WHERE s.convention_id = c.id AND s.version = c.version AND s.person_id = ?)"
		    " FROM conventions c JOIN places p ON p.id = c.place_id JOIN "
		    "convention_versions"
		    " v ON v.convention_id = c.id AND v.version = c.version JOIN people me ON me.id"
		    " = ? JOIN places h ON h.id = me.place_id WHERE substr(h.path, 1,"
		    " length(p.path)) = p.path ORDER BY c.id DESC LIMIT 50",
		    err);
		if (!st) {
			json_decref(items);
			return err->status;
		}
		db_bind_int(st, 1, a->person_id);
		db_bind_int(st, 2, a->person_id);
		rc = civic_rows(st,
		                "id:i title:t place_id:i place_name:t place_kind:t version:i"
		                " adopted_at:i text:t signed:i signed_by_me:b",
		                50, items, err);
	} else {
		rc = XF_OK;
	}
	if (rc != XF_OK) {
		json_decref(items);
		return rc;
	}
	*out = civic_page(items);
	return XF_OK;
}

static const char *const convention_kinds[] = {"building", "grid", "community", NULL};

CIVIC_OP(civic_convention_create)
{
	(void)id;
	struct civic_place p;
	int64_t alliance = jv_int(body, "alliance_id", 0), meeting = jv_int(body, "meeting_id", 0);
	int rc = civic_place(db, jv_int(body, "place_id", 0), "place_id", &p, err);
	if (rc == XF_OK)
		rc = civic_need(db, a, p.id, err);
	if (rc != XF_OK)
		return rc;
	if (!kind_in(p.kind, convention_kinds))
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "place_id",
		                     "公约只能订在楼栋、小区（网格）或社区");
	if (alliance) {
		int64_t ap = 0;
		if (db_int(db, err, &ap, "SELECT place_id FROM alliances WHERE id = ?", "i",
		           alliance) != XF_OK ||
		    !civic_inside(db, ap, p.id))
			return xf_fail_field(err, XF_EINVAL, "validation_failed", "alliance_id",
			                     "该楼栋自治联盟不包括这个地点");
	}
	struct db_stmt *st =
	    db_prep(db,
	            "INSERT INTO conventions(place_id, alliance_id, title, version,"
	            " created_by, created_at, district_id) VALUES (?, ?, ?, 1, ?,"
	            " ?, ?) RETURNING id",
	            err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, p.id);
	if (alliance)
		db_bind_int(st, 2, alliance);
	else
		db_bind_null(st, 2);
	db_bind_text(st, 3, jv_str(body, "title", ""));
	db_bind_int(st, 4, a->user_id);
	db_bind_int(st, 5, now);
	if (p.district)
		db_bind_int(st, 6, p.district);
	else
		db_bind_null(st, 6);
	if ((rc = db_step(st, err)) != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_EDB, "db_error", "保存失败");
	int64_t cid = db_col_int(st, 0);
	db_reset(st);
	st = db_prep(db,
	             "INSERT INTO convention_versions(convention_id, version, text, note,"
	             " meeting_id, adopted_by, adopted_at) VALUES (?, 1, ?, ?, ?, ?, ?)",
	             err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, cid);
	db_bind_text(st, 2, jv_str(body, "text", ""));
	db_bind_text(st, 3, jv_str(body, "note", ""));
	if (meeting)
		db_bind_int(st, 4, meeting);
	else
		db_bind_null(st, 4);
	db_bind_int(st, 5, a->user_id);
	db_bind_int(st, 6, now);
	if ((rc = db_step(st, err)) != DB_DONE)
		return rc < 0 ? rc : xf_fail(err, XF_EDB, "db_error", "保存失败");
	return civic_convention_get(db, a, NULL, cid, now, out, err);
}

/* May the actor read the convention: staff over its place, or a resident living there. */
static int conv_reader(struct db *db, const struct actor *a, const struct conv *c, bool *staff,
                       struct xf_err *err)
{
	*staff = civic_staff(a) && actor_may(db, a, "civic.manage", c->place);
	if (*staff)
		return XF_OK;
	if (a->person_id && civic_inside(db, c->place, civic_home(db, a->person_id)))
		return XF_OK;
	return xf_fail(err, XF_EPERM, "out_of_scope", "这份公约不属于您所在的楼栋或小区");
}

CIVIC_OP(civic_convention_get)
{
	(void)body;
	(void)now;
	struct conv c;
	bool staff;
	int rc = conv_load(db, id, &c, err);
	if (rc == XF_OK)
		rc = conv_reader(db, a, &c, &staff, err);
	if (rc != XF_OK)
		return rc;
	struct db_stmt *st = db_prep(
	    db,
	    "SELECT c.id, c.title, c.place_id, p.name, p.kind, c.version, c.alliance_id,"
	    " coalesce(al.name, ''), (SELECT count(*) FROM people pe JOIN places h ON h.id ="
	    " pe.place_id WHERE h.path >= p.path AND h.path < substr(p.path, 1, length(p.path)"
	    " - 1) || '0') FROM conventions c"
	    " JOIN places p ON p.id = c.place_id LEFT JOIN alliances al ON al.id = c.alliance_id"
	    " WHERE c.id = ?",
	    err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	if ((rc = db_step(st, err)) != DB_ROW)
		return rc < 0 ? rc : XF_EDB;
	json_t *o = civic_row(st, "id:i title:t place_id:i place_name:t place_kind:t version:i"
	                          " alliance_id:n alliance_name:t residents:i");
	db_reset(st);
	json_t *versions = json_array(), *signers = json_array();
	json_object_set_new(o, "versions", versions);
	st = db_prep(db,
	             "SELECT v.version, v.text, v.note, v.meeting_id, v.adopted_at, (SELECT"
	             " count(*) FROM convention_signatures s WHERE s.convention_id ="
	             " v.convention_id AND s.version = v.version) FROM convention_versions v"
	             " WHERE v.convention_id = ? ORDER BY v.version DESC",
	             err);
	if (!st) {
		json_decref(o);
		return err->status;
	}
	db_bind_int(st, 1, id);
	if ((rc = civic_rows(st, "version:i text:t note:t meeting_id:n adopted_at:i signed:i", 100,
	                     versions, err)) != XF_OK) {
		json_decref(o);
		return rc;
	}
	st = db_prep(db,
	             "SELECT s.person_id, pe.name, s.signed_at, s.entered_by IS NOT NULL FROM"
	             " convention_signatures s JOIN people pe ON pe.id = s.person_id WHERE"
	             " s.convention_id = ? AND s.version = ? ORDER BY s.signed_at, s.person_id"
	             " LIMIT 500",
	             err);
	if (!st) {
		json_decref(o);
		return err->status;
	}
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, c.version);
	bool mine = false;
	while ((rc = db_step(st, err)) == DB_ROW) {
		int64_t who = db_col_int(st, 0);
		mine |= who == a->person_id;
		char masked[64];
		/* Neighbours see who signed masked; staff of the place see names. */
		if (staff || who == a->person_id)
			snprintf(masked, sizeof masked, "%s", db_col_text(st, 1));
		else
			civic_mask_name(db_col_text(st, 1), masked, sizeof masked);
		json_array_append_new(signers, json_pack("{s:s, s:I, s:b}", "name", masked,
		                                         "signed_at", (json_int_t)db_col_int(st, 2),
		                                         "on_behalf", db_col_int(st, 3) != 0));
	}
	if (rc < 0) {
		json_decref(o);
		json_decref(signers);
		return rc;
	}
	json_object_set_new(o, "signers", signers);
	json_object_set_new(o, "signed_by_me", json_boolean(mine));
	json_object_set_new(o, "can_manage", json_boolean(staff));
	*out = o;
	return XF_OK;
}

CIVIC_OP(civic_convention_version)
{
	struct conv c;
	int rc = conv_load(db, id, &c, err);
	if (rc == XF_OK)
		rc = civic_need(db, a, c.place, err);
	if (rc != XF_OK)
		return rc;
	const char *text = jv_str(body, "text", "");
	int64_t same = 0;
	if ((rc = db_int(db, err, &same,
	                 "SELECT count(*) FROM convention_versions WHERE convention_id = ? AND"
	                 " version = ? AND text = ?",
	                 "iit", id, c.version, text)) != XF_OK)
		return rc;
	if (same)
		return xf_fail(err, XF_ECONFLICT, "same_text", "新版本的内容与现行版本相同");
	int64_t meeting = jv_int(body, "meeting_id", 0);
	struct db_stmt *st = db_prep(db,
	                             "INSERT INTO convention_versions(convention_id, version, text,"
	                             " note, meeting_id, adopted_by, adopted_at) VALUES (?, ?, ?,"
	                             " ?, ?, ?, ?)",
	                             err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, c.version + 1);
	db_bind_text(st, 3, text);
	db_bind_text(st, 4, jv_str(body, "note", ""));
	if (meeting)
		db_bind_int(st, 5, meeting);
	else
		db_bind_null(st, 5);
	db_bind_int(st, 6, a->user_id);
	db_bind_int(st, 7, now);
	if ((rc = db_step(st, err)) != DB_DONE)
		return rc < 0 ? rc : XF_EDB;
	if ((rc = db_run(db, err, "UPDATE conventions SET version = ? WHERE id = ?", "ii",
	                 c.version + 1, id)) != XF_OK)
		return rc;
	return civic_convention_get(db, a, NULL, id, now, out, err);
}

CIVIC_OP(civic_convention_sign)
{
	struct conv c;
	int rc = conv_load(db, id, &c, err);
	if (rc != XF_OK)
		return rc;
	int64_t person = jv_int(body, "person_id", 0);
	bool behalf = person != 0;
	if (behalf) {
		if ((rc = civic_need(db, a, c.place, err)) != XF_OK)
			return rc;
		if (!civic_inside(db, c.place, civic_home(db, person)))
			return xf_fail_field(err, XF_EINVAL, "not_resident_here", "person_id",
			                     "这位居民不住在公约所在的楼栋或小区");
	} else {
		if ((rc = civic_need_person(a, err)) != XF_OK)
			return rc;
		person = a->person_id;
		if (!civic_inside(db, c.place, civic_home(db, person)))
			return xf_fail(err, XF_EPERM, "not_resident_here",
			               "您不住在这份公约所在的楼栋或小区");
	}
	int64_t n = 0;
	if ((rc = db_int(db, err, &n,
	                 "SELECT count(*) FROM convention_signatures WHERE convention_id = ? AND"
	                 " version = ? AND person_id = ?",
	                 "iii", id, c.version, person)) != XF_OK)
		return rc;
	if (n)
		return xf_fail(err, XF_ECONFLICT, "already_signed", "已经签署过现行版本的公约");
	struct db_stmt *st = db_prep(db,
	                             "INSERT INTO convention_signatures(convention_id, version,"
	                             " person_id, entered_by, signed_at) VALUES (?, ?, ?, ?, ?)",
	                             err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, c.version);
	db_bind_int(st, 3, person);
	if (behalf)
		db_bind_int(st, 4, a->user_id);
	else
		db_bind_null(st, 4);
	db_bind_int(st, 5, now);
	if ((rc = db_step(st, err)) != DB_DONE)
		return rc < 0 ? rc : XF_EDB;
	return civic_convention_get(db, a, NULL, id, now, out, err);
}

/* ---- 楼栋自治联盟 ---- */

CIVIC_OP(civic_alliances_list)
{
	(void)id;
	(void)now;
	char lo[256], hi[256];
	int rc = civic_scope(db, a, body, lo, hi, err);
	if (rc != XF_OK)
		return rc;
	struct db_stmt *st = db_prep(
	    db,
	    "SELECT al.id, al.name, al.charter, al.place_id, p.name, al.created_at, (SELECT"
	    " count(*) FROM alliance_buildings b WHERE b.alliance_id = al.id), (SELECT count(*)"
	    " FROM conventions c WHERE c.alliance_id = al.id) FROM alliances al CROSS JOIN places "
	    "p WHERE"
	    " p.id = al.place_id AND p.path >= ? AND p.path < ? ORDER BY al.id DESC LIMIT 200",
	    err);
	if (!st)
		return err->status;
	db_bind_text(st, 1, lo);
	db_bind_text(st, 2, hi);
	json_t *items = json_array();
	if ((rc = civic_rows(st,
	                     "id:i name:t charter:t place_id:i place_name:t created_at:i"
	                     " buildings:i conventions:i",
	                     200, items, err)) != XF_OK) {
		json_decref(items);
		return rc;
	}
	*out = civic_page(items);
	return XF_OK;
}

CIVIC_OP(civic_alliance_create)
{
	(void)id;
	struct civic_place p;
	int rc = civic_place(db, jv_int(body, "place_id", 0), "place_id", &p, err);
	if (rc == XF_OK)
		rc = civic_need(db, a, p.id, err);
	if (rc != XF_OK)
		return rc;
	if (strcmp(p.kind, "grid") != 0 && strcmp(p.kind, "community") != 0)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "place_id",
		                     "楼栋自治联盟建在小区（网格）或社区");
	/* For old estates with no property company: one that serves here means no alliance. */
	int64_t pc = 0;
	if ((rc = db_int(db, err, &pc,
	                 "SELECT count(*) FROM orgs o JOIN places op ON op.id = o.place_id JOIN"
	                 " places p ON p.id = ? WHERE o.kind = 'property_company' AND"
	                 " (substr(op.path, 1, length(p.path)) = p.path OR substr(p.path, 1,"
	                 " length(op.path)) = op.path)",
	                 "i", p.id)) != XF_OK)
		return rc;
	if (pc)
		return xf_fail(err, XF_ECONFLICT, "has_property_company",
		               "该小区有物业服务企业，楼栋自治联盟用于无物业的老旧小区");
	json_t *bs = json_object_get(body, "buildings"), *b;
	size_t i;
	json_array_foreach(bs, i, b)
	{
		int64_t bid = json_integer_value(json_object_get(b, "building_id"));
		int64_t head = json_integer_value(json_object_get(b, "head_id"));
		struct civic_place bp;
		const char *key;
		json_t *v;
		bool shape = json_is_object(b);
		if (shape) {
			json_object_foreach(b, key, v)
			{
				shape &= (strcmp(key, "building_id") == 0 ||
				          strcmp(key, "head_id") == 0) &&
				         json_is_integer(v);
			}
		}
		if (!shape)
			return xf_fail_field(err, XF_EINVAL, "validation_failed", "buildings",
			                     "第 %zu 栋只能有 building_id 和 head_id 两个整数",
			                     i + 1);
		if (!json_is_object(b) || civic_place(db, bid, "buildings", &bp, err) != XF_OK ||
		    strcmp(bp.kind, "building") != 0 || !civic_inside(db, p.id, bid))
			return xf_fail_field(err, XF_EINVAL, "validation_failed", "buildings",
			                     "第 %zu 栋不是该小区的楼栋", i + 1);
		if (head && !civic_inside(db, bid, civic_home(db, head)))
			return xf_fail_field(err, XF_EINVAL, "validation_failed", "buildings",
			                     "第 %zu 栋的楼栋代表不住在这栋楼", i + 1);
		int64_t taken = 0;
		if ((rc = db_int(db, err, &taken,
		                 "SELECT count(*) FROM alliance_buildings WHERE building_id = ?",
		                 "i", bid)) != XF_OK)
			return rc;
		if (taken)
			return xf_fail(err, XF_ECONFLICT, "building_taken",
			               "%s 已经加入了一个楼栋自治联盟", bp.name);
	}
	struct db_stmt *st = db_prep(db,
	                             "INSERT INTO alliances(place_id, name, charter, created_by,"
	                             " created_at, district_id) VALUES (?, ?, ?, ?, ?, ?)"
	                             " RETURNING id",
	                             err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, p.id);
	db_bind_text(st, 2, jv_str(body, "name", ""));
	db_bind_text(st, 3, jv_str(body, "charter", ""));
	db_bind_int(st, 4, a->user_id);
	db_bind_int(st, 5, now);
	if (p.district)
		db_bind_int(st, 6, p.district);
	else
		db_bind_null(st, 6);
	if ((rc = db_step(st, err)) != DB_ROW)
		return rc < 0 ? rc : XF_EDB;
	int64_t aid = db_col_int(st, 0);
	db_reset(st);
	json_array_foreach(bs, i, b)
	{
		int64_t head = json_integer_value(json_object_get(b, "head_id"));
		st = db_prep(
		    db,
		    "INSERT INTO alliance_buildings(alliance_id, building_id, head_person_id)"
		    " VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
		    err);
		if (!st)
			return err->status;
		db_bind_int(st, 1, aid);
		db_bind_int(st, 2, json_integer_value(json_object_get(b, "building_id")));
		if (head)
			db_bind_int(st, 3, head);
		else
			db_bind_null(st, 3);
		if ((rc = db_step(st, err)) != DB_DONE)
			return rc < 0 ? rc : XF_EDB;
	}
	*out = json_pack("{s:I, s:s, s:I}", "id", (json_int_t)aid, "name", jv_str(body, "name", ""),
	                 "buildings", (json_int_t)json_array_size(bs));
	return XF_OK;
}

/* ---- duty rotas ---- */

struct rota {
	int64_t id, place, period, starts, members[64];
	int n;
	char title[256];
};

static int rota_load(struct db *db, int64_t id, struct rota *r, struct xf_err *err)
{
	memset(r, 0, sizeof *r);
	struct db_stmt *st = db_prep(
	    db, "SELECT id, place_id, period_days, starts_at, title FROM rotas WHERE id = ?", err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	int rc = db_step(st, err);
	if (rc != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_ENOTFOUND, "not_found", "没有这张值日表");
	r->id = db_col_int(st, 0);
	r->place = db_col_int(st, 1);
	r->period = db_col_int(st, 2) * 86400;
	r->starts = db_col_int(st, 3);
	snprintf(r->title, sizeof r->title, "%s", db_col_text(st, 4));
	db_reset(st);
	st = db_prep(db, "SELECT person_id FROM rota_members WHERE rota_id = ? ORDER BY ord", err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	while (r->n < 64 && (rc = db_step(st, err)) == DB_ROW)
		r->members[r->n++] = db_col_int(st, 0);
	if (rc < 0)
		return rc;
	if (r->n == 64)
		db_reset(st);
	return XF_OK;
}

/* The turn running at t (-1 before the first). */
static int64_t rota_slot(const struct rota *r, int64_t t)
{
	return t < r->starts ? -1 : (t - r->starts) / r->period;
}

static const char *const rota_kinds[] = {"building", "grid", NULL};

CIVIC_OP(civic_rota_create)
{
	(void)id;
	struct civic_place p;
	int rc = civic_place(db, jv_int(body, "place_id", 0), "place_id", &p, err);
	if (rc == XF_OK)
		rc = civic_need(db, a, p.id, err);
	if (rc != XF_OK)
		return rc;
	if (!kind_in(p.kind, rota_kinds))
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "place_id",
		                     "值日表排在楼栋或小区（网格）");
	json_t *ms = json_object_get(body, "members"), *m;
	size_t i, k;
	json_array_foreach(ms, i, m)
	{
		if (!json_is_integer(m) ||
		    !civic_inside(db, p.id, civic_home(db, json_integer_value(m))))
			return xf_fail_field(err, XF_EINVAL, "validation_failed", "members",
			                     "第 %zu 位不住在 %s", i + 1, p.name);
		for (k = 0; k < i; k++)
			if (json_integer_value(json_array_get(ms, k)) == json_integer_value(m))
				return xf_fail_field(err, XF_EINVAL, "validation_failed", "members",
				                     "第 %zu 位与第 %zu 位是同一人", i + 1, k + 1);
	}
	struct db_stmt *st =
	    db_prep(db,
	            "INSERT INTO rotas(place_id, title, task, period_days,"
	            " starts_at, created_by, created_at, district_id) VALUES (?, ?,"
	            " ?, ?, ?, ?, ?, ?) RETURNING id",
	            err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, p.id);
	db_bind_text(st, 2, jv_str(body, "title", ""));
	db_bind_text(st, 3, jv_str(body, "task", ""));
	db_bind_int(st, 4, jv_int(body, "period_days", 7));
	db_bind_int(st, 5, jv_int(body, "starts_at", now));
	db_bind_int(st, 6, a->user_id);
	db_bind_int(st, 7, now);
	if (p.district)
		db_bind_int(st, 8, p.district);
	else
		db_bind_null(st, 8);
	if ((rc = db_step(st, err)) != DB_ROW)
		return rc < 0 ? rc : XF_EDB;
	int64_t rid = db_col_int(st, 0);
	db_reset(st);
	json_array_foreach(ms, i, m)
	{
		if ((rc = db_run(
		         db, err,
		         "INSERT INTO rota_members(rota_id, ord, person_id) VALUES (?, ?, ?)",
		         "iii", rid, (int64_t)i, json_integer_value(m))) != XF_OK)
			return rc;
	}
	return civic_rota_get(db, a, NULL, rid, now, out, err);
}

CIVIC_OP(civic_rota_get)
{
	(void)body;
	struct rota r;
	int rc = rota_load(db, id, &r, err);
	if (rc != XF_OK)
		return rc;
	bool staff = civic_staff(a) && actor_may(db, a, "civic.manage", r.place);
	if (!staff && !(a->person_id && civic_inside(db, r.place, civic_home(db, a->person_id))))
		return xf_fail(err, XF_EPERM, "out_of_scope", "这张值日表不属于您所在的楼栋");
	struct db_stmt *st = db_prep(db,
	                             "SELECT r.id, r.title, r.task, r.place_id, p.name,"
	                             " r.period_days, r.starts_at FROM rotas r JOIN places p ON"
	                             " p.id = r.place_id WHERE r.id = ?",
	                             err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	if ((rc = db_step(st, err)) != DB_ROW)
		return rc < 0 ? rc : XF_EDB;
	json_t *o = civic_row(st, "id:i title:t task:t place_id:i place_name:t period_days:i"
	                          " starts_at:i");
	db_reset(st);
	json_t *turns = json_array();
	int64_t slot = rota_slot(&r, now);
	if (slot < 0)
		slot = 0;
	for (int k = 0; k < 8 && r.n; k++) {
		int64_t s = slot + k, who = r.members[s % r.n];
		char name[64] = "";
		st = db_prep(db, "SELECT name FROM people WHERE id = ?", err);
		if (!st) {
			json_decref(o);
			json_decref(turns);
			return err->status;
		}
		db_bind_int(st, 1, who);
		if (db_step(st, err) == DB_ROW) {
			if (staff || who == a->person_id)
				snprintf(name, sizeof name, "%s", db_col_text(st, 0));
			else
				civic_mask_name(db_col_text(st, 0), name, sizeof name);
			db_reset(st);
		}
		json_array_append_new(turns, json_pack("{s:I, s:I, s:s, s:b}", "from",
		                                       (json_int_t)(r.starts + s * r.period), "to",
		                                       (json_int_t)(r.starts + (s + 1) * r.period),
		                                       "name", name, "mine", who == a->person_id));
	}
	json_object_set_new(o, "members", json_integer(r.n));
	json_object_set_new(o, "turns", turns);
	*out = o;
	return XF_OK;
}

CIVIC_OP(civic_rotas_list)
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
		    "SELECT r.id FROM rotas r CROSS JOIN places p WHERE p.id = r.place_id AND"
		    " p.path >= ? AND p.path < ? AND r.active = 1 ORDER BY r.id DESC LIMIT"
		    " 100",
		    err);
		if (st) {
			db_bind_text(st, 1, lo);
			db_bind_text(st, 2, hi);
		}
	} else if (a->person_id) {
		st = db_prep(
		    db,
		    "SELECT r.id FROM rotas r JOIN places p ON p.id = r.place_id JOIN people"
		    " me ON me.id = ? JOIN places h ON h.id = me.place_id WHERE substr(h.path,"
		    " 1, length(p.path)) = p.path AND r.active = 1 ORDER BY r.id DESC LIMIT"
		    " 20",
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
	int64_t ids[100];
	int n = 0;
	while (n < 100 && (rc = db_step(st, err)) == DB_ROW)
		ids[n++] = db_col_int(st, 0);
	if (rc < 0) {
		json_decref(items);
		return rc;
	}
	if (n == 100)
		db_reset(st);
	for (int i = 0; i < n; i++) {
		json_t *o;
		if ((rc = civic_rota_get(db, a, NULL, ids[i], now, &o, err)) != XF_OK) {
			json_decref(items);
			return rc;
		}
		json_array_append_new(items, o);
	}
	*out = civic_page(items);
	return XF_OK;
}

/* ---- the scheduler ---- */

int civic_tick(struct db *db, int64_t now, int *reminded, struct xf_err *err)
{
	*reminded = 0;
	/* Whoever is on duty in the turn running now or starting within a day: once. */
	struct db_stmt *st = db_prep(db,
	                             "SELECT id FROM rotas WHERE active = 1 AND starts_at <= ?"
	                             " ORDER BY id LIMIT 5000",
	                             err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, now + 86400);
	int64_t *ids = calloc(5000, sizeof *ids);
	int n = 0, rc;
	while (n < 5000 && (rc = db_step(st, err)) == DB_ROW)
		ids[n++] = db_col_int(st, 0);
	if (rc < 0) {
		free(ids);
		return rc;
	}
	if (n == 5000)
		db_reset(st);
	for (int i = 0; i < n; i++) {
		struct rota r;
		if ((rc = rota_load(db, ids[i], &r, err)) != XF_OK) {
			free(ids);
			return rc;
		}
		if (!r.n)
			continue;
		int64_t slot = rota_slot(&r, now + 86400), who = r.members[slot % r.n];
		if ((rc = db_run(db, err,
		                 "INSERT INTO rota_reminders(rota_id, slot, person_id, sent_at)"
		                 " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
		                 "iiii", r.id, slot, who, now)) != XF_OK) {
			free(ids);
			return rc;
		}
		if (!db_changes(db))
			continue;
		char msg[512];
		snprintf(msg, sizeof msg, "您在“%s”的值日从 %s 开始，辛苦了！", r.title,
		         r.starts + slot * r.period <= now ? "今天" : "明天");
		if ((rc = civic_notify(db, who, "值日提醒", msg, err)) != XF_OK) {
			free(ids);
			return rc;
		}
		(*reminded)++;
	}
	free(ids);
	/* Commitments past their deadline: the owner hears once. */
	st = db_prep(db,
	             "SELECT id, owner_id, title FROM tri_commitments WHERE status = 'open' AND"
	             " due_at < ? AND warned_at IS NULL AND owner_id IS NOT NULL ORDER BY id"
	             " LIMIT 200",
	             err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, now);
	struct {
		int64_t id, owner;
		char title[256];
	} *c = calloc(200, sizeof *c);
	n = 0;
	while (n < 200 && (rc = db_step(st, err)) == DB_ROW) {
		c[n].id = db_col_int(st, 0);
		c[n].owner = db_col_int(st, 1);
		snprintf(c[n].title, sizeof c[n].title, "%s", db_col_text(st, 2));
		n++;
	}
	if (rc < 0) {
		free(c);
		return rc;
	}
	if (n == 200)
		db_reset(st);
	for (int i = 0; i < n && rc >= 0; i++) {
		char msg[512];
		snprintf(msg, sizeof msg, "三方联动会议上承诺的“%s”已过期限，请尽快办理并反馈",
		         c[i].title);
		if ((rc = civic_notify(db, c[i].owner, "承诺事项已逾期", msg, err)) == XF_OK)
			rc =
			    db_run(db, err, "UPDATE tri_commitments SET warned_at = ? WHERE id = ?",
			           "ii", now, c[i].id);
		if (rc == XF_OK)
			(*reminded)++;
	}
	free(c);
	return rc < 0 ? rc : XF_OK;
}

/* ---- notices ---- */

static const char *const notice_kinds[] = {"community", "party", NULL};
static const char *const audiences[] = {"residents", "members", NULL};

CIVIC_OP(civic_notice_create)
{
	(void)id;
	struct civic_place p;
	int rc = civic_place(db, jv_int(body, "place_id", 0), "place_id", &p, err);
	if (rc == XF_OK)
		rc = civic_need(db, a, p.id, err);
	if (rc != XF_OK)
		return rc;
	const char *kind = jv_str(body, "kind", ""), *aud = jv_str(body, "audience", "residents");
	if (!kind_in(kind, notice_kinds))
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "kind",
		                     "类别只能是 community（社区公告）或 party（党建园地）");
	if (!kind_in(aud, audiences))
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "audience",
		                     "对象只能是 residents（居民）或 members（党员）");
	struct db_stmt *st = db_prep(db,
	                             "INSERT INTO notices(place_id, kind, audience, title, body,"
	                             " published_by, published_at, district_id) VALUES (?, ?, ?, ?,"
	                             " ?, ?, ?, ?) RETURNING id",
	                             err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, p.id);
	db_bind_text(st, 2, kind);
	db_bind_text(st, 3, aud);
	db_bind_text(st, 4, jv_str(body, "title", ""));
	db_bind_text(st, 5, jv_str(body, "body", ""));
	db_bind_int(st, 6, a->user_id);
	db_bind_int(st, 7, now);
	if (p.district)
		db_bind_int(st, 8, p.district);
	else
		db_bind_null(st, 8);
	if ((rc = db_step(st, err)) != DB_ROW)
		return rc < 0 ? rc : XF_EDB;
	int64_t nid = db_col_int(st, 0);
	db_reset(st);
	return civic_notice_get(db, a, NULL, nid, now, out, err);
}

static bool is_member(struct db *db, int64_t person)
{
	struct xf_err e;
	int64_t n = 0;
	return person &&
	       db_int(db, &e, &n, "SELECT count(*) FROM party_members WHERE person_id = ?", "i",
	              person) == XF_OK &&
	       n > 0;
}

/* Staff of the place, or someone living there (a members' notice only for members). */
static int notice_reader(struct db *db, const struct actor *a, int64_t nid, bool *staff,
                         struct xf_err *err)
{
	int64_t place = 0;
	char aud[16] = "";
	struct db_stmt *st =
	    db_prep(db, "SELECT place_id, audience FROM notices WHERE id = ?", err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, nid);
	int rc = db_step(st, err);
	if (rc != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_ENOTFOUND, "not_found", "没有这条公告");
	place = db_col_int(st, 0);
	snprintf(aud, sizeof aud, "%s", db_col_text(st, 1));
	db_reset(st);
	*staff = civic_staff(a) && actor_may(db, a, "civic.manage", place);
	if (*staff)
		return XF_OK;
	if (a->person_id && civic_inside(db, place, civic_home(db, a->person_id)) &&
	    (strcmp(aud, "residents") == 0 || is_member(db, a->person_id)))
		return XF_OK;
	return xf_fail(err, XF_EPERM, "out_of_scope", "这条公告不是发给您的");
}

CIVIC_OP(civic_notice_get)
{
	(void)body;
	(void)now;
	bool staff;
	int rc = notice_reader(db, a, id, &staff, err);
	if (rc != XF_OK)
		return rc;
	struct db_stmt *st = db_prep(
	    db,
	    "SELECT n.id, n.kind, n.audience, n.title, n.body, n.place_id, p.name, n.published_at,"
	    " (SELECT count(*) FROM notice_reads r WHERE r.notice_id = n.id), (SELECT count(*)"
	    " FROM notice_reads r WHERE r.notice_id = n.id AND r.user_id = ?) FROM notices n JOIN"
	    " places p ON p.id = n.place_id WHERE n.id = ?",
	    err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, a->user_id);
	db_bind_int(st, 2, id);
	if ((rc = db_step(st, err)) != DB_ROW)
		return rc < 0 ? rc : XF_EDB;
	*out = civic_row(st, "id:i kind:t audience:t title:t body:t place_id:i place_name:t"
	                     " published_at:i reads:i read_by_me:b");
	db_reset(st);
	return XF_OK;
}

CIVIC_OP(civic_notice_read)
{
	(void)body;
	bool staff;
	int rc = notice_reader(db, a, id, &staff, err);
	if (rc == XF_OK)
		rc = db_run(db, err,
		            "INSERT INTO notice_reads(notice_id, user_id, read_at) VALUES (?, ?, ?)"
		            " ON CONFLICT DO NOTHING",
		            "iii", id, a->user_id, now);
	if (rc != XF_OK)
		return rc;
	return civic_notice_get(db, a, NULL, id, now, out, err);
}

CIVIC_OP(civic_notices_list)
{
	(void)id;
	(void)now;
	json_t *items = json_array();
	int rc = XF_OK;
	const char *kind = jv_str(body, "kind", "");
	if (*kind && !kind_in(kind, notice_kinds)) {
		json_decref(items);
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "kind",
		                     "类别只能是 community 或 party");
	}
	static const char spec[] = "id:i kind:t audience:t title:t body:t place_id:i place_name:t"
	                           " published_at:i reads:i read_by_me:b";
	if (civic_staff(a)) {
		char lo[256], hi[256];
		if ((rc = civic_scope(db, a, body, lo, hi, err)) != XF_OK) {
			json_decref(items);
			return rc;
		}
		struct db_stmt *st = db_prep(
		    db,
		    "SELECT n.id, n.kind, n.audience, n.title, n.body, n.place_id, p.name,"
		    " n.published_at, (SELECT count(*) FROM notice_reads r WHERE r.notice_id ="
		    " n.id), (SELECT count(*) FROM notice_reads r WHERE r.notice_id = n.id AND"
		    " r.user_id = ?) FROM notices n CROSS JOIN places p WHERE p.id = n.place_id "
		    "AND p.path"
		    " >= ? AND p.path < ? AND (? = '' OR n.kind = ?) ORDER BY n.published_at DESC,"
		    " n.id DESC LIMIT 200",
		    err);
		if (!st) {
			json_decref(items);
			return err->status;
		}
		db_bind_int(st, 1, a->user_id);
		db_bind_text(st, 2, lo);
		db_bind_text(st, 3, hi);
		db_bind_text(st, 4, kind);
		db_bind_text(st, 5, kind);
		rc = civic_rows(st, spec, 200, items, err);
	} else if (a->person_id) {
		struct db_stmt *st = db_prep(
		    db,
		    "SELECT n.id, n.kind, n.audience, n.title, n.body, n.place_id, p.name,"
		    " n.published_at, (SELECT count(*) FROM notice_reads r WHERE r.notice_id ="
		    " n.id), (SELECT count(*) FROM notice_reads r WHERE r.notice_id = n.id AND"
		    " r.user_id = ?) FROM notices n JOIN places p ON p.id = n.place_id JOIN people "
		    "me"
		    " ON me.id = ? JOIN places h ON h.id = me.place_id WHERE substr(h.path, 1,"
		    " length(p.path)) = p.path AND (n.audience = 'residents' OR ? = 1) AND (? = ''"
		    " OR n.kind = ?) ORDER BY n.published_at DESC, n.id DESC LIMIT 50",
		    err);
		if (!st) {
			json_decref(items);
			return err->status;
		}
		db_bind_int(st, 1, a->user_id);
		db_bind_int(st, 2, a->person_id);
		db_bind_int(st, 3, is_member(db, a->person_id) ? 1 : 0);
		db_bind_text(st, 4, kind);
		db_bind_text(st, 5, kind);
		rc = civic_rows(st, spec, 50, items, err);
	}
	if (rc != XF_OK) {
		json_decref(items);
		return rc;
	}
	*out = civic_page(items);
	return XF_OK;
}
