import db from '@adonisjs/lucid/services/db'
import User from '#models/user'
import { UserFactory } from '#database/factories/user_factory'
import { lowestRoleFor, type Role, type TokenAbility } from '#domain/roles'

/*
 * A Bearer token secret for a fresh user holding the given abilities; the
 * user has the least role whose tokens may carry them, unless one is given.
 */
export async function tokenFor(
  abilities: (TokenAbility | '*')[],
  role: Role = lowestRoleFor(abilities)
) {
  const user = await UserFactory.apply(role).create()
  const token = await User.accessTokens.create(user, abilities, { name: 'test' })
  return { user, token: token.value!.release() }
}

/* Empties the given tables (and what references them) between tests that cross processes. */
export async function truncate(...tables: string[]) {
  await db.rawQuery(`TRUNCATE ${tables.map((t) => `"${t}"`).join(', ')} RESTART IDENTITY CASCADE`)
}

/*
 * Every table a payout's processing writes to. CASCADE from accounts reaches
 * payouts, their events, dead letters and transactions, not the inbox and
 * outbox logs, so tests that run a worker name them all.
 */
export const PAYOUT_TABLES = [
  'dead_letters',
  'inbox_messages',
  'payout_events',
  'payouts',
  'transactions',
  'accounts',
  'outbox_messages',
]

/* Empties PAYOUT_TABLES and the `others` a test also counts or writes. */
export function truncatePayoutTables(...others: string[]) {
  return truncate(...PAYOUT_TABLES, ...others)
}
