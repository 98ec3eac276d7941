// 429 (or 503 with Retry-After): the failure is a quota, not the credential.
import type { Exchange } from '../../capture/types.js'
import type { RuleMeta } from '../../rules/meta.js'
import { NO_FINDINGS, finding, type RuleContext, type RuntimeRule } from '../rule.js'
import type { Finding } from '../types.js'

export const meta: RuleMeta = {
  id: 'rate-limited',
  severity: 'warning',
  summary: 'The upstream is rate limiting this client',
  description: '429 Too Many Requests (RFC 6585 section 4), or 503 with Retry-After, means a quota was hit. ' +
    'Per-key quotas make this look like an authentication failure: the key is valid but used up. Retry-After ' +
    '(RFC 9110 section 10.2.3) says when to come back; without it clients retry blindly.',
  remediation: {
    default: 'Honour Retry-After with backoff in the client, spread load across keys, or raise the quota. If the ' +
      'limit is keyed on client IP behind a proxy, make sure the limiter reads the real client address ' +
      '(X-Forwarded-For from trusted proxies) instead of counting every user as the proxy.'
  },
  docs: 'docs/rules/rate-limited.md'
}

const MAX_RETRY_AFTER = 40

function check (exchange: Exchange, _ctx: RuleContext): readonly Finding[] {
  const { status, retryAfter, source } = exchange.response
  if (source !== 'upstream') return NO_FINDINGS
  if (status !== 429 && !(status === 503 && retryAfter !== null)) return NO_FINDINGS
  return [finding(meta, {
    header: null,
    layer: null,
    confidence: status === 429 ? 'certain' : 'likely',
    evidence: [
      `upstream answered ${status}`,
      retryAfter === null ? 'no Retry-After header' : `Retry-After: ${retryAfter.slice(0, MAX_RETRY_AFTER)}`
    ]
  })]
}

export const rule: RuntimeRule = { meta, check }
