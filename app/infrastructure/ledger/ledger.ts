import LedgerEntry, { type LedgerEntryType } from '#models/ledger_entry'
import type { RawBindings } from '#infrastructure/database/bindings'
import type { SqlClient } from '#infrastructure/database/direct'
import { assignOutboxIds, outboxInsertSql, type OutboxRow } from '#infrastructure/outbox/outbox'
import { exponentOf } from '#domain/money'

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

/* Outbox rows (Outbox.prepare) written by the same statement as the entry. */
export interface EntryEvents {
  rows: OutboxRow[]
  /* Currency of the account: each payload gets the entry's transaction_id and balance_after. */
  currency: string
}

/*
 * Changes a balance and writes its ledger row in one statement. The UPDATE
 * takes the account row lock and only applies when the balance stays >= 0
 * (re-checked on the newest row version after waiting for a concurrent
 * writer); the inserted row carries the resulting balance. With `events`, the
 * same statement writes their outbox rows (only when the entry was written),
 * so a caller outside a transaction still changes everything or nothing.
 * Returns null when the account does not exist or the funds do not cover a
 * debit; the CHECK constraint on accounts.balance stays the backstop.
 */
export async function postEntry(
  client: SqlClient,
  entry: EntryInput,
  events?: EntryEvents
): Promise<LedgerEntry | null> {
  const ledger = entryCte(entry)
  const outbox = events ? outboxInsertSql(events.rows, 'entry', entryFields(events.currency)) : null
  const result = await client.rawQuery(
    `WITH ${ledger.sql}${outbox ? `, outbox AS (${outbox.sql})` : ''}
     SELECT entry.*${outbox ? `, (SELECT json_agg(outbox) FROM outbox) AS outbox_rows` : ''}
       FROM entry`,
    [...ledger.bindings, ...(outbox?.bindings ?? [])] as RawBindings
  )
  const row = result.rows[0]
  if (!row) return null
  if (events) assignOutboxIds(events.rows, row.outbox_rows ?? [])
  delete row.outbox_rows
  return LedgerEntry.$createFromAdapterResult(row) as LedgerEntry
}

/*
 * The balance change and its ledger row as two CTEs, `changed` and `entry`,
 * for statements that write more in the same round trip (postEntry, a
 * payout's creation). `entry` is empty when the account does not exist or the
 * funds do not cover a debit, and so is everything selected from it.
 */
export function entryCte(entry: EntryInput) {
  return {
    sql: `changed AS (
       UPDATE accounts SET balance = balance + ?::bigint, updated_at = now()
        WHERE id = ? AND balance + ?::bigint >= 0
        RETURNING id, balance
     ), entry AS (
       INSERT INTO transactions
         (account_id, type, amount, fee, balance_after, reference, payout_id, order_id, actor)
       SELECT changed.id, ?, ?::bigint, ?::bigint, changed.balance, ?, ?, ?, ? FROM changed
       RETURNING *
     )`,
    bindings: [
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
    ],
  }
}

/*
 * The entry's fields an event carries, as SQL over the `entry` row: its id and
 * the resulting balance formatted like formatAmount (the currency's exponent
 * comes from our own table, so it is inlined as a number).
 */
function entryFields(currency: string) {
  const exponent = exponentOf(currency)
  return `jsonb_build_object('transaction_id', entry.id, 'balance_after',
            round(entry.balance_after / ${10 ** exponent}::numeric, ${exponent})::text)`
}

/*
 * An account's currency and its balance as of an instant, in one round trip:
 * the balance_after of the latest entry at or before it (one probe of
 * transactions_balance_at_idx), 0 before the first entry; null when the
 * account does not exist. Never a sum over history.
 */
export async function accountBalanceAt(
  client: SqlClient,
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
