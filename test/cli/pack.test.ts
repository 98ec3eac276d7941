// The package as the Docker image will copy it: `npm pack`, installed into a clean folder,
// gives a working `hopwatch serve`.
import t from 'tap'
import { execFile, spawn } from 'node:child_process'
import { promisify } from 'node:util'
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { request } from 'undici'
import { startEchoUpstream } from '../helpers/echo-upstream.js'
import { ROOT } from '../helpers/cli.js'

const run = promisify(execFile)

t.test('npm pack, install in a clean folder, hopwatch serve forwards and reports', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hopwatch-pack-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  // --ignore-scripts: dist/ is already built by `npm test`; pack only what `files` lists.
  await run('npm', ['pack', '--ignore-scripts', '--pack-destination', dir], { cwd: ROOT, timeout: 120_000 })
  const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'))
  t.ok(tarball, 'a tarball')
  const { stdout: listing } = await run('tar', ['-tzf', join(dir, tarball as string)])
  t.match(listing, /package\/dist\/src\/cli\/main\.js/)
  const files = listing.split('\n').filter(Boolean)
  for (const file of ['package/package.json', 'package/README.md', 'package/LICENSE']) t.ok(files.includes(file), `${file} is shipped`)
  const { stdout: license } = await run('tar', ['-xzOf', join(dir, tarball as string), 'package/LICENSE'])
  t.match(license, /^MIT License\n\nCopyright \(c\) \d{4} hopwatch contributors\n/, 'the MIT licence package.json names')
  t.same(files.filter((f) => !/^package\/(dist\/src\/.+\.(js|d\.ts|js\.map|d\.ts\.map)|package\.json|README\.md|LICENSE)$/.test(f)), [],
    'nothing but the build output, the manifest, the README and the licence')
  t.notMatch(listing, /package\/test\//, 'tests are not shipped')
  t.notMatch(listing, /package\/src\/.*\.ts\n/, 'TypeScript sources are not shipped')
  const app = join(dir, 'app')
  await run('mkdir', ['-p', app])
  writeFileSync(join(app, 'package.json'), '{"name":"clean","version":"1.0.0","private":true}')
  await run('npm', ['install', '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline', join(dir, tarball as string)], { cwd: app, timeout: 240_000 })

  const up = await startEchoUpstream()
  t.teardown(() => up.close())
  const bin = join(app, 'node_modules', '.bin', 'hopwatch')
  const version = await run(bin, ['--version'])
  t.match(version.stdout, /^\d+\.\d+\.\d+/)
  const child = spawn(bin, ['serve', '--upstream', up.url, '--listen', '127.0.0.1:0', '--admin', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'pipe'] })
  t.teardown(() => { if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGKILL') })
  const listening = await new Promise<{ traffic: string; admin: string }>((resolve, reject) => {
    let buffered = ''
    const timer = setTimeout(() => reject(new Error('no listening line in 15 s')), 15_000)
    child.stdout.on('data', (c: Buffer) => {
      buffered += c.toString()
      const line = buffered.split('\n').find((l) => l.includes('"hopwatch listening"'))
      if (line !== undefined) { clearTimeout(timer); resolve(JSON.parse(line) as { traffic: string; admin: string }) }
    })
  })
  const res = await request(`${listening.traffic}/packed`, { headers: { authorization: 'Bearer p' } })
  await res.body.dump()
  t.equal(res.statusCode, 200)
  const report = await (await request(`${listening.admin}/report`)).body.json() as { totals: { exchanges: number } }
  t.equal(report.totals.exchanges, 1)
  process.kill(child.pid as number, 'SIGTERM')
  const code = await new Promise((resolve) => child.on('close', resolve))
  t.equal(code, 0, 'clean exit on SIGTERM')
})
