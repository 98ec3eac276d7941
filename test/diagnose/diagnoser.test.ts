// The engine: a control run of clean traffic stays quiet, a throwing rule is counted and the
// others still run, memory is bounded, and nothing secret reaches a finding.
import t from 'tap'
import fc from 'fast-check'
import { createDiagnoser } from '../../src/diagnose/index.js'
import { RULES } from '../../src/diagnose/rules/index.js'
import type { RuntimeRule } from '../../src/diagnose/rule.js'
import { AUDIENCE, ISSUER, NOW, NOW_S, bearer, exchange, seen, unauthorized } from './factory.js'

/** Headers of pass-through layers that forward credentials untouched. */
const PASS_THROUGH: Array<Record<string, string>> = [
  {},
  { 'X-Forwarded-For': '192.0.2.10', 'X-Real-IP': '192.0.2.10', 'X-Forwarded-Proto': 'https' },
  { 'X-Forwarded-For': '192.0.2.10', 'X-Forwarded-Host': 'api.example.com', 'X-Forwarded-Server': 'localhost' },
  { 'CF-Ray': '8a1b2c-AMS', 'CDN-Loop': 'cloudflare', 'CF-Connecting-IP': '192.0.2.10', 'X-Forwarded-Proto': 'https' },
  { Via: '1.1 d1.cloudfront.net (CloudFront)', 'X-Amz-Cf-Id': 'abc' },
  { 'x-envoy-expected-rq-timeout-ms': '15000', 'x-request-id': 'r1', 'x-b3-traceid': 't1' }
]

t.test('control run: clean traffic through pass-through layers with valid tokens', async (t) => {
  const diagnoser = createDiagnoser({ expectIssuers: [ISSUER], expectAudiences: [AUDIENCE], now: () => NOW })
  fc.assert(fc.property(
    fc.constantFrom(...PASS_THROUGH),
    fc.constantFrom(200, 201, 204, 304, 404),
    fc.constantFrom('/orders/:id', '/users/:id', '/health'),
    fc.integer({ min: 120, max: 24 * 3600 }),
    fc.constantFrom('1.1', '2.0'),
    (headers, status, route, ttl, httpVersion) => {
      const ex = exchange({
        headers,
        route,
        httpVersion,
        arrived: [seen('Authorization', [bearer({ jwt: { exp: NOW_S + ttl } })])],
        response: { status }
      })
      const loud = diagnoser.observe(ex).filter((f) => f.severity !== 'info')
      return loud.length === 0
    }
  ), { numRuns: 300 })
  const snapshot = diagnoser.snapshot()
  t.equal(snapshot.findings.filter((g) => g.severity !== 'info').length, 0, 'no error or warning in the report')
  t.ok(snapshot.layers.length >= 4, 'the pass-through layers were recognised')
  t.same(snapshot.stats?.ruleErrors, {}, 'no rule threw')
})

t.test('a throwing rule is counted and logged; the others still run; observe never throws', async (t) => {
  const warnings: Array<{ obj: object, msg: string }> = []
  const broken: RuntimeRule = {
    meta: { ...RULES[0]!.meta, id: 'broken' },
    check: () => { throw new Error('boom with request data that must not be logged') }
  }
  const diagnoser = createDiagnoser({
    expectIssuers: [], expectAudiences: [], now: () => NOW,
    log: { warn: (obj, msg) => { warnings.push({ obj, msg }) } },
    rules: [broken, ...RULES]
  })
  const found = diagnoser.observe(unauthorized())
  diagnoser.observe(unauthorized())
  t.ok(found.some((f) => f.rule === 'credential-missing-on-401'), 'the other rules ran')
  t.equal(diagnoser.snapshot().stats?.ruleErrors.broken, 2, 'both failures counted')
  t.equal(warnings.length, 1, 'logged once, not per exchange')
  t.notOk(JSON.stringify(warnings).includes('boom'), 'the error message (which could quote request data) is not logged')
  t.doesNotThrow(() => diagnoser.observe(null as unknown as Parameters<typeof diagnoser.observe>[0]), 'garbage in does not throw')
})

