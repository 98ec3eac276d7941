// The admin listener: the report, exchanges and health, apart from the traffic listener.
// Every answer (errors and 404 included) is `no-store` and `nosniff`. Without a token, only a
// Host that names this machine is answered (DNS rebinding); bad query input is a 400, never a 500.
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import { createHash, timingSafeEqual } from 'node:crypto'
import type { Duplex } from 'node:stream'
import type { ExchangeStore } from '../store/store.js'
import { buildReport, type Report } from '../report/model.js'
import { renderText } from '../report/text.js'
import { redactedCurl } from '../report/curl.js'
import { hostAllowed } from './admin-host.js'
import { badQuery } from './admin-query.js'
import { registerHtmlPages, sendExchangeList, sendExchangePage, sendReportPage, type PageQuery } from './admin-html.js'

export interface AdminOptions {
  store: ExchangeStore
  token: string | null
  report: () => Report
  /** The host of `--admin` as configured: a token-less admin answers it besides loopback names. */
  adminHost?: string
  /** The findings of one exchange, with their evidence (names and fingerprints only). */
  findingsOf?: (exchangeId: string) => readonly object[]
  /** Extra admin routes (metrics, html), registered by their owners. */
  extend?: (app: FastifyInstance) => void | Promise<void>
  /** Called before every admin request: exchanges that ended are audited before anything is read. */
  settle?: () => void
}

const digest = (text: string): Buffer => createHash('sha256').update(text).digest()

/** Constant-time check of `Authorization: Bearer <token>` (the scheme is case-insensitive). */
export function tokenChecker (token: string): (header: string | undefined) => boolean {
  const expected = digest(token)
  return (header) => {
    if (header === undefined || header.length < 7 || header.slice(0, 7).toLowerCase() !== 'bearer ') return false
    // Both sides are SHA-256 digests: equal length, so timingSafeEqual never throws.
    return timingSafeEqual(digest(header.slice(7)), expected)
  }
}

/** The headers every admin answer carries. */
export const ADMIN_HEADERS: Readonly<Record<string, string>> = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff'
}

function wantsText (request: FastifyRequest<{ Querystring: { format?: string } }>): boolean {
  const format = request.query.format
  if (format !== undefined) return format === 'text'
  const accept = request.headers.accept ?? ''
  return accept.includes('text/plain') && !accept.includes('application/json')
}

const sendError = (reply: FastifyReply, status: number, error: string, message: string): FastifyReply =>
  reply.code(status).headers(ADMIN_HEADERS).type('application/json; charset=utf-8').send({ error, message })

/** A request Node cannot parse: a JSON 400 (431 for oversize headers) with the admin headers, then close. */
function answerClientError (err: Error & { code?: string }, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || !socket.writable) { socket.destroy(); return }
  const status = err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request'
  rawAnswer(socket, status, { error: 'bad_request', message: 'The admin listener could not parse this request.' })
}

/** A whole answer written on the socket (outside fastify), with the admin headers, then close. */
function rawAnswer (socket: Duplex, status: string, json: { error: string, message: string }, extra = ''): void {
  const body = JSON.stringify(json)
  const head = Object.entries(ADMIN_HEADERS).map(([name, value]) => `${name}: ${value}\r\n`).join('')
  socket.end(`HTTP/1.1 ${status}\r\ncontent-type: application/json; charset=utf-8\r\n${head}${extra}content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`)
}

export { buildReport }

