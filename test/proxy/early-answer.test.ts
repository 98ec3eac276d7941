// An upstream that answers before reading the request body (413, 401 on a big upload): the
// client gets that answer, told to close the connection (its unread body cannot be skipped),
// and the proxy goes on serving.
import t from 'tap'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { request } from 'undici'
import { startHopwatch, waitForExchanges } from '../helpers/hopwatch.js'

t.test('an answer sent before the request body was read reaches the client, with Connection: close', async (t) => {
  const up = createServer((req, res) => {
    if (req.url === '/big') { res.writeHead(413, { 'content-type': 'text/plain', 'content-length': '8' }); res.end('too big!'); return }
    req.resume()
    req.on('end', () => { res.end('ok') })
  })
  await new Promise<void>((resolve) => up.listen(0, '127.0.0.1', resolve))
  const hw = await startHopwatch(`http://127.0.0.1:${(up.address() as AddressInfo).port}`)
  t.teardown(async () => { await hw.close(); up.close() })
  const res = await request(`${hw.trafficUrl}/big`, { method: 'POST', body: Buffer.alloc(8 * 1024 * 1024, 1), headers: { authorization: 'Bearer early' } }).catch((err: Error) => err)
  if (res instanceof Error) {
    // The client may see its upload cut once the proxy closes; it must not be left hanging.
    t.pass(`the client's upload was cut (${(res as { code?: string }).code ?? res.name}), not left hanging`)
  } else {
    t.equal(res.statusCode, 413, "the upstream's early answer comes back")
    t.equal(await res.body.text(), 'too big!', 'with its body')
    t.equal(res.headers.connection, 'close', 'and the client is told to close the connection')
  }
  const after = await request(`${hw.trafficUrl}/next`, { method: 'POST', body: 'x' })
  t.equal(after.statusCode, 200, 'the proxy goes on serving')
  t.equal(await after.body.text(), 'ok')
  await waitForExchanges(hw, 2)
  t.equal(hw.auditor.failures, 0, 'no audit failure')
})
