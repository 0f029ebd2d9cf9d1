/* Social organisations: incubation centres at four levels (the level is the kind of place
 * a centre serves: city, district, street, community), the organisations they incubate by
 * category, their services and volunteers, and 三社联动 — a community, a social
 * organisation and a social worker (a community cadre) on a case or a venture project. */
#include "civic_int.h"

#include <stdio.h>
#include <string.h>

static const char *const levels[] = {"city", "district", "street", "community", NULL};
static const char *const categories[] = {"life", "charity", "culture", "affairs", "elderly", NULL};

static bool in_list(const char *s, const char *const *l)
{
	for (; *l; l++)
		if (strcmp(*l, s) == 0)
			return true;
	return false;
}

static const char incubator_spec[] = "id:i name:t address:t place_id:i place_name:t level:t"
                                     " incubating:i graduated:i services:i served:i"
                                     " volunteers:i";

CIVIC_OP(civic_incubators_list)
{
	(void)id;
	(void)now;
	json_t *items = json_array();
	int rc = XF_OK;
	struct db_stmt *st = NULL;
	if (civic_staff(a)) {
		/* Staff see the centres in their area and those above it that serve it. */
		char lo[256], hi[256];
		if ((rc = civic_scope(db, a, body, lo, hi, err)) != XF_OK) {
			json_decref(items);
			return rc;
		}
		st = db_prep(
		    db,
		    "SELECT i.id, i.name, i.address, i.place_id, p.name, p.kind, (SELECT count(*)"
		    " FROM incubations x WHERE x.incubator_id = i.id AND x.status = 'incubating'),"
		    " (SELECT count(*) FROM incubations x WHERE x.incubator_id = i.id AND x.status "
		    "="
		    " 'graduated'), (SELECT count(*) FROM org_services s JOIN incubations x ON"
		    " x.org_id = s.org_id WHERE x.incubator_id = i.id), (SELECT "
		    "coalesce(sum(s.served),"
		    " 0) FROM org_services s JOIN incubations x ON x.org_id = s.org_id WHERE"
		    " x.incubator_id = i.id), (SELECT count(*) FROM org_volunteers v JOIN "
		    "incubations"
		    " x ON x.org_id = v.org_id WHERE x.incubator_id = i.id) FROM incubators i CROSS"
		    " JOIN places p WHERE p.id = i.place_id AND ((p.path >= ? AND p.path < ?) OR"
		    " substr(?, 1, length(p.path)) = p.path) ORDER BY length(p.path), i.id LIMIT "
		    "200",
		    err);
		if (st) {
			db_bind_text(st, 1, lo);
			db_bind_text(st, 2, hi);
			db_bind_text(st, 3, lo);
		}
	} else if (a->person_id) {
		st = db_prep(
		    db,
		    "SELECT i.id, i.name, i.address, i.place_id, p.name, p.kind, (SELECT count(*)"
		    " FROM incubations x WHERE x.incubator_id = i.id AND x.status = 'incubating'),"
		    " (SELECT count(*) FROM incubations x WHERE x.incubator_id = i.id AND x.status "
		    "="
		    " 'graduated'), (SELECT count(*) FROM org_services s JOIN incubations x ON"
		    " x.org_id = s.org_id WHERE x.incubator_id = i.id), (SELECT "
		    "coalesce(sum(s.served),"
		    " 0) FROM org_services s JOIN incubations x ON x.org_id = s.org_id WHERE"
		    " x.incubator_id = i.id), (SELECT count(*) FROM org_volunteers v JOIN "
		    "incubations"
		    " x ON x.org_id = v.org_id WHERE x.incubator_id = i.id) FROM incubators i JOIN"
		    " places p ON p.id = i.place_id JOIN people me ON me.id = ? JOIN places h ON "
		    "h.id"
		    " = me.place_id WHERE substr(h.path, 1, length(p.path)) = p.path ORDER BY"
		    " length(p.path), i.id LIMIT 10",
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
	if ((rc = civic_rows(st, incubator_spec, 200, items, err)) != XF_OK) {
		json_decref(items);
		return rc;
	}
	*out = civic_page(items);
	return XF_OK;
}

CIVIC_OP(civic_incubator_create)
{
	(void)id;
	struct civic_place p;
	int rc = civic_place(db, jv_int(body, "place_id", 0), "place_id", &p, err);
	if (rc == XF_OK)
		rc = civic_need(db, a, p.id, err);
	if (rc != XF_OK)
		return rc;
	if (!in_list(p.kind, levels))
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "place_id",
		                     "孵化中心设在市、区、街道或社区四级");
	int64_t n = 0;
	if ((rc = db_int(db, err, &n, "SELECT count(*) FROM incubators WHERE place_id = ?", "i",
	                 p.id)) != XF_OK)
		return rc;
	if (n)
		return xf_fail(err, XF_ECONFLICT, "already_exists", "%s 已经有孵化中心", p.name);
	struct db_stmt *st = db_prep(db,
	                             "INSERT INTO incubators(place_id, name, address, created_at,"
	                             " district_id) VALUES (?, ?, ?, ?, ?) RETURNING id",
	                             err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, p.id);
	db_bind_text(st, 2, jv_str(body, "name", ""));
	db_bind_text(st, 3, jv_str(body, "address", ""));
	db_bind_int(st, 4, now);
	if (p.district)
		db_bind_int(st, 5, p.district);
	else
		db_bind_null(st, 5);
	if ((rc = db_step(st, err)) != DB_ROW)
		return rc < 0 ? rc : XF_EDB;
	int64_t iid = db_col_int(st, 0);
	db_reset(st);
	return civic_incubator_get(db, a, NULL, iid, now, out, err);
}

static int incubator_place(struct db *db, int64_t id, int64_t *place, struct xf_err *err)
{
	int rc = db_int(db, err, place, "SELECT place_id FROM incubators WHERE id = ?", "i", id);
	if (rc == XF_ENOTFOUND)
		return xf_fail(err, XF_ENOTFOUND, "not_found", "没有这个孵化中心");
	return rc;
}

CIVIC_OP(civic_incubator_get)
{
	(void)body;
	(void)now;
	int64_t place = 0;
	int rc = incubator_place(db, id, &place, err);
	if (rc != XF_OK)
		return rc;
	/* Its own staff, staff below it (a city centre serves every community), or residents
	 * it serves. */
	bool ok = actor_may(db, a, "civic.manage", place) ||
	          (civic_staff(a) && civic_inside(db, place, a->place_id)) ||
	          (a->person_id && civic_inside(db, place, civic_home(db, a->person_id)));
	if (!ok)
		return xf_fail(err, XF_EPERM, "out_of_scope", "该孵化中心不在您的辖区");
	struct db_stmt *st = db_prep(
	    db,
	    "SELECT i.id, i.name, i.address, i.place_id, p.name, p.kind, (SELECT count(*) FROM"
	    " incubations x WHERE x.incubator_id = i.id AND x.status = 'incubating'), (SELECT"
	    " count(*) FROM incubations x WHERE x.incubator_id = i.id AND x.status ="
	    " 'graduated'), (SELECT count(*) FROM org_services s JOIN incubations x ON x.org_id ="
	    " s.org_id WHERE x.incubator_id = i.id), (SELECT coalesce(sum(s.served), 0) FROM"
	    " org_services s JOIN incubations x ON x.org_id = s.org_id WHERE x.incubator_id ="
	    " i.id), (SELECT count(*) FROM org_volunteers v JOIN incubations x ON x.org_id ="
	    " v.org_id WHERE x.incubator_id = i.id) FROM incubators i JOIN places p ON p.id ="
	    " i.place_id WHERE i.id = ?",
	    err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	if ((rc = db_step(st, err)) != DB_ROW)
		return rc < 0 ? rc : XF_EDB;
	json_t *o = civic_row(st, incubator_spec);
	db_reset(st);
	json_t *orgs = json_array();
	json_object_set_new(o, "orgs", orgs);
	json_object_set_new(o, "can_manage", json_boolean(actor_may(db, a, "civic.manage", place)));
	st = db_prep(db,
	             "SELECT x.id, x.org_id, og.name, x.category, x.status, x.started_at,"
	             " x.graduated_at, (SELECT count(*) FROM org_services s WHERE s.org_id ="
	             " x.org_id), (SELECT coalesce(sum(s.served), 0) FROM org_services s WHERE"
	             " s.org_id = x.org_id), (SELECT count(*) FROM org_volunteers v WHERE"
	             " v.org_id = x.org_id), coalesce((SELECT s.title FROM org_services s WHERE"
	             " s.org_id = x.org_id ORDER BY s.held_at DESC, s.id DESC LIMIT 1), '') FROM"
	             " incubations x JOIN orgs og ON og.id = x.org_id WHERE x.incubator_id = ?"
	             " ORDER BY x.category, x.id",
	             err);
	if (!st) {
		json_decref(o);
		return err->status;
	}
	db_bind_int(st, 1, id);
	if ((rc = civic_rows(st,
	                     "id:i org_id:i name:t category:t status:t started_at:i"
	                     " graduated_at:n services:i served:i volunteers:i last_service:t",
	                     500, orgs, err)) != XF_OK) {
		json_decref(o);
		return rc;
	}
	*out = o;
	return XF_OK;
}

CIVIC_OP(civic_incubation_add)
{
	int64_t place = 0;
	int rc = incubator_place(db, id, &place, err);
	if (rc == XF_OK)
		rc = civic_need(db, a, place, err);
	if (rc != XF_OK)
		return rc;
	const char *category = jv_str(body, "category", ""), *name = jv_str(body, "name", "");
	if (!in_list(category, categories))
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "category",
		                     "类别只能是 life（生活服务）、charity（公益慈善）、culture"
		                     "（文体活动）、affairs（社区事务）或 elderly（为老服务）");
	int64_t org = jv_int(body, "org_id", 0);
	if (org) {
		int64_t ok = 0;
		if ((rc = db_int(db, err, &ok,
		                 "SELECT count(*) FROM orgs WHERE id = ? AND kind = 'social_org'",
		                 "i", org)) != XF_OK)
			return rc;
		if (!ok)
			return xf_fail_field(err, XF_EINVAL, "validation_failed", "org_id",
			                     "org_id 应为一个社会组织");
	} else if (strlen(name) < 2) {
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "name",
		                     "请填写社会组织名称，或选择已登记的社会组织");
	} else {
		/* A new organisation enters the registry here, once, with a code of its own. */
		int64_t seq = 0;
		if ((rc = db_int(db, err, &seq,
		                 "SELECT count(*) FROM orgs WHERE kind = 'social_org'", "")) !=
		    XF_OK)
			return rc;
		char code[48];
		snprintf(code, sizeof code, "SO-%lld-%lld", (long long)id, (long long)seq + 1);
		struct db_stmt *st =
		    db_prep(db,
		            "INSERT INTO orgs(code, name, kind, line, place_id,"
		            " domain, district_id, created_at) VALUES (?, ?,"
		            " 'social_org', 'org', ?, 'social', (SELECT district_id"
		            " FROM places WHERE id = ?), ?) RETURNING id",
		            err);
		if (!st)
			return err->status;
		db_bind_text(st, 1, code);
		db_bind_text(st, 2, name);
		db_bind_int(st, 3, place);
		db_bind_int(st, 4, place);
		db_bind_int(st, 5, now);
		if ((rc = db_step(st, err)) != DB_ROW)
			return rc < 0 ? rc : XF_EDB;
		org = db_col_int(st, 0);
		db_reset(st);
	}
	int64_t n = 0;
	if ((rc = db_int(db, err, &n,
	                 "SELECT count(*) FROM incubations WHERE incubator_id = ? AND org_id = ?",
	                 "ii", id, org)) != XF_OK)
		return rc;
	if (n)
		return xf_fail(err, XF_ECONFLICT, "already_incubated",
		               "这个社会组织已在本中心孵化");
	if ((rc = db_run(db, err,
	                 "INSERT INTO incubations(incubator_id, org_id, category, status,"
	                 " started_at) VALUES (?, ?, ?, 'incubating', ?)",
	                 "iiti", id, org, category, now)) != XF_OK)
		return rc;
	return civic_incubator_get(db, a, NULL, id, now, out, err);
}

