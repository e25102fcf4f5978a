import type { HttpContext } from '@adonisjs/core/http'

/*
 * Dashboard sections whose features are not part of this version yet. Each
 * page says what it will hold instead of showing invented data.
 */
export default class SectionsController {
  async payouts({ bouncer, view }: HttpContext) {
    await bouncer.authorize('viewDashboard')
    return view.render('pages/payouts/index')
  }

  async accounts({ bouncer, view }: HttpContext) {
    await bouncer.authorize('viewDashboard')
    return view.render('pages/accounts/index')
  }

  async deadLetters({ bouncer, view }: HttpContext) {
    await bouncer.authorize('viewDashboard')
    return view.render('pages/dead_letters/index')
  }

  async monitoring({ bouncer, view }: HttpContext) {
    await bouncer.authorize('viewDashboard')
    return view.render('pages/monitoring/index')
  }
}
