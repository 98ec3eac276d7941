// For a route with both 2xx and 401 exchanges: what the working call carried that the failing
// one did not (credential headers, schemes, JWT issuers and audiences), by name only.
import type { Exchange } from '../../capture/types.js'
import type { RuleMeta } from '../meta.js'
import { profileOf, sampleOf, type CredentialProfile } from '../route-memory.js'
import { NO_FINDINGS, finding, type RuleContext, type RuntimeRule } from '../rule.js'
import type { Finding } from '../types.js'

export const meta: RuleMeta = {
  id: 'working-vs-failing',
  severity: 'warning',
  summary: 'Working and failing calls to the same route carry different credentials',
  description: 'The first step of every 401 hunt: compare a call that works with one that fails. hopwatch keeps ' +
    'the credential profile (header names, schemes, JWT issuers and audiences) of the last 2xx and the last 401 ' +
    'of each route and reports what differs.',
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

function check (exchange: Exchange, ctx: RuleContext): readonly Finding[] {
  const status = exchange.response.status
  const working = status >= 200 && status < 300
  if (!working && status !== 401) return NO_FINDINGS
  const sample = sampleOf(exchange)
  const record = ctx.routes.remember(exchange.route, working ? 'working' : 'failing', sample)
  if (working || record.working === null) return NO_FINDINGS
  const found = differences(profileOf(record.working), profileOf(sample))
  if (found.length === 0) return NO_FINDINGS
  return [finding(meta, {
    header: null,
    layer: null,
    confidence: 'likely',
    evidence: [`working call ${record.working.exchangeId} vs failing call ${exchange.id} on ${exchange.route}`, ...found]
  })]
}

export const rule: RuntimeRule = { meta, check, perExchange: true }
