// 数据驾驶舱 in the browser: the shapes GET /api/dashboard, /api/dashboard/records,
// /api/dashboard/seed and the report-pack job answer with, and how a figure is shown
// (every number is computed by the server from the records; nothing here counts).
import { api } from './api'

export interface Part {
  code: string
  label: string
  value: number
  unit: string
}

export interface Figure {
  code: string
  label: string
  unit: string
  value: number | null
  kind: 'count' | 'sum' | 'ratio'
  records?: number
  num?: Part
  den?: Part
  note?: string
  current?: boolean
}

export interface Section {
  code: string
  label: string
  figures: Figure[]
}

export interface Child {
  id: number
  name: string
  kind: string
  figures: Record<string, number | null>
}

export interface Dashboard {
  place: { id: number; name: string; kind: string }
  year: number
  as_of: string | null
  source: 'rollup' | 'live'
  sections: Section[]
  trend: { series: { code: string; label: string; unit: string; values: number[] }[] }
  key_figures: { code: string; label: string; unit: string }[]
  children: Child[]
}

// The registry's coverage report (GET /api/reports/coverage), shown beside the figures.
export interface Coverage {
  metrics: { code: string; label: string; unit: string; count: number; total: number }[]
}

export interface RecordRow {
  id: number
  label: string
  place: string
  value: number
  at: number | null
}

export interface Records {
  figure: string
  label: string
  unit: string
  total: number
  value: number
  offset: number
  items: RecordRow[]
}

export interface SeedRow extends Figure {
  item: string
  seed: string
  figure: string
  restricted: boolean
}

export interface Pack {
  id: number
  status: 'queued' | 'running' | 'done' | 'failed'
  progress: number
  xlsx?: string
  html?: string
  error?: string
}

export function dashboard(place: number, year: number): Promise<Dashboard> {
  return api<Dashboard>('GET', `/api/dashboard?place=${place}&year=${year}`)
}

export function coverage(place: number): Promise<Coverage> {
  return api<Coverage>('GET', `/api/reports/coverage?place=${place}`)
}

export function records(place: number, year: number, figure: string, offset: number): Promise<Records> {
  return api<Records>(
    'GET',
    `/api/dashboard/records?place=${place}&year=${year}&figure=${encodeURIComponent(figure)}&offset=${offset}&limit=20`,
  )
}

export function recordsExportUrl(place: number, year: number, figure: string): string {
  return `/api/dashboard/records?place=${place}&year=${year}&figure=${encodeURIComponent(figure)}&format=xlsx&all=1`
}

export function seed(place: number, year: number): Promise<{ items: SeedRow[]; as_of: string | null }> {
  return api('GET', `/api/dashboard/seed?place=${place}&year=${year}`)
}

export function startPack(place: number, year: number): Promise<{ id: number }> {
  return api('POST', '/api/reports/pack', { place_id: place, year })
}

export function packStatus(id: number): Promise<Pack> {
  return api<Pack>('GET', `/api/reports/pack/${id}`)
}

// "12,345", "93.5", "—" for a ratio with nothing to divide by.
export function show(v: number | null | undefined): string {
  if (v === null || v === undefined) return '—'
  return v.toLocaleString('zh-CN', { maximumFractionDigits: 2 })
}

// A figure's records live behind its own code; a ratio's behind its numerator.
export function recordsFigure(f: Figure): string {
  return f.kind === 'ratio' && f.num ? f.num.code : f.code
}
