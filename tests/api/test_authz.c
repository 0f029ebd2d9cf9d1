/* The authorisation matrix, generated from the route table: every route × every role × an
 * object inside the caller's scope and one outside it. The expected permissions are written
 * here, independently of src/auth/policy.c; a route without a row here fails the run. */
#include "../support/testlib.h"
#include "auth/auth.h"
#include "auth/policy.h"
#include "cases/cases.h"
#include "core/clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct tserver T;

/* Who may call each route. ALL = every role; the rest name roles. "scoped" routes act on an
 * object (or a place in the body) that must lie inside the caller's grant. */
#define ALL "*"
struct expect {
	const char *route; /* "METHOD pattern" */
	const char *roles; /* comma-separated, or ALL */
	bool scoped;
	const char *body;   /* %P = a place, %N = a fresh number, %G = the caller's grant,
	                       %O = an organisation and %R = a person on the object's side */
	const char *object; /* which {id}: people, users, grants, tokens, none */
};

static const struct expect matrix[] = {
    {"GET /healthz", ALL, false, NULL, NULL},
    /* PERM_LOCAL: these requests come from 127.0.0.1, so every role (and nobody) gets the
     * metrics; the refusal of other addresses (after trusted-proxy resolution) and the
     * metrics token are tested in tests/api/test_metrics.c. */
    {"GET /metrics", ALL, false, NULL, NULL},
    {"GET /api/openapi.json", ALL, false, NULL, NULL},
    {"POST /api/session", ALL, false, "{\"username\":\"nobody\"}", NULL},
    {"POST /api/session/sms-code", ALL, false, "{\"phone\":\"1380000%04d\"}", NULL},
    {"DELETE /api/session", ALL, false, NULL, NULL},
    {"PUT /api/session/grant", ALL, false, "{\"grant_id\":%G}", NULL},
    {"GET /api/me", ALL, false, NULL, NULL},
    {"PUT /api/me/preferences", ALL, false, "{\"large_text\":true}", NULL},
    {"GET /api/me/sessions", ALL, false, NULL, NULL},
    {"DELETE /api/me/sessions/{id}", ALL, false, NULL, "nothing"},
    {"POST /api/me/totp", ALL, false, NULL, NULL},
    {"POST /api/me/totp/confirm", ALL, false, "{\"code\":\"000000\"}", NULL},
    {"PUT /api/me/password", ALL, false,
     "{\"old_password\":\"not-mine\",\"new_password\":\"a-long-new-password\"}", NULL},
    {"GET /api/roles", ALL, false, NULL, NULL},
    {"GET /api/users", "admin,district_official,street_official,community_official", false, NULL,
     NULL},
    {"POST /api/users", "admin", true,
     "{\"username\":\"new_%N\",\"display_name\":\"新账号\",\"role\":\"resident\",\"place_id\":%P}",
     NULL},
    {"PATCH /api/users/{id}", "admin", true, "{\"display_name\":\"改名\"}", "users"},
    {"POST /api/users/{id}/grants", "admin", true, "{\"role\":\"volunteer_none\",\"place_id\":%P}",
     "users"},
    {"DELETE /api/grants/{id}", "admin", true, NULL, "grants"},
    {"POST /api/users/{id}/reset-password", "admin", true, NULL, "users"},
    {"GET /api/users/{id}/grants", "admin", true, NULL, "users"},
    {"POST /api/users/{id}/reset-totp", "admin", true, NULL, "users"},
    {"GET /api/users/{id}/sessions", "admin", true, NULL, "users"},
    {"DELETE /api/users/{id}/sessions", "admin", true, NULL, "users"},
    {"GET /api/tokens", "admin", false, NULL, NULL},
    {"POST /api/tokens", "admin", false, "{\"name\":\"t%N\",\"scope\":\"export\"}", NULL},
    {"DELETE /api/tokens/{id}", "admin", false, NULL, "tokens"},
    {"GET /api/audit", "auditor", false, NULL, NULL},
    {"GET /api/people/{id}",
     "admin,district_official,street_official,community_official,grid_worker", true, NULL,
     "people"},
    {"POST /api/people/{id}/reveal", "admin,street_official,community_official", true,
     "{\"purpose\":\"授权矩阵测试\"}", "people"},
    /* 一核多元: proposals, meetings, decisions and votes are seen by everyone whose grant
     * (or home) lies in the place; the matrix accounts have no person, so they cannot cast
     * or evaluate. Objects "gov_*" are the demo's, at 大智路 itself or outside it. */
    {"GET /api/proposals", ALL, false, NULL, NULL},
    {"POST /api/proposals", "admin,district_official,street_official,community_official", true,
     "{\"place_id\":%P,\"title\":\"矩阵提议\",\"description\":\"矩阵提议的内容\"}", NULL},
    {"GET /api/proposals/{id}", ALL, true, NULL, "gov_proposals"},
    {"POST /api/proposals/{id}/comments", ALL, true, "{\"body\":\"矩阵意见\"}", "gov_proposals"},
    {"POST /api/proposals/{id}/decline",
     "admin,district_official,street_official,community_official", true, "{\"reply\":\"矩阵答复\"}",
     "gov_proposals"},
    {"POST /api/proposals/{id}/photos",
     "admin,district_official,street_official,community_official", true, "{}", "gov_proposals"},
    {"GET /api/proposals/{id}/photos/{n}", ALL, true, NULL, "gov_proposals"},
    {"GET /api/meetings", ALL, false, NULL, NULL},
    {"POST /api/meetings", "admin,district_official,street_official,community_official", true,
     "{\"place_id\":%P,\"kind\":\"council\",\"title\":\"矩阵会议\",\"agenda\":\"议程\","
     "\"starts_at\":4000000000,\"invitees\":[{\"name\":\"居民代表\"}]}",
     NULL},
    {"GET /api/meetings/{id}", ALL, true, NULL, "gov_meetings"},
    {"POST /api/meetings/{id}/attendance",
     "admin,district_official,street_official,community_official", true, "{\"present\":[]}",
     "gov_meetings"},
    {"POST /api/meetings/{id}/minutes",
     "admin,district_official,street_official,community_official", true,
     "{\"minutes\":\"矩阵会议纪要，内容足够长。\",\"decisions\":[]}", "gov_meetings"},
    {"GET /api/decisions", ALL, false, NULL, NULL},
    {"GET /api/decisions/{id}", ALL, true, NULL, "gov_decisions"},
    {"POST /api/decisions/{id}/milestones",
     "admin,district_official,street_official,community_official", true,
     "{\"title\":\"矩阵节点\",\"due_at\":4000000000}", "gov_decisions"},
    {"POST /api/milestones/{id}/done", "admin,district_official,street_official,community_official",
     true, "{}", "gov_milestones"},
    {"POST /api/decisions/{id}/complete",
     "admin,district_official,street_official,community_official", true, "{}", "gov_decisions"},
    {"POST /api/decisions/{id}/evaluations", "", true, "{\"rating\":\"satisfied\"}",
     "gov_decisions"},
    {"GET /api/votes", ALL, false, NULL, NULL},
    {"POST /api/votes", "admin,district_official,street_official,community_official", true,
     "{\"place_id\":%P,\"title\":\"矩阵表决\",\"rule\":\"person\",\"opens_at\":1,"
     "\"closes_at\":4000000000}",
     NULL},
    {"GET /api/votes/{id}", ALL, true, NULL, "gov_votes"},
    {"POST /api/votes/{id}/cast", "", true, "{\"options\":[1]}", "gov_votes"},
    {"GET /api/votes/{id}/roll", "admin,street_official,community_official,grid_worker", true, NULL,
     "gov_votes"},
    {"GET /api/votes/{id}/paper", "admin,street_official,community_official,grid_worker", true,
     NULL, "gov_votes"},
    {"POST /api/votes/{id}/paper", "admin,street_official,community_official,grid_worker", true,
     "{\"person_id\":%R,\"options\":[1]}", "gov_votes"},
    {"POST /api/paper-ballots/{id}/confirm", "admin,street_official,community_official,grid_worker",
     true, NULL, "gov_paper"},
    {"POST /api/paper-ballots/{id}/reject", "admin,street_official,community_official,grid_worker",
     true, NULL, "gov_paper"},
    {"POST /api/votes/{id}/close", "admin,district_official,street_official,community_official",
     true, NULL, "gov_votes"},
    /* 一核多元 (part B): staff manage inside their area; residents act as themselves (the
     * matrix accounts have no person, so they sign, apply and rate nothing); the property
     * company and the owners' committee read the joint meetings of their community and follow
     * up their own promises. Objects "civic_*" are made by civic_fixtures below. */
    {"GET /api/conventions", ALL, false, NULL, NULL},
    {"POST /api/conventions",
     "admin,district_official,street_official,community_official,grid_worker", true,
     "{\"place_id\":%P,\"title\":\"矩阵公约\",\"text\":\"矩阵公约的全文，至少十个字。\"}", NULL},
    {"GET /api/conventions/{id}",
     "admin,district_official,street_official,community_official,grid_worker", true, NULL,
     "civic_conventions"},
    {"POST /api/conventions/{id}/versions",
     "admin,district_official,street_official,community_official,grid_worker", true,
     "{\"text\":\"矩阵公约修订第 %N 版的全文。\"}", "civic_conventions"},
    {"POST /api/conventions/{id}/sign",
     "admin,district_official,street_official,community_official,grid_worker", true,
     "{\"person_id\":%R}", "civic_conventions"},
    {"GET /api/conventions/alliances",
     "admin,district_official,street_official,community_official,grid_worker", true, NULL,
     "query:civic"},
    {"POST /api/conventions/alliances",
     "admin,district_official,street_official,community_official,grid_worker", true,
     "{\"place_id\":%P,\"name\":\"矩阵联盟\",\"buildings\":[{\"building_id\":1}]}", NULL},
    {"GET /api/rotas", ALL, false, NULL, NULL},
    {"POST /api/rotas", "admin,district_official,street_official,community_official,grid_worker",
     true,
     "{\"place_id\":%P,\"title\":\"矩阵值日\",\"period_days\":7,\"starts_at\":4000000000,"
     "\"members\":[%R]}",
     NULL},
    {"GET /api/rotas/{id}",
     "admin,district_official,street_official,community_official,grid_worker", true, NULL,
     "civic_rotas"},
    {"GET /api/ventures", ALL, false, NULL, NULL},
    {"POST /api/ventures", "admin,district_official,street_official,community_official,grid_worker",
     true, "{\"place_id\":%P,\"title\":\"矩阵创投\",\"budget_fen\":100,\"closes_at\":4000000000}",
     NULL},
    {"GET /api/ventures/{id}",
     "admin,district_official,street_official,community_official,grid_worker", true, NULL,
     "civic_ventures"},
    {"POST /api/ventures/{id}/applications",
     "admin,district_official,street_official,community_official,grid_worker", true,
     "{\"group_name\":\"矩阵团体\",\"title\":\"矩阵项目\",\"plan\":\"矩阵项目的实施方案。\","
     "\"amount_fen\":1}",
     "civic_ventures"},
    {"POST /api/ventures/applications/{id}/reviews",
     "admin,district_official,street_official,community_official,grid_worker", true,
     "{\"score\":80}", "civic_apps"},
    {"POST /api/ventures/applications/{id}/decision",
     "admin,district_official,street_official,community_official,grid_worker", true,
     "{\"fund\":false}", "civic_apps"},
    {"POST /api/ventures/applications/{id}/progress",
     "admin,district_official,street_official,community_official,grid_worker", true,
     "{\"progress\":10,\"note\":\"矩阵进展\"}", "civic_apps"},
    {"GET /api/tripartite",
     "admin,district_official,street_official,community_official,grid_worker,property,owners_"
     "committee",
     true, NULL, "query:civic"},
    {"POST /api/tripartite",
     "admin,district_official,street_official,community_official,grid_worker", true,
     "{\"place_id\":%P,\"title\":\"矩阵会议\",\"held_at\":1,\"org_ids\":[%O,%O]}", NULL},
    {"GET /api/tripartite/{id}",
     "admin,district_official,street_official,community_official,grid_worker,property,owners_"
     "committee",
     true, NULL, "civic_meetings"},
    {"POST /api/tripartite/{id}/commitments",
     "admin,district_official,street_official,community_official,grid_worker", true,
     "{\"org_id\":%O,\"title\":\"矩阵承诺\",\"due_at\":4000000000}", "civic_meetings"},
    {"GET /api/tripartite/commitments",
     "admin,district_official,street_official,community_official,grid_worker,property,owners_"
     "committee",
     true, NULL, "query:civic"},
    /* The fixture's commitment is the property company's: the owners' committee may not. */
    {"POST /api/tripartite/commitments/{id}/followups",
     "admin,district_official,street_official,community_official,grid_worker,property", true,
     "{\"note\":\"矩阵跟进\"}", "civic_commitments"},
    {"GET /api/tripartite/ratings", ALL, false, NULL, NULL},
    {"POST /api/tripartite/ratings", "", true, "{\"org_id\":%O,\"score\":4}", NULL},
    {"GET /api/incubators", ALL, false, NULL, NULL},
    {"POST /api/incubators",
     "admin,district_official,street_official,community_official,grid_worker", true,
     "{\"place_id\":%P,\"name\":\"矩阵孵化\"}", NULL},
    {"GET /api/incubators/{id}",
     "admin,district_official,street_official,community_official,grid_worker", true, NULL,
     "civic_incubators"},
    {"POST /api/incubators/{id}/orgs",
     "admin,district_official,street_official,community_official,grid_worker", true,
     "{\"name\":\"矩阵社会组织%N\",\"category\":\"life\"}", "civic_incubators"},
    {"POST /api/incubators/incubations/{id}/graduate",
     "admin,district_official,street_official,community_official,grid_worker", true, "{}",
     "civic_incubations"},
    {"POST /api/incubators/orgs/{id}/services",
     "admin,district_official,street_official,community_official,grid_worker", true,
     "{\"title\":\"矩阵服务\",\"served\":1}", "civic_social"},
    {"POST /api/incubators/orgs/{id}/volunteers",
     "admin,district_official,street_official,community_official,grid_worker", true,
     "{\"person_id\":%R}", "civic_social"},
    {"GET /api/incubators/sansha",
     "admin,district_official,street_official,community_official,grid_worker", true, NULL,
     "query:civic"},
    {"POST /api/incubators/sansha",
     "admin,district_official,street_official,community_official,grid_worker", true,
     "{\"subject\":\"venture\",\"subject_id\":%Y,\"org_id\":1,\"worker_id\":1}", NULL},
    {"GET /api/notices", ALL, false, NULL, NULL},
    {"POST /api/notices", "admin,district_official,street_official,community_official,grid_worker",
     true,
     "{\"place_id\":%P,\"kind\":\"community\",\"audience\":\"residents\",\"title\":"
     "\"矩阵公告\",\"body\":\"矩阵公告正文\"}",
     NULL},
    {"GET /api/notices/{id}",
     "admin,district_official,street_official,community_official,grid_worker", true, NULL,
     "civic_notices"},
    {"POST /api/notices/{id}/read",
     "admin,district_official,street_official,community_official,grid_worker", true, "{}",
     "civic_notices"},
    {"GET /api/system/status", "admin", false, NULL, NULL},
    {"POST /api/import/places", "admin,district_official,street_official,community_official", false,
     "{}", NULL},
    {"GET /api/import/places/template",
     "admin,district_official,street_official,community_official", false, NULL, NULL},
    {"POST /api/import/orgs", "admin,district_official,street_official,community_official", false,
     "{}", NULL},
    {"GET /api/import/orgs/template", "admin,district_official,street_official,community_official",
     false, NULL, NULL},
    {"POST /api/import/people", "admin,district_official,street_official,community_official", false,
     "{}", NULL},
    {"GET /api/import/people/template",
     "admin,district_official,street_official,community_official", false, NULL, NULL},
    {"POST /api/import/members", "admin,district_official,street_official,community_official",
     false, "{}", NULL},
    {"GET /api/import/members/template",
     "admin,district_official,street_official,community_official", false, NULL, NULL},
    {"GET /api/places", ALL, false, NULL, NULL},
    {"GET /api/coverage-campaigns",
     "admin,district_official,street_official,community_official,grid_worker,dept_handler,"
     "approver",
     true, NULL, "query:coverage"},
    {"POST /api/coverage-campaigns", "admin,district_official,street_official,community_official",
     true,
     "{\"place_id\":%P,\"name\":\"攻坚\",\"metric\":\"buildings_without_party_group\","
     "\"target\":0,\"starts_at\":0,\"ends_at\":4000000000}",
     NULL},
    {"GET /api/places/{id}", ALL, false, NULL, "places"},
    {"GET /api/places/{id}/children", ALL, false, NULL, "places"},
    {"GET /api/places/{id}/lines", ALL, false, NULL, "places"},
    {"GET /api/places/{id}/building",
     "admin,district_official,street_official,community_official,grid_worker", true, NULL,
     "buildings"},
    {"GET /api/orgs/{id}", ALL, false, NULL, "orgs"},
    {"GET /api/studios", ALL, false, NULL, NULL},
    {"POST /api/orgs", "admin,district_official,street_official,community_official", true,
     "{\"code\":\"AZ%N\",\"name\":\"矩阵测试组织\",\"kind\":\"social_org\",\"place_id\":%P}", NULL},
    {"POST /api/positions", "admin,district_official,street_official,community_official", true,
     "{\"person_id\":%R,\"org_id\":%O,\"post\":\"volunteer_leader\"}", NULL},
    {"POST /api/positions/{id}/end", "admin,district_official,street_official,community_official",
     true, "{}", "positions"},
    {"GET /api/people", "admin,district_official,street_official,community_official,grid_worker",
     true, NULL, "query:people"},
    {"GET /api/reports/coverage",
     "admin,district_official,street_official,community_official,grid_worker,dept_handler,"
     "approver",
     true, NULL, "query:coverage"},
    {"GET /api/reports/coverage/items",
     "admin,district_official,street_official,community_official,grid_worker,dept_handler,"
     "approver",
     true, NULL, "query:coverage_items"},
    {"GET /api/case-categories", ALL, false, NULL, NULL},
    {"POST /api/case-categories", "admin", false,
     "{\"code\":\"matrix_%N\",\"name\":\"矩阵测试\",\"tier\":\"general\"}", NULL},
    {"POST /api/case-tiers", "admin", false,
     "{\"tier\":\"general\",\"dispatch_minutes\":1440,\"feedback_minutes\":10080}", NULL},
    {"GET /api/case-settings", "admin", false, NULL, NULL},
    {"PUT /api/case-settings", "admin", false, "{\"followup_percent\":10}", NULL},
    {"POST /api/cases", ALL, false,
     "{\"category\":\"sanitation\",\"title\":\"矩阵测试\",\"description\":\"矩阵测试\","
     "\"place_id\":%P}",
     NULL},
    {"POST /api/cases/batch",
     "admin,district_official,street_official,community_official,grid_worker,dept_handler,building_"
     "member",
     true,
     "{\"channel\":\"station\",\"items\":[{\"category\":\"sanitation\",\"title\":\"矩阵\","
     "\"description\":\"矩阵测试\",\"place_id\":%P}]}",
     NULL},
    {"GET /api/cases", ALL, false, NULL, NULL},
    {"GET /api/cases/{id}",
     "admin,district_official,street_official,community_official,grid_worker,dept_handler,approver",
     true, NULL, "cases"},
    {"POST /api/cases/{id}/accept",
     "admin,district_official,street_official,community_official,grid_worker,dept_handler", true,
     "{}", "cases"},
    {"POST /api/cases/{id}/assign",
     "admin,district_official,street_official,community_official,grid_worker,dept_handler", true,
     "{\"org_id\":%O}", "cases"},
    {"POST /api/cases/{id}/reply",
     "admin,district_official,street_official,community_official,grid_worker,dept_handler", true,
     "{\"text\":\"矩阵答复\"}", "cases"},
    {"POST /api/cases/{id}/return",
     "admin,district_official,street_official,community_official,grid_worker,dept_handler", true,
     "{\"reason\":\"矩阵退回\",\"place_id\":%P}", "cases"},
    {"POST /api/cases/{id}/rate", "", true, "{\"rating\":\"satisfied\"}", "cases"},
    {"POST /api/cases/{id}/reopen",
     "admin,district_official,street_official,community_official,grid_worker,dept_handler", true,
     "{\"reason\":\"矩阵重开\"}", "cases"},
    {"POST /api/cases/{id}/escalate",
     "admin,district_official,street_official,community_official,grid_worker,dept_handler", true,
     "{\"reason\":\"矩阵上报\"}", "cases"},
    {"POST /api/cases/{id}/supervise", "", true, "{\"text\":\"矩阵督办\"}", "cases"},
    {"POST /api/cases/{id}/followup",
     "admin,district_official,street_official,community_official,grid_worker,dept_handler", true,
     "{\"outcome\":\"satisfied\"}", "cases"},
    /* A JSON body is not an image: those who may add photos get 415, not a refusal. */
    {"POST /api/cases/{id}/photos",
     "admin,district_official,street_official,community_official,grid_worker,dept_handler", true,
     "{}", "cases"},
    {"GET /api/cases/{id}/photos/{n}",
     "admin,district_official,street_official,community_official,grid_worker,dept_handler,approver",
     true, NULL, "cases"},
    {"POST /api/cases/{id}/publish",
     "admin,district_official,street_official,community_official,grid_worker,dept_handler", true,
     "{\"public\":true}", "cases"},
    {"GET /api/reports/cases",
     "admin,district_official,street_official,community_official,grid_worker,dept_handler,approver",
     true, NULL, "query:cases"},
    {"GET /api/dashboard", "admin,district_official,street_official,community_official,grid_worker",
     true, NULL, "query:dash"},
    {"GET /api/dashboard/records",
     "admin,district_official,street_official,community_official,grid_worker", true, NULL,
     "query:dash_records"},
    {"GET /api/dashboard/seed",
     "admin,district_official,street_official,community_official,grid_worker", true, NULL,
     "query:dash"},
    {"POST /api/reports/pack",
     "admin,district_official,street_official,community_official,grid_worker", true,
     "{\"place_id\":%P,\"year\":2026}", NULL},
    {"GET /api/reports/pack/{id}",
     "admin,district_official,street_official,community_official,grid_worker", true, NULL, "packs"},
    {"GET /api/reports/pack/{id}/xlsx",
     "admin,district_official,street_official,community_official,grid_worker", true, NULL, "packs"},
    {"GET /api/reports/pack/{id}/html",
     "admin,district_official,street_official,community_official,grid_worker", true, NULL, "packs"},
    {"POST /api/points/transfers", ALL, false,
     "{\"transfers\":[{\"id\":\"m%N\",\"debit_account\":999999999,"
     "\"credit_account\":999999998,\"amount\":1,\"code\":\"gift\"}]}",
     NULL},
    {"GET /api/points/accounts", ALL, false, NULL, NULL},
    {"GET /api/points/accounts/{id}", ALL, false, NULL, "nothing"},
    {"GET /api/points/accounts/{id}/transfers", ALL, false, NULL, "nothing"},
    {"POST /api/points/redemption-codes", ALL, false, "{\"shop_id\":999999,\"max_amount\":10}",
     NULL},
    {"GET /api/points/rules", ALL, false, NULL, NULL},
    {"PATCH /api/points/rules/{id}", "admin", false, "{\"enabled\":true}", "nothing"},
    {"PUT /api/points/settings", "admin", false, "{\"gift_daily_limit\":1000}", NULL},
    {"GET /api/points/awards",
     "admin,district_official,street_official,community_official,grid_worker,approver", false, NULL,
     NULL},
    {"POST /api/points/awards", "admin,district_official,street_official,community_official", false,
     "{\"kind\":\"award\",\"person_id\":999999999,\"amount\":1,\"reason\":\"矩阵测试\"}", NULL},
    {"POST /api/points/awards/{id}/approve", "approver", false, NULL, "nothing"},
    {"POST /api/points/awards/{id}/reject", "approver", false, NULL, "nothing"},
    {"GET /api/points/shops", ALL, false, NULL, NULL},
    {"POST /api/points/shops", "admin,district_official,street_official,community_official", true,
     "{\"name\":\"矩阵商户%N\",\"kind\":\"merchant\",\"place_id\":%P}", NULL},
    {"GET /api/points/shops/{id}", ALL, false, NULL, "nothing"},
    {"POST /api/points/shops/{id}/operators",
     "admin,district_official,street_official,community_official", false, "{\"user_id\":1}",
     "nothing"},
    {"POST /api/points/shops/{id}/items",
     "shop,admin,district_official,street_official,community_official", false,
     "{\"name\":\"商品\",\"price\":1,\"stock\":1}", "nothing"},
    {"GET /api/points/shops/{id}/redemptions",
     "shop,admin,district_official,street_official,community_official", false, NULL, "nothing"},
    {"PATCH /api/points/items/{id}",
     "shop,admin,district_official,street_official,community_official", false, "{\"stock\":1}",
     "nothing"},
    {"POST /api/points/redemptions", "shop", false,
     "{\"id\":\"m%N\",\"shop_id\":999999,\"code\":\"0000000000\",\"amount\":1}", NULL},
    {"GET /api/points/redemptions/{id}",
     "shop,admin,district_official,street_official,community_official", false, NULL, "nothing"},
    {"POST /api/points/redemptions/{id}/confirm", "shop", false, NULL, "nothing"},
    {"POST /api/points/redemptions/{id}/cancel", "shop", false, NULL, "nothing"},
    {"GET /api/points/reports/issuers",
     "admin,district_official,street_official,community_official,grid_worker,approver", true, NULL,
     "query:coverage"},
    {"GET /api/registrations", ALL, false, NULL, NULL},
    {"POST /api/registrations",
     "admin,district_official,street_official,community_official,grid_worker,unit_contact", true,
     "{\"kind\":\"unit\",\"org_id\":%U}", NULL},
    {"POST /api/registrations/{id}/approve",
     "admin,district_official,street_official,community_official,grid_worker", true, "{}",
     "registrations"},
    {"POST /api/registrations/{id}/reject",
     "admin,district_official,street_official,community_official,grid_worker", true, "{}",
     "registrations"},
    {"GET /api/service-reports",
     "admin,district_official,street_official,community_official,grid_worker,unit_contact", true,
     NULL, "q:org_id=%U&year=2026"},
    {"GET /api/negative-list", ALL, false, NULL, NULL},
    {"GET /api/posts", ALL, false, NULL, NULL},
    {"POST /api/posts", "admin,district_official,street_official,community_official,grid_worker",
     true, "{\"place_id\":%P,\"title\":\"矩阵岗位\",\"description\":\"矩阵测试\",\"capacity\":2}",
     NULL},
    {"POST /api/posts/{id}/claim", "", true, "{\"acknowledge_negative_list\":true}", "posts"},
    {"GET /api/wishes", ALL, false, NULL, NULL},
    {"POST /api/wishes", "admin,district_official,street_official,community_official,grid_worker",
     true, "{\"title\":\"矩阵心愿\",\"description\":\"矩阵测试\",\"on_behalf_of\":%R}", NULL},
    {"GET /api/wishes/{id}",
     "admin,district_official,street_official,community_official,grid_worker", true, NULL,
     "wishes"},
    {"POST /api/wishes/{id}/review",
     "admin,district_official,street_official,community_official,grid_worker", true,
     "{\"approve\":true}", "wishes"},
    {"POST /api/wishes/{id}/claim", "", true, "{}", "wishes"},
    {"POST /api/wishes/{id}/fulfil", "", true, "{\"note\":\"矩阵完成\"}", "wishes"},
    {"POST /api/wishes/{id}/confirm", "", true, "{\"rating\":\"satisfied\"}", "wishes"},
    {"GET /api/activities", ALL, false, NULL, NULL},
    {"POST /api/activities",
     "admin,district_official,street_official,community_official,grid_worker", true,
     "{\"place_id\":%P,\"kind\":\"other\",\"title\":\"矩阵活动\",\"starts_at\":4000000000,\"ends_"
     "at\":4000003600,\"capacity\":5}",
     NULL},
    {"GET /api/activities/{id}",
     "admin,district_official,street_official,community_official,grid_worker", true, NULL,
     "activities"},
    {"GET /api/activities/{id}/code",
     "admin,district_official,street_official,community_official,grid_worker", true, NULL,
     "activities"},
    {"POST /api/activities/{id}/signup", "", true, "{}", "activities"},
    {"POST /api/activities/{id}/cancel", "", true, "{}", "activities"},
    {"POST /api/activities/{id}/arrive", "", true, "{\"code\":\"XF-A1-1-0123456789\"}",
     "activities"},
    {"POST /api/activities/{id}/confirm",
     "admin,district_official,street_official,community_official,grid_worker", true,
     "{\"roster\":[]}", "activities"},
    {"GET /api/reports/volunteers",
     "admin,district_official,street_official,community_official,grid_worker", true, NULL,
     "query:volunteers"},
    {"GET /api/agreements", ALL, false, NULL, NULL},
    {"POST /api/agreements",
     "admin,district_official,street_official,community_official,grid_worker", true,
     "{\"unit_org_id\":%U,\"place_id\":%P,\"year\":2030,\"title\":\"矩阵协议\"}", NULL},
    {"GET /api/agreements/{id}",
     "admin,district_official,street_official,community_official,grid_worker,unit_contact", true,
     NULL, "agreements"},
    {"POST /api/agreements/{id}/sign",
     "admin,district_official,street_official,community_official,grid_worker", true, "{}",
     "agreements"},
    {"POST /api/list-items",
     "admin,district_official,street_official,community_official,grid_worker", true,
     "{\"agreement_id\":%A,\"side\":\"community\",\"list\":\"need\",\"title\":\"矩阵需求\"}", NULL},
    {"POST /api/list-items/{id}/claim",
     "admin,district_official,street_official,community_official,grid_worker,unit_contact", true,
     "{\"commitment\":\"矩阵承诺\"}", "items"},
    {"POST /api/list-items/{id}/progress",
     "admin,district_official,street_official,community_official,grid_worker,unit_contact", true,
     "{\"done\":1}", "items"},
    /* Not scoped: staff elsewhere get the list filtered to their own residents (empty here;
     * test_coop checks the filter). */
    {"GET /api/matches",
     "admin,district_official,street_official,community_official,grid_worker,unit_contact", false,
     NULL, "q:item_id=%I"},
    {"POST /api/matches/run",
     "admin,district_official,street_official,community_official,grid_worker,unit_contact", true,
     "{\"item_id\":%I}", NULL},
    {"POST /api/matches/{id}/forward",
     "admin,district_official,street_official,community_official,grid_worker", true, "{}",
     "matches"},
    {"POST /api/matches/{id}/hire",
     "admin,district_official,street_official,community_official,grid_worker,unit_contact", true,
     "{}", "matches"},
    {"POST /api/matches/{id}/decline",
     "admin,district_official,street_official,community_official,grid_worker,unit_contact", true,
     "{}", "matches"},
    {"POST /api/people/{id}/tags",
     "admin,district_official,street_official,community_official,grid_worker", true,
     "{\"tags\":[\"job_seeker\"]}", "people"},
    {"GET /open311/v2/discovery.json", ALL, false, NULL, NULL},
    {"GET /open311/v2/services.json", ALL, false, NULL, NULL},
    {"GET /open311/v2/services/{code}.json", ALL, false, NULL, NULL},
    {"GET /open311/v2/requests.json", ALL, false, NULL, NULL},
    {"POST /open311/v2/requests.json", "", false, "{}", NULL}, /* open311 API keys only */
    {"GET /open311/v2/requests/{id}.json", ALL, false, NULL, "cases"},
    {"GET /open311/v2/tokens/{token}.json", ALL, false, NULL, NULL},
    {"GET /open311/v2/discovery.xml", ALL, false, NULL, NULL},
    {"GET /open311/v2/services.xml", ALL, false, NULL, NULL},
    {"GET /open311/v2/services/{code}.xml", ALL, false, NULL, NULL},
    {"GET /open311/v2/requests.xml", ALL, false, NULL, NULL},
    {"POST /open311/v2/requests.xml", "", false, "{}", NULL}, /* open311 API keys only */
    {"GET /open311/v2/requests/{id}.xml", ALL, false, NULL, "cases"},
    {"GET /open311/v2/tokens/{token}.xml", ALL, false, NULL, NULL},
    {"GET /api/fund-rules", "admin,district_official,street_official,community_official,approver",
     false, NULL, NULL},
    {"POST /api/fund-rules", "admin", false,
     "{\"name\":\"矩阵规则%N\",\"items\":[{\"category\":\"activity\",\"name\":\"活动\",\"allowed\":"
     "true}]}",
     NULL},
    {"GET /api/funds", "admin,district_official,street_official,community_official,approver", true,
     NULL, "query:funds"},
    {"POST /api/funds", "admin,district_official,street_official,community_official", true,
     "{\"place_id\":%P,\"year\":2041,\"kind\":\"service\",\"name\":\"矩阵经费\",\"budget_fen\":100,"
     "\"ruleset_id\":%S}",
     NULL},
    {"GET /api/funds/{id}", "admin,district_official,street_official,community_official,approver",
     true, NULL, "funds"},
    {"GET /api/expenditures", "admin,district_official,street_official,community_official,approver",
     true, NULL, "q:fund_id=%F"},
    {"POST /api/expenditures", "admin,street_official,community_official", true,
     "{\"fund_id\":%F,\"category\":\"activity\",\"title\":\"矩阵支出\",\"amount_fen\":1}", NULL},
    {"GET /api/expenditures/{id}",
     "admin,district_official,street_official,community_official,approver", true, NULL,
     "expenditures"},
    {"POST /api/expenditures/{id}/approve", "admin,community_official", true, "{}", "expenditures"},
    {"POST /api/expenditures/{id}/reject", "admin,community_official", true, "{}", "expenditures"},
    {"POST /api/expenditures/{id}/pay", "admin,street_official,community_official", true, "{}",
     "expenditures"},
    {"POST /api/expenditures/{id}/vouchers", "admin,street_official,community_official", true, "{}",
     "expenditures"},
    {"GET /api/disclosure/funds", ALL, false, NULL, NULL},
    {"GET /api/reports/funds",
     "admin,district_official,street_official,community_official,approver", true, NULL,
     "query:funds"},
    {"GET /api/centres", "admin,district_official,street_official,community_official,approver",
     true, NULL, "query:centres"},
    {"POST /api/centres", "admin,district_official,street_official,community_official", true,
     "{\"place_id\":%P,\"name\":\"矩阵中心\"}", NULL},
    {"GET /api/centres/{id}", "admin,district_official,street_official,community_official,approver",
     true, NULL, "centres"},
    {"POST /api/centres/{id}/projects",
     "admin,district_official,street_official,community_official", true,
     "{\"kind\":\"new\",\"title\":\"矩阵项目\"}", "centres"},
    {"POST /api/centre-projects/{id}/done",
     "admin,district_official,street_official,community_official", true, "{}", "projects"},
    {"GET /api/liuyou", "admin,district_official,street_official,community_official,approver", true,
     NULL, "q:org_id=%O"},
    {"PUT /api/liuyou", "admin,district_official,street_official,community_official", true,
     "{\"org_id\":%O,\"items\":[{\"item\":\"place\",\"ok\":true}]}", NULL},
    {"GET /api/venues", ALL, false, NULL, NULL},
    {"POST /api/venues", "admin,district_official,street_official,community_official", true,
     "{\"place_id\":%P,\"name\":\"矩阵场地\",\"capacity\":5,\"opens_min\":0,\"closes_min\":1440}",
     NULL},
    {"GET /api/bookings", ALL, true, NULL, "q:venue_id=%V"},
    {"POST /api/bookings", ALL, true,
     "{\"venue_id\":%V,\"starts_at\":4000000000,\"ends_at\":4000003600,\"purpose\":\"矩阵预约\","
     "\"people\":1}",
     NULL},
    {"POST /api/bookings/{id}/approve",
     "admin,district_official,street_official,community_official", true, "{}", "bookings"},
    {"POST /api/bookings/{id}/reject", "admin,district_official,street_official,community_official",
     true, "{}", "bookings"},
    {"POST /api/bookings/{id}/cancel", "admin,district_official,street_official,community_official",
     true, "{}", "bookings"},
    {"GET /api/bookings/{id}/code", "", true, NULL, "bookings"},
    {"POST /api/bookings/{id}/arrive", "admin,district_official,street_official,community_official",
     true, "{\"code\":\"XF-B1-0\"}", "bookings"},
    {"GET /api/cadres", "admin,district_official,street_official,community_official", true, NULL,
     "query:cadres"},
    {"POST /api/cadres", "admin,district_official,street_official,community_official", true,
     "{\"person_id\":%R,\"place_id\":%P,\"title\":\"矩阵\"}", NULL},
    {"GET /api/cadres/{id}", "admin,district_official,street_official,community_official", true,
     NULL, "cadres"},
    {"POST /api/cadres/{id}/certificates",
     "admin,district_official,street_official,community_official", true,
     "{\"kind\":\"other\",\"name\":\"矩阵证书\"}", "cadres"},
    {"POST /api/cadres/{id}/events", "admin,district_official,street_official,community_official",
     true, "{\"kind\":\"training\",\"title\":\"矩阵培训\"}", "cadres"},
    {"GET /api/reports/cadres", "admin,district_official,street_official,community_official", true,
     NULL, "query:cadres"},
    /* Delegates and 书记工程: staff inside their area; a delegate only for their own studio
     * (the matrix's delegate account holds no delegate post, so it is refused; test_duty
     * covers the real delegate). Objects "duty_*" are the demo's, inside 大智路 or not. */
    {"GET /api/delegates", "admin,district_official,street_official,community_official", true, NULL,
     "query:delegates"},
    {"GET /api/studios/{id}", "admin,district_official,street_official,community_official", true,
     NULL, "duty_studios"},
    {"POST /api/studios/{id}/visits", "admin,district_official,street_official,community_official",
     true, "{\"kind\":\"visit\",\"held_at\":1000,\"topic\":\"矩阵走访\",\"person_id\":%R}",
     "duty_studios"},
    {"POST /api/studios/{id}/reviews", "", true,
     "{\"year\":2020,\"half\":1,\"report\":\"矩阵述职报告，内容足够长。\"}", "duty_studios"},
    {"POST /api/studios/{id}/inquiries",
     "admin,district_official,street_official,community_official", true,
     "{\"target\":\"区住建局\",\"subject\":\"矩阵\",\"content\":\"矩阵询问\",\"person_id\":%R}",
     "duty_studios"},
    {"POST /api/delegate-reviews/{id}/score",
     "admin,district_official,street_official,community_official", true, "{\"score\":80}",
     "duty_reviews"},
    {"POST /api/delegate-inquiries/{id}/answer",
     "admin,district_official,street_official,community_official", true,
     "{\"answer\":\"矩阵答复\"}", "duty_inquiries"},
    {"GET /api/duty-lists", "admin,district_official,street_official,community_official", true,
     NULL, "query:duty"},
    {"POST /api/duty-lists", "admin,district_official,street_official,community_official", true,
     "{\"place_id\":%P,\"list\":\"task\",\"title\":\"矩阵事项\",\"owner\":\"社区\","
     "\"due_at\":4000000000}",
     NULL},
    {"GET /api/duty-lists/{id}", "admin,district_official,street_official,community_official", true,
     NULL, "duty_items"},
    {"POST /api/duty-lists/{id}/follow-up",
     "admin,district_official,street_official,community_official", true, "{\"note\":\"矩阵跟进\"}",
     "duty_items"},
    {"GET /api/joint-meetings", "admin,district_official,street_official,community_official", true,
     NULL, "query:meetings"},
    {"POST /api/joint-meetings", "admin,district_official,street_official,community_official", true,
     "{\"place_id\":%P,\"title\":\"矩阵会议\",\"held_at\":1000,\"agenda\":\"议题\"}", NULL},
    {"GET /api/joint-meetings/{id}", "admin,district_official,street_official,community_official",
     true, NULL, "duty_meetings"},
    {"GET /api/site-reviews", "admin,district_official,street_official,community_official", true,
     NULL, "query:site_reviews"},
    {"POST /api/site-reviews", "admin,district_official,street_official,community_official", true,
     "{\"place_id\":%P,\"year\":2031,\"quarter\":1,\"title\":\"矩阵观摩\",\"held_at\":"
     "1000}",
     NULL},
    {"GET /api/site-reviews/{id}", "admin,district_official,street_official,community_official",
     true, NULL, "duty_site_reviews"},
    {"GET /api/instructors", "admin,district_official,street_official,community_official", true,
     NULL, "query:instructors"},
    {"POST /api/instructors", "admin,district_official,street_official,community_official", true,
     "{\"place_id\":%P,\"person_id\":%R,\"title\":\"矩阵领导%N\"}", NULL},
    {"POST /api/instructors/{id}/end", "admin,district_official,street_official,community_official",
     true, NULL, "duty_instructors"},
    {"GET /api/red-lines", ALL, false, NULL, NULL},
    {"POST /api/red-lines", "admin", false, "{\"category\":\"矩阵\",\"text\":\"矩阵红线%N\"}",
     NULL},
    {"PATCH /api/red-lines/{id}", "admin", false, "{\"active\":true}", "duty_red_lines"},
    {"GET /api/red-line-violations", "admin,district_official,street_official,community_official",
     true, NULL, "query:violations"},
    {"POST /api/red-line-violations", "admin,district_official,street_official,community_official",
     true, "{\"red_line_id\":1,\"place_id\":%P,\"subject\":\"矩阵\",\"description\":\"矩阵\"}",
     NULL},
    {"POST /api/red-line-violations/{id}/handle",
     "admin,district_official,street_official,community_official", true,
     "{\"handling\":\"矩阵处理\"}", "duty_violations"},
    /* 评议考核 */
    {"GET /api/branches", "admin,district_official,street_official,community_official,approver",
     true, NULL, "query:review"},
    {"GET /api/standards", "admin,district_official,street_official,community_official,approver",
     false, NULL, NULL},
    {"POST /api/standards", "admin,district_official", false,
     "{\"domain\":\"social\",\"title\":\"矩阵标准%N\",\"weight\":1}", NULL},
    {"GET /api/branch-assessments",
     "admin,district_official,street_official,community_official,approver", true, NULL,
     "q:org_id=%O&year=2026"},
    {"POST /api/branch-assessments", "admin,district_official,street_official,community_official",
     true, "{\"org_id\":%O,\"year\":2030,\"items\":[]}", NULL},
    {"POST /api/branch-assessments/{id}/review", "admin,district_official,street_official", true,
     "{\"items\":[]}", "review_assessments"},
    {"GET /api/branch-ratings",
     "admin,district_official,street_official,community_official,approver", true, NULL,
     "query:review"},
    {"POST /api/branch-ratings", "admin,district_official,street_official", true,
     "{\"org_id\":%O,\"year\":2031,\"rating\":\"standard\",\"reason\":\"矩阵评定\"}", NULL},
    {"POST /api/branch-ratings/{id}/approve", "admin,district_official,approver", true, "{}",
     "review_ratings"},
    {"POST /api/branch-ratings/{id}/reject", "admin,district_official,approver", true, "{}",
     "review_ratings"},
    {"GET /api/rectifications",
     "admin,district_official,street_official,community_official,approver", true, NULL,
     "query:review"},
    {"POST /api/rectifications", "admin,district_official,street_official", true,
     "{\"org_id\":%O,\"problems\":\"矩阵问题\",\"measures\":\"矩阵措施\",\"deadline\":4000000000}",
     NULL},
    {"POST /api/rectifications/{id}/followups",
     "admin,district_official,street_official,community_official", true, "{\"note\":\"矩阵进展\"}",
     "review_plans"},
    {"GET /api/unit-evaluations",
     "admin,district_official,street_official,community_official,approver,unit_contact", false,
     NULL, "q:year=2026"},
    {"POST /api/unit-evaluations", "admin,street_official,community_official", true,
     "{\"unit_org_id\":%U,\"year\":2026,\"duty\":1,\"projects\":1,\"service\":1,\"civic\":1}",
     NULL},
    {"GET /api/unit-evaluations/{id}",
     "admin,district_official,street_official,community_official,approver,unit_contact", true, NULL,
     "review_units"},
    {"GET /api/review-settings",
     "admin,district_official,street_official,community_official,approver", false, NULL, NULL},
    {"PUT /api/review-settings", "admin", false, "{\"unit_threshold\":80}", NULL},
    {"GET /api/campaigns", "admin,district_official,street_official,community_official,approver",
     true, NULL, "query:review"},
    {"POST /api/campaigns", "admin,district_official,street_official,community_official", true,
     "{\"place_id\":%P,\"kind\":\"civilized_city\",\"title\":\"矩阵创建\",\"starts_at\":1,"
     "\"ends_at\":2,\"units\":[%U]}",
     NULL},
    {"GET /api/campaigns/{id}",
     "admin,district_official,street_official,community_official,approver", true, NULL,
     "review_campaigns"},
    {"POST /api/campaigns/{id}/results",
     "admin,district_official,street_official,community_official", true,
     "{\"unit_org_id\":%U,\"score\":80}", "review_campaigns"},
    {"GET /api/member-reviews",
     "admin,district_official,street_official,community_official,approver", true, NULL,
     "q:org_id=%O&year=2026"},
    {"GET /api/member-reviews/{id}",
     "admin,district_official,street_official,community_official,approver", true, NULL,
     "review_members"},
    {"POST /api/member-reviews/{id}", "admin,district_official,street_official,community_official",
     true, "{\"year\":2026,\"rating\":\"basically_qualified\"}", "review_members"},
    {"POST /api/test/clock", ALL, false, "{\"advance\":0}", NULL},
};

