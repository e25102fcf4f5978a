import db from '@adonisjs/lucid/services/db'
import { PAYOUT_STATUSES, type PayoutStatus } from '#domain/payout_state'
import { applyPayoutFilter, type PayoutFilter } from '#queries/payouts/payout_query'

export interface PayoutCounts {
  total: number
  byStatus: Record<PayoutStatus, number>
}

/*
 * Payouts per status for a filter (its own status left out): one
 * `SELECT status, count(*) … GROUP BY status`, which the status index
 * answers without reading the table when nothing else is filtered.
 */
export async function countPayoutsByStatus(filter: PayoutFilter = {}): Promise<PayoutCounts> {
  const query = applyPayoutFilter(db.from('payouts'), { ...filter, status: undefined })
  const rows: { status: PayoutStatus; total: string }[] = await query
    .select('payouts.status')
    .count('* as total')
    .groupBy('payouts.status')
  const byStatus = Object.fromEntries(PAYOUT_STATUSES.map((status) => [status, 0])) as Record<
    PayoutStatus,
    number
  >
  for (const row of rows) byStatus[row.status] = Number(row.total)
  const total = Object.values(byStatus).reduce((sum, count) => sum + count, 0)
  return { total, byStatus }
}
