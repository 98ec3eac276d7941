// The traffic listener: forwards everything to the upstream (plain requests with undici, see
// forward.ts; upgrade requests with upgrade.ts, after the upstream answered them) and notes, on
// the way, only references: the credential pairs that arrived, the credential lines that left,
// the upstream's response headers. Everything else happens after the response.
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import type { IncomingMessage } from 'node:http'
import type { Http2ServerRequest } from 'node:http2'
import type { Duplex } from 'node:stream'
import type { Config } from '../config/config.js'
import { copyCredentialPairs } from '../capture/request.js'
import type { HeaderBag } from '../capture/response.js'
import type { Pending } from '../capture/pending.js'
import { connectRefusal, REFUSALS, upstreamFailure, type Refusal } from './errors.js'
import { forwardedCredentials, relay, upstreamLines, type RelayHooks } from './forward.js'
import { relayH2, type H2Hooks, type H2Target } from './forward-h2.js'
import { H2Sessions } from './h2-session.js'
import { refusedTarget } from './request-target.js'
import { serveH2cOffersAsHttp1 } from './h2c.js'
import { arrivedOverTls, http1Lines, http2HasBody, inboundProtocol } from './h2-request.js'
import { serveHttp2 } from './inbound-h2.js'
import { UpstreamPool } from './upstream-pool.js'
import { forwardUpgrades } from './upgrade.js'
import { tlsConnectOptions } from './upstream-tls.js'
import { answerClientError, clientTimeoutOptions } from './client-timeout.js'
import type { Auditor } from '../audit/audit.js'
import { PAIR_KEY } from '../pairing/pairing.js'

declare module 'fastify' {
  /** `pending`: what the hot path noted for this request (null until noted), audited after the response. */
  interface FastifyRequest { pending: Pending | null }
}

/**
 * Every other method Node's HTTP parser accepts (WebDAV, CalDAV, DeltaV, cache PURGE, UPnP...),
 * so none gets a 404 from hopwatch instead of reaching the app. CONNECT is not a request to
 * forward to an app. Those that may carry a body are read as streams like POST.
 */
const EXTRA_METHODS = ['PROPFIND', 'PROPPATCH', 'MKCOL', 'COPY', 'MOVE', 'LOCK', 'UNLOCK', 'SEARCH', 'REPORT', 'MKCALENDAR', 'LINK', 'UNLINK',
  'ACL', 'BIND', 'REBIND', 'UNBIND', 'CHECKOUT', 'MERGE', 'MKACTIVITY', 'M-SEARCH', 'NOTIFY', 'SUBSCRIBE', 'UNSUBSCRIBE', 'PURGE', 'SOURCE']
const BODYLESS_EXTRA = new Set(['COPY', 'MOVE', 'UNLOCK', 'LINK', 'UNLINK'])
const METHODS = ['DELETE', 'GET', 'HEAD', 'PATCH', 'POST', 'PUT', 'OPTIONS', 'TRACE', 'QUERY', ...EXTRA_METHODS]
const CONNECT_ANSWER = connectRefusal(METHODS.join(', '))
/** hopwatch forwards request headers up to this size; Node's default (16 KiB) would refuse big JWTs first. */
export const MAX_HEADER_BYTES = 64 * 1024

function refuse (reply: FastifyReply, refusal: Refusal): FastifyReply {
  return reply.code(refusal.status).header('content-type', 'application/json; charset=utf-8').send(refusal.body)
}

/** Edge + origin taps: the edge stamps what it forwards, the origin reads the stamp and removes it. */
export interface PairHooks {
  stamp?: () => { value: string; id: string }
  read?: (rawHeaders: string[]) => { id: string | null }
}

export interface TrafficOptions {
  config: Config
  auditor: Auditor
  /** Where to forward; default config.upstream (the edge tap forwards to config.edge.upstream). */
  upstream?: URL
  pair?: PairHooks
  /** Answers a request itself (e.g. a signed probe canary) instead of forwarding it; upgrade requests too. */
  answer?: (req: IncomingMessage) => { status: number; body: unknown } | null
  /** The listener speaks TLS with this certificate (--tls-cert, --tls-key); default cleartext. */
  tls?: Config['tls']
}

function newPending (request: FastifyRequest, names: ReadonlySet<string>, lines: string[]): Pending {
  const pending: Pending = {
    arrivedPairs: copyCredentialPairs(lines, names),
    forwarded: null,
    upstreamHeaders: null,
    error: null,
    websocket: false,
    pairId: null,
    protocol: inboundProtocol(request.raw),
    tls: arrivedOverTls(request.raw)
  }
  request.pending = pending
  return pending
}

