/* 三方联动: joint meetings of 居委会, 业委会 and 物业 convened by the community party
 * organisation, 交叉任职 derived from positions, commitments with an owner and a deadline,
 * follow-up until done (overdue ones are flagged and their owner reminded by civic_tick),
 * and residents' yearly rating of the property company that serves them. */
#include "civic_int.h"
#include "../auth/policy.h"
#include "../registry/registry.h"

#include <stdio.h>
#include <string.h>

/* Staff over the meeting's community, or the property company and the owners' committee
 * whose grant lies inside it (they sit at its table). */
static int tri_need(struct db *db, const struct actor *a, int64_t place, struct xf_err *err)
{
	if (!civic_staff(a) && policy_allows(a->role, "civic.tripartite") &&
	    civic_inside(db, place, a->place_id))
		return XF_OK;
	return actor_need(db, a, "civic.tripartite", place, err);
}

/* The scope of a list: staff as usual; the other parties see their community's. */
static int tri_scope(struct db *db, const struct actor *a, json_t *q, char lo[256], char hi[256],
                     struct xf_err *err)
{
	if (civic_staff(a))
		return civic_scope(db, a, q, lo, hi, err);
	int64_t community = civic_community(db, a->place_id);
	int64_t place = jv_int(q, "place", 0);
	if (place && !civic_inside(db, community, place))
		return xf_fail(err, XF_EPERM, "out_of_scope", "该地点不在您的管辖范围内");
	return registry_subtree(db,
	                        place       ? place
	                        : community ? community
	                                    : a->place_id,
	                        lo, hi, err);
}

static const char meeting_spec[] = "id:i title:t agenda:t minutes:t held_at:i place_id:i"
                                   " place_name:t convenor_id:i convenor_name:t meeting_id:n"
                                   " commitments:i open:i overdue:i";

CIVIC_OP(civic_tri_list)
{
	(void)id;
	char lo[256], hi[256];
	int rc = tri_scope(db, a, body, lo, hi, err);
	if (rc != XF_OK)
		return rc;
	struct db_stmt *st = db_prep(
	    db,
	    "SELECT m.id, m.title, m.agenda, m.minutes, m.held_at, m.place_id, p.name,"
	    " m.convenor_id, o.name, m.meeting_id, (SELECT count(*) FROM tri_commitments c WHERE"
	    " c.meeting_id = m.id), (SELECT count(*) FROM tri_commitments c WHERE c.meeting_id ="
	    " m.id AND c.status = 'open'), (SELECT count(*) FROM tri_commitments c WHERE"
	    " c.meeting_id = m.id AND c.status = 'open' AND c.due_at < ?) FROM tri_meetings m"
	    " CROSS JOIN places p JOIN orgs o ON o.id = m.convenor_id WHERE p.id = m.place_id AND"
	    " p.path >= ? AND p.path < ? ORDER BY m.held_at DESC, m.id DESC LIMIT 200",
	    err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, now);
	db_bind_text(st, 2, lo);
	db_bind_text(st, 3, hi);
	json_t *items = json_array();
	if ((rc = civic_rows(st, meeting_spec, 200, items, err)) != XF_OK) {
		json_decref(items);
		return rc;
	}
	*out = civic_page(items);
	return XF_OK;
}

