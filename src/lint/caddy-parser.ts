// Caddyfile parser: tokens (words, "quoted" with backslash escapes, `backquoted` raw strings),
// `#` comments at the start of a token, one directive per line. A line whose last token is `{`
// opens a block (a site block: the addresses are the node's name and args; the global options
// block `{` at the top; a snippet `(name) {`); a `}` token closes it. Never throws.
import type { ConfNode, ParseProblem, ParseResult } from './types.js'

interface Token { value: string, line: number, column: number, quoted: boolean, newlineBefore: boolean }

const MAX_TOKENS = 2_000_000
/** The name given to the global options block (`{ ... }` at the top of the file). */
export const CADDY_GLOBAL_OPTIONS = '{global}'

function tokenize (text: string, file: string, problems: ParseProblem[]): Token[] {
  const tokens: Token[] = []
  let i = 0
  let line = 1
  let col = 1
  let newline = true
  const step = (): string => {
    const ch = text[i++] ?? ''
    if (ch === '\n') { line++; col = 1 } else col++
    return ch
  }
  while (i < text.length && tokens.length < MAX_TOKENS) {
    const ch = text[i] ?? ''
    if (ch === '\n') { newline = true; step(); continue }
    if (ch === ' ' || ch === '\t' || ch === '\r') { step(); continue }
    if (ch === '\\' && (text[i + 1] === '\n' || (text[i + 1] === '\r' && text[i + 2] === '\n'))) { step(); if (text[i] === '\r') step(); step(); continue }
    if (ch === '#') { while (i < text.length && text[i] !== '\n') step(); continue }
    const startLine = line
    const column = col
    let value = ''
    let quoted = false
    if (ch === '"' || ch === '`') {
      quoted = true
      step()
      let closed = false
      while (i < text.length) {
        const c = step()
        if (c === ch) { closed = true; break }
        if (ch === '"' && c === '\\' && (text[i] === '"' || text[i] === '\\')) { value += step(); continue }
        value += c
      }
      if (!closed) problems.push({ kind: 'syntax', file, line: startLine, column, message: `unterminated ${ch === '"' ? 'quoted' : 'backquoted'} string` })
    } else {
      while (i < text.length && !/[\s]/.test(text[i] ?? '')) value += step()
    }
    tokens.push({ value, line: startLine, column, quoted, newlineBefore: newline })
    newline = false
  }
  return tokens
}

export function parseCaddy (text: string, file: string): ParseResult {
  const problems: ParseProblem[] = []
  const tokens = tokenize(text, file, problems)
  const root: ConfNode = { name: '', key: '', args: [], children: [], parent: null, file, line: 1, column: 1 }
  const stack: ConfNode[] = [root]
  let current: Token[] = []
  const flush = (opens: boolean): void => {
    const first = current[0]
    const parent = stack[stack.length - 1] ?? root
    if (first === undefined) {
      if (!opens) return
      // A bare `{`: the global options block when it comes first, else an anonymous block.
      const global = parent === root && (root.children ?? []).length === 0
      const name = global ? CADDY_GLOBAL_OPTIONS : '{'
      const node: ConfNode = { name, key: name, args: [], children: [], parent, file, line: 1, column: 1 }
      parent.children?.push(node)
      stack.push(node)
      return
    }
    const node: ConfNode = {
      name: first.value,
      key: first.value.toLowerCase(),
      args: current.slice(1).map((t) => t.value),
      children: opens ? [] : null,
      parent,
      file,
      line: first.line,
      column: first.column
    }
    parent.children?.push(node)
    if (opens) stack.push(node)
    current = []
  }
  let braceLine = 1
  for (const token of tokens) {
    if (token.newlineBefore && current.length > 0) flush(false)
    if (!token.quoted && token.value === '{') {
      braceLine = token.line
      flush(true)
      const opened = stack[stack.length - 1]
      if (opened && current.length === 0 && opened.name === CADDY_GLOBAL_OPTIONS) { opened.line = token.line; opened.column = token.column }
      continue
    }
    if (!token.quoted && token.value === '}') {
      flush(false)
      if (stack.length <= 1) problems.push({ kind: 'syntax', file, line: token.line, column: token.column, message: 'unexpected "}"' })
      else stack.pop()
      continue
    }
    current.push(token)
  }
  flush(false)
  if (stack.length > 1) problems.push({ kind: 'syntax', file, line: stack[stack.length - 1]?.line ?? braceLine, column: 1, message: 'unexpected end of file, expecting "}"' })
  const nodes = root.children ?? []
  for (const node of nodes) node.parent = null
  return { nodes, problems }
}
