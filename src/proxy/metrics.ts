// Prometheus metrics on hopwatch's own Registry (never the global one, so two sidecars in one
// process, or tests, do not collide). Every label set is bounded: statuses are 3-digit codes or
// `other`, header names only from the credential list (else `other`), rules and layers only from
// the known sets. Label children are cached so observe() does no label hashing after warm-up.
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import { BUILTIN_CREDENTIAL_HEADERS } from '../capture/credential-names.js'
import type { Exchange } from '../capture/types.js'
import { RULES } from '../diagnose/rules/index.js'
import type { Finding } from '../diagnose/types.js'

export interface MetricsOptions {
  /** Extra credential header names (--credential-header) allowed as `header` label values. */
  credentialHeaders?: readonly string[]
  /** Node process metrics (CPU, memory, event loop lag) with the `hopwatch_` prefix. Default true. */
  processMetrics?: boolean
}

export interface Metrics {
  observe: (exchange: Exchange, findings: readonly Finding[]) => void
  render: () => Promise<string>
  contentType: string
  registry: Registry
}

/** Seconds; from a cache hit to a slow upstream near the default 30 s timeout. */
export const DURATION_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]
const LAYERS: ReadonlySet<string> = new Set([
  'cloudflare', 'cloudfront', 'aws-api-gateway', 'aws-alb', 'nginx', 'ingress-nginx', 'apache', 'envoy',
  'varnish', 'traefik', 'unknown-proxy', 'client', 'hopwatch'
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
  const rules: ReadonlySet<string> = new Set(RULES.map((r) => r.meta.id))

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

  const children = new Map<string, Counter.Internal>()
  function child (counter: Counter<string>, key: string, values: string[]): Counter.Internal {
    let found = children.get(key)
    if (found === undefined) {
      found = counter.labels(...values)
      children.set(key, found)
    }
    return found
  }
  const headerLabel = (key: string): string => headers.has(key) ? key : 'other'

  function observe (exchange: Exchange, findings: readonly Finding[]): void {
    const status = statusLabel(exchange.clientStatus)
    child(exchanges, `s\u0000${status}`, [status]).inc()
    for (const seen of exchange.arrived) {
      const h = headerLabel(seen.key)
      child(credentialHeaders, `h\u0000${h}\u0000arrived`, [h, 'arrived']).inc()
    }
    for (const seen of exchange.forwarded ?? []) {
      const h = headerLabel(seen.key)
      child(credentialHeaders, `h\u0000${h}\u0000forwarded`, [h, 'forwarded']).inc()
    }
    for (const key of exchange.droppedHere) {
      const h = headerLabel(key)
      child(credentialHeaders, `h\u0000${h}\u0000dropped`, [h, 'dropped']).inc()
    }
    for (const f of findings) {
      const rule = rules.has(f.rule) ? f.rule : 'other'
      const severity = SEVERITIES.has(f.severity) ? f.severity : 'other'
      const layer = f.layer !== null && LAYERS.has(f.layer) ? f.layer : 'none'
      child(findingsTotal, `f\u0000${rule}\u0000${severity}\u0000${layer}`, [rule, severity, layer]).inc()
    }
    if (Number.isFinite(exchange.durationMs) && exchange.durationMs >= 0) duration.observe(exchange.durationMs / 1000)
  }

  return {
    observe,
    render: async () => await registry.metrics(),
    contentType: registry.contentType,
    registry
  }
}
