// The nginx-samples manifests, read and validated once, and the synthetic credentials the
// runtime half of the sample tests sends. Values are generated per run and never printed.
import { createHash, randomBytes } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Severity } from '../../src/diagnose/meta.js'

export const SAMPLES_DIR = new URL('../../nginx-samples/', import.meta.url).pathname

export type RequestOutcome = 'intact' | 'dropped' | 'replaced' | 'rejected'
export type ResponseOutcome = 'kept' | 'hidden'
export type UpstreamKind = 'echo' | 'challenge' | 'big-set-cookie' | 'cgi'

export interface ExpectedFinding { rule: string, line: number, severity: Severity, header?: string }
export interface SampleRequest {
  path: string
  send: Record<string, string>
  status: number
  request?: Record<string, RequestOutcome | { outcome: RequestOutcome, value: string }>
  response?: Record<string, ResponseOutcome>
  reachedUpstream?: boolean
  note?: string
}
export interface Manifest {
  server: 'nginx' | 'apache'
  config: string
  description?: string
  credentialHeaders?: string[]
  files?: Record<string, string>
  modes?: Record<string, number>
  lint: ExpectedFinding[]
  runtime: { upstream: UpstreamKind, starts?: boolean, client?: string, requests: SampleRequest[] }
}
export interface Sample { rule: string, name: string, dir: string, manifest: Manifest }

function isRecord (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Narrows a parsed manifest; throws a plain sentence naming the file when it is malformed. */
export function asManifest (value: unknown, where: string): Manifest {
  if (!isRecord(value)) throw new Error(`${where} is not a JSON object`)
  const { server, config, lint, runtime } = value
  if (server !== 'nginx' && server !== 'apache') throw new Error(`${where}: "server" must be nginx or apache`)
  if (typeof config !== 'string') throw new Error(`${where}: "config" must name the config file`)
  if (!Array.isArray(lint)) throw new Error(`${where}: "lint" must list the expected findings`)
  if (!isRecord(runtime) || !Array.isArray(runtime.requests)) throw new Error(`${where}: "runtime.requests" must be a list`)
  return value as unknown as Manifest
}

export function loadSamples (): Sample[] {
  const out: Sample[] = []
  for (const rule of readdirSync(SAMPLES_DIR).sort()) {
    const dir = join(SAMPLES_DIR, rule)
    let names: string[]
    try { names = readdirSync(dir) } catch { continue }
    for (const file of names.filter((n) => n.endsWith('.json')).sort()) {
      const where = join(dir, file)
      out.push({ rule, name: file.replace(/\.json$/, ''), dir, manifest: asManifest(JSON.parse(readFileSync(where, 'utf8')), where) })
    }
  }
  return out
}

export interface Credentials {
  values: Record<string, string>
  /** htpasswd line for the Basic credential ({SHA}, understood by nginx and httpd). */
  htpasswd: string
}

export function makeCredentials (): Credentials {
  const password = randomBytes(12).toString('base64url')
  const user = 'sample-user'
  const segment = (n: number): string => randomBytes(n).toString('base64url')
  return {
    values: {
      bearer: `Bearer ${segment(24)}`,
      token: randomBytes(16).toString('hex'),
      jwt3k: `Bearer ${segment(27)}.${segment(2200)}.${segment(64)}`,
      basic: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`
    },
    htpasswd: `${user}:{SHA}${createHash('sha1').update(password).digest('base64')}\n`
  }
}

/** Replaces {{bearer}}, {{token}}, ... with this run's values. */
export function fill (text: string, creds: Credentials): string {
  return text.replace(/\{\{(bearer|token|jwt3k|basic|htpasswd)\}\}/g, (_m, key: string) => key === 'htpasswd' ? creds.htpasswd : (creds.values[key] ?? ''))
}
