import type { HttpContext } from '@adonisjs/core/http'
import { direct, type Transaction } from '#infrastructure/database/direct'
import {
  IdempotencyStore,
  isClaimLost,
  type Claim,
} from '#infrastructure/idempotency/idempotency_store'
import { BusinessRefusal } from '#exceptions/business_refusal'
import { apiError } from '#exceptions/api_error'
import { IdempotencyKeyLostException } from '#exceptions/idempotency_exceptions'
import { audited, type AuditSpec } from '#infrastructure/audit/audit_log'
import { apiOrigin } from '#infrastructure/audit/audit_origin'

/* A use case that writes: it runs inside the transaction it is given. */
export interface WriteAction<Input, Result> {
  handle(trx: Transaction, input: Input): Promise<Result>
}

declare module '@adonisjs/core/http' {
  interface HttpContext {
    /* The request's claim on its Idempotency-Key (IdempotencyMiddleware), if it sent one. */
    idempotency?: Claim
  }
}

const store = new IdempotencyStore()

/*
 * The answer of an API write, in one straight line:
 *   1. open the transaction (see `opener`);
 *   2. run the action in it, with its audit_log row when `audit` is given;
 *   3. render the result (a transformer) to the bytes of the answer;
 *   4. with an Idempotency-Key: store those bytes under the request's claim,
 *      in the same transaction, so the answer commits with the effect (the
 *      audit row and the seal go to PostgreSQL together with the COMMIT);
 *   5. commit, then send the bytes.
 * A business refusal that ran (409 insufficient funds, invalid state…) is the
 * key's answer too: it is stored after its effect rolled back, then sent.
 * Anything else thrown leaves the claim unsealed; IdempotencyMiddleware then
 * releases it. See docs/architecture.md, "An Idempotency-Key's way".
 */
export async function idempotentResponse<Input, Result>(
  ctx: HttpContext,
  status: number,
  action: WriteAction<Input, Result>,
  input: Input,
  render: (result: Result) => unknown,
  audit?: AuditSpec<Result, any>
) {
  const claim = ctx.idempotency
  let body: string
  try {
    body = await opener(
      action,
      claim,
      audit
    )(async (trx) => {
      const run = () => action.handle(trx, input)
      const result = audit ? await audited(trx, apiOrigin(ctx), audit, run) : await run()
      const json = JSON.stringify(render(result))
      if (claim) store.sealWith(trx, claim, status, json)
      return json
    })
  } catch (error) {
    if (isClaimLost(error)) throw new IdempotencyKeyLostException()
    if (!claim || !isStoredRefusal(error)) throw error
    const refusal = apiError(error.status, error.code!, error.message)
    await store.seal(claim, refusal.status, JSON.stringify({ errors: refusal.errors }))
    throw error
  }
  ctx.response.status(status).header('Content-Type', 'application/json; charset=utf-8').send(body)
}

/*
 * A real transaction, except for an action that writes exactly one statement
 * (`static singleStatement = true`) on a request without a key or audit: that
 * statement is atomic alone, and BEGIN and COMMIT would be two more round
 * trips (docs/adr/0008).
 */
function opener(action: object, claim: Claim | undefined, audit: object | undefined) {
  const single = (action.constructor as { singleStatement?: boolean }).singleStatement
  return single && !claim && !audit ? direct.singleStatement : direct.transaction
}

/* Retryable with the same key (CONTRACT.md), so never stored. */
const NOT_STORED = new Set([401, 403, 429])

/* The contract stores business refusals that ran; never a lost claim's. */
function isStoredRefusal(error: unknown): error is BusinessRefusal {
  return (
    error instanceof BusinessRefusal &&
    !(error instanceof IdempotencyKeyLostException) &&
    error.status < 500 &&
    !NOT_STORED.has(error.status)
  )
}
