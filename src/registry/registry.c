#include "registry.h"
#include "../auth/policy.h"
#include "../core/jw.h"
#include "../core/str.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const struct org_kind registry_org_kinds[] = {
    /* the party line */
    {"street_party_committee", "街道党工委", "party"},
    {"community_party", "社区党组织", "party"},
    {"grid_branch", "网格（小区）党支部", "party"},
    {"building_party_group", "楼栋党小组", "party"},
    {"unit_party", "驻区单位党组织", "party"},
    {"enterprise_party", "非公企业党组织", "party"},
    {"social_org_party", "社会组织党组织", "party"},
    {"building_party_org", "楼宇党组织", "party"},
    {"market_party_org", "商圈市场党组织", "party"},
    {"park_party_committee", "园区“两新”党建综合党委", "party"},
    {"twonew_workstation", "“两新”党建工作站", "party"},
    {"industry_party_committee", "行业党委", "party"},
    /* the self-governance line */
    {"street_office", "街道办事处", "governance"},
    {"residents_committee", "社区居委会", "governance"},
    {"estate_committee", "小区共建委员会", "governance"},
    {"building_service_group", "楼栋服务小组", "governance"},
    /* organisations in the area */
    {"resident_unit", "驻区单位", "org"},
    {"enterprise", "非公企业", "org"},
    {"social_org", "社会组织", "org"},
    {"owners_committee", "业主委员会", "org"},
    {"property_company", "物业服务企业", "org"},
    {"delegate_studio", "党代表工作室", "org"},
    {NULL, NULL, NULL},
};

const char *const registry_building_posts[8] = {
    "building_party_leader", "building_head",  "hygiene_officer", "security_officer",
    "culture_officer",       "property_clerk", "grid_manager",    "central_household",
};

static const struct {
	const char *code, *label;
} posts[] = {
    {"building_party_leader", "楼栋党小组长"},
    {"building_head", "楼栋长"},
    {"hygiene_officer", "卫生委员"},
    {"security_officer", "治安委员"},
    {"culture_officer", "文体委员"},
    {"property_clerk", "物业房管员"},
    {"grid_manager", "网格管理员"},
    {"central_household", "党员中心户"},
    {"secretary", "书记"},
    {"director", "主任"},
    {"committee_member", "委员"},
    {"big_committee_member", "大党委委员"},
    {"grid_worker", "网格员"},
    {"instructor", "挂点领导（指导员）"},
    {"delegate", "党代表"},
    {"volunteer_leader", "志愿服务队长"},
};

const struct org_kind *registry_org_kind(const char *code)
{
	for (const struct org_kind *k = registry_org_kinds; k->code; k++)
		if (strcmp(k->code, code) == 0)
			return k;
	return NULL;
}

bool registry_post_valid(const char *post)
{
	for (size_t i = 0; i < XF_ARRAY_LEN(posts); i++)
		if (strcmp(posts[i].code, post) == 0)
			return true;
	return false;
}

const char *registry_post_label(const char *post)
{
	for (size_t i = 0; i < XF_ARRAY_LEN(posts); i++)
		if (strcmp(posts[i].code, post) == 0)
			return posts[i].label;
	return post;
}

int registry_subtree(struct db *db, int64_t place_id, char lo[256], char hi[256],
                     struct xf_err *err)
{
	struct db_stmt *st = db_prep(db, "SELECT path FROM places WHERE id = ?", err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, place_id);
	int rc = db_step(st, err);
	if (rc < 0)
		return rc;
	if (rc == DB_DONE)
		return xf_fail(err, XF_ENOTFOUND, "not_found", "没有这个地点");
	registry_path_bounds(db_col_text(st, 0), lo, hi);
	db_reset(st);
	return XF_OK;
}

void registry_path_bounds(const char *path, char lo[256], char hi[256])
{
	/* Every descendant's path starts with lo ("/1/4/"); '/' sorts just before '0'. */
	snprintf(lo, 256, "%s", path);
	snprintf(hi, 256, "%s", lo);
	size_t n = strlen(hi);
	if (n)
		hi[n - 1] = '0';
}

bool registry_subtree_wide(const char *lo)
{
	int depth = 0;
	for (const char *c = lo; *c; c++)
		depth += *c == '/';
	return depth <= 3; /* "/1/" the city, "/1/4/" a district */
}

/* id, parent_id, kind, code, name, lat, lng, area_cm2 → one place's object, written straight
 * as JSON text (a children answer holds dozens of these). */
static void place_row_fields(struct jw *w, struct db_stmt *st)
{
	jw_key(w, "id");
	jw_int(w, db_col_int(st, 0));
	jw_key(w, "kind");
	jw_str(w, db_col_text(st, 2));
	jw_key(w, "code");
	jw_str(w, db_col_text(st, 3));
	jw_key(w, "name");
	jw_str(w, db_col_text(st, 4));
	jw_key(w, "parent_id");
	if (db_col_null(st, 1))
		jw_null(w);
	else
		jw_int(w, db_col_int(st, 1));
	if (!db_col_null(st, 5)) {
		jw_key(w, "lat");
		jw_real(w, strtod(db_col_text(st, 5), NULL));
		jw_key(w, "lng");
		jw_real(w, strtod(db_col_text(st, 6), NULL));
	}
	if (!db_col_null(st, 7)) {
		jw_key(w, "area_m2");
		jw_real(w, (double)db_col_int(st, 7) / 100.0);
	}
}

static void place_row_write(struct jw *w, struct db_stmt *st)
{
	jw_obj(w);
	place_row_fields(w, st);
	jw_end_obj(w);
}

/* The same as a jansson object, for the answers that add to it (a place card, search). */
static json_t *place_row(struct db_stmt *st)
{
	struct buf b;
	struct jw w;
	buf_init(&b);
	jw_init(&w, &b);
	place_row_write(&w, st);
	json_t *v = json_loads(buf_cstr(&b), 0, NULL);
	buf_free(&b);
	return v ? v : json_object();
}

int registry_place_write(struct db *db, int64_t id, struct jw *w, char kind[16], struct xf_err *err)
{
	struct db_stmt *st = db_prep(db,
	                             "SELECT id, parent_id, kind, code, name, lat, lng, area_cm2,"
	                             " (SELECT count(*) FROM places c WHERE c.parent_id = p.id),"
	                             " path FROM places p WHERE id = ?",
	                             err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	int rc = db_step(st, err);
	if (rc < 0)
		return rc;
	if (rc == DB_DONE)
		return xf_fail(err, XF_ENOTFOUND, "not_found", "没有这个地点");
	jw_obj(w);
	place_row_fields(w, st);
	jw_key(w, "children");
	jw_int(w, db_col_int(st, 8));
	if (kind)
		snprintf(kind, 16, "%s", db_col_text(st, 2));
	/* The way up, for breadcrumbs: the ids are in the materialised path. */
	char path[256];
	snprintf(path, sizeof path, "%s", db_col_text(st, 9));
	db_reset(st);
	jw_key(w, "ancestors");
	jw_arr(w);
	for (char *p = path, *end; *p == '/' && p[1]; p = end) {
		int64_t aid = strtoll(p + 1, &end, 10);
		if (end == p + 1 || *end != '/' || aid == id)
			break;
		st = db_prep(db, "SELECT kind, name FROM places WHERE id = ?", err);
		if (!st)
			return err->status;
		db_bind_int(st, 1, aid);
		if ((rc = db_step(st, err)) == DB_ROW) {
			jw_obj(w);
			jw_key(w, "id");
			jw_int(w, aid);
			jw_key(w, "kind");
			jw_str(w, db_col_text(st, 0));
			jw_key(w, "name");
			jw_str(w, db_col_text(st, 1));
			jw_end_obj(w);
			db_reset(st);
		} else if (rc < 0) {
			return rc;
		}
	}
	jw_end_arr(w);
	jw_end_obj(w);
	return XF_OK;
}

int registry_place_json(struct db *db, int64_t id, json_t **out, struct xf_err *err)
{
	struct buf b;
	struct jw w;
	buf_init(&b);
	jw_init(&w, &b);
	return jw_tree(&b, registry_place_write(db, id, &w, NULL, err), out, err);
}

int registry_children_write(struct db *db, int64_t id, int64_t after, int limit, struct jw *w,
                            int64_t *next, struct xf_err *err)
{
	struct db_stmt *st =
	    db_prep(db,
	            "SELECT id, parent_id, kind, code, name, lat, lng, area_cm2"
	            " FROM places WHERE parent_id = ? AND id > ? ORDER BY id LIMIT ?",
	            err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, after);
	db_bind_int(st, 3, limit + 1);
	*next = 0;
	int n = 0, rc;
	int64_t last = 0;
	jw_arr(w);
	while ((rc = db_step(st, err)) == DB_ROW) {
		if (n == limit) {
			*next = last;
			db_reset(st);
			break;
		}
		place_row_write(w, st);
		last = db_col_int(st, 0);
		n++;
	}
	if (rc < 0)
		return rc;
	jw_end_arr(w);
	return XF_OK;
}

int registry_children_json(struct db *db, int64_t id, int64_t after, int limit, json_t **items,
                           int64_t *next, struct xf_err *err)
{
	struct buf b;
	struct jw w;
	buf_init(&b);
	jw_init(&w, &b);
	return jw_tree(&b, registry_children_write(db, id, after, limit, &w, next, err), items,
	               err);
}

int registry_search_json(struct db *db, int64_t within, const char *q, const char *kind, int limit,
                         json_t **items, struct xf_err *err)
{
	char like[200], prefix[200], lo[256], hi[256];
	int rc = registry_subtree(db, within, lo, hi, err);
	if (rc != XF_OK)
		return rc;
	str_like_pattern(like, sizeof like, q, true);
	str_like_pattern(prefix, sizeof prefix, q, false);
	struct db_stmt *st =
	    db_prep(db,
	            "SELECT p.id, p.parent_id, p.kind, p.code, p.name, p.lat, p.lng,"
	            " p.area_cm2, coalesce(par.name, ''), coalesce(gp.name, '')"
	            " FROM places p LEFT JOIN places par ON par.id = p.parent_id"
	            " LEFT JOIN places gp ON gp.id = par.parent_id"
	            " WHERE p.path >= ? AND p.path < ? AND (p.name LIKE ? ESCAPE '\\' OR"
	            " p.code LIKE ? ESCAPE '\\') AND (? = '' OR p.kind = ?)"
	            " ORDER BY length(p.path), p.id LIMIT ?",
	            err);
	if (!st)
		return err->status;
	db_bind_text(st, 1, lo);
	db_bind_text(st, 2, hi);
	db_bind_text(st, 3, like);
	db_bind_text(st, 4, prefix);
	db_bind_text(st, 5, kind ? kind : "");
	db_bind_text(st, 6, kind ? kind : "");
	db_bind_int(st, 7, limit);
	*items = json_array();
	while ((rc = db_step(st, err)) == DB_ROW) {
		json_t *v = place_row(st);
		char where[200];
		snprintf(where, sizeof where, "%s%s%s", db_col_text(st, 9),
		         *db_col_text(st, 9) ? " · " : "", db_col_text(st, 8));
		json_object_set_new(v, "within", json_string(where));
		json_array_append_new(*items, v);
	}
	return rc < 0 ? rc : XF_OK;
}

static json_t *org_brief(struct db_stmt *st, int off)
{
	/* id, code, name, kind, line */
	const struct org_kind *k = registry_org_kind(db_col_text(st, off + 3));
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)db_col_int(st, off),
	                 "code", db_col_text(st, off + 1), "name", db_col_text(st, off + 2), "kind",
	                 db_col_text(st, off + 3), "kind_label", k ? k->label : "", "line",
	                 db_col_text(st, off + 4));
}

