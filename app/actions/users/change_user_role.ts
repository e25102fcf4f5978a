import { direct } from '#infrastructure/database/direct'
import { userStore } from '#infrastructure/auth/user_store'
import type { AuditOrigin } from '#infrastructure/audit/audit_log'
import type { Role } from '#domain/roles'
import { auditUser, endAccess, lockTarget } from '#actions/users/user_access'

/*
 * Gives a user another role. Their sessions end (the next page asks them to
 * sign in with the new role); their tokens stay but are capped by the new
 * role from the next request on (token_ability_middleware reads the role
 * with the token). Refused when it would demote the last enabled admin.
 */
export class ChangeUserRole {
  async handle(origin: AuditOrigin, userId: string, role: Role) {
    return direct.transaction(async (trx) => {
      const before = await lockTarget(trx, userId, { keepsAdminRights: role === 'admin' })
      if (before.role === role) return before
      const user = await userStore.setRole(trx, userId, role)
      const ended = await endAccess(trx, userId, false)
      await auditUser(trx, origin, 'user.role_change', user, {
        role: { before: before.role, after: role },
        sessions_ended: { after: ended.sessions },
      })
      return user
    })
  }
}
