import { inject } from '@adonisjs/core'
import db from '@adonisjs/lucid/services/db'
import payoutsConfig from '#config/payouts'
import { feeFor, formatAmount } from '#domain/money'
import { EVENTS, EXCHANGES } from '#domain/events'
import { postEntry } from '#infrastructure/ledger/ledger'
import { Outbox } from '#infrastructure/outbox/outbox'
import type Account from '#models/account'
import type LedgerEntry from '#models/ledger_entry'
import type { TransactionHooks } from '#actions/transaction_hooks'
import { AccountNotFoundException } from '#exceptions/account_exceptions'

export interface PostDepositInput {
  account: Account
  /* Gross amount in minor units; the account is credited amount − fee. */
  amount: bigint
  reference?: string | null
  /* Who asked: `user:<id>` for API tokens and operators. */
  actor: string
}

/*
 * Credits an account: one ledger row (amount − fee, with the fee recorded),
 * the balance change under the row lock, and an `account.credited` event in
 * the outbox, all in one transaction.
 */
@inject()
export class PostDeposit {
  constructor(private outbox: Outbox) {}

  async handle(input: PostDepositInput, hooks: TransactionHooks<LedgerEntry> = {}) {
    const { account, amount } = input
    const fee = feeFor(amount, payoutsConfig.feeBps)
    return db.transaction(async (trx) => {
      const entry = await postEntry(trx, {
        accountId: account.id,
        type: 'deposit',
        amount: amount - fee,
        fee,
        reference: input.reference ?? null,
        actor: input.actor,
      })
      if (!entry) throw new AccountNotFoundException()
      await this.outbox.stage(trx, [
        {
          exchange: EXCHANGES.events,
          routingKey: EVENTS.accountCredited,
          payload: {
            account_id: account.id,
            transaction_id: entry.id,
            amount: formatAmount(amount, account.currency),
            fee: formatAmount(fee, account.currency),
            credited: formatAmount(entry.amount, account.currency),
            balance_after: formatAmount(entry.balanceAfter, account.currency),
            currency: account.currency,
            reference: entry.reference,
          },
        },
      ])
      await hooks.beforeCommit?.(trx, entry)
      return entry
    })
  }
}
