// --upstream-protocol h2c|h2: HTTP/1.1 clients through hopwatch to a real node:http2 upstream.
// What the upstream receives (:authority from Host, te: trailers kept, credential lines as sent,
// the body byte for byte), trailers back to an HTTP/1.1 client as chunked trailer fields, TLS
// with ALPN h2 checked against --upstream-ca, a new session after GOAWAY, the upstream timeout,
// and an upstream that is not there.
import t from 'tap'
import { request } from 'node:http'
import { createHash, randomBytes } from 'node:crypto'
import { startHopwatch, waitForExchanges } from '../helpers/hopwatch.js'
import { startH2Upstream } from '../helpers/h2-upstream.js'
import { makePki } from '../helpers/tls-certs.js'
import { loadServeConfig } from '../../src/config/config.js'

interface Got { status: number; headers: Record<string, unknown>; body: Buffer; trailers: Record<string, string | undefined> }

/** One HTTP/1.1 request with node:http, its trailers read after the body. */
async function get (url: string, headers: Record<string, string>, body?: Buffer, method = body === undefined ? 'GET' : 'POST'): Promise<Got> {
  return await new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent: false, timeout: 20_000 }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), trailers: res.trailers }) })
      res.on('error', reject)
    })
    req.on('timeout', () => { req.destroy(new Error('client timeout')) })
    req.on('error', reject)
    req.end(body)
  })
}

t.test('config: h2 needs an https upstream, h2c an http one, other values refused', async (t) => {
  t.throws(() => loadServeConfig(['--upstream', 'http://127.0.0.1:1', '--upstream-protocol', 'h2'], {}), /h2 is HTTP\/2 over TLS/)
  t.throws(() => loadServeConfig(['--upstream', 'https://127.0.0.1:1', '--upstream-protocol', 'h2c'], {}), /h2c is cleartext/)
  t.throws(() => loadServeConfig(['--upstream', 'http://127.0.0.1:1', '--upstream-protocol', 'http2'], {}), /must be one of http1.1, h2, h2c/)
  t.equal(loadServeConfig(['--upstream', 'http://127.0.0.1:1'], {}).upstreamProtocol, 'http1.1')
  t.equal(loadServeConfig(['--upstream', 'http://127.0.0.1:1'], { HOPWATCH_UPSTREAM_PROTOCOL: 'h2c' }).upstreamProtocol, 'h2c')
})

t.test('h2c: the request goes upstream as HTTP/2, the trailers come back chunked', async (t) => {
  const upstream = await startH2Upstream()
  const hw = await startHopwatch(upstream.url, ['--upstream-protocol', 'h2c'])
  t.teardown(async () => { await hw.close(1000); await upstream.close() })
  const got = await get(`${hw.trafficUrl}/svc/Method?x=1`, { authorization: 'Bearer h2c-test-token', te: 'trailers', 'x-trace-bin': 'AAEC', 'http2-settings': 'AAMAAABkAAQAAP__' })
  t.equal(got.status, 200)
  t.equal(got.body.toString(), 'hello over h2')
  t.equal(got.headers['transfer-encoding'], 'chunked')
  t.equal(got.trailers['x-checksum'], 'abc123', 'trailer field arrived intact')
  t.equal(got.trailers['grpc-status'], '0')
  const seen = upstream.received[0]
  t.equal(seen?.headers[':method'], 'GET')
  t.equal(seen?.headers[':path'], '/svc/Method?x=1', 'target unchanged')
  t.equal(seen?.headers[':authority'], new URL(hw.trafficUrl).host, 'Host became :authority')
  t.equal(seen?.headers[':scheme'], 'http')
  t.equal(seen?.headers.te, 'trailers', 'te: trailers kept')
  t.equal(seen?.headers.authorization, 'Bearer h2c-test-token')
  t.equal(seen?.headers['x-trace-bin'], 'AAEC')
  t.notOk(seen?.names.includes('host'), 'no Host line besides :authority')
  t.equal(seen?.headers['http2-settings'], undefined, 'HTTP2-Settings is connection-specific: not sent (Node would refuse the stream)')
  await waitForExchanges(hw, 1)
  const [exchange] = hw.store.list()
  t.equal(exchange?.response.status, 200)
  t.same(exchange?.forwarded?.map((h) => h.key), ['authorization'], 'the credential is recorded as forwarded')
  t.same(exchange?.response.grpcStatus, 0, 'grpc-status read from the trailers')
})

