// Upgrade requests (websockets): forwarded to the upstream before the client gets any answer, so
// the client gets the upstream's own. A 101 goes back with the upstream's headers byte for byte
// (Sec-WebSocket-Accept, -Protocol, -Extensions, Set-Cookie) and the two sockets are joined
// (src/proxy/tunnel.ts): subprotocol and extension negotiation stay the upstream's. Any other
// answer (a 401 and its challenge, a 403, a 200) goes back as it came, then the connection closes.
// Node emits 'upgrade' only for a request carrying both `Connection: upgrade` and `Upgrade`;
// every other request reaches fastify's routes.
import { request as httpRequest, ServerResponse, type IncomingMessage, type OutgoingHttpHeaders, type Server } from 'node:http'
import { request as httpsRequest } from 'node:https'
import type { TlsConnectOptions } from './upstream-tls.js'
import type { Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import { copyCredentialPairs } from '../capture/request.js'
import type { HeaderBag } from '../capture/response.js'
import { PAIR_KEY } from '../pairing/pairing.js'
import type { Auditor } from '../audit/audit.js'
import { upstreamFailure } from './errors.js'
import { FLUSH_GRACE_MS, joinSockets } from './tunnel.js'
import type { Pending } from '../capture/pending.js'

export interface UpgradeOptions {
  upstream: URL
  auditor: Auditor
  timeoutMs: number
  maxHeaderSize: number
  /** How an https upstream's certificate is checked (the same as for plain requests). */
  tls?: TlsConnectOptions
  /** The taps' pair stamp (traffic.ts), applied to the header object that leaves. */
  applyPair: (req: IncomingMessage, headers: Record<string, unknown>, pending: Pending | null) => void
  /** Answers a request itself (a signed probe canary) instead of forwarding it. */
  answer?: (req: IncomingMessage) => { status: number; body: unknown } | null
}

/** Request headers of the client's connection, not of the request (RFC 9110 7.6.1). Connection is replaced by `Connection: Upgrade`. */
const HOP_BY_HOP: ReadonlySet<string> = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer'])
const ANSWER_HOP_BY_HOP: ReadonlySet<string> = new Set(['connection', 'keep-alive', 'proxy-connection'])
/** Connection tokens that name no header. */
const CONNECTION_OPTIONS: ReadonlySet<string> = new Set(['upgrade', 'keep-alive', 'close'])
/** Status recorded when the client went away before any answer (as nginx logs it). */
export const CLIENT_GONE = 499
const JSON_TYPE = 'application/json; charset=utf-8'
const NOT_A_PATH = { error: 'bad_request_target', message: 'hopwatch forwards request targets that start with /.', source: 'hopwatch' }
const HAS_BODY = { error: 'upgrade_with_body', message: 'hopwatch forwards upgrade requests without a body (a websocket handshake has none).', source: 'hopwatch' }
const noop = (): void => {}

/** Names the client's Connection header nominates as hop-by-hop. */
function nominated (rawHeaders: string[]): Set<string> {
  const names = new Set<string>()
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if ((rawHeaders[i] as string).toLowerCase() !== 'connection') continue
    for (const token of (rawHeaders[i + 1] as string).split(',')) {
      const name = token.trim().toLowerCase()
      if (name !== '' && !CONNECTION_OPTIONS.has(name)) names.add(name)
    }
  }
  return names
}

/**
 * What leaves for the upstream: the client's end-to-end headers byte for byte, in order and
 * casing, duplicate lines kept (Host, Upgrade and Sec-WebSocket-* included), with
 * `Connection: Upgrade` in place of the client's Connection; and the same as an object for the audit.
 */
function outgoing (rawHeaders: string[]): { raw: string[]; headers: Record<string, unknown> } {
  const drop = nominated(rawHeaders)
  const raw: string[] = []
  const headers: Record<string, unknown> = { connection: 'Upgrade' }
  let connection = false
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string
    const value = rawHeaders[i + 1] as string
    const key = name.toLowerCase()
    if (key === 'connection') {
      if (!connection) raw.push('Connection', 'Upgrade')
      connection = true
      continue
    }
    if (HOP_BY_HOP.has(key) || drop.has(key)) continue
    raw.push(name, value)
    const previous = headers[key]
    headers[key] = previous === undefined ? value : Array.isArray(previous) ? [...previous as string[], value] : [previous, value]
  }
  return { raw, headers }
}

