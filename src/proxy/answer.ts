// The upstream's answer on its way back to the client: hop-by-hop headers left out, the body
// piped, each side's end ending the other.
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { OutgoingHttpHeaders } from 'node:http'
import type { Readable } from 'node:stream'

const HOP_BY_HOP: ReadonlySet<string> = new Set(['connection', 'keep-alive', 'proxy-connection'])
const PLAIN_CONNECTION: ReadonlySet<string> = new Set(['keep-alive', 'close'])
const NONE: ReadonlySet<string> = new Set()

/**
 * The upstream's response headers as they go to the client, in one filtered copy (rather than
 * `delete`, which would slow every later read of the object), or the object itself when nothing
 * is to change:
 * - hop-by-hop headers describe hopwatch's connection to the upstream, not the client's: left
 *   out (RFC 9110 7.6.1), with any header the upstream's Connection names;
 * - `bodiless` (1xx, 204): no Content-Type or Content-Length (RFC 9110 8.6), as fastify does;
 * - `connection`, when given, replaces the upstream's.
 * (@fastify/http-proxy also strips characters Node refuses from header values; undici already
 * refuses such a response, answered 502, so none can reach this point.)
 */
export function clientHeaders (headers: Record<string, unknown>, bodiless = false, connection?: unknown): Record<string, unknown> {
  const upstreamConnection = headers.connection
  const hopByHop = upstreamConnection !== undefined || headers['keep-alive'] !== undefined || headers['proxy-connection'] !== undefined
  const bodyHeaders = bodiless && (headers['content-length'] !== undefined || headers['content-type'] !== undefined)
  if (!hopByHop && !bodyHeaders && connection === undefined) return headers
  let drop = hopByHop ? HOP_BY_HOP : NONE
  // `Connection: keep-alive` (every Node upstream) or `close` names no other header.
  if ((typeof upstreamConnection === 'string' && !PLAIN_CONNECTION.has(upstreamConnection.toLowerCase())) || bodyHeaders) {
    const named = new Set(drop)
    if (typeof upstreamConnection === 'string') for (const token of upstreamConnection.split(',')) named.add(token.trim().toLowerCase())
    if (bodyHeaders) { named.add('content-length'); named.add('content-type') }
    drop = named
  }
  const out: Record<string, unknown> = {}
  for (const key in headers) if (!drop.has(key)) out[key] = headers[key]
  if (connection !== undefined) out.connection = connection
  return out
}

const noop = (): void => {}

export interface UpstreamAnswer { statusCode: number; headers: Record<string, unknown>; stream: Readable }

/**
 * Sends the upstream's answer straight to the client: status, headers less the hop-by-hop ones,
 * the body piped. fastify's send path (header by header into the reply, onSend hooks, then
 * header by header again into Node's response) cost about 3 µs per request and adds nothing
 * here. Either side going away ends the other: a client gone stops the upstream body, an
 * upstream cut mid-body cuts the client's response.
 */
export function answerFromUpstream (request: FastifyRequest, reply: FastifyReply, res: UpstreamAnswer): void {
  try {
    sendAnswer(reply, res)
  } catch {
    // Fail open: if anything above threw before the head went out, fastify sends it instead.
    if (!reply.raw.headersSent && !reply.sent) reply.code(res.statusCode).headers(clientHeaders(res.headers) as Record<string, string>).send(res.stream)
    else { res.stream.destroy(); request.raw.destroy() }
  }
}

function sendAnswer (reply: FastifyReply, res: UpstreamAnswer): void {
  const raw = reply.raw
  const body = res.stream
  const status = res.statusCode
  const bodiless = status < 200 || status === 204
  // relay() (forward.ts) asks to close the client connection when the upstream answered before the
  // request body was read.
  const headers = clientHeaders(res.headers, bodiless, reply.getHeader('connection'))
  reply.hijack()
  try {
    raw.writeHead(status, headers as OutgoingHttpHeaders)
  } catch {
    body.destroy()
    raw.destroy()
    return
  }
  if (bodiless) {
    raw.end()
    body.on('error', noop)
    body.resume()
    return
  }
  body.on('error', () => { raw.destroy() })
  raw.on('close', () => { if (!body.readableEnded) body.destroy() })
  body.pipe(raw)
}
