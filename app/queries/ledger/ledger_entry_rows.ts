import type { LedgerEntryRecord, LedgerEntryType } from '#domain/records'

/*
 * A transactions (ledger) row as pg returns it, and the one mapping from it
 * to the LedgerEntryRecord the transformer renders.
 */
export const LEDGER_ENTRY_COLUMNS =
  'id, account_id, type, amount, fee, balance_after, reference, payout_id, order_id, created_at'

export interface LedgerEntryRow {
  id: string
  account_id: string
  type: LedgerEntryType
  /* bigint columns arrive as strings. */
  amount: string
  fee: string
  balance_after: string
  reference: string | null
  payout_id: string | null
  order_id: string | null
  created_at: Date
}

export function ledgerEntryRecord(row: LedgerEntryRow): LedgerEntryRecord {
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
    createdAt: row.created_at,
  }
}
