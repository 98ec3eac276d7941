// Helpers the lint rules share: docs paths and the header directives of each server.
import { effective } from './tree.js'
import type { ConfNode, LintContext } from './types.js'

export function docsPath (id: string): string { return `docs/rules/${id}.md` }

/** nginx directives whose first argument is a request header sent upstream. */
export const NGINX_SET_HEADER = new Set(['proxy_set_header', 'grpc_set_header'])

/** nginx blocks that form an inheritance level for http-module directives. */
export const NGINX_LEVELS = new Set(['', 'http', 'server', 'location'])

/** The upstream-facing variable for a request header: Authorization -> $http_authorization. */
export function passThroughVariable (header: string): string {
  return `$http_${header.toLowerCase().replace(/-/g, '_')}`
}

/** True when `value` just forwards the client's own header unchanged. */
export function isPassThrough (header: string, value: string): boolean {
  const v = value.trim()
  const variable = passThroughVariable(header)
  return v === variable || v === `\${${variable.slice(1)}}`
}

/** `on`/`off` switch value of a directive node, or null when absent. */
export function switchValue (node: ConfNode | null): boolean | null {
  if (!node) return null
  const v = node.args[0]?.toLowerCase()
  return v === 'on' ? true : v === 'off' ? false : null
}

/** nginx auth_basic / auth_digest switched on in this block (not `off`). */
export function hasProxyBasicAuth (block: ConfNode | null): boolean {
  if (!block?.children) return false
  // auth_basic is inherited from server/http unless the level sets its own (`off` included).
  for (const key of ['auth_basic', 'auth_digest']) {
    const applied = effective(block, key)
    if (applied?.args[0] !== undefined && applied.args[0].toLowerCase() !== 'off') return true
  }
  return false
}

/** nginx sizes: 512, 8k, 1m. Null when not a size. */
export function parseSize (text: string | undefined): number | null {
  const m = /^(\d+)([kKmM]?)$/.exec(text ?? '')
  if (!m) return null
  const n = Number(m[1])
  const unit = (m[2] ?? '').toLowerCase()
  return unit === 'k' ? n * 1024 : unit === 'm' ? n * 1024 * 1024 : n
}

export type ApacheBackend = 'http' | 'fcgi' | 'cgi'

/** `proxy:fcgi://host:port` or Debian's PHP-FPM socket form `proxy:unix:/run/php/x.sock|fcgi://localhost`. */
export function isFcgiHandler (handler: string): boolean {
  return /^proxy:(unix:[^|]*\|)?fcgi:/i.test(handler)
}

/** The backend URL of ProxyPass / ProxyPassMatch: `ProxyPass /path URL` or, inside <Location>,
 *  the single-argument `ProxyPass URL`; '!' for an exclusion, '' when there is none. */
