/* The figures: what each counts, as one query whose rows are the records behind it. Every
 * query selects (path of the record's place, record id, label, value, time, place name) and
 * binds the subtree bounds first, then its period (enum fmode). */
#include "figures.h"
#include "../core/clock.h"
#include "../review/review.h"

#include <string.h>
#include <time.h>

enum {
	S_ORG,
	S_BUILDING,
	S_CROSS,
	S_VOLUNTEER,
	S_COOP,
	S_CASES,
	S_POINTS,
	S_COBUILD,
	S_FUNDS,
	S_CADRES,
	S_DELEGATES,
	S_GOV,
	S_DUTY,
	S_REVIEW,
};

const struct section dash_sections[] = {
    [S_ORG] = {"org", "组织覆盖"},           [S_BUILDING] = {"building", "楼栋服务小组"},
    [S_CROSS] = {"cross", "交叉任职"},       [S_VOLUNTEER] = {"volunteer", "志愿服务"},
    [S_COOP] = {"coop", "双报到"},           [S_CASES] = {"cases", "民情诉求"},
    [S_POINTS] = {"points", "党员积分"},     [S_COBUILD] = {"cobuild", "共建共享"},
    [S_FUNDS] = {"funds", "经费阵地"},       [S_CADRES] = {"cadres", "社区干部"},
    [S_DELEGATES] = {"delegates", "党代表"}, [S_GOV] = {"gov", "民主协商"},
    [S_DUTY] = {"duty", "书记工程"},         [S_REVIEW] = {"review", "评议考核"},
};
const size_t dash_nsections = sizeof dash_sections / sizeof dash_sections[0];

/* The fields every figure sets (designated, so the others default to zero). */
#define FIG(c, l, s, k, m, u, sc)                                                                  \
	.code = c, .label = l, .section = s, .kind = k, .mode = m, .unit = u, .scale = sc

struct units_ctx {
	dash_row_fn row;
	void *ctx;
};

static int unit_row(void *arg, const char *path, int64_t id, const char *name, const char *place,
                    bool below)
{
	struct units_ctx *u = arg;
	return below ? u->row(u->ctx, path, id, name, 1, 0, place) : 0;
}

/* 2017: six units lost their 优胜 eligibility — the evaluation module's own aggregate. */
static int units_below(struct db *db, const char *lo, const char *hi, int year, int64_t now,
                       dash_row_fn row, void *ctx, struct xf_err *err)
{
	(void)now;
	struct units_ctx u = {row, ctx};
	return review_units_each(db, lo, hi, year, unit_row, &u, err);
}

