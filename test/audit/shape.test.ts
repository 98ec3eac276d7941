// The shape memo (src/audit/shape-memo.ts) must be invisible: an exchange recorded through it, and
// its findings, equal what a full build and a full diagnosis give for the same input, over a
// long mixed sequence in which shapes repeat, values change under a repeated shape, and the
// clock moves; and on the cardinality mix, where thousands of users share a few shapes.
import t from 'tap'
import { Writable } from 'node:stream'
import { buildExchange, type ExchangeInput } from '../../src/capture/exchange.js'
import { createHasher } from '../../src/capture/fingerprint.js'
import { credentialHeaderSet } from '../../src/capture/credential-names.js'
import { createDiagnoser } from '../../src/diagnose/index.js'
import type { Finding } from '../../src/diagnose/types.js'
import { Auditor } from '../../src/audit/audit.js'
import { createLogger } from '../../src/proxy/logger.js'
import { ShapeMemo } from '../../src/audit/shape-memo.js'
import { ExchangeStore } from '../../src/store/store.js'

/** Deterministic choices, so a failure can be replayed. */
function rng (seed: number): (n: number) => number {
  let x = seed
  return (n) => { x = (x * 1103515245 + 12345) % 2147483648; return x % n }
}

const b64 = (v: object): string => Buffer.from(JSON.stringify(v)).toString('base64url')
const jwt = (claims: object): string => `${b64({ alg: 'RS256', kid: 'k1' })}.${b64(claims)}.c2lnbmF0dXJlLW5vdC1yZWFs`
const SECRETS = ['tok-alpha-9f8e7d', 'tok-bravo-1a2b3c', 'tok-charlie-5d6e7f']
const TOKENS = [
  `Bearer ${jwt({ iss: 'https://idp.test', aud: 'api', sub: 'u1', exp: 4102444800, iat: 1700000000 })}`,
  `Bearer ${jwt({ iss: 'https://idp.test', aud: 'api', sub: 'u2', exp: 1600000000 })}`,
  `Bearer ${jwt({ iss: 'https://other.test', aud: 'api', sub: 'u3', exp: Math.floor(Date.now() / 1000) + 30 })}`,
  `Basic ${Buffer.from('user:pw').toString('base64')}`,
  `Bearer ${SECRETS[0] as string}`,
  'Bearer  doubled-space',
  'Token',
  ...SECRETS.map((s) => `Bearer ${s}`)
]
const PATHS = ['/api/orders/1', '/api/orders/2', '/api/users/42?expand=1&access_token=x', '/static/app.js', '/login?next=/a', '/api/orders/7?x=1&x=2']

/** A known input again, as a new request would bring it: new strings, id, times, Date, request id. */
function again (base: ExchangeInput, pick: (n: number) => number, i: number, now: number): ExchangeInput {
  const copy = (v: string): string => (` ${v}`).slice(1)
  const raw = base.rawHeaders.map((v, k) => k % 2 === 1 && base.rawHeaders[k - 1] === 'X-Request-ID' ? `req-${i}` : copy(v))
  const arrivedPairs = base.arrivedPairs.map(copy)
  const forwarded = base.forwarded === null ? null : Object.fromEntries(Object.entries(base.forwarded).map(([k, v]) => [k, typeof v === 'string' ? (arrivedPairs.includes(v) ? arrivedPairs[arrivedPairs.indexOf(v)] : copy(v)) : v]))
  const upstreamHeaders = base.upstreamHeaders === null ? null : { ...base.upstreamHeaders, date: new Date(now).toUTCString() }
  return { ...base, id: `t-${i}`, startedAt: now, durationMs: pick(50) / 10, rawHeaders: raw, arrivedPairs, forwarded, upstreamHeaders, aborted: pick(15) === 0, url: base.url.replace(/\/(\d+)/, `/${pick(1000)}`) }
}

