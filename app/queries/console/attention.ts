import { direct } from '#infrastructure/database/direct'
import { COUNT_CAP, countOpenContradictions } from '#queries/payouts/contradictions'

/*
 * What needs an operator, for the overview: open provider contradictions,
 * payouts waiting for a retry, and paused queues. Each count reads a partial
 * index and stops at COUNT_CAP + 1.
 */
export async function consoleAttention() {
  const [openContradictions, waiting, paused] = await Promise.all([
    countOpenContradictions(),
    direct.rawQuery(
      `SELECT count(*)::int AS n FROM (
         SELECT 1 FROM payouts WHERE next_attempt_at IS NOT NULL LIMIT ${COUNT_CAP + 1}) AS w`
    ),
    direct.rawQuery(`SELECT queue FROM consumer_pauses WHERE paused ORDER BY queue`),
  ])
  return {
    countCap: COUNT_CAP,
    openContradictions,
    waitingRetries: waiting.rows[0].n as number,
    pausedQueues: paused.rows.map((row: { queue: string }) => row.queue),
  }
}
