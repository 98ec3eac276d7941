// Which server's config? HAProxy, Caddy and VCL by file name first (Caddyfile, *.caddy, *.vcl,
// haproxy.cfg), then by content (`vcl 4.x;` first; HAProxy section lines; Caddy site blocks).
// NGINX or Apache by content: Apache has `<Section>` tags and capitalised directives without
// trailing `;`; NGINX has lower-case directives ending in `;` and `{ }` blocks.
import { basename } from 'node:path'
import { isIngressManifest } from './ingress-parser.js'
import type { Dialect } from './types.js'

const APACHE_SECTION = /^\s*<\/?(VirtualHost|Directory|DirectoryMatch|Location|LocationMatch|Files|FilesMatch|IfModule|IfDefine|IfVersion|Proxy|ProxyMatch|Macro|Limit|LimitExcept|If|Else|ElseIf|RequireAll|RequireAny)\b/gim
const APACHE_DIRECTIVE = /^\s*(LoadModule|ServerRoot|ServerName|ServerAdmin|DocumentRoot|ProxyPass|ProxyPassReverse|ProxyPassMatch|RequestHeader|Header|Listen|Include|IncludeOptional|AuthType|AuthName|AuthUserFile|Require|RewriteEngine|RewriteRule|RewriteCond|ScriptAlias|CGIPassAuth|SetHandler|AddHandler|ErrorLog|CustomLog|LogLevel|Options|AllowOverride|DirectoryIndex|Alias|Redirect|SetEnvIf|PidFile|Mutex|Timeout|KeepAlive)\b[^;{}\n]*$/gm
const NGINX_LINE = /;\s*(#.*)?$/gm
const NGINX_BLOCK = /^\s*(http|server|location|events|upstream|map|types|stream|if|geo|limit_except)\b[^\n]*\{\s*(#.*)?$/gm

const HAPROXY_SECTION = /^(global|defaults|frontend|backend|listen|peers|resolvers|userlist|program|http-errors|cache|ring)(?:[ \t]+[^\s;{}]+)*[ \t]*(?:#.*)?$/gm
const HAPROXY_LINE = /^[ \t]+(mode|bind|server|default_backend|use_backend|http-request|http-response|timeout|option|balance|maxconn|acl)\b[^;{}\n]*$/gm
const CADDY_SITE = /^[ \t]*(?:https?:\/\/)?(?:[\w*.-]*\.[\w-]+|localhost|\[[0-9a-f:]+\]|[\w.-]*:\d+|\{\$[\w:.-]+\})(?::\d+)?(?:\/\S*)?(?:,?[ \t]+\S+)*[ \t]*\{[ \t]*$/gm
const CADDY_DIRECTIVE = /^[ \t]*(reverse_proxy|header_up|header_down|request_header|file_server|php_fastcgi|encode|respond|redir|handle|handle_path|route|basicauth|basic_auth|forward_auth|tls|root|auto_https|admin|import)\b[^;\n]*$/gm

function count (re: RegExp, text: string): number {
  return text.match(re)?.length ?? 0
}

/** Drops `#` and `//` line comments and C block comments, enough to find a VCL file's first statement. */
function firstStatement (text: string): string {
  const stripped = text.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/(^|\s)(#|\/\/)[^\n]*/g, '$1')
  return stripped.trimStart().slice(0, 40)
}

/** HAProxy, Caddy or VCL from the file name or content; null for everything else. */
function detectOther (text: string, path: string): Dialect | null {
  const name = basename(path).toLowerCase()
  if (name.endsWith('.vcl')) return 'vcl'
  if (name === 'caddyfile' || name.endsWith('.caddyfile') || name.endsWith('.caddy') || name.startsWith('caddyfile.')) return 'caddy'
  if (/^haproxy.*\.cfg$/.test(name)) return 'haproxy'
  if (/^vcl\s+\d+\.\d+\s*;/.test(firstStatement(text))) return 'vcl'
  const nginxish = count(NGINX_LINE, text)
  const haproxy = count(HAPROXY_SECTION, text)
  if (haproxy > 0 && haproxy * 3 + count(HAPROXY_LINE, text) > nginxish * 2 && count(APACHE_SECTION, text) === 0) return 'haproxy'
  const caddy = count(CADDY_SITE, text) * 3 + count(CADDY_DIRECTIVE, text)
  if (count(CADDY_SITE, text) > 0 && caddy > nginxish * 2 + count(NGINX_BLOCK, text) * 3 && count(APACHE_SECTION, text) === 0) return 'caddy'
  return null
}

export function detectDialect (text: string, path = ''): Dialect {
  if (/\.ya?ml$/i.test(path) || /^apiVersion:/m.test(text)) return isIngressManifest(text) ? 'ingress-nginx' : 'nginx'
  const other = detectOther(text, path)
  if (other !== null) return other
  const apache = count(APACHE_SECTION, text) * 3 + count(APACHE_DIRECTIVE, text)
  const nginx = count(NGINX_LINE, text) + count(NGINX_BLOCK, text) * 3
  if (apache === nginx) return /apache|httpd|\.htaccess/i.test(path) ? 'apache' : 'nginx'
  return apache > nginx ? 'apache' : 'nginx'
}
