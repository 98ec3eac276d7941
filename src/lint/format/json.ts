// Machine-readable findings: stable keys, no values of any credential.
import type { LintFinding } from '../types.js'

export interface LintJson {
  tool: 'hopwatch lint'
  files: number
  summary: { error: number, warning: number, info: number }
  findings: LintFinding[]
}

export function toJson (findings: readonly LintFinding[], files: number): LintJson {
  const count = (s: LintFinding['severity']): number => findings.filter((f) => f.severity === s).length
  return { tool: 'hopwatch lint', files, summary: { error: count('error'), warning: count('warning'), info: count('info') }, findings: [...findings] }
}

export function formatJson (findings: readonly LintFinding[], files: number): string {
  return JSON.stringify(toJson(findings, files), null, 2) + '\n'
}
