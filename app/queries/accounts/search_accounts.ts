import Account from '#models/account'
import { paginate, type PageRequest } from '#queries/support/cursor'
import { likeEscape } from '#infrastructure/database/like'
import { isUuid } from '#domain/ids'

/*
 * Accounts for the dashboard, newest first with keyset pagination. `search`
 * is a case-insensitive prefix of the external reference (served by the
 * lower(external_ref) pattern index), or an exact account id.
 */
export class SearchAccounts {
  async handle(search: string | undefined, page: PageRequest) {
    const query = Account.query()
    const text = search?.trim()
    if (text) {
      const prefix = `${likeEscape(text.toLowerCase())}%`
      query.where((inner) => {
        inner.whereRaw('lower(accounts.external_ref) LIKE ?', [prefix])
        if (isUuid(text)) inner.orWhere('accounts.id', text.toLowerCase())
      })
    }
    const listed = await paginate(query, page, 'accounts', { search: text })
    return { accounts: listed.rows, nextCursor: listed.nextCursor }
  }
}
