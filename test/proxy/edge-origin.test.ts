// `serve --edge-listen --edge-upstream`: edge and origin taps in one process around real nginx.
// Every credential gets a definitive verdict across the layers between the taps, and the
// correlation stamp never reaches the app.
import t from 'tap'
import { request } from 'undici'
import { startEchoUpstream } from '../helpers/echo-upstream.js'
import { startHopwatch, waitForExchanges } from '../helpers/hopwatch.js'
import { freePort, hasApache, hasNginx, startApache, startNginx } from '../helpers/real-servers.js'
import type { Report } from '../../src/report/model.js'

const conf = (extra: string): string => `server { listen {{LISTEN}}; location / { ${extra} proxy_pass {{UPSTREAM}}; } }`

async function chain (t: { teardown: (fn: () => Promise<void> | void) => void }, extra: string, args: string[] = []) {
  const app = await startEchoUpstream()
  const originPort = await freePort()
  const nginx = await startNginx(conf(extra), { upstream: `http://127.0.0.1:${originPort}`, t })
  const hw = await startHopwatch(app.url, ['--listen', `127.0.0.1:${originPort}`, '--edge-listen', '127.0.0.1:0', '--edge-upstream', nginx.url, ...args])
  t.teardown(async () => { await hw.close(); await app.close() })
  return { app, hw, edgeUrl: hw.edgeUrl as string }
}

async function reportOf (adminUrl: string): Promise<Report> {
  return await (await request(`${adminUrl}/report`)).body.json() as Report
}

t.test('edge + origin around real nginx', { skip: hasNginx() ? false : 'nginx is not installed' }, async (t) => {
  t.test('control: every credential intact, nothing flagged, stamp removed before the app', async (t) => {
    const { app, hw, edgeUrl } = await chain(t, '')
    const res = await request(`${edgeUrl}/api/x`, { headers: { authorization: 'Bearer edge-a', cookie: 'a=1; b=2', 'x-api-key': 'k' } })
    await res.body.dump()
    t.equal(res.statusCode, 200)
    await waitForExchanges(hw, 1)
    const report = await reportOf(hw.adminUrl)
    t.equal(report.pairing?.pairedCertain, 1)
    t.same(report.pairing?.perHeader.authorization, { intact: 1, dropped: 0, modified: 0, renamed: 0, added: 0 })
    t.same(report.findings.filter((f) => f.rule === 'credential-changed-between-taps'), [])
    t.notOk(app.received[0]?.rawHeaders.some(([n]) => n.toLowerCase() === 'x-hopwatch-pair'), 'the app never sees the stamp')
  })

  t.test('nginx clearing Authorization: dropped between the taps, certain, in the report', async (t) => {
    const { hw, edgeUrl } = await chain(t, 'proxy_set_header Authorization "";')
    const res = await request(`${edgeUrl}/api/x`, { headers: { authorization: 'Bearer edge-a', cookie: 'a=1' } })
    await res.body.dump()
    await waitForExchanges(hw, 1)
    const report = await reportOf(hw.adminUrl)
    t.same(report.pairing?.perHeader.authorization, { intact: 0, dropped: 1, modified: 0, renamed: 0, added: 0 })
    const finding = report.findings.find((f) => f.rule === 'credential-changed-between-taps')
    t.equal(finding?.confidence, 'certain')
    t.equal(finding?.severity, 'error')
    t.equal(finding?.header?.toLowerCase(), 'authorization')
    const text = await (await request(`${hw.adminUrl}/report?format=text`)).body.text()
    t.match(text, /BETWEEN EDGE AND ORIGIN/)
    t.notOk(text.includes('edge-a'), 'no credential value in the text report')
    const metrics = await (await request(`${hw.adminUrl}/metrics`)).body.text()
    t.match(metrics, /hopwatch_findings_total\{rule="credential-changed-between-taps",severity="error",layer="nginx"\} 1/, 'counted in /metrics, blamed on the layer between the taps')
  })
})

t.test('edge + origin: replaced and underscore credentials through nginx', { skip: hasNginx() ? false : 'nginx is not installed' }, async (t) => {
  const { hw, edgeUrl } = await chain(t, 'proxy_set_header Authorization "Basic c2VydmljZTpzZWNyZXQ=";', ['--credential-header', 'X_Api_Key'])
  const res = await request(`${edgeUrl}/svc`, { headers: { authorization: 'Bearer edge-a', x_api_key: 'k-1' } })
  await res.body.dump()
  await waitForExchanges(hw, 1)
  const report = await reportOf(hw.adminUrl)
  t.same(report.pairing?.perHeader.authorization, { intact: 0, dropped: 0, modified: 1, renamed: 0, added: 0 }, 'the fixed value counts as modified')
  t.equal(report.pairing?.perHeader.x_api_key?.dropped, 1, 'nginx drops the underscore name by default')
})

t.test('edge + origin around a two-layer chain: nginx -> apache2 removing Authorization', { skip: hasNginx() && hasApache() ? false : 'nginx or apache2 is not installed' }, async (t) => {
  const app = await startEchoUpstream()
  const originPort = await freePort()
  const apache = await startApache(`<VirtualHost {{LISTEN}}>\n  RequestHeader unset Authorization\n  ProxyPass / {{UPSTREAM}}/\n</VirtualHost>`, { upstream: `http://127.0.0.1:${originPort}`, t })
  const nginx = await startNginx(conf(''), { upstream: apache.url, t })
  const hw = await startHopwatch(app.url, ['--listen', `127.0.0.1:${originPort}`, '--edge-listen', '127.0.0.1:0', '--edge-upstream', nginx.url])
  t.teardown(async () => { await hw.close(); await app.close() })
  const res = await request(`${hw.edgeUrl as string}/two`, { headers: { authorization: 'Bearer edge-b', cookie: 'a=1' } })
  await res.body.dump()
  await waitForExchanges(hw, 1)
  const report = await reportOf(hw.adminUrl)
  t.equal(report.pairing?.perHeader.authorization?.dropped, 1, 'dropped between the taps')
  t.equal(report.pairing?.perHeader.cookie?.intact, 1, 'Cookie intact')
  t.ok(report.findings.some((f) => f.rule === 'credential-changed-between-taps' && f.confidence === 'certain'), 'a certain finding')
  t.notOk(app.received[0]?.rawHeaders.some(([n]) => n.toLowerCase() === 'authorization'), 'the app got no Authorization')
})

t.test('--edge-listen without --edge-upstream is a usage error', async (t) => {
  const { main } = await import('../../src/cli/main.js')
  let err = ''
  const code = await main(['serve', '--upstream', 'http://a', '--edge-listen', '127.0.0.1:0'], { stdout: () => {}, stderr: (s) => { err += s }, env: {} })
  t.equal(code, 2)
  t.match(err, /--edge-listen and --edge-upstream go together/)
})
