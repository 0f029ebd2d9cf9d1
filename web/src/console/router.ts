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
    {
      path: '/',
      component: () => import('./views/ShellLayout.vue'),
      meta: { auth: true },
      children: [
        { path: '', name: 'workbench', component: () => import('./views/WorkbenchPage.vue') },
        { path: 'account', name: 'account', component: () => import('./views/AccountPage.vue') },
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
