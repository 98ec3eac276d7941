// No import circle in src/, between files or between top-level folders (capture may not use
// store while store uses capture). The walker is proven on fixtures with known circles first,
// so a pass on src/ means "no circle", not "nothing read".
import t from 'tap'
import { join } from 'node:path'
import { ROOT } from '../helpers/cli.js'
import { findCycles, folderGraph, importsBetween, readGraph } from './import-graph.js'

t.test('finds the circles it is given, however they are written', async (t) => {
  const dir = t.testdir({
    'two.ts': "import type { B } from './b.js'\nexport type A = B | 1\n",
    'b.ts': "export {\n  type A as B\n} from './two.js'\n",
    'three': {
      'x.ts': "import { y } from './y.js'\nexport const x = y\n",
      'y.ts': "export const y = async () => (await import('./z.js')).z\n",
      'z.ts': "import './x.js'\nexport const z = 1\n"
    },
    'self.ts': "import { self } from './self.js'\nexport const again = self\nexport const self = 1\n",
    'capture': { 'exchange.ts': "import { fold } from '../store/routes.js'\nexport const build = fold\n", 'words.ts': 'export const word = 1\n' },
    'store': { 'routes.ts': "import { word } from '../capture/words.js'\nexport const fold = word\n" },
    'fine': {
      'a.ts': "import { b } from './b.js'\nimport { readFileSync } from 'node:fs'\nexport const a = [b, readFileSync]\n",
      'b.ts': "// import { a } from './a.js' (a comment is not an import)\nexport const b = 'import \"./a.js\"'\n"
    }
  })
  const graph = readGraph(dir)
  t.same(graph.get('fine/a.ts'), ['fine/b.ts'], 'package imports and unknown files are left out')
  t.same(graph.get('fine/b.ts'), [], 'comments and strings are not imports')
  const cycles = findCycles(graph).map((c) => c.join(' -> ')).sort()
  t.same(cycles, [
    'b.ts -> two.ts -> b.ts',
    'self.ts -> self.ts',
    'three/x.ts -> three/y.ts -> three/z.ts -> three/x.ts'
  ], 'import type, export from, dynamic and bare imports all count')

  const folders = folderGraph(graph)
  t.same(findCycles(folders), [['capture', 'store', 'capture']], 'no file circle, but a folder circle')
  t.same(importsBetween(graph, 'store', 'capture'), ['store/routes.ts -> capture/words.ts'])
})

t.test('finds one circle per file in a bigger knot, and none in a long chain', async (t) => {
  const knot = new Map<string, string[]>()
  const size = 200
  for (let i = 0; i < size; i++) knot.set(`f${i}`, [`f${(i + 1) % size}`, `f${(i + 7) % size}`])
  const cycles = findCycles(knot)
  t.ok(cycles.length >= 1)
  const broken = cycles.filter((c) => c[0] !== c[c.length - 1] || c.some((file, i) => i + 1 < c.length && !(knot.get(file) ?? []).includes(c[i + 1] ?? '')))
  t.same(broken, [], 'each circle ends where it starts, and each step is an import')
  const chain = new Map<string, string[]>()
  for (let i = 0; i < 10_000; i++) chain.set(`f${i}`, i + 1 < 10_000 ? [`f${i + 1}`] : [])
  t.same(findCycles(chain), [], 'a chain of 10,000 files is no circle (and no stack overflow)')
})

t.test('src/ has no import circle, between files or between folders', async (t) => {
  const graph = readGraph(join(ROOT, 'src'))
  t.ok(graph.size > 100, `read ${graph.size} files`)
  t.ok([...graph.values()].some((imports) => imports.length > 0), 'found imports')
  const files = findCycles(graph).map((c) => c.join(' -> '))
  t.same(files, [], 'file circles (move what both sides need into a file of its own)')
  const folders = folderGraph(graph)
  const circles = findCycles(folders).map((c) => {
    const edges = c.slice(0, -1).map((from, i) => importsBetween(graph, from, c[i + 1] ?? '').join(', '))
    return `${c.join(' -> ')}: ${edges.join(' | ')}`
  })
  t.same(circles, [], 'folder circles (the imports that make each one are listed)')
})
