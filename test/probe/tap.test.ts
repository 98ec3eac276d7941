import t from 'tap'
import { createCanaryTap, MAX_REMEMBERED_NONCES } from '../../src/probe/tap.js'
import { materialise, planBattery, type CanaryRequest } from '../../src/probe/canary.js'
import { parseAnswer } from '../../src/probe/answer.js'
import { credentialHeaderSet } from '../../src/capture/credential-names.js'
import { makeToken } from '../../src/probe/token.js'
import { fakeRequest } from './fake-request.js'

const secret = 'unit-test-probe-secret'
const credentialHeaders = credentialHeaderSet([])
const plan = (id: string) => {
  const p = planBattery().find((x) => x.id === id)
  if (p === undefined) throw new Error(`no plan ${id}`)
  return p
}

t.test('ordinary traffic gets null', async (t) => {
  const tap = createCanaryTap({ secret, credentialHeaders })
  t.equal(tap(fakeRequest([{ name: 'Host', value: 'x' }, { name: 'Authorization', value: 'Bearer abc.def.ghi' }])), null)
  t.equal(tap(fakeRequest([])), null)
})

t.test('a signed canary is answered with a signed answer that parses', async (t) => {
  let clock = 1_700_000_000_000
  const tap = createCanaryTap({ secret, credentialHeaders, now: () => clock })
  const req = materialise(plan('main'), secret, clock)
  clock += 1_000
  const reply = tap(fakeRequest(req.headers))
  t.equal(reply?.status, 200)
  const answer = parseAnswer(secret, req.nonce, JSON.stringify(reply?.body))
  t.ok(answer)
  t.equal(answer?.recognisedBy, 'marker')
  t.same(answer?.lines.map((l) => l.name), ['Authorization', 'Cookie', 'X-Api-Key'])
  t.ok(answer?.lines.every((l) => l.hash !== null))
  t.equal(answer?.lines.find((l) => l.name === 'Cookie')?.cookies?.length, 3)
  t.equal(parseAnswer('another-secret', req.nonce, JSON.stringify(reply?.body)), null, 'answer is keyed')
  t.equal(parseAnswer(secret, 'ffffffffffffffff', JSON.stringify(reply?.body)), null, 'answer is for one nonce')
  t.notOk(JSON.stringify(reply?.body).includes('hwcan1_'), 'no canary value echoed')
})

t.test('replayed canaries are ordinary traffic', async (t) => {
  const tap = createCanaryTap({ secret, credentialHeaders })
  const req = materialise(plan('basic'), secret, Date.now())
  t.not(tap(fakeRequest(req.headers)), null)
  t.equal(tap(fakeRequest(req.headers)), null)
})

t.test('stale and future canaries are ordinary traffic', async (t) => {
  const now = 1_700_000_000_000
  const tap = createCanaryTap({ secret, credentialHeaders, maxAgeMs: 60_000, now: () => now })
  t.equal(tap(fakeRequest(materialise(plan('main'), secret, now - 61_000).headers)), null)
  t.equal(tap(fakeRequest(materialise(plan('main'), secret, now + 61_000).headers)), null)
  t.not(tap(fakeRequest(materialise(plan('main'), secret, now - 59_000).headers)), null)
})

t.test('forged canaries (other secret, tampered token) are ordinary traffic', async (t) => {
  const tap = createCanaryTap({ secret, credentialHeaders })
  t.equal(tap(fakeRequest(materialise(plan('main'), 'attacker-guess', Date.now()).headers)), null)
  const req = materialise(plan('main'), secret, Date.now())
  const tampered = req.headers.map((l) => ({ name: l.name, value: l.value.replace(/_([0-9a-f]{32})/g, '_'.padEnd(33, '0')) }))
  t.equal(tap(fakeRequest(tampered)), null)
})

t.test('a canary whose marker was stripped is recognised by its values', async (t) => {
  const tap = createCanaryTap({ secret, credentialHeaders })
  for (const id of ['main', 'basic', 'jwt', 'digest']) {
    const req: CanaryRequest = materialise(plan(id), secret, Date.now())
    const reply = tap(fakeRequest(req.headers.slice(1)))
    const answer = parseAnswer(secret, req.nonce, JSON.stringify(reply?.body))
    t.equal(answer?.recognisedBy, 'value', id)
  }
})

t.test('real credentials next to a canary are reported without a hash', async (t) => {
  const tap = createCanaryTap({ secret, credentialHeaders })
  const req = materialise(plan('underscore'), secret, Date.now())
  const reply = tap(fakeRequest([...req.headers, { name: 'authorization', value: 'Bearer real-service-token' }]))
  const answer = parseAnswer(secret, req.nonce, JSON.stringify(reply?.body))
  const added = answer?.lines.find((l) => l.name === 'authorization')
  t.same(added && { hash: added.hash, scheme: added.scheme, slots: added.slots }, { hash: null, scheme: 'Bearer', slots: [] })
})

t.test('the replay memory stays bounded', async (t) => {
  const now = 1_700_000_000_000
  const tap = createCanaryTap({ secret, credentialHeaders, now: () => now })
  const marker = (i: number) => [{ name: 'X-Hopwatch-Canary', value: makeToken(secret, { ts: now, nonce: i.toString(16).padStart(16, '0'), slot: 'marker' }) }]
  for (let i = 0; i < MAX_REMEMBERED_NONCES + 5; i++) tap(fakeRequest(marker(i)))
  t.not(tap(fakeRequest(marker(0))), null, 'the oldest nonce was forgotten, not the memory grown')
  t.equal(tap(fakeRequest(marker(MAX_REMEMBERED_NONCES + 4))), null, 'recent nonces are remembered')
})