int registry_lines_json(struct db *db, int64_t place_id, json_t **out, struct xf_err *err)
{
	json_t *place;
	int rc = registry_place_json(db, place_id, &place, err);
	if (rc != XF_OK)
		return rc;
	json_t *party = json_array(), *gov = json_array(), *other = json_array();
	struct db_stmt *st =
	    db_prep(db,
	            "SELECT id, code, name, kind, line FROM orgs WHERE place_id = ?"
	            " ORDER BY line, id",
	            err);
	if (!st) {
		json_decref(place);
		return err->status;
	}
	db_bind_int(st, 1, place_id);
	while (db_step(st, err) == DB_ROW) {
		const char *line = db_col_text(st, 4);
		json_array_append_new(strcmp(line, "party") == 0        ? party
		                      : strcmp(line, "governance") == 0 ? gov
		                                                        : other,
		                      org_brief(st, 0));
	}
	*out = json_pack("{s:o, s:o, s:o, s:o}", "place", place, "party", party, "governance", gov,
	                 "organisations", other);
	return XF_OK;
}

int registry_org_place(struct db *db, int64_t id, int64_t *place_id, struct xf_err *err)
{
	int rc = db_int(db, err, place_id, "SELECT place_id FROM orgs WHERE id = ?", "i", id);
	if (rc == XF_ENOTFOUND)
		return xf_fail(err, XF_ENOTFOUND, "not_found", "没有这个组织");
	return rc;
}

int registry_org_json(struct db *db, int64_t id, json_t **out, struct xf_err *err)
{
	struct db_stmt *st = db_prep(
	    db,
	    "SELECT o.id, o.code, o.name, o.kind, o.line, o.domain, o.built_on, o.place_id, p.name,"
	    " coalesce(o.parent_id, 0), coalesce(par.name, ''), coalesce(o.party_org_id, 0),"
	    " coalesce(po.name, '') FROM orgs o JOIN places p ON p.id = o.place_id"
	    " LEFT JOIN orgs par ON par.id = o.parent_id LEFT JOIN orgs po ON po.id = "
	    "o.party_org_id"
	    " WHERE o.id = ?",
	    err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	int rc = db_step(st, err);
	if (rc < 0)
		return rc;
	if (rc == DB_DONE)
		return xf_fail(err, XF_ENOTFOUND, "not_found", "没有这个组织");
	json_t *v = org_brief(st, 0);
	json_object_set_new(v, "domain", json_string(db_col_text(st, 5)));
	json_object_set_new(v, "built_on", json_string(db_col_text(st, 6)));
	json_object_set_new(v, "place",
	                    json_pack("{s:I, s:s}", "id", (json_int_t)db_col_int(st, 7), "name",
	                              db_col_text(st, 8)));
	json_object_set_new(v, "parent",
	                    db_col_int(st, 9)
	                        ? json_pack("{s:I, s:s}", "id", (json_int_t)db_col_int(st, 9),
	                                    "name", db_col_text(st, 10))
	                        : json_null());
	json_object_set_new(v, "party_org",
	                    db_col_int(st, 11)
	                        ? json_pack("{s:I, s:s}", "id", (json_int_t)db_col_int(st, 11),
	                                    "name", db_col_text(st, 12))
	                        : json_null());
	db_reset(st);
	json_t *positions = json_array();
	st = db_prep(db,
	             "SELECT ps.id, ps.post, pe.id, pe.name, ps.started_at FROM positions ps"
	             " JOIN people pe ON pe.id = ps.person_id WHERE ps.org_id = ?"
	             " AND ps.ended_at IS NULL ORDER BY ps.id",
	             err);
	if (!st) {
		json_decref(v);
		return err->status;
	}
	db_bind_int(st, 1, id);
	while (db_step(st, err) == DB_ROW)
		json_array_append_new(
		    positions,
		    json_pack("{s:I, s:s, s:s, s:I, s:s}", "id", (json_int_t)db_col_int(st, 0),
		              "post", db_col_text(st, 1), "post_label",
		              registry_post_label(db_col_text(st, 1)), "person_id",
		              (json_int_t)db_col_int(st, 2), "person_name", db_col_text(st, 3)));
	json_object_set_new(v, "positions", positions);
	json_t *members = json_array();
	st = db_prep(db,
	             "SELECT o.id, o.code, o.name, o.kind, o.line FROM org_members m"
	             " JOIN orgs o ON o.id = m.member_org_id WHERE m.org_id = ? ORDER BY o.id",
	             err);
	db_bind_int(st, 1, id);
	while (st && db_step(st, err) == DB_ROW)
		json_array_append_new(members, org_brief(st, 0));
	json_object_set_new(v, "member_orgs", members);
	json_t *pairs = json_array();
	st = db_prep(db,
	             "SELECT o.id, o.code, o.name, o.kind, o.line FROM pairings pr JOIN orgs o ON"
	             " o.id = CASE WHEN pr.org_a = ? THEN pr.org_b ELSE pr.org_a END"
	             " WHERE pr.org_a = ? OR pr.org_b = ? ORDER BY o.id",
	             err);
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, id);
	db_bind_int(st, 3, id);
	while (st && db_step(st, err) == DB_ROW)
		json_array_append_new(pairs, org_brief(st, 0));
	json_object_set_new(v, "paired_with", pairs);
	int64_t members_n = 0, last_activity = 0;
	db_int(db, err, &members_n, "SELECT count(*) FROM party_members WHERE branch_org_id = ?",
	       "i", id);
	db_int(db, err, &last_activity,
	       "SELECT coalesce(max(held_at), 0) FROM org_activities WHERE org_id = ?", "i", id);
	json_object_set_new(v, "party_members", json_integer(members_n));
	/* A committee's members are in the branches below it: two levels down covers
	 * 社区党委 → 网格党支部 → 楼栋党小组. */
	int64_t under = 0;
	db_int(
	    db, err, &under,
	    "SELECT count(*) FROM party_members WHERE branch_org_id IN (SELECT id FROM orgs WHERE"
	    " id = ? OR parent_id = ? OR parent_id IN (SELECT id FROM orgs WHERE parent_id = ?))",
	    "iii", id, id, id);
	json_object_set_new(v, "party_members_under", json_integer(under));
	json_object_set_new(v, "last_activity_at",
	                    last_activity ? json_integer(last_activity) : json_null());
	*out = v;
	return XF_OK;
}

