// The real-server helper itself: nginx and apache2 start on a free loopback port in front of the
// echo upstream, forward a request, and stop by PID.
import t from 'tap'
import { startEchoUpstream, valuesOf } from '../helpers/echo-upstream.js'
import { hasApache, hasNginx, startApache, startNginx } from '../helpers/real-servers.js'

t.test('nginx proxies to the echo upstream and stops', { skip: hasNginx() ? false : 'nginx is not installed at /usr/sbin/nginx' }, async (t) => {
  const upstream = await startEchoUpstream()
  t.teardown(upstream.close)
  const nginx = await startNginx('server { listen {{LISTEN}}; location / { proxy_pass {{UPSTREAM}}; } }', { upstream: upstream.url, t })
  const res = await fetch(`${nginx.url}/x`, { headers: { 'x-probe': 'one' } })
  t.equal(res.status, 200)
  t.same(valuesOf(upstream.received[0], 'x-probe'), ['one'])
  await nginx.stop()
  let alive = true
  try { process.kill(nginx.pid, 0) } catch { alive = false }
  t.equal(alive, false, 'the nginx master is gone after stop()')
})

t.test('apache proxies to the echo upstream and stops', { skip: hasApache() ? false : 'apache2 is not installed' }, async (t) => {
  const upstream = await startEchoUpstream()
  t.teardown(upstream.close)
  const apache = await startApache('<VirtualHost {{LISTEN}}>\n ProxyPass / {{UPSTREAM}}/\n</VirtualHost>', { upstream: upstream.url, t })
  const res = await fetch(`${apache.url}/x`, { headers: { 'x-probe': 'two' } })
  t.equal(res.status, 200)
  t.same(valuesOf(upstream.received[0], 'x-probe'), ['two'])
  await apache.stop()
  let alive = true
  try { process.kill(apache.pid, 0) } catch { alive = false }
  t.equal(alive, false, 'the apache parent is gone after stop()')
})

t.test('a broken config is reported with the server log, not a hang', { skip: hasNginx() ? false : 'nginx is not installed' }, async (t) => {
  await t.rejects(startNginx('server { listen {{LISTEN}}; bogus_directive on; }'), /did not accept connections/)
})
