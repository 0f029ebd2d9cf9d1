// 一核多元 议事和表决, as both apps see it: the shapes src/gov/ sends (proposals, meetings,
// decisions, votes and paper ballots) and small helpers for showing them. Every count and
// every "passed" comes from the server; nothing here decides anything.
export { ymd, when, type Page } from './coop'

export type ProposalStatus = 'open' | 'deliberating' | 'voting' | 'adopted' | 'rejected' | 'declined'

export interface Proposal {
  id: number
  place_id: number
  place: string
  source: 'resident' | 'building_group' | 'org' | 'staff'
  title: string
  author: string
  status: ProposalStatus
  created_at: number
  comments: number
}

export interface Linked {
  id: number
  title: string
  status: string
}

export interface ProposalDetail extends Omit<Proposal, 'comments'> {
  description: string
  reply: string
  mine: boolean
  can_manage: boolean
  photos: string[]
  comments: { id: number; author: string; body: string; created_at: number }[]
  meetings: Linked[]
  votes: Linked[]
  decisions: Linked[]
}

export type MeetingKind = 'council' | 'hearing' | 'coordination' | 'review'
export const MEETING_KINDS: MeetingKind[] = ['council', 'hearing', 'coordination', 'review']

export interface Meeting {
  id: number
  place_id: number
  place: string
  kind: MeetingKind
  title: string
  starts_at: number
  status: 'planned' | 'held' | 'cancelled'
  location: string
  proposal_id: number
  invited: number
  attended: number
}

export interface MeetingDetail extends Omit<Meeting, 'invited' | 'attended'> {
  agenda: string
  minutes: string
  held_at: number
  can_manage: boolean
  invitees: { id: number; name: string; capacity: string; attended: boolean | null }[]
  decisions: Linked[]
}

export type DecisionStatus = 'to_vote' | 'implementing' | 'done' | 'rejected'
export type Rating = 'satisfied' | 'basic' | 'unsatisfied'
export const RATINGS: Rating[] = ['satisfied', 'basic', 'unsatisfied']

export interface Decision {
  id: number
  place_id: number
  place: string
  text: string
  status: DecisionStatus
  created_at: number
  meeting_id: number
  vote_id: number
  milestones: number
  milestones_done: number
  evaluations: number
  satisfied: number
}

export interface DecisionDetail {
  id: number
  place_id: number
  place: string
  text: string
  status: DecisionStatus
  meeting_id: number
  vote_id: number
  proposal_id: number
  done_at: number
  created_at: number
  can_manage: boolean
  evaluated: boolean
  milestones: { id: number; title: string; due_at: number; done_at: number; note: string; overdue: boolean }[]
  evaluations: { author: string; rating: Rating; comment: string; created_at: number }[]
  summary: Record<Rating, number>
}

export type VoteRule = 'person' | 'household' | 'owners'

export interface Vote {
  id: number
  place_id: number
  place: string
  kind: 'ordinary' | 'election'
  rule: VoteRule
  item: number
  secret: boolean
  title: string
  opens_at: number
  closes_at: number
  status: 'open' | 'closed'
  passed: boolean | null
  roll_units: number
  voted_units: number
  i_voted: boolean
  eligible: boolean
}

export interface OptionResult {
  id: number
  kind: 'yes' | 'no' | 'abstain' | 'candidate'
  label: string
  heads: number
  area_cm2: number
  pass_heads: boolean
  pass_area: boolean
  pass: boolean
  elected?: boolean
}

export interface VoteResult {
  rule: VoteRule
  item: number
  item_label?: string
  roll_units: number
  roll_area: number
  participants: number
  participant_area: number
  quorum: boolean
  quorum_pct?: number
  options: OptionResult[]
  passed: boolean
  basis: string
}

export interface VoteDetail {
  id: number
  place_id: number
  place: string
  title: string
  kind: 'ordinary' | 'election'
  rule: VoteRule
  item: number
  item_label: string
  threshold: 'half' | 'two_thirds'
  quorum_pct: number
  secret: boolean
  seats: number
  description: string
  opens_at: number
  closes_at: number
  status: 'open' | 'closed'
  closed_at: number
  roll_units: number
  roll_area: number
  proposal_id: number
  decision_id: number
  can_manage: boolean
  can_enter_paper: boolean
  open_now: boolean
  voted_units: number
  options: { id: number; kind: OptionResult['kind']; label: string }[]
  me: { eligible: boolean; voted: boolean; as?: string; channel?: string }
  result: VoteResult | null
  live?: boolean
}

export interface RollLine {
  person_id: number
  name: string
  voter: number
  label: string
  area_cm2: number
  voted: boolean
  channel: '' | 'online' | 'paper'
}

export interface PaperBallot {
  id: number
  status: 'pending' | 'confirmed' | 'rejected'
  voter: string
  options: number[]
  entered_by: string
  mine: boolean
  created_at: number
}

// Floor area as the registry keeps it (0.01 m²), shown in m².
export function m2(cm2: number): string {
  return (cm2 / 100).toLocaleString('zh-CN', { maximumFractionDigits: 2 })
}

export function pct(part: number, whole: number): string {
  return whole > 0 ? `${Math.round((part * 1000) / whole) / 10}%` : '—'
}

// The art. 278 items (1–9) for the vote form; labels in the locale (gov.item.N).
export const ART278_ITEMS = [1, 2, 3, 4, 5, 6, 7, 8, 9]

export function proposalTag(s: ProposalStatus): 'primary' | 'success' | 'warning' | 'danger' | 'default' {
  return s === 'adopted' ? 'success' : s === 'rejected' || s === 'declined' ? 'danger' : s === 'voting' ? 'warning' : 'primary'
}

// Seconds to a date-time string for <input type="datetime-local"> and back.
export function toLocalInput(sec: number): string {
  const d = new Date(sec * 1000)
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`
}
export function fromLocalInput(s: string): number {
  const t = new Date(s).getTime()
  return Number.isFinite(t) ? Math.floor(t / 1000) : 0
}
