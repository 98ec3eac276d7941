// Transparency: what reaches the upstream and the client is what would without hopwatch.
import t from 'tap'
import { createServer as createTcpServer, type AddressInfo } from 'node:net'
import { createHash, randomBytes } from 'node:crypto'
import { request } from 'undici'
import { Readable } from 'node:stream'
import { startEchoUpstream, valuesOf } from '../helpers/echo-upstream.js'
import { rawRequest, startHopwatch, waitForExchanges } from '../helpers/hopwatch.js'

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex')

t.test('every method, path and query string reach the upstream byte for byte', async (t) => {
  const up = await startEchoUpstream()
  const hw = await startHopwatch(up.url)
  t.teardown(async () => { await hw.close(); await up.close() })
  const targets = [
    '/a/b?x=1&x=2&y',
    '/p%20q/%7Euser?q=%7e%2F&empty=&plus=a+b',
    '/search?q=caf%C3%A9&sort=-date',
    '/trailing/?a=1'
  ]
  // QUERY is left out: Node 20's HTTP parser refuses it before any app code runs.
  const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'PROPFIND', 'MKCOL', 'LOCK', 'PURGE', 'M-SEARCH', 'MERGE', 'NOTIFY']
  for (const method of methods) {
    for (const path of targets) {
      const res = await request(hw.trafficUrl + path, { method, body: method === 'GET' || method === 'OPTIONS' ? undefined : 'x' })
      await res.body.dump()
      t.equal(res.statusCode, 200, `${method} ${path} answered by the upstream`)
      const got = up.received[up.received.length - 1]
      t.equal(got?.method, method, 'method kept')
      t.equal(got?.url, path, `${method} ${path} target kept byte for byte`)
    }
  }
})

t.test('the original Host reaches the upstream and hopwatch adds no header of its own', async (t) => {
  const up = await startEchoUpstream()
  const hw = await startHopwatch(up.url)
  t.teardown(async () => { await hw.close(); await up.close() })
  const sent = ['Host', 'app.example.test', 'User-Agent', 'probe/1', 'X-Custom', 'v', 'Accept', '*/*']
  const answer = await rawRequest(hw.trafficUrl, `GET /h HTTP/1.1\r\n${pairsText(sent)}Connection: close\r\n\r\n`)
  t.match(answer, /^HTTP\/1\.1 200/, 'answered')
  const got = up.received[0]
  t.same(valuesOf(got, 'host'), ['app.example.test'], 'Host unchanged')
  // undici's own `Connection: keep-alive` is hop-by-hop: it describes hopwatch's pooled connection.
  const names = (got?.rawHeaders ?? []).map(([n]) => n.toLowerCase()).filter((n) => n !== 'connection').sort()
  t.same(names, ['accept', 'host', 'user-agent', 'x-custom'], 'no end-to-end header added')
  t.notMatch(answer, /keep-alive: timeout/i, "the upstream's Keep-Alive does not reach the client")
  t.match(answer, /\r\nconnection: close\r\n/i, 'the client asked to close and is told so')
})

function pairsText (flat: string[]): string {
  let out = ''
  for (let i = 0; i < flat.length; i += 2) out += `${flat[i]}: ${flat[i + 1]}\r\n`
  return out
}

t.test('binary bodies go both ways byte for byte, chunked included', async (t) => {
  const payload = randomBytes(3 * 1024 * 1024 + 17)
  const up = await startEchoUpstream((req, res, received) => {
    void req
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'x-body-sha': received.bodySha256 })
    // Answer chunked (no content-length), in uneven pieces.
    let offset = 0
    const step = (): void => {
      if (offset >= payload.length) { res.end(); return }
      const next = Math.min(payload.length, offset + 65_537)
      res.write(payload.subarray(offset, next))
      offset = next
      setImmediate(step)
    }
    step()
  })
  const hw = await startHopwatch(up.url)
  t.teardown(async () => { await hw.close(); await up.close() })

  async function * chunked (): AsyncGenerator<Buffer> {
    for (let i = 0; i < payload.length; i += 100_003) yield payload.subarray(i, i + 100_003)
  }
  // A stream without a length goes out chunked.
  const res = await request(hw.trafficUrl + '/upload', { method: 'POST', body: Readable.from(chunked()) })
  const back = Buffer.from(await res.body.arrayBuffer())
  t.equal(res.statusCode, 200)
  t.equal(res.headers['x-body-sha'], sha(payload), 'upload arrived byte for byte')
  t.equal(up.received[0]?.bodyLength, payload.length, 'upload length kept')
  t.same(valuesOf(up.received[0], 'transfer-encoding'), ['chunked'], 'chunked upload forwarded chunked')
  t.equal(res.headers['transfer-encoding'], 'chunked', 'chunked download stays chunked')
  t.ok(sha(back) === sha(payload), 'download arrived byte for byte')
})

t.test('a response with content-length and status codes pass unchanged', async (t) => {
  const up = await startEchoUpstream((req, res) => {
    const code = Number((req.url ?? '/200').slice(1))
    res.writeHead(code, { 'content-length': '5', 'x-up': 'yes', 'set-cookie': ['a=1; Path=/', 'b=2; HttpOnly'] })
    res.end('hello')
  })
  const hw = await startHopwatch(up.url)
  t.teardown(async () => { await hw.close(); await up.close() })
  for (const code of [200, 201, 204, 301, 400, 401, 403, 404, 429, 500, 503]) {
    const res = await request(`${hw.trafficUrl}/${code}`, { method: 'GET' })
    const body = await res.body.text()
    t.equal(res.statusCode, code, `status ${code} kept`)
    if (code !== 204 && code !== 304) t.equal(body, 'hello', 'body kept')
    t.equal(res.headers['x-up'], 'yes', 'response header kept')
    t.same(res.headers['set-cookie'], ['a=1; Path=/', 'b=2; HttpOnly'], 'both Set-Cookie lines kept')
  }
  await waitForExchanges(hw, 11)
  t.equal(hw.store.total, 11, 'each exchange recorded')
})

t.test("headers the upstream's Connection names stay on hopwatch's side; the rest reach the client", async (t) => {
  const up = createTcpServer((socket) => {
    socket.on('error', () => {})
    socket.once('data', () => {
      socket.end('HTTP/1.1 200 OK\r\nConnection: keep-alive, X-Hop\r\nKeep-Alive: timeout=5\r\nX-Hop: for-this-connection\r\nX-Keep: yes\r\nContent-Length: 2\r\n\r\nok')
    })
  })
  await new Promise<void>((resolve) => up.listen(0, '127.0.0.1', resolve))
  const hw = await startHopwatch(`http://127.0.0.1:${(up.address() as AddressInfo).port}`)
  t.teardown(async () => { await hw.close(); up.close() })
  const res = await request(`${hw.trafficUrl}/hop`)
  t.equal(await res.body.text(), 'ok')
  t.equal(res.headers['x-keep'], 'yes', 'an end-to-end header passes')
  t.equal(res.headers['x-hop'], undefined, 'a header named in Connection does not')
  t.not(res.headers['keep-alive'], 'timeout=5', "the upstream's Keep-Alive does not")
})
