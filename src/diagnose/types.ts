// The contract between the sidecar (store, report, admin) and the diagnosis.
import type { Exchange } from '../capture/types.js'
import type { Confidence, LayerId, Severity } from '../rules/meta.js'
import type { ExchangeView } from './view.js'

/** A layer recognised from the evidence one exchange carries. */
export interface LayerSighting {
  id: LayerId
  confidence: Confidence
  /** Header names (and non-secret values such as `Via: 1.1 varnish`) that gave it away. */
  evidence: string[]
}

/** The verdict of one rule on one exchange. Never holds a credential value. */
export interface Finding {
  rule: string
  severity: Severity
  header: string | null
  layer: LayerId | null
  confidence: Confidence
  /** Fingerprints and header names, never values. */
  evidence: string[]
  summary: string
  remediation: string
  /** Group under this route instead of the exchange's (a 401 linked to the redirect that caused it). */
  route?: string
  /**
   * Set by edge/origin pairing when the edge tap proved the client sent nothing: the origin's
   * finding of `rule` on exchange `exchangeId` is taken back (no layer is blamed), and this one
   * recorded instead.
   */
  withdraws?: { rule: string, exchangeId: string }
}

/** Findings grouped by rule + header + layer + route, as `GET /report` shows them. */
export interface FindingGroup {
  rule: string
  severity: Severity
  header: string | null
  layer: LayerId | null
  confidence: Confidence
  route: string
  count: number
  firstSeen: string
  lastSeen: string
  summary: string
  remediation: string
  /** What the findings saw, by name and fingerprint only (bounded, first seen first). */
  evidence: string[]
  /** Ids of a few exchanges that produced it (most recent last, bounded). */
  examples: string[]
  /** The protocols its exchanges arrived in (http/1.1, http/1.1+tls, h2, h2c), first seen first. */
  protocols?: string[]
}

export interface LayerReport {
  id: LayerId
  confidence: Confidence
  evidence: string[]
  exchanges: number
}

export interface DiagnosisStats {
  /** Exchanges observed since start. */
  exchanges: number
  /** Checks that threw, by rule id (the other rules still ran). */
  ruleErrors: Record<string, number>
  /** Finding groups forgotten because the cap was reached (oldest first). */
  evictedGroups: number
  /** The cap on finding groups kept. */
  maxGroups: number
}

export interface DiagnosisSnapshot {
  layers: LayerReport[]
  findings: FindingGroup[]
  /** Added by the diagnosis engine; optional so other producers of snapshots need not fill it. */
  stats?: DiagnosisStats
}

/** What the sidecar calls after each response has gone; must never throw. */
/** What the diagnosis of an exchange's shape gave: reusable for every exchange of that shape. */
export interface Derivation {
  view: ExchangeView
  sightings: readonly LayerSighting[]
  /** Findings per rule, in RULES order; null for a per-exchange rule (run by apply). */
  byRule: ReadonlyArray<readonly Finding[] | null>
}

export interface Diagnoser {
  /** derive + apply: the whole diagnosis of one exchange, counted in the aggregates. */
  observe: (exchange: Exchange) => Finding[]
  /** Layers and shape-only rules; pure: counts nothing. */
  derive: (exchange: Exchange) => Derivation
  /** Per-exchange rules on top of a derivation, then the aggregates. */
  apply: (exchange: Exchange, derived: Derivation) => Finding[]
  /** Group findings made elsewhere (e.g. by edge/origin pairing) with the rules' own. */
  record: (findings: readonly Finding[], exchange: Exchange) => void
  snapshot: () => DiagnosisSnapshot
  /** The findings (with their evidence) of one recent exchange, for GET /report/exchanges/:id. */
  findingsOf: (exchangeId: string) => readonly Finding[]
}