/* Order matters: the switch in dash_figure_prep follows it. */
const struct figure dash_figures[] = {
    /* 0 */ {FIG("party_orgs", "党组织", S_ORG, K_COUNT, M_NONE, "个", 1), .key = true,
             .note = "党的组织线上的全部组织"},
    /* 1 */ {FIG("building_party_groups", "楼栋党小组", S_ORG, K_COUNT, M_NONE, "个", 1)},
    /* 2 */ {FIG("industry_party_committees", "行业党委", S_ORG, K_COUNT, M_NONE, "个", 1)},
    /* 3 */
    {FIG("enterprise_party_orgs", "非公（私营）企业党组织", S_ORG, K_COUNT, M_NONE, "个", 1)},
    /* 4 */ {FIG("building_party_orgs", "楼宇党组织", S_ORG, K_COUNT, M_NONE, "个", 1)},
    /* 5 */ {FIG("market_party_orgs", "商圈市场党组织", S_ORG, K_COUNT, M_NONE, "个", 1)},
    /* 6 */ {FIG("social_org_party_orgs", "社会组织党组织", S_ORG, K_COUNT, M_NONE, "个", 1)},
    /* 7 */
    {FIG("building_posts_filled", "“两长五员一户”已配岗位", S_BUILDING, K_COUNT, M_NONE, "个", 1),
     .note = "有楼栋党小组或服务小组的楼栋，每栋 8 个岗位中有人在岗的"},
    /* 8 */
    {FIG("building_posts_total", "应配岗位", S_BUILDING, K_SUM, M_NONE, "个", 1),
     .note = "有楼栋党小组或服务小组的楼栋数 × 8"},
    /* 9 */
    {FIG("building_posts_rate", "岗位配齐率", S_BUILDING, K_RATIO, M_NONE, "%", 1),
     .num = "building_posts_filled", .den = "building_posts_total", .pct = true, .key = true},
    /* 10 */
    {FIG("committee_on_owners", "进入业委会的社区“两委”成员", S_CROSS, K_COUNT, M_NONE, "人", 1),
     .note = "在社区党组织或居委会任书记、主任、委员，同时在业委会任职"},
    /* 11 */
    {FIG("building_heads_on_owners", "进入业委会的楼栋长", S_CROSS, K_COUNT, M_NONE, "人", 1)},
    /* 12 */
    {FIG("population", "人口", S_VOLUNTEER, K_COUNT, M_NONE, "人", 1),
     .note = "人口登记中的全部人员"},
    /* 13 */ {FIG("volunteers", "注册志愿者", S_VOLUNTEER, K_COUNT, M_NONE, "人", 1)},
    /* 14 */
    {FIG("volunteer_share", "志愿者占人口比例", S_VOLUNTEER, K_RATIO, M_NONE, "%", 1),
     .num = "volunteers", .den = "population", .pct = true, .key = true},
    /* 15 */ {FIG("serving_members", "在职党员", S_COOP, K_COUNT, M_NONE, "人", 1)},
    /* 16 */
    {FIG("members_registered", "到社区报到的党员", S_COOP, K_COUNT, M_NONE, "人", 1),
     .note = "报到已通过（按报到的社区统计）"},
    /* 17 */
    {FIG("registration_rate", "在职党员报到率", S_COOP, K_RATIO, M_NONE, "%", 1),
     .num = "members_registered", .den = "serving_members", .pct = true, .key = true},
    /* 18 */ {FIG("units_registered", "报到的驻区单位", S_COOP, K_COUNT, M_NONE, "家", 1)},
    /* 19 */ {FIG("wishes_posted", "发布的微心愿", S_COOP, K_COUNT, M_WINDOW, "个", 1)},
    /* 20 */
    {FIG("wishes_confirmed", "实现并经居民确认的微心愿", S_COOP, K_COUNT, M_WINDOW, "个", 1)},
    /* 21 */ {FIG("activities_held", "开展的服务活动", S_COOP, K_COUNT, M_WINDOW, "场", 1)},
    /* 22 */
    {FIG("service_hours", "经确认的服务时长", S_COOP, K_SUM, M_WINDOW, "小时", 60),
     .note = "活动签到名单确认后的服务分钟数"},
    /* 23 */
    {FIG("cases_received", "受理诉求", S_CASES, K_COUNT, M_WINDOW, "件", 1), .trend = true,
     .key = true},
    /* 24 */
    {FIG("cases_responded", "按时响应", S_CASES, K_COUNT, M_WINDOW, "件", 1),
     .note = "在派单时限（或首个办理时限）内受理"},
    /* 25 */ {FIG("cases_solved", "已办结", S_CASES, K_COUNT, M_WINDOW, "件", 1), .trend = true},
    /* 26 */ {FIG("cases_rated", "已评价", S_CASES, K_COUNT, M_WINDOW, "件", 1)},
    /* 27 */ {FIG("cases_satisfied", "满意和基本满意", S_CASES, K_COUNT, M_WINDOW, "件", 1)},
    /* 28 */ {FIG("cases_overdue", "超期未办结", S_CASES, K_COUNT, M_WINDOW_NOW, "件", 1)},
    /* 29 */
    {FIG("response_rate", "响应率", S_CASES, K_RATIO, M_WINDOW, "%", 1), .num = "cases_responded",
     .den = "cases_received", .pct = true},
    /* 30 */
    {FIG("solve_rate", "解决率", S_CASES, K_RATIO, M_WINDOW, "%", 1), .num = "cases_solved",
     .den = "cases_received", .pct = true, .key = true},
    /* 31 */
    {FIG("satisfaction_rate", "满意率", S_CASES, K_RATIO, M_WINDOW, "%", 1),
     .num = "cases_satisfied", .den = "cases_rated", .pct = true, .key = true},
    /* 32 */
    {FIG("points_issued", "发放积分", S_POINTS, K_SUM, M_WINDOW, "分", 1), .trend = true,
     .note = "按规则奖励的积分（按发放社区统计）"},
    /* 33 */
    {FIG("points_redeemed", "兑换积分", S_POINTS, K_SUM, M_WINDOW, "分", 1),
     .note = "在积分超市兑换完成的积分（按党员所在社区统计）"},
    /* 34 */ {FIG("agreements_signed", "签订的共建协议", S_COBUILD, K_COUNT, M_YEAR, "份", 1)},
    /* 35 */ {FIG("list_items", "三张清单事项", S_COBUILD, K_COUNT, M_YEAR, "项", 1)},
    /* 36 */ {FIG("list_items_done", "已完成的清单事项", S_COBUILD, K_COUNT, M_YEAR, "项", 1)},
    /* 37 */
    {FIG("list_done_rate", "清单完成率", S_COBUILD, K_RATIO, M_YEAR, "%", 1),
     .num = "list_items_done", .den = "list_items", .pct = true},
    /* 38 */ {FIG("funds_budget", "经费预算", S_FUNDS, K_SUM, M_YEAR, "元", 100)},
    /* 39 */ {FIG("funds_spent", "已支付", S_FUNDS, K_SUM, M_YEAR, "元", 100)},
    /* 40 */
    {FIG("fund_use_rate", "经费使用率", S_FUNDS, K_RATIO, M_YEAR, "%", 1), .num = "funds_spent",
     .den = "funds_budget", .pct = true, .key = true},
    /* 41 */ {FIG("service_fund_budget", "服务群众专项经费", S_FUNDS, K_SUM, M_YEAR, "元", 100)},
    /* 42 */
    {FIG("deeds_done", "用专项经费办的好事实事", S_FUNDS, K_SUM, M_YEAR, "件", 1),
     .note = "已支付的专项经费支出登记的好事实事件数"},
    /* 43 */ {FIG("centre_upgrade_budget", "阵地提档升级投入", S_FUNDS, K_SUM, M_YEAR, "元", 100)},
    /* 44 */ {FIG("industry_fund_budget", "行业党委工作经费", S_FUNDS, K_SUM, M_YEAR, "元", 100)},
    /* 45 */ {FIG("communities", "社区", S_FUNDS, K_COUNT, M_NONE, "个", 1)},
    /* 46 */
    {FIG("centres_1000", "服务中心达到 1000 平方米的社区", S_FUNDS, K_COUNT, M_NONE, "个", 1)},
    /* 47 */
    {FIG("centre_share", "服务中心达标（≥1000 平方米）比例", S_FUNDS, K_RATIO, M_NONE, "%", 1),
     .num = "centres_1000", .den = "communities", .pct = true},
    /* 48 */
    {FIG("service_fund_per_community", "每个社区平均专项经费", S_FUNDS, K_RATIO, M_YEAR, "元", 1),
     .num = "service_fund_budget", .den = "communities"},
    /* 49 */ {FIG("cadres", "在岗社区干部", S_CADRES, K_COUNT, M_NONE, "人", 1)},
    /* 50 */
    {FIG("cadres_recruited", "招录为公务员、事业单位人员", S_CADRES, K_COUNT, M_WINDOW, "人", 1)},
    /* 51 */ {FIG("cadres_promoted", "提拔进街道领导班子", S_CADRES, K_COUNT, M_WINDOW, "人", 1)},
    /* 52 */
    {FIG("cadres_certified", "持社工职业资格证书的干部", S_CADRES, K_COUNT, M_NONE, "人", 1)},
    /* 53 */
    {FIG("cadre_pay_sum", "干部月报酬合计", S_CADRES, K_SUM, M_NONE, "元", 100), .hidden = true,
     .perm = "cadres.pay"},
    /* 54 */
    {FIG("cadres_paid", "登记了报酬的干部", S_CADRES, K_COUNT, M_NONE, "人", 1), .hidden = true,
     .perm = "cadres.pay"},
    /* 55 */
    {FIG("cadre_pay_avg", "社区干部平均月报酬", S_CADRES, K_RATIO, M_NONE, "元/月", 1),
     .num = "cadre_pay_sum", .den = "cadres_paid", .perm = "cadres.pay"},
    /* 56 */ {FIG("studios", "党代表工作室", S_DELEGATES, K_COUNT, M_NONE, "个", 1)},
    /* 57 */ {FIG("studio_delegates", "驻点党代表", S_DELEGATES, K_COUNT, M_NONE, "人", 1)},
    /* 58 */
    {FIG("delegates_per_studio", "每个工作室驻点党代表", S_DELEGATES, K_RATIO, M_NONE, "名", 1),
     .num = "studio_delegates", .den = "studios"},
    /* 59 */ {FIG("proposals", "居民提议", S_GOV, K_COUNT, M_WINDOW, "件", 1)},
    /* 60 */
    {FIG("meetings_held", "召开的议事会、听证会、协调会、评议会", S_GOV, K_COUNT, M_WINDOW, "场",
         1)},
    /* 61 */
    {FIG("votes_closed", "完成的表决", S_GOV, K_COUNT, M_WINDOW, "次", 1),
     .note = "按表决截止后计票完成的时间统计"},
    /* 62 */
    {FIG("duty_items", "三张清单事项", S_DUTY, K_COUNT, M_NONE, "项", 1),
     .note = "任务清单、责任清单、问题清单（含联席会议决定和观摩会发现的问题）"},
    /* 63 */ {FIG("duty_done", "已办结", S_DUTY, K_COUNT, M_NONE, "项", 1)},
    /* 64 */ {FIG("duty_overdue", "逾期未办结", S_DUTY, K_COUNT, M_NOW, "项", 1)},
    /* 65 */
    {FIG("duty_done_rate", "清单办结率", S_DUTY, K_RATIO, M_NONE, "%", 1), .num = "duty_done",
     .den = "duty_items", .pct = true},
    /* 66 */
    {FIG("red_lines", "负面清单“红线”", S_DUTY, K_COUNT, M_NONE, "条", 1), .global = true,
     .note = "全市统一执行、正在生效的条目"},
    /* 67 */ {FIG("red_line_violations", "触碰红线的记录", S_DUTY, K_COUNT, M_WINDOW, "起", 1)},
    /* 68 */
    {FIG("rated_model", "示范型党支部", S_REVIEW, K_COUNT, M_NONE, "个", 1),
     .note = "最近一次经审批的定级"},
    /* 69 */ {FIG("rated_redflag", "红旗型党支部", S_REVIEW, K_COUNT, M_NONE, "个", 1)},
    /* 70 */ {FIG("rated_standard", "标准型党支部", S_REVIEW, K_COUNT, M_NONE, "个", 1)},
    /* 71 */ {FIG("rated_rectify", "整顿中的党支部", S_REVIEW, K_COUNT, M_NONE, "个", 1)},
    /* 72 */
    {FIG("units_lost", "被取消优胜资格的驻区单位", S_REVIEW, K_COUNT, M_YEAR, "家", 1),
     .rows = units_below, .note = "社区和街道评议、文明共创加权后低于优胜评选线（可配置）"},
};
const size_t dash_nfigures = sizeof dash_figures / sizeof dash_figures[0];

