import { inject } from '@adonisjs/core'
import type { HttpContext } from '@adonisjs/core/http'
import { PostDeposit } from '#actions/accounts/post_deposit'
import { postDepositValidator } from '#validators/account'
import { transactionJson } from '#transformers/account_transformer'
import { idempotentResponse } from '#infrastructure/idempotency/idempotent_response'
import { depositPosted } from '#infrastructure/audit/audit_facts'
import { actorOf, uuidParam } from '#controllers/api/support/params'
import { accountCurrency } from '#infrastructure/ledger/account_currency'
import { AccountNotFoundException } from '#exceptions/account_exceptions'

@inject()
export default class DepositsController {
  constructor(private postDeposit: PostDeposit) {}

  /* POST /api/v1/accounts/:id/deposits */
  async store(ctx: HttpContext) {
    const id = uuidParam(ctx.params.id)
    const currency = await accountCurrency(id)
    if (!currency) throw new AccountNotFoundException()
    const account = { id, currency }
    const input = await ctx.request.validateUsing(postDepositValidator, {
      meta: { currency: account.currency },
    })
    const deposit = {
      account,
      amount: input.amount,
      reference: input.reference ?? null,
      actor: actorOf(ctx),
    }
    await idempotentResponse(
      ctx,
      201,
      this.postDeposit,
      deposit,
      (entry) => transactionJson(entry, account.currency),
      depositPosted
    )
  }
}
