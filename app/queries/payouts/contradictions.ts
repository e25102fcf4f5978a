import { direct } from '#infrastructure/database/direct'
import type { RawBindings } from '#infrastructure/database/bindings'

export type ContradictionState = 'open' | 'reconciled' | 'all'

export interface ContradictionRow {
  event_id: string
  payout_id: string
  created_at: Date
  details: {
    event_id?: string
    provider_reference?: string
    reported?: string
    payout_status?: string
    failure_code?: string
  }
  status: string
  amount: string
  currency: string
  note: string | null
  reviewed_by: string | null
  reviewed_at: Date | null
}

const STATE_SQL: Record<ContradictionState, string> = {
  open: 'AND r.payout_event_id IS NULL',
  reconciled: 'AND r.payout_event_id IS NOT NULL',
  all: '',
}

/*
 * Provider contradictions, newest first, with the payout as it stands now
 * and the review if any. They are read through the partial index on
 * payout_events (only contradictions), keyset on the event id.
 */
export async function contradictionPage(
  filter: { state: ContradictionState; payoutId?: string },
  page: { limit: number; before?: string }
) {
  const result = await direct.rawQuery(
    `SELECT e.id::text AS event_id, e.payout_id::text, e.created_at, e.details,
            p.status, p.amount::text, p.currency,
            r.note, r.actor AS reviewed_by, r.reviewed_at
       FROM payout_events e
       JOIN payouts p ON p.id = e.payout_id
       LEFT JOIN contradiction_reviews r ON r.payout_event_id = e.id
      WHERE e.type = 'provider_contradiction' ${STATE_SQL[filter.state]}
        AND (?::uuid IS NULL OR e.payout_id = ?::uuid)
        AND (?::bigint IS NULL OR e.id < ?::bigint)
      ORDER BY e.id DESC
      LIMIT ?`,
    [
      filter.payoutId ?? null,
      filter.payoutId ?? null,
      page.before ?? null,
      page.before ?? null,
      page.limit + 1,
    ] as RawBindings
  )
  const rows = result.rows as ContradictionRow[]
  const more = rows.length > page.limit
  const shown = rows.slice(0, page.limit)
  return { rows: shown, nextBefore: more ? shown[shown.length - 1].event_id : null }
}

/* Counted up to this many; the page says "10,000+" past it, so the count stays cheap. */
export const COUNT_CAP = 10_000

/* Open contradictions (no review yet), at most COUNT_CAP + 1. */
export async function countOpenContradictions() {
  const result = await direct.rawQuery(
    `SELECT count(*)::int AS open FROM (
       SELECT 1 FROM payout_events e
        WHERE e.type = 'provider_contradiction'
          AND NOT EXISTS (SELECT 1 FROM contradiction_reviews r WHERE r.payout_event_id = e.id)
        LIMIT ${COUNT_CAP + 1}) AS open`
  )
  return result.rows[0].open as number
}
