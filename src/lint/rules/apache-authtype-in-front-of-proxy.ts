// Apache's own AuthType Basic in front of a proxied app: Apache consumes Authorization, the app
// receives Apache's Basic credentials (the user's password) and never its own token.
import { apacheBackends, docsPath } from '../rule-helpers.js'
import { findAll } from '../tree.js'
import type { LintReport, LintRule } from '../types.js'

const id = 'apache-authtype-in-front-of-proxy'

export const rule: LintRule = {
  dialect: 'apache',
  meta: {
    id,
    severity: 'warning',
    summary: 'Apache authenticates with AuthType Basic/Digest in front of a proxied app.',
    description: 'With AuthType Basic on a proxied path, Apache answers 401 to any request whose Authorization is not its own Basic credential, so the app\'s Bearer tokens never get through; and requests that pass carry the user\'s Apache password on to the backend in Authorization.',
    remediation: {
      apache: 'Let one layer own Authorization: remove AuthType/Require from the proxied <Location> if the app authenticates, or keep Apache auth and strip the forwarded header knowingly (RequestHeader unset Authorization) and pass the identity another way (REMOTE_USER via RequestHeader set X-Remote-User %{REMOTE_USER}s).'
    },
    docs: docsPath(id)
  },
  check: (tree) => {
    const reports: LintReport[] = []
    for (const node of findAll(tree.root, 'authtype')) {
      const type = (node.args[0] ?? '').toLowerCase()
      if (type !== 'basic' && type !== 'digest') continue
      const section = node.parent
      if (!section) continue
      const backends = apacheBackends(section)
      if (!backends.has('http') && !backends.has('fcgi')) continue
      reports.push({ where: node, header: 'Authorization', message: `AuthType ${node.args[0] ?? ''} in front of a proxied app: Apache rejects the app's own credentials with 401 and forwards its users' Basic credentials to the backend` })
    }
    return reports
  }
}
