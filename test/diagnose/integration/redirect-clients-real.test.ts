// The redirect client table checked against the real clients installed here: a redirect from
// 127.0.0.1 to 127.0.0.2 (another origin), and whether Authorization reached the second one.
// Ground truth from the table first (src/diagnose/redirect-clients.ts), then the run.
import t from 'tap'
import { startEchoUpstream, valuesOf } from '../../helpers/echo-upstream.js'
import { REDIRECT_CLIENTS, leaks, originOf, type Origin } from '../../../src/diagnose/redirect-clients.js'
import { curl, hasCurl, hasWget, wget } from './truth-app.js'

const SECRET = 'Bearer redirect-canary-0123456789'

t.test('wget, curl and Node fetch across two loopback origins', async (t) => {
  const second = await startEchoUpstream((_req, res) => { res.writeHead(200).end('second') }, '127.0.0.2')
  t.teardown(second.close)
  const first = await startEchoUpstream((_req, res) => { res.writeHead(302, { location: `${second.url}/landing` }).end() }, '127.0.0.1')
  t.teardown(first.close)
  const from = originOf(first.url) as Origin
  const to = originOf(second.url) as Origin
  const table = (id: string): boolean => {
    const client = REDIRECT_CLIENTS.find((c) => c.id === id)
    if (client === undefined) throw new Error(`no client ${id}`)
    return leaks(client, from, to)
  }
  // Ground truth, from the table: wget leaks Authorization to the other origin; curl and undici do not.
  const expected = { wget: true, curl: false, undici: false }
  t.same({ wget: table('wget'), curl: table('curl'), undici: table('undici') }, expected, 'the table says so')

  const arrived = (): boolean => {
    const last = second.received[second.received.length - 1]
    return valuesOf(last, 'authorization').length > 0
  }
  if (hasWget()) {
    t.equal(await wget(`${first.url}/start`, [`Authorization: ${SECRET}`]), 0)
    t.equal(arrived(), expected.wget, 'wget re-sent Authorization to 127.0.0.2: a leak')
  } else t.comment('wget not installed: not checked for real')
  if (hasCurl()) {
    t.equal(await curl(`${first.url}/start`, [`Authorization: ${SECRET}`], ['-L']), 200)
    t.equal(arrived(), expected.curl, 'curl dropped it')
  }
  const res = await fetch(`${first.url}/start`, { headers: { authorization: SECRET } })
  t.equal(res.status, 200)
  t.equal(arrived(), expected.undici, 'Node fetch dropped it')
})
