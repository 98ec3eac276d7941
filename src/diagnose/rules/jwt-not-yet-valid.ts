// A JWT whose `nbf` is after this host's clock (RFC 7519 section 4.1.5).
import type { Exchange } from '../../capture/types.js'
import type { RuleMeta } from '../../rules/meta.js'
import { NO_FINDINGS, describeJwt, duration, finding, isoSeconds, jwtsOf, type JwtSeen, type RuleContext, type RuntimeRule } from '../rule.js'
import type { Finding } from '../types.js'

export const meta: RuleMeta = {
  id: 'jwt-not-yet-valid',
  severity: 'error',
  summary: 'A JWT was sent before its not-before time',
  description: 'The token\'s `nbf` claim is later than this host\'s clock, so validators reject it until then ' +
    '(RFC 7519 section 4.1.5). Almost always the issuer\'s clock runs ahead of the validator\'s, or a ' +
    'token minted for later use was sent early.',
  remediation: {
    default: 'Synchronise the clocks of the issuer and the app (NTP / chrony), or allow a small leeway in the ' +
      'validator (most JWT libraries take a `clockTolerance` / `leeway` of up to 60 s).'
  },
  docs: 'docs/rules/jwt-not-yet-valid.md'
}

function check (exchange: Exchange, ctx: RuleContext): readonly Finding[] {
  let out: Finding[] | null = null
  const jwts = jwtsOf(exchange)
  for (let k = 0; k < jwts.length; k++) {
    const seen = jwts[k] as JwtSeen
    const nbf = seen.jwt.nbf
    if (nbf === null || nbf * 1000 <= ctx.now) continue
    out ??= []
    out.push(finding(meta, {
      header: seen.header.key,
      layer: null,
      confidence: 'certain',
      evidence: [describeJwt(seen), `nbf ${isoSeconds(nbf)} is ${duration(nbf * 1000 - ctx.now)} after this host's clock`]
    }))
  }
  return out ?? NO_FINDINGS
}

export const rule: RuntimeRule = { meta, check, perExchange: true }
