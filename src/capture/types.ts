// The Exchange types: what hopwatch keeps of one request/response pair seen at a tap.
// Nothing in here may ever hold a credential value: only names, shapes and keyed hashes.

/** Non-secret JWT header fields and claims. `sub` is hashed, the signature is never kept. */
export interface JwtSummary {
  alg: string | null
  kid: string | null
  typ: string | null
  iss: string | null
  aud: string[]
  subHash: string | null
  exp: number | null
  nbf: number | null
  iat: number | null
}

export interface CookieFingerprint {
  /** The cookie name when it reads like words, `(other)` when not, `(none)` for a nameless cookie. */
  name: string
  hash: string
  length: number
}

/** What is kept of one credential header line instead of its value. */
export interface Fingerprint {
  /**
   * Authorization scheme as sent (`Bearer`, `basic`...) when it is a known one, `(other)` for
   * any other word in the scheme position, null when the header has none.
   */
  scheme: string | null
  /** Length of the scheme word when it is recorded as `(other)`. */
  schemeLength?: number
  /** Length in bytes of the whole header value. */
  length: number
  /** Keyed hash prefix (HMAC-SHA256, hex) of the whole value: equal values compare equal. */
  hash: string
  /** Problems visible in the shape of the value (never the value itself). */
  shape: ValueShape
  jwt?: JwtSummary
  /** Basic: username hashed; `valid` false when not base64 or no colon. Password never kept. */
  basic?: { userHash: string | null; valid: boolean }
  cookies?: CookieFingerprint[]
}

export interface ValueShape {
  doubleSpace: boolean
  leadingOrTrailingSpace: boolean
  quoted: boolean
  controlChars: boolean
  emptyToken: boolean
  /** Two credentials in one line (`Bearer a, Bearer b`): a proxy joined duplicate lines (Apache httpd does). */
  joined: boolean
}

/** One credential header as seen at a stage, all its lines together. */
export interface SeenHeader {
  /** Lower-case name: the key for grouping. */
  key: string
  /** Name exactly as it arrived (raw casing) or as it was sent. */
  name: string
  /** Number of header lines with this name. */
  lines: number
  /** False when the name has characters proxies drop by default (underscore, dot, ...). */
  validName: boolean
  values: Fingerprint[]
}

export interface Challenge {
  scheme: string
  realm: string | null
  /** Parameter names only (error, scope, ...); `error` value is kept as it is not secret. */
  params: string[]
  error: string | null
}

export interface SetCookieSummary {
  name: string
  attributes: string[]
}

export interface ResponseSummary {
  status: number
  /** `upstream` when the app answered, `hopwatch` when hopwatch answered itself (502/504...). */
  source: 'upstream' | 'hopwatch'
  wwwAuthenticate: Challenge[]
  proxyAuthenticate: Challenge[]
  setCookies: SetCookieSummary[]
  location: string | null
  date: string | null
  retryAfter: string | null
  /** gRPC status code from the trailers (or a trailers-only head); absent when the answer had none. */
  grpcStatus?: number
  /** grpc-message, percent-decoded, when every piece reads like words; else `(not shown)`. */
  grpcMessage?: string
}

/** How the request reached the tap: HTTP/1.x, HTTP/2 over TLS (ALPN h2), cleartext HTTP/2 (h2c). */
export type WireProtocol = 'http/1.1' | 'h2' | 'h2c'

export interface Exchange {
  id: string
  /** Wall-clock start, ms since epoch. */
  startedAt: number
  /** Monotonic duration from arrival to the end of the response, ms. */
  durationMs: number
  method: string
  /** Path as requested, without the query string. */
  path: string
  /** Query parameter names in order, values never kept. */
  queryKeys: string[]
  /** Path with ids and uuids folded (`/users/:id`). */
  route: string
  httpVersion: string
  /** The protocol it arrived in; `h2` is always over TLS, `h2c` never. */
  protocol: WireProtocol
  /** It arrived over TLS (--tls-cert). */
  tls: boolean
  websocket: boolean
  /** Every request header name as it arrived, raw casing, in order (names only). */
  headerNames: string[]
  /** Values of non-secret headers that reveal the layers in front (Via, CF-Ray, X-Forwarded-*...). */
  context: Record<string, string[]>
  /** Credential headers that arrived at this tap. */
  arrived: SeenHeader[]
  /** Credential headers that left for the upstream; null when nothing was sent upstream. */
  forwarded: SeenHeader[] | null
  /** Lower-case names of credential headers that arrived but did not leave. */
  droppedHere: string[]
  /** Why a header was dropped here, by lower-case name. */
  dropReasons: Record<string, string>
  /** What the upstream answered (or hopwatch, on 502/504). */
  response: ResponseSummary
  /** What went back to the client, when it differs from `response` (status and header names). */
  clientStatus: number
  /** Upstream failure, when there was one: a stable code and a plain sentence (no values). */
  error: { code: string; message: string } | null
  /** True when the client went away before the response was complete. */
  aborted: boolean
  /** Correlation id between the edge and origin taps (only when an edge listener runs). */
  pairId?: string | null
  /** What it shares with the other exchanges of its shape (src/capture/shape.ts); never serialised. */
  shape?: ExchangeShape
}

/**
 * What an exchange shares with every exchange of its shape (src/audit/shape-memo.ts says what a
 * shape is made of): its key, its parts (those of its first exchange, frozen) and what store,
 * metrics, log line and rules derive from those parts, one value per memo slot.
 */
export interface ExchangeShape {
  /** Null for an exchange built on its own (a websocket, an upstream failure, Set-Cookie): it remembers nothing. */
  readonly key: string | null
  /** The first exchange of the shape: every exchange of it shares its parts but its own (see ofShape). */
  readonly parts: Exchange
  /** `compute(arg)`, once per shape: what it gives must depend on the shape's parts only. */
  remembered: <A, T>(slot: ShapeSlot<T>, arg: A, compute: (arg: A) => T) => T
}

/** A memo slot of every shape (made by shapeSlot()): the slot object is the key, `T` what it holds. */
export interface ShapeSlot<T> {
  readonly name: string
  /** Never set: it carries the type of the value. */
  readonly value?: T
}

/** Response headers or trailers as Node gives them. */
export type HeaderBag = Record<string, string | string[] | number | undefined>
