import db from '@adonisjs/lucid/services/db'
import User from '#models/user'
import Payout from '#models/payout'
import { ROLES, type Role } from '#domain/roles'
import { countPayoutsByStatus, type PayoutCounts } from '#queries/payouts/count_payouts_by_status'
import { accountRefs } from '#queries/accounts/account_refs'
import { summarizeSweeper, type SweeperSummary } from '#queries/payouts/sweeper_summary'

export interface OverviewSummary {
  users: { total: number; byRole: Record<Role, number> }
  activeTokens: number
  payouts: PayoutCounts
  newestPayouts: Payout[]
  /* External references of the accounts of the newest payouts, by account id. */
  accounts: Record<string, string>
  /* Overdue retries, stuck payouts and the sweeper's last hour. */
  sweeper: SweeperSummary
}

const NEWEST_PAYOUTS = 10

/*
 * The figures on the dashboard overview. Each section is one aggregate query,
 * so the page stays cheap however many rows the tables hold.
 */
export class SummarizeOverview {
  async handle(): Promise<OverviewSummary> {
    const [users, activeTokens, payouts, newestPayouts, sweeper] = await Promise.all([
      this.usersByRole(),
      this.activeTokens(),
      countPayoutsByStatus(),
      this.newestPayouts(),
      summarizeSweeper(),
    ])
    const accounts = await accountRefs(newestPayouts.map((payout) => payout.accountId))
    return { users, activeTokens, payouts, newestPayouts, accounts, sweeper }
  }

  /* The newest payouts: the first rows of the (created_at, id) page index. */
  private newestPayouts() {
    return Payout.query().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(NEWEST_PAYOUTS)
  }

  private async usersByRole() {
    const rows: { role: Role; total: string }[] = await User.query()
      .select('role')
      .count('* as total')
      .groupBy('role')
      .pojo()
    const byRole = Object.fromEntries(ROLES.map((role) => [role, 0])) as Record<Role, number>
    for (const row of rows) byRole[row.role] = Number(row.total)
    const total = Object.values(byRole).reduce((sum, count) => sum + count, 0)
    return { total, byRole }
  }

  private async activeTokens() {
    const row = await db
      .from('auth_access_tokens')
      .where('type', 'api_token')
      .where((query) => query.whereNull('expires_at').orWhere('expires_at', '>', new Date()))
      .count('* as total')
      .first()
    return Number(row?.total ?? 0)
  }
}