static const char *method_name(enum http_method m)
{
	static const char *names[] = {"", "GET", "POST", "PUT", "PATCH", "DELETE"};
	return m <= HTTP_DELETE ? names[m] : "?";
}

static bool role_in(const char *roles, const char *role)
{
	if (strcmp(roles, ALL) == 0)
		return true;
	size_t n = strlen(role);
	for (const char *p = roles; p && *p;) {
		const char *c = strchr(p, ',');
		size_t len = c ? (size_t)(c - p) : strlen(p);
		if (len == n && strncmp(p, role, n) == 0)
			return true;
		p = c ? c + 1 : NULL;
	}
	return false;
}

/* Fixtures: a place inside the test users' scope (大智路社区) and one outside (友爱街社区),
 * and objects of every kind in each. */
struct fixture {
	int64_t place[2];
	int64_t sub_places[2][16];
	int nsub[2];
	int64_t person[2];
	int64_t org[2];
	int64_t position[2];
	int64_t cases[2];
	int64_t ruleset, fund[2], expenditure[2], centre[2], project[2], venue[2], booking[2],
	    cadre[2];
	int64_t pack[2]; /* a report pack another account asked for, at each side's place */
	int64_t unit[2], registration[2], post[2], wish[2], activity[2], agreement[2], item[2],
	    match[2];
	int64_t building[2];
	int64_t user[2];
	int64_t grants[2][64];
	int ngrants[2], used_grants[2];
	int64_t tokens[64];
	int ntokens, used_tokens;
	char hash[160];
};
static struct fixture F;

