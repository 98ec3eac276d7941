// A corpus of configs in the shapes the real world uses (test/lint/corpus/: starter configs with
// canonical redirects, self-hosted app confs sharing a proxy include, PHP on Apache with FPM,
// Keycloak behind nginx, ingress annotations), written for these tests. Each file states its
// ground truth on an `# expect:` line, written before lint ran: `clean` (no warning or error) or
// the rule ids that must report at warning or above. Every file is also accepted by the real
// server (`nginx -t` / `apache2 -t`), so the corpus holds no config a server would refuse.
import { readdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { atOrAbove, lintPaths } from '../../src/lint/engine.js'
import { apacheTest, CORPUS_DIR, hasOpenssl, hasServer, ingressAsNginx, makeWorkDir, nginxTest, NGINX_SNIPPETS } from './corpus-servers.js'

const MIN_CORPUS = 40
type Kind = 'nginx' | 'apache' | 'ingress'
interface Entry { kind: Kind, name: string, file: string, text: string, expected: string[] | null }

const entries: Entry[] = []
for (const kind of ['nginx', 'apache', 'ingress'] as const) {
  for (const name of readdirSync(join(CORPUS_DIR, kind)).sort()) {
    if (!/\.(conf|ya?ml)$/.test(name)) continue
    const file = join(CORPUS_DIR, kind, name)
    const text = readFileSync(file, 'utf8')
    const line = /^# expect: (.+)$/m.exec(text)?.[1]?.trim()
    entries.push({ kind, name, file, text, expected: line === undefined ? null : line === 'clean' ? [] : line.split(/[\s,]+/).sort() })
  }
}

t.test('the corpus is big enough and every file states its ground truth', async (t) => {
  t.ok(entries.length >= MIN_CORPUS, `${entries.length} configs (at least ${MIN_CORPUS})`)
  t.same(entries.filter((e) => e.expected === null).map((e) => e.name), [], 'an # expect: line in every file')
  t.ok(entries.filter((e) => e.expected?.length === 0).length >= 20, 'at least 20 clean configs')
  t.ok(entries.filter((e) => (e.expected?.length ?? 0) > 0).length >= 15, 'at least 15 broken configs')
})

const roots = [{ from: NGINX_SNIPPETS, to: join(CORPUS_DIR, 'nginx', 'snippets') }]
for (const entry of entries) {
  t.test(`${entry.kind}/${entry.name}: lint reports exactly the expected rules at warning or above`, async (t) => {
    const result = lintPaths([entry.file], { roots })
    t.same(result.unreadable, [])
    t.same(result.findings.filter((f) => f.ruleId === 'config-parse-error').map((f) => f.message), [], 'parses')
    const got = [...new Set(result.findings.filter((f) => atOrAbove(f.severity, 'warning')).map((f) => f.ruleId))].sort()
    t.same(got, entry.expected ?? [], entry.expected?.length === 0 ? 'clean: no warning or error' : `reports ${(entry.expected ?? []).join(', ')}`)
  })
}

const openssl = hasOpenssl()
const work = openssl && (hasServer('nginx') || hasServer('apache')) ? makeWorkDir() : ''
t.teardown(() => { if (work !== '') rmSync(work, { recursive: true, force: true }) })
for (const entry of entries) {
  const server = entry.kind === 'apache' ? 'apache' : 'nginx'
  t.test(`${entry.kind}/${entry.name}: the real ${server} accepts it (-t)`, { skip: !hasServer(server) ? `${server} is not installed` : openssl ? false : 'openssl is not installed (it makes the test certificate)' }, async (t) => {
    const text = entry.kind === 'ingress' ? ingressAsNginx(entry.text) : entry.text
    const result = server === 'apache' ? apacheTest(text, entry.name, work) : nginxTest(text, entry.name, work)
    t.ok(result.ok, `${server} -t: ${result.output.slice(-600)}`)
  })
}
