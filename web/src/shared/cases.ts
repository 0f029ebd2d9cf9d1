// 民情诉求, shared by the console and the mobile site: the shapes the server sends
// (src/cases/cases.c), which action each state allows (the server's table, so buttons appear
// only where they would work; the server still decides), names for codes, deadlines as a
// countdown, and rates always with their counts.
import { ref } from 'vue'
import { api } from './api'

type T = (key: string, values?: Record<string, unknown>) => string

export interface CaseCategory {
  code: string
  name: string
  tier: string
  tier_name: string
  group: string
  description: string
  active?: boolean
  dispatch_s: number | null
  feedback_s: number
}

export interface CaseBrief {
  id: number
  category: string
  category_name: string
  title: string
  status: string
  status_label: string
  place_id: number
  place_name: string
  created_at: number
  due_at: number
  overdue: boolean
  seconds_left: number
  channel: string
  round: number
  handling_place_name: string
}

export interface CaseEvent {
  action: string
  action_label: string
  from: string
  to: string
  actor: string
  actor_role: string
  on_behalf_of: string | null
  place_name: string
  text: string
  detail: Record<string, unknown> | null
  at: number
}

export interface CaseDetail extends CaseBrief {
  description: string
  public: boolean
  reporter: { id: number; name: string } | null
  entered_on_behalf: boolean
  external_id: string | null
  studio: { id: number; name: string } | null
  assignee: { type: 'person' | 'org'; id: number; name: string } | null
  rating: string | null
  rated_this_round: boolean
  unsatisfied: number
  escalations: number
  sla_due_at: number
  accepted_at: number | null
  replied_at: number | null
  closed_at: number | null
  dispatch_due_at: number | null
  followup_sampled: boolean
  followup_outcome: string | null
  handling_place_id: number
  photos: number
  timeline: CaseEvent[]
  possible_duplicates: { id: number; title: string; status: string; status_label: string; created_at: number }[]
}

export interface CasePage {
  items: CaseBrief[]
  next: string | null
}

export const STATUSES = ['submitted', 'accepted', 'assigned', 'replied', 'closed', 'returned', 'reopened'] as const
export const CHANNELS = ['mobile', 'staff', 'station', 'mailbox', 'building_group', '12345', 'open311'] as const
export const BATCH_CHANNELS = ['station', 'mailbox', 'building_group', 'staff'] as const
export const RATINGS = ['satisfied', 'basically_satisfied', 'unsatisfied'] as const
export const OUTCOMES = ['satisfied', 'basically_satisfied', 'unsatisfied', 'unreachable'] as const

// The states each action may start from (src/cases/cases.c, `actions`).
const FROM: Record<string, readonly string[]> = {
  accept: ['submitted', 'returned', 'reopened'],
  assign: ['accepted', 'assigned', 'reopened'],
  reply: ['accepted', 'assigned', 'reopened'],
  return: ['submitted', 'accepted', 'assigned', 'reopened'],
  rate: ['replied'],
  reopen: ['closed'],
  escalate: ['submitted', 'accepted', 'assigned', 'returned', 'reopened', 'replied'],
  supervise: ['submitted', 'accepted', 'assigned', 'returned', 'reopened', 'replied'],
  followup: ['closed'],
}

export function allowed(action: string, status: string): boolean {
  return FROM[action]?.includes(status) ?? false
}

function known(list: readonly string[], v: string): boolean {
  return list.includes(v)
}

export function statusLabel(t: T, s: string, server?: string): string {
  return known(STATUSES, s) ? t(`cases.status.${s}`) : server || s
}

export type TagType = 'primary' | 'success' | 'warning' | 'danger' | 'info'
// Red: someone must act (new, returned, reopened); grey: being handled; amber: answered,
// waiting for the resident's rating; green: closed.
export function statusType(s: string): TagType {
  if (s === 'closed') return 'success'
  if (s === 'replied') return 'warning'
  if (s === 'submitted' || s === 'returned' || s === 'reopened') return 'danger'
  return 'info'
}

