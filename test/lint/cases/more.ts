// Rule tables for the HAProxy, Caddy and Varnish VCL lint rules.
import type { RuleCases } from './types.js'

const fe = (body: string): string => `global\n  maxconn 256\ndefaults\n  mode http\nfrontend fe\n  bind 127.0.0.1:8080\n${body}\n  default_backend app\nbackend app\n  server app 127.0.0.1:3000\n`
const site = (body: string): string => `{\n  admin off\n}\n:8080 {\n${body}\n}\n`
const recv = (body: string): string => `vcl 4.1;\nbackend app { .host = "127.0.0.1"; .port = "3000"; }\nsub vcl_recv {\n${body}\n}\n`

export const MORE_CASES: Record<string, RuleCases> = {
  'haproxy-credential-header-removed': {
    valid: [
      { dialect: 'haproxy', code: fe('  http-request del-header X-Forwarded-For') },
      { dialect: 'haproxy', code: fe('  http-request set-header X-Forwarded-Proto https') },
      { dialect: 'haproxy', code: fe('  # http-request del-header Authorization') },
      { dialect: 'haproxy', name: 'a fixed value is the replaced rule', code: fe('  http-request set-header Authorization "Bearer fixed"') },
      { dialect: 'haproxy', name: 'not in a proxy section', code: 'global\n  http-request del-header Authorization\n' },
      { dialect: 'haproxy', name: 'an empty set-header: HAProxy 2.6 refuses the config', code: fe('  http-request set-header Cookie ""') }
    ],
    invalid: [
      { dialect: 'haproxy', code: fe('  http-request del-header Authorization'), findings: [{ line: 7, severity: 'error', header: 'Authorization' }] },
      { dialect: 'haproxy', code: fe('  http-request del-header authorization if { path_beg /api }'), findings: [{ line: 7, header: 'authorization' }] },
      { dialect: 'haproxy', code: fe('  http-request del-header X-Tenant-Key'), credentialHeaders: ['X-Tenant-Key'], findings: [{ line: 7 }] },
      { dialect: 'haproxy', code: 'defaults\n  mode http\nlisten app\n  bind :80\n  http-request del-header Proxy-Authorization\n', findings: [{ line: 5, header: 'Proxy-Authorization' }] }
    ]
  },
  'haproxy-credential-header-replaced': {
    valid: [
      { dialect: 'haproxy', code: fe('  http-request set-header X-Real-IP %[src]') },
      { dialect: 'haproxy', code: fe('  http-request set-header Authorization %[req.hdr(Authorization)]') },
      { dialect: 'haproxy', name: 'empty: HAProxy 2.6 refuses the config', code: fe('  http-request set-header Authorization ""') }
    ],
    invalid: [
      { dialect: 'haproxy', code: fe('  http-request set-header Authorization "Basic dXNlcjpwYXNz"'), findings: [{ line: 7, severity: 'error', header: 'Authorization' }] },
      { dialect: 'haproxy', code: fe('  http-request set-header Authorization "Bearer %[req.cook(token)]"'), findings: [{ line: 7, severity: 'info' }] },
      { dialect: 'haproxy', code: 'defaults\n  mode http\nbackend app\n  http-request set-header X-Api-Key static-key if { path_beg /v1 }\n', findings: [{ line: 4, severity: 'error', header: 'X-Api-Key' }] }
    ]
  },
  'haproxy-bufsize-too-small': {
    valid: [
      { dialect: 'haproxy', code: 'global\n  tune.bufsize 16384\n' },
      { dialect: 'haproxy', code: 'global\n  tune.bufsize 32768\n' },
      { dialect: 'haproxy', code: fe('') }
    ],
    invalid: [
      { dialect: 'haproxy', code: 'global\n  maxconn 100\n  tune.bufsize 8192\n', findings: [{ line: 3, severity: 'warning' }] },
      { dialect: 'haproxy', code: 'global\n  tune.bufsize 4096 # small\ndefaults\n  mode http\n', findings: [{ line: 2, severity: 'warning' }] }
    ]
  },
  'caddy-credential-header-removed': {
    valid: [
      { dialect: 'caddy', code: site('  reverse_proxy 127.0.0.1:3000 {\n    header_up -X-Debug\n    header_up X-Real-IP {remote_host}\n  }') },
      { dialect: 'caddy', code: site('  reverse_proxy 127.0.0.1:3000') },
      { dialect: 'caddy', code: site('  reverse_proxy 127.0.0.1:3000 {\n    header_up Accept-Encoding ""\n  }') },
      { dialect: 'caddy', name: 'header_down changes the response', code: site('  reverse_proxy 127.0.0.1:3000 {\n    header_down -Authorization\n  }') },
      { dialect: 'caddy', code: site('  # request_header -Authorization\n  reverse_proxy 127.0.0.1:3000') }
    ],
    invalid: [
      { dialect: 'caddy', code: site('  reverse_proxy 127.0.0.1:3000 {\n    header_up -Authorization\n  }'), findings: [{ line: 6, severity: 'error', header: 'Authorization' }] },
      { dialect: 'caddy', code: site('  request_header -Cookie\n  reverse_proxy 127.0.0.1:3000'), findings: [{ line: 5, header: 'Cookie' }] },
      { dialect: 'caddy', code: site('  reverse_proxy 127.0.0.1:3000 {\n    header_up Authorization ""\n  }'), findings: [{ line: 6, header: 'Authorization' }] },
      { dialect: 'caddy', code: site('  request_header /api/* -Authorization\n  reverse_proxy 127.0.0.1:3000'), findings: [{ line: 5, header: 'Authorization' }] },
      { dialect: 'caddy', code: site('  handle /api/* {\n    reverse_proxy 127.0.0.1:3000 {\n      header_up -X-Api-*\n    }\n  }'), findings: [{ line: 7, header: 'x-api-key' }] }
    ]
  },
  'vcl-credential-header-unset': {
    valid: [
      { dialect: 'vcl', code: recv('  unset req.http.Cookie-Consent;\n  if (req.http.Authorization) { return (pass); }') },
      { dialect: 'vcl', code: recv('  set req.http.X-Forwarded-Proto = "https";') },
      { dialect: 'vcl', code: recv('  # unset req.http.Authorization;\n  /* unset req.http.Authorization; */') },
      { dialect: 'vcl', name: 'the response side', code: 'vcl 4.1;\nsub vcl_deliver {\n  unset resp.http.Authorization;\n}\n' },
      { dialect: 'vcl', name: 'after the fetch', code: 'vcl 4.1;\nsub vcl_backend_response {\n  unset bereq.http.Authorization;\n}\nsub vcl_deliver {\n  unset req.http.Authorization;\n}\n' }
    ],
    invalid: [
      { dialect: 'vcl', code: recv('  unset req.http.Authorization;'), findings: [{ line: 4, severity: 'error', header: 'Authorization' }] },
      { dialect: 'vcl', code: recv('  if (req.url ~ "^/static/") {\n    unset req.http.cookie;\n  }'), findings: [{ line: 5, header: 'cookie' }] },
      { dialect: 'vcl', code: 'vcl 4.1;\nsub vcl_backend_fetch {\n  unset bereq.http.X-Api-Key;\n}\n', findings: [{ line: 3, header: 'X-Api-Key' }] },
      { dialect: 'vcl', code: recv('  set req.http.Authorization = "";'), findings: [{ line: 4 }] },
      { dialect: 'vcl', name: 'in a sub of its own (called from vcl_recv)', code: 'vcl 4.1;\nsub strip_auth {\n  unset req.http.Authorization;\n}\n', findings: [{ line: 3 }] }
    ]
  }
}
