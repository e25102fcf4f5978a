import { Counter } from 'prom-client'
import { metricsRegistry } from '#infrastructure/metrics/registry'

export const rateLimitRefusals = new Counter({
  name: 'rate_limit_refusals_total',
  help: 'Requests refused with 429, by limit (api, sign_in, webhook)',
  labelNames: ['limit'] as const,
  registers: [metricsRegistry],
})
