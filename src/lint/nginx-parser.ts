// A small NGINX config parser: tokens (words, quoted strings, `{`, `}`, `;`, comments) into
// ConfNode blocks. Tolerant: a syntax error becomes a ParseProblem and parsing carries on with
// what it has; it never throws. Lua blocks (`*_by_lua_block { ... }`) are kept opaque.
import type { ConfNode, ParseProblem, ParseResult } from './types.js'

interface Token {
  kind: 'word' | '{' | '}' | ';'
  value: string
  line: number
  column: number
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r' }
const PUNCT = new Set(['{', '}', ';'])
const MAX_TOKENS = 2_000_000

class Lexer {
  pos = 0
  line = 1
  col = 1
  constructor (readonly text: string, readonly file: string, readonly problems: ParseProblem[]) {}

  private advance (): string {
    const ch = this.text[this.pos++] ?? ''
    if (ch === '\n') { this.line++; this.col = 1 } else { this.col++ }
    return ch
  }

  private peek (offset = 0): string { return this.text[this.pos + offset] ?? '' }

  private atPlaceholder (): boolean {
    if (this.peek() !== '{' || this.peek(1) !== '{') return false
    const end = this.text.indexOf('}}', this.pos + 2)
    const newline = this.text.indexOf('\n', this.pos)
    return end !== -1 && (newline === -1 || end < newline)
  }

  next (): Token | null {
    for (;;) {
      const ch = this.peek()
      if (ch === '') return null
      if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n') { this.advance(); continue }
      if (ch === '#') { while (this.peek() !== '' && this.peek() !== '\n') this.advance(); continue }
      break
    }
    const line = this.line
    const column = this.col
    const ch = this.peek()
    if (PUNCT.has(ch) && !this.atPlaceholder()) { this.advance(); return { kind: ch as '{' | '}' | ';', value: ch, line, column } }
    if (ch === '"' || ch === "'") return { kind: 'word', value: this.quoted(ch, line, column), line, column }
    return { kind: 'word', value: this.bare(), line, column }
  }

  private quoted (quote: string, line: number, column: number): string {
    this.advance()
    let out = ''
    for (;;) {
      const ch = this.peek()
      if (ch === '') {
        this.problems.push({ kind: 'syntax', file: this.file, line, column, message: `unterminated ${quote === '"' ? 'double' : 'single'}-quoted string` })
        return out
      }
      this.advance()
      if (ch === quote) return out
      if (ch === '\\') {
        const esc = this.advance()
        out += esc === quote || esc === '\\' ? esc : (ESCAPES[esc] ?? `\\${esc}`)
        continue
      }
      out += ch
    }
  }

  private bare (): string {
    let out = ''
    for (;;) {
      const ch = this.peek()
      if (this.atPlaceholder()) {
        // {{NAME}} of a template (mustache, Helm, Jinja, our own samples): one opaque piece of word.
        while (this.peek() !== '' && !(this.peek() === '}' && this.peek(1) === '}') && this.peek() !== '\n') out += this.advance()
        if (this.peek() === '}') { out += this.advance(); out += this.advance() }
        continue
      }
      if (ch === '' || ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n' || PUNCT.has(ch)) return out
      if (ch === '\\' && this.peek(1) !== '') { this.advance(); out += this.advance(); continue }
      if (ch === '$' && this.peek(1) === '{') {
        // ${var}: braces belong to the variable, not to the block structure.
        while (this.peek() !== '' && this.peek() !== '}' && this.peek() !== '\n') out += this.advance()
        if (this.peek() === '}') out += this.advance()
        continue
      }
      out += this.advance()
    }
  }

  /** Skips a raw block body (Lua) up to its matching `}`. */
  skipRawBlock (line: number, column: number): void {
    let depth = 1
    while (depth > 0) {
      const ch = this.peek()
      if (ch === '') {
        this.problems.push({ kind: 'syntax', file: this.file, line, column, message: 'unexpected end of file: a Lua block is not closed with "}"' })
        return
      }
      if (ch === '"' || ch === "'") { this.quoted(ch, this.line, this.col); continue }
      if (ch === '-' && this.peek(1) === '-') { while (this.peek() !== '' && this.peek() !== '\n') this.advance(); continue }
      this.advance()
      if (ch === '{') depth++
      else if (ch === '}') depth--
    }
  }
}

function isRawBlock (name: string): boolean { return name.endsWith('_by_lua_block') || name.endsWith('_lua_block') }

export function parseNginx (text: string, file: string): ParseResult {
  const problems: ParseProblem[] = []
  const lexer = new Lexer(text, file, problems)
  const top: ConfNode[] = []
  const stack: Array<{ node: ConfNode | null, children: ConfNode[] }> = [{ node: null, children: top }]
  let words: Token[] = []

  const make = (children: ConfNode[] | null): ConfNode | null => {
    const first = words[0]
    if (!first) return null
    const frame = stack[stack.length - 1]
    const node: ConfNode = {
      name: first.value,
      key: first.value.toLowerCase(),
      args: words.slice(1).map((w) => w.value),
      children,
      parent: frame?.node ?? null,
      file,
      line: first.line,
      column: first.column
    }
    frame?.children.push(node)
    words = []
    return node
  }

  for (let count = 0; count < MAX_TOKENS; count++) {
    const token = lexer.next()
    if (!token) break
    if (token.kind === 'word') { words.push(token); continue }
    if (token.kind === ';') {
      if (words.length === 0) continue // a stray ';' is harmless
      make(null)
      continue
    }
    if (token.kind === '{') {
      if (words.length === 0) {
        problems.push({ kind: 'syntax', file, line: token.line, column: token.column, message: 'unexpected "{" without a directive name' })
      }
      const name = words[0]?.value ?? ''
      const node = make([]) ?? { name: '', key: '', args: [], children: [], parent: stack[stack.length - 1]?.node ?? null, file, line: token.line, column: token.column }
      if (isRawBlock(name)) { lexer.skipRawBlock(token.line, token.column); continue }
      stack.push({ node, children: node.children ?? [] })
      continue
    }
    // '}'
    if (words.length > 0) {
      const first = words[0]
      problems.push({ kind: 'syntax', file, line: first?.line ?? token.line, column: first?.column ?? token.column, message: 'the directive here is not terminated by ";" before "}"' })
      make(null)
    }
    if (stack.length <= 1) {
      problems.push({ kind: 'syntax', file, line: token.line, column: token.column, message: 'unexpected "}" with no block open' })
      continue
    }
    stack.pop()
  }

  const unterminated = problems.some((p) => p.message.startsWith('unterminated'))
  if (words.length > 0) {
    const first = words[0]
    // After an unterminated string the missing ';' is the same mistake: say it once.
    if (!unterminated) problems.push({ kind: 'syntax', file, line: first?.line ?? 1, column: first?.column ?? 1, message: 'unexpected end of file: the directive here is not terminated by ";"' })
    make(null)
  }
  for (let i = stack.length - 1; i >= 1; i--) {
    const open = stack[i]?.node
    if (open) problems.push({ kind: 'syntax', file, line: open.line, column: open.column, message: 'unexpected end of file: the block opened here is not closed with "}"' })
  }
  return { nodes: top, problems }
}
