// A JWT that expires within EXPIRING_SOON_MS: a refresh that waits for the 401 is racing it.
import type { Exchange } from '../../capture/types.js'
import type { RuleMeta } from '../../rules/meta.js'
import { NO_FINDINGS, describeJwt, duration, finding, isoSeconds, jwtsOf, type JwtSeen, type RuleContext, type RuntimeRule } from '../rule.js'
import type { Finding } from '../types.js'

/** Tokens with less life left than this are reported. */
export const EXPIRING_SOON_MS = 60_000

export const meta: RuleMeta = {
  id: 'jwt-expiring-soon',
  severity: 'info',
  summary: 'A JWT was sent with less than a minute left before it expires',
  description: 'The token is still valid but expires within 60 s. A request that queues, retries, or crosses a ' +
    'slower hop can arrive after `exp` and fail intermittently. Clients should refresh ahead of expiry.',
  remediation: {
    client: 'Refresh tokens some time before `exp` (for example when less than 10 % or 60 s of the lifetime ' +
      'is left), not after the first 401.',
    default: 'Refresh tokens before they expire.'
  },
  docs: 'docs/rules/jwt-expiring-soon.md'
}

function check (exchange: Exchange, ctx: RuleContext): readonly Finding[] {
  let out: Finding[] | null = null
  const jwts = jwtsOf(exchange)
  for (let k = 0; k < jwts.length; k++) {
    const seen = jwts[k] as JwtSeen
    const exp = seen.jwt.exp
    if (exp === null) continue
    const left = exp * 1000 - ctx.now
    if (left <= 0 || left > EXPIRING_SOON_MS) continue
    out ??= []
    out.push(finding(meta, {
      header: seen.header.key,
      layer: 'client',
      confidence: 'certain',
      evidence: [describeJwt(seen), `exp ${isoSeconds(exp)}: ${duration(left)} left`]
    }))
  }
  return out ?? NO_FINDINGS
}

export const rule: RuntimeRule = { meta, check, perExchange: true }
