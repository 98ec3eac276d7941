// The transport promises one by one, against a real upstream and real clients: Expect handled
// as NGINX does, every header line forwarded, the request target byte for byte or a 400, CONNECT
// answered, an h2c offer served over HTTP/1.1, an upstream 503 passed on without a retry.
import t from 'tap'
import { execFile } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startEchoUpstream, valuesOf } from '../helpers/echo-upstream.js'
import { rawRequest, startHopwatch, waitForExchanges } from '../helpers/hopwatch.js'
import { raw } from './differential/clients.js'

function curl (args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('curl', ['-s', '-S', '--max-time', '20', ...args], { timeout: 30_000 }, (err, stdout) => { if (err !== null) reject(err); else resolve(stdout) })
  })
}

t.test('Expect: 100-continue: hopwatch sends 100 itself and forwards the body without Expect', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'hopwatch-expect-'))
  const file = join(dir, 'upload.bin')
  const content = randomBytes(3 * 1024 * 1024 + 17)
  await writeFile(file, content)
  const sha = createHash('sha256').update(content).digest('hex')
  const up = await startEchoUpstream()
  const hw = await startHopwatch(up.url)
  t.teardown(async () => { await hw.close(); await up.close(); await rm(dir, { recursive: true, force: true }) })

  const verbose = await curl(['-v', '-o', '/dev/null', '-w', '%{http_code}', '-T', file, `${hw.trafficUrl}/put`]).catch((err: Error) => err.message)
  t.equal(verbose.trim().slice(-3), '200', 'curl -T 3 MiB: 200')
  const posted = await curl(['-o', '/dev/null', '-w', '%{http_code}', '--data-binary', `@${file}`, `${hw.trafficUrl}/post`])
  t.equal(posted.trim(), '200', 'curl --data-binary @3MiB: 200')
  t.same(up.received.map((r) => [r.method, r.bodyLength, r.bodySha256]), [['PUT', content.length, sha], ['POST', content.length, sha]], 'the upstream got both bodies byte for byte')
  t.same(up.received.map((r) => valuesOf(r, 'expect')), [[], []], 'without the Expect header')

  const answer = await raw(hw.trafficUrl, 'POST /raw HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 5\r\nConnection: close\r\n\r\n', { afterContinue: 'hello' })
  t.same(answer.interim, [100], 'a raw client gets 100 Continue before it sends the body')
  t.equal(answer.status, 200, '... and then the upstream answer')

  const other = await rawRequest(hw.trafficUrl, 'POST /other HTTP/1.1\r\nHost: a\r\nExpect: something-else\r\nContent-Length: 1\r\nConnection: close\r\n\r\na')
  t.match(other, /^HTTP\/1\.1 417 /, 'another expectation: 417, as Node and NGINX answer')
  t.equal(up.received.length, 3, 'and it never reached the upstream')
  await waitForExchanges(hw, 3)
  t.same(hw.store.list().map((e) => [e.clientStatus, e.error]), [[200, null], [200, null], [200, null]], 'recorded as three good exchanges, none "upstream unreachable"')
})

t.test('1,200 header lines: every one forwarded, the credential at the end counted', async (t) => {
  const up = await startEchoUpstream(undefined, '127.0.0.1', 64 * 1024)
  up.server.maxHeadersCount = 0
  const hw = await startHopwatch(up.url)
  t.teardown(async () => { await hw.close(); await up.close() })
  const lines = Array.from({ length: 1200 }, (_, i) => `X-Line-${i}: ${i}\r\n`).join('')
  const answer = await rawRequest(hw.trafficUrl, `GET /many HTTP/1.1\r\nHost: a\r\n${lines}Authorization: Bearer the-last-line\r\nConnection: close\r\n\r\n`)
  t.match(answer, /^HTTP\/1\.1 200 /, '200')
  const got = up.received[0]
  t.equal(got?.rawHeaders.filter(([n]) => n.startsWith('X-Line-')).length, 1200, 'all 1,200 lines reached the upstream')
  t.equal(got?.rawHeaders.at(-1)?.[0], 'Authorization', 'the credential last, as sent')
  t.equal(valuesOf(got, 'authorization').length, 1, 'once')
  await waitForExchanges(hw, 1)
  const exchange = hw.store.list()[0]
  t.same(exchange?.arrived.map((h) => h.key), ['authorization'], 'arrived: counted')
  t.same(exchange?.forwarded?.map((h) => h.key), ['authorization'], 'forwarded: counted')
  t.same(exchange?.droppedHere, [], 'nothing dropped here')

  const huge = Array.from({ length: 3000 }, (_, i) => `X-Line-${i}: ${'v'.repeat(20)}\r\n`).join('')
  t.match(await rawRequest(hw.trafficUrl, `GET /huge HTTP/1.1\r\nHost: a\r\n${huge}Connection: close\r\n\r\n`), /^HTTP\/1\.1 431 /, 'a head over 64 KiB: 431, never a 200 that lost lines')
  t.equal(up.received.length, 1, 'not forwarded')
})

