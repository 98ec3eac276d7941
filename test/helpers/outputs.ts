// Everything a running hopwatch shows: its log lines and every admin route in every format,
// each stored exchange with its curl reproduction included. Secret-safety tests search this.
import { request } from 'undici'
import type { TestHopwatch } from './hopwatch.js'

const ROUTES = ['/report', '/report?format=text', '/report.html', '/report/exchanges?limit=1000', '/report/exchanges.html?limit=1000', '/metrics', '/healthz']

async function text (url: string): Promise<string> {
  const res = await request(url)
  return `${res.statusCode} ${JSON.stringify(res.headers)}\n${await res.body.text()}`
}

/** Logs, every admin route and format, every exchange by id (with its curl), as one text. */
export async function everyOutput (hw: TestHopwatch): Promise<string> {
  const parts: string[] = [...hw.logs]
  for (const route of ROUTES) parts.push(await text(`${hw.adminUrl}${route}`))
  for (const ex of hw.store.list({ limit: 1000 })) {
    parts.push(await text(`${hw.adminUrl}/report/exchanges/${encodeURIComponent(ex.id)}`))
    parts.push(await text(`${hw.adminUrl}/report/exchanges/${encodeURIComponent(ex.id)}.html`))
  }
  return parts.join('\n')
}
