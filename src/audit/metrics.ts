// Prometheus metrics on hopwatch's own Registry (never the global one, so two sidecars in one
// process, or tests, do not collide). Every label set is bounded: statuses are 3-digit codes or
// `other`, header names only from the credential list (else `other`), rules and layers only from
// the known sets. Label children are cached so observe() does no label hashing after warm-up.
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import { BUILTIN_CREDENTIAL_HEADERS } from '../capture/credential-names.js'
import type { Exchange, SeenHeader } from '../capture/types.js'
import { perShape, shapeSlot, type ShapeSlot } from '../capture/shape.js'
import { RULES } from '../diagnose/rules/index.js'
import { PAIR_RULE } from '../pairing/pairing.js'
import type { Finding } from '../diagnose/types.js'

export interface MetricsOptions {
  /** Extra credential header names (--credential-header) allowed as `header` label values. */
  credentialHeaders?: readonly string[]
  /** Node process metrics (CPU, memory, event loop lag) with the `hopwatch_` prefix. Default true. */
  processMetrics?: boolean
}

export interface Metrics {
  observe: (exchange: Exchange, findings: readonly Finding[]) => void
  /** Findings made outside the rules (edge/origin pairing), counted like the rules' own. */
  countFindings: (findings: readonly Finding[]) => void
  /** Where the audit's own counts (failures, refused requests) are read at each scrape. */
  watchAudit: (source: AuditCounts) => void
  render: () => Promise<string>
  contentType: string
  registry: Registry
}

/** The Auditor's counters, read when Prometheus scrapes. */
export interface AuditCounts { readonly failures: number; readonly refused: number }

/** Seconds; from a cache hit to a slow upstream near the default 30 s timeout. */
export const DURATION_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]
const LAYERS: ReadonlySet<string> = new Set([
  'cloudflare', 'cloudfront', 'aws-api-gateway', 'aws-alb', 'nginx', 'ingress-nginx', 'apache', 'envoy',
  'varnish', 'traefik', 'haproxy', 'caddy', 'squid', 'lighttpd', 'unknown-proxy', 'client', 'hopwatch'
])
const SEVERITIES: ReadonlySet<string> = new Set(['error', 'warning', 'info'])

export function statusLabel (status: number): string {
  return Number.isInteger(status) && status >= 100 && status <= 599 ? String(status) : 'other'
}

