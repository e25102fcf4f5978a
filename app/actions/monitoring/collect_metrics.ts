import { inject } from '@adonisjs/core'
import db from '@adonisjs/lucid/services/db'
import type { Channel } from 'amqplib'
import { BrokerConnection } from '#infrastructure/rabbitmq/broker_connection'
import { TOPOLOGY } from '#infrastructure/rabbitmq/topology'
import { withTimeout } from '#infrastructure/support/with_timeout'
import { summarizeSweeper, type SweeperSummary } from '#queries/payouts/sweeper_summary'

export const WINDOW_MINUTES = 60

/* How long the page waits for RabbitMQ before showing its queues as unavailable. */
const BROKER_TIMEOUT_MS = 1500

export interface QueueDepth {
  name: string
  kind: 'work' | 'dead' | 'retry'
  /* null: the queue does not exist (yet) on the broker. */
  messages: number | null
  consumers: number | null
}

export type QueuesSnapshot =
  | { available: true; items: QueueDepth[] }
  | { available: false; error: string; items: QueueDepth[] }

export interface MetricsSnapshot {
  generated_at: string
  window_minutes: number
  series: {
    /* Start of each minute, oldest first, ISO 8601 UTC. */
    minutes: string[]
    created: number[]
    completed: number[]
    failed: number[]
    retries: number[]
    /* Processing time (completed_at − created_at) of payouts completed in that minute. */
    p50_ms: (number | null)[]
    p95_ms: (number | null)[]
  }
  totals: {
    created: number
    completed: number
    failed: number
    retries: number
    p50_ms: number | null
    p95_ms: number | null
  }
  dead_letters: { open: number }
  outbox: { pending: number; oldest_age_seconds: number | null }
  queues: QueuesSnapshot
  /* Overdue retries, stuck payouts and what the sweeper did (docs/adr/0009). */
  sweeper: SweeperSummary
}

const QUEUES: Pick<QueueDepth, 'name' | 'kind'>[] = [
  { name: TOPOLOGY.queues.process, kind: 'work' },
  { name: TOPOLOGY.queues.payOrder, kind: 'work' },
  { name: TOPOLOGY.queues.dead, kind: 'dead' },
  ...TOPOLOGY.retryQueues.map((name) => ({ name, kind: 'retry' as const })),
]

interface MinuteRow {
  minute: Date
  created: string
  completed: string
  failed: string
  retries: string
  p50_ms: number | null
  p95_ms: number | null
}

/*
 * The figures of the metrics page, from the database (so they are right
 * whichever process did the work) and the queue depths from RabbitMQ. Per
 * minute over the last hour: payouts created, completed and failed (status
 * moves in payout_events), retries scheduled and processing-time percentiles.
 */
@inject()
export class CollectMetrics {
  constructor(private broker: BrokerConnection) {}

  async handle(): Promise<MetricsSnapshot> {
    const [minutes, overall, deadLetters, outbox, queues, sweeper] = await Promise.all([
      this.perMinute(),
      this.overallTiming(),
      this.openDeadLetters(),
      this.outboxLag(),
      this.queueDepths(),
      summarizeSweeper(WINDOW_MINUTES),
    ])
    const count = (key: 'created' | 'completed' | 'failed' | 'retries') =>
      minutes.map((row) => Number(row[key]))
    const series = {
      minutes: minutes.map((row) => new Date(row.minute).toISOString()),
      created: count('created'),
      completed: count('completed'),
      failed: count('failed'),
      retries: count('retries'),
      p50_ms: minutes.map((row) => roundMs(row.p50_ms)),
      p95_ms: minutes.map((row) => roundMs(row.p95_ms)),
    }
    const sum = (values: number[]) => values.reduce((total, value) => total + value, 0)
    return {
      generated_at: new Date().toISOString(),
      window_minutes: WINDOW_MINUTES,
      series,
      totals: {
        created: sum(series.created),
        completed: sum(series.completed),
        failed: sum(series.failed),
        retries: sum(series.retries),
        ...overall,
      },
      dead_letters: { open: deadLetters },
      outbox,
      queues,
      sweeper,
    }
  }

