/* 重心下移: resources moved down to the community. Special funds spent under published rules
 * (money in integer fen; the rules are data: allowed and forbidden categories, a cap per
 * request, who approves, when a second approval is needed), with an approval chain, vouchers,
 * what each expenditure did (好事实事), a public disclosure page and budget against actual at
 * every level; the 党群服务中心 with its rooms, upgrade projects and the 六有 checklist;
 * venues and bookings without double booking, even when requests race; and community cadres
 * with certificates, pay (shown only to roles that need it), training and careers.
 *
 * Operations in the style of src/auth/actor.h; writers run inside a store write job. */
#ifndef XF_FUNDS_H
#define XF_FUNDS_H

#include "../auth/actor.h"
#include <stdbool.h>

#define FUNDS_OP(name)                                                                             \
	int name(struct db *db, const struct actor *a, json_t *body, int64_t id, int64_t now,      \
	         json_t **out, struct xf_err *err)

/* Rules and funds */
FUNDS_OP(funds_rulesets_list);
FUNDS_OP(funds_ruleset_create); /* {name, text?, items:[{category,name,allowed,cap_fen?,
                                   approver_role?, second_fen?, second_role?}]} */
FUNDS_OP(funds_list);           /* ?place=&year= */
FUNDS_OP(funds_create);         /* {place_id, org_id?, year, kind, name, budget_fen, ruleset_id} */
FUNDS_OP(funds_get);            /* budget, spent by category, remaining */

/* Publish a rule set given as {"name", "text"?, "items"} unless one of that name exists
 * (for the configuration file: applying it again changes nothing). */
int funds_rules_publish(struct db *db, json_t *ruleset, int64_t now, struct xf_err *err);

/* Expenditures */
FUNDS_OP(funds_expenditures_list);  /* ?fund_id=&status= */
FUNDS_OP(funds_expenditure_create); /* {fund_id, category, title, amount_fen, outcome?, deeds?} */
FUNDS_OP(funds_expenditure_get);
FUNDS_OP(funds_expenditure_approve); /* {note?} */
FUNDS_OP(funds_expenditure_reject);  /* {note} */
FUNDS_OP(funds_expenditure_pay);     /* {} */
/* Attach a voucher: the bytes are in body as {"mime", "data"} prepared by the API layer. */
int funds_voucher_add(struct db *db, const struct actor *a, int64_t expenditure, const char *mime,
                      const void *bytes, size_t n, int64_t now, int *count, struct xf_err *err);
int funds_voucher_allowed(struct db *db, const struct actor *a, int64_t expenditure,
                          struct xf_err *err);

/* 公示 (public: no names of who asked or approved) and budget against actual. */
FUNDS_OP(funds_disclosure); /* ?place=&year= */
FUNDS_OP(funds_report);     /* ?place=&year=: the place and each child, by category */

/* Centres */
FUNDS_OP(centres_list);           /* ?place= */
FUNDS_OP(centres_get);            /* rooms, projects, area */
FUNDS_OP(centres_create);         /* {place_id, name, address?, fitout?} */
FUNDS_OP(centres_project_create); /* {kind, title, area_cm2?, fund_id?, budget_fen?} on {id} */
FUNDS_OP(centres_project_done);   /* {id} = project */
FUNDS_OP(centres_liuyou_put);     /* {org_id, items:[{item, ok, evidence?}]} */
FUNDS_OP(centres_liuyou_get);     /* ?org_id= */

/* Venues and bookings */
FUNDS_OP(venues_list);      /* ?place= */
FUNDS_OP(venues_create);    /* {place_id, centre_id?, org_id?, name, kind?, capacity, area_cm2?,
                               opens_min, closes_min, needs_approval?} */
FUNDS_OP(bookings_list);    /* ?venue_id=&from=&to= */
FUNDS_OP(bookings_create);  /* {venue_id, starts_at, ends_at, purpose, people, org_id?} */
FUNDS_OP(bookings_approve); /* {} */
FUNDS_OP(bookings_reject);  /* {note?} */
FUNDS_OP(bookings_cancel);  /* {} */
FUNDS_OP(bookings_code);    /* the booker's arrival QR */
FUNDS_OP(bookings_arrive);  /* {code}: staff at the venue confirm */

/* Community cadres */
FUNDS_OP(cadres_list);   /* ?place= : pay and its comparison only with cadres.pay */
FUNDS_OP(cadres_create); /* {person_id, place_id, title, hired_at?, pay_fen?} */
FUNDS_OP(cadres_get);
FUNDS_OP(cadres_certificate_add); /* {kind, name, obtained_at} */
FUNDS_OP(cadres_event_add);       /* {kind, title, hours?, at} */
FUNDS_OP(cadres_report);          /* ?place=: pay against the local average, subsidies */

/* The demo city's year of funds, centres, venues, bookings and cadres. */
int funds_demo(struct db *db, bool city, int64_t now, struct xf_err *err);

#endif
