// docker/compose.yaml checked against the CLI, and its topology run for real without Docker:
// real nginx with docker/nginx/default.conf -> hopwatch -> docker/demo-app/server.mjs, all on
// loopback, then the docs/deploy.md curl walkthrough: the report must show the header drop.
import t from 'tap'
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { loadServeConfig, parseHostPort } from '../../src/config/config.js'
import { lint } from '../../src/cli/lint.js'
import { startHopwatch, waitForExchanges } from '../helpers/hopwatch.js'
import { freePort, hasNginx, startNginx } from '../helpers/real-servers.js'
import { DOCKER, ROOT, at, hopwatchEnvNames, knownEnv, readText, yamlFile } from './files.js'
import type { FindingGroup } from '../../src/diagnose/types.js'

const compose = yamlFile('docker', 'compose.yaml')
const service = (name: string): unknown => at(compose, 'services', name)
const hopwatchEnv = at(service('hopwatch'), 'environment') as Record<string, string>
const TOKEN_PLACEHOLDER = 'compose-test-placeholder-token'
/** The env the container gets once compose interpolated `${HOPWATCH_ADMIN_TOKEN:?...}`. */
const resolvedEnv = Object.fromEntries(Object.entries(hopwatchEnv).map(([k, v]) => [k, String(v).replace(/^\$\{HOPWATCH_ADMIN_TOKEN:\?[^}]*\}$/, TOKEN_PLACEHOLDER)]))
const conf = readText('docker', 'nginx', 'default.conf')
const sample = readText('nginx-samples', 'nginx-credential-header-cleared', 'broken.conf')
/** default.conf without its comment header, placeholders put back: the sample's own text. */
const unrendered = conf.split('\n').filter((l) => !l.startsWith('#')).join('\n')
  .replace(/listen \d+;/, 'listen {{LISTEN}};').replace(/proxy_pass http:\/\/hopwatch:\d+;/, 'proxy_pass {{UPSTREAM}};')

t.test('hopwatch service: real env vars, a config serve accepts, no committed token', async (t) => {
  const known = knownEnv()
  for (const name of hopwatchEnvNames(readText('docker', 'compose.yaml'))) t.ok(known.has(name), `${name} is a real hopwatch env var`)
  t.match(hopwatchEnv.HOPWATCH_ADMIN_TOKEN, /^\$\{HOPWATCH_ADMIN_TOKEN:\?.+\}$/, 'the token comes from the caller, compose refuses to start without it')
  const config = loadServeConfig([], resolvedEnv)
  t.equal(config.upstream.hostname, 'app', 'forwards to the app service')
  t.equal(config.upstream.port, String(at(service('app'), 'environment', 'PORT')), 'on the port the app listens on')
  t.equal(config.adminToken, TOKEN_PLACEHOLDER)
  t.equal(at(service('hopwatch'), 'build', 'dockerfile'), 'docker/Dockerfile')
  t.ok(existsSync(join(DOCKER, String(at(service('hopwatch'), 'build', 'context')), 'docker', 'Dockerfile')), 'build context is the repo root')
  const grace = Number(/^(\d+)s$/.exec(String(at(service('hopwatch'), 'stop_grace_period')))?.[1])
  t.ok(grace * 1000 > config.shutdownGraceMs, 'compose waits longer than the shutdown grace before SIGKILL')
})

t.test('ports: the published container ports are the ones hopwatch listens on, on host loopback only', async (t) => {
  const { listen, admin } = { listen: parseHostPort('listen', resolvedEnv.HOPWATCH_LISTEN ?? ''), admin: parseHostPort('admin', resolvedEnv.HOPWATCH_ADMIN ?? '') }
  const published = (at(service('hopwatch'), 'ports') as string[]).map((p) => p.split(':'))
  t.ok(published.some((p) => Number(p[2]) === admin.port), 'admin port published')
  t.ok(published.some((p) => Number(p[2]) === listen.port), 'traffic port published for the direct comparison')
  for (const name of Object.keys(at(compose, 'services') as object)) {
    for (const p of (at(service(name), 'ports') ?? []) as string[]) t.match(p, /^127\.0\.0\.1:\d+:\d+$/, `${name} publishes ${p} on loopback only`)
  }
  const proxyPass = /proxy_pass http:\/\/([a-z0-9-]+):(\d+);/.exec(conf)
  t.equal(proxyPass?.[1], 'hopwatch', 'nginx forwards to the hopwatch service')
  t.equal(Number(proxyPass?.[2]), listen.port, 'on its traffic port')
  const nginxPorts = (at(service('nginx'), 'ports') as string[]).map((p) => Number(p.split(':')[2]))
  t.same(nginxPorts, [Number(/listen (\d+);/.exec(conf)?.[1])], 'nginx publishes the port it listens on')
  t.equal(at(service('nginx'), 'depends_on', 'hopwatch', 'condition'), 'service_healthy', 'nginx waits for the image HEALTHCHECK')
})

