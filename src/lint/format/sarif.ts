// SARIF 2.1.0 as GitHub code scanning accepts it: every rule in tool.driver.rules with help text
// and helpUri, results pointing at files relative to the checkout root (%SRCROOT%).
import { isAbsolute, relative, sep } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Severity } from '../../rules/meta.js'
import type { LintFinding, LintRule } from '../types.js'

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json'
/** Where rule docs are published; docs/rules/<id>.md is appended. */
export const DOCS_BASE_URL = 'https://github.com/hopwatch/hopwatch/blob/main/'
const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' }
/** GitHub orders security alerts by this 0-10 score. */
const SECURITY_SEVERITY: Record<Severity, string> = { error: '7.5', warning: '5.0', info: '2.0' }

function pascal (id: string): string {
  return id.split('-').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('')
}

function artifactUri (file: string, root: string): { uri: string, uriBaseId?: string } {
  const rel = isAbsolute(file) ? relative(root, file) : file
  if (rel.startsWith('..') || isAbsolute(rel)) return { uri: pathToFileURL(file).href }
  return { uri: rel.split(sep).join('/'), uriBaseId: '%SRCROOT%' }
}

export function toSarif (findings: readonly LintFinding[], rules: readonly LintRule[], root: string, version = '0.1.0'): object {
  const index = new Map(rules.map((r, i) => [r.meta.id, i]))
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'hopwatch',
          informationUri: DOCS_BASE_URL,
          version,
          rules: rules.map((r) => {
            const fix = r.meta.remediation.nginx ?? r.meta.remediation.apache ?? r.meta.remediation.default ?? ''
            return {
              id: r.meta.id,
              name: pascal(r.meta.id),
              shortDescription: { text: r.meta.summary },
              fullDescription: { text: r.meta.description },
              help: { text: `${r.meta.description}\n\nFix: ${fix}`, markdown: `${r.meta.description}\n\n**Fix:** ${fix}\n\n[Documentation](${DOCS_BASE_URL}${r.meta.docs})` },
              helpUri: `${DOCS_BASE_URL}${r.meta.docs}`,
              defaultConfiguration: { level: LEVEL[r.meta.severity] },
              properties: { tags: ['security', 'authentication', r.dialect], 'security-severity': SECURITY_SEVERITY[r.meta.severity] }
            }
          })
        }
      },
      originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(root.endsWith(sep) ? root : root + sep).href } },
      results: findings.map((f) => ({
        ruleId: f.ruleId,
        ...(index.has(f.ruleId) ? { ruleIndex: index.get(f.ruleId) } : {}),
        level: LEVEL[f.severity],
        message: { text: `${f.message}. Fix: ${f.fix}` },
        locations: [{
          physicalLocation: {
            artifactLocation: artifactUri(f.file, root),
            region: { startLine: f.line, startColumn: f.column }
          }
        }]
      }))
    }]
  }
}

export function formatSarif (findings: readonly LintFinding[], rules: readonly LintRule[], root: string): string {
  return JSON.stringify(toSarif(findings, rules, root), null, 2) + '\n'
}