int registry_people_write(struct db *db, int64_t scope, int64_t place_id, const char *q,
                          int64_t after, int limit, struct jw *w, int64_t *next, struct xf_err *err)
{
	char lo[256], hi[256], like[200];
	str_like_pattern(like, sizeof like, q, true);
	/* A community (no other community inside it) walks people_community in id order and
	 * stops at the page (~0.2 ms instead of reading and sorting its ~12,000 people); a street
	 * (none inside it) people_street, the same way (~44 ms a page before, through its
	 * ~88,000 people's places); a district people_district (everyone in its subtree carries
	 * its id). The place's path comes with the plan (its subtree as registry_subtree gives
	 * it) and the scope's path with it, so that one statement decides all three. */
	enum { BY_PLACES = 0, BY_COMMUNITY = 1, BY_DISTRICT = 2, BY_STREET = 3 };
	int64_t plan = BY_PLACES; /* the query answers one of these */
	struct db_stmt *pst =
	    db_prep(db,
	            "SELECT p.path, CASE WHEN p.kind IN ('community', 'street') AND NOT EXISTS"
	            " (SELECT 1 FROM places c WHERE c.kind = p.kind AND c.path > p.path"
	            " AND c.path < substr(p.path, 1, length(p.path) - 1) || '0')"
	            " THEN (CASE p.kind WHEN 'community' THEN 1 ELSE 3 END)"
	            " WHEN p.kind = 'district' THEN 2 ELSE 0 END, " AUTHZ_SCOPE_PATH
	            " FROM places p WHERE p.id = ?",
	            err);
	if (!pst)
		return err->status;
	db_bind_int(pst, 1, scope);
	db_bind_int(pst, 2, place_id);
	int rc = authz_row_check(pst, db_step(pst, err), 0, 2, err);
	if (rc != XF_OK)
		return rc;
	registry_path_bounds(db_col_text(pst, 0), lo, hi);
	plan = db_col_int(pst, 1);
	db_reset(pst);
	/* A community's or a street's search for a name walks one of its characters in
	 * people_name_chars: for 张, the page's people and no others (~470 names checked
	 * before); for more characters, the one fewest there have, each name then checked whole.
	 * Counted from the last character (a given name's are rarer than a surname), each only
	 * as far as the fewest so far (past it, it is not the one) and at most 2,000 (past that,
	 * any will do); a character at most 100 people have ends the counting (few enough to
	 * check). */
	char chars[16][5], *ch = NULL;
	size_t nch = (plan == BY_COMMUNITY || plan == BY_STREET) ? str_fold_chars(q, chars, 16) : 0;
	for (size_t i = nch, least = 2000; i-- > 0;) {
		int64_t have = 0;
		if (nch > 1 &&
		    (rc = db_int(db, err, &have,
		                 "SELECT count(*) FROM (SELECT 1 FROM people_name_chars WHERE"
		                 " place_id = ? AND ch = ? LIMIT ?) AS x",
		                 "iti", place_id, chars[i], (int64_t)least)) != XF_OK)
			return rc;
		if (!ch || (size_t)have < least) {
			least = (size_t)have;
			ch = chars[i];
		}
		if (least <= 100)
			break; /* nobody here has it, or few enough to check */
	}
	/* Each person's place by name: SQLite's place_name(), which keeps the names a reader
	 * has read until the database changes (src/store/sqlite.c: 59 µs a city search → ~45),
	 * PostgreSQL joins places. */
	bool names = db_engine(db) == DB_SQLITE;
	/* A query of one character is its entries' own: every name under it holds it (folded as
	 * SQLite's LIKE folds ASCII letters, which PostgreSQL's LIKE does not), so no name needs
	 * checking. */
	bool alone = ch && nch == 1 && strlen(q) == strlen(ch) &&
	             (names || !((q[0] >= 'A' && q[0] <= 'Z') || (q[0] >= 'a' && q[0] <= 'z')));
#define ENTRIES(rest)                                                                              \
	(names                                                                                     \
	     ? db_prep(db,                                                                         \
	               "SELECT c.person_id, c.name, c.gender, c.phone_mask, c.id_mask,"            \
	               " c.home_id, place_name(c.home_id) FROM people_name_chars c"                \
	               " WHERE c.place_id = ? AND c.ch = ?" rest ENTRIES_AFTER,                    \
	               err)                                                                        \
	     : db_prep(                                                                            \
	           db,                                                                             \
	           "SELECT c.person_id, c.name, c.gender, c.phone_mask, c.id_mask,"                \
	           " c.home_id, pl.name FROM people_name_chars c CROSS JOIN places pl"             \
	           " WHERE pl.id = c.home_id AND c.place_id = ? AND c.ch = ?" rest ENTRIES_AFTER,  \
	           err))
#define ENTRIES_AFTER " AND c.person_id > ? ORDER BY c.person_id LIMIT ?"
#define PEOPLE_PAGE(from, rest)                                                                    \
	(names ? db_prep(db,                                                                       \
	                 "SELECT pe.id, pe.name, pe.gender, pe.phone_mask, pe.id_mask,"            \
	                 " pe.place_id, place_name(pe.place_id) FROM " from " WHERE " rest,        \
	                 err)                                                                      \
	       : db_prep(db,                                                                       \
	                 "SELECT pe.id, pe.name, pe.gender, pe.phone_mask, pe.id_mask,"            \
	                 " pe.place_id, pl.name FROM " from " CROSS JOIN places pl"                \
	                 " WHERE pl.id = pe.place_id AND " rest,                                   \
	                 err))
	/* The city holds millions of people: walk them in id order and stop at the page (SQLite
	 * keeps a CROSS JOIN's order; 3 ms instead of 930 at the city root). A street or
	 * less: its places first, then their people, then sort them. */
	struct db_stmt *st =
	    /* A character's entries carry what the page shows (migration 0018): one range of
	     * people_name_chars and no visit to people_community or people for each entry
	     * (45.8 → 26.0 µs of CPU a community's search for 张). */
	    ch && alone ? ENTRIES("")
	    : ch        ? ENTRIES(" AND c.name LIKE ? ESCAPE '\\'")
	    : plan == BY_COMMUNITY
	        ? PEOPLE_PAGE("people pe", "pe.community_id = ? AND pe.name LIKE ? ESCAPE '\\'"
	                                   " AND pe.id > ? ORDER BY pe.id LIMIT ?")
	    : plan == BY_STREET
	        ? PEOPLE_PAGE("people pe", "pe.street_id = ? AND pe.name LIKE ? ESCAPE '\\'"
	                                   " AND pe.id > ? ORDER BY pe.id LIMIT ?")
	    : plan == BY_DISTRICT
	        ? PEOPLE_PAGE("people pe", "pe.district_id = ? AND pe.name LIKE ? ESCAPE '\\'"
	                                   " AND pe.id > ? ORDER BY pe.id LIMIT ?")
	    : registry_subtree_wide(lo)
	        ? db_prep(db,
	                  "SELECT pe.id, pe.name, pe.gender, pe.phone_mask, pe.id_mask,"
	                  " pe.place_id, pl.name FROM people pe CROSS JOIN places pl"
	                  " WHERE pl.id = pe.place_id AND pl.path >= ? AND pl.path < ?"
	                  " AND pe.name LIKE ? ESCAPE '\\' AND pe.id > ? ORDER BY pe.id LIMIT ?",
	                  err)
	        : db_prep(db,
	                  "SELECT pe.id, pe.name, pe.gender, pe.phone_mask, pe.id_mask,"
	                  " pe.place_id, pl.name FROM people pe JOIN places pl"
	                  " ON pl.id = pe.place_id WHERE pl.path >= ? AND pl.path < ?"
	                  " AND pe.name LIKE ? ESCAPE '\\' AND pe.id > ? ORDER BY pe.id LIMIT ?",
	                  err);
#undef PEOPLE_PAGE
#undef ENTRIES
#undef ENTRIES_AFTER
	if (!st)
		return err->status;
	int i = 1;
	if (plan != BY_PLACES) {
		db_bind_int(st, i++, place_id);
		if (ch)
			db_bind_text(st, i++, ch);
	} else {
		db_bind_text(st, i++, lo);
		db_bind_text(st, i++, hi);
	}
	if (!alone)
		db_bind_text(st, i++, like);
	db_bind_int(st, i++, after);
	db_bind_int(st, i, limit + 1);
	*next = 0;
	int n = 0;
	int64_t last = 0;
	jw_arr(w);
	while ((rc = db_step(st, err)) == DB_ROW) {
		if (n == limit) {
			*next = last;
			db_reset(st);
			break;
		}
		jw_obj(w);
		jw_key(w, "id");
		jw_int(w, db_col_int(st, 0));
		jw_key(w, "name");
		jw_str(w, db_col_text(st, 1));
		jw_key(w, "gender");
		jw_str(w, db_col_text(st, 2));
		jw_key(w, "phone");
		jw_str(w, db_col_text(st, 3));
		jw_key(w, "id_number");
		jw_str(w, db_col_text(st, 4));
		jw_key(w, "place_id");
		jw_int(w, db_col_int(st, 5));
		jw_key(w, "place_name");
		jw_str(w, db_col_text(st, 6));
		jw_end_obj(w);
		last = db_col_int(st, 0);
		n++;
	}
	if (rc < 0)
		return rc;
	jw_end_arr(w);
	return XF_OK;
}

int registry_people_json(struct db *db, int64_t scope, int64_t place_id, const char *q,
                         int64_t after, int limit, json_t **items, int64_t *next,
                         struct xf_err *err)
{
	struct buf b;
	struct jw w;
	buf_init(&b);
	jw_init(&w, &b);
	return jw_tree(&b,
	               registry_people_write(db, scope, place_id, q, after, limit, &w, next, err),
	               items, err);
}

