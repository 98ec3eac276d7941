// Slow and hostile clients, with raw sockets against a real hopwatch and a real upstream:
// --client-timeout ends slow headers and slow bodies within about a second of its value (408,
// and the upstream request the body was streaming into is aborted); uploads that trickle in and
// hold every upstream connection do not stop a GET, and a request that waits for a connection
// longer than --upstream-timeout gets a 504. Margins are generous: the machine is shared.
import t from 'tap'
import { createServer, type Server } from 'node:http'
import { connect } from 'node:net'
import type { AddressInfo } from 'node:net'
import { startHopwatch, waitForExchanges } from '../helpers/hopwatch.js'

const CLIENT_TIMEOUT = 1500
/** The timeout, one check interval (at most a second), and slack for a loaded machine. */
const CUT_BY = CLIENT_TIMEOUT + 1000 + 1500

interface UpstreamRequest { method: string; url: string; bytes: number; complete: boolean; cutShort: boolean }

async function recordingUpstream (): Promise<{ url: string; server: Server; requests: UpstreamRequest[]; close: () => Promise<void> }> {
  const requests: UpstreamRequest[] = []
  const server = createServer((req, res) => {
    const seen: UpstreamRequest = { method: req.method ?? '', url: req.url ?? '', bytes: 0, complete: false, cutShort: false }
    requests.push(seen)
    req.on('data', (chunk: Buffer) => { seen.bytes += chunk.length })
    req.on('end', () => { seen.complete = true; res.writeHead(200, { 'content-type': 'text/plain' }); res.end('done') })
    req.on('close', () => { if (!seen.complete) seen.cutShort = true })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    server,
    requests,
    close: async () => { server.closeAllConnections(); await new Promise<void>((resolve) => server.close(() => resolve())) }
  }
}

interface Trickled { text: string; ms: number }

/** Send `head` at once, then one byte every `everyMs` (at most `bytes`); resolve when hopwatch closes (hard stop at 15 s). */
function trickle (url: string, head: string, bytes: number, everyMs: number): Promise<Trickled> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve) => {
    const started = Date.now()
    const socket = connect(Number(port), hostname)
    const chunks: Buffer[] = []
    let sent = 0
    const drip = setInterval(() => {
      if (sent++ < bytes && socket.writable) socket.write('a')
    }, everyMs)
    const hardStop = setTimeout(() => socket.destroy(), 15_000)
    const done = (): void => {
      clearInterval(drip)
      clearTimeout(hardStop)
      resolve({ text: Buffer.concat(chunks).toString('latin1'), ms: Date.now() - started })
    }
    socket.on('data', (c: Buffer) => chunks.push(c))
    socket.on('close', done)
    socket.on('error', () => { /* reset by hopwatch: 'close' follows */ })
    socket.write(head)
  })
}

