// 党员积分 in the browser: the shapes the points API answers with, the readable label of a
// transfer in a history (earned for what, redeemed where, gifted to whom), the Chinese for the
// ledger's results, redemption codes as typed or scanned, and client-chosen transfer ids.
import { api } from './api'
import { t } from './i18n'

export interface Account {
  id: number
  kind: 'person' | 'issuer' | 'shop' | 'clearing' | 'unit' | string
  name: string
  community_id: number
  community_name: string
  balance: number // posted credits − posted debits: what the account holds
  pending: number // reserved by redemptions not yet confirmed
  available: number // balance − pending: what can be spent or given now
  credits_pending: number
  score: number // 评议积分: only what was earned
  created_at: number
  person_id?: number
  shop_id?: number
  gift_daily_limit?: number // GET /api/points/accounts/{id} only
}

export interface Counterparty {
  account_id: number
  kind: string
  name: string // a person's is masked (孙**)
  shop_id?: number
}

export interface Transfer {
  seq: number
  id: string
  debit_account: number
  credit_account: number
  amount: number
  code: 'earn' | 'redeem' | 'gift' | 'adjust' | 'expire' | 'settle' | string
  phase: 'single' | 'pending' | 'post' | 'void' | 'expired' | string
  state: 'posted' | 'pending' | 'voided' | 'expired' | string
  ref: string
  at: number
  direction: 'debit' | 'credit'
  pending_id?: string
  timeout_at?: number
  counterparty?: Counterparty
}

export interface Page<T> {
  items: T[]
  next: string | null
}

export interface Shop {
  id: number
  name: string
  kind: 'supermarket' | 'merchant' | string
  place_id: number
  place_name: string
  account_id: number
  active: boolean
  items: number
}

export interface Item {
  id: number
  name: string
  price: number
  stock: number
  active: boolean
}

export interface ShopDetail extends Shop {
  catalogue: Item[]
}

export interface RedemptionCode {
  code: string
  shop_id: number
  max_amount: number
  expires_at: number
  qr_payload: string
  qr_svg: string
}

export interface Redemption {
  id: number
  transfer_id: string
  shop_id?: number
  shop_name?: string
  account_id: number
  member: string
  amount: number
  created_at: number
  timeout_at?: number
  state: 'pending' | 'posted' | 'voided' | 'expired' | string
  items?: { item_id: number; name: string; quantity: number; price: number }[]
}

export interface Rule {
  id: number
  code: string
  name: string
  unit: string
  points_per_unit: number
  cap_per_outcome: number // 0: no cap
  cap_per_day: number // 0: no cap
  enabled: boolean
  updated_at: number
}

export interface Rules {
  items: Rule[]
  gift_daily_limit: number
}

export interface Award {
  id: number
  kind: 'award' | 'adjust' | string
  account_id: number
  account_name: string
  amount: number
  reason: string
  corrects: string
  status: 'proposed' | 'approved' | 'rejected' | string
  proposed_by: number
  proposed_by_name: string
  proposed_at: number
  place_id: number
  decided_by?: number
  decided_at?: number
  transfer_id?: string
}

export interface IssuerRow {
  community_id: number
  name: string
  issued: number
  adjusted: number
  redeemed: number
  redeemed_elsewhere: number
  redeemed_here_by_others: number
  gifted_out: number
  gifted_in: number
  expired: number
  outstanding: number
  reserved: number
  shops_hold: number
  clearing_balance: number
  reconciled: boolean
}

export interface IssuerReport {
  items: IssuerRow[]
  totals: { issued: number; redeemed: number; outstanding: number; clearing_balance: number }
  unreconciled: number
}

// A transfer id the client chooses (1–64 of [A-Za-z0-9_-]) and keeps for retries, so a
// request sent twice has one effect. crypto.getRandomValues works without HTTPS as well.
export function newTransferId(prefix: string): string {
  const b = new Uint8Array(12)
  crypto.getRandomValues(b)
  return `${prefix}-${Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')}`
}

