// Prometheus metrics: own registry, the four families, bounded label sets.
import t from 'tap'
import { createMetrics, statusLabel } from '../../src/audit/metrics.js'
import { createDiagnoser } from '../../src/diagnose/index.js'
import { NOW, exchange, opaque, seen, unauthorized } from '../diagnose/factory.js'

t.test('families and values', async (t) => {
  const metrics = createMetrics({ processMetrics: false })
  const diagnoser = createDiagnoser({ expectIssuers: [], expectAudiences: [], now: () => NOW })
  const ok = exchange({ durationMs: 12 })
  metrics.observe(ok, diagnoser.observe(ok))
  const failing = unauthorized({ httpVersion: '1.0', headers: { Connection: 'close' }, clientStatus: 401 })
  metrics.observe(failing, diagnoser.observe(failing))
  const dropped = exchange({ arrived: [seen('X-Api-Key', [opaque()])], forwarded: [], droppedHere: ['x-api-key'] })
  metrics.observe(dropped, [])
  const text = await metrics.render()
  t.match(text, /hopwatch_exchanges_total\{status="200"\} 2/)
  t.match(text, /hopwatch_exchanges_total\{status="401"\} 1/)
  t.match(text, /hopwatch_credential_headers_total\{header="authorization",stage="arrived"\} 1/)
  t.match(text, /hopwatch_credential_headers_total\{header="authorization",stage="forwarded"\} 1/)
  t.match(text, /hopwatch_credential_headers_total\{header="x-api-key",stage="dropped"\} 1/)
  t.match(text, /hopwatch_findings_total\{rule="credential-missing-on-401",severity="error",layer="nginx"\} 1/)
  t.match(text, /hopwatch_request_duration_seconds_bucket\{le="0.025"\} \d/)
  t.match(metrics.contentType, /text\/plain/)
})

t.test('label sets stay bounded whatever the traffic', async (t) => {
  const metrics = createMetrics({ processMetrics: false, credentialHeaders: ['X-Tenant-Key'] })
  for (let i = 0; i < 2_000; i++) {
    const name = `X-Random-${i}`
    metrics.observe(exchange({ arrived: [seen(name, [opaque()]), seen('X-Tenant-Key', [opaque()])], clientStatus: 1000 + i }), [
      { rule: `made-up-${i}`, severity: 'error', header: null, layer: null, confidence: 'possible', evidence: [], summary: '', remediation: '' }
    ])
  }
  const text = await metrics.render()
  const headerValues = new Set([...text.matchAll(/header="([^"]+)"/g)].map((m) => m[1]))
  t.same([...headerValues].sort(), ['other', 'x-tenant-key'], 'unknown header names fold into other')
  const statuses = new Set([...text.matchAll(/status="([^"]+)"/g)].map((m) => m[1]))
  t.same([...statuses], ['other'], 'statuses outside 100-599 fold into other')
  const rules = new Set([...text.matchAll(/rule="([^"]+)"/g)].map((m) => m[1]))
  t.same([...rules], ['other'], 'unknown rule ids fold into other')
  t.equal(statusLabel(404), '404')
})

t.test('each instance has its own registry', async (t) => {
  const a = createMetrics({ processMetrics: false })
  const b = createMetrics()
  a.observe(exchange(), [])
  t.match(await a.render(), /hopwatch_exchanges_total\{status="200"\} 1/)
  t.notMatch(await b.render(), /hopwatch_exchanges_total\{status="200"\}/)
  t.match(await b.render(), /hopwatch_process_cpu_user_seconds_total/, 'process metrics are prefixed')
})
