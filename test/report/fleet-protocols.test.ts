// A fleet merge keeps the protocols: two real sidecars, one reached over h2c and one over
// HTTP/1.1, merged by `hopwatch report --admin A --admin B`: `protocols` summed, a finding's
// `protocols` united across replicas.
import t from 'tap'
import { report } from '../../src/cli/report.js'
import type { CliIO } from '../../src/cli/io.js'
import type { FleetReport } from '../../src/report/merge.js'
import { startEchoUpstream } from '../helpers/echo-upstream.js'
import { startHopwatch, waitForExchanges } from '../helpers/hopwatch.js'
import { h2Request, h2Session } from '../helpers/h2-client.js'

const KEY = 'fleet-h2-fingerprint-key-0123456789abcdef'

t.test('protocols summed and united across replicas', async (t) => {
  // 401 without a challenge: a www-authenticate-missing finding on each replica.
  const upstream = await startEchoUpstream((_req, res) => { res.writeHead(401).end() })
  const a = await startHopwatch(upstream.url, ['--fingerprint-key', KEY])
  const b = await startHopwatch(upstream.url, ['--fingerprint-key', KEY])
  t.teardown(async () => { await a.close(1000); await b.close(1000); await upstream.close() })
  const session = h2Session(a.trafficUrl)
  t.teardown(() => session.close())
  await h2Request(session, { ':path': '/locked' })
  await h2Request(session, { ':path': '/locked' })
  await (await fetch(`${b.trafficUrl}/locked`)).arrayBuffer()
  await waitForExchanges(a, 2)
  await waitForExchanges(b, 1)
  const out: string[] = []
  const cli: CliIO = { env: {}, stdout: (s) => { out.push(s) }, stderr: () => {} }
  const code = await report(['--format', 'json', '--admin', a.adminUrl, '--admin', b.adminUrl], cli)
  const merged = JSON.parse(out.join('')) as FleetReport
  t.ok(code === 0 || code === 1, 'the merge ran')
  t.same(merged.protocols, { h2c: 2, 'http/1.1': 1 })
  const finding = merged.findings.find((f) => f.rule === 'www-authenticate-missing')
  t.same(finding?.protocols?.slice().sort(), ['h2c', 'http/1.1'])
  t.equal(finding?.count, 3)
})