function makeInput (pick: (n: number) => number, i: number, now: number): ExchangeInput {
  const raw: string[] = ['Host', pick(4) === 0 ? 'other.test' : 'app.test']
  if (pick(3) === 0) raw.push('Via', pick(2) === 0 ? '1.1 varnish' : '1.0 nginx')
  if (pick(3) === 0) raw.push('X-Request-ID', `req-${i}`)
  if (pick(4) === 0) raw.push('CF-Ray', `8a${i}-LHR`, 'CDN-Loop', 'cloudflare')
  if (pick(5) === 0) raw.push('X-Forwarded-Proto', 'https', 'X-Forwarded-Host', 'public.test')
  if (pick(6) === 0) raw.push('Connection', 'close, Authorization')
  raw.push('User-Agent', pick(3) === 0 ? 'curl/8' : 'app/1')
  const lines = pick(4)
  for (let k = 0; k < lines; k++) {
    const which = pick(5)
    if (which === 0) raw.push('Cookie', `sid=${SECRETS[pick(3)] as string}; theme=dark`)
    else if (which === 1) raw.push('X-Api-Key', SECRETS[pick(3)] as string)
    else if (which === 2) raw.push('authorization', TOKENS[pick(TOKENS.length)] as string)
    else raw.push('Authorization', TOKENS[pick(TOKENS.length)] as string)
  }
  const arrivedPairs: string[] = []
  const names = credentialHeaderSet([])
  for (let k = 0; k < raw.length; k += 2) if (names.has((raw[k] as string).toLowerCase())) arrivedPairs.push(raw[k] as string, raw[k + 1] as string)
  const forwarded: Record<string, unknown> = { host: raw[1] }
  for (let k = 0; k < arrivedPairs.length; k += 2) {
    const key = (arrivedPairs[k] as string).toLowerCase()
    if (key === 'authorization' && pick(5) === 0) continue // dropped on the way
    const value = pick(8) === 0 ? `${arrivedPairs[k + 1] as string}-changed` : arrivedPairs[k + 1]
    const prev = forwarded[key]
    forwarded[key] = prev === undefined ? value : [prev, value].flat()
  }
  const status = [200, 200, 401, 403, 302, 429, 500][pick(7)] as number
  const up: Record<string, string | string[]> = { date: new Date(now + pick(3) * 1000 - (pick(10) === 0 ? 600_000 : 0)).toUTCString() }
  if (status === 401 && pick(3) > 0) up['www-authenticate'] = pick(2) === 0 ? 'Bearer realm="api", error="invalid_token"' : 'Basic realm="x"'
  if (status === 302) up.location = pick(2) === 0 ? 'https://idp.test/authorize?code=secret-code-1&state=s' : '/next'
  if (status === 429 && pick(2) === 0) up['retry-after'] = String(pick(3) + 1)
  if (pick(12) === 0) up['set-cookie'] = ['sid=new-secret; Path=/; HttpOnly']
  return {
    id: `t-${i}`,
    startedAt: now,
    durationMs: pick(50) / 10,
    method: pick(5) === 0 ? 'POST' : 'GET',
    url: PATHS[pick(PATHS.length)] as string,
    httpVersion: pick(8) === 0 ? '1.0' : '1.1',
    rawHeaders: raw,
    arrivedPairs,
    forwarded: pick(20) === 0 ? null : forwarded,
    status,
    upstreamHeaders: pick(25) === 0 ? null : up,
    clientStatus: status,
    error: null,
    aborted: pick(15) === 0,
    websocket: false,
    ...(pick(4) === 0 ? { pairId: `p-${i}` } : {})
  }
}

t.test('memoised exchanges and findings equal full builds over a mixed sequence', async (t) => {
  const pick = rng(20261127)
  const names = credentialHeaderSet([])
  const hash = createHasher('memo-test-key')
  let now = Date.parse('2026-11-27T10:00:00Z')
  const clock = (): number => now
  const sink = new Writable({ write (_c, _e, cb) { cb() } })
  const seen: Finding[][] = []
  const store = new ExchangeStore(100)
  const kept: string[] = []
  const diagnoser = createDiagnoser({ expectIssuers: ['https://idp.test'], expectAudiences: [], now: clock })
  const auditor = new Auditor({
    credentialNames: names,
    hash,
    store,
    logger: createLogger('info', sink),
    diagnoser,
    observers: [{ observe: (_ex, findings) => { seen.push(findings) } }]
  })
  const reference = createDiagnoser({ expectIssuers: ['https://idp.test'], expectAudiences: [], now: clock })
  let shared = 0
  const returned = new WeakSet<object>()
  const pool = Array.from({ length: 40 }, (_, i) => makeInput(pick, -i, now))
  let mismatches = 0
  for (let i = 0; i < 3000; i++) {
    now += pick(400)
    const input = pick(3) === 0 ? makeInput(pick, i, now) : again(pool[pick(pool.length)] as ExchangeInput, pick, i, now)
    const got = auditor.record(input)
    const want = buildExchange(input, names, hash)
    const wantFindings = reference.observe(want)
    if (JSON.stringify(got) !== JSON.stringify(want) || JSON.stringify(seen[i]) !== JSON.stringify(wantFindings)) {
      mismatches++
      if (mismatches <= 3) t.same({ exchange: got, findings: seen[i] }, { exchange: want, findings: wantFindings }, `exchange ${i} as built in full`)
    }
    if (returned.has(got.arrived)) shared++
    returned.add(got.arrived)
    kept.unshift(JSON.stringify(want))
    kept.length = Math.min(kept.length, 100)
    // The store keeps an exchange of a known shape as the shape plus what differs: what it
    // gives back must be the exchange, whatever its slot held before.
    if (i % 97 === 0 || i > 2900) {
      const listed = store.list({ limit: 100 }).map((e) => JSON.stringify(e))
      if (listed.join('\n') !== kept.join('\n')) t.same(listed, kept, `store after exchange ${i}`)
      if (JSON.stringify(store.get(got.id)) !== kept[0]) t.fail(`store.get after exchange ${i}`)
    }
  }
  t.equal(mismatches, 0, 'every memoised exchange and its findings equal the full build')
  t.ok(shared > 1000, `exchanges of a known shape share its parts (${shared} of 3000)`)
  t.same(JSON.parse(JSON.stringify(diagnoser.snapshot().findings.map((f) => [f.rule, f.count]))),
    JSON.parse(JSON.stringify(reference.snapshot().findings.map((f) => [f.rule, f.count]))), 'the same finding groups and counts')
})

