// From raw header pairs to what an Exchange keeps of a request: credential headers as
// fingerprints (duplicates and raw casing kept), header names, and the non-secret context.
import { isPortableHeaderName } from './credential-names.js'
import { fingerprint, type Hasher } from './fingerprint.js'
import type { Fingerprint, SeenHeader } from './types.js'
import { detached } from './detach.js'

/** Non-secret request headers whose values tell which layers a request came through. */
const CONTEXT_HEADERS = new Set([
  'via', 'forwarded', 'connection', 'host', 'cdn-loop', 'cf-ray', 'cf-connecting-ip', 'cf-visitor',
  'cf-ipcountry', 'cf-worker', 'x-amz-cf-id', 'x-amzn-trace-id', 'x-amzn-apigateway-api-id',
  'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-forwarded-port',
  'x-forwarded-server', 'x-forwarded-prefix', 'x-forwarded-scheme', 'x-original-forwarded-for',
  'x-real-ip', 'x-request-id', 'x-request-start', 'x-scheme', 'x-varnish', 'x-b3-traceid',
  'x-b3-spanid', 'x-b3-sampled', 'traceparent', 'x-cloud-trace-context', 'true-client-ip',
  'x-client-ip', 'user-agent'
])
const CONTEXT_PREFIXES = ['x-envoy-', 'x-forwarded-']
export const MAX_CONTEXT_VALUE = 256
export const MAX_CONTEXT_VALUES = 4
const MAX_HEADER_NAMES = 200
/** A header name kept for the report is cut to this many characters and `…` (a name may be 64 KiB). */
export const MAX_NAME = 128
/** An exchange keeps header names up to this many characters in all. */
const MAX_NAMES_CHARS = 4096
/** Distinct context headers kept per exchange (x-forwarded-* and x-envoy-* are open-ended). */
const MAX_CONTEXT_KEYS = 32

/** `name`, or its first MAX_NAME characters and `…`. */
export function shortName (name: string): string {
  return name.length > MAX_NAME ? detached(`${name.slice(0, MAX_NAME)}…`) : name
}

export function isContextHeader (key: string): boolean {
  if (CONTEXT_HEADERS.has(key)) return true
  for (const prefix of CONTEXT_PREFIXES) if (key.startsWith(prefix)) return true
  return false
}

/** The hot-path copy: credential header pairs as they arrived, nothing computed yet. */
export type RawPairs = string[]

export function copyCredentialPairs (rawHeaders: string[], names: ReadonlySet<string>): RawPairs {
  const out: RawPairs = []
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string
    if (names.has(name.toLowerCase())) out.push(name, rawHeaders[i + 1] as string)
  }
  return out
}

/**
 * Group flat name/value pairs into SeenHeaders, fingerprinting each line. `cache` lets two
 * stages of one exchange (arrived, forwarded) hash an unchanged value once; it lives only as
 * long as that call.
 */
export type StageCache = Map<string, Map<string, Fingerprint>>

export function seenHeaders (pairs: RawPairs, hash: Hasher, cache?: StageCache): SeenHeader[] {
  const byKey = new Map<string, SeenHeader>()
  for (let i = 0; i < pairs.length; i += 2) {
    const name = pairs[i] as string
    const key = name.toLowerCase()
    let seen = byKey.get(key)
    if (seen === undefined) {
      seen = { key, name, lines: 0, validName: isPortableHeaderName(name), values: [] }
      byKey.set(key, seen)
    }
    seen.lines++
    const value = pairs[i + 1] as string
    // Keyed by header, then by the value string itself (no concatenation: the forwarded value is
    // usually the very string that arrived, whose hash V8 has already computed).
    let byValue = cache?.get(key)
    let fp = byValue?.get(value)
    if (fp === undefined) {
      fp = fingerprint(key, value, hash)
      if (cache !== undefined) {
        if (byValue === undefined) { byValue = new Map(); cache.set(key, byValue) }
        byValue.set(value, fp)
      }
    }
    seen.values.push(fp)
  }
  return [...byKey.values()]
}

/** Credential pairs of a header object as undici will send it (lower-case names, arrays for repeats). */
export function pairsFromObject (headers: Record<string, unknown>, names: ReadonlySet<string>): RawPairs {
  const out: RawPairs = []
  for (const key of Object.keys(headers)) {
    if (!names.has(key.toLowerCase())) continue
    const value = headers[key]
    if (Array.isArray(value)) {
      for (const v of value) out.push(key, String(v))
    } else if (value !== undefined && value !== null) {
      out.push(key, String(value))
    }
  }
  return out
}

export interface RequestContext {
  headerNames: string[]
  context: Record<string, string[]>
}

export function requestContext (rawHeaders: string[]): RequestContext {
  const headerNames: string[] = []
  let chars = 0
  for (let i = 0; i < rawHeaders.length && headerNames.length < MAX_HEADER_NAMES && chars < MAX_NAMES_CHARS; i += 2) {
    const name = shortName(rawHeaders[i] as string)
    chars += name.length
    headerNames.push(name)
  }
  return { headerNames, context: contextOf(rawHeaders) }
}

/** The non-secret context values alone (names lower case, at most 4 values of 256 chars each). */
export function contextOf (rawHeaders: string[]): Record<string, string[]> {
  const context: Record<string, string[]> = {}
  let keys = 0
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string
    if (name.length > MAX_NAME) continue
    const key = name.toLowerCase()
    if (!isContextHeader(key)) continue
    let list = context[key]
    if (list === undefined) {
      if (keys++ >= MAX_CONTEXT_KEYS) continue
      list = context[key] = []
    }
    const value = rawHeaders[i + 1] as string
    if (list.length < MAX_CONTEXT_VALUES) list.push(value.length > MAX_CONTEXT_VALUE ? detached(value.slice(0, MAX_CONTEXT_VALUE)) : value)
  }
  return context
}

/** Names nominated in a Connection header value (`close, Authorization` -> ['authorization']). */
export function connectionNominated (values: string[] | undefined): string[] {
  if (values === undefined) return []
  const out: string[] = []
  for (const value of values) {
    for (const token of value.split(',')) {
      const name = token.trim().toLowerCase()
      if (name !== '' && name !== 'close' && name !== 'keep-alive' && name !== 'upgrade') out.push(name)
    }
  }
  return out
}
