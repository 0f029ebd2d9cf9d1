/* 民情闭环: a resident's case from any channel to a rated result. Categories carry an SLA tier
 * (dispatch and feedback deadlines, configurable per deployment); a case moves
 * submitted → accepted → (assigned) → replied → closed, or returned (re-routed) and
 * reopened; overdue cases climb one level up the place tree; every transition is an event
 * saying who, when and on whose behalf. All writers run inside a store write job. */
#ifndef XF_CASES_H
#define XF_CASES_H

#include "../store/db.h"
#include <jansson.h>
#include <stdbool.h>

struct xf_user;

/* Who acts: the account (0 for the system), its active role and grant place, its person. */
struct case_actor {
	int64_t user_id;
	const char *role;
	int64_t place_id; /* the grant's place: the scope */
	int64_t person_id;
	bool is_token;
	int64_t token_id;
};
void cases_actor_from_user(const struct xf_user *u, struct case_actor *a);

struct case_in {
	const char *category, *title, *description;
	const char *channel; /* mobile, staff, station, mailbox, building_group, 12345, open311 */
	int64_t place_id;    /* 0: the reporter's own household */
	int64_t reporter_user_id; /* the resident's account, if any */
	int64_t reporter_person_id;
	int64_t entered_by;      /* staff entering it on the reporter's behalf */
	int64_t studio_org_id;   /* addressed to a 党代表工作室 */
	int64_t source_token_id; /* the API token that posted it (12345 / Open311) */
	const char *external_source, *external_id; /* a repeat returns the existing case */
	const char *token;                         /* Open311 token, or NULL */
	bool is_public;
	bool has_geo;
	double lat, lng;
	int64_t now;
};

/* Validates and inserts; *existing is true when (external_source, external_id) was there. */
int cases_create(struct db *db, const struct case_in *in, int64_t *id, bool *existing,
                 struct xf_err *err);

/* The actions of POST /api/cases/{id}/{action}; body is the checked JSON body. */
bool cases_action_known(const char *action);
int cases_act(struct db *db, int64_t id, const char *action, json_t *body,
              const struct case_actor *a, int64_t now, struct xf_err *err);

/* May the actor see the case? (staff: inside their area; the reporter; the studio's
 * delegates; the assignee). XF_ENOTFOUND / XF_EPERM otherwise. */
int cases_can_read(struct db *db, int64_t id, const struct case_actor *a, struct xf_err *err);
/* Photos (bytes already checked and stripped by photo_clean): the reporter or whoever may
 * act on the case adds up to CASES_MAX_PHOTOS; *n_out is the new photo's number (1…). */
#define CASES_MAX_PHOTOS 9
int cases_photo_allowed(struct db *db, int64_t id, const struct case_actor *a, struct xf_err *err);
int cases_photo_add(struct db *db, int64_t id, const struct case_actor *a, const char *mime,
                    const void *bytes, size_t n, int64_t now, int *n_out, struct xf_err *err);
/* Photo number n (1…) of a case the actor may read: mime and bytes into out. */
struct buf;
int cases_photo_get(struct db *db, int64_t id, int n, const struct case_actor *a, char mime[32],
                    struct buf *out, struct xf_err *err);

/* The case with its timeline and suggested duplicates, written as JSON text (what
 * GET /api/cases/{id}, a creation and every action answer; no tree). With an actor, first
 * decides from the card's own row as cases_can_read does (nothing written when refused);
 * NULL: the caller has decided. */
struct jw;
int cases_card_write(struct db *db, int64_t id, const struct case_actor *a, int64_t now,
                     struct jw *w, struct xf_err *err);

struct case_filter {
	int64_t place_id;   /* 0: the actor's area */
	const char *status; /* NULL: any; "open": not closed */
	bool overdue, mine, studio, followup_due;
	const char *category;
	int64_t after; /* keyset: id < after when > 0 (newest first) */
	int limit;
};
/* The cases as a JSON array of briefs, newest first; *next the keyset cursor (0: the end). */
int cases_list_write(struct db *db, const struct case_filter *f, const struct case_actor *a,
                     int64_t now, struct jw *w, int64_t *next, struct xf_err *err);

/* Rates per place (and per child place, and per handler) over [from, to). */
int cases_report_json(struct db *db, int64_t place_id, int64_t from, int64_t to, json_t **out,
                      struct xf_err *err);

/* Categories and tiers (configurable per deployment). */
int cases_categories_json(struct db *db, json_t **out, struct xf_err *err);
bool cases_category_active(struct db *db, const char *code);
int cases_category_put(struct db *db, const char *code, const char *name, const char *tier,
                       const char *group, const char *description, bool active, struct xf_err *err);
int cases_tier_put(struct db *db, const char *tier, int64_t dispatch_s, int64_t feedback_s,
                   struct xf_err *err);

/* Settings kept in meta: the share of closed cases drawn for a 回访 call (percent, default
 * 10) and the days after a reply before an unrated case closes (default 7). */
int cases_settings(struct db *db, int *followup_pct, int *autoclose_days, struct xf_err *err);
/* Change them (-1 leaves one as it is): 0–100 percent, 1–60 days; else out_of_range. */
int cases_settings_put(struct db *db, int followup_pct, int autoclose_days, struct xf_err *err);
/* Open cases past their reply deadline, or still unaccepted past the dispatch deadline. */
int cases_overdue_count(struct db *db, int64_t now, int64_t *n, struct xf_err *err);

/* Scheduled: escalate overdue cases one level up, remind handlers before a deadline, close
 * replies left unrated. Returns through *escalated etc. how much it did. */
int cases_tick(struct db *db, int64_t now, int *escalated, int *reminded, int *autoclosed,
               struct xf_err *err);

/* The community above a place (0 if the place is above community level). */
int cases_community_of(struct db *db, int64_t place_id, int64_t *community, struct xf_err *err);

/* The demo city's year of cases (deterministic); *count says how many. */
int cases_demo(struct db *db, bool city, int64_t now, int64_t *count, struct xf_err *err);

#endif
