// Fingerprints share the parts that repeat across users (src/capture/fingerprint.ts, jwt.ts): the
// value shape, claim texts and audience lists. Sharing must never mix two tokens' claims up.
import t from 'tap'
import { createHasher, fingerprint } from '../../src/capture/fingerprint.js'

const hash = createHasher('shared-parts-test')
const b64 = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url')
const jwt = (claims: object): string => `Bearer ${b64({ alg: 'RS256', kid: 'k1', typ: 'JWT' })}.${b64(claims)}.c2lnbmF0dXJl`

t.test('two users\' tokens: their own hashes, the same shape and claim objects', async (t) => {
  const a = fingerprint('authorization', jwt({ iss: 'https://idp.test', aud: 'api', sub: 'user-1', exp: 2 }), hash)
  const b = fingerprint('authorization', jwt({ iss: 'https://idp.test', aud: 'api', sub: 'user-2', exp: 3 }), hash)
  t.not(a.hash, b.hash)
  t.not(a.jwt?.subHash, b.jwt?.subHash)
  t.equal(a.shape, b.shape, 'one shape object')
  t.ok(Object.isFrozen(a.shape), 'frozen: nobody can change it for the others')
  t.equal(a.jwt?.aud, b.jwt?.aud, 'one audience list')
  t.same(a.jwt?.aud, ['api'])
  t.equal(b.jwt?.exp, 3, 'per-token claims stay per token')
})

t.test('a shape with flags differs from the plain one and is shared among its own kind', async (t) => {
  const plain = fingerprint('authorization', 'Bearer abc', hash)
  const spaced = fingerprint('authorization', 'Bearer  abc ', hash)
  const spaced2 = fingerprint('authorization', 'Bearer  xyz ', hash)
  t.not(plain.shape, spaced.shape)
  t.equal(spaced.shape, spaced2.shape)
  t.same(spaced.shape, { doubleSpace: true, leadingOrTrailingSpace: true, quoted: false, controlChars: false, emptyToken: false, joined: false })
  t.same(fingerprint('authorization', 'Bearer', hash).shape.emptyToken, true, 'a scheme alone: emptyToken, set before the shape is shared')
})

t.test('audience lists that would join to the same text stay apart', async (t) => {
  const lists = [['a\u0000b'], ['a', 'b'], ['1:a'], ['a:1'], ['ab'], ['a', 'b', '']]
  for (const aud of lists) {
    const fp = fingerprint('authorization', jwt({ aud, sub: 'x' }), hash)
    t.same(fp.jwt?.aud, aud, JSON.stringify(aud))
  }
})
