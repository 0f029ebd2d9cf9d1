// Which parts of the console a role sees. Only capabilities that exist are listed: a menu
// entry without a working page behind it is a defect.
// Role codes the UI has names for (locales: roles.*). The identity layer may add codes before
// the UI names them: those show the server's own label.
export const ROLES = [
  'admin',
  'district_official',
  'street_official',
  'community_worker',
  'community_official',
  'grid_worker',
  'building_member',
  'party_member',
  'inservice_member',
  'resident',
  'unit',
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

// The name to show for a user's role: ours, else the server's label, else "other role".
export function roleName(
  t: (key: string) => string,
  user: { role?: string; role_label?: string } | null | undefined,
): string {
  const key = roleKey(user?.role ?? '')
  if (key !== 'roles.unknown') return t(key)
  return user?.role_label || t(key)
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
