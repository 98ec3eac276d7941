// docker/Dockerfile and .dockerignore checked against the CLI: `npm test` needs no container
// engine, so here the image is checked by what it says (stages, user, env, ports, health
// check, copies) and the env and ports it sets are fed to the real config loader and health
// command parser. test/container/run.sh builds and runs the image for real (.ci/run, podman).
import t from 'tap'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadServeConfig, parseHostPort } from '../../src/config/config.js'
import { parseHealthArgs, DEFAULT_HEALTH_TIMEOUT_MS } from '../../src/cli/health.js'
import {
  ROOT, copyArgs, dockerignore, envOf, execForm, hopwatchEnvNames, ignored, instructions, knownEnv,
  readText, stages, type Stage
} from './files.js'

const text = readText('docker', 'Dockerfile')
const all = instructions(text)
const byName = new Map(stages(all).map((s) => [s.name, s]))
const runtime = stages(all).at(-1) as Stage
const only = (stage: Stage, keyword: string): string[] => stage.instructions.filter((i) => i.keyword === keyword).map((i) => i.args)
const imageEnv = Object.assign({}, ...only(runtime, 'ENV').map(envOf)) as Record<string, string>

t.test('three stages on a pinned slim Node 24 (LTS) base', async (t) => {
  t.same([...byName.keys()], ['build', 'prod', 'runtime'])
  const arg = all.find((i) => i.keyword === 'ARG' && i.args.startsWith('NODE_IMAGE='))
  t.match(arg?.args ?? '', /^NODE_IMAGE=node:24(\.\d+){0,2}-bookworm-slim(@sha256:[0-9a-f]{64})?$/, 'node:24-bookworm-slim by tag')
  for (const stage of byName.values()) t.equal(stage.base, '${NODE_IMAGE}', `${stage.name} uses the pinned base`)
  t.ok(only(runtime, 'ARG').includes('NODE_IMAGE'), 'the runtime stage re-declares NODE_IMAGE for its label')
})

t.test('the runtime stage runs as a non-root user', async (t) => {
  const users = only(runtime, 'USER')
  t.equal(users.length, 1)
  const user = (users[0] ?? '').split(':')[0] ?? ''
  t.ok(user === 'node' || (/^\d+$/.test(user) && Number(user) > 0), `USER ${users[0] ?? ''} is not root`)
  t.ok(/^\d+$/.test(user), 'numeric, so Kubernetes runAsNonRoot can verify it')
  const last = runtime.instructions.map((i) => i.keyword).lastIndexOf('USER')
  t.notOk(runtime.instructions.slice(last).some((i) => i.keyword === 'RUN' || i.keyword === 'COPY'), 'nothing runs or is copied as root after USER')
})

t.test('entrypoint is the packaged CLI, serve by default', async (t) => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string>; files: string[] }
  const entrypoint = execForm(only(runtime, 'ENTRYPOINT')[0] ?? '')
  t.same(entrypoint, ['node', `/app/${pkg.bin.hopwatch ?? ''}`], 'node + the bin of package.json, unpacked in /app')
  t.same(execForm(only(runtime, 'CMD')[0] ?? ''), ['serve'])
  t.ok(only(runtime, 'RUN').some((r) => r === `ln -s /app/${pkg.bin.hopwatch ?? ''} /usr/local/bin/hopwatch`), '`hopwatch` is on PATH for the health check and exec probes')
  t.ok(pkg.files.every((f) => !/^(src|test)\b/.test(f)), 'the packed tarball ships no TypeScript source and no tests')
  t.ok(existsSync(join(ROOT, 'src', 'cli', 'main.ts')), 'the bin is built from src/cli/main.ts')
})

