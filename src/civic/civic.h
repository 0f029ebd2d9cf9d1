/* 一核多元, part B: building conventions (楼栋自治公约) with versions and residents'
 * sign-on, 楼栋自治联盟 for old estates with no property company, duty rotas (卫生值日)
 * reminded through the outbox, 公益创投 calls with applications, review scores and funding
 * decisions (an expenditure request on the call's fund), 三方联动 joint meetings with
 * commitments, follow-up and residents' ratings of the property company (交叉任职 derived
 * from positions), social-organisation incubators at four levels with their organisations,
 * services and volunteers, 三社联动 links, and notices with read counts (never scored).
 *
 * Operations in the style of src/auth/actor.h; writers run inside a store write job. */
#ifndef XF_CIVIC_H
#define XF_CIVIC_H

#include "../auth/actor.h"
#include <stdbool.h>

#define CIVIC_OP(name)                                                                             \
	int name(struct db *db, const struct actor *a, json_t *body, int64_t id, int64_t now,      \
	         json_t **out, struct xf_err *err)

/* Conventions, alliances, rotas */
CIVIC_OP(civic_conventions_list);   /* ?place= (staff) or the resident's own places */
CIVIC_OP(civic_convention_create);  /* {place_id, title, text, alliance_id?, meeting_id?} */
CIVIC_OP(civic_convention_get);     /* versions, signatures of the version in force */
CIVIC_OP(civic_convention_version); /* {text, note?, meeting_id?}: a new version to sign */
CIVIC_OP(civic_convention_sign);    /* {person_id?}: self, or staff on a resident's word */
CIVIC_OP(civic_alliances_list);     /* ?place= */
CIVIC_OP(civic_alliance_create);    /* {place_id, name, charter?, buildings:[{building_id,
                                       head_id?}]}: refused where a property company serves */
CIVIC_OP(civic_rotas_list);         /* ?place= (staff) or the resident's own */
CIVIC_OP(civic_rota_create); /* {place_id, title, task?, period_days, starts_at, members:[id]} */
CIVIC_OP(civic_rota_get);    /* the next turns */

/* 公益创投 */
CIVIC_OP(civic_ventures_list);
CIVIC_OP(civic_venture_create); /* {place_id, title, description?, budget_fen, closes_at,
                                   fund_id?, category?} */
CIVIC_OP(civic_venture_get);
CIVIC_OP(civic_venture_apply);    /* {group_name, title, plan, amount_fen, org_id?, contact_id?} */
CIVIC_OP(civic_venture_review);   /* {score, note?}: after the call closes */
CIVIC_OP(civic_venture_decide);   /* {fund, granted_fen?, note?} */
CIVIC_OP(civic_venture_progress); /* {progress, note} */

/* 三方联动 */
CIVIC_OP(civic_tri_list);
CIVIC_OP(
    civic_tri_create);   /* {place_id, title, held_at, agenda?, minutes?, org_ids, meeting_id?} */
CIVIC_OP(civic_tri_get); /* parties, 交叉任职, commitments */
CIVIC_OP(civic_tri_commit);      /* {org_id, title, due_at, owner_id?} */
CIVIC_OP(civic_tri_commitments); /* ?place=&status=open|overdue|done */
CIVIC_OP(civic_tri_followup);    /* {note, done?} */
CIVIC_OP(civic_ratings_list);    /* ?place=&year= */
CIVIC_OP(civic_rating_put);      /* {org_id, score, comment?} */

/* Social organisations */
CIVIC_OP(civic_incubators_list);
CIVIC_OP(civic_incubator_create); /* {place_id, name, address?} */
CIVIC_OP(civic_incubator_get);
CIVIC_OP(civic_incubation_add);      /* {org_id? | name, category} on the incubator */
CIVIC_OP(civic_incubation_graduate); /* {} */
CIVIC_OP(civic_org_service_add);     /* {title, served?, held_at?} on a social organisation */
CIVIC_OP(civic_org_volunteer_add);   /* {person_id} */
CIVIC_OP(civic_sansha_list);         /* ?place= */
CIVIC_OP(civic_sansha_create); /* {subject: case|venture, subject_id, org_id, worker_id, note?} */

/* Notices */
CIVIC_OP(civic_notices_list);
CIVIC_OP(civic_notice_create); /* {place_id, kind, audience, title, body} */
CIVIC_OP(civic_notice_get);
CIVIC_OP(civic_notice_read); /* {} */

/* Scheduled: a reminder to whoever is on duty (once per turn, through the outbox) and to
 * the owner of a commitment past its deadline (once). */
int civic_tick(struct db *db, int64_t now, int *reminded, struct xf_err *err);

/* The demo city's year of conventions, rotas, ventures, joint meetings, incubators and
 * notices. */
int civic_demo(struct db *db, bool city, int64_t now, struct xf_err *err);

#endif
