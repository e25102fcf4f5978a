import { inject } from '@adonisjs/core'
import type { HttpContext } from '@adonisjs/core/http'
import rabbitmqConfig from '#config/rabbitmq'
import { SummarizeOverview } from '#queries/overview/summarize_overview'
import { formatAmount } from '#domain/money'
import { PAYOUT_STATUSES } from '#domain/payout_state'

@inject()
export default class OverviewController {
  constructor(private summarizeOverview: SummarizeOverview) {}

  async index({ auth, bouncer, view }: HttpContext) {
    await bouncer.authorize('viewDashboard')
    const summary = await this.summarizeOverview.handle()
    return view.render('pages/overview', {
      title: 'Overview',
      user: auth.getUserOrFail(),
      summary,
      managementUrl: rabbitmqConfig.managementUrl,
      statuses: PAYOUT_STATUSES,
      formatAmount,
    })
  }
}
