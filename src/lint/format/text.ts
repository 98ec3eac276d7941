// Compiler-style text: `file:line:col severity rule message`, then the fix, then a summary.
import type { LintFinding } from '../types.js'

export function formatText (findings: readonly LintFinding[], files: number, note?: string): string {
  const lines: string[] = []
  for (const f of findings) {
    lines.push(`${f.file}:${f.line}:${f.column} ${f.severity} ${f.ruleId} ${f.message}`)
    if (f.fix !== '') lines.push(`  fix: ${f.fix}`)
  }
  const count = (s: LintFinding['severity']): number => findings.filter((f) => f.severity === s).length
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`
  lines.push(findings.length === 0
    ? `${plural(files, 'file')} checked, no problems`
    : `${plural(findings.length, 'problem')} (${plural(count('error'), 'error')}, ${plural(count('warning'), 'warning')}, ${count('info')} info) in ${plural(files, 'file')} checked`)
  if (note !== undefined) lines.push(note)
  return lines.join('\n') + '\n'
}
