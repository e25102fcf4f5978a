import { inject } from '@adonisjs/core'
import { direct } from '#infrastructure/database/direct'
import type { HttpContext } from '@adonisjs/core/http'
import { CancelPayout } from '#actions/payouts/cancel_payout'
import { formatAmount } from '#domain/money'
import { heldBy } from '#domain/records'
import { audited } from '#infrastructure/audit/audit_log'
import { dashboardOrigin } from '#infrastructure/audit/audit_origin'
import { payoutCanceled } from '#infrastructure/audit/audit_facts'

@inject()
export default class PayoutCancellationsController {
  constructor(private cancelPayout: CancelPayout) {}

  /*
   * POST /payouts/:id/cancel — NEW → CANCELED with the operator as the actor.
   * A payout that is no longer NEW is refused (409) and comes back as a flash.
   */
  async store(ctx: HttpContext) {
    const { bouncer, params, response, session } = ctx
    await bouncer.authorize('actOnPayouts')
    const origin = dashboardOrigin(ctx)
    const cancel = { payoutId: params.id, actor: origin.actor }
    const payout = await direct.transaction((trx) =>
      audited(trx, origin, payoutCanceled, () => this.cancelPayout.handle(trx, cancel))
    )
    const released = `${formatAmount(heldBy(payout), payout.currency)} ${payout.currency}`
    session.flash('success', `Payout canceled; ${released} released to the account.`)
    return response.redirect().toPath(`/payouts/${payout.id}`)
  }
}
