// The HTTP/2 upstream session's bounds, against a real node:http2 server: at most maxStreams
// streams at once (the next waits its turn, and fails with POOL_WAIT_TIMEOUT when none frees up
// in time); through hopwatch, --upstream-timeout is a bound on silence, not on a stream's life;
// a client that goes away cancels its upstream stream.
import t from 'tap'
import { request } from 'node:http'
import type { ServerHttp2Stream } from 'node:http2'
import { H2Sessions } from '../../src/proxy/h2-session.js'
import { POOL_WAIT_TIMEOUT } from '../../src/proxy/errors.js'
import { startHopwatch, waitForExchanges } from '../helpers/hopwatch.js'
import { startH2Upstream } from '../helpers/h2-upstream.js'

const head = (path: string): Record<string, string> => ({ ':method': 'GET', ':path': path, ':scheme': 'http', ':authority': 'upstream.test' })

t.test('at most maxStreams open: the next waits for a slot, or fails after the timeout', async (t) => {
  const held: ServerHttp2Stream[] = []
  const upstream = await startH2Upstream((stream) => { held.push(stream) })
  const sessions = new H2Sessions(upstream.url, { protocol: 'h2c', maxHeaderSize: 65536, timeoutMs: 400, tls: { ca: null, insecure: false }, maxStreams: 2 })
  t.teardown(async () => { await sessions.destroy(); await upstream.close() })
  const opened: string[] = []
  const open = async (path: string): Promise<Error | null> => await new Promise((resolve) => {
    sessions.request(head(path), true, (err, stream) => {
      if (err !== null) { resolve(err); return }
      opened.push(path)
      stream?.on('error', () => {})
      stream?.on('response', () => { stream.resume() })
      resolve(null)
    })
  })
  t.equal(await open('/a'), null)
  t.equal(await open('/b'), null)
  t.equal(sessions.open, 2)
  const third = open('/c')
  // Bounded wait for the two held streams to reach the server; the third is not sent meanwhile.
  for (let i = 0; i < 100 && held.length < 2; i++) await new Promise((resolve) => setTimeout(resolve, 10))
  t.equal(held.length, 2)
  held[0]?.respond({ ':status': 200 }, { endStream: true })
  t.equal(await third, null, 'the third gets the slot the first freed')
  t.same(opened, ['/a', '/b', '/c'])
  const fourth = await open('/d')
  t.equal((fourth as { code?: string } | null)?.code, POOL_WAIT_TIMEOUT, 'no slot within the timeout')
  for (let i = 0; i < 100 && held.length < 3; i++) await new Promise((resolve) => setTimeout(resolve, 10))
  t.equal(held.length, 3, '/d never reached the upstream')
  t.equal(sessions.sessions, 1, 'one session for all of them')
})

t.test('through hopwatch: a stream that keeps sending outlives --upstream-timeout; silence cuts it', async (t) => {
  const upstream = await startH2Upstream((stream, headers) => {
    stream.respond({ ':status': 200, 'content-type': 'text/plain' })
    const gaps = headers[':path'] === '/silent' ? [100, 1200] : [150, 150, 150, 150, 150, 150, 150, 150]
    let i = 0
    const tick = (): void => {
      if (stream.destroyed) return
      if (i === gaps.length) { stream.end(); return }
      stream.write(`chunk ${i}\n`)
      setTimeout(tick, gaps[i++])
    }
    tick()
  })
  const hw = await startHopwatch(upstream.url, ['--upstream-protocol', 'h2c', '--upstream-timeout', '500'])
  t.teardown(async () => { await hw.close(1000); await upstream.close() })
  const read = async (path: string): Promise<{ status: number; text: string; complete: boolean }> => await new Promise((resolve, reject) => {
    const req = request(`${hw.trafficUrl}${path}`, { agent: false, timeout: 20_000 }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => { text += c })
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, text, complete: res.complete }) })
      res.on('error', () => { resolve({ status: res.statusCode ?? 0, text, complete: false }) })
      res.on('aborted', () => { resolve({ status: res.statusCode ?? 0, text, complete: false }) })
    })
    req.on('error', reject)
    req.end()
  })
  const steady = await read('/steady')
  t.equal(steady.status, 200)
  t.equal(steady.text.split('\n').filter(Boolean).length, 8, 'all chunks over 1.2 s, each gap under the timeout')
  t.ok(steady.complete)
  const silent = await read('/silent')
  t.equal(silent.status, 200, 'the head had gone out')
  t.notOk(silent.complete, 'cut after 500 ms of silence')
})

t.test('a client that goes away cancels the upstream stream', async (t) => {
  let upstreamClosed: (code: number) => void = () => {}
  const closed = new Promise<number>((resolve) => { upstreamClosed = resolve })
  const upstream = await startH2Upstream((stream) => {
    stream.respond({ ':status': 200 })
    stream.write('first')
    stream.on('close', () => { upstreamClosed(stream.rstCode ?? -1) })
  })
  const hw = await startHopwatch(upstream.url, ['--upstream-protocol', 'h2c'])
  t.teardown(async () => { await hw.close(1000); await upstream.close() })
  await new Promise<void>((resolve, reject) => {
    const req = request(`${hw.trafficUrl}/long`, { agent: false }, (res) => {
      res.once('data', () => { req.destroy(); resolve() })
    })
    req.on('error', () => {})
    setTimeout(() => { reject(new Error('no first chunk in 10 s')) }, 10_000).unref()
    req.end()
  })
  const code = await Promise.race([closed, new Promise<number>((resolve) => setTimeout(() => { resolve(-2) }, 5000))])
  t.equal(code, 8, 'the upstream stream was reset with CANCEL (8)')
  await waitForExchanges(hw, 1)
  t.equal(hw.store.list()[0]?.aborted, true)
})
