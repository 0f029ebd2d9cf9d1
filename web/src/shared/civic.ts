// 一核多元 (part B) as both apps see it: conventions and rotas, 公益创投, 三方联动 with the
// residents' ratings of the property company, social-organisation incubators and 三社联动,
// notices. The shapes the server sends (src/civic/*.c) and the calls that fetch them.
import { api } from './api'

export interface Page<T> {
  items: T[]
  next: string | null
}

export interface Convention {
  id: number
  title: string
  place_id: number
  place_name: string
  place_kind: string
  version: number
  adopted_at: number
  alliance_id?: number | null
  signed: number
  residents?: number // staff list
  text?: string // resident list
  signed_by_me?: boolean
}

export interface ConventionVersion {
  version: number
  text: string
  note: string
  meeting_id: number | null
  adopted_at: number
  signed: number
}

export interface ConventionDetail extends Convention {
  alliance_name: string
  residents: number
  versions: ConventionVersion[]
  signers: { name: string; signed_at: number; on_behalf: boolean }[]
  signed_by_me: boolean
  can_manage: boolean
}

export interface Alliance {
  id: number
  name: string
  charter: string
  place_id: number
  place_name: string
  created_at: number
  buildings: number
  conventions: number
}

export interface Rota {
  id: number
  title: string
  task: string
  place_id: number
  place_name: string
  period_days: number
  starts_at: number
  members: number
  turns: { from: number; to: number; name: string; mine: boolean }[]
}

export interface VentureCall {
  id: number
  title: string
  description: string
  place_id: number
  place_name: string
  budget_fen: number
  fund_id: number | null
  category: string
  closes_at: number
  applications: number
  funded: number
  granted_fen: number
  open: boolean
}

export type AppStatus = 'submitted' | 'funded' | 'rejected'

export interface VentureApp {
  id: number
  group_name: string
  org_name: string
  org_id: number | null
  title: string
  plan: string
  amount_fen: number
  status: AppStatus
  granted_fen: number | null
  decision_note: string
  progress: number
  expenditure_id: number | null
  expenditure_status: string
  reviews: number
  score: number | null
  reviewed_by_me: boolean
  created_at: number
  sansha: number
}

export interface VentureFull extends Omit<VentureCall, 'applications'> {
  can_manage: boolean
  applications: VentureApp[]
}

export interface Meeting {
  id: number
  title: string
  agenda: string
  minutes: string
  held_at: number
  place_id: number
  place_name: string
  convenor_id: number
  convenor_name: string
  meeting_id: number | null
  commitments: number
  open: number
  overdue: number
}

export interface Commitment {
  id: number
  meeting_id: number
  meeting_title: string
  org_id: number
  org_name: string
  org_kind: string
  owner_id: number | null
  owner_name: string
  title: string
  due_at: number
  status: 'open' | 'done'
  done_at: number | null
  followups: number
  last_note: string
  overdue: boolean
}

export interface MeetingDetail extends Omit<Meeting, 'commitments'> {
  parties: { id: number; name: string; kind: string }[]
  cross_posts: { person_id: number; name: string; posts: { org_name: string; org_kind: string; post: string }[] }[]
  commitments: Commitment[]
  can_manage: boolean
}

export interface Rating {
  org_id: number
  name: string
  place_name: string
  ratings: number
  low: number
  high: number
  my_score: number
  overdue_commitments: number
  average: number | null
  year: number
}

export type Level = 'city' | 'district' | 'street' | 'community'
export const CATEGORIES = ['life', 'charity', 'culture', 'affairs', 'elderly'] as const
export type Category = (typeof CATEGORIES)[number]

export interface Incubator {
  id: number
  name: string
  address: string
  place_id: number
  place_name: string
  level: Level
  incubating: number
  graduated: number
  services: number
  served: number
  volunteers: number
}

export interface Incubation {
  id: number
  org_id: number
  name: string
  category: Category
  status: 'incubating' | 'graduated'
  started_at: number
  graduated_at: number | null
  services: number
  served: number
  volunteers: number
  last_service: string
}

export interface IncubatorDetail extends Incubator {
  orgs: Incubation[]
  can_manage: boolean
}

export interface Sansha {
  id: number
  subject: 'case' | 'venture'
  subject_id: number
  subject_title: string
  place_name: string
  org_name: string
  worker_name: string
  note: string
  created_at: number
}

export interface Notice {
  id: number
  kind: 'community' | 'party'
  audience: 'residents' | 'members'
  title: string
  body: string
  place_id: number
  place_name: string
  published_at: number
  reads: number
  read_by_me: boolean
}

// Money is integer fen on the wire.
export function yuan(fen: number | null | undefined): string {
  if (fen === null || fen === undefined) return '—'
  return (fen / 100).toLocaleString('zh-CN', { minimumFractionDigits: 0, maximumFractionDigits: 2 })
}

export function day(sec: number | null | undefined): string {
  if (!sec) return '—'
  const d = new Date(sec * 1000)
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
}

// "2026-12-01" (a date picker's value) → UTC seconds at local midnight.
export function toSeconds(v: string | Date | null | undefined): number {
  if (!v) return 0
  const d = typeof v === 'string' ? new Date(`${v}T00:00:00`) : v
  return Math.floor(d.getTime() / 1000)
}

