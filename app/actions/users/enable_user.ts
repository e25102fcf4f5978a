import { direct } from '#infrastructure/database/direct'
import { userStore } from '#infrastructure/auth/user_store'
import type { AuditOrigin } from '#infrastructure/audit/audit_log'
import { auditUser, lockTarget } from '#actions/users/user_access'

/* Lets a disabled login sign in again. Its old tokens stay revoked: new ones are issued. */
export class EnableUser {
  async handle(origin: AuditOrigin, userId: string) {
    return direct.transaction(async (trx) => {
      const before = await lockTarget(trx, userId, { keepsAdminRights: true })
      if (!before.disabledAt) return before
      const user = await userStore.setDisabled(trx, userId, false)
      await auditUser(trx, origin, 'user.enable', user, {
        disabled_at: { before: before.disabledAt, after: null },
      })
      return user
    })
  }
}
