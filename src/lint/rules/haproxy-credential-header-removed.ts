// http-request del-header Authorization  -> HAProxy removes the client's credential.
import { actionWords, docsPath, inProxySection, nodesOf } from '../rule-helpers.js'
import type { LintReport, LintRule } from '../types.js'

const id = 'haproxy-credential-header-removed'
export const rule: LintRule = {
  dialect: 'haproxy',
  meta: {
    id,
    severity: 'error',
    summary: 'http-request del-header removes a credential header.',
    description: 'HAProxy runs `http-request` actions on every request the section handles: `http-request del-header Authorization` removes the client\'s credential before the request reaches the server (measured on HAProxy 2.6), and the app answers 401 to every client. An empty `set-header`/`replace-header` value is not reported: HAProxy 2.6 refuses that config at startup ("expects exactly 2 arguments").',
    remediation: {
      haproxy: 'Remove `http-request del-header <Header>`, or add an `if` condition so it applies only to the backend that must not see the credential.'
    },
    docs: docsPath(id)
  },
  directives: ['http-request'],
  check: (_tree, ctx) => {
    const reports: LintReport[] = []
    for (const node of nodesOf(ctx, 'http-request')) {
      if (!inProxySection(node)) continue
      const [action, header] = actionWords(node)
      if (action === undefined || header === undefined || !ctx.credentialHeaders.has(header.toLowerCase())) continue
      const conditional = node.args.length > actionWords(node).length
      const when = conditional ? ' when its condition matches' : ''
      if (action.toLowerCase() === 'del-header') {
        reports.push({ where: node, header, message: `http-request del-header ${header} removes the client's ${header} header${when}: the server never receives it` })
      }
    }
    return reports
  }
}
