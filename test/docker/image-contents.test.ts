// The image's /app without a Docker engine: the steps of the Dockerfile's prod stage (taken
// from the Dockerfile itself) replayed in a temp folder on the packed tarball, then the
// result run the way the runtime stage runs it: production dependencies only, no sources,
// `hopwatch` through a symlink on PATH, serve from the image's env, health, SIGTERM exit 0.
import t from 'tap'
import { execFile, spawn } from 'node:child_process'
import { promisify } from 'node:util'
import { randomBytes } from 'node:crypto'
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startEchoUpstream } from '../helpers/echo-upstream.js'
import { freePort } from '../helpers/real-servers.js'
import { BUILT_CLI } from '../helpers/cli.js'
import { ROOT, envOf, instructions, readText, stages } from './files.js'

const run = promisify(execFile)
const all = instructions(readText('docker', 'Dockerfile'))
const [build, prod, runtime] = stages(all)
const runText = (stage: typeof prod): string => (stage?.instructions ?? []).filter((i) => i.keyword === 'RUN').map((i) => i.args).join(' && ')
const imageEnv = Object.assign({}, ...(runtime?.instructions ?? []).filter((i) => i.keyword === 'ENV').map((i) => envOf(i.args))) as Record<string, string>
const skip = existsSync(BUILT_CLI) ? false : 'dist/ is missing: run `npm run build` first'

/** One `&&`-separated command of a RUN line, as argv (no shell features used there). */
function command (text: string, starts: string): string[] {
  const found = text.split('&&').map((c) => c.trim()).find((c) => c.startsWith(starts))
  if (found === undefined) throw new Error(`no "${starts}" command in the Dockerfile`)
  return found.split(/\s+/)
}

t.test('prod stage replayed: production dependencies only, no source, and it serves', { skip }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hopwatch-image-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  // build stage: `npm pack --ignore-scripts --pack-destination /pack` (dist/ is already built).
  const pack = command(runText(build), 'npm pack')
  t.same(pack.slice(0, 3), ['npm', 'pack', '--ignore-scripts'])
  mkdirSync(join(dir, 'pack'))
  await run('npm', ['pack', '--ignore-scripts', '--pack-destination', join(dir, 'pack')], { cwd: ROOT, timeout: 120_000 })
  const tarball = readdirSync(join(dir, 'pack')).find((f) => /^hopwatch-.*\.tgz$/.test(f)) as string
  t.ok(tarball, 'a tarball')
  // prod stage: unpack into /app, copy the lockfile, npm ci --omit=dev, chmod the bin.
  const app = join(dir, 'app')
  mkdirSync(app)
  copyFileSync(join(ROOT, 'package-lock.json'), join(app, 'package-lock.json'))
  const tar = command(runText(prod), 'tar ')
  t.same(tar.slice(0, 3), ['tar', '-xzf', '/tmp/hopwatch.tgz'])
  await run('tar', ['-xzf', join(dir, 'pack', tarball), ...tar.slice(3, -2), '-C', app])
  const ci = command(runText(prod), 'npm ci')
  await run(ci[0] as string, [...ci.slice(1), '--prefer-offline'], { cwd: app, timeout: 240_000 })
  chmodSync(join(app, 'dist', 'src', 'cli', 'main.js'), 0o755)

  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> }
  const installed = (name: string): boolean => existsSync(join(app, 'node_modules', name, 'package.json'))
  for (const name of Object.keys(pkg.dependencies)) t.ok(installed(name), `dependency ${name} installed`)
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> }
  const devOnly = Object.entries(lock.packages).filter(([path, p]) => path !== '' && p.dev === true).map(([path]) => path)
  t.ok(devOnly.length > 50, 'the lockfile marks the dev-only packages')
  t.same(devOnly.filter((path) => existsSync(join(app, path))), [], 'no package the lockfile marks dev-only is installed')
  for (const name of Object.keys(pkg.devDependencies)) {
    if (lock.packages[`node_modules/${name}`]?.dev === true) t.notOk(installed(name), `dev dependency ${name} not installed`)
  }
  t.notOk(installed('typescript') || installed('tap') || installed('@types/node'), 'no build or test tooling')
  t.same(readdirSync(app).sort(), ['LICENSE', 'README.md', 'dist', 'node_modules', 'package-lock.json', 'package.json'], '/app holds the package (with its licence) and its dependencies only')
  t.same(readdirSync(join(app, 'dist')), ['src'], 'no compiled tests or benches')
  const listing = await run('find', [join(app, 'dist'), '-name', '*.ts', '-not', '-name', '*.d.ts'])
  t.equal(listing.stdout, '', 'no TypeScript source')

  // runtime stage: `ln -s /app/dist/src/cli/main.js /usr/local/bin/hopwatch`, env from the image.
  const bin = join(dir, 'bin')
  mkdirSync(bin)
  symlinkSync(join(app, 'dist', 'src', 'cli', 'main.js'), join(bin, 'hopwatch'))
  const PATH = `${bin}:${process.env.PATH ?? ''}`
  const version = await run('hopwatch', ['--version'], { env: { PATH } })
  t.match(version.stdout, /^\d+\.\d+\.\d+\n$/, '`hopwatch` on PATH runs through the symlink')

  const up = await startEchoUpstream()
  t.teardown(up.close)
  const token = randomBytes(16).toString('hex')
  const adminPort = await freePort()
  // The image's env with loopback addresses: tests never bind 0.0.0.0.
  const env = { ...imageEnv, PATH, HOPWATCH_UPSTREAM: up.url, HOPWATCH_LISTEN: '127.0.0.1:0', HOPWATCH_ADMIN: `127.0.0.1:${adminPort}`, HOPWATCH_ADMIN_TOKEN: token }
  t.equal(imageEnv.NODE_ENV, 'production')
  const child = spawn('hopwatch', ['serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  t.teardown(() => { if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGKILL') })
  let stdout = ''
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no listening line in 60 s')), 60_000)
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); if (stdout.includes('"hopwatch listening"')) { clearTimeout(timer); resolve() } })
  })
  const healthJs = join(app, 'dist', 'src', 'cli', 'health.js')
  const wired = readFileSync(join(app, 'dist', 'src', 'cli', 'main.js'), 'utf8').includes('./health.js')
  const check = wired
    ? await run('hopwatch', ['health', '--ready'], { env })
    : await run(process.execPath, ['--input-type=module', '-e', `const { health } = await import(${JSON.stringify(healthJs)})
process.exitCode = await health(['--ready'], { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s), env: process.env })`], { env })
  t.match(check.stdout, /^hopwatch health: ready: GET \/readyz on http:\/\/127\.0\.0\.1:\d+ answered 200\n$/, `health from the packed files (${wired ? 'hopwatch health' : 'health.js'})`)
  t.notOk(check.stdout.includes(token) || check.stderr.includes(token) || stdout.includes(token), 'the token is never printed')
  process.kill(child.pid as number, 'SIGTERM')
  const code = await new Promise((resolve) => child.on('close', resolve))
  t.equal(code, 0, 'SIGTERM (the STOPSIGNAL): exit 0')
})
