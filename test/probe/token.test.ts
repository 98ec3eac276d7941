import t from 'tap'
import { keyedHash, makeToken, signedTokensIn, tokenText, TOKEN_PREFIX_B64 } from '../../src/probe/token.js'
import { JWT_10K_BYTES, JWT_6K_BYTES, materialise, planBattery } from '../../src/probe/canary.js'

const secret = 'unit-test-probe-secret'
const nonce = '0123456789abcdef'

t.test('a token verifies with its secret and not with another', async (t) => {
  const token = makeToken(secret, { ts: 1_700_000_000_000, nonce, slot: 'bearer' })
  const found = signedTokensIn(secret, `Bearer ${token}`)
  t.equal(found.length, 1)
  t.same(found[0], { ts: 1_700_000_000_000, nonce, slot: 'bearer' })
  t.equal(signedTokensIn('another-secret', `Bearer ${token}`).length, 0)
})

t.test('a token with a changed slot, nonce or time is a forgery', async (t) => {
  const token = makeToken(secret, { ts: 1_700_000_000_000, nonce, slot: 'bearer' })
  t.equal(signedTokensIn(secret, token.replace('_bearer_', '_basic_')).length, 0)
  t.equal(signedTokensIn(secret, token.replace(nonce, 'fedcba9876543210')).length, 0)
  const ts36 = (1_700_000_000_000).toString(36)
  t.equal(signedTokensIn(secret, token.replace(ts36, (1_700_000_000_001).toString(36))).length, 0)
})

t.test('a token hidden in Basic base64 is found by decoding', async (t) => {
  const token = makeToken(secret, { ts: 1, nonce, slot: 'basic' })
  const value = `Basic ${Buffer.from(`${token}:pw`).toString('base64')}`
  t.ok(value.includes(TOKEN_PREFIX_B64))
  t.equal(signedTokensIn(secret, tokenText(value)).length, 1)
})

t.test('every request of the battery carries the marker and signed tokens for each slot', async (t) => {
  const plans = planBattery(['X-Tenant-Token'])
  const ids = plans.map((p) => p.id)
  t.same(ids, ['main', 'jwt', 'jwt-6k', 'basic', 'digest', 'lowercase', 'proxy-auth', 'underscore', 'jwt-10k', 'duplicate', 'connection'])
  for (const plan of plans) {
    const req = materialise(plan, secret, Date.now())
    t.equal(req.headers[0]?.name, 'X-Hopwatch-Canary')
    for (const shape of req.shapes) {
      const tokens = shape.sent.flatMap((l) => signedTokensIn(secret, tokenText(l.value)))
      t.same([...new Set(tokens.map((x) => x.slot))].sort(), [...shape.slots].sort(), `${shape.plan.id} tokens`)
      t.ok(tokens.every((x) => x.nonce === req.nonce))
    }
  }
})

t.test('oversize JWTs have the sizes the battery promises and a JWT layout', async (t) => {
  const plans = planBattery()
  const size = (id: string): number => {
    const plan = plans.find((p) => p.id === id)
    if (plan === undefined) throw new Error(`no plan ${id}`)
    const value = materialise(plan, secret, Date.now()).shapes[0]?.sent[0]?.value ?? ''
    t.equal(value.split(' ')[1]?.split('.').length, 3, `${id} has three segments`)
    return value.length
  }
  t.ok(size('jwt') < 1024)
  t.ok(Math.abs(size('jwt-6k') - JWT_6K_BYTES) <= 1)
  t.ok(Math.abs(size('jwt-10k') - JWT_10K_BYTES) <= 1)
})

t.test('keyed hashes are stable and keyed', async (t) => {
  t.equal(keyedHash('a', 'l', 'x'), keyedHash('a', 'l', 'x'))
  t.not(keyedHash('a', 'l', 'x'), keyedHash('b', 'l', 'x'))
})
