// For a route with both 2xx and 401 exchanges: what the working call carried that the failing
// one did not (credential headers, schemes, JWT issuers and audiences), by name only.
import type { Exchange, SeenHeader } from '../../capture/types.js'
import { isUnauthenticated } from '../../capture/grpc.js'
import type { RuleMeta } from '../../rules/meta.js'
import { clientSign } from '../missing-evidence.js'
import { profileOf, sampleOf, type CallSample, type CredentialProfile } from '../route-memory.js'
import { NO_FINDINGS, finding, type RuleContext, type RuntimeRule } from '../rule.js'
import type { Finding } from '../types.js'

export const meta: RuleMeta = {
  id: 'working-vs-failing',
  severity: 'warning',
  summary: 'Working and failing calls to the same route carry different credentials',
  description: 'The first step of every 401 hunt: compare a call that works with one that fails. hopwatch keeps ' +
    'the credential profile (header names, schemes, JWT issuers and audiences) of the last 2xx and the last 401 ' +
    'of each route and reports what differs: header names, schemes, issuers and audiences, and the fingerprints ' +
    '(keyed hash, length, scheme) of headers both carried. The finding names the header the failing call lacks. A ' +
    'failing call with no credential from a client with no sign of ever sending one is anonymous: info.',
  remediation: {
    default: 'Make the failing client send what the working one sends (see the differences in the evidence); when ' +
      'both come through different paths (CDN vs direct), compare the layers in front of each.'
  },
  docs: 'docs/rules/working-vs-failing.md'
}

function diff (label: string, working: string[], failing: string[], out: string[]): void {
  const missing = working.filter((x) => !failing.includes(x))
  const extra = failing.filter((x) => !working.includes(x))
  if (missing.length > 0) out.push(`${label} in the working call only: ${missing.join(', ')}`)
  if (extra.length > 0) out.push(`${label} in the failing call only: ${extra.join(', ')}`)
}

export function differences (working: CredentialProfile, failing: CredentialProfile): string[] {
  const out: string[] = []
  diff('headers', working.headers, failing.headers, out)
  diff('schemes', working.schemes, failing.schemes, out)
  diff('JWT issuers', working.issuers, failing.issuers, out)
  diff('JWT audiences', working.audiences, failing.audiences, out)
  return out
}

/** Headers both calls carried whose fingerprints differ: `x-api-key: hash 1a2b... (32 bytes) vs hash 3c4d... (31 bytes)`. */
export function fingerprintDifferences (working: CallSample, failing: CallSample): string[] {
  const out: string[] = []
  for (const w of working.arrived) {
    const f = failing.arrived.find((h) => h.key === w.key)
    if (f === undefined) continue
    const a = describeLines(w)
    const b = describeLines(f)
    if (a !== b) out.push(`${w.name}: working ${a} vs failing ${b}`)
  }
  return out
}

function describeLines (h: SeenHeader): string {
  return h.values.map((fp) => `hash ${fp.hash} (${fp.length} bytes${fp.scheme === null ? '' : `, ${fp.scheme}`})`).join(' + ')
}

/** The header the failing call lacks (or carries differently), for the finding's `header`. */
function headerOf (working: CredentialProfile, failing: CredentialProfile, changed: readonly string[]): string | null {
  const missing = working.headers.find((h) => !failing.headers.includes(h))
  if (missing !== undefined) return missing
  const scheme = working.schemes.find((s) => !failing.schemes.includes(s))
  if (scheme !== undefined) return scheme.slice(0, scheme.indexOf(':'))
  const first = changed[0]
  return first === undefined ? null : first.slice(0, first.indexOf(':')).toLowerCase()
}

function check (exchange: Exchange, ctx: RuleContext): readonly Finding[] {
  const response = exchange.response
  const failing = isUnauthenticated(response)
  // A gRPC call works when its grpc-status is OK (0), whatever the HTTP status (200) says.
  const working = !failing && response.status >= 200 && response.status < 300 && (response.grpcStatus === undefined || response.grpcStatus === 0)
  if (!working && !failing) return NO_FINDINGS
  const sample = sampleOf(exchange)
  const record = ctx.routes.remember(exchange.route, working ? 'working' : 'failing', sample)
  if (working || record.working === null) return NO_FINDINGS
  const good = profileOf(record.working)
  const bad = profileOf(sample)
  const found = differences(good, bad)
  if (found.length === 0) return NO_FINDINGS
  const changed = fingerprintDifferences(record.working, sample)
  found.push(...changed)
  const header = headerOf(good, bad, changed)
  const evidence = [`working call ${record.working.exchangeId} vs failing call ${exchange.id} on ${exchange.route}`, ...found]
  // A failing call with no credential from a client with no sign of ever sending one is an
  // anonymous call, not a difference worth a warning (src/diagnose/evidence.ts).
  const sign = exchange.arrived.length === 0 ? clientSign(exchange, ctx.clients, header) : null
  if (sign !== null && sign.confidence === null) {
    return [finding(meta, { header, layer: null, confidence: 'possible', severity: 'info', evidence: [...evidence, sign.evidence] })]
  }
  return [finding(meta, { header, layer: null, confidence: 'likely', evidence })]
}

export const rule: RuntimeRule = { meta, check, perExchange: true }
