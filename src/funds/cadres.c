/* Community cadres (社区专职工作者): who they are (a person of the registry, their positions
 * from the registry, 一肩挑 visible), certificates and the subsidy they bring (default 100
 * yuan a month for 助理社工师 and above), pay against the local average wage — pay is shown
 * only to roles holding cadres.pay — training at the 社区干部学院, and careers (civil
 * service, promotion). */
#include "funds.h"
#include "../auth/policy.h"
#include "../core/jv.h"
#include "../registry/registry.h"
#include "../store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int64_t meta_fen(struct db *db, const char *key, int64_t fallback)
{
	char v[32];
	struct xf_err e;
	return store_meta_get(db, key, v, sizeof v, &e) == XF_OK ? strtoll(v, NULL, 10) : fallback;
}

/* 100 yuan a month for each level from 助理社工师 up (configurable). */
static int64_t subsidy_fen(struct db *db)
{
	return meta_fen(db, "cadres.certificate_subsidy_fen", 10000);
}

static int64_t local_average_fen(struct db *db)
{
	return meta_fen(db, "cadres.local_average_wage_fen", 350000);
}

static int cadre_place(struct db *db, int64_t id, int64_t *place, struct xf_err *err)
{
	int rc = db_int(db, err, place, "SELECT place_id FROM cadres WHERE id = ?", "i", id);
	if (rc == XF_ENOTFOUND)
		return xf_fail(err, XF_ENOTFOUND, "not_found", "没有这位社区工作者");
	return rc;
}

FUNDS_OP(cadres_create)
{
	int64_t person = jv_int(body, "person_id", 0), place = jv_int(body, "place_id", 0), n = 0;
	int rc = actor_need(db, a, "cadres.manage", place, err);
	if (rc == XF_OK)
		rc = db_int(db, err, &n, "SELECT count(*) FROM people WHERE id = ?", "i", person);
	if (rc != XF_OK)
		return rc;
	if (!n)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "person_id",
		                     "没有这个人");
	if ((rc = db_int(db, err, &n, "SELECT count(*) FROM cadres WHERE person_id = ?", "i",
	                 person)) != XF_OK)
		return rc;
	if (n)
		return xf_fail(err, XF_ECONFLICT, "duplicate", "此人已有社区工作者档案");
	int64_t pay = jv_int(body, "pay_fen", 0);
	if (pay && !policy_allows(a->role, "cadres.pay"))
		return xf_fail_field(err, XF_EPERM, "forbidden", "pay_fen", "没有权限登记薪酬");
	struct db_stmt *st = db_prep(
	    db,
	    "INSERT INTO cadres(person_id, place_id, title, hired_at, pay_fen, district_id) VALUES"
	    " (?, ?, ?, ?, ?, (SELECT district_id FROM places WHERE id = ?)) RETURNING id",
	    err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, person);
	db_bind_int(st, 2, place);
	db_bind_text(st, 3, jv_str(body, "title", ""));
	db_bind_int(st, 4, jv_int(body, "hired_at", now));
	if (pay)
		db_bind_int(st, 5, pay);
	else
		db_bind_null(st, 5);
	db_bind_int(st, 6, place);
	if ((rc = db_step(st, err)) != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_EDB, "db_error", "保存失败");
	int64_t cid = db_col_int(st, 0);
	db_reset(st);
	return cadres_get(db, a, NULL, cid, now, out, err);
}

/* Certificates from 助理社工师 up each bring the subsidy. */
#define SUBSIDY_KINDS "('assistant_social_worker', 'social_worker', 'senior_social_worker')"

