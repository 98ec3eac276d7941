// Property: random secrets (base64url, hex, printable ASCII; 32-48 characters) placed in every
// position a client, a layer or the upstream can put one never appear in any output of a real
// hopwatch: its log lines at `trace`, every admin route and format (JSON and text report, HTML,
// exchanges with their curl reproduction, metrics), and the error body of a 502.
//
// Hex secrets are never exactly 32 characters long: 32 hex digits is the published format of
// nginx's $request_id and of B3 and GCP trace ids, which hopwatch shows on purpose in those
// (non-secret) headers; see src/capture/context.ts. The length: names and path segments are
// judged by their shape (src/capture/words.ts), and a random base64url string of 24 characters
// reads like words once in ~30,000; from 32 on, too rarely to make this test flaky.
import t from 'tap'
import fc from 'fast-check'
import { request } from 'undici'
import { closedPort, startEchoUpstream } from '../helpers/echo-upstream.js'
import { rawRequest, startHopwatch, waitForExchanges, type TestHopwatch } from '../helpers/hopwatch.js'

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.split('')
const HEX = '0123456789abcdef'.split('')
const PRINTABLE = Array.from({ length: 0x7e - 0x21 + 1 }, (_, i) => String.fromCharCode(0x21 + i))
const RUNS = 120
const TIME_LIMIT_MS = 90_000

const from = (chars: string[], minLength = 32): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...chars), minLength, maxLength: 48 })
const b64 = from(B64URL)
const hex = from(HEX).filter((s) => s.length !== 32)
/** Where the syntax allows only token characters: names, path segments, host labels. */
const tokenish = fc.oneof(b64, hex)
/** Where any printable character may stand: header values. */
const anyValue = fc.oneof(b64, hex, from(PRINTABLE))

interface Placement {
  /** The request: target and header lines (without Host and Connection). */
  target: string
  headers: string[]
  /** What the upstream answers with. */
  status: number
  answer: Record<string, string[]>
  secrets: string[]
}

const quotedString = (s: string): string => `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`

const placement: fc.Arbitrary<Placement> = fc.record({
  auth: anyValue.filter((s) => !s.includes(' ')),
  authShape: fc.constantFrom('bearer', 'reversed', 'bare', 'two'),
  basic: anyValue,
  cookieValue: anyValue.map((s) => s.replace(/;/g, '')),
  cookieNameless: tokenish,
  cookieName: tokenish,
  apiKey: anyValue,
  context: fc.array(fc.tuple(fc.constantFrom('X-Forwarded-Host', 'X-Forwarded-For', 'X-Real-IP', 'Via', 'User-Agent', 'Forwarded',
    'CDN-Loop', 'X-Request-Id', 'Traceparent', 'CF-Ray', 'Cf-Visitor', 'X-Amzn-Trace-Id', 'X-Forwarded-Access-Token',
    'X-Forwarded-User', 'X-Forwarded-Email', 'X-Amzn-Oidc-Identity', 'X-Envoy-Peer-Metadata', 'X-Forwarded-Prefix', 'Connection-Token'), anyValue,
  fc.constantFrom('%s', '1.1 %s', '10.0.0.1, %s', 'for=%s', '%s.example.test', '/p/%s', 'curl/8.5.0 %s')), { minLength: 1, maxLength: 6 }),
  headerName: tokenish,
  segment: tokenish,
  pathParam: tokenish,
  queryValue: tokenish,
  queryBare: tokenish,
  queryName: tokenish,
  status: fc.constantFrom(200, 302, 401, 407),
  location: fc.tuple(tokenish, tokenish, tokenish, tokenish, tokenish, tokenish, hex),
  setCookie: fc.tuple(anyValue.map((s) => s.replace(/;/g, '')), tokenish, tokenish, tokenish),
  challenge: fc.tuple(tokenish, anyValue, tokenish, anyValue, tokenish)
}).map((p) => {
  const secrets: string[] = []
  const use = (s: string): string => { secrets.push(s); return s }
  const authValue = { bearer: `Bearer ${use(p.auth)}`, reversed: `${use(p.auth)} Bearer`, bare: use(p.auth), two: `${use(p.auth)} x` }[p.authShape]
  const headers = [
    `Authorization: ${authValue}`,
    `Proxy-Authorization: Basic ${use(p.basic)}`,
    `Cookie: sid=${use(p.cookieValue)}; ${use(p.cookieNameless)}; ${use(p.cookieName)}=1`,
    `X-Api-Key: ${use(p.apiKey)}`,
    `X-Auth-Token: ${p.apiKey}`,
    ...p.context.map(([name, value, shape]) => `${name}: ${shape.replace('%s', use(value))}`),
    `${use(p.headerName)}: 1`
  ]
  const target = `/reset/${use(p.segment)}/x;jsessionid=${use(p.pathParam)}?a=${use(p.queryValue)}&${use(p.queryBare)}&${use(p.queryName)}=1`
  const [user, pass, seg, param, code, frag, label] = p.location
  const [cookieValue, cookieNameless, cookieAttr, cookieName] = p.setCookie
  const [scheme, realm, error, description, token68] = p.challenge
  const answer: Record<string, string[]> = {
    'set-cookie': [`sid=${use(cookieValue)}; Path=/p/${use(cookieAttr)}; HttpOnly`, use(cookieNameless), `${use(cookieName)}=1; ${cookieAttr}`],
    'www-authenticate': [use(scheme), `Bearer realm=${quotedString(use(realm))}, error=${quotedString(use(error))}, error_description=${quotedString(use(description))}, ${token68}`, `Negotiate ${use(token68)}`],
    'proxy-authenticate': [`${scheme} realm="r"`],
    date: [realm.replace(/[^\x20-\x7e]/g, '')]
  }
  if (p.status === 302) {
    answer.location = [`https://${use(user)}:${use(pass)}@${use(label)}.example.test/p/${use(seg)};jsessionid=${use(param)}?code=${use(code)}&${code}#${use(frag)}`]
  }
  return { target, headers, status: p.status, answer, secrets }
})