t.test('finding groups are bounded; the least recently seen is forgotten first', async (t) => {
  const diagnoser = createDiagnoser({ expectIssuers: [], expectAudiences: [], now: () => NOW, maxGroups: 10 })
  for (let i = 0; i < 50; i++) diagnoser.observe(unauthorized({ route: `/r${i}` }))
  diagnoser.observe(unauthorized({ route: '/r49' }))
  const snapshot = diagnoser.snapshot()
  t.ok(snapshot.findings.length <= 10, 'at most maxGroups groups')
  t.ok((snapshot.stats?.evictedGroups ?? 0) > 0, 'evictions are counted')
  t.notOk(snapshot.findings.some((g) => g.route === '/r0'), 'the oldest route was forgotten')
  const r49 = snapshot.findings.find((g) => g.route === '/r49' && g.rule === 'credential-missing-on-401')
  t.equal(r49?.count, 2, 'repeats are counted in one group')
})

t.test('a group seen again is kept; groups not seen for longest go first', async (t) => {
  const diagnoser = createDiagnoser({ expectIssuers: [], expectAudiences: [], now: () => NOW, maxGroups: 10 })
  for (let i = 0; i < 40; i++) {
    diagnoser.observe(unauthorized({ route: `/r${i}` }))
    diagnoser.observe(unauthorized({ route: '/kept' }))
  }
  const { findings } = diagnoser.snapshot()
  const routes = new Set(findings.map((g) => g.route))
  const kept = findings.find((g) => g.route === '/kept' && g.rule === 'credential-missing-on-401')
  t.equal(kept?.count, 40, 'the route seen on every round was never forgotten: all 40 counted in one group')
  t.ok(routes.has('/r39'), 'the newest route is kept')
  t.notOk(routes.has('/r1'), 'an old route not seen again is forgotten')
})

t.test('working-vs-failing remembers the routes used most recently', async (t) => {
  const { RouteMemory } = await import('../../src/diagnose/route-memory.js')
  const memory = new RouteMemory(3)
  const sample = { exchangeId: 'x', arrived: [] }
  memory.remember('/a', 'working', sample)
  for (const route of ['/b', '/a', '/c', '/a', '/d']) memory.remember(route, 'failing', sample)
  t.ok(memory.get('/a') !== undefined, 'a route updated again is kept')
  t.equal(memory.get('/b'), undefined, 'the least recently updated route is forgotten')
  t.equal(memory.size, 3)
  t.equal(memory.evicted, 1)
  t.same(memory.get('/a'), { working: sample, failing: sample }, 'both calls of a route are kept')
})

t.test('groups: rule + header + layer + route, worst first, bounded examples', async (t) => {
  const diagnoser = createDiagnoser({ expectIssuers: [], expectAudiences: [], now: () => NOW })
  // The same client sent Authorization to this route before: the 401s without it blame nginx (likely).
  diagnoser.observe(exchange({ httpVersion: '1.0', headers: { Connection: 'close' } }))
  for (let i = 0; i < 12; i++) diagnoser.observe(unauthorized({ httpVersion: '1.0', headers: { Connection: 'close' } }))
  diagnoser.observe(exchange({ queryKeys: ['access_token'] }))
  const { findings, layers } = diagnoser.snapshot()
  const missing = findings.find((g) => g.rule === 'credential-missing-on-401')
  t.equal(missing?.count, 12)
  t.equal(missing?.layer, 'nginx')
  t.equal(missing?.examples.length, 5, 'examples are bounded')
  t.equal(findings[0]?.severity, 'error', 'worst first')
  t.equal(layers.find((l) => l.id === 'nginx')?.exchanges, 13)
  t.ok((missing?.evidence ?? []).some((e) => e.includes('sent Authorization to /orders/:id on other calls')), 'the group shows its evidence')
})

