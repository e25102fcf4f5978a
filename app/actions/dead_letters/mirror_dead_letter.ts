import db from '@adonisjs/lucid/services/db'
import { bindings } from '#infrastructure/database/bindings'
import { isUuid } from '#domain/ids'

export interface DeadMessage {
  messageId: string
  /* Parsed JSON body, or `{ raw }` when the body was not JSON. */
  payload: Record<string, unknown>
  headers: Record<string, unknown>
}

interface XDeath {
  'reason'?: string
  'queue'?: string
  'routing-keys'?: string[]
}

/*
 * Records a message that reached `payouts.dead` in the dead_letters table,
 * with what operators need: the original payload, why it died, on which
 * queue, the payout it concerns, and each attempt's error. The message id is
 * unique: the same message mirrored twice is one row. Never pruned.
 */
export class MirrorDeadLetter {
  async handle(message: DeadMessage) {
    const headers = message.headers
    const death = (Array.isArray(headers['x-death']) ? headers['x-death'][0] : undefined) as
      XDeath | undefined
    const reason = String(headers['x-dead-letter-reason'] ?? death?.reason ?? 'unknown')
    const queue = String(headers['x-original-queue'] ?? death?.queue ?? 'unknown')
    const routingKey = String(
      headers['x-original-routing-key'] ?? death?.['routing-keys']?.[0] ?? ''
    )
    const candidate = headers['x-payout-id'] ?? message.payload.payout_id
    const payoutId = isUuid(candidate) ? candidate : null
    const accountId = isUuid(message.payload.account_id) ? message.payload.account_id : null

    const result = await db.rawQuery(
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
      bindings([
        payoutId,
        payoutId,
        message.messageId,
        queue,
        routingKey || null,
        accountId,
        reason,
        typeof headers['x-error-code'] === 'string'
          ? headers['x-error-code']
          : reason === 'exhausted'
            ? 'provider_unavailable'
            : reason,
        Number(headers['x-attempts'] ?? 0) || 0,
        typeof headers['x-last-error'] === 'string' ? headers['x-last-error'] : null,
        JSON.stringify(message.payload),
        JSON.stringify(jsonSafe(headers)),
      ])
    )
    return { recorded: result.rows.length === 1, reason }
  }
}

/* AMQP headers may hold Buffers and Dates; keep what JSON can carry. */
function jsonSafe(headers: Record<string, unknown>) {
  return JSON.parse(
    JSON.stringify(headers, (_, value) =>
      Buffer.isBuffer(value) ? value.toString('utf8') : (value as unknown)
    )
  ) as Record<string, unknown>
}
