// `hopwatch lint` called in this process, its output collected: shared by the lint CLI tests.
import { lint } from '../../src/cli/lint.js'
import type { CliIO } from '../../src/cli/io.js'

export async function run (...argv: string[]): Promise<{ code: number, out: string, err: string }> {
  let out = ''
  let err = ''
  const io: CliIO = { stdout: (s) => { out += s }, stderr: (s) => { err += s }, env: {} }
  const code = await lint(argv, io)
  return { code, out, err }
}
