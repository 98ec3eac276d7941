// Varnish VCL parser, enough for the Authorization-related lines: C-like tokens (`#`, `//` and
// `/* */` comments; "..." and {"..."} strings; operators), statements ending in `;` and blocks
// (`sub vcl_recv { }`, `backend x { }`, `if (...) { } elsif (...) { } else { }`). A statement's
// first token is the node name and the rest its args: `set req.http.X = "v";` -> set
// [req.http.X, =, v]. Never throws; unbalanced braces and open strings become problems.
import type { ConfNode, ParseProblem, ParseResult } from './types.js'

interface Token { kind: 'word' | 'string' | '{' | '}' | ';' | 'op', value: string, line: number, column: number }

const MAX_TOKENS = 2_000_000
const OPERATOR_CHARS = '=!~&|<>+*%'
const WORD_END = /[\s{};"=!~&|<>+*,()]/

function tokenize (text: string, file: string, problems: ParseProblem[]): Token[] {
  const tokens: Token[] = []
  let i = 0
  let line = 1
  let col = 1
  const step = (n = 1): void => {
    for (let k = 0; k < n && i < text.length; k++) {
      if (text[i++] === '\n') { line++; col = 1 } else col++
    }
  }
  while (i < text.length && tokens.length < MAX_TOKENS) {
    const ch = text[i] ?? ''
    const next = text[i + 1] ?? ''
    if (/\s/.test(ch)) { step(); continue }
    if (ch === '#' || (ch === '/' && next === '/')) { while (i < text.length && text[i] !== '\n') step(); continue }
    const startLine = line
    const column = col
    if (ch === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2)
      if (end === -1) { problems.push({ kind: 'syntax', file, line, column, message: 'unterminated /* comment' }); break }
      step(end + 2 - i)
      continue
    }
    if (ch === '{' && next === '"') {
      const end = text.indexOf('"}', i + 2)
      if (end === -1) { problems.push({ kind: 'syntax', file, line, column, message: 'unterminated {" string' }); break }
      tokens.push({ kind: 'string', value: text.slice(i + 2, end), line, column })
      step(end + 2 - i)
      continue
    }
    if (ch === '"') {
      let end = i + 1
      while (end < text.length && text[end] !== '"' && text[end] !== '\n') end++
      if (text[end] !== '"') problems.push({ kind: 'syntax', file, line, column, message: 'unterminated quoted string' })
      tokens.push({ kind: 'string', value: text.slice(i + 1, end), line, column })
      step(end + 1 - i)
      continue
    }
    if (ch === '{' || ch === '}' || ch === ';') { tokens.push({ kind: ch, value: ch, line, column }); step(); continue }
    if ('(),'.includes(ch)) { tokens.push({ kind: 'op', value: ch, line, column }); step(); continue }
    if (OPERATOR_CHARS.includes(ch)) {
      let value = ''
      while (i < text.length && value.length < 3 && OPERATOR_CHARS.includes(text[i] ?? '(')) { value += text[i] ?? ''; step() }
      tokens.push({ kind: 'op', value, line: startLine, column })
      continue
    }
    let value = ''
    while (i < text.length && !WORD_END.test(text[i] ?? '') && !(text[i] === '/' && (text[i + 1] === '/' || text[i + 1] === '*'))) { value += text[i] ?? ''; step() }
    if (value === '') { value = ch; step() }
    tokens.push({ kind: 'word', value, line: startLine, column })
  }
  return tokens
}

export function parseVcl (text: string, file: string): ParseResult {
  const problems: ParseProblem[] = []
  const tokens = tokenize(text, file, problems)
  const root: ConfNode = { name: '', key: '', args: [], children: [], parent: null, file, line: 1, column: 1 }
  const stack: ConfNode[] = [root]
  let current: Token[] = []
  const make = (children: ConfNode[] | null): ConfNode | null => {
    const first = current[0]
    const parent = stack[stack.length - 1] ?? root
    current = []
    if (first === undefined) return null
    const node: ConfNode = { name: first.value, key: first.value.toLowerCase(), args: [], children, parent, file, line: first.line, column: first.column }
    return node
  }
  for (const token of tokens) {
    if (token.kind === ';') {
      const rest = current.slice(1).map((t) => t.value)
      const node = make(null)
      if (node) { node.args = rest; stack[stack.length - 1]?.children?.push(node) }
      continue
    }
    if (token.kind === '{') {
      const rest = current.slice(1).map((t) => t.value)
      const node = make([]) ?? { name: '{', key: '{', args: [], children: [], parent: stack[stack.length - 1] ?? root, file, line: token.line, column: token.column }
      node.args = rest
      stack[stack.length - 1]?.children?.push(node)
      stack.push(node)
      continue
    }
    if (token.kind === '}') {
      if (current.length > 0) {
        const first = current[0]
        problems.push({ kind: 'syntax', file, line: first?.line ?? token.line, column: first?.column ?? token.column, message: 'statement without ";" before "}"' })
        current = []
      }
      if (stack.length <= 1) problems.push({ kind: 'syntax', file, line: token.line, column: token.column, message: 'unexpected "}"' })
      else stack.pop()
      continue
    }
    current.push(token)
  }
  if (current.length > 0) {
    const first = current[0]
    problems.push({ kind: 'syntax', file, line: first?.line ?? 1, column: first?.column ?? 1, message: 'unexpected end of file, expecting ";"' })
  }
  if (stack.length > 1) {
    const open = stack[stack.length - 1]
    problems.push({ kind: 'syntax', file, line: open?.line ?? 1, column: open?.column ?? 1, message: 'unexpected end of file, expecting "}"' })
  }
  const nodes = root.children ?? []
  for (const node of nodes) node.parent = null
  return { nodes, problems }
}