int registry_person_card(struct db *db, int64_t person_id, json_t *person, struct xf_err *err)
{
	json_t *positions = json_array();
	struct db_stmt *st = db_prep(db,
	                             "SELECT ps.post, o.id, o.name, o.kind, ps.started_at,"
	                             " coalesce(ps.ended_at, 0) FROM positions ps JOIN orgs o"
	                             " ON o.id = ps.org_id WHERE ps.person_id = ? ORDER BY ps.id",
	                             err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, person_id);
	while (db_step(st, err) == DB_ROW) {
		const struct org_kind *k = registry_org_kind(db_col_text(st, 3));
		json_t *p = json_pack("{s:s, s:s, s:I, s:s, s:s, s:I}", "post", db_col_text(st, 0),
		                      "post_label", registry_post_label(db_col_text(st, 0)),
		                      "org_id", (json_int_t)db_col_int(st, 1), "org_name",
		                      db_col_text(st, 2), "org_kind_label", k ? k->label : "",
		                      "started_at", (json_int_t)db_col_int(st, 4));
		json_object_set_new(p, "ended_at",
		                    db_col_int(st, 5) ? json_integer(db_col_int(st, 5))
		                                      : json_null());
		json_array_append_new(positions, p);
	}
	json_object_set_new(person, "positions", positions);
	/* What the person is, derived from the records (never a typed flag): 干部 = an open
	 * post on a committee of either line, 党代表 = an open delegate post. */
	json_t *roles = json_array();
	int64_t n = 0;
	int rc = db_int(db, err, &n,
	                "SELECT count(*) FROM positions ps JOIN orgs o ON o.id = ps.org_id"
	                " WHERE ps.person_id = ? AND ps.ended_at IS NULL AND o.line <> 'org'"
	                " AND ps.post IN ('secretary', 'director', 'committee_member',"
	                " 'big_committee_member', 'grid_worker', 'instructor')",
	                "i", person_id);
	if (rc == XF_OK && n)
		json_array_append_new(roles, json_string("cadre"));
	if (rc == XF_OK)
		rc =
		    db_int(db, err, &n,
		           "SELECT count(*) FROM positions WHERE person_id = ? AND ended_at IS NULL"
		           " AND post = 'delegate'",
		           "i", person_id);
	if (rc == XF_OK && n)
		json_array_append_new(roles, json_string("delegate"));
	if (rc == XF_OK)
		rc = db_int(db, err, &n, "SELECT volunteer FROM people WHERE id = ?", "i",
		            person_id);
	if (rc == XF_OK && n)
		json_array_append_new(roles, json_string("volunteer"));
	if (rc != XF_OK) {
		json_decref(roles);
		return rc;
	}
	json_object_set_new(person, "employer", json_null());
	st = db_prep(
	    db,
	    "SELECT pm.status, pm.central_household, coalesce(b.id, 0), coalesce(b.name, ''),"
	    " coalesce(e.name, ''), coalesce(e.id, 0) FROM party_members pm LEFT JOIN orgs b"
	    " ON b.id = pm.branch_org_id LEFT JOIN orgs e ON e.id = pm.employer_org_id"
	    " WHERE pm.person_id = ?",
	    err);
	if (!st) {
		json_decref(roles);
		return err->status;
	}
	db_bind_int(st, 1, person_id);
	if (db_step(st, err) == DB_ROW) {
		json_array_append_new(roles, json_string("member"));
		if (db_col_int(st, 1))
			json_array_append_new(roles, json_string("central_household"));
		json_object_set_new(
		    person, "party_member",
		    json_pack("{s:s, s:b, s:o, s:s, s:s}", "status", db_col_text(st, 0),
		              "central_household", db_col_int(st, 1) != 0, "branch_id",
		              db_col_int(st, 2) ? json_integer(db_col_int(st, 2)) : json_null(),
		              "branch_name", db_col_text(st, 3), "employer", db_col_text(st, 4)));
		if (db_col_int(st, 5))
			json_object_set_new(person, "employer",
			                    json_pack("{s:I, s:s}", "id",
			                              (json_int_t)db_col_int(st, 5), "name",
			                              db_col_text(st, 4)));
		db_reset(st);
	} else {
		json_object_set_new(person, "party_member", json_null());
	}
	json_object_set_new(person, "roles", roles);
	return XF_OK;
}

/* ---- coverage ---- */

static const struct {
	const char *code, *label, *unit;
} metrics[] = {
    {"buildings_without_party_group", "无楼栋党小组的楼栋", "栋"},
    {"estates_without_committee", "无小区共建委员会的网格（小区）", "个"},
    {"twonew_without_party_org", "未建党组织的“两新”组织", "个"},
    {"party_orgs_inactive", "近一季度无活动记录的党组织", "个"},
    {"building_groups_missing_posts", "“两长五员一户”不齐的楼栋", "栋"},
    {"members_without_branch", "无所属支部的党员", "名"},
    {"centres_under_1000", "党群服务中心不足 1000 平方米的社区", "个"},
};

#define QUARTER (90 * 86400)

static const char *metric_label(const char *code)
{
	for (size_t k = 0; k < XF_ARRAY_LEN(metrics); k++)
		if (strcmp(metrics[k].code, code) == 0)
			return metrics[k].label;
	return code;
}

static void beijing_date(int64_t t, char out[16])
{
	time_t s = (time_t)(t + 8 * 3600);
	struct tm tm;
	gmtime_r(&s, &tm);
	strftime(out, 16, "%Y-%m-%d", &tm);
}

int registry_coverage_count(struct db *db, int64_t place_id, const char *metric, int64_t now,
                            int64_t *count, int64_t *total, struct xf_err *err)
{
	char lo[256], hi[256];
	int rc = registry_subtree(db, place_id, lo, hi, err);
	if (rc != XF_OK)
		return rc;
	*count = *total = 0;
	if (strcmp(metric, "buildings_without_party_group") == 0) {
		rc = db_int(db, err, total,
		            "SELECT count(*) FROM places WHERE kind = 'building' AND path >= ? AND "
		            "path < ?",
		            "tt", lo, hi);
		if (rc == XF_OK)
			rc = db_int(db, err, count,
			            "SELECT count(*) FROM places p WHERE p.kind = 'building' AND "
			            "p.path >= ?"
			            " AND p.path < ? AND NOT EXISTS (SELECT 1 FROM orgs o WHERE"
			            " o.place_id = p.id AND o.kind = 'building_party_group')",
			            "tt", lo, hi);
	} else if (strcmp(metric, "estates_without_committee") == 0) {
		rc = db_int(
		    db, err, total,
		    "SELECT count(*) FROM places WHERE kind = 'grid' AND path >= ? AND path < ?",
		    "tt", lo, hi);
		if (rc == XF_OK)
			rc = db_int(
			    db, err, count,
			    "SELECT count(*) FROM places p WHERE p.kind = 'grid' AND p.path >= ?"
			    " AND p.path < ? AND NOT EXISTS (SELECT 1 FROM orgs o WHERE"
			    " o.place_id = p.id AND o.kind = 'estate_committee')",
			    "tt", lo, hi);
	} else if (strcmp(metric, "twonew_without_party_org") == 0) {
		rc =
		    db_int(db, err, total,
		           "SELECT count(*) FROM orgs o JOIN places p ON p.id = o.place_id WHERE"
		           " o.kind IN ('enterprise', 'social_org') AND p.path >= ? AND p.path < ?",
		           "tt", lo, hi);
		if (rc == XF_OK)
			rc = db_int(
			    db, err, count,
			    "SELECT count(*) FROM orgs o JOIN places p ON p.id = o.place_id WHERE"
			    " o.kind IN ('enterprise', 'social_org') AND o.party_org_id IS NULL"
			    " AND p.path >= ? AND p.path < ?",
			    "tt", lo, hi);
	} else if (strcmp(metric, "party_orgs_inactive") == 0) {
		rc = db_int(db, err, total,
		            "SELECT count(*) FROM orgs o JOIN places p ON p.id = o.place_id WHERE"
		            " o.line = 'party' AND p.path >= ? AND p.path < ?",
		            "tt", lo, hi);
		if (rc == XF_OK)
			rc = db_int(
			    db, err, count,
			    "SELECT count(*) FROM orgs o JOIN places p ON p.id = o.place_id WHERE"
			    " o.line = 'party' AND p.path >= ? AND p.path < ? AND NOT EXISTS"
			    " (SELECT 1 FROM org_activities a WHERE a.org_id = o.id AND"
			    " a.held_at > ?)",
			    "tti", lo, hi, now - QUARTER);
	} else if (strcmp(metric, "building_groups_missing_posts") == 0) {
		rc = db_int(
		    db, err, total,
		    "SELECT count(*) FROM places p WHERE p.kind = 'building' AND p.path >= ?"
		    " AND p.path < ? AND EXISTS (SELECT 1 FROM orgs o WHERE o.place_id = p.id"
		    " AND o.kind IN ('building_party_group', 'building_service_group'))",
		    "tt", lo, hi);
		if (rc == XF_OK)
			rc = db_int(
			    db, err, count,
			    "SELECT count(*) FROM places p WHERE p.kind = 'building' AND p.path >= "
			    "?"
			    " AND p.path < ? AND EXISTS (SELECT 1 FROM orgs o WHERE o.place_id = "
			    "p.id"
			    " AND o.kind IN ('building_party_group', 'building_service_group'))"
			    " AND (SELECT count(DISTINCT ps.post) FROM positions ps JOIN orgs o"
			    " ON o.id = ps.org_id WHERE o.place_id = p.id AND ps.ended_at IS NULL"
			    " AND ps.post IN ('building_party_leader', 'building_head',"
			    " 'hygiene_officer', 'security_officer', 'culture_officer',"
			    " 'property_clerk', 'grid_manager', 'central_household')) < 8",
			    "tt", lo, hi);
	} else if (strcmp(metric, "members_without_branch") == 0) {
		/* Few members lack a branch (~1,300 in the city), but each is a person's row
		 * read at random from the largest table: a street or below goes from its places
		 * through people_place (an index, no person's row) to the members instead, and
		 * counts both figures in that one walk (a community: 9 → 3 ms). */
		if (registry_subtree_wide(lo)) {
			rc = db_int(
			    db, err, total,
			    "SELECT count(*) FROM party_members pm JOIN people pe ON pe.id ="
			    " pm.person_id JOIN places p ON p.id = pe.place_id WHERE p.path >= ?"
			    " AND p.path < ?",
			    "tt", lo, hi);
			if (rc == XF_OK)
				rc = db_int(
				    db, err, count,
				    "SELECT count(*) FROM party_members pm JOIN people pe"
				    " ON pe.id = pm.person_id JOIN places p ON p.id = pe.place_id"
				    " WHERE p.path >= ? AND p.path < ? AND pm.branch_org_id IS "
				    "NULL",
				    "tt", lo, hi);
		} else {
			struct db_stmt *st = db_prep(
			    db,
			    "SELECT count(*), coalesce(sum(CASE WHEN pm.branch_org_id IS NULL"
			    " THEN 1 ELSE 0 END), 0) FROM places p CROSS JOIN people pe"
			    " CROSS JOIN party_members pm WHERE pe.place_id = p.id"
			    " AND pm.person_id = pe.id AND p.path >= ? AND p.path < ?",
			    err);
			if (!st)
				return err->status;
			db_bind_text(st, 1, lo);
			db_bind_text(st, 2, hi);
			if ((rc = db_step(st, err)) == DB_ROW) {
				*total = db_col_int(st, 0);
				*count = db_col_int(st, 1);
				rc = XF_OK;
			}
			db_reset(st);
		}
	} else if (strcmp(metric, "centres_under_1000") == 0) {
		rc = db_int(db, err, total,
		            "SELECT count(*) FROM places WHERE kind = 'community' AND path >= ?"
		            " AND path < ?",
		            "tt", lo, hi);
		if (rc == XF_OK)
			rc = db_int(
			    db, err, count,
			    "SELECT count(*) FROM places WHERE kind = 'community' AND path >= ?"
			    " AND path < ? AND coalesce(area_cm2, 0) < 100000",
			    "tt", lo, hi);
	} else {
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "metric",
		                     "没有这个覆盖指标：%s", metric);
	}
	return rc;
}

