// A rule without `perExchange: true` runs once per shape and its findings are reused for every
// exchange of that shape (src/diagnose/RULES.md). This holds each such rule to it on every case
// of its table: the same shape with every per-exchange part changed (id, times, path, Date, the
// status sent to the client, aborted, pairing id, context values outside VALUE_HEADERS), a clock
// years away and memories filled by other traffic must give the same findings. The checker is
// proven on rules that read per-exchange parts without saying so.
import t from 'tap'
import type { Exchange } from '../../src/capture/types.js'
import { createDiagnoser } from '../../src/diagnose/index.js'
import { finding, NO_FINDINGS, type RuntimeRule } from '../../src/diagnose/rule.js'
import { RULES } from '../../src/diagnose/rules/index.js'
import type { Finding } from '../../src/diagnose/types.js'
import { VALUE_HEADERS } from '../../src/diagnose/view.js'
import { CASES, type Case } from './cases/index.js'
import { exchange as makeExchange, NOW, unauthorized } from './factory.js'

const YEARS = 3 * 365 * 24 * 3600 * 1000
/** Every case's exchanges, observed first by the "later" diagnoser so its memories are not empty. */
const TRAFFIC: Exchange[] = Object.values(CASES).flatMap((c) => [...c.fires, ...c.quiet]).flatMap((c) => [...(c.before ?? []), c.exchange])

/** The same shape, every per-exchange part different. */
function sameShape (e: Exchange): Exchange {
  const context: Exchange['context'] = {}
  for (const [name, values] of Object.entries(e.context)) context[name] = VALUE_HEADERS.has(name) ? values : (values ?? []).map((v) => `${v}-other`)
  const other: Exchange = {
    ...e,
    id: `${e.id}-other`,
    startedAt: e.startedAt + YEARS,
    durationMs: e.durationMs + 30_000,
    path: `${e.path}/9`,
    context,
    response: { ...e.response, date: new Date(NOW + YEARS).toUTCString() },
    clientStatus: e.clientStatus === 200 ? 502 : 200,
    aborted: !e.aborted,
    pairId: `${e.pairId ?? 'p'}-other`
  }
  return other
}

/** The rule's once-per-shape findings, as the sidecar's memo would keep them (null: per-exchange). */
function derived (rule: RuntimeRule, c: Case, e: Exchange, now: number, history: readonly Exchange[]): readonly Finding[] | null {
  const diagnoser = createDiagnoser({ expectIssuers: c.expectIssuers ?? [], expectAudiences: c.expectAudiences ?? [], now: () => now, rules: [rule] })
  for (const before of history) diagnoser.observe(before)
  return diagnoser.derive(e).byRule[0] ?? null
}

/** Why the rule's findings for this case are not the same for the whole shape, or null. */
function shapeDependence (rule: RuntimeRule, c: Case): string | null {
  const first = derived(rule, c, c.exchange, NOW, [])
  if (first === null) return null
  const want = JSON.stringify(first)
  const later = [
    { what: 'an exchange of the same shape, later, after other traffic', e: sameShape(c.exchange), now: NOW + YEARS, history: [...(c.before ?? []), ...TRAFFIC] },
    { what: 'the same exchange, years earlier', e: c.exchange, now: NOW - YEARS, history: [] }
  ]
  for (const { what, e, now, history } of later) {
    const got = JSON.stringify(derived(rule, c, e, now, history))
    if (got !== want) return `${what}: ${got} instead of ${want}`
  }
  return null
}

t.test('every rule run once per shape gives the same findings to the whole shape', async (t) => {
  let checked = 0
  for (const rule of RULES) {
    const cases = CASES[rule.meta.id]
    if (cases === undefined) continue
    for (const c of [...cases.fires, ...cases.quiet]) {
      const why = shapeDependence(rule, c)
      if (why !== null) t.fail(`${rule.meta.id} (${c.name}) reads a per-exchange part without perExchange: true: ${why}`)
      if (rule.perExchange !== true) checked++
    }
  }
  t.ok(checked > 30, `${checked} cases of once-per-shape rules checked`)
})

const meta = { id: 'test-rule', severity: 'warning', summary: 's', description: 'd', remediation: { default: 'r' }, docs: 'docs/rules/test-rule.md' } as const
const flag = (when: boolean): readonly Finding[] => when ? [finding(meta, { header: null, layer: null, confidence: 'possible', evidence: ['e'] })] : NO_FINDINGS
const dishonest: Record<string, RuntimeRule['check']> = {
  'the clock': (_e, ctx) => flag(ctx.now > NOW),
  'the id': (e) => flag(e.id.endsWith('-other')),
  'the path': (e) => flag(e.path.endsWith('/9')),
  'the response Date': (e) => flag(e.response.date !== new Date(NOW).toUTCString()),
  'the status sent to the client': (e) => flag(e.clientStatus !== e.response.status),
  'aborted': (e) => flag(e.aborted),
  'the route memory': (e, ctx) => {
    const known = ctx.routes.get(e.route) !== undefined
    ctx.routes.remember(e.route, 'working', { exchangeId: e.id, arrived: e.arrived })
    return flag(known)
  },
  'the client memory': (_e, ctx) => flag(ctx.clients.namesSeen().size > 0),
  'a context value outside VALUE_HEADERS': (e) => flag((e.context['x-request-id'] ?? []).some((v) => v.endsWith('-other'))),
  'the time taken': (e) => flag(e.durationMs > 1000)
}

t.test('the checker catches a rule that reads a per-exchange part without saying so', async (t) => {
  const c: Case = { name: 'a 401 with a request id', exchange: makeExchange({ headers: { 'X-Request-ID': 'r1' }, response: { status: 401 } }) }
  const plain: Case = { name: 'an anonymous 401', exchange: unauthorized() }
  for (const [reads, check] of Object.entries(dishonest)) {
    t.not(shapeDependence({ meta, check }, c), null, `a rule reading ${reads} is caught`)
    t.equal(shapeDependence({ meta, check, perExchange: true }, c), null, `and passes once it says perExchange: true (${reads})`)
  }
  t.equal(shapeDependence({ meta, check: (e) => flag(e.response.status === 401 && e.arrived.length === 0) }, plain), null, 'a rule reading the shape only passes')
})
