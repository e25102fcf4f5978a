import { Counter, Gauge } from 'prom-client'
import db from '@adonisjs/lucid/services/db'
import { metricsRegistry } from '#infrastructure/metrics/registry'
import { sampled } from '#infrastructure/metrics/sampled'
import { direct } from '#infrastructure/database/direct'
import { readSweepBacklog, type SweepBacklog } from '#infrastructure/payouts/sweep_sql'

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

/* What the sweeper has to do (docs/adr/0009): all four gauges from one query. */
const backlog = sampled<SweepBacklog>(() => readSweepBacklog(direct), {
  overdue: 0,
  overdueOldestSeconds: 0,
  stuck: 0,
  stuckOldestSeconds: 0,
})

/*
 * Makes gauges set at scrape time from one sampled query they share. Every
 * process of a web cluster reads the same rows, so the cluster's answer is
 * their max, not their sum (metrics/cluster.ts).
 */
function gaugesOf<T>(sample: () => Promise<T>) {
  return (name: string, help: string, read: (value: T) => number) =>
    new Gauge({
      name,
      help,
      aggregator: 'max',
      registers: [metricsRegistry],
      async collect() {
        this.set(read(await sample()))
      },
    })
}

const awaitingGauge = gaugesOf(awaiting)
const backlogGauge = gaugesOf(backlog)

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
  awaitingProvider: awaitingGauge(
    'payouts_awaiting_provider',
    'PROCESSING payouts the provider accepted as pending and has not settled yet',
    (value) => value.waiting
  ),
  retriesOverdue: backlogGauge(
    'payouts_retries_overdue',
    'Scheduled retries and status checks later than the sweeper grace (their message was lost)',
    (value) => value.overdue
  ),
  retriesOverdueOldest: backlogGauge(
    'payouts_retries_overdue_oldest_seconds',
    'How far past its due time the most overdue retry is, 0 when none',
    (value) => value.overdueOldestSeconds
  ),
  stuck: backlogGauge(
    'payouts_stuck',
    'Open payouts with nothing scheduled and no progress beyond the sweeper thresholds',
    (value) => value.stuck
  ),
  stuckOldest: backlogGauge(
    'payouts_stuck_oldest_seconds',
    'How long the longest-stuck payout has not moved, 0 when none',
    (value) => value.stuckOldestSeconds
  ),
  sweeperActions: new Counter({
    name: 'sweeper_actions_total',
    help: 'What the sweeper did to overdue and stuck payouts, by action and reason',
    labelNames: ['action', 'reason'] as const,
    registers: [metricsRegistry],
  }),
  oldestAwaitingProvider: awaitingGauge(
    'payouts_awaiting_provider_oldest_seconds',
    'How long the longest-waiting accepted payout has waited for the provider, 0 when none',
    (value) => value.oldest
  ),
}
