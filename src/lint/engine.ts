// Lints files and folders: finds config files, loads each with its includes, lints only the
// roots (a file another one includes is linted in that context, once), runs every rule for the
// dialect and turns reports into findings. Never throws for a config's content.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { basename, extname, join } from 'node:path'
import { credentialHeaderSet } from '../capture/credential-names.js'
import { SEVERITY_ORDER, type Severity } from '../rules/meta.js'
import { pruneInactiveSections } from './apache-defines.js'
import { isIngressManifest } from './ingress-parser.js'
import { snippetTrees } from './ingress-snippets.js'
import { loadTree, type LoadedTree, type RootMap } from './load.js'
import { LINT_RULES } from './rules/index.js'
import { walk } from './tree.js'
import type { ConfNode, ConfTree, LintContext, LintFinding, LintRule } from './types.js'

const MAX_WALK_DEPTH = 8
const MAX_FILES = 50_000
const CONFIG_EXTENSIONS = new Set(['.conf', '.nginx', '.vhost', '.htaccess', '.nginxconf', '.vcl', '.caddy', '.caddyfile'])
const YAML_EXTENSIONS = new Set(['.yaml', '.yml'])
const EXTENSIONLESS_DIRS = new Set(['sites-available', 'sites-enabled', 'conf.d', 'vhosts.d', 'snippets'])
const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', 'coverage', '.tap'])

export interface LintOptions {
  /** Extra credential header names (--credential-header). */
  credentialHeaders?: readonly string[]
  /** Only these rule ids (tests); default all. */
  rules?: readonly LintRule[]
  /** --root: absolute include paths read from a checked-out tree. */
  roots?: readonly RootMap[]
}

export interface LintResult {
  findings: LintFinding[]
  /** Config files read, includes counted. */
  files: number
  /** Paths given that do not exist or cannot be read. */
  unreadable: string[]
  /** Includes whose file was not found: how many, and how many distinct targets (each target
   *  is reported once). */
  missingIncludes: { includes: number, targets: number }
}

function isConfigName (path: string): boolean {
  const ext = extname(path)
  if (CONFIG_EXTENSIONS.has(ext) || basename(path) === '.htaccess' || basename(path) === 'Caddyfile') return true
  if (ext === '.cfg' && /^haproxy/i.test(basename(path))) return true
  return ext === '' && EXTENSIONLESS_DIRS.has(basename(join(path, '..')))
}

/** YAML is linted only when it is an ingress-nginx Ingress manifest. */
function isIngressFile (path: string): boolean {
  if (!YAML_EXTENSIONS.has(extname(path).toLowerCase())) return false
  try { return isIngressManifest(readFileSync(path, 'utf8')) } catch { return false }
}

function collect (dir: string, out: string[], depth: number): void {
  if (depth > MAX_WALK_DEPTH || out.length >= MAX_FILES) return
  let names: string[]
  try { names = readdirSync(dir).sort() } catch { return }
  for (const name of names) {
    if (SKIP_DIRS.has(name)) continue
    const full = join(dir, name)
    let stat
    try { stat = statSync(full) } catch { continue }
    if (stat.isDirectory()) collect(full, out, depth + 1)
    else if (stat.isFile() && (isConfigName(full) || isIngressFile(full))) out.push(full)
    if (out.length >= MAX_FILES) return
  }
}

/** What a caller gives lintTree; the engine adds the directive index. */
export type BaseContext = Pick<LintContext, 'credentialHeaders'>

const NO_NODES: readonly ConfNode[] = []

/** One walk over the tree: every directive by key, document order. */
export function indexTree (tree: ConfTree): Map<string, ConfNode[]> {
  const index = new Map<string, ConfNode[]>()
  for (const node of walk(tree.root)) {
    const list = index.get(node.key)
    if (list) list.push(node)
    else index.set(node.key, [node])
  }
  return index
}

/** A finding as lintTree returns it: lintPaths shows those sharing a onceKey once per run. */
export type TreeFinding = LintFinding & { onceKey?: string }

