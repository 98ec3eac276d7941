// The engine walks each tree once, indexes directives by key and hands a rule only the trees
// holding a directive it declared; findings carry a messageId (the rule's, else `default`).
import t from 'tap'
import { credentialHeaderSet } from '../../src/capture/credential-names.js'
import { indexTree, lintTree } from '../../src/lint/engine.js'
import { loadTree } from '../../src/lint/load.js'
import type { LintRule } from '../../src/lint/types.js'

const base = { credentialHeaders: credentialHeaderSet([]) }
const meta = { id: 'test-rule', severity: 'warning' as const, summary: 's', description: 'd', remediation: { default: 'f' }, docs: 'docs/rules/test-rule.md' }

function tree (code: string) {
  return loadTree('/virtual/engine.conf', code, 'nginx').tree
}

t.test('a rule runs only on trees holding a directive it declared, and reads them from the index', async (t) => {
  const seen: string[][] = []
  const rule: LintRule = {
    dialect: 'nginx',
    directives: ['proxy_pass'],
    meta,
    check: (_tree, ctx) => { seen.push(ctx.nodes('proxy_pass').map((n) => n.args[0] ?? '')); return [] }
  }
  lintTree(tree('server { location / { return 204; } }\n'), base, [rule])
  t.same(seen, [], 'not called without proxy_pass')
  lintTree(tree('server {\n location /a { proxy_pass http://a; }\n location /b { proxy_pass http://b; }\n}\n'), base, [rule])
  t.same(seen, [['http://a', 'http://b']], 'called once, with every proxy_pass in document order')
})

t.test('index: one entry per key, nested blocks included', async (t) => {
  const index = indexTree(tree('http {\n server {\n  location / { proxy_set_header Host $host; }\n  proxy_set_header X-A 1;\n }\n}\n'))
  t.same(index.get('proxy_set_header')?.map((n) => n.line), [3, 4])
  t.equal(index.get('server')?.length, 1)
})

t.test('messageId: the report\'s, else default; a failing rule is an info finding, not a crash', async (t) => {
  const withId: LintRule = { dialect: 'any', meta, check: () => [{ where: { file: 'f', line: 1, column: 1 }, message: 'm', messageId: 'specific' }, { where: { file: 'f', line: 2, column: 1 }, message: 'm' }] }
  t.same(lintTree(tree('events {}\n'), base, [withId]).map((f) => f.messageId), ['specific', 'default'])
  const broken: LintRule = { dialect: 'any', meta, check: () => { throw new Error('bug') } }
  t.match(lintTree(tree('events {}\n'), base, [broken]), [{ ruleId: 'test-rule', messageId: 'rule-failed', severity: 'info' }])
})
