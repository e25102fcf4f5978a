import { inject } from '@adonisjs/core'
import type { HttpContext } from '@adonisjs/core/http'
import { direct } from '#infrastructure/database/direct'
import { audited } from '#infrastructure/audit/audit_log'
import { dashboardOrigin } from '#infrastructure/audit/audit_origin'
import { consumptionSet } from '#infrastructure/audit/audit_facts'
import { PAUSABLE_QUEUES, SetConsumption } from '#actions/workers/set_consumption'
import { listWorkers } from '#queries/workers/list_workers'
import { actorNames } from '#queries/users/actor_names'

/*
 * The workers page: every consumer process from its heartbeat (and the
 * broker's consumers when the management API answers), what each holds, and
 * pause/resume of payout processing for operators.
 */
@inject()
export default class WorkersController {
  constructor(private setConsumption: SetConsumption) {}

  /* GET /workers */
  async index({ bouncer, view }: HttpContext) {
    await bouncer.authorize('viewDashboard')
    const state = await listWorkers()
    const paused = new Set(state.pauses.filter((row) => row.paused).map((row) => row.queue))
    return view.render('pages/workers/index', {
      title: 'Workers',
      ...state,
      pausable: PAUSABLE_QUEUES.map((queue) => ({
        queue,
        paused: paused.has(queue),
        change: state.pauses.find((row) => row.queue === queue),
      })),
      actors: await actorNames(state.pauses.map((row) => row.changed_by)),
    })
  }

  /* POST /workers/pause and /workers/resume — body: queue */
  pause(ctx: HttpContext) {
    return this.set(ctx, true)
  }

  resume(ctx: HttpContext) {
    return this.set(ctx, false)
  }

  protected async set(ctx: HttpContext, paused: boolean) {
    const { bouncer, request, response, session } = ctx
    await bouncer.authorize('actOnPayouts')
    const origin = dashboardOrigin(ctx)
    const change = { queue: String(request.input('queue', '')), paused, actor: origin.actor }
    const done = await direct.transaction((trx) =>
      audited(trx, origin, consumptionSet, () => this.setConsumption.handle(trx, change))
    )
    session.flash(
      'success',
      paused
        ? `${done.queue} paused: workers finish what they hold, then stop taking messages`
        : `${done.queue} resumed`
    )
    return response.redirect().toPath('/workers')
  }
}
