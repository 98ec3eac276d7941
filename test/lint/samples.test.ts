// Every nginx-samples manifest, run twice: `hopwatch lint` must give exactly the listed findings,
// and the real server (nginx, apache2, haproxy, caddy or varnishd) in front of an echo upstream must show the listed
// behaviour per credential. Lint and runtime must agree: findings at warning or above if and only
// if some credential is dropped, replaced, rejected, hidden or served from cache.
import { readFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { atOrAbove, lintPaths } from '../../src/lint/engine.js'
import { LINT_RULES } from '../../src/lint/rules/index.js'
import { startEchoUpstream, valuesOf, type Handler } from '../helpers/echo-upstream.js'
import { startFcgiUpstream } from './fcgi-upstream.js'
import { hasSampleServer, startSampleServer } from './sample-servers.js'
import { fill, loadSamples, makeCredentials, type Credentials, type Sample, type SampleRequest, type UpstreamKind } from './samples.js'

const samples = loadSamples()
const LITERAL_SAMPLE_SECRET = 'sample-service-token-not-real'

const HANDLERS: Record<UpstreamKind, Handler | undefined> = {
  echo: undefined,
  cgi: undefined,
  fcgi: undefined,
  challenge: (_req, res) => {
    res.writeHead(401, { 'www-authenticate': 'Bearer realm="sample", error="invalid_token"', 'content-type': 'text/plain' })
    res.end('unauthorized')
  },
  'big-set-cookie': (_req, res) => {
    res.writeHead(200, { 'set-cookie': `session=${'s'.repeat(3_000)}; HttpOnly`, 'content-type': 'text/plain' })
    res.end('logged in')
  }
}

t.test('every lint rule for nginx or apache has a broken and a fixed sample', async (t) => {
  for (const rule of LINT_RULES) {
    const names = samples.filter((s) => s.rule === rule.meta.id).map((s) => s.name)
    t.ok(names.includes('broken') && names.includes('fixed'), `${rule.meta.id} has nginx-samples/${rule.meta.id}/broken.json and fixed.json`)
  }
})

for (const sample of samples) {
  const { manifest } = sample
  const configPath = join(sample.dir, manifest.config)
  const label = `${sample.rule}/${sample.name}`

  t.test(`${label}: lint gives exactly the listed findings`, async (t) => {
    const result = lintPaths([configPath], { credentialHeaders: manifest.credentialHeaders ?? [] })
    const actual = result.findings.map((f) => ({ rule: f.ruleId, line: f.line, severity: f.severity, ...(f.header !== undefined ? { header: f.header } : {}) }))
    const key = (f: { rule: string, line: number }): string => `${f.rule}:${f.line}`
    t.same([...actual].sort((a, b) => key(a).localeCompare(key(b))), [...manifest.lint].sort((a, b) => key(a).localeCompare(key(b))))
    t.ok(result.findings.every((f) => f.file === configPath || f.file.startsWith(sample.dir)), 'findings point into the sample')
    t.notOk(result.findings.some((f) => f.message.includes(LITERAL_SAMPLE_SECRET)), 'no finding repeats a configured credential value')
    if (sample.name.endsWith('fixed')) t.notOk(result.findings.some((f) => f.severity === 'error'), 'the fixed twin has no error')
  })

  const available = hasSampleServer(manifest.server)
  t.test(`${label}: real ${manifest.server} shows the listed runtime behaviour`, { skip: available ? false : `${manifest.server} is not installed` }, async (t) => {
    const creds = makeCredentials()
    const upstream = await startObserved(manifest.runtime.upstream)
    t.teardown(upstream.close)
    const files: Record<string, string> = {}
    for (const [rel, source] of Object.entries(manifest.files ?? {})) {
      files[rel] = fill(source.startsWith('@') ? readFileSync(join(sample.dir, source.slice(1)), 'utf8') : source, creds)
    }
    const config = readFileSync(join(sample.dir, manifest.runtimeConfig ?? manifest.config), 'utf8')
    const start = (text: string, opts: typeof options): Promise<{ url: string }> => startSampleServer(manifest.server, text, opts)
    const options = { upstream: upstream.url, files, modes: manifest.modes ?? {}, t }
    if (manifest.runtime.starts === false) {
      await t.rejects(start(config, options), `${manifest.server} refuses this config`)
      checkAgreement(t, sample, true)
      return
    }
    const server = await start(config, options)
    let harm = false
    for (const [i, request] of manifest.runtime.requests.entries()) {
      harm = await runRequest(t, `${label} request ${i + 1}`, server.url, request, upstream, creds) || harm
    }
    checkAgreement(t, sample, harm)
  })
}

function checkAgreement (t: Test, sample: Sample, runtimeHarm: boolean): void {
  const lintHarm = sample.manifest.lint.some((f) => atOrAbove(f.severity, 'warning'))
  t.equal(lintHarm, runtimeHarm, `lint (${lintHarm ? 'reports' : 'no'} warning or error) and runtime (${runtimeHarm ? 'a credential is lost' : 'credentials intact'}) agree`)
}

function sha256 (text: string): string { return createHash('sha256').update(text).digest('hex') }

/** What the backend saw, whatever it is: the echo upstream's raw headers, the FastCGI params, or
 *  the CGI script's answer (a sha256 of HTTP_AUTHORIZATION, or "absent"). */
interface Observed {
  url: string
  close: () => Promise<void>
  count: () => number
  /** Values of a request header in the last request the backend saw. */
  values: (name: string, body: string) => string[]
}

async function startObserved (kind: UpstreamKind): Promise<Observed> {
  if (kind === 'fcgi') {
    const fcgi = await startFcgiUpstream()
    return {
      url: `http://127.0.0.1:${fcgi.port}`,
      close: fcgi.close,
      count: () => fcgi.received.length,
      values: (name) => {
        const value = fcgi.received[fcgi.received.length - 1]?.get(`HTTP_${name.toUpperCase().replace(/-/g, '_')}`)
        return value === undefined ? [] : [value]
      }
    }
  }
  const echo = await startEchoUpstream(HANDLERS[kind])
  if (kind === 'cgi') {
    let seen = 0
    return { url: echo.url, close: echo.close, count: () => seen, values: (_name, body) => { seen++; return body.trim() === 'absent' ? [] : [body.trim()] } }
  }
  return { url: echo.url, close: echo.close, count: () => echo.received.length, values: (name) => valuesOf(echo.received[echo.received.length - 1], name) }
}

async function runRequest (t: Test, label: string, base: string, request: SampleRequest, upstream: Observed, creds: Credentials): Promise<boolean> {
  const headers: Record<string, string> = {}
  for (const [name, template] of Object.entries(request.send)) headers[name] = fill(template, creds)
  const before = upstream.count()
  const res = await fetch(`${base}${request.path}`, { headers, redirect: 'follow' })
  const body = await res.text()
  // The CGI script answers itself: a 2xx from it means it ran.
  const isCgi = upstream.count() === before && res.status < 300 && /^([0-9a-f]{64}|absent)$/.test(body.trim())
  const reached = isCgi || upstream.count() > before
  let harm = false
  t.equal(res.status, request.status, `${label}: status`)
  if (request.reachedUpstream !== undefined) {
    t.equal(reached, request.reachedUpstream, `${label}: ${request.reachedUpstream ? 'reached' : 'did not reach'} the upstream`)
    if (!reached && res.status < 400) harm = true // answered from somewhere else: the cache
  }
  for (const [name, expected] of Object.entries(request.request ?? {})) {
    const outcome = typeof expected === 'string' ? expected : expected.outcome
    const sent = typeof expected === 'string'
      ? Object.entries(headers).find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1] ?? ''
      : fill(expected.value, creds)
    let actual: string
    if (!reached) actual = 'rejected'
    else {
      const values = upstream.values(name, body)
      const same = (v: string): boolean => v === sent || (isCgi && v === sha256(sent))
      actual = values.length === 0 ? 'dropped' : values.length === 1 && same(values[0] ?? '') ? 'intact' : 'replaced'
    }
    t.equal(actual, outcome, `${label}: ${name} ${outcome}`)
    if (actual !== 'intact') harm = true
  }
  for (const name of request.leaks ?? []) {
    const sent = Object.entries(headers).find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1] ?? ''
    const values = reached ? upstream.values(name, body) : []
    const leaked = values.some((v) => v === sent || (isCgi && v === sha256(sent)))
    t.equal(leaked, true, `${label}: ${name} reaches the upstream as the client sent it (leaked)`)
    if (leaked) harm = true
  }
  for (const [name, expected] of Object.entries(request.response ?? {})) {
    const actual = res.headers.has(name) ? 'kept' : 'hidden'
    t.equal(actual, expected, `${label}: response ${name} ${expected}`)
    if (actual === 'hidden') harm = true
  }
  return harm
}
