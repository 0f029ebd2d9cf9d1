// 双报到 and co-building, as both apps see it: the shapes the server sends (src/coop/coop.c),
// the labels of their states, arrival codes and small formatting helpers.
import { api } from './api'

export interface Page<T> {
  items: T[]
  next: string | null
}

// The kinds of organisation that report to a street as a unit (单位报到; src/coop/coop.c).
export const UNIT_KINDS = ['resident_unit', 'unit_party', 'enterprise', 'enterprise_party', 'social_org']

export interface Registration {
  id: number
  kind: 'member' | 'unit'
  status: 'pending' | 'approved' | 'rejected'
  person_name: string
  org_name: string
  place_name: string
  created_at: number
  decided_at: number
  note: string
  person_id: number
  org_id: number
}

export interface Post {
  id: number
  title: string
  description: string
  schedule: string
  capacity: number
  skills: string
  status: string
  place_name: string
  claimed: number
  mine: boolean
}

export type WishStatus = 'posted' | 'approved' | 'rejected' | 'claimed' | 'fulfilled' | 'confirmed'
export type Rating = 'satisfied' | 'basically_satisfied' | 'unsatisfied'

export interface Wish {
  id: number
  title: string
  description: string
  status: WishStatus
  status_label: string
  place_name: string
  place_id: number
  resident: string
  claimed_by: string
  created_at: number
  due_at: number
  fulfilled_at: number
  fulfil_note: string
  rating: Rating | ''
  confirmed_at: number
  review_note: string
  mine_to_fulfil: boolean
  entered_on_behalf: boolean
  is_mine?: boolean // the detail only
}

export type ActivityKind = 'workday' | '80365' | 'other'

export interface RosterLine {
  person_id: number
  name: string
  status: 'signed' | 'waiting'
  arrived_at: number
  arrived_by: '' | 'code' | 'roster'
  minutes: number | null
}

export interface Activity {
  id: number
  kind: ActivityKind
  title: string
  description: string
  starts_at: number
  ends_at: number
  capacity: number
  place_name: string
  place_id: number
  confirmed: boolean
  signed: number
  waiting: number
  my_status: '' | 'signed' | 'waiting' | 'cancelled'
  my_minutes?: number | null
  my_arrived_at?: number
  my_position?: number
  roster?: RosterLine[] // staff over the activity
}

export interface ArrivalCode {
  code: string
  valid_until: number
  qr_svg: string
}

export type Side = 'unit' | 'community'
export type ListKind = 'need' | 'resource' | 'service'

export interface Agreement {
  id: number
  year: number
  title: string
  unit_name: string
  place_name: string
  signed_at: number
  items: number
  done: number
  claimed: number
}

export interface ListItem {
  id: number
  side: Side
  list: ListKind
  category: string
  title: string
  content: string
  quantity: number
  tags: string
  starts_at: number
  ends_at: number
  status: 'open' | 'claimed' | 'done'
  claimed_side: '' | Side
  commitment: string
  progress: number
}

export interface AgreementDetail {
  id: number
  year: number
  title: string
  unit: { id: number; name: string }
  place: { id: number; name: string }
  signed_at: number
  my_side: Side
  items: ListItem[]
}

export interface Match {
  id: number
  status: 'proposed' | 'forwarded' | 'hired' | 'declined'
  score: number
  name: string
  phone: string
  place_name: string
  resource: string
  person_id: number
  resource_id: number
}

export interface MatchPage {
  item_id: number
  quantity: number
  progress: number
  items: Match[]
  proposed_now?: number
}

export interface PointsAccount {
  id: number
  kind: string
  name: string
  balance: number
  available: number
  score: number
}

export interface PointsRule {
  id: number
  code: string
  name: string
  unit: string
  points_per_unit: number
  cap_per_outcome: number
  cap_per_day: number
  enabled: boolean
}

// Roles that live in a community and can be party members on the mobile site.
export const MEMBER_ROLES = ['party_member', 'inservice_member', 'building_member']
export function isMemberRole(role: string | undefined): boolean {
  return MEMBER_ROLES.includes(role ?? '')
}

export const WISH_STATUSES: WishStatus[] = ['posted', 'approved', 'claimed', 'fulfilled', 'confirmed', 'rejected']
export const RATINGS: Rating[] = ['satisfied', 'basically_satisfied', 'unsatisfied']

type T = (key: string, values?: Record<string, unknown>) => string

export function wishStatusText(t: T, s: string, fallback = ''): string {
  return (WISH_STATUSES as string[]).includes(s) ? t(`coop.wish.status.${s}`) : fallback || s
}

// Vant tag colours (Element takes the same names except 'danger' → 'danger' too).
export function wishTagType(s: string): 'primary' | 'success' | 'warning' | 'danger' | 'default' {
  switch (s) {
    case 'approved':
      return 'primary'
    case 'claimed':
    case 'posted':
      return 'warning'
    case 'fulfilled':
      return 'danger'
    case 'confirmed':
      return 'success'
    default:
      return 'default'
  }
}

export function elTagType(s: string): 'primary' | 'success' | 'warning' | 'danger' | 'info' {
  const v = wishTagType(s)
  return v === 'default' ? 'info' : v
}

export function regStatusType(s: string): 'success' | 'warning' | 'info' | 'danger' {
  return s === 'approved' ? 'success' : s === 'pending' ? 'warning' : 'danger'
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n)
}

// Times are shown in Beijing time (UTC+8, no daylight saving), as the server counts days,
// quarters and years, whatever zone the phone or the browser is set to.
const BJ = 8 * 3600
function bj(sec: number): Date {
  return new Date((sec + BJ) * 1000)
}

export function ymd(sec: number): string {
  if (!sec) return '—'
  const d = bj(sec)
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`
}

export function hm(sec: number): string {
  const d = bj(sec)
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`
}

export function when(sec: number): string {
  return `${ymd(sec)} ${hm(sec)}`
}

// "2026-12-05 09:00–11:30" (same day) or two full times.
export function span(from: number, to: number): string {
  return ymd(from) === ymd(to) ? `${when(from)}–${hm(to)}` : `${when(from)} – ${when(to)}`
}

// Minutes as hours with one decimal ("2.5").
export function hours(minutes: number): string {
  const h = Math.round((minutes / 60) * 10) / 10
  return String(h)
}

// An arrival code is "XF-A<activity>-<window>-<mac>"; the activity number is in it, so one
// 扫码签到 page serves every activity. Anything else (a URL around it) is searched for the code.
const CODE = /XF-A(\d+)-\d+-[0-9a-f]+/
export function parseArrivalCode(text: string): { code: string; activity: number } | null {
  const m = CODE.exec(text.trim())
  if (!m) return null
  return { code: m[0], activity: Number(m[1]) }
}

export async function myPoints(): Promise<PointsAccount | null> {
  const r = await api<Page<PointsAccount>>('GET', '/api/points/accounts?owner=me')
  return r.items.find((a) => a.kind === 'person') ?? r.items[0] ?? null
}

export function activityKindText(t: T, k: string): string {
  return ['workday', '80365', 'other'].includes(k) ? t(`coop.activity.kind.${k}`) : k
}

// Seconds at Beijing midnight n days from today (list windows).
export function daysFromToday(n: number): number {
  const now = Math.floor(Date.now() / 1000)
  return now - ((now + BJ) % 86400) + n * 86400
}

// Seconds at the start of this year in Beijing.
export function yearStart(): number {
  const y = bj(Math.floor(Date.now() / 1000)).getUTCFullYear()
  return Date.UTC(y, 0, 1) / 1000 - BJ
}
