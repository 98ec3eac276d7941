// The safe shapes, as tables: what is shown raw (it reads like words, or has a header's known
// format) and what is folded. The allowlists are checked against the names the diagnosis needs.
import t from 'tap'
import { randomBytes } from 'node:crypto'
import { isWordLike } from '../../src/capture/words.js'
import { foldHost, queryNames, redactUrl } from '../../src/capture/url.js'
import { contextHeaderNames, shownContextValue } from '../../src/capture/context.js'
import { contextOf, requestContext, shownHeaderName } from '../../src/capture/request.js'
import { createHasher, fingerprint, cookiesOf } from '../../src/capture/fingerprint.js'
import { BUILTIN_CREDENTIAL_HEADERS } from '../../src/capture/credential-names.js'
import { parseChallenges, parseSetCookies } from '../../src/capture/response.js'
import { foldPath, routeOf } from '../../src/capture/routes.js'
import { SIGNATURES } from '../../src/diagnose/layers/signatures.js'
import { VALUE_HEADERS } from '../../src/diagnose/view.js'

const hash = createHasher('shapes')

t.test('word-like: names and segments people write pass, random tokens do not', async (t) => {
  const words = ['users', 'api', 'v2', 'oauth2', 'password-reset', 'getUserById', 'X-Forwarded-For', 'X_Custom_Token',
    'JSESSIONID', 'connect.sid', '__Host-session', 'XSRF-TOKEN', 'next-auth.session-token', 'favicon.ico', 'index.html',
    'openid-configuration', 'internationalization', 'Sec-CH-UA-Platform', 'X-Amzn-Trace-Id', 'r1999', 'v1.2.3', 'csrf_token']
  for (const w of words) t.ok(isWordLike(w), w)
  const tokens = ['AbCdEf123456GhIjKl7890', 'x7Gk2pQ9', '9f8e7d6c5b4a39281706', 'eyJhbGciOiJIUzI1NiJ9', 'dGhpcyBpcyBhIHRva2Vu',
    'a1b2c3d4', 'k3j4h5g6f7d8s9a0', 'sk_live_51HxYzAbCdEfGh', '2024-01-05', '', 'a'.repeat(65)]
  for (const w of tokens) t.notOk(isWordLike(w), `token ${JSON.stringify(w.slice(0, 20))}`)
  let passed = 0
  for (let i = 0; i < 2000; i++) if (isWordLike(randomBytes(24).toString('base64url'))) passed++
  t.equal(passed, 0, 'no random 32-character base64url token of 2000 reads like words')
})

t.test('every header name the diagnosis or the context reads is shown by name', async (t) => {
  const names = [...BUILTIN_CREDENTIAL_HEADERS, ...VALUE_HEADERS, ...contextHeaderNames(), 'X-Real-Ip']
  for (const s of SIGNATURES) names.push(...s.strong, ...s.weak)
  for (const name of names) t.equal(shownHeaderName(name), name, name)
  t.equal(shownHeaderName(randomBytes(24).toString('base64url')), '(other)')
})

