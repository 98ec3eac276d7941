// The fingerprint cache (src/capture/fingerprint.ts) is keyed by the value's keyed hash, one per
// kind of header, and lets a value in on its second sighting: the same value sent again gives
// the very fingerprint made before, one-off values are not kept, and the
// same value in a header of another kind is read that header's way, never served from the other.
import t from 'tap'
import { createHasher, fingerprint } from '../../src/capture/fingerprint.js'

const b64 = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url')
const JWT = `${b64({ alg: 'RS256', kid: 'k1' })}.${b64({ iss: 'https://idp.test', sub: 'cache-user' })}.c2lnbmF0dXJl`

t.test('the same value again: the same fingerprint object, from its second sighting on', async (t) => {
  const hash = createHasher('cache-test-1')
  const first = fingerprint('authorization', `Bearer ${JWT}`, hash)
  const a = fingerprint('authorization', `Bearer ${JWT}`, hash)
  t.not(first, a, 'not kept on its first sighting')
  t.same(first, a, 'though equal')
  const b = fingerprint('authorization', `Bearer ${JWT}`, hash)
  t.equal(a, b, 'served from the cache')
  t.equal(fingerprint('proxy-authorization', `Bearer ${JWT}`, hash), a, 'headers of one kind share it (read the same way)')
  t.not(fingerprint('authorization', `Bearer ${JWT}`, createHasher('cache-test-2')), a, 'another key, another cache')
})

t.test('one value in headers of three kinds: each read its own way', async (t) => {
  const hash = createHasher('cache-test-3')
  const value = `session=${JWT}`
  const cookie = fingerprint('cookie', value, hash)
  const schemed = fingerprint('authorization', value, hash)
  const other = fingerprint('x-api-key', value, hash)
  t.equal(cookie.hash, schemed.hash, 'one value, one keyed hash')
  t.equal(cookie.cookies?.[0]?.name, 'session', 'Cookie: read as cookies')
  t.equal(schemed.cookies, undefined, 'Authorization: not as cookies')
  t.equal(other.cookies, undefined)
  const bearer = `Bearer ${JWT}`
  t.equal(fingerprint('authorization', bearer, hash).scheme, 'Bearer')
  t.equal(fingerprint('x-api-key', bearer, hash).scheme, null, 'X-Api-Key: no scheme read, though Authorization cached one')
  t.equal(fingerprint('cookie', bearer, hash).cookies?.length, 1, 'Cookie: its own reading again')
})

t.test('many distinct values: still the right fingerprint for each (no stale entry served)', async (t) => {
  const hash = createHasher('cache-test-4')
  let wrong = 0
  for (let i = 0; i < 20_000; i++) {
    const value = `Bearer token-${i}-${'x'.repeat(i % 300)}`
    const fp = fingerprint('authorization', value, hash)
    if (fp.hash !== hash(value) || fp.length !== Buffer.byteLength(value)) wrong++
  }
  t.equal(wrong, 0)
  const early = 'Bearer token-1-x'
  t.equal(fingerprint('authorization', early, hash).length, early.length, 'an early value, made again after it was forgotten')
})

t.test('one-off values are not kept; a value that comes back is', async (t) => {
  const hash = createHasher('cache-test-5')
  const regular = 'Bearer regular-user-token'
  fingerprint('authorization', regular, hash)
  const kept = fingerprint('authorization', regular, hash)
  const once = 'Bearer one-off-token'
  const onceA = fingerprint('authorization', once, hash)
  // Other users' tokens, each seen once, between the regular user's requests.
  for (let i = 0; i < 2000; i++) fingerprint('authorization', `Bearer other-${i}`, hash)
  t.equal(fingerprint('authorization', regular, hash), kept, 'the returning token is still cached')
  t.not(fingerprint('authorization', once, hash), onceA, 'the one-off token was not kept')
})

t.test('20,000 users, each with a token, a cookie and an API key, drawn in turn: from their third request on, their tokens come from the cache', async (t) => {
  const hash = createHasher('cache-test-6')
  const users = 20_000
  const values = (i: number): Array<[string, string]> => [
    ['authorization', `Bearer ${b64({ alg: 'RS256' })}.${b64({ sub: `user-${i}` })}.c2ln${i}`],
    ['cookie', `session=s${i}; theme=dark`],
    ['x-api-key', `hk_live_${i}`]
  ]
  const round = (): Array<ReturnType<typeof fingerprint>> => {
    const out: Array<ReturnType<typeof fingerprint>> = []
    for (let i = 0; i < users; i++) for (const [key, value] of values(i)) out.push(fingerprint(key, value, hash))
    return out
  }
  round()
  const second = round()
  const third = round()
  const same = (kind: number): number => third.filter((fp, i) => i % 3 === kind && fp === second[i]).length
  // Between two requests of one user come 20,000 other tokens: the doorkeeper's window and the
  // cache of Authorization-like values both outlast that.
  t.ok(same(0) >= 0.95 * users, `${same(0)} of ${users} tokens served from the cache`)
  // Cookies and API keys cost little more than their hashes to fingerprint again: their caches
  // are small, and their doorkeepers let in only what those caches can keep until it is used.
  t.ok(same(1) + same(2) < 0.1 * 2 * users, `${same(1) + same(2)} of ${2 * users} cookies and API keys served from the cache`)
})
