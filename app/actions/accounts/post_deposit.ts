import { inject } from '@adonisjs/core'
import payoutsConfig from '#config/payouts'
import { feeFor, formatAmount } from '#domain/money'
import { EVENTS, EXCHANGES } from '#domain/events'
import { postEntry } from '#infrastructure/ledger/ledger'
import { Outbox } from '#infrastructure/outbox/outbox'
import type LedgerEntry from '#models/ledger_entry'
import { writeOneStatement, type TransactionHooks } from '#actions/transaction_hooks'
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
 * (amount − fee, with the fee recorded) and an `account.credited` event in the
 * outbox, all written by ONE statement. Without a beforeCommit hook that
 * statement is the whole transaction; with one (an Idempotency-Key's sealed
 * answer) both run in one explicit transaction.
 */
@inject()
export class PostDeposit {
  constructor(private outbox: Outbox) {}

  async handle(input: PostDepositInput, hooks: TransactionHooks<LedgerEntry> = {}) {
    const { account, amount } = input
    const fee = feeFor(amount, payoutsConfig.feeBps)
    const events = this.outbox.prepare([
      {
        exchange: EXCHANGES.events,
        routingKey: EVENTS.accountCredited,
        // The statement adds transaction_id and balance_after (see postEntry).
        payload: {
          account_id: account.id,
          amount: formatAmount(amount, account.currency),
          fee: formatAmount(fee, account.currency),
          credited: formatAmount(amount - fee, account.currency),
          currency: account.currency,
          reference: input.reference ?? null,
        },
      },
    ])
    return writeOneStatement(hooks, async (client, trx) => {
      const entry = await postEntry(
        client,
        {
          accountId: account.id,
          type: 'deposit',
          amount: amount - fee,
          fee,
          reference: input.reference ?? null,
          actor: input.actor,
        },
        { rows: events, currency: account.currency }
      )
      if (!entry) throw new AccountNotFoundException()
      this.outbox.publishAfterCommit(trx, events)
      return entry
    })
  }
}