CIVIC_OP(civic_tri_create)
{
	(void)id;
	struct civic_place p;
	int rc = civic_place(db, jv_int(body, "place_id", 0), "place_id", &p, err);
	if (rc == XF_OK)
		rc = civic_need(db, a, p.id, err);
	if (rc != XF_OK)
		return rc;
	if (strcmp(p.kind, "community") != 0)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "place_id",
		                     "三方联动会议以社区为单位召开");
	int64_t convenor = 0;
	struct xf_err e;
	db_int(db, &e, &convenor,
	       "SELECT min(id) FROM orgs WHERE place_id = ? AND kind = 'community_party'", "i",
	       p.id);
	if (!convenor)
		return xf_fail(err, XF_ECONFLICT, "no_party_org",
		               "该社区还没有登记社区党组织，无法召集三方联动会议");
	json_t *orgs = json_object_get(body, "org_ids"), *o;
	size_t i;
	bool rc_committee = false, other = false;
	json_array_foreach(orgs, i, o)
	{
		int64_t oid = json_integer_value(o), oplace = 0;
		char kind[40] = "";
		struct db_stmt *st =
		    db_prep(db, "SELECT place_id, kind FROM orgs WHERE id = ?", err);
		if (!st)
			return err->status;
		db_bind_int(st, 1, oid);
		if ((rc = db_step(st, err)) == DB_ROW) {
			oplace = db_col_int(st, 0);
			snprintf(kind, sizeof kind, "%s", db_col_text(st, 1));
			db_reset(st);
		} else if (rc < 0) {
			return rc;
		}
		bool rcm = strcmp(kind, "residents_committee") == 0;
		bool oth =
		    strcmp(kind, "owners_committee") == 0 || strcmp(kind, "property_company") == 0;
		if (!json_is_integer(o) || !(rcm || oth) || !civic_inside(db, p.id, oplace))
			return xf_fail_field(err, XF_EINVAL, "validation_failed", "org_ids",
			                     "第 %zu 个不是本社区的居委会、业委会或物业服务企业",
			                     i + 1);
		rc_committee |= rcm;
		other |= oth;
	}
	if (!rc_committee || !other)
		return xf_fail_field(err, XF_EINVAL, "missing_party", "org_ids",
		                     "三方联动须有社区居委会，以及业委会或物业服务企业");
	int64_t meeting = jv_int(body, "meeting_id", 0);
	struct db_stmt *st =
	    db_prep(db,
	            "INSERT INTO tri_meetings(place_id, convenor_id, title, agenda,"
	            " minutes, held_at, meeting_id, created_by, created_at,"
	            " district_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
	            " RETURNING id",
	            err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, p.id);
	db_bind_int(st, 2, convenor);
	db_bind_text(st, 3, jv_str(body, "title", ""));
	db_bind_text(st, 4, jv_str(body, "agenda", ""));
	db_bind_text(st, 5, jv_str(body, "minutes", ""));
	db_bind_int(st, 6, jv_int(body, "held_at", now));
	if (meeting)
		db_bind_int(st, 7, meeting);
	else
		db_bind_null(st, 7);
	db_bind_int(st, 8, a->user_id);
	db_bind_int(st, 9, now);
	if (p.district)
		db_bind_int(st, 10, p.district);
	else
		db_bind_null(st, 10);
	if ((rc = db_step(st, err)) != DB_ROW)
		return rc < 0 ? rc : XF_EDB;
	int64_t mid = db_col_int(st, 0);
	db_reset(st);
	json_array_foreach(orgs, i, o)
	{
		if ((rc = db_run(db, err,
		                 "INSERT INTO tri_parties(meeting_id, org_id) VALUES (?, ?) ON"
		                 " CONFLICT DO NOTHING",
		                 "ii", mid, json_integer_value(o))) != XF_OK)
			return rc;
	}
	return civic_tri_get(db, a, NULL, mid, now, out, err);
}

static int meeting_place(struct db *db, int64_t id, int64_t *place, struct xf_err *err)
{
	int rc = db_int(db, err, place, "SELECT place_id FROM tri_meetings WHERE id = ?", "i", id);
	if (rc == XF_ENOTFOUND)
		return xf_fail(err, XF_ENOTFOUND, "not_found", "没有这次三方联动会议");
	return rc;
}

static const char commitment_spec[] = "id:i meeting_id:i meeting_title:t org_id:i org_name:t"
                                      " org_kind:t owner_id:n owner_name:t title:t due_at:i"
                                      " status:t done_at:n followups:i last_note:t";

