// A small Apache httpd config parser: logical lines (with `\` continuation), `#` comment lines,
// `<Section args>` ... `</Section>` blocks and directives with quoted arguments, into ConfNode.
// Tolerant: mismatched or unclosed sections become ParseProblems; it never throws.
import type { ConfNode, ParseProblem, ParseResult } from './types.js'

const MAX_LINES = 2_000_000

/** Splits arguments like ap_getword_conf: whitespace, "double" or 'single' quotes, \-escaped quotes. */
export function splitApacheArgs (text: string): string[] {
  const out: string[] = []
  let i = 0
  while (i < text.length) {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++
    if (i >= text.length) break
    const quote = text[i]
    let word = ''
    if (quote === '"' || quote === "'") {
      i++
      while (i < text.length && text[i] !== quote) {
        if (text[i] === '\\' && (text[i + 1] === quote || text[i + 1] === '\\')) i++
        word += text[i]
        i++
      }
      i++ // closing quote (or end)
    } else {
      while (i < text.length && text[i] !== ' ' && text[i] !== '\t') { word += text[i]; i++ }
    }
    out.push(word)
  }
  return out
}

export function parseApache (text: string, file: string): ParseResult {
  const problems: ParseProblem[] = []
  const top: ConfNode[] = []
  const stack: Array<{ node: ConfNode | null, children: ConfNode[] }> = [{ node: null, children: top }]
  const lines = text.split('\n')
  let index = 0

  while (index < lines.length && index < MAX_LINES) {
    const startLine = index + 1
    let logical = (lines[index] ?? '').replace(/\r$/, '')
    index++
    while (logical.endsWith('\\') && index < lines.length) {
      logical = logical.slice(0, -1) + ' ' + (lines[index] ?? '').replace(/\r$/, '')
      index++
    }
    const trimmed = logical.trim()
    if (trimmed === '' || trimmed.startsWith('#')) continue
    const column = logical.length - logical.trimStart().length + 1
    const frame = stack[stack.length - 1]

    if (trimmed.startsWith('</')) {
      const name = trimmed.slice(2).replace(/>\s*$/, '').trim()
      const open = frame?.node
      if (!open || stack.length <= 1) {
        problems.push({ kind: 'syntax', file, line: startLine, column, message: 'this closing tag has no matching opening section' })
        continue
      }
      if (open.key !== name.toLowerCase()) {
        problems.push({ kind: 'syntax', file, line: startLine, column, message: `this closing tag does not match the section opened on line ${open.line}` })
      }
      stack.pop()
      continue
    }

    if (trimmed.startsWith('<')) {
      if (!trimmed.endsWith('>')) {
        problems.push({ kind: 'syntax', file, line: startLine, column, message: 'section opening is missing its closing ">"' })
      }
      const inner = trimmed.slice(1).replace(/>\s*$/, '')
      const parts = splitApacheArgs(inner)
      const name = parts[0] ?? ''
      const node: ConfNode = { name, key: name.toLowerCase(), args: parts.slice(1), children: [], parent: frame?.node ?? null, file, line: startLine, column }
      frame?.children.push(node)
      stack.push({ node, children: node.children ?? [] })
      continue
    }

    const parts = splitApacheArgs(trimmed)
    const name = parts[0] ?? ''
    frame?.children.push({ name, key: name.toLowerCase(), args: parts.slice(1), children: null, parent: frame.node, file, line: startLine, column })
  }

  for (let i = stack.length - 1; i >= 1; i--) {
    const open = stack[i]?.node
    if (open) problems.push({ kind: 'syntax', file, line: open.line, column: open.column, message: 'the section opened here is not closed before the end of the file' })
  }
  return { nodes: top, problems }
}
