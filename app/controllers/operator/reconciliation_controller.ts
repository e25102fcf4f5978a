import { inject } from '@adonisjs/core'
import type { HttpContext } from '@adonisjs/core/http'
import { direct } from '#infrastructure/database/direct'
import { audited } from '#infrastructure/audit/audit_log'
import { dashboardOrigin } from '#infrastructure/audit/audit_origin'
import { contradictionReconciled } from '#infrastructure/audit/audit_facts'
import { ReconcileContradiction } from '#actions/payouts/reconcile_contradiction'
import {
  contradictionPage,
  countOpenContradictions,
  COUNT_CAP,
} from '#queries/payouts/contradictions'
import { actorNames } from '#queries/users/actor_names'
import { filterContradictionsValidator, reconcileValidator } from '#validators/console'
import { filledFields } from '#validators/dashboard'
import { listLink } from '#controllers/operator/support/listing'
import { formatAmount } from '#domain/money'

const PAGE_SIZE = 50

/*
 * Provider contradictions (the provider reported the opposite of where the
 * payout stands): listed for every role, marked reconciled by operators
 * with a required note, which goes on the timeline and into the audit log.
 */
@inject()
export default class ReconciliationController {
  constructor(private reconcile: ReconcileContradiction) {}

  /* GET /reconciliation */
  async index({ bouncer, request, view }: HttpContext) {
    await bouncer.authorize('viewDashboard')
    const input = await filterContradictionsValidator.validate(filledFields(request.qs()))
    const state = input.state ?? 'open'
    const params = { state: input.state, payout_id: input.payout_id }
    const [listing, open] = await Promise.all([
      contradictionPage(
        { state, payoutId: input.payout_id?.toLowerCase() },
        { limit: PAGE_SIZE, before: input.before }
      ),
      countOpenContradictions(),
    ])
    return view.render('pages/reconciliation/index', {
      title: 'Reconciliation',
      state,
      params,
      listing,
      open,
      countCap: COUNT_CAP,
      actors: await actorNames(listing.rows.map((row) => row.reviewed_by)),
      paged: Boolean(input.before),
      link: listLink('/reconciliation', params),
      formatAmount,
    })
  }

  /* POST /reconciliation/:id — :id (digits, the route's matcher) is a timeline event id */
  async store(ctx: HttpContext) {
    const { bouncer, params, request, response, session } = ctx
    await bouncer.authorize('actOnPayouts')
    const { note } = await request.validateUsing(reconcileValidator)
    const origin = dashboardOrigin(ctx)
    const review = { eventId: String(params.id), note, actor: origin.actor }
    const done = await direct.transaction((trx) =>
      audited(trx, origin, contradictionReconciled, () => this.reconcile.handle(trx, review))
    )
    session.flash('success', `Contradiction on payout ${done.payoutId.slice(0, 8)} reconciled`)
    return response.redirect().back()
  }
}
