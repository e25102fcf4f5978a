import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import securityConfig from '#config/security'

/* Session key holding when the operator signed in (ms since the epoch). */
export const SIGNED_IN_AT = 'signed_in_at'

/*
 * Dashboard pages: an operator session is required; others go to the login
 * page. The user row is read on every request, so a disabled user is out at
 * once, and a session older than SESSION_ABSOLUTE_TIMEOUT ends however
 * active it was (the idle timeout is the session store's own expiry).
 */
export default class AuthMiddleware {
  redirectTo = '/login'

  async handle(ctx: HttpContext, next: NextFn) {
    await ctx.auth.authenticateUsing(['web'], { loginRoute: this.redirectTo })
    const web = ctx.auth.use('web')
    // A session from before this check existed is counted from now.
    const signedInAt = Number(ctx.session.get(SIGNED_IN_AT, 0))
    if (!signedInAt) ctx.session.put(SIGNED_IN_AT, Date.now())
    const age = Date.now() - (signedInAt || Date.now())
    const tooOld = age > securityConfig.sessionAbsoluteTimeoutSeconds * 1000
    if (web.getUserOrFail().disabledAt || tooOld) {
      await web.logout()
      ctx.session.clear()
      ctx.session.regenerate()
      ctx.session.flash('error', 'Your session has ended. Sign in again.')
      return ctx.response.redirect().toPath(this.redirectTo)
    }
    return next()
  }
}
