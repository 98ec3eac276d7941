// A throwaway CA and server certificates, made with openssl in a temp dir at test time (no key
// material in the repo), and a real https upstream on port 0 serving one of them.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createServer, type Server } from 'node:https'
import type { AddressInfo } from 'node:net'

export interface Pem { cert: string; key: string }

export interface TestPki {
  dir: string
  /** Path of the CA certificate (for --upstream-ca). */
  caFile: string
  /** A certificate for IP 127.0.0.1, valid now. */
  good: Pem
  /** Valid now, but for DNS other.example only. */
  otherName: Pem
  /** For 127.0.0.1, but its validity ended in 2021. */
  expired: Pem
  /** For 127.0.0.1, signed by a CA nobody trusts. */
  untrusted: Pem
  remove: () => void
}

const EXTENSIONS = `[ip]
basicConstraints = CA:FALSE
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1
[other]
basicConstraints = CA:FALSE
extendedKeyUsage = serverAuth
subjectAltName = DNS:other.example
`

function caConfig (dir: string): string {
  return `[ca]
default_ca = test_ca
[test_ca]
database = ${join(dir, 'index.txt')}
new_certs_dir = ${join(dir, 'issued')}
serial = ${join(dir, 'serial')}
default_md = sha256
policy = any_name
unique_subject = no
copy_extensions = none
[any_name]
commonName = supplied
`
}

/** `openssl ca` date form: YYYYMMDDHHMMSSZ. */
function stamp (date: Date): string {
  return date.toISOString().replace(/[-:T]/g, '').replace(/\.\d+Z$/, 'Z')
}

function openssl (args: string[]): void {
  execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] })
}

function makeCa (dir: string, name: string): { cert: string; key: string } {
  const key = join(dir, `${name}.key`)
  const cert = join(dir, `${name}.pem`)
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert,
    '-subj', `/CN=hopwatch test ${name}`, '-days', '2', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'])
  return { cert, key }
}

function issue (dir: string, ca: { cert: string; key: string }, name: string, section: string, from: Date, to: Date): Pem {
  const key = join(dir, `${name}.key`)
  const csr = join(dir, `${name}.csr`)
  const cert = join(dir, `${name}.pem`)
  openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', csr, '-subj', `/CN=${name}`])
  openssl(['ca', '-config', join(dir, 'ca.cnf'), '-batch', '-notext', '-cert', ca.cert, '-keyfile', ca.key, '-in', csr, '-out', cert,
    '-startdate', stamp(from), '-enddate', stamp(to), '-extfile', join(dir, 'ext.cnf'), '-extensions', section])
  return { cert: readFileSync(cert, 'utf8'), key: readFileSync(key, 'utf8') }
}

export function makePki (): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'hopwatch-tls-'))
  mkdirSync(join(dir, 'issued'))
  writeFileSync(join(dir, 'index.txt'), '')
  writeFileSync(join(dir, 'serial'), '1000\n')
  writeFileSync(join(dir, 'ca.cnf'), caConfig(dir))
  writeFileSync(join(dir, 'ext.cnf'), EXTENSIONS)
  const ca = makeCa(dir, 'ca')
  const stranger = makeCa(dir, 'stranger')
  const now = Date.now()
  const from = new Date(now - 86_400_000)
  const to = new Date(now + 86_400_000)
  return {
    dir,
    caFile: ca.cert,
    good: issue(dir, ca, 'good', 'ip', from, to),
    otherName: issue(dir, ca, 'other', 'other', from, to),
    expired: issue(dir, ca, 'expired', 'ip', new Date('2020-01-01T00:00:00Z'), new Date('2021-01-01T00:00:00Z')),
    untrusted: issue(dir, stranger, 'untrusted', 'ip', from, to),
    remove: () => rmSync(dir, { recursive: true, force: true })
  }
}

export interface HttpsUpstream { url: string; server: Server; requests: number; close: () => Promise<void> }

/** A real https upstream on 127.0.0.1, port 0, answering 200 `{"ok":true}`. */
export async function startHttpsUpstream (pem: Pem): Promise<HttpsUpstream> {
  const upstream: HttpsUpstream = {
    url: '',
    requests: 0,
    server: createServer({ cert: pem.cert, key: pem.key }, (req, res) => {
      upstream.requests++
      req.resume()
      req.on('end', () => { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"ok":true}') })
    }),
    close: async () => {
      upstream.server.closeAllConnections()
      await new Promise<void>((resolve) => upstream.server.close(() => resolve()))
    }
  }
  await new Promise<void>((resolve) => upstream.server.listen(0, '127.0.0.1', resolve))
  upstream.url = `https://127.0.0.1:${(upstream.server.address() as AddressInfo).port}`
  return upstream
}
