// Apache's own AuthType Basic in front of a proxied app: Apache consumes Authorization, the app
// receives Apache's Basic credentials (the user's password) and never its own token.
import { apacheBackends, apacheStripsAuthorization, docsPath, isFcgiHandler, proxyPassTarget } from '../rule-helpers.js'
import type { ConfNode, LintReport, LintRule } from '../types.js'

const id = 'apache-authtype-in-front-of-proxy'
const FILE_SECTIONS = new Set(['directory', 'directorymatch', 'files', 'filesmatch'])

function ownBackends (section: ConfNode): Set<string> {
  const out = new Set<string>()
  for (const c of section.children ?? []) {
    if (c.key === 'sethandler' && isFcgiHandler(c.args[0] ?? '')) out.add('fcgi')
    else if (c.key === 'sethandler' && /^proxy:/i.test(c.args[0] ?? '')) out.add('http')
    else if (c.key === 'proxypassmatch' && /^fcgi:/i.test(proxyPassTarget(c))) out.add('fcgi')
  }
  return out
}

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
  directives: ['authtype'],
  check: (_tree, ctx) => {
    const reports: LintReport[] = []
    for (const node of ctx.nodes('authtype')) {
      const type = (node.args[0] ?? '').toLowerCase()
      if (type !== 'basic' && type !== 'digest') continue
      const section = node.parent
      if (!section) continue
      // <Directory>/<Files> sections apply to files on disk, never to proxied URLs: only what they
      // hand to a backend themselves (SetHandler proxy:fcgi://...) counts there.
      const backends = FILE_SECTIONS.has(section.key) ? ownBackends(section) : apacheBackends(section)
      if (!backends.has('http') && !backends.has('fcgi')) continue
      // Apache's credential stripped knowingly: apache-requestheader-unset-credential says so at info.
      if (apacheStripsAuthorization(section)) continue
      reports.push({ where: node, header: 'Authorization', messageId: 'password-forwarded', message: `AuthType ${node.args[0] ?? ''} in front of a proxied app: Apache rejects the app's own credentials with 401 and forwards its users' Basic credentials to the backend` })
    }
    return reports
  }
}
