// Small queries over the ConfNode tree, shared by the rules.
import type { ConfNode } from './types.js'

const MAX_NODES = 5_000_000

/** Depth-first, document order, the root itself excluded. */
export function * walk (root: ConfNode): Generator<ConfNode> {
  const stack: ConfNode[] = [...(root.children ?? [])].reverse()
  let seen = 0
  while (stack.length > 0 && seen++ < MAX_NODES) {
    const node = stack.pop()
    if (!node) break
    yield node
    if (node.children) for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i] as ConfNode)
  }
}

export function findAll (root: ConfNode, keys: ReadonlySet<string> | string): ConfNode[] {
  const out: ConfNode[] = []
  for (const node of walk(root)) if (typeof keys === 'string' ? node.key === keys : keys.has(node.key)) out.push(node)
  return out
}

/** Directives directly inside `block` (includes already spliced in). */
export function childrenOf (block: ConfNode, key: string): ConfNode[] {
  return (block.children ?? []).filter((c) => c.key === key)
}

/** Nearest ancestor (not the node itself) whose key is in `keys`; the synthetic root has key ''. */
export function enclosing (node: ConfNode, keys: ReadonlySet<string>): ConfNode | null {
  let current = node.parent
  for (let i = 0; current && i < 1_000; i++) {
    if (keys.has(current.key)) return current
    current = current.parent
  }
  return null
}

/** The directive `key` as it applies at `block`: its own, else the nearest ancestor's (last wins). */
export function effective (block: ConfNode, key: string): ConfNode | null {
  let current: ConfNode | null = block
  for (let i = 0; current && i < 1_000; i++) {
    const own = childrenOf(current, key)
    if (own.length > 0) return own[own.length - 1] ?? null
    current = current.parent
  }
  return null
}

export function sameHeader (a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase()
}

/** Describes a configured header value without ever repeating it. */
export function describeValue (value: string): string {
  if (value === '') return 'an empty value'
  const variables = value.match(/\$\{?[A-Za-z0-9_]+\}?|%\{[^}]+\}[a-z]?/g) ?? []
  if (variables.length === 0) return `a fixed value (${value.length} characters)`
  return `a value built from ${[...new Set(variables)].join(', ')}`
}

/** True when the value is a variable-free literal (nginx `$x`, Apache `%{X}e`). */
export function isLiteral (value: string): boolean {
  return !/\$\{?[A-Za-z0-9_]+|%\{[^}]+\}/.test(value)
}
