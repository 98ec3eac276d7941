// HTTP/2 on the traffic listener, beside HTTP/1.1 on the same port. fastify's own HTTP/1.1 server
// (http, or https with --tls-cert) keeps listening and keeps every HTTP/1.1 behaviour (timeouts,
// 431, websockets, CONNECT); only the sockets that speak HTTP/2 are handed to one internal
// node:http2 server, whose requests go to the same fastify routes:
// - cleartext: a connection that opens with the 24-byte HTTP/2 preface (`PRI * HTTP/2.0...`,
//   h2c with prior knowledge, RFC 9113 3.3) is HTTP/2; anything else is HTTP/1.1. The first bytes
//   are read, then put back for whichever parser gets the socket.
// - TLS: ALPN decides (`h2`, else `http/1.1`), as node:http2's createSecureServer with
//   allowHTTP1 would, after Node's TLS server has done the handshake (and its handshake timeout).
import { constants, createServer as createH2Server, type Http2Server, type Http2ServerRequest, type Http2ServerResponse, type ServerHttp2Session } from 'node:http2'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { Readable } from 'node:stream'
import type { FastifyInstance } from 'fastify'

/** The client connection preface of HTTP/2 (RFC 9113 3.4). */
export const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1')
/** An HTTP/2 session with no stream for this long is closed (GOAWAY), as fastify's http2SessionTimeout. */
export const H2_IDLE_MS = 72_000
/** How long a new cleartext connection may take to show whether it speaks HTTP/2, when --client-timeout is 0. */
const PEEK_FALLBACK_MS = 60_000
/** Header fields per HTTP/2 request; the header block's byte cap (maxHeaderBytes) bounds them first. */
const MAX_HEADER_PAIRS = 4096
/** Concurrent streams one client may open on a session (nginx's default is 128). */
const MAX_CONCURRENT_STREAMS = 128

type SocketListener = (socket: Socket) => void

export interface InboundH2Options {
  /** Largest request header block accepted, in bytes (as --max-header-size for HTTP/1.1). */
  maxHeaderBytes: number
  /** ms a cleartext client may take to send its first bytes; 0 = a minute. */
  clientTimeoutMs: number
  /** The listener speaks TLS (https server): ALPN picks the protocol. */
  tls: boolean
  /** Counted like HTTP/1.1's refused requests: a connection that was not HTTP at all. */
  onRefused: () => void
}

/** How a cleartext connection's first bytes read: HTTP/2 preface, not it, or too few bytes to tell. */
export function readsAsPreface (head: Buffer): 'h2' | 'http1' | 'undecided' {
  const n = Math.min(head.length, PREFACE.length)
  if (head.compare(PREFACE, 0, n, 0, n) !== 0) return 'http1'
  return n === PREFACE.length ? 'h2' : 'undecided'
}

/**
 * Serve HTTP/2 on `app`'s listener (see the top of this file). Call before `app.listen()`, once
 * Node has registered its own connection listener (it does so when the server is created).
 */
export function serveHttp2 (app: FastifyInstance, options: InboundH2Options): Http2Server {
  const server = app.server as Server
  const sessions = new Set<ServerHttp2Session>()
  const h2 = createH2Server({
    settings: { maxConcurrentStreams: MAX_CONCURRENT_STREAMS, maxHeaderListSize: options.maxHeaderBytes },
    // Node's default is 128 header fields; HTTP/1.1 forwards every line, the byte cap bounds them.
    maxHeaderListPairs: MAX_HEADER_PAIRS
  })
  // fastify's handler takes either protocol's request and response (it checks httpVersionMajor).
  h2.on('request', (req: Http2ServerRequest, res: Http2ServerResponse) => {
    failResetBodies(req)
    if (options.clientTimeoutMs > 0) limitStream(req, options.clientTimeoutMs)
    app.routing(req as unknown as IncomingMessage, res as unknown as ServerResponse)
  })
  h2.on('session', (session: ServerHttp2Session) => {
    sessions.add(session)
    session.setTimeout(H2_IDLE_MS, () => { session.close() })
    session.on('close', () => { sessions.delete(session) })
    // A client's protocol error ends its own session, never the process.
    session.on('error', () => { session.destroy() })
  })
  h2.on('sessionError', () => { /* the session is destroyed by Node; nothing else to do */ })
  h2.on('unknownProtocol', (socket: Socket) => { socket.destroy() })

  // Shutdown: Node's closeIdleConnections/closeAllConnections know only HTTP/1.1 connections.
  // server.close() (fastify's close, hopwatch's grace sweep) calls closeIdleConnections: HTTP/2
  // sessions get a GOAWAY and end once their streams are done; closeAllConnections cuts them.
  const closeIdle = server.closeIdleConnections.bind(server)
  const closeAll = server.closeAllConnections.bind(server)
  server.closeIdleConnections = () => { closeIdle(); for (const session of sessions) session.close() }
  server.closeAllConnections = () => { closeAll(); for (const session of sessions) session.destroy() }

  const event = options.tls ? 'secureConnection' : 'connection'
  const http1 = server.listeners(event) as SocketListener[]
  server.removeAllListeners(event)
  const toHttp1 = (socket: Socket): void => { for (const listener of http1) listener.call(server, socket) }
  const toH2 = (socket: Socket): void => {
    // Node's HTTP/1.1 server accepts half-open sockets (it handles a client's FIN itself); an
    // HTTP/2 session must end with its socket, as on node:http2's own server.
    socket.allowHalfOpen = false
    h2.emit('connection', socket)
  }
  if (options.tls) {
    server.on(event, (socket: Socket & { alpnProtocol?: string | false }) => {
      if (socket.alpnProtocol === 'h2') toH2(socket)
      else toHttp1(socket)
    })
  } else {
    const peekMs = options.clientTimeoutMs > 0 ? options.clientTimeoutMs : PEEK_FALLBACK_MS
    // A socket seen before comes back from h2c.ts (an `Upgrade: h2c` offer replayed as HTTP/1.1).
    const seen = new WeakSet<Socket>()
    server.on(event, (socket: Socket) => {
      if (seen.has(socket)) return toHttp1(socket)
      seen.add(socket)
      peek(socket, peekMs, toH2, toHttp1, options.onRefused)
    })
  }
  return h2
}

