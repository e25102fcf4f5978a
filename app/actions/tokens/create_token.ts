import type User from '#models/user'
import securityConfig from '#config/security'
import { direct } from '#infrastructure/database/direct'
import { recordAudit, type AuditOrigin } from '#infrastructure/audit/audit_log'
import { userTokens } from '#infrastructure/auth/user_access_tokens'
import { capAbilities, TOKEN_ABILITIES, type TokenAbility } from '#domain/roles'
import { TokenAbilitiesNotAllowedException } from '#exceptions/token_exceptions'

export interface CreateTokenInput {
  name: string
  abilities: (TokenAbility | '*')[]
  /*
   * Lifetime, e.g. '30 days' or seconds; 'never' for a token that does not
   * expire; when left out, TOKEN_DEFAULT_EXPIRY.
   */
  expiresIn?: string | number | 'never'
}

/*
 * Issues an API access token for a user. Its abilities are those asked for
 * that the user's role allows (a viewer's `*` is the viewer's abilities);
 * nothing allowed at all is refused. Only a hash is stored: the returned
 * secret is shown once and cannot be recovered. The token and its audit
 * fact are one transaction.
 */
export class CreateToken {
  async handle(origin: AuditOrigin, user: User, input: CreateTokenInput) {
    const abilities = capAbilities(user.role, input.abilities)
    if (abilities.length === 0) throw new TokenAbilitiesNotAllowedException(user.role)
    const expiresIn =
      input.expiresIn === 'never'
        ? undefined
        : (input.expiresIn ?? securityConfig.tokenDefaultExpiry)
    const token = await direct.transaction(async (trx) => {
      const created = await userTokens().createIn(trx, user.id, abilities, {
        name: input.name,
        expiresIn,
      })
      recordAudit(trx, origin, {
        action: 'token.create',
        targetType: 'token',
        targetId: String(created.identifier),
        changes: {
          owner: { after: user.email },
          name: { after: created.name },
          abilities: { after: abilities },
          expires_at: { after: created.expiresAt },
        },
      })
      return created
    })
    const dropped = expand(input.abilities).filter((a) => !expand(abilities).includes(a))
    return { token, secret: token.value!.release(), abilities, dropped }
  }
}

/* The abilities a list stands for (`*` is all of them). */
function expand(abilities: readonly string[]): readonly string[] {
  return abilities.includes('*') ? TOKEN_ABILITIES : abilities
}
