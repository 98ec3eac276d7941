// `return 301 https://other.example/...` or a redirecting rewrite to another scheme, host or
// port: clients (browsers' fetch, curl, undici, requests) drop Authorization on the next hop.
import { docsPath } from '../rule-helpers.js'
import { childrenOf, enclosing, findAll } from '../tree.js'
import type { ConfNode, LintReport, LintRule } from '../types.js'

const id = 'nginx-redirect-changes-origin'
const REDIRECT_CODES = new Set(['301', '302', '303', '307', '308'])
const SAME_HOST_VARS = /^\$(host|http_host|server_name|best_http_host)$/
const ABSOLUTE = /^(https?|\$scheme):\/\/(\$\{?\w+\}?|[^/:?#$]*)(?::(\$\{?\w+\}?|[^/?#$]*))?/i

interface Origin { schemes: Set<string>, hosts: Set<string>, ports: Set<string> }

function serverOrigin (server: ConfNode | null): Origin {
  const origin: Origin = { schemes: new Set(), hosts: new Set(), ports: new Set() }
  if (!server) return origin
  for (const listen of childrenOf(server, 'listen')) {
    const addr = listen.args[0] ?? ''
    const port = /^\d+$/.test(addr) ? addr : /:(\d+)$/.exec(addr)?.[1]
    const ssl = listen.args.includes('ssl') || listen.args.includes('quic')
    origin.ports.add(port ?? (ssl ? '443' : '80'))
    origin.schemes.add(ssl ? 'https' : 'http')
  }
  if (origin.ports.size === 0) { origin.ports.add('80'); origin.schemes.add('http') }
  for (const name of childrenOf(server, 'server_name')) for (const host of name.args) origin.hosts.add(host.toLowerCase())
  return origin
}

function target (node: ConfNode): string | null {
  if (node.key === 'return') {
    const [first, second] = node.args
    if (first !== undefined && REDIRECT_CODES.has(first)) return second ?? null
    return first !== undefined && ABSOLUTE.test(first) ? first : null
  }
  const replacement = node.args[1]
  return replacement !== undefined && ABSOLUTE.test(replacement) ? replacement : null
}

function changes (url: string, origin: Origin): string[] {
  const m = ABSOLUTE.exec(url)
  if (!m) return []
  const scheme = (m[1] ?? '').toLowerCase()
  const host = (m[2] ?? '').toLowerCase()
  const out: string[] = []
  if (scheme !== '$scheme' && origin.schemes.size > 0 && !origin.schemes.has(scheme)) out.push('scheme')
  if (!SAME_HOST_VARS.test(host) && !origin.hosts.has(host) && !host.startsWith('$')) out.push('host')
  // http -> https on default ports is one change (the scheme), not two.
  const implicit = m[3] === undefined && out.includes('scheme')
  const port = m[3] ?? (scheme === 'https' ? '443' : scheme === 'http' ? '80' : undefined)
  if (!implicit && port !== undefined && !port.startsWith('$') && !origin.ports.has(port)) out.push('port')
  return out
}

export const rule: LintRule = {
  dialect: 'nginx',
  meta: {
    id,
    severity: 'warning',
    summary: 'A redirect changes scheme, host or port, so clients drop Authorization when they follow it.',
    description: 'HTTP clients remove Authorization (and often Cookie) when a redirect leads to another origin: the Fetch standard for browsers and Node\'s fetch, curl without --location-trusted, Python requests. An API behind a cross-origin redirect therefore sees the follow-up request without credentials and answers 401.',
    remediation: {
      nginx: 'Proxy to the other origin instead of redirecting (`proxy_pass`), redirect within the same origin (a relative `return 307 /path`), or have clients call the final URL directly.'
    },
    docs: docsPath(id)
  },
  check: (tree) => {
    const reports: LintReport[] = []
    for (const node of findAll(tree.root, new Set(['return', 'rewrite']))) {
      const url = target(node)
      if (url === null) continue
      const changed = changes(url, serverOrigin(enclosing(node, new Set(['server']))))
      if (changed.length === 0) continue
      const onlyScheme = changed.length === 1 && changed[0] === 'scheme'
      reports.push({
        where: node,
        header: 'Authorization',
        severity: onlyScheme ? 'info' : 'warning',
        message: `redirect changes the ${changed.join(', ')}: clients following it drop Authorization on the redirected request`
      })
    }
    return reports
  }
}
