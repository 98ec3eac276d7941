// Edge + origin pairing behind real nginx and apache2: definitive verdicts with real traffic,
// the stamp removed before the app, a dropped stamp reported and a safe fallback.
import t from 'tap'
import { request } from 'undici'
import { hasApache, hasNginx, startApache, startNginx } from '../helpers/real-servers.js'
import { createPairing, PAIR_HEADER } from '../../src/pairing/pairing.js'
import { startPairHarness } from './pair-harness.js'

const nginxConf = (extra = '') => `server { listen {{LISTEN}}; location / { ${extra} proxy_pass {{UPSTREAM}}; } }`
const send = async (url: string, headers: string[]): Promise<number> => {
  const res = await request(url, { headers, signal: AbortSignal.timeout(5_000) })
  await res.body.text()
  return res.statusCode
}
const verdicts = (r: { headers: Array<{ name: string, verdict: string, how: string | null }> } | undefined) =>
  Object.fromEntries((r?.headers ?? []).map((h) => [h.name, h.how === null ? h.verdict : `${h.verdict}:${h.how}`]))

t.test('nginx between the taps', { skip: hasNginx() ? false : 'nginx is not installed' }, async (t) => {
  t.test('control: intact, certain, stamp never reaches the app', async (t) => {
    const h = await startPairHarness()
    t.teardown(h.close)
    const nginx = await startNginx(nginxConf(), { upstream: h.originUrl, t })
    h.setEdgeUpstream(nginx.url)
    t.equal(await send(`${h.edgeUrl}/api`, ['Authorization', 'Bearer synthetic-a', 'Cookie', 'a=1; b=2']), 200)
    t.equal(h.results.length, 1)
    t.equal(h.results[0]?.confidence, 'certain')
    t.same(verdicts(h.results[0]), { Authorization: 'intact', Cookie: 'intact' })
    t.same(h.results[0]?.findings, [])
    t.notOk(h.appNames.flat().some((n) => n.toLowerCase() === PAIR_HEADER.toLowerCase()), 'the stamp is removed before the app')
  })

  t.test('proxy_set_header Authorization "": dropped, certain, counted', async (t) => {
    const h = await startPairHarness()
    t.teardown(h.close)
    const nginx = await startNginx(nginxConf('proxy_set_header Authorization "";'), { upstream: h.originUrl, t })
    h.setEdgeUpstream(nginx.url)
    await send(h.edgeUrl, ['Authorization', 'Bearer synthetic-a', 'X_Api_Key', 'synthetic-k', 'X-Api-Key', 'synthetic-k'])
    t.same(verdicts(h.results[0]), { Authorization: 'dropped', 'X-Api-Key': 'intact' })
    t.equal(h.results[0]?.findings[0]?.confidence, 'certain')
    t.equal(h.results[0]?.findings[0]?.severity, 'error')
    t.same(h.pairing.counts().perHeader.authorization, { intact: 0, dropped: 1, modified: 0, renamed: 0, added: 0 })
  })

  t.test('a layer that drops the stamp: reported, and a unique route pairs as likely', async (t) => {
    const h = await startPairHarness()
    t.teardown(h.close)
    const nginx = await startNginx(nginxConf(`proxy_set_header ${PAIR_HEADER} "";`), { upstream: h.originUrl, t })
    h.setEdgeUpstream(nginx.url)
    await send(`${h.edgeUrl}/only`, ['Authorization', 'Bearer synthetic-a'])
    t.equal(h.pairing.counts().stampMissing, 1)
    t.equal(h.results[0]?.confidence, 'likely')
    t.same(verdicts(h.results[0]), { Authorization: 'intact' })
  })
})

t.test('apache between the taps joins duplicate Authorization lines', { skip: hasApache() ? false : 'apache2 is not installed' }, async (t) => {
  const h = await startPairHarness()
  t.teardown(h.close)
  const apache = await startApache(`<VirtualHost {{LISTEN}}>\n  ProxyPass / {{UPSTREAM}}/\n</VirtualHost>`, { upstream: h.originUrl, t })
  h.setEdgeUpstream(apache.url)
  await send(h.edgeUrl, ['Authorization', 'Bearer synthetic-a', 'Authorization', 'Bearer synthetic-b'])
  t.same(verdicts(h.results[0]), { Authorization: 'modified:joined' })
  t.equal(h.results[0]?.confidence, 'certain')
})

t.test('unit: forged stamps, ambiguous fallback, bounded waiting', async (t) => {
  let clock = 0
  const p = createPairing({ ttlMs: 1_000, maxPending: 2, now: () => clock })
  t.same(p.read(['X-Hopwatch-Pair', '0123456789abcdef.000000000000000000000000']), { id: null, status: 'forged' })
  t.same(p.read(['Host', 'x']), { id: null, status: 'missing' })
  const obs = { method: 'GET', path: '/same', arrived: [] }
  t.equal(p.observe('origin', null, obs), null)
  t.equal(p.observe('origin', null, obs), null)
  t.equal(p.observe('edge', p.stamp().id, obs), null, 'two anonymous candidates on one route: no guess')
  for (let i = 0; i < 5; i++) p.observe('edge', p.stamp().id, { ...obs, path: `/p${i}` })
  clock = 5_000
  p.observe('edge', p.stamp().id, obs)
  t.ok(p.counts().unpaired >= 5, 'old and surplus observations are forgotten and counted')
  const s = p.stamp()
  t.equal(p.read([s.name, s.value]).status, 'valid')
})
