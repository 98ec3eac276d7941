// The cleartext port tells HTTP/2 from HTTP/1.1 by the first bytes: garbage, a broken preface,
// a preface that stalls, a client that goes away mid-preface, and HTTP/2 protocol errors after a
// good preface never crash or hang it, and HTTP/1.1 and HTTP/2 clients are served after each.
import t from 'tap'
import { connect } from 'node:net'
import { PREFACE } from '../../src/proxy/inbound-h2.js'
import { startEchoUpstream } from '../helpers/echo-upstream.js'
import { rawRequest, startHopwatch, waitForExchanges } from '../helpers/hopwatch.js'
import { curl, h2Request, h2Session } from '../helpers/h2-client.js'

/** Write `bytes`, then wait until the server closes the connection (or `timeoutMs`). */
async function closedAfter (url: string, bytes: Buffer, timeoutMs: number): Promise<{ closed: boolean; answer: string }> {
  const { hostname, port } = new URL(url)
  return await new Promise((resolve) => {
    const socket = connect(Number(port), hostname)
    const chunks: Buffer[] = []
    const timer = setTimeout(() => { socket.destroy(); resolve({ closed: false, answer: Buffer.concat(chunks).toString('latin1') }) }, timeoutMs)
    socket.on('data', (c: Buffer) => chunks.push(c))
    socket.on('error', () => { /* reset by the server: closed */ })
    socket.on('close', () => { clearTimeout(timer); resolve({ closed: true, answer: Buffer.concat(chunks).toString('latin1') }) })
    socket.write(bytes)
  })
}

t.test('bad input on the cleartext port', async (t) => {
  const upstream = await startEchoUpstream()
  const hw = await startHopwatch(upstream.url, ['--client-timeout', '1500'])
  t.teardown(async () => { await hw.close(1000); await upstream.close() })
  const stillServes = async (what: string): Promise<void> => {
    const h1 = await curl(['--http1.1', '-o', '/dev/null', '-w', '%{http_code}', `${hw.trafficUrl}/after`])
    t.equal(h1.stdout, '200', `HTTP/1.1 still served after ${what}`)
    const h2 = await curl(['--http2-prior-knowledge', '-o', '/dev/null', '-w', '%{http_code} %{http_version}', `${hw.trafficUrl}/after`])
    t.equal(h2.stdout, '200 2', `HTTP/2 still served after ${what}`)
  }

  const garbage = await rawRequest(hw.trafficUrl, Buffer.from([0x16, 0x03, 0x01, 0x00, 0xff, 0x00, 0x13, 0x37, 0x0d, 0x0a, 0x0d, 0x0a]), 3000)
  t.match(garbage, /^HTTP\/1\.1 400/, 'binary garbage (a TLS hello to the cleartext port) is a 400 from the HTTP/1.1 parser')
  await stillServes('garbage')

  const broken = await rawRequest(hw.trafficUrl, Buffer.from('PRI * HTTP/2.0\r\n\r\nXX\r\n\r\n', 'latin1'), 3000)
  t.match(broken, /^HTTP\/1\.1 400/, 'a preface wrong in its last bytes is not HTTP/2: 400')
  await stillServes('a broken preface')

  const stalled = await closedAfter(hw.trafficUrl, PREFACE.subarray(0, 10), 10_000)
  t.ok(stalled.closed, 'a preface that stops half way is closed after --client-timeout')
  t.equal(stalled.answer, '', 'with nothing written')

  const afterPreface = await closedAfter(hw.trafficUrl, Buffer.concat([PREFACE, Buffer.from('this is not a SETTINGS frame at all, just bytes\r\n')]), 10_000)
  t.ok(afterPreface.closed, 'garbage after a good preface: the session ends (GOAWAY), the server does not')
  await stillServes('an HTTP/2 protocol error')

  // A client that leaves mid-preface, many times over.
  await Promise.all(Array.from({ length: 20 }, async () => await new Promise<void>((resolve) => {
    const { hostname, port } = new URL(hw.trafficUrl)
    const socket = connect(Number(port), hostname, () => { socket.write(PREFACE.subarray(0, 5)); socket.destroy(); resolve() })
    socket.on('error', () => resolve())
  })))
  await stillServes('20 clients gone mid-preface')
  t.equal(upstream.received.filter((r) => r.url !== '/after').length, 0, 'none of it reached the upstream')
  t.equal(hw.auditor.failures, 0, 'no audit failure')
})

