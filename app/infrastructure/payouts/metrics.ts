import { Counter, Gauge } from 'prom-client'
import db from '@adonisjs/lucid/services/db'
import { metricsRegistry } from '#infrastructure/metrics/registry'
import { sampled } from '#infrastructure/metrics/sampled'

/* Payouts the provider accepted as pending and has not settled yet (both gauges, one query). */
const awaiting = sampled(
  async () => {
    const result = await db.rawQuery(
      `SELECT count(*)::int AS waiting,
              coalesce(extract(epoch FROM now() - min(awaiting_provider_since)), 0)::float AS oldest
         FROM payouts WHERE awaiting_provider_since IS NOT NULL`
    )
    return result.rows[0] as { waiting: number; oldest: number }
  },
  { waiting: 0, oldest: 0 }
)

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
  awaitingProvider: new Gauge({
    name: 'payouts_awaiting_provider',
    help: 'PROCESSING payouts the provider accepted as pending and has not settled yet',
    registers: [metricsRegistry],
    async collect() {
      const { waiting } = await awaiting()
      this.set(waiting)
    },
  }),
  oldestAwaitingProvider: new Gauge({
    name: 'payouts_awaiting_provider_oldest_seconds',
    help: 'How long the longest-waiting accepted payout has waited for the provider, 0 when none',
    registers: [metricsRegistry],
    async collect() {
      const { oldest } = await awaiting()
      this.set(oldest)
    },
  }),
}
