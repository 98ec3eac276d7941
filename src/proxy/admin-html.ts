// The admin's HTML pages: /report.html, /report/exchanges.html and one page per exchange. Every
// page is script-free and sent with a CSP that allows its one stylesheet and nothing else; query
// parameters were checked by admin-query.ts before a handler reads them.
import type { FastifyInstance, FastifyReply } from 'fastify'
import type { Exchange } from '../capture/types.js'
import type { ExchangeStore } from '../store/store.js'
import type { Report } from '../report/model.js'
import { HEADER_CSP, renderExchangeHtml, renderExchangeListHtml, renderReportHtml, type ExchangeFinding } from '../report/html.js'

export interface HtmlPagesOptions {
  store: ExchangeStore
  report: () => Report
  findingsOf?: (exchangeId: string) => readonly object[]
}

export interface PageQuery { refresh?: string; method?: string; route?: string; status?: string; header?: string; limit?: string }

const LIST_LIMIT = 200

const given = (value: string | undefined): string | undefined => value === undefined || value === '' ? undefined : value
const refreshOf = (query: PageQuery): number | undefined => given(query.refresh) === undefined ? undefined : Number(query.refresh)

export function sendHtml (reply: FastifyReply, html: string, status = 200): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').header('content-security-policy', HEADER_CSP).send(html)
}

function isFinding (value: object): value is ExchangeFinding {
  const f = value as Record<string, unknown>
  return typeof f.rule === 'string' && typeof f.severity === 'string' && typeof f.summary === 'string' &&
    typeof f.remediation === 'string' && typeof f.confidence === 'string' && Array.isArray(f.evidence) &&
    (f.header === null || typeof f.header === 'string') && (f.layer === null || typeof f.layer === 'string')
}

/** The page of one exchange, or an HTML 404 when it is not (or no longer) stored. */
export function sendExchangePage (reply: FastifyReply, options: HtmlPagesOptions, id: string, refresh: string | undefined): FastifyReply {
  const exchange = options.store.get(id)
  if (exchange === undefined) {
    return sendHtml(reply, '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>hopwatch: no such exchange</title></head>' +
      '<body><p>No stored exchange has this id; it may have been evicted (see totals.evicted). <a href="/report/exchanges.html">Stored exchanges</a></p></body></html>\n', 404)
  }
  const findings = (options.findingsOf?.(exchange.id) ?? []).filter(isFinding)
  return sendHtml(reply, renderExchangeHtml(exchange, findings, refreshOf({ refresh })))
}

/** /report.html (and /report?format=html): the report with the stored window's timeline. */
export function sendReportPage (reply: FastifyReply, options: HtmlPagesOptions, refresh: string | undefined): FastifyReply {
  const { store } = options
  const stored = store.list({ limit: store.capacity })
  const ids = new Set(stored.map((ex) => ex.id))
  const seconds = refreshOf({ refresh })
  return sendHtml(reply, renderReportHtml(options.report(), {
    exchanges: stored.map((ex) => ({ startedAt: ex.startedAt, clientStatus: ex.clientStatus })),
    known: (id) => ids.has(id),
    ...(seconds === undefined ? {} : { refresh: seconds })
  }))
}

/** /report/exchanges.html (and /report/exchanges?format=html): stored exchanges, filtered. */
export function sendExchangeList (reply: FastifyReply, options: HtmlPagesOptions, q: PageQuery): FastifyReply {
  const { store } = options
  const status = given(q.status) === undefined ? undefined : Number(q.status)
  const header = given(q.header)
  const method = given(q.method)
  const route = given(q.route)
  const limit = given(q.limit) === undefined ? LIST_LIMIT : Number(q.limit)
  // The store filters by status and header; the route is matched here (admin requests are rare).
  const all = store.list({ limit: store.capacity, ...(status === undefined ? {} : { status }), ...(header === undefined ? {} : { header }) })
  const match = (ex: Exchange): boolean => (method === undefined || ex.method === method) && (route === undefined || ex.route === route)
  const found = all.filter(match)
  const query = { limit, ...(method === undefined ? {} : { method }), ...(route === undefined ? {} : { route }), ...(status === undefined ? {} : { status }), ...(header === undefined ? {} : { header }) }
  return sendHtml(reply, renderExchangeListHtml(found.slice(0, limit), query, found.length > limit, refreshOf(q)))
}

export function registerHtmlPages (app: FastifyInstance, options: HtmlPagesOptions): void {
  app.get<{ Querystring: PageQuery }>('/report.html', async (request, reply) => sendReportPage(reply, options, request.query.refresh))
  app.get<{ Querystring: PageQuery }>('/report/exchanges.html', async (request, reply) => sendExchangeList(reply, options, request.query))
}
