// The report: one JSON model (scripts read it: keep these names), built from the store.
import type { DiagnosisSnapshot, FindingGroup, LayerReport } from '../diagnose/types.js'
import type { ExchangeStore } from '../store/store.js'
import { SEVERITY_ORDER } from '../rules/meta.js'
import type { PairingCounts } from '../pairing/pairing.js'

/** Between the edge and origin taps: pairs made and, per credential header, what the layers did. */
export type PairingReport = PairingCounts & { edgeExchanges: number }

export interface HeaderRow { name: string; arrived: number; forwarded: number; droppedHere: number; onUnauthorized: number }
export interface RouteRow { method: string; route: string; exchanges: number; unauthorized: number; withCredentials: number }

export interface Report {
  generatedAt: string
  since: string
  /**
   * A non-secret id of the fingerprint key (an HMAC of a fixed label under it): reports with
   * equal ids hash equal tokens equally, so a fleet merge can compare their fingerprints.
   */
  fingerprintKeyId?: string | null
  /** Exchanges by the protocol they arrived in: `http/1.1`, `http/1.1+tls`, `h2` (TLS), `h2c`. */
  protocols?: Record<string, number>
  totals: { exchanges: number; withCredentials: number; evicted: number; stored: number; auditFailures: number; refused: number }
  headers: HeaderRow[]
  statuses: Record<string, number>
  /** gRPC status codes seen (grpc-status), only when any gRPC answer was seen. */
  grpcStatuses?: Record<string, number>
  routes: RouteRow[]
  layers: LayerReport[]
  findings: FindingGroup[]
  /** Only when an edge tap runs (--edge-listen). */
  pairing?: PairingReport
  /** How the upstream's TLS certificate is checked: plain (http://), verified, or unverified (--upstream-insecure). */
  upstreamTls?: 'plain' | 'verified' | 'unverified'
}

/** Counts by code, in code order, as JSON keys. */
function countsOf (counts: ReadonlyMap<number, number>): Record<string, number> {
  const out: Record<string, number> = {}
  for (const [code, n] of [...counts.entries()].sort((a, b) => a[0] - b[0])) out[String(code)] = n
  return out
}

export interface AuditCounts { failures: number; refused: number }

export function buildReport (store: ExchangeStore, diagnosis: DiagnosisSnapshot | null, audit: AuditCounts, pairing: PairingReport | null = null, fingerprintKeyId: string | null = null): Report {
  const headers = [...store.headers.entries()]
    .map(([name, c]) => ({ name, ...c }))
    .sort((a, b) => b.arrived - a.arrived || a.name.localeCompare(b.name))
  const statuses: Record<string, number> = {}
  for (const [code, n] of [...store.statuses.entries()].sort((a, b) => a[0] - b[0])) statuses[String(code)] = n
  const routes = [...store.routes.values()]
    .map((r) => ({ ...r }))
    .sort((a, b) => b.exchanges - a.exchanges || a.route.localeCompare(b.route))
  const findings = [...(diagnosis?.findings ?? [])]
    .sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || b.count - a.count)
  return {
    generatedAt: new Date().toISOString(),
    since: store.since.toISOString(),
    totals: {
      exchanges: store.total,
      withCredentials: store.withCredentials,
      evicted: store.evicted,
      stored: store.total - store.evicted,
      auditFailures: audit.failures,
      refused: audit.refused
    },
    headers,
    statuses,
    routes,
    layers: diagnosis?.layers ?? [],
    findings,
    fingerprintKeyId,
    // After the older keys: scripts that read the report by position keep working.
    protocols: Object.fromEntries([...store.protocols.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))),
    ...(pairing === null ? {} : { pairing }),
    ...(store.grpcStatuses.size === 0 ? {} : { grpcStatuses: countsOf(store.grpcStatuses) })
  }
}