/** A user of the cardinality mix: a distinct JWT (some expired, some not yet valid), cookie, API key and Basic pair. */
function userOf (pick: (n: number) => number, u: number, now: number): string[] {
  const s = Math.floor(now / 1000)
  const exp = u % 7 === 0 ? s - 600 : u % 11 === 0 ? s + 120 : s + 3600 * 8
  const claims: Record<string, unknown> = { iss: u % 5 === 0 ? 'https://other.test' : 'https://idp.test', aud: 'api', sub: `user-${u}`, jti: `j${pick(1e9)}`, iat: u % 13 === 0 ? s + 900 : s - (u % 3600), exp }
  if (u % 17 === 0) claims.nbf = s + 300
  return [
    `${b64({ alg: 'RS256', typ: 'JWT', kid: `k${u % 4}` })}.${b64(claims)}.${Buffer.from(`sig-${u}-${pick(1e9)}`).toString('base64url')}`,
    `session=s%3A${u}x${pick(1e9)}; csrftoken=c${pick(1e9)}; theme=dark`,
    `hk_live_${u.toString(16)}${pick(1e9).toString(16)}`,
    Buffer.from(`user${u}:pw${pick(1e6)}`).toString('base64')
  ]
}

/** One exchange of the cardinality mix: a random user, a random id, now and then a 401, 403, duplicate or odd value. */
function userInput (users: string[][], pick: (n: number) => number, i: number, now: number): ExchangeInput {
  const u = users[pick(users.length)] as string[]
  const raw = ['Host', 'app.test', 'User-Agent', 'app/1']
  if (pick(6) === 0) raw.push('Via', '1.1 varnish')
  const kind = pick(10)
  if (kind < 4) raw.push('Authorization', `Bearer ${u[0] as string}`)
  else if (kind === 4) raw.push('Cookie', u[1] as string)
  else if (kind === 5) raw.push('X-Api-Key', u[2] as string)
  else if (kind === 6) raw.push('Authorization', `Basic ${u[3] as string}`)
  else if (kind === 7) raw.push('Authorization', `Bearer ${u[0] as string}`, 'Authorization', `Bearer ${(users[pick(users.length)] as string[])[0] as string}`)
  else if (kind === 8) raw.push('Authorization', pick(2) === 0 ? `Bearer  ${u[2] as string}` : `Bearer ${u[2] as string} `)
  const input = makeInput(() => 1, i, now)
  const arrivedPairs: string[] = []
  const names = credentialHeaderSet([])
  for (let k = 0; k < raw.length; k += 2) if (names.has((raw[k] as string).toLowerCase())) arrivedPairs.push(raw[k] as string, raw[k + 1] as string)
  const forwarded: Record<string, unknown> = { host: 'app.test' }
  for (let k = 0; k < arrivedPairs.length; k += 2) {
    const key = (arrivedPairs[k] as string).toLowerCase()
    const value = pick(20) === 0 ? `${arrivedPairs[k + 1] as string}-changed` : arrivedPairs[k + 1]
    const prev = forwarded[key]
    forwarded[key] = prev === undefined ? value : [prev, value].flat()
  }
  const status = [200, 200, 200, 200, 401, 403][pick(6)] as number
  const up: Record<string, string> = { date: new Date(now).toUTCString() }
  if (status === 401 && pick(2) === 0) up['www-authenticate'] = 'Bearer realm="api", error="invalid_token"'
  return { ...input, url: `/api/orders/${pick(1e8)}`, rawHeaders: raw, arrivedPairs, forwarded: pick(30) === 0 ? null : forwarded, status, clientStatus: status, upstreamHeaders: up, durationMs: pick(50) / 10 }
}