CIVIC_OP(civic_incubation_graduate)
{
	(void)body;
	int64_t inc = 0, place = 0;
	char status[16] = "";
	struct db_stmt *st =
	    db_prep(db, "SELECT incubator_id, status FROM incubations WHERE id = ?", err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	int rc = db_step(st, err);
	if (rc != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_ENOTFOUND, "not_found", "没有这条孵化记录");
	inc = db_col_int(st, 0);
	snprintf(status, sizeof status, "%s", db_col_text(st, 1));
	db_reset(st);
	if ((rc = incubator_place(db, inc, &place, err)) != XF_OK ||
	    (rc = civic_need(db, a, place, err)) != XF_OK)
		return rc;
	if (strcmp(status, "graduated") == 0)
		return xf_fail(err, XF_ECONFLICT, "already_graduated", "这个社会组织已经出壳");
	if ((rc = db_run(db, err,
	                 "UPDATE incubations SET status = 'graduated', graduated_at = ? WHERE id ="
	                 " ?",
	                 "ii", now, id)) != XF_OK)
		return rc;
	return civic_incubator_get(db, a, NULL, inc, now, out, err);
}

/* Staff over a social organisation: of its own place, or of a centre incubating it. */
static int org_staff(struct db *db, const struct actor *a, int64_t org, struct xf_err *err)
{
	int64_t place = 0;
	struct xf_err e;
	db_int(db, &e, &place, "SELECT place_id FROM orgs WHERE id = ? AND kind = 'social_org'",
	       "i", org);
	if (!place)
		return xf_fail(err, XF_ENOTFOUND, "not_found", "没有这个社会组织");
	if (actor_may(db, a, "civic.manage", place))
		return XF_OK;
	struct db_stmt *st = db_prep(db,
	                             "SELECT i.place_id FROM incubations x JOIN incubators i ON"
	                             " i.id = x.incubator_id WHERE x.org_id = ?",
	                             err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, org);
	int64_t ps[8];
	int n = 0, rc;
	while (n < 8 && (rc = db_step(st, err)) == DB_ROW)
		ps[n++] = db_col_int(st, 0);
	if (n == 8)
		db_reset(st);
	for (int i = 0; i < n; i++)
		if (actor_may(db, a, "civic.manage", ps[i]))
			return XF_OK;
	return civic_need(db, a, place, err);
}

CIVIC_OP(civic_org_service_add)
{
	int rc = org_staff(db, a, id, err);
	if (rc != XF_OK)
		return rc;
	int64_t held = jv_int(body, "held_at", now);
	if (held > now)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "held_at",
		                     "服务时间不能在将来：登记已经做过的服务");
	int64_t place = jv_int(body, "place_id", 0);
	if (!place)
		db_int(db, err, &place, "SELECT place_id FROM orgs WHERE id = ?", "i", id);
	else if (!actor_may(db, a, "civic.manage", place))
		return xf_fail_field(err, XF_EPERM, "out_of_scope", "place_id",
		                     "服务地点不在您的辖区");
	if ((rc = db_run(db, err,
	                 "INSERT INTO org_services(org_id, place_id, title, served, held_at,"
	                 " created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
	                 "iitiiii", id, place, jv_str(body, "title", ""), jv_int(body, "served", 0),
	                 held, a->user_id, now)) != XF_OK)
		return rc;
	json_t *items = json_array();
	struct db_stmt *st = db_prep(db,
	                             "SELECT s.id, s.title, s.served, s.held_at, p.name FROM"
	                             " org_services s JOIN places p ON p.id = s.place_id WHERE"
	                             " s.org_id = ? ORDER BY s.held_at DESC, s.id DESC LIMIT 50",
	                             err);
	if (!st) {
		json_decref(items);
		return err->status;
	}
	db_bind_int(st, 1, id);
	if ((rc = civic_rows(st, "id:i title:t served:i held_at:i place_name:t", 50, items, err)) !=
	    XF_OK) {
		json_decref(items);
		return rc;
	}
	*out = json_pack("{s:I, s:o}", "org_id", (json_int_t)id, "services", items);
	return XF_OK;
}

