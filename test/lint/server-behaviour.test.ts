// Behaviours of the real servers that the lint rules rely on, measured rather than assumed:
// - nginx refuses a request carrying two Authorization headers (400); httpd joins them into one
//   comma-separated line, and `RequestHeader add Authorization` makes the backend see two lines.
// - nginx with `underscores_in_headers on` only in a non-default server keeps an underscore
//   header sent after Host but drops one sent before it (read with the default server's setting).
// - httpd's own AuthType Basic challenge survives both `Header unset` and `Header always unset`
//   (the proxied case is in nginx-samples/apache-header-unset-auth-response-header).
// Credential values are synthetic and compared by equality; nothing is printed.
import { randomBytes } from 'node:crypto'
import { connect } from 'node:net'
import t from 'tap'
import { startEchoUpstream, valuesOf } from '../helpers/echo-upstream.js'
import { hasApache, hasNginx, startApache, startNginx } from '../helpers/real-servers.js'

const RAW_TIMEOUT_MS = 3_000

/** Sends one raw HTTP/1.1 request (duplicate headers and header order are beyond fetch); resolves the status. */
function rawStatus (port: number, headerLines: string[], hostFirst = true): Promise<number> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      const lines = hostFirst ? ['Host: 127.0.0.1', ...headerLines] : [...headerLines, 'Host: 127.0.0.1']
      socket.write(['GET /dup HTTP/1.1', ...lines, 'Connection: close', '', ''].join('\r\n'))
    })
    let head = ''
    const done = (): void => { socket.destroy(); resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0)) }
    socket.on('data', (chunk: Buffer) => { head += chunk.toString('latin1') })
    socket.on('end', done)
    socket.on('error', done)
    setTimeout(done, RAW_TIMEOUT_MS).unref()
  })
}

const token = (): string => `Bearer ${randomBytes(18).toString('base64url')}`

t.test('nginx answers 400 to a request with two Authorization headers', { skip: hasNginx() ? false : 'nginx is not installed' }, async (t) => {
  const upstream = await startEchoUpstream()
  t.teardown(upstream.close)
  const nginx = await startNginx('server { listen {{LISTEN}}; location / { proxy_pass {{UPSTREAM}}; } }', { upstream: upstream.url, t })
  const status = await rawStatus(nginx.port, [`Authorization: ${token()}`, `Authorization: ${token()}`])
  t.equal(status, 400)
  t.equal(upstream.received.length, 0, 'nothing reached the upstream')
})

t.test('nginx: underscores_in_headers in a non-default server covers only headers after Host', { skip: hasNginx() ? false : 'nginx is not installed' }, async (t) => {
  const upstream = await startEchoUpstream()
  t.teardown(upstream.close)
  const config = 'server { listen {{LISTEN}}; server_name default.invalid; location / { return 404; } }\n' +
    'server { listen {{LISTEN}}; server_name 127.0.0.1; underscores_in_headers on; location / { proxy_pass {{UPSTREAM}}; } }\n'
  const nginx = await startNginx(config, { upstream: upstream.url, t })
  t.equal(await rawStatus(nginx.port, [`api_key: ${token()}`], true), 200)
  t.equal(valuesOf(upstream.received[0], 'api_key').length, 1, 'after Host: kept')
  t.equal(await rawStatus(nginx.port, [`api_key: ${token()}`], false), 200)
  t.equal(valuesOf(upstream.received[1], 'api_key').length, 0, 'before Host: dropped')
})

t.test('httpd joins two Authorization headers into one line; RequestHeader add makes two', { skip: hasApache() ? false : 'apache2 is not installed' }, async (t) => {
  const upstream = await startEchoUpstream()
  t.teardown(upstream.close)
  const plain = await startApache('<VirtualHost {{LISTEN}}>\n  ProxyPass "/" "{{UPSTREAM}}/"\n</VirtualHost>\n', { upstream: upstream.url, t })
  const first = token()
  const second = token()
  t.equal(await rawStatus(plain.port, [`Authorization: ${first}`, `Authorization: ${second}`]), 200)
  t.same(valuesOf(upstream.received[0], 'authorization').map((v) => v === `${first}, ${second}`), [true], 'one comma-joined line')

  const adding = await startApache('<VirtualHost {{LISTEN}}>\n  ProxyPass "/" "{{UPSTREAM}}/"\n  RequestHeader add Authorization "Bearer added-by-config"\n</VirtualHost>\n', { upstream: upstream.url, t })
  const client = token()
  t.equal(await rawStatus(adding.port, [`Authorization: ${client}`]), 200)
  const values = valuesOf(upstream.received[1], 'authorization')
  t.equal(values.length, 2, 'the backend receives two Authorization lines')
  t.equal(values[0] === client, true, 'the first is the client\'s')
})

t.test("httpd's own Basic challenge survives Header unset and Header always unset", { skip: hasApache() ? false : 'apache2 is not installed' }, async (t) => {
  for (const directive of ['', 'Header unset WWW-Authenticate', 'Header always unset WWW-Authenticate']) {
    const apache = await startApache(`<VirtualHost {{LISTEN}}>\n  <Location "/">\n    AuthType Basic\n    AuthName "staff"\n    AuthUserFile "{{PREFIX}}/htpasswd"\n    Require valid-user\n  </Location>\n  ${directive}\n</VirtualHost>\n`, { files: { htpasswd: 'nobody:{SHA}invalid\n' }, t })
    const res = await fetch(`${apache.url}/`)
    t.equal(res.status, 401, `${directive || 'no directive'}: 401`)
    t.equal(res.headers.has('www-authenticate'), true, `${directive || 'no directive'}: challenge kept`)
    await apache.stop()
  }
})
