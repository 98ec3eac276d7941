// TLS to an https upstream: verified by default, a private CA with --upstream-ca, no check with
// --upstream-insecure (warned at start, marked on every exchange). A refused certificate is a 502
// `upstream_tls` naming the reason, recorded on the exchange. CA and certificates are made with
// openssl in a temp dir; the upstream is a real node:https server on port 0.
import t, { type Test } from 'tap'
import { makePki, startHttpsUpstream, type Pem } from '../helpers/tls-certs.js'
import { startHopwatch, waitForExchanges, type TestHopwatch } from '../helpers/hopwatch.js'
import { loadServeConfig } from '../../src/config/config.js'

const pki = makePki()
t.teardown(() => pki.remove())

interface Answer { status: number; body: { error?: string; message?: string; ok?: boolean } }

async function through (t: Test, pem: Pem, args: string[]): Promise<{ hw: TestHopwatch; answer: Answer; upstreamRequests: () => number }> {
  const upstream = await startHttpsUpstream(pem)
  const hw = await startHopwatch(upstream.url, args)
  t.teardown(async () => { await hw.close(1000); await upstream.close() })
  const res = await fetch(`${hw.trafficUrl}/account`, { headers: { authorization: 'Bearer tls-test-token' } })
  const answer = { status: res.status, body: await res.json() as Answer['body'] }
  await waitForExchanges(hw, 1)
  return { hw, answer, upstreamRequests: () => upstream.requests }
}

t.test('a certificate signed by the CA given with --upstream-ca: forwarded', async (t) => {
  const { hw, answer, upstreamRequests } = await through(t, pki.good, ['--upstream-ca', pki.caFile])
  t.equal(answer.status, 200)
  t.same(answer.body, { ok: true })
  t.equal(upstreamRequests(), 1)
  const report = await (await fetch(`${hw.adminUrl}/report`)).json() as { upstreamTls?: string }
  t.equal(report.upstreamTls, 'verified')
})

t.test('the same certificate without --upstream-ca: 502 upstream_tls, not forwarded, recorded', async (t) => {
  const { hw, answer, upstreamRequests } = await through(t, pki.good, [])
  t.equal(answer.status, 502)
  t.equal(answer.body.error, 'upstream_tls')
  t.match(answer.body.message, /not signed by a trusted CA/)
  t.equal(upstreamRequests(), 0, 'the request never reached the upstream')
  const [exchange] = hw.store.list()
  t.equal(exchange?.clientStatus, 502)
  t.equal(exchange?.error?.code, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE')
  t.notOk(JSON.stringify(answer.body).includes('tls-test-token'))
})

t.test('a certificate for another name: 502, hostname mismatch', async (t) => {
  const { hw, answer } = await through(t, pki.otherName, ['--upstream-ca', pki.caFile])
  t.equal(answer.status, 502)
  t.equal(answer.body.error, 'upstream_tls')
  t.match(answer.body.message, /hostname mismatch/)
  t.equal(hw.store.list()[0]?.error?.code, 'ERR_TLS_CERT_ALTNAME_INVALID')
})

t.test('an expired certificate: 502, certificate has expired', async (t) => {
  const { hw, answer } = await through(t, pki.expired, ['--upstream-ca', pki.caFile])
  t.equal(answer.status, 502)
  t.equal(answer.body.error, 'upstream_tls')
  t.match(answer.body.message, /certificate has expired/)
  t.equal(hw.store.list()[0]?.error?.code, 'CERT_HAS_EXPIRED')
})

t.test('a CA nobody trusts, with --upstream-ca of another CA: 502', async (t) => {
  const { answer } = await through(t, pki.untrusted, ['--upstream-ca', pki.caFile])
  t.equal(answer.status, 502)
  t.equal(answer.body.error, 'upstream_tls')
})

t.test('--upstream-insecure: forwarded, warned at start, every exchange marked', async (t) => {
  const { hw, answer, upstreamRequests } = await through(t, pki.untrusted, ['--upstream-insecure'])
  t.equal(answer.status, 200)
  t.equal(upstreamRequests(), 1)
  const warning = hw.logs.find((line) => line.includes('--upstream-insecure'))
  t.ok(warning, 'a warning at start')
  t.equal(JSON.parse(warning ?? '{}').level, 40, 'at warn level')
  const exchangeLine = hw.logs.find((line) => line.includes('"msg":"exchange"'))
  t.match(JSON.parse(exchangeLine ?? '{}'), { upstreamTls: 'unverified', status: 200 })
  const report = await (await fetch(`${hw.adminUrl}/report`)).json() as { upstreamTls?: string }
  t.equal(report.upstreamTls, 'unverified')
  t.match(await (await fetch(`${hw.adminUrl}/report?format=text`)).text(), /upstream TLS NOT VERIFIED/, 'the text report says so')
  t.match(await (await fetch(`${hw.adminUrl}/report.html`)).text(), /id="upstream-tls"/, 'and the HTML report')
})

t.test('--upstream-ca and --upstream-insecure from flags and env; bad values refused', async (t) => {
  const base = ['--upstream', 'https://127.0.0.1:1']
  t.throws(() => loadServeConfig([...base, '--upstream-ca', `${pki.dir}/missing.pem`], {}), /could not be read/)
  t.throws(() => loadServeConfig([...base, '--upstream-ca', `${pki.dir}/ext.cnf`], {}), /no PEM certificate/)
  t.throws(() => loadServeConfig([...base, '--upstream-ca', pki.caFile, '--upstream-insecure'], {}), /contradict/)
  const fromEnv = loadServeConfig(base, { HOPWATCH_UPSTREAM_CA: pki.caFile, HOPWATCH_UPSTREAM_INSECURE: 'false' })
  t.match(fromEnv.upstreamCa, /BEGIN CERTIFICATE/)
  t.equal(fromEnv.upstreamInsecure, false)
  t.equal(loadServeConfig(base, { HOPWATCH_UPSTREAM_INSECURE: '1' }).upstreamInsecure, true)
})
