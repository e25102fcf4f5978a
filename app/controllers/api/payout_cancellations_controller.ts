import { inject } from '@adonisjs/core'
import type { HttpContext } from '@adonisjs/core/http'
import { CancelPayout } from '#actions/payouts/cancel_payout'
import { payoutJson } from '#transformers/payout_transformer'
import { sealedResponse } from '#controllers/api/support/sealed_response'
import { uuidParam } from '#controllers/api/support/params'
import { actorOf } from '#controllers/api/support/params'

@inject()
export default class PayoutCancellationsController {
  constructor(private cancelPayout: CancelPayout) {}

  /* POST /api/v1/payouts/:id/cancel and DELETE /api/v1/payouts/:id */
  async store(ctx: HttpContext) {
    const id = uuidParam(ctx.params.id)
    const answer = sealedResponse(ctx, 200, payoutJson)
    answer.send(await this.cancelPayout.handle(id, actorOf(ctx), answer.hooks))
  }
}
