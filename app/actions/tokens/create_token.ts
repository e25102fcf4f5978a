import User from '#models/user'
import type { TokenAbility } from '#domain/roles'

export interface CreateTokenInput {
  name: string
  abilities: (TokenAbility | '*')[]
  /* Lifetime, e.g. '30 days' or milliseconds; none means it never expires. */
  expiresIn?: string | number
}

/*
 * Issues an API access token for a user. Only a hash is stored: the returned
 * secret is shown once and cannot be recovered.
 */
export class CreateToken {
  async handle(user: User, input: CreateTokenInput) {
    const abilities = input.abilities.includes('*') ? ['*'] : [...new Set(input.abilities)]
    const token = await User.accessTokens.create(user, abilities, {
      name: input.name,
      expiresIn: input.expiresIn,
    })
    return { token, secret: token.value!.release() }
  }
}