export async function createAdminApp (options: AdminOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    // A URL fastify cannot decode (`/report/exchanges/%`) is answered here, before any hook.
    frameworkErrors: (_err, _request, reply) => {
      void sendError(reply, 400, 'bad_url', 'The admin listener could not decode this URL.')
    },
    clientErrorHandler: answerClientError
  })
  // CONNECT never reaches fastify's router: Node hands the socket over. The admin is no proxy.
  app.server.on('connect', (_request: unknown, socket: Duplex) => {
    socket.on('error', () => { socket.destroy() })
    rawAnswer(socket, '405 Method Not Allowed', { error: 'method_not_allowed', message: 'The admin listener is not a proxy: CONNECT is not allowed.' }, 'allow: GET, HEAD\r\n')
  })
  const settle = options.settle
  if (settle !== undefined) app.addHook('onRequest', async () => { settle() })
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.headers(ADMIN_HEADERS)
    return payload
  })
  if (options.token === null) {
    const configured = options.adminHost ?? '127.0.0.1'
    app.addHook('onRequest', async (request, reply) => {
      if (hostAllowed(request.headers.host, configured)) return
      return sendError(reply, 421, 'misdirected_request',
        'This admin listener has no token, so it answers only a Host that names this machine (localhost, 127.0.0.1, [::1] or the --admin address); set --admin-token to reach it by another name.')
    })
  } else {
    const check = tokenChecker(options.token)
    app.addHook('onRequest', async (request, reply) => {
      if (check(request.headers.authorization)) return
      reply.header('www-authenticate', 'Bearer realm="hopwatch-admin"')
      return sendError(reply, 401, 'unauthorized', 'This admin route needs Authorization: Bearer <admin token> (see --admin-token).')
    })
  }
  // Repeated or malformed query parameters: one sentence, before any route reads them.
  app.addHook('preHandler', async (request, reply) => {
    const problem = badQuery(request.query)
    if (problem !== null) return sendError(reply, 400, 'bad_query', problem)
  })
  app.setNotFoundHandler(async (_request, reply) =>
    sendError(reply, 404, 'not_found', 'No such admin route: see /report, /report/exchanges, /report.html, /report/exchanges.html, /metrics, /healthz, /readyz.'))
  app.setErrorHandler(async (err: unknown, _request, reply) => {
    const code = (err as { statusCode?: unknown } | null)?.statusCode
    const status = typeof code === 'number' && code >= 400 && code < 500 ? code : 500
    // The message is not passed on: it could quote the request. The status says enough.
    return sendError(reply, status, status === 500 ? 'internal_error' : 'bad_request',
      status === 500 ? 'The admin listener could not answer this request.' : 'The admin listener could not read this request.')
  })

  app.get('/healthz', async () => ({ status: 'ok' }))

  app.get<{ Querystring: { format?: string; refresh?: string } }>('/report', async (request, reply) => {
    if (request.query.format === 'html') return sendReportPage(reply, options, request.query.refresh)
    const report = options.report()
    if (wantsText(request)) return reply.type('text/plain; charset=utf-8').send(renderText(report))
    return report
  })

  app.get<{ Querystring: PageQuery & { format?: string } }>('/report/exchanges', async (request, reply) => {
    if (request.query.format === 'html') return sendExchangeList(reply, options, request.query)
    const { limit, status, header } = request.query
    const exchanges = options.store.list({
      limit: limit === undefined || limit === '' ? undefined : Number(limit),
      status: status === undefined || status === '' ? undefined : Number(status),
      header: header === '' ? undefined : header
    })
    return { exchanges }
  })

  registerHtmlPages(app, options)

  app.get<{ Params: { id: string }, Querystring: { format?: string; refresh?: string } }>('/report/exchanges/:id', async (request, reply) => {
    // `/report/exchanges/<id>.html` and `?format=html`: the page (ids never hold a dot).
    const id = request.params.id
    if (id.endsWith('.html')) return sendExchangePage(reply, options, id.slice(0, -5), request.query.refresh)
    if (request.query.format === 'html') return sendExchangePage(reply, options, id, request.query.refresh)
    const exchange = options.store.get(id)
    if (exchange === undefined) {
      return sendError(reply, 404, 'not_found', 'No stored exchange has this id; it may have been evicted (see totals.evicted).')
    }
    return { exchange, curl: redactedCurl(exchange), findings: options.findingsOf?.(exchange.id) ?? [] }
  })

  if (options.extend !== undefined) await options.extend(app)
  return app
}
