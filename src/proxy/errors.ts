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
const TIMEOUT_CODES = new Set([POOL_WAIT_TIMEOUT, 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT', 'FST_REPLY_FROM_GATEWAY_TIMEOUT'])

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
