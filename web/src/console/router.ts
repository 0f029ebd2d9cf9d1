import { createRouter, createWebHistory, type RouteLocationRaw } from 'vue-router'
import { accountDue, loadSession, session } from '../shared/session'
import { can, type Perm } from '../shared/roles'

declare module 'vue-router' {
  interface RouteMeta {
    auth?: boolean // needs a signed-in user
    perm?: Perm // needs a role holding this permission (menus follow the same table)
  }
}

export const router = createRouter({
  history: createWebHistory('/'),
  routes: [
    { path: '/login', name: 'login', component: () => import('./views/LoginPage.vue') },
    // The arrival QR code for the big screen: the whole window, no menu.
    {
      path: '/coop/activities/:id(\\d+)/code',
      name: 'coop-activity-code',
      component: () => import('./views/coop/ActivityCodePage.vue'),
      meta: { auth: true, perm: 'coop.manage' },
    },
    // 大屏模式: the command-centre display, the whole window.
    {
      path: '/dash/screen',
      name: 'dash-screen',
      component: () => import('./views/dash/ScreenPage.vue'),
      meta: { auth: true, perm: 'dash.read' },
    },
    {
      path: '/',
      component: () => import('./views/ShellLayout.vue'),
      meta: { auth: true },
      children: [
        { path: '', name: 'workbench', component: () => import('./views/WorkbenchPage.vue') },
        {
          path: 'dash',
          name: 'dashboard',
          component: () => import('./views/dash/DashboardPage.vue'),
          meta: { perm: 'dash.read' },
        },
        {
          path: 'dash/seed',
          name: 'dash-seed',
          component: () => import('./views/dash/SeedPage.vue'),
          meta: { perm: 'dash.read' },
        },
        { path: 'account', name: 'account', component: () => import('./views/AccountPage.vue') },
        // 民主协商 (一核多元): proposals, meetings, votes with paper ballots, decisions.
        {
          path: 'gov/proposals',
          name: 'gov-proposals',
          component: () => import('./views/gov/ProposalsPage.vue'),
          meta: { perm: 'gov.read' },
        },
        {
          path: 'gov/meetings',
          name: 'gov-meetings',
          component: () => import('./views/gov/MeetingsPage.vue'),
          meta: { perm: 'gov.read' },
        },
        {
          path: 'gov/votes',
          name: 'gov-votes',
          component: () => import('./views/gov/VotesPage.vue'),
          meta: { perm: 'gov.read' },
        },
        {
          path: 'gov/votes/:id(\\d+)',
          name: 'gov-vote-console',
          component: () => import('./views/gov/VotePage.vue'),
          meta: { perm: 'gov.read' },
        },
        {
          path: 'gov/decisions',
          name: 'gov-decisions',
          component: () => import('./views/gov/DecisionsPage.vue'),
          meta: { perm: 'gov.read' },
        },
        {
          path: 'system',
          name: 'system',
          component: () => import('./views/SystemPage.vue'),
          meta: { perm: 'system.status' },
        },
        {
          path: 'system/users',
          name: 'users',
          component: () => import('./views/UsersPage.vue'),
          meta: { perm: 'users.read' },
        },
        {
          path: 'system/tokens',
          name: 'tokens',
          component: () => import('./views/TokensPage.vue'),
          meta: { perm: 'tokens.manage' },
        },
        {
          path: 'system/audit',
          name: 'audit',
          component: () => import('./views/AuditPage.vue'),
          meta: { perm: 'audit.read' },
        },
        {
          path: 'registry/coverage',
          name: 'coverage',
          component: () => import('./views/CoveragePage.vue'),
          meta: { perm: 'registry.read' },
        },
        {
          path: 'registry/places',
          name: 'places',
          component: () => import('./views/PlacesPage.vue'),
          meta: { perm: 'registry.read' },
        },
        {
          path: 'registry/people',
          name: 'people',
          component: () => import('./views/PeoplePage.vue'),
          meta: { perm: 'people.read' },
        },
        {
          path: 'registry/import',
          name: 'import',
          component: () => import('./views/ImportPage.vue'),
          meta: { perm: 'registry.manage' },
        },
        {
          path: 'cases',
          name: 'cases',
          component: () => import('./views/CasesPage.vue'),
          meta: { perm: 'cases.handle' },
        },
        {
          path: 'cases/studio',
          name: 'cases-studio',
          component: () => import('./views/CasesPage.vue'),
          meta: { perm: 'cases.studio' },
        },
        {
          path: 'cases/batch',
          name: 'cases-batch',
          component: () => import('./views/CaseBatchPage.vue'),
          meta: { perm: 'cases.enter' },
        },
        {
          path: 'cases/rates',
          name: 'cases-rates',
          component: () => import('./views/CaseRatesPage.vue'),
          meta: { perm: 'cases.report' },
        },
        // 双报到 and 共建共享.
        {
          path: 'coop/registrations',
          name: 'coop-registrations',
          component: () => import('./views/coop/RegistrationsPage.vue'),
          meta: { perm: 'coop.manage' },
        },
        {
          path: 'coop/unit-report',
          name: 'coop-unit-report',
          component: () => import('./views/coop/UnitReportPage.vue'),
          meta: { perm: 'coop.unitReport' },
        },
        {
          path: 'coop/wishes',
          name: 'coop-wishes',
          component: () => import('./views/coop/WishesPage.vue'),
          meta: { perm: 'coop.manage' },
        },
        {
          path: 'coop/posts',
          name: 'coop-posts',
          component: () => import('./views/coop/PostsPage.vue'),
          meta: { perm: 'coop.manage' },
        },
        {
          path: 'coop/activities',
          name: 'coop-activities',
          component: () => import('./views/coop/ActivitiesPage.vue'),
          meta: { perm: 'coop.manage' },
        },
        {
          path: 'coop/volunteers',
          name: 'coop-volunteers',
          component: () => import('./views/coop/VolunteersPage.vue'),
          meta: { perm: 'coop.manage' },
        },
        {
          path: 'coop/service-report',
          name: 'coop-service-report',
          component: () => import('./views/coop/ServiceReportPage.vue'),
          meta: { perm: 'coop.manage' },
        },
        {
          path: 'coop/agreements',
          name: 'coop-agreements',
          component: () => import('./views/coop/AgreementsPage.vue'),
          meta: { perm: 'coop.agreements' },
        },
        {
          path: 'coop/agreements/:id(\\d+)',
          name: 'coop-agreement',
          component: () => import('./views/coop/AgreementPage.vue'),
          meta: { perm: 'coop.agreements' },
        },
        // 积分管理.
        {
          path: 'points/rules',
          name: 'points-rules',
          component: () => import('./views/points/RulesPage.vue'),
          meta: { perm: 'points.read' },
        },
        {
          path: 'points/awards',
          name: 'points-awards',
          component: () => import('./views/points/AwardsPage.vue'),
          meta: { perm: 'points.read' },
        },
        {
          path: 'points/issuers',
          name: 'points-issuers',
          component: () => import('./views/points/IssuersPage.vue'),
          meta: { perm: 'points.read' },
        },
        {
          path: 'points/accounts/:id(\\d+)',
          name: 'points-account',
          component: () => import('./views/points/AccountPage.vue'),
          meta: { perm: 'points.read' },
        },
        // 经费阵地 (重心下移).
        {
          path: 'funds',
          name: 'funds',
          component: () => import('./views/funds/FundsPage.vue'),
          meta: { perm: 'funds.read' },
        },
        {
          path: 'funds/:id(\\d+)',
          name: 'fund',
          component: () => import('./views/funds/FundPage.vue'),
          meta: { perm: 'funds.read' },
        },
        {
          path: 'funds/approvals',
          name: 'fund-approvals',
          component: () => import('./views/funds/ApprovalsPage.vue'),
          meta: { perm: 'funds.read' },
        },
        {
          path: 'funds/rules',
          name: 'fund-rules',
          component: () => import('./views/funds/RulesPage.vue'),
          meta: { perm: 'funds.read' },
        },
        {
          path: 'funds/report',
          name: 'funds-report',
          component: () => import('./views/funds/ReportPage.vue'),
          meta: { perm: 'funds.read' },
        },
        {
          path: 'funds/centres',
          name: 'centres',
          component: () => import('./views/funds/CentresPage.vue'),
          meta: { perm: 'funds.read' },
        },
        {
          path: 'funds/venues',
          name: 'venues',
          component: () => import('./views/funds/VenuesPage.vue'),
          meta: { perm: 'funds.manage' },
        },
        {
          path: 'funds/cadres',
          name: 'cadres',
          component: () => import('./views/funds/CadresPage.vue'),
          meta: { perm: 'cadres.read' },
        },
        // 一核多元 (part B): conventions and rotas, ventures, social organisations, notices;
        // 三方联动 (meetings, commitments, property ratings).
        {
          path: 'civic/conventions',
          name: 'civic-conventions',
          component: () => import('./views/civic/ConventionsPage.vue'),
          meta: { perm: 'civic.manage' },
        },
        {
          path: 'civic/ventures',
          name: 'civic-ventures',
          component: () => import('./views/civic/VenturesPage.vue'),
          meta: { perm: 'civic.manage' },
        },
        {
          path: 'civic/incubators',
          name: 'civic-incubators',
          component: () => import('./views/civic/IncubatorsPage.vue'),
          meta: { perm: 'civic.manage' },
        },
        {
          path: 'civic/notices',
          name: 'civic-notices',
          component: () => import('./views/civic/NoticesPage.vue'),
          meta: { perm: 'civic.manage' },
        },
        {
          path: 'tripartite',
          name: 'tripartite',
          component: () => import('./views/civic/TripartitePage.vue'),
          meta: { perm: 'civic.tripartite' },
        },
        {
          path: 'tripartite/commitments',
          name: 'tripartite-commitments',
          component: () => import('./views/civic/TripartitePage.vue'),
          props: { initialTab: 'commitments' },
          meta: { perm: 'civic.tripartite' },
        },
        {
          path: 'tripartite/ratings',
          name: 'tripartite-ratings',
          component: () => import('./views/civic/TripartitePage.vue'),
          props: { initialTab: 'ratings' },
          meta: { perm: 'civic.tripartite' },
        },
        // 评议考核.
        {
          path: 'review/branches',
          name: 'review-branches',
          component: () => import('./views/review/BranchesPage.vue'),
          meta: { perm: 'review.read' },
        },
        {
          path: 'review/ratings',
          name: 'review-ratings',
          component: () => import('./views/review/RatingsPage.vue'),
          meta: { perm: 'review.read' },
        },
        {
          path: 'review/standards',
          name: 'review-standards',
          component: () => import('./views/review/StandardsPage.vue'),
          meta: { perm: 'review.read' },
        },
        {
          path: 'review/units',
          name: 'review-units',
          component: () => import('./views/review/UnitsPage.vue'),
          meta: { perm: 'review.read' },
        },
        {
          path: 'review/campaigns',
          name: 'review-campaigns',
          component: () => import('./views/review/CampaignsPage.vue'),
          meta: { perm: 'review.read' },
        },
        {
          path: 'review/members',
          name: 'review-members',
          component: () => import('./views/review/MembersPage.vue'),
          meta: { perm: 'review.read' },
        },
        {
          path: 'review/my-unit',
          name: 'review-my-unit',
          component: () => import('./views/review/MyUnitPage.vue'),
          meta: { perm: 'review.unitSelf' },
        },
        // 书记工程 and delegates.
        {
          path: 'duty/lists',
          name: 'duty-lists',
          component: () => import('./views/duty/ListsPage.vue'),
          meta: { perm: 'duty.read' },
        },
        {
          path: 'duty/meetings',
          name: 'duty-meetings',
          component: () => import('./views/duty/MeetingsPage.vue'),
          meta: { perm: 'duty.read' },
        },
        {
          path: 'duty/site-reviews',
          name: 'duty-site-reviews',
          component: () => import('./views/duty/MeetingsPage.vue'),
          meta: { perm: 'duty.read' },
        },
        {
          path: 'duty/instructors',
          name: 'duty-instructors',
          component: () => import('./views/duty/InstructorsPage.vue'),
          meta: { perm: 'duty.read' },
        },
        {
          path: 'duty/red-lines',
          name: 'duty-red-lines',
          component: () => import('./views/duty/RedLinesPage.vue'),
          meta: { perm: 'duty.read' },
        },
        {
          path: 'duty/delegates',
          name: 'duty-delegates',
          component: () => import('./views/duty/DelegatesPage.vue'),
          meta: { perm: 'duty.read' },
        },
        {
          path: ':rest(.*)*',
          name: 'not-found',
          component: () => import('./views/NotFoundPage.vue'),
        },
      ],
    },
  ],
})

// Only same-site paths are followed after login.
export function safeRedirect(v: unknown): RouteLocationRaw {
  if (typeof v === 'string' && v.startsWith('/') && !v.startsWith('//') && !v.startsWith('/login'))
    return v
  return { name: 'workbench' }
}

router.beforeEach(async (to) => {
  try {
    await loadSession()
  } catch {
    // The server is unreachable: the login page shows the error when the person tries.
  }
  const user = session.user
  if (to.meta.auth && !user)
    return { name: 'login', query: to.fullPath === '/' ? {} : { redirect: to.fullPath } }
  if (to.name === 'login' && user) return safeRedirect(to.query.redirect)
  // An account that owes a new password or a second factor has only its own page.
  if (to.meta.auth && accountDue().length > 0 && to.name !== 'account') return { name: 'account' }
  if (to.meta.perm && !can(user?.role, to.meta.perm)) return { name: 'workbench' }
  return true
})
