import type { PayoutRecord } from '#domain/records'
import { direct, type SqlClient, type Transaction } from '#infrastructure/database/direct'
import { payoutFromRow } from '#infrastructure/payouts/payout_store'
import {
  IDLE_PROCESSING,
  NEVER_STARTED,
  OVERDUE,
  sweepThresholds,
  type SweepThresholds,
} from '#infrastructure/payouts/sweep_sql'

/* Why the sweeper takes a payout. */
export type SweepReason = 'retry_overdue' | 'never_started' | 'stuck'

const CONDITIONS: Record<
  SweepReason,
  { where: string; since: string; threshold: keyof SweepThresholds }
> = {
  retry_overdue: { where: OVERDUE, since: 'p.next_attempt_at', threshold: 'graceMs' },
  never_started: { where: NEVER_STARTED, since: 'p.updated_at', threshold: 'newAfterMs' },
  stuck: { where: IDLE_PROCESSING, since: 'p.updated_at', threshold: 'stuckAfterMs' },
}

/*
 * Up to `limit` payouts the sweeper should take for `reason`, oldest first,
 * locked for the rest of `trx`. SKIP LOCKED: payouts another sweeper (or a
 * worker) holds are left to it, so any number of sweepers run side by side.
 */
export async function lockSweepable(
  trx: Transaction,
  reason: SweepReason,
  limit: number,
  thresholds: SweepThresholds = sweepThresholds()
): Promise<PayoutRecord[]> {
  const { where, since, threshold } = CONDITIONS[reason]
  const result = await trx.rawQuery(
    `SELECT p.* FROM payouts p WHERE ${where}
      ORDER BY ${since} LIMIT ? FOR UPDATE OF p SKIP LOCKED`,
    [thresholds[threshold], limit]
  )
  return result.rows.map(payoutFromRow)
}

/* One payout, locked, or null when it does not exist or someone else holds it. */
export async function lockPayoutIfFree(trx: Transaction, payoutId: string) {
  const result = await trx.rawQuery(`SELECT * FROM payouts WHERE id = ? FOR UPDATE SKIP LOCKED`, [
    payoutId,
  ])
  return result.rows[0] ? payoutFromRow(result.rows[0]) : null
}

export interface SweepablePayout {
  id: string
  account_id: string
  status: string
  reason: SweepReason
  attempts: number
  next_attempt: number | null
  next_attempt_at: Date | null
  updated_at: Date
  created_at: Date
  /* Seconds past due (retry_overdue) or since the payout last moved (the others). */
  age_seconds: number
}

/*
 * What the sweeper considers overdue or stuck right now, most urgent first:
 * the operator console's "stuck payouts" and the sweeper's own view.
 */
export async function listSweepablePayouts(
  options: { limit?: number; thresholds?: SweepThresholds } = {},
  client: SqlClient = direct
): Promise<SweepablePayout[]> {
  const thresholds = options.thresholds ?? sweepThresholds()
  const parts = (Object.keys(CONDITIONS) as SweepReason[]).map((reason) => {
    const { where, since } = CONDITIONS[reason]
    return `SELECT p.id, p.account_id, p.status, '${reason}' AS reason, p.attempts, p.next_attempt,
                   p.next_attempt_at, p.updated_at, p.created_at,
                   extract(epoch FROM now() - ${since})::float AS age_seconds
              FROM payouts p WHERE ${where}`
  })
  const result = await client.rawQuery(
    `${parts.join(' UNION ALL ')} ORDER BY age_seconds DESC LIMIT ?`,
    [thresholds.graceMs, thresholds.newAfterMs, thresholds.stuckAfterMs, options.limit ?? 100]
  )
  return result.rows as SweepablePayout[]
}
