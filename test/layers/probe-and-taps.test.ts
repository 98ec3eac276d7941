// The probe and the edge + origin taps through HAProxy, Caddy, Varnish, Squid and lighttpd. The
// expected verdicts follow from the facts measured in defaults.test.ts (docs/layers.md), written
// down before these ran: a removal is `dropped`, a join `modified:joined`, a size limit
// `blocked:<status>`. The tap is a real `hopwatch serve --probe-secret` behind each server.
import t, { type Test } from 'tap'
import { request } from 'undici'
import { startEchoUpstream } from '../helpers/echo-upstream.js'
import { startHopwatch, waitForExchanges } from '../helpers/hopwatch.js'
import { freePort } from '../helpers/real-servers.js'
import { hasLayer, startLayer, type LayerOptions, type LayerServerName } from '../helpers/more-layers.js'
import { cells, probeJson } from '../probe/tap-server.js'
import { ALL_INTACT, AUTHORIZATION_SHAPES, SECRET } from '../probe/expected.js'
import type { Report } from '../../src/report/model.js'

const allAuthorization = (verdict: string): Record<string, string> => Object.fromEntries(AUTHORIZATION_SHAPES.map((s) => [s, verdict]))

const PROBE_TRUTH: Record<LayerServerName, { cells: Record<string, string>; code: number }> = {
  haproxy: { cells: ALL_INTACT, code: 0 },
  caddy: { cells: { ...ALL_INTACT, 'Proxy-Authorization Basic': 'dropped', 'Authorization nominated in Connection': 'dropped' }, code: 0 },
  varnish: { cells: { ...ALL_INTACT, 'Proxy-Authorization Basic': 'dropped', 'Authorization Bearer JWT 10 KB': 'blocked:400', 'Authorization nominated in Connection': 'blocked:400' }, code: 0 },
  squid: { cells: { ...ALL_INTACT, ...allAuthorization('dropped'), 'Proxy-Authorization Basic': 'dropped' }, code: 1 },
  lighttpd: { cells: { ...ALL_INTACT, 'Authorization Bearer JWT 10 KB': 'blocked:431', 'Authorization two Authorization lines': 'modified:joined' }, code: 0 }
}

async function sidecar (t: Test, args: string[]): Promise<Awaited<ReturnType<typeof startHopwatch>> & { appCount: () => number }> {
  const app = await startEchoUpstream()
  const hw = await startHopwatch(app.url, args)
  t.teardown(async () => { await hw.close(); await app.close() })
  return Object.assign(hw, { appCount: () => app.received.length })
}



for (const name of Object.keys(PROBE_TRUTH) as LayerServerName[]) {
  const truth = PROBE_TRUTH[name]
  t.test(`probe through ${name}`, { skip: hasLayer(name) ? false : `${name} is not installed` }, async (t) => {
    const hw = await sidecar(t, ['--probe-secret', SECRET])
    const layer = await startLayer(name, { upstreamPort: Number(new URL(hw.trafficUrl).port), t })
    const { code, json } = await probeJson([layer.url, '--hop', hw.trafficUrl, '--probe-secret', SECRET])
    t.same(cells(json, 0), truth.cells, `verdicts at ${name}`)
    t.equal(new Set(Object.values(cells(json, 1))).has('dropped'), false, 'the sidecar itself loses nothing')
    t.equal(code, truth.code, `exit ${truth.code}`)
    t.equal(hw.appCount(), 0, 'no canary reached the app')
  })
}

t.test('probe through squid with login=PASSTHRU: Authorization intact', { skip: hasLayer('squid') ? false : 'squid is not installed' }, async (t) => {
  const hw = await sidecar(t, ['--probe-secret', SECRET])
  const layer = await startLayer('squid', { upstreamPort: Number(new URL(hw.trafficUrl).port), peerOptions: 'login=PASSTHRU', t })
  const { code, json } = await probeJson([layer.url, '--probe-secret', SECRET])
  t.equal(cells(json, 0)['Authorization Bearer opaque'], 'intact')
  t.equal(code, 0)
})

