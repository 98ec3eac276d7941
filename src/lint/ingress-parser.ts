// Kubernetes Ingress manifests for ingress-nginx: just enough YAML to read each document's
// metadata.name and metadata.annotations (plain, quoted and `|` block values) into ConfNodes:
// one `ingress` block per document, one child per annotation (name = key, args = [value], plus
// 'block' when the value was a `|` / `>` block scalar starting on the next line).
import type { ConfNode, ParseResult } from './types.js'

const MAX_LINES = 200_000

export function isIngressManifest (text: string): boolean {
  return /^kind:\s*["']?Ingress["']?\s*$/m.test(text) && /nginx\.ingress\.kubernetes\.io\/|ingressClassName:\s*nginx|kubernetes\.io\/ingress\.class:\s*["']?nginx/m.test(text)
}

function indentOf (line: string): number { return line.length - line.trimStart().length }

function unquote (value: string): string {
  const v = value.trim()
  if (v.length >= 2 && ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'")))) {
    return v.startsWith('"') ? v.slice(1, -1).replace(/\\"/g, '"').replace(/\\\\/g, '\\') : v.slice(1, -1).replace(/''/g, "'")
  }
  return v.replace(/\s+#.*$/, '')
}

export function parseIngress (text: string, file: string): ParseResult {
  const lines = text.split('\n').slice(0, MAX_LINES)
  const nodes: ConfNode[] = []
  let doc: ConfNode | null = null
  let inMetadata = -1
  let annotationsIndent = -1
  const newDoc = (line: number): ConfNode => {
    const node: ConfNode = { name: 'ingress', key: 'ingress', args: [], children: [], parent: null, file, line, column: 1 }
    nodes.push(node)
    return node
  }
  for (let i = 0; i < lines.length; i++) {
    const raw = (lines[i] ?? '').replace(/\r$/, '')
    if (/^---/.test(raw)) { doc = null; inMetadata = -1; annotationsIndent = -1; continue }
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) continue
    const indent = indentOf(raw)
    const m = /^(\s*)([A-Za-z0-9_./-]+|"[^"]+"|'[^']+'):(?:\s+(.*))?$/.exec(raw)
    if (annotationsIndent >= 0 && indent <= annotationsIndent) annotationsIndent = -1
    if (inMetadata >= 0 && indent <= inMetadata) inMetadata = -1
    if (!m) continue
    const key = unquote(m[2] ?? '')
    const rest = m[3] ?? ''
    if (indent === 0 && key === 'metadata') { doc ??= newDoc(i + 1); inMetadata = 0; continue }
    if (indent === 0 && key === 'kind') { doc ??= newDoc(i + 1); continue }
    if (inMetadata >= 0 && annotationsIndent < 0 && key === 'name' && doc && doc.args.length === 0) { doc.args.push(unquote(rest)); continue }
    if (inMetadata >= 0 && key === 'annotations') { annotationsIndent = indent; continue }
    if (annotationsIndent < 0 || !doc) continue
    const keyLine = i + 1
    let value = unquote(rest)
    const block = /^[|>][-+]?$/.test(rest.trim())
    if (block) {
      // Block scalar: the following, more indented lines (snippets span several lines).
      const body: string[] = []
      for (let j = i + 1; j < lines.length; j++) {
        const next = (lines[j] ?? '').replace(/\r$/, '')
        if (next.trim() !== '' && indentOf(next) <= indent) break
        body.push(next.trim())
        i = j
      }
      value = body.join('\n').trim()
    }
    doc.children?.push({ name: key, key: key.toLowerCase(), args: block ? [value, 'block'] : [value], children: null, parent: doc, file, line: keyLine, column: indent + 1 })
  }
  return { nodes, problems: [] }
}
