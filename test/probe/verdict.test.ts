// Verdict logic: what the probe concludes from what a (real) tap reports, for each way a layer
// can change a credential. Layers are simulated by editing the header lines before the tap.
import t from 'tap'
import { createCanaryTap } from '../../src/probe/tap.js'
import { materialise, planBattery, type CanaryLine, type CanaryRequest } from '../../src/probe/canary.js'
import { parseAnswer } from '../../src/probe/answer.js'
import { judgeRequest, type HeaderVerdict } from '../../src/probe/verdict.js'
import { credentialHeaderSet } from '../../src/capture/credential-names.js'
import { fakeRequest } from './fake-request.js'

const secret = 'verdict-test-secret-0123456789'
const tap = createCanaryTap({ secret, credentialHeaders: credentialHeaderSet([]) })

function through (id: string, layer: (lines: CanaryLine[]) => CanaryLine[]): { req: CanaryRequest, verdicts: HeaderVerdict[] } {
  const plan = planBattery().find((p) => p.id === id)
  if (plan === undefined) throw new Error(`no plan ${id}`)
  const req = materialise(plan, secret, Date.now())
  const reply = tap(fakeRequest(layer(req.headers.map((l) => ({ ...l })))))
  const answer = parseAnswer(secret, req.nonce, JSON.stringify(reply?.body ?? null))
  if (answer === null) throw new Error('the tap did not answer')
  return { req, verdicts: judgeRequest(secret, req, { kind: 'answer', answer }) }
}

const edit = (name: string, fn: (value: string) => string) => (lines: CanaryLine[]) =>
  lines.map((l) => (l.name.toLowerCase() === name.toLowerCase() ? { ...l, value: fn(l.value) } : l))
const verdictOf = (vs: HeaderVerdict[], shapeId: string) => {
  const v = vs.find((x) => x.shapeId === shapeId)
  return v === undefined ? 'missing' : v.how === null ? v.verdict : `${v.verdict}:${v.how}`
}

t.test('intact, with a harmless name case change noted', async (t) => {
  const { verdicts } = through('main', (ls) => ls.map((l) => ({ ...l, name: l.name.toLowerCase() })))
  t.equal(verdictOf(verdicts, 'bearer'), 'intact')
  t.equal(verdicts.find((v) => v.shapeId === 'bearer')?.arrivedAs, 'authorization')
  t.equal(verdictOf(verdicts, 'cookie'), 'intact')
})

t.test('dropped', async (t) => {
  const { verdicts } = through('main', (ls) => ls.filter((l) => l.name !== 'X-Api-Key'))
  t.equal(verdictOf(verdicts, 'api-key'), 'dropped')
})

t.test('renamed to X-Amzn-Remapped-Authorization', async (t) => {
  const { verdicts } = through('jwt', (ls) => ls.map((l) => (l.name === 'Authorization' ? { ...l, name: 'X-Amzn-Remapped-Authorization' } : l)))
  t.equal(verdictOf(verdicts, 'jwt'), 'renamed')
  t.equal(verdicts[0]?.arrivedAs, 'X-Amzn-Remapped-Authorization')
})

t.test('modified: scheme case', async (t) => {
  const { verdicts } = through('lowercase', edit('authorization', (v) => v.replace(/^bearer /, 'Bearer ')))
  t.equal(verdictOf(verdicts, 'lowercase'), 'modified:case')
})

t.test('modified: a JWT cut before its signature is truncated (the token is also a claim)', async (t) => {
  t.equal(verdictOf(through('jwt-6k', edit('authorization', (v) => v.slice(0, 4096))).verdicts, 'jwt-6k'), 'modified:truncated')
})

t.test('modified: an opaque token cut inside its signature is truncated, not replaced', async (t) => {
  const { verdicts } = through('main', edit('authorization', (v) => v.slice(0, v.length - 10)))
  t.equal(verdictOf(verdicts, 'bearer'), 'modified:truncated')
})

t.test('modified: replaced, and the replacement is not reported as added', async (t) => {
  const { verdicts } = through('basic', edit('authorization', () => 'Basic c29tZTpvdGhlcg=='))
  t.equal(verdictOf(verdicts, 'basic'), 'modified:replaced')
  t.equal(verdicts.filter((v) => v.verdict === 'added').length, 0)
})

t.test('duplicates: joined, deduplicated, intact', async (t) => {
  const join = (ls: CanaryLine[]) => {
    const auth = ls.filter((l) => l.name === 'Authorization')
    return [...ls.filter((l) => l.name !== 'Authorization'), { name: 'Authorization', value: auth.map((l) => l.value).join(', ') }]
  }
  t.equal(verdictOf(through('duplicate', join).verdicts, 'duplicate'), 'modified:joined')
  const firstOnly = (ls: CanaryLine[]) => {
    const i = ls.findIndex((l) => l.name === 'Authorization')
    return ls.filter((l, j) => l.name !== 'Authorization' || j === i)
  }
  t.equal(verdictOf(through('duplicate', firstOnly).verdicts, 'duplicate'), 'modified:deduplicated')
  t.equal(verdictOf(through('duplicate', (ls) => ls).verdicts, 'duplicate'), 'intact')
})

t.test('cookies: split over lines is intact, one missing is partial', async (t) => {
  const split = (ls: CanaryLine[]) => ls.flatMap((l) => (l.name === 'Cookie' ? l.value.split('; ').map((v) => ({ name: 'cookie', value: v })) : [l]))
  t.equal(verdictOf(through('main', split).verdicts, 'cookie'), 'intact')
  const { verdicts } = through('main', edit('cookie', (v) => v.split('; ').slice(0, 2).join('; ')))
  t.equal(verdictOf(verdicts, 'cookie'), 'modified:partial')
  t.match(verdicts.find((v) => v.shapeId === 'cookie')?.detail ?? '', /2 of 3 cookies/)
})

t.test('added: a credential nobody sent', async (t) => {
  const { verdicts } = through('underscore', (ls) => [...ls, { name: 'X-Auth-Token', value: 'synthetic-injected' }])
  const added = verdicts.find((v) => v.verdict === 'added')
  t.equal(added?.name, 'X-Auth-Token')
  t.equal(added?.required, false)
})

t.test('blocked and unreached outcomes apply to every shape of the request', async (t) => {
  const plan = planBattery().find((p) => p.id === 'main')
  if (plan === undefined) throw new Error('no main')
  const req = materialise(plan, secret, Date.now())
  const blocked = judgeRequest(secret, req, { kind: 'blocked', status: 400, reason: '400 Bad Request', server: 'nginx' })
  t.same(new Set(blocked.map((v) => v.verdict)), new Set(['blocked']))
  t.ok(blocked.every((v) => v.status === 400 && v.detail.includes('nginx')))
  const unreached = judgeRequest(secret, req, { kind: 'unreached', status: 200, server: null })
  t.same(new Set(unreached.map((v) => v.verdict)), new Set(['unreached']))
})

t.test('no verdict detail ever holds a canary value', async (t) => {
  for (const plan of planBattery()) {
    const { verdicts } = through(plan.id, edit('authorization', (v) => v.slice(0, 20)))
    t.notOk(JSON.stringify(verdicts).includes('hwcan1'), plan.id)
  }
})