CIVIC_OP(civic_org_volunteer_add)
{
	int rc = org_staff(db, a, id, err);
	if (rc != XF_OK)
		return rc;
	int64_t person = jv_int(body, "person_id", 0), n = 0;
	if ((rc = db_int(db, err, &n, "SELECT count(*) FROM people WHERE id = ?", "i", person)) !=
	    XF_OK)
		return rc;
	if (!n)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "person_id",
		                     "没有这个人");
	if ((rc = db_int(db, err, &n,
	                 "SELECT count(*) FROM org_volunteers WHERE org_id = ? AND person_id = ?",
	                 "ii", id, person)) != XF_OK)
		return rc;
	if (n)
		return xf_fail(err, XF_ECONFLICT, "already_volunteer", "已经是这个组织的志愿者");
	if ((rc =
	         db_run(db, err,
	                "INSERT INTO org_volunteers(org_id, person_id, joined_at) VALUES (?, ?, ?)",
	                "iii", id, person, now)) != XF_OK ||
	    (rc = db_int(db, err, &n, "SELECT count(*) FROM org_volunteers WHERE org_id = ?", "i",
	                 id)) != XF_OK)
		return rc;
	*out = json_pack("{s:I, s:I}", "org_id", (json_int_t)id, "volunteers", (json_int_t)n);
	return XF_OK;
}

