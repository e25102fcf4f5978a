import { direct } from '#infrastructure/database/direct'
import { userStore } from '#infrastructure/auth/user_store'
import type { AuditOrigin } from '#infrastructure/audit/audit_log'
import { auditUser, endAccess, lockTarget } from '#actions/users/user_access'

/*
 * Disables a login: its sessions end and its API tokens are revoked, in the
 * same transaction, so no web process lets it in after the commit. Refused
 * for the last enabled admin.
 */
export class DisableUser {
  async handle(origin: AuditOrigin, userId: string) {
    return direct.transaction(async (trx) => {
      const before = await lockTarget(trx, userId, { keepsAdminRights: false })
      if (before.disabledAt) return { user: before, sessions: 0, tokens: 0 }
      const user = await userStore.setDisabled(trx, userId, true)
      const ended = await endAccess(trx, userId, true)
      await auditUser(trx, origin, 'user.disable', user, {
        disabled_at: { before: null, after: user.disabledAt },
        sessions_ended: { after: ended.sessions },
        tokens_revoked: { after: ended.tokens },
      })
      return { user, ...ended }
    })
  }
}
