// ingress-nginx copies the `*-snippet` annotations verbatim into the nginx config it generates,
// so each snippet is parsed as NGINX and linted by the NGINX rules, with lines mapped back to
// the manifest (a block scalar's first line is the line after its key).
import { parseNginx } from './nginx-parser.js'
import { walk } from './tree.js'
import type { ConfNode, ConfTree } from './types.js'

const SNIPPET = /^nginx\.ingress\.kubernetes\.io\/[a-z-]*snippet$/

export function snippetTrees (tree: ConfTree): ConfTree[] {
  const out: ConfTree[] = []
  for (const annotation of walk(tree.root)) {
    const text = annotation.args[0]
    if (annotation.children !== null || !SNIPPET.test(annotation.key) || text === undefined || text === '') continue
    const offset = annotation.args[1] === 'block' ? annotation.line : annotation.line - 1
    const parsed = parseNginx(text, tree.file)
    const root: ConfNode = { name: '', key: '', args: [], children: parsed.nodes, parent: null, file: tree.file, line: annotation.line, column: 1 }
    for (const node of parsed.nodes) node.parent = root
    for (const node of walk(root)) { node.line += offset; node.column += annotation.column + 1 }
    out.push({
      dialect: 'nginx',
      file: tree.file,
      root,
      files: tree.files,
      problems: parsed.problems.map((p) => ({ ...p, line: p.line + offset }))
    })
  }
  return out
}
