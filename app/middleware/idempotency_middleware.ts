import { createHash } from 'node:crypto'
import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import payoutsConfig from '#config/payouts'
import { IdempotencyStore } from '#infrastructure/idempotency/idempotency_store'
import { idempotencyMetrics } from '#infrastructure/idempotency/metrics'
import {
  IdempotencyKeyInUseException,
  IdempotencyKeyReusedException,
  InvalidIdempotencyKeyException,
} from '#exceptions/idempotency_exceptions'

const METHODS = new Set(['POST', 'PATCH', 'DELETE'])
const VALID_KEY = /^[\x20-\x7E]{1,255}$/
/* idempotency_keys.path is a varchar(2048). */
const MAX_STORED_PATH = 2048

/* JSON with sorted keys, so the fingerprint does not depend on key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0
    )
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}

/*
 * Idempotency-Key on POST, PATCH and DELETE under /api/v1 (after the token is
 * authenticated: keys are scoped to the token's owner). It claims the key
 * (or answers with the stored answer, 422 reused, 409 in use) and puts the
 * claim on `ctx.idempotency`; idempotentResponse() stores the answer under it.
 * A request that ends without storing one (validation 422s, 401/403, 5xx…)
 * releases the key, so the client may retry with it. See CONTRACT.md.
 */
export default class IdempotencyMiddleware {
  private store = new IdempotencyStore()

  async handle(ctx: HttpContext, next: NextFn) {
    const key = ctx.request.header('idempotency-key')
    if (!METHODS.has(ctx.request.method()) || key === undefined) return next()
    if (!VALID_KEY.test(key)) throw new InvalidIdempotencyKeyException()

    const ownerId = ctx.auth.use('api').getUserOrFail().id
    const method = ctx.request.method()
    // As sent, still percent-encoded: the decoded path may hold a NUL, which PostgreSQL refuses.
    const path = ctx.request.request.url ?? ctx.request.url(true)
    const fingerprint = createHash('sha256')
      .update(`${method}\n${path}\n${canonical(ctx.request.body())}`)
      .digest('hex')

    const outcome = await this.store.claim({
      ownerId,
      key,
      fingerprint,
      method,
      // The column keeps the path for people reading the table; the fingerprint has all of it.
      path: path.slice(0, MAX_STORED_PATH),
      ttlHours: payoutsConfig.idempotencyTtlHours,
      staleAfterSeconds: payoutsConfig.idempotencyStaleLockSeconds,
    })

    if (outcome.kind === 'replay') {
      idempotencyMetrics.outcomes.inc({ outcome: 'replayed' })
      ctx.response.header('Idempotent-Replayed', 'true')
      ctx.response.header('Content-Type', 'application/json; charset=utf-8')
      return ctx.response.status(outcome.status).send(outcome.body)
    }
    if (outcome.kind === 'reused') {
      idempotencyMetrics.outcomes.inc({ outcome: 'reused' })
      throw new IdempotencyKeyReusedException()
    }
    if (outcome.kind === 'in_flight') {
      idempotencyMetrics.outcomes.inc({ outcome: 'in_use' })
      throw new IdempotencyKeyInUseException()
    }

    idempotencyMetrics.outcomes.inc({ outcome: 'claimed' })
    ctx.idempotency = outcome.claim
    try {
      await next()
    } finally {
      if (!outcome.claim.sealed) await this.store.release(outcome.claim)
    }
  }
}
