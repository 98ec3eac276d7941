// `hopwatch serve`: the auditing sidecar.
import { ConfigError, loadServeConfig, SERVE_FLAGS } from '../config/config.js'
import { NUMERIC_RANGES } from '../config/defaults.js'
import { startServer } from '../proxy/server.js'
import { EXIT_OK, EXIT_USAGE, type Command } from './io.js'

export function serveHelp (): string {
  const range = (name: string): string => {
    const r = (NUMERIC_RANGES as Record<string, { min: number, max: number } | undefined>)[name]
    return r === undefined ? '' : `; range ${r.min}-${r.max}`
  }
  const lines = Object.entries(SERVE_FLAGS).map(([name, spec]) =>
    `  --${name.padEnd(22)} ${spec.help}\n  ${' '.repeat(24)} env: ${spec.env}${range(name)}`)
  return `Usage: hopwatch serve --upstream URL [flags]

Forwards all traffic to the upstream unchanged and records which credential headers arrive,
which leave, and what the upstream answers. Read the report at http://ADMIN/report.

Flags (each also as an env var; flags win):
${lines.join('\n')}
  --help                   this text

Exit codes: 0 after a clean shutdown (SIGTERM/SIGINT), 2 on a bad flag or value.
`
}

export const serve: Command = async (argv, io) => {
  if (argv.includes('--help') || argv.includes('-h')) { io.stdout(serveHelp()); return EXIT_OK }
  let config
  try {
    config = loadServeConfig(argv, io.env)
  } catch (err) {
    if (err instanceof ConfigError) { io.stderr(`hopwatch serve: ${err.message}\n`); return EXIT_USAGE }
    throw err
  }
  let server
  try {
    server = await startServer(config)
  } catch (err) {
    const code = (err as { code?: unknown }).code
    io.stderr(`hopwatch serve: could not open a listener (${String(code ?? 'error')}): check that --listen ${config.listen.host}:${config.listen.port} and --admin ${config.admin.host}:${config.admin.port} are free and the addresses exist here.\n`)
    return EXIT_USAGE
  }
  const running = server
  return await new Promise<number>((resolve) => {
    let stopping = false
    const stop = (signal: NodeJS.Signals): void => {
      if (stopping) {
        // A second signal: stop waiting for in-flight exchanges.
        running.logger.warn({ signal }, 'second signal during shutdown: closing connections now')
        running.forceClose()
        return
      }
      stopping = true
      running.logger.info({ signal, graceMs: config.shutdownGraceMs }, 'shutting down: no new connections, in-flight exchanges may finish')
      void running.close().then(() => {
        process.off('SIGTERM', stop)
        process.off('SIGINT', stop)
        resolve(EXIT_OK)
      })
    }
    process.on('SIGTERM', stop)
    process.on('SIGINT', stop)
  })
}
