/* Handlers, one group per file; routes.c puts them in the one table. */
#ifndef XF_API_H
#define XF_API_H

#include "../auth/actor.h"
#include "../http/http.h"

/* core_api.c */
int api_healthz(struct req *r);
int api_openapi(struct req *r);
int api_system_status(struct req *r);
int api_test_clock(struct req *r);
/* metrics_api.c */
int api_metrics(struct req *r);
extern const struct jv_field api_test_clock_body[];

/* session_api.c */
int api_session_create(struct req *r);
int api_session_delete(struct req *r);
int api_sms_code(struct req *r);
int api_me(struct req *r);
int api_me_preferences(struct req *r);
int api_me_sessions(struct req *r);
int api_me_session_revoke(struct req *r);
int api_session_grant(struct req *r);
int api_me_totp_begin(struct req *r);
int api_me_totp_confirm(struct req *r);
int api_me_password(struct req *r);
extern const struct jv_field api_session_body[];
extern const struct jv_field api_sms_code_body[];
extern const struct jv_field api_preferences_body[];
extern const struct jv_field api_grant_body[];
extern const struct jv_field api_totp_confirm_body[];
extern const struct jv_field api_password_body[];

/* identity_api.c */
int api_roles(struct req *r);
int api_person_get(struct req *r);
int api_person_reveal(struct req *r);
int api_users_list(struct req *r);
int api_user_create(struct req *r);
int api_user_update(struct req *r);
int api_grant_add(struct req *r);
int api_grant_delete(struct req *r);
int api_user_reset_password(struct req *r);
int api_user_sessions(struct req *r);
int api_user_grants(struct req *r);
int api_user_reset_totp(struct req *r);
int api_user_sessions_revoke(struct req *r);
int api_tokens_list(struct req *r);
int api_token_create(struct req *r);
int api_token_revoke(struct req *r);
int api_audit_list(struct req *r);
extern const struct jv_field api_reveal_body[];
extern const struct jv_field api_user_create_body[];
extern const struct jv_field api_user_update_body[];
extern const struct jv_field api_grant_add_body[];
extern const struct jv_field api_token_body[];

/* registry_api.c */
/* Paging shared by every list: ?limit= (clamped) and ?cursor=, and {"items","next"}. */
int api_paging(struct req *r, int *limit, int64_t *cursor);
json_t *api_page(json_t *items, int64_t next);
/* ?place=: a place's id (a positive integer, else validation_failed on "place"); fallback
 * when absent. */
int api_place_param(struct req *r, int64_t fallback, int64_t *place);
/* A page written with struct jw, as api_page gives it: begin opens {"items": and leaves the
 * array to the caller; end adds "next" (the cursor as a string, or null) and answers 200. */
struct jw;
void api_page_begin(struct buf *b, struct jw *w);
void api_page_end(struct req *r, struct buf *b, struct jw *w, int64_t next);
int api_place_get(struct req *r);
int api_place_children(struct req *r);
int api_places_search(struct req *r);
int api_place_lines(struct req *r);
int api_place_building(struct req *r);
int api_org_get(struct req *r);
int api_people_list(struct req *r);
int api_coverage(struct req *r);
int api_coverage_items(struct req *r);
int api_campaigns_list(struct req *r);
int api_campaign_create(struct req *r);
extern const struct jv_field api_campaign_body[];
int api_studios(struct req *r);
int api_org_create(struct req *r);
extern const struct jv_field api_org_body[];
int api_position_create(struct req *r);
extern const struct jv_field api_position_body[];
int api_position_end(struct req *r);
extern const struct jv_field api_position_end_body[];

/* cases_api.c */
int api_case_categories(struct req *r);
int api_case_category_put(struct req *r);
extern const struct jv_field api_case_category_body[];
int api_case_tier_put(struct req *r);
extern const struct jv_field api_case_tier_body[];
int api_case_settings_get(struct req *r);
int api_case_settings_put(struct req *r);
extern const struct jv_field api_case_settings_body[];
int api_case_create(struct req *r);
extern const struct jv_field api_case_body[];
int api_case_batch(struct req *r);
extern const struct jv_field api_case_batch_body[];
int api_case_list(struct req *r);
int api_case_get(struct req *r);
int api_case_action(struct req *r);
extern const struct jv_field api_case_accept_body[], api_case_assign_body[], api_case_reply_body[],
    api_case_return_body[], api_case_rate_body[], api_case_reopen_body[], api_case_escalate_body[],
    api_case_supervise_body[], api_case_followup_body[], api_case_publish_body[];
