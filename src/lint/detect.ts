// NGINX or Apache? Decided by content: Apache has `<Section>` tags and capitalised directives
// without trailing `;`; NGINX has lower-case directives ending in `;` and `{ }` blocks.
import { isIngressManifest } from './ingress-parser.js'
import type { Dialect } from './types.js'

const APACHE_SECTION = /^\s*<\/?(VirtualHost|Directory|DirectoryMatch|Location|LocationMatch|Files|FilesMatch|IfModule|IfDefine|IfVersion|Proxy|ProxyMatch|Macro|Limit|LimitExcept|If|Else|ElseIf|RequireAll|RequireAny)\b/gim
const APACHE_DIRECTIVE = /^\s*(LoadModule|ServerRoot|ServerName|ServerAdmin|DocumentRoot|ProxyPass|ProxyPassReverse|ProxyPassMatch|RequestHeader|Header|Listen|Include|IncludeOptional|AuthType|AuthName|AuthUserFile|Require|RewriteEngine|RewriteRule|RewriteCond|ScriptAlias|CGIPassAuth|SetHandler|AddHandler|ErrorLog|CustomLog|LogLevel|Options|AllowOverride|DirectoryIndex|Alias|Redirect|SetEnvIf|PidFile|Mutex|Timeout|KeepAlive)\b[^;{}\n]*$/gm
const NGINX_LINE = /;\s*(#.*)?$/gm
const NGINX_BLOCK = /^\s*(http|server|location|events|upstream|map|types|stream|if|geo|limit_except)\b[^\n]*\{\s*(#.*)?$/gm

function count (re: RegExp, text: string): number {
  return text.match(re)?.length ?? 0
}

export function detectDialect (text: string, path = ''): Dialect {
  if (/\.ya?ml$/i.test(path) || /^apiVersion:/m.test(text)) return isIngressManifest(text) ? 'ingress-nginx' : 'nginx'
  const apache = count(APACHE_SECTION, text) * 3 + count(APACHE_DIRECTIVE, text)
  const nginx = count(NGINX_LINE, text) + count(NGINX_BLOCK, text) * 3
  if (apache === nginx) return /apache|httpd|\.htaccess/i.test(path) ? 'apache' : 'nginx'
  return apache > nginx ? 'apache' : 'nginx'
}
