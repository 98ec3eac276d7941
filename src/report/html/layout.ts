// The frame every HTML page shares: head (CSP, optional meta refresh), title bar, nav, main.
import { escapeHtml } from './escape.js'
import { PAGE_CSP, STYLE } from './styles.js'

export interface PageFrame {
  title: string
  /** A line under the title (already HTML). */
  subtitle?: string
  /** Seconds between reloads (meta refresh), when asked for with ?refresh=N. */
  refresh?: number
  /** The page body inside <main> (already HTML). */
  body: string
}

export function framePage (frame: PageFrame): string {
  const refresh = frame.refresh === undefined ? '' : `<meta http-equiv="refresh" content="${escapeHtml(Math.trunc(frame.refresh))}">\n`
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${PAGE_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="color-scheme" content="light dark">
${refresh}<title>${escapeHtml(frame.title)}</title><style>${STYLE}</style></head>
<body><header class="top"><h1>${escapeHtml(frame.title)}</h1>${frame.subtitle === undefined ? '' : `<div class="meta">${frame.subtitle}</div>`}
<nav><a href="/report.html">Report</a><a href="/report/exchanges.html">Exchanges</a></nav></header>
<main>
${frame.body}
</main></body></html>
`
}
