// Real nginx and real apache2 for integration tests: each runs in the foreground from its own
// temp dir (pid file, logs, temp paths, mutexes all inside it) on a free loopback port, and is
// stopped by the PID this helper started, never by name.
//
// Config text may use placeholders:
//   {{LISTEN}}   127.0.0.1:<port>            (nginx `listen`, Apache `<VirtualHost>`)
//   {{PORT}}     <port>
//   {{UPSTREAM}} opts.upstream, e.g. http://127.0.0.1:4321 (no trailing slash)
//   {{UPSTREAM_PORT}} the port of opts.upstream (4321)
//   {{PREFIX}}   the server's temp dir (absolute, no trailing slash)
// A config without `events {` (nginx) or `LoadModule` (Apache) is treated as a body and wrapped
// in a minimal main config that loads what the tests need.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createConnection, createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'

export const NGINX_BIN = '/usr/sbin/nginx'
export const APACHE_BIN = '/usr/sbin/apache2'
export const APACHE_MODULES_DIR = '/usr/lib/apache2/modules'

const READY_ATTEMPTS = 100
const READY_DELAY_MS = 50
const STOP_GRACE_MS = 5_000
const PORT_ATTEMPTS = 3

export interface RealServer {
  kind: 'nginx' | 'apache'
  /** http://127.0.0.1:<port> */
  url: string
  port: number
  pid: number
  /** The temp dir holding config, pid file and logs. */
  dir: string
  /** The config text as started (placeholders filled). */
  config: string
  /** The server's error log so far (config errors, never request headers). */
  errorLog: () => Promise<string>
  stop: () => Promise<void>
}

export interface StartOptions {
  /** Value of {{UPSTREAM}}. */
  upstream?: string
  /** Extra files written under the temp dir before start (path relative to it -> content). */
  files?: Record<string, string>
  /** Modes for those files, e.g. { 'cgi-bin/echo.sh': 0o755 }. */
  modes?: Record<string, number>
  /** Pass tap's `t` to stop the server in t.teardown automatically. */
  t?: { teardown: (fn: () => Promise<void> | void) => void }
}

export function hasNginx (): boolean { return existsSync(NGINX_BIN) }
export function hasApache (): boolean { return existsSync(APACHE_BIN) && existsSync(APACHE_MODULES_DIR) }

/** Binds port 0 on loopback, closes it, returns the number. */
export async function freePort (): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const port = (server.address() as AddressInfo).port
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

function upstreamPort (upstream: string | undefined): string {
  if (upstream === undefined) return '9'
  try { return new URL(upstream).port || '80' } catch { return '9' }
}

export function fillPlaceholders (text: string, values: { port: number, prefix: string, upstream?: string }): string {
  return text
    .replaceAll('{{LISTEN}}', `127.0.0.1:${values.port}`)
    .replaceAll('{{PORT}}', String(values.port))
    .replaceAll('{{PREFIX}}', values.prefix)
    .replaceAll('{{UPSTREAM_PORT}}', upstreamPort(values.upstream))
    .replaceAll('{{UPSTREAM}}', values.upstream ?? 'http://127.0.0.1:9')
}

// ---------- nginx ----------