/* ---- the rollup ---- */

#define NMETRICS 7 /* the rows of metrics[], in order */
_Static_assert(NMETRICS == XF_ARRAY_LEN(metrics), "NMETRICS counts metrics[]");

struct agg {
	int64_t id;
	int64_t count[NMETRICS], total[NMETRICS];
};

struct aggmap {
	struct agg *slots;
	size_t cap, n;
};

static struct agg *agg_get(struct aggmap *m, int64_t id)
{
	if ((m->n + 1) * 2 > m->cap) {
		size_t ncap = m->cap ? m->cap * 2 : 1024;
		struct agg *ns = xcalloc(ncap, sizeof *ns);
		for (size_t i = 0; i < m->cap; i++) {
			if (!m->slots[i].id)
				continue;
			size_t j = (size_t)m->slots[i].id * 2654435761u & (ncap - 1);
			while (ns[j].id)
				j = (j + 1) & (ncap - 1);
			ns[j] = m->slots[i];
		}
		free(m->slots);
		m->slots = ns;
		m->cap = ncap;
	}
	size_t j = (size_t)id * 2654435761u & (m->cap - 1);
	while (m->slots[j].id && m->slots[j].id != id)
		j = (j + 1) & (m->cap - 1);
	if (!m->slots[j].id) {
		m->slots[j].id = id;
		m->n++;
	}
	return &m->slots[j];
}

/* Count one object at the place whose path is given, for its first four ancestors (city,
 * district, street, community). */
static void agg_add(struct aggmap *m, const char *path, int metric, bool counted)
{
	const char *p = path;
	for (int depth = 0; depth < 4 && *p == '/' && p[1]; depth++) {
		char *end;
		int64_t id = strtoll(p + 1, &end, 10);
		if (end == p + 1 || *end != '/')
			break;
		struct agg *a = agg_get(m, id);
		a->total[metric]++;
		a->count[metric] += counted;
		p = end;
	}
}

int registry_rollup_rebuild(struct db *db, int64_t now, struct xf_err *err)
{
	struct aggmap m = {0};
	agg_get(&m, -1); /* allocate */
	int rc = XF_OK;
	struct db_stmt *st = db_prep(
	    db,
	    "SELECT p.path, EXISTS (SELECT 1 FROM orgs o WHERE o.place_id = p.id AND"
	    " o.kind = 'building_party_group'), EXISTS (SELECT 1 FROM orgs o WHERE o.place_id = "
	    "p.id"
	    " AND o.kind IN ('building_party_group', 'building_service_group')), (SELECT"
	    " count(DISTINCT ps.post) FROM positions ps JOIN orgs o ON o.id = ps.org_id WHERE"
	    " o.place_id = p.id AND ps.ended_at IS NULL AND ps.post IN ('building_party_leader',"
	    " 'building_head', 'hygiene_officer', 'security_officer', 'culture_officer',"
	    " 'property_clerk', 'grid_manager', 'central_household')) FROM places p"
	    " WHERE p.kind = 'building'",
	    err);
	while (st && (rc = db_step(st, err)) == DB_ROW) {
		agg_add(&m, db_col_text(st, 0), 0, db_col_int(st, 1) == 0);
		if (db_col_int(st, 2))
			agg_add(&m, db_col_text(st, 0), 4, db_col_int(st, 3) < 8);
	}
	st = rc < 0
	         ? NULL
	         : db_prep(db,
	                   "SELECT p.path, EXISTS (SELECT 1 FROM orgs o WHERE o.place_id = p.id"
	                   " AND o.kind = 'estate_committee') FROM places p WHERE p.kind = 'grid'",
	                   err);
	while (st && (rc = db_step(st, err)) == DB_ROW)
		agg_add(&m, db_col_text(st, 0), 1, db_col_int(st, 1) == 0);
	st = rc < 0 ? NULL
	            : db_prep(db,
	                      "SELECT p.path, o.party_org_id IS NULL FROM orgs o JOIN places p ON"
	                      " p.id = o.place_id WHERE o.kind IN ('enterprise', 'social_org')",
	                      err);
	while (st && (rc = db_step(st, err)) == DB_ROW)
		agg_add(&m, db_col_text(st, 0), 2, db_col_int(st, 1) != 0);
	st = rc < 0 ? NULL
	            : db_prep(db,
	                      "SELECT p.path, EXISTS (SELECT 1 FROM org_activities a WHERE"
	                      " a.org_id = o.id AND a.held_at > ?) FROM orgs o JOIN places p ON"
	                      " p.id = o.place_id WHERE o.line = 'party'",
	                      err);
	if (st)
		db_bind_int(st, 1, now - QUARTER);
	while (st && (rc = db_step(st, err)) == DB_ROW)
		agg_add(&m, db_col_text(st, 0), 3, db_col_int(st, 1) == 0);
	st = rc < 0
	         ? NULL
	         : db_prep(db,
	                   "SELECT p.path, pm.branch_org_id IS NULL FROM party_members pm JOIN"
	                   " people pe ON pe.id = pm.person_id JOIN places p ON p.id = pe.place_id",
	                   err);
	while (st && (rc = db_step(st, err)) == DB_ROW)
		agg_add(&m, db_col_text(st, 0), 5, db_col_int(st, 1) != 0);
	st = rc < 0 ? NULL
	            : db_prep(db,
	                      "SELECT path, coalesce(area_cm2, 0) < 100000 FROM places"
	                      " WHERE kind = 'community'",
	                      err);
	while (st && (rc = db_step(st, err)) == DB_ROW)
		agg_add(&m, db_col_text(st, 0), 6, db_col_int(st, 1) != 0);
	if (rc >= 0)
		rc = db_run(db, err, "DELETE FROM coverage_rollup", "");
	for (size_t i = 0; i < m.cap && rc == XF_OK; i++) {
		if (m.slots[i].id <= 0)
			continue;
		for (int k = 0; k < NMETRICS && rc == XF_OK; k++)
			rc = db_run(db, err,
			            "INSERT INTO coverage_rollup(place_id, metric, count, total, "
			            "computed_at)"
			            " VALUES (?, ?, ?, ?, ?)",
			            "itiii", m.slots[i].id, metrics[k].code, m.slots[i].count[k],
			            m.slots[i].total[k], now);
	}
	free(m.slots);
	return rc < 0 ? rc : XF_OK;
}

/* Each metric's constant members ("code", "label", "unit") as JSON text, encoded once: a
 * street's report writes 63 metric objects, and checking and escaping their 189 constant
 * strings every time was a tenth of the report's CPU. */
static struct {
	char text[512];
	size_t len;
} metric_members[NMETRICS];
static pthread_once_t metric_members_once = PTHREAD_ONCE_INIT;

static void metric_members_encode(void)
{
	for (int k = 0; k < NMETRICS; k++) {
		struct buf b;
		struct jw w;
		buf_init(&b);
		jw_init(&w, &b);
		jw_obj(&w);
		jw_key(&w, "code");
		jw_str(&w, metrics[k].code);
		jw_key(&w, "label");
		jw_str(&w, metrics[k].label);
		jw_key(&w, "unit");
		jw_str(&w, metrics[k].unit);
		jw_end_obj(&w);
		/* Without the braces: the members only. */
		size_t n = b.len - 2;
		if (n >= sizeof metric_members[k].text)
			abort(); /* a label longer than a metric's text can hold: a coding error */
		memcpy(metric_members[k].text, b.data + 1, n);
		metric_members[k].len = n;
		buf_free(&b);
	}
}

/* The figures of the coverage report, written straight as JSON text: a street's report holds
 * 63 of these (packing them was 40% of its instructions, callgrind; then a jansson tree). */
static void metrics_write(struct jw *w, const int64_t *count, const int64_t *total)
{
	pthread_once(&metric_members_once, metric_members_encode);
	jw_arr(w);
	for (int k = 0; k < NMETRICS; k++) {
		jw_obj(w);
		jw_members(w, metric_members[k].text, metric_members[k].len);
		jw_key(w, "count");
		jw_int(w, count[k]);
		jw_key(w, "total");
		jw_int(w, total[k]);
		jw_end_obj(w);
	}
	jw_end_arr(w);
}

/* The rolled-up figures of a place, or XF_ENOTFOUND when it has none yet. */
static int rollup_read(struct db *db, int64_t place_id, int64_t *count, int64_t *total,
                       int64_t *as_of, struct xf_err *err)
{
	struct db_stmt *st = db_prep(db,
	                             "SELECT metric, count, total, computed_at FROM coverage_rollup"
	                             " WHERE place_id = ?",
	                             err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, place_id);
	memset(count, 0, NMETRICS * sizeof *count);
	memset(total, 0, NMETRICS * sizeof *total);
	int found = 0, rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		for (int k = 0; k < NMETRICS; k++)
			if (strcmp(metrics[k].code, db_col_text(st, 0)) == 0) {
				count[k] = db_col_int(st, 1);
				total[k] = db_col_int(st, 2);
				found++;
			}
		*as_of = db_col_int(st, 3);
	}
	if (rc < 0)
		return rc;
	return found < NMETRICS ? XF_ENOTFOUND : XF_OK;
}