t.test('memoised exchanges and findings equal full builds on the cardinality mix', async (t) => {
  const pick = rng(20261203)
  const names = credentialHeaderSet([])
  const hash = createHasher('memo-test-key')
  let now = Date.parse('2026-12-03T10:00:00Z')
  const clock = (): number => now
  const sink = new Writable({ write (_c, _e, cb) { cb() } })
  const seen: Finding[][] = []
  const options = { expectIssuers: ['https://idp.test'], expectAudiences: ['api'], now: clock }
  const diagnoser = createDiagnoser(options)
  const reference = createDiagnoser(options)
  const auditor = new Auditor({ credentialNames: names, hash, store: new ExchangeStore(100), logger: createLogger('info', sink), diagnoser, observers: [{ observe: (_ex, findings) => { seen.push(findings) } }] })
  const users = Array.from({ length: 3000 }, (_, u) => userOf(pick, u, now))
  let mismatches = 0
  let withFindings = 0
  const keys = new Set<string>()
  const memo = new ShapeMemo(names)
  for (let i = 0; i < 6000; i++) {
    now += pick(200)
    const input = userInput(users, pick, i, now)
    const key = memo.key(input)
    if (key !== null) keys.add(key)
    const got = auditor.record(input)
    const want = buildExchange(input, names, hash)
    const wantFindings = reference.observe(want)
    if (wantFindings.length > 0) withFindings++
    if (JSON.stringify(got) !== JSON.stringify(want) || JSON.stringify(seen[i]) !== JSON.stringify(wantFindings)) {
      mismatches++
      if (mismatches <= 3) t.same({ exchange: got, findings: seen[i] }, { exchange: want, findings: wantFindings }, `exchange ${i} as built in full`)
    }
  }
  t.equal(mismatches, 0, 'every memoised exchange and its findings equal the full build')
  t.ok(keys.size < 200, `thousands of users make few shapes (${keys.size})`)
  t.ok(withFindings > 1000, `findings to compare (${withFindings} exchanges with findings)`)
  t.same(JSON.parse(JSON.stringify(diagnoser.snapshot())), JSON.parse(JSON.stringify(reference.snapshot())), 'the same diagnosis snapshot')
})

t.test('the memo key holds no credential, cookie, challenge or Location value', async (t) => {
  const pick = rng(7)
  const memo = new ShapeMemo(credentialHeaderSet([]))
  let keys = 0
  for (let i = 0; i < 500; i++) {
    const input = makeInput(pick, i, Date.now())
    const key = memo.key(input)
    if (key === null) continue
    keys++
    for (const secret of [...SECRETS, 'secret-code-1', 'invalid_token', 'dXNlcjpwdw', 'doubled-space']) {
      if (key.includes(secret)) t.fail(`key ${i} contains a value`)
    }
  }
  t.ok(keys > 300, `${keys} keys checked`)
})

t.test('shared parts are frozen: a consumer cannot change other exchanges through them', async (t) => {
  const names = credentialHeaderSet([])
  const sink = new Writable({ write (_c, _e, cb) { cb() } })
  const auditor = new Auditor({ credentialNames: names, hash: createHasher(null), store: new ExchangeStore(10), logger: createLogger('info', sink), diagnoser: createDiagnoser({ expectIssuers: [], expectAudiences: [] }) })
  const input = makeInput(rng(3), 1, Date.now())
  const a = auditor.record({ ...input, upstreamHeaders: input.upstreamHeaders === null ? { date: 'x' } : { ...input.upstreamHeaders, 'set-cookie': undefined } })
  const b = auditor.record({ ...input, id: 'second', upstreamHeaders: input.upstreamHeaders === null ? { date: 'x' } : { ...input.upstreamHeaders, 'set-cookie': undefined } })
  t.equal(a.arrived, b.arrived, 'the second exchange reuses the first one\'s credential stage')
  t.ok(Object.isFrozen(b.arrived) && Object.isFrozen(b.headerNames) && Object.isFrozen(b.response), 'and it is frozen')
  t.not(a.id, b.id)
})
