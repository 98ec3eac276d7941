// The one stylesheet of every HTML page, and the Content-Security-Policy that lets exactly this
// stylesheet apply (by its SHA-256) and nothing else: no script, no inline style attribute, no
// external asset. Colours are variables so the dark scheme and print only swap values.
import { createHash } from 'node:crypto'

export const STYLE = `
:root{--fg:#1d232a;--muted:#5b6570;--bg:#f6f7f9;--card:#fff;--line:#e6e9ed;--head:#eef0f3;--bar:#1d232a;--bar-fg:#fff;--link:#0b57d0;
--c1:#7b8794;--c2:#2e7d32;--c3:#1565c0;--c4:#ef8f00;--c5:#c62828;--arrived:#1565c0;--forwarded:#2e7d32}
@media (prefers-color-scheme:dark){:root{--fg:#e3e6ea;--muted:#9aa4ae;--bg:#14181c;--card:#1d232a;--line:#2c343c;--head:#252c34;--bar:#0b0e11;--bar-fg:#e3e6ea;--link:#8ab4f8;
--c1:#9aa4ae;--c2:#66bb6a;--c3:#64b5f6;--c4:#ffb74d;--c5:#ef5350;--arrived:#64b5f6;--forwarded:#66bb6a}}
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:var(--fg);background:var(--bg)}
a{color:var(--link)}
header.top{background:var(--bar);color:var(--bar-fg);padding:16px 24px}header.top h1{margin:0;font-size:20px}
header.top .meta{color:inherit;opacity:.85}header.top code{background:rgba(255,255,255,.16);color:inherit}nav a{color:inherit;margin-right:16px}
main{padding:16px 24px;max-width:1200px}section{margin-bottom:28px}
h2{font-size:16px;border-bottom:1px solid var(--line);padding-bottom:4px}h3{font-size:14px;margin:14px 0 6px}
table{border-collapse:collapse;width:100%;background:var(--card)}th,td{text-align:left;padding:6px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{background:var(--head);font-weight:600}code,pre{font:12px ui-monospace,monospace;background:var(--head);padding:1px 4px;border-radius:3px;word-break:break-all}
pre{padding:10px;white-space:pre-wrap}
.finding{background:var(--card);border-left:5px solid #888;padding:10px 14px;margin:10px 0}
.finding:target{outline:2px solid var(--link)}
.finding.error{border-color:var(--c5)}.finding.warning{border-color:var(--c4)}.finding.info{border-color:var(--c3)}
.sev{display:inline-block;font-size:11px;font-weight:700;text-transform:uppercase;padding:1px 6px;border-radius:3px;color:#fff;background:#888}
.sev.error{background:#c62828}.sev.warning{background:#b26a00}.sev.info{background:#1565c0}
.warn{background:var(--card);border-left:4px solid var(--c5);padding:8px 12px;margin:0 0 16px}
.meta{color:var(--muted);font-size:12px}.fix{margin-top:6px}.empty{color:var(--muted);font-style:italic}
ul.evidence{margin:4px 0;padding-left:20px}
dl.totals{display:flex;flex-wrap:wrap;gap:8px 24px;margin:0}dl.totals div{background:var(--card);padding:8px 12px}dt{font-size:12px;color:var(--muted)}dd{margin:0;font-size:18px;font-weight:600}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;background:var(--card);padding:10px 14px;margin:0}dl.facts dt{font-size:13px}dl.facts dd{font-size:13px;font-weight:400}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(440px,1fr));gap:16px}
figure.chart{background:var(--card);margin:0;padding:10px 12px}figure.chart figcaption{font-weight:600;margin-bottom:6px}
svg.chart{width:100%;height:auto;display:block}svg.chart text{fill:var(--fg);font:11px system-ui,sans-serif}
svg.chart .axis{stroke:var(--line)}.s1xx,.sother{fill:var(--c1)}.s2xx{fill:var(--c2)}.s3xx{fill:var(--c3)}.s4xx{fill:var(--c4)}.s5xx{fill:var(--c5)}
.arrived{fill:var(--arrived)}.forwarded{fill:var(--forwarded)}.u401{fill:var(--c4)}
.key span{display:inline-block;width:10px;height:10px;margin:0 4px 0 10px}.key .s1xx,.key .sother{background:var(--c1)}.key .s2xx{background:var(--c2)}
.key .s3xx{background:var(--c3)}.key .s4xx{background:var(--c4)}.key .s5xx{background:var(--c5)}.key .arrived{background:var(--arrived)}.key .forwarded{background:var(--forwarded)}
details.data summary{cursor:pointer;color:var(--muted);font-size:12px;margin-top:6px}
@media print{:root{--fg:#000;--muted:#333;--bg:#fff;--card:#fff;--line:#bbb;--head:#eee;--bar:#fff;--bar-fg:#000;--link:#000}
nav{display:none}header.top{border-bottom:2px solid #000;padding:0 0 8px}main{padding:0;max-width:none}
.finding,figure.chart,tr{break-inside:avoid}a{text-decoration:none}}
`

const STYLE_HASH = createHash('sha256').update(STYLE, 'utf8').digest('base64')

/** The policy of every HTML page, sent as a header and repeated in a <meta> for saved copies. */
export const PAGE_CSP = `default-src 'none'; style-src 'sha256-${STYLE_HASH}'; img-src data:; base-uri 'none'; form-action 'none'`

/** The header form adds what a <meta> cannot carry. */
export const HEADER_CSP = `${PAGE_CSP}; frame-ancestors 'none'`