int dash_figure_index(const char *code)
{
	for (size_t i = 0; i < dash_nfigures; i++)
		if (strcmp(dash_figures[i].code, code) == 0)
			return (int)i;
	return -1;
}

/* Every query starts from the places of the subtree and joins the records to them. Counted
 * live (one place's subtree) the joins are CROSS JOINs, which SQLite takes in the order
 * written: the subtree's places by the path index first, then each table by its place index
 * (a community's figures in milliseconds at city scale). For the rollup (the whole city) they
 * are plain joins and each engine picks its own order. PostgreSQL plans both alike. */
#define IN_TREE   " p.path >= ? AND p.path < ?"
#define OPEN_CASE "('submitted', 'accepted', 'assigned', 'returned', 'reopened')"
#define BUILDING_POSTS                                                                             \
	"('building_party_leader', 'building_head', 'hygiene_officer', 'security_officer',"        \
	" 'culture_officer', 'property_clerk', 'grid_manager', 'central_household')"
#define BUILDING_GROUPS "('building_party_group', 'building_service_group')"

#define ORG(J, cond)                                                                               \
	"SELECT p.path, o.id, o.name, 1, 0, p.name FROM places p" J "orgs o WHERE o.place_id ="    \
	" p.id AND" IN_TREE " AND " cond
