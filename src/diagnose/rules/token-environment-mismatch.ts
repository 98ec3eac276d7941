// A JWT from another environment: `iss` or `aud` not among --expect-issuer / --expect-audience.
import type { Exchange } from '../../capture/types.js'
import type { RuleMeta } from '../../rules/meta.js'
import { NO_FINDINGS, describeJwt, finding, jwtsOf, type RuleContext, type RuntimeRule } from '../rule.js'
import type { Finding } from '../types.js'

export const meta: RuleMeta = {
  id: 'token-environment-mismatch',
  severity: 'error',
  summary: 'A JWT from another issuer or for another audience than this deployment expects',
  description: 'The token\'s `iss` or `aud` is not among the values configured with --expect-issuer / ' +
    '--expect-audience: typically a staging token sent to production (or the reverse), or a token for another ' +
    'API. The signature may even verify if both environments share keys, but the app rejects it.',
  remediation: {
    client: 'Use a token issued for this environment: check the client\'s token endpoint / tenant and the ' +
      '`audience` it requests. If the values are right, add them with --expect-issuer / --expect-audience.',
    default: 'Use a token issued for this environment and audience.'
  },
  docs: 'docs/rules/token-environment-mismatch.md'
}

/** JWTs minted by a layer in front for itself: their issuer is the layer, not the app's IdP. */
const LAYER_MINTED: ReadonlySet<string> = new Set(['cf-access-jwt-assertion', 'x-amzn-oidc-data'])

function check (exchange: Exchange, ctx: RuleContext): readonly Finding[] {
  if (ctx.expectIssuers.size === 0 && ctx.expectAudiences.size === 0) return NO_FINDINGS
  let out: Finding[] | null = null
  for (const seen of jwtsOf(exchange)) {
    if (LAYER_MINTED.has(seen.header.key)) continue
    const problems: string[] = []
    const iss = seen.jwt.iss
    if (ctx.expectIssuers.size > 0 && (iss === null || !ctx.expectIssuers.has(iss))) {
      problems.push(`iss ${iss === null ? 'missing' : `"${iss}"`} is not an expected issuer (${[...ctx.expectIssuers].join(', ')})`)
    }
    if (ctx.expectAudiences.size > 0 && !seen.jwt.aud.some((aud) => ctx.expectAudiences.has(aud))) {
      problems.push(`aud ${seen.jwt.aud.length === 0 ? 'missing' : `"${seen.jwt.aud.join(', ')}"`} holds no expected audience (${[...ctx.expectAudiences].join(', ')})`)
    }
    if (problems.length === 0) continue
    out ??= []
    out.push(finding(meta, { header: seen.header.key, layer: 'client', confidence: 'certain', evidence: [describeJwt(seen), ...problems] }))
  }
  return out ?? NO_FINDINGS
}

// Per exchange: it reads a fingerprint's per-value parts (hash, length, shape, JWT claims), which the shape memo does not fix.
export const rule: RuntimeRule = { meta, check, perExchange: true }
