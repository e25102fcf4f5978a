import { inject } from '@adonisjs/core'
import type { HttpContext } from '@adonisjs/core/http'
import { PostDeposit } from '#actions/accounts/post_deposit'
import { depositValidator } from '#validators/account'
import { transactionJson } from '#transformers/account_transformer'
import { sealedResponse } from '#controllers/api/support/sealed_response'
import { actorOf, uuidParam } from '#controllers/api/support/params'
import { accountCurrency } from '#infrastructure/ledger/account_currency'
import { AccountNotFoundException } from '#exceptions/account_exceptions'
import type LedgerEntry from '#models/ledger_entry'

@inject()
export default class DepositsController {
  constructor(private postDeposit: PostDeposit) {}

  /* POST /api/v1/accounts/:id/deposits */
  async store(ctx: HttpContext) {
    const id = uuidParam(ctx.params.id)
    const currency = await accountCurrency(id)
    if (!currency) throw new AccountNotFoundException()
    const account = { id, currency }
    const input = await ctx.request.validateUsing(depositValidator, {
      meta: { currency: account.currency },
    })
    const answer = sealedResponse(ctx, 201, (entry: LedgerEntry) =>
      transactionJson(entry, account.currency)
    )
    const entry = await this.postDeposit.handle(
      {
        account,
        amount: input.amount as bigint,
        reference: input.reference ?? null,
        actor: actorOf(ctx),
      },
      answer.hooks
    )
    answer.send(entry)
  }
}
