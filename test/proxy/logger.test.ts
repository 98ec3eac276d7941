// stdout logging as the sidecar does it (batched into bytes, written by SonicBoom): every line
// arrives whole, in order, with its multi-byte characters, whatever its size; the last ones too.
import t from 'tap'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { ROOT } from '../helpers/cli.js'

t.test('batched stdout lines arrive whole and in order, big and small, flushed at exit', async (t) => {
  const logger = join(ROOT, 'dist', 'src', 'proxy', 'logger.js')
  const script = `
    const { createLogger } = await import(${JSON.stringify(logger)})
    const log = createLogger('info')
    for (let i = 0; i < 3000; i++) {
      const size = i % 500 === 7 ? 20000 + i : i % 13
      log.info({ i, pad: 'é€'.repeat(size) }, 'line')
    }
  `
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 })
  t.equal(run.status, 0, 'exits cleanly')
  const lines = run.stdout.split('\n').filter((l) => l !== '')
  t.equal(lines.length, 3000, 'every line, the last batch included')
  let inOrder = true
  let whole = true
  lines.forEach((line, n) => {
    const parsed = JSON.parse(line) as { i: number; pad: string }
    const size = n % 500 === 7 ? 20000 + n : n % 13
    if (parsed.i !== n) inOrder = false
    if (parsed.pad !== 'é€'.repeat(size)) whole = false
  })
  t.ok(inOrder, 'in the order they were logged')
  t.ok(whole, 'each with its characters intact, lines of 60 KB included')
})
