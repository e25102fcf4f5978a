import { pipeline, Readable } from 'node:stream'
import { stringify } from 'csv-stringify'
import { direct } from '#infrastructure/database/direct'
import { accountBalanceAt, entryFromRow } from '#infrastructure/ledger/ledger'
import { formatAmount } from '#domain/money'
import type { LedgerEntryRecord } from '#domain/records'
import type { RawBindings } from '#infrastructure/database/bindings'

/*
 * An account statement for the period [from, to], both ends included, the
 * way balance-at counts an instant: opening = balance-at(from − 1 ms),
 * closing = balance-at(to), and opening + Σ entry amounts = closing. Every
 * amount is bigint minor units; nothing is summed in floating point.
 */
export interface StatementPeriod {
  accountId: string
  from: Date
  to: Date
}

/* A ledger entry with what a statement also shows: its place among same-instant entries and who posted it. */
export interface StatementEntry extends LedgerEntryRecord {
  seq: string
  actor: string | null
  createdAt: Date
}

const ENTRY_COLUMNS = `id::text, account_id::text, seq::text, type, amount::text, fee::text,
  balance_after::text, reference, payout_id::text, order_id, actor, created_at`

function entryOf(row: Record<string, any>): StatementEntry {
  // created_at comes straight from pg, a Date.
  return { ...entryFromRow(row), seq: row.seq, actor: row.actor, createdAt: row.created_at }
}

const beforeStart = (from: Date) => new Date(from.getTime() - 1)

/* Opening, closing and totals by type: three index range reads, whatever the page. */
export async function statementSummary(period: StatementPeriod) {
  const [opening, closing, totals] = await Promise.all([
    accountBalanceAt(direct, period.accountId, beforeStart(period.from)),
    accountBalanceAt(direct, period.accountId, period.to),
    direct.rawQuery(
      `SELECT type, count(*)::int AS count, sum(amount)::text AS amount, sum(fee)::text AS fee
         FROM transactions
        WHERE account_id = ? AND created_at >= ? AND created_at <= ?
        GROUP BY type ORDER BY type`,
      [period.accountId, period.from.toISOString(), period.to.toISOString()]
    ),
  ])
  if (!opening || !closing) return null
  const byType = (
    totals.rows as { type: string; count: number; amount: string; fee: string }[]
  ).map((row) => ({
    type: row.type,
    count: row.count,
    amount: BigInt(row.amount),
    fee: BigInt(row.fee),
  }))
  const net = byType.reduce((sum, row) => sum + row.amount, 0n)
  return {
    currency: opening.currency,
    opening: opening.balance,
    closing: closing.balance,
    byType,
    net,
    entryCount: byType.reduce((sum, row) => sum + row.count, 0),
    /* False only if the ledger itself is inconsistent for this period. */
    balances: opening.balance + net === closing.balance,
  }
}

/* Where a page of entries continues: `<created_at ms>.<seq>` of the last entry shown. */
function cursorOf(entry: StatementEntry) {
  return `${entry.createdAt.getTime()}.${entry.seq}`
}

/* Entries of the period, oldest first, `limit` of them after the `after` cursor. */
export async function statementEntries(
  period: StatementPeriod,
  page: { limit: number; after?: string }
) {
  const [afterMs, afterSeq] = page.after ? page.after.split('.') : [null, null]
  const afterAt = afterMs ? new Date(Number(afterMs)).toISOString() : null
  const result = await direct.rawQuery(
    `SELECT ${ENTRY_COLUMNS} FROM transactions
      WHERE account_id = ? AND created_at >= ? AND created_at <= ?
        AND (created_at, seq) > (coalesce(?::timestamptz, '-infinity'), coalesce(?::bigint, 0))
      ORDER BY created_at, seq
      LIMIT ?`,
    [
      period.accountId,
      period.from.toISOString(),
      period.to.toISOString(),
      afterAt,
      afterSeq,
      page.limit + 1,
    ] as RawBindings
  )
  const rows = result.rows.map(entryOf)
  const more = rows.length > page.limit
  const shown = rows.slice(0, page.limit)
  return { entries: shown, next: more ? cursorOf(shown[shown.length - 1]) : null }
}

export const STATEMENT_CSV_COLUMNS = [
  'created_at',
  'transaction_id',
  'type',
  'amount',
  'fee',
  'balance_after',
  'reference',
  'payout_id',
  'order_id',
  'actor',
] as const

/*
 * Free text that a spreadsheet would run as a formula gets a leading quote.
 * Only text: csv-stringify's escape_formulas would also quote negative amounts.
 */
function text(value: string | null) {
  return value && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value
}

/*
 * The statement as CSV, streamed: an opening_balance row, every entry oldest
 * first (batches by keyset, memory stays flat), a closing_balance row.
 * Amounts are exact decimal strings in the account's currency.
 */
export async function exportStatement(period: StatementPeriod, batchSize = 1000) {
  const summary = await statementSummary(period)
  if (!summary) return null
  const money = (minor: bigint) => formatAmount(minor, summary.currency)
  const balanceRow = (type: string, at: Date, balance: bigint) => ({
    created_at: at.toISOString(),
    type,
    balance_after: money(balance),
  })
  async function* records() {
    yield balanceRow('opening_balance', period.from, summary!.opening)
    let after: string | undefined
    while (true) {
      const page = await statementEntries(period, { limit: batchSize, after })
      for (const entry of page.entries) {
        yield {
          created_at: entry.createdAt.toISOString(),
          transaction_id: entry.id,
          type: entry.type,
          amount: money(entry.amount),
          fee: money(entry.fee),
          balance_after: money(entry.balanceAfter),
          reference: text(entry.reference),
          payout_id: entry.payoutId,
          order_id: text(entry.orderId),
          actor: text(entry.actor),
        }
      }
      if (!page.next) break
      after = page.next
    }
    yield balanceRow('closing_balance', period.to, summary!.closing)
  }
  const csv = stringify({ header: true, columns: [...STATEMENT_CSV_COLUMNS] })
  pipeline(Readable.from(records()), csv, () => {})
  return csv
}