CIVIC_OP(civic_tri_get)
{
	(void)body;
	int64_t place = 0;
	int rc = meeting_place(db, id, &place, err);
	if (rc == XF_OK)
		rc = tri_need(db, a, place, err);
	if (rc != XF_OK)
		return rc;
	struct db_stmt *st = db_prep(
	    db,
	    "SELECT m.id, m.title, m.agenda, m.minutes, m.held_at, m.place_id, p.name,"
	    " m.convenor_id, o.name, m.meeting_id, (SELECT count(*) FROM tri_commitments c WHERE"
	    " c.meeting_id = m.id), (SELECT count(*) FROM tri_commitments c WHERE c.meeting_id ="
	    " m.id AND c.status = 'open'), (SELECT count(*) FROM tri_commitments c WHERE"
	    " c.meeting_id = m.id AND c.status = 'open' AND c.due_at < ?) FROM tri_meetings m"
	    " JOIN places p ON p.id = m.place_id JOIN orgs o ON o.id = m.convenor_id WHERE m.id ="
	    " ?",
	    err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, now);
	db_bind_int(st, 2, id);
	if ((rc = db_step(st, err)) != DB_ROW)
		return rc < 0 ? rc : XF_EDB;
	json_t *m = civic_row(st, meeting_spec);
	db_reset(st);
	json_t *parties = json_array(), *cross = json_array(), *commits = json_array();
	json_object_set_new(m, "parties", parties);
	json_object_set_new(m, "cross_posts", cross);
	json_object_set_new(m, "commitments", commits);
	st = db_prep(db,
	             "SELECT o.id, o.name, o.kind FROM orgs o WHERE o.id IN (SELECT org_id FROM"
	             " tri_parties WHERE meeting_id = ?) OR o.id = (SELECT convenor_id FROM"
	             " tri_meetings WHERE id = ?) ORDER BY o.id",
	             err);
	if (!st) {
		json_decref(m);
		return err->status;
	}
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, id);
	if ((rc = civic_rows(st, "id:i name:t kind:t", 20, parties, err)) != XF_OK) {
		json_decref(m);
		return rc;
	}
	/* 交叉任职: people holding current posts in more than one of the table's organisations. */
	st = db_prep(
	    db,
	    "SELECT ps.person_id, pe.name, o.name, o.kind, ps.post FROM positions ps JOIN orgs o"
	    " ON o.id = ps.org_id JOIN people pe ON pe.id = ps.person_id WHERE ps.ended_at IS NULL"
	    " AND (ps.org_id IN (SELECT org_id FROM tri_parties WHERE meeting_id = ?) OR"
	    " ps.org_id = (SELECT convenor_id FROM tri_meetings WHERE id = ?)) AND ps.person_id"
	    " IN (SELECT q.person_id FROM positions q WHERE q.ended_at IS NULL AND (q.org_id IN"
	    " (SELECT org_id FROM tri_parties WHERE meeting_id = ?) OR q.org_id = (SELECT"
	    " convenor_id FROM tri_meetings WHERE id = ?)) GROUP BY q.person_id HAVING"
	    " count(DISTINCT q.org_id) > 1) ORDER BY ps.person_id, o.id LIMIT 200",
	    err);
	if (!st) {
		json_decref(m);
		return err->status;
	}
	for (int k = 1; k <= 4; k++)
		db_bind_int(st, k, id);
	json_t *cur = NULL;
	int64_t last = 0;
	while ((rc = db_step(st, err)) == DB_ROW) {
		int64_t who = db_col_int(st, 0);
		if (who != last) {
			cur = json_array();
			json_array_append_new(cross, json_pack("{s:I, s:s, s:o}", "person_id",
			                                       (json_int_t)who, "name",
			                                       db_col_text(st, 1), "posts", cur));
			last = who;
		}
		json_array_append_new(
		    cur, json_pack("{s:s, s:s, s:s}", "org_name", db_col_text(st, 2), "org_kind",
		                   db_col_text(st, 3), "post", db_col_text(st, 4)));
	}
	if (rc < 0) {
		json_decref(m);
		return rc;
	}
	st = db_prep(
	    db,
	    "SELECT c.id, c.meeting_id, m.title, c.org_id, o.name, o.kind, c.owner_id,"
	    " coalesce(pe.name, ''), c.title, c.due_at, c.status, c.done_at, (SELECT count(*)"
	    " FROM tri_followups f WHERE f.commitment_id = c.id), coalesce((SELECT f.note FROM"
	    " tri_followups f WHERE f.commitment_id = c.id ORDER BY f.id DESC LIMIT 1), '') FROM"
	    " tri_commitments c JOIN tri_meetings m ON m.id = c.meeting_id JOIN orgs o ON o.id ="
	    " c.org_id LEFT JOIN people pe ON pe.id = c.owner_id WHERE c.meeting_id = ? ORDER BY"
	    " c.id",
	    err);
	if (!st) {
		json_decref(m);
		return err->status;
	}
	db_bind_int(st, 1, id);
	if ((rc = civic_rows(st, commitment_spec, 200, commits, err)) != XF_OK) {
		json_decref(m);
		return rc;
	}
	size_t i;
	json_t *c;
	json_array_foreach(commits, i, c)
	{
		bool open = strcmp(json_string_value(json_object_get(c, "status")), "open") == 0;
		json_object_set_new(
		    c, "overdue",
		    json_boolean(open && json_integer_value(json_object_get(c, "due_at")) < now));
	}
	json_object_set_new(m, "can_manage", json_boolean(actor_may(db, a, "civic.manage", place)));
	*out = m;
	return XF_OK;
}

