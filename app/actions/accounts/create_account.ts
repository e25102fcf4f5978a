import db from '@adonisjs/lucid/services/db'
import Account from '#models/account'
import { AccountExistsException } from '#exceptions/account_exceptions'
import type { TransactionHooks } from '#actions/transaction_hooks'

export interface CreateAccountInput {
  externalRef: string
  currency: string
}

/* One account per (external_ref, currency); a duplicate is refused, never merged. */
export class CreateAccount {
  async handle(input: CreateAccountInput, hooks: TransactionHooks<Account> = {}) {
    return db.transaction(async (trx) => {
      const result = await trx.rawQuery(
        `INSERT INTO accounts (external_ref, currency) VALUES (?, ?)
         ON CONFLICT (external_ref, currency) DO NOTHING
         RETURNING *`,
        [input.externalRef, input.currency]
      )
      const row = result.rows[0]
      if (!row) throw new AccountExistsException()
      const account = Account.$createFromAdapterResult(row) as Account
      await hooks.beforeCommit?.(trx, account)
      return account
    })
  }
}