/** The raw lines with the pair stamp as the object now has it (removed by the origin, set by the edge). */
function withStamp (raw: string[], stamp: unknown): string[] {
  const out: string[] = []
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if ((raw[i] as string).toLowerCase() !== PAIR_KEY) out.push(raw[i] as string, raw[i + 1] as string)
  }
  if (typeof stamp === 'string') out.push(PAIR_KEY, stamp)
  return out
}

/** The upstream's response headers for the client: its connection's own left out, `Connection: close` added. */
function answerHeaders (rawHeaders: string[]): string[] {
  const drop = nominated(rawHeaders)
  const out: string[] = []
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const key = (rawHeaders[i] as string).toLowerCase()
    if (!ANSWER_HOP_BY_HOP.has(key) && !drop.has(key)) out.push(rawHeaders[i] as string, rawHeaders[i + 1] as string)
  }
  out.push('Connection', 'close')
  return out
}

function switchingHead (res: IncomingMessage): string {
  let head = `HTTP/1.1 ${res.statusCode ?? 101} ${res.statusMessage ?? ''}\r\n`
  const raw = res.rawHeaders
  for (let i = 0; i + 1 < raw.length; i += 2) head += `${raw[i] as string}: ${raw[i + 1] as string}\r\n`
  return head + '\r\n'
}

/** Ends an answered connection: FIN sent, whatever the client still sends read and dropped, destroyed at the latest after FLUSH_GRACE_MS. */
function closeSoon (socket: Duplex): void {
  const timer = setTimeout(() => { socket.destroy() }, FLUSH_GRACE_MS)
  timer.unref()
  socket.once('close', () => { clearTimeout(timer) })
  socket.resume()
  socket.end()
}

/** An HTTP answer on the upgrade socket (it has no ServerResponse of its own); closed after it. */
function respond (req: IncomingMessage, socket: Duplex): ServerResponse {
  const out = new ServerResponse(req)
  out.shouldKeepAlive = false
  out.assignSocket(socket as Socket)
  out.once('finish', () => { out.detachSocket(socket as Socket); closeSoon(socket) })
  return out
}

function sendJson (req: IncomingMessage, socket: Duplex, status: number, body: unknown, extra: OutgoingHttpHeaders = {}): ServerResponse {
  const out = respond(req, socket)
  out.writeHead(status, { 'content-type': JSON_TYPE, ...extra })
  out.end(JSON.stringify(body))
  return out
}

function hasBody (req: IncomingMessage): boolean {
  const length = req.headers['content-length']
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0')
}

