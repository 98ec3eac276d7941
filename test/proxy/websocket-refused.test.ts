// Upgrades the upstream does not switch: the client gets the upstream's own answer (status,
// headers, body), the same as without hopwatch, and the audit records it like any other answer.
// Failures before any answer are hopwatch's 502/504, as on plain requests.
import t from 'tap'
import { execFile, spawnSync } from 'node:child_process'
import { request } from 'undici'
import { startHopwatch, waitForExchanges, type TestHopwatch } from '../helpers/hopwatch.js'
import { handshake } from '../helpers/ws-client.js'
import { PLAIN_200_BODY, REFUSE_401_BODY, rawExchange, startWsUpstream, type WsUpstream } from '../helpers/ws-upstream.js'
import { freePort } from '../helpers/real-servers.js'
import type { Report } from '../../src/report/model.js'

const wsUrlOf = (httpUrl: string): string => httpUrl.replace(/^http/, 'ws')
const UPGRADE = 'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n'

async function setup (t: { teardown: (fn: () => Promise<void>) => void }, args: string[] = []): Promise<{ upstream: WsUpstream; hw: TestHopwatch; wsUrl: string }> {
  const upstream = await startWsUpstream()
  const hw = await startHopwatch(upstream.url, args)
  t.teardown(async () => { await hw.close(); await upstream.close() })
  return { upstream, hw, wsUrl: wsUrlOf(hw.trafficUrl) }
}

async function reportOf (hw: TestHopwatch): Promise<Report> {
  return await (await request(`${hw.adminUrl}/report`)).body.json() as Report
}

/** An answer without the lines that differ per connection (Date, Connection). */
const comparable = (answer: string): string => answer.split('\r\n').filter((line) => !/^(date|connection|keep-alive):/i.test(line)).join('\r\n')

t.test('401 + Bearer challenge: the client gets it, the report records it, the finding fires', async (t) => {
  const { hw, wsUrl } = await setup(t)
  const answer = await handshake(`${wsUrl}/refuse401`)
  if (answer.kind !== 'refused') throw new Error(`not refused: ${JSON.stringify(answer)}`)
  t.equal(answer.status, 401, 'unexpected-response 401, not a 101')
  t.equal(answer.headers['www-authenticate'], 'Bearer realm="ws"', 'the challenge reaches the client')
  t.equal(answer.body, REFUSE_401_BODY, 'the body too')

  await waitForExchanges(hw, 1)
  const ex = hw.store.list()[0]
  t.equal(ex?.response.status, 401, 'recorded as 401')
  t.equal(ex?.response.source, 'upstream')
  t.equal(ex?.websocket, true)
  t.same(ex?.response.wwwAuthenticate.map((c) => [c.scheme, c.realm]), [['Bearer', 'ws']], 'the challenge recorded')
  const report = await reportOf(hw)
  t.ok(report.findings.some((f) => f.rule === 'credential-missing-on-401' && f.header === 'authorization'), 'credential-missing-on-401, as for a plain 401')
})

t.test('401: the answer through hopwatch is the one the upstream gives directly', async (t) => {
  const { upstream, hw } = await setup(t)
  const text = `GET /refuse401 HTTP/1.1\r\nHost: app.test\r\n${UPGRADE}\r\n`
  const direct = await rawExchange(upstream.url, text)
  const through = await rawExchange(hw.trafficUrl, text)
  t.equal(comparable(through), comparable(direct), 'status line, headers and body as the upstream sent them')
  t.match(through, /\r\nConnection: close\r\n/i, 'the connection closes after the answer')
})

t.test('a credential that arrived: no credential-missing-on-401, the 401 still recorded', async (t) => {
  const { hw, wsUrl } = await setup(t)
  const answer = await handshake(`${wsUrl}/refuse401`, { headers: { authorization: 'Bearer expired-token' } })
  t.equal(answer.kind === 'refused' ? answer.status : 0, 401)
  await waitForExchanges(hw, 1)
  t.equal(hw.store.list()[0]?.response.status, 401)
  const report = await reportOf(hw)
  t.notOk(report.findings.some((f) => f.rule === 'credential-missing-on-401'), 'the credential arrived')
  t.notOk(JSON.stringify(report).includes('expired-token'), 'no credential value in the report')
})

