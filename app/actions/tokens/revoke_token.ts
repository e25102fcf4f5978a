import type User from '#models/user'
import { TokenNotFoundException } from '#exceptions/token_exceptions'
import { tokenCache } from '#infrastructure/auth/access_tokens_provider'
import { userTokens } from '#infrastructure/auth/user_access_tokens'
import { direct } from '#infrastructure/database/direct'
import { recordAudit, type AuditOrigin } from '#infrastructure/audit/audit_log'

/*
 * Deletes one of a user's API tokens, with its audit fact in the same
 * transaction; the next request made with it gets a 401.
 */
export class RevokeToken {
  async handle(origin: AuditOrigin, user: User, tokenId: string) {
    // Token ids are bigserial; anything else names no token.
    if (!/^\d{1,18}$/.test(tokenId)) throw new TokenNotFoundException()
    await direct.transaction(async (trx) => {
      const deleted = await userTokens().deleteIn(trx, user.id, tokenId)
      if (!deleted) throw new TokenNotFoundException()
      recordAudit(trx, origin, {
        action: 'token.revoke',
        targetType: 'token',
        targetId: tokenId,
        changes: { owner: { before: user.email }, name: { before: deleted.name } },
      })
    })
    // Committed: this process forgets it now; the others on the trigger's NOTIFY.
    tokenCache.invalidate()
  }
}