#define CASES(J, cond)                                                                             \
	"SELECT p.path, c.id, c.title, 1, c.created_at, p.name FROM places p" J "cases c WHERE"    \
	" c.place_id = p.id AND" IN_TREE " AND c.created_at >= ? AND c.created_at < ?" cond
#define FUND(J, cond, value)                                                                       \
	"SELECT p.path, f.id, f.name, " value ", f.created_at, p.name FROM places p" J "funds f"   \
	" WHERE f.place_id = p.id AND" IN_TREE " AND f.year = ?" cond
#define SPENT(J, cond, value)                                                                      \
	"SELECT p.path, e.id, e.title, " value ", e.paid_at, p.name FROM places p" J "funds f" J   \
	"expenditures e WHERE f.place_id = p.id AND e.fund_id = f.id AND" IN_TREE                  \
	" AND f.year = ? AND e.status = 'paid'" cond
#define CROSS(J, post_cond)                                                                        \
	"SELECT p.path, ps.id, pe.name, 1, ps.started_at, p.name FROM places p" J "orgs o" J       \
	"positions ps" J "people pe WHERE o.place_id = p.id AND ps.org_id = o.id AND pe.id ="      \
	" ps.person_id AND" IN_TREE " AND ps.ended_at IS NULL AND o.kind = 'owners_committee' AND" \
	" EXISTS (SELECT 1 FROM positions q JOIN orgs qo ON qo.id = q.org_id WHERE q.person_id ="  \
	" ps.person_id AND q.ended_at IS NULL AND " post_cond ")"
