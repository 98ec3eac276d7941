// Every default of `hopwatch serve`, named once.

export const DEFAULT_LISTEN = '0.0.0.0:8080'
export const DEFAULT_ADMIN = '127.0.0.1:9090'
export const DEFAULT_MAX_EXCHANGES = 1000
export const DEFAULT_LOG_LEVEL = 'info'
/** How long hopwatch waits for the upstream's response headers before answering 504. */
export const DEFAULT_UPSTREAM_TIMEOUT_MS = 30_000
/** Keep-alive connections hopwatch keeps open to the upstream. */
export const DEFAULT_UPSTREAM_CONNECTIONS = 128
/** How long in-flight exchanges get to finish after SIGTERM before connections are cut. */
export const DEFAULT_SHUTDOWN_GRACE_MS = 10_000
/** How long a client may take to send a whole request (headers and body); Node's own default is 300 s. */
export const DEFAULT_CLIENT_TIMEOUT_MS = 300_000
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
export type LogLevel = typeof LOG_LEVELS[number]

/** Inclusive ranges of the numeric flags of `serve`; a value outside is refused at start. */
export const NUMERIC_RANGES = {
  'max-exchanges': { min: 1, max: 1_000_000 },
  'upstream-timeout': { min: 1, max: 3_600_000 },
  'upstream-connections': { min: 1, max: 10_000 },
  'shutdown-grace': { min: 0, max: 3_600_000 },
  'client-timeout': { min: 0, max: 3_600_000 }
} as const
export type NumericFlag = keyof typeof NUMERIC_RANGES
/** The probe secret, in `serve` and in `probe`: long enough that canaries cannot be forged by guessing. */
export const MIN_PROBE_SECRET_LENGTH = 16
