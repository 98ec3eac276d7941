// Flag parsing shared by every command: node:util parseArgs (strict), errors turned into one
// plain sentence that never echoes a value (a misplaced token must not reach a terminal log).
import { parseArgs } from 'node:util'

export class UsageError extends Error {}

export type FlagSpec = Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>
export type FlagValue = string | string[] | boolean | undefined
export type FlagValues = Record<string, FlagValue>

export interface ParsedFlags { values: FlagValues; positionals: string[]; help: boolean }

function sentence (err: unknown, command: string): string {
  const message = err instanceof Error ? err.message : ''
  const unknown = /Unknown option '(--?[A-Za-z0-9-]+)/.exec(message)
  if (unknown !== null) return `unknown flag ${unknown[1]}: run \`hopwatch ${command} --help\` for the flags.`
  const missing = /Option '(--[A-Za-z0-9-]+)[^']*' argument missing/.exec(message)
  if (missing !== null) return `${missing[1]} needs a value.`
  if (/positional/.test(message)) return `hopwatch ${command} takes flags only (run \`hopwatch ${command} --help\`).`
  if (/does not take an argument/.test(message)) {
    const flag = /'(--[A-Za-z0-9-]+)/.exec(message)
    return `${flag?.[1] ?? 'a switch'} takes no value.`
  }
  return `bad flags: run \`hopwatch ${command} --help\`.`
}

export function parseFlags (argv: string[], spec: FlagSpec, command: string, allowPositionals = false): ParsedFlags {
  try {
    const parsed = parseArgs({ args: argv, options: { ...spec, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals })
    const values = parsed.values as FlagValues
    return { values, positionals: parsed.positionals, help: values.help === true }
  } catch (err) {
    throw new UsageError(sentence(err, command))
  }
}

/** The last value of a string flag. */
export const str = (v: FlagValue): string | undefined => (typeof v === 'boolean' ? undefined : Array.isArray(v) ? v[v.length - 1] : v)
/** Every value of a repeatable string flag. */
export const list = (v: FlagValue): string[] => (v === undefined || typeof v === 'boolean' ? [] : Array.isArray(v) ? v : [v])

/** Plain decimal digits only: no sign, exponent, hex, spaces or fractions (Number() takes all of those). */
const DIGITS = /^[0-9]{1,16}$/

/** A whole number in [min, max] written in plain digits, or null when it is not one. */
export function wholeInRange (value: string, min: number, max: number): number | null {
  if (!DIGITS.test(value)) return null
  const n = Number(value)
  return Number.isSafeInteger(n) && n >= min && n <= max ? n : null
}

/** A whole number of milliseconds in [min, max], or the fallback when the flag is absent. */
export function millis (flag: string, value: string | undefined, fallback: number, min = 1, max = 3_600_000): number {
  if (value === undefined) return fallback
  const n = wholeInRange(value, min, max)
  if (n === null) throw new UsageError(`${flag} must be a whole number of milliseconds from ${min} to ${max}.`)
  return n
}

/** One of the allowed words. */
export function oneOf<T extends string> (flag: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`${flag} must be ${allowed.join(' or ')}.`)
  return value as T
}
