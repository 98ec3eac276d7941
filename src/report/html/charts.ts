// At-a-glance pictures as inline SVG: no script, no external asset, colours from the stylesheet
// (so light, dark and print follow it). Each chart has a <title>/<desc>, an aria label and a
// table with the same numbers for readers that do not see the picture.
import { escapeHtml } from './escape.js'

export interface ChartExchange { startedAt: number; clientStatus: number }
export interface ChartRoute { method: string; route: string; unauthorized: number }
export interface ChartHeader { name: string; arrived: number; forwarded: number }

const WIDTH = 480
const MAX_BUCKETS = 60
const MAX_BARS = 12
const LABEL_CHARS = 26
/** Bucket widths in minutes: the smallest that fits the stored window in MAX_BUCKETS is used. */
const STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 360, 720, 1440, 10080]
export const STATUS_CLASSES = ['2xx', '3xx', '4xx', '5xx', 'other'] as const
type StatusClass = typeof STATUS_CLASSES[number]

function classOf (status: number): StatusClass {
  if (status >= 200 && status < 600) return `${Math.floor(status / 100)}xx` as StatusClass
  return 'other'
}

const hhmm = (ms: number): string => new Date(ms).toISOString().slice(11, 16)
const dayHhmm = (ms: number): string => new Date(ms).toISOString().slice(0, 16).replace('T', ' ')
const short = (text: string): string => text.length <= LABEL_CHARS ? text : `${text.slice(0, LABEL_CHARS - 1)}…`

interface Drawing { height: number; body: string }

function figure (id: string, caption: string, desc: string, svg: Drawing, key: string, table: string): string {
  return `<figure class="chart" id="${id}"><figcaption>${escapeHtml(caption)}</figcaption>
<svg class="chart" role="img" aria-labelledby="${id}-title ${id}-desc" viewBox="0 0 ${WIDTH} ${svg.height}" xmlns="http://www.w3.org/2000/svg">
<title id="${id}-title">${escapeHtml(caption)}</title><desc id="${id}-desc">${escapeHtml(desc)}</desc>
${svg.body}
</svg>${key === '' ? '' : `\n<div class="key meta">${key}</div>`}
<details class="data"><summary>The numbers as a table</summary>${table}</details></figure>`
}

const drawing = (height: number, body: string): Drawing => ({ height, body })

function empty (id: string, caption: string, sentence: string): string {
  return `<figure class="chart" id="${id}"><figcaption>${escapeHtml(caption)}</figcaption><p class="empty">${escapeHtml(sentence)}</p></figure>`
}

function keyOf (classes: readonly string[]): string {
  return classes.map((c) => `<span class="${c}"></span>${escapeHtml(c.replace(/^s/, ''))}`).join('')
}

