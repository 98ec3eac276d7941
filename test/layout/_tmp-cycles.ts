import { readGraph, findCycles } from './import-graph.js'
const g = readGraph('/work/wt/layout/src')
console.log(g.size, 'files')
for (const c of findCycles(g)) console.log(c.join(' -> '))
const folder = (f: string): string => f.includes('/') ? f.split('/')[0] ?? f : '.'
const fg = new Map<string, Set<string>>()
for (const [f, tos] of g) for (const to of tos) { if (folder(f) === folder(to)) continue; const s = fg.get(folder(f)) ?? new Set(); s.add(folder(to)); fg.set(folder(f), s) }
for (const [f, s] of fg) console.log(f, '->', [...s].join(' '))
const fgraph = new Map([...fg].map(([k, v]) => [k, [...v].sort()]))
for (const k of new Set([...g.keys()].map(folder))) if (!fgraph.has(k)) fgraph.set(k, [])
for (const c of findCycles(fgraph)) console.log('FOLDER', c.join(' -> '))
for (const [f, tos] of g) for (const to of tos) if (folder(f) !== folder(to) && fg.get(folder(to))?.has(folder(f))) console.log('  edge', f, '->', to)
