// docs/deploy.md stays in step with the files it describes: paths exist, env vars are real,
// the walkthrough's ports are the ones compose publishes, the resources quoted are the ones set.
import t from 'tap'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT, at, hopwatchEnvNames, knownEnv, kubernetesDocs, readText, yamlFile } from './files.js'

const doc = readText('docs', 'deploy.md')

t.test('every repo path the page names exists', async (t) => {
  const paths = [...new Set([...doc.matchAll(/`((?:docker|nginx-samples|test|src)\/[^`\s]*)`/g)].map((m) => m[1] as string))]
  t.ok(paths.length > 5)
  for (const path of paths) t.ok(existsSync(join(ROOT, path)), `${path} exists`)
  for (const link of [...doc.matchAll(/\]\((rules\/[^)]+\.md)\)/g)].map((m) => m[1] as string)) {
    t.ok(existsSync(join(ROOT, 'docs', link)), `link ${link} resolves`)
  }
})

t.test('every HOPWATCH_* variable it names is one hopwatch reads', async (t) => {
  const known = knownEnv()
  for (const name of hopwatchEnvNames(doc)) t.ok(known.has(name), name)
})

t.test('the curl walkthrough uses the ports compose publishes', async (t) => {
  const hostPort = (service: string, containerPort: number): number | undefined => {
    const ports = (at(yamlFile('docker', 'compose.yaml'), 'services', service, 'ports') ?? []) as string[]
    const found = ports.map((p) => p.split(':')).find((p) => Number(p[2]) === containerPort)
    return found === undefined ? undefined : Number(found[1])
  }
  const walkthrough = doc.slice(doc.indexOf('### Compose demo'), doc.indexOf('### Kubernetes'))
  t.match(walkthrough, `http://127.0.0.1:${hostPort('nginx', 80) ?? 'x'}/api/orders/1042`, 'through nginx')
  t.match(walkthrough, `http://127.0.0.1:${hostPort('hopwatch', 8080) ?? 'x'}/api/orders/1042`, 'straight to hopwatch')
  t.match(walkthrough, `http://127.0.0.1:${hostPort('hopwatch', 9090) ?? 'x'}/report?format=text`, 'the admin report')
  t.match(walkthrough, 'Authorization: Bearer $HOPWATCH_ADMIN_TOKEN', 'with the token from the env, never a literal')
})

t.test('the resources the page recommends are the ones the Deployment sets', async (t) => {
  const deployment = kubernetesDocs().find((d) => d.doc.kind === 'Deployment')?.doc
  const containers = at(deployment, 'spec', 'template', 'spec', 'containers') as Array<{ name: string; resources: unknown; env: Array<{ name: string; value?: string }> }>
  const sidecar = containers.find((c) => c.name === 'hopwatch')
  const requests = at(sidecar?.resources, 'requests') as Record<string, string>
  const limits = at(sidecar?.resources, 'limits') as Record<string, string>
  const sizing = doc.slice(doc.indexOf('### Sizing'))
  t.match(sizing, `request \`${requests.memory ?? 'x'}\``)
  t.match(sizing, `limit \`${limits.memory ?? 'x'}\``)
  t.match(sizing, `request \`${requests.cpu ?? 'x'}\``)
  const nodeOptions = sidecar?.env.find((e) => e.name === 'NODE_OPTIONS')?.value ?? 'x'
  t.match(sizing, `NODE_OPTIONS=${nodeOptions}`)
})
