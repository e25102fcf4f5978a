import { randomUUID } from 'node:crypto'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { setTimeout as sleep } from 'node:timers/promises'
import app from '@adonisjs/core/services/app'
import logger from '@adonisjs/core/services/logger'
import type { Channel, GetMessage } from 'amqplib'
import type rabbitmqConfig from '#config/rabbitmq'
import { BrokerConnection } from '#infrastructure/rabbitmq/broker_connection'

const run = promisify(execFile)

/* Message ids of test messages start with this, so a sweep never takes someone else's. */
export const TEST_MESSAGE_PREFIX = 'rmq-test-'

export function testMessageId() {
  return `${TEST_MESSAGE_PREFIX}${randomUUID()}`
}

/* A connection manager of its own, with fast reconnects; close it in teardown. */
export function newBroker(overrides: { url?: string; publishTimeoutMs?: number } = {}) {
  const config = app.config.get<typeof rabbitmqConfig>('rabbitmq')
  return new BrokerConnection(
    {
      url: overrides.url ?? config.url,
      connectionName: `payouts-test:${randomUUID()}`,
      connectTimeoutMs: 2000,
      publishTimeoutMs: overrides.publishTimeoutMs ?? config.publishTimeoutMs,
      reconnect: { initialDelayMs: 50, maxDelayMs: 1000 },
    },
    logger.child({ component: 'rabbitmq-test' })
  )
}

/*
 * Takes the message with `messageId` (or the first one `match` accepts) from
 * `queue`, waiting up to `timeoutMs`.
 * Other messages met on the way (another test or process may share the queue)
 * are held unacked and then requeued, so they are neither lost nor re-read.
 */
export async function takeMessage(
  channel: Channel,
  queue: string,
  match: string | ((message: GetMessage) => boolean),
  timeoutMs = 5000
): Promise<GetMessage | undefined> {
  const accepts =
    typeof match === 'string' ? (m: GetMessage) => m.properties.messageId === match : match
  const deadline = Date.now() + timeoutMs
  const others: GetMessage[] = []
  try {
    while (Date.now() < deadline) {
      const message = await channel.get(queue, { noAck: false })
      if (message === false) {
        await sleep(50)
        continue
      }
      if (accepts(message)) {
        channel.ack(message)
        return message
      }
      others.push(message)
    }
    return undefined
  } finally {
    for (const other of others) channel.nack(other, false, true)
  }
}

/* Removes test messages left in `queue` (by a failed test), requeueing everything else. */
export async function sweepTestMessages(channel: Channel, queue: string) {
  const others: GetMessage[] = []
  for (;;) {
    const message = await channel.get(queue, { noAck: false })
    if (message === false) break
    if (String(message.properties.messageId ?? '').startsWith(TEST_MESSAGE_PREFIX)) {
      channel.ack(message)
    } else {
      others.push(message)
    }
  }
  for (const other of others) channel.nack(other, false, true)
}

export async function rabbitmqctl(...args: string[]) {
  const { stdout } = await run('rabbitmqctl', ['-q', ...args], { timeout: 30_000 })
  return stdout
}

/* The vhost RABBITMQ_URL names ('/' when none): `npm test` gives the tests one of their own. */
export function testVhost() {
  const path = new URL(app.config.get<typeof rabbitmqConfig>('rabbitmq').url).pathname
  return decodeURIComponent(path.replace(/^\//, '')) || '/'
}

/* The broker closes (CONNECTION_FORCED) the connection that announced `connectionName`. */
export async function forceCloseConnection(connectionName: string) {
  /* Table output: the first column is the pid in the form close_connection accepts. */
  const rows = await rabbitmqctl(
    'list_connections',
    '--no-table-headers',
    'pid',
    'client_properties'
  )
  const row = rows.split('\n').find((line) => line.includes(connectionName))
  if (!row) throw new Error(`no broker connection named ${connectionName}`)
  await rabbitmqctl('close_connection', row.split('\t')[0], 'test: forced close')
}
