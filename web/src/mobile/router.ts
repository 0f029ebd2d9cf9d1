import { createRouter, createWebHistory, type RouteLocationRaw } from 'vue-router'
import { accountDue, loadSession, session } from '../shared/session'

declare module 'vue-router' {
  interface RouteMeta {
    auth?: boolean
    tab?: string
  }
}

export const router = createRouter({
  history: createWebHistory('/m/'),
  routes: [
    { path: '/login', name: 'login', component: () => import('./views/LoginPage.vue') },
    { path: '/', redirect: { name: 'me' } },
    {
      path: '/me',
      name: 'me',
      component: () => import('./views/MePage.vue'),
      meta: { auth: true, tab: 'me' },
    },
    {
      path: '/cases',
      name: 'cases',
      component: () => import('./views/CasesPage.vue'),
      meta: { auth: true, tab: 'cases' },
    },
    {
      path: '/cases/new',
      name: 'case-new',
      component: () => import('./views/CaseNewPage.vue'),
      meta: { auth: true },
    },
    {
      path: '/cases/:id(\\d+)',
      name: 'case',
      component: () => import('./views/CaseDetailPage.vue'),
      meta: { auth: true },
    },
    // 双报到: the resident's 微心愿 tab and the party member's 报到 and 服务 tabs.
    {
      path: '/wishes',
      name: 'wishes',
      component: () => import('./views/coop/WishesPage.vue'),
      meta: { auth: true, tab: 'wishes' },
    },
    {
      path: '/wishes/new',
      name: 'wish-new',
      component: () => import('./views/coop/WishNewPage.vue'),
      meta: { auth: true },
    },
    {
      path: '/wishes/:id(\\d+)',
      name: 'wish',
      component: () => import('./views/coop/WishDetailPage.vue'),
      meta: { auth: true },
    },
    {
      path: '/report',
      name: 'coop-report',
      component: () => import('./views/coop/ReportPage.vue'),
      meta: { auth: true, tab: 'report' },
    },
    {
      path: '/service',
      name: 'coop-service',
      component: () => import('./views/coop/ServicePage.vue'),
      meta: { auth: true, tab: 'service' },
    },
    {
      path: '/service/posts',
      name: 'coop-posts',
      component: () => import('./views/coop/PostsPage.vue'),
      meta: { auth: true },
    },
    {
      path: '/service/wishes',
      name: 'coop-claim-wishes',
      component: () => import('./views/coop/ClaimWishesPage.vue'),
      meta: { auth: true },
    },
    {
      path: '/service/activities',
      name: 'coop-activities',
      component: () => import('./views/coop/ActivitiesPage.vue'),
      meta: { auth: true },
    },
    {
      path: '/service/scan',
      name: 'coop-scan',
      component: () => import('./views/coop/ScanPage.vue'),
      meta: { auth: true },
    },
    {
      path: '/service/mine',
      name: 'coop-mine',
      component: () => import('./views/coop/MyServicePage.vue'),
      meta: { auth: true },
    },
    // 民主评议: the member's yearly sheet (from 我的).
    {
      path: '/review/sheet',
      name: 'review-sheet',
      component: () => import('./views/review/MySheetPage.vue'),
      meta: { auth: true },
    },
    // 党员积分: the member's points (from 我的) and the shop counter's three tabs.
    {
      path: '/points',
      name: 'points',
      component: () => import('./views/points/PointsPage.vue'),
      meta: { auth: true },
    },
    {
      path: '/points/code',
      name: 'points-code',
      component: () => import('./views/points/CodePage.vue'),
      meta: { auth: true },
    },
    {
      path: '/points/gift',
      name: 'points-gift',
      component: () => import('./views/points/GiftPage.vue'),
      meta: { auth: true },
    },
    {
      path: '/shop',
      name: 'shop-counter',
      component: () => import('./views/points/CounterPage.vue'),
      meta: { auth: true, tab: 'counter' },
    },
    {
      path: '/shop/items',
      name: 'shop-items',
      component: () => import('./views/points/ItemsPage.vue'),
      meta: { auth: true, tab: 'items' },
    },
    {
      path: '/shop/records',
      name: 'shop-records',
      component: () => import('./views/points/RecordsPage.vue'),
      meta: { auth: true, tab: 'records' },
    },
    // 一核多元 (part B): 社区事务 — notices, conventions to sign, rotas, rating the property company.
    {
      path: '/civic',
      name: 'civic',
      component: () => import('./views/civic/CivicPage.vue'),
      meta: { auth: true, tab: 'civic' },
    },
    {
      path: '/civic/notices/:id(\\d+)',
      name: 'civic-notice',
      component: () => import('./views/civic/NoticePage.vue'),
      meta: { auth: true },
    },
    {
      path: '/civic/conventions/:id(\\d+)',
      name: 'civic-convention',
      component: () => import('./views/civic/ConventionPage.vue'),
      meta: { auth: true },
    },
    {
      path: '/civic/rate',
      name: 'civic-rate',
      component: () => import('./views/civic/RatePage.vue'),
      meta: { auth: true },
    },
    // 重心下移: the community's 经费公示 (首页; also public with ?place=) and 场地预约.
    {
      path: '/home',
      name: 'home',
      component: () => import('./views/funds/DisclosurePage.vue'),
      meta: { auth: true, tab: 'home' },
    },
    {
      path: '/disclosure',
      name: 'disclosure',
      component: () => import('./views/funds/DisclosurePage.vue'),
    },
    {
      path: '/venues',
      name: 'venues',
      component: () => import('./views/funds/VenuesPage.vue'),
      meta: { auth: true },
    },
    // 党代表: the delegate's studio (cases, visits, 述职).
    {
      path: '/studio',
      name: 'duty-studio',
      component: () => import('./views/duty/StudioPage.vue'),
      meta: { auth: true, tab: 'studio' },
    },
    // 议事 (一核多元): votes, proposals and decisions to rate.
    {
      path: '/gov',
      name: 'gov',
      component: () => import('./views/gov/GovPage.vue'),
      meta: { auth: true, tab: 'gov' },
    },
    {
      path: '/gov/votes/:id(\\d+)',
      name: 'gov-vote',
      component: () => import('./views/gov/VotePage.vue'),
      meta: { auth: true },
    },
    {
      path: '/gov/proposals/new',
      name: 'gov-proposal-new',
      component: () => import('./views/gov/ProposalNewPage.vue'),
      meta: { auth: true },
    },
    {
      path: '/gov/proposals/:id(\\d+)',
      name: 'gov-proposal',
      component: () => import('./views/gov/ProposalPage.vue'),
      meta: { auth: true },
    },
    {
      path: '/gov/decisions/:id(\\d+)',
      name: 'gov-decision',
      component: () => import('./views/gov/DecisionPage.vue'),
      meta: { auth: true },
    },
    {
      path: '/password',
      name: 'password',
      component: () => import('./views/PasswordPage.vue'),
      meta: { auth: true },
    },
    { path: '/:rest(.*)*', redirect: { name: 'me' } },
  ],
})

export function safeRedirect(v: unknown): RouteLocationRaw {
  if (typeof v === 'string' && v.startsWith('/') && !v.startsWith('//') && !v.startsWith('/login'))
    return v
  return { name: 'me' }
}

router.beforeEach(async (to) => {
  try {
    await loadSession()
  } catch {
    // Unreachable server: the login page reports it when the person tries.
  }
  if (to.meta.auth && !session.user)
    return { name: 'login', query: to.name === 'me' ? {} : { redirect: to.fullPath } }
  if (to.name === 'login' && session.user) return safeRedirect(to.query.redirect)
  // A new or reset password must be changed before anything else (我的 says why when the
  // account owes a second factor, which is enrolled on the console).
  if (to.meta.auth && accountDue().includes('password') && to.name !== 'password')
    return { name: 'password' }
  return true
})
