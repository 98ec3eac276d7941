// TLS to an https upstream: verified against the system CAs by default, plus a private CA
// (--upstream-ca), or not at all (--upstream-insecure, marked on every exchange). A certificate
// the upstream presents and hopwatch refuses is a 502 `upstream_tls` that says why.
import { createSecureContext, rootCertificates, type SecureContext } from 'node:tls'

export type UpstreamTls = 'verified' | 'unverified'

export interface UpstreamTlsOptions {
  /** PEM certificates trusted besides the system CAs; null for the system CAs alone. */
  ca: string | null
  insecure: boolean
}

/** What undici's connector passes on to tls.connect (ignored for an http:// upstream). */
export interface TlsConnectOptions {
  rejectUnauthorized: boolean
  secureContext?: SecureContext
}

/**
 * One secure context for every connection: Node's default trust store, with the private CA
 * added rather than substituted (`ca` alone would replace the public roots).
 */
export function tlsConnectOptions (options: UpstreamTlsOptions): TlsConnectOptions {
  if (options.insecure) return { rejectUnauthorized: false }
  if (options.ca === null) return { rejectUnauthorized: true }
  return { rejectUnauthorized: true, secureContext: createSecureContext({ ca: [...rootCertificates, options.ca] }) }
}

/** The reason a certificate was refused, by Node's (OpenSSL's) error code; null when not a certificate error. */
const REASONS: Record<string, string> = {
  CERT_HAS_EXPIRED: 'certificate has expired',
  CERT_NOT_YET_VALID: 'certificate is not yet valid',
  ERR_TLS_CERT_ALTNAME_INVALID: 'hostname mismatch: the certificate does not name the upstream host',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed certificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'certificate chain ends in an untrusted self-signed CA',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'certificate is not signed by a trusted CA',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'certificate is not signed by a trusted CA',
  UNABLE_TO_GET_ISSUER_CERT: 'certificate is not signed by a trusted CA',
  CERT_UNTRUSTED: 'certificate is not trusted',
  CERT_REVOKED: 'certificate is revoked',
  CERT_SIGNATURE_FAILURE: 'certificate signature is invalid',
  CERT_REJECTED: 'certificate is rejected',
  INVALID_CA: 'an issuing certificate is not a valid CA',
  INVALID_PURPOSE: 'certificate is not for TLS servers',
  ERR_SSL_WRONG_VERSION_NUMBER: 'the upstream does not speak TLS on this port',
  ERR_TLS_HANDSHAKE_TIMEOUT: 'TLS handshake timed out'
}

/** The reason for an error code, when it is a refusal of the upstream's certificate or handshake. */
export function tlsReason (code: string): string | null {
  const known = REASONS[code]
  if (known !== undefined) return known
  if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_')) return 'TLS handshake failed'
  return null
}
