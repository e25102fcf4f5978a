import { Counter, Gauge } from 'prom-client'
import db from '@adonisjs/lucid/services/db'
import { metricsRegistry } from '#infrastructure/metrics/registry'
import { sampled } from '#infrastructure/metrics/sampled'

export const outboxMetrics = {
  published: new Counter({
    name: 'outbox_messages_published_total',
    help: 'Outbox messages published to RabbitMQ and confirmed by the broker',
    registers: [metricsRegistry],
  }),
  publishFailures: new Counter({
    name: 'outbox_publish_failures_total',
    help: 'Outbox publish attempts that failed and were left for the relay',
    registers: [metricsRegistry],
  }),
  pending: new Gauge({
    name: 'outbox_messages_pending',
    aggregator: 'max',
    help: 'Outbox messages not yet published',
    registers: [metricsRegistry],
    async collect() {
      const stats = await pendingStats()
      this.set(stats.pending)
    },
  }),
  oldestPendingAge: new Gauge({
    name: 'outbox_oldest_pending_age_seconds',
    aggregator: 'max',
    help: 'Age of the oldest unpublished outbox message, 0 when none',
    registers: [metricsRegistry],
    async collect() {
      const stats = await pendingStats()
      this.set(stats.oldestAgeSeconds)
    },
  }),
}

/* Both gauges read one query per scrape. */
const pendingStats = sampled(
  async () => {
    const result = await db.rawQuery(
      `SELECT count(*)::int AS pending,
              coalesce(extract(epoch FROM now() - min(created_at)), 0)::float AS oldest
         FROM outbox_messages WHERE published_at IS NULL`
    )
    const row = result.rows[0] as { pending: number; oldest: number }
    return { pending: row.pending, oldestAgeSeconds: row.oldest }
  },
  { pending: 0, oldestAgeSeconds: 0 }
)
