// Every command is a function callable without a process: argv in, exit code out.
export interface CliIO {
  stdout: (text: string) => void
  stderr: (text: string) => void
  env: NodeJS.ProcessEnv
}

export type Command = (argv: string[], io: CliIO) => Promise<number>

/** Exit codes shared by every command. */
export const EXIT_OK = 0
export const EXIT_FINDINGS = 1
export const EXIT_USAGE = 2

export const processIO: CliIO = {
  stdout: (text) => { process.stdout.write(text) },
  stderr: (text) => { process.stderr.write(text) },
  env: process.env
}
