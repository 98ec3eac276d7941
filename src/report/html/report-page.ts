// GET /report.html: one self-contained page a person reads in a browser. No external assets, a
// Content-Security-Policy that forbids every script, and every dynamic string HTML-escaped
// (header names, paths and routes come from traffic and may be hostile). Findings link to their
// example exchanges, routes and headers to the exchanges they filter, charts sum the traffic up.
import { UNVERIFIED } from '../text.js'
import { EVIDENCE_LADDER } from '../../diagnose/evidence.js'
import { findingAnchor } from './anchors.js'
import { headersChart, timelineChart, unauthorizedChart, type ChartExchange } from './charts.js'
import { codeSpans } from './code-spans.js'
import { escapeHtml, exchangeHref, hrefOf } from './escape.js'
import { framePage } from './layout.js'

export interface HtmlFinding {
  rule: string
  severity: string
  header: string | null
  layer: string | null
  confidence: string
  route?: string
  count: number
  firstSeen: string
  lastSeen: string
  summary: string
  remediation: string
  examples: readonly string[]
  protocols?: readonly string[]
  /** What the finding saw, names and fingerprints only. */
  evidence?: readonly string[]
}

export interface HtmlLayer {
  id: string
  confidence: string
  evidence: readonly string[]
  exchanges: number
}

export interface HtmlHeaderRow { name: string; arrived: number; forwarded: number; droppedHere: number; onUnauthorized: number }
export interface HtmlRouteRow { method: string; route: string; exchanges: number; unauthorized: number; withCredentials: number }

/** The minimal report shape the page needs; the JSON report model fits it. */
export interface HtmlReportInput {
  generatedAt?: string
  since?: string
  totals?: object
  findings?: readonly HtmlFinding[]
  layers?: readonly HtmlLayer[]
  headers?: readonly HtmlHeaderRow[]
  routes?: readonly HtmlRouteRow[]
  statuses?: object
  /** Exchanges by the protocol they arrived in. */
  protocols?: object
  upstreamTls?: string
}

export interface ReportPageOptions {
  /** The stored exchanges (start and status only) for the timeline; none when not given. */
  exchanges?: readonly ChartExchange[]
  /** True when an exchange id is still stored: only those get a link (evicted ones would 404). */
  known?: (id: string) => boolean
  refresh?: number
}

const MAX_ROWS = 500
/** A header name the exchange list can filter on (the admin's `header` query parameter). */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$/
const SEVERITIES = ['error', 'warning', 'info']

function entries (value: object | undefined): Array<[string, unknown]> {
  if (value === undefined || value === null) return []
  return Object.entries(value).filter(([, v]) => v === null || ['string', 'number', 'boolean'].includes(typeof v))
}

function exampleLink (id: string, known: (id: string) => boolean): string {
  if (!known(id)) return `<code>${escapeHtml(id)}</code> <span class="meta">(no longer stored)</span>`
  return `<a href="${exchangeHref(id)}"><code>${escapeHtml(id)}</code></a>`
}

function findingHtml (f: HtmlFinding, known: (id: string) => boolean): string {
  const sev = SEVERITIES.includes(f.severity) ? f.severity : 'info'
  const where = [
    f.header === null ? '' : `header <code>${escapeHtml(f.header)}</code>`,
    f.layer === null ? '' : `layer <code>${escapeHtml(f.layer)}</code> (${escapeHtml(f.confidence)})`,
    f.route === undefined ? '' : `route <code>${escapeHtml(f.route)}</code>`,
    f.protocols === undefined || f.protocols.length === 0 ? '' : `over ${f.protocols.map((p) => `<code>${escapeHtml(p)}</code>`).join(', ')}`
  ].filter((s) => s !== '').join(' · ')
  const ladder = Object.hasOwn(EVIDENCE_LADDER, f.confidence) ? EVIDENCE_LADDER[f.confidence as keyof typeof EVIDENCE_LADDER] : ''
  const evidence = f.evidence ?? []
  return `<article class="finding ${sev}" id="${findingAnchor(f)}" data-rule="${escapeHtml(f.rule)}">
<div><span class="sev ${sev}">${escapeHtml(f.severity)}</span> <strong>${escapeHtml(f.rule)}</strong> — ${codeSpans(f.summary)}</div>
<div class="meta">${where}${where === '' ? '' : ' · '}${escapeHtml(f.count)}× · first ${escapeHtml(f.firstSeen)} · last ${escapeHtml(f.lastSeen)}</div>
${evidence.length === 0 ? '' : `<div class="meta">evidence (${escapeHtml(f.confidence)}${ladder === '' ? '' : `: ${escapeHtml(ladder)}`}):</div>
<ul class="evidence">${evidence.map((e) => `<li><code>${escapeHtml(e)}</code></li>`).join('')}</ul>\n`}<div class="fix"><strong>Fix:</strong> ${codeSpans(f.remediation)}</div>
<div class="meta">examples: ${f.examples.map((id) => exampleLink(id, known)).join(' ')}</div>
</article>`
}