// The same on the phone (Vant's tags have no grey "info": being handled shows as an outline).
export function vantStatusType(s: string): 'primary' | 'success' | 'warning' | 'danger' | 'default' {
  const v = statusType(s)
  return v === 'info' ? 'primary' : v
}
export function vantStatusPlain(s: string): boolean {
  return statusType(s) === 'info'
}

export function channelLabel(t: T, c: string): string {
  return known(CHANNELS, c) ? t(`cases.channel.${c}`) : c
}

export function ratingLabel(t: T, r: string | null | undefined): string {
  if (!r) return t('common.none')
  return known(OUTCOMES, r) ? t(`cases.rating.${r}`) : r
}

const ACTIONS = ['submit', 'autoclose', ...Object.keys(FROM)]
export function actionLabel(t: T, a: string, server?: string): string {
  return ACTIONS.includes(a) ? t(`cases.action.${a}`) : server || a
}

// "3 天 5 小时", "2 小时 10 分钟", "12 分钟": the two largest units.
export function duration(t: T, seconds: number): string {
  const s = Math.max(0, Math.abs(Math.round(seconds)))
  const d = Math.floor(s / 86400)
  const h = Math.floor((s % 86400) / 3600)
  const m = Math.floor((s % 3600) / 60)
  if (d > 0) return h > 0 ? `${t('cases.dur.day', { n: d })} ${t('cases.dur.hour', { n: h })}` : t('cases.dur.day', { n: d })
  if (h > 0) return m > 0 ? `${t('cases.dur.hour', { n: h })} ${t('cases.dur.minute', { n: m })}` : t('cases.dur.hour', { n: h })
  return t('cases.dur.minute', { n: Math.max(m, s > 0 ? 1 : 0) })
}

export type SlaLevel = 'over' | 'near' | 'ok' | 'none'

// Where a case stands against its deadline `elapsed` seconds after the list was read: overdue,
// within the last fifth of its window (the server reminds the handler then too), or in time.
// Replied and closed cases have no running clock.
export function sla(
  c: Pick<CaseBrief, 'status' | 'overdue' | 'seconds_left' | 'due_at' | 'created_at'>,
  windowSeconds: number | undefined,
  elapsed: number,
): { level: SlaLevel; left: number } {
  if (c.status === 'replied' || c.status === 'closed') return { level: 'none', left: 0 }
  const left = c.seconds_left - elapsed
  if (c.overdue || left < 0) return { level: 'over', left }
  const window = windowSeconds && windowSeconds > 0 ? windowSeconds : c.due_at - c.created_at
  if (window > 0 && left < window * 0.2) return { level: 'near', left }
  return { level: 'ok', left }
}

export function slaText(t: T, s: { level: SlaLevel; left: number }): string {
  if (s.level === 'none') return t('common.none')
  if (s.level === 'over') return t('cases.sla.over', { d: duration(t, s.left) })
  return t('cases.sla.left', { d: duration(t, s.left) })
}

// "92%（23/25）"; with nothing to count, "—（0/0）". Never a bare percentage.
export function rateText(t: T, rate: number | null | undefined, num: number, den: number): string {
  const pct = rate === null || rate === undefined ? t('common.none') : `${Math.round(rate * 1000) / 10}%`
  return t('cases.rates.withCounts', { pct, num, den })
}

// The categories (GET /api/case-categories), fetched once per page load.
const categories = ref<CaseCategory[]>([])
let loading: Promise<CaseCategory[]> | null = null
export function useCategories() {
  if (!loading)
    loading = api<{ items: CaseCategory[] }>('GET', '/api/case-categories')
      .then((r) => (categories.value = r.items.filter((c) => c.active !== false)))
      .catch((e) => {
        loading = null
        throw e
      })
  return { categories, ready: loading }
}

export function photoUrl(caseId: number, n: number): string {
  return `/api/cases/${caseId}/photos/${n}`
}
