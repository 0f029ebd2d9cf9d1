// 评议考核 in the browser: the shapes the standards, branch sheets and ratings, unit
// evaluations, campaigns and 民主评议 API answers with, and small helpers for their tags.
// Every figure comes from the server; nothing here computes a score.
import { api } from './api'

export interface Page<T> {
  items: T[]
  next?: string | null
}

export type Rating = 'rectify' | 'standard' | 'model' | 'redflag'
export const RATINGS: Rating[] = ['redflag', 'model', 'standard', 'rectify']
export const DOMAINS = ['community', 'agency', 'institution', 'soe', 'private', 'social'] as const
export const MEMBER_RATINGS = ['excellent', 'qualified', 'basically_qualified', 'unqualified'] as const

export interface Standard {
  id: number
  domain: string
  domain_label: string
  ord: number
  title: string
  weight: number
  evidence: string
  source: string
  source_label?: string
}

export interface Branch {
  org_id: number
  name: string
  kind: string
  domain: string
  place_name: string
  sheet: 'none' | 'submitted' | 'reviewed'
  self_score: number | null
  review_score: number | null
  rating: Rating | ''
  rating_label: string
  pending: boolean
  open_plans: number
}

export interface SheetItem {
  standard_id: number
  title: string
  weight: number
  evidence_required: string
  source: string
  source_label?: string
  auto_value: number | null
  self_score: number | null
  evidence: string
  review_score: number | null
  review_note: string
}

export interface Sheet {
  org: { id: number; name: string; domain: string; domain_label: string; place_id: number }
  year: number
  assessment_id?: number
  status: 'none' | 'submitted' | 'reviewed'
  self_score?: number
  review_score?: number | null
  band?: Rating
  submitted_by?: string
  reviewed_by?: string
  items: SheetItem[]
  current_rating: Rating | ''
}

export interface RatingRow {
  id: number
  org_id: number
  org_name: string
  place_name: string
  year: number
  rating: Rating
  rating_label: string
  previous: Rating | ''
  previous_label: string
  score: number | null
  reason: string
  status: 'proposed' | 'approved' | 'rejected'
  proposed_by: string
  proposed_at: number
  decided_by: string
  decided_at: number | null
  decision_note: string
  current: boolean
}

export interface Followup {
  note: string
  done: boolean
  at: number
  by: string
}

export interface Plan {
  id: number
  org_id: number
  org_name: string
  problems: string
  measures: string
  deadline: number
  status: 'open' | 'done'
  overdue: boolean
  created_at: number
  done_at: number | null
  followups: Followup[]
}

export interface UnitResult {
  unit_org_id: number
  unit_name: string
  place_name?: string
  year: number
  community_score: number | null
  street_score: number | null
  campaign_score: number | null
  community_forms: number
  street_forms: number
  campaigns: number
  threshold: number
  score: number | null
  eligible: boolean | null
  status: 'not_evaluated' | 'eligible' | 'below'
  reasons: string[]
}

export interface UnitForm {
  id: number
  evaluator: 'community' | 'street'
  place_name: string
  duty: number
  projects: number
  service: number
  civic: number
  total: number
  comment: string
  updated_at: number
}

export interface UnitDetail extends UnitResult {
  forms: UnitForm[]
  campaign_results: { id: number; title: string; kind: string; score: number | null; note: string }[]
}

export interface UnitResults extends Page<UnitResult> {
  year: number
  threshold: number
  evaluated: number
  below: number
}

export interface Campaign {
  kind: 'civic' | 'coverage'
  id: number
  place_id: number
  place_name: string
  name: string
  type?: string
  type_label: string
  target?: string | number
  starts_at: number
  ends_at: number
  units?: number
  units_scored?: number
  average?: number | null
  progress?: number
  running?: boolean
  finished?: boolean
  // coverage campaigns (百日攻坚) carry the registry's own fields
  metric?: string
  metric_label?: string
  current?: number
  total?: number
  reached?: boolean
}

export interface CampaignDetail extends Campaign {
  unit_results: { unit_org_id: number; unit_name: string; score: number | null; note: string; scored_at: number | null }[]
}

export interface MemberSheet {
  person_id: number
  name: string
  year: number
  status: string
  status_label: string
  branch_org_id: number
  branch_name: string
  points: number
  serving: boolean
  reported: boolean
  reported_label: string
  activities: number
  minutes: number
  hours: number
  wishes_fulfilled: number
  posts_claimed: number
  cases_handled: number
  min_activities: number
  flags: string[]
  rating?: string
  rating_label?: string
  note: string
  rated_by: string
  rated_at: number | null
}

export interface MemberSheets extends Page<MemberSheet> {
  year: number
  members: number
  rated: number
}

// This year in Beijing time, and the few years a page offers.
export function thisYear(): number {
  return new Date(Date.now() + 8 * 3600 * 1000).getUTCFullYear()
}
export function recentYears(n = 4): number[] {
  const y = thisYear()
  return Array.from({ length: n }, (_, i) => y - i)
}

export function ratingTag(r: string): 'danger' | 'warning' | 'success' | 'primary' | 'info' {
  return r === 'redflag' ? 'danger' : r === 'model' ? 'warning' : r === 'standard' ? 'success' : r === 'rectify' ? 'info' : 'primary'
}

export const listBranches = (year: number) => api<Page<Branch>>('GET', `/api/branches?year=${year}`)
export const getSheet = (org: number, year: number) => api<Sheet>('GET', `/api/branch-assessments?org_id=${org}&year=${year}`)
export const listRatings = (q: string) => api<Page<RatingRow>>('GET', `/api/branch-ratings${q}`)
export const listPlans = (org: number) => api<Page<Plan>>('GET', `/api/rectifications?org_id=${org}`)
export const unitResults = (year: number, mine = false) =>
  api<UnitResults>('GET', `/api/unit-evaluations?year=${year}${mine ? '&mine=1' : ''}`)
export const unitDetail = (id: number, year: number) => api<UnitDetail>('GET', `/api/unit-evaluations/${id}?year=${year}`)
export const memberSheets = (org: number, year: number) =>
  api<MemberSheets>('GET', `/api/member-reviews?org_id=${org}&year=${year}`)
export const mySheet = (year: number) => api<MemberSheets>('GET', `/api/member-reviews?mine=1&year=${year}`)

// A day in Beijing time, "2026-03-01", for deadlines and periods.
export function day(sec: number | null | undefined): string {
  if (!sec) return '—'
  return new Date(sec * 1000 + 8 * 3600 * 1000).toISOString().slice(0, 10)
}

// "2026-03-01" (Beijing) → seconds.
export function dayToSec(d: string): number {
  return Math.floor(Date.parse(`${d}T00:00:00+08:00`) / 1000)
}