t.test('403 with a chunked body: relayed and recorded', async (t) => {
  const { hw, wsUrl } = await setup(t)
  const answer = await handshake(`${wsUrl}/refuse403`, { headers: { cookie: 'sid=abc' } })
  if (answer.kind !== 'refused') throw new Error('not refused')
  t.equal(answer.status, 403)
  t.equal(answer.body, 'for-bidden', 'the chunked body, whole')
  await waitForExchanges(hw, 1)
  t.equal(hw.store.list()[0]?.response.status, 403)
  const report = await reportOf(hw)
  t.ok(report.findings.some((f) => f.rule === 'forbidden-not-unauthorized'), 'the 403 rule sees it like a plain 403')
})

t.test('200 instead of switching: the client gets the 200 and its body', async (t) => {
  const { hw, wsUrl } = await setup(t)
  const answer = await handshake(`${wsUrl}/plain200`)
  if (answer.kind !== 'refused') throw new Error('not refused')
  t.equal(answer.status, 200)
  t.equal(answer.body, PLAIN_200_BODY)
  t.equal(answer.headers['content-type'], 'application/json')
  await waitForExchanges(hw, 1)
  t.equal(hw.store.list()[0]?.response.status, 200)
})

t.test('upstream closes mid-handshake: 502 from hopwatch, recorded, no crash', async (t) => {
  const { hw, wsUrl } = await setup(t)
  const answer = await handshake(`${wsUrl}/hangup`)
  if (answer.kind !== 'refused') throw new Error(`not refused: ${JSON.stringify(answer)}`)
  t.equal(answer.status, 502)
  t.match(JSON.parse(answer.body), { error: 'upstream_unreachable', source: 'hopwatch' })
  await waitForExchanges(hw, 1)
  const ex = hw.store.list()[0]
  t.equal(ex?.response.status, 502)
  t.equal(ex?.response.source, 'hopwatch')
  t.ok(ex?.error?.code, 'the error code recorded')
  const next = await handshake(`${wsUrl}/still-there`)
  t.equal(next.kind, 'open', 'hopwatch still forwards upgrades')
  if (next.kind === 'open') next.ws.terminate()
})

t.test('upstream unreachable: 502', async (t) => {
  const port = await freePort()
  const hw = await startHopwatch(`http://127.0.0.1:${port}`)
  t.teardown(async () => { await hw.close() })
  const answer = await handshake(`${wsUrlOf(hw.trafficUrl)}/x`)
  t.equal(answer.kind === 'refused' ? answer.status : 0, 502)
  await waitForExchanges(hw, 1)
  t.equal(hw.store.list()[0]?.error?.code, 'ECONNREFUSED')
})

t.test('no answer within --upstream-timeout: 504', async (t) => {
  const { hw, wsUrl } = await setup(t, ['--upstream-timeout', '300'])
  const answer = await handshake(`${wsUrl}/silent`)
  if (answer.kind !== 'refused') throw new Error('not refused')
  t.equal(answer.status, 504)
  t.match(JSON.parse(answer.body), { error: 'upstream_timeout', source: 'hopwatch' })
  await waitForExchanges(hw, 1)
  t.equal(hw.store.list()[0]?.response.status, 504)
})

t.test('absolute-form target or a body on the upgrade request: 400, nothing forwarded', async (t) => {
  const { upstream, hw } = await setup(t)
  const absolute = await rawExchange(hw.trafficUrl, `GET http://other.test/x HTTP/1.1\r\nHost: app.test\r\n${UPGRADE}\r\n`)
  t.match(absolute, /^HTTP\/1\.1 400 /)
  t.match(absolute, /bad_request_target/)
  const withBody = await rawExchange(hw.trafficUrl, `POST /x HTTP/1.1\r\nHost: app.test\r\n${UPGRADE}Content-Length: 5\r\n\r\nhello`)
  t.match(withBody, /^HTTP\/1\.1 400 /)
  t.match(withBody, /upgrade_with_body/)
  t.equal(upstream.upgrades.length, 0, 'the upstream saw neither')
  await waitForExchanges(hw, 2)
})