async function until (what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

t.test('headers sent a byte at a time: 408 within a second of --client-timeout, nothing forwarded', async (t) => {
  const upstream = await recordingUpstream()
  const hw = await startHopwatch(upstream.url, ['--client-timeout', String(CLIENT_TIMEOUT)])
  t.teardown(async () => { await hw.close(500); await upstream.close() })
  const answer = await trickle(hw.trafficUrl, 'GET /slow-head HTTP/1.1\r\nHost: app\r\nX-Slow: ', 100, 200)
  t.match(answer.text, /^HTTP\/1\.1 408 /)
  t.ok(answer.ms >= CLIENT_TIMEOUT - 100, `cut after ${answer.ms} ms, not before the timeout`)
  t.ok(answer.ms < CUT_BY, `cut after ${answer.ms} ms, within a second of the timeout (plus slack)`)
  t.equal(upstream.requests.length, 0)
})

t.test('a body sent one byte a second: 408, and the upstream request is aborted', async (t) => {
  const upstream = await recordingUpstream()
  const hw = await startHopwatch(upstream.url, ['--client-timeout', String(CLIENT_TIMEOUT)])
  t.teardown(async () => { await hw.close(500); await upstream.close() })
  const answer = await trickle(hw.trafficUrl, 'POST /upload HTTP/1.1\r\nHost: app\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\n', 100, 1000)
  t.match(answer.text, /^HTTP\/1\.1 408 /)
  t.ok(answer.ms >= CLIENT_TIMEOUT - 100, `cut after ${answer.ms} ms, not before the timeout`)
  t.ok(answer.ms < CUT_BY, `cut after ${answer.ms} ms, within a second of the timeout (plus slack)`)
  await until('the upstream request to end', () => upstream.requests[0]?.cutShort === true || upstream.requests[0]?.complete === true)
  t.equal(upstream.requests.length, 1, 'the upload was streaming to the upstream')
  t.equal(upstream.requests[0]?.cutShort, true, 'and its upstream request was aborted, not completed')
  t.ok((upstream.requests[0]?.bytes ?? 100) < 100)
  await waitForExchanges(hw, 1)
  t.equal(hw.store.list()[0]?.aborted, true, 'recorded as an aborted exchange')
})

t.test('uploads holding every upstream connection: a GET is still answered, another upload gets 504 after --upstream-timeout', async (t) => {
  const upstream = await recordingUpstream()
  const hw = await startHopwatch(upstream.url, ['--client-timeout', '6000', '--upstream-connections', '2', '--upstream-timeout', '1000'])
  t.teardown(async () => { await hw.close(500); await upstream.close() })
  const head = 'POST /slow-upload HTTP/1.1\r\nHost: app\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\n'
  const slow = [trickle(hw.trafficUrl, head, 100, 300), trickle(hw.trafficUrl, head, 100, 300)]
  await until('both uploads to reach the upstream', () => upstream.requests.length === 2)

  const get = await fetch(`${hw.trafficUrl}/status`, { signal: AbortSignal.timeout(5000) })
  t.equal(get.status, 200, 'the GET is answered by the upstream')
  t.equal(await get.text(), 'done')
  t.ok(upstream.requests.filter((r) => r.url === '/slow-upload').every((r) => !r.complete && !r.cutShort), 'while both uploads are still going')

  const started = Date.now()
  const queued = await fetch(`${hw.trafficUrl}/third-upload`, { method: 'POST', body: 'abc', signal: AbortSignal.timeout(8000) })
  const waited = Date.now() - started
  t.equal(queued.status, 504)
  const body = await queued.json() as { error: string; message: string }
  t.equal(body.error, 'upstream_timeout')
  t.match(body.message, /no connection to the upstream was free within 1000 ms/)
  t.ok(waited >= 900 && waited < 5000, `504 after ${waited} ms`)
  t.notOk(upstream.requests.some((r) => r.url === '/third-upload'), 'the timed-out request never reached the upstream')

  const cut = await Promise.all(slow)
  for (const answer of cut) t.match(answer.text, /^HTTP\/1\.1 408 /, 'the trickling uploads end at --client-timeout')
  const after = await fetch(`${hw.trafficUrl}/later-upload`, { method: 'POST', body: 'xyz', signal: AbortSignal.timeout(5000) })
  t.equal(after.status, 200, 'the pool serves uploads again once they are gone')
  t.equal(upstream.requests.find((r) => r.url === '/later-upload')?.bytes, 3)
  t.notOk(upstream.requests.some((r) => r.url === '/third-upload'), 'and the expired request was dropped, not sent late')
})

t.test('an answer already under way when the body times out: the connection closes, no 408 written into it', async (t) => {
  const upstream = createServer((req, res) => {
    req.resume()
    res.writeHead(200, { 'content-type': 'text/plain' })
    res.write('start\n')
    let n = 0
    const tick = setInterval(() => { if (++n > 20 || res.destroyed) { clearInterval(tick); res.end() } else res.write('tick\n') }, 200)
    res.on('close', () => clearInterval(tick))
  })
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve))
  const hw = await startHopwatch(`http://127.0.0.1:${(upstream.address() as AddressInfo).port}`, ['--client-timeout', String(CLIENT_TIMEOUT)])
  t.teardown(async () => {
    await hw.close(500)
    upstream.closeAllConnections()
    await new Promise<void>((resolve) => upstream.close(() => resolve()))
  })
  const answer = await trickle(hw.trafficUrl, 'POST /echo-stream HTTP/1.1\r\nHost: app\r\nContent-Length: 100\r\n\r\n', 100, 300)
  t.match(answer.text, /^HTTP\/1\.1 200 /, 'the upstream answer started')
  t.match(answer.text, /start\n/)
  t.notMatch(answer.text, /408/, 'nothing written into the answer')
  t.ok(answer.ms < CUT_BY, `the connection closed after ${answer.ms} ms`)
})
