// Role names and which parts of the UI a role sees. Only capabilities that exist are listed: a
// menu entry without a working page behind it is a defect. The server decides every request
// (src/auth/policy.c); the table below only keeps the menus from offering what would be refused.

// The 17 role codes of the identity layer (GET /api/roles), each named in locales: roles.*.
// A code the UI does not know shows the server's own label.
export const ROLES = [
  'admin',
  'district_official',
  'street_official',
  'community_official',
  'grid_worker',
  'building_member',
  'party_member',
  'inservice_member',
  'resident',
  'unit_contact',
  'property',
  'owners_committee',
  'shop',
  'dept_handler',
  'approver',
  'delegate',
  'auditor',
] as const

export function roleKey(role: string): string {
  return (ROLES as readonly string[]).includes(role) ? `roles.${role}` : 'roles.unknown'
}

// The name to show for a role: ours, else the server's label, else "other role".
export function roleLabel(t: (key: string) => string, code: string, serverLabel?: string): string {
  const key = roleKey(code)
  if (key !== 'roles.unknown') return t(key)
  return serverLabel || t(key)
}

// The name to show for a user's role.
export function roleName(
  t: (key: string) => string,
  user: { role?: string; role_label?: string } | null | undefined,
): string {
  return roleLabel(t, user?.role ?? '', user?.role_label)
}

// Permissions the console's menus depend on, and the roles holding them (as in policy.c).
export type Perm =
  | 'system.status'
  | 'users.read'
  | 'users.manage'
  | 'tokens.manage'
  | 'audit.read'
  | 'people.read'
  | 'people.reveal'
  | 'registry.read'
  | 'registry.manage'
  | 'cases.handle'
  | 'cases.enter'
  | 'cases.report'
  | 'cases.configure'
  | 'cases.studio'
  | 'coop.manage'
  | 'coop.agreements'
  | 'coop.unitReport'
  | 'points.read'
  | 'points.manage'
  | 'points.approve'
  | 'points.rules'
  | 'funds.read'
  | 'funds.request'
  | 'funds.approve'
  | 'funds.manage'
  | 'funds.rules'
  | 'cadres.read'
  | 'cadres.manage'
  | 'duty.read'
  | 'duty.manage'
  | 'duty.configure'
  | 'duty.studio'
  | 'dash.read'
  | 'civic.manage'
  | 'civic.tripartite'
  | 'gov.read'
  | 'gov.manage'
  | 'gov.ballots'
  | 'review.read'
  | 'review.standards'
  | 'review.assess'
  | 'review.score'
  | 'review.rate'
  | 'review.approve'
  | 'review.evaluate'
  | 'review.campaign'
  | 'review.member'
  | 'review.settings'
  | 'review.unitSelf'
