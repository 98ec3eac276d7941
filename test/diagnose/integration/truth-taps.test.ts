// Edge + origin taps around real NGINX and Apache: what the edge tap saw is the evidence. A client
// that sent nothing blames no layer; a hidden challenge and an added line are seen happen
// (certain) and blamed on the layer between. Ground truth first.
import t, { type Test } from 'tap'
import { freePort, hasApache, hasNginx, startApache, startNginx } from '../../helpers/real-servers.js'
import type { TestHopwatch } from '../../helpers/hopwatch.js'
import { testToken } from './chain.js'
import { curl, hasCurl, loud, reportExit, reportOf, startApp, startTap } from './truth-app.js'

const nginxSkip = hasNginx() ? false : 'needs nginx'

async function taps (t: Test, kind: 'nginx' | 'apache', layer: string): Promise<{ hw: TestHopwatch, edge: string }> {
  const app = await startApp(t)
  const originPort = await freePort()
  const upstream = `http://127.0.0.1:${originPort}`
  const front = kind === 'nginx'
    ? await startNginx(`server { listen {{LISTEN}}; location / { ${layer} proxy_pass {{UPSTREAM}}; } }`, { upstream, t })
    : await startApache(`<VirtualHost {{LISTEN}}>\n  ${layer}\n  ProxyPass / {{UPSTREAM}}/\n</VirtualHost>`, { upstream, t })
  const hw = await startTap(t, app.url, ['--listen', `127.0.0.1:${originPort}`, '--edge-listen', '127.0.0.1:0', '--edge-upstream', front.url])
  return { hw, edge: hw.edgeUrl as string }
}

t.test('the edge tap saw the client send nothing: no layer is blamed', { skip: nginxSkip }, async (t) => {
  // Ground truth: Node fetch sends Authorization to /api/orders/1 (200), then nothing to
  // /api/orders/2 (401). The origin alone would blame NGINX (likely: this client sends it here);
  // the edge tap saw no credential, so that is taken back: credential-missing-on-401 is info,
  // no layer, certain; no error or warning from it; `hopwatch report` exits 0.
  const expected = { severity: 'info', layer: null, confidence: 'certain', exit: 0 }
  const { hw, edge } = await taps(t, 'nginx', '')
  t.equal((await fetch(`${edge}/api/orders/1`, { headers: { authorization: `Bearer ${testToken()}` } })).status, 200)
  t.equal((await fetch(`${edge}/api/orders/2`)).status, 401)
  const s = await reportOf(hw, 2)
  const missing = s.findings.filter((f) => f.rule === 'credential-missing-on-401')
  t.same(missing.map((f) => [f.severity, f.layer, f.confidence]), [[expected.severity, expected.layer, expected.confidence]], 'one anonymous 401, blamed on nobody')
  t.ok(missing[0]?.evidence.includes('edge tap: the client sent no credential header'), 'the edge tap is the evidence')
  t.same(loud(s).filter((f) => f.rule === 'credential-missing-on-401'), [], 'no error or warning blaming NGINX')
  t.notOk(loud(s).some((f) => f.severity === 'error'), 'no error at all')
  t.equal(await reportExit(hw), expected.exit)
})

t.test('proxy_hide_header WWW-Authenticate: the hidden challenge is seen between the taps', { skip: nginxSkip }, async (t) => {
  // Ground truth: the app answers 401 with a Bearer challenge (origin tap), the client gets none
  // (edge tap): credential-changed-between-taps, header www-authenticate, error, certain, layer
  // nginx, the fix names proxy_hide_header.
  const expected = { header: 'www-authenticate', severity: 'error', confidence: 'certain', layer: 'nginx' }
  const { hw, edge } = await taps(t, 'nginx', 'proxy_hide_header WWW-Authenticate;')
  const res = await fetch(`${edge}/hidden`, { headers: { authorization: `Bearer ${testToken()}` } })
  t.equal(res.status, 401)
  t.equal(res.headers.get('www-authenticate'), null, 'the client got no challenge')
  const s = await reportOf(hw, 1)
  const hidden = s.findings.filter((f) => f.rule === 'credential-changed-between-taps' && f.header === 'www-authenticate')
  t.same(hidden.map((f) => [f.header, f.severity, f.confidence, f.layer]), [[expected.header, expected.severity, expected.confidence, expected.layer]])
  t.match(hidden[0]?.remediation ?? '', /proxy_hide_header WWW-Authenticate/)
  t.ok(hidden[0]?.evidence.some((e) => e.startsWith('origin tap: WWW-Authenticate Bearer (1); edge tap: none')), 'what each tap saw')
})

t.test('control: NGINX passing everything through: nothing between the taps', { skip: nginxSkip }, async (t) => {
  // Ground truth: no credential-changed-between-taps finding, no error or warning at all.
  const { hw, edge } = await taps(t, 'nginx', '')
  t.equal((await fetch(`${edge}/hidden`, { headers: { authorization: `Bearer ${testToken()}` } })).status, 401)
  t.equal((await fetch(`${edge}/cookie`, { headers: { authorization: `Bearer ${testToken()}` } })).status, 200)
  const s = await reportOf(hw, 2)
  t.same(s.findings.filter((f) => f.rule === 'credential-changed-between-taps'), [])
})

t.test('Apache RequestHeader add: one line at the edge, two at the origin, blamed on Apache', { skip: hasApache() && hasCurl() ? false : 'needs apache2 and curl' }, async (t) => {
  // Ground truth: credential-changed-between-taps on Authorization, modified, error, certain,
  // layer apache, the fix names `RequestHeader set` instead of `add`.
  const expected = { severity: 'error', confidence: 'certain', layer: 'apache', fix: /`RequestHeader add Authorization` appends .*`RequestHeader set`/ }
  const { hw, edge } = await taps(t, 'apache', 'RequestHeader add Authorization "Bearer service-token-added-by-apache"')
  t.equal(await curl(`${edge}/api/orders/1`, [`Authorization: Bearer ${testToken()}`]), 200)
  const s = await reportOf(hw, 1)
  const added = s.findings.filter((f) => f.rule === 'credential-changed-between-taps')
  t.same(added.map((f) => [f.header?.toLowerCase(), f.severity, f.confidence, f.layer]), [['authorization', expected.severity, expected.confidence, expected.layer]])
  t.match(added[0]?.remediation ?? '', expected.fix)
  t.ok(added[0]?.evidence.some((e) => e.startsWith('A line was added: 1 line at the edge, 2 at the origin')), 'one line at the edge, two at the origin')
})
