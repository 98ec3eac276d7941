// Redirects are followed by hand, within the target's origin only unless --follow-cross-origin:
// each Location is reported with whether it changes origin, whether it was followed, and which
// clients drop Authorization on it. A change of origin on the way fails the run unless
// --allow-cross-origin-redirect; no canary goes to another origin without one of the two flags.
import t from 'tap'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { hasNginx, startNginx } from '../helpers/real-servers.js'
import { startEchoUpstream } from '../helpers/echo-upstream.js'
import { probe } from '../../src/cli/probe.js'
import { captureIO, probeJson, startTapServer } from './tap-server.js'
import { SECRET } from './expected.js'

/** A real server on its own port (another origin) that answers every request with a redirect. */
async function startRedirector (status: number, location: string): Promise<{ url: string, hits: () => number, close: () => Promise<void> }> {
  let hits = 0
  const server: Server = createServer((req, res) => {
    hits++
    req.resume()
    res.writeHead(status, { location: location + (req.url ?? '/') })
    res.end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits: () => hits,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()) })
  }
}

t.test('a cross-origin redirect is not followed by default: nothing is sent to the other origin, exit 1', async (t) => {
  const foreign = await startEchoUpstream()
  t.teardown(() => foreign.close())
  const entry = await startRedirector(302, foreign.url)
  t.teardown(entry.close)
  const { code, json } = await probeJson([`${entry.url}/api/me?secret=never-reported`, '--probe-secret', SECRET])
  t.equal(code, 1)
  t.equal(foreign.received.length, 0, 'the foreign origin received no request at all')
  t.ok(entry.hits() > 0)
  t.equal(json.redirects.length, 1, 'one redirect, reported once for all canary requests')
  const r = json.redirects[0]
  t.equal(r?.followed, false)
  t.equal(r?.changesOrigin, true)
  t.equal(r?.required, true)
  t.equal(json.followCrossOrigin, false)
  t.equal(json.hops[0]?.reached, false)
  t.match(json.hops[0]?.headers[0]?.detail, /Stopped at a 302 redirect to another origin .*--follow-cross-origin/)
  t.notOk(JSON.stringify(json).includes('never-reported'), 'queries are never reported')

  const text = captureIO()
  t.equal(await probe([`${entry.url}/api/me`, '--probe-secret', SECRET], text.io), 1)
  t.match(text.out(), /NOT followed: no canary was sent there/)
  t.notMatch(text.out(), /All required credentials arrived intact/)
  t.match(text.out(), /A redirect changes origin on the way .* drop Authorization on it.*--allow-cross-origin-redirect/)
  t.match(text.out(), /redirects to another origin .*the probe did not follow it and sent no canary there/)
  t.equal(foreign.received.length, 0)
})

t.test('--follow-cross-origin follows with fresh canaries, says so, and still fails on the origin change', async (t) => {
  const tap = await startTapServer(SECRET)
  t.teardown(tap.close)
  const entry = await startRedirector(301, tap.url)
  t.teardown(entry.close)
  const { code, json } = await probeJson([`${entry.url}/api/me`, '--probe-secret', SECRET, '--follow-cross-origin'])
  t.equal(code, 1, 'credentials arrive only because the probe re-sends them: browsers, fetch, curl -L and requests do not')
  t.equal(json.followCrossOrigin, true)
  t.equal(json.crossOriginAllowed, false)
  t.equal(json.hops[0]?.reached, true)
  t.ok(tap.answered() > 0, 'the canaries reached the tap behind the redirect')
  const r = json.redirects[0]
  t.equal(r?.followed, true)
  t.same(r?.changes, ['port'])
  t.ok(r?.dropAuthorization.some((c) => c.startsWith('browsers')), 'browsers drop Authorization on it')
  t.ok(r?.dropAuthorization.some((c) => c.startsWith('curl')), 'curl drops it too')
  t.ok(json.hops[0]?.headers.filter((h) => h.required).every((h) => h.verdict === 'intact'), 'every required shape intact behind it')

  const text = captureIO()
  t.equal(await probe([`${entry.url}/api/me`, '--probe-secret', SECRET, '--follow-cross-origin'], text.io), 1)
  t.match(text.out(), /followed with fresh canaries \(--follow-cross-origin\)/)
  t.match(text.out(), /Cross-origin redirects were followed with canaries/)
  t.notMatch(text.out(), /All required credentials arrived intact/)
  t.equal(tap.appSawSignedCanary(), 0)
})

t.test('--allow-cross-origin-redirect: the redirect is intended, the verdicts decide', async (t) => {
  const tap = await startTapServer(SECRET)
  t.teardown(tap.close)
  const entry = await startRedirector(307, tap.url)
  t.teardown(entry.close)
  const text = captureIO()
  t.equal(await probe([`${entry.url}/api/me`, '--probe-secret', SECRET, '--allow-cross-origin-redirect'], text.io), 0)
  t.match(text.out(), /All required credentials arrived intact at every hop/)
  t.match(text.out(), /307 .* changes origin \(port\), followed with fresh canaries/)
  const { code, json } = await probeJson([`${entry.url}/api/me`, '--probe-secret', SECRET, '--allow-cross-origin-redirect'])
  t.equal(code, 0)
  t.equal(json.crossOriginAllowed, true)
  t.equal(json.followCrossOrigin, true, 'allowing implies following')
})

t.test('a cross-origin 301 from real nginx in front of the tap', { skip: hasNginx() ? false : 'nginx is not installed' }, async (t) => {
  const tap = await startTapServer(SECRET)
  t.teardown(tap.close)
  const inner = await startNginx(`server { listen {{LISTEN}}; location / { proxy_pass {{UPSTREAM}}; } }`, { upstream: tap.url, t })
  const outer = await startNginx(`server { listen {{LISTEN}}; location / { return 301 {{UPSTREAM}}$request_uri; } }`, { upstream: inner.url, t })
  const stopped = await probeJson([`${outer.url}/api/me`, '--probe-secret', SECRET])
  t.equal(stopped.code, 1)
  t.equal(tap.answered(), 0, 'nothing went past the redirect')
  t.equal(stopped.json.redirects[0]?.to, `${inner.url}/api/me`)
  const followed = await probeJson([`${outer.url}/api/me`, '--probe-secret', SECRET, '--follow-cross-origin'])
  t.equal(followed.code, 1)
  t.equal(followed.json.hops[0]?.reached, true)
  t.equal(followed.json.redirects[0]?.followed, true)
  t.equal(tap.appSawSignedCanary(), 0)
})

t.test('a same-origin redirect is followed and does not fail the run', { skip: hasNginx() ? false : 'nginx is not installed' }, async (t) => {
  const tap = await startTapServer(SECRET)
  t.teardown(tap.close)
  const nginx = await startNginx(`server { listen {{LISTEN}}; location = /old { return 302 /new; } location / { proxy_pass {{UPSTREAM}}; } }`, { upstream: tap.url, t })
  const text = captureIO()
  t.equal(await probe([`${nginx.url}/old`, '--probe-secret', SECRET], text.io), 0)
  t.match(text.out(), /302 .*\/old -> .*\/new: same origin, followed/)
  t.match(text.out(), /All required credentials arrived intact/)
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
