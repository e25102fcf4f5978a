import type { DatabaseProbe } from '#infrastructure/health/database_probe'
import type { JsonRoute } from '#infrastructure/metrics/metrics_server'

export interface WorkerProbeSources {
  /*
   * Every consumer the worker has is attached to the broker. A queue an
   * operator paused has no consumer, so a paused worker stays ready.
   */
  consuming: () => boolean
  /* SIGTERM arrived: the worker is draining and takes no new work. */
  stopping: () => boolean
  database: DatabaseProbe
  timeoutMs: number
}

/*
 * /health/live and /health/ready of a worker, served next to /metrics.
 * Live: the event loop answers. Ready: the consumers are attached (a queue
 * paused by an operator has none), PostgreSQL answers and no shutdown is
 * under way. A rollout waits for a new worker's readiness before stopping an
 * old one; Kubernetes restarts a worker whose liveness fails.
 */
export function workerProbeRoutes(sources: WorkerProbeSources): Record<string, JsonRoute> {
  return {
    '/health/live': async () => ({ status: 200, body: { status: 'ok' } }),
    '/health/ready': async () => {
      const consumer = sources.stopping()
        ? error('stopping')
        : sources.consuming()
          ? { status: 'ok' }
          : error('consumers not attached to RabbitMQ')
      let database: Record<string, unknown> = { status: 'ok' }
      try {
        await sources.database.ping(sources.timeoutMs)
      } catch (caught) {
        database = error((caught as Error).message)
      }
      const ok = consumer.status === 'ok' && database.status === 'ok'
      return {
        status: ok ? 200 : 503,
        body: { status: ok ? 'ok' : 'error', checks: { consumer, database } },
      }
    },
  }
}

function error(message: string) {
  return { status: 'error', message }
}
