// The leaks a user found, one case each: a token in a position a denylist missed (`<token>
// Bearer`, X-Forwarded-Access-Token, a nameless cookie, a query part without `=`, a Location
// with userinfo or `;jsessionid=`, tokens in paths, Set-Cookie and WWW-Authenticate oddities, a
// token as a header name or in a context header). Each is sent through a real hopwatch to a real
// upstream; the token must not appear in any output (logs at trace, every admin route and format).
import t from 'tap'
import { randomBytes } from 'node:crypto'
import { startEchoUpstream } from '../helpers/echo-upstream.js'
import { rawRequest, startHopwatch, waitForExchanges } from '../helpers/hopwatch.js'
import { everyOutput } from '../helpers/outputs.js'

/** A fresh random token: `Tk` and 32 base64url characters (it starts with a letter, like a scheme word). */
const token = (): string => `Tk${randomBytes(24).toString('base64url')}`
const hex = (): string => randomBytes(20).toString('hex')

interface Case {
  name: string
  secret: string
  /** Request header lines (besides Host) and target. */
  target?: string
  headers?: string[]
  /** Response headers the upstream answers with. */
  answer?: Record<string, string | string[]>
  status?: number
}

function cases (): Case[] {
  const c: Case[] = []
  const add = (name: string, make: (secret: string) => Omit<Case, 'name' | 'secret'>, secret = token()): void => {
    c.push({ name, secret, ...make(secret) })
  }
  add('Authorization: <token> Bearer', (s) => ({ headers: [`Authorization: ${s} Bearer`] }))
  add('Authorization: <token> <token>', (s) => ({ headers: [`Authorization: ${s} x`] }))
  add('Proxy-Authorization: <token> Basic', (s) => ({ headers: [`Proxy-Authorization: ${s} Basic`] }))
  add('X-Forwarded-Access-Token (oauth2-proxy)', (s) => ({ headers: [`X-Forwarded-Access-Token: ${s}`] }))
  add('X-Forwarded-Id-Token', (s) => ({ headers: [`X-Forwarded-Id-Token: ${s}`] }))
  add('X-Envoy-Peer-Metadata', (s) => ({ headers: [`X-Envoy-Peer-Metadata: ${s}`] }))
  add('X-Forwarded-Client-Cert', (s) => ({ headers: [`X-Forwarded-Client-Cert: Hash=${s};Subject="CN=x"`] }))
  add('User-Agent with a key', (s) => ({ headers: [`User-Agent: myapp/1.0 key=${s}`] }))
  add('User-Agent that is a token', (s) => ({ headers: [`User-Agent: ${s}`] }))
  add('X-Request-Id that is a token', (s) => ({ headers: [`X-Request-Id: ${s}`] }))
  add('Host that is a token', (s) => ({ headers: [`Host: ${s}`] }))
  add('X-Forwarded-Host label', (s) => ({ headers: [`X-Forwarded-Host: ${s}.example.test`] }), hex())
  add('X-Forwarded-For with a token', (s) => ({ headers: [`X-Forwarded-For: 10.0.0.1, ${s}`] }))
  add('Forwarded with a token', (s) => ({ headers: [`Forwarded: for=10.0.0.1;secret=${s}`] }))
  add('Via received-by', (s) => ({ headers: [`Via: 1.1 ${s}`] }), hex())
  add('Via comment', (s) => ({ headers: [`Via: 1.1 proxy (${s})`] }))
  add('Connection naming a token', (s) => ({ headers: [`Connection: keep-alive, ${s}`] }))
  add('a header name that is a token', (s) => ({ headers: [`${s}: 1`] }))
  add('nameless cookie', (s) => ({ headers: [`Cookie: ${s}`] }))
  add('nameless cookie after a named one', (s) => ({ headers: [`Cookie: a=1; ${s}`] }))
  add('cookie name that is a token', (s) => ({ headers: [`Cookie: ${s}=1`] }))
  add('query part without =', (s) => ({ target: `/q?${s}` }))
  add('query part without = after a pair', (s) => ({ target: `/q?a=1&${s}` }))
  add('query name that is a token', (s) => ({ target: `/q?${s}=1` }))
  add('path /reset/<token>', (s) => ({ target: `/reset/${s}` }))
  add('path /invite/<base64url>', (s) => ({ target: `/invite/${s}` }))
  add('path /download/<signed blob>', (s) => ({ target: `/download/${s}.${token()}?sig=1` }))
  add('path /x/<hex>', (s) => ({ target: `/x/${s}/y` }), hex())
  add('path ;jsessionid=', (s) => ({ target: `/app;jsessionid=${s}` }))
  add('Location userinfo password', (s) => ({ status: 302, answer: { location: `https://user:${s}@idp.example.test/` } }))
  add('Location ;jsessionid=', (s) => ({ status: 302, answer: { location: `/cb;jsessionid=${s}` } }))
  add('Location token in the path', (s) => ({ status: 302, answer: { location: `https://idp.example.test/reset/${s}` } }))
  add('Location query part without =', (s) => ({ status: 302, answer: { location: `/cb?${s}` } }))
  add('Location fragment', (s) => ({ status: 302, answer: { location: `/cb#${s}` } }))
  add('Location host label', (s) => ({ status: 302, answer: { location: `https://${s}.example.test/` } }), hex())
  add('Set-Cookie nameless', (s) => ({ answer: { 'set-cookie': s } }))
  add('Set-Cookie unknown attribute', (s) => ({ answer: { 'set-cookie': `sid=1; ${s}` } }))
  add('Set-Cookie attribute value', (s) => ({ answer: { 'set-cookie': `sid=1; Path=/p/${s}; Domain=${hex()}.example.test` } }))
  add('Set-Cookie name that is a token', (s) => ({ answer: { 'set-cookie': `${s}=1` } }))
  add('WWW-Authenticate scheme that is a token', (s) => ({ status: 401, answer: { 'www-authenticate': s } }))
  add('WWW-Authenticate bare token after params', (s) => ({ status: 401, answer: { 'www-authenticate': `Bearer realm="r", ${s}` } }))
  add('WWW-Authenticate realm', (s) => ({ status: 401, answer: { 'www-authenticate': `Bearer realm="${s}"` } }))
  add('WWW-Authenticate error', (s) => ({ status: 401, answer: { 'www-authenticate': `Bearer error="${s}"` } }))
  add('WWW-Authenticate error_description', (s) => ({ status: 401, answer: { 'www-authenticate': `Bearer error="invalid_token", error_description="token ${s} expired"` } }))
  add('Proxy-Authenticate scheme', (s) => ({ status: 407, answer: { 'proxy-authenticate': `${s} realm="r"` } }))
  add('Date that is a token', (s) => ({ answer: { date: s } }))
  add('Retry-After that is a token', (s) => ({ status: 429, answer: { 'retry-after': s } }))
  return c
}

