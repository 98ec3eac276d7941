// Real Apache httpd in front of hopwatch: `RequestHeader unset Authorization` is blamed on
// apache, recognised by mod_proxy's X-Forwarded-For / -Host / -Server.
import t from 'tap'
import { hasApache } from '../../helpers/real-servers.js'
import { chain, testToken } from './chain.js'

const skip = hasApache() ? false : 'apache2 is not installed'

t.test('RequestHeader unset Authorization is blamed on apache', { skip }, async (t) => {
  const c = await chain(t, 'apache', `<VirtualHost {{LISTEN}}>
  <Location /admin/>
    RequestHeader unset Authorization
  </Location>
  ProxyPass / {{UPSTREAM}}/
</VirtualHost>`)
  const token = testToken()
  // The client's Authorization reaches /orders first: a sign it sends credentials (possible: on
  // another route), so the 401 on /admin/users is a warning blaming apache, not an error.
  t.equal((await fetch(`${c.front.url}/orders/9`, { headers: { authorization: `Bearer ${token}` } })).status, 200)
  t.equal((await fetch(`${c.front.url}/admin/users/9`, { headers: { authorization: `Bearer ${token}` } })).status, 401)
  await c.settle(2)
  const { findings, layers } = await c.report()
  const apache = layers.find((l) => l.id === 'apache')
  t.equal(apache?.confidence, 'likely', 'apache recognised')
  t.ok(apache?.evidence.some((e) => e.includes('X-Forwarded-Server')), 'by the mod_proxy header trio')
  const missing = findings.filter((f) => f.rule === 'credential-missing-on-401')
  t.equal(missing.length, 1)
  t.equal(missing[0]?.layer, 'apache')
  t.equal(missing[0]?.confidence, 'possible')
  t.equal(missing[0]?.severity, 'warning', 'possible evidence: a warning, not an error')
  t.equal(missing[0]?.route, '/admin/users/:id')
  t.match(missing[0]?.remediation ?? '', /RequestHeader unset Authorization/)
  t.notOk(JSON.stringify(await c.report()).includes(token), 'the token is nowhere in the report')
})

t.test('an expired token through apache is a token problem, not a layer problem', { skip }, async (t) => {
  const c = await chain(t, 'apache', '<VirtualHost {{LISTEN}}>\n  ProxyPass / {{UPSTREAM}}/\n</VirtualHost>')
  await fetch(`${c.front.url}/orders/1`, { headers: { authorization: `Bearer ${testToken(-600)}` } })
  await c.settle(1)
  const { findings } = await c.report()
  t.ok(findings.some((f) => f.rule === 'jwt-expired' && f.severity === 'error'), 'jwt-expired')
  t.notOk(findings.some((f) => f.rule === 'credential-missing-on-401'), 'nothing was missing')
})

t.test('Authorization copied to X-Original-Authorization and removed: credential-renamed', { skip }, async (t) => {
  const c = await chain(t, 'apache', `<VirtualHost {{LISTEN}}>
  RequestHeader set X-Original-Authorization "expr=%{req:Authorization}"
  RequestHeader unset Authorization
  ProxyPass / {{UPSTREAM}}/
</VirtualHost>`)
  t.equal((await fetch(`${c.front.url}/orders/3`, { headers: { authorization: `Bearer ${testToken()}` } })).status, 401)
  await c.settle(1)
  const { findings } = await c.report()
  const renamed = findings.find((f) => f.rule === 'credential-renamed')
  t.equal(renamed?.header, 'authorization')
  t.equal(renamed?.severity, 'error')
  const missing = findings.find((f) => f.rule === 'credential-missing-on-401')
  t.equal(missing?.layer, 'apache')
})