static int64_t place_by_code(struct db *db, const char *code)
{
	struct xf_err e;
	int64_t id = 0;
	assert_int_equal(db_int(db, &e, &id, "SELECT id FROM places WHERE code = ?", "t", code),
	                 XF_OK);
	return id;
}

/* 重心下移 objects on each side: a fund under a rule set the community approves at both
 * steps, a pending expenditure asked by the victim account, the community's centre and a
 * planned project, a venue with a pending booking, and a cadre. */
static int funds_fixtures(struct db *db, int s, struct xf_err *err)
{
	int rc = XF_OK;
	if (!F.ruleset) {
		rc = db_run(
		    db, err,
		    "INSERT INTO fund_rulesets(name, published_at, text) VALUES ('矩阵', 0, '')",
		    "");
		if (rc == XF_OK)
			rc = db_int(db, err, &F.ruleset, "SELECT max(id) FROM fund_rulesets", "");
		if (rc == XF_OK)
			rc = db_run(
			    db, err,
			    "INSERT INTO fund_rule_items(ruleset_id, category, name, allowed,"
			    " approver_role, second_role) VALUES (?, 'activity', '活动', 1,"
			    " 'community_official', 'community_official')",
			    "i", F.ruleset);
	}
	if (rc == XF_OK)
		rc = db_run(db, err,
		            "INSERT INTO funds(place_id, year, kind, name, budget_fen, ruleset_id,"
		            " created_at) VALUES (?, 2040, 'service', '矩阵经费', 100000, ?, 0)",
		            "ii", F.place[s], F.ruleset);
	if (rc == XF_OK)
		rc = db_int(db, err, &F.fund[s], "SELECT max(id) FROM funds", "");
	if (rc == XF_OK)
		rc = db_run(
		    db, err,
		    "INSERT INTO expenditures(fund_id, category, title, amount_fen, status, steps,"
		    " requested_by, created_at) VALUES (?, 'activity', '矩阵支出', 100,"
		    " 'pending', 1, ?, 0)",
		    "ii", F.fund[s], F.user[s]);
	if (rc == XF_OK)
		rc = db_int(db, err, &F.expenditure[s], "SELECT max(id) FROM expenditures", "");
	if (rc == XF_OK)
		rc = db_run(
		    db, err,
		    "INSERT INTO centres(place_id, name, created_at) VALUES (?, '矩阵中心', 0)"
		    " ON CONFLICT DO NOTHING",
		    "i", F.place[s]);
	if (rc == XF_OK)
		rc = db_int(db, err, &F.centre[s], "SELECT id FROM centres WHERE place_id = ?", "i",
		            F.place[s]);
	if (rc == XF_OK)
		rc =
		    db_run(db, err,
		           "INSERT INTO centre_projects(centre_id, kind, title, status, created_at)"
		           " VALUES (?, 'new', '矩阵项目', 'planned', 0)",
		           "i", F.centre[s]);
	if (rc == XF_OK)
		rc = db_int(db, err, &F.project[s], "SELECT max(id) FROM centre_projects", "");
	if (rc == XF_OK)
		rc = db_run(db, err,
		            "INSERT INTO venues(place_id, name, capacity, opens_min, closes_min,"
		            " created_at) VALUES (?, '矩阵场地', 10, 0, 1440, 0)",
		            "i", F.place[s]);
	if (rc == XF_OK)
		rc = db_int(db, err, &F.venue[s], "SELECT max(id) FROM venues", "");
	if (rc == XF_OK)
		rc = db_run(
		    db, err,
		    "INSERT INTO bookings(venue_id, user_id, purpose, people, starts_at, ends_at,"
		    " status, secret, created_at) VALUES (?, ?, '矩阵', 1, ?, ?, 'pending', '00',"
		    " 0)",
		    "iiii", F.venue[s], F.user[s], clock_now() + 86400, clock_now() + 90000);
	if (rc == XF_OK)
		rc = db_int(db, err, &F.booking[s], "SELECT max(id) FROM bookings", "");
	if (rc == XF_OK)
		rc = db_run(db, err,
		            "INSERT INTO cadres(person_id, place_id, title, hired_at) VALUES (?, ?,"
		            " '矩阵', 0) ON CONFLICT DO NOTHING",
		            "ii", F.person[s], F.place[s]);
	if (rc == XF_OK)
		rc = db_int(db, err, &F.cadre[s], "SELECT id FROM cadres WHERE person_id = ?", "i",
		            F.person[s]);
	if (rc == XF_OK)
		rc = db_run(db, err,
		            "INSERT INTO report_packs(user_id, place_id, year, status, created_at)"
		            " VALUES (?, ?, 2026, 'queued', 0)",
		            "ii", F.user[s], F.place[s]);
	if (rc == XF_OK)
		rc = db_int(db, err, &F.pack[s], "SELECT max(id) FROM report_packs", "");
	return rc;
}

