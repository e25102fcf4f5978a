import { inject } from '@adonisjs/core'
import type { HttpContext } from '@adonisjs/core/http'
import User from '#models/user'
import { CreateToken } from '#actions/tokens/create_token'
import { RevokeToken } from '#actions/tokens/revoke_token'
import { createTokenValidator } from '#validators/user'
import { uuidParam } from '#controllers/api/support/params'
import { dashboardOrigin } from '#infrastructure/audit/audit_origin'

export default class TokensController {
  @inject()
  async store(ctx: HttpContext, action: CreateToken) {
    const { bouncer, params, request, response, session } = ctx
    await bouncer.authorize('manageUsers')
    const user = await User.findOrFail(uuidParam(params.id))
    const input = await request.validateUsing(createTokenValidator)
    const { token, secret, dropped } = await action.handle(dashboardOrigin(ctx), user, {
      name: input.name,
      abilities: input.abilities,
      expiresIn: input.neverExpires
        ? 'never'
        : input.expiresInDays
          ? `${input.expiresInDays} days`
          : undefined,
    })
    if (dropped.length) {
      session.flash(
        'warning',
        `Left out, not allowed to the ${user.role} role: ${dropped.join(', ')}`
      )
    }
    // Shown on the next page only: the database keeps a hash, never the secret.
    session.flash('newToken', { secret, name: token.name, userId: user.id, email: user.email })
    return response.redirect().toPath(`/users#user-${user.id}`)
  }

  @inject()
  async destroy(ctx: HttpContext, action: RevokeToken) {
    const { bouncer, params, response, session } = ctx
    await bouncer.authorize('manageUsers')
    const user = await User.findOrFail(uuidParam(params.userId))
    await action.handle(dashboardOrigin(ctx), user, String(params.id))
    session.flash('success', `Token revoked for ${user.email}`)
    return response.redirect().toPath(`/users#user-${user.id}`)
  }
}
