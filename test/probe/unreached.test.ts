// A chain without any hopwatch: every verdict is `unreached`, exit 1, no crash.
import t from 'tap'
import { hasNginx, startNginx } from '../helpers/real-servers.js'
import { startEchoUpstream } from '../helpers/echo-upstream.js'
import { probeJson } from './tap-server.js'
import { SECRET } from './expected.js'

t.test('a plain app answers: unreached, exit 1', async (t) => {
  const app = await startEchoUpstream()
  t.teardown(app.close)
  const { code, json } = await probeJson([app.url, '--probe-secret', SECRET])
  t.equal(code, 1)
  t.equal(json.hops[0]?.reached, false)
  t.same(new Set(json.hops[0]?.headers.map((h) => h.verdict)), new Set(['unreached']))
  t.ok(json.hops[0]?.notes.some((n) => n.includes('No hopwatch tap answered')))
})

t.test('an app that answers 401 to everything is still unreached, not blocked', async (t) => {
  const app = await startEchoUpstream((_req, res) => { res.writeHead(401, { 'www-authenticate': 'Bearer' }); res.end() })
  t.teardown(app.close)
  const { code, json } = await probeJson([app.url, '--probe-secret', SECRET])
  t.equal(code, 1)
  t.same(new Set(json.hops[0]?.headers.map((h) => h.verdict)), new Set(['unreached']))
})

t.test('nginx in front of a plain app: unreached at hop 1', { skip: hasNginx() ? false : 'nginx is not installed' }, async (t) => {
  const app = await startEchoUpstream()
  t.teardown(app.close)
  const nginx = await startNginx(`server { listen {{LISTEN}}; location / { proxy_pass {{UPSTREAM}}; } }`, { upstream: app.url, t })
  const { code, json } = await probeJson([nginx.url, '--probe-secret', SECRET])
  t.equal(code, 1)
  t.equal(json.hops[0]?.reached, false)
  t.equal(json.hops[0]?.server, 'nginx')
  t.same(new Set(json.hops[0]?.headers.map((h) => h.verdict)), new Set(['unreached']))
})
