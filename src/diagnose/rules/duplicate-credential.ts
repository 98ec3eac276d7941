// More than one line of the same credential header, or one line holding two credentials joined
// by a proxy. What the layers do with it, as observed on nginx 1.22.1 and Apache httpd 2.4.71
// (test/diagnose/integration/duplicates.test.ts, truth.test.ts): Apache joins a client's
// duplicate lines into one (", ") when it reads the request, so separate lines behind Apache were
// added after that: `RequestHeader add`. The blame follows that evidence, not the client by default.
import type { Exchange, SeenHeader } from '../../capture/types.js'
import { atMost } from '../evidence.js'
import type { RuleMeta } from '../../rules/meta.js'
import { NO_FINDINGS, displayName, finding, type RuleContext, type RuntimeRule } from '../rule.js'
import type { Finding, LayerSighting } from '../types.js'

export const meta: RuleMeta = {
  id: 'duplicate-credential',
  severity: 'error',
  summary: 'A credential header arrived on more than one line',
  description: 'Proxies disagree on duplicates. NGINX rejects a request with two Authorization lines with ' +
    '400 ("client sent duplicate header line"), but passes duplicate X-Api-Key or Cookie lines through as they ' +
    'are. Apache httpd merges duplicates into one line joined with ", " (two bearer tokens become ' +
    '"Bearer a, Bearer b", two Cookie lines are joined with a comma instead of "; "). Node.js keeps only the ' +
    'first Authorization. Which credential the app validates then depends on the chain. Two separate lines behind ' +
    'Apache cannot be the client\'s (Apache would have joined them): Apache added one with `RequestHeader add`.',
  remediation: {
    client: 'Send each credential header once. Look for a client library that adds Authorization while the code ' +
      'also sets it by hand, or a default header plus a per-request header.',
    apache: 'Apache httpd: `RequestHeader add` appends a line next to the client\'s. Use `RequestHeader set` to ' +
      'replace it, or `RequestHeader setifempty` to add it only when the client sent none.',
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
const APACHE_JOIN = 'Apache joins duplicate lines it receives into one line with ", " (apr_table_mergen)'

function severityOf (header: SeenHeader, distinct: number): 'error' | 'warning' {
  return header.key === 'authorization' || header.key === 'proxy-authorization' || distinct > 1 ? 'error' : 'warning'
}

function lineFinding (header: SeenHeader, apache: LayerSighting | undefined): Finding {
  const distinct = new Set(header.values.map((fp) => fp.hash)).size
  const counted = `${header.name}: ${header.lines} lines, ${distinct === 1 ? 'all with the same value' : `${distinct} different values`}`
  if (apache !== undefined) {
    return finding(meta, {
      header: header.key,
      layer: 'apache',
      confidence: atMost(apache.confidence, 'likely'),
      severity: severityOf(header, distinct),
      evidence: [
        counted,
        `apache seen in front (${apache.confidence}): ${apache.evidence.join(', ')}`,
        `${APACHE_JOIN}: separate lines behind it were added after that join, by \`RequestHeader add ${displayName(header.key)}\``
      ],
      summary: `${displayName(header.key)} arrived on ${header.lines} lines: Apache added one next to the client's`
    })
  }
  return finding(meta, {
    header: header.key,
    layer: 'client',
    confidence: 'certain',
    severity: severityOf(header, distinct),
    evidence: [counted, BEHAVIOUR[header.key] ?? OTHER]
  })
}

function joinedFinding (header: SeenHeader, apache: LayerSighting | undefined): Finding {
  const fp = header.values.find((v) => v.shape.joined)
  const evidence = [`${header.name}: one line of ${fp?.length ?? 0} bytes holding credentials joined with ", "`]
  if (apache !== undefined) evidence.push(`apache seen in front (${apache.confidence}): ${apache.evidence.join(', ')}`, `${APACHE_JOIN}: the client (or a layer before Apache) sent it on more than one line`)
  else evidence.push('a proxy in front joined duplicate lines (Apache httpd does; NGINX answers 400 to duplicate Authorization)')
  return finding(meta, {
    header: header.key,
    layer: 'client',
    confidence: apache === undefined ? 'possible' : atMost(apache.confidence, 'likely'),
    severity: severityOf(header, 2),
    evidence,
    summary: `${displayName(header.key)} arrived as duplicates joined into one line by a proxy`
  })
}

function check (exchange: Exchange, ctx: RuleContext): readonly Finding[] {
  let out: Finding[] | null = null
  const http2 = exchange.httpVersion.startsWith('2') || exchange.httpVersion.startsWith('3')
  let apache: LayerSighting | undefined
  let looked = false
  for (const header of exchange.arrived) {
    const joined = header.lines === 1 && header.values.some((fp) => fp.shape.joined)
    if (header.lines < 2 && !joined) continue
    // HTTP/2 and HTTP/3 may split Cookie into one field per cookie (RFC 9113 section 8.2.3).
    if (http2 && header.key === 'cookie') continue
    if (!looked) { apache = ctx.layers.find((l) => l.id === 'apache'); looked = true }
    out ??= []
    out.push(joined ? joinedFinding(header, apache) : lineFinding(header, apache))
  }
  return out ?? NO_FINDINGS
}

// Per exchange: it reads a fingerprint's per-value parts (hash, length, shape, JWT claims), which the shape memo does not fix.
export const rule: RuntimeRule = { meta, check, perExchange: true }