/* ---- 三社联动 ---- */

CIVIC_OP(civic_sansha_list)
{
	(void)id;
	(void)now;
	char lo[256], hi[256];
	int rc = civic_scope(db, a, body, lo, hi, err);
	if (rc != XF_OK)
		return rc;
	struct db_stmt *st = db_prep(
	    db,
	    "SELECT s.id, s.subject, s.subject_id, CASE WHEN s.subject = 'case' THEN"
	    " coalesce((SELECT c.title FROM cases c WHERE c.id = s.subject_id), '') ELSE"
	    " coalesce((SELECT x.title FROM venture_apps x WHERE x.id = s.subject_id), '') END,"
	    " s.place_id, p.name, s.org_id, o.name, s.worker_id, w.name, s.note, s.created_at"
	    " FROM sansha_links s JOIN places p ON p.id = s.place_id JOIN orgs o ON o.id ="
	    " s.org_id JOIN people w ON w.id = s.worker_id WHERE p.path >= ? AND p.path < ?"
	    " ORDER BY s.id DESC LIMIT 200",
	    err);
	if (!st)
		return err->status;
	db_bind_text(st, 1, lo);
	db_bind_text(st, 2, hi);
	json_t *items = json_array();
	if ((rc = civic_rows(st,
	                     "id:i subject:t subject_id:i subject_title:t place_id:i place_name:t"
	                     " org_id:i org_name:t worker_id:i worker_name:t note:t created_at:i",
	                     200, items, err)) != XF_OK) {
		json_decref(items);
		return rc;
	}
	*out = civic_page(items);
	return XF_OK;
}

