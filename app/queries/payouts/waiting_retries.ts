import payoutsConfig from '#config/payouts'
import { direct } from '#infrastructure/database/direct'
import type { RawBindings } from '#infrastructure/database/bindings'

export interface WaitingRow {
  id: string
  account_id: string
  status: string
  amount: string
  currency: string
  attempts: number
  next_attempt: number | null
  next_attempt_at: Date
  /* A status check of a payout the provider accepted, not a new attempt. */
  awaiting_provider: boolean
  /* Null while the sweeper holds it to ask the provider. */
  next_message_id: string | null
  last_error: string | null
  last_error_at: Date | null
}

/*
 * Payouts waiting for their next step, soonest first (keyset on
 * next_attempt_at, id over the partial index of scheduled payouts), with the
 * error of the last failed attempt from the timeline.
 */
export async function waitingRetries(page: { limit: number; after?: { at: Date; id: string } }) {
  const result = await direct.rawQuery(
    `SELECT p.id, p.account_id, p.status, p.amount::text, p.currency, p.attempts,
            p.next_attempt, p.next_attempt_at, p.awaiting_provider_since IS NOT NULL AS awaiting_provider,
            p.next_message_id, e.details->>'error' AS last_error, e.created_at AS last_error_at
       FROM payouts p
       LEFT JOIN LATERAL (
         SELECT details, created_at FROM payout_events
          WHERE payout_id = p.id AND type = 'attempt_failed'
          ORDER BY id DESC LIMIT 1) e ON true
      WHERE p.next_attempt_at IS NOT NULL AND p.status IN ('NEW', 'PROCESSING')
        AND (?::timestamptz IS NULL OR (p.next_attempt_at, p.id) > (?::timestamptz, ?::uuid))
      ORDER BY p.next_attempt_at, p.id
      LIMIT ?`,
    [
      page.after?.at ?? null,
      page.after?.at ?? null,
      page.after?.id ?? null,
      page.limit + 1,
    ] as RawBindings
  )
  const rows = result.rows as WaitingRow[]
  const more = rows.length > page.limit
  const shown = rows.slice(0, page.limit)
  const last = shown[shown.length - 1]
  return {
    rows: shown,
    maxAttempts: payoutsConfig.retry.maxAttempts,
    next: more ? `${last.next_attempt_at.toISOString()}_${last.id}` : null,
  }
}

/* What the sweeper did lately (its timeline events), newest first, over its partial index. */
export async function sweeperActions(limit = 50) {
  const result = await direct.rawQuery(
    `SELECT id::text, payout_id::text, type, from_status, to_status, details, created_at
       FROM payout_events WHERE actor = 'sweeper' ORDER BY id DESC LIMIT ?`,
    [limit]
  )
  return result.rows as {
    id: string
    payout_id: string
    type: string
    from_status: string | null
    to_status: string | null
    details: Record<string, unknown>
    created_at: Date
  }[]
}
