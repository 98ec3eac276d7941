// What nginx-proxy-buffer-too-small's default-buffer message states, measured on real nginx:
// with the default proxy_buffer_size (one memory page) an upstream answer whose Set-Cookie headers
// total about 3 KB passes, about 6 KB (a Keycloak login's session cookies and tokens) is a 502,
// and `proxy_buffer_size 16k` with `proxy_buffers 8 16k` lets it through (16k alone is refused at
// start: proxy_busy_buffers_size would exceed the default proxy_buffers). Cookie values are filler.
import t, { type Test } from 'tap'
import { startEchoUpstream } from '../helpers/echo-upstream.js'
import { hasNginx, startNginx } from '../helpers/real-servers.js'

const COOKIE_NAMES = ['KEYCLOAK_IDENTITY', 'KEYCLOAK_SESSION', 'AUTH_SESSION_ID']

async function statusFor (totalCookieBytes: number, bufferLine: string, t: Test): Promise<number> {
  const per = Math.floor(totalCookieBytes / COOKIE_NAMES.length)
  const upstream = await startEchoUpstream((_req, res) => {
    res.writeHead(200, { 'set-cookie': COOKIE_NAMES.map((n) => `${n}=${'k'.repeat(per)}; Path=/; HttpOnly`), 'content-type': 'text/plain' })
    res.end('ok')
  })
  t.teardown(upstream.close)
  const nginx = await startNginx(`server { listen {{LISTEN}}; location / { ${bufferLine} proxy_pass {{UPSTREAM}}; } }`, { upstream: upstream.url, t })
  const res = await fetch(`${nginx.url}/realms/demo/login`)
  await res.arrayBuffer()
  await nginx.stop()
  return res.status
}

t.test('default proxy_buffer_size: ~3 KB of Set-Cookie passes, ~6 KB is a 502; 16k passes', { skip: hasNginx() ? false : 'nginx is not installed' }, async (t) => {
  t.equal(await statusFor(3_000, '', t), 200, '3 KB of cookies fit the default buffer')
  t.equal(await statusFor(6_000, '', t), 502, '6 KB of cookies: upstream sent too big header')
  t.equal(await statusFor(6_000, 'proxy_buffer_size 16k; proxy_buffers 8 16k; proxy_busy_buffers_size 32k;', t), 200, 'proxy_buffer_size 16k (with proxy_buffers to match) lets them through')
})
