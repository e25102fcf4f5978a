import Payout from '#models/payout'
import { paginate, type PageRequest } from '#queries/support/cursor'
import { applyPayoutFilter, type PayoutFilter } from '#queries/payouts/payout_query'
import { countPayoutsByStatus } from '#queries/payouts/count_payouts_by_status'
import { accountRefs } from '#queries/accounts/account_refs'

/*
 * One page of the dashboard's payout list (keyset, newest first) and the
 * per-status counts of the same filter for the status tabs, with the external
 * references of the accounts on the page. No OFFSET and no
 * count of the filtered page set: the page costs the same on page 1 and 10 000.
 */
export class ListPayouts {
  async handle(filter: PayoutFilter, page: PageRequest) {
    const [listed, counts] = await Promise.all([
      paginate(applyPayoutFilter(Payout.query(), filter), page, 'payouts', filter),
      countPayoutsByStatus(filter),
    ])
    const accounts = await accountRefs(listed.rows.map((payout) => payout.accountId))
    return { payouts: listed.rows, nextCursor: listed.nextCursor, counts, accounts }
  }
}
