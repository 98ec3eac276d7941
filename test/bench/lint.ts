// Bench for `hopwatch lint`: generates 1,000 config files (NGINX and Apache, clean and broken,
// some with includes) in a temp dir and lints the folder once. Called from `npm run bench`; it is
// measured here, not asserted in a timed test. Target: under 2 s on the CI machine.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { lintPaths } from '../../src/lint/engine.js'

export const BENCH_FILES = 1_000

const NGINX = (i: number): string => `# generated ${i}
upstream app_${i} { server 127.0.0.1:${10_000 + i}; keepalive 16; }
map $http_upgrade $connection_upgrade_${i} { default upgrade; "" close; }
server {
    listen ${20_000 + i};
    server_name app${i}.example.com;
    proxy_set_header Host $host;
    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    large_client_header_buffers 4 ${i % 10 === 0 ? '2k' : '16k'};
    location / {
        proxy_pass http://app_${i};
        ${i % 7 === 0 ? 'proxy_set_header Authorization "";' : 'proxy_http_version 1.1;'}
    }
    location /static/ {
        include snippets/common-${i % 5}.conf;
        proxy_set_header X-Static 1;
        proxy_pass http://app_${i};
    }
    location = /old { return 301 https://new${i}.example.com/; }
}
`

const APACHE = (i: number): string => `# generated ${i}
<VirtualHost *:${30_000 + i}>
    ServerName app${i}.example.com
    ProxyPreserveHost On
    ProxyPass "/" "http://127.0.0.1:${10_000 + i}/"
    ProxyPassReverse "/" "http://127.0.0.1:${10_000 + i}/"
    ${i % 6 === 0 ? 'RequestHeader unset Authorization' : 'RequestHeader set X-Forwarded-Proto "https"'}
    <Location "/admin">
        ${i % 4 === 0 ? 'AuthType Basic\n        AuthName "admin"\n        AuthUserFile /etc/apache2/htpasswd\n        Require valid-user' : 'Require all granted'}
    </Location>
    <IfModule mod_headers.c>
        Header ${i % 9 === 0 ? 'unset WWW-Authenticate' : 'set X-Frame-Options DENY'}
    </IfModule>
</VirtualHost>
`

export function generateConfigs (dir: string, count = BENCH_FILES): number {
  mkdirSync(join(dir, 'snippets'), { recursive: true })
  for (let s = 0; s < 5; s++) {
    writeFileSync(join(dir, 'snippets', `common-${s}.conf`), `proxy_buffer_size ${s === 0 ? '1k' : '8k'};\nproxy_read_timeout 30s;\n`)
  }
  // nginx.conf at the root makes this the config prefix for the snippets' include paths.
  writeFileSync(join(dir, 'nginx.conf'), 'events {}\nhttp {\n    include sites/*.conf;\n}\n')
  mkdirSync(join(dir, 'sites'))
  mkdirSync(join(dir, 'apache'))
  let written = 6
  for (let i = 0; written < count; i++, written++) {
    if (i % 2 === 0) writeFileSync(join(dir, 'sites', `site-${i}.conf`), NGINX(i))
    else writeFileSync(join(dir, 'apache', `vhost-${i}.conf`), APACHE(i))
  }
  return written
}

export async function benchLint (): Promise<{ files: number, ms: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'hopwatch-bench-lint-'))
  try {
    generateConfigs(dir)
    const start = performance.now()
    const result = lintPaths([dir])
    const ms = performance.now() - start
    return { files: result.files, ms: Math.round(ms) }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
