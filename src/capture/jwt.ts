// JWT decoding for fingerprints: header and non-secret claims only, never the signature.
import type { JwtSummary } from './types.js'
import { detached } from './detach.js'

const JWT_SHAPE = /^[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*$/
/** Longer tokens are still fingerprinted, but not decoded. */
const MAX_JWT_LENGTH = 32 * 1024
const MAX_CLAIM_LENGTH = 200

export function looksLikeJwt (token: string): boolean {
  return token.length <= MAX_JWT_LENGTH && JWT_SHAPE.test(token)
}

function decodePart (part: string): Record<string, unknown> | null {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'))
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? parsed as Record<string, unknown>
      : null
  } catch {
    return null
  }
}

/**
 * Claim texts and audience lists seen lately, each kept as one string or one frozen array:
 * issuers, audiences, algorithms and key ids repeat across users' tokens, and a fingerprint
 * outlives its request (store, cache), so every copy of them would be promoted and swept.
 * Never a secret: `sub` is hashed before it is kept, the signature never read.
 */
const SHARED_TEXTS = new Map<string, string>()
const SHARED_AUDIENCES = new Map<string, string[]>()
const MAX_SHARED = 1024

function shared<T> (map: Map<string, T>, key: string, value: T): T {
  const known = map.get(key)
  if (known !== undefined) return known
  if (map.size >= MAX_SHARED) map.clear()
  map.set(key, value)
  return value
}

/** A claim cut to MAX_CLAIM_LENGTH, copied out of a longer one (a slice would keep it all). */
function claim (value: string): string {
  const kept = value.length > MAX_CLAIM_LENGTH ? detached(value.slice(0, MAX_CLAIM_LENGTH)) : value
  return shared(SHARED_TEXTS, kept, kept)
}

function text (value: unknown): string | null {
  return typeof value === 'string' ? claim(value) : null
}

function seconds (value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null
}

function audience (value: unknown): string[] {
  const list = typeof value === 'string' ? [claim(value)] : Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string').slice(0, 8).map(claim) : []
  // Keyed by the texts length-prefixed (`3:api`), so no two lists share a key.
  let key = ''
  for (const text of list) key += `${text.length}:${text}`
  return shared(SHARED_AUDIENCES, key, Object.freeze(list) as string[])
}

/**
 * Decode a compact JWS. Returns null when the token is not a JWT.
 * `hash` turns `sub` into a keyed hash so it can be compared but not read.
 */
export function decodeJwt (token: string, hash: (value: string) => string): JwtSummary | null {
  if (!looksLikeJwt(token)) return null
  const [head, body] = token.split('.')
  if (head === undefined || body === undefined) return null
  const header = decodePart(head)
  const claims = decodePart(body)
  if (header === null || claims === null) return null
  const sub = typeof claims.sub === 'string' ? claims.sub : null
  return {
    alg: text(header.alg),
    kid: text(header.kid),
    typ: text(header.typ),
    iss: text(claims.iss),
    aud: audience(claims.aud),
    subHash: sub === null ? null : hash(sub),
    exp: seconds(claims.exp),
    nbf: seconds(claims.nbf),
    iat: seconds(claims.iat)
  }
}
