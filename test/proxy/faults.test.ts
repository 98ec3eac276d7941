// Faults against a real hopwatch process: upstream refuses, resets, speaks garbage, is slow;
// clients abort mid-upload and mid-download. Each: the right status or a clean close, an
// exchange recorded, no crash, nothing on stderr, and no file descriptor left behind.
import t from 'tap'
import { createServer as createTcpServer, connect, type Server as TcpServer } from 'node:net'
import { readdirSync } from 'node:fs'
import { request } from 'undici'
import { startEchoUpstream } from '../helpers/echo-upstream.js'
import { startServeProcess } from '../helpers/cli.js'

const fdCount = (pid: number): number => readdirSync(`/proc/${pid}/fd`).length
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** A TCP upstream whose behaviour is chosen by the request path. */
async function faultyUpstream (): Promise<{ url: string; server: TcpServer }> {
  const server = createTcpServer((socket) => {
    socket.on('error', () => {})
    socket.once('data', (data) => {
      const path = data.toString('latin1').split(' ')[1] ?? '/'
      if (path === '/garbage') socket.end('HTTP/1.1 abc nonsense\r\n\x00\x01\r\n\r\n')
      // A header value Node would refuse to send on (DEL): the answer must still be a clean one.
      else if (path === '/bad-value') socket.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Bad: a\x7fb\r\n\r\nok')
      else if (path === '/reset') socket.resetAndDestroy()
      else if (path === '/reset-mid') { socket.write('HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nhalf'); setTimeout(() => socket.resetAndDestroy(), 20) }
      else if (path === '/download') {
        socket.write('HTTP/1.1 200 OK\r\nContent-Length: 104857600\r\n\r\n')
        const chunk = Buffer.alloc(65536, 1)
        const pump = (): void => { while (!socket.destroyed && socket.write(chunk)); if (!socket.destroyed) socket.once('drain', pump) }
        pump()
      } else if (path === '/upload') { socket.on('data', () => {}) } // reads forever, never answers
      else socket.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server }
}

async function exchanges (adminUrl: string): Promise<number> {
  const report = await (await request(`${adminUrl}/report`, { reset: true })).body.json() as { totals: { exchanges: number } }
  return report.totals.exchanges
}

t.test('upstream and client faults: right answers, every exchange recorded, no leak, no crash', async (t) => {
  const up = await faultyUpstream()
  const proc = await startServeProcess(['--upstream', up.url, '--listen', '127.0.0.1:0', '--admin', '127.0.0.1:0', '--upstream-timeout', '1000'])
  let stderr = ''
  proc.child.stderr?.on('data', (c: Buffer) => { stderr += c.toString() })
  t.teardown(async () => { await proc.stop('SIGKILL'); up.server.close() })
  const pid = proc.child.pid as number
  await (await request(`${proc.trafficUrl}/ok`, { reset: true })).body.dump()
  await sleep(200)
  const fdsBefore = fdCount(pid)
  let sent = 1

  for (let round = 0; round < 3; round++) {
    const garbage = await request(`${proc.trafficUrl}/garbage`, { reset: true })
    await garbage.body.dump()
    t.equal(garbage.statusCode, 502, 'malformed upstream answer: 502')
    const badValue = await request(`${proc.trafficUrl}/bad-value`, { reset: true })
    await badValue.body.dump()
    t.equal(badValue.statusCode, 502, 'upstream header value with a control character: 502, not a crash')
    const reset = await request(`${proc.trafficUrl}/reset`, { reset: true })
    await reset.body.dump()
    t.equal(reset.statusCode, 502, 'upstream reset before answering: 502')
    const mid = await request(`${proc.trafficUrl}/reset-mid`, { reset: true })
    await t.rejects(mid.body.arrayBuffer(), 'reset mid-response: the client sees the cut')
    sent += 4

    // Client aborts mid-download after a few chunks.
    const controller = new AbortController()
    const download = await request(`${proc.trafficUrl}/download`, { signal: controller.signal, reset: true })
    let got = 0
    await t.rejects((async () => { for await (const chunk of download.body) { got += (chunk as Buffer).length; if (got > 1_000_000) controller.abort() } })())
    sent += 1

    // Client aborts mid-upload: headers and part of a body, then the socket goes away.
    const { hostname, port } = new URL(proc.trafficUrl)
    const socket = connect(Number(port), hostname)
    socket.on('error', () => {})
    socket.write('POST /upload HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer abort\r\nContent-Length: 10000000\r\n\r\n' + 'x'.repeat(100_000))
    await sleep(100)
    socket.destroy()
    sent += 1
  }
  // Everything settles: connections to the upstream and from clients are closed.
  const until = Date.now() + 5000
  while ((await exchanges(proc.adminUrl)) < sent && Date.now() < until) await sleep(50)
  t.equal(await exchanges(proc.adminUrl), sent, `all ${sent} exchanges recorded`)
  // Nothing may remain once the upstream pool's idle connections have timed out: undici may
  // open a connection for a request that was aborted meanwhile, and closes it when idle for its
  // keep-alive timeout (4 s). Polled, for at most 8 s.
  let fdsAfter = fdCount(pid)
  for (const until = Date.now() + 8000; fdsAfter > fdsBefore && Date.now() < until; fdsAfter = fdCount(pid)) await sleep(100)
  t.ok(fdsAfter <= fdsBefore, `file descriptors: ${fdsBefore} before, ${fdsAfter} after the faults`)
  const ok = await request(`${proc.trafficUrl}/ok`, { reset: true })
  t.equal(await ok.body.text(), 'ok', 'still serving')
  t.equal(proc.child.exitCode, null, 'still running')
  t.notMatch(stderr, /Unhandled|rejection|TypeError|RangeError/i, 'no unhandled rejection or crash on stderr')
})

t.test('SIGTERM during an upload: the upload completes intact, then exit 0', async (t) => {
  const up = await startEchoUpstream((_req, res, received) => {
    res.writeHead(200, { 'x-sha': received.bodySha256, 'x-len': String(received.bodyLength) })
    res.end()
  })
  const proc = await startServeProcess(['--upstream', up.url, '--listen', '127.0.0.1:0', '--admin', '127.0.0.1:0', '--shutdown-grace', '10000'])
  t.teardown(async () => { await proc.stop('SIGKILL'); await up.close() })
  const { createHash } = await import('node:crypto')
  const { Readable } = await import('node:stream')
  const total = 8 * 1024 * 1024
  const chunk = Buffer.alloc(256 * 1024, 7)
  let sentBytes = 0
  let signalled = false
  const body = new Readable({
    read () {
      if (sentBytes >= total) { this.push(null); return }
      sentBytes += chunk.length
      if (!signalled && sentBytes > total / 4) {
        signalled = true
        process.kill(proc.child.pid as number, 'SIGTERM')
      }
      // Slow enough that the upload is still in flight when SIGTERM lands.
      setTimeout(() => this.push(chunk), 15)
    }
  })
  const want = createHash('sha256')
  for (let i = 0; i < total; i += chunk.length) want.update(chunk)
  const res = await request(`${proc.trafficUrl}/upload`, { method: 'POST', body, headers: { 'content-length': String(total) } })
  await res.body.dump()
  t.ok(signalled, 'SIGTERM was sent mid-upload')
  t.equal(res.statusCode, 200)
  t.equal(res.headers['x-len'], String(total), 'every byte arrived')
  t.equal(res.headers['x-sha'], want.digest('hex'), 'byte for byte')
  t.equal(await proc.exited, 0, 'exit 0 after the in-flight upload finished, on the one SIGTERM')
})
