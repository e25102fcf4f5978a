import { AccessTokensLucidUserProvider } from '@adonisjs/auth/access_tokens'
import type { LucidTokenable } from '@adonisjs/auth/types/access_tokens'
import type { ThrottledAccessTokensProvider } from '#infrastructure/auth/access_tokens_provider'

/*
 * The access-token user provider, taking the owner row that
 * ThrottledAccessTokensProvider read together with the token instead of a
 * second query. Falls back to the usual lookup when the row is not there
 * (another request of the same user took it first).
 */
export class TokenOwnerUserProvider<
  TokenableProperty extends string,
  UserModel extends LucidTokenable<TokenableProperty>,
> extends AccessTokensLucidUserProvider<TokenableProperty, UserModel> {
  async findById(identifier: string | number | bigint) {
    const tokens = (await this.getTokensProvider()) as unknown as Partial<
      ThrottledAccessTokensProvider<UserModel>
    >
    const owner = tokens.takeOwner?.(identifier)
    if (!owner) return super.findById(identifier)
    const model = await this.getModel()
    // JSON carries timestamps as text; the model's date columns expect Date objects from the driver.
    const row = { ...owner }
    for (const column of ['created_at', 'updated_at', 'disabled_at']) {
      if (typeof row[column] === 'string') row[column] = new Date(row[column] as string)
    }
    const user = model.$createFromAdapterResult(row) as InstanceType<UserModel>
    return this.createUserForGuard(user)
  }
}
