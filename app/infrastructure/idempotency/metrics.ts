import { Counter, Gauge } from 'prom-client'
import db from '@adonisjs/lucid/services/db'
import payoutsConfig from '#config/payouts'
import { metricsRegistry } from '#infrastructure/metrics/registry'
import { sampled } from '#infrastructure/metrics/sampled'

/* Claims still in flight past the lock timeout: their request died without releasing them. */
const staleInFlight = sampled(async () => {
  const result = await db.rawQuery(
    `SELECT count(*)::int AS stale FROM idempotency_keys
      WHERE state = 'in_flight' AND locked_at <= now() - (? * interval '1 second')`,
    [payoutsConfig.idempotencyStaleLockSeconds]
  )
  return (result.rows[0] as { stale: number }).stale
}, 0)

export const idempotencyMetrics = {
  outcomes: new Counter({
    name: 'idempotency_requests_total',
    help: 'Requests carrying an Idempotency-Key, by outcome (claimed, replayed, in_use, reused)',
    labelNames: ['outcome'] as const,
    registers: [metricsRegistry],
  }),
  staleInFlight: new Gauge({
    name: 'idempotency_keys_stale_in_flight',
    help: 'Idempotency keys claimed longer ago than the lock timeout and never completed nor released',
    registers: [metricsRegistry],
    aggregator: 'max',
    async collect() {
      this.set(await staleInFlight())
    },
  }),
}