int api_case_report(struct req *r);
int api_case_photo_add(struct req *r);
int api_case_photo_get(struct req *r);

/* open311_api.c */
int api_open311_discovery(struct req *r);
int api_open311_services(struct req *r);
int api_open311_service(struct req *r);
int api_open311_requests(struct req *r);
int api_open311_request(struct req *r);
int api_open311_token(struct req *r);
int api_open311_request_create(struct req *r);
void api_open311_error(struct req *r);
void api_cases_schedule(struct app *app);

/* ?format=xlsx|csv: items (consumed) as a spreadsheet with these columns, masked as on
 * screen and audited; keys ending in _fen are shown as yuan, in _at as Beijing time. */
int api_export_items(struct req *r, const char *name, json_t *items, const char *const *keys,
                     const char *const *labels, size_t ncols);

/* ops.c: run an operation on a reader (query as JSON) or inside a write job (body). */
int api_op_read(struct req *r, actor_op op);
int api_op_write(struct req *r, actor_op op);
/* A list or report op that also answers ?format=xlsx|csv with these columns. */
int api_op_export(struct req *r, actor_op op, const char *name, const char *const *keys,
                  const char *const *labels, size_t ncols);

/* coop_api.c */
int api_registrations_list(struct req *r);
int api_registration_create(struct req *r);
int api_registration_approve(struct req *r);
int api_registration_reject(struct req *r);
int api_service_report(struct req *r);
int api_negative_list(struct req *r);
int api_posts_list(struct req *r);
int api_post_create(struct req *r);
int api_post_claim(struct req *r);
int api_wishes_list(struct req *r);
int api_wish_get(struct req *r);
int api_wish_create(struct req *r);
int api_wish_review(struct req *r);
int api_wish_claim(struct req *r);
int api_wish_fulfil(struct req *r);
int api_wish_confirm(struct req *r);
int api_activities_list(struct req *r);
int api_activity_get(struct req *r);
int api_activity_code(struct req *r);
int api_volunteer_report(struct req *r);
int api_activity_create(struct req *r);
int api_activity_signup(struct req *r);
int api_activity_cancel(struct req *r);
int api_activity_arrive(struct req *r);
int api_activity_confirm(struct req *r);
int api_agreements_list(struct req *r);
int api_agreement_get(struct req *r);
int api_agreement_create(struct req *r);
int api_agreement_sign(struct req *r);
int api_item_create(struct req *r);
int api_item_claim(struct req *r);
int api_item_progress(struct req *r);
int api_matches_list(struct req *r);
int api_matches_run(struct req *r);
int api_match_forward(struct req *r);
int api_match_hire(struct req *r);
int api_match_decline(struct req *r);
int api_person_tags(struct req *r);
extern const struct jv_field api_registration_body[], api_decision_body[], api_post_body[],
    api_post_claim_body[], api_wish_body[], api_wish_review_body[], api_wish_claim_body[],
    api_wish_fulfil_body[], api_wish_confirm_body[], api_activity_body[], api_empty_body[],
    api_arrive_body[], api_roster_body[], api_agreement_body[], api_item_body[],
    api_item_claim_body[], api_item_progress_body[], api_matches_run_body[], api_tags_body[];
void api_coop_schedule(struct app *app);

/* funds_api.c */
int api_fund_rules_list(struct req *r);
int api_fund_rules_create(struct req *r);
int api_funds_list(struct req *r);
int api_funds_create(struct req *r);
int api_funds_get(struct req *r);
int api_expenditures_list(struct req *r);
int api_expenditure_create(struct req *r);
int api_expenditure_get(struct req *r);
int api_expenditure_approve(struct req *r);
int api_expenditure_reject(struct req *r);
int api_expenditure_pay(struct req *r);
int api_funds_disclosure(struct req *r);
int api_funds_report(struct req *r);
int api_centres_list(struct req *r);
int api_centres_create(struct req *r);
int api_centres_get(struct req *r);
int api_centre_project_create(struct req *r);
int api_centre_project_done(struct req *r);
int api_liuyou_get(struct req *r);
int api_liuyou_put(struct req *r);
int api_venues_list(struct req *r);
int api_venues_create(struct req *r);
int api_bookings_list(struct req *r);
int api_bookings_create(struct req *r);
int api_booking_approve(struct req *r);
int api_booking_reject(struct req *r);
int api_booking_cancel(struct req *r);
int api_booking_code(struct req *r);
int api_booking_arrive(struct req *r);
int api_cadres_list(struct req *r);
int api_cadres_create(struct req *r);
int api_cadres_get(struct req *r);
int api_cadre_certificate_add(struct req *r);
int api_cadre_event_add(struct req *r);
int api_cadres_report(struct req *r);
int api_voucher_add(struct req *r);
extern const struct jv_field api_fund_rules_body[], api_fund_body[], api_expenditure_body[],
    api_note_body[], api_centre_body[], api_centre_project_body[], api_liuyou_body[],
    api_venue_body[], api_booking_body[], api_code_body[], api_cadre_body[], api_certificate_body[],
    api_cadre_event_body[];

