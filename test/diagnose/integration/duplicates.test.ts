// What nginx and Apache really do with duplicate credential lines (the claims in
// docs/rules/duplicate-credential.md), checked against the installed servers.
import t from 'tap'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { startEchoUpstream, valuesOf } from '../../helpers/echo-upstream.js'
import { rawRequest, startHopwatch, waitForExchanges } from '../../helpers/hopwatch.js'
import { hasApache, hasNginx, startApache, startNginx } from '../../helpers/real-servers.js'

const request = (host: string): string =>
  'GET /orders/1 HTTP/1.1\r\nHost: ' + host + '\r\n' +
  'Authorization: Bearer aaaaaaaaaaaa\r\nAuthorization: Bearer bbbbbbbbbbbb\r\n' +
  'X-Api-Key: k1k1k1k1\r\nX-Api-Key: k2k2k2k2\r\nConnection: close\r\n\r\n'

t.test('nginx: 400 on two Authorization lines; other duplicates pass through', { skip: hasNginx() ? false : 'no nginx' }, async (t) => {
  const upstream = await startEchoUpstream()
  t.teardown(upstream.close)
  const nginx = await startNginx('server { listen {{LISTEN}}; error_log {{PREFIX}}/info.log info; location / { proxy_pass {{UPSTREAM}}; } }',
    { upstream: upstream.url, t })
  const answer = await rawRequest(nginx.url, request(`127.0.0.1:${nginx.port}`))
  t.match(answer, /^HTTP\/1\.1 400 /, 'nginx answers 400')
  t.equal(upstream.received.length, 0, 'the request never reached the upstream')
  const log = await readFile(join(nginx.dir, 'info.log'), 'utf8')
  t.ok(log.includes('client sent duplicate header line'), 'logged as a duplicate header line (nginx logs the values: keep that log private)')

  const keys = await rawRequest(nginx.url, 'GET /k HTTP/1.1\r\nHost: x\r\nX-Api-Key: k1k1k1k1\r\nX-Api-Key: k2k2k2k2\r\nConnection: close\r\n\r\n')
  t.match(keys, /^HTTP\/1\.1 200 /)
  t.equal(valuesOf(upstream.received[0], 'x-api-key').length, 2, 'two X-Api-Key lines reach the upstream')
})

t.test('apache: duplicates merged into one line joined with ", "', { skip: hasApache() ? false : 'no apache2' }, async (t) => {
  const upstream = await startEchoUpstream()
  t.teardown(upstream.close)
  const hopwatch = await startHopwatch(upstream.url)
  t.teardown(hopwatch.close)
  const apache = await startApache('<VirtualHost {{LISTEN}}>\n  ProxyPass / {{UPSTREAM}}/\n</VirtualHost>', { upstream: hopwatch.trafficUrl, t })
  const answer = await rawRequest(apache.url, request(`127.0.0.1:${apache.port}`))
  t.match(answer, /^HTTP\/1\.1 200 /)
  const auth = valuesOf(upstream.received[0], 'authorization')
  t.equal(auth.length, 1, 'one Authorization line reaches the app')
  t.ok(auth[0] === 'Bearer aaaaaaaaaaaa, Bearer bbbbbbbbbbbb', 'joined with ", "')
  t.equal(valuesOf(upstream.received[0], 'x-api-key').length, 1, 'X-Api-Key merged too')
  await waitForExchanges(hopwatch, 1)
  const report = await (await fetch(`${hopwatch.adminUrl}/report`)).json() as { findings: Array<{ rule: string, header: string | null, layer: string | null }> }
  t.ok(report.findings.some((f) => f.rule === 'duplicate-credential' && f.header === 'authorization' && f.layer === 'client'),
    'after the merge hopwatch sees a single joined line: duplicate-credential recognises Apache\'s join and blames the client\'s two lines')
  t.notOk(report.findings.some((f) => f.rule === 'malformed-authorization'), 'the joined line is not reported as malformed')
})

t.test('straight to hopwatch: duplicate Authorization lines are reported', async (t) => {
  const upstream = await startEchoUpstream()
  t.teardown(upstream.close)
  const hopwatch = await startHopwatch(upstream.url)
  t.teardown(hopwatch.close)
  await rawRequest(hopwatch.trafficUrl, request('api.example.com'))
  await waitForExchanges(hopwatch, 1)
  const report = await (await fetch(`${hopwatch.adminUrl}/report`)).json() as { findings: Array<{ rule: string, header: string, severity: string }> }
  const dup = report.findings.filter((f) => f.rule === 'duplicate-credential')
  t.same(dup.map((f) => `${f.header}:${f.severity}`).sort(), ['authorization:error', 'x-api-key:error'])
  t.notOk(JSON.stringify(report).includes('aaaaaaaaaaaa'), 'no value in the report')
})
