// The upstream pool's timeouts, kept by one sweep: a request idle past the timeout is aborted
// with undici's own errors; one that keeps moving (either body) or waits on a slow reader is not;
// nothing stays watched afterwards. Real servers on port 0, a 300 ms timeout.
import t, { type Test } from 'tap'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { Readable } from 'node:stream'
import { UpstreamPool } from '../../src/proxy/upstream-pool.js'

const TIMEOUT = 300
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

async function upstream (handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ origin: string; server: Server }> {
  const server = createServer(handler)
  server.keepAliveTimeout = 100
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { origin: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server }
}

async function setup (t: Test, handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<UpstreamPool> {
  const up = await upstream(handler)
  const pool = new UpstreamPool(up.origin, { connections: 4, maxHeaderSize: 65536, timeoutMs: TIMEOUT })
  t.teardown(async () => {
    await pool.destroy()
    up.server.closeAllConnections()
    await new Promise((resolve) => up.server.close(resolve))
  })
  return pool
}

t.test('no answer: aborted with a headers timeout, not before the timeout', async (t) => {
  const pool = await setup(t, () => { /* never answers */ })
  const started = Date.now()
  const err = await pool.request({ path: '/', method: 'GET' }).then(() => null, (e: Error & { code?: string }) => e)
  const waited = Date.now() - started
  t.equal(err?.code, 'UND_ERR_HEADERS_TIMEOUT')
  t.ok(waited >= TIMEOUT, `waited ${waited} ms, at least the timeout`)
  t.ok(waited < TIMEOUT * 10, 'and not for ever')
  t.equal(pool.watch.size, 0, 'nothing left watched')
})

t.test('headers, then the body stalls: aborted with a body timeout', async (t) => {
  const pool = await setup(t, (_req, res) => { res.writeHead(200, { 'content-length': '10' }); res.write('abc') })
  const res = await pool.request({ path: '/', method: 'GET' })
  t.equal(res.statusCode, 200)
  const started = Date.now()
  const err = await res.body.text().then(() => null, (e: Error & { code?: string }) => e)
  t.equal(err?.code, 'UND_ERR_BODY_TIMEOUT')
  t.ok(Date.now() - started >= TIMEOUT - 50, 'after about the timeout since the last chunk')
  t.equal(pool.watch.size, 0)
})

t.test('a slow but steady answer, longer than the timeout in all: intact', async (t) => {
  const pool = await setup(t, (_req, res) => {
    res.writeHead(200)
    let n = 0
    const tick = setInterval(() => {
      res.write(`chunk${n}\n`)
      if (++n === 6) { clearInterval(tick); res.end() }
    }, TIMEOUT / 2)
  })
  const res = await pool.request({ path: '/', method: 'GET' })
  const text = await res.body.text()
  t.equal(text.split('\n').filter(Boolean).length, 6, 'every chunk, over three timeouts')
  t.equal(pool.watch.size, 0)
})

t.test('a slow but steady upload, longer than the timeout in all: no headers timeout', async (t) => {
  const pool = await setup(t, (req, res) => {
    let bytes = 0
    req.on('data', (c: Buffer) => { bytes += c.length })
    req.on('end', () => res.end(String(bytes)))
  })
  let sent = 0
  const body = new Readable({
    read () {
      if (sent === 6) { this.push(null); return }
      sent++
      setTimeout(() => this.push(Buffer.alloc(1000, 1)), TIMEOUT / 2)
    }
  })
  const res = await pool.request({ path: '/up', method: 'POST', body })
  t.equal(res.statusCode, 200)
  t.equal(await res.body.text(), '6000', 'the whole body arrived')
  t.equal(pool.watch.size, 0)
})

t.test('an upload that stalls while the upstream waits for it: a headers timeout', async (t) => {
  const pool = await setup(t, (req) => { req.resume() }) // reads whatever comes, never answers
  let pushed = false
  const body = new Readable({
    read () {
      if (!pushed) { pushed = true; this.push(Buffer.alloc(1000, 1)) } // then nothing more
    }
  })
  const started = Date.now()
  const err = await pool.request({ path: '/up', method: 'POST', body, headers: { 'content-length': '100000' } })
    .then(() => null, (e: Error & { code?: string }) => e)
  t.equal(err?.code, 'UND_ERR_HEADERS_TIMEOUT')
  t.ok(Date.now() - started >= TIMEOUT, 'not before the timeout')
  t.equal(pool.watch.size, 0)
})

t.test('a reader that stops for longer than the timeout: the body timeout waits for it', async (t) => {
  const pool = await setup(t, (_req, res) => {
    res.writeHead(200)
    // Far more than fits in the buffers between the two, so undici pauses.
    const chunk = Buffer.alloc(64 * 1024, 2)
    let left = 64
    const pump = (): void => {
      while (left > 0) {
        left--
        if (!res.write(chunk)) { res.once('drain', pump); return }
      }
      res.end()
    }
    pump()
  })
  const res = await pool.request({ path: '/', method: 'GET' })
  await sleep(TIMEOUT * 3)
  let bytes = 0
  for await (const c of res.body) bytes += (c as Buffer).length
  t.equal(bytes, 64 * 64 * 1024, 'every byte, after the pause')
  t.equal(pool.watch.size, 0)
})

t.test('the pool keeps working after timeouts, and the sweep stops when idle', async (t) => {
  let calls = 0
  const pool = await setup(t, (_req, res) => { if (++calls > 1) res.end('ok') })
  const first = await pool.request({ path: '/', method: 'GET' }).then(() => null, (e: Error & { code?: string }) => e)
  t.equal(first?.code, 'UND_ERR_HEADERS_TIMEOUT')
  const res = await pool.request({ path: '/', method: 'GET' })
  t.equal(await res.body.text(), 'ok')
  const tickAfter = pool.watch.tick
  await sleep(TIMEOUT * 2)
  t.ok(pool.watch.tick <= tickAfter + 1, 'no sweeps while nothing is in flight')
})
