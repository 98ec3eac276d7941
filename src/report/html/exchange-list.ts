// GET /report/exchanges.html: the stored exchanges, newest first, filtered by route (from the
// routes table), header or status; each row links to the exchange's page.
import type { Exchange } from '../../capture/types.js'
import { escapeHtml, exchangeHref } from './escape.js'
import { framePage } from './layout.js'

export interface ExchangeListQuery { method?: string; route?: string; status?: number; header?: string; limit: number }

function filterText (q: ExchangeListQuery): string {
  const parts = [
    q.method === undefined && q.route === undefined ? '' : `route <code>${escapeHtml(`${q.method ?? '*'} ${q.route ?? '*'}`)}</code>`,
    q.header === undefined ? '' : `header <code>${escapeHtml(q.header)}</code>`,
    q.status === undefined ? '' : `status ${escapeHtml(q.status)}`
  ].filter((s) => s !== '')
  return parts.length === 0 ? 'every stored exchange' : parts.join(' · ')
}

function row (ex: Exchange): string {
  const names = (list: ReadonlyArray<{ name: string }> | null): string => list === null ? '—' : list.map((h) => `<code>${escapeHtml(h.name)}</code>`).join(' ')
  return `<tr><td><a href="${exchangeHref(ex.id)}"><code>${escapeHtml(ex.id)}</code></a></td><td>${escapeHtml(new Date(ex.startedAt).toISOString())}</td>` +
    `<td>${escapeHtml(ex.method)}</td><td><code>${escapeHtml(ex.path)}</code></td><td>${escapeHtml(ex.clientStatus)}</td>` +
    `<td>${names(ex.arrived)}</td><td>${names(ex.forwarded)}</td><td>${ex.droppedHere.map((n) => `<code>${escapeHtml(n)}</code>`).join(' ')}</td></tr>`
}

/** `exchanges`: already filtered and cut to the limit, newest first; `more` when the limit cut some. */
export function renderExchangeListHtml (exchanges: readonly Exchange[], query: ExchangeListQuery, more: boolean, refresh?: number): string {
  const table = exchanges.length === 0
    ? '<p class="empty">No stored exchange matches.</p>'
    : `<table><thead><tr><th>id</th><th>started (UTC)</th><th>method</th><th>path</th><th>status</th><th>arrived</th><th>forwarded</th><th>dropped here</th></tr></thead><tbody>
${exchanges.map(row).join('\n')}
</tbody></table>`
  const note = more ? `<p class="meta">The newest ${escapeHtml(query.limit)} are shown; more are stored (raise <code>limit</code>).</p>` : ''
  const body = `<section id="exchanges"><h2>${escapeHtml(exchanges.length)} exchanges: ${filterText(query)}</h2>${note}${table}</section>`
  return framePage({ title: 'hopwatch exchanges', subtitle: 'stored exchanges, newest first; fingerprints only', body, ...(refresh === undefined ? {} : { refresh }) })
}
