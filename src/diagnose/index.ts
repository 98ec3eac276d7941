// The diagnosis engine the sidecar calls after each response has gone: recognise the layers in
// front, run every rule, keep bounded aggregates. observe() never throws: a rule that throws is
// counted, logged once per rule and call site, and the other rules still run.
import type { Exchange } from '../capture/types.js'
import { wireLabel } from '../capture/protocol.js'
import { BUILTIN_CREDENTIAL_HEADERS } from '../capture/credential-names.js'
import { DEFAULT_MAX_GROUPS, FindingStore, LayerStore } from './aggregate.js'
import { ClientMemory, DEFAULT_MAX_CLIENTS, pathOf, type PendingAnonymous } from './client-memory.js'
import { recogniseLayers } from './layers/index.js'
import { DEFAULT_MAX_ROUTES, RouteMemory } from './route-memory.js'
import { NO_FINDINGS, type RuleContext, type RuntimeRule } from './rule.js'
import { RULES } from './rules/index.js'
import type { Derivation, Diagnoser, DiagnosisSnapshot, Finding, LayerSighting } from './types.js'
import { viewOf, type ExchangeView } from './view.js'

export interface DiagnoserLog {
  warn: (obj: object, msg: string) => void
}

export interface DiagnoserOptions {
  /** --expect-issuer values; empty disables the issuer check. */
  expectIssuers: string[]
  /** --expect-audience values; empty disables the audience check. */
  expectAudiences: string[]
  /** Clock in ms since epoch. Default Date.now. */
  now?: () => number
  log?: DiagnoserLog
  /** Extra credential header names (--credential-header), added to the built-in ones. */
  credentialHeaders?: string[]
  /** Cap on finding groups kept (default 500); the least recently seen group is forgotten first. */
  maxGroups?: number
  /** Cap on routes remembered by working-vs-failing (default 1000). */
  maxRoutes?: number
  /** Cap on clients remembered (what each sent, where it was redirected; default 1000). */
  maxClients?: number
  /** The rules to run. Default: every rule in src/diagnose/rules. */
  rules?: readonly RuntimeRule[]
}

export const DIAGNOSER_DEFAULTS = { maxGroups: DEFAULT_MAX_GROUPS, maxRoutes: DEFAULT_MAX_ROUTES }
/** Exchanges whose findings are kept for GET /report/exchanges/:id (the most recent ones). */
export const MAX_EXCHANGE_FINDINGS = 2_000

const noopLog: DiagnoserLog = { warn: () => {} }

