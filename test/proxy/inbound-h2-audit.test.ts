// What hopwatch records of HTTP/2 traffic: the protocol of each exchange (exchange JSON, report,
// text report, findings), Authorization over h2 fingerprinted as over HTTP/1.1 (never its value),
// and a layer that strips it between an edge and an origin tap detected the same way.
import t from 'tap'
import { request } from 'undici'
import { readFileSync } from 'node:fs'
import { startEchoUpstream } from '../helpers/echo-upstream.js'
import { startHopwatch, waitForExchanges } from '../helpers/hopwatch.js'
import { makePki } from '../helpers/tls-certs.js'
import { goodCertFiles, h2Request, h2Session } from '../helpers/h2-client.js'
import { freePort, hasNginx, startNginx } from '../helpers/real-servers.js'
import type { Report } from '../../src/report/model.js'
import type { Exchange } from '../../src/capture/types.js'

const pki = makePki()
t.teardown(() => pki.remove())
const TOKEN = 'Bearer h2-audit-secret-4f9a'

async function json<T> (url: string): Promise<T> {
  return await (await request(url)).body.json() as T
}

t.test('each exchange says its protocol: h2c, http/1.1, in the exchange, the report and the findings', async (t) => {
  // /locked answers 401 without a challenge: a www-authenticate-missing finding.
  const upstream = await startEchoUpstream((req, res) => {
    res.writeHead(req.url === '/locked' ? 401 : 200, { 'content-type': 'text/plain' })
    res.end('ok')
  })
  const hw = await startHopwatch(upstream.url)
  t.teardown(async () => { await hw.close(1000); await upstream.close() })
  const session = h2Session(hw.trafficUrl)
  t.teardown(() => session.close())
  await h2Request(session, { ':path': '/me', authorization: TOKEN, cookie: ['a=1', 'b=2'] })
  await h2Request(session, { ':path': '/locked' })
  await (await request(`${hw.trafficUrl}/me`, { headers: { authorization: TOKEN, cookie: 'a=1; b=2' } })).body.dump()
  await waitForExchanges(hw, 3)
  const [viaH2, locked, viaH1] = hw.store.list().slice().sort((a, b) => a.startedAt - b.startedAt) as Exchange[]
  t.equal(viaH2?.protocol, 'h2c')
  t.equal(viaH2?.tls, false)
  t.equal(viaH2?.httpVersion, '2.0')
  t.equal(locked?.protocol, 'h2c')
  t.equal(viaH1?.protocol, 'http/1.1')
  t.same(viaH2?.context.host, [viaH1?.context.host?.[0]], ':authority read where HTTP/1.1 has Host')
  t.ok(viaH2?.headerNames.includes(':authority'), 'pseudo-header names kept as they arrived')
  // Same token, same fingerprint, whichever protocol carried it; cookies split by h2 joined again.
  t.equal(viaH2?.arrived.find((h) => h.key === 'authorization')?.values[0]?.hash, viaH1?.arrived.find((h) => h.key === 'authorization')?.values[0]?.hash)
  t.equal(viaH2?.arrived.find((h) => h.key === 'cookie')?.values[0]?.hash, viaH1?.arrived.find((h) => h.key === 'cookie')?.values[0]?.hash)
  t.same(viaH2?.droppedHere, [], 'nothing dropped here')

  const one = await json<{ exchange: Exchange }>(`${hw.adminUrl}/report/exchanges/${viaH2?.id ?? ''}`)
  t.equal(one.exchange.protocol, 'h2c', 'the exchange JSON says h2c')
  const report = await json<Report>(`${hw.adminUrl}/report`)
  t.same(report.protocols, { h2c: 2, 'http/1.1': 1 })
  const finding = report.findings.find((f) => f.rule === 'www-authenticate-missing')
  t.same(finding?.protocols, ['h2c'], 'the finding says which protocol its exchanges used')
  const text = await (await request(`${hw.adminUrl}/report?format=text`)).body.text()
  t.match(text, /protocols h2c: 2, http\/1\.1: 1/)
  t.match(text, /over h2c/)
  const lines = hw.logs.filter((l) => l.includes('"msg":"exchange"'))
  t.equal(lines.filter((l) => l.includes('"protocol":"h2c"')).length, 2, 'the h2c exchanges\' log lines name the protocol')
  t.equal(lines.filter((l) => l.includes('"protocol"')).length, 2, 'plain HTTP/1.1 lines stay as they were')
  const html = await (await request(`${hw.adminUrl}/report.html`)).body.text()
  t.match(html, /id="protocols"/)
  for (const output of [JSON.stringify(report), text, html, JSON.stringify(one), hw.logs.join('')]) {
    t.notOk(output.includes('h2-audit-secret'), 'no credential value in any output')
  }
})

