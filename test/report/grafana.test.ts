// The Grafana dashboard (docker/grafana/) and the example alerts (docker/prometheus-alerts.yaml)
// query only what hopwatch really exports: every metric they name, and every label they match
// or group by, is read from the /metrics of a real sidecar that has seen real traffic.
import t from 'tap'
import { readFileSync } from 'node:fs'
import { parse as parseYaml } from 'yaml'
import { startEchoUpstream } from '../helpers/echo-upstream.js'
import { rawRequest, startHopwatch, waitForExchanges } from '../helpers/hopwatch.js'

/** Labels Prometheus adds when it scrapes (and `le` of histogram buckets). */
const SCRAPE_LABELS = new Set(['job', 'instance'])

interface Exported { labels: Map<string, Set<string>> }

/** Metric names and their label names from Prometheus text exposition. */
function parseExposition (text: string): Exported {
  const labels = new Map<string, Set<string>>()
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)/.exec(line)
    if (type !== null) {
      const [, name, kind] = type as unknown as [string, string, string]
      const names = kind === 'histogram' ? [`${name}_bucket`, `${name}_sum`, `${name}_count`] : [name]
      for (const n of names) if (!labels.has(n)) labels.set(n, new Set())
      continue
    }
    if (line.startsWith('#') || line.trim() === '') continue
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{([^}]*)\})?\s/.exec(line)
    if (sample === null) continue
    const set = labels.get(sample[1] as string) ?? new Set<string>()
    labels.set(sample[1] as string, set)
    for (const m of (sample[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="/g)) set.add(m[1] as string)
  }
  return { labels }
}

function dashboardExprs (): Array<{ where: string; expr: string }> {
  const dash = JSON.parse(readFileSync('docker/grafana/hopwatch-dashboard.json', 'utf8')) as {
    panels: Array<{ title: string; targets: Array<{ expr: string }> }>
    templating: { list: Array<{ name: string; definition?: string }> }
  }
  const out = dash.panels.flatMap((p) => p.targets.map((target) => ({ where: `panel "${p.title}"`, expr: target.expr })))
  for (const v of dash.templating.list) if (v.definition !== undefined) out.push({ where: `variable ${v.name}`, expr: v.definition })
  return out
}

function alertExprs (): Array<{ where: string; expr: string }> {
  const doc = parseYaml(readFileSync('docker/prometheus-alerts.yaml', 'utf8')) as { groups: Array<{ rules: Array<{ alert: string; expr: string }> }> }
  return doc.groups.flatMap((g) => g.rules.map((r) => ({ where: `alert ${r.alert}`, expr: r.expr })))
}

/** Every hopwatch metric an expression names, the labels matched on each, and the labels it groups by. */
function references (expr: string): { metrics: Map<string, string[]>; groupBy: string[] } {
  const metrics = new Map<string, string[]>()
  for (const m of expr.matchAll(/\b(hopwatch_[a-z0-9_]+)\s*(\{([^}]*)\})?/g)) {
    const matched = [...(m[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)/g)].map((x) => x[1] as string)
    metrics.set(m[1] as string, [...(metrics.get(m[1] as string) ?? []), ...matched])
  }
  const groupBy: string[] = []
  for (const m of expr.matchAll(/\b(?:by|without)\s*\(([^)]*)\)/g)) groupBy.push(...(m[1] as string).split(',').map((s) => s.trim()).filter((s) => s !== ''))
  for (const m of expr.matchAll(/label_values\(\s*[a-z0-9_]+(?:\{[^}]*\})?\s*,\s*([a-zA-Z_]+)\s*\)/g)) groupBy.push(m[1] as string)
  return { metrics, groupBy }
}

t.test('every query names a metric and labels that /metrics exports', async (t) => {
  const upstream = await startEchoUpstream((req, res) => {
    if ((req.url ?? '').startsWith('/admin') && req.headers.authorization === undefined) {
      res.writeHead(401, { 'www-authenticate': 'Bearer realm="app"' }).end()
      return
    }
    res.writeHead(200).end('ok')
  })
  const hop = await startHopwatch(upstream.url)
  t.teardown(async () => { await hop.close(); await upstream.close() })
  // Traffic that fills every label: statuses, credential headers arrived/forwarded/dropped, findings.
  for (const path of ['/api/a', '/admin/b', '/admin/c']) {
    const res = await fetch(`${hop.trafficUrl}${path}`, path.startsWith('/api') ? { headers: { authorization: 'Bearer grafana-test-token-abcdef0123456789' } } : {})
    await res.arrayBuffer()
  }
  const { port } = new URL(hop.trafficUrl)
  await rawRequest(hop.trafficUrl, `GET /api/d HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer grafana-test-token-0123456789abcdef\r\nConnection: close, Authorization\r\n\r\n`)
  await rawRequest(hop.trafficUrl, 'GET /bad HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n')
  await waitForExchanges(hop, 4)
  const exported = parseExposition(await (await fetch(`${hop.adminUrl.replace(/\/$/, '')}/metrics`)).text())
  t.ok(exported.labels.size > 5, 'metrics were read')

  const exprs = [...dashboardExprs(), ...alertExprs()]
  t.ok(exprs.length >= 10, `${exprs.length} queries checked`)
  for (const { where, expr } of exprs) {
    const { metrics, groupBy } = references(expr)
    if (metrics.size === 0) { t.ok(/\bup\b/.test(expr), `${where}: a query without a hopwatch metric is only up{}`); continue }
    const known = new Set<string>([...SCRAPE_LABELS])
    for (const [name, matched] of metrics) {
      const labels = exported.labels.get(name)
      t.ok(labels !== undefined, `${where}: ${name} is exported`)
      for (const l of labels ?? []) known.add(l)
      if (name.endsWith('_bucket')) known.add('le')
      for (const l of matched) t.ok(SCRAPE_LABELS.has(l) || labels?.has(l) === true, `${where}: ${name} has label ${l}`)
    }
    for (const l of groupBy) t.ok(known.has(l), `${where}: grouped by ${l}, a label of its metrics`)
  }
})
