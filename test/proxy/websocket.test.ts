// Websockets the upstream accepts: the handshake is the upstream's (its 101, Set-Cookie,
// subprotocol and extensions), frames pass both ways untouched, close codes pass through, and
// the upgrade is recorded as 101 once switched.
import t from 'tap'
import { request } from 'undici'
import { startHopwatch, waitForExchanges } from '../helpers/hopwatch.js'
import { closed, handshake, nextMessage } from '../helpers/ws-client.js'
import { rawExchange, startWsUpstream } from '../helpers/ws-upstream.js'
import type { Report } from '../../src/report/model.js'

const wsUrlOf = (httpUrl: string): string => httpUrl.replace(/^http/, 'ws')

async function setup (t: { teardown: (fn: () => Promise<void>) => void }, upstreamOptions: Parameters<typeof startWsUpstream>[0] = {}) {
  const upstream = await startWsUpstream(upstreamOptions)
  const hw = await startHopwatch(upstream.url)
  t.teardown(async () => { await hw.close(); await upstream.close() })
  return { upstream, hw, wsUrl: wsUrlOf(hw.trafficUrl) }
}

t.test('messages go both ways, text and binary; credentials and Host reach the upstream; recorded as 101', async (t) => {
  const { upstream, hw, wsUrl } = await setup(t)
  const opened = await handshake(`${wsUrl}/live?room=1`, { headers: { authorization: 'Bearer ws-token', cookie: 'sid=1', host: 'app.example.test' } })
  if (opened.kind !== 'open') throw new Error(`no websocket: ${JSON.stringify(opened)}`)
  const ws = opened.ws
  ws.send('hi')
  t.equal(await nextMessage(ws), 'echo:hi')
  ws.send(Buffer.from([0, 1, 2, 255]), { binary: true })
  t.same([...await nextMessage(ws) as Buffer], [0, 1, 2, 255], 'binary frame intact')
  const big = 'x'.repeat(200_000)
  ws.send(big)
  t.equal(await nextMessage(ws), `echo:${big}`, 'a 200 kB frame intact')
  ws.close(1000)
  await closed(ws)

  t.equal(upstream.upgrades.length, 1)
  const raw = upstream.upgrades[0]?.rawHeaders ?? []
  const header = (name: string): string | undefined => raw[raw.findIndex((v, i) => i % 2 === 0 && v.toLowerCase() === name) + 1]
  t.equal(header('authorization'), 'Bearer ws-token', 'Authorization reached the upstream')
  t.equal(header('cookie'), 'sid=1')
  t.equal(header('host'), 'app.example.test', 'Host kept')
  t.equal(upstream.upgrades[0]?.url, '/live?room=1', 'target kept')
  t.equal(opened.response.headers['set-cookie']?.[0], 'ws_session=up-1; Path=/; HttpOnly', "the upstream's 101 headers reach the client")

  await waitForExchanges(hw, 1)
  const ex = hw.store.list()[0]
  t.equal(ex?.websocket, true)
  t.equal(ex?.response.status, 101, 'recorded as 101 once switched')
  t.equal(ex?.response.source, 'upstream')
  t.same(ex?.response.setCookies.map((c) => c.name), ['ws_session'], "the 101's Set-Cookie recorded by name")
  t.equal(ex?.path, '/live')
  t.same(ex?.arrived.map((h) => h.key).sort(), ['authorization', 'cookie'])
  t.same(ex?.forwarded?.map((h) => h.key).sort(), ['authorization', 'cookie'])
  t.same(ex?.droppedHere, [])
  t.notOk(hw.logs.join('').includes('ws-token'), 'no credential value in the logs')
})

t.test('close codes pass through both ways', async (t) => {
  const { upstream, wsUrl } = await setup(t)
  const first = await handshake(`${wsUrl}/a`)
  if (first.kind !== 'open') throw new Error('no websocket')
  first.ws.send('close:4001')
  t.same(await closed(first.ws), { code: 4001, reason: 'upstream says bye' }, "the upstream's close code and reason reach the client")

  const second = await handshake(`${wsUrl}/b`)
  if (second.kind !== 'open') throw new Error('no websocket')
  second.ws.close(4002, 'client says bye')
  await closed(second.ws)
  const until = Date.now() + 5000
  while (!upstream.closeCodes.includes(4002) && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20))
  t.ok(upstream.closeCodes.includes(4002), "the client's close code reaches the upstream")
})

