// The upstream answered 401 and the credential it asks for never arrived at hopwatch: something
// in front removed it, or the client never sent it. A layer is blamed only on evidence that the
// client sends it (src/diagnose/evidence.ts); a 401 following a redirect is reported as the
// redirect's doing; a 401 to a client with no sign of ever sending a credential is counted (info).
import type { Challenge, Exchange } from '../../capture/types.js'
import { isUnauthenticated, refusalName } from '../../capture/grpc.js'
import { atMost } from '../evidence.js'
import type { Confidence, RuleMeta } from '../../rules/meta.js'
import { pathOf } from '../client-memory.js'
import { clientSign, nameHeader } from '../missing-evidence.js'
import { NOT_BLAMEABLE, STRIP_CAUSES, stripRemedy } from '../remedies.js'
import { NO_FINDINGS, displayName, finding, type RuleContext, type RuntimeRule } from '../rule.js'
import type { Finding, LayerSighting } from '../types.js'
import { linkedRedirect } from './auth-lost-on-redirect.js'

export const meta: RuleMeta = {
  id: 'credential-missing-on-401',
  severity: 'error',
  summary: 'The upstream answered 401 and no credential arrived here',
  description: 'The app asked for credentials (401) but the request reached hopwatch without the header the ' +
    'challenge names (or, without a challenge, the one this route receives on other calls). A layer in front is ' +
    'blamed only when the same client sends that route the credential on other calls (likely) or the edge tap saw ' +
    'it (certain); when the client only sends credentials elsewhere it is a warning (possible); a client with no ' +
    'sign of ever sending one is an anonymous 401, counted per route (info). A 401 right after a redirect to its ' +
    'path is reported as auth-lost-on-redirect.',
  remediation: STRIP_CAUSES,
  docs: 'docs/rules/credential-missing-on-401.md'
}

export const ANONYMOUS_SUMMARY = 'Anonymous 401: the client sent no credential and there is no sign it ever sends one'

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

function check (exchange: Exchange, ctx: RuleContext): readonly Finding[] {
  const response = exchange.response
  // gRPC UNAUTHENTICATED (16) counts as a 401 (src/capture/grpc.ts); gRPC sends no challenge.
  if (!isUnauthenticated(response) || response.source !== 'upstream') return NO_FINDINGS
  const challenged = challengedHeader(response.wwwAuthenticate)
  const arrived = exchange.arrived
  if (challenged !== null ? arrived.some((h) => h.key === challenged) : arrived.length > 0) return NO_FINDINGS

  const redirect = linkedRedirect(exchange, ctx)
  if (redirect !== null) return [redirect]

  const named = nameHeader(exchange, ctx.clients, challenged, ctx.configuredHeaders)
  const header = named.key
  const challenge = response.wwwAuthenticate[0]
  const evidence = [
    challenge === undefined
      ? `upstream answered ${refusalName(response)}${response.status === 401 ? ' without a WWW-Authenticate challenge' : ''}`
      : `upstream answered ${refusalName(response)} with a ${challenge.scheme} challenge${challenge.error === null ? '' : ` (error="${challenge.error}")`}`,
    header === null ? 'no credential header arrived at hopwatch' : `no ${displayName(header)} header arrived at hopwatch`,
    `header named from ${named.from}`
  ]
  if (named.variantSeen !== null) evidence.push(`${named.variantSeen} was seen on other calls: the client may send the name with underscores`)
  if (arrived.length > 0) evidence.push(`arrived instead: ${arrived.map((h) => h.name).join(', ')}`)
  const sign = clientSign(exchange, ctx.clients, header)
  evidence.push(sign.evidence)

  const candidates = ctx.layers.filter((l) => !NOT_BLAMEABLE.has(l.id))
  const front = candidates.map((l) => `${l.id} seen in front (${l.confidence}): ${l.evidence.join(', ')}`)
  if (sign.confidence === null) {
    // Kept with the blame it would carry if a later call of this client shows it sends the credential here.
    const wouldBe = blame(header, named.variantSeen, 'likely', evidence.slice(0, -1), candidates)
    ctx.clients.pendAnonymous(exchange, header, wouldBe, pathOf(ctx.layers))
    const only = candidates.length === 1 ? candidates[0] : undefined
    return [finding(meta, {
      header,
      layer: null,
      confidence: 'possible',
      severity: 'info',
      evidence: [...evidence, ...front],
      summary: ANONYMOUS_SUMMARY,
      remediation: only === undefined
        ? 'Nothing to fix if this call is meant to be anonymous. If the client should have sent a credential, check that it attaches it for this host and path.'
        : `If the client did send ${header === null ? 'a credential' : displayName(header)}: ${stripRemedy(only.id, header, named.variantSeen)} Nothing to fix if this call is meant to be anonymous.`
    })]
  }
  return blame(header, named.variantSeen, sign.confidence, evidence, candidates)
}

/** The finding(s) for a credential the client sends: on the one layer in front, or on each candidate. */
function blame (header: string | null, variantSeen: string | null, sign: Confidence, evidence: string[], candidates: readonly LayerSighting[]): Finding[] {
  if (candidates.length === 0) {
    return [finding(meta, {
      header,
      layer: null,
      confidence: sign,
      severity: 'warning',
      evidence: [...evidence, 'no proxy recognised in front'],
      summary: `${meta.summary}; no layer is recognised in front, so the client most likely did not attach it to this call`,
      remediation: stripRemedy('default', header, variantSeen)
    })]
  }
  const single = candidates.length === 1
  return candidates.map((layer) => finding(meta, {
    header,
    layer: layer.id,
    confidence: single ? atMost(atMost(layer.confidence, 'likely'), sign) : 'possible',
    evidence: [...evidence, `${layer.id} seen in front (${layer.confidence}): ${layer.evidence.join(', ')}`],
    summary: `${meta.summary}; ${single ? '' : 'one of the layers in front, possibly '}${layer.id} removed it or the client did not send it this time`,
    remediation: stripRemedy(layer.id, header, variantSeen)
  }))
}

export const rule: RuntimeRule = { meta, check, perExchange: true }
