// 502 when the upstream can't be reached, 504 when it is too slow; both said to come from
// hopwatch and both recorded as exchanges.
import t from 'tap'
import { request } from 'undici'
import { closedPort, startEchoUpstream } from '../helpers/echo-upstream.js'
import { startHopwatch, waitForExchanges } from '../helpers/hopwatch.js'


t.test('refused upstream: 502 with a JSON body from hopwatch, recorded', async (t) => {
  const port = await closedPort()
  const hw = await startHopwatch(`http://127.0.0.1:${port}`)
  t.teardown(() => hw.close())
  const res = await request(`${hw.trafficUrl}/x`, { headers: { authorization: 'Bearer refused-secret' } })
  const body = await res.body.json() as Record<string, unknown>
  t.equal(res.statusCode, 502)
  t.equal(body.source, 'hopwatch')
  t.equal(body.error, 'upstream_unreachable')
  t.match(String(body.message), /ECONNREFUSED/)
  await waitForExchanges(hw, 1)
  const ex = hw.store.list()[0]
  t.equal(ex?.clientStatus, 502)
  t.equal(ex?.response.source, 'hopwatch')
  t.equal(ex?.error?.code, 'ECONNREFUSED')
  t.equal(ex?.arrived[0]?.key, 'authorization', 'credentials still recorded')
})

t.test('slow upstream: 504 after --upstream-timeout, recorded', async (t) => {
  const up = await startEchoUpstream((_req, res) => { setTimeout(() => { res.end('late') }, 1500) })
  const hw = await startHopwatch(up.url, ['--upstream-timeout', '200'])
  t.teardown(async () => { await hw.close(); await up.close() })
  const started = Date.now()
  const res = await request(`${hw.trafficUrl}/slow`)
  const body = await res.body.json() as Record<string, unknown>
  t.equal(res.statusCode, 504)
  t.ok(Date.now() - started < 1400, 'answered before the upstream would have')
  t.equal(body.source, 'hopwatch')
  t.equal(body.error, 'upstream_timeout')
  await waitForExchanges(hw, 1)
  t.equal(hw.store.list()[0]?.clientStatus, 504)
  t.equal(hw.store.list()[0]?.error?.code, 'UND_ERR_HEADERS_TIMEOUT')
})

t.test('an upstream that closes mid-response: the client sees a cut response, hopwatch stays up', async (t) => {
  const up = await startEchoUpstream((_req, res) => {
    res.writeHead(200, { 'content-length': '100000' })
    res.write(Buffer.alloc(1000))
    setTimeout(() => res.socket?.destroy(), 20)
  })
  const hw = await startHopwatch(up.url)
  t.teardown(async () => { await hw.close(); await up.close() })
  const res = await request(`${hw.trafficUrl}/cut`)
  t.equal(res.statusCode, 200)
  await t.rejects(res.body.arrayBuffer(), 'the body is cut, as it would be without hopwatch')
  await waitForExchanges(hw, 1)
  t.equal(hw.store.list()[0]?.aborted, true, 'recorded as not completed')
  const again = await request(`${hw.trafficUrl}/cut`)
  t.equal(again.statusCode, 200, 'the proxy still serves')
  await again.body.arrayBuffer().catch(() => undefined)
})
