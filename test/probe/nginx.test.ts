// The probe behind real nginx: pass-through control, a config that removes Authorization, one
// that replaces it, and the underscore fix. Each asserts verdicts, the hop named, the exit code.
import t from 'tap'
import { hasNginx, startNginx } from '../helpers/real-servers.js'
import { cells, probeJson, startTapServer } from './tap-server.js'
import { AUTHORIZATION_SHAPES, NGINX_DEFAULTS, SECRET } from './expected.js'

const proxy = (extra = '') => `server { listen {{LISTEN}}; ${extra} location / { proxy_pass {{UPSTREAM}}; } }`

t.test('nginx', { skip: hasNginx() ? false : 'nginx is not installed' }, async (t) => {
  const tap = await startTapServer(SECRET)
  t.teardown(tap.close)

  t.test('pass-through control: required shapes intact, limits as nginx defaults give them', async (t) => {
    const nginx = await startNginx(proxy(), { upstream: tap.url, t })
    const { code, json } = await probeJson([nginx.url, '--hop', tap.url, '--probe-secret', SECRET])
    t.equal(code, 0)
    t.equal(json.hops[0]?.reached, true)
    t.equal(json.hops[0]?.server, 'nginx')
    t.same(cells(json, 0), NGINX_DEFAULTS)
    t.same(new Set(Object.values(cells(json, 1))), new Set(['intact']), 'the tap itself gets everything')
    const named = json.losses.map((l) => `${l.name} ${l.shape} @${l.hop}`).sort()
    t.same(named, [
      'Authorization Bearer JWT 10 KB @1', 'Authorization two Authorization lines @1',
      'X_Api_Key underscore name @1', 'access_token underscore name @1'
    ])
    const strict = await probeJson([nginx.url, '--probe-secret', SECRET, '--require', 'all'])
    t.equal(strict.code, 1, 'with --require all the limits decide too')
  })

  t.test('proxy_set_header Authorization "" drops it at hop 1', async (t) => {
    const nginx = await startNginx(`server { listen {{LISTEN}}; location / { proxy_set_header Authorization ""; proxy_pass {{UPSTREAM}}; } }`, { upstream: tap.url, t })
    const { code, json } = await probeJson([nginx.url, '--hop', tap.url, '--probe-secret', SECRET])
    t.equal(code, 1)
    const hop1 = cells(json, 0)
    for (const shape of AUTHORIZATION_SHAPES) {
      const expected = NGINX_DEFAULTS[shape]?.startsWith('blocked') ? NGINX_DEFAULTS[shape] : 'dropped'
      t.equal(hop1[shape], expected, shape)
    }
    t.equal(hop1['Cookie three cookies'], 'intact')
    t.equal(cells(json, 1)['Authorization Bearer opaque'], 'intact')
    const loss = json.losses.find((l) => l.shape === 'Bearer opaque')
    t.equal(loss?.hop, 1)
    t.equal(loss?.verdict, 'dropped')
  })

  t.test('proxy_set_header Authorization "Bearer <fixed>" is replaced, and added where none was sent', async (t) => {
    const nginx = await startNginx(`server { listen {{LISTEN}}; location / { proxy_set_header Authorization "Bearer synthetic-service-token"; proxy_pass {{UPSTREAM}}; } }`, { upstream: tap.url, t })
    const { code, json } = await probeJson([nginx.url, '--probe-secret', SECRET])
    t.equal(code, 1)
    const hop1 = cells(json, 0)
    t.equal(hop1['Authorization Bearer opaque'], 'modified:replaced')
    t.equal(hop1['Authorization Basic'], 'modified:replaced')
    t.equal(hop1['added Authorization'], 'added', 'requests without Authorization got one')
    t.equal(json.losses.find((l) => l.shape === 'Basic' && l.name === 'Authorization')?.hop, 1)
  })

  t.test('underscores_in_headers on lets underscore names through', async (t) => {
    const nginx = await startNginx(proxy('underscores_in_headers on;'), { upstream: tap.url, t })
    const { code, json } = await probeJson([nginx.url, '--probe-secret', SECRET])
    t.equal(code, 0)
    t.equal(cells(json, 0)['X_Api_Key underscore name'], 'intact')
    t.equal(cells(json, 0)['access_token underscore name'], 'intact')
  })

  t.test('no canary ever reached the app', async (t) => {
    t.equal(tap.appSawSignedCanary(), 0)
  })
})
