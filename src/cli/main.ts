#!/usr/bin/env node
// The hopwatch CLI: one file per command, dispatched from a lookup map.
import { pathToFileURL } from 'node:url'
import { realpathSync } from 'node:fs'
import { EXIT_OK, EXIT_USAGE, processIO, type CliIO, type Command } from './io.js'
import { packageVersion } from './version.js'

const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  serve: { summary: 'run the auditing sidecar in front of an app', load: async () => (await import('./serve.js')).serve },
  report: { summary: "print a running sidecar's report (exit 1 when it holds an error finding)", load: async () => (await import('./report.js')).report },
  probe: { summary: 'send signed canary credentials through a chain and name the hop that loses them', load: async () => (await import('./probe.js')).probe },
  lint: { summary: 'find auth-stripping lines in NGINX and Apache configs before they ship', load: async () => (await import('./lint.js')).lint },
  health: { summary: 'check a running sidecar through its admin listener (container health checks, probes)', load: async () => (await import('./health.js')).health },
  demo: { summary: 'run a built-in demo: an app, a layer that strips Authorization, hopwatch between', load: async () => (await import('./demo.js')).demo }
}

export function mainHelp (): string {
  const rows = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(8)} ${c.summary}`)
  return `hopwatch ${packageVersion()}: finds which layer ate your Authorization header.

Usage: hopwatch <command> [flags]

Commands:
${rows.join('\n')}

  hopwatch <command> --help   flags of one command
  hopwatch --version          the version
`
}

export async function main (argv: string[], io: CliIO = processIO): Promise<number> {
  const [name, ...rest] = argv
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') { io.stdout(mainHelp()); return EXIT_OK }
  if (name === '--version' || name === '-v') { io.stdout(`${packageVersion()}\n`); return EXIT_OK }
  const command = COMMANDS[name]
  if (command === undefined) {
    io.stderr(`hopwatch: unknown command "${name}": run \`hopwatch --help\` for the list.\n`)
    return EXIT_USAGE
  }
  return await (await command.load())(rest, io)
}

function isEntry (): boolean {
  const entry = process.argv[1]
  if (entry === undefined) return false
  try { return import.meta.url === pathToFileURL(realpathSync(entry)).href } catch { return false }
}

if (isEntry()) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code }, (err: unknown) => {
    console.error(`hopwatch: unexpected failure: ${(err as Error)?.message ?? String(err)}`)
    process.exitCode = 70
  })
}
