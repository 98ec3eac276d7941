// What ingress-nginx generates for the auth-type annotation: auth_basic plus
// proxy_set_header Authorization "" -> the app behind never sees any Authorization.
import { docsPath, hasProxyBasicAuth, NGINX_SET_HEADER } from '../rule-helpers.js'
import type { LintReport, LintRule } from '../types.js'

const id = 'nginx-ingress-auth-strip'
const AUTH_TYPE = 'nginx.ingress.kubernetes.io/auth-type'

export const rule: LintRule = {
  // nginx configs (the generated pattern) and Ingress manifests (the annotation that generates it).
  dialect: 'any',
  meta: {
    id,
    severity: 'error',
    summary: 'auth_basic plus proxy_set_header Authorization "" (ingress-nginx auth-type): the app gets no Authorization.',
    description: 'In an nginx config, `auth_basic` followed by `proxy_set_header Authorization ""` is the accepted way to keep the user\'s password from the app and is reported at info (pass the identity as X-Remote-User); replacing Authorization after auth_basic is an error. For the `nginx.ingress.kubernetes.io/auth-type: basic|digest` annotation ingress-nginx generates `auth_basic` (or auth_digest) followed by `proxy_set_header Authorization "";`. nginx checks the client\'s Basic credentials and then strips the header, so the app never receives an Authorization header: neither nginx\'s credentials nor its own Bearer token (which nginx would have rejected with 401 anyway).',
    remediation: {
      nginx: 'Let one layer own Authorization: drop the auth-type annotation (or auth_basic) if the app authenticates, or move the app\'s credential to another header when both must check.',
      'ingress-nginx': 'Remove the nginx.ingress.kubernetes.io/auth-type annotation if the app does its own authentication, or switch to auth-url with auth-response-headers.'
    },
    docs: docsPath(id)
  },
  directives: [AUTH_TYPE, ...NGINX_SET_HEADER],
  check: (tree, ctx) => {
    const reports: LintReport[] = []
    if (tree.dialect === 'ingress-nginx') {
      for (const node of ctx.nodes(AUTH_TYPE)) {
        const type = (node.args[0] ?? '').toLowerCase()
        if (type !== 'basic' && type !== 'digest') continue
        reports.push({ where: node, header: 'Authorization', messageId: 'annotation', message: `auth-type ${type}: ingress-nginx generates auth_${type} plus proxy_set_header Authorization "", so the app behind this Ingress never receives Authorization` })
      }
      return reports
    }
    for (const key of NGINX_SET_HEADER) {
      for (const node of ctx.nodes(key)) {
        if (node.args[0]?.toLowerCase() !== 'authorization' || !hasProxyBasicAuth(node.parent)) continue
        const value = node.args[1] ?? ''
        if (value === '') {
          // nginx authenticated the user and keeps the password from the app: the accepted fix.
          reports.push({ where: node, header: node.args[0], severity: 'info', messageId: 'consumed', message: 'auth_basic checks the client\'s Authorization and proxy_set_header then strips it: credential consumed here; pass the identity as X-Remote-User (proxy_set_header X-Remote-User $remote_user)' })
          continue
        }
        reports.push({ where: node, header: node.args[0], messageId: 'replaced', message: 'auth_basic checks the client\'s Authorization and proxy_set_header then replaces it: the upstream never receives the client\'s Authorization (ingress-nginx auth-type pattern)' })
      }
    }
    return reports
  }
}
