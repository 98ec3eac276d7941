// The report formats and the exit decision, on hand-made reports.
import t from 'tap'
import { losses, probeExitCode, toJson, toText } from '../../src/probe/format.js'
import type { ProbeReport } from '../../src/probe/run.js'
import type { HeaderVerdict, Verdict } from '../../src/probe/verdict.js'

const v = (shapeId: string, verdict: Verdict, required: boolean, how: HeaderVerdict['how'] = null): HeaderVerdict => ({
  name: 'Authorization', shape: shapeId, shapeId, required, verdict, arrivedAs: null, how, status: null, detail: 'd'
})
const report = (hops: HeaderVerdict[][]): ProbeReport => ({
  target: 'http://edge.example/',
  hops: hops.map((headers, i) => ({ url: `http://hop${i + 1}.example/`, reached: true, server: i === 0 ? 'nginx' : null, headers, notes: [] })),
  redirects: [],
  followCrossOrigin: false,
  crossOriginAllowed: false
})

t.test('only required shapes decide the exit code, unless --require all', async (t) => {
  const r = report([[v('bearer', 'intact', true), v('jwt-10k', 'blocked', false)]])
  t.equal(probeExitCode(r, 'required'), 0)
  t.equal(probeExitCode(r, 'all'), 1)
  t.equal(probeExitCode(report([[v('bearer', 'dropped', true)]]), 'required'), 1)
  t.equal(probeExitCode(report([[v('bearer', 'intact', true), v('added:x', 'added', false)]]), 'all'), 0, 'added never decides')
})

t.test('the loss is named at the hop whose outcome differs from the next deeper one', async (t) => {
  const r = report([
    [v('bearer', 'dropped', true), v('dup', 'blocked', false), v('basic', 'dropped', true)],
    [v('bearer', 'dropped', true), v('dup', 'modified', false, 'joined'), v('basic', 'intact', true)],
    [v('bearer', 'intact', true), v('dup', 'intact', false), v('basic', 'intact', true)]
  ])
  const named = losses(r).map((l) => `${l.shape}@${l.hop}`).sort()
  t.same(named, ['basic@1', 'bearer@2', 'dup@1', 'dup@2'])
  t.match(losses(r).find((l) => l.shape === 'basic')?.fix ?? '', /proxy_set_header/, 'nginx fix for the nginx hop')
})

t.test('JSON keeps the contract keys', async (t) => {
  const json = JSON.parse(toJson(report([[v('bearer', 'intact', true)]]), 'required')) as Record<string, unknown>
  t.same(Object.keys(json).slice(0, 3), ['target', 'hops', 'redirects'])
  const hops = json.hops as Array<Record<string, unknown>>
  t.ok(['url', 'reached', 'headers'].every((k) => k in (hops[0] ?? {})))
  const header = (hops[0]?.headers as Array<Record<string, unknown>>)[0] ?? {}
  t.ok(['name', 'shape', 'verdict', 'arrivedAs', 'detail'].every((k) => k in header))
})

t.test('text shows a table, the fixes and the result line', async (t) => {
  const text = toText(report([[v('bearer', 'dropped', true)], [v('bearer', 'intact', true)]]), 'required')
  t.match(text, /hop 1\s+hop 2/)
  t.match(text, /Authorization\s+bearer\s+required\s+dropped\s+intact/)
  t.match(text, /fix: /)
  t.match(text, /did not arrive intact \(exit 1\)/)
})

t.test('an origin change on the way fails the run unless allowed; a same-origin redirect does not', async (t) => {
  const redirect = (changesOrigin: boolean, required: boolean) => ({
    from: 'http://a.example/', to: 'http://b.example/', status: 302, changesOrigin, changes: changesOrigin ? ['host'] : [],
    dropAuthorization: changesOrigin ? ['browsers (fetch, XHR, navigation)'] : [], keepAuthorization: [], followed: true, required
  })
  const intact = report([[v('bearer', 'intact', true)]])
  t.equal(probeExitCode({ ...intact, redirects: [redirect(false, true)] }, 'required'), 0, 'same origin')
  const crossed = { ...intact, redirects: [redirect(true, true)], followCrossOrigin: true }
  t.equal(probeExitCode(crossed, 'required'), 1, 'origin change on the way of required credentials')
  t.notMatch(toText(crossed, 'required'), /All required credentials arrived intact/)
  t.match(toText(crossed, 'required'), /A redirect changes origin on the way/)
  t.equal(probeExitCode({ ...crossed, crossOriginAllowed: true }, 'required'), 0, '--allow-cross-origin-redirect')
  t.match(toText({ ...crossed, crossOriginAllowed: true }, 'required'), /All required credentials arrived intact/)
  const limitOnly = { ...intact, redirects: [redirect(true, false)] }
  t.equal(probeExitCode(limitOnly, 'required'), 0, 'met only by limit shapes: counts under --require all')
  t.equal(probeExitCode(limitOnly, 'all'), 1)
})
