// HTTP/2 on the traffic listener: h2c with prior knowledge on the cleartext port beside
// HTTP/1.1, and h2 / http/1.1 by ALPN with --tls-cert. Real clients (curl, node:http2, fetch),
// a real upstream on port 0, certificates made with openssl at test time.
import t from 'tap'
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { startEchoUpstream, valuesOf } from '../helpers/echo-upstream.js'
import { startHopwatch, waitForExchanges } from '../helpers/hopwatch.js'
import { makePki } from '../helpers/tls-certs.js'
import { curl, goodCertFiles, h2Request, h2Session } from '../helpers/h2-client.js'

const pki = makePki()
t.teardown(() => pki.remove())
const files = goodCertFiles(pki)
const ca = readFileSync(pki.caFile, 'utf8')
const TOKEN = 'Bearer h2-test-token-value'

t.test('cleartext port: curl --http2-prior-knowledge is HTTP/2, plain curl still HTTP/1.1', async (t) => {
  const upstream = await startEchoUpstream()
  const hw = await startHopwatch(upstream.url)
  t.teardown(async () => { await hw.close(1000); await upstream.close() })
  const h2 = await curl(['--http2-prior-knowledge', '-w', '\n%{http_version}', '-H', `Authorization: ${TOKEN}`, `${hw.trafficUrl}/h2c/path?x=1`])
  t.equal(h2.code, 0, h2.stderr)
  t.match(h2.stdout, /"ok":true/)
  t.equal(h2.stdout.split('\n').pop(), '2', 'curl spoke HTTP/2')
  const h1 = await curl(['--http1.1', '-w', '\n%{http_version}', `${hw.trafficUrl}/h1`])
  t.equal(h1.code, 0, h1.stderr)
  t.equal(h1.stdout.split('\n').pop(), '1.1')
  await waitForExchanges(hw, 2)
  t.equal(upstream.received.length, 2)
  const [viaH2, viaH1] = upstream.received
  t.equal(viaH2?.url, '/h2c/path?x=1', 'the :path went upstream as the request target')
  t.equal(viaH2?.httpVersion, '1.1', 'the upstream is spoken to in HTTP/1.1')
  t.same(valuesOf(viaH2, 'host'), [new URL(hw.trafficUrl).host], ':authority became Host')
  t.same(valuesOf(viaH2, 'authorization'), [TOKEN])
  t.notOk(viaH2?.rawHeaders.some(([n]) => n.startsWith(':')), 'no pseudo-header went upstream')
  t.equal(viaH1?.url, '/h1')
})

t.test('TLS listener: curl --http2 negotiates h2, --http1.1 negotiates http/1.1', async (t) => {
  const upstream = await startEchoUpstream()
  const hw = await startHopwatch(upstream.url, ['--tls-cert', files.cert, '--tls-key', files.key])
  t.teardown(async () => { await hw.close(1000); await upstream.close() })
  t.match(hw.trafficUrl, /^https:\/\//)
  const h2 = await curl(['--http2', '--cacert', pki.caFile, '-w', '\n%{http_version}', `${hw.trafficUrl}/over-tls`])
  t.equal(h2.code, 0, h2.stderr)
  t.equal(h2.stdout.split('\n').pop(), '2', 'ALPN picked h2')
  const h1 = await curl(['--http1.1', '--cacert', pki.caFile, '-w', '\n%{http_version}', `${hw.trafficUrl}/over-tls-1`])
  t.equal(h1.code, 0, h1.stderr)
  t.equal(h1.stdout.split('\n').pop(), '1.1', 'ALPN picked http/1.1')
  const plain = await curl([`${hw.trafficUrl.replace('https:', 'http:')}/not-tls`], 5000)
  t.not(plain.code, 0, 'cleartext to the TLS port is not served')
  await waitForExchanges(hw, 2)
  t.same(upstream.received.map((r) => r.url), ['/over-tls', '/over-tls-1'])
})

t.test('node:http2 client: GET with Authorization, POST with a streamed body, 50 concurrent streams', async (t) => {
  const upstream = await startEchoUpstream((_req, res, received) => {
    res.writeHead(201, { 'content-type': 'application/json', 'x-upstream': 'yes', connection: 'keep-alive', 'keep-alive': 'timeout=5' })
    res.end(JSON.stringify({ sha: received.bodySha256, length: received.bodyLength }))
  })
  const hw = await startHopwatch(upstream.url, ['--tls-cert', files.cert, '--tls-key', files.key])
  t.teardown(async () => { await hw.close(1000); await upstream.close() })
  const session = h2Session(hw.trafficUrl, ca)
  t.teardown(() => session.close())
  const get = await h2Request(session, { ':path': '/me', authorization: TOKEN })
  t.equal(get.status, 201)
  t.equal(get.headers['x-upstream'], 'yes', 'response headers come back')
  t.equal(get.headers.connection, undefined, 'hop-by-hop response headers left out')
  const body = Buffer.alloc(300_000, 'h2-body-')
  const post = await h2Request(session, { ':method': 'POST', ':path': '/upload', 'content-type': 'application/octet-stream' }, body)
  t.same(JSON.parse(post.body), { sha: createHash('sha256').update(body).digest('hex'), length: body.length }, 'the body arrived byte for byte')
  const many = await Promise.all(Array.from({ length: 50 }, async (_, i) => await h2Request(session, { ':path': `/many/${i}` })))
  t.ok(many.every((a) => a.status === 201), 'every stream answered')
  await waitForExchanges(hw, 52)
  const sent = upstream.received.filter((r) => r.url.startsWith('/many/')).map((r) => r.url).sort()
  t.equal(new Set(sent).size, 50, 'each stream reached the upstream once')
  const post1 = upstream.received.find((r) => r.url === '/upload')
  t.equal(post1?.method, 'POST')
})

t.test('300 header fields over h2c: every one forwarded, in order', async (t) => {
  const upstream = await startEchoUpstream()
  const hw = await startHopwatch(upstream.url)
  t.teardown(async () => { await hw.close(1000); await upstream.close() })
  const session = h2Session(hw.trafficUrl)
  t.teardown(() => session.close())
  const headers: Record<string, string> = { ':path': '/many-headers' }
  for (let i = 0; i < 300; i++) headers[`x-field-${i}`] = `v${i}`
  const answer = await h2Request(session, headers)
  t.equal(answer.status, 200)
  const got = upstream.received[0]?.rawHeaders.filter(([n]) => n.startsWith('x-field-')).map(([n]) => n)
  t.same(got, Array.from({ length: 300 }, (_, i) => `x-field-${i}`))
})

t.test('upstream down over h2c: 502 as over HTTP/1.1', async (t) => {
  const upstream = await startEchoUpstream()
  const hw = await startHopwatch(upstream.url)
  t.teardown(async () => { await hw.close(1000) })
  await upstream.close()
  const session = h2Session(hw.trafficUrl)
  t.teardown(() => session.close())
  const answer = await h2Request(session, { ':path': '/down' })
  t.equal(answer.status, 502)
  t.match(answer.body, /upstream/)
})
