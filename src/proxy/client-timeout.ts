// --client-timeout: how long a client may take to send a whole request, headers and body.
//
// Node's HTTP server enforces headersTimeout and requestTimeout, but only when it checks its
// connections, every connectionsCheckingInterval (30 s by default), so a 10 s timeout could let a
// client hold a connection for 40 s. Checking every quarter of the timeout, at most every second,
// ends a request within a second of its timeout: 408 when nothing was answered yet, the
// connection cut either way, and with it the upstream request the body was streaming into.
import type { ServerOptions } from 'node:http'
import type { Socket } from 'node:net'

/** How often Node checks for requests past their time: a quarter of the timeout, from 50 ms to 1 s. */
export function checkingIntervalMs (timeoutMs: number): number {
  return Math.min(1000, Math.max(50, Math.floor(timeoutMs / 4)))
}

/** Options for http.createServer (fastify's `http`); `0` keeps Node's own limits and check interval. */
export function clientTimeoutOptions (timeoutMs: number): Pick<ServerOptions, 'headersTimeout' | 'requestTimeout' | 'connectionsCheckingInterval'> {
  if (timeoutMs === 0) return { requestTimeout: 0 }
  return { headersTimeout: timeoutMs, requestTimeout: timeoutMs, connectionsCheckingInterval: checkingIntervalMs(timeoutMs) }
}

const ANSWERS: Record<string, readonly [number, string, string]> = {
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout', 'Client Timeout'],
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large', 'Exceeded maximum allowed HTTP header size']
}

/**
 * fastify's clientErrorHandler, as its default (same answers and bodies) but for one case: when
 * a response is already under way (the upstream answered while the client was still sending),
 * the connection is closed without writing a 408 into the middle of that response.
 */
export function answerClientError (err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return
  const response = (socket as { _httpMessage?: { headersSent?: boolean } | null })._httpMessage
  if (socket.writable && response?.headersSent !== true) {
    const [status, text, message] = ANSWERS[err.code ?? ''] ?? [400, 'Bad Request', 'Client Error']
    const body = `{"error":"${text}","message":"${message}","statusCode":${status}}`
    socket.write(`HTTP/1.1 ${status} ${text}\r\nContent-Length: ${body.length}\r\nContent-Type: application/json\r\n\r\n${body}`)
  }
  socket.destroy(err)
}
