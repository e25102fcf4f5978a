import { direct } from '#infrastructure/database/direct'
import { recordDeadLetter } from '#infrastructure/dead_letters/dead_letter_store'
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

    const recorded = await recordDeadLetter(direct, {
      messageId: message.messageId,
      queue,
      routingKey: routingKey || null,
      payoutId,
      accountId,
      reason,
      errorCode:
        typeof headers['x-error-code'] === 'string'
          ? headers['x-error-code']
          : reason === 'exhausted'
            ? 'provider_unavailable'
            : reason,
      attempts: Number(headers['x-attempts'] ?? 0) || 0,
      lastError: typeof headers['x-last-error'] === 'string' ? headers['x-last-error'] : null,
      payload: message.payload,
      headers: jsonSafe(headers),
    })
    return { recorded, reason }
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
