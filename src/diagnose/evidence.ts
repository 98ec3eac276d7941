// The evidence ladder: how sure a finding is, and what that allows. One place; README
// ("Diagnosis: findings and layers") and docs/rules/*.md quote it.
//
//   certain   hopwatch saw it happen: the edge tap saw the credential and the origin tap did not,
//             a probe proved it, or the fact is in the exchange itself (two lines arrived here).
//   likely    a second, independent observation points the same way: this route receives the
//             credential from other calls of the same client, or a layer's known signature that
//             removes or adds it (Apache's join form, two lines behind Apache, two agreeing clues).
//   possible  a candidate only: a layer is in front, or the client sends credentials elsewhere.
//
// An error needs likely or certain evidence: a finding of error severity made on `possible`
// evidence is reported as a warning, and `hopwatch report` exits 1 only on errors. A 401 to a
// client with no sign of ever sending a credential blames nobody: it is counted (info).
import type { Confidence, Severity } from '../rules/meta.js'

export const CONFIDENCE_RANK: Readonly<Record<Confidence, number>> = { possible: 0, likely: 1, certain: 2 }

export const EVIDENCE_LADDER: Readonly<Record<Confidence, string>> = {
  certain: 'seen happen: the edge tap saw it and the origin tap did not, a probe proved it, or the exchange itself shows it',
  likely: 'two observations agree: the route receives the credential from other calls of the same client, or a layer signature known to remove or add it',
  possible: 'a candidate only: a layer is in front, or the client sends credentials elsewhere'
}

/** The lowest confidence an error may have. */
export const ERROR_NEEDS: Confidence = 'likely'

/** Severity as reported: an error on `possible` evidence is a warning. */
export function severityFor (severity: Severity, confidence: Confidence): Severity {
  if (severity === 'error' && CONFIDENCE_RANK[confidence] < CONFIDENCE_RANK[ERROR_NEEDS]) return 'warning'
  return severity
}

/** True for a finding that makes `hopwatch report` exit 1. */
export function isError (finding: { severity: unknown, confidence?: unknown }): boolean {
  if (finding.severity !== 'error') return false
  const confidence = finding.confidence
  return confidence === 'certain' || confidence === 'likely' || confidence === undefined
}

export function atMost (confidence: Confidence, cap: Confidence): Confidence {
  return CONFIDENCE_RANK[confidence] <= CONFIDENCE_RANK[cap] ? confidence : cap
}

export function atLeast (confidence: Confidence, floor: Confidence): Confidence {
  return CONFIDENCE_RANK[confidence] >= CONFIDENCE_RANK[floor] ? confidence : floor
}
