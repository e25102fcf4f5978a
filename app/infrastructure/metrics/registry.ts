import { collectDefaultMetrics, Histogram, Registry } from 'prom-client'

/*
 * One Prometheus registry per process (web, worker, provider), with the
 * Node.js process metrics and the HTTP histogram. Feature code registers its
 * own metrics here: counters end in `_total`, units are spelled out in the
 * name (`_seconds`, `_bytes`), as `promtool check metrics` demands.
 */
export const metricsRegistry = new Registry()

collectDefaultMetrics({ register: metricsRegistry })

/*
 * prom-client exposes these sums as gauges named `*_total`, which promtool's
 * lint rejects; the per-type gauges without the suffix carry the same data.
 */
for (const name of [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
]) {
  metricsRegistry.removeSingleMetric(name)
}

export const httpRequestDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP request duration in seconds, by route pattern, method and status',
  labelNames: ['method', 'route', 'status_code'] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [metricsRegistry],
})
