// Fingerprints: what hopwatch keeps of a credential instead of its value.
import crypto, { createHmac, createSecretKey, randomBytes } from 'node:crypto'
import { KNOWN_SCHEMES, OTHER_SCHEME, SCHEMED_HEADERS } from './credential-names.js'
import { isWordLike } from './words.js'
import { decodeJwt } from './jwt.js'
import type { CookieFingerprint, Fingerprint, ValueShape } from './types.js'
import { detached } from './detach.js'
import { Lru } from './lru.js'
import { Doorkeeper } from './doorkeeper.js'

/** Hex characters of the HMAC kept: 64 bits, enough to tell tokens apart, useless to reverse. */
const HASH_CHARS = 16
/** A Cookie header with thousands of cookies keeps the first ones only (the count stays exact). */
const MAX_COOKIES = 100
const SCHEME = /^[A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*$/
/** What stands for a cookie sent without a name (`Cookie: abc123`): the text is a value. */
export const NAMELESS_COOKIE = '(none)'
/** What stands for a cookie name that does not read like words. */
const OTHER_COOKIE = '(other)'
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/
/** `, Bearer ` inside a value: a second credential appended with the list separator. */
const JOINED = /,\s*(?:bearer|basic|digest|dpop|negotiate|ntlm)\s/i

export type Hasher = (value: string) => string

const BLOCK = 64
const DIGEST = 32

/** A random key of 7-bit bytes: 32 of them carry 224 bits, and its HMAC pads are ASCII strings. */
function randomAsciiKey (): Buffer {
  const key = randomBytes(32)
  for (let i = 0; i < key.length; i++) key[i] = (key[i] as number) & 0x7f
  return key
}

/**
 * HMAC-SHA256 (RFC 2104) built from two one-shot SHA-256 calls, about half the cost of a
 * createHmac object per value. Only for keys of at most one block whose bytes are all below
 * 0x80: the inner pad is then an ASCII string, and `ipad + value` encodes (UTF-8, as
 * Hmac.update does) to exactly the bytes HMAC hashes. Null for any other key.
 */
function padHmac (key: Buffer): Hasher | null {
  if (typeof crypto.hash !== 'function' || key.length > BLOCK || key.some((b) => b >= 0x80)) return null
  const ipad = Buffer.alloc(BLOCK, 0x36)
  const outer = Buffer.alloc(BLOCK + DIGEST, 0x5c)
  for (let i = 0; i < key.length; i++) {
    ipad[i] = (key[i] as number) ^ 0x36
    outer[i] = (key[i] as number) ^ 0x5c
  }
  const inner = ipad.toString('latin1')
  return (value) => {
    // The inner digest as a 'binary' (latin1) string, one char per byte: cheaper than a Buffer result.
    outer.write(crypto.hash('sha256', inner + value, 'binary'), BLOCK, DIGEST, 'binary')
    return hexHead(crypto.hash('sha256', outer, 'binary'))
  }
}

const HEX = [...'0123456789abcdef'].map((c) => c.charCodeAt(0))
const hex = (byte: number, low: boolean): number => HEX[low ? byte & 15 : byte >> 4] as number

/**
 * The first HASH_CHARS hex characters of a 'binary' digest, as a flat string of their own. A
 * slice of the whole hex digest (`.slice(0, 16)`) is a view that keeps the 64-character digest
 * alive: a fingerprint outlives its request (store, cache), and with 20,000 users those views
 * and their digests were 1.5 MB of the old generation (heap snapshot of the cardinality mix).
 * String.fromCharCode with all the codes makes one plain string, at the cost of the slice.
 */
function hexHead (digest: string): string {
  // HASH_CHARS (16) characters: the first 8 bytes.
  const b0 = digest.charCodeAt(0)
  const b1 = digest.charCodeAt(1)
  const b2 = digest.charCodeAt(2)
  const b3 = digest.charCodeAt(3)
  const b4 = digest.charCodeAt(4)
  const b5 = digest.charCodeAt(5)
  const b6 = digest.charCodeAt(6)
  const b7 = digest.charCodeAt(7)
  return String.fromCharCode(
    hex(b0, false), hex(b0, true), hex(b1, false), hex(b1, true), hex(b2, false), hex(b2, true), hex(b3, false), hex(b3, true),
    hex(b4, false), hex(b4, true), hex(b5, false), hex(b5, true), hex(b6, false), hex(b6, true), hex(b7, false), hex(b7, true))
}

/** The label whose keyed hash identifies a key without revealing it. */
const KEY_ID_LABEL = 'hopwatch fingerprint key id v1'

/**
 * A non-secret id of the hasher's key: the keyed hash of a fixed label. Equal keys give equal
 * ids; the id tells no more about the key than any fingerprint in a report already does.
 */
export function fingerprintKeyId (hash: Hasher): string {
  return hash(KEY_ID_LABEL)
}

/** A keyed hash function; a random key per process unless one is configured. */
export function createHasher (key: string | null): Hasher {
  const raw = key === null ? randomAsciiKey() : Buffer.from(key, 'utf8')
  const fast = padHmac(raw)
  if (fast !== null) return fast
  // A KeyObject is made once: passing the raw key re-imports it on every call.
  const secret = createSecretKey(raw)
  return (value) => createHmac('sha256', secret).update(value).digest().toString('hex', 0, HASH_CHARS / 2)
}

/**
 * Fingerprints already made, per hasher and per kind of header (a value is read one way in
 * Cookie, another in Authorization-like headers, a third in the rest), keyed by the value's
 * keyed hash alone (never by the value: hopwatch keeps no credential beyond its request; a short
 * flat key costs the lookup little). The same token sent again costs one HMAC instead of a JWT
 * decode and a hash per cookie. The least recently used are forgotten first (a cache that
 * started afresh when full churned under 20,000 users). A value is let in on its second
 * sighting (doorkeeper.ts): one-off values no longer fill the old generation.
 */
const COOKIE = 0
const SCHEMED = 1
const OTHER = 2
/**
 * Entries per kind. Authorization-like headers (JWTs above all) get room for 20,000 users'
 * tokens in the Lru's young generation (half of it): building a JWT's fingerprint (decoding,
 * hashing `sub`) costs several times its keyed hash. A Cookie or API key fingerprint costs
 * little more than the hashes, and keeping 20,000 users' of them too made the cardinality mix's
 * RSS grow 12% from its first 100k requests to its last (bench, 1M-request run; 7.9% with
 * tokens alone): those caches stay small.
 */
const MAX_CACHED = [2048, 65536, 2048]
/**
 * And at most this many bytes of values behind them, per kind (34 MiB in all): a fingerprint
 * holds no more text than its value (cookie names, JWT claims), so this bounds the cache in
 * bytes, 64 KiB values included. It is a bound, not what is held: a JWT's fingerprint keeps
 * hashes and claim texts shared between users, far less than the token's bytes. 32 MiB of
 * Authorization-like values is 20,000 JWTs of 1.6 KB.
 */
const MAX_CACHED_BYTES = [1, 32, 1].map((mib) => mib * 1024 * 1024)
/**
 * A value is let in when it comes back within this many other values' first sightings of its
 * kind: about as long as its cache keeps a value, so nothing is let in to be dropped unused.
 */
const DOOR_WINDOW = MAX_CACHED.map((entries) => entries * 2)
/** A hasher's caches, one per kind, and what lets a fingerprint in (on its value's second sighting). */
interface Caches { kinds: Array<Lru<string, Fingerprint>>; doors: Doorkeeper[] }
const caches = new WeakMap<Hasher, Caches>()
const weigh = (fp: Fingerprint): number => fp.length

function cachesOf (hash: Hasher): Caches {
  let found = caches.get(hash)
  if (found === undefined) {
    found = {
      kinds: [COOKIE, SCHEMED, OTHER].map((kind) => new Lru<string, Fingerprint>(MAX_CACHED[kind] as number, MAX_CACHED_BYTES[kind] as number, weigh)),
      doors: [COOKIE, SCHEMED, OTHER].map((kind) => new Doorkeeper(DOOR_WINDOW[kind]))
    }
    caches.set(hash, found)
  }
  return found
}

export function shapeOf (value: string): ValueShape {
  return {
    doubleSpace: value.includes('  '),
    leadingOrTrailingSpace: value !== value.trim(),
    quoted: value.includes('"'),
    // eslint-disable-next-line no-control-regex
    controlChars: /[\x00-\x08\x0a-\x1f\x7f]/.test(value),
    emptyToken: false,
    // JOINED needs a comma: looking for one first is a fraction of the pattern's cost.
    joined: value.includes(',') && JOINED.test(value)
  }
}

function basicOf (token: string, hash: Hasher): Fingerprint['basic'] {
  if (!BASE64.test(token) || token.length % 4 !== 0) return { userHash: null, valid: false }
  const decoded = Buffer.from(token, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon < 0) return { userHash: null, valid: false }
  return { userHash: hash(decoded.slice(0, colon)), valid: true }
}

/** A cookie name kept for the report: at most 128 characters, never a slice of the Cookie value. */
function cookieName (name: string): string {
  return detached(name.length > 128 ? `${name.slice(0, 128)}…` : name)
}

export function cookiesOf (value: string, hash: Hasher): CookieFingerprint[] {
  const out: CookieFingerprint[] = []
  let start = 0
  while (start < value.length && out.length < MAX_COOKIES) {
    let end = value.indexOf(';', start)
    if (end < 0) end = value.length
    const pair = value.slice(start, end)
    const eq = pair.indexOf('=')
    // Without `=` the text is a value (browsers send `Cookie: abc` for a nameless cookie); a
    // kept name is copied out, as a slice would keep the whole Cookie value alive.
    const name = eq < 0 ? '' : pair.slice(0, eq).trim()
    const cookieValue = (eq < 0 ? pair : pair.slice(eq + 1)).trim()
    if (name !== '' || cookieValue !== '') {
      out.push({ name: name === '' ? NAMELESS_COOKIE : isWordLike(name) ? cookieName(name) : OTHER_COOKIE, hash: hash(cookieValue), length: cookieValue.length })
    }
    start = end + 1
  }
  return out
}

/**
 * Fingerprint one header line of credential header `key` (lower case). Never throws.
 * The result may be shared with other exchanges: treat it as read-only.
 */
export function fingerprint (key: string, value: string, hash: Hasher): Fingerprint {
  const valueHash = hash(value)
  const caches = cachesOf(hash)
  const kind = kindOf(key)
  const cache = caches.kinds[kind] as Lru<string, Fingerprint>
  const cached = cache.get(valueHash)
  if (cached !== undefined) return cached
  const fp = build(key, value, valueHash, hash)
  fp.shape = sharedShape(fp.shape)
  if ((caches.doors[kind] as Doorkeeper).seenBefore(valueHash)) cache.set(valueHash, fp)
  return fp
}

/**
 * Keep `fp` (made by fingerprint() for header `key`) in the cache now, first sighting or not:
 * the fingerprints of a shape's first exchange, so that its user's next requests get these very
 * objects and the memo's per-user work is reused (perArrived, src/capture/shape.ts).
 */
export function keepFingerprint (key: string, fp: Fingerprint, hash: Hasher): void {
  const cache = cachesOf(hash).kinds[kindOf(key)] as Lru<string, Fingerprint>
  if (cache.get(fp.hash) === undefined) cache.set(fp.hash, fp)
}

function kindOf (key: string): number {
  return key === 'cookie' ? COOKIE : SCHEMED_HEADERS.has(key) ? SCHEMED : OTHER
}

/** The 64 possible value shapes, each one frozen object shared by every fingerprint that has it. */
const SHAPES: Array<ValueShape | undefined> = []

/**
 * The shared object equal to `shape`: a fingerprint outlives its request in the store and the
 * cache, and one object fewer per credential value is one fewer promoted and swept.
 */
function sharedShape (shape: ValueShape): ValueShape {
  const bits = (shape.doubleSpace ? 1 : 0) | (shape.leadingOrTrailingSpace ? 2 : 0) | (shape.quoted ? 4 : 0) |
    (shape.controlChars ? 8 : 0) | (shape.emptyToken ? 16 : 0) | (shape.joined ? 32 : 0)
  return (SHAPES[bits] ??= Object.freeze({ ...shape }))
}

function build (key: string, value: string, valueHash: string, hash: Hasher): Fingerprint {
  const fp: Fingerprint = {
    scheme: null,
    length: Buffer.byteLength(value),
    hash: valueHash,
    shape: shapeOf(value)
  }
  if (key === 'cookie') {
    fp.cookies = cookiesOf(value, hash)
    return fp
  }
  let token = value.trim()
  if (SCHEMED_HEADERS.has(key)) {
    const space = token.indexOf(' ')
    const first = space < 0 ? token : token.slice(0, space)
    // The scheme is shown only when it is a known one: in `<token> Bearer` the first word is
    // the token. A lone word is a scheme without credentials only if it names a known scheme.
    const known = KNOWN_SCHEMES.has(first.toLowerCase())
    if (space > 0 && SCHEME.test(first)) {
      fp.scheme = known ? first : OTHER_SCHEME
      if (!known) fp.schemeLength = first.length
      token = token.slice(space + 1).trim()
    } else if (space < 0 && known) {
      fp.scheme = first
      token = ''
    }
    fp.shape.emptyToken = fp.scheme !== null && token === ''
    if (fp.scheme !== null && fp.scheme.toLowerCase() === 'basic' && token !== '') {
      fp.basic = basicOf(token, hash)
      return fp
    }
  }
  const jwt = decodeJwt(token, hash)
  if (jwt !== null) fp.jwt = jwt
  return fp
}
