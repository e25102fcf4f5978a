import type { HttpContext } from '@adonisjs/core/http'
import { capAbilities } from '#domain/roles'

export default class MeController {
  /* GET /api/v1/me — who the token belongs to and what it may do (capped by the role). */
  async show({ auth }: HttpContext) {
    const user = auth.use('api').getUserOrFail()
    const token = user.currentAccessToken!
    return {
      id: user.id,
      email: user.email,
      role: user.role,
      token: {
        name: token.name,
        abilities: capAbilities(user.role, token.abilities),
        expires_at: token.expiresAt ? token.expiresAt.toISOString() : null,
      },
    }
  }
}
