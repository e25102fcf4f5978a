import type { Transaction } from '#infrastructure/database/direct'
import type { Role } from '#domain/roles'

export interface UserAccessRow {
  id: string
  email: string
  role: Role
  disabledAt: Date | null
}

const RETURNING = `RETURNING id, email, role, disabled_at AS "disabledAt"`

/*
 * The writes of a user's access: enabled or disabled, role, and ending what
 * they hold (server-side sessions, API tokens). Each runs in the caller's
 * transaction. `users_changed` (migration 22) makes every web process forget
 * its cached tokens once that transaction commits.
 */
export const userStore = {
  /* The user's row, locked for the transaction; undefined when there is none. */
  async lock(trx: Transaction, userId: string): Promise<UserAccessRow | undefined> {
    const found = await trx.rawQuery(
      `SELECT id, email, role, disabled_at AS "disabledAt" FROM users WHERE id = ? FOR UPDATE`,
      [userId]
    )
    return found.rows[0]
  },

  /*
   * Ids of the enabled admins, locked, so two admins demoting or disabling
   * each other at once cannot both pass the last-admin check. Taken before
   * the target's row lock, always in id order, so concurrent calls cannot deadlock.
   */
  async lockEnabledAdmins(trx: Transaction): Promise<string[]> {
    const found = await trx.rawQuery(
      `SELECT id FROM users WHERE role = 'admin' AND disabled_at IS NULL ORDER BY id FOR UPDATE`
    )
    return found.rows.map((row: { id: string }) => row.id)
  },

  async setDisabled(trx: Transaction, userId: string, disabled: boolean) {
    const updated = await trx.rawQuery(
      `UPDATE users SET disabled_at = ${disabled ? 'now()' : 'NULL'}, updated_at = now()
        WHERE id = ? ${RETURNING}`,
      [userId]
    )
    return updated.rows[0] as UserAccessRow
  },

  async setRole(trx: Transaction, userId: string, role: Role) {
    const updated = await trx.rawQuery(
      `UPDATE users SET role = ?, updated_at = now() WHERE id = ? ${RETURNING}`,
      [role, userId]
    )
    return updated.rows[0] as UserAccessRow
  },

  /* Deletes the user's server-side sessions (tagged with the user id at sign-in). */
  async endSessions(trx: Transaction, userId: string): Promise<number> {
    const deleted = await trx.rawQuery(`DELETE FROM sessions WHERE user_id = ?`, [userId])
    return deleted.rowCount ?? 0
  },

  /* Deletes every API token of the user. */
  async revokeTokens(trx: Transaction, userId: string): Promise<number> {
    const deleted = await trx.rawQuery(`DELETE FROM auth_access_tokens WHERE tokenable_id = ?`, [
      userId,
    ])
    return deleted.rowCount ?? 0
  },
}
