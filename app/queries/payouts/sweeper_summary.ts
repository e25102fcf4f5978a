import { direct, type SqlClient } from '#infrastructure/database/direct'
import { readSweepBacklog } from '#infrastructure/payouts/sweep_sql'

/* The sweeper's figures on the dashboard overview and the metrics page (docs/adr/0009). */
export interface SweeperSummary {
  /* Scheduled retries and status checks later than the grace: their message was lost. */
  overdue: number
  overdue_oldest_seconds: number | null
  /* NEW never started, or PROCESSING with nothing scheduled and no progress. */
  stuck: number
  stuck_oldest_seconds: number | null
  /* What the sweeper did over the last `window_minutes` (from the payouts' timelines). */
  window_minutes: number
  redispatched: number
  completed: number
  failed: number
}

export async function summarizeSweeper(
  windowMinutes = 60,
  client: SqlClient = direct
): Promise<SweeperSummary> {
  const [backlog, actions] = await Promise.all([
    readSweepBacklog(client),
    client.rawQuery(
      `SELECT count(*) FILTER (WHERE type = 'sweeper_redispatched')::int AS redispatched,
              count(*) FILTER (WHERE to_status = 'COMPLETED')::int AS completed,
              count(*) FILTER (WHERE to_status = 'FAILED')::int AS failed
         FROM payout_events
        WHERE actor = 'sweeper' AND created_at >= now() - make_interval(mins => ?::int)`,
      [windowMinutes]
    ),
  ])
  const row = actions.rows[0]
  return {
    overdue: backlog.overdue,
    overdue_oldest_seconds: backlog.overdue > 0 ? backlog.overdueOldestSeconds : null,
    stuck: backlog.stuck,
    stuck_oldest_seconds: backlog.stuck > 0 ? backlog.stuckOldestSeconds : null,
    window_minutes: windowMinutes,
    redispatched: row.redispatched,
    completed: row.completed,
    failed: row.failed,
  }
}