export function lintTree (tree: ConfTree, base: BaseContext, rules: readonly LintRule[] = LINT_RULES): TreeFinding[] {
  const findings: TreeFinding[] = []
  if (tree.dialect === 'apache') pruneInactiveSections(tree.root)
  if (tree.dialect === 'ingress-nginx') for (const snippet of snippetTrees(tree)) findings.push(...lintTree(snippet, base, rules))
  const index = indexTree(tree)
  const ctx: LintContext = { credentialHeaders: base.credentialHeaders, nodes: (key) => index.get(key) ?? NO_NODES }
  for (const rule of rules) {
    if (rule.dialect !== 'any' && rule.dialect !== tree.dialect) continue
    // A rule that declared its directives is handed only trees that contain one of them.
    if (rule.directives && !rule.directives.some((key) => index.has(key))) continue
    let reports
    try { reports = rule.check(tree, ctx) } catch {
      // A rule bug must not hide the other rules' findings; say so instead of crashing.
      findings.push({ ruleId: rule.meta.id, messageId: 'rule-failed', severity: 'info', message: `rule ${rule.meta.id} failed on this file and was skipped`, file: tree.file, line: 1, column: 1, dialect: tree.dialect, fix: 'Report this as a hopwatch bug.', docs: rule.meta.docs })
      continue
    }
    for (const report of reports) {
      findings.push({
        ruleId: rule.meta.id,
        messageId: report.messageId ?? 'default',
        severity: report.severity ?? rule.meta.severity,
        message: report.message,
        file: report.where.file,
        line: report.where.line,
        column: report.where.column,
        dialect: tree.dialect,
        ...(report.header !== undefined ? { header: report.header } : {}),
        ...(report.onceKey !== undefined ? { onceKey: report.onceKey } : {}),
        fix: rule.meta.remediation[tree.dialect === 'vcl' ? 'varnish' : tree.dialect] ?? rule.meta.remediation.default ?? '',
        docs: rule.meta.docs
      })
    }
  }
  return findings
}

export function lintPaths (paths: readonly string[], opts: LintOptions = {}): LintResult {
  const ctx: BaseContext = { credentialHeaders: credentialHeaderSet(opts.credentialHeaders ?? []) }
  const unreadable: string[] = []
  const candidates: string[] = []
  for (const path of paths) {
    let stat
    try { stat = statSync(path) } catch { unreadable.push(path); continue }
    if (stat.isDirectory()) collect(path, candidates, 0)
    else if (!YAML_EXTENSIONS.has(extname(path).toLowerCase()) || isIngressFile(path)) candidates.push(path)
  }

  const loaded: LoadedTree[] = []
  for (const file of [...new Set(candidates)]) {
    let result: LoadedTree
    try { result = loadTree(file, undefined, undefined, { roots: opts.roots ?? [] }) } catch { unreadable.push(file); continue }
    loaded.push(result)
  }

  // A file another candidate includes is linted in that context, unless the two include each
  // other (a cycle), where both stay roots so the cycle is reported.
  const includers = new Map<string, LoadedTree[]>()
  for (const entry of loaded) {
    for (const real of entry.included) includers.set(real, [...(includers.get(real) ?? []), entry])
  }
  const seen = new Set<string>()
  const once = new Map<string, number>()
  const findings: LintFinding[] = []
  const filesRead = new Set<string>()
  for (const entry of loaded) {
    const { tree } = entry
    const main = tree.files[0] ?? tree.file
    const byOthers = (includers.get(main) ?? []).filter((other) => other !== entry && !entry.included.has(other.tree.files[0] ?? ''))
    if (byOthers.length > 0) continue
    for (const f of tree.files) filesRead.add(f)
    for (const finding of lintTree(tree, ctx, opts.rules)) {
      const key = `${finding.file}\0${finding.line}\0${finding.column}\0${finding.ruleId}\0${finding.header ?? ''}\0${finding.message}`
      if (seen.has(key)) continue
      seen.add(key)
      const { onceKey, ...shown } = finding
      if (onceKey !== undefined) {
        const group = `${finding.ruleId}\0${onceKey}`
        once.set(group, (once.get(group) ?? 0) + 1)
        if ((once.get(group) ?? 0) > 1) continue
      }
      findings.push(shown)
    }
  }
  const missingGroups = [...once.entries()].filter(([group]) => group.startsWith('config-include-missing\0'))
  findings.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.ruleId.localeCompare(b.ruleId))
  const missingIncludes = { includes: missingGroups.reduce((n, [, count]) => n + count, 0), targets: missingGroups.length }
  return { findings, files: filesRead.size, unreadable, missingIncludes }
}

export function atOrAbove (severity: Severity, threshold: Severity): boolean {
  return SEVERITY_ORDER[severity] <= SEVERITY_ORDER[threshold]
}