const q = (place?: number | null, extra = '') => (place ? `?place=${place}${extra ? '&' + extra : ''}` : extra ? `?${extra}` : '')

export const civic = {
  conventions: (place?: number | null) => api<Page<Convention>>('GET', `/api/conventions${q(place)}`),
  convention: (id: number) => api<ConventionDetail>('GET', `/api/conventions/${id}`),
  createConvention: (body: { place_id: number; title: string; text: string; note?: string }) =>
    api<ConventionDetail>('POST', '/api/conventions', body),
  reviseConvention: (id: number, body: { text: string; note?: string }) =>
    api<ConventionDetail>('POST', `/api/conventions/${id}/versions`, body),
  sign: (id: number, person_id?: number) =>
    api<ConventionDetail>('POST', `/api/conventions/${id}/sign`, person_id ? { person_id } : {}),
  alliances: (place?: number | null) => api<Page<Alliance>>('GET', `/api/conventions/alliances${q(place)}`),
  rotas: (place?: number | null) => api<Page<Rota>>('GET', `/api/rotas${q(place)}`),
  createRota: (body: {
    place_id: number
    title: string
    task?: string
    period_days: number
    starts_at: number
    members: number[]
  }) => api<Rota>('POST', '/api/rotas', body),
  ventures: (place?: number | null) => api<Page<VentureCall>>('GET', `/api/ventures${q(place)}`),
  venture: (id: number) => api<VentureFull>('GET', `/api/ventures/${id}`),
  createVenture: (body: {
    place_id: number
    title: string
    description?: string
    budget_fen: number
    closes_at: number
    fund_id?: number
    category?: string
  }) => api<VentureFull>('POST', '/api/ventures', body),
  apply: (id: number, body: { group_name: string; title: string; plan: string; amount_fen: number }) =>
    api<{ id: number }>('POST', `/api/ventures/${id}/applications`, body),
  review: (app: number, score: number, note = '') =>
    api<VentureFull>('POST', `/api/ventures/applications/${app}/reviews`, { score, note }),
  decide: (app: number, fund: boolean, granted_fen?: number, note = '') =>
    api<VentureFull>('POST', `/api/ventures/applications/${app}/decision`, {
      fund,
      ...(fund && granted_fen ? { granted_fen } : {}),
      note,
    }),
  progress: (app: number, progress: number, note: string) =>
    api<{ progress: number }>('POST', `/api/ventures/applications/${app}/progress`, { progress, note }),
  meetings: (place?: number | null) => api<Page<Meeting>>('GET', `/api/tripartite${q(place)}`),
  meeting: (id: number) => api<MeetingDetail>('GET', `/api/tripartite/${id}`),
  createMeeting: (body: {
    place_id: number
    title: string
    held_at: number
    agenda?: string
    minutes?: string
    org_ids: number[]
  }) => api<MeetingDetail>('POST', '/api/tripartite', body),
  commit: (meeting: number, body: { org_id: number; title: string; due_at: number; owner_id?: number }) =>
    api<MeetingDetail>('POST', `/api/tripartite/${meeting}/commitments`, body),
  commitments: (status = '', place?: number | null) =>
    api<Page<Commitment>>('GET', `/api/tripartite/commitments${q(place, status ? `status=${status}` : '')}`),
  followup: (id: number, note: string, done: boolean) =>
    api<{ status: string }>('POST', `/api/tripartite/commitments/${id}/followups`, { note, done }),
  ratings: () => api<Page<Rating>>('GET', '/api/tripartite/ratings'),
  rate: (org_id: number, score: number, comment = '') =>
    api<Page<Rating>>('POST', '/api/tripartite/ratings', { org_id, score, comment }),
  incubators: (place?: number | null) => api<Page<Incubator>>('GET', `/api/incubators${q(place)}`),
  incubator: (id: number) => api<IncubatorDetail>('GET', `/api/incubators/${id}`),
  createIncubator: (body: { place_id: number; name: string; address?: string }) =>
    api<IncubatorDetail>('POST', '/api/incubators', body),
  incubate: (id: number, body: { name?: string; org_id?: number; category: string }) =>
    api<IncubatorDetail>('POST', `/api/incubators/${id}/orgs`, body),
  graduate: (incubation: number) => api<IncubatorDetail>('POST', `/api/incubators/incubations/${incubation}/graduate`, {}),
  addService: (org: number, body: { title: string; served: number }) =>
    api<unknown>('POST', `/api/incubators/orgs/${org}/services`, body),
  sansha: (place?: number | null) => api<Page<Sansha>>('GET', `/api/incubators/sansha${q(place)}`),
  notices: (kind = '') => api<Page<Notice>>('GET', `/api/notices${kind ? `?kind=${kind}` : ''}`),
  notice: (id: number) => api<Notice>('GET', `/api/notices/${id}`),
  publish: (body: { place_id: number; kind: string; audience: string; title: string; body: string }) =>
    api<Notice>('POST', '/api/notices', body),
  read: (id: number) => api<Notice>('POST', `/api/notices/${id}/read`, {}),
}
