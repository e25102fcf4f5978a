import DeadLetter, { type DeadLetterStatus } from '#models/dead_letter'
import { isUuid } from '#domain/ids'
import { likeEscape } from '#infrastructure/database/like'

export interface DeadLetterFilter {
  status?: DeadLetterStatus
  payoutId?: string
  accountId?: string
  errorCode?: string
  createdFrom?: Date
  createdTo?: Date
  /* Free text: matches the id, payout id, account id, error code or last error. */
  search?: string
}

/* One query builder for the list (API, dashboard) and the bulk actions, so both see the same rows. */
export function deadLetterQuery(filter: DeadLetterFilter) {
  const query = DeadLetter.query()
  if (filter.status) query.where('status', filter.status)
  if (filter.payoutId) query.where('payout_id', filter.payoutId.toLowerCase())
  if (filter.accountId) query.where('account_id', filter.accountId.toLowerCase())
  if (filter.errorCode) query.where('error_code', filter.errorCode)
  if (filter.createdFrom) query.where('created_at', '>=', filter.createdFrom)
  if (filter.createdTo) query.where('created_at', '<=', filter.createdTo)
  const search = filter.search?.trim()
  if (search) {
    query.where((inner) => {
      if (isUuid(search)) {
        const id = search.toLowerCase()
        inner.where('id', id).orWhere('payout_id', id).orWhere('account_id', id)
      } else {
        inner.where('error_code', search).orWhereILike('last_error', `%${likeEscape(search)}%`)
      }
    })
  }
  return query
}
