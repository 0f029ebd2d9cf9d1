// Who is signed in, and their display preferences (大字模式, language), shared by the
// console and the mobile site. The server stores the preferences per user; a choice made on
// a login page before anyone is signed in is saved to the account that then signs in.
import { reactive } from 'vue'
import { api, ApiError, setCsrf } from './api'
import { applyLang, currentLang, isLang, type Lang } from './i18n'

export interface User {
  id: number
  username: string
  display_name: string
  role: string
  role_label?: string
  place_id: number | null
  place_name: string
  must_change_password: boolean
}

export interface Preferences {
  large_text?: boolean
  lang?: Lang
}

interface MeResponse {
  user: User
  csrf: string
  preferences: Preferences
  demo: boolean
}

interface LoginResponse {
  user: User
  csrf: string
}

export type Notice = '' | 'expired' | 'logged_out'

export const session = reactive({
  user: null as User | null,
  demo: false,
  checked: false, // GET /api/me has answered once since the page loaded
  notice: '' as Notice,
  largeText: false,
})

// What was chosen on a login page, to be stored once someone signs in.
let pending: Preferences = {}
let titleKey = 'app.title'

export function setTitleKey(key: string) {
  titleKey = key
}

export function applyLargeText(on: boolean) {
  session.largeText = on
  document.documentElement.classList.toggle('xf-large', on)
}

function applyPrefs(p: Preferences) {
  applyLargeText(p.large_text === true)
  applyLang(isLang(p.lang) ? p.lang : currentLang(), titleKey)
}

function adopt(user: User, csrf: string) {
  session.user = user
  session.notice = ''
  setCsrf(csrf)
}

export function clearSession(notice: Notice) {
  session.user = null
  session.notice = notice
  setCsrf('')
}

// Ask the server who we are (once per page load unless forced).
export async function loadSession(force = false): Promise<User | null> {
  if (session.checked && !force) return session.user
  try {
    const me = await api<MeResponse>('GET', '/api/me')
    adopt(me.user, me.csrf)
    session.demo = me.demo
    applyPrefs(me.preferences ?? {})
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 401) throw e
    clearSession(e.code === 'session_expired' ? 'expired' : '')
  } finally {
    session.checked = true
  }
  return session.user
}

export async function login(username: string, password: string): Promise<User> {
  const r = await api<LoginResponse>('POST', '/api/session', { username, password })
  adopt(r.user, r.csrf)
  if (Object.keys(pending).length > 0) {
    await api<Preferences>('PUT', '/api/me/preferences', pending)
    pending = {}
  }
  await loadSession(true)
  return r.user
}

export async function logout() {
  try {
    await api('DELETE', '/api/session')
  } catch (e) {
    // An already-ended session is as good as a logout; anything else is worth reporting.
    if (!(e instanceof ApiError) || e.status !== 401) throw e
  }
  clearSession('logged_out')
  pending = {}
  applyPrefs({ large_text: false, lang: 'zh-CN' })
}

// Change a preference: at once on the page, then on the server when someone is signed in.
// On failure the page goes back to what it showed and the error is rethrown.
export async function setPreference(patch: Preferences): Promise<void> {
  const before: Preferences = { large_text: session.largeText, lang: currentLang() }
  applyPrefs({ ...before, ...patch })
  if (!session.user) {
    pending = { ...pending, ...patch }
    return
  }
  try {
    const stored = await api<Preferences>('PUT', '/api/me/preferences', patch)
    applyPrefs({ ...before, ...stored })
  } catch (e) {
    applyPrefs(before) // not saved: the page shows what is stored
    throw e
  }
}