FUNDS_OP(cadres_get)
{
	int64_t place = 0;
	int rc = cadre_place(db, id, &place, err);
	if (rc == XF_OK)
		rc = actor_need(db, a, "cadres.read", place, err);
	if (rc != XF_OK)
		return rc;
	bool pay = policy_allows(a->role, "cadres.pay");
	struct db_stmt *st = db_prep(
	    db,
	    "SELECT c.id, c.person_id, pe.name, c.title, p.name, c.hired_at, coalesce(c.pay_fen, "
	    "0),"
	    " coalesce(c.left_at, 0), (SELECT count(*) FROM cadre_certificates k WHERE k.cadre_id ="
	    " c.id AND k.kind IN " SUBSIDY_KINDS ") FROM cadres c JOIN people pe ON pe.id ="
	    " c.person_id JOIN places p ON p.id = c.place_id WHERE c.id = ?",
	    err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	if ((rc = db_step(st, err)) != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_ENOTFOUND, "not_found", "没有这位社区工作者");
	int64_t person = db_col_int(st, 1), certs = db_col_int(st, 8);
	json_t *v = json_pack("{s:I, s:I, s:s, s:s, s:s, s:I, s:I, s:I}", "id",
	                      (json_int_t)db_col_int(st, 0), "person_id", (json_int_t)person,
	                      "name", db_col_text(st, 2), "title", db_col_text(st, 3), "place_name",
	                      db_col_text(st, 4), "hired_at", (json_int_t)db_col_int(st, 5),
	                      "left_at", (json_int_t)db_col_int(st, 7), "subsidy_fen",
	                      (json_int_t)(certs * subsidy_fen(db)));
	if (pay) {
		json_object_set_new(v, "pay_fen", json_integer(db_col_int(st, 6)));
		json_object_set_new(v, "local_average_wage_fen",
		                    json_integer(local_average_fen(db)));
	}
	db_reset(st);
	/* Positions come from the registry (one record, 一肩挑 visible as two posts). */
	if ((rc = registry_person_card(db, person, v, err)) != XF_OK) {
		json_decref(v);
		return rc;
	}
	json_t *c = json_array(), *ev = json_array();
	json_object_set_new(v, "certificates", c);
	json_object_set_new(v, "events", ev);
	st = db_prep(db,
	             "SELECT kind, name, obtained_at FROM cadre_certificates WHERE cadre_id = ?"
	             " ORDER BY obtained_at",
	             err);
	if (!st) {
		json_decref(v);
		return err->status;
	}
	db_bind_int(st, 1, id);
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(c, json_pack("{s:s, s:s, s:I}", "kind", db_col_text(st, 0),
		                                   "name", db_col_text(st, 1), "obtained_at",
		                                   (json_int_t)db_col_int(st, 2)));
	st = rc < 0 ? NULL
	            : db_prep(db,
	                      "SELECT kind, title, hours, at FROM cadre_events WHERE cadre_id = ?"
	                      " ORDER BY at",
	                      err);
	if (!st) {
		json_decref(v);
		return rc < 0 ? rc : err->status;
	}
	db_bind_int(st, 1, id);
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(ev, json_pack("{s:s, s:s, s:I, s:I}", "kind",
		                                    db_col_text(st, 0), "title", db_col_text(st, 1),
		                                    "hours", (json_int_t)db_col_int(st, 2), "at",
		                                    (json_int_t)db_col_int(st, 3)));
	if (rc < 0) {
		json_decref(v);
		return rc;
	}
	*out = v;
	return XF_OK;
}

FUNDS_OP(cadres_list)
{
	int64_t place = jv_int(body, "place", a->place_id);
	char lo[256], hi[256];
	int rc = actor_need(db, a, "cadres.read", place, err);
	if (rc == XF_OK)
		rc = registry_subtree(db, place, lo, hi, err);
	if (rc != XF_OK)
		return rc;
	bool pay = policy_allows(a->role, "cadres.pay");
	struct db_stmt *st = db_prep(
	    db,
	    "SELECT c.id, pe.name, c.title, p.name, c.hired_at, coalesce(c.pay_fen, 0), (SELECT"
	    " count(*) FROM cadre_certificates k WHERE k.cadre_id = c.id AND k.kind "
	    "IN " SUBSIDY_KINDS
	    "), (SELECT coalesce(sum(hours), 0) FROM cadre_events e WHERE e.cadre_id = c.id AND"
	    " e.kind = 'training'), (SELECT count(*) FROM positions ps WHERE ps.person_id ="
	    " c.person_id AND ps.ended_at IS NULL AND ps.post IN ('secretary', 'director')) FROM"
	    " cadres c JOIN people pe ON pe.id = c.person_id CROSS JOIN places p WHERE p.id = "
	    "c.place_id"
	    " AND p.path >= ? AND p.path < ? AND c.left_at IS NULL ORDER BY p.path, c.id"
	    " LIMIT 2000",
	    err);
	if (!st)
		return err->status;
	db_bind_text(st, 1, lo);
	db_bind_text(st, 2, hi);
	json_t *items = json_array();
	int64_t sub = subsidy_fen(db);
	while ((rc = db_step(st, err)) == DB_ROW) {
		json_t *it = json_pack(
		    "{s:I, s:s, s:s, s:s, s:I, s:I, s:I, s:b}", "id", (json_int_t)db_col_int(st, 0),
		    "name", db_col_text(st, 1), "title", db_col_text(st, 2), "place_name",
		    db_col_text(st, 3), "hired_at", (json_int_t)db_col_int(st, 4), "subsidy_fen",
		    (json_int_t)(db_col_int(st, 6) * sub), "training_hours",
		    (json_int_t)db_col_int(st, 7), "one_shoulder", db_col_int(st, 8) >= 2);
		if (pay)
			json_object_set_new(it, "pay_fen", json_integer(db_col_int(st, 5)));
		json_array_append_new(items, it);
	}
	if (rc < 0) {
		json_decref(items);
		return rc;
	}
	*out = json_pack("{s:o, s:n}", "items", items, "next");
	return XF_OK;
}

FUNDS_OP(cadres_certificate_add)
{
	int64_t place = 0;
	int rc = cadre_place(db, id, &place, err);
	if (rc == XF_OK)
		rc = actor_need(db, a, "cadres.manage", place, err);
	if (rc != XF_OK)
		return rc;
	const char *kind = jv_str(body, "kind", "");
	if (strcmp(kind, "assistant_social_worker") != 0 && strcmp(kind, "social_worker") != 0 &&
	    strcmp(kind, "senior_social_worker") != 0 && strcmp(kind, "other") != 0)
		return xf_fail_field(
		    err, XF_EINVAL, "validation_failed", "kind",
		    "证书类别只能是 assistant_social_worker（助理社工师）、"
		    "social_worker（社工师）、senior_social_worker（高级社工师）或 other");
	int64_t n = 0;
	if ((rc = db_int(
	         db, err, &n,
	         "SELECT count(*) FROM cadre_certificates WHERE cadre_id = ? AND kind = ? AND"
	         " name = ?",
	         "itt", id, kind, jv_str(body, "name", ""))) != XF_OK)
		return rc;
	if (n)
		return xf_fail(err, XF_ECONFLICT, "duplicate", "这张证书已经登记过了");
	if ((rc = db_run(db, err,
	                 "INSERT INTO cadre_certificates(cadre_id, kind, name, obtained_at) VALUES"
	                 " (?, ?, ?, ?)",
	                 "itti", id, kind, jv_str(body, "name", ""),
	                 jv_int(body, "obtained_at", now))) != XF_OK)
		return rc;
	return cadres_get(db, a, NULL, id, now, out, err);
}

FUNDS_OP(cadres_event_add)
{
	int64_t place = 0;
	int rc = cadre_place(db, id, &place, err);
	if (rc == XF_OK)
		rc = actor_need(db, a, "cadres.manage", place, err);
	if (rc != XF_OK)
		return rc;
	const char *kind = jv_str(body, "kind", "");
	if (strcmp(kind, "training") != 0 && strcmp(kind, "civil_service") != 0 &&
	    strcmp(kind, "promotion") != 0)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "kind",
		                     "只能登记 training（培训）、civil_service（考录公务员）或 "
		                     "promotion（提拔）");
	if ((rc = db_run(
	         db, err,
	         "INSERT INTO cadre_events(cadre_id, kind, title, hours, at) VALUES (?, ?, ?,"
	         " ?, ?)",
	         "ittii", id, kind, jv_str(body, "title", ""), jv_int(body, "hours", 0),
	         jv_int(body, "at", now))) != XF_OK)
		return rc;
	if (strcmp(kind, "civil_service") == 0 &&
	    (rc = db_run(db, err, "UPDATE cadres SET left_at = ? WHERE id = ? AND left_at IS NULL",
	                 "ii", jv_int(body, "at", now), id)) != XF_OK)
		return rc;
	return cadres_get(db, a, NULL, id, now, out, err);
}

