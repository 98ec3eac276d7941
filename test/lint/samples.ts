// The nginx-samples manifests, read and validated once, and the synthetic credentials the
// runtime half of the sample tests sends. Values are generated per run and never printed.
import { createHash, randomBytes } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { asManifest, type Manifest } from '../../nginx-samples/manifest.js'

export type { Manifest, RequestOutcome, ResponseOutcome, SampleRequest, UpstreamKind } from '../../nginx-samples/manifest.js'

export const SAMPLES_DIR = new URL('../../nginx-samples/', import.meta.url).pathname

export interface Sample { rule: string, name: string, dir: string, manifest: Manifest }

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
      jwt12k: `Bearer ${segment(27)}.${segment(9200)}.${segment(64)}`,
      basic: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`
    },
    htpasswd: `${user}:{SHA}${createHash('sha1').update(password).digest('base64')}\n`
  }
}

/** Replaces {{bearer}}, {{token}}, {{jwt12k}} (a 12 KB Authorization), ... with this run's values. */
export function fill (text: string, creds: Credentials): string {
  return text.replace(/\{\{(bearer|token|jwt3k|jwt12k|basic|htpasswd)\}\}/g, (_m, key: string) => key === 'htpasswd' ? creds.htpasswd : (creds.values[key] ?? ''))
}
