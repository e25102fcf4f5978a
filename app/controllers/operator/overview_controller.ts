import { inject } from '@adonisjs/core'
import type { HttpContext } from '@adonisjs/core/http'
import rabbitmqConfig from '#config/rabbitmq'
import { SummarizeOverview } from '#queries/overview/summarize_overview'
import { consoleAttention } from '#queries/console/attention'
import { formatAmount } from '#domain/money'
import { PAYOUT_STATUSES } from '#domain/payout_state'

@inject()
export default class OverviewController {
  constructor(private summarizeOverview: SummarizeOverview) {}

  async index({ auth, bouncer, view }: HttpContext) {
    await bouncer.authorize('viewDashboard')
    const [summary, attention] = await Promise.all([
      this.summarizeOverview.handle(),
      consoleAttention(),
    ])
    return view.render('pages/overview', {
      title: 'Overview',
      user: auth.getUserOrFail(),
      summary,
      attention,
      managementUrl: rabbitmqConfig.managementUrl,
      statuses: PAYOUT_STATUSES,
      formatAmount,
    })
  }
}
