import type { HttpContext } from '@adonisjs/core/http'
import { errors as authErrors } from '@adonisjs/auth'
import User from '#models/user'
import { signInValidator } from '#validators/session'

export default class SessionController {
  async create({ view }: HttpContext) {
    return view.render('pages/auth/login')
  }

  async store({ request, auth, response, session }: HttpContext) {
    const { email, password } = await request.validateUsing(signInValidator)
    try {
      const user = await User.verifyCredentials(email.trim().toLowerCase(), password)
      await auth.use('web').login(user)
    } catch (error) {
      if (!(error instanceof authErrors.E_INVALID_CREDENTIALS)) throw error
      session.flashExcept(['password', '_csrf'])
      session.flash('error', 'Invalid email or password')
      return response.redirect().toPath('/login')
    }
    return response.redirect().toPath('/')
  }

  async destroy({ auth, response, session }: HttpContext) {
    await auth.use('web').logout()
    session.flash('success', 'Signed out')
    return response.redirect().toPath('/login')
  }
}