// The member's own person account (opened by the server on first look).
export async function myPersonAccount(): Promise<Account | null> {
  const r = await api<Page<Account>>('GET', '/api/points/accounts?owner=me')
  const a = r.items.find((x) => x.kind === 'person')
  return a ? api<Account>('GET', `/api/points/accounts/${a.id}`) : null
}

// The shops a shop operator's account works for.
export async function myShops(): Promise<Account[]> {
  const r = await api<Page<Account>>('GET', '/api/points/accounts?owner=me')
  return r.items.filter((x) => x.kind === 'shop' && x.shop_id)
}

// Only first phases are a history's lines: a confirmed, cancelled or expired redemption is
// its pending line with that state (the second phase moves no further points).
export function isHistoryLine(x: Transfer): boolean {
  return x.phase === 'single' || x.phase === 'pending'
}

// The rule an earn came from: the rules engine's ids are rule:<code>:<person>:<outcome>.
export function earnRule(x: Transfer): string {
  const m = /^rule:([a-z_]+):/.exec(x.id)
  return m ? m[1] : ''
}

const RULES = ['service_hours', 'wish_fulfilled', 'case_solved', 'manual_award']

// What a line of a person's history says, in words a member uses.
export function transferTitle(x: Transfer): string {
  const who = x.counterparty?.name ?? t('points.history.someone')
  const credit = x.direction === 'credit'
  switch (x.code) {
    case 'earn': {
      const r = earnRule(x)
      return RULES.includes(r) ? t(`points.history.earn.${r}`) : t('points.history.earn.other')
    }
    case 'redeem':
      return credit ? t('points.history.redeemedBy', { who }) : t('points.history.redeemAt', { shop: who })
    case 'gift':
      return credit ? t('points.history.giftFrom', { who }) : t('points.history.giftTo', { who })
    case 'adjust':
      return credit ? t('points.history.adjustUp') : t('points.history.adjustDown')
    case 'expire':
      return t('points.history.expire')
    default:
      return t('points.history.settle')
  }
}

// The state of a line when it is not simply done: a redemption waiting for the counter, or
// one that was cancelled or timed out (its points came back).
export function transferState(x: Transfer): '' | 'pending' | 'voided' | 'expired' {
  if (x.phase !== 'pending') return ''
  if (x.state === 'pending' || x.state === 'voided' || x.state === 'expired') return x.state
  return ''
}

// Did the line move points for good? (A voided or expired reservation did not.)
export function transferCounts(x: Transfer): boolean {
  const s = transferState(x)
  return s !== 'voided' && s !== 'expired'
}

// A redemption code as the member's phone shows it ("xingfu:redeem:6541250114" in the QR, the
// ten digits under it, maybe typed with spaces): the ten digits, or '' when it is not one.
export function parseRedeemCode(raw: string): string {
  const s = raw.trim()
  const m = /^xingfu:redeem:(\d{10})$/.exec(s)
  if (m) return m[1]
  const digits = s.replace(/[\s-]/g, '')
  return /^\d{10}$/.test(digits) ? digits : ''
}

// Ten digits in two groups of five, easier to read out at the counter.
export function groupDigits(code: string): string {
  return code.length === 10 ? `${code.slice(0, 5)} ${code.slice(5)}` : code
}

// The ledger's results and the counter's error codes in Chinese: ours where we know the
// situation better than the generic message, else the server's own words.
const RESULTS = [
  'exceeds_balance',
  'exceeds_daily_gift_limit',
  'not_permitted',
  'credit_account_not_found',
  'debit_account_not_found',
  'accounts_must_be_different',
  'redemption_code_invalid',
  'redemption_code_used',
  'redemption_code_expired',
  'exceeds_redemption_code_amount',
  'out_of_stock',
  'item_not_found',
  'pending_transfer_expired',
  'pending_transfer_already_posted',
  'pending_transfer_already_voided',
  'too_many_codes',
  'shop_closed',
  'not_operator',
]

export function resultMessage(code: string, fallback = '', values: Record<string, unknown> = {}): string {
  if (RESULTS.includes(code)) return t(`points.result.${code}`, values)
  return fallback || t('points.result.other', { code })
}

// "3:07" for a countdown.
export function clock(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds))
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`
}