/* 双报到 and co-building objects on each side: a unit's pending registration, a post, a
 * resident's wish, an activity that has started, an agreement with a need and a match. */
static int coop_fixtures(struct db *db, int s, struct xf_err *err)
{
	const char *units[2] = {"91420200U00001", "91420200U00004"};
	int rc = db_int(db, err, &F.unit[s], "SELECT id FROM orgs WHERE code = ?", "t", units[s]);
	if (rc == XF_OK)
		rc = db_run(db, err,
		            "INSERT INTO registrations(kind, org_id, place_id, status, created_at)"
		            " VALUES ('unit', ?, ?, 'pending', 0)",
		            "ii", F.unit[s], F.place[s]);
	if (rc == XF_OK)
		rc = db_int(db, err, &F.registration[s], "SELECT max(id) FROM registrations", "");
	if (rc == XF_OK)
		rc = db_run(db, err,
		            "INSERT INTO service_posts(place_id, title, description, capacity,"
		            " created_at) VALUES (?, '岗位', '说明', 3, 0)",
		            "i", F.place[s]);
	if (rc == XF_OK)
		rc = db_int(db, err, &F.post[s], "SELECT max(id) FROM service_posts", "");
	if (rc == XF_OK)
		rc = db_run(
		    db, err,
		    "INSERT INTO wishes(place_id, community_id, person_id, title, description,"
		    " status, created_at) VALUES (?, ?, ?, '心愿', '说明', 'posted', 0)",
		    "iii", F.sub_places[s][0], F.place[s], F.person[s]);
	if (rc == XF_OK)
		rc = db_int(db, err, &F.wish[s], "SELECT max(id) FROM wishes", "");
	if (rc == XF_OK)
		rc = db_run(
		    db, err,
		    "INSERT INTO activities(place_id, kind, title, starts_at, ends_at, capacity,"
		    " secret, created_at) VALUES (?, 'other', '活动', ?, ?, 5, '00', 0)",
		    "iii", F.place[s], clock_now() - 7200, clock_now() - 3600);
	if (rc == XF_OK)
		rc = db_int(db, err, &F.activity[s], "SELECT max(id) FROM activities", "");
	if (rc == XF_OK)
		rc = db_run(db, err,
		            "INSERT INTO agreements(unit_org_id, place_id, year, title, created_at)"
		            " VALUES (?, ?, 2026, '协议', 0)",
		            "ii", F.unit[s], F.place[s]);
	if (rc == XF_OK)
		rc = db_int(db, err, &F.agreement[s], "SELECT max(id) FROM agreements", "");
	if (rc == XF_OK)
		rc = db_run(db, err,
		            "INSERT INTO list_items(agreement_id, side, list, title, quantity,"
		            " created_at) VALUES (?, 'unit', 'need', '需求', 2, 0)",
		            "i", F.agreement[s]);
	if (rc == XF_OK)
		rc = db_int(db, err, &F.item[s], "SELECT max(id) FROM list_items", "");
	if (rc == XF_OK)
		rc = db_run(db, err,
		            "INSERT INTO matches(item_id, person_id, score, status, updated_at,"
		            " created_at) VALUES (?, ?, 60, 'proposed', 0, 0)",
		            "ii", F.item[s], F.person[s]);
	if (rc == XF_OK)
		rc = db_int(db, err, &F.match[s], "SELECT max(id) FROM matches", "");
	return rc;
}