FUNDS_OP(cadres_report)
{
	int64_t place = jv_int(body, "place", a->place_id);
	char lo[256], hi[256];
	int rc = actor_need(db, a, "cadres.read", place, err);
	if (rc == XF_OK)
		rc = registry_subtree(db, place, lo, hi, err);
	if (rc != XF_OK)
		return rc;
	struct db_stmt *st = db_prep(
	    db,
	    "SELECT count(*), coalesce(sum(CASE WHEN c.pay_fen IS NOT NULL THEN 1 ELSE 0 END), 0),"
	    " coalesce(sum(c.pay_fen), 0), coalesce(sum((SELECT count(*) FROM cadre_certificates k"
	    " WHERE k.cadre_id = c.id AND k.kind IN " SUBSIDY_KINDS ")), 0), coalesce(sum(CASE WHEN"
	    " EXISTS (SELECT 1 FROM cadre_certificates k WHERE k.cadre_id = c.id AND k.kind IN"
	    " " SUBSIDY_KINDS
	    ") THEN 1 ELSE 0 END), 0), coalesce(sum((SELECT coalesce(sum(e.hours),"
	    " 0) FROM cadre_events e WHERE e.cadre_id = c.id AND e.kind = 'training')), 0)"
	    " FROM cadres c CROSS JOIN places p WHERE p.id = c.place_id AND p.path >= ? AND p.path "
	    "< ? AND"
	    " c.left_at IS NULL",
	    err);
	if (!st)
		return err->status;
	db_bind_text(st, 1, lo);
	db_bind_text(st, 2, hi);
	if ((rc = db_step(st, err)) != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_EDB, "db_error", "统计失败");
	int64_t n = db_col_int(st, 0), paid = db_col_int(st, 1), pay_sum = db_col_int(st, 2),
	        certs = db_col_int(st, 3), certified = db_col_int(st, 4), hours = db_col_int(st, 5);
	db_reset(st);
	int64_t careers[2] = {0, 0};
	if ((rc = db_int(
	         db, err, &careers[0],
	         "SELECT count(*) FROM cadre_events e JOIN cadres c ON c.id = e.cadre_id CROSS JOIN"
	         " places p WHERE p.id = c.place_id AND p.path >= ? AND p.path < ? AND"
	         " e.kind = 'civil_service'",
	         "tt", lo, hi)) != XF_OK ||
	    (rc = db_int(
	         db, err, &careers[1],
	         "SELECT count(*) FROM cadre_events e JOIN cadres c ON c.id = e.cadre_id CROSS JOIN"
	         " places p WHERE p.id = c.place_id AND p.path >= ? AND p.path < ? AND"
	         " e.kind = 'promotion'",
	         "tt", lo, hi)) != XF_OK)
		return rc;
	json_t *v = json_pack(
	    "{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "place_id", (json_int_t)place, "cadres",
	    (json_int_t)n, "certified", (json_int_t)certified, "subsidy_fen_per_month",
	    (json_int_t)(certs * subsidy_fen(db)), "training_hours", (json_int_t)hours,
	    "to_civil_service", (json_int_t)careers[0], "promotions", (json_int_t)careers[1],
	    "local_average_wage_fen", (json_int_t)local_average_fen(db));
	/* Pay only for those who may see it: the average and how it stands to the local one. */
	if (policy_allows(a->role, "cadres.pay") && paid) {
		int64_t avg = pay_sum / paid;
		json_object_set_new(v, "average_pay_fen", json_integer(avg));
		json_object_set_new(v, "pay_at_least_local_average",
		                    json_boolean(avg >= local_average_fen(db)));
	}
	*out = v;
	return XF_OK;
}
