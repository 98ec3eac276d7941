// The admin listener: report formats, exchange queries, the token, and its separation from traffic.
import t from 'tap'
import { request } from 'undici'
import { startEchoUpstream } from '../helpers/echo-upstream.js'
import { startHopwatch, waitForExchanges } from '../helpers/hopwatch.js'

t.test('report JSON contract, text format and exchange queries', async (t) => {
  const up = await startEchoUpstream((req, res) => {
    res.writeHead(req.headers.authorization === undefined ? 401 : 200, { 'www-authenticate': 'Bearer realm="x"' })
    res.end()
  })
  const hw = await startHopwatch(up.url)
  t.teardown(async () => { await hw.close(); await up.close() })
  for (const [path, auth] of [['/users/1', true], ['/users/2', false], ['/users/3f1d2c3a-8b9c-4d5e-9f00-112233445566', true]] as const) {
    const res = await request(hw.trafficUrl + path, { headers: auth ? { authorization: 'Bearer a-token' } : {} })
    await res.body.dump()
  }
  await waitForExchanges(hw, 3)
  const res = await request(`${hw.adminUrl}/report`)
  const report = await res.body.json() as Record<string, unknown>
  t.same(Object.keys(report).slice(0, 6), ['generatedAt', 'since', 'totals', 'headers', 'statuses', 'routes'])
  t.match(report.totals, { exchanges: 3, withCredentials: 2, evicted: 0 })
  t.same(report.headers, [{ name: 'authorization', arrived: 2, forwarded: 2, droppedHere: 0, onUnauthorized: 0 }])
  t.same(report.statuses, { 200: 2, 401: 1 })
  t.same(report.routes, [{ method: 'GET', route: '/users/:id', exchanges: 3, unauthorized: 1, withCredentials: 2 }], 'ids and uuids folded')

  const text = await (await request(`${hw.adminUrl}/report`, { headers: { accept: 'text/plain' } })).body.text()
  t.match(text, /CREDENTIAL HEADERS/)
  t.match(text, /authorization\s+2\s+2\s+0\s+0/)
  t.equal(await (await request(`${hw.adminUrl}/report?format=text`)).body.text().then((s) => s.includes('ROUTES')), true)

  const only401 = await (await request(`${hw.adminUrl}/report/exchanges?status=401`)).body.json() as { exchanges: Array<{ id: string; clientStatus: number }> }
  t.equal(only401.exchanges.length, 1)
  const withAuth = await (await request(`${hw.adminUrl}/report/exchanges?header=Authorization&limit=1`)).body.json() as { exchanges: unknown[] }
  t.equal(withAuth.exchanges.length, 1, 'limit and header filter')
  const id = hw.store.list({ header: 'authorization' })[0]?.id ?? ''
  const one = await (await request(`${hw.adminUrl}/report/exchanges/${id}`)).body.json() as { exchange: { id: string }; curl: string }
  t.equal(one.exchange.id, id)
  t.match(one.curl, /^curl -X GET 'http:\/\/HOPWATCH_HOST\/users\/.*' -H 'authorization: Bearer <authorization: \d+ bytes, #[0-9a-f]{16}>'$/)
  t.notOk(one.curl.includes('a-token'), 'curl has placeholders, not the token')
  t.equal((await request(`${hw.adminUrl}/report/exchanges/nope`)).statusCode, 404)
  t.equal((await request(`${hw.adminUrl}/report/exchanges?limit=abc`)).statusCode, 400)
})

t.test('the report is not on the traffic listener: /report there goes to the app', async (t) => {
  const up = await startEchoUpstream()
  const hw = await startHopwatch(up.url)
  t.teardown(async () => { await hw.close(); await up.close() })
  for (const path of ['/report', '/report/exchanges', '/healthz']) {
    const res = await request(hw.trafficUrl + path)
    await res.body.dump()
    t.equal(up.received[up.received.length - 1]?.url, path, `${path} forwarded to the app`)
  }
})

t.test('--admin-token: every admin route needs the bearer token, compared in constant time', async (t) => {
  const up = await startEchoUpstream()
  const hw = await startHopwatch(up.url, ['--admin-token', 'admin-s3cret'])
  t.teardown(async () => { await hw.close(); await up.close() })
  for (const path of ['/report', '/report/exchanges', '/report/exchanges/x', '/healthz']) {
    for (const header of [undefined, 'Bearer wrong', 'Basic admin-s3cret', 'Bearer admin-s3cre', 'Bearer admin-s3cretX', 'admin-s3cret']) {
      const res = await request(hw.adminUrl + path, { headers: header === undefined ? {} : { authorization: header } })
      const body = await res.body.text()
      t.equal(res.statusCode, 401, `${path} refused`)
      t.match(String(res.headers['www-authenticate']), /^Bearer realm=/)
      t.notOk(body.includes('admin-s3cret'), 'the token is not echoed')
    }
    for (const good of ['Bearer admin-s3cret', 'bearer admin-s3cret']) {
      const ok = await request(hw.adminUrl + path, { headers: { authorization: good } })
      await ok.body.dump()
      t.not(ok.statusCode, 401, `${path} with the token (scheme is case-insensitive)`)
    }
  }
})
