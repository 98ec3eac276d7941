// Request smuggling shapes are refused as a strict HTTP/1.1 server refuses them: 400, the
// upstream sees nothing, and the connection is not left desynchronised.
import t from 'tap'
import { startEchoUpstream } from '../helpers/echo-upstream.js'
import { rawRequest, startHopwatch } from '../helpers/hopwatch.js'

const SMUGGLED = 'GET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n'

const cases: Array<[string, string]> = [
  ['Content-Length with Transfer-Encoding', `POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n${SMUGGLED}`],
  ['two different Content-Lengths', `POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 10\r\n\r\nabc${SMUGGLED}`],
  ['obs-fold header continuation', `GET /a HTTP/1.1\r\nHost: a\r\nX-Foo: a\r\n  folded\r\n\r\n${SMUGGLED}`],
  ['bare LF line endings', `GET /a HTTP/1.1\nHost: a\n\n${SMUGGLED}`],
  ['Transfer-Encoding not ending in chunked', `POST /a HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n${SMUGGLED}`],
  ['CR inside a header value', `GET /a HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer x\rInjected: 1\r\n\r\n${SMUGGLED}`]
]

t.test('each smuggling shape is refused with 400 and nothing reaches the upstream', async (t) => {
  const up = await startEchoUpstream()
  const hw = await startHopwatch(up.url)
  t.teardown(async () => { await hw.close(); await up.close() })
  for (const [name, bytes] of cases) {
    const answer = await rawRequest(hw.trafficUrl, bytes, 1000)
    t.match(answer, /^HTTP\/1\.1 400 /, `${name}: 400`)
    t.equal((answer.match(/HTTP\/1\.1 /g) ?? []).length, 1, `${name}: one answer, the smuggled request is not served`)
  }
  t.equal(up.received.length, 0, 'the upstream received nothing')
  t.equal(hw.auditor.refused, cases.length, 'each refusal counted')
  const report = hw.store.total
  t.equal(report, 0, 'no exchange is invented for a request that never parsed')
})

t.test('a valid pipelined pair is served in order, each once', async (t) => {
  const up = await startEchoUpstream((_req, res, received) => { res.end(`answer to ${received.url}`) })
  const hw = await startHopwatch(up.url)
  t.teardown(async () => { await hw.close(); await up.close() })
  const answer = await rawRequest(hw.trafficUrl, 'POST /one HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabcGET /two HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n', 2000)
  t.equal((answer.match(/HTTP\/1\.1 200/g) ?? []).length, 2)
  t.ok(answer.indexOf('answer to /one') >= 0 && answer.indexOf('answer to /one') < answer.indexOf('answer to /two'), 'answered in order')
  // Each reached the upstream once. They go on two upstream connections (requests with a body
  // have a pool of their own), so which of them the upstream sees first is a race.
  t.same(up.received.map((r) => `${r.method} ${r.url} ${r.bodyLength}`).sort(), ['GET /two 0', 'POST /one 3'])
})
