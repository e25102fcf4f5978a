import { Counter, Histogram } from 'prom-client'
import { metricsRegistry } from '#infrastructure/metrics/registry'

export const workerMetrics = {
  processed: new Counter({
    name: 'worker_messages_processed_total',
    help: 'Messages handled by the worker, by queue and outcome',
    labelNames: ['queue', 'outcome'] as const,
    registers: [metricsRegistry],
  }),
  payoutsFailed: new Counter({
    name: 'worker_payouts_failed_total',
    help: 'Payouts the worker moved to FAILED, by failure reason',
    labelNames: ['reason'] as const,
    registers: [metricsRegistry],
  }),
  duration: new Histogram({
    name: 'worker_processing_duration_seconds',
    help: 'Time to handle one message, from delivery to acknowledgement',
    labelNames: ['queue'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [metricsRegistry],
  }),
  retries: new Counter({
    name: 'worker_payout_retries_total',
    help: 'Payout attempts scheduled again through the retry delay queues',
    registers: [metricsRegistry],
  }),
  deadLetters: new Counter({
    name: 'worker_dead_letters_total',
    help: 'Messages the worker dead-lettered or mirrored from payouts.dead, by reason',
    labelNames: ['reason'] as const,
    registers: [metricsRegistry],
  }),
  inboxDuplicates: new Counter({
    name: 'worker_inbox_duplicates_total',
    help: 'Messages skipped because their id was already in the inbox',
    labelNames: ['queue'] as const,
    registers: [metricsRegistry],
  }),
}
