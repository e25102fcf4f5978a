import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import LedgerEntry, { type LedgerEntryType } from '#models/ledger_entry'
import type { RawBindings } from '#infrastructure/database/bindings'

export interface EntryInput {
  accountId: string
  type: LedgerEntryType
  /* Signed change to the balance, in minor units. */
  amount: bigint
  fee: bigint
  reference?: string | null
  payoutId?: string | null
  orderId?: string | null
  actor?: string | null
}

/*
 * Changes a balance and writes its ledger row in one statement. The UPDATE
 * takes the account row lock and only applies when the balance stays >= 0
 * (re-checked on the newest row version after waiting for a concurrent
 * writer); the inserted row carries the resulting balance. Returns null when
 * the account does not exist or the funds do not cover a debit; the CHECK
 * constraint on accounts.balance stays the backstop.
 */
export async function postEntry(
  trx: TransactionClientContract,
  entry: EntryInput
): Promise<LedgerEntry | null> {
  const result = await trx.rawQuery(
    `WITH changed AS (
       UPDATE accounts SET balance = balance + ?::bigint, updated_at = now()
        WHERE id = ? AND balance + ?::bigint >= 0
        RETURNING id, balance
     )
     INSERT INTO transactions
       (account_id, type, amount, fee, balance_after, reference, payout_id, order_id, actor)
     SELECT changed.id, ?, ?::bigint, ?::bigint, changed.balance, ?, ?, ?, ? FROM changed
     RETURNING *`,
    [
      entry.amount.toString(),
      entry.accountId,
      entry.amount.toString(),
      entry.type,
      entry.amount.toString(),
      entry.fee.toString(),
      entry.reference ?? null,
      entry.payoutId ?? null,
      entry.orderId ?? null,
      entry.actor ?? null,
    ] as RawBindings
  )
  const row = result.rows[0]
  if (!row) return null
  return LedgerEntry.$createFromAdapterResult(row, {}, { client: trx }) as LedgerEntry
}

/*
 * An account's currency and its balance as of an instant, in one round trip:
 * the balance_after of the latest entry at or before it (one probe of
 * transactions_balance_at_idx), 0 before the first entry; null when the
 * account does not exist. Never a sum over history.
 */
export async function accountBalanceAt(
  client: Pick<TransactionClientContract, 'rawQuery'>,
  accountId: string,
  at: Date
): Promise<{ currency: string; balance: bigint } | null> {
  const result = await client.rawQuery(
    `SELECT a.currency,
            coalesce((SELECT t.balance_after FROM transactions t
                       WHERE t.account_id = a.id AND t.created_at <= ?
                       ORDER BY t.created_at DESC, t.seq DESC LIMIT 1), 0)::text AS balance
       FROM accounts a WHERE a.id = ?`,
    [at.toISOString(), accountId]
  )
  const row = result.rows[0] as { currency: string; balance: string } | undefined
  return row ? { currency: row.currency.trim(), balance: BigInt(row.balance) } : null
}
