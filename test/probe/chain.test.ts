// A two-layer chain, nginx -> apache2 -> tap, probed at every entry: the hop named is the
// layer that loses the credential, and each layer's defaults show at its own hop.
import t from 'tap'
import { hasApache, hasNginx, startApache, startNginx } from '../helpers/real-servers.js'
import { cells, probeJson, startTapServer } from './tap-server.js'
import { APACHE_DEFAULTS, NGINX_DEFAULTS, SECRET } from './expected.js'

const nginxConf = `server { listen {{LISTEN}}; location / { proxy_pass {{UPSTREAM}}; } }`
const apacheConf = (extra = '') => `<VirtualHost {{LISTEN}}>
  ${extra}
  ProxyPass / {{UPSTREAM}}/
</VirtualHost>`

t.test('nginx -> apache2 -> tap', { skip: hasNginx() && hasApache() ? false : 'nginx or apache2 missing' }, async (t) => {
  const tap = await startTapServer(SECRET)
  t.teardown(tap.close)

  t.test('control: every hop gets what its own layers allow, exit 0', async (t) => {
    const apache = await startApache(apacheConf(), { upstream: tap.url, t })
    const nginx = await startNginx(nginxConf, { upstream: apache.url, t })
    const { code, json } = await probeJson([nginx.url, '--hop', apache.url, '--hop', tap.url, '--probe-secret', SECRET])
    t.equal(code, 0)
    t.same(json.hops.map((h) => h.reached), [true, true, true])
    t.same(cells(json, 1), APACHE_DEFAULTS)
    const outer = cells(json, 0)
    // nginx answers first: its blocks and drops win; it never forwards the client's Connection
    // list, so Apache has nothing to honour and Authorization passes the whole chain.
    t.equal(outer['Authorization two Authorization lines'], NGINX_DEFAULTS['Authorization two Authorization lines'])
    t.equal(outer['X_Api_Key underscore name'], 'dropped')
    t.equal(outer['Authorization nominated in Connection'], 'intact')
    const dup = json.losses.find((l) => l.shape === 'two Authorization lines')
    t.equal(dup?.hop, 1, 'nginx refuses the duplicate itself')
    t.same(json.losses.filter((l) => l.shape === 'two Authorization lines').map((l) => l.hop), [1, 2], 'and Apache joins it one hop deeper')
  })

  t.test('Apache behind nginx removes Authorization: hop 2 is named, exit 1', async (t) => {
    const apache = await startApache(apacheConf('RequestHeader unset Authorization'), { upstream: tap.url, t })
    const nginx = await startNginx(nginxConf, { upstream: apache.url, t })
    const { code, json } = await probeJson([nginx.url, '--hop', apache.url, '--hop', tap.url, '--probe-secret', SECRET])
    t.equal(code, 1)
    t.equal(cells(json, 0)['Authorization Bearer opaque'], 'dropped')
    t.equal(cells(json, 1)['Authorization Bearer opaque'], 'dropped')
    t.equal(cells(json, 2)['Authorization Bearer opaque'], 'intact')
    const loss = json.losses.filter((l) => l.shape === 'Bearer opaque')
    t.same(loss.map((l) => l.hop), [2], 'the loss is named at hop 2 (Apache), not at nginx')
    const oversize = json.losses.filter((l) => l.shape === 'Bearer JWT 10 KB').map((l) => l.hop)
    t.same(oversize, [1, 2], 'both layers refuse 10 KB themselves: both are named')
  })

  t.test('probing only the public entry still gives exit 1 and names hop 1', async (t) => {
    const apache = await startApache(apacheConf('RequestHeader unset Authorization'), { upstream: tap.url, t })
    const nginx = await startNginx(nginxConf, { upstream: apache.url, t })
    const { code, json } = await probeJson([nginx.url, '--probe-secret', SECRET])
    t.equal(code, 1)
    t.equal(json.losses.find((l) => l.shape === 'Basic' && l.name === 'Authorization')?.hop, 1)
  })

  t.test('no canary ever reached the app', async (t) => {
    t.equal(tap.appSawSignedCanary(), 0)
  })
})
