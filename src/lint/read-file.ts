// Reads one config file for lint, refusing what is not a config file: devices, FIFOs and sockets
// (`/dev/zero` would never end, a FIFO would wait for a writer) and files over MAX_CONFIG_BYTES.
// The file is opened non-blocking and checked with fstat on the open descriptor, so a path
// swapped between a check and the read cannot slip through.
import { closeSync, constants, fstatSync, openSync, readSync, statSync } from 'node:fs'

/** The largest single config file lint reads. Real configs are kilobytes. */
export const MAX_CONFIG_BYTES = 16 * 1024 * 1024

/** The message says why, without the path (the caller names it). */
export class ConfigFileError extends Error {}

const TOO_LARGE = `is larger than ${MAX_CONFIG_BYTES / 1024 / 1024} MiB; not read`

/**
 * Why lint refuses an existing path before reading it (not a regular file or folder, or too
 * large), as the end of a sentence; null when it may be read or does not exist.
 */
export function refusedReason (path: string): string | null {
  let stat
  try { stat = statSync(path) } catch { return null }
  if (stat.isDirectory()) return null
  if (!stat.isFile()) return 'it is not a regular file or folder (a device, FIFO or socket); lint reads config files only'
  if (stat.size > MAX_CONFIG_BYTES) return `it is larger than ${MAX_CONFIG_BYTES / 1024 / 1024} MiB; lint reads config files up to that size`
  return null
}

/** The text of a regular config file of at most MAX_CONFIG_BYTES; throws ConfigFileError otherwise. */
export function readConfigFile (path: string): string {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK)
  try {
    const stat = fstatSync(fd)
    if (!stat.isFile()) throw new ConfigFileError('is not a regular file (a device, FIFO or socket); not read')
    if (stat.size > MAX_CONFIG_BYTES) throw new ConfigFileError(TOO_LARGE)
    // Read at most one byte past the limit: a file that grows while being read is still bounded.
    const buffer = Buffer.alloc(Math.min(stat.size, MAX_CONFIG_BYTES) + 1)
    let length = 0
    for (let n = 1; n > 0 && length < buffer.length; length += n) n = readSync(fd, buffer, length, buffer.length - length, null)
    if (length > MAX_CONFIG_BYTES) throw new ConfigFileError(TOO_LARGE)
    return buffer.subarray(0, length).toString('utf8')
  } finally {
    closeSync(fd)
  }
}
