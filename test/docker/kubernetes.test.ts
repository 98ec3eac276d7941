// docker/kubernetes/*.yaml checked against the CLI: env vars, ports, the Secret wiring, the
// Service and ServiceMonitor targets, and the exec probes, which are run against a real
// hopwatch with the token the Secret would give (and /readyz with the upstream down).
import t from 'tap'
import { randomBytes } from 'node:crypto'
import { loadServeConfig, parseHostPort } from '../../src/config/config.js'
import { health, parseHealthArgs } from '../../src/cli/health.js'
import { startHopwatch } from '../helpers/hopwatch.js'
import { startEchoUpstream } from '../helpers/echo-upstream.js'
import { freePort } from '../helpers/real-servers.js'
import { at, hopwatchEnvNames, instructions, knownEnv, kubernetesDocs, readText } from './files.js'

interface EnvVar { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }
interface Container { name: string; image: string; args?: string[]; env?: EnvVar[]; ports?: Array<{ name: string; containerPort: number }>; [k: string]: unknown }

const docs = kubernetesDocs()
const ofKind = (kind: string): Record<string, unknown> => {
  const found = docs.filter((d) => d.doc.kind === kind)
  if (found.length !== 1) throw new Error(`expected one ${kind}, found ${found.length}`)
  return (found[0] as { doc: Record<string, unknown> }).doc
}
const deployment = ofKind('Deployment')
const pod = at(deployment, 'spec', 'template')
const containers = at(pod, 'spec', 'containers') as Container[]
const sidecar = containers.find((c) => c.name === 'hopwatch') as Container
const app = containers.find((c) => c.name === 'app') as Container
const secret = ofKind('Secret')
const TOKEN = randomBytes(16).toString('hex')
/** The sidecar's env as the kubelet resolves it, the Secret giving a test token. */
const env: Record<string, string> = Object.fromEntries((sidecar.env ?? []).map((e) => [e.name, e.value ?? (e.valueFrom?.secretKeyRef !== undefined ? TOKEN : '')]))
const port = (c: Container, name: string): number | undefined => c.ports?.find((p) => p.name === name)?.containerPort
const probeCommand = (kind: 'readinessProbe' | 'livenessProbe'): string[] => at(sidecar, kind, 'exec', 'command') as string[]

t.test('the files parse and hold what a sidecar needs', async (t) => {
  t.same([...new Set(docs.map((d) => d.doc.kind))].sort(), ['Deployment', 'Secret', 'Service', 'ServiceMonitor'])
  t.ok(sidecar, 'a hopwatch container')
  t.ok(app, 'an app container')
  t.same(sidecar.args, ['serve'])
})

t.test('env vars exist and serve accepts the config', async (t) => {
  const known = knownEnv()
  for (const file of new Set(docs.map((d) => d.file))) {
    for (const name of hopwatchEnvNames(readText('docker', 'kubernetes', file))) t.ok(known.has(name), `${file}: ${name} is a real hopwatch env var`)
  }
  const config = loadServeConfig(sidecar.args?.slice(1) ?? [], env)
  t.ok(['127.0.0.1', 'localhost'].includes(config.upstream.hostname), 'the app on localhost in the same pod')
  t.equal(Number(config.upstream.port), port(app, 'app'), "on the app container's port")
  t.equal(config.adminToken, TOKEN)
})

t.test('the admin token comes from the Secret', async (t) => {
  const ref = sidecar.env?.find((e) => e.name === 'HOPWATCH_ADMIN_TOKEN')?.valueFrom?.secretKeyRef
  t.ok(ref, 'secretKeyRef into HOPWATCH_ADMIN_TOKEN')
  t.equal(at(secret, 'metadata', 'name'), ref?.name)
  t.ok(typeof at(secret, 'stringData', ref?.key ?? '') === 'string', 'the example Secret has that key')
  t.match(String(at(secret, 'stringData', ref?.key ?? '')), /^REPLACE/, 'and only a placeholder value')
  const monitor = ofKind('ServiceMonitor')
  const endpoint = at(monitor, 'spec', 'endpoints', 0)
  t.same(at(endpoint, 'authorization', 'credentials'), { name: ref?.name, key: ref?.key }, 'Prometheus scrapes with the same token')
  t.equal(at(endpoint, 'authorization', 'type'), 'Bearer')
})

t.test('ports: container ports, Service, annotations and ServiceMonitor agree with the listeners', async (t) => {
  const listen = parseHostPort('listen', env.HOPWATCH_LISTEN ?? '')
  const admin = parseHostPort('admin', env.HOPWATCH_ADMIN ?? '')
  t.equal(port(sidecar, 'traffic'), listen.port)
  t.equal(port(sidecar, 'admin'), admin.port)
  t.equal(listen.host, '0.0.0.0', 'traffic reachable from the Service')
  const service = ofKind('Service')
  t.same(at(service, 'spec', 'selector'), at(pod, 'metadata', 'labels'), 'the Service selects these pods')
  const servicePorts = at(service, 'spec', 'ports') as Array<{ name: string; port: number; targetPort: string | number }>
  const http = servicePorts.find((p) => p.name === 'http')
  t.equal(http?.targetPort, 'traffic', "the Service targets hopwatch's traffic port, not the app")
  t.notOk(servicePorts.some((p) => p.targetPort === 'app' || p.targetPort === port(app, 'app')), 'nothing bypasses hopwatch')
  const annotations = at(pod, 'metadata', 'annotations') as Record<string, string>
  t.equal(annotations['prometheus.io/scrape'], 'true')
  t.equal(Number(annotations['prometheus.io/port']), admin.port)
  t.equal(annotations['prometheus.io/path'], '/metrics')
  const monitor = ofKind('ServiceMonitor')
  const monitorPort = String(at(monitor, 'spec', 'endpoints', 0, 'port'))
  t.equal(servicePorts.find((p) => p.name === monitorPort)?.targetPort, 'admin', 'the ServiceMonitor scrapes the admin port')
  t.same(at(monitor, 'spec', 'selector', 'matchLabels'), at(service, 'metadata', 'labels'))
})

