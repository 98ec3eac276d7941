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

/** A claim cut to MAX_CLAIM_LENGTH, copied out of a longer one (a slice would keep it all). */
function claim (value: string): string {
  return value.length > MAX_CLAIM_LENGTH ? detached(value.slice(0, MAX_CLAIM_LENGTH)) : value
}

function text (value: unknown): string | null {
  return typeof value === 'string' ? claim(value) : null
}

function seconds (value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null
}

function audience (value: unknown): string[] {
  if (typeof value === 'string') return [claim(value)]
  if (Array.isArray(value)) {
    return value.filter((v): v is string => typeof v === 'string').slice(0, 8).map(claim)
  }
  return []
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
