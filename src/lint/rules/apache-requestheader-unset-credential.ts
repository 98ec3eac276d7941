// RequestHeader unset Authorization  -> the backend never receives the client's credentials.
import { docsPath } from '../rule-helpers.js'
import { findAll } from '../tree.js'
import type { LintReport, LintRule } from '../types.js'

const id = 'apache-requestheader-unset-credential'

export const rule: LintRule = {
  dialect: 'apache',
  meta: {
    id,
    severity: 'error',
    summary: 'RequestHeader unset removes a credential header before the backend sees it.',
    description: 'mod_headers\' `RequestHeader unset Authorization` deletes the header from the request before the content handler (mod_proxy, CGI) runs, so the proxied app receives no credentials and answers 401.',
    remediation: {
      apache: 'Remove `RequestHeader unset <Header>`, or limit it to the <Location> whose backend must not see the credential.'
    },
    docs: docsPath(id)
  },
  check: (tree, ctx) => {
    const reports: LintReport[] = []
    for (const node of findAll(tree.root, 'requestheader')) {
      const [action, header] = node.args
      if (action?.toLowerCase() !== 'unset' || header === undefined) continue
      const name = header.replace(/:$/, '')
      if (!ctx.credentialHeaders.has(name.toLowerCase())) continue
      reports.push({ where: node, header: name, message: `RequestHeader unset ${name} removes the client's ${name}: the backend never receives it` })
    }
    return reports
  }
}
