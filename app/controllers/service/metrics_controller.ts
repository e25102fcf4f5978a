import type { HttpContext } from '@adonisjs/core/http'
import { metricsRegistry } from '#infrastructure/metrics/registry'
import { webMetrics } from '#infrastructure/metrics/cluster'
// Gauges no request path loads, read from the database at scrape time.
import '#infrastructure/dead_letters/metrics'
import '#infrastructure/idempotency/metrics'

export default class MetricsController {
  /* GET /metrics — Prometheus text exposition format. */
  async show({ response }: HttpContext) {
    response.header('Content-Type', metricsRegistry.contentType)
    // With WEB_CONCURRENCY > 1: every cluster worker's, added up (see webMetrics).
    return webMetrics()
  }
}