t.test('observe() cost per exchange (all rules on)', async (t) => {
  const diagnoser = createDiagnoser({ expectIssuers: [ISSUER], expectAudiences: [AUDIENCE] })
  const samples = [
    exchange({ headers: PASS_THROUGH[1] }),
    exchange({ headers: PASS_THROUGH[3] }),
    unauthorized({ httpVersion: '1.0', headers: { Connection: 'close' } })
  ]
  const n = 30_000
  for (let i = 0; i < 2_000; i++) diagnoser.observe(samples[i % 3]!)
  const start = process.hrtime.bigint()
  for (let i = 0; i < n; i++) diagnoser.observe(samples[i % 3]!)
  const perCallUs = Number(process.hrtime.bigint() - start) / 1000 / n
  t.comment(`observe(): ${perCallUs.toFixed(2)} us per exchange over ${n} exchanges`)
  t.ok(perCallUs < 1000, 'under a millisecond per exchange even instrumented and under load')
})

t.test('a 401 right after a redirect of the same client to its path is the redirect\'s finding', async (t) => {
  const diagnoser = createDiagnoser({ expectIssuers: [], expectAudiences: [], now: () => NOW })
  diagnoser.observe(exchange({ path: '/old', route: '/old', headers: { 'X-Forwarded-Proto': 'https' }, response: { status: 302, location: 'https://login.example.net/orders/42' } }))
  const found = diagnoser.observe(unauthorized())
  t.same(found.map((f) => f.rule), ['auth-lost-on-redirect'], 'one finding, not credential-missing-on-401')
  const groups = diagnoser.snapshot().findings.filter((g) => g.rule === 'auth-lost-on-redirect')
  t.same(groups.map((g) => [g.route, g.count, g.confidence]), [['/old', 2, 'certain']], 'grouped on the redirect, seen happen')
})

t.test('pairing takes back a blame: the withdrawn exchange leaves its group', async (t) => {
  const diagnoser = createDiagnoser({ expectIssuers: [], expectAudiences: [], now: () => NOW })
  diagnoser.observe(exchange({ httpVersion: '1.0', headers: { Connection: 'close' } }))
  const failing = unauthorized({ httpVersion: '1.0', headers: { Connection: 'close' } })
  diagnoser.observe(failing)
  t.equal(diagnoser.snapshot().findings.find((g) => g.rule === 'credential-missing-on-401')?.severity, 'error')
  diagnoser.record([{
    rule: 'credential-missing-on-401', severity: 'info', header: null, layer: null, confidence: 'certain', evidence: ['edge tap: the client sent no credential header'],
    summary: 'anonymous', remediation: '', withdraws: { rule: 'credential-missing-on-401', exchangeId: failing.id }
  }], failing)
  const groups = diagnoser.snapshot().findings.filter((g) => g.rule === 'credential-missing-on-401')
  t.same(groups.map((g) => [g.severity, g.layer, g.count]), [['info', null, 1]], 'no layer blamed any more')
  t.same(diagnoser.findingsOf(failing.id).filter((f) => f.rule === 'credential-missing-on-401').map((f) => f.severity), ['info'],
    'its detail page shows the correction, not the withdrawn blame')
})

t.test('an anonymous 401 re-read: the same client\'s credential later reaches the route by another path', async (t) => {
  const viaNginx = { httpVersion: '1.0', headers: { Connection: 'close' } }
  const diagnoser = createDiagnoser({ expectIssuers: [], expectAudiences: [], now: () => NOW })
  diagnoser.observe(unauthorized(viaNginx))
  t.same(diagnoser.snapshot().findings.map((g) => `${g.rule}:${g.severity}`), ['credential-missing-on-401:info'], 'anonymous at first')
  diagnoser.observe(exchange())
  const groups = diagnoser.snapshot().findings.filter((g) => g.rule === 'credential-missing-on-401')
  t.same(groups.map((g) => [g.severity, g.layer, g.confidence, g.count]), [['error', 'nginx', 'likely', 1]], 'NGINX bypassed, the credential arrived: the 401 was NGINX\'s')

  const login = createDiagnoser({ expectIssuers: [], expectAudiences: [], now: () => NOW })
  login.observe(unauthorized(viaNginx))
  login.observe(exchange(viaNginx))
  t.same(login.snapshot().findings.filter((g) => g.rule === 'credential-missing-on-401').map((g) => g.severity), ['info'],
    'through the same NGINX the credential arrives: it passes it, the 401 stays anonymous (a client that logged in after it)')
})
