import { direct } from '#infrastructure/database/direct'
import { isUuid } from '#domain/ids'
import type { RawBindings } from '#infrastructure/database/bindings'

export interface SearchHit {
  kind: 'payout' | 'account' | 'user' | 'dead_letter' | 'provider_event'
  id: string
  label: string
  href: string
}

/* A payout id prefix: at least 4 hex digits, dashes where a UUID has them. */
const ID_PREFIX = /^[0-9a-f]{4}[0-9a-f-]{0,32}$/i
const MAX_HITS = 20

/* The lowest and highest UUID starting with `prefix`: a range the primary key index serves. */
function uuidRange(prefix: string) {
  const hex = prefix.replace(/-/g, '').toLowerCase()
  const pad = (fill: string) => {
    const full = hex.padEnd(32, fill)
    return `${full.slice(0, 8)}-${full.slice(8, 12)}-${full.slice(12, 16)}-${full.slice(16, 20)}-${full.slice(20)}`
  }
  return [pad('0'), pad('f')]
}

/*
 * What one search box can name: a payout (id, id prefix, provider reference),
 * a provider event id, an account (id, external_ref), a dead letter id or a
 * user (id, email). Each probe is one index lookup; together one round trip.
 * `canSeeUsers`: only admins get user pages; others get the user's audit trail.
 */
export async function globalSearch(text: string, canSeeUsers: boolean): Promise<SearchHit[]> {
  const q = text.trim()
  if (!q) return []
  const exactId = isUuid(q) ? q.toLowerCase() : null
  const [low, high] = !exactId && ID_PREFIX.test(q) ? uuidRange(q) : [null, null]
  const result = await direct.rawQuery(
    `(SELECT 'payout' AS kind, id::text AS id, id::text AS label FROM payouts
        WHERE id = ?::uuid OR id BETWEEN ?::uuid AND ?::uuid ORDER BY id LIMIT ${MAX_HITS})
     UNION ALL
     (SELECT 'payout', id::text, 'provider reference ' || provider_reference FROM payouts
        WHERE provider_reference = ? LIMIT ${MAX_HITS})
     UNION ALL
     (SELECT 'provider_event', payout_id, 'provider event ' || event_id FROM provider_events
        WHERE event_id = ?)
     UNION ALL
     (SELECT 'account', id::text, external_ref || ' (' || currency || ')' FROM accounts
        WHERE id = ?::uuid OR lower(external_ref) = lower(?) LIMIT ${MAX_HITS})
     UNION ALL
     (SELECT 'dead_letter', id::text, 'dead letter ' || id FROM dead_letters WHERE id = ?::uuid)
     UNION ALL
     (SELECT 'user', id::text, email FROM users WHERE id = ?::uuid OR lower(email) = lower(?))`,
    [exactId, low, high, q, q, exactId, q, exactId, exactId, q] as RawBindings
  )
  return (result.rows as { kind: SearchHit['kind']; id: string; label: string }[]).map((row) => ({
    ...row,
    href: hrefOf(row.kind, row.id, row.label, canSeeUsers),
  }))
}

function hrefOf(kind: SearchHit['kind'], id: string, label: string, canSeeUsers: boolean) {
  switch (kind) {
    case 'payout':
      return `/payouts/${id}`
    case 'provider_event':
      return isUuid(id)
        ? `/payouts/${id.toLowerCase()}`
        : `/audit?target_id=${encodeURIComponent(id)}`
    case 'account':
      return `/accounts/${id}`
    case 'dead_letter':
      return `/dead-letters/${id}`
    case 'user':
      return canSeeUsers ? `/users#user-${id}` : `/audit?actor=${encodeURIComponent(label)}`
  }
}