CIVIC_OP(civic_tri_commit)
{
	int64_t place = 0, held = 0, ok = 0;
	int rc = meeting_place(db, id, &place, err);
	if (rc == XF_OK)
		rc = civic_need(db, a, place, err);
	if (rc != XF_OK)
		return rc;
	int64_t org = jv_int(body, "org_id", 0), owner = jv_int(body, "owner_id", 0);
	int64_t due = jv_int(body, "due_at", 0);
	if ((rc = db_int(db, err, &ok,
	                 "SELECT count(*) FROM tri_parties WHERE meeting_id = ? AND org_id = ?",
	                 "ii", id, org)) != XF_OK ||
	    (rc = db_int(db, err, &held, "SELECT held_at FROM tri_meetings WHERE id = ?", "i",
	                 id)) != XF_OK)
		return rc;
	if (!ok)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "org_id",
		                     "承诺方应是参加会议的一方");
	if (due <= held)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "due_at",
		                     "办结期限应在开会之后");
	if (owner) {
		int64_t holds = 0;
		if ((rc = db_int(
		         db, err, &holds,
		         "SELECT count(*) FROM positions WHERE person_id = ? AND org_id = ? AND"
		         " ended_at IS NULL",
		         "ii", owner, org)) != XF_OK)
			return rc;
		if (!holds)
			return xf_fail_field(err, XF_EINVAL, "owner_not_in_org", "owner_id",
			                     "责任人应在承诺方任职");
	}
	struct db_stmt *st =
	    db_prep(db,
	            "INSERT INTO tri_commitments(meeting_id, org_id, owner_id,"
	            " title, due_at, status, created_at, district_id) VALUES (?, ?,"
	            " ?, ?, ?, 'open', ?, (SELECT district_id FROM places WHERE id"
	            " = ?))",
	            err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, org);
	if (owner)
		db_bind_int(st, 3, owner);
	else
		db_bind_null(st, 3);
	db_bind_text(st, 4, jv_str(body, "title", ""));
	db_bind_int(st, 5, due);
	db_bind_int(st, 6, now);
	db_bind_int(st, 7, place);
	if ((rc = db_step(st, err)) != DB_DONE)
		return rc < 0 ? rc : XF_EDB;
	if (owner) {
		char msg[512];
		snprintf(msg, sizeof msg, "三方联动会议上的承诺“%s”由您负责，请按期办结",
		         jv_str(body, "title", ""));
		if ((rc = civic_notify(db, owner, "承诺事项", msg, err)) != XF_OK)
			return rc;
	}
	return civic_tri_get(db, a, NULL, id, now, out, err);
}

CIVIC_OP(civic_tri_commitments)
{
	(void)id;
	char lo[256], hi[256];
	int rc = tri_scope(db, a, body, lo, hi, err);
	if (rc != XF_OK)
		return rc;
	const char *status = jv_str(body, "status", "");
	if (*status && strcmp(status, "open") != 0 && strcmp(status, "overdue") != 0 &&
	    strcmp(status, "done") != 0)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "status",
		                     "状态只能是 open、overdue 或 done");
	struct db_stmt *st = db_prep(
	    db,
	    "SELECT c.id, c.meeting_id, m.title, c.org_id, o.name, o.kind, c.owner_id,"
	    " coalesce(pe.name, ''), c.title, c.due_at, c.status, c.done_at, (SELECT count(*)"
	    " FROM tri_followups f WHERE f.commitment_id = c.id), coalesce((SELECT f.note FROM"
	    " tri_followups f WHERE f.commitment_id = c.id ORDER BY f.id DESC LIMIT 1), '') FROM"
	    " tri_commitments c JOIN tri_meetings m ON m.id = c.meeting_id CROSS JOIN places p"
	    " JOIN orgs o ON o.id = c.org_id LEFT JOIN people pe ON pe.id = c.owner_id WHERE"
	    " p.id = m.place_id AND p.path >= ? AND p.path < ? AND (? = '' OR (? = 'overdue' AND"
	    " c.status = 'open' AND c.due_at < ?) OR (? <> 'overdue' AND c.status = ?)) ORDER BY"
	    " c.due_at, c.id LIMIT 500",
	    err);
	if (!st)
		return err->status;
	db_bind_text(st, 1, lo);
	db_bind_text(st, 2, hi);
	db_bind_text(st, 3, status);
	db_bind_text(st, 4, status);
	db_bind_int(st, 5, now);
	db_bind_text(st, 6, status);
	db_bind_text(st, 7, status);
	json_t *items = json_array();
	if ((rc = civic_rows(st, commitment_spec, 500, items, err)) != XF_OK) {
		json_decref(items);
		return rc;
	}
	size_t i;
	json_t *c;
	json_array_foreach(items, i, c)
	{
		bool open = strcmp(json_string_value(json_object_get(c, "status")), "open") == 0;
		json_object_set_new(
		    c, "overdue",
		    json_boolean(open && json_integer_value(json_object_get(c, "due_at")) < now));
	}
	*out = civic_page(items);
	return XF_OK;
}

