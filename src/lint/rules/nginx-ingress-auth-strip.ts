// What ingress-nginx generates for the auth-type annotation: auth_basic plus
// proxy_set_header Authorization "" -> the app behind never sees any Authorization.
import { docsPath, hasProxyBasicAuth, NGINX_SET_HEADER } from '../rule-helpers.js'
import { findAll } from '../tree.js'
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
    description: 'For the `nginx.ingress.kubernetes.io/auth-type: basic|digest` annotation ingress-nginx generates `auth_basic` (or auth_digest) followed by `proxy_set_header Authorization "";`. nginx checks the client\'s Basic credentials and then strips the header, so the app never receives an Authorization header: neither nginx\'s credentials nor its own Bearer token (which nginx would have rejected with 401 anyway).',
    remediation: {
      nginx: 'Let one layer own Authorization: drop the auth-type annotation (or auth_basic) if the app authenticates, or move the app\'s credential to another header when both must check.',
      'ingress-nginx': 'Remove the nginx.ingress.kubernetes.io/auth-type annotation if the app does its own authentication, or switch to auth-url with auth-response-headers.'
    },
    docs: docsPath(id)
  },
  check: (tree) => {
    const reports: LintReport[] = []
    if (tree.dialect === 'ingress-nginx') {
      for (const node of findAll(tree.root, AUTH_TYPE)) {
        const type = (node.args[0] ?? '').toLowerCase()
        if (type !== 'basic' && type !== 'digest') continue
        reports.push({ where: node, header: 'Authorization', message: `auth-type ${type}: ingress-nginx generates auth_${type} plus proxy_set_header Authorization "", so the app behind this Ingress never receives Authorization` })
      }
      return reports
    }
    for (const node of findAll(tree.root, NGINX_SET_HEADER)) {
      if (node.args[0]?.toLowerCase() !== 'authorization' || !hasProxyBasicAuth(node.parent)) continue
      const value = node.args[1] ?? ''
      const what = value === '' ? 'strips it' : 'replaces it'
      reports.push({ where: node, header: node.args[0], message: `auth_basic checks the client's Authorization and proxy_set_header then ${what}: the upstream never receives the client's Authorization (ingress-nginx auth-type pattern)` })
    }
    return reports
  }
}
