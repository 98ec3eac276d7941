// Just enough glob for `include conf.d/*.conf;` and `IncludeOptional sites-enabled/*.conf`:
// `*`, `?` and `[...]` within one path segment, results sorted like nginx and httpd sort them.
import { readdirSync, statSync } from 'node:fs'
import { isAbsolute, join, sep } from 'node:path'

const MAX_MATCHES = 10_000

export function hasWildcard (pattern: string): boolean { return /[*?[]/.test(pattern) }

function segmentRegExp (segment: string): RegExp {
  let out = ''
  for (let i = 0; i < segment.length; i++) {
    const ch = segment[i] ?? ''
    if (ch === '*') out += '[^/]*'
    else if (ch === '?') out += '[^/]'
    else if (ch === '[') {
      const end = segment.indexOf(']', i + 1)
      if (end === -1) { out += '\\['; continue }
      out += `[${segment.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`
      i = end
    } else out += ch.replace(/[.+^${}()|\\]/g, '\\$&')
  }
  return new RegExp(`^${out}$`)
}

function isDir (path: string): boolean {
  try { return statSync(path).isDirectory() } catch { return false }
}

/** Absolute pattern in, sorted absolute paths out (files and directories that exist). */
export function expandGlob (pattern: string): string[] {
  if (!isAbsolute(pattern)) throw new Error('expandGlob needs an absolute pattern')
  const segments = pattern.split(sep).filter((s) => s !== '')
  let current: string[] = [sep]
  for (const segment of segments) {
    const next: string[] = []
    if (!hasWildcard(segment)) {
      for (const base of current) next.push(join(base, segment))
    } else {
      const re = segmentRegExp(segment)
      for (const base of current) {
        let names: string[]
        try { names = readdirSync(base) } catch { continue }
        for (const name of names.sort()) {
          if (name.startsWith('.') && !segment.startsWith('.')) continue
          if (re.test(name)) next.push(join(base, name))
          if (next.length >= MAX_MATCHES) break
        }
      }
    }
    current = next
    if (current.length === 0) return []
  }
  return current.filter((p) => hasWildcard(pattern) ? true : isDir(p) || exists(p)).sort()
}

function exists (path: string): boolean {
  try { statSync(path); return true } catch { return false }
}
