import User from '#models/user'
import { TokenNotFoundException } from '#exceptions/token_exceptions'
import { tokenCache } from '#infrastructure/auth/access_tokens_provider'

/* Deletes one of a user's API tokens; the next request made with it gets a 401. */
export class RevokeToken {
  async handle(user: User, tokenId: string) {
    // Token ids are bigserial; anything else names no token.
    const deleted = /^\d{1,18}$/.test(tokenId) ? await User.accessTokens.delete(user, tokenId) : 0
    if (!deleted) throw new TokenNotFoundException()
    // Committed: this process forgets it now; the others on the trigger's NOTIFY.
    tokenCache.invalidate()
  }
}
