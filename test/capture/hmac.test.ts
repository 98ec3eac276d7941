// The fingerprint hash is HMAC-SHA256 whichever way it is computed: the two-hash fast path
// (short 7-bit keys, the random per-process key) must agree with node:crypto's createHmac.
import t from 'tap'
import fc from 'fast-check'
import { createHmac } from 'node:crypto'
import { createHasher } from '../../src/capture/fingerprint.js'

const reference = (key: string, value: string): string => createHmac('sha256', Buffer.from(key, 'utf8')).update(value).digest('hex').slice(0, 16)

t.test('equals createHmac for ASCII keys up to one block, any value', async (t) => {
  fc.assert(fc.property(fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 64 }), fc.string({ unit: 'binary', maxLength: 400 }), (key, value) => {
    return createHasher(key)(value) === reference(key, value)
  }), { numRuns: 500 })
  t.pass('fast path agrees')
})

t.test('equals createHmac for long and non-ASCII keys (the createHmac path)', async (t) => {
  for (const key of ['k'.repeat(65), 'clé-de-test', 'ключ', '\u00ff'.repeat(10)]) {
    const hash = createHasher(key)
    for (const value of ['', 'Bearer abc', 'caf\u00e9', 'x'.repeat(5000)]) t.equal(hash(value), reference(key, value))
  }
})

t.test('the random key: stable within a process, different between hashers', async (t) => {
  const a = createHasher(null)
  const b = createHasher(null)
  t.equal(a('same value'), a('same value'))
  t.not(a('same value'), b('same value'))
  t.match(a('v'), /^[0-9a-f]{16}$/)
})
