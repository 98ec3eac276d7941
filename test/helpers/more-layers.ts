// Real HAProxy, Caddy, Varnish, Squid and lighttpd (Debian packages) as reverse proxies in front
// of a test upstream: each runs in the foreground from its own temp dir (config, pid file, logs,
// state) on a free loopback port, and is stopped by the PID this helper started, never by name.
// `directives` are the lines a test adds to the proxy's config (where each server reads them is
// said per server below), so one test can measure the defaults and the directives people use.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { accepts, freePort } from './real-servers.js'

export type LayerServerName = 'haproxy' | 'caddy' | 'varnish' | 'squid' | 'lighttpd'

export const LAYER_BINS: Record<LayerServerName, string> = {
  haproxy: '/usr/sbin/haproxy',
  caddy: '/usr/bin/caddy',
  varnish: '/usr/sbin/varnishd',
  squid: '/usr/sbin/squid',
  lighttpd: '/usr/sbin/lighttpd'
}

export function hasLayer (name: LayerServerName): boolean { return existsSync(LAYER_BINS[name]) }

export interface LayerServer {
  name: LayerServerName
  url: string
  port: number
  pid: number
  /** What the server printed (startup errors); never request headers. */
  output: () => string
  stop: () => Promise<void>
}

export interface LayerOptions {
  upstreamPort: number
  /**
   * Config lines added where the server reads them: HAProxy in the frontend, Caddy inside
   * `reverse_proxy { }`, Varnish as the body of `sub vcl_recv { }` (a VCL file is then used),
   * Squid at the end of squid.conf, lighttpd at the end of its config. cache_peer options for
   * Squid go in `peerOptions`.
   */
  directives?: string[]
  /** Squid only: options appended to the `cache_peer` line (e.g. `login=PASSTHRU`). */
  peerOptions?: string
  /**
   * The whole config instead of the built-in one (HAProxy's haproxy.cfg, the Caddyfile, the VCL
   * file; Squid and lighttpd not supported), with placeholders filled: `{{LISTEN}}`
   * (127.0.0.1:port), `{{LISTEN_PORT}}`, `{{UPSTREAM}}` (http://127.0.0.1:upstreamPort),
   * `{{UPSTREAM_PORT}}`, `{{PREFIX}}` (the temp dir). `directives` is then ignored.
   */
  config?: string
  /** Listen on this port (default: a free one), when what sends to it must know it first. */
  port?: number
  /** Pass tap's `t` to stop the server in t.teardown. */
  t?: { teardown: (fn: () => Promise<void> | void) => void }
}

const READY_MS = 15_000
const STOP_GRACE_MS = 5_000

interface Plan { args: string[]; files: Record<string, string>; env?: Record<string, string> }

/** The file each server reads its config from, when `config` gives it whole. */
const CONFIG_FILES: Partial<Record<LayerServerName, string>> = { haproxy: 'haproxy.cfg', caddy: 'Caddyfile', varnish: 'default.vcl' }

function fillConfig (text: string, dir: string, port: number, up: number): string {
  return text
    .replaceAll('{{LISTEN}}', `127.0.0.1:${port}`)
    .replaceAll('{{LISTEN_PORT}}', String(port))
    .replaceAll('{{UPSTREAM}}', `http://127.0.0.1:${up}`)
    .replaceAll('{{UPSTREAM_PORT}}', String(up))
    .replaceAll('{{PREFIX}}', dir)
}

function plan (name: LayerServerName, dir: string, port: number, o: LayerOptions): Plan {
  const p = builtInPlan(name, dir, port, o)
  if (o.config === undefined) return p
  const file = CONFIG_FILES[name]
  if (file === undefined) throw new Error(`startLayer: a whole config is not supported for ${name}`)
  return { ...p, files: { [file]: fillConfig(o.config, dir, port, o.upstreamPort) } }
}

