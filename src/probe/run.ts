// Runs the battery against every hop, follows redirects by hand, and judges what arrived.
import { Agent } from 'undici'
import { parseAnswer } from './answer.js'
import { materialise, planBattery, type CanaryRequest, type RequestPlan } from './canary.js'
import { analyseRedirect, displayUrl, resolveLocation, type RedirectReport } from './redirects.js'
import { send, type Reply } from './send.js'
import { MARKER_HEADER } from './token.js'
import { judgeRequest, type HeaderVerdict, type Outcome } from './verdict.js'

export interface ProbeOptions {
  /** The public entry of the chain. */
  target: string
  /** Deeper entries, outermost first. */
  hops: string[]
  secret: string
  /** `--header` names, sent as required opaque tokens. */
  headers: string[]
  method: string
  timeoutMs: number
  /** Follow redirects to another origin and send it fresh canaries (off: stop there, send nothing). */
  followCrossOrigin?: boolean
  /** A redirect to another origin is intended: it does not fail the run by itself (implies following it). */
  allowCrossOriginRedirect?: boolean
  now?: () => number
}

/** A redirect as the probe met it: followed or not, and whether a request with required shapes met it. */
export interface MetRedirect extends RedirectReport {
  followed: boolean
  required: boolean
}

export interface HopReport {
  url: string
  /** True when a hopwatch tap answered at least one canary through this hop. */
  reached: boolean
  /** Server product the layers at this hop announced (`nginx`, `Apache`), when they did. */
  server: string | null
  headers: HeaderVerdict[]
  notes: string[]
}

export interface ProbeReport {
  target: string
  hops: HopReport[]
  redirects: MetRedirect[]
  /** --follow-cross-origin (or --allow-cross-origin-redirect): canaries went to other origins. */
  followCrossOrigin: boolean
  /** --allow-cross-origin-redirect: an origin change does not fail the run by itself. */
  crossOriginAllowed: boolean
}

/** Scheme, host and port of two URLs are the same (default ports normalised by the URL parser). */
export function sameOrigin (a: string, b: string): boolean {
  try { return new URL(a).origin === new URL(b).origin } catch { return false }
}

export const MAX_REDIRECTS = 5
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308])

interface Sent {
  request: CanaryRequest
  reply: Reply
  answered: boolean
  outcome: Outcome | null
  /** The origin of a cross-origin Location this request did not follow. */
  stoppedAt?: string
}

