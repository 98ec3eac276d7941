// What an Exchange keeps of a response: challenges, cookie names and attributes, redirect
// target without query values, Date and Retry-After. Never a cookie value or a token.
import type { Challenge, ResponseSummary, SetCookieSummary } from './types.js'

const MAX_ITEMS = 20
const MAX_TEXT = 200
/** Set-Cookie attributes whose values are not secret and worth showing. */
const VALUED_ATTRIBUTES = new Set(['path', 'domain', 'samesite', 'max-age', 'expires'])

export type HeaderBag = Record<string, string | string[] | number | undefined>

function all (headers: HeaderBag, key: string): string[] {
  const value = headers[key]
  if (value === undefined) return []
  return Array.isArray(value) ? value : [String(value)]
}

function first (headers: HeaderBag, key: string): string | null {
  const value = all(headers, key)[0]
  return value === undefined ? null : value.slice(0, MAX_TEXT)
}

/** Split on commas that are outside quoted strings. */
function splitOutsideQuotes (value: string): string[] {
  const parts: string[] = []
  let current = ''
  let quoted = false
  for (let i = 0; i < value.length; i++) {
    const ch = value[i] as string
    if (ch === '"' && value[i - 1] !== '\\') quoted = !quoted
    if (ch === ',' && !quoted) { parts.push(current); current = '' } else current += ch
  }
  parts.push(current)
  return parts.map((p) => p.trim()).filter((p) => p !== '')
}

const PARAM = /^([A-Za-z0-9!#$%&'*+.^_`|~-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^\s,]*)$/

// token68 (RFC 9110 11.2): Negotiate/NTLM server tokens; never parsed as name=value.
const TOKEN68 = /^[A-Za-z0-9._~+/-]+=*$/
const KNOWN_PARAMS = new Set(['realm', 'error', 'error_description', 'error_uri', 'scope', 'charset',
  'algorithm', 'qop', 'stale', 'domain', 'nonce', 'opaque', 'userhash', 'resource_metadata', 'authorization_uri'])

function unquote (value: string): string {
  return (value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1).replace(/\\(.)/g, '$1') : value).slice(0, MAX_TEXT)
}

/** Parse WWW-Authenticate / Proxy-Authenticate (RFC 9110 11.6.1) into challenges. */
export function parseChallenges (values: string[]): Challenge[] {
  const out: Challenge[] = []
  for (const value of values) {
    for (const part of splitOutsideQuotes(value)) {
      const param = PARAM.exec(part)
      const current = out[out.length - 1]
      if (param !== null && current !== undefined) {
        addParam(current, param[1] as string, param[2] as string)
        continue
      }
      const space = part.indexOf(' ')
      const scheme = space < 0 ? part : part.slice(0, space)
      if (out.length >= MAX_ITEMS) break
      const challenge: Challenge = { scheme: scheme.slice(0, 40), realm: null, params: [], error: null }
      out.push(challenge)
      const rest = space < 0 ? '' : part.slice(space + 1).trim()
      const firstParam = TOKEN68.test(rest) ? null : PARAM.exec(rest)
      if (firstParam !== null) addParam(challenge, firstParam[1] as string, firstParam[2] as string)
      else if (rest !== '') challenge.params.push('token68')
    }
  }
  return out
}

function addParam (challenge: Challenge, name: string, value: string): void {
  const key = name.toLowerCase()
  // Unknown parameter names are not echoed: a server token could sit where a name is expected.
  if (challenge.params.length < MAX_ITEMS) challenge.params.push(KNOWN_PARAMS.has(key) ? key : 'other')
  if (key === 'realm') challenge.realm = unquote(value)
  if (key === 'error') challenge.error = unquote(value)
}

export function parseSetCookies (values: string[]): SetCookieSummary[] {
  const out: SetCookieSummary[] = []
  for (const value of values.slice(0, MAX_ITEMS)) {
    const parts = value.split(';')
    const head = parts[0] ?? ''
    const eq = head.indexOf('=')
    const name = (eq < 0 ? head : head.slice(0, eq)).trim().slice(0, MAX_TEXT)
    const attributes: string[] = []
    for (const attr of parts.slice(1, MAX_ITEMS)) {
      const aeq = attr.indexOf('=')
      const aname = (aeq < 0 ? attr : attr.slice(0, aeq)).trim()
      if (aname === '') continue
      attributes.push(aeq >= 0 && VALUED_ATTRIBUTES.has(aname.toLowerCase())
        ? `${aname}=${attr.slice(aeq + 1).trim().slice(0, MAX_TEXT)}`
        : aname)
    }
    out.push({ name, attributes })
  }
  return out
}

/** A URL with every query and fragment value replaced: `?code=…&state=…`. */
export function redactUrl (value: string): string {
  const cut = value.search(/[?#]/)
  if (cut < 0) return value.slice(0, MAX_TEXT * 2)
  const base = value.slice(0, cut)
  const keys = (value.slice(cut + 1)).split(/[&#?]/).filter((p) => p !== '')
    .map((p) => { const eq = p.indexOf('='); return eq < 0 ? p : `${p.slice(0, eq)}=…` })
  return `${base.slice(0, MAX_TEXT * 2)}?${keys.slice(0, MAX_ITEMS).join('&')}`
}

export function summarizeResponse (status: number, headers: HeaderBag, source: ResponseSummary['source']): ResponseSummary {
  const location = first(headers, 'location')
  return {
    status,
    source,
    wwwAuthenticate: parseChallenges(all(headers, 'www-authenticate')),
    proxyAuthenticate: parseChallenges(all(headers, 'proxy-authenticate')),
    setCookies: parseSetCookies(all(headers, 'set-cookie')),
    location: location === null ? null : redactUrl(all(headers, 'location')[0] ?? ''),
    date: first(headers, 'date'),
    retryAfter: first(headers, 'retry-after')
  }
}