function builtInPlan (name: LayerServerName, dir: string, port: number, o: LayerOptions): Plan {
  const up = o.upstreamPort
  const lines = (o.directives ?? []).map((l) => `  ${l}`).join('\n')
  switch (name) {
    case 'haproxy':
      return {
        args: ['-f', join(dir, 'haproxy.cfg'), '-db'],
        files: {
          'haproxy.cfg': `global\n  maxconn 256\ndefaults\n  mode http\n  timeout connect 5s\n  timeout client 30s\n  timeout server 30s\nfrontend fe\n  bind 127.0.0.1:${port}\n${lines}\n  default_backend app\nbackend app\n  server app 127.0.0.1:${up}\n`
        }
      }
    case 'caddy':
      return {
        args: ['run', '--config', join(dir, 'Caddyfile'), '--adapter', 'caddyfile'],
        files: { Caddyfile: `{\n  admin off\n  auto_https off\n}\n:${port} {\n  bind 127.0.0.1\n  reverse_proxy 127.0.0.1:${up} {\n${lines}\n  }\n}\n` },
        env: { HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir }
      }
    case 'varnish': {
      const vcl = `vcl 4.1;\nbackend app { .host = "127.0.0.1"; .port = "${up}"; }\nsub vcl_recv {\n${lines}\n}\n`
      return { args: ['-F', '-a', `127.0.0.1:${port}`, '-f', join(dir, 'default.vcl'), '-n', join(dir, 'state'), '-s', 'malloc,16m', '-T', 'none'], files: { 'default.vcl': vcl } }
    }
    case 'squid':
      return {
        args: ['-N', '-f', join(dir, 'squid.conf')],
        files: {
          'squid.conf': [
            `http_port 127.0.0.1:${port} accel defaultsite=app.example no-vhost`,
            `cache_peer 127.0.0.1 parent ${up} 0 no-query no-digest originserver name=app ${o.peerOptions ?? ''}`.trimEnd(),
            'http_access allow all', 'cache_peer_access app allow all', 'cache deny all',
            `pid_filename ${dir}/squid.pid`, `cache_log ${dir}/cache.log`, 'access_log none', 'cache_store_log none',
            `coredump_dir ${dir}`, 'shutdown_lifetime 1 seconds', 'visible_hostname hopwatch-test-squid',
            ...(o.directives ?? []), ''
          ].join('\n')
        }
      }
    case 'lighttpd':
      return {
        args: ['-D', '-f', join(dir, 'lighttpd.conf')],
        files: {
          'lighttpd.conf': `server.port = ${port}\nserver.bind = "127.0.0.1"\nserver.document-root = "${dir}"\nserver.modules = ("mod_proxy")\nserver.errorlog = "${dir}/error.log"\nproxy.server = ("" => (( "host" => "127.0.0.1", "port" => ${up} )))\n${(o.directives ?? []).join('\n')}\n`
        }
      }
  }
}

export async function startLayer (name: LayerServerName, o: LayerOptions): Promise<LayerServer> {
  const dir = await mkdtemp(join(tmpdir(), `hopwatch-${name}-`))
  // Squid and Varnish drop privileges to their own users when started as root.
  await chmod(dir, 0o777)
  const port = o.port ?? await freePort()
  const p = plan(name, dir, port, o)
  for (const [file, text] of Object.entries(p.files)) await writeFile(join(dir, file), text)
  const child = spawn(LAYER_BINS[name], p.args, {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C', ...(p.env ?? {}) }
  })
  const pid = child.pid
  if (pid === undefined) throw new Error(`${name} could not be spawned`)
  let out = ''
  const keep = (chunk: Buffer): void => { if (out.length < 16_384) out += chunk.toString('utf8') }
  child.stdout.on('data', keep)
  child.stderr.on('data', keep)
  let exited = false
  const exit = new Promise<void>((resolve) => child.once('exit', () => { exited = true; resolve() }))
  const onExit = (): void => { try { process.kill(pid, 'SIGKILL') } catch { /* gone */ } }
  process.once('exit', onExit)
  let stopped = false
  const stop = async (): Promise<void> => {
    if (stopped) return
    stopped = true
    process.removeListener('exit', onExit)
    if (!exited) {
      try { process.kill(pid, 'SIGTERM') } catch { /* gone */ }
      const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), STOP_GRACE_MS).unref())
      if (await Promise.race([exit.then(() => 'exit' as const), timer]) === 'timeout') {
        try { process.kill(pid, 'SIGKILL') } catch { /* gone */ }
        await exit
      }
    }
    await rm(dir, { recursive: true, force: true })
  }
  const until = Date.now() + READY_MS
  while (Date.now() < until && !exited) {
    if (await accepts(port)) {
      // Squid and Varnish accept before their worker is ready: one more beat.
      if (name === 'squid' || name === 'varnish') await new Promise((resolve) => setTimeout(resolve, 500))
      const server = { name, url: `http://127.0.0.1:${port}`, port, pid, output: () => out, stop }
      o.t?.teardown(stop)
      return server
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  await stop()
  throw new Error(`${name} did not accept connections on 127.0.0.1:${port}: ${out.trim().slice(-2000)}`)
}