CIVIC_OP(civic_tri_followup)
{
	int64_t place = 0;
	char status[12] = "", kind[40] = "";
	struct db_stmt *st = db_prep(db,
	                             "SELECT m.place_id, c.status, o.kind FROM tri_commitments c"
	                             " JOIN tri_meetings m ON m.id = c.meeting_id JOIN orgs o ON"
	                             " o.id = c.org_id WHERE c.id = ?",
	                             err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	int rc = db_step(st, err);
	if (rc != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_ENOTFOUND, "not_found", "没有这项承诺");
	place = db_col_int(st, 0);
	snprintf(status, sizeof status, "%s", db_col_text(st, 1));
	snprintf(kind, sizeof kind, "%s", db_col_text(st, 2));
	db_reset(st);
	if ((rc = tri_need(db, a, place, err)) != XF_OK)
		return rc;
	/* The property company and the owners' committee report on their own promises. */
	if ((strcmp(a->role, "property") == 0 && strcmp(kind, "property_company") != 0) ||
	    (strcmp(a->role, "owners_committee") == 0 && strcmp(kind, "owners_committee") != 0))
		return xf_fail(err, XF_EPERM, "not_your_commitment", "这项承诺不是贵方作出的");
	if (strcmp(status, "done") == 0)
		return xf_fail(err, XF_ECONFLICT, "already_done", "这项承诺已经办结");
	bool done = jv_bool(body, "done", 0);
	if ((rc = db_run(db, err,
	                 "INSERT INTO tri_followups(commitment_id, note, done, user_id, created_at)"
	                 " VALUES (?, ?, ?, ?, ?)",
	                 "itiii", id, jv_str(body, "note", ""), (int64_t)done, a->user_id, now)) !=
	    XF_OK)
		return rc;
	if (done && (rc = db_run(db, err,
	                         "UPDATE tri_commitments SET status = 'done', done_at = ? WHERE"
	                         " id = ?",
	                         "ii", now, id)) != XF_OK)
		return rc;
	json_t *fs = json_array();
	st = db_prep(db,
	             "SELECT f.note, f.done, f.created_at, coalesce(u.display_name, '') FROM"
	             " tri_followups f LEFT JOIN users u ON u.id = f.user_id WHERE"
	             " f.commitment_id = ? ORDER BY f.id",
	             err);
	if (!st) {
		json_decref(fs);
		return err->status;
	}
	db_bind_int(st, 1, id);
	if ((rc = civic_rows(st, "note:t done:b at:i by:t", 200, fs, err)) != XF_OK) {
		json_decref(fs);
		return rc;
	}
	*out = json_pack("{s:I, s:s, s:o}", "id", (json_int_t)id, "status", done ? "done" : "open",
	                 "followups", fs);
	return XF_OK;
}

/* ---- ratings of the property company ---- */

static int rating_summary(struct db *db, const struct actor *a, const char *lo, const char *hi,
                          int64_t community, int64_t year, int64_t now, json_t *items,
                          struct xf_err *err)
{
	struct db_stmt *st = db_prep(
	    db,
	    "SELECT o.id, o.name, p.name, (SELECT count(*) FROM property_ratings r WHERE r.org_id"
	    " = o.id AND r.year = ?), (SELECT coalesce(sum(r.score), 0) FROM property_ratings r"
	    " WHERE r.org_id = o.id AND r.year = ?), (SELECT count(*) FROM property_ratings r"
	    " WHERE r.org_id = o.id AND r.year = ? AND r.score <= 2), (SELECT count(*) FROM"
	    " property_ratings r WHERE r.org_id = o.id AND r.year = ? AND r.score >= 4),"
	    " coalesce((SELECT r.score FROM property_ratings r WHERE r.org_id = o.id AND r.year ="
	    " ? AND r.person_id = ?), 0), (SELECT count(*) FROM tri_commitments c WHERE c.org_id ="
	    " o.id AND c.status = 'open' AND c.due_at < ?) FROM orgs o CROSS JOIN places p JOIN"
	    " places s ON s.id = ? WHERE p.id = o.place_id AND o.kind = 'property_company' AND"
	    " substr(p.path, 1, length(s.path)) = s.path AND p.path >= ? AND p.path < ? ORDER BY"
	    " o.id LIMIT 200",
	    err);
	if (!st)
		return err->status;
	for (int k = 1; k <= 5; k++)
		db_bind_int(st, k, year);
	db_bind_int(st, 6, a->person_id);
	db_bind_int(st, 7, now);
	db_bind_int(st, 8, community);
	db_bind_text(st, 9, lo);
	db_bind_text(st, 10, hi);
	int rc = civic_rows(st,
	                    "org_id:i name:t place_name:t ratings:i score_sum:i low:i high:i"
	                    " my_score:i overdue_commitments:i",
	                    200, items, err);
	if (rc != XF_OK)
		return rc;
	size_t i;
	json_t *x;
	json_array_foreach(items, i, x)
	{
		int64_t n = json_integer_value(json_object_get(x, "ratings"));
		int64_t sum = json_integer_value(json_object_get(x, "score_sum"));
		/* Shown with its count, so a few unhappy voices are read as such. */
		json_object_set_new(x, "average",
		                    n ? json_real((double)(sum * 10 / n) / 10.0) : json_null());
		json_object_del(x, "score_sum");
		json_object_set_new(x, "year", json_integer(year));
	}
	return XF_OK;
}

CIVIC_OP(civic_ratings_list)
{
	(void)id;
	int64_t year = jv_int(body, "year", civic_year(now));
	json_t *items = json_array();
	int rc = XF_OK;
	if (policy_allows(a->role, "civic.tripartite")) {
		char lo[256], hi[256];
		if ((rc = civic_scope(db, a, body, lo, hi, err)) == XF_OK)
			rc = rating_summary(db, a, lo, hi, a->place_id, year, now, items, err);
	} else if (a->person_id) {
		/* A resident sees the companies serving their community. */
		int64_t community = civic_community(db, civic_home(db, a->person_id));
		if (community)
			rc = rating_summary(db, a, "/", "0", community, year, now, items, err);
	}
	if (rc != XF_OK) {
		json_decref(items);
		return rc;
	}
	*out = civic_page(items);
	return XF_OK;
}

CIVIC_OP(civic_rating_put)
{
	(void)id;
	int rc = civic_need_person(a, err);
	if (rc != XF_OK)
		return rc;
	int64_t org = jv_int(body, "org_id", 0), oplace = 0;
	struct xf_err e;
	db_int(db, &e, &oplace,
	       "SELECT place_id FROM orgs WHERE id = ? AND kind = 'property_company'", "i", org);
	if (!oplace)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "org_id",
		                     "org_id 应为一家物业服务企业");
	int64_t community = civic_community(db, civic_home(db, a->person_id));
	if (!community || !civic_inside(db, community, oplace))
		return xf_fail(err, XF_EPERM, "not_your_property",
		               "只能评价为您所在社区服务的物业服务企业");
	int64_t year = civic_year(now);
	if ((rc = db_run(db, err,
	                 "INSERT INTO property_ratings(org_id, person_id, year, score, comment,"
	                 " created_at, updated_at, district_id) VALUES (?, ?, ?, ?, ?, ?, ?,"
	                 " (SELECT district_id FROM places WHERE id = ?)) ON CONFLICT (org_id,"
	                 " person_id, year) DO UPDATE SET score = excluded.score, comment ="
	                 " excluded.comment, updated_at = excluded.updated_at",
	                 "iiiitiii", org, a->person_id, year, jv_int(body, "score", 0),
	                 jv_str(body, "comment", ""), now, now, community)) != XF_OK)
		return rc;
	json_t *items = json_array();
	if ((rc = rating_summary(db, a, "/", "0", community, year, now, items, err)) != XF_OK) {
		json_decref(items);
		return rc;
	}
	*out = civic_page(items);
	return XF_OK;
}
