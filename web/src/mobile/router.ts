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
