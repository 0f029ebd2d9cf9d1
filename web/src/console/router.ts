import { createRouter, createWebHistory, type RouteLocationRaw } from 'vue-router'
import { loadSession, session } from '../shared/session'
import { isAdmin } from '../shared/roles'

declare module 'vue-router' {
  interface RouteMeta {
    auth?: boolean // needs a signed-in user
    admin?: boolean // needs the admin role
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
        {
          path: 'system',
          name: 'system',
          component: () => import('./views/SystemPage.vue'),
          meta: { admin: true },
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
  if (to.meta.admin && !isAdmin(user?.role)) return { name: 'workbench' }
  return true
})
