// CGI and FastCGI backends do not get HTTP_AUTHORIZATION unless CGIPassAuth On (httpd 2.4.13+)
// or the classic rewrite / SetEnvIf workaround copies it into the environment.
import { docsPath } from '../rule-helpers.js'
import { findAll, walk } from '../tree.js'
import type { ConfNode, ConfTree, LintReport, LintRule } from '../types.js'

const id = 'apache-cgi-without-passauth'

function cgiUse (node: ConfNode): string | null {
  const first = (node.args[0] ?? '').toLowerCase()
  if (node.key === 'scriptalias' || node.key === 'scriptaliasmatch') return node.name
  if ((node.key === 'sethandler' || node.key === 'addhandler') && (first === 'cgi-script' || first.startsWith('proxy:fcgi'))) return `${node.name} ${node.args[0] ?? ''}`
  if ((node.key === 'proxypass' || node.key === 'proxypassmatch') && /^fcgi:/i.test(node.args[1] ?? '')) return `${node.name} fcgi://`
  return null
}

function passesAuth (tree: ConfTree): boolean {
  for (const node of walk(tree.root)) {
    if (node.key === 'cgipassauth' && node.args[0]?.toLowerCase() === 'on') return true
    const joined = node.args.join(' ')
    if (node.key === 'rewriterule' && /E=HTTP_AUTHORIZATION:/i.test(joined)) return true
    if ((node.key === 'setenvif' || node.key === 'setenvifnocase') && /^authorization$/i.test(node.args[0] ?? '') && /HTTP_AUTHORIZATION=/i.test(joined)) return true
  }
  return false
}

export const rule: LintRule = {
  dialect: 'apache',
  meta: {
    id,
    severity: 'error',
    summary: 'A CGI or FastCGI backend does not receive Authorization: CGIPassAuth On is missing.',
    description: 'httpd keeps Authorization and Proxy-Authorization out of the CGI environment (they would otherwise be visible to every script). Scripts run by mod_cgi/mod_cgid and apps behind mod_proxy_fcgi (PHP-FPM) therefore see no HTTP_AUTHORIZATION and answer 401, unless `CGIPassAuth On` (httpd 2.4.13+) or a rewrite/SetEnvIf rule copies the header into the environment.',
    remediation: {
      apache: 'Add `CGIPassAuth On` in the <Directory> (or <Location>) that serves the scripts; on httpd older than 2.4.13 use `RewriteRule .* - [E=HTTP_AUTHORIZATION:%{HTTP:Authorization}]`.'
    },
    docs: docsPath(id)
  },
  check: (tree) => {
    if (passesAuth(tree)) return []
    const reports: LintReport[] = []
    for (const node of findAll(tree.root, new Set(['scriptalias', 'scriptaliasmatch', 'sethandler', 'addhandler', 'proxypass', 'proxypassmatch']))) {
      const use = cgiUse(node)
      if (use === null) continue
      reports.push({ where: node, header: 'Authorization', message: `${use}: the CGI/FastCGI backend gets no HTTP_AUTHORIZATION because CGIPassAuth On (or the rewrite workaround) is missing` })
    }
    return reports
  }
}
