// The probe behind real Apache httpd 2.4: pass-through control, RequestHeader unset and set.
import t from 'tap'
import { hasApache, startApache } from '../helpers/real-servers.js'
import { captureIO, cells, probeJson, startTapServer } from './tap-server.js'
import { probe } from '../../src/cli/probe.js'
import { APACHE_DEFAULTS, AUTHORIZATION_SHAPES, SECRET } from './expected.js'

const vhost = (extra = '') => `<VirtualHost {{LISTEN}}>
  ${extra}
  ProxyPass / {{UPSTREAM}}/
</VirtualHost>`

t.test('apache', { skip: hasApache() ? false : 'apache2 is not installed' }, async (t) => {
  const tap = await startTapServer(SECRET)
  t.teardown(tap.close)

  t.test('pass-through control: required shapes intact, limits as Apache defaults give them', async (t) => {
    const apache = await startApache(vhost(), { upstream: tap.url, t })
    const { code, json } = await probeJson([apache.url, '--hop', tap.url, '--probe-secret', SECRET])
    t.equal(code, 0)
    t.equal(json.hops[0]?.reached, true)
    t.equal(json.hops[0]?.server, 'Apache')
    t.same(cells(json, 0), APACHE_DEFAULTS)
    const named = json.losses.map((l) => `${l.name} ${l.shape} @${l.hop}`).sort()
    t.same(named, ['Authorization Bearer JWT 10 KB @1', 'Authorization nominated in Connection @1', 'Authorization two Authorization lines @1'])
  })

  t.test('RequestHeader unset Authorization drops it at hop 1', async (t) => {
    const apache = await startApache(vhost('RequestHeader unset Authorization'), { upstream: tap.url, t })
    const { code, json } = await probeJson([apache.url, '--hop', tap.url, '--probe-secret', SECRET])
    t.equal(code, 1)
    const hop1 = cells(json, 0)
    for (const shape of AUTHORIZATION_SHAPES) {
      const expected = APACHE_DEFAULTS[shape]?.startsWith('blocked') ? APACHE_DEFAULTS[shape] : 'dropped'
      t.equal(hop1[shape], expected, shape)
    }
    t.equal(hop1['X-Api-Key opaque token'], 'intact')
    const loss = json.losses.find((l) => l.shape === 'Bearer JWT 6 KB')
    t.equal(loss?.hop, 1)
    t.equal(loss?.verdict, 'dropped')
  })

  t.test('RequestHeader set Authorization replaces it', async (t) => {
    const apache = await startApache(vhost('RequestHeader set Authorization "Basic c3ludGhldGljOnZhbHVl"'), { upstream: tap.url, t })
    const { code, json } = await probeJson([apache.url, '--probe-secret', SECRET])
    t.equal(code, 1)
    const hop1 = cells(json, 0)
    t.equal(hop1['Authorization Bearer opaque'], 'modified:replaced')
    t.equal(hop1['Authorization Bearer JWT'], 'modified:replaced')
    t.equal(hop1['added Authorization'], 'added')
    const added = json.losses.find((l) => l.verdict === 'added')
    t.match(added?.fix, /`RequestHeader set Authorization \.\.\.`/, 'the fix names set, the directive seen')
  })

  t.test('RequestHeader add Authorization: the fix names add, the directive actually seen', async (t) => {
    const apache = await startApache(vhost('RequestHeader add Authorization "Basic c3ludGhldGljOnZhbHVl"'), { upstream: tap.url, t })
    const { code, json } = await probeJson([apache.url, '--probe-secret', SECRET])
    t.equal(code, 0, 'every required credential still arrives intact; the added line is reported, not counted')
    const hop1 = cells(json, 0)
    t.equal(hop1['Authorization Bearer opaque'], 'intact', "the client's line arrives beside the added one")
    t.equal(hop1['added Authorization'], 'added')
    const added = json.losses.find((l) => l.verdict === 'added')
    t.match(added?.fix, /`RequestHeader add Authorization \.\.\.`/)
    t.notMatch(added?.fix, /RequestHeader set/)
    const text = captureIO()
    await probe([apache.url, '--probe-secret', SECRET], text.io)
    t.match(text.out(), /fix: .*RequestHeader add Authorization/)
    t.notMatch(text.out(), /RequestHeader set/)
  })

  t.test('no canary ever reached the app', async (t) => {
    t.equal(tap.appSawSignedCanary(), 0)
  })
})
