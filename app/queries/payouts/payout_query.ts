import type { ChainableContract } from '@adonisjs/lucid/types/querybuilder'
import type { PayoutStatus } from '#domain/payout_state'
import { isUuid } from '#domain/ids'
import { likeEscape } from '#infrastructure/database/like'

export interface PayoutFilter {
  status?: PayoutStatus
  accountId?: string
  createdFrom?: Date
  createdTo?: Date
  /*
   * Free text: a UUID is matched exactly against the payout id and account id;
   * anything else is a case-insensitive substring of the recipient details or
   * the comment (trigram indexes keep that fast on large tables).
   */
  search?: string
}

/*
 * The dashboard's payout filter, applied the same way to the page, the
 * per-status counts (`status` left out) and the CSV export, so all three
 * describe the same rows.
 */
export function applyPayoutFilter<Query extends ChainableContract>(
  query: Query,
  filter: PayoutFilter
): Query {
  if (filter.status) query.where('payouts.status', filter.status)
  if (filter.accountId) query.where('payouts.account_id', filter.accountId.toLowerCase())
  if (filter.createdFrom) query.where('payouts.created_at', '>=', filter.createdFrom)
  if (filter.createdTo) query.where('payouts.created_at', '<=', filter.createdTo)
  const search = filter.search?.trim()
  if (search) {
    query.where((inner) => {
      if (isUuid(search)) {
        const id = search.toLowerCase()
        inner.where('payouts.id', id).orWhere('payouts.account_id', id)
      } else {
        const pattern = `%${likeEscape(search)}%`
        inner
          .whereILike('payouts.recipient_details', pattern)
          .orWhereILike('payouts.comment', pattern)
      }
    })
  }
  return query
}
