// The CLI as users run it: help, version, one-sentence config errors with exit 2, env vars,
// and a clean exit on SIGTERM.
import t from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { request } from 'undici'
import { main } from '../../src/cli/main.js'
import type { CliIO } from '../../src/cli/io.js'
import { startEchoUpstream, valuesOf } from '../helpers/echo-upstream.js'
import { ROOT, runCli, startServeProcess } from '../helpers/cli.js'

function io (env: NodeJS.ProcessEnv = {}): CliIO & { out: string; err: string } {
  const sink = { out: '', err: '', env, stdout: (s: string) => { sink.out += s }, stderr: (s: string) => { sink.err += s } }
  return sink
}

t.test('help and version', async (t) => {
  const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version
  const v = await runCli(['--version'])
  t.equal(v.code, 0)
  t.equal(v.stdout.trim(), version)
  const h = await runCli(['--help'])
  t.equal(h.code, 0)
  t.match(h.stdout, /Usage: hopwatch <command>/)
  t.match(h.stdout, /serve/)
  const s = io()
  t.equal(await main(['serve', '--help'], s), 0)
  for (const flag of ['--upstream', '--listen', '--admin', '--admin-token', '--credential-header', '--max-exchanges', '--fingerprint-key', '--log-level']) {
    t.ok(s.out.includes(flag), `serve --help documents ${flag}`)
  }
  t.match(s.out, /HOPWATCH_UPSTREAM/)
})

t.test('bad config: one plain sentence naming the flag, exit 2', async (t) => {
  const cases: Array<[string[], NodeJS.ProcessEnv, RegExp]> = [
    [[], {}, /--upstream is required/],
    [['--upstream', 'not a url'], {}, /--upstream is not a valid absolute URL/],
    [['--upstream', 'ftp://x'], {}, /--upstream must use http/],
    [['--upstream', 'http://a', '--listen', '127.0.0.1:99999'], {}, /--listen must be HOST:PORT/],
    [['--upstream', 'http://a', '--listen', 'nohost'], {}, /--listen must be HOST:PORT/],
    [['--upstream', 'http://a', '--admin', '0.0.0.0:9090'], {}, /--admin 0\.0\.0\.0 is not a loopback address.*--admin-token/],
    [['--upstream', 'http://a', '--frobnicate'], {}, /Unknown flag --frobnicate/],
    [['--upstream', 'http://a', '--log-level', 'loud'], {}, /--log-level must be one of/],
    [['--upstream', 'http://a', '--max-exchanges', '0'], {}, /--max-exchanges must be a whole number/],
    [[], { HOPWATCH_UPSTREAM: 'http://a', HOPWATCH_ADMIN: '10.0.0.1:9090' }, /not a loopback address/],
    [['--upstream', 'http://a', '--credential-header', 'bad header'], {}, /--credential-header must be a header name/]
  ]
  for (const [args, env, pattern] of cases) {
    const s = io(env)
    t.equal(await main(['serve', ...args], s), 2, `exit 2 for ${args.join(' ') || JSON.stringify(env)}`)
    t.match(s.err, pattern)
    t.equal(s.err.trim().split('\n').length, 1, 'one line')
  }
  const unknownCommand = io()
  t.equal(await main(['frob'], unknownCommand), 2)
  t.match(unknownCommand.err, /unknown command "frob"/)
  const real = await runCli(['serve', '--upstream', 'http://a', '--admin', '0.0.0.0:1'])
  t.equal(real.code, 2, 'the real process exits 2')
  t.match(real.stderr, /--admin-token/)
  const token = io()
  t.equal(await main(['serve', '--upstream', 'http://u:pw-secret-1@a'], token), 2)
  t.notOk(token.err.includes('pw-secret-1'), 'a password in a bad upstream is not echoed')
})

t.test('configured from env vars alone; SIGTERM exits 0', async (t) => {
  const up = await startEchoUpstream()
  t.teardown(() => up.close())
  const proc = await startServeProcess([], {
    HOPWATCH_UPSTREAM: up.url,
    HOPWATCH_LISTEN: '127.0.0.1:0',
    HOPWATCH_ADMIN: '127.0.0.1:0',
    HOPWATCH_CREDENTIAL_HEADER: 'X-Session, X-Tenant-Key',
    HOPWATCH_ADMIN_TOKEN: 'env-admin-token'
  })
  const res = await request(`${proc.trafficUrl}/env`, { headers: { 'x-tenant-key': 'tk', 'x-session': 's' } })
  await res.body.dump()
  t.equal(res.statusCode, 200)
  t.same(valuesOf(up.received[0], 'x-tenant-key'), ['tk'])
  const denied = await request(`${proc.adminUrl}/report`)
  await denied.body.dump()
  t.equal(denied.statusCode, 401, 'the env admin token is enforced')
  const report = await (await request(`${proc.adminUrl}/report`, { headers: { authorization: 'Bearer env-admin-token' } })).body.json() as { headers: Array<{ name: string }> }
  t.same(report.headers.map((h) => h.name).sort(), ['x-session', 'x-tenant-key'], 'env comma list of credential headers')
  // Log lines are batched and flushed at least once a second.
  const until = Date.now() + 3000
  while (!proc.lines.some((l) => l.includes('"msg":"exchange"')) && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50))
  const exchangeLines = proc.lines.filter((l) => l.includes('"msg":"exchange"'))
  t.equal(exchangeLines.length, 1, 'one JSON log line per exchange')
  t.match(JSON.parse(exchangeLines[0] ?? '{}'), { level: 30, route: '/env', status: 200 })
  t.equal(await proc.stop('SIGTERM'), 0, 'exit 0 on SIGTERM')
})

t.test('the last log lines before SIGTERM reach stdout: the exchanges and the shutdown', async (t) => {
  const up = await startEchoUpstream()
  t.teardown(() => up.close())
  const proc = await startServeProcess(['--upstream', up.url, '--listen', '127.0.0.1:0', '--admin', '127.0.0.1:0'])
  const count = 40
  for (let i = 0; i < count; i++) {
    const res = await request(`${proc.trafficUrl}/last/${i}`, { headers: { authorization: `Bearer last-${i}` } })
    await res.body.dump()
  }
  // Well within the logger's one-second flush: these lines are still queued when the signal comes.
  t.equal(await proc.stop('SIGTERM'), 0, 'exit 0 on SIGTERM')
  const exchanges = proc.lines.filter((l) => l.includes('"msg":"exchange"'))
  t.equal(exchanges.length, count, 'one exchange line per request, none lost at exit')
  t.ok(proc.lines.some((l) => l.includes('shutting down')), 'the shutdown line')
})
