import { inject } from '@adonisjs/core'
import type { HttpContext } from '@adonisjs/core/http'
import User from '#models/user'
import { CreateUser } from '#actions/users/create_user'
import { dashboardOrigin } from '#infrastructure/audit/audit_origin'
import { createUserValidator } from '#validators/user'
import { ROLES, TOKEN_ABILITIES } from '#domain/roles'
import securityConfig from '#config/security'

@inject()
export default class UsersController {
  constructor(private createUser: CreateUser) {}

  async index({ bouncer, view }: HttpContext) {
    await bouncer.authorize('manageUsers')
    const users = await User.query().orderBy('created_at', 'asc').orderBy('email', 'asc')
    const tokens = await Promise.all(users.map((user) => User.accessTokens.all(user)))
    return view.render('pages/users/index', {
      users: users.map((user, index) => ({ user, tokens: tokens[index] })),
      roles: ROLES,
      abilities: ['*', ...TOKEN_ABILITIES],
      defaultExpiry: securityConfig.tokenDefaultExpiry,
    })
  }

  async store(ctx: HttpContext) {
    const { bouncer, request, response, session } = ctx
    await bouncer.authorize('manageUsers')
    const input = await request.validateUsing(createUserValidator)
    const user = await this.createUser.handle(input, dashboardOrigin(ctx))
    session.flash('success', `User ${user.email} created with the ${user.role} role`)
    return response.redirect().toPath('/users')
  }
}
