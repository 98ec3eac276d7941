// A credential header arrived at hopwatch and did not leave for the upstream.
import type { Exchange } from '../../capture/types.js'
import type { RuleMeta } from '../../rules/meta.js'
import { NO_FINDINGS, displayName, finding, headerOf, type RuleContext, type RuntimeRule } from '../rule.js'
import type { Finding } from '../types.js'

export const meta: RuleMeta = {
  id: 'credential-dropped-here',
  severity: 'error',
  summary: 'A credential header arrived here and was not forwarded to the upstream',
  description: 'hopwatch forwards everything except hop-by-hop headers. A credential header nominated in the ' +
    'request\'s Connection header is hop-by-hop by definition (RFC 9110 section 7.6.1), so every compliant ' +
    'proxy, hopwatch included, must remove it.',
  remediation: {
    hopwatch: 'Remove the credential header\'s name from the Connection header the client (or the layer before ' +
      'hopwatch) sends: `Connection: close, Authorization` makes Authorization hop-by-hop and every proxy drops it.',
    default: 'See the drop reason in the evidence.'
  },
  docs: 'docs/rules/credential-dropped-here.md'
}

function check (exchange: Exchange, _ctx: RuleContext): readonly Finding[] {
  if (exchange.forwarded === null) return NO_FINDINGS
  const dropped = new Set(exchange.droppedHere)
  const forwarded = new Set(exchange.forwarded.map((h) => h.key))
  for (const seen of exchange.arrived) if (!forwarded.has(seen.key)) dropped.add(seen.key)
  if (dropped.size === 0) return NO_FINDINGS
  const out: Finding[] = []
  for (const key of dropped) {
    const seen = headerOf(exchange, key)
    const reason = exchange.dropReasons[key]
    out.push(finding(meta, {
      header: key,
      layer: 'hopwatch',
      confidence: 'certain',
      evidence: [
        `${seen?.name ?? displayName(key)} arrived (${seen?.lines ?? 1} line${(seen?.lines ?? 1) === 1 ? '' : 's'}) and was not sent upstream`,
        reason === undefined ? 'no drop reason recorded' : `reason: ${reason}`
      ]
    }))
  }
  return out
}

export const rule: RuntimeRule = { meta, check }
