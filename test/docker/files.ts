// Readers for the deployment files, for the tests in test/docker: a small Dockerfile parser
// (instructions, stages, JSON-form commands), a .dockerignore matcher with Docker's rules
// (last matching pattern wins, a pattern matching a parent directory matches its files, `!`
// re-includes) and the YAML files of docker/.
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { parse, parseAllDocuments } from 'yaml'
import { ROOT } from '../helpers/cli.js'
import { SERVE_FLAGS } from '../../src/config/config.js'
import { HEALTH_ENV } from '../../src/cli/health.js'

export { ROOT }
export const DOCKER = join(ROOT, 'docker')

export interface Instruction { keyword: string; args: string; line: number }
export interface Stage { name: string; base: string; instructions: Instruction[] }

/** Instructions in order, continuation lines joined, comments and blank lines dropped. */
export function instructions (text: string): Instruction[] {
  const out: Instruction[] = []
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i] as string
    const start = i + 1
    if (/^\s*(#|$)/.test(line)) continue
    while (/\\\s*$/.test(line) && i + 1 < lines.length) {
      const next = lines[++i] as string
      line = line.replace(/\\\s*$/, ' ') + (/^\s*#/.test(next) ? '' : next.trim())
    }
    const match = /^\s*([A-Za-z]+)\s+(.*)$/.exec(line)
    if (match === null) throw new Error(`Dockerfile line ${start} is not an instruction`)
    out.push({ keyword: (match[1] as string).toUpperCase(), args: (match[2] as string).trim(), line: start })
  }
  return out
}

export function stages (all: Instruction[]): Stage[] {
  const out: Stage[] = []
  for (const ins of all) {
    if (ins.keyword === 'FROM') {
      const match = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(ins.args)
      if (match === null) throw new Error(`bad FROM on line ${ins.line}`)
      out.push({ base: match[1] as string, name: match[2] ?? String(out.length), instructions: [] })
    } else {
      out[out.length - 1]?.instructions.push(ins)
    }
  }
  return out
}

/** The JSON (exec) form of ENTRYPOINT/CMD/HEALTHCHECK CMD; throws on the shell form. */
export function execForm (args: string): string[] {
  const parsed: unknown = JSON.parse(args)
  if (!Array.isArray(parsed) || !parsed.every((s): s is string => typeof s === 'string')) throw new Error(`not an exec form: ${args}`)
  return parsed
}

/** COPY/ADD arguments: flags (--from=..., --chown=...) and the paths; the last path is the target. */
export function copyArgs (args: string): { flags: Record<string, string>; sources: string[]; target: string } {
  const words = args.startsWith('[') ? execForm(args) : args.split(/\s+/)
  const flags: Record<string, string> = {}
  const paths: string[] = []
  for (const word of words) {
    const flag = /^--([a-z-]+)(?:=(.*))?$/.exec(word)
    if (flag !== null) flags[flag[1] as string] = flag[2] ?? ''
    else paths.push(word)
  }
  return { flags, sources: paths.slice(0, -1), target: paths[paths.length - 1] ?? '' }
}

/** `ENV A=1 B=2` (and the legacy `ENV A 1`) as a record. */
export function envOf (args: string): Record<string, string> {
  const out: Record<string, string> = {}
  if (!args.includes('=')) {
    const [key, ...rest] = args.split(/\s+/)
    out[key as string] = rest.join(' ')
    return out
  }
  for (const match of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|\S*)/g)) {
    const raw = match[2] as string
    out[match[1] as string] = raw.startsWith('"') ? (JSON.parse(raw) as string) : raw
  }
  return out
}

// ---------- .dockerignore ----------

function globToRegExp (glob: string): RegExp {
  let out = ''
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string
    if (c === '*' && glob[i + 1] === '*') {
      out += glob[i + 2] === '/' ? '(?:.*/)?' : '.*'
      i += glob[i + 2] === '/' ? 2 : 1
    } else if (c === '*') out += '[^/]*'
    else if (c === '?') out += '[^/]'
    else out += c.replace(/[.+^${}()|[\]\\]/g, '\\$&')
  }
  return new RegExp(`^${out}$`)
}

export interface IgnoreRule { pattern: RegExp; negate: boolean; text: string }

export function dockerignore (text: string): IgnoreRule[] {
  return text.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#')).map((l) => {
    const negate = l.startsWith('!')
    const body = (negate ? l.slice(1) : l).replace(/^\/+|\/+$/g, '')
    return { pattern: globToRegExp(body), negate, text: l }
  })
}

/** True when Docker would leave `path` (relative to the context, with /) out of the context. */
export function ignored (rules: IgnoreRule[], path: string): boolean {
  const parts = path.split('/')
  const candidates = parts.map((_, i) => parts.slice(0, i + 1).join('/'))
  let out = false
  for (const rule of rules) {
    if (candidates.some((c) => rule.pattern.test(c))) out = !rule.negate
  }
  return out
}

// ---------- YAML and env vars ----------

export function readText (...path: string[]): string {
  return readFileSync(join(ROOT, ...path), 'utf8')
}

export function yamlFile (...path: string[]): unknown {
  return parse(readText(...path)) as unknown
}

/** Every YAML document of docker/kubernetes/, with its file name. */
export function kubernetesDocs (): Array<{ file: string; doc: Record<string, unknown> }> {
  const dir = join(DOCKER, 'kubernetes')
  const out: Array<{ file: string; doc: Record<string, unknown> }> = []
  for (const file of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort()) {
    for (const doc of parseAllDocuments(readFileSync(join(dir, file), 'utf8'))) {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]?.message ?? 'YAML error'}`)
      const value: unknown = doc.toJS()
      if (typeof value === 'object' && value !== null) out.push({ file, doc: value as Record<string, unknown> })
    }
  }
  return out
}

/** The env vars hopwatch reads: serve's flags, plus those of `hopwatch health` (the same). */
export function knownEnv (): Set<string> {
  return new Set([...Object.values(SERVE_FLAGS).map((f) => f.env), ...HEALTH_ENV])
}

export function hopwatchEnvNames (text: string): string[] {
  return [...new Set([...text.matchAll(/\bHOPWATCH_[A-Z0-9_]+/g)].map((m) => m[0]))]
}

/** Walk a parsed YAML value by keys; undefined when a step is missing. */
export function at (value: unknown, ...keys: Array<string | number>): unknown {
  let cur = value
  for (const key of keys) {
    if (typeof cur !== 'object' || cur === null) return undefined
    cur = (cur as Record<string | number, unknown>)[key]
  }
  return cur
}
