// The signed-canary check: the app behind the tap never receives a valid canary; a forged or
// replayed one is forwarded as normal traffic (through real nginx too).
import t from 'tap'
import { request } from 'undici'
import { hasNginx, startNginx } from '../helpers/real-servers.js'
import { materialise, planBattery } from '../../src/probe/canary.js'
import { probeJson, startTapServer } from './tap-server.js'
import { SECRET } from './expected.js'

const flat = (lines: Array<{ name: string, value: string }>): string[] => lines.flatMap((l) => [l.name, l.value])

t.test('through nginx: valid canaries answered by the tap, forged and replayed go to the app', { skip: hasNginx() ? false : 'nginx is not installed' }, async (t) => {
  const tap = await startTapServer(SECRET)
  t.teardown(tap.close)
  const nginx = await startNginx(`server { listen {{LISTEN}}; location / { proxy_pass {{UPSTREAM}}; } }`, { upstream: tap.url, t })

  const { code } = await probeJson([nginx.url, '--probe-secret', SECRET])
  t.equal(code, 0)
  t.equal(tap.appReceived.length, 0, 'the full battery never reached the app')

  const plan = planBattery()[0]
  if (plan === undefined) throw new Error('empty battery')
  const valid = materialise(plan, SECRET, Date.now())
  const first = await request(nginx.url, { headers: flat(valid.headers) })
  const firstBody = await first.body.text()
  t.ok(firstBody.includes('canary-answer'), 'a valid canary is answered by the tap')
  t.equal(tap.appReceived.length, 0)

  const replay = await request(nginx.url, { headers: flat(valid.headers) })
  t.equal(await replay.body.text(), '{"app":true}', 'a replayed canary is normal traffic')
  t.equal(tap.appReceived.length, 1)

  const forged = materialise(plan, 'not-the-probe-secret-at-all', Date.now())
  const forgedReply = await request(nginx.url, { headers: flat(forged.headers) })
  t.equal(await forgedReply.body.text(), '{"app":true}', 'a forged canary is normal traffic')
  t.equal(tap.appReceived.length, 2)

  const stale = materialise(plan, SECRET, Date.now() - 3_600_000)
  const staleReply = await request(nginx.url, { headers: flat(stale.headers) })
  t.equal(await staleReply.body.text(), '{"app":true}', 'a stale canary is normal traffic')

  const plain = await request(nginx.url, { headers: ['Authorization', 'Bearer synthetic-user-token'] })
  t.equal(await plain.body.text(), '{"app":true}', 'ordinary traffic reaches the app')

  t.equal(tap.appSawUnansweredCanary(), 1, 'the only well-signed canary the app saw was the stale one')
  t.equal(tap.appSawSignedCanary(), 2, 'the replay and the stale one: neither valid')
})

t.test('a canary whose marker a layer strips is still recognised and kept from the app', { skip: hasNginx() ? false : 'nginx is not installed' }, async (t) => {
  const tap = await startTapServer(SECRET)
  t.teardown(tap.close)
  const nginx = await startNginx(`server { listen {{LISTEN}}; location / { proxy_set_header X-Hopwatch-Canary ""; proxy_pass {{UPSTREAM}}; } }`, { upstream: tap.url, t })
  const { code, json } = await probeJson([nginx.url, '--probe-secret', SECRET])
  t.equal(code, 0)
  t.ok(json.hops[0]?.notes.some((n) => n.includes('marker header')), 'the stripped marker is reported')
  t.equal(tap.appReceived.length, 1, 'only the underscore request, whose only canaries nginx dropped, reached the app')
  t.equal(tap.appSawSignedCanary(), 0)
  t.equal(json.hops[0]?.headers.find((h) => h.shape === 'underscore name')?.verdict, 'unreached')
})