  protected async perMinute(): Promise<MinuteRow[]> {
    const result = await db.rawQuery(
      `WITH minutes AS (
         SELECT generate_series(date_trunc('minute', now()) - make_interval(mins => ?),
                                date_trunc('minute', now()), interval '1 minute') AS minute
       ),
       since AS (SELECT min(minute) AS at FROM minutes),
       created AS (
         SELECT date_trunc('minute', created_at) AS minute, count(*) AS n
           FROM payouts WHERE created_at >= (SELECT at FROM since) GROUP BY 1
       ),
       moves AS (
         SELECT date_trunc('minute', created_at) AS minute,
                count(*) FILTER (WHERE to_status = 'COMPLETED') AS completed,
                count(*) FILTER (WHERE to_status = 'FAILED') AS failed,
                count(*) FILTER (WHERE type = 'retry_scheduled') AS retries
           FROM payout_events
          WHERE created_at >= (SELECT at FROM since)
            AND (to_status IN ('COMPLETED', 'FAILED') OR type = 'retry_scheduled')
          GROUP BY 1
       ),
       timing AS (
         SELECT date_trunc('minute', completed_at) AS minute,
                percentile_cont(0.5) WITHIN GROUP
                  (ORDER BY extract(epoch FROM completed_at - created_at) * 1000) AS p50_ms,
                percentile_cont(0.95) WITHIN GROUP
                  (ORDER BY extract(epoch FROM completed_at - created_at) * 1000) AS p95_ms
           FROM payouts WHERE completed_at >= (SELECT at FROM since) GROUP BY 1
       )
       SELECT m.minute,
              coalesce(c.n, 0) AS created,
              coalesce(e.completed, 0) AS completed,
              coalesce(e.failed, 0) AS failed,
              coalesce(e.retries, 0) AS retries,
              t.p50_ms, t.p95_ms
         FROM minutes m
         LEFT JOIN created c USING (minute)
         LEFT JOIN moves e USING (minute)
         LEFT JOIN timing t USING (minute)
        ORDER BY m.minute`,
      [WINDOW_MINUTES - 1]
    )
    return result.rows as MinuteRow[]
  }

  protected async overallTiming() {
    const result = await db.rawQuery(
      `SELECT percentile_cont(0.5) WITHIN GROUP
                (ORDER BY extract(epoch FROM completed_at - created_at) * 1000) AS p50_ms,
              percentile_cont(0.95) WITHIN GROUP
                (ORDER BY extract(epoch FROM completed_at - created_at) * 1000) AS p95_ms
         FROM payouts
        WHERE completed_at >= date_trunc('minute', now()) - make_interval(mins => ?)`,
      [WINDOW_MINUTES - 1]
    )
    const row = result.rows[0] as { p50_ms: number | null; p95_ms: number | null }
    return { p50_ms: roundMs(row.p50_ms), p95_ms: roundMs(row.p95_ms) }
  }

  protected async openDeadLetters() {
    const result = await db.rawQuery(
      `SELECT count(*) AS total FROM dead_letters WHERE status = 'open'`
    )
    return Number(result.rows[0].total)
  }

  protected async outboxLag() {
    const result = await db.rawQuery(
      `SELECT count(*) AS pending,
              extract(epoch FROM now() - min(created_at)) AS oldest_age_seconds
         FROM outbox_messages WHERE published_at IS NULL`
    )
    const row = result.rows[0] as { pending: string; oldest_age_seconds: string | null }
    return {
      pending: Number(row.pending),
      oldest_age_seconds:
        row.oldest_age_seconds === null ? null : Math.max(0, Number(row.oldest_age_seconds)),
    }
  }

  /*
   * Passive declarations (checkQueue) on a channel of our own. A missing
   * queue closes the channel it was checked on, so the next one gets a new
   * channel. A broker that is down or slow makes the whole list unavailable.
   */
  protected async queueDepths(): Promise<QueuesSnapshot> {
    const unknown = QUEUES.map((queue) => ({ ...queue, messages: null, consumers: null }))
    let channel: Channel | undefined
    try {
      const items: QueueDepth[] = []
      for (const queue of QUEUES) {
        channel ??= await this.openChannel()
        try {
          const { messageCount, consumerCount } = await channel.checkQueue(queue.name)
          items.push({ ...queue, messages: messageCount, consumers: consumerCount })
        } catch (error) {
          if (!isNotFound(error)) throw error
          items.push({ ...queue, messages: null, consumers: null })
          channel = undefined
        }
      }
      return { available: true, items }
    } catch (error) {
      return { available: false, error: (error as Error).message, items: unknown }
    } finally {
      await channel?.close().catch(() => {})
    }
  }

  protected openChannel(): Promise<Channel> {
    /* A channel that opens after we gave up is closed, not leaked. */
    return withTimeout(
      this.broker.openChannel('metrics channel'),
      BROKER_TIMEOUT_MS,
      `RabbitMQ did not answer within ${BROKER_TIMEOUT_MS} ms`,
      (late) => late.close()
    )
  }
}

function roundMs(value: number | string | null) {
  return value === null ? null : Math.round(Number(value))
}

function isNotFound(error: unknown) {
  return (error as { code?: unknown }).code === 404
}
