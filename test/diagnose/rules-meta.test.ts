// The build fails on a rule without a docs page, a fire case or a near-miss case, or whose id is
// not its file name.
import t from 'tap'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { RULES } from '../../src/diagnose/rules/index.js'
import { CASES } from './cases/index.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const ruleFiles = readdirSync(join(root, 'src', 'diagnose', 'rules'))
  .filter((f) => f.endsWith('.ts') && f !== 'index.ts')
  .map((f) => f.slice(0, -3))

t.same(RULES.map((r) => r.meta.id).sort(), ruleFiles.sort(), 'every rule file is registered and ids are file names')

for (const rule of RULES) {
  const { id, docs, remediation, summary, description } = rule.meta
  t.test(id, async (t) => {
    t.equal(docs, `docs/rules/${id}.md`, 'docs path follows the id')
    t.ok(existsSync(join(root, docs)), 'has a docs page')
    if (existsSync(join(root, docs))) {
      const text = readFileSync(join(root, docs), 'utf8')
      t.match(text, new RegExp(`^# ${id}`, 'm'), 'docs page is titled with the id')
      t.match(text, /## Broken setup/i, 'docs page shows a broken setup')
      t.match(text, /## Fix/i, 'docs page shows the fix')
      t.match(text, /## Sources/i, 'docs page cites sources')
    }
    const cases = CASES[id]
    t.ok(cases !== undefined && cases.fires.length > 0, 'has a case that fires')
    t.ok(cases !== undefined && cases.quiet.length > 0, 'has a near-miss that stays quiet')
    t.ok(summary.length > 0 && description.length > 0, 'has a summary and description')
    t.ok(Object.keys(remediation).length > 0, 'has a remediation')
  })
}