/* The figures counted live. */
static int live_read(struct db *db, int64_t place_id, int64_t now, int64_t *count, int64_t *total,
                     struct xf_err *err)
{
	for (int k = 0; k < NMETRICS; k++) {
		int rc = registry_coverage_count(db, place_id, metrics[k].code, now, &count[k],
		                                 &total[k], err);
		if (rc != XF_OK)
			return rc;
	}
	return XF_OK;
}

int registry_coverage_write(struct db *db, int64_t place_id, int64_t now, struct jw *w,
                            struct xf_err *err)
{
	char kind[16];
	jw_obj(w);
	jw_key(w, "place");
	int rc = registry_place_write(db, place_id, w, kind, err);
	if (rc != XF_OK)
		return rc;
	/* Streets and above: the scheduler's rollup (with its time); below: counted live. */
	bool rolled = strcmp(kind, "city") == 0 || strcmp(kind, "district") == 0 ||
	              strcmp(kind, "street") == 0;
	int64_t as_of = 0, count[NMETRICS], total[NMETRICS];
	rc = rolled ? rollup_read(db, place_id, count, total, &as_of, err) : XF_ENOTFOUND;
	if (rc == XF_ENOTFOUND) {
		rolled = false;
		rc = live_read(db, place_id, now, count, total, err);
	}
	if (rc != XF_OK)
		return rc;
	jw_key(w, "metrics");
	metrics_write(w, count, total);
	jw_key(w, "children");
	jw_arr(w);
	struct db_stmt *st =
	    db_prep(db,
	            "SELECT id, kind, name FROM places WHERE parent_id = ?"
	            " AND kind NOT IN ('building', 'household') ORDER BY id LIMIT 200",
	            err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, place_id);
	struct child {
		int64_t id;
		char kind[16], name[400];
	} *kids = xmalloc(200 * sizeof *kids); /* not zeroed: 85 KB a report; rows fill it */
	int n = 0;
	while (n < 200 && (rc = db_step(st, err)) == DB_ROW) {
		kids[n].id = db_col_int(st, 0);
		snprintf(kids[n].kind, sizeof kids[n].kind, "%s", db_col_text(st, 1));
		snprintf(kids[n].name, sizeof kids[n].name, "%s", db_col_text(st, 2));
		n++;
	}
	if (rc < 0) {
		free(kids);
		return rc;
	}
	db_reset(st);
	rc = XF_OK;
	for (int i = 0; i < n && rc == XF_OK; i++) {
		int64_t child_as_of;
		rc = rolled ? rollup_read(db, kids[i].id, count, total, &child_as_of, err)
		            : XF_ENOTFOUND;
		if (rc == XF_ENOTFOUND)
			rc = live_read(db, kids[i].id, now, count, total, err);
		if (rc != XF_OK)
			break;
		jw_obj(w);
		jw_key(w, "id");
		jw_int(w, kids[i].id);
		jw_key(w, "kind");
		jw_str(w, kids[i].kind);
		jw_key(w, "name");
		jw_str(w, kids[i].name);
		jw_key(w, "metrics");
		metrics_write(w, count, total);
		jw_end_obj(w);
	}
	free(kids);
	if (rc != XF_OK)
		return rc;
	jw_end_arr(w);
	/* When the figures were counted: null = just now, live. */
	jw_key(w, "as_of");
	if (rolled)
		jw_int(w, as_of);
	else
		jw_null(w);
	jw_end_obj(w);
	return XF_OK;
}

int registry_coverage_items(struct db *db, int64_t place_id, const char *metric, int64_t now,
                            int limit, json_t **items, struct xf_err *err)
{
	char lo[256], hi[256];
	int rc = registry_subtree(db, place_id, lo, hi, err);
	if (rc != XF_OK)
		return rc;
	struct db_stmt *st = NULL;
	bool people = false;
	if (strcmp(metric, "buildings_without_party_group") == 0)
		st = db_prep(db,
		             "SELECT p.id, p.name, p.kind FROM places p WHERE p.kind = 'building'"
		             " AND p.path >= ? AND p.path < ? AND NOT EXISTS (SELECT 1 FROM orgs o"
		             " WHERE o.place_id = p.id AND o.kind = 'building_party_group')"
		             " ORDER BY p.id LIMIT ?",
		             err);
	else if (strcmp(metric, "estates_without_committee") == 0)
		st = db_prep(db,
		             "SELECT p.id, p.name, p.kind FROM places p WHERE p.kind = 'grid'"
		             " AND p.path >= ? AND p.path < ? AND NOT EXISTS (SELECT 1 FROM orgs o"
		             " WHERE o.place_id = p.id AND o.kind = 'estate_committee')"
		             " ORDER BY p.id LIMIT ?",
		             err);
	else if (strcmp(metric, "twonew_without_party_org") == 0)
		st = db_prep(db,
		             "SELECT o.id, o.name, o.kind FROM orgs o JOIN places p ON p.id ="
		             " o.place_id WHERE o.kind IN ('enterprise', 'social_org') AND"
		             " o.party_org_id IS NULL AND p.path >= ? AND p.path < ? ORDER BY o.id"
		             " LIMIT ?",
		             err);
	else if (strcmp(metric, "party_orgs_inactive") == 0)
		st = db_prep(db,
		             "SELECT o.id, o.name, o.kind FROM orgs o JOIN places p ON p.id ="
		             " o.place_id WHERE o.line = 'party' AND p.path >= ? AND p.path < ?"
		             " AND NOT EXISTS (SELECT 1 FROM org_activities a WHERE a.org_id = o.id"
		             " AND a.held_at > ?) ORDER BY o.id LIMIT ?",
		             err);
	else if (strcmp(metric, "building_groups_missing_posts") == 0)
		st =
		    db_prep(db,
		            "SELECT p.id, p.name, p.kind FROM places p WHERE p.kind = 'building'"
		            " AND p.path >= ? AND p.path < ? AND EXISTS (SELECT 1 FROM orgs o WHERE"
		            " o.place_id = p.id AND o.kind IN ('building_party_group',"
		            " 'building_service_group')) AND (SELECT count(DISTINCT ps.post) FROM"
		            " positions ps JOIN orgs o ON o.id = ps.org_id WHERE o.place_id = p.id"
		            " AND ps.ended_at IS NULL AND ps.post IN ('building_party_leader',"
		            " 'building_head', 'hygiene_officer', 'security_officer',"
		            " 'culture_officer', 'property_clerk', 'grid_manager',"
		            " 'central_household')) < 8 ORDER BY p.id LIMIT ?",
		            err);
	else if (strcmp(metric, "members_without_branch") == 0) {
		people = true;
		st = db_prep(
		    db,
		    "SELECT pe.id, pe.name, 'person' FROM party_members pm JOIN people pe"
		    " ON pe.id = pm.person_id JOIN places p ON p.id = pe.place_id WHERE"
		    " p.path >= ? AND p.path < ? AND pm.branch_org_id IS NULL ORDER BY pe.id"
		    " LIMIT ?",
		    err);
	} else if (strcmp(metric, "centres_under_1000") == 0)
		st = db_prep(
		    db,
		    "SELECT id, name, kind FROM places WHERE kind = 'community' AND path >= ?"
		    " AND path < ? AND coalesce(area_cm2, 0) < 100000 ORDER BY id LIMIT ?",
		    err);
	else
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "metric",
		                     "没有这个覆盖指标：%s", metric);
	if (!st)
		return err->status;
	int idx = 1;
	db_bind_text(st, idx++, lo);
	db_bind_text(st, idx++, hi);
	if (strcmp(metric, "party_orgs_inactive") == 0)
		db_bind_int(st, idx++, now - QUARTER);
	db_bind_int(st, idx, limit);
	*items = json_array();
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(*items,
		                      json_pack("{s:s, s:I, s:s, s:s}", "type",
		                                people ? "person"
		                                : strcmp(db_col_text(st, 2), "building") == 0 ||
		                                        strcmp(db_col_text(st, 2), "grid") == 0 ||
		                                        strcmp(db_col_text(st, 2), "community") == 0
		                                    ? "place"
		                                    : "org",
		                                "id", (json_int_t)db_col_int(st, 0), "name",
		                                db_col_text(st, 1), "kind", db_col_text(st, 2)));
	return rc < 0 ? rc : XF_OK;
}

bool registry_metric_valid(const char *metric)
{
	for (size_t i = 0; i < XF_ARRAY_LEN(metrics); i++)
		if (strcmp(metrics[i].code, metric) == 0)
			return true;
	return false;
}

int registry_campaign_create(struct db *db, int64_t place_id, const char *name, const char *metric,
                             int64_t target, int64_t starts_at, int64_t ends_at, int64_t *id,
                             struct xf_err *err)
{
	if (!registry_metric_valid(metric))
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "metric",
		                     "没有这个覆盖指标：%s", metric);
	if (ends_at <= starts_at)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "ends_at",
		                     "结束时间应晚于开始时间");
	struct db_stmt *st =
	    db_prep(db,
	            "INSERT INTO coverage_campaigns(place_id, name, metric, target,"
	            " starts_at, ends_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
	            err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, place_id);
	db_bind_text(st, 2, name);
	db_bind_text(st, 3, metric);
	db_bind_int(st, 4, target);
	db_bind_int(st, 5, starts_at);
	db_bind_int(st, 6, ends_at);
	int rc = db_step(st, err);
	if (rc != DB_ROW)
		return rc < 0 ? rc : XF_EDB;
	*id = db_col_int(st, 0);
	db_reset(st);
	return XF_OK;
}

