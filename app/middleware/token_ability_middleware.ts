import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { roleAllows, type TokenAbility } from '#domain/roles'
import { ForbiddenException } from '#exceptions/auth_exceptions'

/*
 * Refuses with 403 unless the request's access token carries the ability (or
 * `*`) and its owner's role allows it: the role is read with the token on
 * every request, so a role change caps existing tokens at once. Runs before
 * the controller, so a token without the ability learns nothing about
 * whether a resource exists.
 */
export default class TokenAbilityMiddleware {
  async handle(ctx: HttpContext, next: NextFn, ability: TokenAbility) {
    const user = ctx.auth.use('api').user
    const token = user?.currentAccessToken
    if (!token || !token.allows(ability) || !roleAllows(user.role, ability)) {
      throw new ForbiddenException(`This token lacks the "${ability}" ability`)
    }
    return next()
  }
}
