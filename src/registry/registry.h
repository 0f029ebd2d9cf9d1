/* The 双线五级 registry: places and their subtrees, organisations on both lines (and the
 * units, 两新 organisations, owners' committees and property companies around them), people
 * lists, positions, and the coverage report, computed and never typed. */
#ifndef XF_REGISTRY_H
#define XF_REGISTRY_H

#include "../store/db.h"
#include <jansson.h>

struct org_kind {
	const char *code;
	const char *label; /* Chinese */
	const char *line;  /* "party", "governance", "org" */
};
extern const struct org_kind registry_org_kinds[];
const struct org_kind *registry_org_kind(const char *code);

/* The eight posts of a building service group, "两长五员一户". */
extern const char *const registry_building_posts[8];
const char *registry_post_label(const char *post);

/* [lo, hi) bounds on places.path covering the subtree of place_id (itself included). */
int registry_subtree(struct db *db, int64_t place_id, char lo[256], char hi[256],
                     struct xf_err *err);
/* Is the subtree starting at lo the city's or a district's (hundreds of thousands of places)?
 * Then a query drives from its table and checks each row's place; below, from the places. */
/* A place's subtree from its path: [lo, hi), hi being the path with its last "/" turned
 * into "0" (registry_subtree without the query). */
void registry_path_bounds(const char *path, char lo[256], char hi[256]);
bool registry_subtree_wide(const char *lo);
/* The place itself or its nearest ancestor that is a community, and a street (one walk up;
 * 0 where there is none): what a person entered there carries. */
int registry_community_street(struct db *db, int64_t place_id, int64_t *community, int64_t *street,
                              struct xf_err *err);
/* The place itself or its nearest ancestor of that kind ("street"…); *out 0 if none. */
int registry_ancestor_of_kind(struct db *db, int64_t place_id, const char *kind, int64_t *out,
                              struct xf_err *err);

struct jw;
int registry_place_json(struct db *db, int64_t id, json_t **out, struct xf_err *err);
/* The same card written into w; kind (may be NULL) gets the place's kind. */
int registry_place_write(struct db *db, int64_t id, struct jw *w, char kind[16],
                         struct xf_err *err);
/* Children ordered by id, after `after` (keyset), at most limit. */
int registry_children_json(struct db *db, int64_t id, int64_t after, int limit, json_t **items,
                           int64_t *next, struct xf_err *err);
/* The same written as a JSON array (what the children page answers, with no tree). */
int registry_children_write(struct db *db, int64_t id, int64_t after, int limit, struct jw *w,
                            int64_t *next, struct xf_err *err);
/* Places inside `within`'s subtree whose name contains q or whose code starts with q; kind
 * optional. Each item says where it sits (the names of its parent and grandparent). */
int registry_search_json(struct db *db, int64_t within, const char *q, const char *kind, int limit,
                         json_t **items, struct xf_err *err);
/* The organisations of a place on both lines, side by side. */
int registry_lines_json(struct db *db, int64_t place_id, json_t **out, struct xf_err *err);
int registry_org_json(struct db *db, int64_t id, json_t **out, struct xf_err *err);
int registry_org_place(struct db *db, int64_t id, int64_t *place_id, struct xf_err *err);
/* People in a subtree whose name contains q (masked), keyset by id. The place must lie in
 * the scope's subtree (the actor's place; XF_EPERM "out_of_scope" otherwise, also for a place
 * that does not exist), decided by the search's own first statement. */
int registry_people_json(struct db *db, int64_t scope, int64_t place_id, const char *q,
                         int64_t after, int limit, json_t **items, int64_t *next,
                         struct xf_err *err);
/* The same written as a JSON array (the people page, with no tree). */
int registry_people_write(struct db *db, int64_t scope, int64_t place_id, const char *q,
                          int64_t after, int limit, struct jw *w, int64_t *next,
                          struct xf_err *err);
/* A person's positions across organisations (交叉任职) and party membership. */
int registry_person_card(struct db *db, int64_t person_id, json_t *person, struct xf_err *err);

/* 楼栋一张图: a building's households and residents (masked), its groups and the eight posts
 * (filled or not), its party members and 党员中心户. XF_EINVAL when the place is no building. */
int registry_building_json(struct db *db, int64_t place_id, json_t **out, struct xf_err *err);

/* Coverage and completeness at a place, with one line per child place for drill-down,
 * written as JSON text (no tree). */
int registry_coverage_write(struct db *db, int64_t place_id, int64_t now, struct jw *w,
                            struct xf_err *err);
/* Recount coverage for every city, district, street and community in one pass over the tree
 * and store it (scheduled; streets and above are answered from it, with its time). */
int registry_rollup_rebuild(struct db *db, int64_t now, struct xf_err *err);
/* The records behind one coverage figure. */
int registry_coverage_items(struct db *db, int64_t place_id, const char *metric, int64_t now,
                            int limit, json_t **items, struct xf_err *err);
/* Just the numbers (for campaign snapshots): the count of `metric` under place. */
int registry_coverage_count(struct db *db, int64_t place_id, const char *metric, int64_t now,
                            int64_t *count, int64_t *total, struct xf_err *err);

/* Coverage campaigns (百日攻坚): a metric to bring down to `target` at a place within a
 * period; a daily snapshot records progress. */
bool registry_metric_valid(const char *metric);
int registry_campaign_create(struct db *db, int64_t place_id, const char *name, const char *metric,
                             int64_t target, int64_t starts_at, int64_t ends_at, int64_t *id,
                             struct xf_err *err);
int registry_campaigns_json(struct db *db, int64_t place_id, int64_t now, json_t **items,
                            struct xf_err *err);
/* Record today's value for every running campaign (scheduled daily; idempotent per day). */
int registry_campaigns_snapshot(struct db *db, int64_t now, struct xf_err *err);

/* 党代表工作室 at a place or above it, and inside it, with their stationed delegates. */
int registry_studios_json(struct db *db, int64_t place_id, json_t **items, struct xf_err *err);

/* Writes (inside a writer job; the caller checks scope). Codes are unique (409). */
struct org_in {
	const char *code, *name, *kind, *domain, *built_on;
	int64_t place_id, parent_id, party_org_id, now; /* 0 = none */
};
int registry_org_create(struct db *db, const struct org_in *in, int64_t *id, struct xf_err *err);
bool registry_post_valid(const char *post);
/* A post held from started_at; the same person, organisation and open post twice is 409. */
int registry_position_create(struct db *db, int64_t person_id, int64_t org_id, const char *post,
                             int64_t started_at, int64_t *id, struct xf_err *err);
int registry_position_org(struct db *db, int64_t id, int64_t *org_id, struct xf_err *err);
/* Ends an open position (409 when already ended). */
int registry_position_end(struct db *db, int64_t id, int64_t ended_at, struct xf_err *err);

#endif
