#include "policy.h"
#include "../http/http.h"

#include <string.h>

const struct role_info policy_roles[] = {
    {"admin", "市级管理员", true},
    {"district_official", "区级干部", true},
    {"street_official", "街道干部", true},
    {"community_official", "社区干部", true},
    {"grid_worker", "网格员", true},
    {"building_member", "楼栋服务小组成员", false},
    {"party_member", "党员", false},
    {"inservice_member", "在职党员", false},
    {"resident", "居民", false},
    {"unit_contact", "驻区单位联络人", false},
    {"property", "物业服务企业", false},
    {"owners_committee", "业委会成员", false},
    {"shop", "积分超市商户", false},
    {"dept_handler", "职能部门经办人", true},
    {"approver", "审批人（如组织部）", true},
    {"delegate", "党代表", false},
    {"auditor", "审计员", true},
};
const size_t policy_nroles = XF_ARRAY_LEN(policy_roles);

const char *const policy_permissions[] = {
    "self",           "system.status", "users.read",       "users.manage", "tokens.manage",
    "audit.read",     "people.read",   "people.reveal",    "points.read",  "points.manage",
    "points.approve", "points.shop",   "points.catalogue", "points.rules", NULL,
};

/* Permission → roles holding it. The auditor reads the audit log and changes nothing; the
 * admin manages accounts but does not read the audit log (等保: separated duties). */
static const struct {
	const char *perm;
	const char *roles[8];
} table[] = {
    {"system.status", {"admin"}},
    {"users.read", {"admin", "district_official", "street_official", "community_official"}},
    {"users.manage", {"admin"}},
    {"tokens.manage", {"admin"}},
    {"audit.read", {"auditor"}},
    {"people.read",
     {"admin", "district_official", "street_official", "community_official", "grid_worker"}},
    {"people.reveal", {"admin", "street_official", "community_official"}},
    {"registry.manage", {"admin", "district_official", "street_official", "community_official"}},
    {"registry.read",
     {"admin", "district_official", "street_official", "community_official", "grid_worker",
      "dept_handler", "approver"}},
    /* 民情诉求: handling inside one's area; entering on a resident's behalf (also the building
     * service group); configuring categories and deadlines; reading the rates. */
    {"cases.handle",
     {"admin", "district_official", "street_official", "community_official", "grid_worker",
      "dept_handler"}},
    {"cases.enter",
     {"admin", "district_official", "street_official", "community_official", "grid_worker",
      "dept_handler", "building_member"}},
    {"cases.configure", {"admin"}},
    /* 双报到 and co-building: approving registrations, posts, wishes, activities and their
     * rosters, agreements and matching inside one's area. */
    /* 重心下移: reading funds, asking to spend, approving (the rule says which role at
     * each step), setting up funds, centres and venues, publishing the rules; cadres, and
     * their pay only where needed. */
    {"funds.read",
     {"admin", "district_official", "street_official", "community_official", "approver"}},
    {"funds.request", {"admin", "street_official", "community_official"}},
    {"funds.approve",
     {"admin", "district_official", "street_official", "community_official", "approver"}},
    {"funds.manage", {"admin", "district_official", "street_official", "community_official"}},
    {"funds.rules", {"admin"}},
    {"cadres.read", {"admin", "district_official", "street_official", "community_official"}},
    {"cadres.manage", {"admin", "district_official", "street_official", "community_official"}},
    {"cadres.pay", {"admin", "district_official", "street_official"}},
    /* 一核多元: staff read deliberation in their area, run meetings and votes, and enter or
     * confirm paper ballots (a second account confirms what one entered). */
    {"gov.read",
     {"admin", "district_official", "street_official", "community_official", "grid_worker"}},
    {"gov.manage", {"admin", "district_official", "street_official", "community_official"}},
    {"gov.ballots", {"admin", "street_official", "community_official", "grid_worker"}},
    {"coop.manage",
     {"admin", "district_official", "street_official", "community_official", "grid_worker"}},
    /* 党代表 and 书记工程: reading the lists, meetings, reviews and red-line records of one's
     * area; keeping them; the red lines themselves are the administrator's. */
    {"duty.read", {"admin", "district_official", "street_official", "community_official"}},
    {"duty.manage", {"admin", "district_official", "street_official", "community_official"}},
    {"duty.configure", {"admin"}},
    /* 一核多元 (part B): conventions, rotas, 公益创投, notices, incubators and setting up
     * 三方联动 meetings inside one's area; the property company and the owners' committee
     * read the joint meetings and follow up their own commitments. */
    {"civic.manage",
     {"admin", "district_official", "street_official", "community_official", "grid_worker"}},
    {"civic.tripartite",
     {"admin", "district_official", "street_official", "community_official", "grid_worker",
      "property", "owners_committee"}},
    {"cases.report",
     {"admin", "district_official", "street_official", "community_official", "grid_worker",
      "dept_handler", "approver"}},
    /* 评议考核: reading in one's area; the standards are the district's; the branch scores
     * itself, the street reviews and proposes ratings, someone else approves them; communities
     * and streets evaluate units; the threshold is the administrator's. */
    {"review.read",
     {"admin", "district_official", "street_official", "community_official", "approver"}},
    {"review.standards", {"admin", "district_official"}},
    {"review.assess", {"admin", "district_official", "street_official", "community_official"}},
    {"review.score", {"admin", "district_official", "street_official"}},
    {"review.rate", {"admin", "district_official", "street_official"}},
    {"review.approve", {"admin", "district_official", "approver"}},
    {"review.evaluate", {"admin", "street_official", "community_official"}},
    {"review.campaign", {"admin", "district_official", "street_official", "community_official"}},
    {"review.member", {"admin", "district_official", "street_official", "community_official"}},
    {"review.settings", {"admin"}},
    /* 党员积分: staff read accounts and reports in their area; awards need an approver (who
     * does not propose); shops redeem; rules are the administrator's. */
    {"points.read",
     {"admin", "district_official", "street_official", "community_official", "grid_worker",
      "approver"}},
    {"points.manage", {"admin", "district_official", "street_official", "community_official"}},
    {"points.approve", {"approver"}},
    {"points.shop", {"shop"}},
    {"points.catalogue",
     {"shop", "admin", "district_official", "street_official", "community_official"}},
    {"points.rules", {"admin"}},
    /* 数据驾驶舱: the dashboards, the seed's figures and report packs of one's area. */
    {"dash.read",
     {"admin", "district_official", "street_official", "community_official", "grid_worker"}},
};

