// Property-based tests: arbitrary input never throws out of the header parsing, fingerprinting,
// JWT decoding and config parsers, and never leaks the input's secret parts.
import t from 'tap'
import fc from 'fast-check'
import { createHasher, fingerprint, cookiesOf } from '../../src/capture/fingerprint.js'
import { decodeJwt } from '../../src/capture/jwt.js'
import { copyCredentialPairs, requestContext, seenHeaders } from '../../src/capture/request.js'
import { parseChallenges, parseSetCookies, redactUrl, summarizeResponse } from '../../src/capture/response.js'
import { BUILTIN_CREDENTIAL_HEADERS, credentialHeaderSet } from '../../src/capture/credential-names.js'
import { parseNginx } from '../../src/lint/nginx-parser.js'
import { parseApache } from '../../src/lint/apache-parser.js'
import { routeOf } from '../../src/capture/routes.js'

const hash = createHasher('property-key')
const RUNS = 300
// Secrets long and distinctive enough that a chance substring match is impossible.
const secret = fc.stringMatching(/^[A-Za-z0-9]{24,40}$/).map((s) => `Zq${s}`)
const anyText = fc.string({ unit: 'binary', maxLength: 300 })

t.test('fingerprint never throws and never contains the value, whatever the header', async (t) => {
  fc.assert(fc.property(fc.constantFrom(...BUILTIN_CREDENTIAL_HEADERS, 'x-custom'), anyText, (key, value) => {
    const fp = fingerprint(key, value, hash)
    return typeof fp.hash === 'string' && fp.length === Buffer.byteLength(value)
  }), { numRuns: RUNS * 3 })
  fc.assert(fc.property(fc.constantFrom('Bearer', 'Basic', 'bearer', 'Token', 'Digest'), secret, (scheme, token) => {
    const out = JSON.stringify(fingerprint('authorization', `${scheme} ${token}`, hash))
    return !out.includes(token)
  }), { numRuns: RUNS })
  t.pass('fingerprints hold for arbitrary input')
})

t.test('Basic: the password and the user name never appear', async (t) => {
  fc.assert(fc.property(secret, secret, (user, password) => {
    const value = 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64')
    const out = JSON.stringify(fingerprint('authorization', value, hash))
    return !out.includes(password) && !out.includes(user) && !out.includes(value.slice(6))
  }), { numRuns: RUNS })
  t.pass('Basic holds')
})

t.test('JWT decoding: arbitrary tokens never throw; signature and sub never kept', async (t) => {
  fc.assert(fc.property(anyText, (token) => { decodeJwt(token, hash); return true }), { numRuns: RUNS * 3 })
  fc.assert(fc.property(fc.json(), fc.json(), anyText, (h, p, sig) => {
    const b64 = (s: string): string => Buffer.from(s).toString('base64url')
    decodeJwt(`${b64(h)}.${b64(p)}.${b64(sig)}`, hash)
    return true
  }), { numRuns: RUNS })
  fc.assert(fc.property(secret, secret, (sub, sig) => {
    const b64 = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url')
    const token = `${b64({ alg: 'RS256' })}.${b64({ sub, iss: 'i', exp: 1 })}.${sig}`
    const out = JSON.stringify(fingerprint('authorization', `Bearer ${token}`, hash))
    return out.includes('"iss":"i"') && !out.includes(sub) && !out.includes(sig)
  }), { numRuns: RUNS })
  t.pass('JWT holds')
})

t.test('cookies: names kept, values never', async (t) => {
  // Names that read like words are kept (others are shown as `(other)`, see secrets-shapes.test.ts).
  const name = fc.constantFrom('sid', 'session', 'csrf_token', '__Host-id', 'JSESSIONID', 'connect.sid', '_ga', 'theme', 'lang', 'XSRF-TOKEN')
  fc.assert(fc.property(fc.array(fc.tuple(name, secret), { minLength: 1, maxLength: 30 }), (pairs) => {
    const header = pairs.map(([n, v]) => `${n}=${v}`).join('; ')
    const out = JSON.stringify(cookiesOf(header, hash))
    return pairs.every(([n, v]) => out.includes(n) && !out.includes(v))
  }), { numRuns: RUNS })
  fc.assert(fc.property(anyText, (value) => { cookiesOf(value, hash); return true }), { numRuns: RUNS })
  t.pass('cookies hold')
})

t.test('raw header scanning and request context never throw', async (t) => {
  const names = credentialHeaderSet(['X_Custom'])
  fc.assert(fc.property(fc.array(anyText, { maxLength: 60 }), (raw) => {
    const even = raw.length % 2 === 0 ? raw : raw.slice(0, -1)
    const pairs = copyCredentialPairs(even, names)
    seenHeaders(pairs, hash)
    requestContext(even)
    return pairs.length % 2 === 0
  }), { numRuns: RUNS })
  t.pass('scanning holds')
})

t.test('response parsing never throws; Set-Cookie values and Location query values never kept', async (t) => {
  fc.assert(fc.property(fc.array(anyText, { maxLength: 5 }), (values) => {
    parseChallenges(values)
    parseSetCookies(values)
    for (const v of values) redactUrl(v)
    summarizeResponse(401, { 'www-authenticate': values, 'set-cookie': values, location: values[0] }, 'upstream')
    return true
  }), { numRuns: RUNS })
  fc.assert(fc.property(secret, secret, (cookieValue, code) => {
    const out = JSON.stringify(summarizeResponse(302, { 'set-cookie': [`sid=${cookieValue}; Path=/; HttpOnly`], location: `https://idp.test/cb?code=${code}&state=${code}#access_token=${code}` }, 'upstream'))
    return !out.includes(cookieValue) && !out.includes(code) && out.includes('code=')
  }), { numRuns: RUNS })
  fc.assert(fc.property(secret, (token) => {
    // A Negotiate server token (token68) is never kept as a parameter name.
    return !JSON.stringify(parseChallenges([`Negotiate ${token}==`, `Bearer realm="r", ${token}="x"`])).includes(token)
  }), { numRuns: RUNS })
  t.pass('response parsing holds')
})

t.test('routes never throw on arbitrary paths', async (t) => {
  fc.assert(fc.property(anyText, (path) => typeof routeOf(path) === 'string'), { numRuns: RUNS })
  t.pass('routes hold')
})

t.test('NGINX and Apache parsers never throw; a literal credential is never echoed in a problem', async (t) => {
  const confText = fc.array(fc.oneof(anyText, fc.constantFrom('{', '}', ';', '"', "'", '\\', '#', '\n', '<Location />', '</Location>', '<VirtualHost *:80>', 'include x;', 'if ($a) {')), { maxLength: 80 }).map((parts) => parts.join(''))
  fc.assert(fc.property(confText, (text) => {
    parseNginx(text, 'fuzz.conf')
    parseApache(text, 'fuzz.conf')
    return true
  }), { numRuns: RUNS * 2 })
  fc.assert(fc.property(secret, (token) => {
    const nginx = parseNginx(`server { proxy_set_header Authorization "Bearer ${token}" \n location / { `, 'n.conf')
    const apache = parseApache(`<VirtualHost *:80>\nRequestHeader set Authorization "Bearer ${token}\n<Location>`, 'a.conf')
    return !JSON.stringify(nginx.problems).includes(token) && !JSON.stringify(apache.problems).includes(token)
  }), { numRuns: RUNS })
  t.pass('parsers hold')
})
