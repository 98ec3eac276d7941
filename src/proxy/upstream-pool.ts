// The pool of keep-alive connections to the upstream, with the upstream timeout kept by one
// sweep instead of a timer per request.
//
// undici's own headersTimeout and bodyTimeout arm a timer object for every request, and that
// object stays in undici's timer list until its next tick, up to a second later: it outlives a
// young-generation collection and is promoted, about 90 bytes per request, two thirds of all a
// proxied request left in the old generation. Under load that meant a major collection every
// three seconds, and those made most of the latency tail. Here a request only notes the sweep's
// tick when it shows a sign of life; one sweep every quarter of the timeout (at most a second)
// aborts those idle for longer, with undici's own errors, so they still answer 504.
//
// The wait for a free connection counts too: a request is watched from its dispatch, and one
// still queued past the timeout fails with POOL_WAIT_TIMEOUT (504) and is dropped when its turn
// comes. Requests with a body have a pool of their own, so uploads that trickle in (each one
// holding its connection while the client sends) cannot hold the connections a GET needs.
import { Pool, errors, type Dispatcher } from 'undici'
import type { Duplex } from 'node:stream'
import { POOL_WAIT_TIMEOUT } from './errors.js'
import { tlsConnectOptions, type UpstreamTlsOptions } from './upstream-tls.js'

type Abort = (err?: Error) => void

/** The handler methods undici's core calls (the older API, the one `pool.request()` uses). */
interface CoreHandler {
  onConnect: (abort: Abort, context?: unknown) => void
  onBodySent?: (chunk: unknown) => void
  onRequestSent?: () => void
  onResponseStarted?: () => void
  onHeaders: (statusCode: number, headers: Buffer[], resume: () => void, statusText: string) => boolean
  onData: (chunk: Buffer) => boolean
  onComplete: (trailers: string[] | null) => void
  onError: (err: Error) => void
  onUpgrade?: (statusCode: number, headers: Buffer[] | string[] | null, socket: Duplex) => void
}

const QUEUED = 0
const HEADERS = 1
const BODY = 2

/** No pool connection became free within the upstream timeout. */
export class PoolWaitTimeoutError extends errors.UndiciError {
  constructor () {
    super('no upstream connection was free within the upstream timeout')
    this.name = 'PoolWaitTimeoutError'
    this.code = POOL_WAIT_TIMEOUT
  }
}

/** One request from its dispatch, wrapping its handler; linked into the Watch's list while it waits. */
class Watched implements CoreHandler {
  prev: Watched | null = null
  next: Watched | null = null
  linked = false
  abort: Abort | null = null
  /** The sweep's tick at the last sign of life (a body chunk either way, the headers). */
  tick = 0
  waiting = QUEUED
  /** The client is not reading: undici's parser waits, and so does the body timeout. */
  paused = false
  /** Set when it timed out in the queue: its handler has had its error, undici's later calls are dropped. */
  private expired: Error | null = null
  private resumeParser: (() => void) | null = null

  constructor (private readonly inner: CoreHandler, private readonly watch: Watch) {
    this.tick = watch.tick
    watch.add(this)
  }

  /** Timed out before a connection was free: fail it now; undici drops it when its turn comes. */
  expire (err: Error): void {
    this.expired = err
    this.inner.onError(err)
  }

  private readonly resume = (): void => {
    this.paused = false
    this.tick = this.watch.tick
    this.resumeParser?.()
  }

  onConnect (abort: Abort, context?: unknown): void {
    // undici catches this and errors the request before anything is written: the connection stays.
    if (this.expired !== null) throw this.expired
    this.abort = abort
    this.tick = this.watch.tick
    this.waiting = HEADERS
    this.inner.onConnect(abort, context)
  }

  onBodySent (chunk: unknown): void {
    this.tick = this.watch.tick
    this.inner.onBodySent?.(chunk)
  }

  onRequestSent (): void {
    this.tick = this.watch.tick
    this.inner.onRequestSent?.()
  }

  onResponseStarted (): void {
    this.inner.onResponseStarted?.()
  }

  onHeaders (statusCode: number, headers: Buffer[], resume: () => void, statusText: string): boolean {
    this.tick = this.watch.tick
    if (statusCode < 200) return this.inner.onHeaders(statusCode, headers, resume, statusText)
    this.waiting = BODY
    this.resumeParser = resume
    const more = this.inner.onHeaders(statusCode, headers, this.resume, statusText)
    if (more === false) this.paused = true
    return more
  }

  onData (chunk: Buffer): boolean {
    this.tick = this.watch.tick
    const more = this.inner.onData(chunk)
    if (more === false) this.paused = true
    return more
  }

  onComplete (trailers: string[] | null): void {
    this.watch.remove(this)
    this.inner.onComplete(trailers)
  }

  onError (err: Error): void {
    this.watch.remove(this)
    if (this.expired === null) this.inner.onError(err)
  }

  onUpgrade (statusCode: number, headers: Buffer[] | string[] | null, socket: Duplex): void {
    this.watch.remove(this)
    if (this.inner.onUpgrade === undefined) throw new errors.InvalidArgumentError('invalid onUpgrade method')
    this.inner.onUpgrade(statusCode, headers, socket)
  }
}

