// More than one line of the same credential header. What the layers do with it, as observed on
// nginx 1.22.1 and Apache httpd 2.4.71 (test/diagnose/integration/duplicates.test.ts).
import type { Exchange } from '../../capture/types.js'
import type { RuleMeta } from '../meta.js'
import { NO_FINDINGS, finding, type RuleContext, type RuntimeRule } from '../rule.js'
import type { Finding } from '../types.js'

export const meta: RuleMeta = {
  id: 'duplicate-credential',
  severity: 'error',
  summary: 'A credential header arrived on more than one line',
  description: 'Proxies disagree on duplicates. NGINX rejects a request with two Authorization lines with ' +
    '400 ("client sent duplicate header line"), but passes duplicate X-Api-Key or Cookie lines through as they ' +
    'are. Apache httpd merges duplicates into one line joined with ", " (two bearer tokens become ' +
    '"Bearer a, Bearer b", two Cookie lines are joined with a comma instead of "; "). Node.js keeps only the ' +
    'first Authorization. Which credential the app validates then depends on the chain.',
  remediation: {
    client: 'Send each credential header once. Look for a client library that adds Authorization while the code ' +
      'also sets it by hand, or a default header plus a per-request header.',
    default: 'Send each credential header once; if a layer adds one (proxy_set_header, RequestHeader set), make it ' +
      'replace the client\'s instead of appending (`RequestHeader set`, not `add`).'
  },
  docs: 'docs/rules/duplicate-credential.md'
}

const BEHAVIOUR: Readonly<Record<string, string>> = {
  authorization: 'NGINX answers 400 to two Authorization lines; Apache merges them into "a, b", which no scheme parses; Node.js keeps the first',
  'proxy-authorization': 'NGINX and Apache treat it like Authorization: NGINX passes only what it consumes, Apache merges with ", "',
  cookie: 'NGINX passes each Cookie line through; Apache merges them with ", " instead of "; ", so the last cookie of one line and the first of the next run together'
}
const OTHER = 'NGINX passes duplicate lines through as they are; Apache merges them into one line joined with ", "'

function check (exchange: Exchange, _ctx: RuleContext): readonly Finding[] {
  let out: Finding[] | null = null
  const http2 = exchange.httpVersion.startsWith('2') || exchange.httpVersion.startsWith('3')
  for (const header of exchange.arrived) {
    if (header.lines < 2) continue
    // HTTP/2 and HTTP/3 may split Cookie into one field per cookie (RFC 9113 section 8.2.3).
    if (http2 && header.key === 'cookie') continue
    const hashes = new Set(header.values.map((fp) => fp.hash))
    out ??= []
    out.push(finding(meta, {
      header: header.key,
      layer: 'client',
      confidence: 'certain',
      severity: header.key === 'authorization' || header.key === 'proxy-authorization' || hashes.size > 1 ? 'error' : 'warning',
      evidence: [
        `${header.name}: ${header.lines} lines, ${hashes.size === 1 ? 'all with the same value' : `${hashes.size} different values`}`,
        BEHAVIOUR[header.key] ?? OTHER
      ]
    }))
  }
  return out ?? NO_FINDINGS
}

export const rule: RuntimeRule = { meta, check }
