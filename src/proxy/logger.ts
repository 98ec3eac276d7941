// pino JSON logs. Credential values never reach it: callers log names and fingerprints only
// (the exchange line is built by log-line.ts from an Exchange, which holds no value). No
// pino `redact`: it cost about 9 µs per line on the hot path and guarded nothing we log.
import { writeSync } from 'node:fs'
import pino, { type DestinationStream, type Logger } from 'pino'
import type { LogLevel } from '../config/defaults.js'

/** Lines are written to stdout in batches of about this many bytes, or every FLUSH_MS at the latest. */
const BATCH_BYTES = 65536
const FLUSH_MS = 1000
/** At exit, how long a full stdout (EAGAIN) may hold the last lines back before they are given up. */
const EXIT_WRITE_MS = 2000
const STDOUT = 1

/**
 * Collects lines and hands them to stdout's SonicBoom a batch at a time, as bytes. SonicBoom
 * batches too (minLength), but appends each line to a growing string whose byte length it
 * measures again on every write: about 1.4 µs per line at a 4 KiB batch. Joining the lines as
 * strings cost about 1 µs per line under load (each line is a tree of small strings to flatten);
 * encoding each into one buffer as it comes costs a fifth of that. Order is kept: every pino
 * line goes through this one queue. Each write to stdout costs a hop to libuv's thread pool
 * (about 40 µs of the main thread's time under load), hence batches of 64 KiB, about 200
 * exchange lines; a quiet sidecar's lines still go out within FLUSH_MS.
 */
class Batcher implements DestinationStream {
  private buf = Buffer.allocUnsafe(BATCH_BYTES * 2)
  private used = 0

  constructor (private readonly out: ReturnType<typeof pino.destination>) {}

  write (line: string): void {
    // A UTF-16 code unit takes at most 3 bytes in UTF-8.
    if (line.length * 3 > this.buf.length - this.used) {
      this.flush()
      if (line.length * 3 > this.buf.length) { this.out.write(Buffer.from(line, 'utf8') as unknown as string); return }
    }
    this.used += this.buf.write(line, this.used, 'utf8')
    if (this.used >= BATCH_BYTES) this.flush()
  }

  /** Hand the queued lines to SonicBoom; with a callback (pino's logger.flush), flush it too. */
  flush (done?: (err?: Error) => void): void {
    const chunk = this.take()
    if (chunk !== undefined) this.out.write(chunk as unknown as string)
    if (done !== undefined) this.out.flush(done)
  }

  /**
   * At exit: what SonicBoom holds, then the lines still queued here, written before returning.
   * Handing those lines to SonicBoom would start an asynchronous write (on libuv's thread pool)
   * that the exiting process does not wait for: it lost the last lines in most runs on Node 22.
   */
  flushSync (): void {
    const chunk = this.take()
    this.out.flushSync()
    if (chunk !== undefined) writeAllSync(STDOUT, chunk, Date.now() + EXIT_WRITE_MS)
  }

  /** The queued lines as their own bytes (SonicBoom may hold a chunk until its write completes; the buffer is reused). */
  private take (): Buffer | undefined {
    if (this.used === 0) return undefined
    const chunk = Buffer.from(this.buf.subarray(0, this.used))
    this.used = 0
    return chunk
  }
}

/** write(2) until every byte is out; a non-blocking pipe that is full (EAGAIN) is waited on until the deadline. */
function writeAllSync (fd: number, bytes: Buffer, deadline: number): void {
  let rest = bytes
  while (rest.length > 0) {
    try {
      rest = rest.subarray(writeSync(fd, rest))
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN' || Date.now() > deadline) throw err
      Atomics.wait(PAUSE, 0, 0, 10)
    }
  }
}
const PAUSE = new Int32Array(new SharedArrayBuffer(4))

export function createLogger (level: LogLevel, destination?: NodeJS.WritableStream): Logger {
  const options = { level, base: { name: 'hopwatch' } }
  if (destination !== undefined) return pino(options, destination)
  // One write(2) per log line cost a syscall per exchange; batch them, flush at least once a
  // second (so a quiet sidecar's lines still show), and synchronously on exit.
  const batcher = new Batcher(pino.destination({ dest: STDOUT, sync: false, contentMode: 'buffer', maxWrite: BATCH_BYTES * 2 }))
  setInterval(() => { try { batcher.flush() } catch { /* not ready yet: next tick */ } }, FLUSH_MS).unref()
  process.once('exit', () => { try { batcher.flushSync() } catch { /* nothing more can be done */ } })
  return pino(options, batcher)
}
