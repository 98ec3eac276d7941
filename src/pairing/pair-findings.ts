// Findings from one edge/origin pair: request credentials and response headers the layers
// between the taps changed (seen happen: `certain` when the stamp paired them), blamed on the
// layers recognised at the origin tap and not at the edge. When the edge tap saw the client send
// no credential at all, the origin's credential-missing-on-401 is taken back: no layer is blamed.
import type { ResponseSummary } from '../capture/types.js'
import type { Confidence, LayerId } from '../rules/meta.js'
import { stripRemedy } from '../diagnose/remedies.js'
import { ANONYMOUS_SUMMARY } from '../diagnose/rules/credential-missing-on-401.js'
import type { Finding } from '../diagnose/types.js'
import type { PairedHeader } from './pair-verdict.js'
import type { Observation } from './observation.js'
import type { ResponseChange } from './pair-response.js'

const PAIR_RULE = 'credential-changed-between-taps'
const MISSING_RULE = 'credential-missing-on-401'
const PROBE_FIX = 'Probe each layer with `hopwatch probe URL --hop URL...` to name the one that does it, then apply the fix it prints.'
const NOT_BETWEEN: ReadonlySet<LayerId> = new Set(['client', 'hopwatch'])

/** Layers the origin tap recognises and the edge tap does not: the ones between them. */
export function layersBetween (edge: readonly LayerId[] | undefined, origin: readonly LayerId[] | undefined): LayerId[] {
  const before = new Set(edge ?? [])
  return (origin ?? []).filter((id) => !before.has(id) && !NOT_BETWEEN.has(id))
}

export interface PairFacts {
  edge: Observation
  origin: Observation
  headers: readonly PairedHeader[]
  responses: readonly ResponseChange[]
  between: readonly LayerId[]
  confidence: Confidence
}

function betweenText (between: readonly LayerId[]): string {
  return between.length === 0
    ? 'layers between the taps: none recognised at the origin tap that the edge tap did not see'
    : `layers between the taps: ${between.join(', ')} (recognised at the origin tap, not at the edge)`
}

function requestFix (h: PairedHeader, layer: LayerId): string {
  if (h.verdict === 'dropped' && layer !== 'unknown-proxy') return stripRemedy(layer, h.name.toLowerCase(), null)
  if (h.how === 'changed' && h.detail.startsWith('A line was added') && layer === 'apache') {
    return `Apache httpd: \`RequestHeader add ${h.name}\` appends a line next to the client's: use \`RequestHeader set\` to replace it, or \`RequestHeader setifempty\`.`
  }
  return PROBE_FIX
}

function requestFinding (h: PairedHeader, layer: LayerId, facts: PairFacts): Finding {
  const severity = h.verdict === 'added' ? 'info' : h.verdict === 'dropped' || h.how === 'replaced' || h.detail.startsWith('A line was added') ? 'error' : 'warning'
  const how = h.how === null ? h.verdict : `${h.verdict} (${h.how})`
  return {
    rule: PAIR_RULE,
    severity,
    header: h.name,
    layer,
    confidence: facts.confidence,
    evidence: [`edge tap: ${h.name}`, `origin tap: ${h.arrivedAs ?? 'absent'}`, h.detail, betweenText(facts.between)],
    summary: `${h.name} ${how} by the layers between the edge and the origin tap.`,
    remediation: requestFix(h, layer)
  }
}

const NAMES: Readonly<Record<ResponseChange['header'], string>> = {
  'www-authenticate': 'WWW-Authenticate', 'proxy-authenticate': 'Proxy-Authenticate', 'set-cookie': 'Set-Cookie', location: 'Location'
}

function responseFinding (change: ResponseChange, layer: LayerId, facts: PairFacts): Finding {
  return {
    rule: PAIR_RULE,
    severity: change.severity,
    header: change.header,
    layer,
    confidence: facts.confidence,
    evidence: [change.detail, betweenText(facts.between)],
    summary: `The response's ${NAMES[change.header]} was ${change.what} by the layers between the origin and the edge tap.`,
    remediation: change.cause
  }
}

function anonymous (origin: Observation, response: ResponseSummary, facts: PairFacts): Finding {
  const finding: Finding = {
    rule: MISSING_RULE,
    severity: 'info',
    header: null,
    layer: null,
    confidence: facts.confidence,
    evidence: [
      'edge tap: the client sent no credential header',
      `origin tap: no credential header either; the upstream answered ${response.status}`,
      'the client sent nothing: no layer is blamed'
    ],
    summary: ANONYMOUS_SUMMARY,
    remediation: 'Nothing to fix if this call is meant to be anonymous; otherwise make the client attach its credential.'
  }
  if (origin.exchangeId !== undefined) finding.withdraws = { rule: MISSING_RULE, exchangeId: origin.exchangeId }
  return finding
}

export function betweenFindings (facts: PairFacts): Finding[] {
  const layer: LayerId = facts.between.length === 1 ? facts.between[0] as LayerId : 'unknown-proxy'
  const out: Finding[] = []
  for (const h of facts.headers) if (h.verdict !== 'intact') out.push(requestFinding(h, layer, facts))
  for (const change of facts.responses) out.push(responseFinding(change, layer, facts))
  const response = facts.origin.response
  if (response?.status === 401 && response.source === 'upstream' && facts.edge.arrived.length === 0 && facts.origin.arrived.length === 0) {
    out.push(anonymous(facts.origin, response, facts))
  }
  return out
}
