import { inject } from '@adonisjs/core'
import type { HttpContext } from '@adonisjs/core/http'
import { DisableUser } from '#actions/users/disable_user'
import { EnableUser } from '#actions/users/enable_user'
import { ChangeUserRole } from '#actions/users/change_user_role'
import { changeRoleValidator } from '#validators/user'
import { uuidParam } from '#controllers/api/support/params'
import { dashboardOrigin } from '#infrastructure/audit/audit_origin'

/*
 * An admin disables or enables a login, or changes its role. Each ends what
 * the user holds at once (see the actions); the last enabled admin stays.
 */
export default class UserAccessController {
  @inject()
  async disable(ctx: HttpContext, action: DisableUser) {
    await ctx.bouncer.authorize('manageUsers')
    const { user, sessions, tokens } = await action.handle(
      dashboardOrigin(ctx),
      uuidParam(ctx.params.id)
    )
    ctx.session.flash(
      'success',
      `${user.email} is disabled: ${sessions} session(s) ended, ${tokens} token(s) revoked`
    )
    return ctx.response.redirect().toPath(`/users#user-${user.id}`)
  }

  @inject()
  async enable(ctx: HttpContext, action: EnableUser) {
    await ctx.bouncer.authorize('manageUsers')
    const user = await action.handle(dashboardOrigin(ctx), uuidParam(ctx.params.id))
    ctx.session.flash('success', `${user.email} can sign in again (issue new tokens as needed)`)
    return ctx.response.redirect().toPath(`/users#user-${user.id}`)
  }

  @inject()
  async updateRole(ctx: HttpContext, action: ChangeUserRole) {
    await ctx.bouncer.authorize('manageUsers')
    const { role } = await ctx.request.validateUsing(changeRoleValidator)
    const user = await action.handle(dashboardOrigin(ctx), uuidParam(ctx.params.id), role)
    ctx.session.flash('success', `${user.email} is now ${user.role}; their tokens are capped to it`)
    return ctx.response.redirect().toPath(`/users#user-${user.id}`)
  }
}
