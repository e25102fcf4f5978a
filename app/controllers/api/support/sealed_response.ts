import type { HttpContext } from '@adonisjs/core/http'
import type { SqlTransaction } from '#infrastructure/database/direct'

/*
 * Renders an action's result as the JSON answer and, when the request holds
 * an Idempotency-Key, stores that exact answer inside the action's own
 * transaction (see IdempotencyClaim). Usage:
 *
 *   const answer = sealedResponse(ctx, 201, (entry) => transactionJson(entry))
 *   answer.send(await action.handle(input, answer.hooks))
 */
export function sealedResponse<T>(
  ctx: HttpContext,
  status: number,
  render: (result: T) => unknown
) {
  let json: string | undefined
  const claim = ctx.idempotency
  return {
    // No key, no hook: an action may then skip its explicit transaction (see PostDeposit).
    hooks: claim
      ? {
          beforeCommit: async (trx: SqlTransaction, result: T) => {
            json = JSON.stringify(render(result))
            await claim.seal(trx, status, json)
          },
        }
      : {},
    send(result: T) {
      ctx.response
        .status(status)
        .header('Content-Type', 'application/json; charset=utf-8')
        .send(json ?? JSON.stringify(render(result)))
    },
  }
}
