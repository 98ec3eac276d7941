// Small builders for Exchanges in diagnosis tests. Fingerprints only: no test here ever holds a
// credential value, so nothing secret can be printed.
import type { Challenge, Exchange, Fingerprint, JwtSummary, ResponseSummary, SeenHeader } from '../../src/capture/types.js'

/** 2026-01-01T12:00:00Z, the clock every rule test runs at. */
export const NOW = Date.UTC(2026, 0, 1, 12, 0, 0)
export const NOW_S = NOW / 1000
export const HOUR = 3600

export const ISSUER = 'https://id.example.com/'
export const AUDIENCE = 'api://orders'

let counter = 0

export function shape (over: Partial<Fingerprint['shape']> = {}): Fingerprint['shape'] {
  return { doubleSpace: false, leadingOrTrailingSpace: false, quoted: false, controlChars: false, emptyToken: false, joined: false, ...over }
}

export function jwt (over: Partial<JwtSummary> = {}): JwtSummary {
  return {
    alg: 'RS256', kid: 'k1', typ: 'JWT', iss: ISSUER, aud: [AUDIENCE], subHash: 'sub0000',
    exp: NOW_S + HOUR, nbf: null, iat: NOW_S - 60, ...over
  }
}

/** A well-formed `Bearer <jwt>` fingerprint, valid for another hour. */
export function bearer (over: { jwt?: Partial<JwtSummary> | null, hash?: string, shape?: Partial<Fingerprint['shape']>, scheme?: string | null } = {}): Fingerprint {
  const fp: Fingerprint = { scheme: over.scheme === undefined ? 'Bearer' : over.scheme, length: 812, hash: over.hash ?? 'a1b2c3d4e5f60718', shape: shape(over.shape) }
  if (over.jwt !== null) fp.jwt = jwt(over.jwt ?? {})
  return fp
}

export function basic (valid = true): Fingerprint {
  return { scheme: 'Basic', length: 30, hash: 'b1b2b3b4b5b6b7b8', shape: shape(), basic: { userHash: valid ? 'u1' : null, valid } }
}

export function opaque (hash = 'c1c2c3c4c5c6c7c8'): Fingerprint {
  return { scheme: null, length: 40, hash, shape: shape() }
}

export function cookie (): Fingerprint {
  return { scheme: null, length: 20, hash: 'd1d2d3d4d5d6d7d8', shape: shape(), cookies: [{ name: 'sid', hash: 'e1e2', length: 16 }] }
}

export function seen (name: string, values: Fingerprint[] = [bearer()], validName = true): SeenHeader {
  return { key: name.toLowerCase(), name, lines: values.length, validName, values }
}

export function challenge (scheme = 'Bearer', error: string | null = null): Challenge {
  return { scheme, realm: 'api', params: error === null ? ['realm'] : ['realm', 'error'], error }
}

export function response (over: Partial<ResponseSummary> = {}): ResponseSummary {
  return {
    status: 200, source: 'upstream', wwwAuthenticate: [], proxyAuthenticate: [], setCookies: [], location: null,
    date: new Date(NOW).toUTCString(), retryAfter: null, ...over
  }
}

export type ExchangeOverrides = Partial<Omit<Exchange, 'response'>> & { response?: Partial<ResponseSummary>, headers?: Record<string, string> }

/**
 * An exchange at NOW through no proxy, with a valid bearer JWT, answered 200.
 * `headers` adds request header names with their (non-secret) context values.
 */
export function exchange (over: ExchangeOverrides = {}): Exchange {
  counter++
  const { response: res, headers, ...rest } = over
  const arrived = rest.arrived ?? [seen('Authorization')]
  const headerNames = rest.headerNames ?? ['Host', 'User-Agent', ...arrived.map((h) => h.name)]
  const context: Record<string, string[]> = rest.context ?? { host: ['api.example.com'] }
  for (const [name, value] of Object.entries(headers ?? {})) {
    headerNames.push(name)
    context[name.toLowerCase()] = [value]
  }
  return {
    id: `ex-${counter}`,
    startedAt: NOW - 5,
    durationMs: 4,
    method: 'GET',
    path: '/orders/42',
    queryKeys: [],
    route: '/orders/:id',
    httpVersion: '1.1',
    websocket: false,
    arrived,
    forwarded: arrived,
    droppedHere: [],
    dropReasons: {},
    clientStatus: res?.status ?? 200,
    error: null,
    aborted: false,
    ...rest,
    protocol: rest.protocol ?? 'http/1.1',
    tls: rest.tls ?? false,
    headerNames,
    context,
    response: response(res)
  }
}

/** A 401 with a Bearer challenge and no credential at all. */
export function unauthorized (over: ExchangeOverrides = {}): Exchange {
  return exchange({ arrived: [], ...over, response: { status: 401, wwwAuthenticate: [challenge()], ...over.response } })
}