int registry_campaigns_json(struct db *db, int64_t place_id, int64_t now, json_t **items,
                            struct xf_err *err)
{
	char lo[256], hi[256];
	int rc = registry_subtree(db, place_id, lo, hi, err);
	if (rc != XF_OK)
		return rc;
	struct db_stmt *st =
	    db_prep(db,
	            "SELECT c.id, c.place_id, p.name, c.name, c.metric, c.target,"
	            " c.starts_at, c.ends_at FROM coverage_campaigns c JOIN places p"
	            " ON p.id = c.place_id WHERE p.path >= ? AND p.path < ?"
	            " ORDER BY c.id DESC LIMIT 100",
	            err);
	if (!st)
		return err->status;
	db_bind_text(st, 1, lo);
	db_bind_text(st, 2, hi);
	struct camp {
		int64_t id, place;
		char place_name[96], name[128], metric[48];
		int64_t target, starts, ends;
	} *c = xcalloc(100, sizeof *c);
	int n = 0;
	while (n < 100 && db_step(st, err) == DB_ROW) {
		c[n].id = db_col_int(st, 0);
		c[n].place = db_col_int(st, 1);
		snprintf(c[n].place_name, sizeof c[n].place_name, "%s", db_col_text(st, 2));
		snprintf(c[n].name, sizeof c[n].name, "%s", db_col_text(st, 3));
		snprintf(c[n].metric, sizeof c[n].metric, "%s", db_col_text(st, 4));
		c[n].target = db_col_int(st, 5);
		c[n].starts = db_col_int(st, 6);
		c[n].ends = db_col_int(st, 7);
		n++;
	}
	*items = json_array();
	for (int i = 0; i < n && rc == XF_OK; i++) {
		int64_t count = 0, total = 0;
		if ((rc = registry_coverage_count(db, c[i].place, c[i].metric, now, &count, &total,
		                                  err)) != XF_OK)
			break;
		json_t *series = json_array();
		struct db_stmt *s2 = db_prep(db,
		                             "SELECT day, value FROM coverage_snapshots WHERE"
		                             " campaign_id = ? ORDER BY day",
		                             err);
		if (!s2) {
			json_decref(series);
			rc = err->status;
			break;
		}
		db_bind_int(s2, 1, c[i].id);
		while (db_step(s2, err) == DB_ROW)
			json_array_append_new(series,
			                      json_pack("{s:I, s:I}", "day",
			                                (json_int_t)db_col_int(s2, 0) * 86400,
			                                "value", (json_int_t)db_col_int(s2, 1)));
		json_array_append_new(
		    *items,
		    json_pack("{s:I, s:I, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:b, s:b, s:o}",
		              "id", (json_int_t)c[i].id, "place_id", (json_int_t)c[i].place,
		              "place_name", c[i].place_name, "name", c[i].name, "metric",
		              c[i].metric, "target", (json_int_t)c[i].target, "starts_at",
		              (json_int_t)c[i].starts, "ends_at", (json_int_t)c[i].ends, "current",
		              (json_int_t)count, "total", (json_int_t)total, "running",
		              now >= c[i].starts && now < c[i].ends, "reached",
		              count <= c[i].target, "series", series));
		/* For people and spreadsheets: the figure's name and the dates (Beijing time). */
		json_t *last = json_array_get(*items, json_array_size(*items) - 1);
		char day[16];
		json_object_set_new(last, "metric_label", json_string(metric_label(c[i].metric)));
		beijing_date(c[i].starts, day);
		json_object_set_new(last, "starts_on", json_string(day));
		beijing_date(c[i].ends, day);
		json_object_set_new(last, "ends_on", json_string(day));
	}
	free(c);
	return rc;
}

int registry_campaigns_snapshot(struct db *db, int64_t now, struct xf_err *err)
{
	struct db_stmt *st = db_prep(db,
	                             "SELECT id, place_id, metric FROM coverage_campaigns WHERE"
	                             " starts_at <= ? AND ends_at > ?",
	                             err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, now);
	db_bind_int(st, 2, now);
	struct run {
		int64_t id, place;
		char metric[48];
	} runs[256];
	int n = 0;
	while (n < 256 && db_step(st, err) == DB_ROW) {
		runs[n].id = db_col_int(st, 0);
		runs[n].place = db_col_int(st, 1);
		snprintf(runs[n].metric, sizeof runs[n].metric, "%s", db_col_text(st, 2));
		n++;
	}
	db_reset(st);
	int rc = XF_OK;
	for (int i = 0; i < n && rc == XF_OK; i++) {
		int64_t count, total;
		rc = registry_coverage_count(db, runs[i].place, runs[i].metric, now, &count, &total,
		                             err);
		if (rc == XF_OK)
			rc = db_run(
			    db, err,
			    "INSERT INTO coverage_snapshots(campaign_id, day, value) VALUES (?, ?, "
			    "?)"
			    " ON CONFLICT(campaign_id, day) DO UPDATE SET value = excluded.value",
			    "iii", runs[i].id, now / 86400, count);
	}
	return rc;
}

int registry_building_json(struct db *db, int64_t place_id, json_t **out, struct xf_err *err)
{
	json_t *place;
	int rc = registry_place_json(db, place_id, &place, err);
	if (rc != XF_OK)
		return rc;
	if (strcmp(json_string_value(json_object_get(place, "kind")), "building") != 0) {
		json_decref(place);
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "id", "该地点不是楼栋");
	}
	json_t *groups = json_array(), *slots = json_array(), *households = json_array();
	struct db_stmt *st =
	    db_prep(db,
	            "SELECT id, code, name, kind, line FROM orgs WHERE place_id = ?"
	            " ORDER BY id",
	            err);
	if (st) {
		db_bind_int(st, 1, place_id);
		while (db_step(st, err) == DB_ROW)
			json_array_append_new(groups, org_brief(st, 0));
	}
	/* The eight posts, filled or not. */
	for (size_t i = 0; i < 8; i++) {
		const char *post = registry_building_posts[i];
		json_t *p = json_pack("{s:s, s:s, s:b}", "post", post, "post_label",
		                      registry_post_label(post), "filled", 0);
		st = db_prep(
		    db,
		    "SELECT pe.id, pe.name FROM positions ps JOIN orgs o ON o.id = ps.org_id"
		    " JOIN people pe ON pe.id = ps.person_id WHERE o.place_id = ? AND"
		    " ps.post = ? AND ps.ended_at IS NULL ORDER BY ps.id LIMIT 1",
		    err);
		if (st) {
			db_bind_int(st, 1, place_id);
			db_bind_text(st, 2, post);
			if (db_step(st, err) == DB_ROW) {
				json_object_set_new(p, "filled", json_true());
				json_object_set_new(p, "person_id",
				                    json_integer(db_col_int(st, 0)));
				json_object_set_new(p, "person_name",
				                    json_string(db_col_text(st, 1)));
				db_reset(st);
			}
		}
		json_array_append_new(slots, p);
	}
	/* Households and who lives there, masked. */
	st = db_prep(db,
	             "SELECT h.id, h.name, coalesce(h.area_cm2, 0), pe.id, pe.name, pe.gender,"
	             " pe.phone_mask, pm.person_id IS NOT NULL, coalesce(pm.central_household, 0)"
	             " FROM places h LEFT JOIN people pe ON pe.place_id = h.id LEFT JOIN"
	             " party_members pm ON pm.person_id = pe.id WHERE h.parent_id = ? AND"
	             " h.kind = 'household' ORDER BY h.id, pe.id",
	             err);
	int64_t members = 0, residents = 0, last_h = 0;
	json_t *current = NULL;
	if (st) {
		db_bind_int(st, 1, place_id);
		while ((rc = db_step(st, err)) == DB_ROW) {
			if (!current || db_col_int(st, 0) != last_h) {
				last_h = db_col_int(st, 0);
				current = json_pack(
				    "{s:I, s:s, s:o, s:[]}", "id", (json_int_t)last_h, "name",
				    db_col_text(st, 1), "area_m2",
				    db_col_int(st, 2) ? json_real((double)db_col_int(st, 2) / 100.0)
				                      : json_null(),
				    "residents");
				json_array_append_new(households, current);
			}
			if (db_col_null(st, 3))
				continue;
			bool member = db_col_int(st, 7) != 0, central = db_col_int(st, 8) != 0;
			members += member;
			residents++;
			json_array_append_new(
			    json_object_get(current, "residents"),
			    json_pack("{s:I, s:s, s:s, s:s, s:b, s:b}", "id",
			              (json_int_t)db_col_int(st, 3), "name", db_col_text(st, 4),
			              "gender", db_col_text(st, 5), "phone", db_col_text(st, 6),
			              "party_member", member, "central_household", central));
		}
	}
	if (!st || rc < 0) {
		json_decref(place);
		json_decref(groups);
		json_decref(slots);
		json_decref(households);
		return err->status ? err->status : XF_EDB;
	}
	*out = json_pack("{s:o, s:o, s:o, s:o, s:I, s:I}", "place", place, "groups", groups,
	                 "posts", slots, "households", households, "residents",
	                 (json_int_t)residents, "party_members", (json_int_t)members);
	return XF_OK;
}

/* ---- writes: organisations and positions ---- */

static bool one_of(const char *v, const char *const *allowed)
{
	for (; *allowed; allowed++)
		if (strcmp(v, *allowed) == 0)
			return true;
	return false;
}

