// Numeric flags have documented ranges and are refused outside them; secrets are refused empty
// or too short. Each refusal is one line on stderr and exit 2, from the real process too.
import t, { type Test } from 'tap'
import { main } from '../../src/cli/main.js'
import type { CliIO } from '../../src/cli/io.js'
import { NUMERIC_RANGES } from '../../src/config/defaults.js'
import { loadServeConfig } from '../../src/config/config.js'
import { runCli } from '../helpers/cli.js'

function io (env: NodeJS.ProcessEnv = {}): CliIO & { out: string; err: string } {
  const sink = { out: '', err: '', env, stdout: (s: string) => { sink.out += s }, stderr: (s: string) => { sink.err += s } }
  return sink
}

const UP = ['--upstream', 'http://127.0.0.1:1']

async function refused (t: Test, argv: string[], env: NodeJS.ProcessEnv, pattern: RegExp, secret?: string): Promise<void> {
  const s = io(env)
  t.equal(await main(argv, s), 2, `exit 2: ${argv.join(' ')} ${JSON.stringify(env)}`)
  t.match(s.err, pattern)
  t.equal(s.err.trim().split('\n').length, 1, 'one line')
  if (secret !== undefined) t.notOk(s.err.includes(secret), 'the value is not echoed')
}

t.test('serve: numeric flags outside their range are refused, edges accepted', async (t) => {
  for (const [name, { min, max }] of Object.entries(NUMERIC_RANGES)) {
    for (const bad of [String(max + 1), String(min - 1), '3000000000', '5000000000', '1e3', '0x10', ' 5', '5.5', '', 'abc', '99999999999999999999']) {
      if (bad === String(min - 1) && min - 1 < 0) continue
      await refused(t, ['serve', ...UP, `--${name}`, bad], {}, new RegExp(`--${name} must be a whole number from ${min} to ${max}`))
    }
    const atMax = loadServeConfig([...UP, `--${name}`, String(max)], {})
    const atMin = loadServeConfig([...UP, `--${name}`, String(min)], {})
    t.ok(Object.values(atMax).includes(max) && Object.values(atMin).includes(min), `--${name} ${min} and ${max} accepted`)
  }
  await refused(t, ['serve', ...UP, '--max-exchanges', '-1'], {}, /--max-exchanges got a value that starts with a dash/)
  await refused(t, ['serve', ...UP, '--max-exchanges=-1'], {}, /--max-exchanges must be a whole number from 1/)
  const env = io({ HOPWATCH_SHUTDOWN_GRACE: '3000000000', HOPWATCH_UPSTREAM: 'http://127.0.0.1:1' })
  t.equal(await main(['serve'], env), 2, 'the env var is checked the same way')
  t.match(env.err, /--shutdown-grace must be a whole number from 0 to 3600000/)
})

t.test('serve: ports in --listen, --admin and --edge-listen are 0-65535', async (t) => {
  for (const flag of ['listen', 'admin']) {
    for (const bad of ['127.0.0.1:65536', '127.0.0.1:-1', '127.0.0.1:', '127.0.0.1:1e3', '127.0.0.1:999999']) {
      await refused(t, ['serve', ...UP, `--${flag}`, bad], {}, new RegExp(`--${flag} must be HOST:PORT with a port from 0 to 65535`))
    }
  }
  await refused(t, ['serve', ...UP, '--edge-listen', '127.0.0.1:70000', '--edge-upstream', 'http://127.0.0.1:2'], {}, /--edge-listen must be HOST:PORT/)
})

t.test('serve: an empty admin token or a short probe secret is refused at start', async (t) => {
  await refused(t, ['serve', ...UP, '--admin-token', ''], {}, /--admin-token is empty/)
  await refused(t, ['serve', ...UP], { HOPWATCH_ADMIN_TOKEN: '' }, /HOPWATCH_ADMIN_TOKEN is set but empty/)
  await refused(t, ['serve', ...UP, '--admin-token', ' padded-token '], {}, /--admin-token must not start or end with spaces/, 'padded-token')
  await refused(t, ['serve', ...UP, '--admin-token', 'tab\tinside'], {}, /control characters/, 'inside')
  await refused(t, ['serve', ...UP, '--probe-secret', 'x'], {}, /--probe-secret must be at least 16 characters/)
  await refused(t, ['serve', ...UP, '--probe-secret', 'fifteen-chars-x'], {}, /at least 16/, 'fifteen-chars-x')
  await refused(t, ['serve', ...UP], { HOPWATCH_PROBE_SECRET: 'short-secret' }, /--probe-secret must be at least 16/, 'short-secret')
  await refused(t, ['serve', ...UP], { HOPWATCH_PROBE_SECRET: '' }, /HOPWATCH_PROBE_SECRET is set but empty/)
  t.equal(loadServeConfig([...UP, '--probe-secret', 'sixteen-chars-xx'], {}).probeSecret, 'sixteen-chars-xx', '16 characters accepted')
})

t.test('the real process exits 2 with one line for each', async (t) => {
  for (const argv of [
    ['serve', ...UP, '--shutdown-grace', '3000000000'],
    ['serve', ...UP, '--max-exchanges', '5000000000'],
    ['serve', ...UP, '--admin-token', ''],
    ['serve', ...UP, '--probe-secret', 'x'],
    ['probe', 'http://127.0.0.1:1/', '--probe-secret', 'sixteen-chars-xx', '--timeout', '3000000000'],
    ['health', '--timeout', '1e3'],
    ['report', '--timeout', '0']
  ]) {
    const r = await runCli(argv)
    t.equal(r.code, 2, argv.join(' '))
    t.equal(r.stderr.trim().split('\n').length, 1, 'one line')
    t.equal(r.stdout, '')
  }
})

t.test('serve --help shows the ranges', async (t) => {
  const s = io()
  t.equal(await main(['serve', '--help'], s), 0)
  t.match(s.out, /HOPWATCH_SHUTDOWN_GRACE; range 0-3600000/)
  t.match(s.out, /HOPWATCH_MAX_EXCHANGES; range 1-1000000/)
})
