// What an Exchange keeps of a response: challenges, cookie names and attributes, redirect
// target without query values, Date and Retry-After. Never a cookie value or a token: every
// text kept is of a known safe shape (known schemes, parameter names and attributes, words,
// dates, folded paths and hosts), anything else is replaced.
import { grpcOutcome } from './grpc.js'
import { shownScheme } from './credential-names.js'
import { foldHost, redactUrl } from './url.js'
import { isWordLike } from './words.js'
import { foldPath } from './routes.js'
import type { Challenge, HeaderBag, ResponseSummary, SetCookieSummary } from './types.js'

export { redactUrl }

const MAX_ITEMS = 20
const MAX_TEXT = 200
/** Set-Cookie attributes (RFC 6265bis and the common extensions), and how a value of each may be shown. */
const ATTRIBUTES: ReadonlyMap<string, ((value: string) => string | null) | null> = new Map([
  ['path', (v: string) => foldPath(v)],
  ['domain', (v: string) => v.startsWith('.') ? `.${foldHost(v.slice(1)) ?? '…'}` : foldHost(v)],
  ['samesite', (v: string) => isWordLike(v) ? v : null],
  ['priority', (v: string) => isWordLike(v) ? v : null],
  ['max-age', (v: string) => /^-?\d{1,12}$/.test(v) ? v : null],
  ['expires', (v: string) => isDate(v) ? v : null],
  ['secure', null],
  ['httponly', null],
  ['partitioned', null]
])
const OTHER = '(other)'
const NAMELESS = '(none)'
/** What stands for a text of no known safe shape. */
const HIDDEN = '…'

export type { HeaderBag }

function all (headers: HeaderBag, key: string): string[] {
  const value = headers[key]
  if (value === undefined) return []
  return Array.isArray(value) ? value : [String(value)]
}

function first (headers: HeaderBag, key: string): string | null {
  const value = all(headers, key)[0]
  return value === undefined ? null : value.slice(0, MAX_TEXT)
}

/** An HTTP-date (`Wed, 21 Oct 2015 07:28:00 GMT`, or the obsolete forms): words, numbers, `:` `,` `-`. */
function isDate (value: string): boolean {
  if (value.length > 40 || !/^[A-Za-z0-9 ,:-]+$/.test(value)) return false
  for (const piece of value.split(/[ ,:-]+/)) if (piece !== '' && !/^\d{1,4}$/.test(piece) && !isWordLike(piece)) return false
  return true
}

/** A realm or error code as it may be shown: words, numbers and URL-ish punctuation only. */
function phrase (value: string): string {
  if (value.length > MAX_TEXT) return HIDDEN
  for (const piece of value.split(/[\s/:@,()]+/)) if (piece !== '' && !/^\d{1,6}$/.test(piece) && !isWordLike(piece)) return HIDDEN
  return value
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
      const challenge: Challenge = { scheme: shownScheme(scheme), realm: null, params: [], error: null }
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
  // Only realm and error are shown, and only when they read as words: error_description is
  // free text an app may fill with anything (a user name, a token), so only its name is kept.
  if (key === 'realm') challenge.realm = phrase(unquote(value))
  if (key === 'error') challenge.error = phrase(unquote(value))
}

export function parseSetCookies (values: string[]): SetCookieSummary[] {
  const out: SetCookieSummary[] = []
  for (const value of values.slice(0, MAX_ITEMS)) {
    const parts = value.split(';')
    const head = parts[0] ?? ''
    const eq = head.indexOf('=')
    // Without `=` the text is a nameless cookie's value, never a name.
    const raw = eq < 0 ? '' : head.slice(0, eq).trim()
    const name = raw === '' ? NAMELESS : isWordLike(raw) ? raw : OTHER
    const attributes: string[] = []
    for (const attr of parts.slice(1, MAX_ITEMS)) {
      const aeq = attr.indexOf('=')
      const aname = (aeq < 0 ? attr : attr.slice(0, aeq)).trim()
      if (aname === '') continue
      const key = aname.toLowerCase()
      if (!ATTRIBUTES.has(key)) { attributes.push(OTHER); continue }
      const show = ATTRIBUTES.get(key)
      if (aeq < 0 || show === undefined || show === null) { attributes.push(aname); continue }
      attributes.push(`${aname}=${show(attr.slice(aeq + 1).trim().slice(0, MAX_TEXT)) ?? HIDDEN}`)
    }
    out.push({ name, attributes })
  }
  return out
}

function shownDate (value: string | null): string | null {
  return value === null || isDate(value) ? value : HIDDEN
}

function shownRetryAfter (value: string | null): string | null {
  return value === null || /^\d{1,10}$/.test(value) || isDate(value) ? value : HIDDEN
}

export function summarizeResponse (status: number, headers: HeaderBag, source: ResponseSummary['source'], trailers?: HeaderBag | null): ResponseSummary {
  const location = first(headers, 'location')
  const grpc = grpcOutcome(headers, trailers)
  const summary: ResponseSummary = {
    status,
    source,
    wwwAuthenticate: parseChallenges(all(headers, 'www-authenticate')),
    proxyAuthenticate: parseChallenges(all(headers, 'proxy-authenticate')),
    setCookies: parseSetCookies(all(headers, 'set-cookie')),
    location: location === null ? null : redactUrl(all(headers, 'location')[0] ?? ''),
    date: shownDate(first(headers, 'date')),
    retryAfter: shownRetryAfter(first(headers, 'retry-after'))
  }
  return grpc === null ? summary : Object.assign(summary, grpc)
}