/* 一核多元 (part B) objects on each side: a convention over the community, a rota, an open
 * call and an application to a closed one, a joint meeting with a property company's
 * commitment, the community's incubator with a social organisation, and a notice. */
static struct {
	int64_t pc[2], so[2], conv[2], rota[2], call[2], app[2], meeting[2], commitment[2],
	    incubator[2], incubation[2], notice[2];
} C;

static int civic_fixtures(struct db *db, int s, struct xf_err *err)
{
	char code[32];
	snprintf(code, sizeof code, "MX-PC-%d", s);
	int rc = db_int(db, err, &C.pc[s],
	                "INSERT INTO orgs(code, name, kind, line, place_id, created_at) VALUES (?,"
	                " '矩阵物业', 'property_company', 'org', ?, 0) RETURNING id",
	                "ti", code, F.place[s]);
	snprintf(code, sizeof code, "MX-SO-%d", s);
	if (rc == XF_OK)
		rc = db_int(
		    db, err, &C.so[s],
		    "INSERT INTO orgs(code, name, kind, line, place_id, created_at) VALUES (?,"
		    " '矩阵社会组织', 'social_org', 'org', ?, 0) RETURNING id",
		    "ti", code, F.place[s]);
	if (rc == XF_OK)
		rc = db_int(
		    db, err, &C.conv[s],
		    "INSERT INTO conventions(place_id, title, created_at) VALUES (?, '矩阵公约',"
		    " 0) RETURNING id",
		    "i", F.place[s]);
	if (rc == XF_OK)
		rc = db_run(
		    db, err,
		    "INSERT INTO convention_versions(convention_id, version, text, adopted_at)"
		    " VALUES (?, 1, '矩阵公约全文', 0)",
		    "i", C.conv[s]);
	if (rc == XF_OK)
		rc = db_int(db, err, &C.rota[s],
		            "INSERT INTO rotas(place_id, title, period_days, starts_at, created_at)"
		            " VALUES (?, '矩阵值日', 7, 0, 0) RETURNING id",
		            "i", F.building[s]);
	if (rc == XF_OK)
		rc = db_int(db, err, &C.call[s],
		            "INSERT INTO venture_calls(place_id, title, budget_fen, closes_at,"
		            " created_at) VALUES (?, '矩阵创投', 1000, 4000000000, 0) RETURNING id",
		            "i", F.place[s]);
	int64_t closed = 0;
	if (rc == XF_OK)
		rc = db_int(db, err, &closed,
		            "INSERT INTO venture_calls(place_id, title, budget_fen, closes_at,"
		            " created_at) VALUES (?, '矩阵已截止', 1000, 1, 0) RETURNING id",
		            "i", F.place[s]);
	if (rc == XF_OK)
		rc = db_int(
		    db, err, &C.app[s],
		    "INSERT INTO venture_apps(call_id, group_name, submitted_by, title, plan,"
		    " amount_fen, status, created_at) VALUES (?, '矩阵团体', ?, '矩阵项目',"
		    " '方案', 10, 'submitted', 0) RETURNING id",
		    "ii", closed, F.user[s]);
	if (rc == XF_OK)
		rc = db_int(db, err, &C.meeting[s],
		            "INSERT INTO tri_meetings(place_id, convenor_id, title, held_at,"
		            " created_at) VALUES (?, ?, '矩阵会议', 0, 0) RETURNING id",
		            "ii", F.place[s], F.org[s]);
	if (rc == XF_OK)
		rc = db_run(db, err, "INSERT INTO tri_parties(meeting_id, org_id) VALUES (?, ?)",
		            "ii", C.meeting[s], C.pc[s]);
	if (rc == XF_OK)
		rc =
		    db_int(db, err, &C.commitment[s],
		           "INSERT INTO tri_commitments(meeting_id, org_id, title, due_at, status,"
		           " created_at) VALUES (?, ?, '矩阵承诺', 4000000000, 'open', 0) RETURNING"
		           " id",
		           "ii", C.meeting[s], C.pc[s]);
	if (rc == XF_OK)
		rc = db_run(
		    db, err,
		    "INSERT INTO incubators(place_id, name, created_at) VALUES (?, '矩阵孵化',"
		    " 0) ON CONFLICT DO NOTHING",
		    "i", F.place[s]);
	if (rc == XF_OK)
		rc = db_int(db, err, &C.incubator[s],
		            "SELECT id FROM incubators WHERE place_id = ?", "i", F.place[s]);
	if (rc == XF_OK)
		rc = db_int(
		    db, err, &C.incubation[s],
		    "INSERT INTO incubations(incubator_id, org_id, category, status, started_at)"
		    " VALUES (?, ?, 'life', 'incubating', 0) RETURNING id",
		    "ii", C.incubator[s], C.so[s]);
	if (rc == XF_OK)
		rc = db_int(
		    db, err, &C.notice[s],
		    "INSERT INTO notices(place_id, kind, audience, title, body, published_at)"
		    " VALUES (?, 'community', 'residents', '矩阵公告', '正文', 0) RETURNING id",
		    "i", F.place[s]);
	return rc;
}