t.test('subprotocol negotiation is the upstream\'s', async (t) => {
  const { upstream, wsUrl } = await setup(t, { pickProtocol: (offered) => offered.has('chat.v1') ? 'chat.v1' : false })
  const opened = await handshake(`${wsUrl}/chat`, { protocols: ['chat.v2', 'chat.v1'] })
  if (opened.kind !== 'open') throw new Error('no websocket')
  t.equal(opened.ws.protocol, 'chat.v1', 'the protocol the upstream picked')
  const raw = upstream.upgrades[0]?.rawHeaders ?? []
  t.equal(raw[raw.findIndex((v) => v.toLowerCase() === 'sec-websocket-protocol') + 1], 'chat.v2,chat.v1', 'the offer reached the upstream as sent')
  opened.ws.close()
  await closed(opened.ws)

  const none = await handshake(`${wsUrl}/chat`, { protocols: ['chat.v9'] })
  t.equal(none.kind, 'error', 'the upstream picked none, so the ws client refuses the 101 itself')
})

t.test('permessage-deflate is negotiated end to end; compressed frames pass', async (t) => {
  const { upstream, wsUrl } = await setup(t, { perMessageDeflate: true })
  const opened = await handshake(`${wsUrl}/z`, { perMessageDeflate: true })
  if (opened.kind !== 'open') throw new Error('no websocket')
  t.match(opened.ws.extensions, /permessage-deflate/, 'the upstream accepted the extension')
  const raw = upstream.upgrades[0]?.rawHeaders ?? []
  t.match(raw[raw.findIndex((v) => v.toLowerCase() === 'sec-websocket-extensions') + 1], /permessage-deflate/, 'the offer reached the upstream')
  const text = 'compress me '.repeat(1000)
  opened.ws.send(text)
  t.equal(await nextMessage(opened.ws), `echo:${text}`)
  opened.ws.close()
  await closed(opened.ws)
})

t.test('duplicate credential lines and header casing reach the upstream as sent', async (t) => {
  const { upstream, hw } = await setup(t)
  const answer = await rawExchange(hw.trafficUrl, 'GET /dup HTTP/1.1\r\nHost: app.test\r\nAuthorization: Bearer one\r\nauthorization: Bearer two\r\n' +
    'Connection: keep-alive, Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nX-Custom: a\r\n\r\n', 1500)
  t.match(answer, /^HTTP\/1\.1 101 Switching Protocols\r\n/)
  t.match(answer, /\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK\+xOo=\r\n/i, "the upstream's accept key")
  t.same(upstream.upgrades[0]?.rawHeaders, ['Host', 'app.test', 'Authorization', 'Bearer one', 'authorization', 'Bearer two',
    'Connection', 'Upgrade', 'Upgrade', 'websocket', 'Sec-WebSocket-Version', '13', 'Sec-WebSocket-Key', 'dGhlIHNhbXBsZSBub25jZQ==', 'X-Custom', 'a'],
  'every line byte for byte, in order, duplicates kept; Connection: Upgrade')
  await waitForExchanges(hw, 1)
  t.equal(hw.store.list()[0]?.forwarded?.find((h) => h.key === 'authorization')?.lines, 2, 'both lines recorded as forwarded')
})

t.test('a token in the query of an upgrade: credential-in-query fires', async (t) => {
  const { hw, wsUrl } = await setup(t)
  const opened = await handshake(`${wsUrl}/live?access_token=abc.def`)
  if (opened.kind !== 'open') throw new Error('no websocket')
  opened.ws.close()
  await closed(opened.ws)
  await waitForExchanges(hw, 1)
  const report = await (await request(`${hw.adminUrl}/report`)).body.json() as Report
  t.ok(report.findings.some((f) => f.rule === 'credential-in-query'), 'credential-in-query in the report')
  t.notOk(JSON.stringify(report).includes('abc.def'), 'the token value is not in the report')
})

t.test('Upgrade without Connection: upgrade is a plain request', async (t) => {
  const { upstream, hw } = await setup(t)
  const answer = await rawExchange(hw.trafficUrl, 'GET /not-an-upgrade HTTP/1.1\r\nHost: app.test\r\nUpgrade: websocket\r\nConnection: close\r\n\r\n', 3000)
  t.match(answer, /^HTTP\/1\.1 \d{3} /, 'answered over HTTP')
  t.notMatch(answer, /^HTTP\/1\.1 101/, 'not switched')
  t.equal(upstream.upgrades.length, 0, 'the upstream saw no upgrade request')
})
