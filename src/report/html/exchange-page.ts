// GET /report/exchanges/:id.html: one exchange for a person. What arrived, what left for the
// upstream, what the upstream answered, the layers its headers show, the findings it belongs to
// (linked to their groups on /report.html) and a redacted curl that reproduces its shape.
import type { Challenge, Exchange } from '../../capture/types.js'
import { recogniseLayers } from '../../diagnose/layers/index.js'
import { viewOf } from '../../diagnose/view.js'
import { redactedCurl } from '../curl.js'
import { findingAnchor } from './anchors.js'
import { codeSpans } from './code-spans.js'
import { escapeHtml, hrefOf } from './escape.js'
import { headerLines } from './fingerprint-text.js'
import { framePage } from './layout.js'

/** A finding of this exchange as the diagnosis keeps it (names and fingerprints only). */
export interface ExchangeFinding {
  rule: string
  severity: string
  header: string | null
  layer: string | null
  confidence: string
  summary: string
  remediation: string
  evidence: readonly string[]
  route?: string
}

const SEVERITIES = ['error', 'warning', 'info']

function rowsTable (head: readonly string[], rows: ReadonlyArray<readonly string[]>, empty: string): string {
  if (rows.length === 0) return `<p class="empty">${escapeHtml(empty)}</p>`
  const body = rows.map((r) => `<tr>${r.map((v, i) => `<td>${i === 0 ? `<code>${escapeHtml(v)}</code>` : escapeHtml(v)}</td>`).join('')}</tr>`).join('\n')
  return `<table><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>\n${body}\n</tbody></table>`
}

function facts (pairs: ReadonlyArray<[string, string]>): string {
  return `<dl class="facts">${pairs.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${v}</dd>`).join('')}</dl>`
}

function challengeText (c: Challenge): string {
  return [c.scheme, c.realm === null ? '' : `realm="${c.realm}"`, c.error === null ? '' : `error="${c.error}"`,
    c.params.length === 0 ? '' : `params: ${c.params.join(', ')}`].filter((s) => s !== '').join(' ')
}

function arrivedHtml (ex: Exchange): string {
  const context = Object.entries(ex.context).flatMap(([name, values]) => values.map((v) => [name, v]))
  return `<h3>Credential headers</h3>${rowsTable(['header', 'line', 'fingerprint'], headerLines(ex.arrived), 'No credential header arrived.')}
<h3>Headers that show the layers in front (non-secret values)</h3>${rowsTable(['header', 'value'], context, 'None.')}
<h3>Every request header name, as it arrived</h3><p>${ex.headerNames.map((n) => `<code>${escapeHtml(n)}</code>`).join(' ')}</p>`
}

function forwardedHtml (ex: Exchange): string {
  if (ex.forwarded === null) return '<p class="empty">Nothing was sent upstream.</p>'
  const dropped = ex.droppedHere.map((name) => [name, ex.dropReasons[name] ?? ''])
  return `<h3>Credential headers sent upstream</h3>${rowsTable(['header', 'line', 'fingerprint'], headerLines(ex.forwarded), 'No credential header left for the upstream.')}
