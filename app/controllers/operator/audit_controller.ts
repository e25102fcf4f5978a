import type { HttpContext } from '@adonisjs/core/http'
import { auditPage, changesText, exportAudit, type AuditFilter } from '#queries/audit/audit_page'
import { actorNames } from '#queries/users/actor_names'
import { filledFields } from '#validators/dashboard'
import { filterAuditValidator } from '#validators/console'
import { fieldErrors, listLink, localInstant } from '#controllers/operator/support/listing'

type Filters = Awaited<ReturnType<typeof filterAuditValidator.validate>>

const PAGE_SIZE = 50

function toFilter(input: Filters): AuditFilter {
  return {
    actor: input.actor,
    action: input.action,
    targetType: input.target_type,
    targetId: input.target_id,
    via: input.via,
    from: input.from,
    to: input.to,
  }
}

function toParams(input: Filters): Record<string, string | undefined> {
  return {
    actor: input.actor,
    action: input.action,
    target_type: input.target_type,
    target_id: input.target_id,
    via: input.via,
    from: localInstant(input.from),
    to: localInstant(input.to),
  }
}

/* The audit log: who did what, from where, newest first; read-only for every role. */
export default class AuditController {
  /* GET /audit */
  async index({ bouncer, request, view }: HttpContext) {
    await bouncer.authorize('viewDashboard')
    const qs = filledFields(request.qs())
    const [error, input] = await filterAuditValidator.tryValidate(qs)
    if (error) {
      const raw = Object.fromEntries(
        Object.entries(qs).map(([key, value]) => [key, typeof value === 'string' ? value : ''])
      )
      return view.render('pages/audit/index', {
        title: 'Audit log',
        params: raw,
        errors: fieldErrors(error),
        listing: null,
        changesText,
        link: listLink('/audit', {}),
      })
    }
    const params = toParams(input)
    const listing = await auditPage(toFilter(input), { limit: PAGE_SIZE, before: input.before })
    return view.render('pages/audit/index', {
      title: 'Audit log',
      params,
      errors: {},
      listing,
      actors: await actorNames(listing.rows.map((row) => row.actor)),
      changesText,
      paged: Boolean(input.before),
      link: listLink('/audit', params),
      exportUrl: listLink('/audit/export', params)(),
    })
  }

  /* GET /audit/export — every entry matching the filter, streamed */
  async export({ bouncer, request, response }: HttpContext) {
    await bouncer.authorize('viewDashboard')
    const input = await filterAuditValidator.validate(filledFields(request.qs()))
    const stamp = new Date().toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-')
    response.header('content-type', 'text/csv; charset=utf-8')
    response.header('content-disposition', `attachment; filename="audit-${stamp}.csv"`)
    response.header('cache-control', 'no-store')
    response.stream(exportAudit(toFilter(input)))
  }
}
