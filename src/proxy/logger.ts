// pino JSON logs. Credential values never reach it: callers log names and fingerprints only,
// and the redact list is a second fence for any header object logged by mistake.
import pino, { type Logger } from 'pino'
import type { LogLevel } from '../config/defaults.js'

const REDACT = [
  '*.authorization', '*.cookie', '*.proxy-authorization', '*.x-api-key', '*.x-auth-token',
  '*.headers.authorization', '*.headers.cookie', '*.headers["proxy-authorization"]'
]

export function createLogger (level: LogLevel, destination?: NodeJS.WritableStream): Logger {
  const options = { level, base: { name: 'hopwatch' }, redact: { paths: REDACT, censor: '[redacted]' } }
  return destination === undefined ? pino(options) : pino(options, destination)
}
