import type { PayoutStatus } from '#domain/payout_state'
import type { PayoutRecord } from '#domain/records'

/*
 * A payouts row as pg returns it, and the one mapping from it to the
 * PayoutRecord the transformer renders. Plain SQL that reads payouts (or
 * writes them with RETURNING) selects PAYOUT_COLUMNS and maps each row with
 * payoutRecord, so no hot path hydrates a model.
 */
export const PAYOUT_COLUMNS =
  'id, account_id, amount, fee, currency, status, recipient_details, comment, attempts, ' +
  'failure_code, failure_message, provider_reference, created_at, updated_at, completed_at, ' +
  'awaiting_provider_since'

/* PAYOUT_COLUMNS qualified by a table name or alias, for joins and subqueries. */
export function payoutColumns(table: string) {
  return PAYOUT_COLUMNS.split(', ')
    .map((column) => `${table}.${column}`)
    .join(', ')
}

export interface PayoutRow {
  id: string
  account_id: string
  /* bigint columns arrive as strings. */
  amount: string
  fee: string
  currency: string
  status: PayoutStatus
  recipient_details: string
  comment: string | null
  attempts: number
  failure_code: string | null
  failure_message: string | null
  provider_reference: string | null
  created_at: Date
  updated_at: Date
  completed_at: Date | null
  awaiting_provider_since: Date | null
}

export function payoutRecord(row: PayoutRow): PayoutRecord {
  return {
    id: row.id,
    accountId: row.account_id,
    amount: BigInt(row.amount),
    fee: BigInt(row.fee),
    currency: row.currency,
    status: row.status,
    recipientDetails: row.recipient_details,
    comment: row.comment,
    attempts: row.attempts,
    failureCode: row.failure_code,
    failureMessage: row.failure_message,
    providerReference: row.provider_reference,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    completedAt: row.completed_at,
    awaitingProviderSince: row.awaiting_provider_since,
  }
}
