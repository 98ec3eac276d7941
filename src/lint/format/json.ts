// Machine-readable findings: stable keys, no values of any credential.
import type { LintFinding } from '../types.js'

export interface LintJson {
  tool: 'hopwatch lint'
  files: number
  summary: { error: number, warning: number, info: number }
  findings: LintFinding[]
  /** Includes whose file was not found, and their distinct targets (each reported once). */
  missingIncludes?: { includes: number, targets: number }
}

export function toJson (findings: readonly LintFinding[], files: number, missingIncludes?: LintJson['missingIncludes']): LintJson {
  const count = (s: LintFinding['severity']): number => findings.filter((f) => f.severity === s).length
  return { tool: 'hopwatch lint', files, summary: { error: count('error'), warning: count('warning'), info: count('info') }, findings: [...findings], ...(missingIncludes && missingIncludes.includes > 0 ? { missingIncludes } : {}) }
}

export function formatJson (findings: readonly LintFinding[], files: number, missingIncludes?: LintJson['missingIncludes']): string {
  return JSON.stringify(toJson(findings, files, missingIncludes), null, 2) + '\n'
}
