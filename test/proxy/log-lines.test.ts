// Log lines cannot be split or forged by what a client sends: every exchange is one JSON line,
// whatever the path or header names hold.
import t from 'tap'
import { startEchoUpstream } from '../helpers/echo-upstream.js'
import { rawRequest, startHopwatch, waitForExchanges } from '../helpers/hopwatch.js'

t.test('hostile paths and header names stay inside one JSON log line', async (t) => {
  const up = await startEchoUpstream()
  const hw = await startHopwatch(up.url, ['--credential-header', "X-Evil'Name|~"])
  t.teardown(async () => { await hw.close(); await up.close() })
  const forged = '{"level":60,"msg":"forged"}'
  const targets = [
    `/a%0d%0a${encodeURIComponent(forged)}`,
    '/b\\u000a\\"quoted\\"',
    '/c?next=%0A%0D%E2%80%A8',
    `/d/${'%0a'.repeat(50)}`
  ]
  for (const path of targets) {
    await rawRequest(hw.trafficUrl, `GET ${path} HTTP/1.1\r\nHost: a\r\nX-Evil'Name|~: v\r\nAuthorization: Bearer x\u2028y\r\nConnection: close\r\n\r\n`)
  }
  await waitForExchanges(hw, targets.length)
  const text = hw.logs.join('')
  const lines = text.split('\n').filter((l) => l !== '')
  const exchangeLines = lines.filter((l) => l.includes('"msg":"exchange"'))
  t.equal(exchangeLines.length, targets.length, 'one line per exchange')
  for (const line of lines) {
    let parsed: unknown
    t.doesNotThrow(() => { parsed = JSON.parse(line) }, 'every line is whole JSON')
    t.not((parsed as { msg?: string } | undefined)?.msg, 'forged', 'no forged line')
  }
  t.notOk(lines.some((l) => l.startsWith('{"level":60')), 'nothing a client sent starts a line')
})
