import { inject } from '@adonisjs/core'
import type { HttpContext } from '@adonisjs/core/http'
import { CancelPayout } from '#actions/payouts/cancel_payout'
import { formatAmount } from '#domain/money'
import { userActor } from '#domain/actors'

@inject()
export default class PayoutCancellationsController {
  constructor(private cancelPayout: CancelPayout) {}

  /*
   * POST /payouts/:id/cancel — NEW → CANCELED with the operator as the actor.
   * A payout that is no longer NEW is refused (409) and comes back as a flash.
   */
  async store({ auth, bouncer, params, response, session }: HttpContext) {
    await bouncer.authorize('actOnPayouts')
    const payout = await this.cancelPayout.handle(params.id, userActor(auth.getUserOrFail().id))
    const released = `${formatAmount(payout.held, payout.currency)} ${payout.currency}`
    session.flash('success', `Payout canceled; ${released} released to the account.`)
    return response.redirect().toPath(`/payouts/${payout.id}`)
  }
}