/* gov_api.c */
int api_gov_proposals_list(struct req *r);
int api_gov_proposal_create(struct req *r);
int api_gov_proposal_get(struct req *r);
int api_gov_proposal_comment(struct req *r);
int api_gov_proposal_decline(struct req *r);
int api_gov_photo_add(struct req *r);
int api_gov_photo_get(struct req *r);
int api_gov_meetings_list(struct req *r);
int api_gov_meeting_create(struct req *r);
int api_gov_meeting_get(struct req *r);
int api_gov_meeting_attendance(struct req *r);
int api_gov_meeting_minutes(struct req *r);
int api_gov_decisions_list(struct req *r);
int api_gov_decision_get(struct req *r);
int api_gov_milestone_create(struct req *r);
int api_gov_milestone_done(struct req *r);
int api_gov_decision_complete(struct req *r);
int api_gov_decision_evaluate(struct req *r);
int api_gov_votes_list(struct req *r);
int api_gov_vote_create(struct req *r);
int api_gov_vote_get(struct req *r);
int api_gov_vote_cast(struct req *r);
int api_gov_vote_roll(struct req *r);
int api_gov_paper_list(struct req *r);
int api_gov_paper_enter(struct req *r);
int api_gov_paper_confirm(struct req *r);
int api_gov_paper_reject(struct req *r);
int api_gov_vote_close(struct req *r);
extern const struct jv_field api_gov_proposal_body[], api_gov_comment_body[], api_gov_reply_body[],
    api_gov_meeting_body[], api_gov_attendance_body[], api_gov_minutes_body[],
    api_gov_milestone_body[], api_gov_note_body[], api_gov_evaluation_body[], api_gov_vote_body[],
    api_gov_cast_body[], api_gov_paper_body[];

/* review_api.c */
int api_review_branches_list(struct req *r);
int api_review_standards_list(struct req *r);
int api_review_standard_create(struct req *r);
int api_review_assessment_get(struct req *r);
int api_review_assessment_submit(struct req *r);
int api_review_assessment_review(struct req *r);
int api_review_ratings_list(struct req *r);
int api_review_rating_propose(struct req *r);
int api_review_rating_approve(struct req *r);
int api_review_rating_reject(struct req *r);
int api_review_plans_list(struct req *r);
int api_review_plan_create(struct req *r);
int api_review_plan_followup(struct req *r);
int api_review_unit_results(struct req *r);
int api_review_unit_result(struct req *r);
int api_review_unit_evaluate(struct req *r);
int api_review_settings_get(struct req *r);
int api_review_settings_put(struct req *r);
int api_review_campaigns_list(struct req *r);
int api_review_campaign_create(struct req *r);
int api_review_campaign_get(struct req *r);
int api_review_campaign_result(struct req *r);
int api_review_member_sheets(struct req *r);
int api_review_member_sheet(struct req *r);
int api_review_member_rate(struct req *r);
extern const struct jv_field api_review_standard_body[], api_review_assessment_body[],
    api_review_score_body[], api_review_rating_body[], api_review_decision_body[],
    api_review_plan_body[], api_review_followup_body[], api_review_evaluation_body[],
    api_review_settings_body[], api_review_campaign_body[], api_review_campaign_result_body[],
    api_review_member_body[];

