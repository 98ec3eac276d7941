// A curl command that reproduces an exchange's request shape with placeholders for secrets.
// Everything in it comes from the exchange, which holds folded paths and names only.
import { OTHER_SCHEME } from '../capture/credential-names.js'
import { NAMELESS_COOKIE } from '../capture/fingerprint.js'
import type { CookieFingerprint, Exchange, SeenHeader } from '../capture/types.js'

function quote (text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`
}

function placeholder (h: SeenHeader, index: number): string {
  const fp = h.values[index]
  if (fp === undefined) return '<value>'
  if (fp.cookies !== undefined) return fp.cookies.map(cookie).join('; ')
  const what = `<${h.key}: ${fp.length} bytes, #${fp.hash}>`
  if (fp.scheme === null) return what
  return `${fp.scheme === OTHER_SCHEME ? `<scheme: ${fp.schemeLength ?? 0} chars>` : fp.scheme} ${what}`
}

function cookie (c: CookieFingerprint): string {
  if (c.name === NAMELESS_COOKIE) return `<nameless cookie: ${c.length} bytes>`
  return `${c.name}=<${c.name}>`
}

/** `name=<name>` per parameter; a nameless part (a value alone) as `<value>`. */
function queryOf (names: readonly string[]): string {
  if (names.length === 0) return ''
  return '?' + names.map((k) => k === '…' ? '<value>' : `${encodeURIComponent(k)}=<${k}>`).join('&')
}

export function redactedCurl (ex: Exchange, base = 'http://HOPWATCH_HOST'): string {
  const parts = ['curl', '-X', ex.method, quote(base + ex.path + queryOf(ex.queryKeys))]
  for (const h of ex.arrived) {
    for (let i = 0; i < h.lines; i++) parts.push('-H', quote(`${h.name}: ${placeholder(h, i)}`))
  }
  return parts.join(' ')
}