static int64_t civic_object(const char *kind, int side)
{
	static const struct {
		const char *kind;
		int64_t *ids;
	} k[] = {{"conventions", C.conv},
	         {"rotas", C.rota},
	         {"ventures", C.call},
	         {"apps", C.app},
	         {"meetings", C.meeting},
	         {"commitments", C.commitment},
	         {"incubators", C.incubator},
	         {"incubations", C.incubation},
	         {"social", C.so},
	         {"notices", C.notice}};
	for (size_t i = 0; i < XF_ARRAY_LEN(k); i++)
		if (strcmp(kind, k[i].kind) == 0)
			return k[i].ids[side];
	fail_msg("unknown civic object %s", kind);
	return 0;
}

static int build(struct db *db, void *arg, struct xf_err *err)
{
	const char *codes[2] = {"420203009002", "420205003001"};
	int rc = XF_OK;
	for (int s = 0; s < 2; s++) {
		F.place[s] = place_by_code(db, codes[s]);
		struct db_stmt *st =
		    db_prep(db,
		            "SELECT id FROM places WHERE substr(path, 1, length((SELECT"
		            " path FROM places WHERE id = ?))) = (SELECT path FROM"
		            " places WHERE id = ?) AND id <> ? ORDER BY id LIMIT 16",
		            err);
		db_bind_int(st, 1, F.place[s]);
		db_bind_int(st, 2, F.place[s]);
		db_bind_int(st, 3, F.place[s]);
		while (db_step(st, err) == DB_ROW)
			F.sub_places[s][F.nsub[s]++] = db_col_int(st, 0);
		db_int(db, err, &F.person[s],
		       "SELECT min(p.id) FROM people p JOIN places g ON g.id = p.place_id"
		       " WHERE g.parent_id = ?",
		       "i", F.place[s]);
		db_int(db, err, &F.building[s],
		       "SELECT min(b.id) FROM places b JOIN places g ON g.id = b.parent_id WHERE"
		       " g.parent_id = ? AND b.kind = 'building'",
		       "i", F.place[s]);
		db_int(db, err, &F.org[s],
		       "SELECT min(id) FROM orgs WHERE place_id = ? AND kind = 'community_party'",
		       "i", F.place[s]);
		if ((rc = db_run(db, err,
		                 "INSERT INTO positions(person_id, org_id, post, started_at)"
		                 " VALUES (?, ?, 'committee_member', 0)",
		                 "ii", F.person[s], F.org[s])) != XF_OK ||
		    (rc = db_int(db, err, &F.position[s], "SELECT max(id) FROM positions", "")) !=
		        XF_OK)
			return rc;
		struct case_in ci = {.category = "sanitation",
		                     .title = "授权矩阵",
		                     .description = "授权矩阵测试用",
		                     .channel = "station",
		                     .place_id = F.sub_places[s][0],
		                     .now = clock_now()};
		bool existing;
		if ((rc = cases_create(db, &ci, &F.cases[s], &existing, err)) != XF_OK)
			return rc;
		/* Photo 1 of each case, for GET /api/cases/{id}/photos/{n}. */
		struct db_stmt *ph =
		    db_prep(db,
		            "INSERT INTO case_photos(case_id, mime, bytes, size,"
		            " sha256, created_at) VALUES (?, 'image/png', ?, 1, '', 0)",
		            err);
		if (!ph)
			return err->status;
		db_bind_int(ph, 1, F.cases[s]);
		db_bind_blob(ph, 2, "x", 1);
		if ((rc = db_step(ph, err)) != DB_DONE)
			return rc;
		rc = XF_OK;
		if ((rc = coop_fixtures(db, s, err)) != XF_OK)
			return rc;
		char name[32];
		snprintf(name, sizeof name, "victim_%d", s);
		if ((rc = auth_user_create(db, name, F.hash, "被操作的账号", 0, NULL, &F.user[s],
		                           err)) != XF_OK)
			return rc;
		if ((rc = funds_fixtures(db, s, err)) != XF_OK)
			return rc;
		if ((rc = civic_fixtures(db, s, err)) != XF_OK)
			return rc;

		/* A pool of grants to delete, on distinct places under each community. */
		for (int k = 0; k < F.nsub[s]; k++)
			for (size_t r = 0; r < 4; r++) {
				static const char *roles[] = {"resident", "party_member",
				                              "volunteer", "building_member"};
				if (strcmp(roles[r], "volunteer") == 0)
					continue;
				if ((rc = auth_grant_add(
				         db, F.user[s], roles[r], F.sub_places[s][k], 0,
				         &F.grants[s][F.ngrants[s]++], err)) != XF_OK)
					return rc;
			}
		if ((rc = auth_grant_add(db, F.user[s], "resident", F.place[s], 0, NULL, err)) !=
		    XF_OK)
			return rc;
	}
	for (int k = 0; k < 40; k++) {
		char tok[48];
		if ((rc = auth_token_create(db, "pool", "export", clock_now() + 86400, 0, tok,
		                            &F.tokens[F.ntokens++], err)) != XF_OK)
			return rc;
	}
	/* One account per role, each with one grant over 大智路社区. */
	for (size_t i = 0; i < policy_nroles; i++) {
		char name[48];
		int64_t uid;
		snprintf(name, sizeof name, "m_%s", policy_roles[i].code);
		if ((rc = auth_user_create(db, name, F.hash, name, 0, NULL, &uid, err)) != XF_OK ||
		    (rc = auth_grant_add(db, uid, policy_roles[i].code, F.place[0], 0, NULL,
		                         err)) != XF_OK)
			return rc;
	}
	return XF_OK;
}

