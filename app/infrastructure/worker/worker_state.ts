import { direct, type SqlClient, type Transaction } from '#infrastructure/database/direct'
import type { RawBindings } from '#infrastructure/database/bindings'
import { NOW_MS } from '#infrastructure/database/clock'

/*
 * The only writer of worker_heartbeats and consumer_pauses. Heartbeats are
 * one upsert each (the process's own row); a pause is written in the
 * operator's transaction with a NOTIFY that PostgreSQL delivers at commit.
 */

/* The channel workers LISTEN on; its payload is the queue whose pause changed. */
export const CONSUMER_PAUSES_CHANNEL = 'payouts_consumer_pauses'

export interface InFlightMessage {
  queue: string
  message_id: string
  payout_id: string | null
  since: string
}

export interface Heartbeat {
  name: string
  role: string
  host: string
  pid: number
  startedAt: Date
  prefetch: number
  consuming: string[]
  inFlight: InFlightMessage[]
}

export async function writeHeartbeat(beat: Heartbeat) {
  await direct.rawQuery(
    `INSERT INTO worker_heartbeats
       (name, role, host, pid, started_at, last_seen_at, prefetch, consuming, in_flight)
     VALUES (?, ?, ?, ?, ?, clock_timestamp(), ?, ?::jsonb, ?::jsonb)
     ON CONFLICT (name) DO UPDATE SET
       last_seen_at = clock_timestamp(), prefetch = EXCLUDED.prefetch,
       consuming = EXCLUDED.consuming, in_flight = EXCLUDED.in_flight,
       started_at = EXCLUDED.started_at, host = EXCLUDED.host, pid = EXCLUDED.pid`,
    [
      beat.name,
      beat.role,
      beat.host,
      beat.pid,
      beat.startedAt.toISOString(),
      beat.prefetch,
      JSON.stringify(beat.consuming),
      JSON.stringify(beat.inFlight),
    ] as RawBindings
  )
}

/* A process that stops cleanly removes its row; a crashed one's row goes stale. */
export async function removeHeartbeat(name: string) {
  await direct.rawQuery(`DELETE FROM worker_heartbeats WHERE name = ?`, [name])
}

/* Rows of processes not heard from for `olderThanMs`, kept for a while so the page shows them stale. */
export async function pruneHeartbeats(olderThanMs: number) {
  await direct.rawQuery(
    `DELETE FROM worker_heartbeats WHERE last_seen_at < clock_timestamp() - ? * interval '1 millisecond'`,
    [olderThanMs]
  )
}

export async function pausedQueues(client: SqlClient = direct): Promise<Set<string>> {
  const result = await client.rawQuery(`SELECT queue FROM consumer_pauses WHERE paused`)
  return new Set(result.rows.map((row: { queue: string }) => row.queue))
}

/*
 * Pauses or resumes a queue's consumers, in `trx`. Returns whether it was
 * paused before (null when never set). Workers hear it through NOTIFY at
 * commit, and read the table again on every heartbeat in case they missed it.
 */
export async function setQueuePaused(
  trx: Transaction,
  change: { queue: string; paused: boolean; actor: string }
) {
  const before = await trx.rawQuery(
    `SELECT paused FROM consumer_pauses WHERE queue = ? FOR UPDATE`,
    [change.queue]
  )
  await trx.rawQuery(
    `INSERT INTO consumer_pauses (queue, paused, changed_by) VALUES (?, ?, ?)
     ON CONFLICT (queue) DO UPDATE SET paused = EXCLUDED.paused,
       changed_by = EXCLUDED.changed_by, changed_at = ${NOW_MS}`,
    [change.queue, change.paused, change.actor]
  )
  await trx.rawQuery(`SELECT pg_notify(?, ?)`, [CONSUMER_PAUSES_CHANNEL, change.queue])
  return (before.rows[0]?.paused as boolean | undefined) ?? null
}
