/* Delegates and 书记工程. The 党代表工作室 with its 5–7 stationed delegates (registry
 * positions), their visits and receptions, the half-yearly 述职评议 (report, then scores),
 * 询问质询 and the cases addressed to the studio; and the secretary's project: 任务清单、
 * 责任清单、问题清单 per level with follow-ups, rolled up so a place sees its own items and
 * the open/overdue/done counts of every level below; 党建联席会议 and 领导小组 meetings whose
 * decisions become duty items; 挂点领导 as 指导员; the 负面清单 of red lines with violations;
 * quarterly 现场观摩会 whose findings become duty items (现场看、当场办、盯着干).
 *
 * Every operation takes the caller, a checked JSON body or query (or NULL), the object id
 * (0 if none) and the time, and answers JSON (src/auth/actor.h). Writers run in a write job. */
#ifndef XF_DUTY_H
#define XF_DUTY_H

#include "../auth/actor.h"
#include "../store/db.h"
#include <jansson.h>
#include <stdbool.h>

#define DUTY_OP(name)                                                                              \
	int name(struct db *db, const struct actor *a, json_t *body, int64_t id, int64_t now,      \
	         json_t **out, struct xf_err *err)

/* Delegates and studios */
DUTY_OP(duty_delegates_list); /* staff: delegates in their area; a delegate: themselves */
DUTY_OP(duty_studio_get);     /* delegates, visits, reviews, inquiries, cases */
DUTY_OP(duty_visit_create);   /* a visit or reception, by the delegate or staff */
DUTY_OP(duty_review_report);  /* the delegate's half-yearly report */
DUTY_OP(duty_review_score);   /* staff score it once: 0–100 → grade */
DUTY_OP(duty_inquiry_create); /* 询问质询, by the delegate or staff on their behalf */
DUTY_OP(duty_inquiry_answer); /* the department's answer, recorded by staff */

/* Duty lists and their roll-up */
DUTY_OP(duty_items_list); /* {place, items (its own), levels below with counts, children} */
DUTY_OP(duty_item_get);
DUTY_OP(duty_item_create);
DUTY_OP(duty_item_follow_up); /* a note; done:true closes the item */

/* Joint meetings, site reviews, 挂点领导 */
DUTY_OP(duty_meetings_list);
DUTY_OP(duty_meeting_create); /* with its decisions (each a 任务清单 item) */
DUTY_OP(duty_meeting_get);
DUTY_OP(duty_site_reviews_list);
DUTY_OP(duty_site_review_create); /* with its findings (each a 问题清单 item) */
DUTY_OP(duty_site_review_get);
DUTY_OP(duty_instructors_list);
DUTY_OP(duty_instructor_create);
DUTY_OP(duty_instructor_end);

/* Red lines (负面清单) and violations */
DUTY_OP(duty_red_lines_list);
DUTY_OP(duty_red_line_create);
DUTY_OP(duty_red_line_update);
DUTY_OP(duty_violations_list);
DUTY_OP(duty_violation_create);
DUTY_OP(duty_violation_handle);

/* The demo city's year of delegates and 书记工程. */
int duty_demo(struct db *db, bool city, int64_t now, struct xf_err *err);

#endif
