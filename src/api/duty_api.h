/* Delegates and 书记工程 over HTTP (duty_api.c): handlers and body shapes for the rows in
 * routes.c. */
#ifndef XF_DUTY_API_H
#define XF_DUTY_API_H

#include "api.h"

int api_delegates_list(struct req *r);
int api_studio_get(struct req *r);
int api_studio_visit(struct req *r);
int api_studio_review(struct req *r);
int api_studio_inquiry(struct req *r);
int api_delegate_review_score(struct req *r);
int api_delegate_inquiry_answer(struct req *r);
int api_duty_items_list(struct req *r);
int api_duty_item_get(struct req *r);
int api_duty_item_create(struct req *r);
int api_duty_item_follow_up(struct req *r);
int api_joint_meetings_list(struct req *r);
int api_joint_meeting_get(struct req *r);
int api_joint_meeting_create(struct req *r);
int api_site_reviews_list(struct req *r);
int api_site_review_get(struct req *r);
int api_site_review_create(struct req *r);
int api_instructors_list(struct req *r);
int api_instructor_create(struct req *r);
int api_instructor_end(struct req *r);
int api_red_lines_list(struct req *r);
int api_red_line_create(struct req *r);
int api_red_line_update(struct req *r);
int api_violations_list(struct req *r);
int api_violation_create(struct req *r);
int api_violation_handle(struct req *r);

extern const struct jv_field api_visit_body[], api_report_body[], api_inquiry_body[],
    api_score_body[], api_answer_body[], api_duty_item_body[], api_follow_up_body[],
    api_meeting_body[], api_site_review_body[], api_instructor_body[], api_red_line_body[],
    api_red_line_patch_body[], api_violation_body[], api_handle_body[], api_duty_empty_body[];

#endif
