// Synthetic JWTs for the battery: a real JWT layout (header.payload.signature) whose signature
// segment is the canary token, optionally padded with a filler claim up to a byte length.
const b64url = (text: string): string => Buffer.from(text, 'utf8').toString('base64url')

const JWT_HEADER = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT', kid: 'hopwatch-canary' }))

function build (token: string, ts: number, pad: number): string {
  const iat = Math.floor(ts / 1000)
  // The token comes first in the payload too, so a JWT cut short still carries it.
  const claims: Record<string, string | number> = { hwc: token, iss: 'hopwatch-probe', sub: 'canary', aud: 'hopwatch', iat, exp: iat + 300 }
  if (pad > 0) claims.pad = 'x'.repeat(pad)
  return `Bearer ${JWT_HEADER}.${b64url(JSON.stringify(claims))}.${token}`
}

/**
 * `Bearer <jwt>` as long as possible without exceeding `totalBytes` (base64url lengths move in
 * steps, so it lands within 1 byte); 0 keeps the natural size. The token is the signature.
 */
export function bearerJwt (token: string, ts: number, totalBytes: number): string {
  if (totalBytes <= build(token, ts, 0).length) return build(token, ts, 0)
  let low = 1
  let high = totalBytes
  // Largest pad whose value still fits: about 14 steps for 10 KB.
  for (let guard = 0; guard < 40 && low < high; guard++) {
    const mid = Math.ceil((low + high) / 2)
    if (build(token, ts, mid).length <= totalBytes) low = mid
    else high = mid - 1
  }
  return build(token, ts, low)
}