t.test('the request target reaches the upstream byte for byte, or the client gets 400', async (t) => {
  const up = await startEchoUpstream()
  const hw = await startHopwatch(up.url)
  t.teardown(async () => { await hw.close(); await up.close() })
  const forwarded = ['/public\\admin', '/a//b', '/./a/./b/.', '/%2e/x', '/a%2fb', '/a%5cb', '/admin.', '/admin..', '/a/...', '/a/..b/c..', '/x?y=/../z',
    '/a|b`"{}', '/a#frag', '/%00', '/%zz', '/%252e%252e/x', '/a;jsessionid=1', '/a/%2E%2e.']
  const refused = ['/public\\..\\admin/secret', '/a/../b', '/..', '/a/..', '/%2e%2e/x', '/.%2E/x', '/%2E./x', '/a%2f..%2fb', '/a%5c..%5cb', '/a\\..', '*', 'http://example.test/x']
  for (const target of [...forwarded, ...refused]) {
    const before = up.received.length
    const answer = await rawRequest(hw.trafficUrl, Buffer.from(`GET ${target} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`, 'latin1'))
    const status = /^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1]
    if (refused.includes(target)) {
      t.equal(status, '400', `${JSON.stringify(target)}: 400`)
      t.equal(up.received.length, before, `${JSON.stringify(target)}: not forwarded`)
    } else {
      t.equal(status, '200', `${JSON.stringify(target)}: 200`)
      t.equal(up.received.at(-1)?.url, target, `${JSON.stringify(target)}: the upstream got these exact bytes`)
    }
  }
  t.equal(hw.auditor.failures, 0, 'no audit failure')
})

t.test('CONNECT gets a 405 with a JSON body, not a closed socket', async (t) => {
  const up = await startEchoUpstream()
  const hw = await startHopwatch(up.url)
  t.teardown(async () => { await hw.close(); await up.close() })
  const answer = await rawRequest(hw.trafficUrl, 'CONNECT example.test:443 HTTP/1.1\r\nHost: example.test:443\r\n\r\n')
  t.match(answer, /^HTTP\/1\.1 405 Method Not Allowed\r\n/, '405')
  t.match(answer, /\r\nAllow: [A-Z, -]*GET/, 'with Allow')
  const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as Record<string, unknown>
  t.same(Object.keys(body).sort(), ['error', 'message', 'source'], 'JSON: error, message, source')
  t.equal(body.source, 'hopwatch', 'from hopwatch')
  t.equal(up.received.length, 0, 'nothing reached the upstream')
  const after = await rawRequest(hw.trafficUrl, 'GET /still HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n')
  t.match(after, /^HTTP\/1\.1 200 /, 'the proxy still serves')
})

t.test('an h2c upgrade offer is served over HTTP/1.1, on the same connection as the next request', async (t) => {
  const up = await startEchoUpstream()
  const hw = await startHopwatch(up.url)
  t.teardown(async () => { await hw.close(); await up.close() })
  const out = await curl(['--http2', '-o', '/dev/null', '-w', '%{http_code} %{http_version} %{num_connects}\\n', `${hw.trafficUrl}/one`, '-o', '/dev/null', `${hw.trafficUrl}/two`])
  t.same(out.trim().split('\n'), ['200 1.1 1', '200 1.1 0'], 'both 200 over HTTP/1.1, the second on the first connection')
  t.same(up.received.map((r) => r.url), ['/one', '/two'], 'both reached the upstream')
  t.same(up.received.map((r) => [valuesOf(r, 'upgrade'), valuesOf(r, 'http2-settings')]), [[[], []], [[], []]], 'without the offer (hop-by-hop)')
})

t.test('an upstream 503 reaches the client as it is, after one upstream request', async (t) => {
  const up = await startEchoUpstream((_req, res) => { res.writeHead(503, { 'retry-after': '1' }); res.end('busy') })
  const hw = await startHopwatch(up.url)
  t.teardown(async () => { await hw.close(); await up.close() })
  const answer = await rawRequest(hw.trafficUrl, 'GET /busy HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n')
  t.match(answer, /^HTTP\/1\.1 503 /, '503')
  t.equal(up.received.length, 1, 'one upstream request: no retry (@fastify/reply-from retried a GET answered 503 up to 10 times)')
})
