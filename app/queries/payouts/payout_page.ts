import type { PayoutView } from '#domain/records'
import type { PayoutStatus } from '#domain/payout_state'
import { direct } from '#infrastructure/database/direct'
import {
  afterCursorSql,
  cursorScope,
  decodeCursor,
  pageOf,
  type PageRequest,
} from '#queries/support/cursor'
import { PAYOUT_VIEW_COLUMNS, payoutViewFromRow } from '#infrastructure/payouts/payout_store'

/* The API's payout list filter (the dashboard's, in payout_query.ts, also searches text). */
export interface PayoutPageFilter {
  status?: PayoutStatus
  accountId?: string
  createdFrom?: Date
  createdTo?: Date
}

/*
 * One page of GET /api/v1/payouts: newest first on (created_at, id), as
 * plain views (payout_store's PAYOUT_VIEW_COLUMNS and payoutViewFromRow), no
 * models. The SQL text depends only on which filters are set, so each shape
 * is one named prepared statement on the direct client, planned once per
 * connection; values, the cursor's id and the limit are bindings.
 */
export async function payoutPage(
  filter: PayoutPageFilter,
  page: PageRequest
): Promise<{ rows: PayoutView[]; nextCursor: string | null }> {
  const scope = cursorScope('payouts', filter)
  const conditions: string[] = []
  const bindings: (string | number | Date)[] = []
  if (filter.status) {
    conditions.push('status = ?')
    bindings.push(filter.status)
  }
  if (filter.accountId) {
    conditions.push('account_id = ?::uuid')
    bindings.push(filter.accountId.toLowerCase())
  }
  if (filter.createdFrom) {
    conditions.push('created_at >= ?')
    bindings.push(filter.createdFrom)
  }
  if (filter.createdTo) {
    conditions.push('created_at <= ?')
    bindings.push(filter.createdTo)
  }
  if (page.cursor) {
    conditions.push(afterCursorSql('payouts'))
    bindings.push(decodeCursor(page.cursor, scope))
  }
  bindings.push(page.limit + 1)
  const where = conditions.length ? ` WHERE ${conditions.join(' AND ')}` : ''
  const sql = `SELECT ${PAYOUT_VIEW_COLUMNS} FROM payouts${where} ORDER BY created_at DESC, id DESC LIMIT ?`
  const result = await direct.rawQuery(sql, bindings)
  return pageOf(result.rows.map(payoutViewFromRow), page.limit, scope)
}
