import type { HttpContext } from '@adonisjs/core/http'

export default class SectionsController {
  async payouts({ view }: HttpContext) {
    return view.render('pages/overview')
  }
  async accounts({ view }: HttpContext) {
    return view.render('pages/overview')
  }
  async deadLetters({ view }: HttpContext) {
    return view.render('pages/overview')
  }
  async monitoring({ view }: HttpContext) {
    return view.render('pages/overview')
  }
}