t.test('no token placed where a denylist would miss it reaches any output', async (t) => {
  const all = cases()
  const up = await startEchoUpstream((req, res) => {
    const index = Number(req.headers['x-case'])
    const which = all[index]
    res.writeHead(which?.status ?? 200, which?.answer ?? {})
    res.end('ok')
  })
  const hw = await startHopwatch(up.url, ['--log-level', 'trace'])
  t.teardown(async () => { await hw.close(); await up.close() })

  for (const [index, which] of all.entries()) {
    const lines = which.headers ?? []
    const host = lines.some((l) => l.toLowerCase().startsWith('host:')) ? [] : ['Host: app.example.test']
    const request = [`GET ${which.target ?? '/'} HTTP/1.1`, ...host, ...lines, `X-Case: ${index}`, 'Connection: close', '', ''].join('\r\n')
    const answer = await rawRequest(hw.trafficUrl, request)
    t.match(answer, /^HTTP\/1\.1 \d{3}/, `${which.name}: answered`)
  }
  await waitForExchanges(hw, all.length, 10_000)
  const output = await everyOutput(hw)
  t.ok(output.length > 10_000, 'there is output to search')
  for (const which of all) {
    // A leak is reported by the case's name, never by the secret.
    t.notOk(output.includes(which.secret), `${which.name}: the token appears nowhere`)
  }
  // Evidence is still there: the request and answer shapes, by name.
  t.match(output, /\/reset\/:(?:id|token)/, 'the token-bearing route is shown folded')
  t.match(output, /X-Forwarded-Access-Token/, 'header names that read like words are kept')
})
