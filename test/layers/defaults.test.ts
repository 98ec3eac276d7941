// What HAProxy, Caddy, Varnish, Squid and lighttpd really do to credential headers, measured on
// the Debian packages with a config of our own in a temp dir (docs/layers.md states the same
// facts with the versions). The expectations below were written from a first exploratory run
// and are the ground truth hopwatch's recognition and rules build on: a change in a new
// version of a server fails here first.
import t, { type Test } from 'tap'
import { startEchoUpstream, valuesOf, type EchoUpstream, type Received } from '../helpers/echo-upstream.js'
import { rawRequest } from '../helpers/hopwatch.js'
import { hasLayer, startLayer, type LayerOptions, type LayerServerName } from '../helpers/more-layers.js'

const BIG = `Bearer ${'a'.repeat(12_000)}`

/** What reached the upstream, or null when the layer answered itself. */
interface Seen { status: number; got: Received | null; answer: string }

async function send (url: string, up: EchoUpstream, path: string, lines: string[]): Promise<Seen> {
  const before = up.received.length
  const answer = await rawRequest(url, `GET ${path} HTTP/1.1\r\nHost: app.example\r\n${lines.map((l) => `${l}\r\n`).join('')}Connection: close\r\n\r\n`, 5000)
  // The answer is complete when the connection closes; the upstream recorded it before answering.
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(answer)?.[1] ?? 0)
  const got = up.received.slice(before).find((r) => r.url === path) ?? null
  return { status, got, answer }
}

const header = (answer: string, name: string): string | null => {
  const m = new RegExp(`\\r\\n${name}: ([^\\r]*)`, 'i').exec(answer)
  return m === null ? null : (m[1] as string)
}

async function withLayer (t: Test, name: LayerServerName, o: Omit<LayerOptions, 'upstreamPort'>, fn: (url: string, up: EchoUpstream) => Promise<void>): Promise<void> {
  const up = await startEchoUpstream((req, res) => {
    if ((req.url ?? '').startsWith('/401')) { res.writeHead(401, { 'www-authenticate': 'Bearer realm="app"' }).end('no'); return }
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok')
  })
  t.teardown(() => up.close())
  const server = await startLayer(name, { ...o, upstreamPort: up.port, t })
  await fn(server.url, up)
}

/** Ground truth per server, by default (no directive): what reaches the app. */
interface Defaults {
  authorization: boolean
  /** Lines of Authorization at the app for two sent; 'joined' = one line `a, b`. */
  duplicates: 2 | 'joined' | 0
  /** Proxy-Authorization with a Cookie (Varnish passes such a request to the backend). */
  proxyAuthorization: boolean
  /** Proxy-Authorization alone (Varnish looks it up in its cache, and fetches on a miss). */
  proxyAuthorizationAlone: boolean
  underscoreName: string
  /** Status to the client for a 12 KB Authorization line. */
  bigStatus: number
  /** `Connection: close, Authorization`: status, and whether Authorization still reached the app. */
  nominated: { status: number; arrives: boolean }
  /** Request headers the layer adds (evidence at the sidecar). */
  adds: string[]
  /** Response headers that name it (evidence at the client or an edge tap). */
  answers: Array<[string, RegExp]>
}

