import { inject } from '@adonisjs/core'
import type { HttpContext } from '@adonisjs/core/http'
import { recordAudit } from '#infrastructure/audit/audit_log'
import { dashboardOrigin } from '#infrastructure/audit/audit_origin'
import { payoutGivenUp, payoutReconcileRequested } from '#infrastructure/audit/audit_facts'
import { ReconcilePayouts, type ReconcileResult } from '#actions/payouts/reconcile_payouts'
import { GiveUpPayout } from '#actions/payouts/give_up_payout'
import { listSweepablePayouts } from '#queries/payouts/sweepable_payouts'
import { sweeperActions, waitingRetries } from '#queries/payouts/waiting_retries'
import { uuidParam } from '#controllers/api/support/params'
import { formatAmount } from '#domain/money'
import { isUuid } from '#domain/ids'

const PAGE_SIZE = 50
const AFTER = /^(\d{4}-\d{2}-\d{2}T[\d:.]+Z)_([0-9a-f-]{36})$/

/* The `after` of a retries page link, or nothing for anything else (the first page). */
function afterOf(text: string) {
  const match = AFTER.exec(text)
  if (!match) return undefined
  const at = new Date(match[1])
  // The pattern lets through an instant or an id PostgreSQL would refuse (a 500).
  return Number.isNaN(at.getTime()) || !isUuid(match[2]) ? undefined : { at, id: match[2] }
}

/*
 * Payouts that need a push: the retries page (waiting for their next
 * attempt: retry now, or give up when the provider does not have them) and
 * the stuck page (what the sweeper considers overdue or stuck, what it did,
 * and its reconcile of one payout now). Every role reads; operators act.
 */
@inject()
export default class RecoveryController {
  constructor(
    private reconcile: ReconcilePayouts,
    private giveUpPayout: GiveUpPayout
  ) {}

  /* GET /retries */
  async retries({ bouncer, request, view }: HttpContext) {
    await bouncer.authorize('viewDashboard')
    const after = afterOf(String(request.input('after', '')))
    const listing = await waitingRetries({ limit: PAGE_SIZE, after })
    return view.render('pages/recovery/retries', {
      title: 'Retries',
      listing,
      paged: Boolean(after),
      formatAmount,
      BigInt,
    })
  }

  /* GET /stuck */
  async stuck({ bouncer, view }: HttpContext) {
    await bouncer.authorize('viewDashboard')
    const [payouts, actions] = await Promise.all([
      listSweepablePayouts({ limit: PAGE_SIZE }),
      sweeperActions(PAGE_SIZE),
    ])
    return view.render('pages/recovery/stuck', { title: 'Stuck payouts', payouts, actions })
  }

  /* POST /retries/:id/retry-now */
  retryNow(ctx: HttpContext) {
    return this.now(ctx, 'payout.retry_now', '/retries')
  }

  /* POST /stuck/:id/reconcile */
  reconcileNow(ctx: HttpContext) {
    return this.now(ctx, 'payout.reconcile_now', '/stuck')
  }

  /* POST /retries/:id/give-up */
  async giveUp(ctx: HttpContext) {
    const { bouncer, params, response, session } = ctx
    await bouncer.authorize('actOnPayouts')
    const origin = dashboardOrigin(ctx)
    const payout = await this.giveUpPayout.handle(
      { payoutId: uuidParam(params.id), actor: origin.actor },
      (trx, failed) => recordAudit(trx, origin, payoutGivenUp(failed))
    )
    session.flash('success', `Payout ${payout.id.slice(0, 8)} given up: FAILED, hold released`)
    return response.redirect().toPath('/retries')
  }

  protected async now(
    ctx: HttpContext,
    action: 'payout.retry_now' | 'payout.reconcile_now',
    back: string
  ) {
    const { bouncer, params, response, session } = ctx
    await bouncer.authorize('actOnPayouts')
    const origin = dashboardOrigin(ctx)
    const result = await this.reconcile.one(
      uuidParam(params.id),
      origin.actor,
      (trx, payout, step) =>
        recordAudit(trx, origin, payoutReconcileRequested(action, payout, step))
    )
    session.flash(result.action === 'nothing' ? 'warning' : 'success', outcomeText(result))
    return response.redirect().toPath(back)
  }
}

function outcomeText(result: ReconcileResult) {
  const name = `Payout ${result.payoutId.slice(0, 8)}`
  const asked = result.providerStatus ? ` (the provider says ${result.providerStatus})` : ''
  switch (result.action) {
    case 'redispatched':
      return `${name} sent to the workers now${asked}`
    case 'completed':
      return `${name} completed${asked}`
    case 'failed':
      return `${name} failed${asked}`
    default:
      return `${name}: nothing done — ${result.note ?? 'nothing to do'}`
  }
}
