// Helpers the lint rules share: docs paths and the header directives of each server.
import type { ConfNode } from './types.js'

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
  return block.children.some((c) => (c.key === 'auth_basic' || c.key === 'auth_digest') && c.args[0] !== undefined && c.args[0].toLowerCase() !== 'off')
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

function backendsIn (block: ConfNode, out: Set<ApacheBackend>): void {
  for (const c of block.children ?? []) {
    const target = (c.key === 'proxypass' || c.key === 'proxypassmatch') ? (c.args[1] ?? '') : ''
    if (target !== '' && target !== '!') out.add(/^fcgi:/i.test(target) ? 'fcgi' : 'http')
    if (c.key === 'sethandler' || c.key === 'addhandler') {
      const handler = (c.args[0] ?? '').toLowerCase()
      if (handler.startsWith('proxy:fcgi')) out.add('fcgi')
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
