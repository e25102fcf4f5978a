import type { HttpContext } from '@adonisjs/core/http'
import { globalSearch } from '#queries/search/global_search'
import { searchValidator } from '#validators/console'
import { filledFields } from '#validators/dashboard'

/*
 * GET /search?q= — the top bar's box. One match goes straight to its page;
 * several (or none) are listed, so an ambiguous prefix never guesses.
 */
export default class SearchController {
  async show({ bouncer, request, response, view }: HttpContext) {
    await bouncer.authorize('viewDashboard')
    const { q } = await searchValidator.validate(filledFields(request.qs()))
    const hits = q ? await globalSearch(q, await bouncer.allows('manageUsers')) : []
    const distinct = [...new Map(hits.map((hit) => [hit.href, hit])).values()]
    if (distinct.length === 1) return response.redirect().toPath(distinct[0].href)
    return view.render('pages/search/index', { title: 'Search', q: q ?? '', hits: distinct })
  }
}