int registry_org_create(struct db *db, const struct org_in *in, int64_t *id, struct xf_err *err)
{
	static const char *const domains[] = {"",    "community", "agency", "institution",
	                                      "soe", "private",   "social", NULL};
	static const char *const bases[] = {"",         "building", "market", "park", "workstation",
	                                    "industry", NULL};
	const struct org_kind *k = registry_org_kind(in->kind);
	if (!k)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "kind",
		                     "没有这种组织类型");
	if (!one_of(in->domain, domains))
		return xf_fail_field(
		    err, XF_EINVAL, "validation_failed", "domain",
		    "领域只能是 community、agency、institution、soe、private 或 social");
	if (!one_of(in->built_on, bases))
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "built_on",
		                     "依托只能是 building、market、park、workstation 或 industry");
	if (*in->built_on && strcmp(k->line, "party") != 0)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "built_on",
		                     "只有党组织才有“依托”");
	int64_t n = 0;
	int rc = db_int(db, err, &n, "SELECT count(*) FROM places WHERE id = ?", "i", in->place_id);
	if (rc != XF_OK)
		return rc;
	if (!n)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "place_id",
		                     "没有这个地点");
	if (in->parent_id) {
		if ((rc = db_int(db, err, &n, "SELECT count(*) FROM orgs WHERE id = ?", "i",
		                 in->parent_id)) != XF_OK)
			return rc;
		if (!n)
			return xf_fail_field(err, XF_EINVAL, "validation_failed", "parent_id",
			                     "没有这个上级组织");
	}
	if (in->party_org_id) {
		if ((rc = db_int(db, err, &n,
		                 "SELECT count(*) FROM orgs WHERE id = ? AND line = 'party'", "i",
		                 in->party_org_id)) != XF_OK)
			return rc;
		if (!n)
			return xf_fail_field(err, XF_EINVAL, "validation_failed", "party_org_id",
			                     "party_org_id 应为一个党组织");
	}
	if ((rc = db_int(db, err, &n, "SELECT count(*) FROM orgs WHERE code = ?", "t", in->code)) !=
	    XF_OK)
		return rc;
	if (n)
		return xf_fail_field(err, XF_ECONFLICT, "conflict", "code", "这个组织编码已经存在");
	struct db_stmt *st = db_prep(
	    db,
	    "INSERT INTO orgs(code, name, kind, line, place_id, parent_id, domain, built_on,"
	    " party_org_id, district_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?,"
	    " (SELECT district_id FROM places WHERE id = ?), ?) RETURNING id",
	    err);
	if (!st)
		return err->status;
	db_bind_text(st, 1, in->code);
	db_bind_text(st, 2, in->name);
	db_bind_text(st, 3, k->code);
	db_bind_text(st, 4, k->line);
	db_bind_int(st, 5, in->place_id);
	if (in->parent_id)
		db_bind_int(st, 6, in->parent_id);
	else
		db_bind_null(st, 6);
	db_bind_text(st, 7, in->domain);
	db_bind_text(st, 8, in->built_on);
	if (in->party_org_id)
		db_bind_int(st, 9, in->party_org_id);
	else
		db_bind_null(st, 9);
	db_bind_int(st, 10, in->place_id);
	db_bind_int(st, 11, in->now);
	if ((rc = db_step(st, err)) != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_EDB, "db_error", "新建组织失败");
	*id = db_col_int(st, 0);
	db_reset(st);
	return XF_OK;
}

int registry_position_create(struct db *db, int64_t person_id, int64_t org_id, const char *post,
                             int64_t started_at, int64_t *id, struct xf_err *err)
{
	if (!registry_post_valid(post))
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "post", "没有这个职务");
	int64_t n = 0;
	int rc = db_int(db, err, &n, "SELECT count(*) FROM people WHERE id = ?", "i", person_id);
	if (rc != XF_OK)
		return rc;
	if (!n)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "person_id",
		                     "没有这个人");
	if ((rc = db_int(db, err, &n,
	                 "SELECT count(*) FROM positions WHERE person_id = ? AND org_id = ?"
	                 " AND post = ? AND ended_at IS NULL",
	                 "iit", person_id, org_id, post)) != XF_OK)
		return rc;
	if (n)
		return xf_fail_field(err, XF_ECONFLICT, "conflict", "post",
		                     "此人已在该组织担任这个职务");
	struct db_stmt *st = db_prep(db,
	                             "INSERT INTO positions(person_id, org_id, post, started_at)"
	                             " VALUES (?, ?, ?, ?) RETURNING id",
	                             err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, person_id);
	db_bind_int(st, 2, org_id);
	db_bind_text(st, 3, post);
	db_bind_int(st, 4, started_at);
	if ((rc = db_step(st, err)) != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_EDB, "db_error", "任职失败");
	*id = db_col_int(st, 0);
	db_reset(st);
	return XF_OK;
}

int registry_position_org(struct db *db, int64_t id, int64_t *org_id, struct xf_err *err)
{
	int rc = db_int(db, err, org_id, "SELECT org_id FROM positions WHERE id = ?", "i", id);
	if (rc == XF_ENOTFOUND)
		return xf_fail(err, XF_ENOTFOUND, "not_found", "没有这条任职记录");
	return rc;
}

int registry_position_end(struct db *db, int64_t id, int64_t ended_at, struct xf_err *err)
{
	struct db_stmt *st = db_prep(
	    db, "SELECT started_at, coalesce(ended_at, 0) FROM positions WHERE id = ?", err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	int rc = db_step(st, err);
	if (rc != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_ENOTFOUND, "not_found", "没有这条任职记录");
	int64_t started = db_col_int(st, 0), ended = db_col_int(st, 1);
	db_reset(st);
	if (ended)
		return xf_fail(err, XF_ECONFLICT, "conflict", "这条任职已经结束");
	if (ended_at < started)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "ended_at",
		                     "结束日期不能早于开始日期");
	return db_run(db, err, "UPDATE positions SET ended_at = ? WHERE id = ?", "ii", ended_at,
	              id);
}

/* ---- delegates' studios ---- */

int registry_studios_json(struct db *db, int64_t place_id, json_t **items, struct xf_err *err)
{
	char lo[256], hi[256];
	int rc = registry_subtree(db, place_id, lo, hi, err);
	if (rc != XF_OK)
		return rc;
	/* Studios at the place or above it (a resident's community's and street's), and those
	 * inside it (for staff over an area). */
	struct db_stmt *st = db_prep(
	    db,
	    "SELECT o.id, o.name, p.id, p.name, (SELECT count(*) FROM positions ps WHERE"
	    " ps.org_id = o.id AND ps.post = 'delegate' AND ps.ended_at IS NULL) FROM orgs o JOIN"
	    " places p ON p.id = o.place_id WHERE o.kind = 'delegate_studio' AND ((p.path >= ? AND"
	    " p.path < ?) OR substr(?, 1, length(p.path)) = p.path) ORDER BY p.path, o.id LIMIT "
	    "100",
	    err);
	if (!st)
		return err->status;
	db_bind_text(st, 1, lo);
	db_bind_text(st, 2, hi);
	db_bind_text(st, 3, lo);
	*items = json_array();
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(*items, json_pack("{s:I, s:s, s:I, s:s, s:I}", "id",
		                                        (json_int_t)db_col_int(st, 0), "name",
		                                        db_col_text(st, 1), "place_id",
		                                        (json_int_t)db_col_int(st, 2), "place_name",
		                                        db_col_text(st, 3), "delegates",
		                                        (json_int_t)db_col_int(st, 4)));
	if (rc < 0) {
		json_decref(*items);
		return rc;
	}
	/* Their stationed delegates by name (public office holders). */
	json_t *it;
	size_t i;
	json_array_foreach(*items, i, it)
	{
		json_t *names = json_array();
		json_object_set_new(it, "delegate_names", names);
		st = db_prep(
		    db,
		    "SELECT pe.name FROM positions ps JOIN people pe ON pe.id = ps.person_id"
		    " WHERE ps.org_id = ? AND ps.post = 'delegate' AND ps.ended_at IS NULL"
		    " ORDER BY ps.id LIMIT 10",
		    err);
		if (!st) {
			json_decref(*items);
			return err->status;
		}
		db_bind_int(st, 1, json_integer_value(json_object_get(it, "id")));
		while ((rc = db_step(st, err)) == DB_ROW)
			json_array_append_new(names, json_string(db_col_text(st, 0)));
		if (rc < 0) {
			json_decref(*items);
			return rc;
		}
	}
	return XF_OK;
}

/* Up from a place (itself first) to the root, at most 8 levels: out[i] gets the nearest place
 * of kinds[i] (0 if none); stops once every kind is found. */
static int nearest_of_kinds(struct db *db, int64_t place_id, const char *const *kinds, int64_t *out,
                            int n, struct xf_err *err)
{
	int found = 0;
	for (int i = 0; i < n; i++)
		out[i] = 0;
	for (int guard = 0; guard < 8 && place_id && found < n; guard++) {
		struct db_stmt *st = db_prep(
		    db, "SELECT kind, coalesce(parent_id, 0) FROM places WHERE id = ?", err);
		if (!st)
			return err->status;
		db_bind_int(st, 1, place_id);
		int rc = db_step(st, err);
		if (rc != DB_ROW)
			return rc < 0 ? rc : XF_OK;
		for (int i = 0; i < n; i++)
			if (!out[i] && strcmp(db_col_text(st, 0), kinds[i]) == 0) {
				out[i] = place_id;
				found++;
			}
		int64_t parent = db_col_int(st, 1);
		db_reset(st);
		place_id = parent;
	}
	return XF_OK;
}

int registry_community_street(struct db *db, int64_t place_id, int64_t *community, int64_t *street,
                              struct xf_err *err)
{
	static const char *const kinds[] = {"community", "street"};
	int64_t out[2];
	int rc = nearest_of_kinds(db, place_id, kinds, out, 2, err);
	*community = out[0];
	*street = out[1];
	return rc;
}

int registry_ancestor_of_kind(struct db *db, int64_t place_id, const char *kind, int64_t *out,
                              struct xf_err *err)
{
	return nearest_of_kinds(db, place_id, &kind, out, 1, err);
}
