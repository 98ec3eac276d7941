// Real clients for the differential suite: curl, Node's fetch and undici, python3-requests, and a
// raw TCP socket for what clients won't send. Each returns the final status and the sha256 of
// the final body, the same way whichever base URL (direct or through hopwatch) it is given.
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readFile, rm } from 'node:fs/promises'
import { connect } from 'node:net'
import { join } from 'node:path'

export interface ClientResult {
  status: number
  bodySha256: string
  /** Interim (1xx) statuses seen before the final one (raw socket only). */
  interim: number[]
}

const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex')
const CLIENT_TIMEOUT_MS = 20_000

function run (file: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: CLIENT_TIMEOUT_MS, maxBuffer: 1024 * 1024 }, (err, stdout) => {
      if (err !== null) reject(err)
      else resolve(stdout)
    })
  })
}

/** curl with `args`, then the URL base + path; the body goes to a file in `dir`. */
export async function curl (dir: string, base: string, path: string, args: string[]): Promise<ClientResult> {
  const out = join(dir, `curl-${process.hrtime.bigint()}.body`)
  const code = await run('curl', ['-s', '-S', '-o', out, '-w', '%{http_code}', '--max-time', '15', ...args, base + path])
  // With -I curl writes the answer's head as its output (Date and all): a HEAD answer has no body.
  const body = args.includes('-I') ? Buffer.alloc(0) : await readFile(out).catch(() => Buffer.alloc(0))
  await rm(out, { force: true })
  return { status: Number(code.trim()), bodySha256: sha256(body), interim: [] }
}

/** A python3-requests script; it prints `<status> <sha256 of the body>`. */
export async function python (base: string, script: string): Promise<ClientResult> {
  const program = `import sys, hashlib, requests\nbase = sys.argv[1]\n${script}\nprint(r.status_code, hashlib.sha256(r.content).hexdigest())`
  const [status, hash] = (await run('/usr/bin/python3', ['-c', program, base])).trim().split(' ')
  return { status: Number(status), bodySha256: hash ?? '', interim: [] }
}

/** A Node client (fetch, undici.request...) given the base URL; it returns status and body. */
export async function node (base: string, send: (base: string) => Promise<{ status: number; body: Buffer }>): Promise<ClientResult> {
  const { status, body } = await send(base)
  return { status, bodySha256: sha256(body), interim: [] }
}

const HEAD_END = Buffer.from('\r\n\r\n')

/** De-chunk a chunked body; null while incomplete. */
function dechunk (data: Buffer): Buffer | null {
  const parts: Buffer[] = []
  let at = 0
  for (let guard = 0; guard < 100_000; guard++) {
    const eol = data.indexOf('\r\n', at)
    if (eol < 0) return null
    const size = parseInt(data.subarray(at, eol).toString('latin1').split(';')[0] ?? '', 16)
    if (Number.isNaN(size)) return Buffer.alloc(0)
    if (size === 0) return data.indexOf(HEAD_END, eol - 2) >= 0 ? Buffer.concat(parts) : null
    if (data.length < eol + 2 + size + 2) return null
    parts.push(data.subarray(eol + 2, eol + 2 + size))
    at = eol + 2 + size + 2
  }
  return null
}

interface Parsed { status: number; interim: number[]; body: Buffer; complete: boolean }

/** Parse what arrived so far: interim answers, then the final head and as much body as framed. */
function parse (data: Buffer, head: boolean, ended: boolean): Parsed {
  const interim: number[] = []
  let at = 0
  for (let guard = 0; guard < 10; guard++) {
    const end = data.indexOf(HEAD_END, at)
    if (end < 0) return { status: 0, interim, body: Buffer.alloc(0), complete: ended }
    const text = data.subarray(at, end).toString('latin1')
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0)
    if (status >= 100 && status < 200) { interim.push(status); at = end + 4; continue }
    const rest = data.subarray(end + 4)
    if (head || status === 204 || status === 304) return { status, interim, body: Buffer.alloc(0), complete: true }
    const length = /\r\ncontent-length: *(\d+)/i.exec(text)
    if (length !== null) {
      const n = Number(length[1])
      return { status, interim, body: rest.subarray(0, n), complete: rest.length >= n }
    }
    if (/\r\ntransfer-encoding: *chunked/i.test(text)) {
      const body = dechunk(rest)
      return { status, interim, body: body ?? Buffer.alloc(0), complete: body !== null || ended }
    }
    return { status, interim, body: rest, complete: ended }
  }
  return { status: 0, interim, body: Buffer.alloc(0), complete: true }
}

export interface RawOptions {
  /** The request is HEAD: the answer has no body whatever its head says. */
  head?: boolean
  /** Bytes sent after a `100 Continue` arrives (an Expect: 100-continue client). */
  afterContinue?: Buffer | string
}

/** Raw bytes over a fresh TCP connection; resolves with the first final answer (bounded in time). */
export function raw (base: string, bytes: Buffer | string, options: RawOptions = {}): Promise<ClientResult> {
  const { hostname, port } = new URL(base)
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname)
    let data = Buffer.alloc(0)
    let sentRest = options.afterContinue === undefined
    let done = false
    const finish = (ended: boolean): void => {
      const parsed = parse(data, options.head === true, ended)
      if (!sentRest && parsed.interim.includes(100)) { sentRest = true; socket.write(options.afterContinue ?? '') }
      if (done || !parsed.complete) return
      done = true
      clearTimeout(timer)
      socket.destroy()
      resolve({ status: parsed.status, bodySha256: sha256(parsed.body), interim: parsed.interim })
    }
    const timer = setTimeout(() => finish(true), 5000)
    socket.on('data', (chunk: Buffer) => { data = Buffer.concat([data, chunk]); finish(false) })
    socket.on('end', () => finish(true))
    socket.on('close', () => finish(true))
    socket.on('error', () => finish(true))
    socket.write(bytes)
  })
}
