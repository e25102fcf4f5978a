import { inject } from '@adonisjs/core'
import type { HttpContext } from '@adonisjs/core/http'
import DeadLetter from '#models/dead_letter'
import Payout from '#models/payout'
import User from '#models/user'
import { ListDeadLetters } from '#queries/dead_letters/list_dead_letters'
import { DEAD_LETTER_TABS, filterDeadLettersValidator } from '#validators/dead_letter'
import { uuidParam } from '#controllers/api/support/params'
import {
  deadLetterFilterOf,
  deadLetterFormValues,
  filledFields,
} from '#controllers/operator/support/dead_letter_filter'
import { DEFAULT_PAGE_SIZE } from '#queries/support/cursor'

export default class DeadLettersController {
  /* GET /dead-letters — one status tab, filtered and searched, newest first. */
  @inject()
  async index({ bouncer, request, view }: HttpContext, action: ListDeadLetters) {
    await bouncer.authorize('viewDashboard')
    const input = await filterDeadLettersValidator.validate(filledFields(request.qs()))
    const status = input.status ?? 'open'
    const { rows, nextCursor, counts } = await action.handle(
      deadLetterFilterOf({ ...input, status }),
      { limit: DEFAULT_PAGE_SIZE, cursor: input.cursor }
    )
    const filters = deadLetterFormValues(input)
    const href = (params: Record<string, string | undefined>) => {
      const query = new URLSearchParams()
      for (const [name, value] of Object.entries({ ...filters, status, ...params })) {
        if (value && !(name === 'status' && value === 'open')) query.set(name, value)
      }
      const text = query.toString()
      return text ? `/dead-letters?${text}` : '/dead-letters'
    }
    return view.render('pages/dead_letters/index', {
      letters: rows,
      status,
      counts,
      filters,
      filtered: Object.values(filters).some(Boolean),
      tabs: DEAD_LETTER_TABS.map((tab) => ({
        key: tab,
        count: counts[tab],
        href: href({ status: tab }),
        active: tab === status,
      })),
      firstPageHref: input.cursor ? href({}) : null,
      nextPageHref: nextCursor ? href({ cursor: nextCursor }) : null,
    })
  }

  /* GET /dead-letters/:id — everything about one message, and what became of it. */
  async show({ bouncer, params, view }: HttpContext) {
    await bouncer.authorize('viewDashboard')
    const letter = await DeadLetter.findOrFail(uuidParam(params.id))
    const payout = letter.payoutId ? await Payout.find(letter.payoutId) : null
    const userId = letter.resolvedBy?.match(/^user:([0-9a-f-]{36})$/i)?.[1]
    const resolver = userId ? await User.find(userId) : null
    return view.render('pages/dead_letters/show', {
      letter,
      payout,
      resolver,
      payloadJson: JSON.stringify(letter.payload, null, 2),
      headersJson: JSON.stringify(letter.headers, null, 2),
    })
  }
}
