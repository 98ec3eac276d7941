// Layer recognition: which proxies and CDNs a request came through, from the evidence it carries.
// Header evidence can be forged by a client, so a sighting from headers alone is at most
// `likely` unless two independent strong clues agree.
import type { Exchange } from '../../capture/types.js'
import type { Confidence, LayerId } from '../../rules/meta.js'
import type { LayerSighting } from '../types.js'
import type { ExchangeView } from '../view.js'
import { SIGNATURES, type Clue, type Signature } from './signatures.js'
import { describeVia, parseVia } from './via.js'

interface Compiled {
  spec: Signature
  strong: ReadonlyArray<[string, string]>
  weak: ReadonlyArray<[string, string]>
}

const NO_FLAGS: boolean[] = []

// Paid once at module load: lower-case keys next to display names.
const COMPILED: readonly Compiled[] = SIGNATURES.map((spec) => ({
  spec,
  strong: spec.strong.map((name) => [name.toLowerCase(), name] as [string, string]),
  weak: spec.weak.map((name) => [name.toLowerCase(), name] as [string, string])
}))

export function confidenceOf (clues: readonly Clue[]): Confidence | null {
  let strong = 0
  let weak = 0
  for (const clue of clues) if (clue.strong) strong++; else weak++
  if (strong >= 2) return 'certain'
  if (strong === 1 || weak >= 2) return 'likely'
  if (weak === 1) return 'possible'
  return null
}

function prefixClues (view: ExchangeView, prefixes: readonly string[]): Clue[] {
  const out: Clue[] = []
  if (prefixes.length === 0) return out
  for (const raw of view.rawNames) {
    const lower = raw.toLowerCase()
    for (const prefix of prefixes) {
      if (lower.startsWith(prefix)) { out.push({ text: raw, strong: true }); break }
    }
  }
  return out
}

/** Every layer the exchange's headers point at, strongest evidence first within each layer. */
export function recogniseLayers (view: ExchangeView, exchange: Exchange): LayerSighting[] {
  const via = view.has('via') ? parseVia(view.values('via')) : []
  const viaUsed: boolean[] = via.length === 0 ? NO_FLAGS : new Array<boolean>(via.length).fill(false)
  const found = new Map<LayerId, { clues: Clue[], weakOnly: boolean, yieldsTo: readonly LayerId[] }>()

  for (const { spec, strong, weak } of COMPILED) {
    // Most exchanges match few layers: allocate only when a clue is found.
    let clues: Clue[] | null = null
    for (const [key, name] of strong) if (view.has(key)) (clues ??= []).push({ text: name, strong: true })
    for (const [key, name] of weak) if (view.has(key)) (clues ??= []).push({ text: name, strong: false })
    if (spec.prefixes.length > 0) for (const clue of prefixClues(view, spec.prefixes)) (clues ??= []).push(clue)
    if (spec.via !== null) {
      for (let i = 0; i < via.length; i++) {
        const entry = via[i] as (typeof via)[number]
        if (spec.via.test(`${entry.receivedBy} ${entry.comment ?? ''}`)) {
          viaUsed[i] = true
          ;(clues ??= []).push({ text: describeVia(entry), strong: true })
        }
      }
    }
    if (spec.extra !== null) for (const clue of spec.extra(view, exchange)) (clues ??= []).push(clue)
    if (clues !== null) found.set(spec.id, { clues, weakOnly: clues.every((c) => !c.strong), yieldsTo: spec.yieldsTo })
  }

  const unknown: Clue[] = []
  for (let i = 0; i < via.length; i++) {
    if (viaUsed[i] !== true) unknown.push({ text: describeVia(via[i] as (typeof via)[number]), strong: true })
  }
  if (found.size === 0 && unknown.length === 0) {
    if (view.has('forwarded')) unknown.push({ text: 'Forwarded', strong: false })
    if (view.has('x-forwarded-for')) unknown.push({ text: 'X-Forwarded-For', strong: false })
  }

  const out: LayerSighting[] = []
  for (const [id, entry] of found) {
    if (entry.weakOnly && entry.yieldsTo.some((other) => found.has(other))) continue
    const confidence = confidenceOf(entry.clues)
    if (confidence === null) continue
    const clues = entry.clues.slice().sort((a, b) => Number(b.strong) - Number(a.strong))
    out.push({ id, confidence, evidence: clues.map((c) => c.text) })
  }
  if (unknown.length > 0) {
    out.push({ id: 'unknown-proxy', confidence: confidenceOf(unknown) ?? 'possible', evidence: unknown.map((c) => c.text) })
  }
  return out
}
