// RequestHeader set Authorization "Basic ..."  -> the client's credential is replaced.
import { docsPath, nodesOf } from '../rule-helpers.js'
import { describeValue, isLiteral } from '../tree.js'
import type { LintReport, LintRule } from '../types.js'

const id = 'apache-requestheader-set-credential'
const REPLACING = new Set(['set', 'append', 'add', 'merge', 'edit', 'edit*'])
// `add` was measured on httpd 2.4: the backend receives two Authorization lines, the client's and
// the added one (test/lint/server-behaviour.test.ts).
const MESSAGES: Record<'set' | 'add' | 'other', (name: string, action: string, value: string) => string> = {
  set: (name, _action, value) => `RequestHeader set ${name} replaces the client's ${name} with ${value}`,
  add: (name, _action, value) => `RequestHeader add ${name} sends a second ${name} header (${value}) next to the client's: the backend receives both`,
  other: (name, action, value) => `RequestHeader ${action} ${name} changes the client's ${name} (${value})`
}

export const rule: LintRule = {
  dialect: 'apache',
  meta: {
    id,
    severity: 'error',
    summary: 'RequestHeader set/append/edit changes a credential header before the backend sees it.',
    description: '`RequestHeader set Authorization <value>` replaces what the client sent: with a fixed value every client reaches the backend with the same identity (and the secret sits in the config); append, merge and edit produce a value the client never sent.',
    remediation: {
      apache: 'Remove the RequestHeader line so the client\'s header passes unchanged; keep service credentials out of the config (or use `setifempty` for a default).'
    },
    docs: docsPath(id)
  },
  directives: ['requestheader'],
  check: (_tree, ctx) => {
    const reports: LintReport[] = []
    for (const node of nodesOf(ctx, 'requestheader')) {
      const [rawAction, header] = node.args
      const action = rawAction?.toLowerCase() ?? ''
      if (!REPLACING.has(action) || header === undefined) continue
      const name = header.replace(/:$/, '')
      if (!ctx.credentialHeaders.has(name.toLowerCase())) continue
      const value = action.startsWith('edit') ? (node.args[3] ?? '') : (node.args[2] ?? '')
      const fixed = action === 'set' && isLiteral(value)
      reports.push({
        where: node,
        header: name,
        severity: fixed ? 'error' : (action === 'set' ? 'info' : 'warning'),
        message: MESSAGES[action === 'set' || action === 'add' ? action : 'other'](name, action, describeValue(value))
      })
    }
    return reports
  }
}
