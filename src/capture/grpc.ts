// gRPC's answer, read from the upstream's trailers (or from the head of a trailers-only answer,
// which is how gRPC sends most errors): the status code and, when it reads like words, the
// message. UNAUTHENTICATED (16) counts as a 401 and PERMISSION_DENIED (7) as a 403 wherever the
// diagnosis and the store ask "was this refused for its credentials?".
import type { HeaderBag, ResponseSummary } from './types.js'
import { isWordLike } from './words.js'

/** gRPC status codes (grpc/doc/statuscodes.md) that hopwatch reads as HTTP's 401 and 403. */
export const GRPC_UNAUTHENTICATED = 16
export const GRPC_PERMISSION_DENIED = 7

/** A message that is not shown: it has a piece that does not read like words. */
export const MESSAGE_NOT_SHOWN = '(not shown)'

const MAX_MESSAGE = 256
/** Pieces of a message: words between spaces and punctuation. */
const PIECES = /[\s;,:()/+='"!?[\]{}<>]+/

export interface GrpcOutcome { grpcStatus: number; grpcMessage?: string }

function first (headers: HeaderBag, name: string): string | null {
  const value = headers[name]
  if (value === undefined) return null
  const one = Array.isArray(value) ? value[0] : value
  return one === undefined ? null : String(one)
}

/** grpc-message is percent-encoded (gRPC over HTTP/2, "Responses"); null when it does not decode. */
function decoded (value: string): string | null {
  try {
    return decodeURIComponent(value)
  } catch {
    return null
  }
}

/** The message as it may be shown: every piece reads like words (or is a short number), else MESSAGE_NOT_SHOWN. */
export function shownGrpcMessage (raw: string): string {
  const text = decoded(raw)
  if (text === null || text.length > MAX_MESSAGE) return MESSAGE_NOT_SHOWN
  let words = 0
  for (const piece of text.split(PIECES)) {
    if (piece === '') continue
    if (/^\d{1,4}$/.test(piece)) continue
    if (!isWordLike(piece)) return MESSAGE_NOT_SHOWN
    words++
  }
  return words === 0 ? MESSAGE_NOT_SHOWN : text
}

/** grpc-status and grpc-message from the trailers, else from the head; null when neither has a status. */
export function grpcOutcome (headers: HeaderBag, trailers: HeaderBag | null | undefined): GrpcOutcome | null {
  const from = trailers !== null && trailers !== undefined && first(trailers, 'grpc-status') !== null ? trailers : headers
  const status = first(from, 'grpc-status')
  if (status === null || !/^\d{1,3}$/.test(status.trim())) return null
  const outcome: GrpcOutcome = { grpcStatus: Number(status.trim()) }
  const message = first(from, 'grpc-message')
  if (message !== null && message !== '') outcome.grpcMessage = shownGrpcMessage(message)
  return outcome
}

/** The upstream refused the request for want of (valid) credentials: HTTP 401, or gRPC UNAUTHENTICATED. */
export function isUnauthenticated (response: ResponseSummary): boolean {
  return response.status === 401 || response.grpcStatus === GRPC_UNAUTHENTICATED
}

/** The upstream knows who is asking and refuses: HTTP 403, or gRPC PERMISSION_DENIED. */
export function isForbidden (response: ResponseSummary): boolean {
  return response.status === 403 || response.grpcStatus === GRPC_PERMISSION_DENIED
}

/** How the refusal reads in evidence: `401`, or `gRPC UNAUTHENTICATED (16)`. */
export function refusalName (response: ResponseSummary): string {
  if (response.grpcStatus === GRPC_UNAUTHENTICATED && response.status !== 401) return 'gRPC UNAUTHENTICATED (16)'
  if (response.grpcStatus === GRPC_PERMISSION_DENIED && response.status !== 403) return 'gRPC PERMISSION_DENIED (7)'
  return String(response.status)
}
