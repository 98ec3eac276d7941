// Redirect chains behind real NGINX with curl, wget and Node fetch: the 401 a redirect leads to is
// reported as the redirect's doing (one finding, not two), a leak is named, and a same-origin
// redirect behind a default NGINX is not an origin change. Ground truth first.
import t from 'tap'
import { valuesOf } from '../../helpers/echo-upstream.js'
import { freePort, hasNginx, startNginx } from '../../helpers/real-servers.js'
import { testToken } from './chain.js'
import { curl, hasCurl, hasWget, loud, reportExit, reportOf, startApp, startTap, wget } from './truth-app.js'

const skip = hasNginx() && hasCurl() ? false : 'needs nginx and curl'
const FORWARD = `proxy_http_version 1.1; proxy_set_header Connection ""; proxy_set_header Host $http_host;
  proxy_set_header X-Real-IP $remote_addr; proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
  proxy_set_header X-Forwarded-Proto $scheme; proxy_pass {{UPSTREAM}};`

t.test('a redirect to another origin: the 401 it leads to is the redirect\'s finding', { skip }, async (t) => {
  // Ground truth: /old on origin A (port a) redirects to /api/new on origin B (port b). curl -L
  // and Node fetch drop Authorization (port changed) and get 401 at B; wget re-sends it (a leak)
  // and gets 200. Findings: no credential-missing-on-401 at all; one auth-lost-on-redirect group,
  // on /old, warning, certain (seen happen), counting the 3 redirects and the 2 linked 401s, its
  // evidence naming the follow-up and wget as a leak. No error: `hopwatch report` exits 0.
  const expected = { route: '/old', severity: 'warning', confidence: 'certain', count: 5, exit: 0 }
  const app = await startApp(t)
  const hw = await startTap(t, app.url)
  const b = await freePort()
  const nginx = await startNginx(`server { listen {{LISTEN}}; location / { ${FORWARD} } }
    server { listen 127.0.0.1:${b}; location / { ${FORWARD} } }`, { upstream: hw.trafficUrl, t })
  app.settings.redirectTo = `http://127.0.0.1:${b}/api/new`
  const auth = `Authorization: Bearer ${testToken()}`
  t.equal(await curl(`${nginx.url}/old`, [auth], ['-L']), 401, 'curl dropped Authorization and got 401')
  t.equal((await fetch(`${nginx.url}/old`, { headers: { authorization: auth.slice(15) } })).status, 401, 'fetch too')
  let exchanges = 4
  if (hasWget()) {
    t.equal(await wget(`${nginx.url}/old`, [auth]), 0, 'wget re-sent it and got 200')
    t.equal(valuesOf(app.received[app.received.length - 1], 'authorization').length, 1, 'the leaked credential reached origin B')
    exchanges = 6
  }
  const s = await reportOf(hw, exchanges)
  t.same(s.findings.filter((f) => f.rule === 'credential-missing-on-401'), [], 'no credential-missing-on-401: the redirect is the cause')
  const lost = s.findings.filter((f) => f.rule === 'auth-lost-on-redirect')
  t.same(lost.map((f) => [f.route, f.severity, f.confidence, f.count]),
    [[expected.route, expected.severity, expected.confidence, hasWget() ? expected.count : 4]], 'one finding, on the redirect')
  const evidence = lost[0]?.evidence ?? []
  t.ok(evidence.some((e) => /followed it .* to \/api\/new .* with no credential, and the upstream answered 401/.test(e)), 'linked to the 401 it led to')
  t.ok(evidence.some((e) => e.startsWith('re-send it to the new origin (a credential leak): ') && e.includes('GNU Wget')), 'wget named as a leak')
  t.notOk(loud(s).some((f) => f.severity === 'error'), 'no error')
  t.equal(await reportExit(hw), expected.exit)
})

t.test('control: a same-origin redirect behind a default NGINX is not an origin change', { skip }, async (t) => {
  // Ground truth: default proxy_pass (Host is the proxy's own address, HTTP/1.0, Connection:
  // close); the app redirects to the public origin the client used. curl -L keeps Authorization
  // and gets 200. No error or warning; auth-lost-on-redirect only as info (possible) saying the
  // client's origin is unknown; `hopwatch report` exits 0.
  const app = await startApp(t)
  const hw = await startTap(t, app.url)
  const nginx = await startNginx('server { listen {{LISTEN}}; location / { proxy_pass {{UPSTREAM}}; } }', { upstream: hw.trafficUrl, t })
  app.settings.redirectTo = `${nginx.url}/api/landing`
  t.equal(await curl(`${nginx.url}/old`, [`Authorization: Bearer ${testToken()}`], ['-L']), 200, 'same origin: curl kept it')
  const s = await reportOf(hw, 2)
  t.same(loud(s).map((f) => `${f.rule}:${f.severity}`), [], 'no error or warning')
  const lost = s.findings.filter((f) => f.rule === 'auth-lost-on-redirect')
  t.same(lost.map((f) => [f.severity, f.confidence]), [['info', 'possible']])
  t.ok(lost[0]?.evidence.some((e) => e.startsWith('the origin the client used is unknown: Host is the proxy\'s own address')), 'says why')
  t.equal(await reportExit(hw), 0)
})

t.test('control: a relative same-origin redirect stays silent', { skip }, async (t) => {
  // Ground truth: Location /api/landing; no auth-lost-on-redirect, no error or warning.
  const app = await startApp(t)
  const hw = await startTap(t, app.url)
  const nginx = await startNginx(`server { listen {{LISTEN}}; location / { ${FORWARD} } }`, { upstream: hw.trafficUrl, t })
  t.equal(await curl(`${nginx.url}/old`, [`Authorization: Bearer ${testToken()}`], ['-L']), 200)
  t.equal((await fetch(`${nginx.url}/old`, { headers: { authorization: `Bearer ${testToken()}` } })).status, 200)
  const s = await reportOf(hw, 4)
  t.same(s.findings.filter((f) => f.rule === 'auth-lost-on-redirect'), [])
  t.same(loud(s).map((f) => `${f.rule}:${f.severity}`), [])
})
