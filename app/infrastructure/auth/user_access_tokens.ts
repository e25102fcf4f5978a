import User from '#models/user'
import { ThrottledAccessTokensProvider } from '#infrastructure/auth/access_tokens_provider'

/*
 * Gives the User model its API token store (`User.accessTokens`, which the
 * `api` guard reads). It lives here rather than in the model because models
 * sit below infrastructure; AppProvider.start() calls it, once the hash
 * service the model needs is booted.
 */
export function registerUserAccessTokens() {
  User.accessTokens = userTokens()
}

let provider: ThrottledAccessTokensProvider<typeof User> | undefined

/* The one token store of the User model, with its in-transaction create and delete. */
export function userTokens() {
  provider ??= new ThrottledAccessTokensProvider({
    tokenableModel: User,
    prefix: 'pat_',
    table: 'auth_access_tokens',
    type: 'api_token',
  })
  return provider
}
