// 重心下移 in the browser: the shapes the funds, centres, venues and cadres API answers with,
// money in integer fen shown as yuan (formatted and parsed as text: never a float on an amount),
// areas in 0.01 m², and Beijing-time days and slots for the booking calendar.
import { api } from './api'

export interface Page<T> {
  items: T[]
  next?: string | null
}

export interface RuleItem {
  category: string
  name: string
  allowed: boolean
  cap_fen: number | null
  approver_role: string
  second_fen: number | null
  second_role: string
}

export interface RuleSet {
  id: number
  name: string
  published_at: number
  text: string
  items: RuleItem[]
}

export interface FundRow {
  id: number
  year: number
  kind: string
  name: string
  budget_fen: number
  place_name: string
  spent_fen: number
}

export interface CategoryRow {
  category: string
  name: string
  spent_fen: number
  pending_fen: number
  deeds: number
}

export interface Fund {
  id: number
  year: number
  kind: string
  name: string
  budget_fen: number
  ruleset_id: number
  ruleset_name: string
  place_id: number
  place_name: string
  org_name: string
  committed_fen: number
  remaining_fen: number
  by_category: CategoryRow[]
}

export interface ExpenditureRow {
  id: number
  category: string
  title: string
  amount_fen: number
  status: 'pending' | 'approved' | 'rejected' | 'paid' | string
  created_at: number
  deeds: number
  steps: number
  approved_steps: number
}

export interface Approval {
  step: number
  by: string
  role: string
  decision: 'approved' | 'rejected' | string
  note: string
  at: number
}

export interface Expenditure {
  id: number
  fund_id: number
  fund_name: string
  category: string
  category_name: string
  title: string
  amount_fen: number
  outcome: string
  deeds: number
  status: string
  steps: number
  requested_by: string
  created_at: number
  decided_at: number
  paid_at: number
  vouchers: number
  approvals: Approval[]
}

export interface DisclosureItem {
  category: string
  title: string
  amount_fen: number
  outcome: string
  deeds: number
  date: number
}

export interface DisclosureFund {
  id: number
  name: string
  year: number
  budget_fen: number
  spent_fen: number
  deeds: number
  items: DisclosureItem[]
}

export interface Disclosure {
  place_id: number
  place_name: string
  funds: DisclosureFund[]
}

export interface Totals {
  budget_fen: number
  spent_fen: number
  deeds: number
  funds: number
}

export interface FundsReport {
  place_id: number
  year: number
  total: Totals
  by_category: { category: string; name: string; spent_fen: number; deeds: number; count: number }[]
  children: ({ place_id?: number; id?: number; name: string } & Partial<Totals>)[]
}

export interface CentreRow {
  id: number
  name: string
  place_id: number
  place_name: string
  area_cm2: number
  rooms: number
  open_projects: number
}

export interface CentresList extends Page<CentreRow> {
  count: number
  at_least_1000: number
}

export interface Room {
  id: number
  name: string
  kind: string
  capacity: number
  area_cm2: number
  needs_approval: boolean
}

export interface Project {
  id: number
  kind: 'new' | 'extend' | 'share' | 'swap' | 'buy' | string
  title: string
  area_cm2: number
  fund_id: number | null
  budget_fen: number
  status: string
  done_at: number | null
}

export interface Centre {
  id: number
  name: string
  address: string
  fitout: string
  place_name: string
  area_cm2: number
  rooms: Room[]
  projects: Project[]
}

export const LIUYOU = ['place', 'sign', 'system', 'equipment', 'activities', 'records'] as const
export interface LiuyouItem {
  item: (typeof LIUYOU)[number] | string
  ok: boolean
  evidence?: string
  at?: number
}
export interface Liuyou {
  org_id: number
  items: LiuyouItem[]
  met: number
  complete: boolean
}

export interface Venue {
  id: number
  name: string
  kind: string
  capacity: number
  area_cm2: number
  opens_min: number
  closes_min: number
  needs_approval: boolean
  place_name: string
  unit: string
  centre: string
}

export interface Booking {
  id: number
  starts_at: number
  ends_at: number
  status: 'pending' | 'approved' | string
  mine: boolean
  booked_by?: string
  purpose?: string
  people?: number
  arrived_at?: number
}

export interface CadreRow {
  id: number
  person_id: number
  name: string
  title: string
  place_name: string
  hired_at: number
  subsidy_fen: number
  training_hours: number
  one_shoulder: boolean
  pay_fen?: number
}

export interface Cadre {
  id: number
  person_id: number
  name: string
  title: string
  place_name: string
  hired_at: number
  left_at: number | null
  subsidy_fen: number
  pay_fen?: number
  positions?: { post: string; post_label: string; org_id: number; org_name: string; started_at: number }[]
  certificates: { kind: string; name: string; obtained_at: number }[]
  events: { kind: string; title: string; hours: number; at: number }[]
}

export interface CadresReport {
  place_id: number
  cadres: number
  certified: number
  subsidy_fen_per_month: number
  training_hours: number
  to_civil_service: number
  promotions: number
  local_average_wage_fen?: number
  average_pay_fen?: number
}

// ---- money: integer fen ⇄ yuan text ----

