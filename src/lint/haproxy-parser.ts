// HAProxy config parser: line based. A section keyword at the start of a line (global, defaults,
// frontend, backend, listen, ...) opens a section whose children are the lines that follow, up
// to the next section. Words split on whitespace; "..." (backslash escapes) and '...' (literal)
// quoting; `#` outside quotes starts a comment. Never throws; an unterminated quote is a problem.
import type { ConfNode, ParseProblem, ParseResult } from './types.js'

export const HAPROXY_SECTIONS: ReadonlySet<string> = new Set([
  'global', 'defaults', 'frontend', 'backend', 'listen', 'peers', 'resolvers', 'userlist',
  'mailers', 'program', 'http-errors', 'ring', 'cache', 'fcgi-app', 'log-forward', 'crt-store', 'traces'
])

const MAX_LINES = 1_000_000

interface Word { value: string, column: number }

/** The words of one line; `problem` is set when a quote is left open. */
function splitLine (line: string): { words: Word[], open: boolean } {
  const words: Word[] = []
  let i = 0
  let open = false
  while (i < line.length) {
    while (i < line.length && (line[i] === ' ' || line[i] === '\t' || line[i] === '\r')) i++
    if (i >= line.length || line[i] === '#') break
    const column = i + 1
    let value = ''
    while (i < line.length && line[i] !== ' ' && line[i] !== '\t' && line[i] !== '\r' && line[i] !== '#') {
      const ch = line[i] ?? ''
      if (ch === '\\' && i + 1 < line.length) { value += line[i + 1] ?? ''; i += 2; continue }
      if (ch === '"' || ch === "'") {
        const close = line.indexOf(ch, i + 1)
        let j = i + 1
        if (ch === '"') {
          // Backslash escapes inside double quotes.
          for (; j < line.length && line[j] !== '"'; j++) {
            if (line[j] === '\\' && j + 1 < line.length) { value += line[j + 1] ?? ''; j++ } else value += line[j] ?? ''
          }
          if (j >= line.length) { open = true; i = line.length; break }
          i = j + 1
          continue
        }
        if (close === -1) { value += line.slice(i + 1); open = true; i = line.length; break }
        value += line.slice(i + 1, close)
        i = close + 1
        continue
      }
      value += ch
      i++
    }
    words.push({ value, column })
  }
  return { words, open }
}

export function parseHaproxy (text: string, file: string): ParseResult {
  const nodes: ConfNode[] = []
  const problems: ParseProblem[] = []
  let section: ConfNode | null = null
  const lines = text.split('\n')
  for (let n = 0; n < lines.length && n < MAX_LINES; n++) {
    const { words, open } = splitLine(lines[n] ?? '')
    if (open) problems.push({ kind: 'syntax', file, line: n + 1, column: 1, message: 'unterminated quoted string' })
    const first = words[0]
    if (first === undefined) continue
    const node: ConfNode = {
      name: first.value,
      key: first.value.toLowerCase(),
      args: words.slice(1).map((w) => w.value),
      children: null,
      parent: null,
      file,
      line: n + 1,
      column: first.column
    }
    if (HAPROXY_SECTIONS.has(node.key)) {
      node.children = []
      nodes.push(node)
      section = node
    } else if (section?.children) {
      node.parent = section
      section.children.push(node)
    } else nodes.push(node)
  }
  return { nodes, problems }
}
