// One credential line's fingerprint in words: scheme, length, keyed hash, JWT claims, cookie
// names. Built only from the Fingerprint, which never holds a value.
import type { Fingerprint, SeenHeader } from '../../capture/types.js'

const SHAPE_WORDS: ReadonlyArray<[keyof Fingerprint['shape'], string]> = [
  ['doubleSpace', 'double space'], ['leadingOrTrailingSpace', 'leading or trailing space'], ['quoted', 'quoted'],
  ['controlChars', 'control characters'], ['emptyToken', 'empty token'], ['joined', 'two credentials joined in one line']
]

const when = (seconds: number | null): string | null => seconds === null || !Number.isFinite(seconds) ? null : new Date(seconds * 1000).toISOString()

export function fingerprintText (fp: Fingerprint): string {
  const parts: string[] = []
  if (fp.scheme !== null) parts.push(fp.schemeLength === undefined ? fp.scheme : `${fp.scheme} (${fp.schemeLength} chars)`)
  parts.push(`${fp.length} bytes`, `#${fp.hash}`)
  if (fp.jwt !== undefined) {
    const j = fp.jwt
    const claims = [['alg', j.alg], ['kid', j.kid], ['typ', j.typ], ['iss', j.iss], ['aud', j.aud.length === 0 ? null : j.aud.join(',')],
      ['sub', j.subHash === null ? null : `#${j.subHash}`], ['exp', when(j.exp)], ['nbf', when(j.nbf)], ['iat', when(j.iat)]]
      .filter(([, v]) => v !== null).map(([k, v]) => `${k}=${v}`)
    parts.push(`JWT ${claims.join(' ')}`)
  }
  if (fp.basic !== undefined) parts.push(fp.basic.valid ? `Basic user #${fp.basic.userHash ?? '?'}` : 'Basic, not user:password in base64')
  if (fp.cookies !== undefined) parts.push(`cookies: ${fp.cookies.map((c) => `${c.name} (${c.length} bytes, #${c.hash})`).join(', ')}`)
  const shape = SHAPE_WORDS.filter(([key]) => fp.shape[key]).map(([, words]) => words)
  if (shape.length > 0) parts.push(`shape: ${shape.join(', ')}`)
  return parts.join(' · ')
}

/** One row per header line: raw name, line number, fingerprint text. */
export function headerLines (headers: readonly SeenHeader[]): Array<[string, string, string]> {
  const rows: Array<[string, string, string]> = []
  for (const h of headers) {
    const note = h.validName ? '' : ' (name proxies drop)'
    if (h.values.length === 0) rows.push([h.name + note, String(h.lines), ''])
    h.values.forEach((fp, i) => rows.push([h.name + note, `${i + 1} of ${h.lines}`, fingerprintText(fp)]))
  }
  return rows
}