static int setup(void **state)
{
	ts_start(&T);
	T.app.cfg.sms_per_ip_per_hour = 1000000;
	struct xf_err e;
	memset(&F, 0, sizeof F);
	assert_int_equal(crypto_pw_hash(DEMO_PW, F.hash, sizeof F.hash, &e), XF_OK);
	if (store_write(T.app.store, build, NULL, &e) != XF_OK)
		fail_msg("fixtures: %s", e.message);
	return 0;
}

static int teardown(void **state)
{
	ts_stop(&T);
	return 0;
}

/* Delegates and 书记工程: the demo's objects inside 大智路社区 (side 0) or outside it. */
static int64_t duty_object(const char *kind, int side)
{
	static const struct {
		const char *kind, *sql;
	} q[] = {
	    {"studios", "SELECT min(o.id) FROM orgs o JOIN places p ON p.id = o.place_id WHERE"
	                " o.kind = 'delegate_studio' AND CASE WHEN substr(p.path, 1, length(?)) = "
	                "? THEN 1 ELSE 0 END = ?"},
	    {"reviews", "SELECT min(r.id) FROM delegate_reviews r JOIN orgs o ON o.id ="
	                " r.studio_org_id JOIN places p ON p.id = o.place_id WHERE"
	                " CASE WHEN substr(p.path, 1, length(?)) = ? THEN 1 ELSE 0 END = ?"},
	    {"inquiries", "SELECT min(r.id) FROM delegate_inquiries r JOIN orgs o ON o.id ="
	                  " r.studio_org_id JOIN places p ON p.id = o.place_id WHERE"
	                  " CASE WHEN substr(p.path, 1, length(?)) = ? THEN 1 ELSE 0 END = ?"},
	    {"items", "SELECT min(d.id) FROM duty_items d JOIN places p ON p.id = d.place_id WHERE"
	              " CASE WHEN substr(p.path, 1, length(?)) = ? THEN 1 ELSE 0 END = ?"},
	    {"meetings",
	     "SELECT min(d.id) FROM joint_meetings d JOIN places p ON p.id ="
	     " d.place_id WHERE CASE WHEN substr(p.path, 1, length(?)) = ? THEN 1 ELSE 0 END = ?"},
	    {"site_reviews",
	     "SELECT min(d.id) FROM site_reviews d JOIN places p ON p.id ="
	     " d.place_id WHERE CASE WHEN substr(p.path, 1, length(?)) = ? THEN 1 ELSE 0 END = ?"},
	    {"instructors",
	     "SELECT min(d.id) FROM instructors d JOIN places p ON p.id ="
	     " d.place_id WHERE CASE WHEN substr(p.path, 1, length(?)) = ? THEN 1 ELSE 0 END = ?"},
	    {"violations",
	     "SELECT min(d.id) FROM red_line_violations d JOIN places p ON p.id ="
	     " d.place_id WHERE CASE WHEN substr(p.path, 1, length(?)) = ? THEN 1 ELSE 0 END = ?"},
	    {"red_lines", "SELECT min(id) FROM red_lines WHERE length(?) > 0 AND length(?) > 0"
	                  " AND ? >= 0"},
	};
	struct xf_err e;
	struct db *db = store_reader(T.app.store, &e);
	char path[256] = "";
	struct db_stmt *st = db_prep(db, "SELECT path FROM places WHERE id = ?", &e);
	db_bind_int(st, 1, F.place[0]);
	if (db_step(st, &e) == DB_ROW) {
		snprintf(path, sizeof path, "%s", db_col_text(st, 0));
		db_reset(st);
	}
	for (size_t i = 0; i < XF_ARRAY_LEN(q); i++) {
		if (strcmp(kind, q[i].kind) != 0)
			continue;
		int64_t id = 0;
		st = db_prep_(db, q[i].sql, &e);
		assert_non_null(st);
		db_bind_text(st, 1, path);
		db_bind_text(st, 2, path);
		db_bind_int(st, 3, side == 0);
		if (db_step(st, &e) == DB_ROW) {
			id = db_col_int(st, 0);
			db_reset(st);
		}
		if (!id)
			fail_msg("no demo %s %s 大智路", kind, side ? "outside" : "inside");
		return id;
	}
	fail_msg("unknown duty object %s", kind);
	return 0;
}

/* 一核多元: the demo's objects at 大智路社区 itself (side 0) or outside it (side 1). */
static int64_t gov_object(const char *kind, int side)
{
	static const struct {
		const char *kind, *sql;
	} q[] = {
	    {"proposals", "SELECT min(g.id) FROM gov_proposals g JOIN places p ON p.id = g.place_id"
	                  " WHERE (? = 1 AND p.path = ?) OR (? = 0 AND substr(p.path, 1, length(?))"
	                  " <> ?)"},
	    {"meetings", "SELECT min(g.id) FROM gov_meetings g JOIN places p ON p.id = g.place_id"
	                 " WHERE (? = 1 AND p.path = ?) OR (? = 0 AND substr(p.path, 1, length(?))"
	                 " <> ?)"},
	    {"decisions", "SELECT min(g.id) FROM gov_decisions g JOIN places p ON p.id = g.place_id"
	                  " WHERE (? = 1 AND p.path = ?) OR (? = 0 AND substr(p.path, 1, length(?))"
	                  " <> ?)"},
	    {"milestones", "SELECT min(m.id) FROM gov_milestones m JOIN gov_decisions g ON g.id ="
	                   " m.decision_id JOIN places p ON p.id = g.place_id WHERE (? = 1 AND"
	                   " p.path = ?) OR (? = 0 AND substr(p.path, 1, length(?)) <> ?)"},
	    {"votes", "SELECT min(g.id) FROM gov_votes g JOIN places p ON p.id = g.place_id"
	              " WHERE (? = 1 AND p.path = ?) OR (? = 0 AND substr(p.path, 1, length(?))"
	              " <> ?)"},
	    {"paper", "SELECT min(b.id) FROM gov_paper_ballots b JOIN gov_votes g ON g.id ="
	              " b.vote_id JOIN places p ON p.id = g.place_id WHERE CASE WHEN"
	              " substr(p.path, 1, length(?)) = ? THEN 1 ELSE 0 END = ?"},
	};
	struct xf_err e;
	struct db *db = store_reader(T.app.store, &e);
	char path[256] = "";
	struct db_stmt *st = db_prep(db, "SELECT path FROM places WHERE id = ?", &e);
	db_bind_int(st, 1, F.place[0]);
	if (db_step(st, &e) == DB_ROW) {
		snprintf(path, sizeof path, "%s", db_col_text(st, 0));
		db_reset(st);
	}
	for (size_t i = 0; i < XF_ARRAY_LEN(q); i++) {
		if (strcmp(kind, q[i].kind) != 0)
			continue;
		int64_t id = 0;
		st = db_prep_(db, q[i].sql, &e);
		assert_non_null(st);
		if (strcmp(kind, "paper") == 0) { /* anywhere inside, or outside */
			db_bind_text(st, 1, path);
			db_bind_text(st, 2, path);
			db_bind_int(st, 3, side == 0);
		} else {
			db_bind_int(st, 1, side == 0);
			db_bind_text(st, 2, path);
			db_bind_int(st, 3, side == 0);
			db_bind_text(st, 4, path);
			db_bind_text(st, 5, path);
		}
		if (db_step(st, &e) == DB_ROW) {
			id = db_col_int(st, 0);
			db_reset(st);
		}
		if (!id)
			fail_msg("no demo gov %s %s 大智路", kind, side ? "outside" : "at");
		return id;
	}
	fail_msg("unknown gov object %s", kind);
	return 0;
}

/* 评议考核: the demo's objects inside 大智路社区 (side 0) or outside it. */
static int64_t review_object(const char *kind, int side)
{
	static const struct {
		const char *kind, *sql;
	} q[] = {
	    {"assessments", "SELECT min(b.id) FROM branch_assessments b JOIN orgs o ON o.id ="
	                    " b.org_id JOIN places p ON p.id = o.place_id WHERE CASE WHEN"
	                    " substr(p.path, 1, length(?)) = ? THEN 1 ELSE 0 END = ?"},
	    {"ratings", "SELECT min(r.id) FROM branch_ratings r JOIN orgs o ON o.id = r.org_id JOIN"
	                " places p ON p.id = o.place_id WHERE CASE WHEN substr(p.path, 1,"
	                " length(?)) = ? THEN 1 ELSE 0 END = ?"},
	    {"plans", "SELECT min(r.id) FROM rectification_plans r JOIN orgs o ON o.id = r.org_id"
	              " JOIN places p ON p.id = o.place_id WHERE r.status = 'open' AND CASE WHEN"
	              " substr(p.path, 1, length(?)) = ? THEN 1 ELSE 0 END = ?"},
	    {"units", "SELECT min(o.id) FROM orgs o JOIN places p ON p.id = o.place_id WHERE"
	              " o.kind = 'resident_unit' AND CASE WHEN substr(p.path, 1, length(?)) = ?"
	              " THEN 1 ELSE 0 END = ?"},
	    {"campaigns", "SELECT min(c.id) FROM civic_campaigns c JOIN places p ON p.id ="
	                  " c.place_id WHERE CASE WHEN substr(p.path, 1, length(?)) = ? THEN 1"
	                  " ELSE 0 END = ?"},
	    {"members", "SELECT min(pm.person_id) FROM party_members pm JOIN orgs o ON o.id ="
	                " pm.branch_org_id JOIN places p ON p.id = o.place_id WHERE CASE WHEN"
	                " substr(p.path, 1, length(?)) = ? THEN 1 ELSE 0 END = ?"},
	};
	struct xf_err e;
	struct db *db = store_reader(T.app.store, &e);
	char path[256] = "";
	struct db_stmt *st = db_prep(db, "SELECT path FROM places WHERE id = ?", &e);
	db_bind_int(st, 1, F.place[0]);
	if (db_step(st, &e) == DB_ROW) {
		snprintf(path, sizeof path, "%s", db_col_text(st, 0));
		db_reset(st);
	}
	for (size_t i = 0; i < XF_ARRAY_LEN(q); i++) {
		if (strcmp(kind, q[i].kind) != 0)
			continue;
		int64_t id = 0;
		st = db_prep_(db, q[i].sql, &e);
		assert_non_null(st);
		db_bind_text(st, 1, path);
		db_bind_text(st, 2, path);
		db_bind_int(st, 3, side == 0);
		if (db_step(st, &e) == DB_ROW) {
			id = db_col_int(st, 0);
			db_reset(st);
		}
		if (!id)
			fail_msg("no demo review %s %s 大智路", kind, side ? "outside" : "inside");
		return id;
	}
	fail_msg("unknown review object %s", kind);
	return 0;
}

