// Hostile and broken input: forwarded or refused as the upstream would see it without
// hopwatch, recorded where it can be, never a crash, never a leaked value.
import t from 'tap'
import { request } from 'undici'
import { startEchoUpstream, valuesOf } from '../helpers/echo-upstream.js'
import { rawRequest, startHopwatch, waitForExchanges } from '../helpers/hopwatch.js'

const garbageJwt = 'eyJ!!!.###.$$$'
const hugeJwt = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ pad: 'p'.repeat(30_000) })).toString('base64url')}.sig`

t.test('odd credentials are forwarded unchanged and fingerprinted without throwing', async (t) => {
  // An upstream that accepts 64 KiB of headers, so the 40 KB JWT is hopwatch's problem alone.
  const up = await startEchoUpstream(undefined, '127.0.0.1', 64 * 1024)
  const hw = await startHopwatch(up.url)
  t.teardown(async () => { await hw.close(); await up.close() })
  const values = [
    'Basic !!!not-base64!!!',
    'Basic ' + Buffer.from('no-colon-here').toString('base64'),
    `Bearer ${garbageJwt}`,
    `Bearer ${hugeJwt}`,
    'Bearer',
    'Bearer  two  spaces ',
    '"quoted"',
    'justatoken',
    'Digest username="u", realm="r", nonce="n", uri="/", response="abc"',
    'Bearer one-token, Bearer two-token'
  ]
  for (const value of values) {
    const res = await request(`${hw.trafficUrl}/odd`, { headers: { authorization: value } })
    await res.body.dump()
    t.equal(res.statusCode, 200, `forwarded (${value.length} bytes)`)
    t.ok(valuesOf(up.received[up.received.length - 1], 'authorization')[0] === value.trim(), 'unchanged at the upstream')
  }
  await waitForExchanges(hw, values.length)
  const fps = hw.store.list({ limit: 100 }).reverse().map((ex) => ex.arrived[0]?.values[0])
  t.equal(fps[0]?.basic?.valid, false, 'invalid base64 flagged')
  t.equal(fps[1]?.basic?.valid, false, 'no colon flagged')
  t.equal(fps[2]?.jwt, undefined, 'garbage JWT not decoded')
  t.equal(fps[3]?.length, `Bearer ${hugeJwt}`.length, 'huge JWT measured')
  t.equal(fps[4]?.shape.emptyToken, true, 'Bearer without a token')
  t.equal(fps[5]?.shape.doubleSpace, true, 'double spaces seen')
  t.equal(fps[6]?.shape.quoted, true)
  t.equal(fps[7]?.scheme, null, 'no scheme')
  t.equal(fps[8]?.scheme, 'Digest')
  t.equal(fps[8]?.shape.joined, false, 'commas inside Digest auth-params are not a join')
  t.equal(fps[9]?.shape.joined, true, 'two Bearer tokens in one line are seen as joined')
})

t.test('thousands of cookies: forwarded whole, fingerprint bounded', async (t) => {
  const up = await startEchoUpstream(undefined, '127.0.0.1', 64 * 1024)
  const hw = await startHopwatch(up.url)
  t.teardown(async () => { await hw.close(); await up.close() })
  const cookie = Array.from({ length: 3000 }, (_, i) => `c${i}=v${i}`).join('; ')
  const res = await request(`${hw.trafficUrl}/cookies`, { headers: { cookie } })
  await res.body.dump()
  t.equal(res.statusCode, 200)
  t.ok(valuesOf(up.received[0], 'cookie')[0] === cookie, 'the whole Cookie header reached the upstream')
  await waitForExchanges(hw, 1)
  const fp = hw.store.list()[0]?.arrived[0]?.values[0]
  t.equal(fp?.cookies?.length, 100, 'first 100 cookies fingerprinted')
  t.equal(fp?.length, cookie.length, 'length exact')
})

t.test('oversized, malformed and cut requests never crash the proxy', async (t) => {
  const up = await startEchoUpstream()
  const hw = await startHopwatch(up.url)
  t.teardown(async () => { await hw.close(); await up.close() })
  const tooBig = await rawRequest(hw.trafficUrl, `GET / HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer ${'x'.repeat(70 * 1024)}\r\n\r\n`)
  t.match(tooBig, /^HTTP\/1\.1 431/, 'headers over 64 KiB: 431, as a Node upstream would say past its own limit')
  const bad = await rawRequest(hw.trafficUrl, 'GET / HTTP/1.1\r\nHost: a\r\nBad Header: x\r\n\r\n')
  t.match(bad, /^HTTP\/1\.1 400/, 'malformed header name: 400')
  const cut = await rawRequest(hw.trafficUrl, 'POST /cut HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer c\r\nContent-Length: 1000\r\n\r\nonly-a-little', 300)
  t.equal(cut, '', 'a request cut mid-body gets no answer before the client gives up')
  const big = await rawRequest(hw.trafficUrl, `GET /big HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer ${'y'.repeat(20 * 1024)}\r\nConnection: close\r\n\r\n`)
  t.match(big, /^HTTP\/1\.1 431/, "a 20 KiB token passes hopwatch and meets this upstream's own 16 KiB limit: its 431 comes back")
  t.equal(up.received.length, 0, 'the upstream refused it before its handler')
  const after = await request(`${hw.trafficUrl}/still-up`)
  await after.body.dump()
  t.equal(after.statusCode, 200, 'the proxy is still serving')
  t.equal(hw.auditor.failures, 0, 'no audit failure')
})

t.test('request targets never lead away from the upstream', async (t) => {
  const up = await startEchoUpstream()
  const hw = await startHopwatch(up.url)
  t.teardown(async () => { await hw.close(); await up.close() })
  const send = (target: string): Promise<string> => rawRequest(hw.trafficUrl, `GET ${target} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`)
  t.match(await send('//evil.example/x'), /^HTTP\/1\.1 200/, 'a path starting with // is a path')
  t.same(up.received.map((r) => r.url), ['//evil.example/x'], '... and reached this upstream byte for byte, not another host')
  t.match(await send('http://evil.example/x'), /^HTTP\/1\.1 400/, 'absolute-form target: 400')
  t.match(await send('/a/../../etc/passwd'), /^HTTP\/1\.1 400/, 'dot-dot segments: 400')
  t.match(await send('/a/%2e%2e/b'), /^HTTP\/1\.1 400/, 'encoded dot-dot segments: 400')
  t.equal(up.received.length, 1, 'none of the refused ones was forwarded')
  await waitForExchanges(hw, 4)
  t.same(hw.store.list().map((e) => e.clientStatus).sort(), [200, 400, 400, 400], 'every one recorded as an exchange')
  t.equal(hw.auditor.failures, 0, 'no audit failure')
})
