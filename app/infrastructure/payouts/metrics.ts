import { Counter } from 'prom-client'
import { metricsRegistry } from '#infrastructure/metrics/registry'

export const payoutMetrics = {
  created: new Counter({
    name: 'payouts_created_total',
    help: 'Payouts created through the API, by currency',
    labelNames: ['currency'] as const,
    registers: [metricsRegistry],
  }),
  canceled: new Counter({
    name: 'payouts_canceled_total',
    help: 'Payouts canceled (NEW to CANCELED), by currency',
    labelNames: ['currency'] as const,
    registers: [metricsRegistry],
  }),
  transitions: new Counter({
    name: 'payout_transitions_total',
    help: 'Committed payout status moves, by target status',
    labelNames: ['to_status'] as const,
    registers: [metricsRegistry],
  }),
}
