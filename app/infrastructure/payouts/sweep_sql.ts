import payoutsConfig from '#config/payouts'
import type { SqlClient } from '#infrastructure/database/direct'

/*
 * What the sweeper looks for (docs/adr/0009), as SQL conditions on `payouts p`
 * shared by its claims, the console's lists, the gauges and the dashboard,
 * so they all count the same payouts. Each takes its threshold in ms as its
 * only binding.
 */
export interface SweepThresholds {
  /* A scheduled step this late is overdue: its message was lost or is stuck. */
  graceMs: number
  /* A NEW payout whose command went out this long ago and never started. */
  newAfterMs: number
  /* A PROCESSING payout with nothing scheduled that has not moved for this long. */
  stuckAfterMs: number
}

export function sweepThresholds(): SweepThresholds {
  const { graceMs, newAfterMs, stuckAfterMs } = payoutsConfig.sweeper
  return { graceMs, newAfterMs, stuckAfterMs }
}

const olderThan = (column: string) => `${column} < now() - (?::int * interval '1 millisecond')`

/* A retry, status check or re-dispatch whose time passed by more than the grace. */
export const OVERDUE = `p.status IN ('NEW', 'PROCESSING') AND ${olderThan('p.next_attempt_at')}`

/*
 * NEW, nothing scheduled, unchanged for a while, and its command is not still
 * in the outbox (unpublished rows are the relay's to send).
 */
export const NEVER_STARTED = `p.status = 'NEW' AND p.next_attempt_at IS NULL
  AND ${olderThan('p.updated_at')}
  AND NOT EXISTS (SELECT 1 FROM outbox_messages o
                   WHERE o.published_at IS NULL AND o.payload->>'payout_id' = p.id::text)`

/* PROCESSING with no retry or check scheduled and no progress for a while. */
export const IDLE_PROCESSING = `p.status = 'PROCESSING' AND p.next_attempt_at IS NULL
  AND ${olderThan('p.updated_at')}`

export interface SweepBacklog {
  overdue: number
  /* Seconds past its due time of the most overdue step, 0 when none. */
  overdueOldestSeconds: number
  /* NEW never started plus PROCESSING idle. */
  stuck: number
  /* Seconds since the longest-stuck payout last moved, 0 when none. */
  stuckOldestSeconds: number
}

/* The sweeper's backlog in one statement (both gauges and the dashboard read it). */
export async function readSweepBacklog(
  client: SqlClient,
  thresholds: SweepThresholds = sweepThresholds()
): Promise<SweepBacklog> {
  const result = await client.rawQuery(
    `WITH overdue AS (SELECT p.next_attempt_at AS since FROM payouts p WHERE ${OVERDUE}),
          stuck AS (
            SELECT p.updated_at AS since FROM payouts p WHERE ${NEVER_STARTED}
            UNION ALL
            SELECT p.updated_at FROM payouts p WHERE ${IDLE_PROCESSING})
     SELECT (SELECT count(*)::int FROM overdue) AS overdue,
            (SELECT coalesce(extract(epoch FROM now() - min(since)), 0)::float FROM overdue)
              AS overdue_oldest,
            (SELECT count(*)::int FROM stuck) AS stuck,
            (SELECT coalesce(extract(epoch FROM now() - min(since)), 0)::float FROM stuck)
              AS stuck_oldest`,
    [thresholds.graceMs, thresholds.newAfterMs, thresholds.stuckAfterMs]
  )
  const row = result.rows[0]
  return {
    overdue: row.overdue,
    overdueOldestSeconds: row.overdue_oldest,
    stuck: row.stuck,
    stuckOldestSeconds: row.stuck_oldest,
  }
}