/** What hopwatch shows of its latest exchange: new log lines and every admin route and format. */
async function outputsOf (hw: TestHopwatch, logsFrom: number): Promise<string> {
  const parts = hw.logs.slice(logsFrom)
  for (const route of ['/report', '/report?format=text', '/report.html', '/report/exchanges?limit=1', '/metrics']) {
    parts.push(await (await request(`${hw.adminUrl}${route}`)).body.text())
  }
  const latest = hw.store.list({ limit: 1 })[0]
  if (latest !== undefined) parts.push(await (await request(`${hw.adminUrl}/report/exchanges/${encodeURIComponent(latest.id)}`)).body.text())
  return parts.join('\n')
}

/** The secret, or a 16-character piece of either end of it, found in `text`. */
function leaked (text: string, secret: string): boolean {
  return text.includes(secret) || text.includes(secret.slice(0, 16)) || text.includes(secret.slice(-16))
}

t.test('random secrets in every position never reach any output', async (t) => {
  let current: Placement | null = null
  const up = await startEchoUpstream((_req, res) => {
    const answer = current
    res.writeHead(answer?.status ?? 200, answer?.answer ?? {})
    res.end('ok')
  })
  const dead = `http://127.0.0.1:${await closedPort()}`
  const hw = await startHopwatch(up.url, ['--log-level', 'trace'])
  const down = await startHopwatch(dead, ['--log-level', 'trace'])
  t.teardown(async () => { await hw.close(); await down.close(); await up.close() })

  let runs = 0
  let leaks = 0
  await fc.assert(fc.asyncProperty(placement, async (p) => {
    current = p
    runs++
    const text = [`GET ${p.target} HTTP/1.1`, 'Host: app.example.test', ...p.headers, 'Connection: close', '', ''].join('\r\n')
    const outputs: string[] = []
    for (const target of [hw, down]) {
      const before = target.logs.length
      const count = target.store.total
      const answer = await rawRequest(target.trafficUrl, text)
      if (!/^HTTP\/1\.1 \d{3}/.test(answer)) throw new Error('no HTTP answer')
      await waitForExchanges(target, count + 1, 10_000)
      if (target === down) outputs.push(answer)
      outputs.push(await outputsOf(target, before))
    }
    const all = outputs.join('\n')
    const found = p.secrets.filter((s) => leaked(all, s))
    // Report which position leaked by its index, never the secret itself.
    if (found.length > 0) { leaks++; throw new Error(`secrets at positions ${found.map((s) => p.secrets.indexOf(s)).join(', ')} leaked`) }
  }), { numRuns: RUNS, interruptAfterTimeLimit: TIME_LIMIT_MS, markInterruptAsFailure: false, endOnFailure: true })
  t.equal(leaks, 0, 'no secret leaked')
  t.ok(runs >= 20, `${runs} placements sent through a real hopwatch and a dead upstream`)
  t.equal(down.store.list({ limit: 1 })[0]?.clientStatus, 502, 'the dead upstream gave 502s')
})
