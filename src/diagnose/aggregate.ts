// Bounded aggregation of findings and layer sightings for the report. Findings are grouped by
// rule + header + layer + route; at most `maxGroups` groups are kept and the least recently
// seen group is forgotten first (counted in `evicted`). Layers are a closed set, so bounded.
import { SEVERITY_ORDER, type LayerId } from '../rules/meta.js'
import { CONFIDENCE_RANK } from './evidence.js'
import { leastTouched } from './least-touched.js'
import type { Finding, FindingGroup, LayerReport, LayerSighting } from './types.js'

export const DEFAULT_MAX_GROUPS = 500
export const MAX_EXAMPLES = 5
const MAX_LAYER_EVIDENCE = 12
/** Evidence lines kept per finding group: the first ones seen, then the most recent finding's. */
export const MAX_GROUP_EVIDENCE = 12

interface Group {
  value: FindingGroup
  firstMs: number
  lastMs: number
  /** When it was last added to (a running count): the lowest is the least recently seen. */
  touched: number
  /** The last finding whose evidence was merged: findings shared by a shape are merged once. */
  merged: Finding
}

/** The group key of a finding on a route. */
function groupKey (finding: Finding, route: string): string {
  return `${finding.rule}\u0000${finding.header ?? ''}\u0000${finding.layer ?? ''}\u0000${route}`
}

export class FindingStore {
  private readonly groups = new Map<string, Group>()
  private readonly max: number
  evicted = 0
  private touches = 0

  constructor (maxGroups: number = DEFAULT_MAX_GROUPS) {
    this.max = Math.max(1, maxGroups)
  }

  get maxGroups (): number { return this.max }

  add (finding: Finding, exchangeRoute: string, exchangeId: string, atMs: number, protocol?: string): void {
    // A finding that corrects another (pairing proved the client sent nothing) replaces it.
    if (finding.withdraws !== undefined) this.withdraw(finding.withdraws.rule, exchangeRoute, finding.withdraws.exchangeId)
    const route = finding.route ?? exchangeRoute
    const key = groupKey(finding, route)
    const group = this.groups.get(key)
    if (group === undefined) {
      this.groups.set(key, {
        firstMs: atMs,
        lastMs: atMs,
        touched: ++this.touches,
        merged: finding,
        value: {
          rule: finding.rule,
          severity: finding.severity,
          header: finding.header,
          layer: finding.layer,
          confidence: finding.confidence,
          route,
          count: 1,
          firstSeen: '',
          lastSeen: '',
          summary: finding.summary,
          remediation: finding.remediation,
          evidence: finding.evidence.slice(0, MAX_GROUP_EVIDENCE),
          examples: [exchangeId],
          protocols: protocol === undefined ? [] : [protocol]
        }
      })
      if (this.groups.size > this.max) this.evictOldest()
      return
    }
    group.touched = ++this.touches
    const value = group.value
    value.count++
    group.lastMs = Math.max(group.lastMs, atMs)
    group.firstMs = Math.min(group.firstMs, atMs)
    if (SEVERITY_ORDER[finding.severity] < SEVERITY_ORDER[value.severity]) value.severity = finding.severity
    if (CONFIDENCE_RANK[finding.confidence] > CONFIDENCE_RANK[value.confidence]) value.confidence = finding.confidence
    value.summary = finding.summary
    if (finding.remediation !== value.remediation && CONFIDENCE_RANK[finding.confidence] >= CONFIDENCE_RANK[value.confidence]) {
      value.remediation = finding.remediation
    }
    if (group.merged !== finding) {
      group.merged = finding
      mergeEvidence(value.evidence, finding.evidence)
    }
    // A closed set of four labels: bounded.
    if (protocol !== undefined && value.protocols?.includes(protocol) === false) value.protocols.push(protocol)
    if (!value.examples.includes(exchangeId)) {
      value.examples.push(exchangeId)
      if (value.examples.length > MAX_EXAMPLES) value.examples.shift()
    }
  }

  /** Take back the finding of `rule` made on `exchangeId` (pairing proved it wrong). */
  withdraw (rule: string, route: string, exchangeId: string): void {
    for (const [key, group] of this.groups) {
      const value = group.value
      if (value.rule !== rule || value.route !== route) continue
      const at = value.examples.indexOf(exchangeId)
      if (at < 0) continue
      value.examples.splice(at, 1)
      value.count--
      if (value.count <= 0) this.groups.delete(key)
    }
  }

  private evictOldest (): void {
    const oldest = leastTouched(this.groups, (group) => group.touched)
    if (oldest === undefined) return
    this.groups.delete(oldest)
    this.evicted++
  }

  /** Worst first, then most frequent, then most recent. Copies: callers may keep them. */
  snapshot (): FindingGroup[] {
    const out: Array<FindingGroup & { lastMs: number }> = []
    for (const group of this.groups.values()) {
      out.push({
        ...group.value,
        examples: group.value.examples.slice(),
        protocols: group.value.protocols?.slice() ?? [],
        evidence: group.value.evidence.slice(),
        firstSeen: new Date(group.firstMs).toISOString(),
        lastSeen: new Date(group.lastMs).toISOString(),
        lastMs: group.lastMs
      })
    }
    out.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || b.count - a.count || b.lastMs - a.lastMs)
    return out.map(({ lastMs: _lastMs, ...group }) => group)
  }
}

/** Add the lines not yet there; past the cap, nothing more is added. */
function mergeEvidence (into: string[], from: readonly string[]): void {
  for (let i = 0; i < from.length && into.length < MAX_GROUP_EVIDENCE; i++) {
    const line = from[i] as string
    if (!into.includes(line)) into.push(line)
  }
}

export class LayerStore {
  private readonly layers = new Map<LayerId, LayerReport>()

  add (sighting: LayerSighting): void {
    const layer = this.layers.get(sighting.id)
    if (layer === undefined) {
      this.layers.set(sighting.id, {
        id: sighting.id,
        confidence: sighting.confidence,
        evidence: sighting.evidence.slice(0, MAX_LAYER_EVIDENCE),
        exchanges: 1
      })
      return
    }
    layer.exchanges++
    if (CONFIDENCE_RANK[sighting.confidence] > CONFIDENCE_RANK[layer.confidence]) layer.confidence = sighting.confidence
    for (const item of sighting.evidence) {
      if (layer.evidence.length >= MAX_LAYER_EVIDENCE) break
      if (!layer.evidence.includes(item)) layer.evidence.push(item)
    }
  }

  snapshot (): LayerReport[] {
    return [...this.layers.values()]
      .map((l) => ({ ...l, evidence: l.evidence.slice() }))
      .sort((a, b) => b.exchanges - a.exchanges)
  }
}