/* civic_api.c */
int api_conventions_list(struct req *r);
int api_convention_create(struct req *r);
int api_convention_get(struct req *r);
int api_convention_version(struct req *r);
int api_convention_sign(struct req *r);
int api_alliances_list(struct req *r);
int api_alliance_create(struct req *r);
int api_rotas_list(struct req *r);
int api_rota_create(struct req *r);
int api_rota_get(struct req *r);
int api_ventures_list(struct req *r);
int api_venture_create(struct req *r);
int api_venture_get(struct req *r);
int api_venture_apply(struct req *r);
int api_venture_review(struct req *r);
int api_venture_decide(struct req *r);
int api_venture_progress(struct req *r);
int api_tri_list(struct req *r);
int api_tri_create(struct req *r);
int api_tri_get(struct req *r);
int api_tri_commit(struct req *r);
int api_tri_commitments(struct req *r);
int api_tri_followup(struct req *r);
int api_ratings_list(struct req *r);
int api_rating_put(struct req *r);
int api_incubators_list(struct req *r);
int api_incubator_create(struct req *r);
int api_incubator_get(struct req *r);
int api_incubation_add(struct req *r);
int api_incubation_graduate(struct req *r);
int api_org_service_add(struct req *r);
int api_org_volunteer_add(struct req *r);
int api_sansha_list(struct req *r);
int api_sansha_create(struct req *r);
int api_notices_list(struct req *r);
int api_notice_create(struct req *r);
int api_notice_get(struct req *r);
int api_notice_read(struct req *r);
extern const struct jv_field api_convention_body[], api_convention_version_body[],
    api_convention_sign_body[], api_alliance_body[], api_rota_body[], api_venture_body[],
    api_venture_apply_body[], api_venture_review_body[], api_venture_decide_body[],
    api_venture_progress_body[], api_tri_body[], api_tri_commit_body[], api_tri_followup_body[],
    api_rating_body[], api_incubator_body[], api_incubation_body[], api_org_service_body[],
    api_org_volunteer_body[], api_sansha_body[], api_notice_body[];
void api_civic_schedule(struct app *app);

/* import_api.c */
int api_import(struct req *r);
int api_import_template(struct req *r);

/* points_api.c */
int api_points_transfers(struct req *r);
int api_points_accounts(struct req *r);
int api_points_account(struct req *r);
int api_points_account_transfers(struct req *r);
int api_points_code_create(struct req *r);
int api_points_rules(struct req *r);
int api_points_rule_update(struct req *r);
int api_points_settings(struct req *r);
int api_points_awards_list(struct req *r);
int api_points_award_create(struct req *r);
int api_points_award_approve(struct req *r);
int api_points_award_reject(struct req *r);
int api_points_shops(struct req *r);
int api_points_shop_get(struct req *r);
int api_points_shop_create(struct req *r);
int api_points_shop_operator_add(struct req *r);
int api_points_item_create(struct req *r);
int api_points_item_update(struct req *r);
int api_points_redemption_create(struct req *r);
int api_points_redemption_get(struct req *r);
int api_points_redemption_confirm(struct req *r);
int api_points_redemption_cancel(struct req *r);
int api_points_shop_redemptions(struct req *r);
int api_points_issuers(struct req *r);
extern const struct jv_field api_points_transfers_body[];
extern const struct jv_field api_points_code_body[];
extern const struct jv_field api_points_rule_body[];
extern const struct jv_field api_points_settings_body[];
extern const struct jv_field api_points_award_body[];
extern const struct jv_field api_points_shop_body[];
extern const struct jv_field api_points_operator_body[];
extern const struct jv_field api_points_item_body[];
extern const struct jv_field api_points_item_patch_body[];
extern const struct jv_field api_points_redeem_body[];
/* The points ledger's scheduled work (pending transfers past their timeout). */
void api_points_schedule(struct app *app);

/* 数据驾驶舱 (src/api/dash_api.c): dashboards, the seed's figures, report packs. */
int api_dashboard(struct req *r);
int api_dashboard_records(struct req *r);
int api_dashboard_seed(struct req *r);
int api_pack_create(struct req *r);
int api_pack_get(struct req *r);
int api_pack_xlsx(struct req *r);
int api_pack_html(struct req *r);
extern const struct jv_field api_pack_body[];
/* The dashboard rollup and the report-pack worker. */
void api_dash_schedule(struct app *app);

/* When a rollup rebuilt every `every_s` seconds is first due at start-up: its last
 * computation (the `sql` answers one number, e.g. max(computed_at)) plus every_s, or 0 (now)
 * when there is none or it is older. A restart does not recount a fresh rollup. */
#define api_rollup_first_due(app, sql, every_s) api_rollup_first_due_((app), DB_SQL(sql), (every_s))
int64_t api_rollup_first_due_(struct app *app, const char *sql, int64_t every_s);

/* Register the scheduled jobs of the core (purges, audit chaining, outbox delivery). */
void api_core_schedule(struct app *app);

#endif