t.test('probes are `hopwatch health` runs that fit their timeouts', async (t) => {
  const readiness = probeCommand('readinessProbe')
  const liveness = probeCommand('livenessProbe')
  for (const [kind, command] of [['readiness', readiness], ['liveness', liveness]] as const) {
    t.same(command.slice(0, 2), ['hopwatch', 'health'], `${kind}: no curl, no httpGet (the token is needed)`)
    const parsed = parseHealthArgs(command.slice(2), env)
    if (parsed === 'help') { t.fail('help'); continue }
    t.equal(parsed.admin.href, `http://127.0.0.1:${parseHostPort('admin', env.HOPWATCH_ADMIN ?? '').port}/`, `${kind}: the admin listener, on loopback`)
    t.equal(parsed.token, TOKEN, `${kind}: token from the Secret via the env`)
    t.equal(parsed.ready, kind === 'readiness', kind === 'readiness' ? '/readyz' : '/healthz')
    const seconds = Number(at(sidecar, `${kind}Probe`, 'timeoutSeconds'))
    t.ok(seconds * 1000 > parsed.timeoutMs, `${kind}: the kubelet waits longer than the command`)
  }
})

t.test('the probe commands against a real hopwatch with the token', async (t) => {
  const up = await startEchoUpstream()
  t.teardown(up.close)
  const hw = await startHopwatch(up.url, ['--admin-token', TOKEN])
  t.teardown(() => hw.close(0))
  const dead = await startHopwatch(`http://127.0.0.1:${await freePort()}`, ['--admin-token', TOKEN])
  t.teardown(() => dead.close(0))
  let output = ''
  const io = { stdout: (s: string) => { output += s }, stderr: (s: string) => { output += s }, env }
  // The probes derive the admin address from HOPWATCH_ADMIN (checked above); here it is the test's port.
  const probe = async (kind: 'readinessProbe' | 'livenessProbe', adminUrl: string): Promise<number> => await health([...probeCommand(kind).slice(2), '--admin', adminUrl], io)
  t.equal(await probe('readinessProbe', hw.adminUrl), 0, 'ready')
  t.equal(await probe('livenessProbe', hw.adminUrl), 0, 'alive')
  t.equal(await probe('readinessProbe', dead.adminUrl), 1, 'upstream down: not ready')
  t.equal(await probe('livenessProbe', dead.adminUrl), 0, 'upstream down: still alive, not restarted')
  t.equal(await health([...probeCommand('livenessProbe').slice(2), '--admin', hw.adminUrl], { ...io, env: { ...env, HOPWATCH_ADMIN_TOKEN: '' } }), 1, 'without the Secret the probe fails')
  t.notOk(output.includes(TOKEN), 'the token is never printed')
  const metrics = await fetch(`${hw.adminUrl}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })
  t.equal(metrics.status, 200, 'the annotated /metrics path is served with the token')
  t.match(await metrics.text(), /hopwatch_/)
  t.equal((await fetch(`${hw.adminUrl}/metrics`)).status, 401, 'and refused without it')
})

t.test('security context, resources and shutdown', async (t) => {
  t.equal(at(pod, 'spec', 'securityContext', 'runAsNonRoot'), true)
  const user = Number(at(sidecar, 'securityContext', 'runAsUser'))
  const imageUser = instructions(readText('docker', 'Dockerfile')).filter((i) => i.keyword === 'USER').at(-1)?.args.split(':')[0]
  t.equal(String(user), imageUser, "runAsUser is the image's user")
  t.equal(at(sidecar, 'securityContext', 'readOnlyRootFilesystem'), true, 'hopwatch writes nothing to disk')
  t.equal(at(sidecar, 'securityContext', 'allowPrivilegeEscalation'), false)
  const mebibytes = (q: unknown): number => {
    const m = /^(\d+)(Mi|Gi)$/.exec(String(q))
    return m === null ? NaN : Number(m[1]) * (m[2] === 'Gi' ? 1024 : 1)
  }
  const requests = mebibytes(at(sidecar, 'resources', 'requests', 'memory'))
  const limit = mebibytes(at(sidecar, 'resources', 'limits', 'memory'))
  t.ok(requests > 0 && limit >= requests, 'memory request and limit set, limit >= request')
  const heap = Number(/--max-old-space-size=(\d+)/.exec(env.NODE_OPTIONS ?? '')?.[1])
  // Measured (docs/deploy.md): 127 MiB peak RSS at saturation with a 128 MiB heap cap; a probe adds 45 MiB.
  t.ok(heap > 0 && limit >= heap + 45 + 64, 'the V8 heap is capped below the limit, leaving room for native memory and a probe')
  t.match(String(at(sidecar, 'resources', 'requests', 'cpu')), /^\d+m?$/)
  const grace = Number(at(pod, 'spec', 'terminationGracePeriodSeconds'))
  const preStop = at(sidecar, 'lifecycle', 'preStop', 'exec', 'command') as string[]
  const config = loadServeConfig([], env)
  t.ok(grace * 1000 > config.shutdownGraceMs + Number(preStop[1]) * 1000, 'the kubelet waits for preStop plus the shutdown grace before SIGKILL')
})
