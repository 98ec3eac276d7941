// Reads a config file, detects its dialect, parses it and splices its includes in place:
// nginx `include`, Apache `Include` / `IncludeOptional`, Caddy `import <file>`, VCL `include`,
// relative to the config prefix (nginx: the main file's directory; Apache: ServerRoot, else the
// main file's directory), globs allowed,
// directories read whole (Apache), cycles and runaway depth refused as problems.
import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs'
import { basename, dirname, isAbsolute, join, resolve } from 'node:path'
import { parseApache } from './apache-parser.js'
import { parseCaddy } from './caddy-parser.js'
import { detectDialect } from './detect.js'
import { expandGlob, hasWildcard } from './glob.js'
import { parseHaproxy } from './haproxy-parser.js'
import { parseIngress } from './ingress-parser.js'
import { parseNginx } from './nginx-parser.js'
import { ConfigFileError, readConfigFile } from './read-file.js'
import { parseVcl } from './vcl-parser.js'
import type { ConfNode, ConfTree, Dialect, ParseProblem, ParseResult } from './types.js'

const MAX_INCLUDE_DEPTH = 32
const MAX_FILES_PER_TREE = 5_000
const MAX_DIR_FILES = 5_000

const PARSERS: Record<Dialect, (text: string, file: string) => ParseResult> = { nginx: parseNginx, apache: parseApache, 'ingress-nginx': parseIngress, haproxy: parseHaproxy, caddy: parseCaddy, vcl: parseVcl }
const INCLUDE_KEYS: Record<Dialect, ReadonlySet<string>> = {
  nginx: new Set(['include']),
  apache: new Set(['include', 'includeoptional']),
  'ingress-nginx': new Set(),
  haproxy: new Set(),
  // Caddy's `import` names a snippet or a file (glob): followed when it looks like a path.
  caddy: new Set(['import']),
  vcl: new Set(['include'])
}

export interface LoadedTree {
  tree: ConfTree
  /** Real paths of the files pulled in by includes (not the main file). */
  included: Set<string>
}

function realOf (path: string): string {
  try { return realpathSync(path) } catch { return resolve(path) }
}

function filesUnder (dir: string, out: string[], depth = 0): void {
  if (depth > 8 || out.length >= MAX_DIR_FILES) return
  let names: string[]
  try { names = readdirSync(dir).sort() } catch { return }
  for (const name of names) {
    const full = join(dir, name)
    let isDir = false
    try { isDir = statSync(full).isDirectory() } catch { continue }
    if (isDir) filesUnder(full, out, depth + 1)
    else out.push(full)
    if (out.length >= MAX_DIR_FILES) return
  }
}

const MAIN_NAMES: Record<Dialect, readonly string[]> = { nginx: ['nginx.conf'], apache: ['apache2.conf', 'httpd.conf'], 'ingress-nginx': [], haproxy: ['haproxy.cfg'], caddy: ['Caddyfile'], vcl: ['default.vcl'] }
/** Folders whose files are included by a main config elsewhere: their relative includes resolve
 *  against that main config's folder, not their own. */
const DEPLOYED_DIRS = new Set(['sites-available', 'sites-enabled', 'conf.d', 'conf-available', 'conf-enabled', 'vhosts.d', 'snippets', 'mods-available', 'mods-enabled', 'http.d', 'default.d'])

/** --root: an absolute include path under `from` is read from `to` instead (a checked-out tree). */
export interface RootMap { from: string, to: string }

export interface LoadOptions {
  roots?: readonly RootMap[]
}

/** Maps an absolute include path through the longest matching root; null when none applies. */
export function mapRoot (path: string, roots: readonly RootMap[]): string | null {
  let best: RootMap | null = null
  for (const root of roots) {
    const from = root.from.endsWith('/') ? root.from : `${root.from}/`
    if ((path.startsWith(from) || path === root.from) && (best === null || root.from.length > best.from.length)) best = root
  }
  if (best === null) return null
  return join(best.to, path.slice(best.from.length))
}

function hasMainConfig (dir: string, dialect: Dialect): boolean {
  return MAIN_NAMES[dialect].some((name) => existsSync(join(dir, name)))
}

/** The main config's directory: the nearest ancestor (up to 3 levels) holding nginx.conf /
 *  apache2.conf / httpd.conf, so a snippet linted alone resolves includes like the server does. */