/** Edge tap -> layer -> origin tap -> app, in one hopwatch; returns the report after one request. */
async function edgeOrigin (t: Test, name: LayerServerName, o: Omit<LayerOptions, 'upstreamPort'> = {}): Promise<Report> {
  // The sidecar first: Squid marks a peer that refuses its first connection dead for a while.
  const originPort = await freePort()
  const layerPort = await freePort()
  const hw = await sidecar(t, ['--listen', `127.0.0.1:${originPort}`, '--edge-listen', '127.0.0.1:0', '--edge-upstream', `http://127.0.0.1:${layerPort}`])
  await startLayer(name, { ...o, upstreamPort: originPort, port: layerPort, t })
  const res = await request(`${hw.edgeUrl as string}/api/x`, { headers: { authorization: 'Bearer edge-origin-token-0123', cookie: 'sid=edge-origin-cookie' } })
  await res.body.dump()
  await waitForExchanges(hw, 1)
  return await (await request(`${hw.adminUrl.replace(/\/$/, '')}/report`)).body.json() as Report
}

/**
 * `blamed`: the layer a certain finding names, with a clue of its fix. HAProxy without `option
 * forwardfor` leaves no evidence, so the loss is certain but the layer is unknown.
 */
const EDGE_TRUTH: Array<{ name: LayerServerName; what: string; o?: Omit<LayerOptions, 'upstreamPort'>; authorization: 'intact' | 'dropped'; blamed?: [string, RegExp] }> = [
  { name: 'haproxy', what: 'defaults', authorization: 'intact' },
  { name: 'haproxy', what: 'http-request del-header Authorization', o: { directives: ['http-request del-header Authorization'] }, authorization: 'dropped', blamed: ['unknown-proxy', /hopwatch probe/] },
  { name: 'haproxy', what: 'option forwardfor + del-header', o: { directives: ['option forwardfor', 'http-request del-header Authorization'] }, authorization: 'dropped', blamed: ['haproxy', /del-header/] },
  { name: 'caddy', what: 'defaults', authorization: 'intact' },
  { name: 'caddy', what: 'header_up -Authorization', o: { directives: ['header_up -Authorization'] }, authorization: 'dropped', blamed: ['caddy', /header_up -Authorization/] },
  { name: 'varnish', what: 'defaults', authorization: 'intact' },
  { name: 'varnish', what: 'unset req.http.Authorization', o: { directives: ['unset req.http.Authorization;'] }, authorization: 'dropped', blamed: ['varnish', /unset req\.http\.Authorization/] },
  { name: 'squid', what: 'defaults', authorization: 'dropped', blamed: ['squid', /login=PASSTHRU/] },
  { name: 'lighttpd', what: 'defaults', authorization: 'intact' }
]

for (const c of EDGE_TRUTH) {
  t.test(`edge + origin taps around ${c.name} (${c.what})`, { skip: hasLayer(c.name) ? false : `${c.name} is not installed` }, async (t) => {
    const report = await edgeOrigin(t, c.name, c.o)
    t.equal((report.pairing?.pairedCertain ?? 0) + (report.pairing?.pairedLikely ?? 0), 1, 'the two observations were paired')
    const auth = report.pairing?.perHeader.authorization
    t.equal(auth?.[c.authorization], 1, `Authorization ${c.authorization} between the taps`)
    t.equal(report.pairing?.perHeader.cookie?.intact, 1, 'Cookie intact')
    const changed = report.findings.filter((f) => f.rule === 'credential-changed-between-taps')
    if (c.authorization === 'dropped') {
      t.equal(changed[0]?.confidence, 'certain', 'a certain finding')
      t.equal(changed[0]?.severity, 'error')
      if (c.blamed !== undefined) {
        t.equal(changed[0]?.layer, c.blamed[0], `blamed on ${c.blamed[0]}`)
        t.match(changed[0]?.remediation ?? '', c.blamed[1], 'with the fix for that layer')
      }
    } else {
      t.same(changed, [], 'nothing flagged')
    }
    t.notOk(JSON.stringify(report).includes('edge-origin-token-0123'), 'no credential value in the report')
  })
}
