// pino JSON logs. Credential values never reach it: callers log names and fingerprints only
// (the exchange line is built by log-line.ts from an Exchange, which holds no value). No
// pino `redact`: it cost about 9 µs per line on the hot path and guarded nothing we log.
import pino, { type DestinationStream, type Logger } from 'pino'
import type { LogLevel } from '../config/defaults.js'

/** Lines are written to stdout in batches of this many characters, or every FLUSH_MS at the latest. */
const BATCH_CHARS = 16384
const FLUSH_MS = 1000

/**
 * Collects lines and hands them to stdout's SonicBoom a batch at a time. SonicBoom batches
 * too (minLength), but appends each line to a growing string whose byte length it measures
 * again on every write: about 1.4 µs per line at a 4 KiB batch. Joining here costs nothing
 * per line; order is kept because every pino line goes through this one queue. Each write to
 * stdout costs a hop to libuv's thread pool (about 14 µs of the main thread's time), so batches
 * are 16 KiB: about 50 exchange lines.
 */
class Batcher implements DestinationStream {
  private parts: string[] = []
  private chars = 0

  constructor (private readonly out: ReturnType<typeof pino.destination>) {}

  write (line: string): void {
    this.parts.push(line)
    this.chars += line.length
    if (this.chars >= BATCH_CHARS) this.flush()
  }

  /** Hand the queued lines to SonicBoom; with a callback (pino's logger.flush), flush it too. */
  flush (done?: (err?: Error) => void): void {
    if (this.parts.length > 0) {
      const chunk = this.parts.join('')
      this.parts = []
      this.chars = 0
      this.out.write(chunk)
    }
    if (done !== undefined) this.out.flush(done)
  }

  flushSync (): void {
    this.flush()
    this.out.flushSync()
  }
}

export function createLogger (level: LogLevel, destination?: NodeJS.WritableStream): Logger {
  const options = { level, base: { name: 'hopwatch' } }
  if (destination !== undefined) return pino(options, destination)
  // One write(2) per log line cost a syscall per exchange; batch them, flush at least once a
  // second (so a quiet sidecar's lines still show), and synchronously on exit.
  const batcher = new Batcher(pino.destination({ dest: 1, sync: false }))
  setInterval(() => { try { batcher.flush() } catch { /* not ready yet: next tick */ } }, FLUSH_MS).unref()
  process.once('exit', () => { try { batcher.flushSync() } catch { /* nothing more can be done */ } })
  return pino(options, batcher)
}
