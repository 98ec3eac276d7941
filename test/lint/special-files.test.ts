// `hopwatch lint` refuses what is not a config file: a device, FIFO or socket given on the command
// line is exit 2 with one sentence (never a hang), one met in a folder walk is skipped, one
// named by an include is reported as unreadable; a file over 16 MiB is refused the same way.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { run } from './run-lint.js'
import { MAX_CONFIG_BYTES } from '../../src/lint/read-file.js'
import { runCli } from '../helpers/cli.js'

const dir = mkdtempSync(join(tmpdir(), 'hopwatch-lint-special-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))
const fifo = join(dir, 'pipe.conf')
execFileSync('mkfifo', [fifo])
const socketPath = join(dir, 'sock.conf')
let socketServer: Server
const BROKEN = 'server {\n  listen 80;\n  location / {\n    proxy_pass http://app;\n    proxy_set_header Authorization "";\n  }\n}\n'

t.before(async () => {
  socketServer = createServer()
  await new Promise<void>((resolve) => socketServer.listen(socketPath, resolve))
})
t.teardown(() => new Promise<void>((resolve) => socketServer.close(() => resolve())))

t.test('the real process: lint /dev/zero is exit 2 with one sentence, not a hang', async (t) => {
  const r = await runCli(['lint', '/dev/zero'], {}, 30_000)
  t.equal(r.code, 2, 'exit 2 (null would mean it was killed after hanging)')
  t.equal(r.stdout, '')
  t.match(r.stderr, /^hopwatch lint: cannot lint \/dev\/zero: it is not a regular file or folder \(a device, FIFO or socket\); lint reads config files only\.\n$/)
})

t.test('a FIFO, a socket and a device on the command line: exit 2, one sentence each', async (t) => {
  for (const path of [fifo, socketPath, '/dev/null', '/dev/urandom']) {
    const r = await run(path)
    t.equal(r.code, 2, path)
    t.equal(r.out, '')
    t.match(r.err, /^hopwatch lint: cannot lint .*: it is not a regular file or folder \(a device, FIFO or socket\)[^\n]*\.\n$/)
  }
  const mixed = await run(join(dir, 'nothing-here.conf'), fifo)
  t.equal(mixed.code, 2)
})

t.test('in a folder walk, special files are skipped and the real configs are linted', async (t) => {
  const folder = join(dir, 'walk')
  mkdirSync(folder)
  writeFileSync(join(folder, 'site.conf'), BROKEN)
  execFileSync('mkfifo', [join(folder, 'fifo.conf')])
  execFileSync('mkfifo', [join(folder, 'ingress.yaml')])
  const r = await run(folder, '--format', 'json')
  t.equal(r.code, 1, 'the broken site.conf is reported')
  const json = JSON.parse(r.out) as { findings: Array<{ file: string, ruleId: string }> }
  t.ok(json.findings.some((f) => f.file.endsWith('site.conf') && f.ruleId === 'nginx-credential-header-cleared'))
  t.notOk(json.findings.some((f) => f.file.includes('fifo') || f.file.includes('ingress')), 'the FIFOs were not read')
})

t.test('an include naming a device or a FIFO is reported as unreadable, not read', async (t) => {
  const main = join(dir, 'includes.conf')
  writeFileSync(main, `include /dev/zero;\ninclude ${fifo};\n${BROKEN}`)
  const r = await run(main, '--format', 'json', '--severity', 'info')
  t.equal(r.code, 1)
  const json = JSON.parse(r.out) as { findings: Array<{ ruleId: string, message: string }> }
  const unreadable = json.findings.filter((f) => f.ruleId === 'config-parse-error' && /is not a regular file/.test(f.message))
  t.equal(unreadable.length, 2, 'both includes refused with the reason')
  t.ok(json.findings.some((f) => f.ruleId === 'nginx-credential-header-cleared'), 'the rest is still linted')
})

t.test('a config file over 16 MiB is refused with the limit named', async (t) => {
  const big = join(dir, 'huge.conf')
  writeFileSync(big, '')
  truncateSync(big, MAX_CONFIG_BYTES + 1)
  const r = await run(big)
  t.equal(r.code, 2)
  t.match(r.err, /^hopwatch lint: cannot lint .*huge\.conf: it is larger than 16 MiB; lint reads config files up to that size\.\n$/)
  const main = join(dir, 'includes-big.conf')
  writeFileSync(main, `include ${big};\n${BROKEN}`)
  const inc = await run(main, '--format', 'json', '--severity', 'info')
  const json = JSON.parse(inc.out) as { findings: Array<{ ruleId: string, message: string }> }
  t.ok(json.findings.some((f) => f.ruleId === 'config-parse-error' && /larger than 16 MiB; not read/.test(f.message)), 'an oversize include is reported')
  const exact = join(dir, 'at-limit.conf')
  writeFileSync(exact, BROKEN)
  t.equal((await run(exact)).code, 1, 'a normal file is read')
})
