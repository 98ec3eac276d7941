// A curl command that reproduces an exchange's request shape with placeholders for secrets.
import type { Exchange, SeenHeader } from '../capture/types.js'

function quote (text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`
}

function placeholder (h: SeenHeader, index: number): string {
  const fp = h.values[index]
  if (fp === undefined) return '<value>'
  if (fp.cookies !== undefined) return fp.cookies.map((c) => `${c.name}=<${c.name}>`).join('; ')
  const what = `<${h.key}: ${fp.length} bytes, #${fp.hash}>`
  return fp.scheme === null ? what : `${fp.scheme} ${what}`
}

export function redactedCurl (ex: Exchange, base = 'http://HOPWATCH_HOST'): string {
  const query = ex.queryKeys.length === 0 ? '' : '?' + ex.queryKeys.map((k) => `${encodeURIComponent(k)}=<${k}>`).join('&')
  const parts = ['curl', '-X', ex.method, quote(base + ex.path + query)]
  for (const h of ex.arrived) {
    for (let i = 0; i < h.lines; i++) parts.push('-H', quote(`${h.name}: ${placeholder(h, i)}`))
  }
  return parts.join(' ')
}
