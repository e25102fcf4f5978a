import type { HttpContext } from '@adonisjs/core/http'

export default class TokensController {
  async store({ response }: HttpContext) {
    return response.redirect().back()
  }
  async destroy({ response }: HttpContext) {
    return response.redirect().back()
  }
}
