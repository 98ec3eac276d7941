// GET /report.html: one self-contained page a person reads in a browser. No external assets, a
// Content-Security-Policy that forbids every script, and every dynamic string HTML-escaped
// (header names, paths and routes come from traffic and may be hostile).
import { UNVERIFIED } from './text.js'

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

/** The minimal report shape the page needs; the JSON report model fits it. */
export interface HtmlReportInput {
  generatedAt?: string
  since?: string
  totals?: object
  findings?: readonly HtmlFinding[]
  layers?: readonly HtmlLayer[]
  /** Rows of plain values (name, arrived, forwarded...): rendered as a table, column per key. */
  headers?: readonly object[]
  routes?: readonly object[]
  statuses?: object
  /** Exchanges by the protocol they arrived in. */
  protocols?: object
  upstreamTls?: string
}

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' }
const SPECIAL = /[&<>"'`]/g
const MAX_ROWS = 500

export function escapeHtml (value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value)
  return text.replace(SPECIAL, (c) => ESCAPES[c] ?? c)
}

const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1d232a;background:#f6f7f9}
header{background:#1d232a;color:#fff;padding:16px 24px}header h1{margin:0;font-size:20px}
main{padding:16px 24px;max-width:1200px}section{margin-bottom:28px}
h2{font-size:16px;border-bottom:1px solid #d5d9de;padding-bottom:4px}
table{border-collapse:collapse;width:100%;background:#fff}th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #e6e9ed;vertical-align:top}
th{background:#eef0f3;font-weight:600}code{font:12px ui-monospace,monospace;background:#eef0f3;padding:1px 4px;border-radius:3px;word-break:break-all}
.finding{background:#fff;border-left:5px solid #888;padding:10px 14px;margin:10px 0}
.finding.error{border-color:#c62828}.finding.warning{border-color:#ef8f00}.finding.info{border-color:#1565c0}
.sev{display:inline-block;font-size:11px;font-weight:700;text-transform:uppercase;padding:1px 6px;border-radius:3px;color:#fff;background:#888}
.sev.error{background:#c62828}.sev.warning{background:#ef8f00}.sev.info{background:#1565c0}
.warn{background:#fdecea;border-left:4px solid #c62828;padding:8px 12px;margin:0 0 16px}
.meta{color:#5b6570;font-size:12px}.fix{margin-top:6px}.empty{color:#5b6570;font-style:italic}
dl.totals{display:flex;flex-wrap:wrap;gap:8px 24px;margin:0}dl.totals div{background:#fff;padding:8px 12px}dt{font-size:12px;color:#5b6570}dd{margin:0;font-size:18px;font-weight:600}
`

function entries (value: object | undefined): Array<[string, unknown]> {
  if (value === undefined || value === null) return []
  return Object.entries(value).filter(([, v]) => v === null || ['string', 'number', 'boolean'].includes(typeof v))
}

function findingHtml (f: HtmlFinding): string {
  const sev = ['error', 'warning', 'info'].includes(f.severity) ? f.severity : 'info'
  const where = [
    f.header === null ? '' : `header <code>${escapeHtml(f.header)}</code>`,
    f.layer === null ? '' : `layer <code>${escapeHtml(f.layer)}</code> (${escapeHtml(f.confidence)})`,
    f.route === undefined ? '' : `route <code>${escapeHtml(f.route)}</code>`,
    f.protocols === undefined || f.protocols.length === 0 ? '' : `over ${f.protocols.map((p) => `<code>${escapeHtml(p)}</code>`).join(', ')}`
  ].filter((s) => s !== '').join(' · ')
  return `<article class="finding ${sev}" data-rule="${escapeHtml(f.rule)}">
<div><span class="sev ${sev}">${escapeHtml(f.severity)}</span> <strong>${escapeHtml(f.rule)}</strong> — ${escapeHtml(f.summary)}</div>
<div class="meta">${where}${where === '' ? '' : ' · '}${escapeHtml(f.count)}× · first ${escapeHtml(f.firstSeen)} · last ${escapeHtml(f.lastSeen)}</div>
${(f.evidence ?? []).length === 0 ? '' : `<div class="meta">evidence: ${(f.evidence ?? []).map((e) => `<code>${escapeHtml(e)}</code>`).join(' ')}</div>\n`}<div class="fix"><strong>Fix:</strong> ${escapeHtml(f.remediation)}</div>
<div class="meta">examples: ${f.examples.map((id) => `<code>${escapeHtml(id)}</code>`).join(' ')}</div>
</article>`
}

function table (rows: readonly object[] | undefined, empty: string): string {
  const list = (rows ?? []).slice(0, MAX_ROWS)
  if (list.length === 0) return `<p class="empty">${escapeHtml(empty)}</p>`
  const columns: string[] = []
  for (const row of list) for (const [key] of entries(row)) if (!columns.includes(key)) columns.push(key)
  const head = columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('')
  const body = list.map((row) => {
    const values = new Map(entries(row))
    return `<tr>${columns.map((c) => `<td>${escapeHtml(values.get(c))}</td>`).join('')}</tr>`
  }).join('\n')
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`
}

function layersHtml (layers: readonly HtmlLayer[] | undefined): string {
  if (layers === undefined || layers.length === 0) return '<p class="empty">No proxy or CDN recognised in front.</p>'
  const rows = layers.map((l) => `<tr><td><strong>${escapeHtml(l.id)}</strong></td><td>${escapeHtml(l.confidence)}</td>` +
    `<td>${escapeHtml(l.exchanges)}</td><td>${l.evidence.map((e) => `<code>${escapeHtml(e)}</code>`).join(' ')}</td></tr>`)
  return `<table><thead><tr><th>layer</th><th>confidence</th><th>exchanges</th><th>evidence</th></tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table>`
}

export function renderReportHtml (report: HtmlReportInput): string {
  const findings = (report.findings ?? []).slice(0, MAX_ROWS)
  const totals = entries(report.totals).map(([k, v]) => `<div><dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd></div>`).join('')
  const statuses = entries(report.statuses).map(([code, n]) => ({ status: code, exchanges: n }))
  const protocols = entries(report.protocols).map(([protocol, n]) => ({ protocol, exchanges: n }))
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>hopwatch report</title><style>${STYLE}</style></head>
<body><header><h1>hopwatch report</h1><div class="meta">generated ${escapeHtml(report.generatedAt ?? '')}${report.since === undefined ? '' : ` · since ${escapeHtml(report.since)}`}</div></header>
<main>
${report.upstreamTls === 'unverified' ? `<p class="warn" id="upstream-tls"><strong>${escapeHtml(UNVERIFIED)}</strong></p>\n` : ''}<section id="totals"><h2>Totals</h2><dl class="totals">${totals}</dl></section>
<section id="findings"><h2>Findings (${escapeHtml(findings.length)})</h2>
${findings.length === 0 ? '<p class="empty">No findings.</p>' : findings.map(findingHtml).join('\n')}
</section>
<section id="layers"><h2>Layers in front</h2>${layersHtml(report.layers)}</section>
<section id="headers"><h2>Credential headers</h2>${table(report.headers, 'No credential header seen yet.')}</section>
<section id="routes"><h2>Routes</h2>${table(report.routes, 'No route seen yet.')}</section>
<section id="statuses"><h2>Statuses</h2>${table(statuses, 'No exchange yet.')}</section>
<section id="protocols"><h2>Protocols</h2>${table(protocols, 'No exchange yet.')}</section>
</main></body></html>
`
}
