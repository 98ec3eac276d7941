// Config tests for the lint corpus: each corpus file checked by the real server (`nginx -t`,
// `apache2 -t`) in a temp prefix with its own pid and log paths. Paths to files that exist only
// on a deployed machine (certificates, includes that live elsewhere, log and cache folders) are
// pointed into the temp dir first; everything else is tested as written.
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { parseIngress } from '../../src/lint/ingress-parser.js'
import { APACHE_BIN, APACHE_MODULES_DIR, NGINX_BIN, wrapApache, wrapNginx } from '../helpers/real-servers.js'

export const CORPUS_DIR = new URL('./corpus/', import.meta.url).pathname
/** Where the corpus's shared nginx includes are deployed; lint maps it with --root. */
export const NGINX_SNIPPETS = '/etc/nginx/snippets'
const EXTRA_APACHE_MODULES = ['ssl', 'socache_shmcb']
const TEST_TIMEOUT_MS = 15_000

export interface ConfigTest { ok: boolean, output: string }

/** A temp dir with a self-signed certificate (cert.pem, key.pem) and DH parameters. */
export function makeWorkDir (): string {
  const dir = mkdtempSync(join(tmpdir(), 'hopwatch-corpus-'))
  const run = (args: string[]): void => {
    const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8', timeout: TEST_TIMEOUT_MS })
    if (r.status !== 0) throw new Error(`openssl ${args[0] ?? ''} failed: ${r.stderr}`)
  }
  run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'key.pem', '-out', 'cert.pem', '-days', '2', '-subj', '/CN=localhost'])
  run(['dhparam', '-dsaparam', '-out', 'dhparam.pem', '2048'])
  return dir
}

function freshDir (work: string, name: string): string {
  const dir = join(work, name.replace(/[^A-Za-z0-9_-]/g, '_'))
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(join(dir, 'run'), { recursive: true })
  mkdirSync(join(dir, 'cache'), { recursive: true })
  return dir
}

function run (bin: string, args: string[]): ConfigTest {
  const r = spawnSync(bin, args, { encoding: 'utf8', timeout: TEST_TIMEOUT_MS, env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C' } })
  return { ok: r.status === 0, output: `${r.stdout ?? ''}${r.stderr ?? ''}`.trim() }
}

function localiseNginx (text: string, work: string, dir: string): string {
  let out = text.replaceAll(`${NGINX_SNIPPETS}/`, `${dir}/snippets/`)
  out = out.replace(/\bssl_certificate(\s+)\S+;/g, `ssl_certificate$1${work}/cert.pem;`)
  out = out.replace(/\bssl_certificate_key(\s+)\S+;/g, `ssl_certificate_key$1${work}/key.pem;`)
  out = out.replace(/\bssl_dhparam(\s+)\S+;/g, `ssl_dhparam$1${work}/dhparam.pem;`)
  out = out.replaceAll('/var/log/nginx/', `${dir}/`).replaceAll('/var/cache/nginx/', `${dir}/cache/`)
  // Includes deployed elsewhere: an empty file at the same path under the temp dir.
  return out.replace(/\binclude(\s+)(\/\S+);/g, (_m, space: string, path: string) => {
    const local = join(dir, 'elsewhere', path)
    mkdirSync(dirname(local), { recursive: true })
    writeFileSync(local, '# deployed elsewhere\n')
    return `include${space}${local};`
  })
}

export function nginxTest (text: string, name: string, work: string): ConfigTest {
  const dir = freshDir(work, name)
  cpSync(join(CORPUS_DIR, 'nginx', 'snippets'), join(dir, 'snippets'), { recursive: true })
  const conf = join(dir, 'nginx.conf')
  writeFileSync(conf, wrapNginx(localiseNginx(text, work, dir), dir))
  return run(NGINX_BIN, ['-t', '-c', conf, '-p', dir])
}

export function apacheTest (text: string, name: string, work: string): ConfigTest {
  const dir = freshDir(work, name)
  cpSync(join(CORPUS_DIR, 'apache', 'shared'), join(dir, 'shared'), { recursive: true })
  const body = text
    .replace(/\bSSLCertificateFile(\s+)\S+/g, `SSLCertificateFile$1${work}/cert.pem`)
    .replace(/\bSSLCertificateKeyFile(\s+)\S+/g, `SSLCertificateKeyFile$1${work}/key.pem`)
  const extra = EXTRA_APACHE_MODULES
    .filter((m) => existsSync(join(APACHE_MODULES_DIR, `mod_${m}.so`)))
    .map((m) => `LoadModule ${m}_module ${APACHE_MODULES_DIR}/mod_${m}.so`)
    .join('\n')
  const wrapped = wrapApache(body, dir, 8080).replace(/\n/, `\n${extra}\n`)
  const conf = join(dir, 'httpd.conf')
  writeFileSync(conf, wrapped)
  return run(APACHE_BIN, ['-t', '-f', conf, '-d', dir])
}

/** The nginx config ingress-nginx would generate from the manifest's annotations, as far as they
 *  touch credentials: auth-type, proxy-buffer-size and the snippets verbatim. */
export function ingressAsNginx (text: string): string {
  const server: string[] = []
  const location: string[] = []
  for (const doc of parseIngress(text, 'ingress.yaml').nodes) {
    for (const a of doc.children ?? []) {
      const value = a.args[0] ?? ''
      const key = a.key.replace('nginx.ingress.kubernetes.io/', '')
      if (key === 'auth-type') location.push(`auth_${value === 'digest' ? 'digest' : 'basic'} "Authentication Required";`, 'auth_basic_user_file htpasswd;', 'proxy_set_header Authorization "";')
      if (key === 'proxy-buffer-size') location.push(`proxy_buffer_size ${value};`, `proxy_buffers 4 ${value};`, `proxy_busy_buffers_size ${value};`)
      if (key === 'configuration-snippet') location.push(value)
      if (key === 'server-snippet') server.push(value)
    }
  }
  return `server {\n  listen 127.0.0.1:8080;\n  server_name ingress.local;\n${server.join('\n')}\n  location / {\n${location.join('\n')}\n    proxy_pass http://127.0.0.1:9;\n  }\n}\n`
}

export function hasServer (kind: 'nginx' | 'apache'): boolean {
  return existsSync(kind === 'nginx' ? NGINX_BIN : APACHE_BIN)
}

/** openssl makes the throwaway certificate the TLS configs need for -t. */
export function hasOpenssl (): boolean {
  return spawnSync('openssl', ['version'], { timeout: TEST_TIMEOUT_MS }).status === 0
}
