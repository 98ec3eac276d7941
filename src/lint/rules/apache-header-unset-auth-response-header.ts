// Header unset WWW-Authenticate hides the backend's challenge. Measured on httpd 2.4 (samples in
// nginx-samples/apache-header-unset-auth-response-header): for a backend proxied by mod_proxy_http
// the headers sit in the default (onsuccess) table, so `Header unset` removes the challenge, even
// on a 401, while `Header always unset` leaves it. For a CGI script the headers sit in the `always`
// table (mod_headers docs say the same of mod_proxy_fcgi), so there only the `always` form removes.
import type { Severity } from '../../rules/meta.js'
import { apacheBackends, docsPath, nodesOf } from '../rule-helpers.js'
import type { ConfNode, LintReport, LintRule } from '../types.js'

const id = 'apache-header-unset-auth-response-header'
const HIDDEN: Record<string, Severity> = { 'www-authenticate': 'error', 'proxy-authenticate': 'error', 'set-cookie': 'warning' }
const CONDITIONS = new Set(['always', 'onsuccess'])

function parse (node: ConfNode): { condition: string, action: string, header: string } | null {
  const args = node.args.map((a) => a)
  const condition = CONDITIONS.has((args[0] ?? '').toLowerCase()) ? (args.shift() ?? '').toLowerCase() : 'onsuccess'
  const action = (args[0] ?? '').toLowerCase()
  const header = (args[1] ?? '').replace(/:$/, '')
  if (action !== 'unset' || header === '') return null
  return { condition, action, header }
}

export const rule: LintRule = {
  dialect: 'apache',
  meta: {
    id,
    severity: 'error',
    summary: 'Header unset removes the backend\'s WWW-Authenticate (or Set-Cookie) from responses.',
    description: 'A 401 without WWW-Authenticate tells the client neither the scheme nor the realm; clients that answer challenges cannot. On httpd 2.4, `Header unset WWW-Authenticate` removes a challenge proxied by mod_proxy_http (also on 401 responses), while `Header always unset WWW-Authenticate` does not touch it: that form only acts on the error-header table, where CGI and FastCGI responses (and Apache\'s own errors) keep their headers.',
    remediation: {
      apache: 'Remove `Header unset WWW-Authenticate`. If the goal is to hide Apache\'s own challenge, note that neither form removes it; fix the auth configuration instead.'
    },
    docs: docsPath(id)
  },
  directives: ['header'],
  check: (_tree, ctx) => {
    const reports: LintReport[] = []
    for (const node of nodesOf(ctx, 'header')) {
      const parsed = parse(node)
      const severity = parsed ? HIDDEN[parsed.header.toLowerCase()] : undefined
      if (!parsed || severity === undefined) continue
      const backends = node.parent ? apacheBackends(node.parent) : new Set()
      const cgiLike = backends.has('cgi') || backends.has('fcgi')
      const removes = parsed.condition === 'always' ? cgiLike : (backends.has('http') || backends.size === 0)
      if (removes) {
        reports.push({ where: node, header: parsed.header, severity, message: `Header ${parsed.condition === 'always' ? 'always ' : ''}unset ${parsed.header} removes the backend's ${parsed.header} from responses to clients` })
      } else {
        reports.push({ where: node, header: parsed.header, severity: 'info', message: `Header ${parsed.condition} unset ${parsed.header} has no effect on a ${parsed.condition === 'always' ? 'mod_proxy_http' : 'CGI/FastCGI'} backend's ${parsed.header}: it stays in the response` })
      }
    }
    return reports
  }
}
