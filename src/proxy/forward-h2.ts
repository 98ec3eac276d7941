// Requests to an HTTP/2 upstream (--upstream-protocol h2|h2c), with node:http2 directly rather
// than undici or @fastify/reply-from, so that gRPC works through hopwatch: both bodies stream
// (a gRPC call can stay open for hours), `te: trailers` goes upstream, and the upstream's
// trailers (`grpc-status`, `grpc-message`) come back to the client intact.
//
// Back to the client:
// - an HTTP/2 client gets the trailers as trailers; a trailers-only answer (the status in the
//   response head, END_STREAM on it, as gRPC sends errors) stays one HEADERS frame;
// - an HTTP/1.1 client gets the trailers as chunked trailer fields when the response is chunked
//   (it has no Content-Length, as gRPC responses never do); an HTTP/1.1 client that does not
//   read trailers never sees them, and with a Content-Length they are left out (RFC 9112 7.1.2
//   has nowhere to put them). A trailers-only answer is a plain response head either way.
import type { FastifyReply, FastifyRequest } from 'fastify'
import { constants, type ClientHttp2Stream, type IncomingHttpHeaders, type OutgoingHttpHeaders, type ServerHttp2Stream } from 'node:http2'
import type { OutgoingHttpHeaders as Http1Headers } from 'node:http'
import { answerFromUpstream, clientHeaders } from './answer.js'
import type { RelayHooks, UpstreamLines } from './forward.js'
import { H2_TIMEOUT } from './errors.js'
import { cancel, h2Error, type H2Sessions } from './h2-session.js'

/** Connection-specific in HTTP/2 (RFC 9113 8.2.2) and not already left out by upstreamLines(). */
const H2_CONNECTION_SPECIFIC: ReadonlySet<string> = new Set(['http2-settings'])

/** The request head for an HTTP/2 upstream, from the client's lines as they would go to HTTP/1.1. */
export function h2RequestHeaders (method: string, path: string, scheme: 'http' | 'https', lines: string[], fallbackAuthority: string): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = { ':method': method, ':scheme': scheme, ':path': path }
  let authority: string | null = null
  for (let i = 0; i < lines.length; i += 2) {
    const name = (lines[i] as string).toLowerCase()
    const value = lines[i + 1] as string
    // The client's own pseudo-headers (an HTTP/2 client): :authority is kept, the rest are set above.
    if (name.charCodeAt(0) === 58) {
      if (name === ':authority') authority = value
      continue
    }
    // Host becomes :authority (RFC 9113 8.3.1); an HTTP/2 client's :authority wins.
    if (name === 'host') { authority ??= value; continue }
    if (H2_CONNECTION_SPECIFIC.has(name)) continue
    const seen = headers[name]
    if (seen === undefined) headers[name] = value
    else if (Array.isArray(seen)) seen.push(value)
    else headers[name] = [String(seen), value]
  }
  headers[':authority'] = authority ?? fallbackAuthority
  return headers
}

/** Response headers or trailers without the pseudo-headers (:status). */
export function withoutPseudo (headers: IncomingHttpHeaders): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const key in headers) if (key.charCodeAt(0) !== 58) out[key] = headers[key]
  return out
}

export interface H2Hooks extends RelayHooks {
  onTrailers: (request: FastifyRequest, trailers: Record<string, unknown>) => void
}

export interface H2Target {
  sessions: H2Sessions
  scheme: 'http' | 'https'
  /** :authority when the client sent neither Host nor :authority. */
  authority: string
  timeoutMs: number
}

/** The inbound stream of an HTTP/2 client (fastify's http2 compat response), or null for HTTP/1.1. */
function inboundStream (reply: FastifyReply): ServerHttp2Stream | null {
  const stream = (reply.raw as unknown as { stream?: unknown }).stream
  return typeof stream === 'object' && stream !== null && typeof (stream as ServerHttp2Stream).respond === 'function' ? stream as ServerHttp2Stream : null
}

/** An HTTP/2 client's request without a body ended with its HEADERS frame. */
function requestHasBody (request: FastifyRequest, out: UpstreamLines): boolean {
  if (out.body) return true
  const stream = (request.raw as unknown as { stream?: { endAfterHeaders?: unknown } }).stream
  return stream !== undefined && stream.endAfterHeaders === false && !request.raw.readableEnded
}

