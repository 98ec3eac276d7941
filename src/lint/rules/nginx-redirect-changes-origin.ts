// `return 301 https://other.example/...` or a redirecting rewrite to another scheme, host or
// port: clients (browsers' fetch, curl, undici, requests) drop Authorization on the next hop.
// Precision: a server block that only redirects (the canonical www <-> bare host, http -> https,
// a site moved elsewhere with its path) is the starter-config pattern, reported at info; an
// http -> https hop is a warning only on an API location, where clients send Authorization; a
// `listen` hidden in an include that was not found is not guessed.
import { docsPath, partialNote } from '../rule-helpers.js'
import { childrenOf, enclosing, walk } from '../tree.js'
import type { ConfNode, LintReport, LintRule } from '../types.js'

const id = 'nginx-redirect-changes-origin'
const REDIRECT_CODES = new Set(['301', '302', '303', '307', '308'])
const SAME_HOST_VARS = /^\$(host|http_host|server_name|best_http_host)$/
const ABSOLUTE = /^(https?|\$scheme):\/\/(\$\{?\w+\}?|[^/:?#$]*)(?::(\$\{?\w+\}?|[^/?#$]*))?/i
/** Directives that make a server answer from content or a backend rather than redirect. */
const SERVING = new Set(['proxy_pass', 'fastcgi_pass', 'uwsgi_pass', 'scgi_pass', 'grpc_pass', 'memcached_pass', 'try_files', 'alias', 'root', 'index', 'autoindex'])
const API_PATH = /(^|\/)(api|graphql|v\d+)(\/|\b|$)/i

interface Origin { schemes: Set<string>, hosts: Set<string>, ports: Set<string>, unseen: ConfNode | null }

function serverOrigin (server: ConfNode | null): Origin {
  const origin: Origin = { schemes: new Set(), hosts: new Set(), ports: new Set(), unseen: null }
  if (!server) return origin
  for (const listen of childrenOf(server, 'listen')) {
    const addr = listen.args[0] ?? ''
    const port = /^\d+$/.test(addr) ? addr : /:(\d+)$/.exec(addr)?.[1]
    const ssl = listen.args.includes('ssl') || listen.args.includes('quic')
    origin.ports.add(port ?? (ssl ? '443' : '80'))
    origin.schemes.add(ssl ? 'https' : 'http')
  }
  if (origin.ports.size === 0) {
    // No listen of its own: nginx's default (port 80) unless an include that was not found may set it.
    origin.unseen = childrenOf(server, 'include').find((i) => i.unresolved === true) ?? null
    if (origin.unseen === null) { origin.ports.add('80'); origin.schemes.add('http') }
  }
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

const bare = (host: string): string => host.replace(/^www\./, '')
/** example.com for a.b.example.com (two labels; an IP stays whole). */
const siteOf = (host: string): string => /^[\d.]+$/.test(host) ? host : host.split('.').slice(-2).join('.')

/** The target host belongs to another site than every server_name: a link out, not an API hop. */
function external (url: string, origin: Origin): boolean {
  const host = (ABSOLUTE.exec(url)?.[2] ?? '').toLowerCase()
  const names = [...origin.hosts].filter((h) => h !== '' && h !== '_' && !h.startsWith('~') && !h.includes('*'))
  if (host === '' || host.startsWith('$') || names.length === 0) return false
  return names.every((h) => siteOf(h) !== siteOf(host))
}

function changes (url: string, origin: Origin): { changed: string[], canonical: boolean } {
  const m = ABSOLUTE.exec(url)
  if (!m) return { changed: [], canonical: false }
  const scheme = (m[1] ?? '').toLowerCase()
  const host = (m[2] ?? '').toLowerCase()
  const changed: string[] = []
  let canonical = false
  if (scheme !== '$scheme' && origin.schemes.size > 0 && !origin.schemes.has(scheme)) changed.push('scheme')
  if (!SAME_HOST_VARS.test(host) && !origin.hosts.has(host) && !host.startsWith('$')) {
    // www.example.com <-> example.com: the canonical-host redirect of every starter config.
    canonical = [...origin.hosts].some((h) => h !== host && bare(h) === bare(host))
    changed.push('host')
  }
  // http -> https on default ports is one change (the scheme), not two.
  const implicit = m[3] === undefined && changed.includes('scheme')
  const port = m[3] ?? (scheme === 'https' ? '443' : scheme === 'http' ? '80' : undefined)
  if (!implicit && origin.ports.size > 0 && port !== undefined && !port.startsWith('$') && !origin.ports.has(port)) changed.push('port')
  return { changed, canonical }
}

/** Only redirects: nothing in the server serves content or proxies (ACME challenge folders aside). */
function redirectOnly (server: ConfNode | null): boolean {
  if (!server) return false
  for (const node of walk(server)) {
    if (!SERVING.has(node.key)) continue
    const location = enclosing(node, new Set(['location']))
    if (location && /\/\.well-known\//.test(location.args.join(' '))) continue
    return false
  }
  return true
}

function locationPath (node: ConfNode): string {
  const location = enclosing(node, new Set(['location']))
  return location ? (location.args[location.args.length - 1] ?? '') : ''
}

export const rule: LintRule = {
  dialect: 'nginx',
  directives: ['return', 'rewrite'],
  meta: {
    id,
    severity: 'warning',
    summary: 'A redirect changes scheme, host or port, so clients drop Authorization when they follow it.',
    description: 'HTTP clients remove Authorization (and often Cookie) when a redirect leads to another origin: the Fetch standard for browsers and Node\'s fetch, curl without --location-trusted, Python requests. An API behind a cross-origin redirect therefore sees the follow-up request without credentials and answers 401. Server blocks that only redirect (canonical host, http -> https, a whole site moved) are reported at info; an http -> https redirect is a warning on an API location.',
    remediation: {
      nginx: 'Proxy to the other origin instead of redirecting (`proxy_pass`), redirect within the same origin (a relative `return 307 /path`), or have clients call the final URL directly.'
    },
    docs: docsPath(id)
  },
  check: (_tree, ctx) => {
    const reports: LintReport[] = []
    for (const node of [...ctx.nodes('return'), ...ctx.nodes('rewrite')]) {
      const url = target(node)
      if (url === null) continue
      const server = enclosing(node, new Set(['server']))
      const origin = serverOrigin(server)
      const { changed, canonical } = changes(url, origin)
      const partial = origin.unseen ? partialNote(origin.unseen) : (changed.length > 0 ? '' : null)
      if (changed.length === 0) {
        if (origin.unseen && /^https?:\/\//i.test(url)) {
          reports.push({ where: node, header: 'Authorization', severity: 'info', messageId: 'partial', message: `redirect to ${/^https/i.test(url) ? 'https' : 'http'}: whether it changes the scheme or port is unknown because listen is not visible${partial ?? ''}` })
        }
        continue
      }
      const path = locationPath(node)
      const api = API_PATH.test(path) || (node.key === 'rewrite' && API_PATH.test(node.args[0] ?? ''))
      const onlyScheme = changed.length === 1 && changed[0] === 'scheme'
      const canonicalOnly = canonical && changed.every((c) => c === 'host' || c === 'scheme')
      // A whole site sent elsewhere with its path: server level or `location /`, keeping $request_uri.
      const siteMove = (path === '' || path === '/') && /\$(request_uri|uri)\b|\$1\b/.test(url) && node.key === 'return'
      const what = `redirect changes the ${changed.join(', ')}: clients following it drop Authorization on the redirected request`
      let severity: 'info' | 'warning' = 'warning'
      let messageId = 'origin-changed'
      if (onlyScheme) { severity = api ? 'warning' : 'info'; messageId = api ? 'api-scheme-upgrade' : 'scheme-upgrade' } else if (canonicalOnly) { severity = 'info'; messageId = 'canonical-host' } else if (redirectOnly(server) && siteMove) { severity = 'info'; messageId = 'site-moved' } else if (!api && !changed.includes('port') && external(url, origin)) { severity = 'info'; messageId = 'external-site' }
      const why: Record<string, string> = {
        'origin-changed': '',
        'api-scheme-upgrade': ` (an API location: its clients send Authorization and must call https directly)`,
        'scheme-upgrade': ' (an http -> https upgrade)',
        'canonical-host': ' (the canonical www/bare host redirect)',
        'site-moved': ' (this server block only redirects: the site moved)',
        'external-site': ' (a link out to another site, not an API location)'
      }
      reports.push({ where: node, header: 'Authorization', severity, messageId, message: `${what}${why[messageId] ?? ''}${partial ?? ''}` })
    }
    return reports
  }
}
