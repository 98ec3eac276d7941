// Every MAC, stamp and token comparison goes through crypto.timingSafeEqual on equal-length
// buffers: canary tokens, tap answers, edge/origin pair stamps, the admin token. A spy in place
// of node:crypto's timingSafeEqual proves the path; forgeries of the same length are refused.
import t from 'tap'
import * as crypto from 'node:crypto'

interface Call { a: number; b: number }

function spyCrypto (): { calls: Call[]; module: typeof crypto } {
  const calls: Call[] = []
  const timingSafeEqual = (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView): boolean => {
    calls.push({ a: a.byteLength, b: b.byteLength })
    return crypto.timingSafeEqual(a, b)
  }
  return { calls, module: { ...crypto, timingSafeEqual } }
}

const SECRET = 'constant-time-test-secret'
const NONCE = '0123456789abcdef'

t.test('canary tokens: the MAC is compared with timingSafeEqual, equal lengths only', async (t) => {
  const spy = spyCrypto()
  const token = await t.mockImport<typeof import('../../src/probe/token.js')>('../../src/probe/token.js', { 'node:crypto': spy.module })
  const good = token.makeToken(SECRET, { ts: 1_700_000_000_000, nonce: NONCE, slot: 'bearer' })
  t.equal(token.signedTokensIn(SECRET, good).length, 1)
  const lastChar = good.slice(-1) === '0' ? '1' : '0'
  t.equal(token.signedTokensIn(SECRET, good.slice(0, -1) + lastChar).length, 0, 'a MAC wrong in its last character is refused')
  t.equal(spy.calls.length, 2, 'both comparisons went through timingSafeEqual')
  t.ok(spy.calls.every((c) => c.a === c.b), 'on equal-length buffers')
  t.equal(token.sameMac('abc', 'abcd'), false, 'a different length is refused without throwing')
})

t.test('tap answers: the answer MAC is compared with timingSafeEqual', async (t) => {
  const spy = spyCrypto()
  const answer = await t.mockImport<typeof import('../../src/probe/answer.js')>('../../src/probe/answer.js', {
    '../../src/probe/token.js': await t.mockImport('../../src/probe/token.js', { 'node:crypto': spy.module })
  })
  const signed = answer.signAnswer(SECRET, { hopwatch: answer.ANSWER_TAG, version: 1, nonce: NONCE, recognisedBy: 'marker', lines: [], headerNames: ['x-hopwatch-canary'] })
  t.not(answer.parseAnswer(SECRET, NONCE, JSON.stringify(signed)), null, 'a genuine answer is accepted')
  const forged = { ...signed, mac: signed.mac.slice(0, -1) + (signed.mac.endsWith('0') ? '1' : '0') }
  t.equal(answer.parseAnswer(SECRET, NONCE, JSON.stringify(forged)), null, 'a same-length forged MAC is refused')
  t.equal(answer.parseAnswer(SECRET, NONCE, JSON.stringify({ ...signed, mac: 'short' })), null, 'a short MAC is refused')
  t.equal(spy.calls.length, 2, 'the equal-length comparisons went through timingSafeEqual')
  t.ok(spy.calls.every((c) => c.a === c.b))
})

t.test('edge/origin pair stamps: compared with timingSafeEqual', async (t) => {
  const spy = spyCrypto()
  const pairing = await t.mockImport<typeof import('../../src/pairing/pairing.js')>('../../src/pairing/pairing.js', { 'node:crypto': spy.module })
  const p = pairing.createPairing()
  const stamp = p.stamp()
  t.equal(p.read([stamp.name, stamp.value]).status, 'valid')
  const forged = stamp.value.slice(0, -1) + (stamp.value.endsWith('0') ? '1' : '0')
  t.equal(p.read([stamp.name, forged]).status, 'forged')
  t.equal(spy.calls.length, 2)
  t.ok(spy.calls.every((c) => c.a === c.b))
})

t.test('the admin token: compared with timingSafeEqual on digests of equal length', async (t) => {
  const spy = spyCrypto()
  const admin = await t.mockImport<typeof import('../../src/proxy/admin.js')>('../../src/proxy/admin.js', { 'node:crypto': spy.module })
  const check = admin.tokenChecker('admin-token-value')
  t.equal(check('Bearer admin-token-value'), true)
  t.equal(check('Bearer admin-token-valuf'), false)
  t.equal(check('Bearer a'), false, 'a shorter token is compared the same way')
  t.equal(spy.calls.length, 3)
  t.ok(spy.calls.every((c) => c.a === 32 && c.b === 32), 'SHA-256 digests, 32 bytes each')
})
