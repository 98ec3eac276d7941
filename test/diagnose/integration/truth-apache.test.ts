// Who added a line, and whose join it is, behind real Apache httpd with curl. Ground truth first.
import t from 'tap'
import { hasApache } from '../../helpers/real-servers.js'
import { startApache } from '../../helpers/real-servers.js'
import { valuesOf } from '../../helpers/echo-upstream.js'
import { testToken } from './chain.js'
import { curl, hasCurl, loud, reportExit, reportOf, startApp, startTap } from './truth-app.js'

const skip = hasApache() && hasCurl() ? false : 'needs apache2 and curl'
const vhost = (extra: string): string => `<VirtualHost {{LISTEN}}>\n  ${extra}\n  ProxyPass / {{UPSTREAM}}/\n  ProxyPassReverse / {{UPSTREAM}}/\n</VirtualHost>`

t.test('RequestHeader add Authorization: the line is Apache\'s, not the client\'s', { skip }, async (t) => {
  // Ground truth: the client sends one Authorization line; two arrive at hopwatch (Apache joins a
  // client's duplicates, so a second line behind it is its own). duplicate-credential: error,
  // layer apache, likely, fix naming `RequestHeader set` instead of `add`; nothing blames the client.
  const expected = { rule: 'duplicate-credential', severity: 'error', layer: 'apache', confidence: 'likely', header: 'authorization', fix: /`RequestHeader add` appends .*`RequestHeader set`/ }
  const app = await startApp(t)
  const hw = await startTap(t, app.url)
  const apache = await startApache(vhost('RequestHeader add Authorization "Bearer service-token-added-by-apache"'), { upstream: hw.trafficUrl, t })
  t.equal(await curl(`${apache.url}/api/orders/1`, [`Authorization: Bearer ${testToken()}`]), 200)
  const s = await reportOf(hw, 1)
  t.equal(valuesOf(app.received[0], 'authorization').length, 2, 'two Authorization lines reached the app')
  const dup = s.findings.filter((f) => f.rule === expected.rule)
  t.same(dup.map((f) => [f.severity, f.layer, f.confidence, f.header]), [[expected.severity, expected.layer, expected.confidence, expected.header]])
  t.match(dup[0]?.remediation ?? '', expected.fix)
  t.ok(dup[0]?.evidence.some((e) => e.startsWith('apache seen in front')), 'the signature that identified Apache')
  t.notOk(s.findings.some((f) => f.layer === 'client'), 'the client is not blamed')
})

t.test('Apache joins a client\'s two Authorization lines: a duplicate, not a malformed value', { skip }, async (t) => {
  // Ground truth: one line "Bearer a, Bearer b" arrives; no malformed-authorization;
  // duplicate-credential: error, layer client (it sent two), likely (Apache's join form).
  const expected = { rule: 'duplicate-credential', severity: 'error', layer: 'client', confidence: 'likely' }
  const app = await startApp(t)
  const hw = await startTap(t, app.url)
  const apache = await startApache(vhost(''), { upstream: hw.trafficUrl, t })
  t.equal(await curl(`${apache.url}/api/orders/1`, [`Authorization: Bearer ${testToken()}`, `Authorization: Bearer ${testToken(7200)}`]), 200)
  const s = await reportOf(hw, 1)
  t.equal(valuesOf(app.received[0], 'authorization').length, 1, 'one joined line reached the app')
  t.notOk(s.findings.some((f) => f.rule === 'malformed-authorization'), 'not reported as malformed')
  const dup = s.findings.filter((f) => f.rule === expected.rule)
  t.same(dup.map((f) => [f.severity, f.layer, f.confidence]), [[expected.severity, expected.layer, expected.confidence]])
  t.ok(dup[0]?.evidence.some((e) => e.includes('joined with ", "')), 'the join is the evidence')
  t.notOk(dup[0]?.remediation.includes('exactly `Bearer <token>`'), 'no "build the header as exactly Bearer <token>"')
})

t.test('control: a correct Apache setup stays silent', { skip }, async (t) => {
  // Ground truth: authenticated clients (curl, Node fetch) and an anonymous one (Node fetch with
  // no credential, another User-Agent) through ProxyPass: no error or warning, Apache recognised,
  // `hopwatch report` exits 0.
  const app = await startApp(t)
  const hw = await startTap(t, app.url)
  const apache = await startApache(vhost(''), { upstream: hw.trafficUrl, t })
  t.equal(await curl(`${apache.url}/api/orders/1`, [`Authorization: Bearer ${testToken()}`]), 200)
  t.equal((await fetch(`${apache.url}/api/orders/2`, { headers: { 'user-agent': 'anonymous-browser/1.0' } })).status, 401)
  t.equal((await fetch(`${apache.url}/api/orders/3`, { headers: { authorization: `Bearer ${testToken()}` } })).status, 200)
  const s = await reportOf(hw, 3)
  t.same(loud(s).map((f) => `${f.rule}:${f.severity}`), [], 'no error or warning')
  t.ok(s.layers.some((l) => l.id === 'apache'), 'Apache recognised')
  t.equal(await reportExit(hw), 0)
})
