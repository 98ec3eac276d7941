// `hopwatch report` against a stand-in admin listener on port 0.
import t from 'tap'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { report, parseReportArgs } from '../../src/cli/report.js'
import type { CliIO } from '../../src/cli/io.js'

const TOKEN = 'admin-token-for-tests-0123456789'

function io (env: NodeJS.ProcessEnv = {}): CliIO & { out: string[], err: string[] } {
  const out: string[] = []
  const err: string[] = []
  return { out, err, env, stdout: (s) => { out.push(s) }, stderr: (s) => { err.push(s) } }
}

async function admin (findings: Array<{ severity: string }>): Promise<{ url: string, server: Server, paths: string[] }> {
  const paths: string[] = []
  const server = createServer((req, res) => {
    paths.push(req.url ?? '')
    if (req.headers.authorization !== `Bearer ${TOKEN}`) { res.writeHead(401).end('{"error":"unauthorized"}'); return }
    if ((req.url ?? '').includes('format=text')) { res.writeHead(200, { 'content-type': 'text/plain' }).end('FINDINGS\n  error credential-missing-on-401\n'); return }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ findings, layers: [] }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, paths }
}

t.test('text report with an error finding exits 1', async (t) => {
  const a = await admin([{ severity: 'error' }])
  t.teardown(() => { a.server.close() })
  const cli = io({ HOPWATCH_ADMIN_TOKEN: TOKEN })
  t.equal(await report(['--admin', a.url], cli), 1)
  t.equal(cli.out.join(''), 'FINDINGS\n  error credential-missing-on-401\n')
  t.ok(a.paths.includes('/report?format=text'), 'asked for the text format')
  t.notOk(cli.out.join('').includes(TOKEN) || cli.err.join('').includes(TOKEN), 'the token is never printed')
})

t.test('json report without error findings exits 0', async (t) => {
  const a = await admin([{ severity: 'warning' }, { severity: 'info' }])
  t.teardown(() => { a.server.close() })
  const cli = io()
  t.equal(await report([`--admin=${a.url}/`, '--admin-token', TOKEN, '--format', 'json'], cli), 0)
  const parsed: unknown = JSON.parse(cli.out.join(''))
  t.same(parsed, { findings: [{ severity: 'warning' }, { severity: 'info' }], layers: [] })
})

t.test('a wrong token, a closed port and bad flags exit 2 with a plain sentence', async (t) => {
  const a = await admin([])
  t.teardown(() => { a.server.close() })
  const refused = io({ HOPWATCH_ADMIN_TOKEN: 'wrong-token-value' })
  t.equal(await report(['--admin', a.url], refused), 2)
  t.match(refused.err.join(''), /refused the request \(401\).*--admin-token/)
  t.notOk(refused.err.join('').includes('wrong-token-value'))

  const closed = createServer()
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
  const port = (closed.address() as AddressInfo).port
  await new Promise<void>((resolve) => closed.close(() => resolve()))
  const down = io()
  t.equal(await report(['--admin', `http://127.0.0.1:${port}`, '--timeout', '2000'], down), 2)
  t.match(down.err.join(''), /Could not reach the hopwatch admin listener at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/)

  for (const argv of [['--format', 'xml'], ['--admin', 'ftp://x'], ['--nope'], ['--timeout', '-1'], ['--admin']]) {
    const bad = io()
    t.equal(await report(argv, bad), 2, argv.join(' '))
    t.match(bad.err.join(''), /^hopwatch report: .+\.\n$/)
  }
  const help = io()
  t.equal(await report(['--help'], help), 0)
  t.match(help.out.join(''), /Usage: hopwatch report/)
})

t.test('defaults', async (t) => {
  const parsed = parseReportArgs([], {})
  t.not(parsed, 'help')
  if (parsed !== 'help') {
    t.equal(parsed.admins.length, 1)
    t.equal(parsed.admins[0]?.href, 'http://127.0.0.1:9090/')
    t.equal(parsed.format, 'text')
    t.equal(parsed.token, null)
  }
})