CIVIC_OP(civic_sansha_create)
{
	(void)id;
	const char *subject = jv_str(body, "subject", "");
	int64_t sid = jv_int(body, "subject_id", 0), org = jv_int(body, "org_id", 0);
	int64_t worker = jv_int(body, "worker_id", 0), place = 0, n = 0;
	struct xf_err e;
	if (strcmp(subject, "case") == 0)
		db_int(db, &e, &place,
		       "SELECT coalesce(community_id, place_id) FROM cases WHERE id = ?", "i", sid);
	else if (strcmp(subject, "venture") == 0)
		db_int(db, &e, &place,
		       "SELECT v.place_id FROM venture_apps x JOIN venture_calls v ON v.id ="
		       " x.call_id WHERE x.id = ?",
		       "i", sid);
	else
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "subject",
		                     "只能是 case（民情诉求）或 venture（创投项目）");
	if (!place)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "subject_id",
		                     "没有这件诉求或这个项目");
	int64_t community = civic_community(db, place);
	int rc = civic_need(db, a, community ? community : place, err);
	if (rc != XF_OK)
		return rc;
	if ((rc = db_int(db, err, &n,
	                 "SELECT count(*) FROM orgs WHERE id = ? AND kind = 'social_org'", "i",
	                 org)) != XF_OK)
		return rc;
	if (!n)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "org_id",
		                     "org_id 应为一个社会组织");
	/* The social worker is a community cadre on record (src/funds/cadres.c). */
	if ((rc = db_int(db, err, &n, "SELECT count(*) FROM cadres WHERE person_id = ?", "i",
	                 worker)) != XF_OK)
		return rc;
	if (!n)
		return xf_fail_field(err, XF_EINVAL, "not_social_worker", "worker_id",
		                     "社工应是登记在册的社区工作者");
	if ((rc =
	         db_int(db, err, &n,
	                "SELECT count(*) FROM sansha_links WHERE subject = ? AND subject_id = ? AND"
	                " org_id = ?",
	                "tii", subject, sid, org)) != XF_OK)
		return rc;
	if (n)
		return xf_fail(err, XF_ECONFLICT, "already_linked", "这个社会组织已在联动之中");
	struct db_stmt *st = db_prep(db,
	                             "INSERT INTO sansha_links(subject, subject_id, place_id,"
	                             " org_id, worker_id, note, created_by, created_at) VALUES (?,"
	                             " ?, ?, ?, ?, ?, ?, ?) RETURNING id",
	                             err);
	if (!st)
		return err->status;
	db_bind_text(st, 1, subject);
	db_bind_int(st, 2, sid);
	db_bind_int(st, 3, community ? community : place);
	db_bind_int(st, 4, org);
	db_bind_int(st, 5, worker);
	db_bind_text(st, 6, jv_str(body, "note", ""));
	db_bind_int(st, 7, a->user_id);
	db_bind_int(st, 8, now);
	if ((rc = db_step(st, err)) != DB_ROW)
		return rc < 0 ? rc : XF_EDB;
	int64_t lid = db_col_int(st, 0);
	db_reset(st);
	*out = json_pack("{s:I, s:s, s:I, s:I, s:I}", "id", (json_int_t)lid, "subject", subject,
	                 "subject_id", (json_int_t)sid, "org_id", (json_int_t)org, "worker_id",
	                 (json_int_t)worker);
	return XF_OK;
}
