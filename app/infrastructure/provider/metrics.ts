import { Counter, Histogram } from 'prom-client'
import { metricsRegistry } from '#infrastructure/metrics/registry'

export const providerCallDuration = new Histogram({
  name: 'provider_call_duration_seconds',
  help: 'Payment provider calls in seconds, by operation (pay, status) and outcome',
  labelNames: ['operation', 'outcome'] as const,
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [metricsRegistry],
})

export const providerContradictions = new Counter({
  name: 'provider_contradictions_total',
  help: 'Provider results contradicting the payout they name (paid but failed here, or the reverse), by the status reported',
  labelNames: ['reported'] as const,
  registers: [metricsRegistry],
})
