import type { HttpContext } from '@adonisjs/core/http'
import { metricsRegistry } from '#infrastructure/metrics/registry'

export default class MetricsController {
  /* GET /metrics — Prometheus text exposition format. */
  async show({ response }: HttpContext) {
    response.header('Content-Type', metricsRegistry.contentType)
    return metricsRegistry.metrics()
  }
}