export function configPrefix (file: string, dialect: Dialect): string {
  let dir = dirname(file)
  for (let i = 0; i < 4; i++) {
    if (hasMainConfig(dir, dialect)) return dir
    const up = dirname(dir)
    if (up === dir) break
    dir = up
  }
  return dirname(file)
}

/** Parses `file` (whose text may be given) and everything it includes. Throws only if `file` itself is unreadable. */
export function loadTree (file: string, text?: string, dialectHint?: Dialect, opts: LoadOptions = {}): LoadedTree {
  const mainText = text ?? readConfigFile(file)
  const dialect = dialectHint ?? detectDialect(mainText, file)
  const mainReal = realOf(file)
  const problems: ParseProblem[] = []
  const files = [mainReal]
  const included = new Set<string>()
  const includeKeys = INCLUDE_KEYS[dialect]
  let prefix = configPrefix(resolve(file), dialect)
  const root: ConfNode = { name: '', key: '', args: [], children: [], parent: null, file, line: 1, column: 1 }

  const resolveInclude = (node: ConfNode): string[] => {
    const arg = node.args[0]
    if (arg === undefined || arg === '') return []
    if (dialect === 'caddy' && !/[/.*]/.test(arg)) return [] // `import snippet-name`
    const mapped = isAbsolute(arg) ? mapRoot(arg, opts.roots ?? []) : null
    const pattern = mapped ?? (isAbsolute(arg) ? arg : join(prefix, arg))
    const optional = node.key === 'includeoptional'
    const matches = expandGlob(pattern)
    if (matches.length === 0) {
      // Absolute and not mapped by --root, or relative to a main config that was not found: the
      // file lives where the config is deployed, not here.
      const elsewhere = isAbsolute(arg) ? mapped === null : (!hasMainConfig(prefix, dialect) && DEPLOYED_DIRS.has(basename(prefix)))
      const glob = hasWildcard(pattern)
      if (!glob || elsewhere) node.unresolved = true
      if (!optional && !(dialect === 'nginx' && glob)) {
        const against = mapped !== null ? `mapped by --root to ${mapped}` : isAbsolute(arg) ? 'an absolute path; pass --root DIR to map it onto a checked-out tree' : `resolved against ${prefix}`
        problems.push({ kind: 'include-missing', file: node.file, line: node.line, column: node.column, target: arg, elsewhere, message: `${node.name} target "${arg}" was not found (${against})` })
      }
      return []
    }
    const out: string[] = []
    for (const match of matches) {
      let isDir = false
      try { isDir = statSync(match).isDirectory() } catch { continue }
      if (isDir) { if (dialect === 'apache') filesUnder(match, out) } else out.push(match)
    }
    return out
  }

  const expand = (nodes: ConfNode[], parent: ConfNode, stack: string[]): ConfNode[] => {
    const out: ConfNode[] = []
    for (const node of nodes) {
      node.parent = parent
      out.push(node)
      if (node.children) node.children = expand(node.children, node, stack)
      if (dialect === 'apache' && node.key === 'serverroot' && node.args[0]) prefix = resolve(prefix, node.args[0])
      if (!includeKeys.has(node.key)) continue
      for (const target of resolveInclude(node)) {
        const real = realOf(target)
        if (stack.includes(real)) {
          problems.push({ kind: 'include-cycle', file: node.file, line: node.line, column: node.column, message: `${node.name} would include ${target} again while it is still being read (an include cycle); refused` })
          continue
        }
        if (stack.length >= MAX_INCLUDE_DEPTH || files.length >= MAX_FILES_PER_TREE) {
          problems.push({ kind: 'include-cycle', file: node.file, line: node.line, column: node.column, message: `includes nest deeper than ${MAX_INCLUDE_DEPTH} levels or read more than ${MAX_FILES_PER_TREE} files; stopped here` })
          continue
        }
        let body: string
        try { body = readConfigFile(target) } catch (err) {
          const why = err instanceof ConfigFileError ? ` ${err.message}` : ' could not be read'
          problems.push({ kind: 'unreadable', file: node.file, line: node.line, column: node.column, message: `${node.name} target ${target}${why}` })
          continue
        }
        included.add(real)
        files.push(real)
        const parsed = PARSERS[dialect](body, target)
        problems.push(...parsed.problems)
        out.push(...expand(parsed.nodes, parent, [...stack, real]))
      }
    }
    return out
  }

  const parsed = PARSERS[dialect](mainText, file)
  problems.push(...parsed.problems)
  root.children = expand(parsed.nodes, root, [mainReal])
  return { tree: { dialect, file, root, files, problems }, included }
}