t.test('mounted files exist; the demo app runs without a build', async (t) => {
  for (const name of ['app', 'nginx']) {
    for (const volume of at(service(name), 'volumes') as string[]) {
      const source = volume.split(':')[0] ?? ''
      t.ok(existsSync(join(DOCKER, source)), `${name}: ${source} exists`)
      t.match(volume, /:ro$/, 'mounted read-only')
    }
  }
  t.same(at(service('app'), 'command'), ['node', '/demo/server.mjs'])
  t.ok(existsSync(join(DOCKER, 'demo-app', 'server.mjs')))
  t.match(String(at(service('app'), 'image')), /^node:24(\.\d+)*-bookworm-slim$/, 'the official node image, pinned by tag')
  const dockerfileBase = /^ARG NODE_IMAGE=(\S+)$/m.exec(readText('docker', 'Dockerfile'))?.[1]
  t.equal(at(service('app'), 'image'), dockerfileBase, 'the same Node image as docker/Dockerfile (one base to pull or build)')
  t.match(String(at(service('nginx'), 'image')), /^nginx:\d+\.\d+/, 'nginx pinned by version')
})

t.test('docker/nginx/default.conf is the nginx-credential-header-cleared sample, rendered', async (t) => {
  t.equal(unrendered, sample, 'only the placeholders differ')
  let out = ''
  const code = await lint([join(DOCKER, 'nginx', 'default.conf'), '--format', 'json'], { stdout: (s) => { out += s }, stderr: () => {}, env: {} })
  t.equal(code, 1, 'hopwatch lint fails on it')
  t.match(out, /nginx-credential-header-cleared/)
})

t.test('the compose topology on loopback: nginx drops Authorization, the report says so', { skip: hasNginx() ? false : 'nginx is not installed' }, async (t) => {
  const appPort = await freePort()
  const app = spawn(process.execPath, [join(DOCKER, 'demo-app', 'server.mjs')], { env: { PORT: String(appPort), HOST: '127.0.0.1' }, stdio: ['ignore', 'pipe', 'inherit'] })
  t.teardown(() => { if (app.exitCode === null && app.pid !== undefined) process.kill(app.pid, 'SIGTERM') })
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('demo app did not start in 60 s')), 60_000)
    app.stdout.on('data', (c: Buffer) => { if (c.toString().includes('listening')) { clearTimeout(timer); resolve() } })
  })
  const adminToken = randomBytes(16).toString('hex')
  const hw = await startHopwatch(`http://127.0.0.1:${appPort}`, ['--admin-token', adminToken])
  t.teardown(() => hw.close(0))
  const nginx = await startNginx(unrendered, { upstream: hw.trafficUrl, t })
  // The walkthrough of docs/deploy.md: through nginx, then straight to hopwatch.
  const bearer = { authorization: `Bearer ${randomBytes(18).toString('base64url')}` }
  const viaNginx = await fetch(`${nginx.url}/api/orders/1042`, { headers: bearer })
  t.equal(viaNginx.status, 401, 'through nginx: 401, Authorization was cleared')
  const direct = await fetch(`${hw.trafficUrl}/api/orders/1042`, { headers: bearer })
  t.equal(direct.status, 200, 'straight to hopwatch: 200')
  await waitForExchanges(hw, 2)
  const res = await fetch(`${hw.adminUrl}/report`, { headers: { authorization: `Bearer ${adminToken}` } })
  t.equal(res.status, 200)
  const text = await res.text()
  const report = JSON.parse(text) as { findings: FindingGroup[] }
  const missing = report.findings.find((f) => f.rule === 'credential-missing-on-401')
  t.equal(missing?.header, 'authorization', 'the report shows the Authorization drop')
  t.equal(missing?.layer, 'nginx', 'blamed on nginx')
  t.equal(missing?.severity, 'error')
  t.notOk(text.includes(bearer.authorization.slice(7)), 'the client token is not in the report')
  const plain = await (await fetch(`${hw.adminUrl}/report?format=text`, { headers: { authorization: `Bearer ${adminToken}` } })).text()
  t.match(plain, /credential-missing-on-401/, 'the text report the walkthrough prints names it')
  t.ok(existsSync(join(ROOT, 'docs', 'deploy.md')) ? readText('docs', 'deploy.md').includes('/api/orders/1042') : true, 'the walkthrough uses the same request')
})
