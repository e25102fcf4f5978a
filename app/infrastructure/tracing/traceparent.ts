import { randomBytes } from 'node:crypto'

/* W3C Trace Context `traceparent`: version-traceid-parentid-flags, lowercase hex. */
const TRACEPARENT = /^([\da-f]{2})-([\da-f]{32})-([\da-f]{16})-([\da-f]{2})$/

export function isValidTraceparent(value: unknown): value is string {
  if (typeof value !== 'string') return false
  const match = TRACEPARENT.exec(value)
  if (!match) return false
  const [, version, traceId, parentId] = match
  return version !== 'ff' && !/^0+$/.test(traceId) && !/^0+$/.test(parentId)
}

/* A new sampled trace: random trace id and parent (span) id. */
export function newTraceparent() {
  return `00-${nonZeroHex(16)}-${nonZeroHex(8)}-01`
}

/* Keeps a valid incoming traceparent, otherwise starts a new trace. */
export function ensureTraceparent(value: unknown) {
  return isValidTraceparent(value) ? value : newTraceparent()
}

function nonZeroHex(bytes: number): string {
  const hex = randomBytes(bytes).toString('hex')
  return /^0+$/.test(hex) ? nonZeroHex(bytes) : hex
}
