// The Auditor runs everything that is not forwarding, after the response has gone:
// fingerprints, store, diagnosis, metrics, the log line. It never throws into the traffic.
//
// With `batch`, exchanges are noted as they end and audited a batch at a time (when `size` are
// waiting, or `ms` after the first): run between two responses, the audit found its code and
// caches cold every time, and cost about three times what it costs run back to back (with
// 20,000 users, 60 against 22 µs per exchange; and every other part of the request paid for the
// lower throughput). Readers call flush() first (the admin listener does on every request).
//
// A full batch is audited once the event loop has handled the I/O that was ready (setImmediate),
// not inside the response event that filled it: the responses and requests behind it in the same
// turn go out first. In 16 interleaved rounds on the cardinality mix, that gave a lower p99 in 13
// (median 0.95x bare's against 1.00x) and as many req/s. Should a turn end more than
// BACKSTOP batches at once, the audit catches up there and then.
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { IncomingMessage } from 'node:http'
import type { Logger } from 'pino'
import { buildExchange, foldedPathOf, type ExchangeInput } from '../capture/exchange.js'
import { copyCredentialPairs } from '../capture/request.js'
import type { Hasher } from '../capture/fingerprint.js'
import type { Exchange } from '../capture/types.js'
import type { Derivation, Diagnoser, Finding } from '../diagnose/types.js'
import type { ExchangeStore } from '../store/store.js'
import { exchangeLogWriter } from './log-line.js'
import { frozenDerivation, ShapeMemo } from './shape-memo.js'
import { indexHeaders } from '../capture/header-index.js'
import { shapeSlot } from '../capture/shape.js'
import type { Pending } from '../capture/pending.js'
import { arrivedOverTls, inboundProtocol, wasReset } from '../capture/wire.js'

/** Full batches that may wait for the end of the event loop's turn. */
const BACKSTOP = 4

export interface ExchangeObserver { observe: (exchange: Exchange, findings: Finding[]) => void }

/** How an upgrade request ended, as far as the audit cares. */
export interface UpgradeOutcome {
  startedAt: number
  durationMs: number
  /** The upstream's status (101 once switched), or hopwatch's own answer's. */
  status: number
  aborted: boolean
}

export interface AuditorOptions {
  credentialNames: Set<string>
  hash: Hasher
  store: ExchangeStore
  logger: Logger
  diagnoser?: Diagnoser
  observers?: ExchangeObserver[]
  /** Audit in batches of at most `size` exchanges, at most `ms` after the first; default one at a time. */
  batch?: { size: number; ms: number }
}

export class Auditor {
  readonly credentialNames: Set<string>
  /** Times audit code threw; the traffic went on each time. */
  failures = 0
  /** Requests the HTTP parser refused before they became exchanges (400, 408, 431...). */
  refused = 0

  private readonly shapes: ShapeMemo
  /** The diagnosis of a shape, by this auditor's diagnoser. */
  private readonly diagnosis = shapeSlot<Derivation | undefined>('diagnosis')
  private readonly derive = (first: Exchange): Derivation | undefined => frozenDerivation(this.options.diagnoser?.derive(first))
  private readonly logExchange: ReturnType<typeof exchangeLogWriter>
  /** Exchanges that ended and wait for their audit (batch mode). */
  private waiting: ExchangeInput[] = []
  private timer: NodeJS.Timeout | null = null
  private immediate: NodeJS.Immediate | null = null
  private readonly flushNow = (): void => { this.immediate = null; this.flush() }

  constructor (private readonly options: AuditorOptions) {
    this.credentialNames = options.credentialNames
    this.shapes = new ShapeMemo(options.credentialNames)
    this.logExchange = exchangeLogWriter(options.logger)
  }

  /** Run audit code; on a throw, count it, log it and carry on with `fallback`. */
  safely<T> (fn: () => T, fallback: T): T {
    try {
      return fn()
    } catch (err) {
      this.failed(err)
      return fallback
    }
  }

  /** Count and log a throw of audit code (its class and code only: a message could quote request data). */
  failed (err: unknown): void {
    this.failures++
    this.options.logger.error({ err: { type: (err as Error)?.name, code: (err as { code?: unknown })?.code } }, 'audit code failed; traffic not affected')
  }

  nextId (): string {
    return this.options.store.newId()
  }

