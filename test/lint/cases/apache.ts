// Rule tables for the Apache lint rules and the config rules.
import type { RuleCases } from './types.js'

const vhost = (body: string): string => `<VirtualHost *:80>\n    ProxyPass "/" "http://app:8080/"\n${body}\n</VirtualHost>\n`

export const APACHE_CASES: Record<string, RuleCases> = {
  'apache-requestheader-unset-credential': {
    valid: [{ code: vhost('    RequestHeader unset Proxy early') }, { code: vhost('    RequestHeader set X-Forwarded-Proto "https"') }],
    invalid: [
      { code: vhost('    RequestHeader unset Authorization'), findings: [{ line: 3, severity: 'error', header: 'Authorization', messageId: 'removed' }] },
      { name: 'after Apache\'s own AuthType Basic: credential consumed, info', code: vhost('    <Location />\n        AuthType Basic\n        AuthName "staff"\n        Require valid-user\n        RequestHeader unset Authorization\n    </Location>'), findings: [{ line: 7, severity: 'info', messageId: 'consumed' }] },
      { code: vhost('    requestheader UNSET cookie'), findings: [{ line: 3, header: 'cookie' }] }
    ]
  },
  'apache-requestheader-set-credential': {
    valid: [{ code: vhost('    RequestHeader setifempty Authorization "Bearer anonymous"') }, { code: vhost('    RequestHeader set X-Request-Id "%{UNIQUE_ID}e"') }],
    invalid: [
      { code: vhost('    RequestHeader set Authorization "Basic dXNlcjpwYXNz"'), findings: [{ line: 3, severity: 'error' }] },
      { code: vhost('    RequestHeader set Authorization "Bearer %{TOKEN}e"'), findings: [{ line: 3, severity: 'info' }] },
      { code: vhost('    RequestHeader append Cookie "tenant=a"'), findings: [{ line: 3, severity: 'warning' }] }
    ]
  },
  'apache-header-unset-auth-response-header': {
    valid: [{ code: vhost('    Header unset X-Powered-By') }],
    invalid: [
      { code: vhost('    Header unset WWW-Authenticate'), findings: [{ line: 3, severity: 'error' }] },
      { code: vhost('    Header always unset WWW-Authenticate'), findings: [{ line: 3, severity: 'info' }] },
      { code: '<VirtualHost *:80>\n    ProxyPassMatch "^/(.*\\.php)$" "fcgi://127.0.0.1:9000/var/www/$1"\n    Header always unset WWW-Authenticate\n</VirtualHost>\n', findings: [{ line: 3, severity: 'error' }] }
    ]
  },
  'apache-cgi-without-passauth': {
    valid: [
      { code: '<VirtualHost *:80>\n    ScriptAlias /cgi-bin/ /usr/lib/cgi-bin/\n    <Directory /usr/lib/cgi-bin>\n        CGIPassAuth On\n    </Directory>\n</VirtualHost>\n' },
      { code: '<VirtualHost *:80>\n    ProxyPassMatch "^/(.*\\.php)$" "fcgi://127.0.0.1:9000/var/www/$1"\n    SetEnvIf Authorization "(.*)" HTTP_AUTHORIZATION=$1\n</VirtualHost>\n' },
      { code: '<IfDefine NEVER_DEFINED>\n    ScriptAlias /cgi-bin/ /usr/lib/cgi-bin/\n</IfDefine>\n', name: 'inactive IfDefine is not seen' },
      { name: 'Symfony: SetEnvIfNoCase regex form', code: '<VirtualHost *:80>\n    SetEnvIfNoCase ^Authorization$ "(.+)" HTTP_AUTHORIZATION=$1\n    <FilesMatch \\.php$>\n        SetHandler "proxy:fcgi://127.0.0.1:9000"\n    </FilesMatch>\n</VirtualHost>\n' },
      { name: 'rewrite workaround', code: '<VirtualHost *:80>\n    RewriteEngine On\n    RewriteRule .* - [E=HTTP_AUTHORIZATION:%{HTTP:Authorization}]\n    ProxyPassMatch "^/(.*\\.php)$" "fcgi://127.0.0.1:9000/var/www/$1"\n</VirtualHost>\n' },
      { name: 'CGIPassAuth On in a server-wide <Location> applies to every vhost', code: '<Location />\n    CGIPassAuth On\n</Location>\n<VirtualHost *:80>\n    ProxyPass "/app/" "fcgi://127.0.0.1:9000/"\n</VirtualHost>\n' }
    ],
    invalid: [
      { name: 'Debian stock cgi-bin: info', code: '<VirtualHost *:80>\n    ScriptAlias /cgi-bin/ /usr/lib/cgi-bin/\n</VirtualHost>\n', findings: [{ line: 2, severity: 'info', messageId: 'stock-cgi' }] },
      { name: 'a CGI folder of its own: warning', code: '<VirtualHost *:80>\n    ScriptAlias /tools/ /srv/tools/cgi/\n</VirtualHost>\n', findings: [{ line: 2, severity: 'warning', messageId: 'cgi' }] },
      { code: '<FilesMatch "\\.php$">\n    SetHandler "proxy:fcgi://127.0.0.1:9000"\n</FilesMatch>\n', findings: [{ line: 2, severity: 'error', messageId: 'fastcgi-app' }] },
      { name: 'Debian PHP-FPM socket form', code: '<FilesMatch "\\.php$">\n    SetHandler "proxy:unix:/run/php/php8.2-fpm.sock|fcgi://localhost"\n</FilesMatch>\n', findings: [{ line: 2, severity: 'error', messageId: 'fastcgi-app' }] },
      { name: 'CGIPassAuth in another vhost does not apply', code: '<VirtualHost *:8080>\n    CGIPassAuth On\n</VirtualHost>\n<VirtualHost *:80>\n    ProxyPassMatch "^/(.*\\.php)$" "fcgi://127.0.0.1:9000/var/www/$1"\n</VirtualHost>\n', findings: [{ line: 5, severity: 'error' }] },
      { name: 'SetEnvIf regex that does not match Authorization', code: '<VirtualHost *:80>\n    SetEnvIf ^X-Auth$ "(.+)" HTTP_AUTHORIZATION=$1\n    ProxyPass "/app/" "fcgi://127.0.0.1:9000/"\n</VirtualHost>\n', findings: [{ line: 3, severity: 'error' }] }
    ]
  },
  'apache-authtype-in-front-of-proxy': {
    valid: [
      { code: '<Directory /var/www>\n    AuthType Basic\n    Require valid-user\n</Directory>\n', name: 'static files, nothing proxied' },
      { code: vhost('    <Location /admin>\n        AuthType None\n    </Location>') },
      { code: vhost('    <Directory /var/www/private>\n        AuthType Basic\n        Require valid-user\n    </Directory>'), name: 'a <Directory> next to a ProxyPass guards files, not the proxied app' },
      { name: 'Apache auth, Authorization stripped knowingly', code: '<VirtualHost *:80>\n    <Location /app/>\n        AuthType Basic\n        Require valid-user\n        RequestHeader unset Authorization\n        RequestHeader set X-Remote-User %{REMOTE_USER}s\n        ProxyPass http://127.0.0.1:8080/\n    </Location>\n</VirtualHost>\n' }
    ],
    invalid: [
      { code: vhost('    <Location />\n        AuthType Basic\n        Require valid-user\n    </Location>'), findings: [{ line: 4, severity: 'warning' }] },
      { code: '<Proxy "http://app:8080/*">\n    AuthType Digest\n</Proxy>\n', findings: [{ line: 2 }] },
      { name: 'single-argument ProxyPass inside <Location>', code: '<VirtualHost *:80>\n    <Location /app/>\n        AuthType Basic\n        AuthName "staff"\n        Require valid-user\n        ProxyPass http://127.0.0.1:8080/\n    </Location>\n</VirtualHost>\n', findings: [{ line: 3, severity: 'warning', messageId: 'password-forwarded' }] },
      { name: 'ProxyPassMatch backend', code: '<VirtualHost *:80>\n    ProxyPassMatch "^/app/(.*)$" "http://127.0.0.1:8080/$1"\n    <LocationMatch "^/app/">\n        AuthType Basic\n        Require valid-user\n    </LocationMatch>\n</VirtualHost>\n', findings: [{ line: 4 }] }
    ]
  },
  'config-parse-error': {
    valid: [{ code: 'server { listen 80; }\n' }, { code: '<VirtualHost *:80>\n</VirtualHost>\n', dialect: 'apache' }],
    invalid: [
      { code: 'server {\n  listen 80;\n', findings: [{ line: 1 }] },
      { code: 'server {\n  listen 80\n}\n', findings: [{ line: 2 }] },
      { code: 'server { listen 80; }\n}\n', findings: [{ line: 2 }] },
      { code: 'server {\n  return 200 "unterminated;\n}\n', findings: [{ line: 2 }, { line: 1 }] },
      { code: '<VirtualHost *:80>\n    ServerName a\n</Location>\n', dialect: 'apache', findings: [{ line: 3 }] },
      { code: '<VirtualHost *:80>\n    ServerName a\n', dialect: 'apache', findings: [{ line: 1 }] }
    ]
  },
  'config-include-missing': {
    valid: [{ code: 'http { include /nonexistent-dir-hopwatch/*.conf; }\n', name: 'a glob that matches nothing is fine for nginx' }, { code: 'IncludeOptional /nonexistent-hopwatch.conf\n', dialect: 'apache' }],
    invalid: [
      { name: 'absolute: lives where the config is deployed', code: 'http {\n  include /nonexistent-hopwatch/mime.types;\n}\n', findings: [{ line: 2, severity: 'info', messageId: 'elsewhere' }] },
      { name: 'relative: should sit next to the config', code: 'http {\n  include hopwatch-missing-snippet.conf;\n}\n', findings: [{ line: 2, severity: 'warning', messageId: 'missing' }] },
      { code: 'Include /nonexistent-hopwatch.conf\n', dialect: 'apache', findings: [{ line: 1 }] }
    ]
  }
}
