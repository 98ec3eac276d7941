// stdout logging as the sidecar does it (batched into bytes, written by SonicBoom): every line
// arrives whole, in order, with its multi-byte characters, whatever its size; the last ones too,
// queued when the process exits.
import t from 'tap'
import { spawnSync } from 'node:child_process'
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ROOT } from '../helpers/cli.js'

const LOGGER = join(ROOT, 'dist', 'src', 'proxy', 'logger.js')
const LINES = 3600

t.test('batched stdout lines arrive whole and in order, big and small, the last ones too', async (t) => {
  // Ends with 600 small lines (about 55 KB) still queued in the batcher when the process exits.
  const script = `
    const { createLogger } = await import(${JSON.stringify(LOGGER)})
    const log = createLogger('info')
    for (let i = 0; i < ${LINES}; i++) {
      const size = i < 3000 && i % 500 === 7 ? 20000 + i : i % 13
      log.info({ i, pad: 'é€'.repeat(size) }, 'line')
    }
  `
  // Three runs: the lost tail of the old exit path lost its race in most runs, not in every one.
  for (let run = 1; run <= 3; run++) {
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000, maxBuffer: 16 * 1024 * 1024, env: { PATH: process.env.PATH } })
    t.equal(child.status, 0, `run ${run}: exits cleanly`)
    const lines = child.stdout.split('\n').filter((l) => l !== '')
    t.equal(lines.length, LINES, `run ${run}: every line, the last batch included`)
    let inOrder = true
    let whole = true
    lines.forEach((line, n) => {
      let parsed: { i?: number; pad?: string } = {}
      try { parsed = JSON.parse(line) as { i: number; pad: string } } catch { whole = false }
      const size = n < 3000 && n % 500 === 7 ? 20000 + n : n % 13
      if (parsed.i !== n) inOrder = false
      if (parsed.pad !== 'é€'.repeat(size)) whole = false
    })
    t.ok(inOrder, `run ${run}: in the order they were logged`)
    t.ok(whole, `run ${run}: each with its characters intact, lines of 60 KB included`)
  }
})

t.test('at exit, the queued lines are written before the exit handler returns, even with the thread pool busy', async (t) => {
  // stdout is a file, so the child can see with fstat what has been written. The thread pool's
  // only thread is busy (pbkdf2), so a write handed to it would still be waiting.
  const script = `
    const { createLogger } = await import(${JSON.stringify(LOGGER)})
    const { pbkdf2 } = await import('node:crypto')
    const { fstatSync } = await import('node:fs')
    const log = createLogger('info')
    for (let i = 0; i < 300; i++) log.info({ i }, 'queued')
    pbkdf2('k', 's', 200000, 32, 'sha256', () => {})
    const before = fstatSync(1).size
    process.emit('exit', 0)
    process.stderr.write(JSON.stringify({ before, after: fstatSync(1).size }))
  `
  const dir = mkdtempSync(join(tmpdir(), 'hopwatch-logger-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'stdout')
  const fd = openSync(file, 'w')
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000, stdio: ['ignore', fd, 'pipe'], env: { PATH: process.env.PATH, UV_THREADPOOL_SIZE: '1' } })
  closeSync(fd)
  t.equal(child.status, 0, 'exits cleanly')
  const seen = JSON.parse(child.stderr) as { before: number; after: number }
  const written = readFileSync(file, 'utf8')
  t.equal(seen.before, 0, 'the lines were still queued')
  t.equal(seen.after, Buffer.byteLength(written), 'all of them written when the exit handler returned')
  t.equal(written.split('\n').filter((l) => l !== '').length, 300, 'every line')
})

t.test('at exit, a non-blocking stdout pipe that is full is waited on: a slow reader still gets every line', async (t) => {
  // fd 1 made non-blocking (as a net.Socket on it does), and a reader taking 4 KiB every 20 ms:
  // the pipe is full when the last lines are written at exit, so write(2) answers EAGAIN.
  const script = `
    const { Socket } = await import('node:net')
    new Socket({ fd: 1, readable: false, writable: true })
    const { createLogger } = await import(${JSON.stringify(LOGGER)})
    const log = createLogger('info')
    for (let i = 0; i < 600; i++) {
      log.info({ i, pad: 'x'.repeat(200) }, 'line')
      if (i % 100 === 0) await new Promise((resolve) => setTimeout(resolve, 5))
    }
  `
  const reader = 'import os, sys, time\nwhile True:\n  b = os.read(0, 4096)\n  if not b: break\n  sys.stdout.buffer.write(b)\n  time.sleep(0.02)\n'
  const child = spawnSync('sh', ['-c', '"$NODE" --input-type=module -e "$SCRIPT" | python3 -c "$READER"'], { encoding: 'utf8', timeout: 30_000, env: { PATH: process.env.PATH, NODE: process.execPath, SCRIPT: script, READER: reader } })
  t.equal(child.status, 0, 'exits cleanly')
  const lines = child.stdout.split('\n').filter((l) => l !== '')
  t.equal(lines.length, 600, 'every line')
  t.ok(lines.every((l, n) => { try { return (JSON.parse(l) as { i: number }).i === n } catch { return false } }), 'whole and in order')
})
