import { EventEmitter, once } from 'node:events'
import type { Channel, ChannelModel } from 'amqplib'
import type { Logger } from '@adonisjs/core/logger'
import { withTimeout } from '#infrastructure/support/with_timeout'
import { connectWithin } from '#infrastructure/rabbitmq/bounded_connect'
import {
  BrokerConsumer,
  type ConsumeOptions,
  type ConsumerHost,
  type MessageHandler,
} from '#infrastructure/rabbitmq/broker_consumer'
import { ConfirmPublisher, type PublishOptions } from '#infrastructure/rabbitmq/broker_publisher'

export interface BrokerConnectionOptions {
  url: string
  /* Shown by `rabbitmqctl list_connections user_provided_name` and the management UI */
  connectionName: string
  connectTimeoutMs: number
  publishTimeoutMs: number
  reconnect: { initialDelayMs: number; maxDelayMs: number }
}

type Setup = (channel: Channel) => Promise<void>

/*
 * The process's single RabbitMQ connection. Publishing goes through one
 * confirm channel; each consumer gets a channel of its own. When the
 * connection drops it reconnects with exponential backoff and runs the setup
 * steps (topology) and consumer subscriptions again. Every connection and
 * channel has 'error' and 'close' listeners: an unhandled 'error' event would
 * crash the process.
 */
export class BrokerConnection {
  #model?: ChannelModel
  #connecting?: Promise<ChannelModel>
  #reconnectTimer?: NodeJS.Timeout
  #attempt = 0
  #lastError?: Error
  #closed = false
  #closing?: Promise<void>
  readonly #setups: Setup[] = []
  readonly #consumers = new Set<BrokerConsumer>()
  readonly #events = new EventEmitter()
  readonly #consumerHost: ConsumerHost
  readonly #publisher: ConfirmPublisher