  afterResponse (request: FastifyRequest, reply: FastifyReply, durationMs: number): void {
    try {
      const pending = request.pending
      const input: ExchangeInput = {
        id: this.nextId(),
        startedAt: Date.now() - durationMs,
        durationMs,
        method: request.raw.method ?? request.method,
        url: request.raw.url ?? request.url,
        httpVersion: request.raw.httpVersion,
        protocol: pending?.protocol ?? inboundProtocol(request.raw),
        tls: pending?.tls ?? arrivedOverTls(request.raw),
        rawHeaders: request.raw.rawHeaders,
        arrivedPairs: pending?.arrivedPairs ?? copyCredentialPairs(request.raw.rawHeaders, this.credentialNames),
        forwarded: pending?.forwarded ?? null,
        status: reply.statusCode,
        upstreamHeaders: pending?.upstreamHeaders ?? null,
        upstreamTrailers: pending?.upstreamTrailers ?? null,
        clientStatus: reply.statusCode,
        error: pending?.error ?? null,
        aborted: !reply.raw.writableFinished || wasReset(request.raw),
        websocket: false
      }
      if (pending?.pairId != null) input.pairId = pending.pairId
      this.note(input)
    } catch (err) {
      this.failed(err)
    }
  }

  /**
   * An upgrade request (websocket): recorded once the upstream has switched protocols (101), or
   * once its other answer, or hopwatch's own (400, 502, 504), has gone to the client.
   */
  afterUpgrade (req: IncomingMessage, pending: Pending, outcome: UpgradeOutcome): void {
    try {
      this.note({
        id: this.nextId(),
        startedAt: outcome.startedAt,
        durationMs: outcome.durationMs,
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        httpVersion: req.httpVersion,
        tls: arrivedOverTls(req),
        rawHeaders: req.rawHeaders,
        arrivedPairs: pending.arrivedPairs,
        forwarded: pending.forwarded,
        status: outcome.status,
        upstreamHeaders: pending.upstreamHeaders,
        clientStatus: outcome.status,
        error: pending.error,
        aborted: outcome.aborted,
        websocket: pending.websocket,
        ...(pending.pairId === null ? {} : { pairId: pending.pairId })
      })
    } catch (err) {
      this.failed(err)
    }
  }

  /** Audit `input` now, or with its batch. */
  private note (input: ExchangeInput): void {
    const batch = this.options.batch
    if (batch === undefined || batch.size <= 1) {
      this.record(input)
      return
    }
    this.waiting.push(input)
    if (this.waiting.length >= batch.size * BACKSTOP) this.flush()
    else if (this.waiting.length >= batch.size) this.immediate ??= setImmediate(this.flushNow).unref()
    else if (this.timer === null) this.timer = setTimeout(this.flushNow, batch.ms).unref()
  }

  /** Audit every exchange that waits for it, in the order they ended. */
  flush (): void {
    if (this.timer !== null) { clearTimeout(this.timer); this.timer = null }
    if (this.immediate !== null) { clearImmediate(this.immediate); this.immediate = null }
    const batch = this.waiting
    if (batch.length === 0) return
    this.waiting = []
    for (const input of batch) {
      try { this.record(input) } catch (err) { this.failed(err) }
    }
  }

  /** Exchanges ended and not audited yet. */
  get unaudited (): number {
    return this.waiting.length
  }

  record (input: ExchangeInput): Exchange {
    const { diagnoser, store } = this.options
    // The raw headers are scanned once, for the key, the context and the Connection header.
    const index = indexHeaders(input.rawHeaders)
    // And the path folded once, for the key's route and the exchange.
    const path = foldedPathOf(input.url)
    const key = this.shapes.key(input, index, path)
    let shape = key === null ? undefined : this.shapes.get(key)
    let exchange: Exchange
    if (shape !== undefined) {
      exchange = this.shapes.instantiate(shape, input, this.options.hash, index, path)
    } else {
      exchange = buildExchange(input, this.credentialNames, this.options.hash, index, path)
      shape = this.shapes.remember(key, exchange, this.options.hash)
    }
    store.add(exchange)
    let findings: Finding[] = []
    if (diagnoser !== undefined) {
      // Derived from the shape's first exchange, once: its findings are shared, frozen.
      const derived = shape.remembered(this.diagnosis, shape.parts, this.derive)
      if (derived !== undefined) findings = diagnoser.apply(exchange, derived)
    }
    for (const observer of this.options.observers ?? []) {
      try { observer.observe(exchange, findings) } catch (err) { this.failed(err) }
    }
    this.logExchange(exchange, findings)
    return exchange
  }
}
