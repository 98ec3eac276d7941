// --big: a 1 GiB upload and a 1 GiB download through hopwatch, streamed, bytes generated on
// the fly and hashed at both ends; the proxy's RSS sampled throughout.
import { request } from 'node:http'
import { createHash } from 'node:crypto'
import { pipeline } from 'node:stream/promises'
import { patternStream } from './pattern.js'
import { rssBytes, rssSampler, HOST } from './procs.js'
import type { Target } from './targets.js'

export interface Transfer {
  direction: 'upload' | 'download'
  bytes: number
  ok: boolean
  detail: string
  seconds: number
  mibPerS: number
  rssBeforeBytes: number
  rssMaxBytes: number
  rssGrowthBytes: number
}

const TIME_BOUND_MS = 180_000

async function upload (target: Target, bytes: number): Promise<{ ok: boolean; detail: string }> {
  const hash = createHash('sha1')
  return await new Promise((resolve, reject) => {
    const req = request({ host: HOST, port: target.port, method: 'POST', path: '/upload/big', agent: false, timeout: TIME_BOUND_MS, headers: { 'content-type': 'application/octet-stream', 'content-length': bytes, authorization: 'Bearer synthetic-upload-token' } }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => { body += c })
      res.on('end', () => {
        const sent = hash.digest('hex')
        try {
          const got = JSON.parse(body) as { bytes?: number; sha1?: string }
          const ok = res.statusCode === 200 && got.bytes === bytes && got.sha1 === sent
          resolve({ ok, detail: `status ${res.statusCode ?? 0}, upstream got ${got.bytes ?? '?'} bytes, sha1 ${got.sha1 === sent ? 'equal' : 'DIFFERENT'}` })
        } catch { resolve({ ok: false, detail: `status ${res.statusCode ?? 0}, body ${body.slice(0, 200)}` }) }
      })
    })
    req.on('timeout', () => req.destroy(new Error('upload timed out')))
    req.on('error', reject)
    pipeline(patternStream(bytes, (chunk) => hash.update(chunk)), req).catch(reject)
  })
}

/** sha1 of `bytes` pattern bytes, computed from the generator without keeping anything. */
async function patternSha1 (bytes: number): Promise<string> {
  const expected = createHash('sha1')
  for await (const chunk of patternStream(bytes)) expected.update(chunk as Buffer)
  return expected.digest('hex')
}

async function download (target: Target, bytes: number, want: string): Promise<{ ok: boolean; detail: string }> {
  return await new Promise((resolve, reject) => {
    const req = request({ host: HOST, port: target.port, method: 'GET', path: `/download?bytes=${bytes}`, agent: false, timeout: TIME_BOUND_MS, headers: { cookie: 'session=synthetic-download' } }, (res) => {
      const hash = createHash('sha1')
      let got = 0
      res.on('data', (chunk: Buffer) => { got += chunk.length; hash.update(chunk) })
      res.on('end', () => {
        const sha = hash.digest('hex')
        resolve({ ok: res.statusCode === 200 && got === bytes && sha === want, detail: `status ${res.statusCode ?? 0}, got ${got} bytes, sha1 ${sha === want ? 'equal' : 'DIFFERENT'}` })
      })
      res.on('error', reject)
    })
    req.on('timeout', () => req.destroy(new Error('download timed out')))
    req.on('error', reject)
    req.end()
  })
}

export async function bigTransfers (target: Target, bytes: number, log: (line: string) => void): Promise<Transfer[]> {
  if (target.pid === null) throw new Error('big transfers need the proxy PID')
  const pid = target.pid
  const results: Transfer[] = []
  const want = await patternSha1(bytes)
  for (const direction of ['upload', 'download'] as const) {
    const before = rssBytes(pid) ?? 0
    const sampler = rssSampler(pid, 50)
    const t0 = performance.now()
    let outcome: { ok: boolean; detail: string }
    try {
      outcome = direction === 'upload' ? await upload(target, bytes) : await download(target, bytes, want)
    } catch (err) {
      outcome = { ok: false, detail: (err as Error).message }
    }
    const seconds = (performance.now() - t0) / 1000
    const { max } = sampler.stop()
    const result: Transfer = { direction, bytes, ...outcome, seconds, mibPerS: bytes / 1048576 / seconds, rssBeforeBytes: before, rssMaxBytes: max, rssGrowthBytes: max - before }
    results.push(result)
    log(`  ${direction} ${(bytes / 1073741824).toFixed(2)} GiB: ${outcome.ok ? 'intact' : 'FAILED'} (${outcome.detail}) in ${seconds.toFixed(1)} s, RSS ${(before / 1048576).toFixed(1)} -> max ${(max / 1048576).toFixed(1)} MiB (+${((max - before) / 1048576).toFixed(1)} MiB)`)
  }
  return results
}
