import type { Transaction } from '#infrastructure/database/direct'
import { userStore, type UserAccessRow } from '#infrastructure/auth/user_store'
import { recordAudit, type AuditChanges, type AuditOrigin } from '#infrastructure/audit/audit_log'
import { LastAdminException, UserNotFoundException } from '#exceptions/user_exceptions'
import { tokenCache } from '#infrastructure/auth/access_tokens_provider'

/*
 * What disabling, enabling and changing the role of a user share: the
 * target's row locked (after the enabled admins, see userStore), the
 * last-admin rule, and the audit fact in the same transaction.
 */
export async function lockTarget(
  trx: Transaction,
  userId: string,
  options: { keepsAdminRights: boolean }
): Promise<UserAccessRow> {
  const admins = await userStore.lockEnabledAdmins(trx)
  const user = await userStore.lock(trx, userId)
  if (!user) throw new UserNotFoundException()
  const isOnlyAdmin = admins.length === 1 && admins[0] === user.id
  if (isOnlyAdmin && !options.keepsAdminRights) throw new LastAdminException()
  // This process forgets cached tokens at the commit; the others on the users trigger's NOTIFY.
  trx.after('commit', () => tokenCache.invalidate())
  return user
}

/* Ends everything the user holds now: their sessions in every web process, and their tokens. */
export async function endAccess(trx: Transaction, userId: string, revokeTokens: boolean) {
  const sessions = await userStore.endSessions(trx, userId)
  const tokens = revokeTokens ? await userStore.revokeTokens(trx, userId) : 0
  return { sessions, tokens }
}

export function auditUser(
  trx: Transaction,
  origin: AuditOrigin,
  action: string,
  user: UserAccessRow,
  changes: AuditChanges
) {
  return recordAudit(trx, origin, { action, targetType: 'user', targetId: user.id, changes })
}