/** `<title>` of an error page, sanitised: never more than a short phrase, never a token. */
function reasonOf (reply: Reply): string {
  const title = /<title>([^<]{1,120})<\/title>/i.exec(reply.body)?.[1] ?? ''
  const clean = title.replace(/[^A-Za-z0-9 .,'()-]/g, '').trim().slice(0, 80)
  const auth = reply.status === 401 && reply.wwwAuthenticate ? 'own authentication, WWW-Authenticate' : ''
  if (clean.includes('hwcan')) return auth
  return [clean, auth].filter((s) => s !== '').join('; ')
}

const product = (server: string | null): string | null => server === null ? null : (server.split('/')[0] ?? '').trim().slice(0, 40) || null

export async function runProbe (opts: ProbeOptions): Promise<ProbeReport> {
  const now = opts.now ?? Date.now
  const agent = new Agent({ connections: 4, connectTimeout: opts.timeoutMs, headersTimeout: opts.timeoutMs, bodyTimeout: opts.timeoutMs })
  const redirects = new Map<string, MetRedirect>()
  const allowed = opts.allowCrossOriginRedirect === true
  const follow = allowed || opts.followCrossOrigin === true
  const plans = planBattery(opts.headers)
  try {
    const hops: HopReport[] = []
    for (const url of [opts.target, ...opts.hops]) {
      hops.push(await probeHop(url, plans))
    }
    return { target: displayUrl(opts.target), hops, redirects: [...redirects.values()], followCrossOrigin: follow, crossOriginAllowed: allowed }
  } finally {
    await agent.close()
  }

  async function sendFollowing (url: string, plan: RequestPlan): Promise<Sent> {
    let current = url
    let method = opts.method
    for (let step = 0; step <= MAX_REDIRECTS; step++) {
      const request = materialise(plan, opts.secret, now())
      const reply = await send(current, request.headers, { method, timeoutMs: opts.timeoutMs, agent, raw: plan.needsRawClient })
      const answer = parseAnswer(opts.secret, request.nonce, reply.body)
      if (answer !== null) return { request, reply, answered: true, outcome: { kind: 'answer', answer } }
      const next = reply.location === null ? null : resolveLocation(reply.location, current)
      if (!REDIRECT_STATUSES.has(reply.status) || next === null || step === MAX_REDIRECTS) {
        return { request, reply, answered: false, outcome: null }
      }
      const crosses = !sameOrigin(current, next)
      const met = record(analyseRedirect(current, next, reply.status), !crosses || follow, plan)
      if (crosses && !follow) {
        // No canary goes to a foreign origin unless asked: this request ends here.
        return {
          request,
          reply,
          answered: false,
          stoppedAt: met.to,
          outcome: { kind: 'unreached', status: reply.status, server: product(reply.server), note: `Stopped at a ${reply.status} redirect to another origin (${met.to}): not followed, no canary was sent there; --follow-cross-origin follows it.` }
        }
      }
      if (reply.status === 303 || ((reply.status === 301 || reply.status === 302) && method === 'POST')) method = 'GET'
      current = next
    }
    throw new Error('unreachable: the redirect loop always returns')
  }

  function record (report: RedirectReport, followed: boolean, plan: RequestPlan): MetRedirect {
    const key = `${report.status} ${report.from} ${report.to}`
    const required = plan.shapes.some((s) => s.kind === 'required')
    const seen = redirects.get(key)
    if (seen !== undefined) { seen.required ||= required; return seen }
    const met: MetRedirect = { ...report, followed, required }
    redirects.set(key, met)
    return met
  }

  async function probeHop (url: string, battery: RequestPlan[]): Promise<HopReport> {
    const results: Sent[] = []
    for (const plan of battery) results.push(await sendFollowing(url, plan))
    const reached = results.some((r) => r.answered)
    const server = product(results.find((r) => r.reply.server !== null)?.reply.server ?? null)
    const headers: HeaderVerdict[] = []
    const added = new Map<string, { verdict: HeaderVerdict, count: number }>()
    const notes: string[] = []
    for (const r of results) {
      const outcome: Outcome = r.outcome ?? (reached && r.reply.status >= 300
        ? { kind: 'blocked', status: r.reply.status, reason: reasonOf(r.reply), server: product(r.reply.server) }
        : reached
          ? { kind: 'unreached', status: r.reply.status, server: product(r.reply.server), note: 'Other canaries reached the tap through this hop: this one was not recognised, so the marker and every canary value of this request were removed on the way.' }
          : { kind: 'unreached', status: r.reply.status, server: product(r.reply.server) })
      for (const v of judgeRequest(opts.secret, r.request, outcome)) {
        if (v.verdict !== 'added') { headers.push(v); continue }
        const key = `${v.shapeId} ${v.shape}`
        const seen = added.get(key)
        if (seen === undefined) added.set(key, { verdict: v, count: 1 })
        else seen.count++
      }
    }
    const answered = results.filter((r) => r.answered).length
    for (const { verdict, count } of added.values()) {
      headers.push({ ...verdict, detail: `${verdict.detail} Seen in ${count} of ${answered} answered canary requests.` })
    }
    if (results.some((r) => r.outcome?.kind === 'answer' && r.outcome.answer.recognisedBy === 'value')) {
      notes.push(`The marker header ${MARKER_HEADER} did not arrive: a layer drops unknown headers. Canaries were recognised by their values.`)
    }
    const stoppedAt = results.find((r) => r.stoppedAt !== undefined)?.stoppedAt
    if (stoppedAt !== undefined) {
      notes.push(`This hop redirects to another origin (${stoppedAt}); the probe did not follow it and sent no canary there. Probe that URL directly, or pass --follow-cross-origin.`)
    } else if (!reached) {
      notes.push('No hopwatch tap answered through this hop: run `hopwatch serve --probe-secret` behind it.')
    }
    return { url: displayUrl(url), reached, server, headers, notes }
  }
}