export function proxyPassTarget (node: ConfNode): string {
  if (node.key !== 'proxypass' && node.key !== 'proxypassmatch') return ''
  const first = node.args[0] ?? ''
  if (first === '!' || /^[a-z][a-z0-9+.-]*:\/\//i.test(first) || /^unix:/i.test(first)) return first
  return node.args[1] ?? ''
}

/** The first node matching `test` in `section`, its sub-sections, or directly in an ancestor. */
export function inScope (section: ConfNode | null, test: (n: ConfNode) => boolean): ConfNode | null {
  const stack: ConfNode[] = [...(section?.children ?? [])]
  for (let i = 0; stack.length > 0 && i < 100_000; i++) {
    const n = stack.pop()
    if (!n) break
    if (test(n)) return n
    if (n.children) stack.push(...n.children)
  }
  let current = section?.parent ?? null
  for (let i = 0; current && i < 1_000; i++) {
    const own = (current.children ?? []).find(test)
    if (own) return own
    current = current.parent
  }
  return null
}

/** Apache authenticates here: AuthType Basic/Digest in scope (see inScope). */
export function apacheAuthType (section: ConfNode | null): ConfNode | null {
  return inScope(section, (n) => n.key === 'authtype' && /^(basic|digest)$/i.test(n.args[0] ?? ''))
}

/** `RequestHeader unset Authorization` in scope: Apache's own credential is not forwarded. */
export function apacheStripsAuthorization (section: ConfNode | null): ConfNode | null {
  return inScope(section, (n) => n.key === 'requestheader' && (n.args[0] ?? '').toLowerCase() === 'unset' && /^authorization:?$/i.test(n.args[1] ?? ''))
}

function backendsIn (block: ConfNode, out: Set<ApacheBackend>): void {
  for (const c of block.children ?? []) {
    const target = proxyPassTarget(c)
    if (target !== '' && target !== '!') out.add(/^fcgi:/i.test(target) ? 'fcgi' : 'http')
    if (c.key === 'sethandler' || c.key === 'addhandler') {
      const handler = (c.args[0] ?? '').toLowerCase()
      if (isFcgiHandler(handler)) out.add('fcgi')
      else if (handler.startsWith('proxy:')) out.add('http')
      else if (handler === 'cgi-script') out.add('cgi')
    }
    if (c.key === 'scriptalias' || c.key === 'scriptaliasmatch') out.add('cgi')
    if (c.key === 'rewriterule' && /\[[^\]]*\bP\b[^\]]*\]/.test(c.args.slice(2).join(' '))) out.add(/^fcgi:/i.test(c.args[1] ?? '') ? 'fcgi' : 'http')
  }
}

/** Apache: which kinds of backend serve requests handled in `section` (its ancestors and sub-sections). */
export function apacheBackends (section: ConfNode): Set<ApacheBackend> {
  const out = new Set<ApacheBackend>()
  if (section.key === 'proxy' || section.key === 'proxymatch') out.add(/fcgi:/i.test(section.args[0] ?? '') ? 'fcgi' : 'http')
  let current: ConfNode | null = section
  for (let i = 0; current && i < 1_000; i++) { backendsIn(current, out); current = current.parent }
  for (const child of section.children ?? []) if (child.children) backendsIn(child, out)
  return out
}

/** The first include directly in `block` or one of its ancestors whose file was not found: what
 *  it sets at that level (listen, CGIPassAuth, proxy_set_header...) is unknown to the rules. */
export function unseenInclude (block: ConfNode | null): ConfNode | null {
  let current = block
  for (let i = 0; current && i < 1_000; i++) {
    const found = (current.children ?? []).find((c) => c.unresolved === true)
    if (found) return found
    current = current.parent
  }
  return null
}

/** The words a rule appends when it could not see an include's content. */
export function partialNote (include: ConfNode): string {
  return `; partial verdict: ${include.name} ${include.args[0] ?? ''} (${include.file}:${include.line}) was not found, so what it sets could not be checked`
}

/** The directives of the given keys from the engine's one-walk index (per key in document order). */
export function nodesOf (ctx: LintContext, keys: Iterable<string> | string): ConfNode[] {
  if (typeof keys === 'string') return [...ctx.nodes(keys)]
  const out: ConfNode[] = []
  for (const key of keys) out.push(...ctx.nodes(key))
  return out
}

/** HAProxy sections whose `http-request` rules apply to traffic. */
const HAPROXY_PROXY_SECTIONS = new Set(['frontend', 'backend', 'listen', 'defaults'])

/** The section a line belongs to, when it is one whose http-request rules apply to traffic. */
export function inProxySection (node: ConfNode): boolean {
  return node.parent !== null && HAPROXY_PROXY_SECTIONS.has(node.parent.key)
}

/** HAProxy's condition keywords: the words after them are not part of the action. */
export function actionWords (node: ConfNode): string[] {
  const end = node.args.findIndex((a) => a === 'if' || a === 'unless')
  return end === -1 ? node.args : node.args.slice(0, end)
}
