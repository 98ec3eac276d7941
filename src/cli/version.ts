// The package version, found by walking up from this file to hopwatch's package.json
// (works from src/ under tap and from dist/src/ once built).
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export function packageVersion (): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string }
      if (pkg.name === 'hopwatch' && typeof pkg.version === 'string') return pkg.version
    } catch { /* not here: go up */ }
    dir = dirname(dir)
  }
  return 'unknown'
}
