// The upstream answered 401 and the credential it asks for never arrived at hopwatch: something
// in front removed it, or the client never sent it. One finding per candidate layer.
import type { Challenge, Exchange } from '../../capture/types.js'
import type { Confidence, RuleMeta } from '../meta.js'
import { NOT_BLAMEABLE, STRIP_CAUSES } from '../remedies.js'
import { NO_FINDINGS, displayName, finding, type RuleContext, type RuntimeRule } from '../rule.js'
import type { Finding } from '../types.js'

export const meta: RuleMeta = {
  id: 'credential-missing-on-401',
  severity: 'error',
  summary: 'The upstream answered 401 and no credential arrived here',
  description: 'The app asked for credentials (401) but the request reached hopwatch without the header the ' +
    'challenge names. Either the client did not send it, or a layer in front removed it. Each layer recognised ' +
    'in front is listed as a candidate with its known stripping causes.',
  remediation: STRIP_CAUSES,
  docs: 'docs/rules/credential-missing-on-401.md'
}

/** Schemes whose credentials travel in Authorization (RFC 9110 section 11.6.2 and the IANA registry). */
const AUTHORIZATION_SCHEMES: ReadonlySet<string> = new Set([
  'basic', 'bearer', 'digest', 'negotiate', 'ntlm', 'dpop', 'hoba', 'mutual', 'scram-sha-1', 'scram-sha-256', 'vapid'
])

export function challengedHeader (challenges: readonly Challenge[]): string | null {
  for (const challenge of challenges) {
    if (AUTHORIZATION_SCHEMES.has(challenge.scheme.toLowerCase())) return 'authorization'
  }
  return null
}

function capped (confidence: Confidence, cap: Confidence): Confidence {
  const order: Confidence[] = ['possible', 'likely', 'certain']
  return order.indexOf(confidence) < order.indexOf(cap) ? confidence : cap
}

function check (exchange: Exchange, ctx: RuleContext): readonly Finding[] {
  const response = exchange.response
  if (response.status !== 401 || response.source !== 'upstream') return NO_FINDINGS
  const wanted = challengedHeader(response.wwwAuthenticate)
  const arrived = exchange.arrived
  if (wanted !== null ? arrived.some((h) => h.key === wanted) : arrived.length > 0) return NO_FINDINGS

  const challenge = response.wwwAuthenticate[0]
  const evidence = [
    challenge === undefined
      ? 'upstream answered 401 without a WWW-Authenticate challenge'
      : `upstream answered 401 with a ${challenge.scheme} challenge${challenge.error === null ? '' : ` (error="${challenge.error}")`}`,
    wanted === null ? 'no credential header arrived at hopwatch' : `no ${displayName(wanted)} header arrived at hopwatch`
  ]
  if (arrived.length > 0) evidence.push(`arrived instead: ${arrived.map((h) => h.name).join(', ')}`)

  const candidates = ctx.layers.filter((l) => !NOT_BLAMEABLE.has(l.id))
  if (candidates.length === 0) {
    return [finding(meta, { header: wanted, layer: null, confidence: 'possible', evidence: [...evidence, 'no proxy recognised in front'] })]
  }
  const single = candidates.length === 1
  return candidates.map((layer) => finding(meta, {
    header: wanted,
    layer: layer.id,
    confidence: single ? capped(layer.confidence, 'likely') : 'possible',
    evidence: [...evidence, `${layer.id} seen in front (${layer.confidence}): ${layer.evidence.join(', ')}`],
    summary: `${meta.summary}; ${single ? '' : 'one of the layers in front, possibly '}${layer.id} removed it or the client never sent it`
  }))
}

export const rule: RuntimeRule = { meta, check }
