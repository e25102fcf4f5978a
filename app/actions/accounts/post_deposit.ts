import { inject } from '@adonisjs/core'
import payoutsConfig from '#config/payouts'
import { feeFor } from '#domain/money'
import { EVENTS, EXCHANGES } from '#domain/messages'
import type { Transaction } from '#infrastructure/database/direct'
import { newEntryId, postEntryWithEvent } from '#infrastructure/ledger/ledger'
import { Outbox } from '#infrastructure/outbox/outbox'
import { accountCreditedJson } from '#transformers/account_transformer'
import { AccountNotFoundException } from '#exceptions/account_exceptions'

export interface PostDepositInput {
  account: { id: string; currency: string }
  /* Gross amount in minor units; the account is credited amount − fee. */
  amount: bigint
  reference?: string | null
  /* Who asked: `user:<id>` for API tokens and operators. */
  actor: string
}

/*
 * Credits an account: the balance change under the row lock, one ledger row
 * (amount − fee, with the fee recorded) and an `account.credited` event in
 * the outbox, written by ONE statement.
 */
@inject()
export class PostDeposit {
  static readonly singleStatement = true

  constructor(private outbox: Outbox) {}

  async handle(trx: Transaction, input: PostDepositInput) {
    const { account, amount } = input
    const fee = feeFor(amount, payoutsConfig.feeBps)
    const id = newEntryId()
    const reference = input.reference ?? null
    const payload = accountCreditedJson(
      { accountId: account.id, transactionId: id, amount, fee },
      account.currency,
      reference
    )
    const entry = await postEntryWithEvent(
      trx,
      this.outbox,
      {
        id,
        accountId: account.id,
        type: 'deposit',
        amount: amount - fee,
        fee,
        reference,
        actor: input.actor,
      },
      { exchange: EXCHANGES.events, routingKey: EVENTS.accountCredited, payload },
      account.currency
    )
    if (!entry) throw new AccountNotFoundException()
    return entry
  }
}
