// From raw header pairs to what an Exchange keeps of a request: credential headers as
// fingerprints (duplicates and raw casing kept), header names that read like words, and the
// context values of a known safe shape (src/capture/context.ts). Runs after the response.
import { isPortableHeaderName } from './credential-names.js'
import { isContextHeader, shownContextValue } from './context.js'
import { isWordLike } from './words.js'
import { fingerprint, type Hasher } from './fingerprint.js'
import type { Fingerprint, SeenHeader } from './types.js'
import { detached } from './detach.js'
import { indexHeaders, type HeaderIndex } from './header-index.js'

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
/** What stands for a header, cookie or parameter name that does not read like words. */
export const OTHER_NAME = '(other)'

export { isContextHeader }

/** A request header name as it may be shown: itself when it reads like words, else `(other)`. */
export function shownHeaderName (name: string): string {
  return isWordLike(name) || PSEUDO_HEADERS.has(name) ? name : OTHER_NAME
}

/** HTTP/2 request pseudo-headers (RFC 9113 8.3.1), shown by name like any header. */
const PSEUDO_HEADERS: ReadonlySet<string> = new Set([':method', ':scheme', ':authority', ':path', ':protocol'])

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
 * Group flat name/value pairs into SeenHeaders, fingerprinting each line. `made`, when given,
 * receives each line's fingerprint in order; `known` may give one already made for this
 * exchange (a forwarded value that is the very string that arrived is not hashed again).
 */
export function seenHeaders (pairs: RawPairs, hash: Hasher, made?: Fingerprint[], known?: (key: string, value: string) => Fingerprint | undefined): SeenHeader[] {
  const out: SeenHeader[] = []
  for (let i = 0; i < pairs.length; i += 2) {
    const name = pairs[i] as string
    const key = name.toLowerCase()
    let seen: SeenHeader | undefined
    for (let k = 0; k < out.length; k++) if ((out[k] as SeenHeader).key === key) { seen = out[k]; break }
    if (seen === undefined) {
      seen = { key, name, lines: 0, validName: isPortableHeaderName(name), values: [] }
      out.push(seen)
    }
    seen.lines++
    const value = pairs[i + 1] as string
    const fp = known?.(key, value) ?? fingerprint(key, value, hash)
    made?.push(fp)
    seen.values.push(fp)
  }
  return out
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

export function requestContext (rawHeaders: string[], index: HeaderIndex = indexHeaders(rawHeaders)): RequestContext {
  const headerNames: string[] = []
  let chars = 0
  for (let i = 0; i < rawHeaders.length && headerNames.length < MAX_HEADER_NAMES && chars < MAX_NAMES_CHARS; i += 2) {
    const name = shortName(shownHeaderName(rawHeaders[i] as string))
    chars += name.length
    headerNames.push(name)
  }
  return { headerNames, context: contextOf(rawHeaders, index) }
}

/**
 * The context values alone (names lower case, at most 4 values of 256 chars each), each as it
 * may be shown: of its header's known shape, else replaced by its length.
 */
export function contextOf (rawHeaders: string[], index: HeaderIndex = indexHeaders(rawHeaders)): Record<string, string[]> {
  const context: Record<string, string[]> = {}
  const lower = index.lower
  let keys = 0
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string
    if (name.length > MAX_NAME) continue
    // HTTP/2's `:authority` is where HTTP/1.1 has Host.
    const key = name === ':authority' ? 'host' : lower[i >> 1] as string
    if (!isContextHeader(key)) continue
    let list = context[key]
    if (list === undefined) {
      if (keys++ >= MAX_CONTEXT_KEYS) continue
      list = context[key] = []
    }
    const value = rawHeaders[i + 1] as string
    if (list.length < MAX_CONTEXT_VALUES) list.push(detached(shownContextValue(key, value.length > MAX_CONTEXT_VALUE ? value.slice(0, MAX_CONTEXT_VALUE) : value)))
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
