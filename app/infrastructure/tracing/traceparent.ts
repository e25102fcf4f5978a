import { randomFillSync } from 'node:crypto'

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

/*
 * Random bytes are drawn from a pool refilled 4 KiB at a time: every message
 * and request needs 24 of them, and one call into the CSPRNG per id showed up
 * in the web process's profile under load.
 */
const POOL = Buffer.alloc(4096)
let poolOffset = POOL.length

function nonZeroHex(bytes: number): string {
  if (poolOffset + bytes > POOL.length) {
    randomFillSync(POOL)
    poolOffset = 0
  }
  const hex = POOL.toString('hex', poolOffset, (poolOffset += bytes))
  return /^0+$/.test(hex) ? nonZeroHex(bytes) : hex
}
