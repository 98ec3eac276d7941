// --tls-cert and --tls-key: both or neither, files read at start, each mistake one sentence and
// exit 2; a real `hopwatch serve` process started with them speaks h2 and http/1.1 by ALPN.
import t from 'tap'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { main } from '../../src/cli/main.js'
import type { CliIO } from '../../src/cli/io.js'
import { startEchoUpstream } from '../helpers/echo-upstream.js'
import { runCli, startServeProcess } from '../helpers/cli.js'
import { makePki } from '../helpers/tls-certs.js'
import { curl, goodCertFiles } from '../helpers/h2-client.js'

const pki = makePki()
t.teardown(() => pki.remove())
const files = goodCertFiles(pki)

function io (): CliIO & { out: string; err: string } {
  const sink = { out: '', err: '', env: {}, stdout: (s: string) => { sink.out += s }, stderr: (s: string) => { sink.err += s } }
  return sink
}

t.test('bad --tls-cert / --tls-key: one sentence naming the flag, exit 2, no key material echoed', async (t) => {
  const notPem = join(pki.dir, 'not.pem')
  writeFileSync(notPem, 'hello, not a certificate\n')
  const cases: Array<[string[], RegExp]> = [
    [['--tls-cert', files.cert], /--tls-cert and --tls-key go together: --tls-key is missing/],
    [['--tls-key', files.key], /--tls-cert and --tls-key go together: --tls-cert is missing/],
    [['--tls-cert', join(pki.dir, 'nope.pem'), '--tls-key', files.key], /--tls-cert could not be read \(ENOENT\)/],
    [['--tls-cert', notPem, '--tls-key', files.key], /--tls-cert holds no PEM certificate/],
    [['--tls-cert', files.cert, '--tls-key', files.cert], /--tls-key holds no PEM private key/]
  ]
  for (const [args, pattern] of cases) {
    const s = io()
    t.equal(await main(['serve', '--upstream', 'http://127.0.0.1:1', ...args], s), 2, `exit 2 for ${args.join(' ')}`)
    t.match(s.err, pattern)
    t.equal(s.err.trim().split('\n').length, 1, 'one line')
    t.notOk(s.err.includes('PRIVATE KEY') || s.err.includes('BEGIN CERTIFICATE'), 'no PEM content in the message')
  }
  const real = await runCli(['serve', '--upstream', 'http://127.0.0.1:1', '--tls-cert', files.cert])
  t.equal(real.code, 2, 'the real process exits 2')
  t.match(real.stderr, /--tls-key is missing/)
})

t.test('a real serve process with --tls-cert/--tls-key (env vars): h2 and http/1.1 by ALPN', async (t) => {
  const upstream = await startEchoUpstream()
  const proc = await startServeProcess(['--upstream', upstream.url, '--listen', '127.0.0.1:0', '--admin', '127.0.0.1:0'],
    { HOPWATCH_TLS_CERT: files.cert, HOPWATCH_TLS_KEY: files.key })
  t.teardown(async () => { await proc.stop('SIGTERM'); await upstream.close() })
  t.match(proc.trafficUrl, /^https:\/\//, 'the listening line says https')
  const h2 = await curl(['--http2', '--cacert', pki.caFile, '-o', '/dev/null', '-w', '%{http_code} %{http_version}', `${proc.trafficUrl}/x`])
  t.equal(h2.stdout, '200 2', h2.stderr)
  const h1 = await curl(['--http1.1', '--cacert', pki.caFile, '-o', '/dev/null', '-w', '%{http_code} %{http_version}', `${proc.trafficUrl}/y`])
  t.equal(h1.stdout, '200 1.1', h1.stderr)
})
