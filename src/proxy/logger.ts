// pino JSON logs. Credential values never reach it: callers log names and fingerprints only
// (the exchange line is built by log-line.ts from an Exchange, which holds no value). No
// pino `redact`: it cost about 9 µs per line on the hot path and guarded nothing we log.
import pino, { type Logger } from 'pino'
import type { LogLevel } from '../config/defaults.js'

export function createLogger (level: LogLevel, destination?: NodeJS.WritableStream): Logger {
  const options = { level, base: { name: 'hopwatch' } }
  return destination === undefined ? pino(options) : pino(options, destination)
}
