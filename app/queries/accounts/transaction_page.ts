import type { LedgerEntryRecord } from '#domain/records'
import { direct } from '#infrastructure/database/direct'
import {
  afterCursorSql,
  cursorScope,
  decodeCursor,
  pageOf,
  type PageRequest,
} from '#queries/support/cursor'
import { entryFromRow } from '#infrastructure/ledger/ledger'

const FIRST_PAGE = `SELECT * FROM transactions WHERE account_id = ?
 ORDER BY created_at DESC, id DESC LIMIT ?`
const LATER_PAGE = `SELECT * FROM transactions
 WHERE account_id = ? AND ${afterCursorSql('transactions')}
 ORDER BY created_at DESC, id DESC LIMIT ?`

/*
 * One page of an account's ledger (GET /api/v1/accounts/:id/transactions),
 * newest first on (created_at, id), as plain records (the ledger's
 * entryFromRow): two fixed statements (first page, later page), each a named
 * prepared statement on the direct client.
 */
export async function transactionPage(
  accountId: string,
  page: PageRequest
): Promise<{ rows: LedgerEntryRecord[]; nextCursor: string | null }> {
  const scope = cursorScope('transactions', { account_id: accountId })
  const result = page.cursor
    ? await direct.rawQuery(LATER_PAGE, [
        accountId,
        decodeCursor(page.cursor, scope),
        page.limit + 1,
      ])
    : await direct.rawQuery(FIRST_PAGE, [accountId, page.limit + 1])
  return pageOf(result.rows.map(entryFromRow), page.limit, scope)
}