t.test('context headers: exact names, no credential-looking one, values of a known shape', async (t) => {
  const CREDENTIAL_LIKE = /token|secret|auth|key|session|password|jwt|signature|cookie|cert|email|identity/
  for (const name of contextHeaderNames()) t.notMatch(name, CREDENTIAL_LIKE, `${name} does not look like a credential`)
  const ctx = contextOf(['X-Forwarded-Access-Token', 'tok', 'X-Forwarded-User', 'u', 'X-Envoy-Peer-Metadata', 'm', 'X-Amzn-Oidc-Identity', 'i'])
  t.same(ctx, {}, 'credential-like prefixed headers are not context')
  const cases: Array<[string, string, string]> = [
    ['x-forwarded-for', '203.0.113.7, 10.0.0.1', '203.0.113.7, 10.0.0.1'],
    ['x-forwarded-for', '2001:db8::1, unknown', '2001:db8::1, unknown'],
    ['x-forwarded-for', 'deadbeefcafebabe1234', '(not shown, 20 bytes)'],
    ['host', 'app.example.test:8080', 'app.example.test:8080'],
    ['host', 'd1a2b3c4e5f6g7.cloudfront.net', '*.cloudfront.net'],
    ['via', '1.1 2e8e4f5c8b2b1a3d7c8d9e0f1a2b3c4d.cloudfront.net (CloudFront), 1.1 varnish (Varnish/7.1)', '1.1 *.cloudfront.net (CloudFront), 1.1 varnish (Varnish/7.1)'],
    ['via', '1.1 proxy (Zk3J9sLmQ2Xv8Rt4Wq7Yb1Nc)', '1.1 proxy (…)'],
    ['forwarded', 'for=192.0.2.60;proto=https;by=203.0.113.43;host=api.example.test', 'for=192.0.2.60;proto=https;by=203.0.113.43;host=api.example.test'],
    ['forwarded', 'for=10.0.0.1;secret=abc', 'for=10.0.0.1;…'],
    ['connection', 'keep-alive, Authorization', 'keep-alive, Authorization'],
    ['connection', 'close, Zk3J9sLmQ2Xv8Rt4Wq7Yb1Nc', 'close, …'],
    ['cdn-loop', 'cloudflare; loops=1', 'cloudflare; loops=1'],
    ['user-agent', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36'],
    ['user-agent', 'curl/8.5.0', 'curl/8.5.0'],
    ['user-agent', 'myapp/1.0 key=Zk3J9sLmQ2Xv8Rt4Wq7Yb1Nc', '(not shown, 38 bytes)'],
    ['x-request-id', '3f1d2c3a-8b9c-4d5e-9f00-112233445566', '3f1d2c3a-8b9c-4d5e-9f00-112233445566'],
    ['x-request-id', 'Zk3J9sLmQ2Xv8Rt4Wq7Yb1Nc', '(not shown, 24 bytes)'],
    ['traceparent', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'],
    ['cf-visitor', '{"scheme":"https"}', '{"scheme":"https"}'],
    ['x-forwarded-prefix', '/t/ZkJsLmQXvRtWqYbNcPaHyU/app', '/t/:token/app']
  ]
  for (const [key, value, shown] of cases) t.equal(shownContextValue(key, value), shown, `${key}: ${value.slice(0, 30)}`)
  t.same(requestContext(['Zk3J9sLmQ2Xv8Rt4Wq7Yb1Nc', 'v', 'X-Api-Key', 'k']).headerNames, ['(other)', 'X-Api-Key'])
})

t.test('Authorization: the scheme is a known word or (other) with its length', async (t) => {
  const token = 'Zk3J9sLmQ2Xv8Rt4Wq7Yb1Nc'
  const reversed = fingerprint('authorization', `${token} Bearer`, hash)
  t.equal(reversed.scheme, '(other)')
  t.equal(reversed.schemeLength, token.length)
  t.notOk(JSON.stringify(reversed).includes(token))
  for (const scheme of ['Bearer', 'basic', 'DPoP', 'AWS4-HMAC-SHA256', 'Negotiate', 'SCRAM-SHA-256', 'vapid', 'Token', 'ApiKey', 'OAuth', 'Hawk']) {
    t.equal(fingerprint('proxy-authorization', `${scheme} x`, hash).scheme, scheme, scheme)
  }
  t.equal(fingerprint('authorization', 'Bearer', hash).shape.emptyToken, true, 'a known scheme alone has an empty token')
})

t.test('cookies: a nameless cookie is a value, an odd name is (other)', async (t) => {
  t.same(cookiesOf('abc123secret', hash).map((c) => c.name), ['(none)'])
  t.same(cookiesOf('a=1; rawsecret', hash).map((c) => c.name), ['a', '(none)'])
  t.same(cookiesOf('Zk3J9sLmQ2Xv8Rt4Wq7Yb1Nc=1; sid=2', hash).map((c) => c.name), ['(other)', 'sid'])
  t.equal(cookiesOf('a=1; rawsecret', hash)[1]?.hash, hash('rawsecret'), 'the nameless value is hashed like any value')
})

t.test('query: a part without = is a value; odd names are folded', async (t) => {
  t.same(queryNames('secrettoken'), ['…'])
  t.same(queryNames('a=1&secret'), ['a', '…'])
  t.same(queryNames('access_token=x&page%5Bsize%5D=2&ids[]=1&Zk3J9sLmQ2Xv8Rt4Wq7Yb1Nc=1'), ['access_token', 'page[size]', 'ids[]', '…'])
})

t.test('paths: high-entropy segments fold everywhere, words and ids as before', async (t) => {
  const cases: Array<[string, string]> = [
    ['/reset/Zk3J9sLmQ2Xv8Rt4Wq7Yb1Nc', '/reset/:id'],
    ['/reset/ZkJsLmQXvRtWqYbNcPaHyU', '/reset/:token'],
    ['/invite/eyJpbnZpdGUiOiJ4In0', '/invite/:token'],
    ['/download/Zk3J9sLm.Q2Xv8Rt4-Wq7Yb1Nc_x', '/download/:id'],
    ['/download/ZkJsLm.QXvRt-WqYbNc_xPa', '/download/:token'],
    ['/app;jsessionid=ABC123', '/app;…'],
    ['/users/42/orders', '/users/:id/orders'],
    ['/static/main.css', '/static/main.css'],
    ['/a/./b/../c', '/a/./b/../c']
  ]
  for (const [path, folded] of cases) {
    t.equal(foldPath(path), folded, path)
    t.equal(foldPath(folded), folded, `${folded} folds to itself`)
    t.equal(routeOf(path), folded, `route of ${path}`)
  }
})

t.test('Location: userinfo, path params, query values, fragment and token segments hidden', async (t) => {
  const cases: Array<[string, string]> = [
    ['https://user:pass@idp.example.test/', 'https://…@idp.example.test/'],
    ['/cb;jsessionid=ABC?code=x&state=y#access_token=z', '/cb;…?code=…&state=…#…'],
    ['https://idp.example.test/reset/Zk3J9sLmQ2Xv8Rt4Wq7Yb1Nc?secret', 'https://idp.example.test/reset/:id?…'],
    ['https://d1a2b3c4e5f6g7.cloudfront.net:8443/x', 'https://*.cloudfront.net:8443/x'],
    ['//other.example.test/a', '//other.example.test/a'],
    ['javascript:alert(1)', '…']
  ]
  for (const [value, shown] of cases) t.equal(redactUrl(value), shown, value)
  t.equal(foldHost('user:pw@host'), null, 'not a host')
})

t.test('challenges and Set-Cookie: known words only', async (t) => {
  const token = 'Zk3J9sLmQ2Xv8Rt4Wq7Yb1Nc'
  const challenges = parseChallenges([token, `Bearer realm="${token}", error="${token}", error_description="x ${token}"`, 'Bearer realm="api", error="invalid_token"'])
  t.same(challenges.map((c) => [c.scheme, c.realm, c.error]), [['(other)', null, null], ['Bearer', '…', '…'], ['Bearer', 'api', 'invalid_token']])
  const cookies = parseSetCookies([token, `sid=${token}; ${token}; Path=/p/${token}; Domain=.example.test; SameSite=Lax; Max-Age=60`, `${token}=1`])
  t.same(cookies, [
    { name: '(none)', attributes: [] },
    { name: 'sid', attributes: ['(other)', 'Path=/p/:id', 'Domain=.example.test', 'SameSite=Lax', 'Max-Age=60'] },
    { name: '(other)', attributes: [] }
  ])
})
