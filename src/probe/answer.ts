// The answer a tap sends itself for a signed canary: what arrived, as names, line counts,
// lengths, schemes and keyed hashes. Canary values are never echoed; real credentials that
// arrived next to a canary are reported by name, scheme and length only (no hash).
import { keyedHash, sameMac } from './token.js'

export const ANSWER_TAG = 'canary-answer'

export interface ArrivedCookie {
  name: string
  /** Keyed hash of `name=value`, only when the pair carries a token of this request. */
  hash: string | null
}

export interface ArrivedLine {
  /** Name exactly as it arrived. */
  name: string
  /** Position among all header lines of the request. */
  index: number
  /** Length of the value in bytes. */
  length: number
  scheme: string | null
  /** Slots of this request's valid tokens found in the value. */
  slots: string[]
  /** True when the value carries a cut token of this request (its nonce, not a whole token). */
  partial: boolean
  /** Keyed hash of the whole value, only when it carries a token (whole or cut) of this request. */
  hash: string | null
  cookies?: ArrivedCookie[]
}

export interface CanaryAnswer {
  hopwatch: typeof ANSWER_TAG
  version: 1
  nonce: string
  /** How the tap recognised the canary: `value` means the marker header did not arrive. */
  recognisedBy: 'marker' | 'value'
  /** Credential lines and any line carrying a token of this request. */
  lines: ArrivedLine[]
  /** Every header name that arrived, raw casing, in order (names only, bounded). */
  headerNames: string[]
  /** Keyed hash over everything above, so an app cannot pass for a tap. */
  mac: string
}

export type UnsignedAnswer = Omit<CanaryAnswer, 'mac'>

export function answerMac (secret: string, answer: UnsignedAnswer): string {
  return keyedHash(secret, ANSWER_TAG, JSON.stringify(answer))
}

export function signAnswer (secret: string, answer: UnsignedAnswer): CanaryAnswer {
  return { ...answer, mac: answerMac(secret, answer) }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const isString = (v: unknown): v is string => typeof v === 'string'

function isLine (v: unknown): v is ArrivedLine {
  if (!isRecord(v)) return false
  return isString(v.name) && typeof v.index === 'number' && typeof v.length === 'number' &&
    (v.scheme === null || isString(v.scheme)) && typeof v.partial === 'boolean' && Array.isArray(v.slots) && v.slots.every(isString) &&
    (v.hash === null || isString(v.hash)) &&
    (v.cookies === undefined || (Array.isArray(v.cookies) && v.cookies.every((c) =>
      isRecord(c) && isString(c.name) && (c.hash === null || isString(c.hash)))))
}

/** The answer in a response body, when it is one, for this nonce, signed with this secret. */
export function parseAnswer (secret: string, nonce: string, body: string): CanaryAnswer | null {
  if (!body.includes(ANSWER_TAG)) return null
  let parsed: unknown
  try { parsed = JSON.parse(body) } catch { return null }
  if (!isRecord(parsed) || parsed.hopwatch !== ANSWER_TAG || parsed.nonce !== nonce || !isString(parsed.mac)) return null
  const { mac, ...rest } = parsed
  if (!sameMac(keyedHash(secret, ANSWER_TAG, JSON.stringify(rest)), mac)) return null
  if (!Array.isArray(rest.lines) || !rest.lines.every(isLine)) return null
  if (!Array.isArray(rest.headerNames) || !rest.headerNames.every(isString)) return null
  if (rest.recognisedBy !== 'marker' && rest.recognisedBy !== 'value') return null
  return {
    hopwatch: ANSWER_TAG,
    version: 1,
    nonce,
    recognisedBy: rest.recognisedBy,
    lines: rest.lines,
    headerNames: rest.headerNames,
    mac
  }
}
