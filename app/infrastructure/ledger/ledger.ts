import { randomUUID } from 'node:crypto'
import type { AccountRecord, LedgerEntryRecord, LedgerEntryType } from '#domain/records'
import { formatAmountSql } from '#domain/money'
import type { RawBindings } from '#infrastructure/database/bindings'
import { instant } from '#infrastructure/database/clock'
import type { SqlClient, Transaction } from '#infrastructure/database/direct'
import {
  outboxInsertSql,
  outboxRowsFromJson,
  type Outbox,
  type OutgoingMessage,
} from '#infrastructure/outbox/outbox'

/*
 * The ledger: the only module that writes `accounts.balance` and
 * `transactions` (docs/adr/0003).
 */
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

/* A `transactions` row as the stores return it. */
export function entryFromRow(row: Record<string, any>): LedgerEntryRecord {
  return {
    id: row.id,
    accountId: row.account_id,
    type: row.type,
    amount: BigInt(row.amount),
    fee: BigInt(row.fee),
    balanceAfter: BigInt(row.balance_after),
    reference: row.reference,
    payoutId: row.payout_id,
    orderId: row.order_id,
    createdAt: instant(row.created_at)!,
  }
}

/*
 * Changes a balance and writes its ledger row in one statement (see
 * entryCte). Null when the account does not exist or the funds do not cover
 * a debit; the CHECK constraint on accounts.balance stays the backstop.
 */
export async function postEntry(client: SqlClient, entry: EntryInput) {
  const ledger = entryCte(entry)
  const result = await client.rawQuery(
    `WITH ${ledger.sql} SELECT * FROM entry`,
    ledger.bindings as RawBindings
  )
  return result.rows[0] ? entryFromRow(result.rows[0]) : null
}

/*
 * postEntry and, in the SAME statement, an event about the entry (only when
 * the entry was written). `message` is finished except for `balance_after`,
 * which only exists once the row is written: the statement adds it, formatted
 * by the money rule's SQL form (docs/adr/0008). `entryId` is the id the entry
 * will have, so the caller can put it in the payload. One statement is atomic
 * on its own, so `trx` may be a single-statement transaction.
 */
export async function postEntryWithEvent(
  trx: Transaction,
  outbox: Outbox,
  entry: EntryInput & { id: string },
  message: OutgoingMessage,
  currency: string
) {
  const ledger = entryCte(entry)
  const event = outboxInsertSql([message], {
    source: 'entry',
    merge: `jsonb_build_object('balance_after', ${formatAmountSql('entry.balance_after', currency)})`,
  })
  const result = await trx.rawQuery(
    `WITH ${ledger.sql}, event AS (${event.sql})
     SELECT entry.*, (SELECT json_agg(event) FROM event) AS outbox_rows FROM entry`,
    [...ledger.bindings, ...event.bindings] as RawBindings
  )
  const row = result.rows[0]
  if (!row) return null
  outbox.publishAfterCommit(trx, outboxRowsFromJson(row.outbox_rows ?? []))
  return entryFromRow(row)
}

export function accountFromRow(row: Record<string, any>): AccountRecord {
  return {
    id: row.id,
    externalRef: row.external_ref,
    currency: String(row.currency).trim(),
    balance: BigInt(row.balance),
    createdAt: instant(row.created_at)!,
    updatedAt: instant(row.updated_at)!,
  }
}

/* A new account with a zero balance; null when (external_ref, currency) exists already. */
export async function openAccount(trx: Transaction, externalRef: string, currency: string) {
  const result = await trx.rawQuery(
    `INSERT INTO accounts (external_ref, currency) VALUES (?, ?)
     ON CONFLICT (external_ref, currency) DO NOTHING
     RETURNING *`,
    [externalRef, currency]
  )
  return result.rows[0] ? accountFromRow(result.rows[0]) : null
}

export async function findAccount(client: SqlClient, accountId: string) {
  const result = await client.rawQuery(`SELECT * FROM accounts WHERE id = ?`, [accountId])
  return result.rows[0] ? accountFromRow(result.rows[0]) : null
}

/* The one debit of an order (transactions_order_payment_unique), if it was paid. */
export async function findOrderPayment(client: SqlClient, orderId: string) {
  const result = await client.rawQuery(
    `SELECT * FROM transactions WHERE order_id = ? AND type = 'order_payment'`,
    [orderId]
  )
  return result.rows[0] ? entryFromRow(result.rows[0]) : null
}

/* A new ledger entry's id, known before the entry is written (so an event can name it). */
export function newEntryId() {
  return randomUUID()
}

/*
 * The balance change and its ledger row as two CTEs, `changed` and `entry`,
 * for statements that write more in the same round trip (postEntry, a
 * payout's creation). `entry` is empty when the account does not exist or the
 * funds do not cover a debit, and so is everything selected from it.
 */
export function entryCte(entry: EntryInput & { id?: string }) {
  return {
    sql: `changed AS (
       UPDATE accounts SET balance = balance + ?::bigint, updated_at = now()
        WHERE id = ? AND balance + ?::bigint >= 0
        RETURNING id, balance
     ), entry AS (
       INSERT INTO transactions
         (id, account_id, type, amount, fee, balance_after, reference, payout_id, order_id, actor)
       SELECT coalesce(?::uuid, gen_random_uuid()), changed.id, ?, ?::bigint, ?::bigint,
              changed.balance, ?, ?, ?, ? FROM changed
       RETURNING *
     )`,
    bindings: [
      entry.amount.toString(),
      entry.accountId,
      entry.amount.toString(),
      entry.id ?? null,
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
