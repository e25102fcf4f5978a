import type { Transaction } from '#infrastructure/database/direct'

/*
 * The only writer of contradiction_reviews. A review closes one provider
 * contradiction (a payout_events row of that type) with an operator's note;
 * the primary key makes a second review of the same contradiction a no-op.
 * Returns the payout the contradiction is about, or null when nothing was
 * written (no such contradiction, or already reviewed: see `findContradiction`).
 */
export async function insertReview(
  trx: Transaction,
  review: { eventId: string; note: string; actor: string }
): Promise<{ payoutId: string } | null> {
  const result = await trx.rawQuery(
    `INSERT INTO contradiction_reviews (payout_event_id, payout_id, note, actor)
     SELECT id, payout_id, ?, ? FROM payout_events
      WHERE id = ?::bigint AND type = 'provider_contradiction'
     ON CONFLICT (payout_event_id) DO NOTHING
     RETURNING payout_id::text`,
    [review.note, review.actor, review.eventId]
  )
  return result.rows[0] ? { payoutId: result.rows[0].payout_id } : null
}

/* A contradiction and whether it was already reviewed; null when the id names none. */
export async function findContradiction(trx: Transaction, eventId: string) {
  const result = await trx.rawQuery(
    `SELECT e.payout_id::text, r.payout_event_id IS NOT NULL AS reviewed
       FROM payout_events e LEFT JOIN contradiction_reviews r ON r.payout_event_id = e.id
      WHERE e.id = ?::bigint AND e.type = 'provider_contradiction'`,
    [eventId]
  )
  return (result.rows[0] as { payout_id: string; reviewed: boolean } | undefined) ?? null
}
