// CGI and FastCGI backends do not get HTTP_AUTHORIZATION unless CGIPassAuth On (httpd 2.4.13+)
// or the classic rewrite / SetEnvIf workaround copies it into the environment. Any of those in
// the same virtual host (or in the server config) counts, including SetEnvIf's regex forms.
// Severity follows the evidence that the backend needs Authorization: a PHP / FastCGI app is an
// error, a CGI folder of one's own a warning, Debian's stock /usr/lib/cgi-bin info.
import type { Severity } from '../../rules/meta.js'
import { docsPath, isFcgiHandler, partialNote, unseenInclude } from '../rule-helpers.js'
import { enclosing } from '../tree.js'
import type { ConfNode, LintContext, LintReport, LintRule } from '../types.js'

const id = 'apache-cgi-without-passauth'
const VHOST = new Set(['virtualhost'])
const USE_KEYS = ['scriptalias', 'scriptaliasmatch', 'sethandler', 'addhandler', 'proxypass', 'proxypassmatch']
const FIX_KEYS = ['cgipassauth', 'rewriterule', 'setenvif', 'setenvifnocase']
const STOCK_CGI = /^\/usr\/lib\/cgi-bin\/?$/

interface Use { label: string, severity: Severity, messageId: string }

function fcgiTarget (node: ConfNode): boolean {
  return node.args.some((a) => /^fcgi:/i.test(a)) && (node.key === 'proxypass' || node.key === 'proxypassmatch')
}

function cgiUse (node: ConfNode): Use | null {
  const first = (node.args[0] ?? '').toLowerCase()
  if (node.key === 'scriptalias' || node.key === 'scriptaliasmatch') {
    const target = node.args[node.args.length - 1] ?? ''
    if (/php/i.test(target)) return { label: `${node.name} to a PHP interpreter`, severity: 'error', messageId: 'php-cgi' }
    if (STOCK_CGI.test(target)) return { label: `${node.name} ${node.args[0] ?? ''} (the distribution's stock CGI folder)`, severity: 'info', messageId: 'stock-cgi' }
    return { label: node.name, severity: 'warning', messageId: 'cgi' }
  }
  if ((node.key === 'sethandler' || node.key === 'addhandler') && isFcgiHandler(first)) return { label: `${node.name} ${node.args[0] ?? ''}`, severity: 'error', messageId: 'fastcgi-app' }
  if ((node.key === 'sethandler' || node.key === 'addhandler') && first === 'cgi-script') {
    const php = node.args.slice(1).some((a) => /php/i.test(a))
    return php ? { label: `${node.name} cgi-script for PHP`, severity: 'error', messageId: 'php-cgi' } : { label: `${node.name} cgi-script`, severity: 'warning', messageId: 'cgi' }
  }
  if (fcgiTarget(node)) return { label: `${node.name} fcgi://`, severity: 'error', messageId: 'fastcgi-app' }
  return null
}

/** SetEnvIf(NoCase) whose attribute (a name or a regex, `^Authorization$`) matches Authorization
 *  and which sets HTTP_AUTHORIZATION. */
function setEnvIfPasses (node: ConfNode): boolean {
  const attribute = node.args[0] ?? ''
  if (!node.args.slice(2).some((a) => /^HTTP_AUTHORIZATION=/i.test(a))) return false
  if (/^authorization$/i.test(attribute)) return true
  try { return new RegExp(attribute, node.key === 'setenvifnocase' ? 'i' : '').test('Authorization') } catch { return false }
}

function passes (node: ConfNode): boolean {
  if (node.key === 'cgipassauth') return node.args[0]?.toLowerCase() === 'on'
  if (node.key === 'rewriterule') return /E=HTTP_AUTHORIZATION:/i.test(node.args.join(' '))
  return setEnvIfPasses(node)
}

/** The fixes that apply to `use`: in its virtual host or in the server config outside any. */
function fixedFor (use: ConfNode, ctx: LintContext): boolean {
  const host = enclosing(use, VHOST)
  return FIX_KEYS.some((key) => ctx.nodes(key).some((fix) => passes(fix) && (enclosing(fix, VHOST) === null || enclosing(fix, VHOST) === host)))
}

export const rule: LintRule = {
  dialect: 'apache',
  directives: USE_KEYS,
  meta: {
    id,
    severity: 'error',
    summary: 'A CGI or FastCGI backend does not receive Authorization: CGIPassAuth On is missing.',
    description: 'httpd keeps Authorization and Proxy-Authorization out of the CGI environment (they would otherwise be visible to every script). Scripts run by mod_cgi/mod_cgid and apps behind mod_proxy_fcgi (PHP-FPM) therefore see no HTTP_AUTHORIZATION and answer 401, unless `CGIPassAuth On` (httpd 2.4.13+) or a rewrite/SetEnvIf rule copies the header into the environment. An error for PHP/FastCGI apps, which read Authorization; a warning for a CGI folder; info for the distribution\'s stock /usr/lib/cgi-bin.',
    remediation: {
      apache: 'Add `CGIPassAuth On` in the <Directory> (or <Location>) that serves the scripts; on httpd older than 2.4.13 use `RewriteRule .* - [E=HTTP_AUTHORIZATION:%{HTTP:Authorization}]` or `SetEnvIfNoCase ^Authorization$ "(.+)" HTTP_AUTHORIZATION=$1`.'
    },
    docs: docsPath(id)
  },
  check: (_tree, ctx) => {
    const reports: LintReport[] = []
    for (const key of USE_KEYS) {
      for (const node of ctx.nodes(key)) {
        const use = cgiUse(node)
        if (use === null || fixedFor(node, ctx)) continue
        const unseen = unseenInclude(node.parent)
        reports.push({
          where: node,
          header: 'Authorization',
          severity: use.severity,
          messageId: use.messageId,
          message: `${use.label}: the CGI/FastCGI backend gets no HTTP_AUTHORIZATION because CGIPassAuth On (or the rewrite/SetEnvIf workaround) is missing${unseen ? partialNote(unseen) : ''}`
        })
      }
    }
    reports.sort((a, b) => a.where.line - b.where.line)
    return reports
  }
}
