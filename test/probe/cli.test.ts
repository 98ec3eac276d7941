// The probe command's usage errors, help, and connection errors: exit 2 with a plain sentence.
import t from 'tap'
import { createServer } from 'node:net'
import type { AddressInfo, Socket } from 'node:net'
import { probe } from '../../src/cli/probe.js'
import { freePort } from '../helpers/real-servers.js'
import { captureIO, startTapServer } from './tap-server.js'
import { SECRET } from './expected.js'

t.test('usage errors exit 2 with a sentence', async (t) => {
  const cases: Array<[string[], RegExp]> = [
    [[], /exactly one URL/],
    [['http://127.0.0.1:1/'], /--probe-secret/],
    [['http://127.0.0.1:1/', '--probe-secret', 'short'], /at least 16/],
    [['ftp://x/', '--probe-secret', SECRET], /http/],
    [['http://127.0.0.1:1/', '--probe-secret', SECRET, '--format', 'xml'], /text or json/],
    [['http://127.0.0.1:1/', '--probe-secret', SECRET, '--timeout', '0'], /--timeout/],
    [['http://127.0.0.1:1/', '--probe-secret', SECRET, '--require', 'some'], /required or all/],
    [['http://127.0.0.1:1/', '--probe-secret', SECRET, '--header', 'Authorization'], /already part/],
    [['http://127.0.0.1:1/', '--probe-secret', SECRET, '--header', 'bad name'], /not a valid header name/],
    [['http://127.0.0.1:1/', '--probe-secret', SECRET, '--bogus'], /unknown flag/],
    [['http://127.0.0.1:1/', '--probe-secret', SECRET, '--method', 'HEAD'], /cannot carry/]
  ]
  for (const [argv, message] of cases) {
    const c = captureIO()
    t.equal(await probe(argv, c.io), 2, argv.join(' '))
    t.match(c.err(), message)
    t.notOk(c.err().includes(SECRET), 'the secret is never echoed')
  }
})

t.test('--help prints the flags and exits 0', async (t) => {
  const c = captureIO()
  t.equal(await probe(['--help'], c.io), 0)
  t.match(c.out(), /--probe-secret/)
})

t.test('the secret may come from HOPWATCH_PROBE_SECRET', async (t) => {
  const tap = await startTapServer(SECRET)
  t.teardown(tap.close)
  const c = captureIO({ HOPWATCH_PROBE_SECRET: SECRET })
  t.equal(await probe([tap.url, '--header', 'X-Tenant-Token'], c.io), 0)
  t.match(c.out(), /X-Tenant-Token\s+opaque token\s+required\s+intact/)
  t.notOk(c.out().includes('hwcan1'), 'no canary value in the text output')
  const post = captureIO({ HOPWATCH_PROBE_SECRET: SECRET })
  t.equal(await probe([tap.url, '--method', 'post'], post.io), 0, 'POST canaries are answered too')
})

t.test('connection refused: exit 2 and a plain sentence', async (t) => {
  const port = await freePort()
  const c = captureIO()
  t.equal(await probe([`http://127.0.0.1:${port}/`, '--probe-secret', SECRET], c.io), 2)
  t.match(c.err(), /connection refused/)
  t.equal(c.out(), '')
})

t.test('a server that never answers: exit 2 within the timeout', async (t) => {
  const sockets = new Set<Socket>()
  const server = createServer((socket) => { sockets.add(socket) /* and say nothing */ })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => {
    for (const s of sockets) s.destroy()
    server.close(() => resolve())
  }))
  const port = (server.address() as AddressInfo).port
  const c = captureIO()
  const started = Date.now()
  t.equal(await probe([`http://127.0.0.1:${port}/`, '--probe-secret', SECRET, '--timeout', '300'], c.io), 2)
  t.ok(Date.now() - started < 5_000, 'bounded by --timeout')
  t.match(c.err(), /did not answer within 300 ms/)
})
