// http-request del-header Authorization  -> HAProxy removes the client's credential.
import { actionWords, docsPath, inProxySection, nodesOf } from '../rule-helpers.js'
import type { LintReport, LintRule } from '../types.js'

const id = 'haproxy-credential-header-removed'
export const rule: LintRule = {
  dialect: 'haproxy',
  meta: {
    id,
    severity: 'error',
    summary: 'http-request del-header (or an empty set-header) removes a credential header.',
    description: 'HAProxy runs `http-request` actions on every request the section handles: `http-request del-header Authorization` removes the client\'s credential before the request reaches the server, and `set-header Authorization ""` sends it empty. The app then answers 401 to every client.',
    remediation: {
      haproxy: 'Remove `http-request del-header <Header>` (or the empty set-header/replace-header), or add an `if` condition so it applies only to the backend that must not see the credential.'
    },
    docs: docsPath(id)
  },
  directives: ['http-request'],
  check: (_tree, ctx) => {
    const reports: LintReport[] = []
    for (const node of nodesOf(ctx, 'http-request')) {
      if (!inProxySection(node)) continue
      const [action, header, ...rest] = actionWords(node)
      if (action === undefined || header === undefined || !ctx.credentialHeaders.has(header.toLowerCase())) continue
      const verb = action.toLowerCase()
      const conditional = node.args.length > actionWords(node).length
      const when = conditional ? ' when its condition matches' : ''
      if (verb === 'del-header') {
        reports.push({ where: node, header, message: `http-request del-header ${header} removes the client's ${header} header${when}: the server never receives it` })
      } else if (verb === 'set-header' && rest.join('') === '') {
        reports.push({ where: node, header, message: `http-request ${verb} ${header} with an empty value replaces the client's ${header}${when}: the server receives it empty` })
      } else if (verb === 'replace-header' && rest.length >= 2 && rest[1] === '') {
        reports.push({ where: node, header, message: `http-request replace-header ${header} with an empty replacement empties the client's ${header}${when}` })
      }
    }
    return reports
  }
}
