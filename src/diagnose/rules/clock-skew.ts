// Clocks that disagree: the upstream's Date header vs this host, or a token issued in the future.
import type { Exchange } from '../../capture/types.js'
import type { RuleMeta } from '../../rules/meta.js'
import { NO_FINDINGS, describeJwt, duration, finding, isoSeconds, jwtsOf, type JwtSeen, type RuleContext, type RuntimeRule } from '../rule.js'
import type { Finding } from '../types.js'

/** Date has a one-second resolution; more than this between two hosts of one deployment is a clock problem. */
export const DATE_SKEW_MS = 10_000
/** A token issued further in the future than this means the issuer's clock runs ahead. */
export const IAT_SKEW_MS = 60_000

export const meta: RuleMeta = {
  id: 'clock-skew',
  severity: 'warning',
  summary: 'Clocks disagree between this host, the upstream or the token issuer',
  description: 'Token validation compares `exp`, `nbf` and `iat` with the validator\'s clock. When the app\'s ' +
    'host (seen through its Date header) or the issuer (seen through `iat`) is minutes off, fresh tokens look ' +
    'expired or not yet valid, and failures come and go.',
  remediation: {
    default: 'Run NTP/chrony on every host (issuer, gateway, app) and check `timedatectl` / `chronyc tracking`. ' +
      'Validators can allow a leeway of up to 60 s while the clocks are fixed.'
  },
  docs: 'docs/rules/clock-skew.md'
}

// Date changes once a second: remember the last one parsed instead of parsing every response.
let lastDate = ''
let lastParsed = Number.NaN

function parseDate (date: string): number {
  if (date !== lastDate) {
    lastDate = date
    lastParsed = Date.parse(date)
  }
  return lastParsed
}

/** Milliseconds the upstream's Date lies outside [start, end] of the exchange (signed; 0 when inside). */
export function dateSkew (exchange: Exchange): number | null {
  const date = exchange.response.date
  if (date === null) return null
  const stamped = parseDate(date)
  if (!Number.isFinite(stamped)) return null
  const start = exchange.startedAt
  const end = exchange.startedAt + exchange.durationMs
  // Date truncates to the second: the true instant lies in [stamped, stamped + 1000).
  if (stamped > end) return stamped - end
  if (stamped + 1000 < start) return stamped + 1000 - start
  return 0
}

function check (exchange: Exchange, ctx: RuleContext): readonly Finding[] {
  let out: Finding[] | null = null
  const skew = exchange.response.source === 'upstream' ? dateSkew(exchange) : null
  if (skew !== null && Math.abs(skew) > DATE_SKEW_MS) {
    out = [finding(meta, {
      header: null,
      layer: null,
      confidence: 'certain',
      evidence: [
        `upstream Date header (${exchange.response.date ?? ''}) is ${duration(skew)} ${skew > 0 ? 'ahead of' : 'behind'} this host's clock`,
        'the app\'s host clock is off (or this one is): check NTP on both'
      ]
    })]
  }
  const jwts = jwtsOf(exchange)
  for (let k = 0; k < jwts.length; k++) {
    const seen = jwts[k] as JwtSeen
    const iat = seen.jwt.iat
    if (iat === null || iat * 1000 - ctx.now <= IAT_SKEW_MS) continue
    out ??= []
    out.push(finding(meta, {
      header: seen.header.key,
      layer: null,
      confidence: 'likely',
      evidence: [describeJwt(seen), `iat ${isoSeconds(iat)} is ${duration(iat * 1000 - ctx.now)} after this host's clock: the issuer's clock runs ahead`]
    }))
  }
  return out ?? NO_FINDINGS
}

export const rule: RuntimeRule = { meta, check, perExchange: true }
