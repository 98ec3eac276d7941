// The README documents every flag and env var of `serve`, and the quick start it promises.
import t from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { SERVE_FLAGS } from '../../src/config/config.js'
import { ROOT } from '../helpers/cli.js'

t.test('README documents every serve flag and env var, and the quick start', async (t) => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
  for (const [name, spec] of Object.entries(SERVE_FLAGS)) {
    t.ok(readme.includes(`--${name}`), `--${name} documented`)
    t.ok(readme.includes(spec.env), `${spec.env} documented`)
  }
  t.match(readme, /npm install && npm run demo/)
  t.match(readme, /npm test/)
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
  t.ok(pkg.scripts.demo !== undefined && pkg.scripts.test !== undefined && pkg.scripts.prepare !== undefined, 'the scripts exist')
})
