// The fleet view: the reports of many sidecars (the replicas of one service) merged into one,
// with the same JSON contract as a single report plus `replicas`. Totals, statuses, headers and
// routes are summed; findings are grouped across replicas (same rule, header, layer and route)
// with a count per replica; layers are united. Fingerprints made with different keys cannot be
// compared, so reports whose fingerprint key ids differ are not merged.
import { SEVERITY_ORDER, type Confidence } from '../rules/meta.js'
import type { FindingGroup, LayerReport } from '../diagnose/types.js'
import type { HeaderRow, Report, RouteRow } from './model.js'

/** One sidecar asked for its report: where, and what came back. */
export interface ReplicaAnswer {
  /** The admin URL as given (origin and path only: never a token). */
  admin: string
  report: Report | null
  /** Why there is no report (connection refused, 401, not JSON...). */
  error: string | null
}

export interface ReplicaRow {
  admin: string
  answered: boolean
  error?: string
  exchanges?: number
  generatedAt?: string
  fingerprintKeyId?: string | null
}

export type FleetFinding = FindingGroup & { replicas: Record<string, number> }
export type FleetReport = Omit<Report, 'findings'> & { findings: FleetFinding[]; replicas: ReplicaRow[] }

export class MergeRefused extends Error {}

/** Examples kept per merged finding (each replica's ids are prefixed with its index: `r2:abc-1f`). */
const MAX_EXAMPLES = 10
const CONFIDENCE_RANK: Record<Confidence, number> = { certain: 0, likely: 1, possible: 2 }

function sumInto (target: Record<string, number>, source: object): void {
  for (const [key, value] of Object.entries(source)) {
    if (typeof value === 'number') target[key] = (target[key] ?? 0) + value
  }
}

/** Counters nested in objects (pairing's per-header counts) summed leaf by leaf. */
function sumDeep (a: unknown, b: unknown): unknown {
  if (typeof a === 'number' && typeof b === 'number') return a + b
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return a ?? b
  const out: Record<string, unknown> = { ...a }
  for (const [key, value] of Object.entries(b)) out[key] = key in out ? sumDeep(out[key], value) : value
  return out
}

function mergeRows<T extends object> (lists: T[][], keyOf: (row: T) => string, counts: ReadonlyArray<keyof T>): T[] {
  const merged = new Map<string, T>()
  for (const rows of lists) {
    for (const row of rows) {
      const key = keyOf(row)
      const seen = merged.get(key)
      if (seen === undefined) { merged.set(key, { ...row }); continue }
      for (const field of counts) {
        const a = seen[field]
        const b = row[field]
        if (typeof a === 'number' && typeof b === 'number') (seen[field] as number) = a + b
      }
    }
  }
  return [...merged.values()]
}

function mergeLayers (lists: LayerReport[][]): LayerReport[] {
  const merged = new Map<string, LayerReport>()
  for (const layers of lists) {
    for (const layer of layers) {
      const seen = merged.get(layer.id)
      if (seen === undefined) { merged.set(layer.id, { ...layer, evidence: [...layer.evidence] }); continue }
      seen.exchanges += layer.exchanges
      if (CONFIDENCE_RANK[layer.confidence] < CONFIDENCE_RANK[seen.confidence]) seen.confidence = layer.confidence
      for (const e of layer.evidence) if (!seen.evidence.includes(e)) seen.evidence.push(e)
    }
  }
  return [...merged.values()].sort((a, b) => b.exchanges - a.exchanges || a.id.localeCompare(b.id))
}

/** Findings grouped across replicas; `replicas` counts per admin URL, examples are prefixed `r<N>:` (N = place in `replicas`). */
function mergeFindings (answers: Array<{ index: number; admin: string; report: Report }>): FleetFinding[] {
  const merged = new Map<string, FleetFinding>()
  answers.forEach(({ index, admin: name, report }) => {
    for (const group of report.findings) {
      const key = [group.rule, group.header ?? '', group.layer ?? '', group.route].join('\u0000')
      const examples = group.examples.map((id) => `r${index + 1}:${id}`)
      const seen = merged.get(key)
      if (seen === undefined) {
        merged.set(key, { ...group, examples: examples.slice(-MAX_EXAMPLES), protocols: [...(group.protocols ?? [])], replicas: { [name]: group.count } })
        continue
      }
      seen.count += group.count
      seen.replicas[name] = (seen.replicas[name] ?? 0) + group.count
      if (group.firstSeen < seen.firstSeen) seen.firstSeen = group.firstSeen
      if (group.lastSeen > seen.lastSeen) seen.lastSeen = group.lastSeen
      if (CONFIDENCE_RANK[group.confidence] < CONFIDENCE_RANK[seen.confidence]) seen.confidence = group.confidence
      seen.examples = [...seen.examples, ...examples].slice(-MAX_EXAMPLES)
      for (const protocol of group.protocols ?? []) if (seen.protocols?.includes(protocol) === false) seen.protocols.push(protocol)
    }
  })
  return [...merged.values()].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || b.count - a.count)
}