/** Send the request upstream over HTTP/2; the answer goes back through answerFromUpstream(). */
export function relayH2 (request: FastifyRequest, reply: FastifyReply, target: H2Target, path: string, out: UpstreamLines, hooks: H2Hooks): void {
  const raw = request.raw
  const body = requestHasBody(request, out)
  const headers = h2RequestHeaders(raw.method ?? 'GET', path, target.scheme, out.lines, target.authority)
  target.sessions.request(headers, !body, (err, stream) => {
    if (err !== null || stream === null) {
      if (!reply.sent && !reply.raw.headersSent) hooks.onError(request, reply, err ?? h2Error('no upstream stream', 'HOPWATCH_H2_REFUSED'))
      return
    }
    if (reply.raw.destroyed) { cancel(stream); return }
    exchange(request, reply, stream, body, target.timeoutMs, hooks)
  })
}

function exchange (request: FastifyRequest, reply: FastifyReply, stream: ClientHttp2Stream, body: boolean, timeoutMs: number, hooks: H2Hooks): void {
  const raw = request.raw
  let answered = false
  const fail = (error: Error): void => {
    if (answered) { reply.raw.destroy(); return }
    answered = true
    if (!reply.sent && !reply.raw.headersSent) hooks.onError(request, reply, error)
  }
  // Silent longer than the upstream timeout (no head yet, or no next frame either way): cut,
  // unless the client is the one not reading.
  stream.setTimeout(timeoutMs, () => {
    if (answered && (stream.isPaused() || reply.raw.writableNeedDrain)) return
    fail(h2Error(`the upstream sent nothing for ${timeoutMs} ms`, H2_TIMEOUT))
    cancel(stream)
  })
  // A session that failed (refused, TLS) cancels its pending streams with the session's error as cause.
  stream.on('error', (error: Error & { code?: unknown; cause?: unknown }) => {
    fail(error.code === 'ERR_HTTP2_STREAM_CANCEL' && error.cause instanceof Error ? error.cause : error)
  })
  // The client went away (or its HTTP/2 stream was reset): the upstream stream is cancelled.
  reply.raw.once('close', () => { if (!stream.readableEnded || !stream.writableEnded) cancel(stream) })
  if (body) {
    raw.on('error', () => { cancel(stream) })
    raw.pipe(stream)
  }
  stream.on('response', (head, flags) => {
    if (answered) return
    answered = true
    const status = Number(head[':status'])
    const upstreamHeaders = withoutPseudo(head)
    hooks.onHeaders(request, upstreamHeaders)
    stream.on('trailers', (trailers) => { onTrailers(request, reply, trailers, hooks) })
    // A trailers-only answer to an HTTP/2 client: one HEADERS frame with END_STREAM, as it came.
    const inbound = inboundStream(reply)
    if ((flags & constants.NGHTTP2_FLAG_END_STREAM) !== 0 && inbound !== null) {
      trailersOnly(reply, inbound, status, upstreamHeaders)
      // Nothing follows END_STREAM; read it to its end so the stream closes.
      stream.resume()
      return
    }
    answerFromUpstream(request, reply, { statusCode: status, headers: upstreamHeaders, stream })
  })
}

function onTrailers (request: FastifyRequest, reply: FastifyReply, trailers: IncomingHttpHeaders, hooks: H2Hooks): void {
  const fields = withoutPseudo(trailers)
  hooks.onTrailers(request, fields)
  try {
    reply.raw.addTrailers(fields as Http1Headers)
  } catch {
    // A field Node refuses to send: the client gets the body without it rather than no answer.
  }
}

function trailersOnly (reply: FastifyReply, inbound: ServerHttp2Stream, status: number, headers: Record<string, unknown>): void {
  reply.hijack()
  // The status the audit reads (reply.statusCode): the compat response never wrote a head itself.
  reply.raw.statusCode = status
  try {
    inbound.respond({ ...clientHeaders(headers), ':status': status } as OutgoingHttpHeaders, { endStream: true })
  } catch {
    inbound.close(constants.NGHTTP2_INTERNAL_ERROR)
  }
}