t.test('env defaults exist in SERVE_FLAGS and the config loader accepts them', async (t) => {
  const known = knownEnv()
  for (const name of hopwatchEnvNames(text)) t.ok(known.has(name), `${name} is a real hopwatch env var`)
  t.equal(imageEnv.HOPWATCH_LISTEN, '0.0.0.0:8080')
  t.equal(imageEnv.HOPWATCH_ADMIN, '0.0.0.0:9090')
  t.equal(imageEnv.NODE_ENV, 'production')
  const config = loadServeConfig([], { ...imageEnv, HOPWATCH_UPSTREAM: 'http://127.0.0.1:3000', HOPWATCH_ADMIN_TOKEN: 'x'.repeat(32) })
  t.same(config.listen, { host: '0.0.0.0', port: 8080 })
  t.same(config.admin, { host: '0.0.0.0', port: 9090 })
  t.throws(() => loadServeConfig([], { ...imageEnv, HOPWATCH_UPSTREAM: 'http://127.0.0.1:3000' }), { code: 'HOPWATCH_BAD_CONFIG', message: /HOPWATCH_ADMIN_TOKEN/ },
    'without HOPWATCH_ADMIN_TOKEN the image refuses to expose the admin listener (docs say so)')
})

t.test('EXPOSE covers the traffic and admin ports the env sets', async (t) => {
  const exposed = only(runtime, 'EXPOSE').flatMap((e) => e.split(/\s+/)).map((p) => Number(p.replace(/\/tcp$/, '')))
  t.ok(exposed.includes(parseHostPort('listen', imageEnv.HOPWATCH_LISTEN ?? '').port), 'traffic port')
  t.ok(exposed.includes(parseHostPort('admin', imageEnv.HOPWATCH_ADMIN ?? '').port), 'admin port')
})

t.test('HEALTHCHECK runs `hopwatch health` against the admin listener the env sets', async (t) => {
  const checks = only(runtime, 'HEALTHCHECK')
  t.equal(checks.length, 1)
  const match = /^(.*?)\bCMD\s+(\[.*\])$/.exec(checks[0] ?? '')
  t.ok(match, 'HEALTHCHECK [options] CMD [exec form]')
  const command = execForm(match?.[2] ?? '[]')
  t.same(command.slice(0, 2), ['hopwatch', 'health'], 'no curl or wget: the CLI checks itself')
  const parsed = parseHealthArgs(command.slice(2), { HOPWATCH_ADMIN: imageEnv.HOPWATCH_ADMIN, HOPWATCH_ADMIN_TOKEN: 't' })
  t.not(parsed, 'help')
  if (parsed === 'help') return
  t.equal(parsed.admin.href, 'http://127.0.0.1:9090/', '0.0.0.0 becomes loopback inside the container')
  t.equal(parsed.token, 't', 'token from HOPWATCH_ADMIN_TOKEN')
  t.equal(parsed.ready, false, 'liveness: /healthz')
  const timeout = /--timeout=(\d+)s/.exec(match?.[1] ?? '')
  t.ok(timeout !== null && Number(timeout[1]) * 1000 > DEFAULT_HEALTH_TIMEOUT_MS, 'Docker waits longer than the command does')
})

