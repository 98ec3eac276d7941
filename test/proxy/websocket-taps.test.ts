// Upgrades at the edge tap and at the canary tap, and at shutdown: the edge stamps an upgrade
// like a plain request (the origin removes the stamp, the pair is certain), a signed canary on
// an upgrade is answered by the tap itself, and open websockets do not hold a shutdown forever.
import t from 'tap'
import { request } from 'undici'
import { startHopwatch, waitForExchanges } from '../helpers/hopwatch.js'
import { closed, handshake, nextMessage } from '../helpers/ws-client.js'
import { startWsUpstream } from '../helpers/ws-upstream.js'
import { freePort } from '../helpers/real-servers.js'
import { makeToken, MARKER_HEADER, MARKER_SLOT, newNonce } from '../../src/probe/token.js'
import { ANSWER_TAG } from '../../src/probe/answer.js'
import type { Report } from '../../src/report/model.js'

const wsUrlOf = (httpUrl: string): string => httpUrl.replace(/^http/, 'ws')
const SECRET = 'websocket-test-probe-secret'

t.test('edge + origin taps: the upgrade is stamped at the edge, the stamp removed before the app, the pair certain', async (t) => {
  const upstream = await startWsUpstream()
  const originPort = await freePort()
  const hw = await startHopwatch(upstream.url, ['--listen', `127.0.0.1:${originPort}`, '--edge-listen', '127.0.0.1:0', '--edge-upstream', `http://127.0.0.1:${originPort}`])
  t.teardown(async () => { await hw.close(); await upstream.close() })
  const opened = await handshake(`${wsUrlOf(hw.edgeUrl as string)}/live`, { headers: { authorization: 'Bearer edge-ws' } })
  if (opened.kind !== 'open') throw new Error(`no websocket: ${JSON.stringify(opened)}`)
  opened.ws.send('through both taps')
  t.equal(await nextMessage(opened.ws), 'echo:through both taps')
  opened.ws.close()
  await closed(opened.ws)

  const raw = upstream.upgrades[0]?.rawHeaders ?? []
  t.notOk(raw.some((v, i) => i % 2 === 0 && v.toLowerCase() === 'x-hopwatch-pair'), 'the app never sees the stamp')
  t.ok(raw.includes('Bearer edge-ws'), 'the credential went through both taps')
  await waitForExchanges(hw, 1)
  const report = await (await request(`${hw.adminUrl}/report`)).body.json() as Report
  t.equal(report.pairing?.pairedCertain, 1, 'edge and origin observations paired by the stamp')
  t.same(report.pairing?.perHeader.authorization, { intact: 1, dropped: 0, modified: 0, renamed: 0, added: 0 })
  t.equal(hw.store.list()[0]?.response.status, 101)
})

t.test('a signed canary on an upgrade request is answered by the tap; the app never sees it', async (t) => {
  const upstream = await startWsUpstream()
  const hw = await startHopwatch(upstream.url, ['--probe-secret', SECRET])
  t.teardown(async () => { await hw.close(); await upstream.close() })
  const nonce = newNonce()
  const marker = makeToken(SECRET, { ts: Date.now(), nonce, slot: MARKER_SLOT })
  const answer = await handshake(`${wsUrlOf(hw.trafficUrl)}/live`, { headers: { [MARKER_HEADER]: marker, authorization: `Bearer ${makeToken(SECRET, { ts: Date.now(), nonce, slot: 'authorization' })}` } })
  if (answer.kind !== 'refused') throw new Error(`not answered by the tap: ${JSON.stringify(answer)}`)
  t.equal(answer.status, 200)
  t.equal(answer.headers['cache-control'], 'no-store')
  t.match(JSON.parse(answer.body), { hopwatch: ANSWER_TAG, nonce })
  t.equal(upstream.upgrades.length, 0, 'the app never saw the canary')
  t.equal(hw.store.total, 0, 'a canary is not recorded as traffic')

  const plain = await handshake(`${wsUrlOf(hw.trafficUrl)}/live`, { headers: { authorization: 'Bearer real-user' } })
  t.equal(plain.kind, 'open', 'ordinary upgrades still reach the app')
  if (plain.kind === 'open') { plain.ws.close(); await closed(plain.ws) }
})

t.test('shutdown: an open websocket is cut at the end of the grace period, close() returns', async (t) => {
  const upstream = await startWsUpstream()
  t.teardown(async () => { await upstream.close() })
  const hw = await startHopwatch(upstream.url)
  const opened = await handshake(`${wsUrlOf(hw.trafficUrl)}/long`)
  if (opened.kind !== 'open') throw new Error('no websocket')
  const gone = closed(opened.ws)
  const result = await Promise.race([
    hw.close(300).then(() => 'closed'),
    new Promise<string>((resolve) => setTimeout(() => resolve('still waiting after 10 s'), 10_000).unref())
  ])
  t.equal(result, 'closed', 'close() returned')
  t.equal((await gone).code, 1006, 'the client saw its connection cut')
})
