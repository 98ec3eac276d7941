// Redirects are followed by hand: each Location is reported with whether it changes origin and
// which clients drop Authorization on it; the canaries still get their verdicts at the end.
import t from 'tap'
import { hasNginx, startNginx } from '../helpers/real-servers.js'
import { probeJson, startTapServer } from './tap-server.js'
import { SECRET } from './expected.js'

t.test('a cross-origin 301 in front of the tap', { skip: hasNginx() ? false : 'nginx is not installed' }, async (t) => {
  const tap = await startTapServer(SECRET)
  t.teardown(tap.close)
  const inner = await startNginx(`server { listen {{LISTEN}}; location / { proxy_pass {{UPSTREAM}}; } }`, { upstream: tap.url, t })
  const outer = await startNginx(`server { listen {{LISTEN}}; location / { return 301 {{UPSTREAM}}$request_uri; } }`, { upstream: inner.url, t })
  const { code, json } = await probeJson([`${outer.url}/api/me?secret=never-reported`, '--probe-secret', SECRET])
  t.equal(code, 0, 'the probe follows it with the credentials, as a client with --location-trusted would')
  t.equal(json.redirects.length, 1, 'one redirect, reported once for all canary requests')
  const r = json.redirects[0]
  t.equal(r?.status, 301)
  t.equal(r?.changesOrigin, true)
  t.same(r?.changes, ['port'])
  t.equal(r?.to, `${inner.url}/api/me`)
  t.ok(r?.dropAuthorization.some((c) => c.startsWith('browsers')), 'browsers drop Authorization on it')
  t.ok(r?.dropAuthorization.some((c) => c.startsWith('curl')), 'curl drops it too')
  t.notOk(JSON.stringify(json).includes('never-reported'), 'queries are never reported')
  t.equal(tap.appSawSignedCanary(), 0)
})

t.test('a redirect loop ends as blocked, not as a hang', { skip: hasNginx() ? false : 'nginx is not installed' }, async (t) => {
  const tap = await startTapServer(SECRET)
  t.teardown(tap.close)
  const nginx = await startNginx(`server { listen {{LISTEN}}; location /loop { return 302 /loop; } location / { proxy_pass {{UPSTREAM}}; } }`, { upstream: tap.url, t })
  const { code, json } = await probeJson([`${nginx.url}/loop`, '--hop', tap.url, '--probe-secret', SECRET])
  t.equal(code, 1)
  t.equal(json.hops[0]?.reached, false)
  t.equal(json.redirects.length, 1)
  t.equal(json.redirects[0]?.changesOrigin, false)
})
