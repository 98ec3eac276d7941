// The traffic listener: forwards everything to the upstream (plain requests with
// @fastify/reply-from, websocket upgrades with @fastify/http-proxy) and notes, on the way, only
// references: the credential pairs that arrived, the header object that left, the upstream's
// response headers. Everything else happens after the response.
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify'
import httpProxy from '@fastify/http-proxy'
import replyFrom from '@fastify/reply-from'
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http'
import type { Config } from '../config/config.js'
import { copyCredentialPairs, type RawPairs } from '../capture/request.js'
import type { HeaderBag } from '../capture/response.js'
import { pathOf } from '../capture/exchange.js'
import { answerFromUpstream, NO_HEADERS } from './answer.js'
import { upstreamFailure } from './errors.js'
import { UpstreamPool } from './upstream-pool.js'
import { answerClientError, clientTimeoutOptions } from './client-timeout.js'
import type { Auditor } from './audit.js'
import { PAIR_KEY } from '../probe/pairing.js'

/** What the hot path notes for one request; read after the response by the Auditor. */
export interface Pending {
  arrivedPairs: RawPairs
  /** The header object handed to undici for the upstream request. */
  forwarded: Record<string, unknown> | null
  upstreamHeaders: HeaderBag | null
  error: { code: string; message: string } | null
  websocket: boolean
  /** Edge/origin correlation id, when taps are paired. */
  pairId: string | null
}

