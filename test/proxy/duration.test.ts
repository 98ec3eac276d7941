// Every exchange is timed from its arrival to the end of its response: in the exchange, the log
// line and the duration histogram. (fastify's reply.elapsedTime stays 0 in this setup.)
import t from 'tap'
import { request } from 'undici'
import { startEchoUpstream } from '../helpers/echo-upstream.js'
import { startHopwatch, waitForExchanges } from '../helpers/hopwatch.js'

const DELAY_MS = 60

t.test('a slow answer shows its time', async (t) => {
  const up = await startEchoUpstream((_req, res) => { setTimeout(() => { res.end('late') }, DELAY_MS) })
  const hw = await startHopwatch(up.url)
  t.teardown(async () => { await hw.close(); await up.close() })
  const res = await request(`${hw.trafficUrl}/slow`)
  t.equal(await res.body.text(), 'late')
  await waitForExchanges(hw, 1)
  const ex = hw.store.list()[0]
  t.ok(ex !== undefined && ex.durationMs >= DELAY_MS - 5 && ex.durationMs < 5000, `durationMs ${ex?.durationMs}`)
  const line = hw.logs.map((l) => JSON.parse(l) as { msg: string; ms?: number }).find((l) => l.msg === 'exchange')
  t.ok(line?.ms !== undefined && line.ms >= DELAY_MS - 5, `log line ms ${line?.ms}`)
  const metrics = await (await request(`${hw.adminUrl}/metrics`)).body.text()
  const sum = Number(/^hopwatch_request_duration_seconds_sum (\S+)$/m.exec(metrics)?.[1])
  t.ok(sum >= (DELAY_MS - 5) / 1000, `histogram sum ${sum}`)
})
