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