#define CADRE(J, cond, value)                                                                      \
	"SELECT p.path, cd.id, pe.name, " value ", cd.hired_at, p.name FROM places p" J            \
	"cadres cd" J "people pe WHERE cd.place_id = p.id AND pe.id = cd.person_id AND" IN_TREE    \
	" AND cd.left_at IS NULL" cond
#define CADRE_EVENT(J, kind)                                                                       \
	"SELECT p.path, ev.id, pe.name || '：' || ev.title, 1, ev.at, p.name FROM places p" J      \
	"cadres cd" J "cadre_events ev" J "people pe WHERE cd.place_id = p.id AND ev.cadre_id ="   \
	" cd.id AND pe.id = cd.person_id AND" IN_TREE " AND ev.kind = '" kind "' AND ev.at >= ?"   \
	" AND ev.at < ?"
#define PLACES(J, cond) "SELECT p.path, p.id, p.name, 1, 0, p.name FROM places p WHERE" IN_TREE cond
#define PEOPLE(J, cond)                                                                            \
	"SELECT p.path, pe.id, pe.name, 1, 0, p.name FROM places p" J "people pe WHERE"            \
	" pe.place_id = p.id AND" IN_TREE cond
#define POSTS_FILLED(J, _)                                                                         \
	"SELECT p.path, min(ps.id), min(pe.name), 1, 0, p.name FROM places p" J "orgs o" J         \
	"positions ps" J "people pe WHERE o.place_id = p.id AND ps.org_id = o.id AND pe.id ="      \
	" ps.person_id AND" IN_TREE " AND p.kind = 'building' AND ps.ended_at IS NULL AND o.kind"  \
	" IN " BUILDING_GROUPS " AND ps.post IN " BUILDING_POSTS                                   \
	" GROUP BY p.id, p.path, p.name, ps.post"
#define POSTS_TOTAL(J, _)                                                                          \
	"SELECT p.path, p.id, p.name, 8, 0, p.name FROM places p WHERE" IN_TREE                    \
	" AND p.kind = 'building' AND EXISTS (SELECT 1 FROM orgs o WHERE o.place_id = p.id AND"    \
	" o.kind IN " BUILDING_GROUPS ")"
#define SERVING(J, _)                                                                              \
	"SELECT p.path, pe.id, pe.name, 1, 0, p.name FROM places p" J "people pe" J                \
	"party_members pm WHERE pe.place_id = p.id AND pm.person_id = pe.id AND" IN_TREE           \
	" AND pm.status = 'serving'"