function tableOf (head: readonly string[], rows: ReadonlyArray<readonly unknown[]>): string {
  const th = head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')
  const body = rows.map((r) => `<tr>${r.map((v) => `<td>${escapeHtml(v)}</td>`).join('')}</tr>`).join('\n')
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`
}

/** Exchanges per minute (or wider bucket) by status class, over the stored window. */
export function timelineChart (exchanges: readonly ChartExchange[]): string {
  const id = 'chart-timeline'
  if (exchanges.length === 0) return empty(id, 'Exchanges per minute by status class', 'No exchange stored yet.')
  let first = Infinity
  let last = -Infinity
  for (const ex of exchanges) { first = Math.min(first, ex.startedAt); last = Math.max(last, ex.startedAt) }
  const step = (STEPS.find((m) => Math.floor(last / (m * 60_000)) - Math.floor(first / (m * 60_000)) < MAX_BUCKETS) ?? 10080) * 60_000
  const start = Math.floor(first / step) * step
  const count = Math.floor(last / step) - Math.floor(first / step) + 1
  const buckets = Array.from({ length: count }, () => new Map<StatusClass, number>())
  for (const ex of exchanges) {
    const bucket = buckets[Math.floor((ex.startedAt - start) / step)]
    if (bucket === undefined) continue
    const c = classOf(ex.clientStatus)
    bucket.set(c, (bucket.get(c) ?? 0) + 1)
  }
  const totals = buckets.map((b) => [...b.values()].reduce((a, n) => a + n, 0))
  const peak = Math.max(1, ...totals)
  const unit = step === 60_000 ? 'minute' : `${step / 60_000} minutes`
  const caption = `Exchanges per ${unit} by status class`
  const left = 40
  const top = 10
  const plotH = 150
  const plotW = WIDTH - left - 10
  // A short window keeps narrow bars (one wide block would read as a level, not a count).
  const barW = Math.min(plotW / count, 36)
  const rects: string[] = []
  buckets.forEach((bucket, i) => {
    let y = top + plotH
    for (const c of STATUS_CLASSES) {
      const n = bucket.get(c) ?? 0
      if (n === 0) continue
      const h = (n / peak) * plotH
      y -= h
      rects.push(`<rect class="s${c}" x="${(left + i * barW + 1).toFixed(1)}" y="${y.toFixed(1)}" width="${Math.max(1, barW - 2).toFixed(1)}" height="${h.toFixed(1)}"><title>${escapeHtml(`${hhmm(start + i * step)} ${c}: ${n}`)}</title></rect>`)
    }
  })
  const svg = drawing(top + plotH + 24, [
    `<line class="axis" x1="${left}" y1="${top + plotH}" x2="${WIDTH - 10}" y2="${top + plotH}"/>`,
    `<line class="axis" x1="${left}" y1="${top}" x2="${left}" y2="${top + plotH}"/>`,
    `<text x="${left - 4}" y="${top + 8}" text-anchor="end">${peak}</text><text x="${left - 4}" y="${top + plotH}" text-anchor="end">0</text>`,
    ...rects,
    `<text x="${left}" y="${top + plotH + 16}">${escapeHtml(dayHhmm(start))}</text>`,
    `<text x="${Math.max(left + count * barW, left + 210).toFixed(1)}" y="${top + plotH + 16}" text-anchor="end">${escapeHtml(hhmm(start + count * step))} UTC</text>`
  ].join('\n'))
  const busiest = totals.indexOf(Math.max(...totals))
  const desc = `${exchanges.length} stored exchanges from ${dayHhmm(start)} to ${hhmm(start + count * step)} UTC in ${count} bars of one ${unit}; the busiest starts at ${hhmm(start + busiest * step)} with ${totals[busiest] ?? 0}.`
  const rows = buckets.flatMap((b, i) => (totals[i] ?? 0) === 0 ? [] : [[dayHhmm(start + i * step), ...STATUS_CLASSES.map((c) => b.get(c) ?? 0)]])
  return figure(id, caption, desc, svg, keyOf(STATUS_CLASSES.map((c) => `s${c}`)), tableOf(['from (UTC)', ...STATUS_CLASSES], rows))
}

interface Bar { label: string; values: ReadonlyArray<{ cls: string; n: number }> }

/** Horizontal bars, one row per label, one bar per series. */
function barsSvg (bars: readonly Bar[]): Drawing {
  const left = 170
  const rowH = 8 + 14 * (bars[0]?.values.length ?? 1)
  const plotW = WIDTH - left - 50
  const peak = Math.max(1, ...bars.flatMap((b) => b.values.map((v) => v.n)))
  const out: string[] = []
  bars.forEach((bar, i) => {
    const y = 6 + i * rowH
    out.push(`<text x="${left - 6}" y="${y + 12}" text-anchor="end"><title>${escapeHtml(bar.label)}</title>${escapeHtml(short(bar.label))}</text>`)
    bar.values.forEach((v, j) => {
      const w = Math.max(v.n === 0 ? 0 : 1, (v.n / peak) * plotW)
      const by = y + j * 14
      out.push(`<rect class="${v.cls}" x="${left}" y="${by + 2}" width="${w.toFixed(1)}" height="12"><title>${escapeHtml(`${bar.label} ${v.cls}: ${v.n}`)}</title></rect>`)
      out.push(`<text x="${(left + w + 4).toFixed(1)}" y="${by + 12}">${v.n}</text>`)
    })
  })
  return drawing(12 + bars.length * rowH, out.join('\n'))
}

/** 401s answered per route, most first. */
export function unauthorizedChart (routes: readonly ChartRoute[]): string {
  const id = 'chart-401'
  const caption = '401s per route'
  const hit = routes.filter((r) => r.unauthorized > 0).sort((a, b) => b.unauthorized - a.unauthorized || a.route.localeCompare(b.route))
  if (hit.length === 0) return empty(id, caption, 'No route answered 401.')
  const shown = hit.slice(0, MAX_BARS)
  const bars = shown.map((r) => ({ label: `${r.method} ${r.route}`, values: [{ cls: 'u401', n: r.unauthorized }] }))
  const total = hit.reduce((a, r) => a + r.unauthorized, 0)
  const desc = `${total} answers of 401 on ${hit.length} routes; most on ${bars[0]?.label ?? ''} (${shown[0]?.unauthorized ?? 0}).${hit.length > MAX_BARS ? ` The ${MAX_BARS} with most are drawn.` : ''}`
  return figure(id, caption, desc, barsSvg(bars), '', tableOf(['method', 'route', '401s'], hit.map((r) => [r.method, r.route, r.unauthorized])))
}

/** Per credential header: how many exchanges it arrived in, and how many it left for the upstream in. */
export function headersChart (headers: readonly ChartHeader[]): string {
  const id = 'chart-headers'
  const caption = 'Credential headers: arrived vs forwarded'
  if (headers.length === 0) return empty(id, caption, 'No credential header seen yet.')
  const shown = [...headers].sort((a, b) => b.arrived - a.arrived || a.name.localeCompare(b.name)).slice(0, MAX_BARS)
  const bars = shown.map((h) => ({ label: h.name, values: [{ cls: 'arrived', n: h.arrived }, { cls: 'forwarded', n: h.forwarded }] }))
  const lost = headers.filter((h) => h.forwarded < h.arrived).map((h) => `${h.name} (${h.arrived - h.forwarded} not forwarded)`)
  const desc = `${headers.length} credential headers. ${lost.length === 0 ? 'Every one that arrived was forwarded.' : `Forwarded less often than they arrived: ${lost.join(', ')}.`}`
  return figure(id, caption, desc, barsSvg(bars), keyOf(['arrived', 'forwarded']), tableOf(['header', 'arrived', 'forwarded'], headers.map((h) => [h.name, h.arrived, h.forwarded])))
}
