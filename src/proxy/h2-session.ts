// HTTP/2 to the upstream (--upstream-protocol h2|h2c): one node:http2 session to the upstream
// origin, opened on first use and opened again once the upstream sends GOAWAY or the session
// closes; streams in flight on an old session finish there. At most MAX_STREAMS streams (or the
// upstream's SETTINGS_MAX_CONCURRENT_STREAMS, if lower) are open at once; a request past that
// waits its turn, and one still waiting after the upstream timeout fails with POOL_WAIT_TIMEOUT
// (504), like a request waiting for a free HTTP/1.1 connection (upstream-pool.ts).
import { connect, constants, type ClientHttp2Session, type ClientHttp2Stream, type OutgoingHttpHeaders, type SecureClientSessionOptions } from 'node:http2'
import { POOL_WAIT_TIMEOUT } from './errors.js'
import { tlsConnectOptions, type UpstreamTlsOptions } from './upstream-tls.js'

/** Streams open at once on the upstream session: RFC 9113 6.5.2 advises servers to allow at least 100. */
export const MAX_STREAMS = 100

export interface H2SessionOptions {
  /** `h2`: TLS with ALPN h2; `h2c`: cleartext with prior knowledge. */
  protocol: 'h2' | 'h2c'
  /** Largest header list accepted from the upstream, in bytes. */
  maxHeaderSize: number
  /** Waiting for a stream slot, the response head, or the next chunk either way, longer than this fails. */
  timeoutMs: number
  tls: UpstreamTlsOptions
  maxStreams?: number
}

class H2Error extends Error {
  constructor (message: string, readonly code: string) {
    super(message)
    this.name = 'H2Error'
  }
}

export function h2Error (message: string, code: string): Error {
  return new H2Error(message, code)
}

type Opened = (err: Error | null, stream: ClientHttp2Stream | null) => void

interface Waiter { headers: OutgoingHttpHeaders; endStream: boolean; done: Opened; timer: NodeJS.Timeout }

export class H2Sessions {
  private session: ClientHttp2Session | null = null
  private readonly all = new Set<ClientHttp2Session>()
  private active = 0
  private readonly waiting: Waiter[] = []
  private closed = false
  private readonly maxStreams: number

  constructor (private readonly origin: string, private readonly options: H2SessionOptions) {
    this.maxStreams = options.maxStreams ?? MAX_STREAMS
  }

  /** Streams open now (for tests and diagnostics). */
  get open (): number {
    return this.active
  }

  /** Sessions opened and not yet closed (the current one and those draining after GOAWAY). */
  get sessions (): number {
    return this.all.size
  }

  /** Open a stream with `headers` now, or once a slot is free; `done` is called once. */
  request (headers: OutgoingHttpHeaders, endStream: boolean, done: Opened): void {
    if (this.closed) { done(h2Error('hopwatch is closing', 'HOPWATCH_CLOSING'), null); return }
    if (this.active < this.limit()) { this.start(headers, endStream, done); return }
    const waiter: Waiter = {
      headers,
      endStream,
      done,
      timer: setTimeout(() => {
        const at = this.waiting.indexOf(waiter)
        if (at >= 0) this.waiting.splice(at, 1)
        done(h2Error('no upstream stream was free within the upstream timeout', POOL_WAIT_TIMEOUT), null)
      }, this.options.timeoutMs)
    }
    this.waiting.push(waiter)
  }

  /** Close every session and fail the waiting requests. */
  async destroy (): Promise<void> {
    this.closed = true
    for (const waiter of this.waiting.splice(0)) {
      clearTimeout(waiter.timer)
      waiter.done(h2Error('hopwatch is closing', 'HOPWATCH_CLOSING'), null)
    }
    const closing = [...this.all].map(async (session) => await new Promise<void>((resolve) => {
      if (session.destroyed) { resolve(); return }
      session.once('close', () => { resolve() })
      session.destroy()
    }))
    await Promise.all(closing)
  }

  private limit (): number {
    const remote = this.session?.remoteSettings.maxConcurrentStreams
    return remote === undefined || remote < 1 ? this.maxStreams : Math.min(this.maxStreams, remote)
  }

  private current (): ClientHttp2Session {
    if (this.session !== null && !this.session.closed && !this.session.destroyed) return this.session
    const tls = tlsConnectOptions(this.options.tls)
    const options: SecureClientSessionOptions = {
      settings: { maxHeaderListSize: this.options.maxHeaderSize },
      ...(this.options.protocol === 'h2' ? { ...tls, ALPNProtocols: ['h2'] } : {})
    }
    const session = connect(this.origin, options)
    this.session = session
    this.all.add(session)
    const forget = (): void => {
      if (this.session === session) this.session = null
    }
    // GOAWAY: no new streams here; those in flight finish. The next request opens a new session.
    session.on('goaway', forget)
    // A failed connect or a broken session errors its streams too: each answers its own client.
    session.on('error', forget)
    session.on('close', () => { forget(); this.all.delete(session) })
    // No stream open: the session does not keep the process alive.
    session.unref()
    return session
  }

  private start (headers: OutgoingHttpHeaders, endStream: boolean, done: Opened): void {
    let stream: ClientHttp2Stream
    try {
      const session = this.current()
      stream = session.request(headers, { endStream })
    } catch (err) {
      done(err instanceof Error ? err : h2Error('the upstream session refused the stream', 'HOPWATCH_H2_REFUSED'), null)
      return
    }
    this.active++
    stream.once('close', () => {
      this.active--
      this.next()
    })
    done(null, stream)
  }

  private next (): void {
    while (this.waiting.length > 0 && this.active < this.limit()) {
      const waiter = this.waiting.shift() as Waiter
      clearTimeout(waiter.timer)
      this.start(waiter.headers, waiter.endStream, waiter.done)
    }
  }
}

/** Cancel a stream (the client went away, or it timed out): RST_STREAM CANCEL. */
export function cancel (stream: ClientHttp2Stream): void {
  if (!stream.closed && !stream.destroyed) stream.close(constants.NGHTTP2_CANCEL)
}
