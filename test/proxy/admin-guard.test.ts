// The admin listener's guards, against a real hopwatch: DNS rebinding (Host), no-store and
// nosniff on every answer, and query input that is a 400 with a sentence, never a 500.
import t, { type Test } from 'tap'
import { request as httpRequest } from 'node:http'
import { execFile } from 'node:child_process'
import { startEchoUpstream } from '../helpers/echo-upstream.js'
import { rawRequest, startHopwatch, waitForExchanges } from '../helpers/hopwatch.js'
import { hostAllowed } from '../../src/proxy/admin-host.js'

interface Answer { status: number; headers: Record<string, string | string[] | undefined>; body: string }

/** GET with an exact Host header (node:http sends it as given). */
async function get (base: string, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  const url = new URL(path, base)
  return await new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path, method: 'GET', headers, agent: false, timeout: 10_000 }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => { body += c })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
    req.on('timeout', () => req.destroy(new Error('timeout')))
    req.on('error', reject)
    req.end()
  })
}

const ROUTES = ['/report', '/report?format=text', '/report/exchanges', '/report/exchanges/nope', '/report.html', '/metrics', '/healthz', '/readyz', '/no-such-route']

function guarded (t: Test, a: Answer, what: string): void {
  t.equal(a.headers['cache-control'], 'no-store', `${what}: Cache-Control no-store`)
  t.equal(a.headers['x-content-type-options'], 'nosniff', `${what}: nosniff`)
}

t.test('without a token, only a Host naming this machine is answered', async (t) => {
  const up = await startEchoUpstream()
  const hw = await startHopwatch(up.url)
  t.teardown(async () => { await hw.close(); await up.close() })
  const port = new URL(hw.adminUrl).port
  for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, 'localhost', 'LOCALHOST:1', 'localhost.:80', '127.9.8.7:1234', '[::1]', '[::ffff:127.0.0.1]:1', `[::1]:${port}`]) {
    const a = await get(hw.adminUrl, '/healthz', { host })
    t.equal(a.status, 200, `Host ${host} answered`)
    guarded(t, a, host)
  }
  for (const host of ['evil.example', `evil.example:${port}`, 'localhost.evil.example', '127.0.0.1.nip.io', 'evil.localhost.example:1', '10.0.0.1', '[::ffff:10.0.0.1]', '[::2]:1', '[fe80::1]', 'a b', '127.0.0.1:1:2']) {
    for (const path of ROUTES) {
      const a = await get(hw.adminUrl, path, { host })
      t.equal(a.status, 421, `Host ${host} ${path} refused`)
      guarded(t, a, `421 ${path}`)
      const body = JSON.parse(a.body) as { error: string; message: string }
      t.equal(body.error, 'misdirected_request')
      t.match(body.message, /--admin-token/)
    }
  }
})

