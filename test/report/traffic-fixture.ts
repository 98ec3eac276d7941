// Real traffic for the HTML page tests: an upstream on port 0 that answers 401 under /admin with
// a hostile realm, a real hopwatch in front, and requests that carry known secret values, a
// hostile path and a hostile (but legal) header name. Tests then read the pages it produced.
import { startEchoUpstream, type EchoUpstream } from '../helpers/echo-upstream.js'
import { rawRequest, startHopwatch, waitForExchanges, type TestHopwatch } from '../helpers/hopwatch.js'

/** Values that must never appear in any page: each is sent through the proxy. */
export const SECRETS = {
  bearer: 'sEcReT-bearer-7f3a9c1e5d',
  apiKey: 'sEcReT-apikey-2b8d4f6a0c',
  cookie: 'sEcReT-cookie-9e1c3a5b7d',
  query: 'sEcReT-query-4d6f8a0b2c',
  jwtSignature: 'sEcReTjwtSignature0123456789abcdef'
}

const b64 = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url')
export const JWT = `${b64({ alg: 'HS256', typ: 'JWT', kid: 'k1' })}.${b64({ iss: 'https://issuer.test', aud: 'api', sub: 'user-42', exp: 4102444800 })}.${SECRETS.jwtSignature}`

/** Hostile values that reach the page through traffic; none may run or become markup. */
export const HOSTILE_PATH = '/x/<script>window.__pwned=1</script>'
export const HOSTILE_HEADER = "x-`'&|^!#$%*+-pwn"
export const HOSTILE_REALM = '"><img src=x onerror="window.__pwned=2">'
/** Layer headers are kept with their values (they are not secret): the way markup reaches a page. */
export const HOSTILE_VIA = '1.1 <script>window.__pwned=3</script>'
export const HOSTILE_FORWARDED_HOST = '"><img src=x onerror="window.__pwned=4">'

export interface Fixture {
  upstream: EchoUpstream
  hopwatch: TestHopwatch
  admin: string
  close: () => Promise<void>
}

export async function startFixture (): Promise<Fixture> {
  const upstream = await startEchoUpstream((req, res) => {
    if ((req.url ?? '').startsWith('/admin')) {
      res.writeHead(401, { 'www-authenticate': `Bearer realm="${HOSTILE_REALM.replace(/"/g, '\\"')}", error="invalid_token"` })
      res.end('{}')
      return
    }
    res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': 'session=fresh; Path=/; HttpOnly' })
    res.end('{"ok":true}')
  })
  const hopwatch = await startHopwatch(upstream.url, ['--log-level', 'silent'])
  const close = async (): Promise<void> => { await hopwatch.close(); await upstream.close() }
  try {
    const base = hopwatch.trafficUrl
    const send = async (path: string, headers: Record<string, string>): Promise<void> => {
      const res = await fetch(base + path, { headers, signal: AbortSignal.timeout(10_000) })
      await res.arrayBuffer()
    }
    await send('/api/profile', { authorization: `Bearer ${SECRETS.bearer}`, via: '1.1 varnish', 'x-varnish': '1234' })
    await send('/api/orders/1042', { authorization: `Bearer ${JWT}`, cookie: `session=${SECRETS.cookie}; theme=dark` })
    await send('/admin/stats', { authorization: `Bearer ${SECRETS.bearer}` })
    await send('/admin/users/77', {})
    await send(`/api/search?access_token=${SECRETS.query}&q=1`, { 'x-api-key': SECRETS.apiKey })
    const { host } = new URL(base)
    const answer = await rawRequest(base, `GET ${HOSTILE_PATH} HTTP/1.1\r\nHost: ${host}\r\nX-Api-Key: ${SECRETS.apiKey}\r\n${HOSTILE_HEADER}: 1\r\nVia: ${HOSTILE_VIA}\r\nX-Forwarded-Host: ${HOSTILE_FORWARDED_HOST}\r\nConnection: close\r\n\r\n`, 10_000)
    if (!answer.startsWith('HTTP/1.1 200')) throw new Error(`the hostile-path request was not proxied: ${answer.slice(0, 40)}`)
    await waitForExchanges(hopwatch, 6, 10_000)
    return { upstream, hopwatch, admin: hopwatch.adminUrl, close }
  } catch (err) {
    await close()
    throw err
  }
}

/** Every same-origin href in a page (relative to the admin), in order, once each. */
export function linksOf (html: string): string[] {
  const out: string[] = []
  for (const m of html.matchAll(/href="([^"]*)"/g)) {
    const href = (m[1] ?? '').replace(/&amp;/g, '&').replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#96;/g, '`')
    if (!out.includes(href)) out.push(href)
  }
  return out
}

/** True when any secret value (or its base64/URL-encoded form) is in `text`. */
export function leaks (text: string): string[] {
  return Object.entries(SECRETS).filter(([, v]) => text.includes(v) || text.includes(encodeURIComponent(v)) || text.includes(Buffer.from(v).toString('base64'))).map(([k]) => k)
}

/** HTML escaping written out again here, so the tests do not trust the code they test. */
export function escapeForTest (text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;').replace(/`/g, '&#96;')
}