function forward (req: IncomingMessage, socket: Duplex, head: Buffer, o: UpgradeOptions): void {
  const startedAt = Date.now()
  const start = performance.now()
  const { auditor } = o
  // Node's server stopped listening to the socket when it emitted 'upgrade'; every failure
  // ends in 'close', handled below.
  socket.on('error', noop)

  const own = o.answer === undefined ? null : auditor.safely(() => o.answer?.(req) ?? null, null)
  // A signed canary is answered here and not recorded: it is synthetic, not traffic.
  if (own !== null) { sendJson(req, socket, own.status, own.body, { 'cache-control': 'no-store' }); return }

  const pending = auditor.safely<Pending | null>(() => ({
    arrivedPairs: copyCredentialPairs(req.rawHeaders, auditor.credentialNames),
    forwarded: null,
    upstreamHeaders: null,
    error: null,
    websocket: /websocket/i.test(req.headers.upgrade ?? ''),
    pairId: null
  }), null)
  let recorded = false
  const record = (status: number, aborted: boolean): void => {
    if (recorded || pending === null) return
    recorded = true
    auditor.afterUpgrade(req, pending, { startedAt, durationMs: performance.now() - start, status, aborted })
  }
  const recordAnswer = (out: ServerResponse, status: number): void => {
    out.once('finish', () => { record(status, false) })
    socket.once('close', () => { record(status, true) })
  }

  const url = req.url ?? '/'
  // Absolute-form targets and bodies are refused as on the plain path (a body on an upgrade
  // request is a request-smuggling shape, and no websocket client sends one).
  if (url.charCodeAt(0) !== 0x2f || hasBody(req)) {
    recordAnswer(sendJson(req, socket, 400, url.charCodeAt(0) !== 0x2f ? NOT_A_PATH : HAS_BODY), 400)
    return
  }

  const { raw, headers } = outgoing(req.rawHeaders)
  o.applyPair(req, headers, pending)
  if (pending !== null) pending.forwarded = headers
  const upstream = o.upstream
  const send = upstream.protocol === 'https:' ? httpsRequest : httpRequest
  const upstreamReq = send({
    host: upstream.hostname.replace(/^\[|\]$/g, ''),
    port: upstream.port === '' ? undefined : Number(upstream.port),
    method: req.method ?? 'GET',
    path: upstream.pathname.replace(/\/$/, '') + url,
    headers: withStamp(raw, headers[PAIR_KEY]),
    agent: false,
    maxHeaderSize: o.maxHeaderSize,
    ...(upstream.protocol === 'https:' ? o.tls : undefined)
  })
  let answered = false
  const timer = setTimeout(() => {
    upstreamReq.destroy(Object.assign(new Error('no answer to the upgrade request in time'), { code: 'ETIMEDOUT' }))
  }, o.timeoutMs)
  const answering = (): boolean => {
    clearTimeout(timer)
    if (answered) return false
    answered = true
    return true
  }

  // Before any answer, a client's FIN counts as gone, as on Node's plain path (httpAllowHalfOpen
  // off); after a 101 it is passed on to the upstream instead (tunnel.ts).
  const gone = (): void => {
    if (!answering()) return
    upstreamReq.destroy()
    socket.destroy()
    record(CLIENT_GONE, true)
  }
  socket.once('close', gone)
  socket.once('end', gone)

  upstreamReq.on('error', (err) => {
    if (!answering()) { socket.destroy(); return }
    const failure = upstreamFailure(err, o.timeoutMs)
    if (pending !== null) pending.error = { code: failure.code, message: failure.message }
    recordAnswer(sendJson(req, socket, failure.status, failure.body), failure.status)
  })

  upstreamReq.on('upgrade', (res: IncomingMessage, upSocket: Duplex, upHead: Buffer) => {
    if (!answering()) { upSocket.destroy(); return }
    if (pending !== null) pending.upstreamHeaders = res.headers as HeaderBag
    socket.write(switchingHead(res), 'latin1')
    if (upHead.length > 0) socket.write(upHead)
    if (head.length > 0) upSocket.write(head)
    joinSockets(socket, upSocket)
    record(res.statusCode ?? 101, false)
  })

  upstreamReq.on('response', (res: IncomingMessage) => {
    if (!answering()) { res.destroy(); return }
    const status = res.statusCode ?? 502
    if (pending !== null) pending.upstreamHeaders = res.headers as HeaderBag
    const out = respond(req, socket)
    out.sendDate = false
    recordAnswer(out, status)
    // The body is cut with the client's connection if either side fails.
    res.on('error', () => { socket.destroy() })
    res.on('aborted', () => { socket.destroy() })
    socket.once('close', () => { res.destroy() })
    try {
      out.writeHead(status, res.statusMessage, answerHeaders(res.rawHeaders))
    } catch {
      socket.destroy()
      return
    }
    res.pipe(out)
  })

  upstreamReq.end()
}

/**
 * Handles every upgrade request of `server`. Node forgets a connection once it is upgraded, so
 * `server.closeAllConnections()` (the end of a shutdown's grace period) is extended to cut
 * these too.
 */
export function forwardUpgrades (server: Server, options: UpgradeOptions): void {
  const live = new Set<Duplex>()
  const closeAll = server.closeAllConnections.bind(server)
  server.closeAllConnections = () => {
    closeAll()
    for (const socket of live) socket.destroy()
  }
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    live.add(socket)
    socket.once('close', () => { live.delete(socket) })
    try {
      forward(req, socket, head, options)
    } catch (err) {
      options.auditor.failed(err)
      socket.destroy()
    }
  })
}