function h2Target (upstream: URL, config: Config): H2Target {
  const sessions = new H2Sessions(upstream.origin, {
    protocol: config.upstreamProtocol === 'h2' ? 'h2' : 'h2c',
    maxHeaderSize: MAX_HEADER_BYTES,
    timeoutMs: config.upstreamTimeoutMs,
    tls: { ca: config.upstreamCa, insecure: config.upstreamInsecure }
  })
  return { sessions, scheme: upstream.protocol === 'https:' ? 'https' : 'http', authority: upstream.host, timeoutMs: config.upstreamTimeoutMs }
}

export async function createTrafficApp (options: TrafficOptions): Promise<FastifyInstance> {
  const { config, auditor, pair } = options
  const upstream = options.upstream ?? config.upstream
  const names = auditor.credentialNames
  const applyPair = (request: { raw: IncomingMessage }, headers: Record<string, unknown>, pending: Pending | null): void => {
    if (pair === undefined) return
    if (pair.read !== undefined) {
      delete headers[PAIR_KEY]
      if (pending !== null) pending.pairId = auditor.safely(() => pair.read?.(request.raw.rawHeaders).id ?? null, null)
    }
    if (pair.stamp !== undefined) {
      const stamp = auditor.safely(() => pair.stamp?.() ?? null, null)
      if (stamp !== null) {
        headers[PAIR_KEY] = stamp.value
        if (pending !== null) pending.pairId = stamp.id
      }
    }
  }
  const applyPairLines = (request: FastifyRequest, lines: string[], pending: Pending | null): void => {
    if (pair?.read !== undefined && pending !== null) pending.pairId = auditor.safely(() => pair.read?.(request.raw.rawHeaders).id ?? null, null)
    if (pair?.stamp !== undefined) {
      const stamp = auditor.safely(() => pair.stamp?.() ?? null, null)
      if (stamp !== null) {
        lines.push(PAIR_KEY, stamp.value)
        if (pending !== null) pending.pairId = stamp.id
      }
    }
  }
  const serverOptions = { maxHeaderSize: MAX_HEADER_BYTES, ...clientTimeoutOptions(config.clientTimeoutMs) }
  const tls = options.tls ?? null
  const app = Fastify({
    logger: false,
    requestIdHeader: false,
    // With --tls-cert: Node's https server does the handshake; ALPN h2 goes to inbound-h2.ts.
    ...(tls === null ? { http: serverOptions } : { https: { ...serverOptions, cert: tls.cert, key: tls.key, ALPNProtocols: ['h2', 'http/1.1'] } }),
    requestTimeout: config.clientTimeoutMs,
    clientErrorHandler: answerClientError,
    routerOptions: { querystringParser: () => ({}), maxParamLength: 8192 },
    // A path the router cannot decode (`/%zz`) or longer than maxParamLength still goes upstream
    // as it is, as it would direct (fastify would answer 400 or 414, quoting the path).
    frameworkErrors: (error, request, reply) => {
      if (error.code === 'FST_ERR_BAD_URL' || error.code === 'FST_ERR_MAX_PARAM_LENGTH') return forward(request, reply)
      const message = `hopwatch could not route the request (${error.code}).`
      return refuse(reply as unknown as FastifyReply, { status: 400, body: { error: 'bad_request', message, source: 'hopwatch' } })
    }
  })
  // HTTP/2 on the same port: h2c by its preface, h2 by ALPN; its requests reach the same routes.
  serveHttp2(app, { tls: tls !== null, maxHeaderBytes: MAX_HEADER_BYTES, clientTimeoutMs: config.clientTimeoutMs, onRefused: () => { auditor.refused++ } })
  for (const method of EXTRA_METHODS) app.addHttpMethod(method, { hasBody: !BODYLESS_EXTRA.has(method) })
  // Malformed or smuggling-shaped requests never become exchanges: fastify answers 400/408/431
  // as a strict server would; count them so the report says they happened.
  app.server.on('clientError', () => { auditor.refused++ })
  // Every header line is forwarded: Node's default keeps the first 2,000 entries of rawHeaders
  // (1,000 lines) and silently drops the rest. The 64 KiB cap on the head still bounds them (431).
  app.server.maxHeadersCount = 0
  // Node closes the socket of a CONNECT nobody listens for; answer it instead.
  app.server.on('connect', (_req: IncomingMessage, socket: Duplex) => {
    socket.on('error', () => { /* the client went away: nothing to answer */ })
    socket.end(CONNECT_ANSWER)
  })
  // Once every plugin has added its 'upgrade' listener: an h2c offer is served as HTTP/1.1.
  app.addHook('onReady', async () => { serveH2cOffersAsHttp1(app.server) })
  app.decorateRequest('pending', null)

  if (options.answer !== undefined) {
    const answer = options.answer
    app.addHook('onRequest', async (request, reply) => {
      const own = auditor.safely(() => answer(request.raw), null)
      // A signed canary is answered here and not recorded: it is synthetic, not traffic.
      if (own !== null) return reply.code(own.status).header('cache-control', 'no-store').send(own.body)
    })
  }

  // 'close' rather than fastify's onResponse: onResponse is skipped when a response is destroyed
  // (upstream cut mid-body, client gone), and those exchanges matter most.
  // The start is taken here: fastify only times a reply (elapsedTime) when it logs requests or
  // has onResponse hooks, and this app has neither. Called by the route handler rather than an
  // onRequest hook: with no hook, fastify skips its hook runner (about 1 µs per request). Every
  // method the parser accepts and every target reaches that handler.
  const track = (request: FastifyRequest, reply: FastifyReply): void => {
    const start = performance.now()
    // 'close' is emitted once per response; `on` spares the once() wrapper on every request.
    reply.raw.on('close', () => { auditor.afterResponse(request, reply, performance.now() - start) })
  }

  const pool = new UpstreamPool(upstream.origin, {
    connections: config.upstreamConnections,
    maxHeaderSize: MAX_HEADER_BYTES,
    timeoutMs: config.upstreamTimeoutMs,
    tls: { ca: config.upstreamCa, insecure: config.upstreamInsecure }
  })
  // After the listener has closed: whatever is still in flight upstream has no client left.
  app.addHook('onClose', async () => { await pool.destroy() })
  // One object for every request (no closures on the hot path).
  const hooks: RelayHooks = {
    onHeaders: (request, headers) => { if (request.pending !== null) request.pending.upstreamHeaders = headers as HeaderBag },
    onError: (request, reply, error) => {
      const failure = upstreamFailure(error, config.upstreamTimeoutMs)
      if (request.pending !== null) request.pending.error = { code: failure.code, message: failure.message }
      reply.code(failure.status).header('content-type', 'application/json; charset=utf-8').send(failure.body)
    }
  }
  // --upstream-protocol h2|h2c: node:http2 sessions instead of the undici pool (forward-h2.ts).
  // The app's upstream only: the edge tap forwards to the outer layers, which speak HTTP/1.1.
  const h2Upstream = config.upstreamProtocol === 'http1.1' || options.upstream !== undefined ? null : h2Target(upstream, config)
  if (h2Upstream !== null) app.addHook('onClose', async () => { await h2Upstream.sessions.destroy() })
  const h2Hooks: H2Hooks = {
    ...hooks,
    onTrailers: (request, trailers) => { if (request.pending !== null) request.pending.upstreamTrailers = trailers as HeaderBag }
  }
  // The origin tap removes the edge's stamp; the edge tap adds its own.
  const dropLine = pair?.read === undefined ? null : PAIR_KEY

  // Plain requests: hopwatch's own route hands them to undici (forward.ts): the target and the
  // header lines as they arrived, less the hop-by-hop set.
  const basePath = upstream.pathname.replace(/\/$/, '')
  const forward = function (request: FastifyRequest, reply: FastifyReply): FastifyReply | undefined {
    track(request, reply)
    const url = request.raw.url ?? '/'
    const refused = refusedTarget(url)
    if (refused !== null) return refuse(reply, REFUSALS[refused])
    // HTTP/2 (h2, h2c): the pseudo-headers become Host and the request line (h2-request.ts).
    const raw = request.raw
    const h2 = raw.httpVersionMajor === 2
    const lines = h2 ? http1Lines(raw.rawHeaders) : raw.rawHeaders
    const out = upstreamLines(lines, dropLine)
    if (h2) out.body = http2HasBody(raw as unknown as Http2ServerRequest)
    if (out.hosts > 1) return refuse(reply, REFUSALS.duplicate_host)
    // try/catch rather than auditor.safely: no closure per request on the hot path.
    let pending: Pending | null = null
    try { pending = newPending(request, names, lines) } catch (err) { auditor.failed(err) }
    if (pair !== undefined) applyPairLines(request, out.lines, pending)
    if (pending !== null) {
      try { pending.forwarded = forwardedCredentials(pending.arrivedPairs, out.nominated) } catch (err) { auditor.failed(err) }
    }
    if (h2Upstream === null) relay(request, reply, pool, basePath + url, out, hooks)
    else relayH2(request, reply, h2Upstream, basePath + url, out, h2Hooks)
    return undefined
  }
  await app.register(async (scope) => {
    // Bodies stream through untouched, whatever their type.
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('*', (_request, payload, done) => { done(null, payload) })
    scope.route({ method: METHODS, url: '/', handler: forward })
    scope.route({ method: METHODS, url: '/*', handler: forward })
  })

  // Upgrade requests (websockets) never reach the routes: the upstream answers them first.
  forwardUpgrades(app.server, {
    upstream,
    auditor,
    timeoutMs: config.upstreamTimeoutMs,
    maxHeaderSize: MAX_HEADER_BYTES,
    tls: tlsConnectOptions({ ca: config.upstreamCa, insecure: config.upstreamInsecure }),
    applyPair: (req, headers, pending) => { applyPair({ raw: req }, headers, pending) },
    ...(options.answer === undefined ? {} : { answer: options.answer })
  })
  return app
}
