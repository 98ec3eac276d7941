// A JWT whose `exp` is at or before this host's clock (RFC 7519 section 4.1.4).
import type { Exchange } from '../../capture/types.js'
import type { RuleMeta } from '../../rules/meta.js'
import { NO_FINDINGS, describeJwt, duration, finding, isoSeconds, jwtsOf, type JwtSeen, type RuleContext, type RuntimeRule } from '../rule.js'
import type { Finding } from '../types.js'
import { perArrived, shapeSlot } from '../../capture/shape.js'

export const meta: RuleMeta = {
  id: 'jwt-expired',
  severity: 'error',
  summary: 'An expired JWT was sent',
  description: 'The token\'s `exp` claim is at or before this host\'s clock, so any validator rejects it ' +
    '(RFC 7519 section 4.1.4). The usual cause is a client that caches a token and does not refresh it; if ' +
    'the expiry is only seconds off, see clock-skew.',
  remediation: {
    client: 'Refresh the token before it expires (use the refresh token, or request a new one when `exp` is ' +
      'near). If tokens are cached by a layer (an API gateway or a sidecar), shorten that cache below the token lifetime.',
    default: 'Refresh the token before it expires.'
  },
  docs: 'docs/rules/jwt-expired.md'
}

interface Made { ago: string; status: number; finding: Finding }

/**
 * The last finding for each JWT of a shape's own users (by its place in jwtsOf's list): reused
 * while its evidence reads the same. Other users' JWTs get a list of their own each time.
 */
const LAST = shapeSlot<Array<Made | undefined>>('jwt-expired: last findings')
const newList = (): Array<Made | undefined> => []

function check (exchange: Exchange, ctx: RuleContext): readonly Finding[] {
  let out: Finding[] | null = null
  let last: Array<Made | undefined> | null = null
  const jwts = jwtsOf(exchange)
  for (let k = 0; k < jwts.length; k++) {
    const seen = jwts[k] as JwtSeen
    const exp = seen.jwt.exp
    if (exp === null || exp * 1000 > ctx.now) continue
    const ago = duration(ctx.now - exp * 1000)
    const status = exchange.response.status
    last ??= perArrived(exchange, LAST, newList)
    let made = last[k]
    if (made === undefined || made.ago !== ago || made.status !== status) {
      made = {
        ago,
        status,
        finding: Object.freeze(finding(meta, {
          header: seen.header.key,
          layer: 'client',
          confidence: 'certain',
          evidence: [describeJwt(seen), `exp ${isoSeconds(exp)} is ${ago} before this host's clock`, `upstream answered ${status}`]
        }))
      }
      last[k] = made
    }
    out ??= []
    out.push(made.finding)
  }
  return out ?? NO_FINDINGS
}

export const rule: RuntimeRule = { meta, check, perExchange: true }
