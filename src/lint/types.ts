// The one tree both parsers produce, and the shapes the lint rules and formats share.
import type { RuleMeta, Severity } from '../rules/meta.js'

/** `ingress-nginx`: Kubernetes Ingress manifests whose annotations make ingress-nginx generate config.
 *  `haproxy`: haproxy.cfg; `caddy`: a Caddyfile; `vcl`: Varnish VCL. */
export type Dialect = 'nginx' | 'apache' | 'ingress-nginx' | 'haproxy' | 'caddy' | 'vcl'

/** One directive; `children` is null for a simple directive, an array for a block/section. */
export interface ConfNode {
  /** Name as written (`proxy_set_header`, `RequestHeader`, `VirtualHost`). */
  name: string
  /** Lower-cased name, for matching (Apache names are case-insensitive). */
  key: string
  /** Arguments with quotes removed and escapes resolved. */
  args: string[]
  children: ConfNode[] | null
  parent: ConfNode | null
  file: string
  /** 1-based. */
  line: number
  /** 1-based. */
  column: number
  /** An include whose target was not found: what it would have set is unknown here. */
  unresolved?: boolean
}

export type ProblemKind = 'syntax' | 'include-cycle' | 'include-missing' | 'unreadable'

/** What a parser or the include loader could not make sense of. Never carries file content. */
export interface ParseProblem {
  kind: ProblemKind
  file: string
  line: number
  column: number
  message: string
  /** include-missing: the include's argument as written (reports are grouped by it). */
  target?: string
  /** include-missing: the target is expected to live elsewhere (absolute, or relative to a
   *  main config that is not part of what was linted), so a missing file is no fault here. */
  elsewhere?: boolean
}

export interface ParseResult {
  nodes: ConfNode[]
  problems: ParseProblem[]
}

/** A config with its includes spliced in where they were included. */
export interface ConfTree {
  dialect: Dialect
  /** The file linting started from. */
  file: string
  /** Synthetic root (key ''): its children are the top-level directives. */
  root: ConfNode
  /** Every file read for this tree (absolute, real paths), the main file first. */
  files: string[]
  problems: ParseProblem[]
}

export interface LintContext {
  /** Credential header names, lower case: built-in plus --credential-header. */
  credentialHeaders: ReadonlySet<string>
  /** The tree's directives by lower-case key, document order, gathered in one walk by the
   *  engine; a rule reads the keys it declared in `directives`. */
  nodes: (key: string) => readonly ConfNode[]
}

/** What a rule returns; the engine adds rule id, location and the fix. */
/** Where a report points: a ConfNode or a ParseProblem both fit. */
export interface Location {
  file: string
  line: number
  column: number
}

export interface LintReport {
  where: Location
  message: string
  /** Defaults to the rule's meta.severity. */
  severity?: Severity
  /** The header concerned (name only, never a value). */
  header?: string
  /** Stable id of the message (ESLint's messageId): tests match ids, not prose. */
  messageId?: string
  /** Reports sharing a key are shown once per run (the first); the others are counted. */
  onceKey?: string
}

export interface LintRule {
  meta: RuleMeta
  /** Which configs the rule reads. */
  dialect: Dialect | 'any'
  /** The directive keys the rule reads (lower case); the engine runs it only on trees that have
   *  one of them. Absent: the rule reads tree.problems or the whole tree and always runs. */
  directives?: readonly string[]
  check: (tree: ConfTree, ctx: LintContext) => LintReport[]
}

export interface LintFinding {
  ruleId: string
  severity: Severity
  message: string
  file: string
  line: number
  column: number
  dialect: Dialect
  header?: string
  /** Stable id of the message within the rule (`default` when the rule has one message). */
  messageId: string
  /** The remediation for this layer, from the rule's meta. */
  fix: string
  /** Path of the rule's docs page. */
  docs: string
}
