import { randomUUID } from 'node:crypto'
import factory from '@adonisjs/lucid/factories'
import Account from '#models/account'

/* The fee recorded on the funding row of an account, when the state says there was one. */
const fundingFees = new WeakMap<Account, bigint>()

/*
 * An EUR account with a unique external reference, empty unless given a
 * balance. A balance is never written alone: in the factory's transaction the
 * account gets the `deposit` ledger row that brings it there (amount and
 * balance_after = the balance, actor `test`), so Σ(transactions) = balance
 * holds. Merge `balance` (bigint minor units) for any amount.
 *
 * - `funded`: a 500.00 deposit less its 10.00 fee, as the real deposit posts
 *   it: balance 490.00 (49_000), the fee on the ledger row. It sets the
 *   balance, so it wins over a merged one.
 */
export const AccountFactory = factory
  .define(Account, () => ({
    externalRef: `acc-${randomUUID()}`,
    currency: 'EUR',
    balance: 0n,
  }))
  .state('funded', (account) => {
    account.balance = 49_000n
    fundingFees.set(account, 1_000n)
  })
  .after('create', async (_, account, { $trx }) => {
    // One statement: the funding row, and created_at from the database clock
    // (microseconds, like the real action) so accounts made in a row keep their order.
    await $trx!.rawQuery(
      `WITH stamped AS (
         UPDATE accounts SET created_at = now(), updated_at = now() WHERE id = ? RETURNING *)
       INSERT INTO transactions (account_id, type, amount, fee, balance_after, actor)
       SELECT id, 'deposit', balance, ?::bigint, balance, 'test' FROM stamped WHERE balance <> 0`,
      [account.id, (fundingFees.get(account) ?? 0n).toString()]
    )
    await account.refresh()
  })
  .build()