t.test('the runtime stage copies no dev dependencies and no source', async (t) => {
  const prod = byName.get('prod') as Stage
  const build = byName.get('build') as Stage
  for (const args of only(runtime, 'COPY').map(copyArgs)) {
    t.equal(args.flags.from, 'prod', 'the runtime stage copies from the prod stage only, never from the context')
    t.same(args.sources, ['/app'])
  }
  t.same(only(runtime, 'ADD'), [], 'no ADD')
  const prodCopies = only(prod, 'COPY').map(copyArgs)
  t.same(prodCopies.filter((c) => c.flags.from === undefined).flatMap((c) => c.sources), ['package-lock.json'], 'prod takes only the lockfile from the context')
  t.same(prodCopies.filter((c) => c.flags.from === 'build').flatMap((c) => c.sources), ['/pack/hopwatch.tgz'], 'and only the packed tarball from build')
  const prodRun = only(prod, 'RUN').join('\n')
  t.match(prodRun, /npm ci --omit=dev --ignore-scripts/, 'production dependencies from the lockfile, no install scripts')
  t.notMatch(prodRun, /npm (install|i)\b/, 'no unlocked npm install')
  t.match(only(build, 'RUN').join('\n'), /npm run build[\s\S]*npm pack --ignore-scripts/, 'build compiles, then packs')
  t.notOk(only(prod, 'COPY').some((c) => /\bsrc\b|\btest\b/.test(c)), 'no source copied into prod')
  // npm can print "Exit handler never called!" after a network failure and exit 0 with
  // node_modules incomplete: a later RUN of the prod stage imports every production dependency.
  const runs = only(prod, 'RUN')
  const install = runs.findIndex((r) => r.includes('npm ci --omit=dev'))
  const proof = runs.findIndex((r, i) => i > install && /\bnode -e\b[\s\S]*\bdependencies\b[\s\S]*\bimport\(/.test(r))
  t.ok(install >= 0 && proof > install, 'after npm ci, the build imports every production dependency (a failed install fails the build)')
})

t.test('the dependency proof of the prod stage passes on a full install and fails on a broken one', async (t) => {
  const proof = only(byName.get('prod') as Stage, 'RUN').map((r) => /^node -e "([^"]+)"$/.exec(r)?.[1]).find((s) => s !== undefined)
  t.ok(proof, 'a RUN node -e "..." in the prod stage')
  if (proof === undefined) return
  const run = (cwd: string): { status: number | null; stdout: string } => {
    const r = spawnSync(process.execPath, ['-e', proof], { cwd, encoding: 'utf8', timeout: 60_000 })
    return { status: r.status, stdout: r.stdout }
  }
  const ok = run(ROOT)
  t.equal(ok.status, 0, 'every production dependency of package.json loads from node_modules')
  t.match(ok.stdout, /dependencies load/)
  const broken = mkdtempSync(join(tmpdir(), 'hopwatch-deps-'))
  t.teardown(() => rmSync(broken, { recursive: true, force: true }))
  writeFileSync(join(broken, 'package.json'), JSON.stringify({ name: 'x', dependencies: { 'not-installed-dependency': '1.0.0' } }))
  t.not(run(broken).status, 0, 'a dependency missing from node_modules fails the step')
})

t.test('OCI labels', async (t) => {
  const labels = only(runtime, 'LABEL').join(' ')
  for (const key of ['title', 'description', 'version', 'revision', 'licenses', 'created', 'base.name']) {
    t.match(labels, new RegExp(`org\\.opencontainers\\.image\\.${key.replace('.', '\\.')}=`), key)
  }
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; license: string }
  t.match(labels, `licenses="${pkg.license}"`)
  t.ok(only(runtime, 'ARG').includes(`VERSION=${pkg.version}`), 'the version label defaults to package.json')
})

t.test('every file the Dockerfile COPYs exists and is in the build context', async (t) => {
  const rules = dockerignore(readText('.dockerignore'))
  const fromContext = all.filter((i) => i.keyword === 'COPY').map((i) => copyArgs(i.args)).filter((c) => c.flags.from === undefined)
  t.ok(fromContext.length >= 3)
  for (const source of fromContext.flatMap((c) => c.sources)) {
    t.ok(existsSync(join(ROOT, source)), `${source} exists`)
    t.notOk(ignored(rules, source), `${source} is not left out by .dockerignore`)
  }
  t.notOk(ignored(rules, 'src/cli/main.ts'), 'files under src/ are sent')
  for (const out of ['node_modules/fastify/package.json', 'dist/src/cli/main.js', '.git/HEAD', '.tap/x', 'coverage/x',
    'test/docker/deploy-files.test.ts', 'docs/deploy.md', 'nginx-samples/x', 'docker/Dockerfile', '.env', 'hopwatch-0.1.0.tgz',
    'src/node_modules/x', 'src/.env.local']) {
    t.ok(ignored(rules, out), `${out} stays out of the context`)
  }
})

t.test('the .dockerignore matcher follows Docker rules', async (t) => {
  const rules = dockerignore('*\n!src\nsrc/secret\n**/*.tgz\n')
  t.ok(ignored(rules, 'node_modules/a'))
  t.notOk(ignored(rules, 'src/a.ts'))
  t.ok(ignored(rules, 'src/secret/b'), 'a later pattern wins')
  t.ok(ignored(rules, 'src/deep/x.tgz'), '** crosses directories')
})
