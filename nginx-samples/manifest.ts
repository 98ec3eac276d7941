// The shape of every nginx-samples/<rule>/<name>.json manifest (see README.md here), and its
// validator. test/lint/samples.test.ts reads the manifests through asManifest().
import type { Severity } from '../src/rules/meta.js'

export type RequestOutcome = 'intact' | 'dropped' | 'replaced' | 'rejected'
export type ResponseOutcome = 'kept' | 'hidden'
export type UpstreamKind = 'echo' | 'challenge' | 'big-set-cookie' | 'cgi' | 'fcgi'

export interface ExpectedFinding { rule: string, line: number, severity: Severity, header?: string }
export interface SampleRequest {
  path: string
  send: Record<string, string>
  status: number
  request?: Record<string, RequestOutcome | { outcome: RequestOutcome, value: string }>
  response?: Record<string, ResponseOutcome>
  reachedUpstream?: boolean
  /** Request headers whose value must NOT reach the upstream as sent (a password the app has
   *  no use for): reaching it intact counts as harm. */
  leaks?: string[]
  note?: string
}
export interface Manifest {
  server: 'nginx' | 'apache' | 'haproxy' | 'caddy' | 'varnish'
  config: string
  /** The config the real server runs when `config` is not one itself (an Ingress manifest). */
  runtimeConfig?: string
  description?: string
  credentialHeaders?: string[]
  files?: Record<string, string>
  modes?: Record<string, number>
  lint: ExpectedFinding[]
  runtime: { upstream: UpstreamKind, starts?: boolean, client?: string, requests: SampleRequest[] }
}

const SERVERS: ReadonlySet<string> = new Set(['nginx', 'apache', 'haproxy', 'caddy', 'varnish'])
const SEVERITIES: ReadonlySet<string> = new Set(['error', 'warning', 'info'])
const UPSTREAMS: ReadonlySet<string> = new Set(['echo', 'challenge', 'big-set-cookie', 'cgi', 'fcgi'])

function isRecord (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Narrows a parsed manifest; throws a plain sentence naming the file when it is malformed. */
export function asManifest (value: unknown, where: string): Manifest {
  if (!isRecord(value)) throw new Error(`${where} is not a JSON object`)
  const { server, config, lint, runtime } = value
  if (typeof server !== 'string' || !SERVERS.has(server)) throw new Error(`${where}: "server" must be one of ${[...SERVERS].join(', ')}`)
  if (typeof config !== 'string') throw new Error(`${where}: "config" must name the config file`)
  if (!Array.isArray(lint)) throw new Error(`${where}: "lint" must list the expected findings`)
  if (!isRecord(runtime) || !Array.isArray(runtime.requests)) throw new Error(`${where}: "runtime.requests" must be a list`)
  for (const f of lint) {
    if (!isRecord(f) || typeof f.rule !== 'string' || typeof f.line !== 'number' || !SEVERITIES.has(String(f.severity))) {
      throw new Error(`${where}: every "lint" entry needs rule, line and severity (error, warning or info)`)
    }
  }
  if (!UPSTREAMS.has(String(runtime.upstream))) throw new Error(`${where}: "runtime.upstream" must be one of ${[...UPSTREAMS].join(', ')}`)
  for (const r of runtime.requests) {
    if (!isRecord(r) || typeof r.path !== 'string' || typeof r.status !== 'number' || !isRecord(r.send)) {
      throw new Error(`${where}: every request needs path, send and status`)
    }
  }
  return value as unknown as Manifest
}
