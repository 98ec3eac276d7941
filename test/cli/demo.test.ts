// `npm run demo` runs the main job on a built-in demo and shows the stripped route.
import t from 'tap'
import { runCli } from '../helpers/cli.js'

t.test('hopwatch demo shows Authorization arriving on /api and missing on /admin', async (t) => {
  const started = Date.now()
  const { code, stdout, stderr } = await runCli(['demo'], {}, 30_000)
  t.equal(code, 0, 'exit 0')
  t.equal(stderr, '', 'nothing on stderr')
  t.ok(Date.now() - started < 30_000, 'done in seconds')
  t.match(stdout, /GET \/admin\/stats with Authorization -> 401/)
  t.match(stdout, /GET \/api\/profile with Authorization -> 200/)
  const routes = stdout.slice(stdout.indexOf('ROUTES'))
  t.match(routes, /GET\s+\/admin\/stats\s+1\s+1\s+0/, '/admin: 1 exchange, 401, no credentials arrived')
  t.match(routes, /GET\s+\/api\/orders\/:id\s+1\s+0\s+1/, '/api: credentials arrived, no 401')
  t.notMatch(stdout, /demo-[0-9a-f]{24}/, 'the demo token is never printed')
})
