// Capture from rawHeaders: duplicates, raw casing, underscores, Connection-nominated drops,
// what left for the upstream, and what the upstream answered.
import t from 'tap'
import { startEchoUpstream, valuesOf } from '../helpers/echo-upstream.js'
import { rawRequest, startHopwatch, waitForExchanges } from '../helpers/hopwatch.js'

const jwt = (claims: object): string =>
  [{ alg: 'RS256', kid: 'k1', typ: 'JWT' }, claims].map((p) => Buffer.from(JSON.stringify(p)).toString('base64url')).join('.') + '.c2lnbmF0dXJl'

function httpText (lines: string[]): string {
  return lines.join('\r\n') + '\r\n\r\n'
}

t.test('duplicate Authorization lines are seen as 2 and both reach the upstream', async (t) => {
  const up = await startEchoUpstream()
  const hw = await startHopwatch(up.url)
  t.teardown(async () => { await hw.close(); await up.close() })
  await rawRequest(hw.trafficUrl, httpText(['GET /dup HTTP/1.1', 'Host: a', 'authorization: Bearer one-aaaa', 'AUTHORIZATION: Bearer two-bbbb', 'Connection: close']))
  await waitForExchanges(hw, 1)
  const ex = hw.store.list()[0]
  const auth = ex?.arrived.find((h) => h.key === 'authorization')
  t.equal(auth?.lines, 2, 'two lines arrived')
  t.equal(auth?.name, 'authorization', 'first raw casing kept')
  t.not(auth?.values[0]?.hash, auth?.values[1]?.hash, 'different values, different fingerprints')
  t.equal(ex?.forwarded?.find((h) => h.key === 'authorization')?.lines, 2, 'two lines left')
  const atUpstream = valuesOf(up.received[0], 'authorization')
  t.equal(atUpstream.length, 2, 'the upstream got both lines, as it would without hopwatch')
  t.ok(atUpstream[0] === 'Bearer one-aaaa' && atUpstream[1] === 'Bearer two-bbbb', 'in order, unchanged')
})

t.test('raw casing, underscores and odd names are recorded', async (t) => {
  const up = await startEchoUpstream()
  const hw = await startHopwatch(up.url, ['--credential-header', 'X_Session_Token', '--credential-header', 'x.tenant.key'])
  t.teardown(async () => { await hw.close(); await up.close() })
  await rawRequest(hw.trafficUrl, httpText(['GET /names HTTP/1.1', 'Host: a', 'X-API-KEY: k-123', 'X_Session_Token: s-1', 'x.tenant.key: t-1', 'Connection: close']))
  await waitForExchanges(hw, 1)
  const ex = hw.store.list()[0]
  const byKey = new Map(ex?.arrived.map((h) => [h.key, h]))
  t.equal(byKey.get('x-api-key')?.name, 'X-API-KEY', 'raw casing kept')
  t.equal(byKey.get('x-api-key')?.validName, true)
  t.equal(byKey.get('x_session_token')?.validName, false, 'underscore flagged')
  t.equal(byKey.get('x.tenant.key')?.validName, false, 'dot flagged')
  t.same(ex?.droppedHere, [], 'nothing dropped by hopwatch')
})

t.test('Authorization nominated in Connection is recorded as dropped here, with the reason', async (t) => {
  const up = await startEchoUpstream()
  const hw = await startHopwatch(up.url)
  t.teardown(async () => { await hw.close(); await up.close() })
  await rawRequest(hw.trafficUrl, httpText(['GET /hop HTTP/1.1', 'Host: a', 'Authorization: Bearer abc', 'Cookie: a=1', 'Connection: close, Authorization']))
  await waitForExchanges(hw, 1)
  const ex = hw.store.list()[0]
  t.same(ex?.droppedHere, ['authorization'])
  t.match(ex?.dropReasons.authorization, /Connection header/)
  t.same(valuesOf(up.received[0], 'authorization'), [], 'the upstream did not get it')
  t.same(valuesOf(up.received[0], 'cookie'), ['a=1'], 'Cookie still went')
  const report = hw.store.headers.get('authorization')
  t.same(report, { arrived: 1, forwarded: 0, droppedHere: 1, onUnauthorized: 0 })
})

