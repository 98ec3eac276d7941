// The import graph of a source folder, read with TypeScript's own pre-processor (static imports,
// `export ... from`, `import type`, and `import('...')` alike), and the circles in it.
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import ts from 'typescript'

/** File (relative to the root, with `/`) -> the files it imports inside the root. */
export type ImportGraph = Map<string, string[]>

const MAX_FILES = 5_000

function sourceFiles (dir: string, found: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (found.length >= MAX_FILES) throw new Error(`more than ${MAX_FILES} files under ${dir}`)
    const path = join(dir, entry.name)
    if (entry.isDirectory()) sourceFiles(path, found)
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) found.push(path)
  }
  return found
}

/** `./x.js` as written in an import, to the `.ts` file it names (NodeNext resolution). */
function target (from: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null
  const path = resolve(dirname(from), specifier)
  return path.endsWith('.js') ? path.slice(0, -3) + '.ts' : path
}

export function readGraph (root: string): ImportGraph {
  const files = sourceFiles(root)
  const known = new Set(files)
  const name = (path: string): string => relative(root, path).split(sep).join('/')
  const graph: ImportGraph = new Map()
  for (const file of files) {
    const imported = ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles
    const edges = new Set<string>()
    for (const { fileName } of imported) {
      const to = target(file, fileName)
      if (to !== null && known.has(to)) edges.add(name(to))
    }
    graph.set(name(file), [...edges].sort())
  }
  return graph
}

/**
 * The same graph between top-level folders (`diagnose/rules/x.ts` is in `diagnose`; a file at the
 * root is in `.`): a folder may use another only if that one never uses it back.
 */
export function folderGraph (graph: ImportGraph): ImportGraph {
  const folder = (file: string): string => file.includes('/') ? file.slice(0, file.indexOf('/')) : '.'
  const edges = new Map<string, Set<string>>()
  for (const [file, imports] of graph) {
    const from = folder(file)
    const set = edges.get(from) ?? new Set<string>()
    edges.set(from, set)
    for (const to of imports) if (folder(to) !== from) set.add(folder(to))
  }
  return new Map([...edges].map(([from, to]) => [from, [...to].sort()]))
}

/** The imports that join two folders, `from -> to` file by file (to say which lines make a folder circle). */
export function importsBetween (graph: ImportGraph, from: string, to: string): string[] {
  const lines: string[] = []
  for (const [file, imports] of graph) {
    if (!file.startsWith(`${from}/`)) continue
    for (const target of imports) if (target.startsWith(`${to}/`)) lines.push(`${file} -> ${target}`)
  }
  return lines
}

/**
 * Every circle, each once, as the path of files from its smallest name back to it
 * (Tarjan's strongly connected components, then one shortest circle through each file of a
 * component that is not yet on a reported circle).
 */
export function findCycles (graph: ImportGraph): string[][] {
  const cycles: string[][] = []
  const seen = new Set<string>()
  for (const component of components(graph)) {
    const inside = new Set(component)
    const single = component.length === 1 && (graph.get(component[0] ?? '') ?? []).includes(component[0] ?? '')
    if (component.length < 2 && !single) continue
    for (const start of [...component].sort()) {
      if (seen.has(start)) continue
      const circle = shortestBack(graph, start, inside)
      if (circle === null) continue
      for (const file of circle) seen.add(file)
      cycles.push(circle)
    }
  }
  return cycles
}

function shortestBack (graph: ImportGraph, start: string, inside: Set<string>): string[] | null {
  const previous = new Map<string, string>()
  let frontier = [start]
  for (let depth = 0; depth <= inside.size && frontier.length > 0; depth++) {
    const next: string[] = []
    for (const file of frontier) {
      for (const to of graph.get(file) ?? []) {
        if (!inside.has(to)) continue
        if (to === start) {
          const path = [start]
          for (let at = file; at !== start; at = previous.get(at) ?? start) path.splice(1, 0, at)
          return [...path, start]
        }
        if (previous.has(to)) continue
        previous.set(to, file)
        next.push(to)
      }
    }
    frontier = next
  }
  return null
}

/** Strongly connected components, iteratively (no recursion depth to run out of). */
function components (graph: ImportGraph): string[][] {
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const onStack = new Set<string>()
  const stack: string[] = []
  const found: string[][] = []
  let counter = 0
  for (const root of graph.keys()) {
    if (index.has(root)) continue
    const work: Array<{ file: string; next: number }> = [{ file: root, next: 0 }]
    index.set(root, counter); low.set(root, counter); counter++
    stack.push(root); onStack.add(root)
    while (work.length > 0) {
      const frame = work[work.length - 1]
      if (frame === undefined) break
      const edges = graph.get(frame.file) ?? []
      const to = edges[frame.next]
      if (to !== undefined) {
        frame.next++
        if (!index.has(to)) {
          index.set(to, counter); low.set(to, counter); counter++
          stack.push(to); onStack.add(to)
          work.push({ file: to, next: 0 })
        } else if (onStack.has(to)) {
          low.set(frame.file, Math.min(low.get(frame.file) ?? 0, index.get(to) ?? 0))
        }
        continue
      }
      work.pop()
      const parent = work[work.length - 1]
      if (parent !== undefined) low.set(parent.file, Math.min(low.get(parent.file) ?? 0, low.get(frame.file) ?? 0))
      if (low.get(frame.file) === index.get(frame.file)) {
        const component: string[] = []
        for (let guard = stack.length; guard > 0; guard--) {
          const file = stack.pop()
          if (file === undefined) break
          onStack.delete(file)
          component.push(file)
          if (file === frame.file) break
        }
        found.push(component)
      }
    }
  }
  return found
}
