// Credentials in the query string end up in access logs, browser history and Referer headers.
import type { Exchange } from '../../capture/types.js'
import type { RuleMeta } from '../../rules/meta.js'
import { NO_FINDINGS, finding, type RuleContext, type RuntimeRule } from '../rule.js'
import type { Finding } from '../types.js'

export const meta: RuleMeta = {
  id: 'credential-in-query',
  severity: 'warning',
  summary: 'A credential was sent in the query string',
  description: 'Query strings are written to every access log on the way (CDN, load balancer, NGINX, the app), ' +
    'kept in browser history and leaked through Referer. RFC 6750 section 2.3 discourages `access_token` in the ' +
    'URI; API keys have the same problem. Only the parameter name is recorded here, never its value.',
  remediation: {
    client: 'Send the credential in a header (`Authorization: Bearer <token>`, `X-Api-Key`) instead of the query ' +
      'string, and rotate keys that have been in URLs: they are in logs already.',
    default: 'Move the credential from the query string to a header.'
  },
  docs: 'docs/rules/credential-in-query.md'
}

export const SENSITIVE_QUERY_KEYS: ReadonlySet<string> = new Set([
  'access_token', 'id_token', 'refresh_token', 'token', 'auth', 'auth_token', 'authorization', 'jwt',
  'api_key', 'apikey', 'api-key', 'x-api-key', 'key', 'client_secret', 'secret', 'password', 'passwd', 'pwd',
  'session', 'sessionid', 'session_id', 'sid'
])
// Not listed on purpose: X-Amz-Signature / signature / sig (pre-signed URLs are meant to travel in the query).

function check (exchange: Exchange, _ctx: RuleContext): readonly Finding[] {
  if (exchange.queryKeys.length === 0) return NO_FINDINGS
  let out: Finding[] | null = null
  const seen = new Set<string>()
  for (const key of exchange.queryKeys) {
    const lower = key.toLowerCase()
    if (!SENSITIVE_QUERY_KEYS.has(lower) || seen.has(lower)) continue
    seen.add(lower)
    out ??= []
    out.push(finding(meta, {
      header: null,
      layer: 'client',
      confidence: 'likely',
      evidence: [`query parameter "${key}" (value not recorded)`]
    }))
  }
  return out ?? NO_FINDINGS
}

export const rule: RuntimeRule = { meta, check }
