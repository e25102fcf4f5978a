import cluster from 'node:cluster'
import { randomUUID } from 'node:crypto'
import { AggregatorRegistry } from 'prom-client'
import { metricsRegistry } from '#infrastructure/metrics/registry'

/*
 * With WEB_CONCURRENCY > 1 a scrape lands on one cluster worker, which alone
 * knows only its own counters. That worker asks the primary, the primary
 * collects every worker's registry (prom-client's AggregatorRegistry: sums,
 * or `aggregator: 'max'` for gauges read from the database, which every
 * worker reports alike) and the worker answers with the total.
 */
const REQUEST = 'payouts:metrics-request'
const RESPONSE = 'payouts:metrics-response'
const TIMEOUT_MS = 5000

interface Answer {
  type: typeof RESPONSE
  id: string
  text?: string
  error?: string
}

/* In the primary of a web cluster: answers the workers' requests for the cluster's metrics. */
export function serveClusterMetrics() {
  const aggregator = new AggregatorRegistry()
  cluster.on('message', (worker, message: { type?: string; id: string }) => {
    if (message?.type !== REQUEST) return
    aggregator.clusterMetrics().then(
      (text) => worker.send({ type: RESPONSE, id: message.id, text } satisfies Answer),
      (error: Error) =>
        worker.send({ type: RESPONSE, id: message.id, error: error.message } satisfies Answer)
    )
  })
}

/*
 * In a web cluster worker, at start: answers the primary's collection with
 * this process's registry. prom-client installs that listener when an
 * AggregatorRegistry is constructed, so one is made here for that alone.
 */
export function answerClusterMetrics() {
  if (!cluster.isWorker) return
  AggregatorRegistry.setRegistries([metricsRegistry])
  new AggregatorRegistry()
}

/* The metrics of the whole web process group: this process's alone unless it is a cluster worker. */
export function webMetrics(): Promise<string> {
  if (!cluster.isWorker || !process.send) return metricsRegistry.metrics()
  const id = randomUUID()
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      process.off('message', onMessage)
      reject(new Error('the cluster primary did not answer with the metrics in time'))
    }, TIMEOUT_MS)
    function onMessage(message: Answer) {
      if (message?.type !== RESPONSE || message.id !== id) return
      clearTimeout(timer)
      process.off('message', onMessage)
      if (message.error !== undefined) reject(new Error(message.error))
      else resolve(message.text ?? '')
    }
    process.on('message', onMessage)
    process.send!({ type: REQUEST, id })
  })
}
