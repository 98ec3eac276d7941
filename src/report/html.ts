// The HTML pages live in ./html/; this module keeps the import path the rest of the code uses.
export { escapeHtml } from './html/escape.js'
export { codeSpans } from './html/code-spans.js'
export { renderReportHtml, type HtmlFinding, type HtmlLayer, type HtmlReportInput, type ReportPageOptions } from './html/report-page.js'
export { renderExchangeHtml, type ExchangeFinding } from './html/exchange-page.js'
export { renderExchangeListHtml, type ExchangeListQuery } from './html/exchange-list.js'
export { HEADER_CSP } from './html/styles.js'
