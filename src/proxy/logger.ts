// pino JSON logs. Credential values never reach it: callers log names and fingerprints only
// (the exchange line is built by log-line.ts from an Exchange, which holds no value). No
// pino `redact`: it cost about 9 µs per line on the hot path and guarded nothing we log.
import pino, { type Logger } from 'pino'
import type { LogLevel } from '../config/defaults.js'

/** Lines are written to stdout in batches of this many bytes, or every FLUSH_MS at the latest. */
const BATCH_BYTES = 4096
const FLUSH_MS = 1000

export function createLogger (level: LogLevel, destination?: NodeJS.WritableStream): Logger {
  const options = { level, base: { name: 'hopwatch' } }
  if (destination !== undefined) return pino(options, destination)
  // One write(2) per log line cost a syscall per exchange; batch them, flush at least once a
  // second (so a quiet sidecar's lines still show), and synchronously on exit.
  const stdout = pino.destination({ dest: 1, sync: false, minLength: BATCH_BYTES })
  setInterval(() => { try { stdout.flush() } catch { /* not ready yet: next tick */ } }, FLUSH_MS).unref()
  process.once('exit', () => { try { stdout.flushSync() } catch { /* nothing more can be done */ } })
  return pino(options, stdout)
}
