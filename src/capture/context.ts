// The context headers: request headers known to be non-secret whose values tell which layers a
// request came through. An allowlist twice over: a header is here only by its exact name (no
// prefix: `X-Forwarded-Access-Token` is not `X-Forwarded-For`), and its value is shown only in
// its known shape (an IP list, a host, a trace id...). Anything else is shown as its length.
import { foldPath } from './routes.js'
import { foldHost } from './url.js'
import { isWordLike } from './words.js'

/** A value as it may be shown (possibly folded), or null when it is not of the header's shape. */
type Shape = (value: string) => string | null

function list (item: Shape): Shape {
  return (value) => {
    const out: string[] = []
    for (const part of value.split(',')) {
      const shown = item(part.trim())
      if (shown === null) return null
      out.push(shown)
    }
    return out.join(', ')
  }
}

function exact (pattern: RegExp): Shape {
  return (value) => pattern.test(value) ? value : null
}

const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?$/
const IPV6 = /^\[?[0-9A-Fa-f:.]{2,45}\]?(?::\d{1,5})?$/
/** An IPv4 or IPv6 address (with a port or not), or `unknown`. */
const ip: Shape = (value) => value === 'unknown' || IPV4.test(value) || (IPV6.test(value) && /:[0-9A-Fa-f]{0,4}:/.test(value) && !/[0-9A-Fa-f]{5}/.test(value)) ? value : null
const host: Shape = (value) => foldHost(value)
const scheme = exact(/^(?:https?|wss?)$/i)
const path: Shape = (value) => value.startsWith('/') ? foldPath(value.split('?')[0] as string) : null
const digits = exact(/^\d{1,12}$/)
/** A header name (in Connection): shown when it reads like words. */
const name: Shape = (value) => isWordLike(value) ? value : '…'
const VERSION = /^v?\d{1,6}(?:[._]\d{1,6}){0,4}[a-z]?$/i

/** Free text of product tokens and comments (User-Agent, Via comments): every piece a word or a version. */
function isPhrase (value: string): boolean {
  if (value.length > 256) return false
  for (const piece of value.split(/[\s;()/,:+]+/)) {
    if (piece !== '' && !isWordLike(piece) && !VERSION.test(piece)) return false
  }
  return true
}

const phrase: Shape = (value) => isPhrase(value) ? value : null

