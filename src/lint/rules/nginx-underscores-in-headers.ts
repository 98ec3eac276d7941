// underscores_in_headers off (the default) silently drops request headers named with '_'.
import { isPortableHeaderName } from '../../capture/credential-names.js'
import { docsPath, NGINX_SET_HEADER, switchValue } from '../rule-helpers.js'
import { childrenOf, effective, walk } from '../tree.js'
import type { ConfNode, LintReport, LintRule } from '../types.js'

const id = 'nginx-underscores-in-headers'
const NAMED_HEADER = new Set([...NGINX_SET_HEADER, 'proxy_pass_header', 'proxy_hide_header'])

function accepts (server: ConfNode): boolean {
  return switchValue(effective(server, 'underscores_in_headers')) === true ||
    switchValue(effective(server, 'ignore_invalid_headers')) === false
}

function listens (server: ConfNode): string[] {
  const out = childrenOf(server, 'listen').map((l) => l.args[0] ?? '')
  return out.length > 0 ? out : ['80']
}

/** Is `server` the default server of every socket it listens on (default_server, else the first)? */
function isDefault (server: ConfNode, servers: ConfNode[]): boolean {
  return listens(server).every((addr) => {
    const same = servers.filter((s) => listens(s).includes(addr))
    const flagged = same.find((s) => childrenOf(s, 'listen').some((l) => l.args[0] === addr && (l.args.includes('default_server') || l.args.includes('default'))))
    return (flagged ?? same[0]) === server
  })
}

export const rule: LintRule = {
  dialect: 'nginx',
  meta: {
    id,
    severity: 'error',
    summary: 'A header named with an underscore is dropped because underscores_in_headers is off.',
    description: 'With `underscores_in_headers off` (the default) nginx marks request headers whose names contain "_" as invalid, and with `ignore_invalid_headers on` (also the default) drops them without a word. A credential sent as `api_key` or `X_Auth_Token` never reaches the app.',
    remediation: {
      nginx: 'Add `underscores_in_headers on;` to the http block or to the default server of the listen socket, or rename the header to use dashes.'
    },
    docs: docsPath(id)
  },
  check: (tree, ctx) => {
    const reports: LintReport[] = []
    const servers = [...ctx.nodes('server')].filter((s) => s.children !== null && s.parent?.key !== 'upstream')
    const scopes = servers.length > 0 ? servers : (ctx.nodes('location').length > 0 ? [tree.root] : [])
    const fromFlags = [...ctx.credentialHeaders].filter((name) => !isPortableHeaderName(name) && name.includes('_'))
    for (const scope of scopes) {
      const own = scope.key === 'server' ? childrenOf(scope, 'underscores_in_headers').at(-1) : undefined
      const fromHttp = scope.parent ? switchValue(effective(scope.parent, 'underscores_in_headers')) === true : false
      // listen hidden in an include that was not found: which server is the default is unknown.
      const listenUnseen = scope.key === 'server' && childrenOf(scope, 'listen').length === 0 && childrenOf(scope, 'include').some((i) => i.unresolved === true)
      if (own && switchValue(own) === true && !fromHttp && !listenUnseen && !isDefault(scope, servers)) {
        // Measured on nginx 1.22: headers before Host are parsed with the default server's setting.
        reports.push({ where: own, severity: 'warning', message: 'underscores_in_headers on in a server that is not the default one for its socket: headers with "_" that clients send before Host are still dropped (nginx reads them with the default server\'s setting)' })
        continue
      }
      if (accepts(scope)) continue
      const where = scope === tree.root ? (scope.children?.[0] ?? scope) : scope
      for (const name of fromFlags) {
        reports.push({ where, header: name, message: `credential header "${name}" contains "_": nginx drops it from client requests here because underscores_in_headers is off` })
      }
      const seen = new Set(fromFlags)
      for (const node of walk(scope)) {
        const name = node.args[0]
        if (!NAMED_HEADER.has(node.key) || name === undefined || !name.includes('_') || seen.has(name.toLowerCase())) continue
        seen.add(name.toLowerCase())
        const credential = ctx.credentialHeaders.has(name.toLowerCase())
        reports.push({
          where: node,
          header: name,
          severity: credential ? 'error' : 'warning',
          message: `header "${name}" contains "_": clients' ${name} headers are dropped by nginx here because underscores_in_headers is off`
        })
      }
    }
    return reports
  }
}
