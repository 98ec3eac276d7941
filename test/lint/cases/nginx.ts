// Rule tables for the NGINX lint rules.
import type { RuleCases } from './types.js'

const loc = (body: string): string => `server {\n  listen 80;\n  location / {\n    proxy_pass http://app;\n${body}\n  }\n}\n`

export const NGINX_CASES: Record<string, RuleCases> = {
  'nginx-credential-header-cleared': {
    valid: [
      { code: loc('    proxy_set_header Accept-Encoding "";') },
      { code: loc('    proxy_set_header Authorization $http_authorization;') },
      { code: loc('    more_clear_input_headers X-Debug;') },
      { name: 'ingress pattern is left to nginx-ingress-auth-strip', code: loc('    auth_basic "x";\n    proxy_set_header Authorization "";') }
    ],
    invalid: [
      { code: loc('    proxy_set_header Authorization "";'), findings: [{ line: 5, severity: 'error', header: 'Authorization' }] },
      { code: loc("    proxy_set_header Cookie '';"), findings: [{ line: 5, header: 'Cookie' }] },
      { code: loc('    proxy_set_header X-Tenant-Key "";'), credentialHeaders: ['X-Tenant-Key'], findings: [{ line: 5 }] },
      { code: loc("    more_clear_input_headers 'Proxy-Authorization' X-Request-Id;"), findings: [{ line: 5, header: 'proxy-authorization' }] }
    ]
  },
  'nginx-credential-header-replaced': {
    valid: [
      { code: loc('    proxy_set_header Authorization $http_authorization;') },
      { code: loc('    proxy_set_header Host $host;') }
    ],
    invalid: [
      { code: loc('    proxy_set_header Authorization "Basic dXNlcjpwYXNz";'), findings: [{ line: 5, severity: 'error', header: 'Authorization' }] },
      { code: loc('    proxy_set_header Authorization "Bearer $cookie_token";'), findings: [{ line: 5, severity: 'info' }] }
    ]
  },
  'nginx-pass-request-headers-off': {
    valid: [{ code: loc('    proxy_pass_request_headers on;') }, { code: loc('') }],
    invalid: [{ code: loc('    proxy_pass_request_headers off;'), findings: [{ line: 5, severity: 'error' }] }]
  },
  'nginx-proxy-set-header-inheritance': {
    valid: [
      { code: 'server {\n  proxy_set_header X-Real-IP $remote_addr;\n  location / { proxy_pass http://app; }\n}\n' },
      { code: 'server {\n  proxy_set_header X-Real-IP $remote_addr;\n  location / {\n    proxy_set_header X-Real-IP $remote_addr;\n    proxy_set_header Host $host;\n  }\n}\n' }
    ],
    invalid: [
      { code: 'http {\n  proxy_set_header X-Real-IP $remote_addr;\n  server {\n    proxy_set_header Host $host;\n  }\n}\n', findings: [{ line: 4, severity: 'warning' }] },
      { code: 'server {\n  proxy_set_header X-Api-Key $cookie_key;\n  location / {\n    proxy_set_header Host $host;\n  }\n}\n', findings: [{ line: 4, severity: 'error', header: 'X-Api-Key' }] },
      { name: 'an include that was not found may repeat them: partial', code: 'server {\n  proxy_set_header X-Api-Key $cookie_key;\n  location / {\n    include /nonexistent-hopwatch/proxy.conf;\n    proxy_set_header Host $host;\n  }\n}\n', findings: [{ line: 5, severity: 'error', messageId: 'partial' }] }
    ]
  },
  'nginx-underscores-in-headers': {
    valid: [
      { code: 'server { listen 80; location / { proxy_pass http://app; } }\n' },
      { code: 'http { underscores_in_headers on; server { listen 80; } }\n', credentialHeaders: ['api_key'] },
      { code: 'server { ignore_invalid_headers off; listen 80; }\n', credentialHeaders: ['api_key'] },
      { code: 'server { listen 80; }\nserver { listen 80 default_server; underscores_in_headers on; }\n', name: 'on in the default_server' }
    ],
    invalid: [
      { code: 'server {\n  listen 80;\n}\n', credentialHeaders: ['api_key'], findings: [{ line: 1, severity: 'error', header: 'api_key' }] },
      { code: 'server {\n  listen 80;\n  proxy_set_header x_request_sig $http_x_request_sig;\n}\n', findings: [{ line: 3, severity: 'warning' }] },
      { name: 'on only in a non-default server', code: 'server {\n  listen 80;\n}\nserver {\n  listen 80;\n  server_name api.example;\n  underscores_in_headers on;\n}\n', findings: [{ line: 7, severity: 'warning' }] }
    ]
  },
  'nginx-hide-auth-response-header': {
    valid: [{ code: loc('    proxy_hide_header X-Powered-By;') }],
    invalid: [
      { code: loc('    proxy_hide_header WWW-Authenticate;'), findings: [{ line: 5, severity: 'error' }] },
      { code: loc('    proxy_hide_header Set-Cookie;'), findings: [{ line: 5, severity: 'warning' }] }
    ]
  },
  'nginx-client-header-buffer-too-small': {
    valid: [{ code: 'http { large_client_header_buffers 4 8k; }\n' }, { code: 'http { large_client_header_buffers 4 32k; }\n' }],
    invalid: [
      { code: 'http {\n  large_client_header_buffers 4 1k;\n}\n', findings: [{ line: 2, severity: 'error' }] },
      { code: 'http {\n  large_client_header_buffers 2 4k;\n}\n', findings: [{ line: 2, severity: 'warning' }] }
    ]
  },
  'nginx-proxy-buffer-too-small': {
    valid: [
      { code: loc('    proxy_buffer_size 16k;') },
      { name: 'default buffers on an ordinary app', code: 'server {\n  location /app/ { proxy_pass http://app; }\n}\n' },
      { name: 'Keycloak with 16k buffers', code: 'server {\n  proxy_buffer_size 16k;\n  location /realms/ { proxy_pass http://keycloak:8080; }\n}\n' }
    ],
    invalid: [
      { code: loc('    proxy_buffer_size 2k;'), findings: [{ line: 5, severity: 'warning', messageId: 'explicit-small' }] },
      { name: 'Keycloak upstream with the default buffer', code: 'server {\n  location / {\n    proxy_pass http://keycloak:8080;\n  }\n}\n', findings: [{ line: 3, severity: 'warning', messageId: 'oidc-default' }] },
      { name: 'location /realms/ with 8k', code: 'server {\n  location /realms/ {\n    proxy_buffer_size 8k;\n    proxy_pass http://idp;\n  }\n}\n', findings: [{ line: 4, severity: 'warning', messageId: 'oidc-default' }] },
      { name: 'a login callback with the default buffer: info', code: 'server {\n  location /account/login {\n    proxy_pass http://app;\n  }\n}\n', findings: [{ line: 3, severity: 'info', messageId: 'login-default' }] }
    ]
  },
  'nginx-redirect-changes-origin': {
    valid: [
      { code: 'server {\n  listen 80;\n  server_name api.example.com;\n  return 301 http://api.example.com$request_uri;\n}\n' },
      { code: 'server {\n  listen 443 ssl;\n  location /old { return 308 /new; }\n}\n' },
      { code: 'server {\n  listen 80;\n  location / { return 302 $scheme://$host/login; }\n}\n' }
    ],
    invalid: [
      { code: 'server {\n  listen 80;\n  server_name api.example.com;\n  return 301 https://api.example.com$request_uri;\n}\n', findings: [{ line: 4, severity: 'info' }] },
      { code: 'server {\n  listen 80;\n  server_name api.example.com;\n  location / {\n    return 307 https://auth.example.com/login;\n  }\n}\n', findings: [{ line: 5, severity: 'warning' }] },
      { code: 'server {\n  listen 80;\n  server_name a.example;\n  rewrite ^/v1/(.*)$ http://b.example/$1 permanent;\n}\n', findings: [{ line: 4, severity: 'warning' }] },
      { name: 'canonical www -> bare host', code: 'server {\n  listen 80;\n  server_name www.example.com;\n  return 301 http://example.com$request_uri;\n}\n', findings: [{ line: 4, severity: 'info', messageId: 'canonical-host' }] },
      { name: 'bare -> www with https', code: 'server {\n  listen 80;\n  server_name example.com;\n  return 301 https://www.example.com$request_uri;\n}\n', findings: [{ line: 4, severity: 'info', messageId: 'canonical-host' }] },
      { name: 'http -> https for the whole server', code: 'server {\n  listen 80;\n  server_name example.com www.example.com;\n  return 301 https://$host$request_uri;\n}\n', findings: [{ line: 4, severity: 'info', messageId: 'scheme-upgrade' }] },
      { name: 'a redirect-only server sends the site elsewhere', code: 'server {\n  listen 443 ssl;\n  server_name old.example;\n  return 301 https://new.example.org$request_uri;\n}\n', findings: [{ line: 4, severity: 'info', messageId: 'site-moved' }] },
      { name: 'a link out to another site from a serving server', code: 'server {\n  listen 443 ssl;\n  server_name shop.example.com;\n  location / { proxy_pass http://app; }\n  location /docs { return 301 https://docs.vendor.io/shop; }\n}\n', findings: [{ line: 5, severity: 'info', messageId: 'external-site' }] },
      { name: 'an API path sent to another site stays a warning', code: 'server {\n  listen 443 ssl;\n  server_name shop.example.com;\n  location / { proxy_pass http://app; }\n  location /api/ { return 308 https://api.vendor.io/; }\n}\n', findings: [{ line: 5, severity: 'warning', messageId: 'origin-changed' }] },
      { name: 'http -> https on an API location', code: 'server {\n  listen 80;\n  server_name x.example;\n  location /api/ {\n    return 301 https://$host$request_uri;\n  }\n}\n', findings: [{ line: 5, severity: 'warning', messageId: 'api-scheme-upgrade' }] },
      { name: 'listen in an include that is not there: partial, no guess', code: 'server {\n  include /nonexistent-hopwatch/listen.conf;\n  server_name a.example;\n  return 301 https://$host$request_uri;\n}\n', findings: [{ line: 4, severity: 'info', messageId: 'partial' }] }
    ]
  },
  'nginx-cache-authorized-responses': {
    valid: [
      { code: 'server {\n  location / {\n    proxy_cache api;\n    proxy_cache_bypass $http_authorization;\n    proxy_no_cache $http_authorization;\n    proxy_pass http://app;\n  }\n}\n' },
      { code: 'server {\n  proxy_cache api;\n  proxy_cache_key "$scheme$host$request_uri$http_authorization";\n  location / { proxy_pass http://app; }\n}\n' },
      { code: 'server {\n  proxy_cache api;\n  location / {\n    proxy_cache off;\n    proxy_pass http://app;\n  }\n}\n' }
    ],
    invalid: [
      { code: 'server {\n  proxy_cache api;\n  location / { proxy_pass http://app; }\n  location /b { proxy_pass http://app; }\n}\n', findings: [{ line: 2, severity: 'error' }] },
      { name: 'bypass possibly in an include that was not found: partial', code: 'server {\n  proxy_cache api;\n  include /nonexistent-hopwatch/cache.conf;\n  location / { proxy_pass http://app; }\n}\n', findings: [{ line: 2, severity: 'error', messageId: 'partial' }] }
    ]
  },
  'nginx-ingress-auth-strip': {
    valid: [
      { code: loc('    auth_basic off;\n    proxy_set_header Authorization "";'), name: 'auth_basic off is not the pattern' },
      { code: loc('    auth_basic "x";') },
      { dialect: 'ingress-nginx', code: 'kind: Ingress\nmetadata:\n  annotations:\n    nginx.ingress.kubernetes.io/auth-url: "http://auth/check"\n' }
    ],
    invalid: [
      { dialect: 'ingress-nginx', code: 'kind: Ingress\nmetadata:\n  name: a\n  annotations:\n    nginx.ingress.kubernetes.io/auth-type: "basic"\n', findings: [{ line: 5, severity: 'error' }] },
      { name: 'auth_basic then cleared: credential consumed, info', code: loc('    auth_basic "Authentication Required";\n    auth_basic_user_file /etc/ingress-controller/auth/default-x.passwd;\n    proxy_set_header Authorization "";'), findings: [{ line: 7, severity: 'info', messageId: 'consumed' }] },
      { name: 'auth_basic then replaced', code: loc('    auth_basic "x";\n    proxy_set_header Authorization "Bearer $cookie_t";'), findings: [{ line: 6, severity: 'error', messageId: 'replaced' }] },
      { name: 'auth_basic inherited from the server level', code: 'server {\n  auth_basic "x";\n  location / {\n    proxy_pass http://app;\n    proxy_set_header Authorization "";\n  }\n}\n', findings: [{ line: 5, severity: 'info', messageId: 'consumed' }] }
    ]
  },
  'nginx-auth-basic-forwards-password': {
    valid: [
      { code: loc('    auth_basic "x";\n    proxy_set_header Authorization "";\n    proxy_set_header X-Remote-User $remote_user;') },
      { code: loc('') },
      { name: 'auth_basic off in the location', code: 'server {\n  auth_basic "x";\n  location / {\n    auth_basic off;\n    proxy_pass http://app;\n  }\n}\n' },
      { name: 'cleared at the server level and inherited', code: 'server {\n  auth_basic "x";\n  proxy_set_header Authorization "";\n  location / { proxy_pass http://app; }\n}\n' }
    ],
    invalid: [
      { code: loc('    auth_basic "staff";\n    auth_basic_user_file /etc/nginx/htpasswd;'), findings: [{ line: 4, severity: 'warning', messageId: 'password-forwarded', header: 'Authorization' }] },
      { name: 'server-level clear not inherited by a location with its own proxy_set_header', code: 'server {\n  auth_basic "x";\n  proxy_set_header Authorization "";\n  location / {\n    proxy_set_header Host $host;\n    proxy_pass http://app;\n  }\n}\n', findings: [{ line: 6, severity: 'warning' }] },
      { name: 'proxy headers from an include that is not there: partial', code: 'server {\n  auth_basic "x";\n  location / {\n    include /nonexistent-hopwatch/proxy.conf;\n    proxy_pass http://app;\n  }\n}\n', findings: [{ line: 5, severity: 'info', messageId: 'partial' }] }
    ]
  }
}