t.test('a browser-like client whose name resolves to loopback (rebinding) is refused; curl by 127.0.0.1 is answered', async (t) => {
  const up = await startEchoUpstream()
  const hw = await startHopwatch(up.url)
  t.teardown(async () => { await hw.close(); await up.close() })
  const port = new URL(hw.adminUrl).port
  const curl = async (args: string[]): Promise<string> => await new Promise((resolve, reject) => {
    execFile('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '--max-time', '10', ...args], (err, stdout) => { if (err !== null) reject(err); else resolve(stdout) })
  })
  t.equal(await curl(['--resolve', `rebound.example:${port}:127.0.0.1`, `http://rebound.example:${port}/report`]), '421')
  t.equal(await curl([`http://127.0.0.1:${port}/report`]), '200')
  t.equal(await curl([`http://localhost:${port}/report`]), '200')
})

t.test('with a token, any Host is answered when the token is right', async (t) => {
  const up = await startEchoUpstream()
  const hw = await startHopwatch(up.url, ['--admin-token', 'guard-admin-token'])
  t.teardown(async () => { await hw.close(); await up.close() })
  const ok = await get(hw.adminUrl, '/report', { host: 'hopwatch-admin.internal:9090', authorization: 'Bearer guard-admin-token' })
  t.equal(ok.status, 200)
  guarded(t, ok, 'token 200')
  for (const path of ROUTES) {
    const no = await get(hw.adminUrl, path, { host: 'evil.example' })
    t.equal(no.status, 401, `${path} without the token`)
    guarded(t, no, `401 ${path}`)
    t.notOk(no.body.includes('guard-admin-token'))
  }
  const missing = await get(hw.adminUrl, '/no-such-route', { authorization: 'Bearer guard-admin-token' })
  t.equal(missing.status, 404)
  guarded(t, missing, '404')
  t.equal((JSON.parse(missing.body) as { error: string }).error, 'not_found')
})

t.test('every admin answer is no-store and nosniff, whatever the route and status', async (t) => {
  const up = await startEchoUpstream()
  const hw = await startHopwatch(up.url)
  t.teardown(async () => { await hw.close(); await up.close() })
  for (const path of [...ROUTES, '/report/exchanges?limit=x']) {
    const a = await get(hw.adminUrl, path)
    t.ok(a.status < 500, `${path}: ${a.status}`)
    guarded(t, a, path)
  }
})

t.test('a request Node cannot parse gets a JSON 400 with the same headers', async (t) => {
  const up = await startEchoUpstream()
  const hw = await startHopwatch(up.url)
  t.teardown(async () => { await hw.close(); await up.close() })
  for (const bytes of ['GET /report HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header\r\n\r\n', 'NOT HTTP AT ALL\r\n\r\n', `GET /report HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`]) {
    const answer = await rawRequest(hw.adminUrl, bytes, 10_000)
    t.match(answer, /^HTTP\/1\.1 4(00|31) /, 'a 4xx')
    t.match(answer, /\r\ncache-control: no-store\r\n/i)
    t.match(answer, /\r\nx-content-type-options: nosniff\r\n/i)
    t.match(answer, /"error":"bad_request"/)
  }
})

t.test('CONNECT to the admin listener: 405 with a JSON body, not a closed socket', async (t) => {
  const up = await startEchoUpstream()
  const hw = await startHopwatch(up.url)
  t.teardown(async () => { await hw.close(); await up.close() })
  const answer = await rawRequest(hw.adminUrl, 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n', 10_000)
  t.match(answer, /^HTTP\/1\.1 405 Method Not Allowed\r\n/)
  t.match(answer, /\r\nallow: GET, HEAD\r\n/i)
  t.match(answer, /\r\ncache-control: no-store\r\n/i)
  t.match(answer, /"error":"method_not_allowed"/)
  const after = await get(hw.adminUrl, '/healthz')
  t.equal(after.status, 200, 'the listener keeps answering')
})

t.test('query input: repeated or out-of-range parameters are a 400 with a sentence, never a 500', async (t) => {
  const up = await startEchoUpstream((req, res) => { res.writeHead(req.headers.authorization === undefined ? 401 : 200); res.end() })
  const hw = await startHopwatch(up.url)
  t.teardown(async () => { await hw.close(); await up.close() })
  for (const auth of [true, false]) {
    const res = await fetch(`${hw.trafficUrl}/x`, { headers: auth ? { authorization: 'Bearer q-token-1' } : {} })
    await res.arrayBuffer()
  }
  await waitForExchanges(hw, 2)
  const bad: Array<[string, RegExp]> = [
    ['/report/exchanges?header=a&header=b', /header is given 2 times: give each once/],
    ['/report/exchanges?limit=1&limit=2', /limit is given 2 times/],
    ['/report/exchanges?status=401&status=200&status=500', /status is given 3 times/],
    ['/report?format=text&format=json', /format is given 2 times/],
    ['/report/exchanges?unknown=1&unknown=2', /given 2 times/],
    ['/report/exchanges?limit=abc', /limit must be a whole number from 1 to 1000000/],
    ['/report/exchanges?limit=0', /limit must be/],
    ['/report/exchanges?limit=-1', /limit must be/],
    ['/report/exchanges?limit=1e3', /limit must be/],
    ['/report/exchanges?limit=99999999999999999999', /limit must be/],
    ['/report/exchanges?status=abc', /status must be an HTTP status from 100 to 599/],
    ['/report/exchanges?status=1000', /status must be/],
    ['/report/exchanges?header=bad%20name', /header must be a header name/],
    ['/report/exchanges?header=%00', /header must be a header name/],
    ['/report?format=xml', /format must be json, text or html/],
    ['/report?format=TEXT', /format must be json, text or html/]
  ]
  for (const [path, message] of bad) {
    const a = await get(hw.adminUrl, path)
    t.equal(a.status, 400, path)
    guarded(t, a, path)
    const body = JSON.parse(a.body) as { error: string; message: string }
    t.equal(body.error, 'bad_query')
    t.match(body.message, message)
  }
  const odd = ['/report/exchanges?%', '/report/exchanges?header', '/report/exchanges?__proto__=x', '/report/exchanges?constructor=1',
    '/report/exchanges?header[]=a', '/report/exchanges?limit=%00', '/report/exchanges?limit=', '/report/exchanges/%', '/report/exchanges/%E0%A4%A',
    '/report?format=', '/report/exchanges?status=&limit=&header=', '/report/exchanges?' + 'a=1&'.repeat(500)]
  for (const path of odd) {
    const a = await get(hw.adminUrl, path)
    t.ok(a.status === 200 || a.status === 400 || a.status === 404, `${path.slice(0, 60)}: ${a.status}, not a 5xx`)
    guarded(t, a, path.slice(0, 60))
  }
  const good = await get(hw.adminUrl, '/report/exchanges?status=401&limit=5&header=')
  t.equal(good.status, 200)
  t.equal((JSON.parse(good.body) as { exchanges: unknown[] }).exchanges.length, 1, 'valid filters still work')
  const byHeader = await get(hw.adminUrl, '/report/exchanges?header=Authorization')
  t.equal((JSON.parse(byHeader.body) as { exchanges: unknown[] }).exchanges.length, 1)
  t.equal((await get(hw.adminUrl, '/report?format=json')).status, 200)
})

t.test('hostAllowed: the configured --admin name, and IP literals only for a wildcard bind', async (t) => {
  t.ok(hostAllowed('hopwatch-admin:9090', 'hopwatch-admin'))
  t.ok(hostAllowed('Hopwatch-Admin', 'hopwatch-admin'))
  t.notOk(hostAllowed('other:9090', 'hopwatch-admin'))
  t.ok(hostAllowed('192.0.2.10:9090', '0.0.0.0'), 'an address of this machine under a wildcard bind')
  t.ok(hostAllowed('[2001:db8::1]:9090', '::'))
  t.notOk(hostAllowed('evil.example:9090', '0.0.0.0'), 'a name is still refused under a wildcard bind')
  t.notOk(hostAllowed('192.0.2.10:9090', '127.0.0.1'), 'an address other than the configured one')
  t.ok(hostAllowed(undefined, '127.0.0.1'), 'HTTP/1.0 without Host (browsers always send one)')
  t.notOk(hostAllowed('', '127.0.0.1'))
})