#define REG_MEMBER(J, _)                                                                           \
	"SELECT p.path, r.id, pe.name, 1, r.created_at, p.name FROM places p" J                    \
	"registrations r" J                                                                        \
	"people pe WHERE r.place_id = p.id AND pe.id = r.person_id AND" IN_TREE                    \
	" AND r.kind = 'member' AND r.status = 'approved'"
#define REG_UNIT(J, _)                                                                             \
	"SELECT p.path, r.id, o.name, 1, r.created_at, p.name FROM places p" J "registrations r" J \
	"orgs o WHERE r.place_id = p.id AND o.id = r.org_id AND" IN_TREE                           \
	" AND r.kind = 'unit' AND r.status = 'approved'"
#define WISHES(J, cond, at)                                                                        \
	"SELECT p.path, w.id, w.title, 1, " at ", p.name FROM places p" J "wishes w WHERE"         \
	" w.place_id = p.id AND" IN_TREE cond " AND " at " >= ? AND " at " < ?"
#define ACTIVITIES(J, _)                                                                           \
	"SELECT p.path, ac.id, ac.title, 1, ac.starts_at, p.name FROM places p" J "activities ac"  \
	" WHERE ac.place_id = p.id AND" IN_TREE " AND ac.starts_at >= ? AND ac.starts_at < ?"
#define HOURS(J, _)                                                                                \
	"SELECT p.path, ac.id, ac.title, sum(s.minutes), ac.starts_at, p.name FROM places p" J     \
	"activities ac" J "activity_signups s WHERE ac.place_id = p.id AND s.activity_id = ac.id"  \
	" AND" IN_TREE " AND ac.starts_at >= ? AND ac.starts_at < ? AND s.minutes > 0"             \
	" GROUP BY ac.id, ac.title, ac.starts_at, p.path, p.name"
#define POINTS(J, code)                                                                            \
	"SELECT p.path, t.seq, t.ref, t.amount, t.at, p.name FROM places p" J                      \
	"points_accounts ac" J "points_transfers t WHERE ac.community_id = p.id AND"               \
	" t.debit_account = ac.id AND" IN_TREE " AND t.code = '" code "' AND t.phase IN"           \
	" ('single', 'post') AND t.at >= ? AND t.at < ?"
#define AGREEMENTS(J, _)                                                                           \
	"SELECT p.path, ag.id, ag.title, 1, ag.signed_at, p.name FROM places p" J "agreements ag"  \
	" WHERE ag.place_id = p.id AND" IN_TREE " AND ag.year = ? AND ag.signed_at IS NOT NULL"
#define ITEMS(J, cond)                                                                             \
	"SELECT p.path, li.id, li.title, 1, li.created_at, p.name FROM places p" J                 \
	"agreements ag" J                                                                          \
	"list_items li WHERE ag.place_id = p.id AND li.agreement_id = ag.id AND" IN_TREE           \
	" AND ag.year = ?" cond
#define DELEGATES(J, _)                                                                            \
	"SELECT p.path, ps.id, pe.name, 1, ps.started_at, p.name FROM places p" J "orgs o" J       \
	"positions ps" J "people pe WHERE o.place_id = p.id AND ps.org_id = o.id AND pe.id ="      \
	" ps.person_id AND" IN_TREE " AND o.kind = 'delegate_studio' AND ps.post = 'delegate' AND" \
	" ps.ended_at IS NULL"

#define GOV(J, table, at, cond)                                                                    \
	"SELECT p.path, x.id, x.title, 1, " at ", p.name FROM places p" J table " x WHERE"         \
	" x.place_id = p.id AND" IN_TREE " AND " at " >= ? AND " at " < ?" cond
#define DUTY(J, cond)                                                                              \
	"SELECT p.path, d.id, d.title, 1, d.due_at, p.name FROM places p" J "duty_items d WHERE"   \
	" d.place_id = p.id AND" IN_TREE cond
#define VIOLATIONS(J, _)                                                                           \
	"SELECT p.path, v.id, v.subject, 1, v.found_at, p.name FROM places p" J                    \
	"red_line_violations v WHERE v.place_id = p.id AND" IN_TREE                                \
	" AND v.found_at >= ? AND v.found_at < ?"
