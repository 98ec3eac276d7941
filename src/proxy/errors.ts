// How hopwatch answers when the upstream fails: 502 or 504 with a short JSON body that says
// the answer came from hopwatch. Messages carry error codes, never request data.
import { tlsReason } from './upstream-tls.js'

export interface UpstreamFailure {
  status: 502 | 504
  code: string
  message: string
  body: { error: string; message: string; source: 'hopwatch' }
}

/** A request that waited longer than the upstream timeout for a free pool connection (upstream-pool.ts). */
export const POOL_WAIT_TIMEOUT = 'HOPWATCH_POOL_WAIT_TIMEOUT'
/** An HTTP/2 upstream stream silent for longer than the upstream timeout (h2-session.ts). */
export const H2_TIMEOUT = 'HOPWATCH_UPSTREAM_TIMEOUT'
const TIMEOUT_CODES = new Set([POOL_WAIT_TIMEOUT, H2_TIMEOUT, 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT', 'FST_REPLY_FROM_GATEWAY_TIMEOUT'])

function codeOf (error: unknown): string {
  let current: unknown = error
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code
    if (typeof code === 'string' && !code.startsWith('FST_REPLY_FROM')) return code
    current = (current as { cause?: unknown }).cause
  }
  const top = (error as { code?: unknown } | null)?.code
  return typeof top === 'string' ? top : 'UPSTREAM_ERROR'
}

export function upstreamFailure (error: unknown, timeoutMs: number): UpstreamFailure {
  const code = codeOf(error)
  const status = (error as { statusCode?: unknown } | null)?.statusCode
  if (code === POOL_WAIT_TIMEOUT) {
    const message = `hopwatch: no connection to the upstream was free within ${timeoutMs} ms (all --upstream-connections busy) (${code}).`
    return { status: 504, code, message, body: { error: 'upstream_timeout', message, source: 'hopwatch' } }
  }
  if (status === 504 || TIMEOUT_CODES.has(code)) {
    const message = `hopwatch: the upstream did not answer within ${timeoutMs} ms (${code}).`
    return { status: 504, code, message, body: { error: 'upstream_timeout', message, source: 'hopwatch' } }
  }
  const tls = tlsReason(code)
  if (tls !== null) {
    const message = `hopwatch refused the upstream's TLS certificate: ${tls} (${code}). Fix the certificate, trust its CA with --upstream-ca, or skip verification with --upstream-insecure.`
    return { status: 502, code, message, body: { error: 'upstream_tls', message, source: 'hopwatch' } }
  }
  const message = `hopwatch could not get a response from the upstream (${code}).`
  return { status: 502, code, message, body: { error: 'upstream_unreachable', message, source: 'hopwatch' } }
}

/** A request hopwatch answers itself instead of forwarding: the status and a short JSON body. */
export interface Refusal {
  status: 400 | 405
  body: { error: string; message: string; source: 'hopwatch' }
}

const refusal = (status: Refusal['status'], error: string, message: string): Refusal => ({ status, body: { error, message, source: 'hopwatch' } })

export const REFUSALS = {
  not_origin_form: refusal(400, 'bad_request_target', 'hopwatch forwards request targets that start with /.'),
  dot_dot_segment: refusal(400, 'bad_request_target', 'hopwatch does not forward a request target with a .. segment (literal or percent-encoded).'),
  duplicate_host: refusal(400, 'bad_request', 'hopwatch does not forward a request with more than one Host line (RFC 9112 3.2).'),
  connect: refusal(405, 'method_not_allowed', 'hopwatch is a reverse proxy: CONNECT (tunnels) is not served.')
} satisfies Record<string, Refusal>

/** The whole answer to a CONNECT, written on the raw socket (Node hands CONNECT over as a socket). */
export function connectRefusal (allow: string): string {
  const { status, body } = REFUSALS.connect
  const text = JSON.stringify(body)
  return `HTTP/1.1 ${status} Method Not Allowed\r\nAllow: ${allow}\r\nContent-Type: application/json; charset=utf-8\r\n` +
    `Content-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`
}
