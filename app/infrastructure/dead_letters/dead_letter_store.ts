import DeadLetter from '#models/dead_letter'
import type { SqlClient, Transaction } from '#infrastructure/database/direct'
import { NOW_MS } from '#infrastructure/database/clock'

/* The only module that writes `dead_letters`. */

export interface DeadLetterRow {
  messageId: string
  queue: string
  routingKey: string | null
  payoutId: string | null
  accountId: string | null
  reason: string
  errorCode: string
  attempts: number
  lastError: string | null
  payload: Record<string, unknown>
  headers: Record<string, unknown>
}

/*
 * Mirrors a dead message, with each `attempt_failed` error of its payout;
 * false when that message id is mirrored already (one row per message).
 */
export async function recordDeadLetter(client: SqlClient, letter: DeadLetterRow) {
  const result = await client.rawQuery(
    `WITH payout AS (SELECT id, account_id FROM payouts WHERE id = ?::uuid),
          attempts AS (
            SELECT coalesce(jsonb_agg(jsonb_build_object(
                     'attempt', e.details->'attempt', 'error', e.details->>'error',
                     'at', e.created_at) ORDER BY e.id), '[]'::jsonb) AS errors
              FROM payout_events e WHERE e.payout_id = ?::uuid AND e.type = 'attempt_failed')
     INSERT INTO dead_letters
       (message_id, queue, routing_key, payout_id, account_id, reason, error_code, attempts,
        last_error, errors, payload, headers)
     SELECT ?, ?, ?, (SELECT id FROM payout), coalesce((SELECT account_id FROM payout), ?::uuid),
            ?, ?, ?, ?, (SELECT errors FROM attempts), ?::jsonb, ?::jsonb
     ON CONFLICT (message_id) DO NOTHING
     RETURNING id`,
    [
      letter.payoutId,
      letter.payoutId,
      letter.messageId,
      letter.queue,
      letter.routingKey,
      letter.accountId,
      letter.reason,
      letter.errorCode,
      letter.attempts,
      letter.lastError,
      JSON.stringify(letter.payload),
      JSON.stringify(letter.headers),
    ] as Parameters<SqlClient['rawQuery']>[1]
  )
  return result.rows.length === 1
}

/* The dead letter, locked for the rest of `trx`. */
export async function lockDeadLetter(trx: Transaction, id: string) {
  const result = await trx.rawQuery(`SELECT * FROM dead_letters WHERE id = ? FOR UPDATE`, [id])
  return result.rows[0] ? (DeadLetter.$createFromAdapterResult(result.rows[0]) as DeadLetter) : null
}

export async function closeDeadLetter(
  trx: Transaction,
  id: string,
  status: 'replayed' | 'discarded',
  actor: string
) {
  const result = await trx.rawQuery(
    `UPDATE dead_letters SET status = ?, resolved_by = ?, resolved_at = now(), updated_at = ${NOW_MS}
      WHERE id = ? RETURNING *`,
    [status, actor, id]
  )
  return DeadLetter.$createFromAdapterResult(result.rows[0]) as DeadLetter
}