const VIA_MEMBER = /^((?:[A-Za-z]+\/)?\d(?:\.\d)?)[ \t]+([^\s(]+)[ \t]*(?:\((.*)\))?$/

/** `1.1 d1a2.cloudfront.net (CloudFront)` -> `1.1 *.cloudfront.net (CloudFront)`. */
const viaMember: Shape = (value) => {
  const m = VIA_MEMBER.exec(value)
  if (m === null) return '…'
  const by = foldHost(m[2] as string) ?? '…'
  const comment = m[3] === undefined ? '' : ` (${isPhrase(m[3]) ? m[3] : '…'})`
  return `${m[1] as string} ${by}${comment}`
}

/** RFC 7239 `for=192.0.2.60;proto=https;by=...;host=...`: known parameters of a known shape, others `…`. */
const FORWARDED_PARAMS: Readonly<Record<string, Shape>> = {
  for: (v) => /^_[A-Za-z0-9._-]{1,32}$/.test(v) && isWordLike(v.slice(1)) ? v : ip(v),
  by: (v) => /^_[A-Za-z0-9._-]{1,32}$/.test(v) && isWordLike(v.slice(1)) ? v : ip(v),
  proto: scheme,
  host
}

const forwardedElement: Shape = (value) => value.split(';').map((pair) => {
  const eq = pair.indexOf('=')
  const key = pair.slice(0, eq < 0 ? pair.length : eq).trim().toLowerCase()
  const check = Object.prototype.hasOwnProperty.call(FORWARDED_PARAMS, key) ? FORWARDED_PARAMS[key] : undefined
  if (eq < 0 || check === undefined) return '…'
  const raw = pair.slice(eq + 1).trim()
  const quoted = raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"')
  const shown = check(quoted ? raw.slice(1, -1) : raw)
  return shown === null ? `${key}=…` : `${key}=${quoted ? `"${shown}"` : shown}`
}).join(';')

/** `cloudflare; loops=1`: a pseudonym that reads like words, with numeric or word parameters. */
const cdnLoopMember: Shape = (value) => {
  const [pseudonym, ...params] = value.split(';').map((p) => p.trim())
  if (pseudonym === undefined || !isWordLike(pseudonym)) return '…'
  for (const param of params) {
    const [key, v] = param.split('=')
    if (key === undefined || !isWordLike(key) || (v !== undefined && !/^\d{1,6}$/.test(v) && !isWordLike(v))) return '…'
  }
  return value
}

const CONTEXT: ReadonlyMap<string, Shape> = new Map<string, Shape>([
  ['host', host],
  ['x-forwarded-host', list(host)],
  ['x-forwarded-server', list(host)],
  ['x-forwarded-for', list(ip)],
  ['x-original-forwarded-for', list(ip)],
  ['x-real-ip', ip],
  ['cf-connecting-ip', ip],
  ['true-client-ip', ip],
  ['x-client-ip', ip],
  ['x-envoy-external-address', ip],
  ['x-forwarded-proto', list(scheme)],
  ['x-forwarded-scheme', list(scheme)],
  ['x-scheme', scheme],
  ['x-forwarded-port', list(digits)],
  ['x-forwarded-prefix', path],
  ['x-envoy-original-path', path],
  ['x-envoy-attempt-count', digits],
  ['x-envoy-expected-rq-timeout-ms', digits],
  ['x-envoy-internal', exact(/^(?:true|false)$/)],
  ['forwarded', list(forwardedElement)],
  ['via', list(viaMember)],
  ['connection', list(name)],
  ['cdn-loop', list(cdnLoopMember)],
  ['cf-ray', exact(/^[0-9a-f]{16}(?:-[A-Z]{3})?$/)],
  ['cf-visitor', exact(/^\{"scheme":"(?:https?|wss?)"\}$/)],
  ['cf-ipcountry', exact(/^(?:[A-Z]{2}|T1)$/)],
  ['cf-worker', host],
  ['x-amzn-trace-id', exact(/^(?:Self=1-[0-9a-f]{8}-[0-9a-f]{24};)?Root=1-[0-9a-f]{8}-[0-9a-f]{24}(?:;Parent=[0-9a-f]{16})?(?:;Sampled=[01?])?$/)],
  ['x-amzn-apigateway-api-id', exact(/^[a-z0-9]{10}$/)],
  // Request and trace ids in their published formats: a UUID, nginx's $request_id, B3, W3C, GCP.
  ['x-request-id', exact(/^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{32})$/i)],
  ['x-b3-traceid', exact(/^[0-9a-f]{16}(?:[0-9a-f]{16})?$/)],
  ['x-b3-spanid', exact(/^[0-9a-f]{16}$/)],
  ['x-b3-sampled', exact(/^(?:0|1|d|true|false)$/)],
  ['traceparent', exact(/^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/)],
  ['x-cloud-trace-context', exact(/^[0-9a-f]{32}(?:\/\d{1,20})?(?:;o=[01])?$/)],
  ['x-request-start', exact(/^(?:t=)?\d{10,16}(?:\.\d{1,6})?$/)],
  ['x-varnish', exact(/^\d{1,12}(?: \d{1,12})?$/)],
  ['user-agent', phrase]
])

export function isContextHeader (key: string): boolean {
  return CONTEXT.has(key)
}

/** Every context header name (lower case). */
export function contextHeaderNames (): string[] {
  return [...CONTEXT.keys()]
}

/** A context header's value as it may be shown: itself or folded when of its shape, else its length. */
export function shownContextValue (key: string, value: string): string {
  const shape = CONTEXT.get(key)
  const shown = shape === undefined ? null : shape(value)
  return shown ?? `(not shown, ${Buffer.byteLength(value)} bytes)`
}
