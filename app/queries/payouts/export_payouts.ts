import { pipeline, Readable } from 'node:stream'
import db from '@adonisjs/lucid/services/db'
import { stringify } from 'csv-stringify'
import { formatAmount } from '#domain/money'
import { applyPayoutFilter, type PayoutFilter } from '#queries/payouts/payout_query'

export const EXPORT_COLUMNS = [
  'id',
  'account_id',
  'status',
  'amount',
  'fee',
  'currency',
  'recipient_details',
  'comment',
  'attempts',
  'failure_code',
  'failure_message',
  'provider_reference',
  'created_by',
  'created_at',
  'updated_at',
  'completed_at',
] as const

interface PayoutRow {
  id: string
  account_id: string
  status: string
  amount: string
  fee: string
  currency: string
  recipient_details: string
  comment: string | null
  attempts: number
  failure_code: string | null
  failure_message: string | null
  provider_reference: string | null
  created_by: string | null
  created_at: Date
  updated_at: Date
  completed_at: Date | null
}

export interface ExportOptions {
  /* Rows per query; each batch continues after the last row of the previous one. */
  batchSize?: number
}

const iso = (value: Date | null) => (value ? value.toISOString() : '')

function toRecord(row: PayoutRow) {
  return {
    ...row,
    amount: formatAmount(BigInt(row.amount), row.currency),
    fee: formatAmount(BigInt(row.fee), row.currency),
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
    completed_at: iso(row.completed_at),
  }
}

/*
 * Every payout matching the dashboard filter as CSV, newest first, streamed:
 * batches of `batchSize` rows through a keyset loop on (created_at, id), so
 * memory stays flat and no query skips or repeats a row however many there are.
 * Amounts are decimal strings; cells that a spreadsheet would read as a formula
 * are escaped.
 */
export class ExportPayouts {
  handle(filter: PayoutFilter, options: ExportOptions = {}): Readable {
    const batchSize = options.batchSize ?? 1000
    const csv = stringify({ header: true, columns: [...EXPORT_COLUMNS], escape_formulas: true })
    // pipeline destroys both streams when either fails (or the client goes away).
    pipeline(Readable.from(this.records(filter, batchSize)), csv, () => {})
    return csv
  }

  private async *records(filter: PayoutFilter, batchSize: number) {
    let last: PayoutRow | undefined
    while (true) {
      const query = applyPayoutFilter(db.from('payouts').select(...EXPORT_COLUMNS), filter)
      if (last) {
        query.whereRaw('(payouts.created_at, payouts.id) < (?, ?::uuid)', [
          last.created_at,
          last.id,
        ])
      }
      const batch: PayoutRow[] = await query
        .orderBy('payouts.created_at', 'desc')
        .orderBy('payouts.id', 'desc')
        .limit(batchSize)
      for (const row of batch) yield toRecord(row)
      if (batch.length < batchSize) return
      last = batch[batch.length - 1]
    }
  }
}
