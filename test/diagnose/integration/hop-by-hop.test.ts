// A client that nominates Authorization in Connection makes it hop-by-hop: hopwatch must drop it
// (RFC 9110 section 7.6.1) and says so with credential-dropped-here, blamed on itself, certain.
import t from 'tap'
import { startEchoUpstream, valuesOf } from '../../helpers/echo-upstream.js'
import { rawRequest, startHopwatch, waitForExchanges } from '../../helpers/hopwatch.js'
import { app } from './chain.js'

t.test('Connection: close, Authorization', async (t) => {
  const upstream = await startEchoUpstream(app)
  t.teardown(upstream.close)
  const hopwatch = await startHopwatch(upstream.url)
  t.teardown(hopwatch.close)
  const answer = await rawRequest(hopwatch.trafficUrl,
    'GET /orders/3 HTTP/1.1\r\nHost: api.example.com\r\nAuthorization: Bearer abcdefabcdef\r\nConnection: close, Authorization\r\n\r\n')
  t.match(answer, /^HTTP\/1\.1 401 /, 'the app got no Authorization')
  t.equal(valuesOf(upstream.received[0], 'authorization').length, 0)
  await waitForExchanges(hopwatch, 1)
  const report = await (await fetch(`${hopwatch.adminUrl}/report`)).json() as { findings: Array<{ rule: string, layer: string, confidence: string, header: string }> }
  const dropped = report.findings.find((f) => f.rule === 'credential-dropped-here')
  t.equal(dropped?.layer, 'hopwatch')
  t.equal(dropped?.confidence, 'certain')
  t.equal(dropped?.header, 'authorization')
  t.notOk(report.findings.some((f) => f.rule === 'credential-missing-on-401'), 'it did arrive: not reported as missing')
})
