// Hosts, query strings and URLs as they may be shown: every part a token can hide in is folded
// (userinfo, path parameters, query values, fragments, token-like path segments and host labels),
// and what is kept is of a known safe shape.
import { foldPath } from './routes.js'
import { detached } from './detach.js'
import { isWordLike } from './words.js'

const MAX_QUERY_NAMES = 50
const MAX_HOST = 253
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/
const IPV6 = /^\[[0-9A-Fa-f:.]{2,45}\]$/
const PORT = /^\d{1,5}$/
const LABEL_CHARS = /^[A-Za-z0-9_-]{1,63}$/
const SCHEME = /^(?:https?|wss?)$/i
/** Query parameter names: words with `[]` (`page[size]`, `ids[]`) besides the usual separators. */
const QUERY_NAME_SEPARATORS = '-_.[]'

/** A host label as shown: itself when it reads like words or is a short number, else `*`. */
function foldLabel (label: string): string {
  if (!LABEL_CHARS.test(label)) return '*'
  return isWordLike(label, '-_') || /^\d{1,3}$/.test(label) ? label : '*'
}

/**
 * `host[:port]` as it may be shown, with the labels that do not read like words folded to `*`
 * (`d1a2b3c4.cloudfront.net` -> `*.cloudfront.net`); an IP address as it is. Null when the text
 * is not host-shaped at all.
 */
export function foldHost (text: string): string | null {
  let host = text
  let port = ''
  const colon = text.lastIndexOf(':')
  if (colon >= 0 && !text.endsWith(']')) {
    port = text.slice(colon)
    host = text.slice(0, colon)
    if (!PORT.test(port.slice(1))) return null
  }
  if (host === '' || host.length > MAX_HOST) return null
  if (IPV4.test(host) || IPV6.test(host)) return host + port
  if (host.includes(':') || host.startsWith('.')) return null
  const labels = host.split('.')
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i] as string
    if (label === '' && i === labels.length - 1) continue // a trailing dot
    labels[i] = foldLabel(label)
  }
  return labels.join('.') + port
}

/** A query parameter name as shown: itself when it reads like words, else `…`. */
export function queryName (raw: string): string {
  let name = raw
  try { name = decodeURIComponent(raw.replace(/\+/g, ' ')) } catch { /* judged as it is */ }
  return isWordLike(name, QUERY_NAME_SEPARATORS) ? name : '…'
}

/**
 * Names of the parameters of a query string (without `?`), in order. A part without `=` is a
 * value (`?secrettoken`), not a name: it is shown as `…`, like a name that does not read as words.
 */
export function queryNames (query: string): string[] {
  const names: string[] = []
  for (const part of query.split('&')) {
    if (part === '' || names.length >= MAX_QUERY_NAMES) continue
    const eq = part.indexOf('=')
    // Copied out and cut: a kept name must not hold the whole request target alive.
    names.push(eq < 0 ? '…' : detached(queryName(part.slice(0, eq)).slice(0, 100)))
  }
  return names
}

const AUTHORITY_URL = /^([A-Za-z][A-Za-z0-9+.-]*:)?\/\/([^/?#]*)(.*)$/s

/** A path, query and fragment as shown: path folded, `name=…` per parameter, the fragment as `#…`. */
function foldTarget (target: string): string {
  const hash = target.indexOf('#')
  const beforeHash = hash < 0 ? target : target.slice(0, hash)
  const q = beforeHash.indexOf('?')
  const path = q < 0 ? beforeHash : beforeHash.slice(0, q)
  let out = foldPath(path)
  if (q >= 0) out += '?' + queryNames(beforeHash.slice(q + 1)).map((n) => n === '…' ? n : `${n}=…`).join('&')
  if (hash >= 0) out += '#…'
  return out
}

/**
 * A URL (a `Location`) as it may be shown: scheme and host kept when of a safe shape, userinfo
 * replaced by `…@`, path segments folded, `;params` dropped, query values and the fragment
 * replaced by `…`. `https://u:p@idp.test/cb;jsessionid=x?code=y#t` -> `https://…@idp.test/cb;…?code=…#…`.
 */
export function redactUrl (value: string): string {
  const text = value.slice(0, 4096)
  const m = AUTHORITY_URL.exec(text)
  if (m === null) {
    // A relative reference; anything with a scheme but no `//` (`mailto:`, `data:`) is not shown.
    if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(text)) return '…'
    return foldTarget(text)
  }
  const scheme = m[1] ?? ''
  const authority = m[2] ?? ''
  const at = authority.lastIndexOf('@')
  const host = foldHost(at < 0 ? authority : authority.slice(at + 1))
  const shownScheme = scheme === '' || SCHEME.test(scheme.slice(0, -1)) ? scheme : '…:'
  return `${shownScheme}//${at < 0 ? '' : '…@'}${host ?? '…'}${foldTarget(m[3] ?? '')}`
}
