// `hopwatch report --admins FILE`: the admin listeners of a fleet, one URL (or HOST:PORT) a line.
import { readFileSync, statSync } from 'node:fs'
import { UsageError } from '../config/flags.js'
import { adminUrlFrom } from './admin-target.js'

/** A list of admin URLs is small; anything bigger is the wrong file. */
const MAX_LIST_BYTES = 1024 * 1024

export function readAdminList (file: string): URL[] {
  let text: string
  try {
    const stat = statSync(file)
    if (!stat.isFile()) throw new UsageError('--admins must name a regular file of admin URLs, one per line.')
    if (stat.size > MAX_LIST_BYTES) throw new UsageError('--admins names a file larger than 1 MiB; give a list of admin URLs, one per line.')
    text = readFileSync(file, 'utf8')
  } catch (err) {
    if (err instanceof UsageError) throw err
    throw new UsageError('--admins names a file that cannot be read.')
  }
  const urls: URL[] = []
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/#.*$/, '').trim()
    if (line === '') return
    urls.push(adminUrlFrom(line, `--admins line ${i + 1}`))
  })
  if (urls.length === 0) throw new UsageError('--admins names a file with no admin URL in it.')
  return urls
}
