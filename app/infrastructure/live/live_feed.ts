import { hostname } from 'node:os'
import logger from '@adonisjs/core/services/logger'
import type { ConsumeMessage } from 'amqplib'
import { EXCHANGES } from '#domain/messages'
import type { BrokerConnection } from '#infrastructure/rabbitmq/broker_connection'
import type { BrokerConsumer } from '#infrastructure/rabbitmq/broker_consumer'

/* What a live page hears about a payout: enough to know it changed, and to what. */
export interface PayoutChange {
  id: string
  status: string | null
  event: string
  account_id: string | null
}

/* Transmit channels: every payout change, and one payout's. */
export const LIVE_CHANNELS = {
  payouts: 'payouts',
  payout: (id: string) => `payouts/${id}`,
} as const

/*
 * Feeds the live pages of this web process from the events exchange: a
 * queue of its own (exclusive, so it goes with the connection; bounded, so a
 * stalled process cannot pile up events) bound to every payout event. Each
 * web process has one, so every process's subscribers hear every change.
 * Costs the write path nothing: the events are published anyway.
 */
export class LiveFeed {
  readonly queue = `payouts.live.${hostname()}.${process.pid}`
  #consumer?: BrokerConsumer

  constructor(
    private broker: BrokerConnection,
    private broadcast: (channel: string, change: PayoutChange) => void
  ) {}

  async start() {
    await this.broker.addSetup(async (channel) => {
      await channel.assertQueue(this.queue, {
        exclusive: true,
        durable: false,
        arguments: {
          'x-queue-type': 'classic',
          'x-message-ttl': 10_000,
          'x-max-length': 10_000,
        },
      })
      await channel.bindQueue(this.queue, EXCHANGES.events, 'payout.*')
    })
    // Unacknowledged: a change lost in a crash costs a page one update, and every payout
    // event would otherwise cost this web process an ack written back to the broker. Not
    // traced: a span per event in every web process would say nothing about the payout.
    this.#consumer = await this.broker.consume(this.queue, (m) => this.#deliver(m), {
      prefetch: 200,
      noAck: true,
      traced: false,
    })
  }

  async stop() {
    await this.#consumer?.cancel()
  }

  #deliver(message: ConsumeMessage) {
    let body: Record<string, unknown>
    try {
      body = JSON.parse(message.content.toString('utf8'))
    } catch {
      return
    }
    const id = typeof body.id === 'string' ? body.id : null
    if (!id) return
    const change: PayoutChange = {
      id,
      status: typeof body.status === 'string' ? body.status : null,
      event: message.fields.routingKey,
      account_id: typeof body.account_id === 'string' ? body.account_id : null,
    }
    try {
      this.broadcast(LIVE_CHANNELS.payouts, change)
      this.broadcast(LIVE_CHANNELS.payout(id), change)
    } catch (error) {
      logger.warn({ err: error }, 'live update not broadcast')
    }
  }
}