/**
 * Node's compatibility request ends its body normally when the stream closes, reset or not, so
 * undici would finish a truncated upload as if it were whole. A stream reset (by the client, or
 * by limitStream) destroys the body with an error first: undici then aborts the upstream request.
 */
function failResetBodies (req: Http2ServerRequest): void {
  if (req.stream.endAfterHeaders) return
  // 'aborted' comes first when the response was not finished yet (the compatibility layer may end
  // the body on it), 'close' when it was.
  const fail = (): void => {
    if (req.stream.readableEnded || req.readableEnded || req.destroyed) return
    Readable.prototype.destroy.call(req, new Error('the HTTP/2 stream was reset before its request body was complete'))
  }
  req.stream.prependListener('aborted', fail)
  req.stream.prependListener('close', () => { if (req.stream.rstCode !== constants.NGHTTP2_NO_ERROR) fail() })
}

/**
 * --client-timeout on an HTTP/2 stream: a request whose body is not all in by then is reset
 * (RST_STREAM CANCEL), which aborts the upstream request its body was streaming into; the other
 * streams of the session go on. (HTTP/1.1 answers 408 and closes the connection instead.)
 */
function limitStream (req: Http2ServerRequest, timeoutMs: number): void {
  if (req.stream.endAfterHeaders) return
  const timer = setTimeout(() => { if (!req.complete) req.stream.close(constants.NGHTTP2_CANCEL) }, timeoutMs)
  const clear = (): void => { clearTimeout(timer) }
  req.once('end', clear)
  req.stream.once('close', clear)
}

/**
 * Read a new connection's first bytes until they tell HTTP/2 from HTTP/1.1, then put them back
 * and hand the socket on. Bounded: at most 24 bytes are held, for at most `timeoutMs`.
 */
function peek (socket: Socket, timeoutMs: number, toH2: SocketListener, toHttp1: SocketListener, onRefused: () => void): void {
  let head: Buffer = Buffer.alloc(0)
  const done = (): void => {
    clearTimeout(timer)
    socket.removeListener('readable', onReadable)
    socket.removeListener('end', onEnd)
    socket.removeListener('error', onError)
  }
  const onReadable = (): void => {
    const chunk = socket.read() as Buffer | null
    if (chunk === null) return
    head = head.length === 0 ? chunk : Buffer.concat([head, chunk])
    const verdict = readsAsPreface(head)
    if (verdict === 'undecided') return
    done()
    if (verdict === 'h2') {
      // node:http2 reads what is buffered in the socket itself (on the next tick).
      socket.unshift(head)
      toH2(socket)
      return
    }
    // Node's HTTP/1.1 parser reads the next bytes from the socket's handle itself; the bytes
    // already read are given to it now, as the 'data' event it listens to, before any other.
    toHttp1(socket)
    socket.emit('data', head)
  }
  const onEnd = (): void => { done(); if (head.length > 0) onRefused(); socket.destroy() }
  const onError = (): void => { done(); socket.destroy() }
  // A client that sends a few bytes of the preface and stalls is not kept for ever.
  const timer = setTimeout(() => { done(); if (head.length > 0) onRefused(); socket.destroy() }, timeoutMs)
  socket.on('readable', onReadable)
  socket.on('end', onEnd)
  socket.on('error', onError)
}