  constructor(
    private options: BrokerConnectionOptions,
    private logger: Logger
  ) {
    this.#events.setMaxListeners(0)
    this.#publisher = new ConfirmPublisher(async () => {
      const model = await this.connect(options.publishTimeoutMs)
      const channel = await model.createConfirmChannel()
      this.#watch(channel, 'confirm channel')
      return channel
    }, options.publishTimeoutMs)
    this.#consumerHost = {
      logger: this.logger,
      isCurrent: (model) => !this.#closed && this.#model === model,
      watch: (channel, label) => this.#watch(channel, label),
      retryDelayMs: (attempt) => this.#backoffMs(attempt),
      detach: (consumer) => this.#consumers.delete(consumer),
    }
  }

  get connectionName() {
    return this.options.connectionName
  }

  get isConnected() {
    return this.#model !== undefined
  }

  /*
   * Runs `setup` on a fresh channel after every (re)connection, and now if
   * already connected. Used to declare the topology.
   */
  async addSetup(setup: Setup) {
    this.#setups.push(setup)
    if (this.#model) await this.#runSetup(this.#model, setup)
  }

  /* Starts connecting in the background; failures are logged and retried with backoff. */
  start() {
    if (this.#closed || this.#model || this.#connecting || this.#reconnectTimer) return
    this.#attemptConnection()
  }

  /* Waits until connected (retrying with backoff meanwhile), at most `timeoutMs`. */
  async connect(timeoutMs = Number.POSITIVE_INFINITY): Promise<ChannelModel> {
    if (this.#model) return this.#model
    this.#assertOpen()
    this.start()
    return this.#waitFor(timeoutMs, false)
  }

  /*
   * Readiness probe: opens and closes a channel within `timeoutMs`. Fails at
   * once while the manager is waiting to reconnect, with the last error.
   */
  async ping(timeoutMs: number) {
    this.#assertOpen()
    let model = this.#model
    if (!model) {
      if (this.#reconnectTimer && this.#lastError) {
        throw new Error(`RabbitMQ unreachable: ${this.#lastError.message}`)
      }
      this.start()
      model = await this.#waitFor(timeoutMs, true)
    }
    const channel = await withTimeout(
      model.createChannel(),
      timeoutMs,
      `RabbitMQ did not open a channel within ${timeoutMs} ms`,
      (late) => late.close()
    )
    this.#watch(channel, 'probe channel')
    await channel.close().catch(() => {})
  }

  /* A new channel with error and close listeners, for code that manages its own. */
  async openChannel(label = 'channel'): Promise<Channel> {
    const model = await this.connect(this.options.publishTimeoutMs)
    const channel = await model.createChannel()
    this.#watch(channel, label)
    return channel
  }

  /* Publishes through the confirm channel and resolves once the broker confirmed (persisted). */
  publish(exchange: string, routingKey: string, body: unknown, options?: PublishOptions) {
    return this.#publisher.publish(exchange, routingKey, body, options)
  }

  /*
   * Subscribes `handler` to `queue` on a channel of its own with the given
   * prefetch, now if connected and again after every reconnection.
   */
  async consume(queue: string, handler: MessageHandler, options: ConsumeOptions) {
    this.#assertOpen()
    const consumer = new BrokerConsumer(queue, handler, options, this.#consumerHost)
    this.#consumers.add(consumer)
    if (this.#model) {
      try {
        await consumer.subscribe(this.#model)
      } catch (error) {
        this.#consumers.delete(consumer)
        throw error
      }
    } else {
      this.start()
    }
    return consumer
  }

  /* Cancels consumers (letting running handlers finish), then closes the connection. Final. */
  close() {
    this.#closing ??= this.#shutdown()
    return this.#closing
  }

  async #shutdown() {
    this.#closed = true
    clearTimeout(this.#reconnectTimer)
    this.#reconnectTimer = undefined
    this.#events.emit('closed')
    await Promise.allSettled([...this.#consumers].map((consumer) => consumer.cancel()))
    await this.#connecting?.catch(() => {})
    const model = this.#model
    this.#model = undefined
    this.#publisher.reset()
    if (model) await model.close().catch(() => {})
  }

  #assertOpen() {
    if (this.#closed) throw new Error('The RabbitMQ connection manager is closed')
  }

  #attemptConnection() {
    this.#connecting = this.#open()
    this.#connecting
      .then((model) => {
        this.#attempt = 0
        this.#lastError = undefined
        this.#events.emit('connected', model)
      })
      .catch((error: Error) => {
        this.#lastError = error
        if (this.#closed) return
        this.#events.emit('failed', error)
        this.#scheduleReconnect(error)
      })
      .finally(() => {
        this.#connecting = undefined
      })
  }

  #scheduleReconnect(error: Error) {
    if (this.#closed || this.#reconnectTimer) return
    /* Up to 20 % jitter so a fleet of processes does not reconnect in lockstep. */
    const delay = Math.round(this.#backoffMs(this.#attempt) * (0.8 + Math.random() * 0.2))
    this.#attempt += 1
    this.logger.warn(
      { err: error, attempt: this.#attempt, delay_ms: delay },
      'RabbitMQ unavailable; reconnecting'
    )
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = undefined
      if (!this.#closed) this.#attemptConnection()
    }, delay)
  }

  #backoffMs(attempt: number) {
    const { initialDelayMs, maxDelayMs } = this.options.reconnect
    return Math.min(maxDelayMs, initialDelayMs * 2 ** attempt)
  }

  async #open(): Promise<ChannelModel> {
    const { url, connectionName, connectTimeoutMs } = this.options
    const model = await connectWithin(url, connectionName, connectTimeoutMs)
    model.on('error', (error: Error) => {
      this.logger.warn({ err: error }, 'RabbitMQ connection error')
    })
    model.on('close', (error?: Error) => this.#onConnectionClosed(model, error))
    model.on('blocked', (reason: string) => {
      this.logger.warn({ reason }, 'RabbitMQ blocked the connection (resource alarm)')
    })
    model.on('unblocked', () => this.logger.info('RabbitMQ unblocked the connection'))

    try {
      if (this.#closed) throw new Error('The RabbitMQ connection manager is closed')
      for (const setup of this.#setups) await this.#runSetup(model, setup)
      for (const consumer of this.#consumers) await consumer.subscribe(model)
      if (this.#closed) throw new Error('The RabbitMQ connection manager is closed')
    } catch (error) {
      await model.close().catch(() => {})
      throw error
    }
    this.#model = model
    this.logger.info({ connection_name: this.options.connectionName }, 'RabbitMQ connected')
    return model
  }

  #onConnectionClosed(model: ChannelModel, error?: Error) {
    if (this.#model !== model) return
    this.#model = undefined
    this.#publisher.reset()
    for (const consumer of this.#consumers) consumer.forgetChannel()
    if (this.#closed) return
    this.#lastError = error ?? new Error('connection closed')
    this.#scheduleReconnect(this.#lastError)
  }

  /* Its own channel, because a failed declaration closes the channel it ran on. */
  async #runSetup(model: ChannelModel, setup: Setup) {
    const channel = await model.createChannel()
    this.#watch(channel, 'setup channel')
    try {
      await setup(channel)
    } finally {
      await channel.close().catch(() => {})
    }
  }

  #watch(channel: Channel, label: string) {
    channel.on('error', (error: Error) => {
      this.logger.warn({ err: error }, `RabbitMQ ${label} error`)
    })
    channel.on('close', () => {
      this.logger.debug(`RabbitMQ ${label} closed`)
    })
  }

  /* Resolves on the next connection; `failFast` also rejects on the next failed attempt. */
  async #waitFor(timeoutMs: number, failFast: boolean): Promise<ChannelModel> {
    const stop = new AbortController()
    const timer = Number.isFinite(timeoutMs) ? setTimeout(() => stop.abort(), timeoutMs) : undefined
    const next = (event: string) => once(this.#events, event, { signal: stop.signal })
    const fail = (message: string) => Promise.reject(new Error(message))
    try {
      return await Promise.race([
        next('connected').then(([model]) => model as ChannelModel),
        next('closed').then(() => fail('The RabbitMQ connection manager is closed')),
        ...(failFast
          ? [next('failed').then(([error]) => fail(`RabbitMQ unreachable: ${error.message}`))]
          : []),
      ])
    } catch (error) {
      if (!stop.signal.aborted) throw error
      const last = this.#lastError ? `: ${this.#lastError.message}` : ''
      throw new Error(`RabbitMQ not connected within ${timeoutMs} ms${last}`)
    } finally {
      clearTimeout(timer)
      stop.abort()
    }
  }
}
