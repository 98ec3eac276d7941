// A stand-in IncomingMessage for unit tests of the tap: the tap reads rawHeaders only.
import type { IncomingMessage } from 'node:http'
import type { CanaryLine } from '../../src/probe/canary.js'

export function fakeRequest (lines: CanaryLine[]): IncomingMessage {
  const rawHeaders = lines.flatMap((l) => [l.name, l.value])
  return { rawHeaders } as unknown as IncomingMessage
}