function table (head: readonly string[], rows: readonly string[], empty: string): string {
  if (rows.length === 0) return `<p class="empty">${escapeHtml(empty)}</p>`
  return `<table><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table>`
}

const cells = (values: readonly unknown[]): string => values.map((v) => `<td>${escapeHtml(v)}</td>`).join('')

function layersHtml (layers: readonly HtmlLayer[] | undefined): string {
  const rows = (layers ?? []).map((l) => `<tr><td><strong>${escapeHtml(l.id)}</strong></td><td>${escapeHtml(l.confidence)}</td>` +
    `<td>${escapeHtml(l.exchanges)}</td><td>${l.evidence.map((e) => `<code>${escapeHtml(e)}</code>`).join(' ')}</td></tr>`)
  return table(['layer', 'confidence', 'exchanges', 'evidence'], rows, 'No proxy or CDN recognised in front.')
}

function headersHtml (headers: readonly HtmlHeaderRow[]): string {
  const rows = headers.slice(0, MAX_ROWS).map((h) => {
    const name = TOKEN.test(h.name) ? `<a href="${hrefOf('/report/exchanges.html', { header: h.name })}">${escapeHtml(h.name)}</a>` : escapeHtml(h.name)
    return `<tr><td>${name}</td>${cells([h.arrived, h.forwarded, h.droppedHere, h.onUnauthorized])}</tr>`
  })
  return table(['name', 'arrived', 'forwarded', 'dropped here', 'on 401'], rows, 'No credential header seen yet.')
}

function routesHtml (routes: readonly HtmlRouteRow[]): string {
  const rows = routes.slice(0, MAX_ROWS).map((r) => {
    // `(other)` gathers routes past the cap: no single route to filter on.
    const name = r.route === '(other)' ? escapeHtml(r.route) : `<a href="${hrefOf('/report/exchanges.html', { method: r.method, route: r.route })}">${escapeHtml(r.route)}</a>`
    return `<tr>${cells([r.method])}<td>${name}</td>${cells([r.exchanges, r.unauthorized, r.withCredentials])}</tr>`
  })
  return table(['method', 'route', 'exchanges', '401s', 'with credentials'], rows, 'No route seen yet.')
}

export function renderReportHtml (report: HtmlReportInput, options: ReportPageOptions = {}): string {
  const known = options.known ?? (() => false)
  const findings = (report.findings ?? []).slice(0, MAX_ROWS)
  const totals = entries(report.totals).map(([k, v]) => `<div><dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd></div>`).join('')
  const statuses = entries(report.statuses).map(([code, n]) => `<tr>${cells([code, n])}</tr>`)
  const protocols = entries(report.protocols).map(([protocol, n]) => `<tr>${cells([protocol, n])}</tr>`)
  const body = `${report.upstreamTls === 'unverified' ? `<p class="warn" id="upstream-tls"><strong>${escapeHtml(UNVERIFIED)}</strong></p>\n` : ''}<section id="totals"><h2>Totals</h2><dl class="totals">${totals}</dl></section>
<section id="charts"><h2>At a glance</h2><div class="charts">
${timelineChart(options.exchanges ?? [])}
${unauthorizedChart(report.routes ?? [])}
${headersChart(report.headers ?? [])}
</div></section>
<section id="findings"><h2>Findings (${escapeHtml(findings.length)})</h2>
${findings.length === 0 ? '<p class="empty">No findings.</p>' : findings.map((f) => findingHtml(f, known)).join('\n')}
</section>
<section id="layers"><h2>Layers in front</h2>${layersHtml(report.layers)}</section>
<section id="headers"><h2>Credential headers</h2>${headersHtml(report.headers ?? [])}</section>
<section id="routes"><h2>Routes</h2>${routesHtml(report.routes ?? [])}</section>
<section id="statuses"><h2>Statuses</h2>${table(['status', 'exchanges'], statuses, 'No exchange yet.')}</section>
<section id="protocols"><h2>Protocols</h2>${table(['protocol', 'exchanges'], protocols, 'No exchange yet.')}</section>`
  const subtitle = `generated ${escapeHtml(report.generatedAt ?? '')}${report.since === undefined ? '' : ` · since ${escapeHtml(report.since)}`}`
  return framePage({ title: 'hopwatch report', subtitle, body, ...(options.refresh === undefined ? {} : { refresh: options.refresh }) })
}