const PERMS: Record<Perm, readonly string[]> = {
  'system.status': ['admin'],
  'users.read': ['admin', 'district_official', 'street_official', 'community_official'],
  'users.manage': ['admin'],
  'tokens.manage': ['admin'],
  // Separated duties: the auditor reads the audit log; the administrator does not.
  'audit.read': ['auditor'],
  // 组织体系: the registry, people (masked) and imports.
  'people.read': ['admin', 'district_official', 'street_official', 'community_official', 'grid_worker'],
  // 查看完整个人信息 (with a stated purpose, audited): not the district, not the grid worker.
  'people.reveal': ['admin', 'street_official', 'community_official'],
  'registry.read': [
    'admin',
    'district_official',
    'street_official',
    'community_official',
    'grid_worker',
    'dept_handler',
    'approver',
  ],
  'registry.manage': ['admin', 'district_official', 'street_official', 'community_official'],
  // 民情诉求: handling in one's area; entering for residents (also the building service group);
  // the rates; categories and deadlines. `cases.studio` is the console's own: the 党代表工作室
  // queue (the server lets a delegate act on the cases addressed to their studio).
  'cases.handle': ['admin', 'district_official', 'street_official', 'community_official', 'grid_worker', 'dept_handler'],
  'cases.enter': [
    'admin',
    'district_official',
    'street_official',
    'community_official',
    'grid_worker',
    'dept_handler',
    'building_member',
  ],
  'cases.report': [
    'admin',
    'district_official',
    'street_official',
    'community_official',
    'grid_worker',
    'dept_handler',
    'approver',
  ],
  'cases.configure': ['admin'],
  'cases.studio': ['delegate'],
  // 双报到 and 共建共享: staff inside their area; a unit's contact also works on its agreements.
  'coop.manage': ['admin', 'district_official', 'street_official', 'community_official', 'grid_worker'],
  'coop.agreements': ['admin', 'district_official', 'street_official', 'community_official', 'grid_worker', 'unit_contact'],
  // 单位报到: the contact reports their unit to its street (staff approve it on 报到审核).
  'coop.unitReport': ['unit_contact'],
  // 党员积分: staff and approvers read accounts and the issuer report in their area; staff
  // propose awards, an approver (who never proposes) decides; the rules are the administrator's.
  'points.read': ['admin', 'district_official', 'street_official', 'community_official', 'grid_worker', 'approver'],
  'points.manage': ['admin', 'district_official', 'street_official', 'community_official'],
  'points.approve': ['approver'],
  'points.rules': ['admin'],
  // 重心下移: funds (reading, asking, approving by the rule's role, managing), the usage rules
  // (the administrator's), venues and centres (funds.manage), cadres (pay: server-side only).
  'funds.read': ['admin', 'district_official', 'street_official', 'community_official', 'approver'],
  'funds.request': ['admin', 'street_official', 'community_official'],
  'funds.approve': ['admin', 'district_official', 'street_official', 'community_official', 'approver'],
  'funds.manage': ['admin', 'district_official', 'street_official', 'community_official'],
  'funds.rules': ['admin'],
  'cadres.read': ['admin', 'district_official', 'street_official', 'community_official'],
  'cadres.manage': ['admin', 'district_official', 'street_official', 'community_official'],
  // 书记工程 and delegates: staff read and keep their area's lists, meetings, reviews and red-line
  // records; the red lines are the administrator's; `duty.studio` is the console's own: a
  // delegate's page for their studio (the server checks they hold the post).
  'duty.read': ['admin', 'district_official', 'street_official', 'community_official'],
  'duty.manage': ['admin', 'district_official', 'street_official', 'community_official'],
  'duty.configure': ['admin'],
  'duty.studio': ['delegate'],
  // 数据驾驶舱: dashboards, the case-study figures and report packs of one's area.
  'dash.read': ['admin', 'district_official', 'street_official', 'community_official', 'grid_worker'],
  // 一核多元 (part B): staff keep conventions, rotas, ventures, incubators and notices in their
  // area; the property company and the owners' committee also read the joint meetings and
  // follow up their own commitments.
  'civic.manage': ['admin', 'district_official', 'street_official', 'community_official', 'grid_worker'],
  'civic.tripartite': [
    'admin',
    'district_official',
    'street_official',
    'community_official',
    'grid_worker',
    'property',
    'owners_committee',
  ],
  // 评议考核: the branch scores itself, the street reviews and proposes, someone else approves;
  // communities and streets evaluate units; a unit contact sees its own unit's result.
  'review.read': ['admin', 'district_official', 'street_official', 'community_official', 'approver'],
  'review.standards': ['admin', 'district_official'],
  'review.assess': ['admin', 'district_official', 'street_official', 'community_official'],
  'review.score': ['admin', 'district_official', 'street_official'],
  'review.rate': ['admin', 'district_official', 'street_official'],
  'review.approve': ['admin', 'district_official', 'approver'],
  'review.evaluate': ['admin', 'street_official', 'community_official'],
  'review.campaign': ['admin', 'district_official', 'street_official', 'community_official'],
  'review.member': ['admin', 'district_official', 'street_official', 'community_official'],
  'review.settings': ['admin'],
  'review.unitSelf': ['unit_contact'],
  // 一核多元 (民主协商): staff read and run meetings and votes in their area; paper ballots are
  // entered and confirmed by two different staff accounts.
  'gov.read': ['admin', 'district_official', 'street_official', 'community_official', 'grid_worker'],
  'gov.manage': ['admin', 'district_official', 'street_official', 'community_official'],
  'gov.ballots': ['admin', 'street_official', 'community_official', 'grid_worker'],
}

export function can(role: string | undefined, perm: Perm): boolean {
  return PERMS[perm].includes(role ?? '')
}

export function isAdmin(role: string | undefined): boolean {
  return role === 'admin'
}

// Roles whose daily tool is the mobile site rather than the console.
const MOBILE_ROLES = ['resident', 'party_member', 'inservice_member', 'shop', 'owners_committee']
export function isMobileRole(role: string | undefined): boolean {
  return MOBILE_ROLES.includes(role ?? '')
}

export function greetingKey(hour: number): string {
  if (hour < 5) return 'greeting.evening'
  if (hour < 9) return 'greeting.morning'
  if (hour < 11) return 'greeting.forenoon'
  if (hour < 13) return 'greeting.noon'
  if (hour < 18) return 'greeting.afternoon'
  return 'greeting.evening'
}
