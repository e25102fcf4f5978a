import { inject } from '@adonisjs/core'
import { direct } from '#infrastructure/database/direct'
import type { HttpContext } from '@adonisjs/core/http'
import Account from '#models/account'
import { PostDeposit } from '#actions/accounts/post_deposit'
import { postDepositValidator } from '#validators/account'
import { formatAmount } from '#domain/money'
import { audited } from '#infrastructure/audit/audit_log'
import { dashboardOrigin } from '#infrastructure/audit/audit_origin'
import { depositPosted } from '#infrastructure/audit/audit_facts'

@inject()
export default class AccountDepositsController {
  constructor(private postDeposit: PostDeposit) {}

  /* POST /accounts/:id/deposits — recorded with the operator as the actor */
  async store(ctx: HttpContext) {
    const { bouncer, params, request, response, session } = ctx
    await bouncer.authorize('actOnPayouts')
    const account = await Account.findOrFail(params.id)
    const input = await request.validateUsing(postDepositValidator, {
      meta: { currency: account.currency },
    })
    const amount = input.amount
    const origin = dashboardOrigin(ctx)
    const deposit = { account, amount, reference: input.reference ?? null, actor: origin.actor }
    const entry = await direct.transaction((trx) =>
      audited(trx, origin, depositPosted, () => this.postDeposit.handle(trx, deposit))
    )
    const money = (minor: bigint) => `${formatAmount(minor, account.currency)} ${account.currency}`
    session.flash(
      'success',
      `Deposit of ${money(amount)} posted: ${money(entry.amount)} credited after a ${money(entry.fee)} fee. New balance ${money(entry.balanceAfter)}.`
    )
    return response.redirect().toPath(`/accounts/${account.id}`)
  }
}
