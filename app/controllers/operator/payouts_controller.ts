import { inject } from '@adonisjs/core'
import type { HttpContext } from '@adonisjs/core/http'
import { ListPayouts } from '#queries/payouts/list_payouts'
import { ExportPayouts } from '#queries/payouts/export_payouts'
import { LoadPayoutDetails } from '#queries/payouts/load_payout_details'
import type { PayoutFilter } from '#queries/payouts/payout_query'
import { filledFields, filterPayoutsValidator } from '#validators/dashboard'
import { fieldErrors, listLink, localInstant } from '#controllers/operator/support/listing'
import { formatAmount } from '#domain/money'
import { PAYOUT_STATUSES } from '#domain/payout_state'
import { DEFAULT_PAGE_SIZE } from '#queries/support/cursor'

type Filters = Awaited<ReturnType<typeof filterPayoutsValidator.validate>>

/* The validated query string as the actions' filter. */
function toFilter(input: Filters): PayoutFilter {
  return {
    status: input.status,
    accountId: input.account_id,
    createdFrom: input.created_from,
    createdTo: input.created_to,
    search: input.q,
  }
}

/* The filter as query-string values, for the form, the tabs, paging and the export link. */
function toParams(input: Filters): Record<string, string | undefined> {
  return {
    status: input.status,
    account_id: input.account_id,
    created_from: localInstant(input.created_from),
    created_to: localInstant(input.created_to),
    q: input.q,
  }
}

export default class PayoutsController {
  /* GET /payouts */
  @inject()
  async index({ bouncer, request, view }: HttpContext, action: ListPayouts) {
    await bouncer.authorize('viewDashboard')
    const qs = filledFields(request.qs())
    const [error, input] = await filterPayoutsValidator.tryValidate(qs)
    const shared = { title: 'Payouts', statuses: PAYOUT_STATUSES, formatAmount }
    if (error) {
      const raw = Object.fromEntries(
        Object.entries(qs).map(([key, value]) => [key, typeof value === 'string' ? value : ''])
      )
      return view.render('pages/payouts/index', {
        ...shared,
        params: raw,
        errors: fieldErrors(error),
        listing: null,
        link: listLink('/payouts', { status: raw.status }),
      })
    }
    const params = toParams(input)
    const listing = await action.handle(toFilter(input), {
      limit: DEFAULT_PAGE_SIZE,
      cursor: input.cursor,
    })
    return view.render('pages/payouts/index', {
      ...shared,
      params,
      errors: {},
      listing,
      paged: Boolean(input.cursor),
      link: listLink('/payouts', params),
      exportUrl: listLink('/payouts/export', params)(),
    })
  }

  /* GET /payouts/export — every row matching the filter, not only the page */
  @inject()
  async export({ bouncer, request, response }: HttpContext, action: ExportPayouts) {
    await bouncer.authorize('viewDashboard')
    const input = await filterPayoutsValidator.validate(filledFields(request.qs()))
    const stamp = new Date().toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-')
    const name = `payouts-${input.status?.toLowerCase() ?? 'all'}-${stamp}.csv`
    response.header('content-type', 'text/csv; charset=utf-8')
    response.header('content-disposition', `attachment; filename="${name}"`)
    response.header('cache-control', 'no-store')
    response.stream(action.handle(toFilter(input)))
  }

  /* GET /payouts/:id */
  @inject()
  async show({ bouncer, params, view }: HttpContext, action: LoadPayoutDetails) {
    await bouncer.authorize('viewDashboard')
    const details = await action.handle(params.id)
    return view.render('pages/payouts/show', {
      title: `Payout ${details.payout.id.slice(0, 8)}`,
      ...details,
      formatAmount,
    })
  }
}