size_t policy_role_permissions(const char *role, const char **out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < XF_ARRAY_LEN(table) && n < max; i++)
		if (policy_allows(role, table[i].perm))
			out[n++] = table[i].perm;
	return n;
}

const struct role_info *policy_role(const char *code)
{
	for (size_t i = 0; i < policy_nroles; i++)
		if (strcmp(policy_roles[i].code, code) == 0)
			return &policy_roles[i];
	return NULL;
}

bool policy_allows(const char *role, const char *perm)
{
	if (!policy_role(role))
		return false;
	if (strcmp(perm, "self") == 0)
		return true;
	for (size_t i = 0; i < XF_ARRAY_LEN(table); i++) {
		if (strcmp(table[i].perm, perm) != 0)
			continue;
		for (size_t k = 0; k < XF_ARRAY_LEN(table[i].roles) && table[i].roles[k]; k++)
			if (strcmp(table[i].roles[k], role) == 0)
				return true;
		return false;
	}
	return false;
}

int authz_in_subtree(struct db *db, int64_t scope_place_id, int64_t place_id, bool *inside,
                     struct xf_err *err)
{
	/* Materialised paths: the object's path starts with the scope's path. */
	int64_t n = 0;
	int rc = db_int(db, err, &n,
	                "SELECT count(*) FROM places o JOIN places s ON s.id = ?"
	                " WHERE o.id = ? AND substr(o.path, 1, length(s.path)) = s.path",
	                "ii", scope_place_id, place_id);
	if (rc != XF_OK)
		return rc;
	*inside = n > 0;
	return XF_OK;
}

bool authz_path_inside(const char *scope_path, const char *place_path)
{
	size_t n = strlen(scope_path);
	return n && strncmp(place_path, scope_path, n) == 0;
}

int authz_row_check(struct db_stmt *st, int step_rc, int place_col, int scope_col,
                    struct xf_err *err)
{
	if (step_rc < 0)
		return step_rc;
	if (step_rc == DB_ROW &&
	    authz_path_inside(db_col_text(st, scope_col), db_col_text(st, place_col)))
		return XF_OK;
	db_reset(st);
	return xf_fail(err, XF_EPERM, "out_of_scope", "该对象不在您的管辖范围内");
}

int authz_check(struct db *db, const struct xf_user *u, const char *perm, int64_t place_id,
                struct xf_err *err)
{
	if (!policy_allows(u->role, perm))
		return xf_fail(err, XF_EPERM, "forbidden", "没有权限执行此操作");
	if (place_id <= 0)
		return XF_OK;
	bool inside = false;
	int rc = authz_in_subtree(db, u->place_id, place_id, &inside, err);
	if (rc != XF_OK)
		return rc;
	if (!inside)
		return xf_fail(err, XF_EPERM, "out_of_scope", "该对象不在您的管辖范围内");
	return XF_OK;
}