t.test('client gone before the upstream answers: the upstream request is dropped, recorded as aborted', async (t) => {
  const { upstream, hw } = await setup(t)
  await rawExchange(hw.trafficUrl, `GET /silent HTTP/1.1\r\nHost: app.test\r\n${UPGRADE}\r\n`, 300)
  await waitForExchanges(hw, 1)
  const ex = hw.store.list()[0]
  t.equal(ex?.aborted, true)
  t.equal(ex?.response.source, 'hopwatch')
  t.equal(upstream.upgrades.length, 1)
})

// Node's own client (undici's WebSocket): global on Node 22+, behind --experimental-websocket on
// Node 20, so it runs in a child process with the flag when this one has no global.
const NODE_CLIENT = `
const base = process.argv[1]
const out = { hasClient: typeof WebSocket === 'function' }
const run = (path, onOpen) => new Promise((resolve) => {
  const ws = new WebSocket(base + path)
  const timer = setTimeout(() => { out[path] = 'no answer'; resolve() }, 10000)
  ws.onopen = () => onOpen(ws)
  ws.onmessage = (event) => { out.echo = String(event.data); ws.close(4005, 'node says bye') }
  // Node 20's client fires 'error' on a refused handshake but never 'close'.
  ws.onerror = () => { out[path] = 'error'; if (path !== '/node') { clearTimeout(timer); resolve() } }
  ws.onclose = (event) => { clearTimeout(timer); out[path + ':close'] = event.code; resolve() }
})
if (out.hasClient) {
  await run('/node', (ws) => ws.send('from node'))
  await run('/refuse401', (ws) => { out['/refuse401'] = 'opened'; ws.close() })
}
console.log(JSON.stringify(out))
`
const nodeFlags = typeof (globalThis as { WebSocket?: unknown }).WebSocket === 'function' ? [] : ['--experimental-websocket']
const nodeHasClient = spawnSync(process.execPath, [...nodeFlags, '-e', "process.exit(typeof WebSocket === 'function' ? 0 : 1)"], { timeout: 10_000 }).status === 0

async function runNodeClient (wsUrl: string): Promise<Record<string, unknown>> {
  return await new Promise((resolve, reject) => {
    execFile(process.execPath, [...nodeFlags, '--input-type=module', '-e', NODE_CLIENT, wsUrl], { timeout: 30_000 }, (err, stdout, stderr) => {
      if (err !== null && stdout === '') { reject(new Error(`node client failed: ${stderr.slice(0, 500)}`)); return }
      resolve(JSON.parse(stdout) as Record<string, unknown>)
    })
  })
}

t.test("Node's own WebSocket client: echo and close code through, a 401 fails the handshake", { skip: nodeHasClient ? false : `Node ${process.version} has no WebSocket client, even with --experimental-websocket` }, async (t) => {
  const { upstream, hw, wsUrl } = await setup(t)
  const result = await runNodeClient(wsUrl)
  t.equal(result.hasClient, true)
  t.equal(result.echo, 'echo:from node')
  t.equal(result['/node:close'], 4005)
  const until = Date.now() + 5000
  while (!upstream.closeCodes.includes(4005) && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20))
  t.ok(upstream.closeCodes.includes(4005), "Node's close code reached the upstream")
  t.equal(result['/refuse401'], 'error', 'the 401 fails the handshake instead of opening a socket')
  t.same(result, await runNodeClient(upstream.wsUrl), 'the same as straight to the upstream')
  await waitForExchanges(hw, 2)
  // Node 24's client (undici) sends the refused handshake a second time; each try is recorded.
  const statuses = hw.store.list().map((e) => e.response.status)
  t.same([...new Set(statuses)].sort(), [101, 401], 'recorded as the upstream answered: 101, and 401 for each refused try')
  t.equal(statuses.filter((s) => s === 101).length, 1, 'one socket opened')
})