t.test('fingerprints: scheme, JWT claims, Basic user hash, cookies; never values', async (t) => {
  const now = Math.floor(Date.now() / 1000)
  const token = jwt({ iss: 'https://idp.example.test', aud: ['api'], sub: 'user-42', exp: now + 600, iat: now })
  const up = await startEchoUpstream((_req, res) => {
    res.writeHead(401, {
      'www-authenticate': ['Bearer realm="api", error="invalid_token", error_description="expired"', 'Basic realm="legacy"'],
      'set-cookie': ['sid=SECRETCOOKIE; Path=/; HttpOnly; Secure; SameSite=Lax'],
      date: 'Fri, 27 Nov 2026 07:00:00 GMT',
      'retry-after': '5'
    })
    res.end()
  })
  const hw = await startHopwatch(up.url, ['--fingerprint-key', 'k'])
  t.teardown(async () => { await hw.close(); await up.close() })
  await rawRequest(hw.trafficUrl, httpText(['GET /fp?access_token=zzz&x=1 HTTP/1.1', 'Host: a', `Authorization: Bearer ${token}`,
    'Proxy-Authorization: Basic ' + Buffer.from('alice:pw').toString('base64'), 'Cookie: a=1; b=2; c', 'X-Auth-Token: !!notbase64', 'Connection: close']))
  await waitForExchanges(hw, 1)
  const ex = hw.store.list()[0]
  const get = (k: string) => ex?.arrived.find((h) => h.key === k)?.values[0]
  const auth = get('authorization')
  t.equal(auth?.scheme, 'Bearer')
  t.equal(auth?.jwt?.iss, 'https://idp.example.test')
  t.same(auth?.jwt?.aud, ['api'])
  t.equal(auth?.jwt?.kid, 'k1')
  t.equal(auth?.jwt?.exp, now + 600)
  t.equal(typeof auth?.jwt?.subHash, 'string', 'sub hashed')
  t.equal(get('proxy-authorization')?.basic?.valid, true)
  // `c` without `=` is a nameless cookie: its text is a value, never shown as a name.
  t.same(get('cookie')?.cookies?.map((c) => c.name), ['a', 'b', '(none)'])
  t.same(ex?.queryKeys, ['access_token', 'x'], 'query names kept, values not')
  t.equal(ex?.response.status, 401)
  t.same(ex?.response.wwwAuthenticate.map((c) => [c.scheme, c.realm, c.error]), [['Bearer', 'api', 'invalid_token'], ['Basic', 'legacy', null]])
  t.same(ex?.response.setCookies, [{ name: 'sid', attributes: ['Path=/', 'HttpOnly', 'Secure', 'SameSite=Lax'] }])
  t.equal(ex?.response.retryAfter, '5')
  const stored = JSON.stringify(ex)
  for (const secret of [token, token.split('.')[2] as string, 'user-42', 'alice', 'pw', 'SECRETCOOKIE', 'zzz', '!!notbase64']) {
    t.notOk(stored.includes(secret), 'a secret part is not in the exchange')
  }
  // Equal tokens compare equal across processes with the same key.
  const other = await startHopwatch(up.url, ['--fingerprint-key', 'k'])
  t.teardown(() => other.close())
  await rawRequest(other.trafficUrl, httpText(['GET / HTTP/1.1', 'Host: a', `Authorization: Bearer ${token}`, 'Connection: close']))
  await waitForExchanges(other, 1)
  t.equal(other.store.list()[0]?.arrived[0]?.values[0]?.hash, auth?.hash, 'same key, same fingerprint')
})
