// Who is signed in, their grants, what their account still owes (a new password, a second
// factor) and their display preferences (大字模式, language), shared by the console and the
// mobile site. The server stores the preferences per user; a choice made on a login page
// before anyone is signed in is saved to the account that then signs in.
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
  grant_id: number
  grants: number // how many grants the account holds
  must_change_password: boolean
  totp_enabled: boolean
}

// A grant: a role over a place's subtree. The session uses one at a time.
export interface Grant {
  id: number
  role: string
  role_label: string
  place_id: number
  place_name: string
}

export interface Preferences {
  large_text?: boolean
  lang?: Lang
}

interface MeResponse {
  user: User
  csrf: string
  preferences: Preferences
  grants: Grant[]
  demo: boolean
  second_factor_required: boolean
}

interface LoginResponse {
  user: User
  csrf: string
  second_factor_required: boolean
}

// What the account must do before anything but its own pages works.
export type AccountDue = 'password' | 'totp'

export type Notice = '' | 'expired' | 'logged_out'

export const session = reactive({
  user: null as User | null,
  grants: [] as Grant[],
  secondFactorRequired: false,
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

function adopt(user: User, csrf: string, secondFactorRequired: boolean) {
  session.user = user
  session.secondFactorRequired = secondFactorRequired
  session.notice = ''
  setCsrf(csrf)
}

export function clearSession(notice: Notice) {
  session.user = null
  session.grants = []
  session.secondFactorRequired = false
  session.notice = notice
  setCsrf('')
}

// The steps the signed-in account still owes, in the order the server checks them.
export function accountDue(): AccountDue[] {
  const due: AccountDue[] = []
  if (!session.user) return due
  if (session.secondFactorRequired) due.push('totp')
  if (session.user.must_change_password) due.push('password')
  return due
}

// A 403 said the account owes a step the page did not know about: remember it.
export function noteAccountDue(code: string) {
  if (!session.user) return
  if (code === 'second_factor_required') session.secondFactorRequired = true
  if (code === 'password_change_required') session.user.must_change_password = true
}

// Ask the server who we are (once per page load unless forced).
export async function loadSession(force = false): Promise<User | null> {
  if (session.checked && !force) return session.user
  try {
    const me = await api<MeResponse>('GET', '/api/me')
    adopt(me.user, me.csrf, me.second_factor_required === true)
    session.grants = me.grants ?? []
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

export interface Credentials {
  username?: string
  password?: string
  otp?: string // the TOTP code, when the server answered 401 otp_required
  phone?: string
  code?: string // the SMS code
}

// Sign in with a username and password (and TOTP code), or a phone number and SMS code.
export async function login(c: Credentials): Promise<User> {
  const body: Credentials = c.phone
    ? { phone: c.phone, code: c.code }
    : { username: c.username, password: c.password, ...(c.otp ? { otp: c.otp } : {}) }
  const r = await api<LoginResponse>('POST', '/api/session', body)
  adopt(r.user, r.csrf, r.second_factor_required === true)
  if (Object.keys(pending).length > 0) {
    await api<Preferences>('PUT', '/api/me/preferences', pending)
    pending = {}
  }
  await loadSession(true)
  return r.user
}

export async function requestSmsCode(phone: string): Promise<{ sent: boolean; expires_in: number }> {
  return api('POST', '/api/session/sms-code', { phone })
}

// Make another of the account's grants the active one (the place in scope changes with it).
export async function switchGrant(grantId: number): Promise<User | null> {
  await api<{ user: User }>('PUT', '/api/session/grant', { grant_id: grantId })
  return loadSession(true)
}

export async function changePassword(oldPassword: string, newPassword: string): Promise<void> {
  await api('PUT', '/api/me/password', { old_password: oldPassword, new_password: newPassword })
  await loadSession(true)
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