/* A branch's rating is its latest approved one (对标定位、整顿晋级: the history stays). */
#define RATED(J, rating)                                                                           \
	"SELECT p.path, o.id, o.name, 1, br.decided_at, p.name FROM places p" J "orgs o" J         \
	"branch_ratings br WHERE o.place_id = p.id AND br.org_id = o.id AND" IN_TREE               \
	" AND br.status = 'approved' AND br.rating = '" rating "' AND NOT EXISTS (SELECT 1 FROM"   \
	" branch_ratings b2 WHERE b2.org_id = br.org_id AND b2.status = 'approved' AND b2.id >"    \
	" br.id)"

#define LIVE  " CROSS JOIN "
#define WHOLE ", "
/* The live and the whole-city form of one query. */
#define BOTH(M, ...)                                                                               \
	(live ? db_prep(db, M(LIVE, __VA_ARGS__), err) : db_prep(db, M(WHOLE, __VA_ARGS__), err))

struct db_stmt *dash_figure_prep(struct db *db, int f, bool live, struct xf_err *err)
{
	switch (f) {
	case 0:
		return BOTH(ORG, "o.line = 'party'");
	case 1:
		return BOTH(ORG, "o.kind = 'building_party_group'");
	case 2:
		return BOTH(ORG, "o.kind = 'industry_party_committee'");
	case 3:
		return BOTH(ORG, "o.kind = 'enterprise_party'");
	case 4:
		return BOTH(ORG, "o.kind = 'building_party_org'");
	case 5:
		return BOTH(ORG, "o.kind = 'market_party_org'");
	case 6:
		return BOTH(ORG, "o.kind = 'social_org_party'");
	case 7: /* one row per building and post held (two people on one post fill it once) */
		return BOTH(POSTS_FILLED, 0);
	case 8:
		return BOTH(POSTS_TOTAL, 0);
	case 10:
		return BOTH(CROSS,
		            "qo.kind IN ('community_party', 'residents_committee') AND q.post IN"
		            " ('secretary', 'director', 'committee_member')");
	case 11:
		return BOTH(CROSS, "q.post = 'building_head'");
	case 12:
		return BOTH(PEOPLE, "");
	case 13:
		return BOTH(PEOPLE, " AND pe.volunteer = 1");
	case 15:
		return BOTH(SERVING, 0);
	case 16:
		return BOTH(REG_MEMBER, 0);
	case 18:
		return BOTH(REG_UNIT, 0);
	case 19:
		return BOTH(WISHES, "", "w.created_at");
	case 20:
		return BOTH(WISHES, " AND w.status = 'confirmed'", "w.confirmed_at");
	case 21:
		return BOTH(ACTIVITIES, 0);
	case 22:
		return BOTH(HOURS, 0);
	case 23:
		return BOTH(CASES, "");
	case 24:
		return BOTH(CASES, " AND c.accepted_at IS NOT NULL AND c.accepted_at <="
		                   " coalesce(c.dispatch_due_at, c.sla_due_at)");
	case 25:
		return BOTH(CASES, " AND c.status = 'closed'");
	case 26:
		return BOTH(CASES, " AND c.status = 'closed' AND c.rating IS NOT NULL");
	case 27:
		return BOTH(CASES, " AND c.status = 'closed' AND c.rating IN ('satisfied',"
		                   " 'basically_satisfied')");
	case 28:
		return BOTH(CASES, " AND c.status IN " OPEN_CASE " AND c.due_at < ?");
	case 32:
		return BOTH(POINTS, "earn");
	case 33:
		return BOTH(POINTS, "redeem");
	case 34:
		return BOTH(AGREEMENTS, 0);
	case 35:
		return BOTH(ITEMS, "");
	case 36:
		return BOTH(ITEMS, " AND li.status = 'done'");
	case 38:
		return BOTH(FUND, "", "f.budget_fen");
	case 39:
		return BOTH(SPENT, "", "e.amount_fen");
	case 41:
		return BOTH(FUND, " AND f.kind = 'service'", "f.budget_fen");
	case 42:
		return BOTH(SPENT, " AND f.kind = 'service'", "e.deeds");
	case 43:
		return BOTH(FUND, " AND f.kind = 'centre'", "f.budget_fen");
	case 44:
		return BOTH(FUND, " AND f.kind = 'industry'", "f.budget_fen");
	case 45:
		return BOTH(PLACES, " AND p.kind = 'community'");
	case 46:
		return BOTH(PLACES,
		            " AND p.kind = 'community' AND coalesce(p.area_cm2, 0) >= 100000");
	case 49:
		return BOTH(CADRE, "", "1");
	case 50:
		return BOTH(CADRE_EVENT, "civil_service");
	case 51:
		return BOTH(CADRE_EVENT, "promotion");
	case 52:
		return BOTH(
		    CADRE,
		    " AND EXISTS (SELECT 1 FROM cadre_certificates cc WHERE cc.cadre_id = cd.id"
		    " AND cc.kind IN ('assistant_social_worker', 'social_worker',"
		    " 'senior_social_worker'))",
		    "1");
	case 53:
		return BOTH(CADRE, " AND cd.pay_fen IS NOT NULL", "cd.pay_fen");
	case 54:
		return BOTH(CADRE, " AND cd.pay_fen IS NOT NULL", "1");
	case 56:
		return BOTH(ORG, "o.kind = 'delegate_studio'");
	case 57:
		return BOTH(DELEGATES, 0);
	case 59:
		return BOTH(GOV, "gov_proposals", "x.created_at", "");
	case 60:
		return BOTH(GOV, "gov_meetings", "x.held_at", " AND x.status = 'held'");
	case 61:
		return BOTH(GOV, "gov_votes", "x.closed_at", " AND x.status = 'closed'");
	case 62:
		return BOTH(DUTY, "");
	case 63:
		return BOTH(DUTY, " AND d.status = 'done'");
	case 64:
		return BOTH(DUTY, " AND d.status = 'open' AND d.due_at < ?");
	case 66: /* global: no subtree */
		return db_prep(
		    db,
		    "SELECT '', r.id, r.text, 1, r.updated_at, '全市' FROM red_lines r WHERE"
		    " r.active = 1",
		    err);
	case 67:
		return BOTH(VIOLATIONS, 0);
	case 68:
		return BOTH(RATED, "model");
	case 69:
		return BOTH(RATED, "redflag");
	case 70:
		return BOTH(RATED, "standard");
	case 71:
		return BOTH(RATED, "rectify");
	default:
		xf_fail(err, XF_EINVAL, "not_countable", "这个指标由另外两个指标相除得出");
		return NULL;
	}
}