export function wrapNginx (body: string, prefix: string): string {
  if (/^\s*events\s*\{/m.test(body)) return body
  const user = process.getuid?.() === 0 ? 'user root;\n' : ''
  return `${user}worker_processes 1;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${prefix}/client_body;
  proxy_temp_path ${prefix}/proxy_temp;
  fastcgi_temp_path ${prefix}/fastcgi_temp;
  uwsgi_temp_path ${prefix}/uwsgi_temp;
  scgi_temp_path ${prefix}/scgi_temp;
${body}
}
`
}

export async function startNginx (configText: string, opts: StartOptions = {}): Promise<RealServer> {
  return await startWithRetries('nginx', configText, opts)
}

// ---------- apache ----------

const APACHE_MODULES = [
  'mpm_event', 'authn_core', 'authn_file', 'authz_core', 'authz_user', 'authz_host', 'auth_basic',
  'access_compat', 'alias', 'mime', 'dir', 'env', 'setenvif', 'headers', 'rewrite',
  'proxy', 'proxy_http', 'proxy_fcgi', 'cgid', 'cache', 'cache_disk'
]

export function wrapApache (body: string, prefix: string, port: number): string {
  if (/^\s*LoadModule\s/m.test(body)) return body
  const loads = APACHE_MODULES
    .filter((m) => existsSync(join(APACHE_MODULES_DIR, `mod_${m}.so`)))
    .map((m) => `LoadModule ${m}_module ${APACHE_MODULES_DIR}/mod_${m}.so`)
    .join('\n')
  const user = process.getuid?.() === 0 ? 'User www-data\nGroup www-data\n' : ''
  return `ServerRoot ${prefix}
${loads}
${user}ServerName localhost
Listen 127.0.0.1:${port}
PidFile ${prefix}/httpd.pid
ErrorLog ${prefix}/error.log
LogLevel warn
DefaultRuntimeDir ${prefix}/run
Mutex file:${prefix}/run default
ScriptSock ${prefix}/run/cgid.sock
StartServers 1
ServerLimit 1
ThreadsPerChild 16
MaxRequestWorkers 16
TypesConfig /etc/mime.types
${body}
`
}

export async function startApache (configText: string, opts: StartOptions = {}): Promise<RealServer> {
  return await startWithRetries('apache', configText, opts)
}

// ---------- shared ----------

const running = new Map<number, ChildProcess>()
let exitHookInstalled = false

function installExitHook (): void {
  if (exitHookInstalled) return
  exitHookInstalled = true
  // Last resort if a test crashes before teardown: signal only the PIDs this helper started.
  process.once('exit', () => {
    for (const pid of running.keys()) {
      try { process.kill(pid, 'SIGTERM') } catch { /* already gone */ }
    }
  })
}

async function startWithRetries (kind: RealServer['kind'], configText: string, opts: StartOptions): Promise<RealServer> {
  let lastError: unknown
  for (let attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
    try {
      const server = await startOnce(kind, configText, opts)
      opts.t?.teardown(server.stop)
      return server
    } catch (err) {
      lastError = err
      // Only a lost port race is worth another try; a config error will fail the same way.
      if (!(err instanceof Error) || !/in use/i.test(err.message)) break
    }
  }
  throw lastError instanceof Error ? lastError : new Error(`${kind} did not start`)
}

async function startOnce (kind: RealServer['kind'], configText: string, opts: StartOptions): Promise<RealServer> {
  const dir = await mkdtemp(join(tmpdir(), `hopwatch-${kind}-`))
  // Workers run as an unprivileged user when we are root: let them reach the dir.
  await chmod(dir, 0o755)
  await mkdir(join(dir, 'run'), { recursive: true })
  const port = await freePort()
  const filled = fillPlaceholders(configText, { port, prefix: dir, upstream: opts.upstream })
  const config = kind === 'nginx' ? wrapNginx(filled, dir) : wrapApache(filled, dir, port)
  for (const [rel, content] of Object.entries(opts.files ?? {})) {
    const target = join(dir, rel)
    await mkdir(dirname(target), { recursive: true })
    await writeFile(target, fillPlaceholders(content, { port, prefix: dir, upstream: opts.upstream }))
    const mode = opts.modes?.[rel]
    if (mode !== undefined) await chmod(target, mode)
  }
  const confFile = join(dir, kind === 'nginx' ? 'nginx.conf' : 'httpd.conf')
  await writeFile(confFile, config)

  const args = kind === 'nginx'
    ? ['-c', confFile, '-p', dir, '-g', 'daemon off;']
    : ['-f', confFile, '-d', dir, '-DFOREGROUND']
  const child = spawn(kind === 'nginx' ? NGINX_BIN : APACHE_BIN, args, {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C' }
  })
  const pid = child.pid
  if (pid === undefined) throw new Error(`${kind} could not be spawned; is it installed at its usual path?`)
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => { if (stderr.length < 8_192) stderr += chunk.toString('utf8') })
  let exited = false
  const exitedPromise = new Promise<void>((resolve) => child.once('exit', () => { exited = true; running.delete(pid); resolve() }))
  running.set(pid, child)
  installExitHook()

  const errorLog = async (): Promise<string> => {
    try { return await readFile(join(dir, 'error.log'), 'utf8') } catch { return '' }
  }

  let stopped = false
  const stop = async (): Promise<void> => {
    if (stopped) return
    stopped = true
    if (!exited) {
      // nginx: TERM is fast shutdown; apache: TERM stops children then the parent.
      try { process.kill(pid, 'SIGTERM') } catch { /* already gone */ }
      const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), STOP_GRACE_MS).unref())
      if (await Promise.race([exitedPromise.then(() => 'exit' as const), timer]) === 'timeout') {
        try { process.kill(pid, 'SIGKILL') } catch { /* already gone */ }
        await exitedPromise
      }
    }
    await rm(dir, { recursive: true, force: true })
  }

  for (let attempt = 0; attempt < READY_ATTEMPTS; attempt++) {
    if (exited) break
    if (await accepts(port)) {
      return { kind, url: `http://127.0.0.1:${port}`, port, pid, dir, config, errorLog, stop }
    }
    await new Promise((resolve) => setTimeout(resolve, READY_DELAY_MS))
  }
  const log = (await errorLog()) + stderr
  await stop()
  throw new Error(`${kind} did not accept connections on 127.0.0.1:${port}: ${log.trim().slice(-2_000)}`)
}

/** True when something accepts a TCP connection on 127.0.0.1:port (within 500 ms). */
export function accepts (port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' })
    socket.setTimeout(500)
    socket.once('connect', () => { socket.destroy(); resolve(true) })
    socket.once('timeout', () => { socket.destroy(); resolve(false) })
    socket.once('error', () => { socket.destroy(); resolve(false) })
  })
}

/** `nginx -t` / `apache2 -t` on a config, for tests that only need the syntax verdict. */
export function configTest (kind: RealServer['kind'], confFile: string, dir: string): { ok: boolean, output: string } {
  const args = kind === 'nginx' ? ['-t', '-c', confFile, '-p', dir] : ['-t', '-f', confFile, '-d', dir]
  const result = spawnSync(kind === 'nginx' ? NGINX_BIN : APACHE_BIN, args, { encoding: 'utf8', timeout: 10_000 })
  return { ok: result.status === 0, output: `${result.stdout ?? ''}${result.stderr ?? ''}` }
}