// 1234567 → "12,345.67" (grouping optional). Built from the integer's digits, no division.
export function yuan(fen: number | null | undefined, group = true): string {
  if (fen === null || fen === undefined || !Number.isFinite(fen)) return '—'
  const neg = fen < 0
  const digits = String(Math.abs(Math.trunc(fen))).padStart(3, '0')
  let whole = digits.slice(0, -2)
  const cents = digits.slice(-2)
  if (group) whole = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  return `${neg ? '-' : ''}${whole}.${cents}`
}

// Whole yuan for big headline numbers: 30000000 → "300,000" (the cents are dropped, not rounded).
export function wholeYuan(fen: number): string {
  return yuan(fen).replace(/\.\d\d$/, '')
}

// "1500", "1,500.5", "1500.05" → 150000, 150050, 150005; null when it is not an amount of money
// with at most two decimals. Parsed as text so 0.1 + 0.2 never happens.
export function parseYuan(text: string): number | null {
  const s = text.trim().replace(/[,，\s]/g, '').replace(/^¥/, '')
  const m = /^(\d{1,10})(?:\.(\d{0,2}))?$/.exec(s)
  if (!m) return null
  const fen = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'))
  return Number.isSafeInteger(fen) ? fen : null
}

// A share of a whole as a whole percent for bars (display only, never stored).
export function percent(part: number, whole: number): number {
  if (whole <= 0) return 0
  return Math.max(0, Math.min(100, Math.round((part * 100) / whole)))
}

// 0.01 m² → "1,234.5" m² (from the integer's digits).
export function sqm(cm2: number | null | undefined): string {
  if (!cm2) return '0'
  return yuan(cm2).replace(/\.00$/, '').replace(/(\.\d)0$/, '$1')
}

// ---- Beijing time: the calendar's days and opening hours ----

const BJ = 8 * 3600

// The Beijing calendar day (YYYY-MM-DD) holding a UTC second.
export function bjDay(sec: number): string {
  const d = new Date((sec + BJ) * 1000)
  return d.toISOString().slice(0, 10)
}

// UTC seconds of midnight Beijing time on a YYYY-MM-DD day.
export function bjMidnight(day: string): number {
  const [y, m, d] = day.split('-').map(Number)
  return Date.UTC(y, m - 1, d) / 1000 - BJ
}

// "HH:MM" of minutes after midnight.
export function hhmm(min: number): string {
  const h = Math.floor(min / 60)
  const m = min % 60
  return `${h < 10 ? '0' : ''}${h}:${m < 10 ? '0' : ''}${m}`
}

// "HH:MM" Beijing time of a UTC second.
export function bjClock(sec: number): string {
  return hhmm(Math.floor((((sec + BJ) % 86400) + 86400) % 86400 / 60))
}

// The next `n` Beijing days starting today.
export function nextDays(n: number, now = Date.now() / 1000): string[] {
  const today = bjMidnight(bjDay(now))
  return Array.from({ length: n }, (_, i) => bjDay(today + i * 86400 + 3600))
}

export interface Slot {
  starts_at: number
  ends_at: number
  taken: Booking | null // the booking overlapping the slot, if any
  past: boolean
}

// One-hour slots of a day within the venue's opening hours (a last shorter slot if the
// hours do not divide), each marked taken by an overlapping booking or past.
export function daySlots(v: Venue, day: string, bookings: Booking[], now = Date.now() / 1000): Slot[] {
  const base = bjMidnight(day)
  const out: Slot[] = []
  for (let m = v.opens_min; m < v.closes_min; m += 60) {
    const s = base + m * 60
    const e = base + Math.min(m + 60, v.closes_min) * 60
    const taken = bookings.find((b) => b.starts_at < e && b.ends_at > s) ?? null
    out.push({ starts_at: s, ends_at: e, taken, past: s < now })
  }
  return out
}

// ---- calls ----

export const getFund = (id: number) => api<Fund>('GET', `/api/funds/${id}`)
export const getExpenditure = (id: number) => api<Expenditure>('GET', `/api/expenditures/${id}`)
export const listRules = () => api<Page<RuleSet>>('GET', '/api/fund-rules')
export function listFunds(place?: number | null, year?: number | null) {
  const q = new URLSearchParams()
  if (place) q.set('place', String(place))
  if (year) q.set('year', String(year))
  return api<Page<FundRow>>('GET', `/api/funds${q.toString() ? `?${q}` : ''}`)
}
export function listExpenditures(fundId: number, status = '') {
  const q = new URLSearchParams({ fund_id: String(fundId) })
  if (status) q.set('status', status)
  return api<Page<ExpenditureRow>>('GET', `/api/expenditures?${q}`)
}
export function listBookings(venueId: number, from: number, to: number) {
  return api<Page<Booking>>('GET', `/api/bookings?venue_id=${venueId}&from=${from}&to=${to}`)
}
export function listVenues(place?: number | null) {
  return api<Page<Venue>>('GET', `/api/venues${place ? `?place=${place}` : ''}`)
}

// Comma-separated values with a BOM so Excel opens the Chinese as UTF-8.
export function downloadCsv(name: string, rows: (string | number)[][]) {
  const cell = (v: string | number) => {
    const s = String(v)
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
  }
  const text = rows.map((r) => r.map(cell).join(',')).join('\r\n')
  const url = URL.createObjectURL(new Blob(['\ufeff', text], { type: 'text/csv;charset=utf-8' }))
  const a = document.createElement('a')
  a.href = url
  a.download = `${name}.csv`
  a.click()
  setTimeout(() => URL.revokeObjectURL(url), 1000)
}
