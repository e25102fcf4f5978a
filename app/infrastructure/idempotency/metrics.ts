import { Counter } from 'prom-client'
import { metricsRegistry } from '#infrastructure/metrics/registry'

export const idempotencyMetrics = {
  outcomes: new Counter({
    name: 'idempotency_requests_total',
    help: 'Requests carrying an Idempotency-Key, by outcome (claimed, replayed, in_use, reused)',
    labelNames: ['outcome'] as const,
    registers: [metricsRegistry],
  }),
}