const DEFAULTS: Record<LayerServerName, Defaults> = {
  haproxy: { authorization: true, duplicates: 2, proxyAuthorization: true, proxyAuthorizationAlone: true, underscoreName: 'x_api_key', bigStatus: 200, nominated: { status: 200, arrives: true }, adds: [], answers: [] },
  caddy: { authorization: true, duplicates: 2, proxyAuthorization: false, proxyAuthorizationAlone: false, underscoreName: 'X_api_key', bigStatus: 200, nominated: { status: 200, arrives: false }, adds: ['x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto'], answers: [['server', /^Caddy$/]] },
  varnish: { authorization: true, duplicates: 2, proxyAuthorization: true, proxyAuthorizationAlone: false, underscoreName: 'X_Api_Key', bigStatus: 400, nominated: { status: 400, arrives: false }, adds: ['x-forwarded-for', 'x-varnish'], answers: [['via', /varnish/i], ['x-varnish', /^\d+/]] },
  squid: { authorization: false, duplicates: 0, proxyAuthorization: false, proxyAuthorizationAlone: false, underscoreName: 'X_Api_Key', bigStatus: 200, nominated: { status: 200, arrives: false }, adds: ['via', 'x-forwarded-for', 'surrogate-capability'], answers: [['via', /\(squid\/[\d.]+\)/], ['x-cache', /from/]] },
  lighttpd: { authorization: true, duplicates: 'joined', proxyAuthorization: true, proxyAuthorizationAlone: true, underscoreName: 'X_Api_Key', bigStatus: 431, nominated: { status: 200, arrives: true }, adds: ['x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-host'], answers: [['server', /^lighttpd\//]] }
}

for (const name of Object.keys(DEFAULTS) as LayerServerName[]) {
  const truth = DEFAULTS[name]
  t.test(`${name}: credential headers by default`, { skip: hasLayer(name) ? false : `${name} is not installed (.ci/run installs it)` }, async (t) => {
    await withLayer(t, name, {}, async (url, up) => {
      const one = await send(url, up, '/one', ['Authorization: Bearer tok-one'])
      t.equal(one.status, 200)
      t.equal(valuesOf(one.got ?? undefined, 'authorization').length === 1, truth.authorization, `Authorization ${truth.authorization ? 'reaches' : 'does not reach'} the app`)
      const names = (one.got?.rawHeaders ?? []).map(([n]) => n.toLowerCase())
      for (const added of truth.adds) t.ok(names.includes(added), `adds ${added}`)
      for (const [h, re] of truth.answers) t.match(header(one.answer, h) ?? '', re, `answers with ${h}`)

      const dup = await send(url, up, '/dup', ['Authorization: Bearer a', 'Authorization: Bearer b'])
      const lines = valuesOf(dup.got ?? undefined, 'authorization')
      if (truth.duplicates === 'joined') {
        t.equal(lines.length, 1, 'two lines joined into one')
        t.match(lines[0] ?? '', /^Bearer a, ?Bearer b$/)
      } else t.equal(lines.length, truth.duplicates, `${truth.duplicates} Authorization lines arrive`)

      const us = await send(url, up, '/us', ['X_Api_Key: k1', 'X-Api-Key: k2'])
      t.ok((us.got?.rawHeaders ?? []).some(([n]) => n === truth.underscoreName), `the underscore name arrives as ${truth.underscoreName}`)
      t.equal(valuesOf(us.got ?? undefined, 'x-api-key').length, 1, 'X-Api-Key arrives')

      const pa = await send(url, up, '/pa', ['Proxy-Authorization: Basic cDpx', 'Cookie: sid=s1'])
      t.equal(valuesOf(pa.got ?? undefined, 'proxy-authorization').length === 1, truth.proxyAuthorization, `Proxy-Authorization ${truth.proxyAuthorization ? 'reaches' : 'does not reach'} the app`)
      t.equal(valuesOf(pa.got ?? undefined, 'cookie').length, 1, 'Cookie arrives')
      const alone = await send(url, up, '/pa-alone', ['Proxy-Authorization: Basic cDpx'])
      t.equal(valuesOf(alone.got ?? undefined, 'proxy-authorization').length === 1, truth.proxyAuthorizationAlone, `Proxy-Authorization alone ${truth.proxyAuthorizationAlone ? 'reaches' : 'does not reach'} the app`)

      const big = await send(url, up, '/big', [`Authorization: ${BIG}`])
      t.equal(big.status, truth.bigStatus, `a 12 KB Authorization line: ${truth.bigStatus}`)

      const nominated = await sendNominated(url, up)
      t.equal(nominated.status, truth.nominated.status, `Authorization nominated in Connection: ${truth.nominated.status}`)
      t.equal(valuesOf(nominated.got ?? undefined, 'authorization').length === 1, truth.nominated.arrives && truth.authorization, 'nominated Authorization arrives or not')

      const challenge = await send(url, up, '/401', [])
      t.equal(challenge.status, 401)
      t.equal(header(challenge.answer, 'www-authenticate'), 'Bearer realm="app"', 'the challenge reaches the client')
    })
  })
}

/** `Connection: close, Authorization` (the header nominated as hop-by-hop by the client). */
async function sendNominated (url: string, up: EchoUpstream): Promise<Seen> {
  const before = up.received.length
  const answer = await rawRequest(url, 'GET /nominated HTTP/1.1\r\nHost: app.example\r\nAuthorization: Bearer tok-n\r\nConnection: close, Authorization\r\n\r\n', 5000)
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(answer)?.[1] ?? 0)
  return { status, got: up.received.slice(before).find((r) => r.url === '/nominated') ?? null, answer }
}

/** The directives people use to remove (or, for Squid, to pass) Authorization. */
const DIRECTIVES: Array<{ name: LayerServerName; what: string; o: Omit<LayerOptions, 'upstreamPort'>; arrives: boolean }> = [
  { name: 'haproxy', what: 'http-request del-header Authorization', o: { directives: ['http-request del-header Authorization'] }, arrives: false },
  { name: 'haproxy', what: 'http-request set-header Authorization "Bearer fixed"', o: { directives: ['http-request set-header Authorization "Bearer fixed"'] }, arrives: true },
  { name: 'caddy', what: 'header_up -Authorization', o: { directives: ['header_up -Authorization'] }, arrives: false },
  { name: 'varnish', what: 'unset req.http.Authorization;', o: { directives: ['unset req.http.Authorization;'] }, arrives: false },
  { name: 'squid', what: 'cache_peer ... login=PASSTHRU', o: { peerOptions: 'login=PASSTHRU' }, arrives: true },
  { name: 'squid', what: 'login=PASSTHRU + request_header_access Authorization deny all', o: { peerOptions: 'login=PASSTHRU', directives: ['request_header_access Authorization deny all'] }, arrives: false },
  { name: 'lighttpd', what: 'setenv.set-request-header Authorization ""', o: { directives: ['server.modules += ("mod_setenv")', 'setenv.set-request-header = ("Authorization" => "")'] }, arrives: false }
]

for (const d of DIRECTIVES) {
  t.test(`${d.name}: ${d.what}`, { skip: hasLayer(d.name) ? false : `${d.name} is not installed` }, async (t) => {
    await withLayer(t, d.name, d.o, async (url, up) => {
      const seen = await send(url, up, '/d', ['Authorization: Bearer tok-d'])
      t.equal(seen.status, 200)
      t.equal(valuesOf(seen.got ?? undefined, 'authorization').length === 1, d.arrives, `Authorization ${d.arrives ? 'arrives' : 'is removed'}`)
    })
  })
}

t.test('varnish never answers a request with Authorization from its cache', { skip: hasLayer('varnish') ? false : 'varnish is not installed' }, async (t) => {
  await withLayer(t, 'varnish', {}, async (url, up) => {
    for (let i = 0; i < 2; i++) await send(url, up, '/cached', ['Authorization: Bearer tok-c'])
    t.equal(up.received.filter((r) => r.url === '/cached').length, 2, 'both reach the app (builtin vcl_recv: return (pass))')
  })
})