declare module 'fastify' {
  interface FastifyRequest { hw: Pending | null }
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
/** Request headers a websocket client library sets itself for the upstream handshake. */
const WS_OWN_HEADERS = new Set(['connection', 'upgrade', 'sec-websocket-key', 'sec-websocket-version', 'sec-websocket-extensions', 'sec-websocket-protocol', 'host', 'content-length', 'transfer-encoding', 'keep-alive'])
/** hopwatch forwards request headers up to this size; Node's default (16 KiB) would refuse big JWTs first. */
export const MAX_HEADER_BYTES = 64 * 1024

const SLASH = 0x2f
const NOT_A_PATH = { error: 'bad_request_target', message: 'hopwatch forwards request targets that start with /.', source: 'hopwatch' }

/**
 * Upgrade requests (websockets) are routed to @fastify/http-proxy, which proxies them; every
 * other request to hopwatch's own route, which hands it to @fastify/reply-from directly.
 */
const UPGRADE = 'upgrade'
type Strategy = NonNullable<NonNullable<FastifyServerOptions['routerOptions']>['constraints']>[string]
type Store = ReturnType<ReturnType<Strategy['storage']>['get']>
const upgradeStrategy: Strategy = {
  name: 'hopwatchUpgrade',
  storage () {
    const handlers = new Map<unknown, Store>()
    return { get: (value) => handlers.get(value) ?? null, set: (value, store) => { handlers.set(value, store) } }
  },
  // '' matches no constrained route, so plain requests fall to the unconstrained ones.
  deriveConstraint: (req: IncomingMessage) => (req as { upgrade?: boolean }).upgrade === true ? UPGRADE : '',
  mustMatchWhenDerived: false
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
  /** Answers a request itself (e.g. a signed probe canary) instead of forwarding it. */
  answer?: (req: FastifyRequest) => { status: number; body: unknown } | null
}

function newPending (request: FastifyRequest, names: ReadonlySet<string>): Pending {
  const pending: Pending = {
    arrivedPairs: copyCredentialPairs(request.raw.rawHeaders, names),
    forwarded: null,
    upstreamHeaders: null,
    error: null,
    websocket: false,
    pairId: null
  }
  request.hw = pending
  return pending
}

/**
 * Node keeps one value of a duplicated Authorization line and joins others; put every line
 * back so the upstream sees what it would see without hopwatch.
 */
function restoreDuplicates (headers: Record<string, unknown>, pairs: RawPairs): void {
  if (pairs.length <= 2) return
  const lines = new Map<string, string[]>()
  for (let i = 0; i < pairs.length; i += 2) {
    const key = (pairs[i] as string).toLowerCase()
    const list = lines.get(key)
    if (list === undefined) lines.set(key, [pairs[i + 1] as string])
    else list.push(pairs[i + 1] as string)
  }
  for (const [key, values] of lines) {
    if (values.length > 1 && key in headers) headers[key] = values
  }
}

export async function createTrafficApp (options: TrafficOptions): Promise<FastifyInstance> {
  const { config, auditor, pair } = options
  const upstream = options.upstream ?? config.upstream
  const names = auditor.credentialNames
  const applyPair = (request: FastifyRequest, headers: Record<string, unknown>, pending: Pending | null): void => {
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
  const app = Fastify({
    logger: false,
    requestIdHeader: false,
    http: { maxHeaderSize: MAX_HEADER_BYTES, ...clientTimeoutOptions(config.clientTimeoutMs) },
    requestTimeout: config.clientTimeoutMs,
    clientErrorHandler: answerClientError,
    routerOptions: { querystringParser: () => ({}), maxParamLength: 8192, constraints: { [upgradeStrategy.name]: upgradeStrategy } }
  })
  for (const method of EXTRA_METHODS) app.addHttpMethod(method, { hasBody: !BODYLESS_EXTRA.has(method) })
  // Malformed or smuggling-shaped requests never become exchanges: fastify answers 400/408/431
  // as a strict server would; count them so the report says they happened.
  app.server.on('clientError', () => { auditor.refused++ })
  app.decorateRequest('hw', null)

  if (options.answer !== undefined) {
    const answer = options.answer
    app.addHook('onRequest', async (request, reply) => {
      const own = auditor.safely(() => answer(request), null)
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

  // Websocket upgrades: forward the client's headers (the library's default keeps only Cookie).
  const wsHeaders = (_headers: unknown, request: FastifyRequest): Record<string, unknown> => {
    const forwarded: Record<string, unknown> = {}
    const incoming: IncomingHttpHeaders = request.headers
    for (const [key, value] of Object.entries(incoming)) {
      if (!WS_OWN_HEADERS.has(key) && value !== undefined) forwarded[key] = value
    }
    if (incoming.host !== undefined) forwarded.host = incoming.host
    const pending = auditor.safely(() => newPending(request, names), null)
    applyPair(request, forwarded, pending)
    auditor.safely(() => {
      if (pending === null) return
      restoreDuplicates(forwarded, pending.arrivedPairs)
      pending.forwarded = forwarded
      pending.websocket = true
      auditor.afterUpgrade(request)
    }, undefined)
    return forwarded
  }

  const pool = new UpstreamPool(upstream.origin, {
    connections: config.upstreamConnections,
    maxHeaderSize: MAX_HEADER_BYTES,
    timeoutMs: config.upstreamTimeoutMs,
    tls: { ca: config.upstreamCa, insecure: config.upstreamInsecure }
  })
  // After the listener has closed: whatever is still in flight upstream has no client left.
  app.addHook('onClose', async () => { await pool.destroy() })
  const replyOptions = {
    // The query string goes upstream byte for byte, not re-encoded by a parse/stringify round trip.
    queryString: (_search: string | undefined, reqUrl: string) => { const q = reqUrl.indexOf('?'); return q < 0 ? '' : reqUrl.slice(q + 1) },
    rewriteRequestHeaders: (request: FastifyRequest['raw'] | FastifyRequest, headers: Record<string, unknown>) => {
      // try/catch rather than auditor.safely: no closure per request on the hot path.
      let pending: Pending | null = null
      try { pending = newPending(request as FastifyRequest, names) } catch (err) { auditor.failed(err) }
      if (request.headers.host !== undefined) headers.host = request.headers.host
      applyPair(request as FastifyRequest, headers, pending)
      if (pending !== null) {
        try { restoreDuplicates(headers, pending.arrivedPairs) } catch (err) { auditor.failed(err) }
        pending.forwarded = headers
      }
      return headers
    },
    // The answer goes out through onResponse below: reply-from copies no header into the reply.
    rewriteHeaders: (headers: Record<string, unknown>, request?: FastifyRequest) => {
      if (request?.hw != null) request.hw.upstreamHeaders = headers as HeaderBag
      return NO_HEADERS
    },
    onResponse: answerFromUpstream,
    onError: (reply: FastifyReply, { error }: { error: Error }) => {
      const failure = upstreamFailure(error, config.upstreamTimeoutMs)
      if (reply.request.hw !== null) reply.request.hw.error = { code: failure.code, message: failure.message }
      reply.code(failure.status).header('content-type', 'application/json; charset=utf-8').send(failure.body)
    }
  }

  // Plain requests: hopwatch's own route hands them to @fastify/reply-from (the engine of
  // @fastify/http-proxy). @fastify/http-proxy's handler would first resolve every path against
  // the upstream with three URL parses, about 4 µs per request; reply-from does its own path
  // traversal and origin checks when it builds the upstream URL, so nothing is lost.
  const basePath = upstream.pathname.replace(/\/$/, '')
  await app.register(async (scope) => {
    // Bodies stream through untouched, whatever their type.
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('*', (_request, payload, done) => { done(null, payload) })
    await scope.register(replyFrom, { base: upstream.origin, undici: pool, disableRequestLogging: true })
    const forward = function (request: FastifyRequest, reply: FastifyReply): FastifyReply {
      track(request, reply)
      const url = request.raw.url ?? '/'
      // Absolute-form (`GET http://host/x`) and asterisk-form targets are not forwarded: a
      // reverse proxy's upstream is fixed, and reply-from would refuse them with a 500.
      if (url.charCodeAt(0) !== SLASH) return reply.code(400).header('content-type', 'application/json; charset=utf-8').send(NOT_A_PATH)
      return reply.from(basePath === '' ? undefined : basePath + pathOf(url, url.indexOf('?')), replyOptions as object)
    }
    scope.route({ method: METHODS, url: '/', handler: forward })
    scope.route({ method: METHODS, url: '/*', handler: forward })
  })

  // Upgrades (websockets): @fastify/http-proxy, on routes only upgrade requests match.
  await app.register(httpProxy, {
    upstream: upstream.origin + basePath,
    httpMethods: METHODS,
    constraints: { [upgradeStrategy.name]: UPGRADE },
    websocket: true,
    internalRewriteLocationHeader: false,
    disableRequestLogging: true,
    // @fastify/http-proxy reads rewriteRequestHeaders from wsClientOptions; its types (ws ClientOptions) omit it.
    wsClientOptions: { rewriteRequestHeaders: wsHeaders } as object
  })
  return app
}
