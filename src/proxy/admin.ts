// The admin listener: the report, exchanges and health, apart from the traffic listener.
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify'
import { createHash, timingSafeEqual } from 'node:crypto'
import type { ExchangeStore } from '../store/store.js'
import { buildReport, type Report } from '../report/model.js'
import { renderText } from '../report/text.js'
import { redactedCurl } from '../report/curl.js'

export interface AdminOptions {
  store: ExchangeStore
  token: string | null
  report: () => Report
  /** The findings of one exchange, with their evidence (names and fingerprints only). */
  findingsOf?: (exchangeId: string) => readonly object[]
  /** Extra admin routes (metrics, html), registered by their owners. */
  extend?: (app: FastifyInstance) => void | Promise<void>
}

const digest = (text: string): Buffer => createHash('sha256').update(text).digest()

/** Constant-time check of `Authorization: Bearer <token>` (the scheme is case-insensitive). */
export function tokenChecker (token: string): (header: string | undefined) => boolean {
  const expected = digest(token)
  return (header) => {
    if (header === undefined || header.length < 7 || header.slice(0, 7).toLowerCase() !== 'bearer ') return false
    return timingSafeEqual(digest(header.slice(7)), expected)
  }
}

function wantsText (request: FastifyRequest<{ Querystring: { format?: string } }>): boolean {
  const format = request.query.format
  if (format !== undefined) return format === 'text'
  const accept = request.headers.accept ?? ''
  return accept.includes('text/plain') && !accept.includes('application/json')
}

function intParam (value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined
  const n = Number(value)
  return Number.isInteger(n) ? n : NaN
}

export { buildReport }

export async function createAdminApp (options: AdminOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: false })
  if (options.token !== null) {
    const check = tokenChecker(options.token)
    app.addHook('onRequest', async (request, reply) => {
      if (check(request.headers.authorization)) return
      return reply.code(401).header('www-authenticate', 'Bearer realm="hopwatch-admin"')
        .send({ error: 'unauthorized', message: 'This admin route needs Authorization: Bearer <admin token> (see --admin-token).' })
    })
  }

  app.get('/healthz', async () => ({ status: 'ok' }))

  app.get<{ Querystring: { format?: string } }>('/report', async (request, reply) => {
    const report = options.report()
    if (wantsText(request)) return reply.type('text/plain; charset=utf-8').send(renderText(report))
    return report
  })

  app.get<{ Querystring: { limit?: string; status?: string; header?: string } }>('/report/exchanges', async (request, reply) => {
    const limit = intParam(request.query.limit)
    const status = intParam(request.query.status)
    if (Number.isNaN(limit) || Number.isNaN(status)) {
      return reply.code(400).send({ error: 'bad_query', message: 'limit and status must be whole numbers, e.g. ?limit=20&status=401.' })
    }
    const exchanges = options.store.list({ limit, status, header: request.query.header })
    return { exchanges }
  })

  app.get<{ Params: { id: string } }>('/report/exchanges/:id', async (request, reply) => {
    const exchange = options.store.get(request.params.id)
    if (exchange === undefined) {
      return reply.code(404).send({ error: 'not_found', message: 'No stored exchange has this id; it may have been evicted (see totals.evicted).' })
    }
    return { exchange, curl: redactedCurl(exchange), findings: options.findingsOf?.(exchange.id) ?? [] }
  })

  if (options.extend !== undefined) await options.extend(app)
  return app
}