export function createDiagnoser (options: DiagnoserOptions): Diagnoser {
  const now = options.now ?? Date.now
  const log = options.log ?? noopLog
  const rules = options.rules ?? RULES
  const expectIssuers: ReadonlySet<string> = new Set(options.expectIssuers)
  const expectAudiences: ReadonlySet<string> = new Set(options.expectAudiences)
  const credentialHeaders = new Set(BUILTIN_CREDENTIAL_HEADERS)
  const configuredHeaders = (options.credentialHeaders ?? []).map((name) => name.toLowerCase())
  for (const name of configuredHeaders) credentialHeaders.add(name)
  const clients = new ClientMemory(options.maxClients ?? DEFAULT_MAX_CLIENTS)
  const routes = new RouteMemory(options.maxRoutes ?? DEFAULT_MAX_ROUTES)
  const findings = new FindingStore(options.maxGroups ?? DEFAULT_MAX_GROUPS)
  const layers = new LayerStore()
  const ruleErrors: Record<string, number> = {}
  let exchanges = 0
  /** Exchange id -> its findings (shared, never copied), oldest forgotten first. */
  const byExchange = new Map<string, Finding[]>()

  function remember (id: string, found: readonly Finding[]): void {
    if (found.length === 0) return
    for (const f of found) {
      const back = f.withdraws
      const list = back === undefined ? undefined : byExchange.get(back.exchangeId)
      if (back !== undefined && list !== undefined) byExchange.set(back.exchangeId, list.filter((g) => g.rule !== back.rule))
    }
    const list = byExchange.get(id)
    if (list !== undefined) { list.push(...found); return }
    byExchange.set(id, found.slice())
    if (byExchange.size > MAX_EXCHANGE_FINDINGS) byExchange.delete(byExchange.keys().next().value as string)
  }

  function failed (rule: string, err: unknown): void {
    const count = (ruleErrors[rule] ?? 0) + 1
    ruleErrors[rule] = count
    // Log the first failure and then every 1000th, so a broken rule cannot flood the log.
    if (count === 1 || count % 1000 === 0) {
      // Only the error's class name and code: a message could quote request data.
      const name = err instanceof Error ? err.name : typeof err
      log.warn({ rule, count, error: name }, 'diagnosis rule threw; the other rules still ran')
    }
  }

  /** The part of the diagnosis that depends only on the exchange's shape; no aggregate is touched. */
  function derive (exchange: Exchange): Derivation {
    const view = viewOf(exchange)
    let sightings: LayerSighting[] = []
    try {
      sightings = recogniseLayers(view, exchange)
    } catch (err) {
      failed('layers', err)
    }
    const ctx = contextFor(view, sightings)
    const byRule: Array<readonly Finding[] | null> = []
    for (const rule of rules) {
      if (rule.perExchange === true) { byRule.push(null); continue }
      try {
        byRule.push(rule.check(exchange, ctx))
      } catch (err) {
        failed(rule.meta.id, err)
        byRule.push(NO_FINDINGS)
      }
    }
    return { view, sightings, byRule }
  }

  function contextFor (view: ExchangeView, sightings: readonly LayerSighting[]): RuleContext {
    return { now: now(), expectIssuers, expectAudiences, layers: sightings, view, routes, credentialHeaders, configuredHeaders, clients }
  }

  /** Run the per-exchange rules, then count the layers and every finding. */
  function apply (exchange: Exchange, derived: Derivation): Finding[] {
    const out: Finding[] = []
    try {
      exchanges++
      // Indexed loops: for-of over these (often frozen, shared) arrays allocated an iterator result per item.
      const sightings = derived.sightings
      for (let i = 0; i < sightings.length; i++) layers.add(sightings[i] as LayerSighting)
      let ctx: RuleContext | null = null
      for (let i = 0; i < rules.length; i++) {
        const rule = rules[i] as RuntimeRule
        let found = derived.byRule[i]
        if (found == null) {
          try {
            ctx ??= contextFor(derived.view, derived.sightings)
            found = rule.check(exchange, ctx)
          } catch (err) {
            failed(rule.meta.id, err)
            continue
          }
        }
        for (let j = 0; j < found.length; j++) out.push(found[j] as Finding)
      }
      const explained = clients.observe(exchange, pathOf(derived.sightings))
      for (let i = 0; i < out.length; i++) findings.add(out[i] as Finding, exchange.route, exchange.id, exchange.startedAt, wireLabel(exchange))
      remember(exchange.id, out)
      if (explained.length > 0) reread(explained, exchange)
    } catch (err) {
      failed('engine', err)
    }
    return out
  }

  /**
   * Earlier anonymous 401s of this client on this route, now explained by this call's credential:
   * their blame replaces the anonymous count, grouped with the 401 they are about.
   */
  function reread (explained: readonly PendingAnonymous[], exchange: Exchange): void {
    for (const pending of explained) {
      // Only the first takes the anonymous count back: the others would take back the first.
      const late = pending.wouldBe.map((f, i): Finding => ({
        ...f,
        evidence: [...f.evidence, `the same client then sent ${pending.header ?? 'a credential'} to ${pending.route} on a later call (exchange ${exchange.id})`],
        ...(i === 0 ? { withdraws: { rule: f.rule, exchangeId: pending.exchangeId } } : {})
      }))
      for (const f of late) findings.add(f, pending.route, pending.exchangeId, pending.atMs)
      remember(pending.exchangeId, late)
    }
  }

  function observe (exchange: Exchange): Finding[] {
    let derived: Derivation
    try {
      derived = derive(exchange)
    } catch (err) {
      failed('engine', err)
      exchanges++
      return []
    }
    return apply(exchange, derived)
  }

  function snapshot (): DiagnosisSnapshot {
    return {
      layers: layers.snapshot(),
      findings: findings.snapshot(),
      stats: { exchanges, ruleErrors: { ...ruleErrors }, evictedGroups: findings.evicted, maxGroups: findings.maxGroups }
    }
  }

  function record (extra: readonly Finding[], exchange: Exchange): void {
    try {
      for (const f of extra) findings.add(f, exchange.route, exchange.id, exchange.startedAt, wireLabel(exchange))
      remember(exchange.id, extra)
    } catch (err) {
      failed('engine', err)
    }
  }

  const findingsOf = (id: string): readonly Finding[] => byExchange.get(id) ?? []

  return { observe, derive, apply, record, snapshot, findingsOf }
}

export { RULES } from './rules/index.js'
export type { RuntimeRule, RuleContext } from './rule.js'
