import type { Channel } from 'amqplib'
import { COMMANDS, EXCHANGES, QUEUES } from '#domain/messages'

/* Number of delay queues `payouts.process.retry.1` … `.N` (see docs/adr/0002). */
export const RETRY_LEVELS = 8

/*
 * Every exchange, queue and binding key of the broker topology (CONTRACT.md,
 * "RabbitMQ topology"). The names come from `#domain/messages`; this adds the
 * delay queues, which only the broker code needs.
 */
export const TOPOLOGY = {
  exchanges: EXCHANGES,
  queues: QUEUES,
  routingKeys: COMMANDS,
  retryQueues: Array.from(
    { length: RETRY_LEVELS },
    (_, index) => `${QUEUES.process}.retry.${index + 1}`
  ) as readonly string[],
} as const

const quorum = { 'x-queue-type': 'quorum' }

const deadLettered = {
  'x-dead-letter-exchange': '',
  'x-dead-letter-routing-key': TOPOLOGY.queues.dead,
}

/*
 * Declares the topology. Idempotent: declaring the same thing again is a no-op,
 * but a queue that already exists with other arguments fails with
 * PRECONDITION_FAILED and closes the channel, so call it on a channel of its own.
 */
export async function declareTopology(channel: Channel) {
  const { exchanges, queues, routingKeys, retryQueues } = TOPOLOGY

  await channel.assertExchange(exchanges.commands, 'topic', { durable: true })
  await channel.assertExchange(exchanges.events, 'topic', { durable: true })

  await channel.assertQueue(queues.dead, { durable: true, arguments: quorum })
  await channel.assertQueue(queues.process, {
    durable: true,
    arguments: { ...quorum, ...deadLettered },
  })
  await channel.assertQueue(queues.payOrder, {
    durable: true,
    arguments: { ...quorum, ...deadLettered },
  })
  await channel.bindQueue(queues.process, exchanges.commands, routingKeys.processPayout)
  await channel.bindQueue(queues.payOrder, exchanges.commands, routingKeys.payOrder)

  /* No queue TTL: the worker sets a per-message `expiration` when it parks a message here. */
  for (const name of retryQueues) {
    await channel.assertQueue(name, {
      durable: true,
      arguments: {
        'x-queue-type': 'classic',
        'x-dead-letter-exchange': '',
        'x-dead-letter-routing-key': queues.process,
      },
    })
  }
}

/*
 * The delay queue for a wait of `delayMs`: level k holds waits in
 * [baseMs·2^(k-1), baseMs·2^k), shorter waits go to level 1 and longer ones to
 * the last level. Within one level waits differ by less than a factor of two,
 * which bounds how long an expired message can sit behind the queue's head.
 */
export function retryQueueFor(delayMs: number, baseMs: number) {
  const level = delayMs < baseMs ? 1 : Math.floor(Math.log2(delayMs / baseMs)) + 1
  return TOPOLOGY.retryQueues[Math.min(Math.max(level, 1), RETRY_LEVELS) - 1]
}
