import type { Channel } from 'amqplib'
import { COMMANDS, EXCHANGES, QUEUES } from '#domain/messages'

/* Number of delay queues `payouts.process.retry.q1` … `.qN` (see docs/adr/0002, 0009). */
export const RETRY_LEVELS = 8

/*
 * The classic delay queues `payouts.process.retry.1` … `.8` of before
 * docs/adr/0009: no longer declared nor published to. A broker that still has
 * them lets them drain (their messages still expire into payouts.process);
 * delete them once empty, as the ADR describes.
 */
export const LEGACY_RETRY_QUEUES = Array.from(
  { length: RETRY_LEVELS },
  (_, index) => `${QUEUES.process}.retry.${index + 1}`
) as readonly string[]

/*
 * Every exchange, queue and binding key of the broker topology (CONTRACT.md,
 * "RabbitMQ topology"). The names come from `#domain/messages`; this adds the
 * delay queues, which only the broker code needs.
 */
export const TOPOLOGY = {
  exchanges: EXCHANGES,
  queues: QUEUES,
  routingKeys: COMMANDS,
  // `q` for quorum: the classic queues' names cannot be redeclared with other arguments.
  retryQueues: Array.from(
    { length: RETRY_LEVELS },
    (_, index) => `${QUEUES.process}.retry.q${index + 1}`
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

  /*
   * No queue TTL: the worker sets a per-message `expiration` when it parks a
   * message here. Quorum queues with at-least-once dead-lettering keep an
   * expired message until payouts.process has confirmed it, so a hop cannot be
   * dropped while that queue is down; RabbitMQ requires reject-publish overflow
   * for it (docs/adr/0009).
   */
  for (const name of retryQueues) {
    await channel.assertQueue(name, {
      durable: true,
      arguments: {
        ...quorum,
        'x-dead-letter-exchange': '',
        'x-dead-letter-routing-key': queues.process,
        'x-dead-letter-strategy': 'at-least-once',
        'x-overflow': 'reject-publish',
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
