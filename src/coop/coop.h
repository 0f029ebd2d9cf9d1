/* 双报到 and co-building (党员共管, 服务共联, 资源共享): members report to their home community
 * and units to their street; service posts claimed under the negative list; micro-wishes
 * from a resident's order to the resident's rating; activities with sign-up, a waiting list,
 * signed arrival codes and the organiser's confirmed roster (the only verified hours); the
 * yearly 共建协议 with its three lists claimed from either side; and matches between needs
 * and residents or resources. Verified outcomes go to the points ledger's rules.
 *
 * Every operation takes the caller, a checked JSON body (or NULL), the object id (0 if
 * none) and the time, and answers JSON. Writers run inside a store write job. */
#ifndef XF_COOP_H
#define XF_COOP_H

#include "../auth/actor.h"
#include "../store/db.h"
#include <jansson.h>
#include <stdbool.h>

/* 报到 */
int coop_registration_create(struct db *, const struct actor *, json_t *, int64_t, int64_t,
                             json_t **, struct xf_err *);
int coop_registrations_list(struct db *, const struct actor *, json_t *, int64_t, int64_t,
                            json_t **, struct xf_err *);
int coop_registration_approve(struct db *, const struct actor *, json_t *, int64_t, int64_t,
                              json_t **, struct xf_err *);
int coop_registration_reject(struct db *, const struct actor *, json_t *, int64_t, int64_t,
                             json_t **, struct xf_err *);
/* body: {"org_id", "year", "quarter"?}: the employer branch's report on its members. */
int coop_service_report(struct db *, const struct actor *, json_t *, int64_t, int64_t, json_t **,
                        struct xf_err *);

/* Service posts and the negative list */
int coop_negative_list(struct db *, const struct actor *, json_t *, int64_t, int64_t, json_t **,
                       struct xf_err *);
int coop_posts_list(struct db *, const struct actor *, json_t *, int64_t, int64_t, json_t **,
                    struct xf_err *);
int coop_post_create(struct db *, const struct actor *, json_t *, int64_t, int64_t, json_t **,
                     struct xf_err *);
int coop_post_claim(struct db *, const struct actor *, json_t *, int64_t, int64_t, json_t **,
                    struct xf_err *);

/* Micro-wishes */
int coop_wish_create(struct db *, const struct actor *, json_t *, int64_t, int64_t, json_t **,
                     struct xf_err *);
int coop_wishes_list(struct db *, const struct actor *, json_t *, int64_t, int64_t, json_t **,
                     struct xf_err *);
int coop_wish_get(struct db *, const struct actor *, json_t *, int64_t, int64_t, json_t **,
                  struct xf_err *);
int coop_wish_review(struct db *, const struct actor *, json_t *, int64_t, int64_t, json_t **,
                     struct xf_err *);
int coop_wish_claim(struct db *, const struct actor *, json_t *, int64_t, int64_t, json_t **,
                    struct xf_err *);
int coop_wish_fulfil(struct db *, const struct actor *, json_t *, int64_t, int64_t, json_t **,
                     struct xf_err *);
int coop_wish_confirm(struct db *, const struct actor *, json_t *, int64_t, int64_t, json_t **,
                      struct xf_err *);

/* Activities */
int coop_activity_create(struct db *, const struct actor *, json_t *, int64_t, int64_t, json_t **,
                         struct xf_err *);
int coop_activities_list(struct db *, const struct actor *, json_t *, int64_t, int64_t, json_t **,
                         struct xf_err *);
int coop_activity_get(struct db *, const struct actor *, json_t *, int64_t, int64_t, json_t **,
                      struct xf_err *);
int coop_activity_signup(struct db *, const struct actor *, json_t *, int64_t, int64_t, json_t **,
                         struct xf_err *);
int coop_activity_cancel(struct db *, const struct actor *, json_t *, int64_t, int64_t, json_t **,
                         struct xf_err *);
/* The organiser's current arrival code (changes every 5 minutes; the previous one is still
 * accepted), as text and as a QR code. */
int coop_activity_code(struct db *, const struct actor *, json_t *, int64_t, int64_t, json_t **,
                       struct xf_err *);
int coop_activity_arrive(struct db *, const struct actor *, json_t *, int64_t, int64_t, json_t **,
                         struct xf_err *);
int coop_activity_confirm(struct db *, const struct actor *, json_t *, int64_t, int64_t, json_t **,
                          struct xf_err *);
/* Volunteers and their verified hours per place. */
int coop_volunteer_report(struct db *, const struct actor *, json_t *, int64_t, int64_t, json_t **,
                          struct xf_err *);

/* Agreements, the three lists, matching */
int coop_agreement_create(struct db *, const struct actor *, json_t *, int64_t, int64_t, json_t **,
                          struct xf_err *);
int coop_agreements_list(struct db *, const struct actor *, json_t *, int64_t, int64_t, json_t **,
                         struct xf_err *);
int coop_agreement_get(struct db *, const struct actor *, json_t *, int64_t, int64_t, json_t **,
                       struct xf_err *);
int coop_agreement_sign(struct db *, const struct actor *, json_t *, int64_t, int64_t, json_t **,
                        struct xf_err *);
int coop_item_create(struct db *, const struct actor *, json_t *, int64_t, int64_t, json_t **,
                     struct xf_err *);
int coop_item_claim(struct db *, const struct actor *, json_t *, int64_t, int64_t, json_t **,
                    struct xf_err *);
int coop_item_progress(struct db *, const struct actor *, json_t *, int64_t, int64_t, json_t **,
                       struct xf_err *);
int coop_matches_run(struct db *, const struct actor *, json_t *, int64_t, int64_t, json_t **,
                     struct xf_err *);
int coop_matches_list(struct db *, const struct actor *, json_t *, int64_t, int64_t, json_t **,
                      struct xf_err *);
int coop_match_forward(struct db *, const struct actor *, json_t *, int64_t, int64_t, json_t **,
                       struct xf_err *);
int coop_match_hire(struct db *, const struct actor *, json_t *, int64_t, int64_t, json_t **,
                    struct xf_err *);
int coop_match_decline(struct db *, const struct actor *, json_t *, int64_t, int64_t, json_t **,
                       struct xf_err *);
int coop_person_tags(struct db *, const struct actor *, json_t *, int64_t, int64_t, json_t **,
                     struct xf_err *);

/* The yearly minimum of activities an in-service member attends (meta coop.min_activities,
 * default 4): 1–100, else out_of_range. */
int coop_min_activities_set(struct db *db, int n, struct xf_err *err);

/* Scheduled: the monthly 社区工作日 for every community (idempotent), reminders for wishes
 * near their deadline, promotion from waiting lists is done at cancel time. */
int coop_tick(struct db *db, int64_t now, int *created, int *reminded, struct xf_err *err);

/* The demo city's year of co-building. */
int coop_demo(struct db *db, bool city, int64_t now, struct xf_err *err);

#endif
