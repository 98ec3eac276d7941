// End to end with the real sidecar: `hopwatch serve --probe-secret` behind real nginx answers
// the canaries itself; the app never sees one, and the sidecar records none as traffic.
import t from 'tap'
import { hasNginx, startNginx } from '../helpers/real-servers.js'
import { startEchoUpstream } from '../helpers/echo-upstream.js'
import { startHopwatch } from '../helpers/hopwatch.js'
import { signedTokensIn, tokenText } from '../../src/probe/token.js'
import { cells, probeJson } from './tap-server.js'
import { NGINX_DEFAULTS, SECRET } from './expected.js'

t.test('nginx -> hopwatch serve -> app', { skip: hasNginx() ? false : 'nginx is not installed' }, async (t) => {
  const app = await startEchoUpstream()
  t.teardown(app.close)
  const hopwatch = await startHopwatch(app.url, ['--probe-secret', SECRET])
  t.teardown(() => hopwatch.close(0))
  const nginx = await startNginx(`server { listen {{LISTEN}}; location / { proxy_pass {{UPSTREAM}}; } }`, { upstream: hopwatch.trafficUrl, t })

  const { code, json } = await probeJson([nginx.url, '--hop', hopwatch.trafficUrl, '--probe-secret', SECRET])
  t.equal(code, 0)
  t.same(json.hops.map((h) => h.reached), [true, true])
  t.same(cells(json, 0), NGINX_DEFAULTS)
  t.same(new Set(Object.values(cells(json, 1))), new Set(['intact']), 'the sidecar itself receives every shape intact')
  const sawCanary = app.received.filter((r) => r.rawHeaders.some(([, v]) => signedTokensIn(SECRET, tokenText(v)).length > 0))
  t.equal(sawCanary.length, 0, 'the app never receives a canary')
  t.equal(hopwatch.logs.join('').includes('hwcan1'), false, 'no canary value in the sidecar log')

  const wrong = await probeJson([nginx.url, '--probe-secret', 'a-different-secret-0123456789'])
  t.equal(wrong.code, 1, 'with another secret the canaries are ordinary traffic: unreached')
  t.equal(wrong.json.hops[0]?.reached, false)
})
