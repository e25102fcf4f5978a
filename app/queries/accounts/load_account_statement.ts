import db from '@adonisjs/lucid/services/db'
import Account from '#models/account'
import LedgerEntry from '#models/ledger_entry'
import { accountBalanceAt } from '#infrastructure/ledger/ledger'
import { paginate, type PageRequest } from '#queries/support/cursor'
import { actorNames } from '#queries/users/actor_names'

/*
 * The account page: the account with its current balance, optionally the
 * balance as of an instant (one index probe, see accountBalanceAt), and one page of
 * its ledger, newest first, with the emails of operators named as actors.
 * An unknown id is a 404.
 */
export class LoadAccountStatement {
  async handle(accountId: string, options: { at?: Date; page: PageRequest }) {
    const account = await Account.findOrFail(accountId)
    const [listed, historical] = await Promise.all([
      paginate(LedgerEntry.query().where('account_id', account.id), options.page, 'transactions', {
        account_id: account.id,
      }),
      options.at ? accountBalanceAt(db, account.id, options.at) : Promise.resolve(null),
    ])
    const actors = await actorNames(listed.rows.map((entry) => entry.actor))
    return {
      account,
      balanceAt: options.at && historical ? { at: options.at, balance: historical.balance } : null,
      entries: listed.rows,
      nextCursor: listed.nextCursor,
      actors,
    }
  }
}
