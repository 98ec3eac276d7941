// Fail-open: when audit code throws, the traffic still reaches the upstream unchanged and the
// client gets the upstream's answer; the failure is counted and logged without values.
import t from 'tap'
import { request } from 'undici'
import { startEchoUpstream, valuesOf } from '../helpers/echo-upstream.js'
import { startHopwatch } from '../helpers/hopwatch.js'

t.test('audit code that throws on the hot path and after the response does not touch traffic', async (t) => {
  const up = await startEchoUpstream()
  const hw = await startHopwatch(up.url)
  t.teardown(async () => { await hw.close(); await up.close() })
  // Break the credential lookup used on the hot path and the recording after the response.
  hw.auditor.credentialNames.has = () => { throw new TypeError('audit bug') }
  hw.auditor.record = () => { throw new RangeError('audit bug') }
  for (let i = 0; i < 5; i++) {
    const res = await request(`${hw.trafficUrl}/x?i=${i}`, { method: 'POST', body: `body-${i}`, headers: { authorization: `Bearer fail-open-${i}`, cookie: 'a=1' } })
    t.equal(res.statusCode, 200, 'the upstream answered')
    await res.body.dump()
    const got = up.received[up.received.length - 1]
    t.equal(got?.url, `/x?i=${i}`)
    t.ok(valuesOf(got, 'authorization')[0] === `Bearer fail-open-${i}`, 'Authorization reached the upstream unchanged')
    t.equal(got?.bodyLength, `body-${i}`.length, 'the body too')
  }
  await new Promise((resolve) => setTimeout(resolve, 50))
  t.ok(hw.auditor.failures >= 10, `audit failures counted (${hw.auditor.failures})`)
  const logs = hw.logs.join('')
  t.match(logs, /audit code failed; traffic not affected/)
  t.notOk(logs.includes('fail-open-'), 'no credential value in the failure log')
})
