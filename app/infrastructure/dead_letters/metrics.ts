import { Gauge } from 'prom-client'
import db from '@adonisjs/lucid/services/db'
import { metricsRegistry } from '#infrastructure/metrics/registry'
import { sampled } from '#infrastructure/metrics/sampled'

const openCount = sampled(async () => {
  const result = await db.rawQuery(
    `SELECT count(*)::int AS open FROM dead_letters WHERE status = 'open'`
  )
  return (result.rows[0] as { open: number }).open
}, 0)

export const deadLetterMetrics = {
  open: new Gauge({
    name: 'dead_letters_open',
    help: 'Dead letters waiting for an operator (status open)',
    registers: [metricsRegistry],
    // Every web process reads the same table: across a cluster, the value, not a sum.
    aggregator: 'max',
    async collect() {
      this.set(await openCount())
    },
  }),
}
