import { inject } from '@adonisjs/core'
import type { HttpContext } from '@adonisjs/core/http'
import rabbitmqConfig from '#config/rabbitmq'
import { CollectMetrics } from '#actions/monitoring/collect_metrics'

@inject()
export default class MonitoringController {
  constructor(private collectMetrics: CollectMetrics) {}

  /* GET /monitoring — cards and charts, drawn from the same snapshot /monitoring/data serves. */
  async index({ bouncer, view }: HttpContext) {
    await bouncer.authorize('viewDashboard')
    const metrics = await this.collectMetrics.handle()
    return view.render('pages/monitoring/index', {
      metrics,
      // Embedded in a JSON script element: "<" escaped so the data cannot close it.
      metricsJson: JSON.stringify(metrics).replace(/</g, '\\u003c'),
      managementUrl: rabbitmqConfig.managementUrl,
    })
  }

  /* GET /monitoring/data — the snapshot as JSON, polled by the page's auto-refresh. */
  async data({ bouncer, response }: HttpContext) {
    await bouncer.authorize('viewDashboard')
    response.header('Cache-Control', 'no-store')
    return this.collectMetrics.handle()
  }
}