/**
 * Merge the answers of many sidecars. Throws MergeRefused when no replica answered, or when the
 * replicas that answered fingerprint with different keys (their hashes would not compare).
 */
export function mergeReports (answers: ReplicaAnswer[], now: Date = new Date()): FleetReport {
  const ok = answers.flatMap((a, i) => a.report === null ? [] : [{ index: i, admin: a.admin, report: a.report }])
  if (ok.length === 0) throw new MergeRefused('no sidecar answered; nothing to merge.')
  const keys = new Set(ok.map((a) => a.report.fingerprintKeyId ?? null))
  if (keys.size > 1 || keys.has(null)) {
    const list = ok.map((a) => `${a.admin}: ${a.report.fingerprintKeyId ?? 'no key id (older hopwatch)'}`).join('; ')
    throw new MergeRefused(`the sidecars fingerprint with different keys, so equal tokens would not compare equal (${list}). Give every replica the same HOPWATCH_FINGERPRINT_KEY.`)
  }
  const reports = ok.map((a) => a.report)
  const totals = { exchanges: 0, withCredentials: 0, evicted: 0, stored: 0, auditFailures: 0, refused: 0 }
  const statuses: Record<string, number> = {}
  const grpcStatuses: Record<string, number> = {}
  const protocols: Record<string, number> = {}
  for (const r of reports) {
    sumInto(totals, r.totals)
    sumInto(statuses, r.statuses)
    if (r.grpcStatuses !== undefined) sumInto(grpcStatuses, r.grpcStatuses)
    if (r.protocols !== undefined) sumInto(protocols, r.protocols)
  }
  const headerCounts: ReadonlyArray<keyof HeaderRow> = ['arrived', 'forwarded', 'droppedHere', 'onUnauthorized']
  const routeCounts: ReadonlyArray<keyof RouteRow> = ['exchanges', 'unauthorized', 'withCredentials']
  const pairings = reports.flatMap((r) => r.pairing === undefined ? [] : [r.pairing])
  const pairing = pairings.length === 0 ? undefined : pairings.slice(1).reduce<unknown>((sum, p) => sumDeep(sum, p), pairings[0]) as Report['pairing']
  const sortedStatuses = Object.fromEntries(Object.entries(statuses).sort((a, b) => Number(a[0]) - Number(b[0])))
  return {
    generatedAt: now.toISOString(),
    since: reports.map((r) => r.since).sort()[0] as string,
    totals,
    headers: mergeRows(reports.map((r) => r.headers), (h) => h.name, headerCounts)
      .sort((a, b) => b.arrived - a.arrived || a.name.localeCompare(b.name)),
    statuses: sortedStatuses,
    routes: mergeRows(reports.map((r) => r.routes), (r) => `${r.method} ${r.route}`, routeCounts)
      .sort((a, b) => b.exchanges - a.exchanges || a.route.localeCompare(b.route)),
    layers: mergeLayers(reports.map((r) => r.layers)),
    findings: mergeFindings(ok),
    fingerprintKeyId: reports[0]?.fingerprintKeyId ?? null,
    protocols,
    ...(pairing === undefined ? {} : { pairing }),
    ...(Object.keys(grpcStatuses).length === 0 ? {} : { grpcStatuses: Object.fromEntries(Object.entries(grpcStatuses).sort((a, b) => Number(a[0]) - Number(b[0]))) }),
    replicas: answers.map((a) => a.report === null
      ? { admin: a.admin, answered: false, error: a.error ?? 'no answer' }
      : { admin: a.admin, answered: true, exchanges: a.report.totals.exchanges, generatedAt: a.report.generatedAt, fingerprintKeyId: a.report.fingerprintKeyId ?? null })
  }
}
