// Node's http2 client -> hopwatch (h2c with prior knowledge) -> a node:http2 upstream
// (--upstream-protocol h2c): trailers arrive intact as trailers, a trailers-only answer stays
// one HEADERS frame that ends the stream, and a request body streams up while the answer
// streams down on the same stream.
import t from 'tap'
import { connect, constants, type ClientHttp2Session, type IncomingHttpHeaders } from 'node:http2'
import { startHopwatch, waitForExchanges } from '../helpers/hopwatch.js'
import { startH2Upstream } from '../helpers/h2-upstream.js'

interface Answer { headers: IncomingHttpHeaders; endedWithHead: boolean; body: string; trailers: IncomingHttpHeaders | null }

async function h2Request (session: ClientHttp2Session, headers: Record<string, string>, body?: (write: (chunk: string) => void, end: () => void, got: () => string) => void): Promise<Answer> {
  return await new Promise((resolve, reject) => {
    const stream = session.request(headers, { endStream: body === undefined })
    let text = ''
    let head: IncomingHttpHeaders = {}
    let endedWithHead = false
    let trailers: IncomingHttpHeaders | null = null
    stream.setEncoding('utf8')
    stream.setTimeout(20_000, () => { stream.close(constants.NGHTTP2_CANCEL); reject(new Error('no answer in 20 s')) })
    stream.on('response', (h, flags) => { head = h; endedWithHead = (flags & constants.NGHTTP2_FLAG_END_STREAM) !== 0 })
    stream.on('data', (c: string) => { text += c })
    stream.on('trailers', (tr) => { trailers = Object.fromEntries(Object.entries(tr)) })
    stream.on('end', () => { resolve({ headers: head, endedWithHead, body: text, trailers }) })
    stream.on('error', reject)
    body?.((chunk) => { stream.write(chunk) }, () => { stream.end() }, () => text)
  })
}

t.test('http2 client through hopwatch to an h2c upstream: trailers, trailers-only, full duplex', async (t) => {
  const upstream = await startH2Upstream((stream, headers) => {
    const path = headers[':path']
    if (path === '/denied') {
      stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '7', 'grpc-message': 'role%20reader%20may%20not%20delete' }, { endStream: true })
      return
    }
    if (path === '/echo') {
      stream.respond({ ':status': 200 }, { waitForTrailers: true })
      stream.on('wantTrailers', () => { stream.sendTrailers({ 'grpc-status': '0', 'x-lines': 'done' }) })
      stream.setEncoding('utf8')
      stream.on('data', (chunk: string) => { stream.write(`echo:${chunk}`) })
      stream.on('end', () => { stream.end() })
      return
    }
    stream.respond({ ':status': 200, 'content-type': 'text/plain' }, { waitForTrailers: true })
    stream.on('wantTrailers', () => { stream.sendTrailers({ 'x-checksum': 'abc123', 'grpc-status': '0', 'grpc-message': 'all%20good' }) })
    stream.end('hello over h2')
  })
  const hw = await startHopwatch(upstream.url, ['--upstream-protocol', 'h2c'])
  const session = connect(hw.trafficUrl)
  session.on('error', () => {})
  t.teardown(async () => { session.close(); await hw.close(1000); await upstream.close() })
  const base = { ':scheme': 'http', ':authority': 'api.example.test', te: 'trailers', authorization: 'Bearer h2-trailers-token' }

  const plain = await h2Request(session, { ...base, ':method': 'GET', ':path': '/data' })
  t.equal(plain.headers[':status'], 200)
  t.equal(plain.body, 'hello over h2')
  t.same(plain.trailers, { 'x-checksum': 'abc123', 'grpc-status': '0', 'grpc-message': 'all%20good' }, 'trailers intact')
  t.equal(upstream.received[0]?.headers[':authority'], 'api.example.test', ':authority passed on')
  t.equal(upstream.received[0]?.headers.te, 'trailers')
  t.equal(upstream.received[0]?.headers.authorization, 'Bearer h2-trailers-token')

  const denied = await h2Request(session, { ...base, ':method': 'POST', ':path': '/denied', 'content-type': 'application/grpc' }, (_w, end) => { end() })
  t.ok(denied.endedWithHead, 'trailers-only stays one HEADERS frame with END_STREAM')
  t.equal(denied.headers['grpc-status'], '7')
  t.equal(denied.trailers, null)

  // Full duplex: each line is sent only after the echo of the one before came back.
  const lines = ['one', 'two', 'three']
  const echoed = await h2Request(session, { ...base, ':method': 'POST', ':path': '/echo' }, (write, end, got) => {
    let sent = 0
    const next = (): void => {
      if (sent === lines.length) { end(); return }
      write(lines[sent++] as string)
      const want = lines.slice(0, sent).map((l) => `echo:${l}`).join('')
      const wait = (tries: number): void => {
        if (got() === want || tries > 500) { next(); return }
        setTimeout(() => { wait(tries + 1) }, 10)
      }
      wait(0)
    }
    next()
  })
  t.equal(echoed.body, 'echo:oneecho:twoecho:three')
  t.same(echoed.trailers, { 'grpc-status': '0', 'x-lines': 'done' })

  await waitForExchanges(hw, 3)
  const byPath = new Map(hw.store.list().map((e) => [e.path, e]))
  t.equal(byPath.get('/data')?.response.grpcStatus, 0)
  t.equal(byPath.get('/data')?.response.grpcMessage, 'all good')
  t.equal(byPath.get('/denied')?.response.grpcStatus, 7)
  t.equal(byPath.get('/denied')?.response.grpcMessage, 'role reader may not delete')
  t.equal(byPath.get('/denied')?.aborted, false, 'a trailers-only answer is a complete exchange')
})
