import { inject } from '@adonisjs/core'
import type { HttpContext } from '@adonisjs/core/http'
import Account from '#models/account'
import { CreateAccount } from '#actions/accounts/create_account'
import { accountJson } from '#transformers/account_transformer'
import { createAccountValidator, showBalanceValidator } from '#validators/account'
import { accountBalanceAt } from '#infrastructure/ledger/ledger'
import { direct } from '#infrastructure/database/direct'
import { formatAmount } from '#domain/money'
import { idempotentResponse } from '#infrastructure/idempotency/idempotent_response'
import { accountCreated } from '#infrastructure/audit/audit_facts'
import { uuidParam } from '#controllers/api/support/params'
import { AccountNotFoundException } from '#exceptions/account_exceptions'

export async function findAccount(id: unknown) {
  const account = await Account.find(uuidParam(id))
  if (!account) throw new AccountNotFoundException()
  return account
}

@inject()
export default class AccountsController {
  constructor(private createAccount: CreateAccount) {}

  /* POST /api/v1/accounts */
  async store(ctx: HttpContext) {
    const input = await ctx.request.validateUsing(createAccountValidator)
    const account = { externalRef: input.external_ref, currency: input.currency }
    await idempotentResponse(ctx, 201, this.createAccount, account, accountJson, accountCreated)
  }

  /* GET /api/v1/accounts/:id */
  async show({ params }: HttpContext) {
    return accountJson(await findAccount(params.id))
  }

  /* GET /api/v1/accounts/:id/balance?at= */
  async balance({ params, request }: HttpContext) {
    const id = uuidParam(params.id)
    const { at } = await showBalanceValidator.validate(request.qs())
    const instant = at ?? new Date()
    let currency: string
    let balance: bigint
    if (at === undefined) {
      const account = await findAccount(id)
      ;({ currency, balance } = account)
    } else {
      // One round trip for the account and its balance then: this is the hot read.
      const found = await accountBalanceAt(direct, id, instant)
      if (!found) throw new AccountNotFoundException()
      ;({ currency, balance } = found)
    }
    return {
      account_id: id,
      currency,
      balance: formatAmount(balance, currency),
      at: instant.toISOString(),
    }
  }
}
