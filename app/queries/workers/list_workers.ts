import consoleConfig from '#config/console'
import rabbitmqConfig from '#config/rabbitmq'
import { direct } from '#infrastructure/database/direct'
import type { InFlightMessage } from '#infrastructure/worker/worker_state'

export interface BrokerConsumerInfo {
  queue: string
  prefetch: number
  unacked: number | null
}

export interface WorkerRow {
  name: string
  role: string
  host: string
  pid: number
  started_at: Date
  last_seen_at: Date
  prefetch: number
  consuming: string[]
  in_flight: (InFlightMessage & { age_ms: number })[]
  stale: boolean
  /* From the RabbitMQ management API, when it answered: the consumers on this connection. */
  broker: BrokerConsumerInfo[] | null
}

/* The vhost and credentials of RABBITMQ_URL, for the management API. */
function managementTarget() {
  const url = new URL(rabbitmqConfig.url)
  const vhost = decodeURIComponent(url.pathname.slice(1)) || '/'
  const auth = `${decodeURIComponent(url.username) || 'guest'}:${decodeURIComponent(url.password) || 'guest'}`
  return {
    vhost,
    headers: { authorization: `Basic ${Buffer.from(auth).toString('base64')}` },
  }
}

async function managementGet(path: string) {
  const { headers } = managementTarget()
  const response = await fetch(new URL(path, rabbitmqConfig.managementUrl), {
    headers,
    signal: AbortSignal.timeout(consoleConfig.managementTimeoutMs),
  })
  if (!response.ok) throw new Error(`management API answered ${response.status}`)
  return (await response.json()) as any[]
}

/*
 * Consumers by connection name, from the management API; null when it is
 * not reachable (the page then shows the heartbeats alone).
 */
async function brokerConsumers(): Promise<Map<string, BrokerConsumerInfo[]> | null> {
  try {
    const vhost = encodeURIComponent(managementTarget().vhost)
    const [consumers, channels] = await Promise.all([
      managementGet(`/api/consumers/${vhost}`),
      managementGet(`/api/vhosts/${vhost}/channels?columns=name,messages_unacknowledged`),
    ])
    const unacked = new Map(
      channels.map((channel) => [channel.name as string, channel.messages_unacknowledged as number])
    )
    const byConnection = new Map<string, BrokerConsumerInfo[]>()
    for (const consumer of consumers) {
      const connection = consumer.channel_details?.connection_name as string | undefined
      if (!connection) continue
      const list = byConnection.get(connection) ?? []
      list.push({
        queue: consumer.queue?.name,
        prefetch: consumer.prefetch_count,
        unacked: unacked.get(consumer.channel_details?.name) ?? null,
      })
      byConnection.set(connection, list)
    }
    return byConnection
  } catch {
    return null
  }
}

/*
 * Every worker process that wrote a heartbeat, newest first, with what it
 * holds and for how long, joined with the broker's view of its consumers;
 * and the queues operators paused.
 */
export async function listWorkers() {
  const [beats, pauses, broker] = await Promise.all([
    direct.rawQuery(
      `SELECT name, role, host, pid, started_at, last_seen_at, prefetch, consuming, in_flight,
              clock_timestamp() AS now
         FROM worker_heartbeats ORDER BY started_at DESC LIMIT 200`
    ),
    direct.rawQuery(
      `SELECT queue, paused, changed_by, changed_at FROM consumer_pauses ORDER BY queue`
    ),
    brokerConsumers(),
  ])
  const workers: WorkerRow[] = beats.rows.map((row: any) => {
    const now = (row.now as Date).getTime()
    return {
      ...row,
      in_flight: (row.in_flight as InFlightMessage[]).map((message) => ({
        ...message,
        age_ms: Math.max(0, now - Date.parse(message.since)),
      })),
      stale: now - (row.last_seen_at as Date).getTime() > consoleConfig.workers.staleAfterMs,
      broker: broker ? (broker.get(row.name) ?? []) : null,
    }
  })
  return {
    workers,
    pauses: pauses.rows as {
      queue: string
      paused: boolean
      changed_by: string
      changed_at: Date
    }[],
    brokerReachable: broker !== null,
  }
}
