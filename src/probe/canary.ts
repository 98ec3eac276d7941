// The canary battery: which synthetic credentials are sent, in which request, and whether each
// one is required (decides the exit code) or a limit (tells what the chain tolerates).
// Shapes that would mask each other (duplicates, oversize, Connection) get their own request.
import { MARKER_HEADER, MARKER_SLOT, makeToken, newNonce } from './token.js'
import { bearerJwt } from './jwt.js'

export type ShapeKind = 'required' | 'limit'

export interface CanaryLine {
  name: string
  value: string
}

/** One shape as planned: no values yet (they need a timestamp and a nonce). */
export interface ShapePlan {
  /** Stable id, also the token slot prefix: `bearer`, `jwt-6k`, `custom-1`... */
  id: string
  /** Header name as sent. */
  header: string
  /** Human label of the shape: `Bearer JWT 6 KB`. */
  label: string
  kind: ShapeKind
  /** Builds the header lines of this shape from a token factory (slot suffix -> token). */
  lines: (token: (suffix: string) => string, ts: number) => CanaryLine[]
  /** Extra non-credential lines the shape needs (Connection nomination). */
  extra?: CanaryLine[]
}

export interface RequestPlan {
  id: string
  shapes: ShapePlan[]
  /** True when the request needs a header undici refuses to send (a Connection list). */
  needsRawClient: boolean
}

export interface CanaryShape {
  plan: ShapePlan
  /** The lines as sent. Never printed; only compared through keyed hashes. */
  sent: CanaryLine[]
  /** Token slots carried by this shape, to recognise its lines under another name. */
  slots: string[]
}

export interface CanaryRequest {
  plan: RequestPlan
  nonce: string
  ts: number
  shapes: CanaryShape[]
  /** Every line to send, in order: marker first, then the shapes, then extra lines. */
  headers: CanaryLine[]
}

export const JWT_6K_BYTES = 6 * 1024
export const JWT_10K_BYTES = 10 * 1024

const single = (header: string, build: (tok: string) => string) =>
  (token: (suffix: string) => string): CanaryLine[] => [{ name: header, value: build(token('')) }]

const basic = (tok: string): string => `Basic ${Buffer.from(`${tok}:canary-password`).toString('base64')}`

const shape = (id: string, header: string, label: string, kind: ShapeKind, lines: ShapePlan['lines'], extra?: CanaryLine[]): ShapePlan =>
  extra === undefined ? { id, header, label, kind, lines } : { id, header, label, kind, lines, extra }

/** The full battery, `extraHeaders` being the `--header` names (all required). */
export function planBattery (extraHeaders: readonly string[] = []): RequestPlan[] {
  const custom = extraHeaders.map((name, i) =>
    shape(`custom-${i + 1}`, name, 'opaque token', 'required', single(name, (t) => t)))
  const req = (id: string, shapes: ShapePlan[], needsRawClient = false): RequestPlan => ({ id, shapes, needsRawClient })
  return [
    req('main', [
      shape('bearer', 'Authorization', 'Bearer opaque', 'required', single('Authorization', (t) => `Bearer ${t}`)),
      shape('cookie', 'Cookie', 'three cookies', 'required', (token) => [{
        name: 'Cookie',
        value: `hw_session=${token('1')}; hw_pref=${token('2')}; hw_csrf=${token('3')}`
      }]),
      shape('api-key', 'X-Api-Key', 'opaque token', 'required', single('X-Api-Key', (t) => t)),
      ...custom
    ]),
    req('jwt', [shape('jwt', 'Authorization', 'Bearer JWT', 'required',
      (token, ts) => [{ name: 'Authorization', value: bearerJwt(token(''), ts, 0) }])]),
    req('jwt-6k', [shape('jwt-6k', 'Authorization', 'Bearer JWT 6 KB', 'required',
      (token, ts) => [{ name: 'Authorization', value: bearerJwt(token(''), ts, JWT_6K_BYTES) }])]),
    req('basic', [shape('basic', 'Authorization', 'Basic', 'required', single('Authorization', basic))]),
    req('digest', [shape('digest', 'Authorization', 'Digest-like', 'limit', single('Authorization',
      (t) => `Digest username="${t}", realm="hopwatch", nonce="canary", uri="/", response="00000000000000000000000000000000"`))]),
    req('lowercase', [shape('lowercase', 'Authorization', 'bearer (lower-case scheme)', 'limit',
      single('Authorization', (t) => `bearer ${t}`))]),
    req('proxy-auth', [shape('proxy-auth', 'Proxy-Authorization', 'Basic', 'limit', single('Proxy-Authorization', basic))]),
    req('underscore', [
      shape('x-api-key-underscore', 'X_Api_Key', 'underscore name', 'limit', single('X_Api_Key', (t) => t)),
      shape('access-token', 'access_token', 'underscore name', 'limit', single('access_token', (t) => t))
    ]),
    req('jwt-10k', [shape('jwt-10k', 'Authorization', 'Bearer JWT 10 KB', 'limit',
      (token, ts) => [{ name: 'Authorization', value: bearerJwt(token(''), ts, JWT_10K_BYTES) }])]),
    req('duplicate', [shape('duplicate', 'Authorization', 'two Authorization lines', 'limit', (token) => [
      { name: 'Authorization', value: `Bearer ${token('1')}` },
      { name: 'Authorization', value: `Bearer ${token('2')}` }
    ])]),
    req('connection', [shape('connection', 'Authorization', 'nominated in Connection', 'limit',
      single('Authorization', (t) => `Bearer ${t}`), [{ name: 'Connection', value: 'keep-alive, Authorization' }])], true)
  ]
}

/** Gives a planned request its values: a fresh nonce, the time, a signed token per slot. */
export function materialise (plan: RequestPlan, secret: string, now: number, nonce: string = newNonce()): CanaryRequest {
  const headers: CanaryLine[] = [{ name: MARKER_HEADER, value: makeToken(secret, { ts: now, nonce, slot: MARKER_SLOT }) }]
  const extra: CanaryLine[] = []
  const shapes: CanaryShape[] = plan.shapes.map((p) => {
    const slots: string[] = []
    const token = (suffix: string): string => {
      const slot = suffix === '' ? p.id : `${p.id}-${suffix}`
      slots.push(slot)
      return makeToken(secret, { ts: now, nonce, slot })
    }
    const sent = p.lines(token, now)
    headers.push(...sent)
    extra.push(...(p.extra ?? []))
    return { plan: p, sent, slots }
  })
  headers.push(...extra)
  return { plan, nonce, ts: now, shapes, headers }
}