t.test('over TLS: h2 and http/1.1+tls', async (t) => {
  const files = goodCertFiles(pki)
  const upstream = await startEchoUpstream()
  const hw = await startHopwatch(upstream.url, ['--tls-cert', files.cert, '--tls-key', files.key])
  t.teardown(async () => { await hw.close(1000); await upstream.close() })
  const session = h2Session(hw.trafficUrl, readFileSync(pki.caFile, 'utf8'))
  t.teardown(() => session.close())
  await h2Request(session, { ':path': '/tls', authorization: TOKEN })
  const { Agent } = await import('undici')
  const agent = new Agent({ connect: { ca: readFileSync(pki.caFile, 'utf8') } })
  t.teardown(async () => { await agent.close() })
  await (await request(`${hw.trafficUrl}/tls-1`, { dispatcher: agent })).body.dump()
  await waitForExchanges(hw, 2)
  const report = await json<Report>(`${hw.adminUrl}/report`)
  t.same(report.protocols, { h2: 1, 'http/1.1+tls': 1 })
  t.ok(hw.store.list().every((e) => e.tls), 'both marked tls')
})

t.test('h2 client -> edge tap -> nginx clearing Authorization -> origin tap: dropped between the taps, as over HTTP/1.1', { skip: hasNginx() ? false : 'nginx is not installed' }, async (t) => {
  const app = await startEchoUpstream()
  const originPort = await freePort()
  const nginx = await startNginx('server { listen {{LISTEN}}; location / { proxy_set_header Authorization ""; proxy_pass {{UPSTREAM}}; } }', { upstream: `http://127.0.0.1:${originPort}`, t })
  const hw = await startHopwatch(app.url, ['--listen', `127.0.0.1:${originPort}`, '--edge-listen', '127.0.0.1:0', '--edge-upstream', nginx.url])
  t.teardown(async () => { await hw.close(1000); await app.close() })
  const session = h2Session(hw.edgeUrl as string)
  t.teardown(() => session.close())
  const answer = await h2Request(session, { ':path': '/api/x', authorization: TOKEN, cookie: 'a=1' })
  t.equal(answer.status, 200)
  await waitForExchanges(hw, 1)
  const until = Date.now() + 5000
  let report = await json<Report>(`${hw.adminUrl}/report`)
  while ((report.pairing?.pairedCertain ?? 0) < 1 && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 50))
    report = await json<Report>(`${hw.adminUrl}/report`)
  }
  t.same(report.pairing?.perHeader.authorization, { intact: 0, dropped: 1, modified: 0, renamed: 0, added: 0 })
  const finding = report.findings.find((f) => f.rule === 'credential-changed-between-taps')
  t.equal(finding?.confidence, 'certain')
  t.equal(finding?.layer, 'nginx')
  t.notOk(app.received[0]?.rawHeaders.some(([n]) => n.toLowerCase() === 'authorization'), 'the app got no Authorization')
  t.notOk(JSON.stringify(report).includes('h2-audit-secret'), 'no credential value in the report')
})
