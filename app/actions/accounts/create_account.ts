import type { Transaction } from '#infrastructure/database/direct'
import { openAccount } from '#infrastructure/ledger/ledger'
import { AccountExistsException } from '#exceptions/account_exceptions'

export interface CreateAccountInput {
  externalRef: string
  currency: string
}

/* One account per (external_ref, currency); a duplicate is refused, never merged. */
export class CreateAccount {
  /* One statement: atomic on its own (see IdempotentResponse). */
  static readonly singleStatement = true

  async handle(trx: Transaction, input: CreateAccountInput) {
    const account = await openAccount(trx, input.externalRef, input.currency)
    if (!account) throw new AccountExistsException()
    return account
  }
}
