// Test copies of docker/compose.yaml and docker/kubernetes/, for the container test: the same
// services and settings, with host ports moved to free ones on 127.0.0.1 and, for Kubernetes,
// one replica and a random admin token in the Secret. Prints the images the copy names, one a
// line, so the test can provide them. Paths in the compose copy are made absolute.
//   node copies.mjs compose OUT NGINX_PORT DIRECT_PORT ADMIN_PORT
//   node copies.mjs kube OUT TRAFFIC_PORT ADMIN_PORT   (token from HOPWATCH_ADMIN_TOKEN; Secret in OUT.secret.json)
//   node copies.mjs probe readinessProbe|livenessProbe  (the sidecar's exec probe, one arg a line)
import { Buffer } from 'node:buffer'
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import process from 'node:process'
import { parse, parseAllDocuments, stringify } from 'yaml'

const DOCKER = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docker')
const [mode, out, ...ports] = process.argv.slice(2)

/** `127.0.0.1:8080:80` with the host port replaced; the container port is kept. */
function hostPort (spec, port) {
  const [host, , container] = String(spec).split(':')
  if (host !== '127.0.0.1' || container === undefined) throw new Error(`not a loopback port: ${spec}`)
  return `127.0.0.1:${port}:${container}`
}

function composeCopy () {
  const compose = parse(readFileSync(join(DOCKER, 'compose.yaml'), 'utf8'))
  const [nginxPort, directPort, adminPort] = ports
  const { app, hopwatch, nginx } = compose.services
  nginx.ports = [hostPort(nginx.ports[0], nginxPort)]
  // hopwatch publishes the admin port, then its traffic port: see docker/compose.yaml.
  hopwatch.ports = hopwatch.ports.map((p) => hostPort(p, p.endsWith(':9090') ? adminPort : directPort))
  hopwatch.build.context = resolve(DOCKER, hopwatch.build.context)
  for (const service of [app, nginx]) {
    service.volumes = service.volumes.map((v) => v.startsWith('./') ? join(DOCKER, v) : v)
  }
  writeFileSync(out, stringify(compose))
  return [app.image, hopwatch.image, nginx.image]
}

function kubeCopy () {
  const [trafficPort, adminPort] = ports
  const docs = []
  for (const file of ['secret.example.yaml', 'deployment.yaml']) {
    for (const doc of parseAllDocuments(readFileSync(join(DOCKER, 'kubernetes', file), 'utf8'))) docs.push(doc.toJS())
  }
  const secret = docs.find((d) => d.kind === 'Secret')
  secret.stringData.token = process.env.HOPWATCH_ADMIN_TOKEN
  const deployment = docs.find((d) => d.kind === 'Deployment')
  deployment.spec.replicas = 1
  const containers = deployment.spec.template.spec.containers
  const sidecar = containers.find((c) => c.name === 'hopwatch')
  for (const p of sidecar.ports) {
    p.hostIP = '127.0.0.1'
    p.hostPort = Number(p.name === 'admin' ? adminPort : trafficPort)
  }
  // podman 4.3 reads a secretKeyRef from its own secret store: a podman secret of the same
  // name holding the Secret's data as JSON, key -> base64 value. That goes to OUT.secret.json
  // for `podman secret create`, the Deployment to OUT.
  const data = Object.fromEntries(Object.entries(secret.stringData).map(([k, v]) => [k, Buffer.from(v).toString('base64')]))
  writeFileSync(`${out}.secret.json`, JSON.stringify(data), { mode: 0o600 })
  writeFileSync(out, stringify(deployment))
  return containers.map((c) => c.image)
}

function probe () {
  const deployment = parse(readFileSync(join(DOCKER, 'kubernetes', 'deployment.yaml'), 'utf8'))
  const sidecar = deployment.spec.template.spec.containers.find((c) => c.name === 'hopwatch')
  return sidecar[out].exec.command
}

const images = mode === 'compose' ? composeCopy() : mode === 'kube' ? kubeCopy() : mode === 'probe' ? probe() : null
if (images === null) throw new Error('usage: copies.mjs compose|kube OUT PORTS...')
process.stdout.write(`${images.join('\n')}\n`)
