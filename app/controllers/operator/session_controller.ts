import type { HttpContext } from '@adonisjs/core/http'
import { errors as authErrors } from '@adonisjs/auth'
import User from '#models/user'
import { signInValidator } from '#validators/session'
import { signInThrottle } from '#infrastructure/rate_limits/sign_in_throttle'
import { TooManyRequestsException } from '#exceptions/rate_limit_exceptions'
import { SIGNED_IN_AT } from '#middleware/auth_middleware'

export default class SessionController {
  async create({ view }: HttpContext) {
    return view.render('pages/auth/login')
  }

  async store({ request, auth, response, session, view }: HttpContext) {
    const { email, password } = await request.validateUsing(signInValidator)
    const address = request.ip()
    try {
      await signInThrottle.check(email, address)
      const user = await User.verifyCredentials(email.trim().toLowerCase(), password)
      // A disabled login reads like a wrong password: the form tells nobody which accounts exist.
      if (user.disabledAt) throw new authErrors.E_INVALID_CREDENTIALS('Invalid user credentials')
      await signInThrottle.succeeded(email, address)
      await auth.use('web').login(user)
      session.put(SIGNED_IN_AT, Date.now())
      await tagSession(session, user.id)
    } catch (error) {
      if (error instanceof TooManyRequestsException) {
        for (const [name, value] of Object.entries(error.headers)) response.header(name, value)
        response.status(429)
        return view.render('pages/auth/login', { throttled: error.message, email })
      }
      if (!(error instanceof authErrors.E_INVALID_CREDENTIALS)) throw error
      await signInThrottle.failed(email, address)
      session.flashExcept(['password', '_csrf'])
      session.flash('error', 'Invalid email or password')
      return response.redirect().toPath('/login')
    }
    return response.redirect().toPath('/')
  }

  async destroy({ auth, response, session }: HttpContext) {
    await auth.use('web').logout()
    // The stored session is gone: a copy of its cookie opens nothing any more.
    session.clear()
    session.regenerate()
    session.flash('success', 'Signed out')
    return response.redirect().toPath('/login')
  }
}

/*
 * Marks the stored session with its user, so disabling the user or changing
 * their role can end it (userStore.endSessions). The cookie store cannot be
 * marked: its sessions end at the auth middleware's check instead.
 */
async function tagSession(session: HttpContext['session'], userId: string) {
  try {
    await session.tag(userId)
  } catch (error) {
    if ((error as { code?: string }).code !== 'E_SESSION_TAGGING_NOT_SUPPORTED') throw error
  }
}
