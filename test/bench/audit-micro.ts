// In-process micro-bench of the audit pipeline on the cardinality mix: no sockets, no wrk, so
// it is far less sensitive to a loaded machine than the real bench. It makes the ExchangeInputs
// the sidecar would hand the Auditor for the users mix (users.ts: 20,000 users, each a distinct
// JWT, session cookie and API key; random ids; 5% answered 401) and records them through the
// whole pipeline (shape memo or full build, diagnosis, store, metrics, one log line to a null
// stream), reporting CPU us/exchange per round and the heap after.
//
//   npm run build && node dist/test/bench/audit-micro.js [--users N] [--exchanges N] [--rounds N] [--fixed]
//   node --cpu-prof dist/test/bench/audit-micro.js      (profile it)
import { Writable } from 'node:stream'
import { parseArgs } from 'node:util'
import type { ExchangeInput } from '../../src/capture/exchange.js'
import { createHasher } from '../../src/capture/fingerprint.js'
import { credentialHeaderSet } from '../../src/capture/credential-names.js'
import { createDiagnoser } from '../../src/diagnose/index.js'
import { Auditor } from '../../src/audit/audit.js'
import { createLogger } from '../../src/proxy/logger.js'
import { createMetrics } from '../../src/audit/metrics.js'
import { ExchangeStore } from '../../src/store/store.js'
import { DEFAULT_USERS, usersFile } from './users.js'

/** Deterministic choices, so two runs see the same sequence. */
function rng (seed: number): (n: number) => number {
  let x = seed
  return (n) => { x = (x * 1103515245 + 12345) % 2147483648; return x % n }
}

/** About what one hopwatch serves in a second on the real bench: how many answers share a Date. */
const EXCHANGES_PER_SECOND = 10_000

const COMMON = ['Host', '127.0.0.1:8080', 'User-Agent', 'hopwatch-bench/1', 'Accept', 'application/json']
const CHALLENGE = 'Bearer realm="bench", error="invalid_token"'

/** A fresh copy of a string, as a new request parsed from a socket would bring it. */
const copy = (v: string): string => (` ${v}`).slice(1)

/** One exchange of the users mix, as the sidecar would record it. */
function userInput (users: string[][], pick: (n: number) => number): ExchangeInput {
  const u = users[pick(users.length)] as string[]
  const id = String(pick(99_999_999) + 1)
  const r = pick(100)
  const raw = COMMON.map(copy)
  let url: string
  let method = 'GET'
  let status = 200
  if (r < 45) { url = `/api/orders/${id}?expand=items`; raw.push('Authorization', `Bearer ${u[0] as string}`) }
  else if (r < 50) { url = `/unauth/admin/users/${id}`; raw.push('Authorization', `Bearer ${u[0] as string}`); status = 401 }
  else if (r < 65) { url = `/account/${id}/settings`; raw.push('Cookie', copy(u[1] as string)) }
  else if (r < 80) { url = `/api/v1/metrics/${id}?window=5m`; raw.push('X-Api-Key', copy(u[2] as string)) }
  else if (r < 90) url = `/static/${id}.js`
  else { url = '/api/orders'; method = 'POST'; raw.push('Authorization', `Bearer ${u[0] as string}`, 'Content-Type', 'application/json', 'Content-Length', '71') }
  return fixedInput(raw, url, method, status)
}

function fixedInput (raw: string[], url: string, method: string, status: number): ExchangeInput {
  const names = credentialHeaderSet([])
  const arrivedPairs: string[] = []
  const forwarded: Record<string, string> = {}
  for (let k = 0; k < raw.length; k += 2) {
    const name = raw[k] as string
    if (!names.has(name.toLowerCase())) continue
    arrivedPairs.push(name, raw[k + 1] as string)
    forwarded[name.toLowerCase()] = raw[k + 1] as string
  }
  // The Date is set as the exchange is recorded (see main): the second it was answered in.
  const upstreamHeaders: Record<string, string> = { 'content-type': 'application/json', 'content-length': '38', date: '' }
  if (status === 401) upstreamHeaders['www-authenticate'] = CHALLENGE
  return {
    id: '', startedAt: 0, durationMs: 0.5, method, url, httpVersion: '1.1', rawHeaders: raw, arrivedPairs,
    forwarded, status, upstreamHeaders, clientStatus: status, error: null, aborted: false, websocket: false
  }
}

/** The fixed mix: the same few users over and over (every exchange of a known shape and value). */
function fixedUsers (users: string[][]): string[][] {
  return users.slice(0, 3)
}

function main (): void {
  const { values } = parseArgs({
    options: {
      users: { type: 'string', default: String(DEFAULT_USERS) },
      exchanges: { type: 'string', default: '50000' },
      rounds: { type: 'string', default: '5' },
      fixed: { type: 'boolean', default: false }
    }
  })
  const userCount = Math.max(1, Number(values.users))
  const exchanges = Math.max(1, Number(values.exchanges))
  const rounds = Math.max(1, Math.min(100, Number(values.rounds)))
  let users = usersFile(userCount).trim().split('\n').map((line) => line.split('\t'))
  if (values.fixed) users = fixedUsers(users)
  const pick = rng(20261203)
  const inputs = Array.from({ length: exchanges }, () => userInput(users, pick))
  const sink = new Writable({ write (_c, _e, cb) { cb() } })
  const logger = createLogger('info', sink)
  const store = new ExchangeStore(1000)
  const names = credentialHeaderSet([])
  const auditor = new Auditor({
    credentialNames: names,
    hash: createHasher(null),
    store,
    logger,
    diagnoser: createDiagnoser({ expectIssuers: [], expectAudiences: [] }),
    observers: [createMetrics({ credentialHeaders: [], processMetrics: false })]
  })
  const results: number[] = []
  for (let round = 0; round < rounds; round++) {
    const started = process.hrtime.bigint()
    const cpu = process.cpuUsage()
    let date = ''
    for (let i = 0; i < inputs.length; i++) {
      const input = inputs[i] as ExchangeInput
      // Real answers share their Date for a second (about 10,000 exchanges at the real bench's
      // rate), and it is the second they were answered in: within the clock-skew rule's bounds.
      if (i % EXCHANGES_PER_SECOND === 0) date = new Date().toUTCString()
      ;(input.upstreamHeaders as Record<string, string>).date = date
      auditor.record({ ...input, id: auditor.nextId(), startedAt: Date.now() })
    }
    const wall = Number(process.hrtime.bigint() - started) / 1000 / inputs.length
    const used = process.cpuUsage(cpu)
    // CPU time, not wall time: other processes on a loaded machine stretch the latter.
    const us = (used.user + used.system) / inputs.length
    results.push(us)
    process.stdout.write(`round ${round + 1}: ${us.toFixed(2)} us CPU/exchange (${wall.toFixed(2)} us wall)\n`)
  }
  const sorted = results.slice(1).sort((a, b) => a - b)
  const median = sorted.length === 0 ? (results[0] as number) : sorted[Math.floor(sorted.length / 2)] as number
  globalThis.gc?.()
  const heap = process.memoryUsage()
  process.stdout.write(`${values.fixed ? 'fixed' : 'users'} mix, ${userCount} users, ${exchanges} exchanges x ${rounds} rounds: median ${median.toFixed(2)} us CPU/exchange (first round excluded); ` +
    `heap used ${(heap.heapUsed / 1048576).toFixed(1)} MiB, rss ${(heap.rss / 1048576).toFixed(1)} MiB, audit failures ${auditor.failures}\n`)
}

main()
