import type { HttpContext } from '@adonisjs/core/http'
import { errors as vineErrors } from '@vinejs/vine'
import Account from '#models/account'
import {
  exportStatement,
  statementEntries,
  statementSummary,
} from '#queries/accounts/account_statement'
import { actorNames } from '#queries/users/actor_names'
import { statementValidator } from '#validators/console'
import { filledFields } from '#validators/dashboard'
import { fieldErrors, listLink, localInstant } from '#controllers/operator/support/listing'
import { fieldError } from '#exceptions/validation_error'
import { formatAmount } from '#domain/money'

const PAGE_SIZE = 200

/* From the first instant of this month (UTC) to now, when no period is asked for. */
function thisMonth() {
  const now = new Date()
  return {
    from: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)),
    to: new Date(Math.floor(now.getTime() / 1000) * 1000),
  }
}

async function periodOf(qs: Record<string, unknown>) {
  const input = await statementValidator.validate(qs)
  if (input.from > input.to) throw fieldError('to', 'after_or_equal', 'The end is before the start')
  return input
}

/*
 * An account's statement for a period: opening balance, every entry, closing
 * balance and totals by type, on screen (pages of entries) and as CSV.
 */
export default class StatementsController {
  /* GET /accounts/:id/statement?from=&to= */
  async show({ bouncer, params: path, request, view }: HttpContext) {
    await bouncer.authorize('viewDashboard')
    const account = await Account.findOrFail(path.id)
    const qs = filledFields(request.qs())
    const asked = qs.from || qs.to ? qs : { ...qs, ...isoOf(thisMonth()) }
    const shared = { title: `Statement ${account.externalRef}`, account, formatAmount }
    let input: Awaited<ReturnType<typeof periodOf>>
    try {
      input = await periodOf(asked)
    } catch (error) {
      if (!(error instanceof vineErrors.E_VALIDATION_ERROR)) throw error
      return view.render('pages/accounts/statement', {
        ...shared,
        params: { from: String(qs.from ?? ''), to: String(qs.to ?? '') },
        errors: fieldErrors(error),
        summary: null,
      })
    }
    const period = { accountId: account.id, from: input.from, to: input.to }
    const [summary, page] = await Promise.all([
      statementSummary(period),
      statementEntries(period, { limit: PAGE_SIZE, after: input.after }),
    ])
    const params = { from: formInstant(input.from), to: formInstant(input.to) }
    return view.render('pages/accounts/statement', {
      ...shared,
      params,
      errors: {},
      summary,
      page,
      actors: await actorNames(page.entries.map((entry) => entry.actor)),
      paged: Boolean(input.after),
      link: listLink(`/accounts/${account.id}/statement`, params),
      csvUrl: listLink(`/accounts/${account.id}/statement.csv`, params)(),
    })
  }

  /* GET /accounts/:id/statement.csv?from=&to= — streamed */
  async export({ bouncer, params, request, response }: HttpContext) {
    await bouncer.authorize('viewDashboard')
    const account = await Account.findOrFail(params.id)
    const input = await periodOf(filledFields(request.qs()))
    const csv = await exportStatement({ accountId: account.id, from: input.from, to: input.to })
    if (!csv) return response.notFound()
    const day = (value: Date) => value.toISOString().slice(0, 10)
    const name = `statement-${account.externalRef.replace(/[^\w.-]/g, '_')}-${day(input.from)}-${day(input.to)}.csv`
    response.header('content-type', 'text/csv; charset=utf-8')
    response.header('content-disposition', `attachment; filename="${name}"`)
    response.header('cache-control', 'no-store')
    response.stream(csv)
  }
}

/* A period end for the form and links, to the millisecond when it has them (UTC, no zone). */
function formInstant(value: Date) {
  return value.getUTCMilliseconds() ? value.toISOString().slice(0, 23) : localInstant(value)
}

function isoOf(period: { from: Date; to: Date }) {
  return { from: period.from.toISOString(), to: period.to.toISOString() }
}
