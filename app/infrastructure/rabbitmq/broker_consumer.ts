import { uninstrumented } from '#infrastructure/tracing/spans'
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib'
import type { Logger } from '@adonisjs/core/logger'

export type MessageHandler = (message: ConsumeMessage, channel: Channel) => unknown

export interface ConsumeOptions {
  prefetch: number
  /*
   * The broker forgets each message as it sends it: no ack to write back, and
   * a message in flight at a crash is lost. Only for queues of hints whose
   * loss costs nothing (the live pages' feed).
   */
  noAck?: boolean
  /*
   * False: no trace span per message (amqplib's instrumentation is bypassed),
   * for a queue whose handling belongs to no payout's story (the live feed).
   */
  traced?: boolean
}

/* What a consumer needs from the connection that owns it. */
export interface ConsumerHost {
  logger: Logger
  /* False once `model` was closed or replaced, or the connection manager closed. */
  isCurrent(model: ChannelModel): boolean
  /* Adds error and close listeners to a channel. */
  watch(channel: Channel, label: string): void
  /* Delay before the attempt-th resubscription (0-based). */
  retryDelayMs(attempt: number): number
  /* Called once, when the consumer is cancelled. */
  detach(consumer: BrokerConsumer): void
}

/*
 * A consumer on its own channel. The connection subscribes it again on every
 * new connection until cancelled, so handlers must ack on the channel they
 * are given: after a reconnect the old channel is gone and its unacked
 * messages are redelivered.
 */
export class BrokerConsumer {
  #channel?: Channel
  #consumerTag?: string
  #cancelled = false
  readonly #inFlight = new Set<Promise<void>>()

  constructor(
    readonly queue: string,
    readonly handler: MessageHandler,
    readonly options: ConsumeOptions,
    private host: ConsumerHost
  ) {}

  /* True while subscribed: a channel on the broker delivers to this consumer. */
  get attached() {
    return !this.#cancelled && this.#channel !== undefined
  }

  /*
   * For a shutdown whose grace ran out after cancel(): closes the channel at
   * once, so the broker requeues every message still unacknowledged. Their
   * handlers' acks then fail harmlessly and the redeliveries are deduplicated
   * by the inbox.
   */
  async returnUnacked() {
    const channel = this.#channel
    this.#channel = undefined
    if (channel) await channel.close().catch(() => {})
  }

  /* Stops new deliveries, waits for the handlers already running, then closes the channel. */
  async cancel() {
    if (this.#cancelled) return
    this.#cancelled = true
    this.host.detach(this)
    const channel = this.#channel
    if (channel && this.#consumerTag) await channel.cancel(this.#consumerTag).catch(() => {})
    await Promise.allSettled([...this.#inFlight])
    if (channel) await channel.close().catch(() => {})
    this.#channel = undefined
  }

  /* Opens a channel of its own on `model` with the consumer's prefetch and starts consuming. */
  async subscribe(model: ChannelModel) {
    const channel = await model.createChannel()
    this.host.watch(channel, `consumer channel (${this.queue})`)
    channel.on('close', () => {
      if (this.#channel !== channel) return
      this.forgetChannel()
      this.#resubscribeLater(model, 0)
    })
    await channel.prefetch(this.options.prefetch)
    const consume =
      this.options.traced === false ? uninstrumented(channel.consume) : channel.consume
    const { consumerTag } = await consume.call(
      channel,
      this.queue,
      (message) => {
        /* null: the broker cancelled the consumer (queue deleted); subscribe again. */
        if (message === null) {
          this.host.logger.warn({ queue: this.queue }, 'RabbitMQ cancelled the consumer')
          channel.close().catch(() => {})
          return
        }
        this.#deliver(message, channel)
      },
      { noAck: this.options.noAck ?? false }
    )
    this.#channel = channel
    this.#consumerTag = consumerTag
  }

  /* The connection under the channel is gone. */
  forgetChannel() {
    this.#channel = undefined
    this.#consumerTag = undefined
  }

  /*
   * A handler that throws has its message rejected without requeue, so it
   * lands in the queue's dead-letter queue instead of looping; handlers deal
   * with transient failures themselves (retry queues).
   */
  #deliver(message: ConsumeMessage, channel: Channel) {
    const run = (async () => {
      try {
        await this.handler(message, channel)
      } catch (error) {
        this.host.logger.error(
          { err: error, queue: this.queue, message_id: message.properties.messageId },
          'message handler failed; rejecting the message'
        )
        if (this.options.noAck) return
        try {
          channel.nack(message, false, false)
        } catch {
          /* The channel is gone; the broker redelivers the message. */
        }
      }
    })()
    this.#inFlight.add(run)
    void run.finally(() => this.#inFlight.delete(run))
  }

  /* The channel closed on a live connection (channel error): open it again. */
  #resubscribeLater(model: ChannelModel, attempt: number) {
    if (this.#cancelled || !this.host.isCurrent(model)) return
    const timer = setTimeout(() => {
      if (this.#cancelled || !this.host.isCurrent(model) || this.#channel) return
      this.subscribe(model).catch((error: Error) => {
        this.host.logger.error({ err: error, queue: this.queue }, 'RabbitMQ resubscribe failed')
        this.#resubscribeLater(model, attempt + 1)
      })
    }, this.host.retryDelayMs(attempt))
    timer.unref()
  }
}