int dash_figure_each(struct db *db, int f, bool live, const char *lo, const char *hi, int year,
                     int64_t now, dash_row_fn row, void *ctx, struct xf_err *err)
{
	if (dash_figures[f].rows)
		return dash_figures[f].rows(db, lo, hi, year, now, row, ctx, err);
	struct db_stmt *st = dash_figure_prep(db, f, live, err);
	if (!st)
		return err->status;
	dash_figure_bind(st, f, lo, hi, year, now);
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		if (row(ctx, db_col_text(st, 0), db_col_int(st, 1), db_col_text(st, 2),
		        db_col_int(st, 3), db_col_int(st, 4), db_col_text(st, 5))) {
			db_reset(st);
			return XF_OK;
		}
	}
	return rc < 0 ? rc : XF_OK;
}

int64_t dash_year_start(int year)
{
	return clock_beijing_month_start(year, 1);
}

int dash_month(int64_t t)
{
	return clock_beijing_month(t) - 1;
}

void dash_figure_bind(struct db_stmt *st, int f, const char *lo, const char *hi, int year,
                      int64_t now)
{
	if (dash_figures[f].global)
		return;
	db_bind_text(st, 1, lo);
	db_bind_text(st, 2, hi);
	switch (dash_figures[f].mode) {
	case M_NONE:
		break;
	case M_NOW:
		db_bind_int(st, 3, now);
		break;
	case M_YEAR:
		db_bind_int(st, 3, year);
		break;
	case M_WINDOW_NOW:
		db_bind_int(st, 5, now);
		/* fall through */
	case M_WINDOW:
		db_bind_int(st, 3, dash_year_start(year));
		db_bind_int(st, 4, dash_year_start(year + 1));
		break;
	}
}