static int64_t object_id(const char *kind, int side)
{
	if (!kind)
		return 0;
	if (strncmp(kind, "duty_", 5) == 0)
		return duty_object(kind + 5, side);
	if (strncmp(kind, "review_", 7) == 0)
		return review_object(kind + 7, side);
	if (strncmp(kind, "gov_", 4) == 0)
		return gov_object(kind + 4, side);
	if (strncmp(kind, "civic_", 6) == 0)
		return civic_object(kind + 6, side);
	if (strcmp(kind, "people") == 0)
		return F.person[side];
	if (strcmp(kind, "users") == 0)
		return F.user[side];
	if (strcmp(kind, "grants") == 0)
		return F.grants[side][F.used_grants[side]++];
	if (strcmp(kind, "tokens") == 0)
		return F.tokens[F.used_tokens++];
	if (strcmp(kind, "places") == 0)
		return F.place[side];
	if (strcmp(kind, "orgs") == 0)
		return F.org[side];
	if (strcmp(kind, "buildings") == 0)
		return F.building[side];
	if (strcmp(kind, "positions") == 0)
		return F.position[side];
	if (strcmp(kind, "cases") == 0)
		return F.cases[side];
	static const struct {
		const char *kind;
		int64_t *ids;
	} coop[] = {{"registrations", F.registration},
	            {"posts", F.post},
	            {"wishes", F.wish},
	            {"activities", F.activity},
	            {"agreements", F.agreement},
	            {"items", F.item},
	            {"matches", F.match},
	            {"funds", F.fund},
	            {"expenditures", F.expenditure},
	            {"centres", F.centre},
	            {"projects", F.project},
	            {"bookings", F.booking},
	            {"cadres", F.cadre},
	            {"packs", F.pack}};
	for (size_t i = 0; i < XF_ARRAY_LEN(coop); i++)
		if (strcmp(kind, coop[i].kind) == 0)
			return coop[i].ids[side];
	return 999999; /* "nothing": a session id nobody has */
}

static void fill(char *out, size_t n, const char *tmpl, int64_t place, int counter, int64_t grant,
                 int side)
{
	size_t o = 0;
	for (const char *p = tmpl; *p && o + 24 < n; p++) {
		if (p[0] == '%' && p[1] == 'P') {
			o += (size_t)snprintf(out + o, n - o, "%lld", (long long)place);
			p++;
		} else if (p[0] == '%' && p[1] == 'N') {
			o += (size_t)snprintf(out + o, n - o, "%d", counter);
			p++;
		} else if (p[0] == '%' && p[1] && strchr("ORUAIFSV", p[1])) {
			int64_t v = p[1] == 'O'   ? F.org[side]
			            : p[1] == 'R' ? F.person[side]
			            : p[1] == 'U' ? F.unit[side]
			            : p[1] == 'A' ? F.agreement[side]
			            : p[1] == 'F' ? F.fund[side]
			            : p[1] == 'S' ? F.ruleset
			            : p[1] == 'V' ? F.venue[side]
			                          : F.item[side];
			o += (size_t)snprintf(out + o, n - o, "%lld", (long long)v);
			p++;
		} else if (p[0] == '%' && p[1] == 'Y') {
			o += (size_t)snprintf(out + o, n - o, "%lld", (long long)C.app[side]);
			p++;
		} else if (p[0] == '%' && p[1] == 'G') {
			o += (size_t)snprintf(out + o, n - o, "%lld", (long long)grant);
			p++;
		} else if (p[0] == '%' && p[1] == '0') {
			o += (size_t)snprintf(out + o, n - o, "%04d", counter % 10000);
			p += 3; /* %04d */
		} else {
			out[o++] = *p;
		}
	}
	out[o] = 0;
}

/* The other placeholders: photo 1, a service code, a token nobody has. */
static void placeholders(char *path, size_t n)
{
	static const char *const subst[][2] = {
	    {"{n}", "1"}, {"{code}", "sanitation"}, {"{token}", "no-such-token"}};
	for (size_t i = 0; i < XF_ARRAY_LEN(subst); i++) {
		char *at = strstr(path, subst[i][0]);
		if (!at)
			continue;
		char tail[160];
		snprintf(tail, sizeof tail, "%s", at + strlen(subst[i][0]));
		snprintf(at, n - (size_t)(at - path), "%s%s", subst[i][1], tail);
	}
}

static void login_as(const char *role, char *hdrs, size_t n, int64_t *grant)
{
	char user[48];
	snprintf(user, sizeof user, "m_%s", role);
	ts_login(&T, user, DEMO_PW, hdrs, n);
	struct hresp r;
	assert_int_equal(http_req(T.port, "GET", "/api/me", hdrs, NULL, &r), 0);
	*grant = json_integer_value(json_object_get(json_object_get(r.json, "user"), "grant_id"));
	hr_free(&r);
}

static void test_every_route_has_a_matrix_row_and_every_row_a_route(void **state)
{
	for (size_t i = 0; i < http_nroutes; i++) {
		char key[160];
		snprintf(key, sizeof key, "%s %s", method_name(http_routes[i].method),
		         http_routes[i].pattern);
		bool found = false;
		for (size_t k = 0; k < XF_ARRAY_LEN(matrix); k++)
			found |= strcmp(matrix[k].route, key) == 0;
		if (!found)
			fail_msg("route %s has no row in the authorisation matrix", key);
	}
	for (size_t k = 0; k < XF_ARRAY_LEN(matrix); k++) {
		bool found = false;
		for (size_t i = 0; i < http_nroutes; i++) {
			char key[160];
			snprintf(key, sizeof key, "%s %s", method_name(http_routes[i].method),
			         http_routes[i].pattern);
			found |= strcmp(matrix[k].route, key) == 0;
		}
		if (!found)
			fail_msg("matrix row %s names no route", matrix[k].route);
	}
}

static void test_every_route_for_every_role_inside_and_outside_scope(void **state)
{
	int checked = 0, wrong = 0, counter = 0;
	for (size_t ri = 0; ri < policy_nroles; ri++) {
		const char *role = policy_roles[ri].code;
		char hdrs[512];
		int64_t grant;
		login_as(role, hdrs, sizeof hdrs, &grant);
		for (size_t k = 0; k < XF_ARRAY_LEN(matrix); k++) {
			const struct expect *x = &matrix[k];
			char method[8], pattern[128];
			sscanf(x->route, "%7s %127s", method, pattern);
			bool allowed = role_in(x->roles, role);
			int sides = x->scoped ? 2 : 1;
			for (int side = 0; side < sides; side++) {
				char path[160], body[256];
				const char *brace = strstr(pattern, "{id}");
				if (x->object && strncmp(x->object, "q:", 2) == 0) {
					char q[128];
					fill(q, sizeof q, x->object + 2, 0, 0, 0, side);
					snprintf(path, sizeof path, "%s?%s", pattern, q);
				} else if (x->object && strncmp(x->object, "query:", 6) == 0)
					snprintf(path, sizeof path, "%s?place=%lld%s", pattern,
					         (long long)F.place[side],
					         strcmp(x->object, "query:coverage_items") == 0
					             ? "&metric=buildings_without_party_group"
					         : strcmp(x->object, "query:dash_records") == 0
					             ? "&figure=party_orgs"
					             : "");
				else if (brace)
					snprintf(path, sizeof path, "%.*s%lld%s",
					         (int)(brace - pattern), pattern,
					         (long long)object_id(x->object, side), brace + 4);
				else
					snprintf(path, sizeof path, "%s", pattern);
				placeholders(path, sizeof path);
				int64_t place = side == 0 ? F.sub_places[0][0] : F.sub_places[1][0];
				if (x->body)
					fill(body, sizeof body, x->body, place, ++counter, grant,
					     side);
				struct hresp r;
				assert_int_equal(
				    http_req(T.port, method, path, hdrs, x->body ? body : NULL, &r),
				    0);
				/* Cases answer 404 to those who may not know they exist. */
				bool refused = r.status == 401 || r.status == 403 ||
				               (r.status == 404 && x->object &&
				                (strcmp(x->object, "cases") == 0 ||
				                 strcmp(x->object, "wishes") == 0 ||
				                 strcmp(x->object, "activities") == 0 ||
				                 strcmp(x->object, "bookings") == 0 ||
				                 strcmp(x->object, "packs") == 0));
				bool want_refused = !allowed || side == 1;
				if (refused != want_refused) {
					printf("%-14s %-40s %s: got %d %s\n", role, x->route,
					       side ? "outside scope" : "inside scope", r.status,
					       r.body ? r.body : "");
					wrong++;
				}
				hr_free(&r);
				checked++;
			}
			if (strcmp(x->route, "DELETE /api/session") == 0)
				login_as(role, hdrs, sizeof hdrs, &grant);
		}
	}
	printf(
	    "# authorisation matrix: %d requests (%zu routes x %zu roles, in and out of scope)\n",
	    checked, http_nroutes, policy_nroles);
	assert_int_equal(wrong, 0);
}

/* A scope holds a place by paths as authz_in_subtree decides it: itself and below, not a
 * sibling whose id starts with the same digits, and no scope (an empty path) holds nothing. */
static void test_a_path_inside_a_scope(void **state)
{
	assert_true(authz_path_inside("/1/", "/1/"));
	assert_true(authz_path_inside("/1/", "/1/4844/8261/"));
	assert_true(authz_path_inside("/1/4844/", "/1/4844/8261/9058/"));
	assert_false(authz_path_inside("/1/4844/", "/1/48441/"));
	assert_false(authz_path_inside("/1/4844/", "/1/"));
	assert_false(authz_path_inside("/1/4844/8261/", "/1/4844/"));
	assert_false(authz_path_inside("", "/1/"));
	assert_false(authz_path_inside("", ""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_a_path_inside_a_scope),
	    cmocka_unit_test(test_every_route_has_a_matrix_row_and_every_row_a_route),
	    cmocka_unit_test(test_every_route_for_every_role_inside_and_outside_scope),
	};
	return TS_RUN(tests, setup, teardown);
}
