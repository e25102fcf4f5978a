import type { HttpContext } from '@adonisjs/core/http'

export default class UsersController {
  async index({ view }: HttpContext) {
    return view.render('pages/overview')
  }
  async store({ response }: HttpContext) {
    return response.redirect().back()
  }
}
