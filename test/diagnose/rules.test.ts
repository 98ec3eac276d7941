// Every rule against its table: each `fires` case produces a finding of that rule (with the
// expected fields), each `quiet` near-miss produces none. Assertions compare fields, never print values.
import t from 'tap'
import { createDiagnoser } from '../../src/diagnose/index.js'
import { RULES } from '../../src/diagnose/rules/index.js'
import type { Finding } from '../../src/diagnose/types.js'
import { CASES, type Case } from './cases/index.js'
import { NOW } from './factory.js'

function run (ruleId: string, c: Case): Finding[] {
  const rule = RULES.find((r) => r.meta.id === ruleId)
  if (rule === undefined) throw new Error(`no rule ${ruleId}`)
  const diagnoser = createDiagnoser({
    expectIssuers: c.expectIssuers ?? [],
    expectAudiences: c.expectAudiences ?? [],
    now: () => NOW,
    rules: [rule]
  })
  for (const before of c.before ?? []) diagnoser.observe(before)
  return diagnoser.observe(c.exchange).filter((f) => f.rule === ruleId)
}

for (const [ruleId, cases] of Object.entries(CASES)) {
  t.test(ruleId, async (t) => {
    for (const c of cases.fires) {
      const found = run(ruleId, c)
      t.ok(found.length > 0, `fires: ${c.name}`)
      if (c.count !== undefined) t.equal(found.length, c.count, `count: ${c.name}`)
      for (const f of found) {
        for (const [field, value] of Object.entries(c.expect ?? {})) {
          t.equal(f[field as keyof Finding], value, `${field}: ${c.name}`)
        }
        t.ok(f.evidence.length > 0, `has evidence: ${c.name}`)
        t.ok(f.remediation.length > 0, `has a remediation: ${c.name}`)
      }
    }
    for (const c of cases.quiet) {
      t.equal(run(ruleId, c).length, 0, `quiet: ${c.name}`)
    }
  })
}
