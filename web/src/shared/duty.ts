// Delegates and 书记工程 in the browser: the shapes /api/duty-lists, /api/joint-meetings,
// /api/site-reviews, /api/instructors, /api/red-lines, /api/red-line-violations, /api/delegates
// and /api/studios/{id} answer with. Every count (open, overdue, done, scores) is the server's;
// the pages only show and submit.
import { api } from './api'

export interface Page<T> {
  items: T[]
  next?: string | null
}

export type Level = 'city' | 'district' | 'street' | 'community'
export type ListKind = 'task' | 'responsibility' | 'problem'
export type State = 'open' | 'overdue' | 'done'

export interface Counts {
  open: number
  overdue: number
  done: number
}

export interface DutyItem {
  id: number
  place_id: number
  place_name: string
  level: Level
  list: ListKind
  title: string
  content: string
  owner: string
  due_at: number
  status: 'open' | 'done'
  state: State
  overdue: boolean
  done_at: number | null
  meeting_id: number | null
  review_id: number | null
  notes: number
  created_at: number
  follow_ups?: { id: number; note: string; done: boolean; created_at: number; by: string }[]
}

export interface DutyChild extends Counts {
  place_id: number
  name: string
  kind: string
}

export interface DutyLists {
  place_id: number
  level: Level
  place_kind: string
  items: DutyItem[]
  own: Counts
  below: Counts
  levels: Partial<Record<Level, Counts>>
  children: DutyChild[]
}

export interface Meeting {
  id: number
  place_id: number
  place_name: string
  level: string
  body: 'joint_meeting' | 'leading_group'
  title: string
  held_at: number
  agenda: string
  attendees: string
  decisions: number
  done: number
  overdue: number
  items?: DutyItem[]
}

export interface SiteReview {
  id: number
  place_id: number
  place_name: string
  year: number
  quarter: number
  title: string
  held_at: number
  host: string
  findings: number
  done: number
  overdue: number
  items?: DutyItem[]
}

export interface Instructor {
  id: number
  place_id: number
  place_name: string
  place_kind: string
  person_id: number
  name: string
  title: string
  started_at: number
  ended_at: number | null
  overdue_items: number
}

export interface RedLine {
  id: number
  ord: number
  category: string
  text: string
  active: boolean
  violations: number
}

export interface Violation {
  id: number
  red_line_id: number
  red_line: string
  category: string
  place_id: number
  place_name: string
  subject: string
  description: string
  found_at: number
  status: 'reported' | 'handled'
  handling: string
  handled_at: number | null
}

export interface DelegateRow {
  person_id: number
  name: string
  studio_id: number
  studio_name: string
  place_name: string
  since: number
  visits: number
  receptions: number
  inquiries: number
  cases: number
  last_score: number | null
}

export interface Visit {
  id: number
  person_id: number
  delegate: string
  kind: 'visit' | 'reception'
  held_at: number
  topic: string
  summary: string
  people: number
}

export interface Review {
  id: number
  person_id: number
  delegate: string
  year: number
  half: number
  report: string
  status: 'reported' | 'scored'
  score: number | null
  grade: string
  comment: string
}

export interface Inquiry {
  id: number
  person_id: number
  delegate: string
  kind: 'inquiry' | 'interpellation'
  target: string
  subject: string
  content: string
  status: 'open' | 'answered'
  answer: string
  created_at: number
}

export interface Studio {
  id: number
  name: string
  place_id: number
  place_name: string
  mine: boolean
  delegates: { person_id: number; name: string; since: number }[]
  visits: Visit[]
  reviews: Review[]
  inquiries: Inquiry[]
  cases: { total: number; open: number; items: { id: number; title: string; status: string; created_at: number }[] }
}

export const LEVELS: Level[] = ['city', 'district', 'street', 'community']
export const LISTS: ListKind[] = ['task', 'responsibility', 'problem']

function query(params: Record<string, string | number | null | undefined>): string {
  const q = Object.entries(params)
    .filter(([, v]) => v !== null && v !== undefined && v !== '' && v !== 0)
    .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`)
    .join('&')
  return q ? `?${q}` : ''
}

export function dutyLists(place?: number | null, kind = '', status = '') {
  return api<DutyLists>('GET', `/api/duty-lists${query({ place, kind, status })}`)
}
export function dutyItem(id: number) {
  return api<DutyItem>('GET', `/api/duty-lists/${id}`)
}
export function followUp(id: number, note: string, done: boolean) {
  return api<DutyItem>('POST', `/api/duty-lists/${id}/follow-up`, { note, done })
}
export function meetings(place?: number | null) {
  return api<Page<Meeting>>('GET', `/api/joint-meetings${query({ place })}`)
}
export function siteReviews(place?: number | null, year?: number | null) {
  return api<Page<SiteReview>>('GET', `/api/site-reviews${query({ place, year })}`)
}
export function studio(id: number) {
  return api<Studio>('GET', `/api/studios/${id}`)
}

// A spreadsheet the server makes (?format=xlsx), with the list's filters.
export function exportHref(path: string, params: Record<string, string | number | null | undefined> = {}) {
  return `${path}${query({ ...params, format: 'xlsx' })}`
}

// Beijing-time day of UTC seconds ("2026-11-27"), and a day back to seconds (end of that day).
export function day(sec: number | null | undefined): string {
  if (!sec) return '—'
  const d = new Date((sec + 8 * 3600) * 1000)
  return d.toISOString().slice(0, 10)
}
export function endOfDay(dayText: string): number {
  return Math.floor(Date.parse(`${dayText}T23:59:59+08:00`) / 1000)
}
export function nowSec(): number {
  return Math.floor(Date.now() / 1000)
}
