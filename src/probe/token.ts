// Signed canary tokens. A token is `hwcan1_<ts36>_<nonce>_<slot>_<mac>`:
//   ts36   ms since epoch in base 36, so stale tokens are recognised;
//   nonce  16 hex chars shared by every token of one request, so a replay is recognised;
//   slot   which shape of the battery the token belongs to ([a-z0-9-]);
//   mac    HMAC-SHA256 of the rest with the probe secret (32 hex), so a forgery is recognised.
// Every character is valid in a header value, a cookie value and a base64url JWT segment.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

export const TOKEN_PREFIX = 'hwcan1'
/** base64 of a value that starts with TOKEN_PREFIX always starts with this (6 bytes = 8 chars). */
export const TOKEN_PREFIX_B64 = Buffer.from(TOKEN_PREFIX).toString('base64')
/** The marker header every canary request carries; its value is a token of slot `marker`. */
export const MARKER_HEADER = 'X-Hopwatch-Canary'
export const MARKER_KEY = MARKER_HEADER.toLowerCase()
export const MARKER_SLOT = 'marker'

const TOKEN_RE = /hwcan1_([0-9a-z]{1,12})_([0-9a-f]{16})_([a-z0-9-]{1,40})_([0-9a-f]{32})/g
const MAC_HEX = 32

export interface TokenParts {
  ts: number
  nonce: string
  slot: string
}

/** A keyed hash: HMAC-SHA256 of `label|data` with the secret, hex, truncated. */
export function keyedHash (secret: string, label: string, data: string, hexChars = MAC_HEX): string {
  return createHmac('sha256', secret).update(`${label}|${data}`).digest('hex').slice(0, hexChars)
}

/** What the tap reports of a canary-bearing value and the probe recomputes: equal iff equal. */
export function valueHash (secret: string, value: string): string {
  return keyedHash(secret, 'value', value)
}

export function newNonce (): string {
  return randomBytes(8).toString('hex')
}

export function makeToken (secret: string, parts: TokenParts): string {
  const ts36 = parts.ts.toString(36)
  const mac = keyedHash(secret, TOKEN_PREFIX, `${ts36}|${parts.nonce}|${parts.slot}`)
  return `${TOKEN_PREFIX}_${ts36}_${parts.nonce}_${parts.slot}_${mac}`
}

/**
 * Constant-time equality of a computed MAC and a given one. Lengths are public (the MAC length
 * is fixed), so a length mismatch returns at once; equal lengths go through timingSafeEqual.
 */
export function sameMac (expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'utf8')
  const b = Buffer.from(given, 'utf8')
  return a.length === b.length && timingSafeEqual(a, b)
}

function macMatches (secret: string, ts36: string, nonce: string, slot: string, mac: string): boolean {
  return sameMac(keyedHash(secret, TOKEN_PREFIX, `${ts36}|${nonce}|${slot}`), mac)
}

/** Every well-signed token in a text (age and replay are the caller's business). */
export function signedTokensIn (secret: string, text: string): TokenParts[] {
  const found: TokenParts[] = []
  if (!text.includes(TOKEN_PREFIX)) return found
  TOKEN_RE.lastIndex = 0
  for (let m = TOKEN_RE.exec(text), guard = 0; m !== null && guard < 64; m = TOKEN_RE.exec(text), guard++) {
    const [, ts36, nonce, slot, mac] = m
    if (ts36 === undefined || nonce === undefined || slot === undefined || mac === undefined) continue
    if (!macMatches(secret, ts36, nonce, slot, mac)) continue
    found.push({ ts: parseInt(ts36, 36), nonce, slot })
  }
  return found
}

const B64_RUN = /[A-Za-z0-9+/=]+/y
const JWT_SEGMENTS = /(eyJ[A-Za-z0-9_-]{2,})\.(eyJ[A-Za-z0-9_-]*)/

/**
 * The text a value carries, with hidden parts decoded too: a base64 run that hides a token
 * (Basic) and the header and payload of a JWT (the token is a claim, so a cut JWT keeps it).
 * Slow path only.
 */
export function tokenText (value: string): string {
  let text = value
  const at = value.indexOf(TOKEN_PREFIX_B64)
  if (at >= 0) {
    B64_RUN.lastIndex = at
    const run = B64_RUN.exec(value)
    if (run !== null) text += ` ${Buffer.from(run[0], 'base64').toString('latin1')}`
  }
  const jwt = JWT_SEGMENTS.exec(value)
  if (jwt !== null) text += ` ${Buffer.from(jwt[1] ?? '', 'base64url').toString('latin1')} ${Buffer.from(jwt[2] ?? '', 'base64url').toString('latin1')}`
  return text
}

/** Cheap test used on the hot path: could this value carry a token at all? */
export function mayCarryToken (value: string): boolean {
  return value.includes(TOKEN_PREFIX) || value.includes(TOKEN_PREFIX_B64)
}
