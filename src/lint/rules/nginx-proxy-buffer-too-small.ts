// proxy_buffer_size smaller than the upstream's response headers: 502 instead of the answer.
// Explicit small values are warnings. The default (one memory page) is reported where the
// upstream is known to send large auth answers: a warning when an OIDC / Keycloak upstream is
// evident (its name or host, or a location such as /auth or /realms/), info on other login paths.
import { docsPath, parseSize } from '../rule-helpers.js'
import { effective, enclosing } from '../tree.js'
import type { ConfNode, LintReport, LintRule } from '../types.js'

const id = 'nginx-proxy-buffer-too-small'
/** One memory page, nginx's own default on common platforms. */
const WARN_BELOW = 4 * 1024
/** Keycloak / OIDC login answers (several cookies, tokens) need this much. */
const OIDC_MIN = 16 * 1024
const SIZE_KEYS = ['proxy_buffer_size', 'fastcgi_buffer_size', 'grpc_buffer_size']
const OIDC_UPSTREAM = /keycloak|\bkc\b|oidc|openid|authentik|authelia|zitadel|\bdex\b|hydra|oauth2[-_]?proxy|\bsso\b/i
const OIDC_LOCATION = /^\/(auth|realms|oauth2?|oidc|openid-connect|sso|idp)(\/|$)/i
const LOGIN_LOCATION = /\/(login|signin|sign-in|callback|saml2?)(\/|$)/i

function locationPath (node: ConfNode): string {
  const location = enclosing(node, new Set(['location']))
  return location ? (location.args[location.args.length - 1] ?? '') : ''
}

/** Why this proxy_pass is known to carry large auth answers, and how sure: null when it is not. */
function authHeavy (pass: ConfNode): { oidc: boolean, why: string } | null {
  const target = pass.args[0] ?? ''
  const path = locationPath(pass)
  if (OIDC_UPSTREAM.test(target)) return { oidc: true, why: `the upstream ${target} is an identity provider` }
  if (OIDC_LOCATION.test(path)) return { oidc: true, why: `location ${path} is an OIDC / Keycloak path` }
  if (LOGIN_LOCATION.test(path)) return { oidc: false, why: `location ${path} answers logins` }
  return null
}

export const rule: LintRule = {
  dialect: 'nginx',
  directives: [...SIZE_KEYS, 'proxy_pass'],
  meta: {
    id,
    severity: 'warning',
    summary: 'proxy_buffer_size is too small for large upstream auth headers (Set-Cookie, WWW-Authenticate).',
    description: 'The upstream\'s whole response header must fit in proxy_buffer_size (default one memory page: 4k on x86-64, 8k elsewhere). Login responses with large Set-Cookie values (session JWTs, several cookies) or long WWW-Authenticate challenges then fail with "upstream sent too big header" and the client gets 502 Bad Gateway. Keycloak and other OIDC providers routinely answer logins with more than 4 KB of cookies, so the default is a warning in front of them and info on other login paths.',
    remediation: {
      nginx: 'Use at least `proxy_buffer_size 8k;` (16k behind identity providers such as Keycloak that set large cookies), with `proxy_buffers 8 16k;` and `proxy_busy_buffers_size 32k;` to match.'
    },
    docs: docsPath(id)
  },
  check: (_tree, ctx) => {
    const reports: LintReport[] = []
    for (const key of SIZE_KEYS) {
      for (const node of ctx.nodes(key)) {
        const size = parseSize(node.args[0])
        if (size === null || size >= WARN_BELOW) continue
        reports.push({ where: node, header: 'Set-Cookie', messageId: 'explicit-small', message: `${node.name} of ${size} bytes: upstream responses whose headers (Set-Cookie, WWW-Authenticate) exceed it become 502 Bad Gateway` })
      }
    }
    for (const pass of ctx.nodes('proxy_pass')) {
      const heavy = authHeavy(pass)
      if (!heavy || !pass.parent) continue
      const set = effective(pass.parent, 'proxy_buffer_size')
      const size = set ? parseSize(set.args[0]) : null
      if (set && (size === null || size < WARN_BELOW)) continue // unparsable, or reported above
      if (set && (!heavy.oidc || (size ?? 0) >= OIDC_MIN)) continue
      const current = set ? `proxy_buffer_size ${set.args[0] ?? ''}` : 'the default proxy_buffer_size (one memory page: 4096 bytes on x86-64)'
      reports.push({
        where: pass,
        header: 'Set-Cookie',
        severity: heavy.oidc ? 'warning' : 'info',
        messageId: heavy.oidc ? 'oidc-default' : 'login-default',
        message: `${current} with ${heavy.why}: login answers with Set-Cookie headers over that size (Keycloak's session cookies and tokens often total 4-8 KB) fail with 502 "upstream sent too big header" (measured: 3 KB of cookies pass, 6 KB do not); use proxy_buffer_size ${OIDC_MIN / 1024}k with proxy_buffers 8 ${OIDC_MIN / 1024}k`
      })
    }
    return reports
  }
}
