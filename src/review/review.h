/* 评议考核: branch standardisation (a weighted checklist per domain, the branch's own scores,
 * the reviewer's, items the platform fills from its records, a rating 标准型 / 示范型 / 红旗型
 * or 整顿 that moves only with an approver other than the proposer, rectification plans and
 * the whole history); the yearly evaluation of resident units by communities and the street
 * with a configurable threshold for 优胜 eligibility; 文明共创 campaigns whose unit results
 * feed that evaluation (and the registry's 百日攻坚 beside them); and 民主评议党员 sheets
 * computed from the records, with the branch's rating.
 *
 * Operations in the style of src/auth/actor.h; writers run inside a store write job. */
#ifndef XF_REVIEW_H
#define XF_REVIEW_H

#include "../auth/actor.h"
#include <stdbool.h>

#define REVIEW_OP(name)                                                                            \
	int name(struct db *db, const struct actor *a, json_t *body, int64_t id, int64_t now,      \
	         json_t **out, struct xf_err *err)

/* Standards and branch sheets */
REVIEW_OP(review_branches_list);     /* ?place=&year=: party organisations, sheet, rating */
REVIEW_OP(review_standards_list);    /* ?kind=<domain> */
REVIEW_OP(review_standard_create);   /* {domain, title, weight, evidence?, source?} */
REVIEW_OP(review_assessment_get);    /* ?org_id=&year=: the sheet with self-filled items */
REVIEW_OP(review_assessment_submit); /* {org_id, year, items:[{standard_id, score, evidence?}]} */
REVIEW_OP(review_assessment_review); /* {id}: {items:[{standard_id, score, note?}]} */

/* Ratings: proposals, approval by someone else, history; rectification plans */
REVIEW_OP(review_ratings_list);   /* ?place=&org_id=&status=&year= */
REVIEW_OP(review_rating_propose); /* {org_id, year, rating, reason} */
REVIEW_OP(review_rating_approve); /* {note?} */
REVIEW_OP(review_rating_reject);  /* {note?} */
REVIEW_OP(review_plans_list);     /* ?place=&org_id=&status= */
REVIEW_OP(review_plan_create);    /* {org_id, problems, measures, deadline} */
REVIEW_OP(review_plan_followup);  /* {note, done?} */

/* Unit evaluations */
REVIEW_OP(review_unit_results);  /* ?year=&place=&mine=: every unit's aggregate */
REVIEW_OP(review_unit_result);   /* {id} = unit org, ?year=: the forms, reasons */
REVIEW_OP(review_unit_evaluate); /* {unit_org_id, year, duty, projects, service, civic, comment?} */
REVIEW_OP(review_settings_get);
REVIEW_OP(review_settings_put); /* {unit_threshold} */

/* Campaigns: 文明共创 here, 百日攻坚 from the registry */
REVIEW_OP(review_campaigns_list);  /* ?place=&kind=civic|coverage */
REVIEW_OP(review_campaign_create); /* {place_id, kind, title, target?, starts_at, ends_at, units} */
REVIEW_OP(review_campaign_get);
REVIEW_OP(review_campaign_result); /* {unit_org_id, score, note?} */

/* 民主评议党员 */
REVIEW_OP(review_member_sheets); /* ?org_id=&year= or ?mine=1&year= */
REVIEW_OP(review_member_sheet);  /* {id} = person, ?year= */
REVIEW_OP(review_member_rate);   /* {id} = person: {year, rating, note?} */

/* Every resident unit whose place lies in [lo, hi) and its year's result: fn(ctx, the unit's
 * place path, unit id, unit name, place name, below) where below = evaluated and under the
 * threshold (lost its 优胜 eligibility). Used by the dashboard; a non-zero return stops. */
int review_units_each(struct db *db, const char *lo, const char *hi, int year,
                      int (*fn)(void *ctx, const char *path, int64_t id, const char *name,
                                const char *place, bool below),
                      void *ctx, struct xf_err *err);

/* The unit-evaluation threshold (meta review.unit_threshold, default 80): 0–100. */
int review_unit_threshold(struct db *db);
int review_unit_threshold_set(struct db *db, int n, struct xf_err *err);

/* The demo city's year of standards, ratings, evaluations, a campaign and member reviews. */
int review_demo(struct db *db, bool city, int64_t now, struct xf_err *err);

#endif