/** The requests in flight and the sweep that times them out; the sweep runs only while any are. */
export class Watch {
  tick = 0
  private readonly everyMs: number
  private readonly limit: number
  private head: Watched | null = null
  private timer: NodeJS.Timeout | null = null

  constructor (readonly timeoutMs: number) {
    this.everyMs = Math.min(1000, Math.max(5, Math.ceil(timeoutMs / 4)))
    this.limit = Math.ceil(timeoutMs / this.everyMs)
  }

  /** Requests in flight (a walk of the list: for tests and diagnostics, not the hot path). */
  get size (): number {
    let n = 0
    for (let w = this.head; w !== null; w = w.next) n++
    return n
  }

  add (w: Watched): void {
    if (w.linked) return
    w.linked = true
    w.prev = null
    w.next = this.head
    if (this.head !== null) this.head.prev = w
    this.head = w
    if (this.timer === null) {
      this.timer = setInterval(this.sweep, this.everyMs)
      this.timer.unref()
    }
  }

  remove (w: Watched): void {
    if (!w.linked) return
    w.linked = false
    if (w.prev !== null) w.prev.next = w.next
    else this.head = w.next
    if (w.next !== null) w.next.prev = w.prev
    w.prev = null
    w.next = null
  }

  /**
   * A request last alive at tick t is aborted at the sweep that makes the tick t + limit + 1:
   * never before timeoutMs, at most one sweep interval after.
   */
  private readonly sweep = (): void => {
    this.tick++
    if (this.head === null) {
      if (this.timer !== null) clearInterval(this.timer)
      this.timer = null
      return
    }
    for (let w: Watched | null = this.head; w !== null;) {
      const next: Watched | null = w.next
      if (!w.paused && this.tick - w.tick > this.limit) {
        this.remove(w)
        // In a timer: a throw here would end the process, and the other requests still need their sweep.
        try {
          if (w.waiting === QUEUED) w.expire(new PoolWaitTimeoutError())
          else w.abort?.(w.waiting === HEADERS ? new errors.HeadersTimeoutError() : new errors.BodyTimeoutError())
        } catch { /* it is out of the sweep either way; undici reports its own failures */ }
      }
      w = next
    }
  }
}

export interface UpstreamPoolOptions {
  connections: number
  maxHeaderSize: number
  /** Waiting for a connection, the response head, or the next chunk of either body, longer than this aborts. */
  timeoutMs: number
  /** How an https upstream's certificate is checked; default: against the system CAs. */
  tls?: UpstreamTlsOptions
}

/** A request body to send (@fastify/reply-from passes '' when there is none, a stream when there is). */
function hasBody (body: unknown): boolean {
  if (body === undefined || body === null) return false
  if (typeof body === 'string' || body instanceof Uint8Array) return body.length > 0
  return true
}

function poolOptions (options: UpstreamPoolOptions): Pool.Options {
  return {
    connections: options.connections,
    pipelining: 1,
    maxHeaderSize: options.maxHeaderSize,
    headersTimeout: 0,
    bodyTimeout: 0,
    connect: tlsConnectOptions(options.tls ?? { ca: null, insecure: false })
  }
}

/**
 * An undici Pool whose requests time out by the Watch, not by undici's per-request timers.
 * Requests without a body use this pool's `connections`; requests with one use as many again
 * in `uploads`, opened only when uploads come.
 */
export class UpstreamPool extends Pool {
  readonly watch: Watch
  readonly uploads: Pool

  constructor (origin: string, options: UpstreamPoolOptions) {
    super(origin, poolOptions(options))
    this.uploads = new Pool(origin, poolOptions(options))
    this.watch = new Watch(options.timeoutMs)
  }

  override destroy (): Promise<void>
  override destroy (err: Error | null): Promise<void>
  override destroy (callback: () => void): void
  override destroy (err: Error | null, callback: () => void): void
  override destroy (a?: Error | null | (() => void), b?: () => void): Promise<void> | void {
    const err = typeof a === 'function' ? null : a ?? null
    const callback = typeof a === 'function' ? a : b
    // undici's promise form calls the callback form on `this`: only the callback form does the work.
    if (callback === undefined) return new Promise<void>((resolve) => { this.destroy(err, resolve) })
    const last = (): void => { super.destroy(err, callback) }
    this.uploads.destroy(err).then(last, last)
  }

  override dispatch (opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    // A handler of undici's newer API (onRequestStart...) keeps undici's own timers; the one
    // caller, @fastify/reply-from, uses pool.request(), whose handler is of the older API.
    if (typeof (handler as { onRequestStart?: unknown }).onRequestStart === 'function') {
      return super.dispatch({ ...opts, headersTimeout: this.watch.timeoutMs, bodyTimeout: this.watch.timeoutMs }, handler)
    }
    const watched = new Watched(handler as unknown as CoreHandler, this.watch) as unknown as Dispatcher.DispatchHandler
    if (hasBody(opts.body)) return this.uploads.dispatch(opts, watched)
    return super.dispatch(opts, watched)
  }
}
