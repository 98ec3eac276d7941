// Layer recognition behind the real servers: curl -> HAProxy / Caddy / Varnish / Squid /
// lighttpd -> hopwatch -> app. Expected sightings (written from docs/layers.md before running):
// each server is named only on the evidence it leaves, and no other layer is blamed.
import t from 'tap'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { request } from 'undici'
import { startEchoUpstream } from '../helpers/echo-upstream.js'
import { startHopwatch, waitForExchanges } from '../helpers/hopwatch.js'
import { hasLayer, startLayer, type LayerOptions, type LayerServerName } from '../helpers/more-layers.js'
import type { Report } from '../../src/report/model.js'

const CASES: Array<{ name: LayerServerName; what: string; o?: Omit<LayerOptions, 'upstreamPort'>; expect: { id: string; confidence: string; evidence: RegExp } | null }> = [
  { name: 'haproxy', what: 'defaults: no evidence, not named', expect: null },
  { name: 'haproxy', what: 'option forwardfor', o: { directives: ['option forwardfor'] }, expect: { id: 'haproxy', confidence: 'likely', evidence: /lower case/ } },
  { name: 'caddy', what: 'defaults', expect: { id: 'caddy', confidence: 'likely', evidence: /Caddy reverse_proxy defaults/ } },
  { name: 'varnish', what: 'defaults', expect: { id: 'varnish', confidence: 'likely', evidence: /X-Varnish/ } },
  { name: 'squid', what: 'defaults', expect: { id: 'squid', confidence: 'likely', evidence: /squid/i } },
  { name: 'lighttpd', what: 'defaults', expect: { id: 'lighttpd', confidence: 'likely', evidence: /X-Host/ } }
]

for (const c of CASES) {
  t.test(`recognised behind ${c.name} (${c.what})`, { skip: hasLayer(c.name) ? false : `${c.name} is not installed` }, async (t) => {
    const app = await startEchoUpstream()
    const hw = await startHopwatch(app.url)
    t.teardown(async () => { await hw.close(); await app.close() })
    const layer = await startLayer(c.name, { ...c.o, upstreamPort: Number(new URL(hw.trafficUrl).port), t })
    // Asynchronously: hopwatch runs in this process and must answer while curl waits.
    const curl = await promisify(execFile)('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '--max-time', '10', '-H', 'Cookie: sid=recognition', `${layer.url}/api/orders/7`], { encoding: 'utf8', timeout: 15_000 })
    t.equal(curl.stdout, '200', 'curl got the app through the layer')
    await waitForExchanges(hw, 1)
    const report = await (await request(`${hw.adminUrl.replace(/\/$/, '')}/report`)).body.json() as Report
    const named = report.layers.filter((l) => l.confidence !== 'possible').map((l) => l.id)
    if (c.expect === null) {
      t.same(named, [], 'no layer named without evidence')
      return
    }
    const sighting = report.layers.find((l) => l.id === c.expect?.id)
    t.equal(sighting?.confidence, c.expect.confidence, `${c.expect.id} ${c.expect.confidence}`)
    t.match(sighting?.evidence.join(' | ') ?? '', c.expect.evidence, 'with its evidence')
    t.same(named, [c.expect.id], 'and no other layer named')
  })
}