export function createMetrics (options: MetricsOptions = {}): Metrics {
  const registry = new Registry()
  if (options.processMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'hopwatch_' })
  const headers = new Set(BUILTIN_CREDENTIAL_HEADERS)
  for (const name of options.credentialHeaders ?? []) headers.add(name.toLowerCase())
  const rules: ReadonlySet<string> = new Set([...RULES.map((r) => r.meta.id), PAIR_RULE])

  const exchanges = new Counter({
    name: 'hopwatch_exchanges_total',
    help: 'Exchanges seen at this tap, by the status returned to the client.',
    labelNames: ['status'] as const,
    registers: [registry]
  })
  const credentialHeaders = new Counter({
    name: 'hopwatch_credential_headers_total',
    help: 'Credential headers by stage: arrived at hopwatch, forwarded to the upstream, dropped here.',
    labelNames: ['header', 'stage'] as const,
    registers: [registry]
  })
  const findingsTotal = new Counter({
    name: 'hopwatch_findings_total',
    help: 'Diagnosis findings by rule, severity and blamed layer (none when no layer is blamed).',
    labelNames: ['rule', 'severity', 'layer'] as const,
    registers: [registry]
  })
  const duration = new Histogram({
    name: 'hopwatch_request_duration_seconds',
    help: 'Time from the request arriving at hopwatch to the end of the response.',
    buckets: DURATION_BUCKETS,
    registers: [registry]
  })

  const auditFailures = new Counter({
    name: 'hopwatch_audit_failures_total',
    help: 'Exchanges whose audit threw (the traffic was forwarded regardless: the audit fails open).',
    registers: [registry]
  })
  const refused = new Counter({
    name: 'hopwatch_requests_refused_total',
    help: 'Requests the HTTP parser refused before they became exchanges (malformed or smuggling-shaped: 400, 408, 431).',
    registers: [registry]
  })
  let audit: AuditCounts | null = null
  const auditSeen = { failures: 0, refused: 0 }

  // observe() runs after every exchange: it only bumps plain numbers. prom-client is brought
  // up to date when Prometheus scrapes (render), so no label hashing happens per exchange.
  interface Tally { counter: Counter<string>; labels: Record<string, string>; value: number; reported: number }
  const tallies = new Map<string, Tally>()
  function tallyOf (key: string, counter: Counter<string>, labels: () => Record<string, string>): Tally {
    let tally = tallies.get(key)
    if (tally === undefined) {
      tally = { counter, labels: labels(), value: 0, reported: 0 }
      tallies.set(key, tally)
    }
    return tally
  }
  // Exchanges of one shape have the same header names in each stage (their fingerprints differ
  // per user): the tallies each one bumps are found once per shape (src/capture/shape.ts), in
  // slots of this registry's own.
  const arrivedSlot = shapeSlot<readonly Tally[]>('metrics: arrived')
  const forwardedSlot = shapeSlot<readonly Tally[]>('metrics: forwarded')
  const droppedSlot = shapeSlot<readonly Tally[]>('metrics: dropped')
  function bump (exchange: Exchange, slot: ShapeSlot<readonly Tally[]>, talliesOf: (exchange: Exchange) => readonly Tally[]): void {
    const tallies = perShape(exchange, slot, exchange, talliesOf)
    for (let i = 0; i < tallies.length; i++) (tallies[i] as Tally).value++
  }
  // Small batches: flushing thousands of observations at once stalled traffic for a millisecond or two.
  const durations = new Float64Array(256)
  let pendingDurations = 0
  function flushDurations (): void {
    for (let i = 0; i < pendingDurations; i++) duration.observe(durations[i] as number)
    pendingDurations = 0
  }
  /** Bring prom-client up to date: only when it is read, as each inc() hashes its labels. */
  function flush (): void {
    for (const tally of tallies.values()) {
      if (tally.value > tally.reported) tally.counter.inc(tally.labels, tally.value - tally.reported)
      tally.reported = tally.value
    }
    flushDurations()
    if (audit !== null) {
      if (audit.failures > auditSeen.failures) auditFailures.inc(audit.failures - auditSeen.failures)
      if (audit.refused > auditSeen.refused) refused.inc(audit.refused - auditSeen.refused)
      auditSeen.failures = audit.failures
      auditSeen.refused = audit.refused
    }
  }
  const headerLabel = (key: string): string => headers.has(key) ? key : 'other'

  function findingTally (f: Finding): Tally {
    const rule = rules.has(f.rule) ? f.rule : 'other'
    const severity = SEVERITIES.has(f.severity) ? f.severity : 'other'
    const layer = f.layer !== null && LAYERS.has(f.layer) ? f.layer : 'none'
    return tallyOf(`f\u0000${rule}\u0000${severity}\u0000${layer}`, findingsTotal, () => ({ rule, severity, layer }))
  }

  function countFindings (findings: readonly Finding[]): void {
    for (const f of findings) findingTally(f).value++
  }

  const stageOf = (stage: string) => (key: string): Tally => {
    const h = headerLabel(key)
    return tallyOf(`h\u0000${h}\u0000${stage}`, credentialHeaders, () => ({ header: h, stage }))
  }
  const arrivedStage = stageOf('arrived')
  const forwardedStage = stageOf('forwarded')
  const arrivedTally = (seen: SeenHeader): Tally => arrivedStage(seen.key)
  const forwardedTally = (seen: SeenHeader): Tally => forwardedStage(seen.key)
  const droppedTally = stageOf('dropped')
  const arrivedTallies = (ex: Exchange): readonly Tally[] => ex.arrived.map(arrivedTally)
  const forwardedTallies = (ex: Exchange): readonly Tally[] => (ex.forwarded ?? []).map(forwardedTally)
  const droppedTallies = (ex: Exchange): readonly Tally[] => ex.droppedHere.map(droppedTally)

  function observe (exchange: Exchange, findings: readonly Finding[]): void {
    const status = statusLabel(exchange.clientStatus)
    tallyOf(`s\u0000${status}`, exchanges, () => ({ status })).value++
    if (exchange.arrived.length > 0) bump(exchange, arrivedSlot, arrivedTallies)
    if (exchange.forwarded !== null && exchange.forwarded.length > 0) bump(exchange, forwardedSlot, forwardedTallies)
    if (exchange.droppedHere.length > 0) bump(exchange, droppedSlot, droppedTallies)
    countFindings(findings)
    if (Number.isFinite(exchange.durationMs) && exchange.durationMs >= 0) {
      durations[pendingDurations++] = exchange.durationMs / 1000
      if (pendingDurations === durations.length) flushDurations()
    }
  }

  return {
    observe,
    countFindings,
    watchAudit: (source) => { audit = source },
    render: async () => { flush(); return await registry.metrics() },
    contentType: registry.contentType,
    registry
  }
}