<h3>Dropped here (arrived, not forwarded)</h3>${rowsTable(['header', 'why'], dropped, 'Nothing was dropped here.')}`
}

function answerHtml (ex: Exchange): string {
  const r = ex.response
  const rows: Array<[string, string]> = [
    ['status', `${escapeHtml(r.status)} (answered by ${escapeHtml(r.source)})`],
    ['to the client', escapeHtml(ex.clientStatus)]
  ]
  for (const c of r.wwwAuthenticate) rows.push(['WWW-Authenticate', `<code>${escapeHtml(challengeText(c))}</code>`])
  for (const c of r.proxyAuthenticate) rows.push(['Proxy-Authenticate', `<code>${escapeHtml(challengeText(c))}</code>`])
  for (const c of r.setCookies) rows.push(['Set-Cookie', `<code>${escapeHtml(c.name)}</code> ${escapeHtml(c.attributes.join('; '))}`])
  if (r.location !== null) rows.push(['Location', `<code>${escapeHtml(r.location)}</code>`])
  if (r.date !== null) rows.push(['Date', escapeHtml(r.date)])
  if (r.retryAfter !== null) rows.push(['Retry-After', escapeHtml(r.retryAfter)])
  if (ex.error !== null) rows.push(['error', `<code>${escapeHtml(ex.error.code)}</code> ${escapeHtml(ex.error.message)}`])
  if (ex.aborted) rows.push(['aborted', 'the client went away before the response was complete'])
  return facts(rows)
}

function layersHtml (ex: Exchange): string {
  const sightings = recogniseLayers(viewOf(ex), ex)
  return rowsTable(['layer', 'confidence', 'evidence'], sightings.map((s) => [s.id, s.confidence, s.evidence.join(' · ')]), 'No proxy or CDN recognised from this exchange\'s headers.')
}

function findingHtml (f: ExchangeFinding, route: string): string {
  const sev = SEVERITIES.includes(f.severity) ? f.severity : 'info'
  const group = `/report.html#${findingAnchor(f, f.route ?? route)}`
  return `<article class="finding ${sev}" data-rule="${escapeHtml(f.rule)}">
<div><span class="sev ${sev}">${escapeHtml(f.severity)}</span> <a href="${escapeHtml(group)}"><strong>${escapeHtml(f.rule)}</strong></a> — ${codeSpans(f.summary)}</div>
<div class="meta">${f.header === null ? '' : `header <code>${escapeHtml(f.header)}</code> · `}${f.layer === null ? '' : `layer <code>${escapeHtml(f.layer)}</code> · `}confidence ${escapeHtml(f.confidence)}</div>
${f.evidence.length === 0 ? '' : `<ul class="evidence">${f.evidence.map((e) => `<li><code>${escapeHtml(e)}</code></li>`).join('')}</ul>\n`}<div class="fix"><strong>Fix:</strong> ${codeSpans(f.remediation)}</div>
</article>`
}

export function renderExchangeHtml (ex: Exchange, findings: readonly ExchangeFinding[], refresh?: number): string {
  const query = ex.queryKeys.length === 0 ? '' : `?${ex.queryKeys.join('&')}`
  const routeLink = `<a href="${hrefOf('/report/exchanges.html', { method: ex.method, route: ex.route })}"><code>${escapeHtml(ex.route)}</code></a>`
  const body = `<section id="summary"><h2>Request</h2>${facts([
    ['id', `<code>${escapeHtml(ex.id)}</code>`],
    ['started', escapeHtml(new Date(ex.startedAt).toISOString())],
    ['request', `<code>${escapeHtml(`${ex.method} ${ex.path}${query}`)}</code> HTTP/${escapeHtml(ex.httpVersion)}${ex.websocket ? ' (websocket)' : ''}`],
    ['protocol', `${escapeHtml(ex.protocol)}${ex.tls ? ' over TLS' : ''}`],
    ...(ex.response.grpcStatus === undefined ? [] : [['gRPC status', escapeHtml(ex.response.grpcStatus)] as [string, string]]),
    ['route', `${routeLink} <span class="meta">(every stored exchange of this route)</span>`],
    ['duration', `${escapeHtml(ex.durationMs.toFixed(1))} ms`],
    ...(ex.pairId === undefined || ex.pairId === null ? [] : [['edge/origin pair', `<code>${escapeHtml(ex.pairId)}</code>`] as [string, string]])
  ])}</section>
<section id="arrived"><h2>What arrived</h2>${arrivedHtml(ex)}</section>
<section id="forwarded"><h2>What left for the upstream</h2>${forwardedHtml(ex)}</section>
<section id="answer"><h2>What the upstream answered</h2>${answerHtml(ex)}</section>
<section id="layers"><h2>Layers seen</h2>${layersHtml(ex)}</section>
<section id="findings"><h2>Findings (${findings.length})</h2>${findings.length === 0 ? '<p class="empty">No finding on this exchange.</p>' : findings.map((f) => findingHtml(f, ex.route)).join('\n')}</section>
<section id="curl"><h2>Reproduce (secrets replaced by placeholders)</h2><pre>${escapeHtml(redactedCurl(ex))}</pre></section>`
  return framePage({ title: `hopwatch exchange ${ex.id}`, subtitle: `${escapeHtml(ex.method)} <code>${escapeHtml(ex.path)}</code> → ${escapeHtml(ex.clientStatus)}`, body, ...(refresh === undefined ? {} : { refresh }) })
}