t.test('h2c: a request body streams through byte for byte', async (t) => {
  const upstream = await startH2Upstream((stream) => {
    stream.on('end', () => { stream.respond({ ':status': 201 }); stream.end('stored') })
    stream.resume()
  })
  const hw = await startHopwatch(upstream.url, ['--upstream-protocol', 'h2c'])
  t.teardown(async () => { await hw.close(1000); await upstream.close() })
  const body = randomBytes(300_000)
  const got = await get(`${hw.trafficUrl}/upload`, { 'content-type': 'application/octet-stream' }, body, 'PUT')
  t.equal(got.status, 201)
  t.equal(got.body.toString(), 'stored')
  t.equal(upstream.received[0]?.bodyLength, body.length)
  t.equal(upstream.received[0]?.bodySha256, createHash('sha256').update(body).digest('hex'))
})

t.test('h2 over TLS: ALPN h2 with --upstream-ca; an untrusted certificate is a 502 upstream_tls', async (t) => {
  const pki = makePki()
  t.teardown(() => pki.remove())
  const upstream = await startH2Upstream(undefined, pki.good)
  const hw = await startHopwatch(upstream.url, ['--upstream-protocol', 'h2', '--upstream-ca', pki.caFile])
  const refused = await startHopwatch(upstream.url, ['--upstream-protocol', 'h2'])
  t.teardown(async () => { await hw.close(1000); await refused.close(1000); await upstream.close() })
  const got = await get(`${hw.trafficUrl}/secure`, { te: 'trailers' })
  t.equal(got.status, 200)
  t.equal(got.trailers['x-checksum'], 'abc123')
  t.equal(upstream.received[0]?.headers[':scheme'], 'https')
  const bad = await get(`${refused.trafficUrl}/secure`, {})
  t.equal(bad.status, 502)
  t.match(JSON.parse(bad.body.toString()), { error: 'upstream_tls', source: 'hopwatch' })
  t.equal(upstream.received.length, 1, 'the refused request never reached the upstream')
})

t.test('h2c: after the upstream sends GOAWAY, the next request opens a new session', async (t) => {
  const upstream = await startH2Upstream((stream) => {
    stream.respond({ ':status': 200 })
    stream.end('ok')
  })
  const hw = await startHopwatch(upstream.url, ['--upstream-protocol', 'h2c'])
  t.teardown(async () => { await hw.close(1000); await upstream.close() })
  t.equal((await get(`${hw.trafficUrl}/one`, {})).status, 200)
  t.equal(upstream.sessions.size, 1)
  for (const session of upstream.sessions) session.goaway()
  // The GOAWAY frame reaches hopwatch's session before the next request (bounded wait).
  await new Promise((resolve) => setTimeout(resolve, 200))
  t.equal((await get(`${hw.trafficUrl}/two`, {})).status, 200)
  t.equal(upstream.received.length, 2)
  let opened = 0
  upstream.server.on('session', () => { opened++ })
  t.equal((await get(`${hw.trafficUrl}/three`, {})).status, 200)
  t.equal(opened, 0, 'the new session is reused')
})

t.test('h2c: an upstream silent past --upstream-timeout is a 504; one not listening a 502', async (t) => {
  const upstream = await startH2Upstream(() => { /* never answers */ })
  const hw = await startHopwatch(upstream.url, ['--upstream-protocol', 'h2c', '--upstream-timeout', '500'])
  t.teardown(async () => { await hw.close(1000); await upstream.close() })
  const slow = await get(`${hw.trafficUrl}/slow`, {})
  t.equal(slow.status, 504)
  t.match(JSON.parse(slow.body.toString()), { error: 'upstream_timeout' })
  const gone = await startH2Upstream()
  const url = gone.url
  await gone.close()
  const down = await startHopwatch(url, ['--upstream-protocol', 'h2c'])
  t.teardown(async () => { await down.close(1000) })
  const refused = await get(`${down.trafficUrl}/x`, {})
  t.equal(refused.status, 502)
  t.match(JSON.parse(refused.body.toString()), { error: 'upstream_unreachable' })
  await waitForExchanges(down, 1)
  t.equal(down.store.list()[0]?.error?.code, 'ECONNREFUSED')
})
