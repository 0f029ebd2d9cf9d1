/* 一核多元 议事和表决: 民事民提 (proposals for a place, with photos and comments), 民事民议
 * (议事会, 听证会, 协调会, 评议会 with agenda, invitees, attendance, minutes and decisions),
 * 民事民决 (votes on a roll taken from the registry: one person one vote, one household one
 * vote, or the owners' double majority of Civil Code art. 278; open or secret ballots;
 * paper ballots entered by staff and counted once a second account confirms; the result is
 * computed at close, never typed) and 民事民评 (milestones of a decision's implementation,
 * residents' public evaluations).
 *
 * Operations in the style of src/auth/actor.h; writers run inside a store write job. */
#ifndef XF_GOV_H
#define XF_GOV_H

#include "../auth/actor.h"
#include "../core/buf.h"
#include <stdbool.h>

#define GOV_OP(name)                                                                               \
	int name(struct db *db, const struct actor *a, json_t *body, int64_t id, int64_t now,      \
	         json_t **out, struct xf_err *err)

#define GOV_MAX_PHOTOS 6

/* 民事民提 */
GOV_OP(gov_proposals_list);   /* ?status=&place= : what the caller may see, newest first */
GOV_OP(gov_proposal_create);  /* {place_id, title, description, source?, org_id?} */
GOV_OP(gov_proposal_get);     /* with comments, meetings, votes and decisions */
GOV_OP(gov_proposal_comment); /* {body} */
GOV_OP(gov_proposal_decline); /* {reply}: not taken up, with the reason */
/* Photos: the caller must be the author or hold gov.manage; bytes already cleaned. */
int gov_photo_allowed(struct db *db, const struct actor *a, int64_t proposal, struct xf_err *err);
int gov_photo_add(struct db *db, const struct actor *a, int64_t proposal, const char *mime,
                  const void *bytes, size_t n, int64_t now, int *number, struct xf_err *err);
int gov_photo_get(struct db *db, const struct actor *a, int64_t proposal, int n, char mime[32],
                  struct buf *out, struct xf_err *err);

/* 民事民议 */
GOV_OP(gov_meetings_list);  /* ?status=&place=&kind= */
GOV_OP(gov_meeting_create); /* {place_id, kind, title, agenda, starts_at, location?,
                               proposal_id?, invitees:[{name, capacity?}]} */
GOV_OP(gov_meeting_get);
GOV_OP(gov_meeting_attendance); /* {present:[invitee ids]} */
GOV_OP(gov_meeting_minutes);    /* {minutes, decisions:[{text, to_vote?}]} */

/* 民事民评 */
GOV_OP(gov_decisions_list);    /* ?status=&place= */
GOV_OP(gov_decision_get);      /* milestones, evaluations and their summary */
GOV_OP(gov_milestone_create);  /* {title, due_at} on a decision */
GOV_OP(gov_milestone_done);    /* {note?} */
GOV_OP(gov_decision_complete); /* {} once every milestone is done */
GOV_OP(gov_decision_evaluate); /* {rating: satisfied|basic|unsatisfied, comment?} */

/* 民事民决 */
GOV_OP(gov_votes_list);    /* ?status=&place= */
GOV_OP(gov_vote_create);   /* {place_id, title, description?, kind, rule, item?, threshold?,
                              quorum_pct?, secret?, seats?, candidates?, opens_at, closes_at,
                              proposal_id?, decision_id?} */
GOV_OP(gov_vote_get);      /* the caller's standing; the result when closed (and live for
                              open ballots) */
GOV_OP(gov_vote_cast);     /* {options:[option ids]} by an eligible person */
GOV_OP(gov_vote_roll);     /* ?q= : staff entering paper ballots */
GOV_OP(gov_paper_list);    /* pending paper ballots of a vote */
GOV_OP(gov_paper_enter);   /* {person_id, options} on a vote */
GOV_OP(gov_paper_confirm); /* {} by another account */
GOV_OP(gov_paper_reject);  /* {} */
GOV_OP(gov_vote_close);    /* {}: after the window; computes and stores the result */
/* Is this vote secret? (The API refuses an Idempotency-Key on a secret ballot: the stored
 * request hash would tie the voter to the choice.) */
int gov_vote_secret(struct db *db, int64_t vote, bool *secret, struct xf_err *err);

/* The demo city's year of proposals, meetings, votes, milestones and evaluations. */
int gov_demo(struct db *db, bool city, int64_t now, struct xf_err *err);

/* Shared between gov.c and votes.c. */
bool gov_can_see(struct db *db, const struct actor *a, int64_t place);
int gov_need_see(struct db *db, const struct actor *a, int64_t place, struct xf_err *err);
void gov_author(struct db *db, const struct actor *a, char *out, size_t n);

#endif
