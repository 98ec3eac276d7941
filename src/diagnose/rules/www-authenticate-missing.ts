// A 401 without a WWW-Authenticate challenge (RFC 9110 section 15.5.2 requires one).
import type { Exchange } from '../../capture/types.js'
import type { RuleMeta } from '../../rules/meta.js'
import { NO_FINDINGS, finding, type RuleContext, type RuntimeRule } from '../rule.js'
import type { Finding } from '../types.js'

export const meta: RuleMeta = {
  id: 'www-authenticate-missing',
  severity: 'warning',
  summary: 'A 401 response without a WWW-Authenticate challenge',
  description: 'RFC 9110 section 15.5.2: a server generating a 401 MUST send a WWW-Authenticate header with at ' +
    'least one challenge. Without it clients cannot tell which scheme or realm is wanted, and RFC 6750 ' +
    '`error="invalid_token"` hints (expired vs missing token) are lost.',
  remediation: {
    default: 'Make the app send a challenge with every 401, e.g. `WWW-Authenticate: Bearer realm="api", ' +
      'error="invalid_token", error_description="token expired"` (RFC 6750 section 3). If a gateway in front ' +
      'renames it (API Gateway: x-amzn-Remapped-WWW-Authenticate), map it back there.'
  },
  docs: 'docs/rules/www-authenticate-missing.md'
}

function check (exchange: Exchange, _ctx: RuleContext): readonly Finding[] {
  const response = exchange.response
  if (response.status !== 401 || response.source !== 'upstream' || response.wwwAuthenticate.length > 0) return NO_FINDINGS
  return [finding(meta, {
    header: 'www-authenticate',
    layer: null,
    confidence: 'certain',
    evidence: ['upstream answered 401', 'response had no WWW-Authenticate header']
  })]
}

export const rule: RuntimeRule = { meta, check }
