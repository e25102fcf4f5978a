import { inject } from '@adonisjs/core'
import type { HttpContext } from '@adonisjs/core/http'
import { CancelPayout } from '#actions/payouts/cancel_payout'
import { payoutJson } from '#transformers/payout_transformer'
import { idempotentResponse } from '#infrastructure/idempotency/idempotent_response'
import { payoutCanceled } from '#infrastructure/audit/audit_facts'
import { uuidParam } from '#controllers/api/support/params'
import { actorOf } from '#controllers/api/support/params'

@inject()
export default class PayoutCancellationsController {
  constructor(private cancelPayout: CancelPayout) {}

  /* POST /api/v1/payouts/:id/cancel and DELETE /api/v1/payouts/:id */
  async store(ctx: HttpContext) {
    const cancel = { payoutId: uuidParam(ctx.params.id), actor: actorOf(ctx) }
    await idempotentResponse(ctx, 200, this.cancelPayout, cancel, payoutJson, payoutCanceled)
  }
}