t.test('--client-timeout on an HTTP/2 stream: a body that stalls resets that stream only', async (t) => {
  const upstream = await startEchoUpstream()
  const hw = await startHopwatch(upstream.url, ['--client-timeout', '1000'])
  t.teardown(async () => { await hw.close(1000); await upstream.close() })
  const session = h2Session(hw.trafficUrl)
  t.teardown(() => session.close())
  const stalled = session.request({ ':method': 'POST', ':path': '/slow-upload', 'content-type': 'application/octet-stream' }, { endStream: false })
  stalled.write('first part, then nothing')
  const outcome = await new Promise<string>((resolve) => {
    const timer = setTimeout(() => { resolve('still open after 10 s') }, 10_000)
    stalled.on('response', (h) => { if (Number(h[':status']) >= 400) { clearTimeout(timer); resolve(`answered ${String(h[':status'])}`) } })
    stalled.on('close', () => { clearTimeout(timer); resolve(`closed ${stalled.rstCode}`) })
    stalled.on('error', () => { /* the reset */ })
    stalled.resume()
  })
  t.match(outcome, /^closed \d+$/, 'the stream was reset')
  const other = await h2Request(session, { ':path': '/next' })
  t.equal(other.status, 200, 'the same session still serves')
  t.notOk(upstream.received.some((r) => r.url === '/slow-upload'), 'the upstream never saw a complete upload')
  await waitForExchanges(hw, 2)
  t.ok(hw.store.list().find((e) => e.path === '/slow-upload')?.aborted, 'recorded as aborted')
})

t.test('a client that drops its connection half way through an upload: the upstream request is aborted, never finished truncated', async (t) => {
  const upstream = await startEchoUpstream()
  const hw = await startHopwatch(upstream.url)
  t.teardown(async () => { await hw.close(1000); await upstream.close() })
  const session = h2Session(hw.trafficUrl)
  t.teardown(() => session.close())
  // The connection drops mid-upload (Node's stream.close() would send END_STREAM first: a whole body).
  const dropped = h2Session(hw.trafficUrl)
  const upload = dropped.request({ ':method': 'PUT', ':path': '/cut-upload' }, { endStream: false })
  upload.on('error', () => { /* our own drop */ })
  upload.write(Buffer.alloc(64 * 1024, 1))
  await new Promise((resolve) => setTimeout(resolve, 300))
  dropped.destroy()
  await waitForExchanges(hw, 1, 10_000)
  t.ok(hw.store.list().find((e) => e.path === '/cut-upload')?.aborted, 'recorded as aborted')
  await new Promise((resolve) => setTimeout(resolve, 300))
  t.notOk(upstream.received.some((r) => r.url === '/cut-upload'), 'the upstream never saw a complete (truncated) upload')
  const next = await h2Request(session, { ':path': '/next' })
  t.equal(next.status, 200, 'the session still serves')
})

t.test('shutdown: an idle HTTP/2 session does not hold close() for the grace period; an open stream finishes', async (t) => {
  let release: () => void = () => {}
  const upstream = await startEchoUpstream((req, res) => {
    if (req.url === '/slow') { release = () => { res.end('slow done') }; return }
    res.end('ok')
  })
  const hw = await startHopwatch(upstream.url)
  t.teardown(async () => { await upstream.close() })
  const idle = h2Session(hw.trafficUrl)
  await h2Request(idle, { ':path': '/warm' })
  const busy = h2Session(hw.trafficUrl)
  const slow = h2Request(busy, { ':path': '/slow' })
  const until = Date.now() + 5000
  while (upstream.received.length < 2 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20))
  const closing = hw.close(20_000)
  setTimeout(() => { release() }, 300)
  const answer = await slow
  t.equal(answer.body, 'slow done', 'the stream in flight finished during the grace period')
  const started = Date.now()
  await closing
  t.ok(Date.now() - started < 15_000, 'close() did not wait for the 20 s grace period')
  idle.close()
  busy.close()
  await waitForExchanges(hw, 2)
})
