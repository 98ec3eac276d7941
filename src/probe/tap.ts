// The canary tap: runs on every request of the traffic listener when a probe secret is set.
// Ordinary traffic costs one pass over rawHeaders (a name comparison, and for credential headers
// a substring test) and gets null. A signed, fresh, first-seen canary gets the answer the tap
// sends itself; forged, stale or replayed canaries are ordinary traffic (null).
import type { IncomingMessage } from 'node:http'
import { ANSWER_TAG, signAnswer, type ArrivedCookie, type ArrivedLine } from './answer.js'
import { MARKER_KEY, MARKER_SLOT, mayCarryToken, signedTokensIn, tokenText, valueHash, type TokenParts } from './token.js'

export interface CanaryTapOptions {
  /** The probe secret (`--probe-secret` / HOPWATCH_PROBE_SECRET). */
  secret: string
  /** Lower-case credential header names whose values may carry a canary. */
  credentialHeaders: Set<string>
  /** How old (or how far in the future) a canary may be, ms. Default 300000 (clock skew). */
  maxAgeMs?: number
  now?: () => number
}

export interface TapReply {
  status: number
  body: unknown
}

export type CanaryTap = (req: IncomingMessage) => TapReply | null

export const DEFAULT_MAX_AGE_MS = 300_000
/** Nonces remembered for replay detection; the oldest is forgotten first beyond this. */
export const MAX_REMEMBERED_NONCES = 10_000
const MAX_HEADER_NAMES = 200
const SCHEME_RE = /^([A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]{0,30}) /

export function createCanaryTap (options: CanaryTapOptions): CanaryTap {
  if (options.secret.length === 0) throw new Error('createCanaryTap needs a non-empty probe secret.')
  const { secret, credentialHeaders } = options
  const maxAgeMs = options.maxAgeMs ?? DEFAULT_MAX_AGE_MS
  const now = options.now ?? Date.now
  const seen = new Map<string, number>()
  // Lower-casing a name allocates: only names of a length worth checking get that far.
  const lengths = new Set([MARKER_KEY.length, ...[...credentialHeaders].map((n) => n.length)])

  const remember = (nonce: string, expires: number, at: number): void => {
    // Map keeps insertion order: drop expired entries from the front, then enforce the bound.
    for (const [key, until] of seen) {
      if (until > at && seen.size < MAX_REMEMBERED_NONCES) break
      seen.delete(key)
    }
    seen.set(nonce, expires)
  }

  return function canaryTap (req: IncomingMessage): TapReply | null {
    const raw = req.rawHeaders
    let candidate = false
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const name = raw[i] as string
      if (!lengths.has(name.length)) continue
      const lower = name.toLowerCase()
      if (lower === MARKER_KEY || (credentialHeaders.has(lower) && mayCarryToken(raw[i + 1] as string))) {
        candidate = true
        break
      }
    }
    if (!candidate) return null
    return answer(raw)
  }

  function answer (raw: string[]): TapReply | null {
    const at = now()
    const fresh = (t: TokenParts): boolean => Math.abs(at - t.ts) <= maxAgeMs
    const perLine: TokenParts[][] = []
    const texts: string[] = []
    let nonce: string | null = null
    let markerNonce: string | null = null
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const value = raw[i + 1] as string
      const text = tokenText(value)
      const tokens = signedTokensIn(secret, text).filter(fresh)
      perLine.push(tokens)
      texts.push(text)
      const isMarker = (raw[i] as string).toLowerCase() === MARKER_KEY
      for (const t of tokens) {
        if (isMarker && t.slot === MARKER_SLOT) markerNonce ??= t.nonce
        else nonce ??= t.nonce
      }
    }
    nonce = markerNonce ?? nonce
    if (nonce === null) return null
    const expires = seen.get(nonce)
    if (expires !== undefined && expires > at) return null
    const ts = perLine.flat().find((t) => t.nonce === nonce)?.ts ?? at
    remember(nonce, ts + maxAgeMs, at)

    const lines: ArrivedLine[] = []
    const headerNames: string[] = []
    for (let i = 0, n = 0; i + 1 < raw.length; i += 2, n++) {
      const name = raw[i] as string
      const value = raw[i + 1] as string
      const lower = name.toLowerCase()
      if (headerNames.length < MAX_HEADER_NAMES) headerNames.push(name)
      if (lower === MARKER_KEY) continue
      const slots = (perLine[n] ?? []).filter((t) => t.nonce === nonce).map((t) => t.slot)
      // A cut token keeps `_<nonce>_`: the value is still ours, so its hash may be reported.
      const partial = slots.length === 0 && (texts[n] ?? '').includes(`_${nonce}_`)
      if (slots.length === 0 && !partial && !credentialHeaders.has(lower)) continue
      const line: ArrivedLine = {
        name,
        index: n,
        length: Buffer.byteLength(value),
        scheme: SCHEME_RE.exec(value)?.[1] ?? null,
        slots,
        partial,
        hash: slots.length > 0 || partial ? valueHash(secret, value) : null
      }
      if (lower === 'cookie' && slots.length > 0) line.cookies = cookiesOf(value, nonce)
      lines.push(line)
    }
    const body = signAnswer(secret, {
      hopwatch: ANSWER_TAG,
      version: 1,
      nonce,
      recognisedBy: markerNonce === nonce ? 'marker' : 'value',
      lines,
      headerNames
    })
    return { status: 200, body }
  }

  function cookiesOf (value: string, nonce: string): ArrivedCookie[] {
    return value.split(';').slice(0, 64).map((pair) => {
      const trimmed = pair.trim()
      const eq = trimmed.indexOf('=')
      const name = eq < 0 ? trimmed : trimmed.slice(0, eq)
      const mine = signedTokensIn(secret, trimmed).some((t) => t.nonce === nonce)
      return { name, hash: mine ? valueHash(secret, trimmed) : null }
    })
  }
}
