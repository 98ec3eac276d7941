// Real nginx in front of hopwatch with configs that strip, rename and hide credentials: the
// findings and the blamed layer come back through GET /report.
import t from 'tap'
import { hasNginx } from '../../helpers/real-servers.js'
import { chain, testToken } from './chain.js'

const skip = hasNginx() ? false : 'nginx is not installed at /usr/sbin/nginx'

t.test('proxy_set_header Authorization "" is blamed on nginx', { skip }, async (t) => {
  const c = await chain(t, 'nginx', `server { listen {{LISTEN}};
    location /api/ { proxy_set_header Authorization ""; proxy_pass {{UPSTREAM}}; }
    location / { proxy_pass {{UPSTREAM}}; } }`)
  const token = testToken()
  // The other location first: the client is seen sending Authorization (on another route), so the
  // 401 is blamed on nginx as possible (a warning); test/diagnose/integration/truth-nginx.test.ts
  // has the likely case (the same route).
  const kept = await fetch(`${c.front.url}/orders/42`, { headers: { authorization: `Bearer ${token}` } })
  t.equal(kept.status, 200, 'the other location forwards it')
  const stripped = await fetch(`${c.front.url}/api/orders/42`, { headers: { authorization: `Bearer ${token}` } })
  t.equal(stripped.status, 401, 'the app saw no Authorization')
  await c.settle(2)
  const { findings, layers } = await c.report()
  const missing = findings.filter((f) => f.rule === 'credential-missing-on-401')
  t.equal(missing.length, 1, 'one finding for the stripping location')
  t.equal(missing[0]?.layer, 'nginx', 'blamed on nginx')
  t.equal(missing[0]?.header, 'authorization')
  t.equal(missing[0]?.confidence, 'possible')
  t.equal(missing[0]?.severity, 'warning')
  t.equal(missing[0]?.route, '/api/orders/:id')
  t.match(missing[0]?.remediation ?? '', /proxy_set_header Authorization/)
  t.ok(layers.some((l) => l.id === 'nginx' && l.evidence.some((e) => e.includes('HTTP/1.0'))), 'nginx recognised by its proxy_pass defaults')
  t.equal(findings.filter((f) => f.severity !== 'info' && f.route === '/orders/:id' && f.rule !== 'working-vs-failing').length, 0,
    'the forwarding location has no warning or error')
  const serialized = JSON.stringify(await c.report())
  t.notOk(serialized.includes(token), 'the token is nowhere in the report')
})

t.test('a renamed credential: Authorization moved to X-Forwarded-Authorization', { skip }, async (t) => {
  const c = await chain(t, 'nginx', `server { listen {{LISTEN}}; location / {
    proxy_set_header X-Forwarded-Authorization $http_authorization;
    proxy_set_header Authorization "";
    proxy_pass {{UPSTREAM}}; } }`)
  const res = await fetch(`${c.front.url}/orders/7`, { headers: { authorization: `Bearer ${testToken()}` } })
  t.equal(res.status, 401)
  await c.settle(1)
  const { findings } = await c.report()
  const renamed = findings.find((f) => f.rule === 'credential-renamed')
  t.equal(renamed?.header, 'authorization')
  t.equal(renamed?.severity, 'error', 'error: the app answered 401 and Authorization was gone')
})

t.test('underscores: nginx hides X_Api_Key by default; with underscores_in_headers on it arrives and is flagged', { skip }, async (t) => {
  const hidden = await chain(t, 'nginx', 'server { listen {{LISTEN}}; location / { proxy_pass {{UPSTREAM}}; } }')
  await fetch(`${hidden.front.url}/orders/1`, { headers: { x_api_key: 'k-0123456789abcdef' } })
  await hidden.settle(1)
  const before = await hidden.report()
  const missing = before.findings.find((f) => f.rule === 'credential-missing-on-401')
  // NGINX dropped the only credential this client ever sent before hopwatch could see it: with no
  // sign of a credential, the 401 is counted as anonymous (info), not blamed (truth-nginx.test.ts
  // and the edge tap show the cases with evidence).
  t.same([missing?.severity, missing?.layer], ['info', null], 'an anonymous 401: counted, nobody blamed')
  t.notOk(before.findings.some((f) => f.rule === 'invalid-header-name'), 'the header never reached hopwatch')

  const shown = await chain(t, 'nginx', 'server { listen {{LISTEN}}; underscores_in_headers on; location / { proxy_pass {{UPSTREAM}}; } }',
    ['--credential-header', 'X-Api-Key'])
  await fetch(`${shown.front.url}/orders/1`, { headers: { x_api_key: 'k-0123456789abcdef' } })
  await shown.settle(1)
  const after = await shown.report()
  const invalid = after.findings.find((f) => f.rule === 'invalid-header-name')
  t.equal(invalid?.header, 'x_api_key', 'flagged by name')
})

t.test('a clean chain: nginx forwarding everything gives no error or warning', { skip }, async (t) => {
  const c = await chain(t, 'nginx', `server { listen {{LISTEN}}; location / {
    proxy_http_version 1.1; proxy_set_header Connection "";
    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for; proxy_set_header X-Real-IP $remote_addr;
    proxy_set_header X-Forwarded-Proto $scheme; proxy_pass {{UPSTREAM}}; } }`,
  ['--expect-issuer', 'https://id.example.com/', '--expect-audience', 'api://orders'])
  for (let i = 0; i < 5; i++) {
    const res = await fetch(`${c.front.url}/orders/${i}`, { headers: { authorization: `Bearer ${testToken()}` } })
    t.equal(res.status, 200)
  }
  await c.settle(5)
  const { findings, layers } = await c.report()
  t.same(findings.filter((f) => f.severity !== 'info').map((f) => f.rule), [], 'no error or warning')
  t.ok(layers.some((l) => l.id === 'nginx'), 'nginx recognised from X-Real-IP')
})

t.test('proxy_set_header inheritance: one header in a location drops the Authorization set in server', { skip }, async (t) => {
  const c = await chain(t, 'nginx', `server { listen {{LISTEN}};
    proxy_set_header Authorization "Bearer service-token-set-by-nginx";
    location /reports/ { proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for; proxy_pass {{UPSTREAM}}; }
    location / { proxy_pass {{UPSTREAM}}; } }`)
  t.equal((await fetch(`${c.front.url}/orders/5`)).status, 200, 'server-level Authorization reaches the app')
  t.equal((await fetch(`${c.front.url}/reports/5`)).status, 401, 'the location that sets its own header loses it')
  await c.settle(2)
  const { findings } = await c.report()
  const missing = findings.filter((f) => f.rule === 'credential-missing-on-401')
  // The client itself never sent Authorization (NGINX sets it at server level), so hopwatch can
  // only count the 401 as anonymous; the fix text still names the inheritance cause, and
  // `hopwatch lint` (nginx-proxy-set-header-inheritance) names the line.
  t.same(missing.map((f) => `${f.route}:${f.layer ?? 'none'}:${f.confidence}:${f.severity}`), ['/reports/:id:none:possible:info'],
    'anonymous: the client sent nothing itself')
  t.match(missing[0]?.remediation ?? '', /inherited/, 'the remediation explains proxy_set_header inheritance')
  t.notOk(findings.some((f) => f.rule === 'working-vs-failing'), 'no working call on /reports/:id, so nothing to compare')
})
