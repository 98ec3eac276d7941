// A 403 with credentials present: authentication worked, authorisation refused.
import type { Exchange } from '../../capture/types.js'
import { isForbidden, refusalName } from '../../capture/grpc.js'
import type { RuleMeta } from '../../rules/meta.js'
import { NO_FINDINGS, describeJwt, describeValue, finding, jwtsOf, type RuleContext, type RuntimeRule } from '../rule.js'
import type { Finding } from '../types.js'

export const meta: RuleMeta = {
  id: 'forbidden-not-unauthorized',
  severity: 'warning',
  summary: 'A 403 although credentials arrived: the identity is known but not allowed',
  description: 'RFC 9110 section 15.5.4: 403 means the server understood the request and refuses it; ' +
    'credentials were present, so this is not a missing-header problem. Look at what the identity may do ' +
    '(roles, scopes, `aud`), not at the proxies.',
  remediation: {
    default: 'Check the token\'s scopes / roles and audience against what the route requires, and the app\'s ' +
      'authorisation policy (or an Istio AuthorizationPolicy / WAF rule in front that answers 403).'
  },
  docs: 'docs/rules/forbidden-not-unauthorized.md'
}

function check (exchange: Exchange, _ctx: RuleContext): readonly Finding[] {
  // gRPC PERMISSION_DENIED (7) counts as a 403 (src/capture/grpc.ts).
  if (!isForbidden(exchange.response) || exchange.response.source !== 'upstream') return NO_FINDINGS
  const credentials = exchange.arrived.filter((h) => h.key !== 'cookie' || h.values.some((fp) => (fp.cookies?.length ?? 0) > 0))
  if (credentials.length === 0) return NO_FINDINGS
  const evidence = [`upstream answered ${refusalName(exchange.response)}`]
  for (const header of credentials) {
    const fp = header.values[0]
    if (fp !== undefined) evidence.push(describeValue(header, fp))
  }
  for (const seen of jwtsOf(exchange)) evidence.push(describeJwt(seen))
  return [finding(meta, { header: credentials[0]?.key ?? null, layer: null, confidence: 'likely', evidence })]
}

// Per exchange: it reads a fingerprint's per-value parts (hash, length, shape, JWT claims), which the shape memo does not fix.
export const rule: RuntimeRule = { meta, check, perExchange: true }
