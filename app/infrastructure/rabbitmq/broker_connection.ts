import { randomUUID } from 'node:crypto'
import { EventEmitter } from 'node:events'
import amqp from 'amqplib'
import type { Channel, ChannelModel, ConfirmChannel, ConsumeMessage, Options } from 'amqplib'
import type { Logger } from '@adonisjs/core/logger'
import { ensureTraceparent } from '#infrastructure/tracing/traceparent'

export interface BrokerConnectionOptions {
  url: string
  /* Shown by `rabbitmqctl list_connections user_provided_name` and the management UI */
  connectionName: string
  connectTimeoutMs: number
  publishTimeoutMs: number
  reconnect: { initialDelayMs: number; maxDelayMs: number }
}

export interface PublishOptions {
  /* The consumer's dedup key; a new UUID when absent */
  messageId?: string
  timestamp?: Date | number
  /* Defaults to the routing key */
  type?: string
  headers?: Record<string, unknown>
  /* A W3C traceparent to continue; wins over `headers.traceparent` */
  traceparent?: string
  /* Per-message TTL in milliseconds (retry delay queues) */
  expiration?: number
  correlationId?: string
}

/* What later code needs to send a message: resolves once the broker has confirmed it. */
export interface MessagePublisher {
  publish(
    exchange: string,
    routingKey: string,
    body: unknown,
    options?: PublishOptions
  ): Promise<void>
}

export type MessageHandler = (message: ConsumeMessage, channel: Channel) => unknown

export interface ConsumeOptions {
  prefetch: number
}

type Setup = (channel: Channel) => Promise<void>

/*
 * A consumer on its own channel. It is subscribed again on every new
 * connection until cancelled, so handlers must ack on the channel they are
 * given: after a reconnect the old channel is gone and its unacked messages
 * are redelivered.
 */
export class BrokerConsumer {
  channel?: Channel
  consumerTag?: string
  cancelled = false
  readonly #inFlight = new Set<Promise<void>>()

  constructor(
    readonly queue: string,
    readonly handler: MessageHandler,
    readonly options: ConsumeOptions,
    private logger: Logger,
    private detach: (consumer: BrokerConsumer) => void
  ) {}

  /* Stops new deliveries, waits for the handlers already running, then closes the channel. */
  async cancel() {
    if (this.cancelled) return
    this.cancelled = true
    this.detach(this)
    const channel = this.channel
    if (channel && this.consumerTag) await channel.cancel(this.consumerTag).catch(() => {})
    await Promise.allSettled([...this.#inFlight])
    if (channel) await channel.close().catch(() => {})
    this.channel = undefined
  }

  get inFlight() {
    return this.#inFlight.size
  }

  /*
   * A handler that throws has its message rejected without requeue, so it
   * lands in the queue's dead-letter queue instead of looping; handlers deal
   * with transient failures themselves (retry queues).
   */
  deliver(message: ConsumeMessage, channel: Channel) {
    const run = (async () => {
      try {
        await this.handler(message, channel)
      } catch (error) {
        this.logger.error(
          { err: error, queue: this.queue, message_id: message.properties.messageId },
          'message handler failed; rejecting the message'
        )
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
}

/*
 * The process's single RabbitMQ connection. Publishing goes through one
 * confirm channel; each consumer gets a channel of its own. When the
 * connection drops it reconnects with exponential backoff and runs the setup
 * steps (topology) and consumer subscriptions again. Every connection and
 * channel has 'error' and 'close' listeners: an unhandled 'error' event would
 * crash the process.
 */
export class BrokerConnection implements MessagePublisher {
  #model?: ChannelModel
  #connecting?: Promise<ChannelModel>
  #confirm?: Promise<ConfirmChannel>
  #reconnectTimer?: NodeJS.Timeout
  #attempt = 0
  #lastError?: Error
  #closed = false
  #closing?: Promise<void>
  readonly #setups: Setup[] = []
  readonly #consumers = new Set<BrokerConsumer>()
  readonly #events = new EventEmitter()

  constructor(
    private options: BrokerConnectionOptions,
    private logger: Logger
  ) {
    this.#events.setMaxListeners(0)
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
      `RabbitMQ did not open a channel within ${timeoutMs} ms`
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

  /*
   * Publishes a JSON message (a Buffer is sent as is) and resolves once the
   * broker has confirmed it (persisted, for durable queues). Rejects when the
   * broker nacks, the channel closes first, or no confirm arrives in time.
   */
  async publish(
    exchange: string,
    routingKey: string,
    body: unknown,
    options: PublishOptions = {}
  ): Promise<void> {
    const messageId = options.messageId ?? randomUUID()
    const content = Buffer.isBuffer(body) ? body : Buffer.from(toJson(body))
    const timestamp = options.timestamp ?? Date.now()
    const headers = { ...options.headers }
    headers.traceparent = ensureTraceparent(options.traceparent ?? headers.traceparent)
    const properties: Options.Publish = {
      persistent: true,
      contentType: 'application/json',
      messageId,
      timestamp: Math.floor((timestamp instanceof Date ? timestamp.getTime() : timestamp) / 1000),
      type: options.type ?? routingKey,
      headers,
      ...(options.expiration === undefined ? {} : { expiration: String(options.expiration) }),
      ...(options.correlationId === undefined ? {} : { correlationId: options.correlationId }),
    }

    const timeoutMs = this.options.publishTimeoutMs
    const confirmed = (async () => {
      const channel = await this.#confirmChannel()
      await new Promise<void>((resolve, reject) => {
        channel.publish(exchange, routingKey, content, properties, (error) =>
          error ? reject(toError(error, 'RabbitMQ rejected the message')) : resolve()
        )
      })
    })()
    await withTimeout(
      confirmed,
      timeoutMs,
      `RabbitMQ did not confirm ${routingKey} to ${exchange} within ${timeoutMs} ms`
    )
  }

  /*
   * Subscribes `handler` to `queue` on a channel of its own with the given
   * prefetch, now if connected and again after every reconnection.
   */
  async consume(queue: string, handler: MessageHandler, options: ConsumeOptions) {
    this.#assertOpen()
    const consumer = new BrokerConsumer(queue, handler, options, this.logger, (c) =>
      this.#consumers.delete(c)
    )
    this.#consumers.add(consumer)
    if (this.#model) {
      try {
        await this.#subscribe(this.#model, consumer)
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
    this.#confirm = undefined
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
    const { initialDelayMs, maxDelayMs } = this.options.reconnect
    const base = Math.min(maxDelayMs, initialDelayMs * 2 ** this.#attempt)
    /* Up to 20 % jitter so a fleet of processes does not reconnect in lockstep. */
    const delay = Math.round(base * (0.8 + Math.random() * 0.2))
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

  async #open(): Promise<ChannelModel> {
    const model = await amqp.connect(this.options.url, {
      timeout: this.options.connectTimeoutMs,
      clientProperties: { connection_name: this.options.connectionName },
    })
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
      for (const consumer of this.#consumers) await this.#subscribe(model, consumer)
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
    this.#confirm = undefined
    for (const consumer of this.#consumers) {
      consumer.channel = undefined
      consumer.consumerTag = undefined
    }
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

  async #subscribe(model: ChannelModel, consumer: BrokerConsumer) {
    const channel = await model.createChannel()
    this.#watch(channel, `consumer channel (${consumer.queue})`)
    channel.on('close', () => {
      if (consumer.channel !== channel) return
      consumer.channel = undefined
      consumer.consumerTag = undefined
      this.#resubscribeLater(model, consumer, 0)
    })
    await channel.prefetch(consumer.options.prefetch)
    const { consumerTag } = await channel.consume(
      consumer.queue,
      (message) => {
        /* null: the broker cancelled the consumer (queue deleted); subscribe again. */
        if (message === null) {
          this.logger.warn({ queue: consumer.queue }, 'RabbitMQ cancelled the consumer')
          channel.close().catch(() => {})
          return
        }
        consumer.deliver(message, channel)
      },
      { noAck: false }
    )
    consumer.channel = channel
    consumer.consumerTag = consumerTag
  }

  /* A consumer channel closed on a live connection (channel error): open it again. */
  #resubscribeLater(model: ChannelModel, consumer: BrokerConsumer, attempt: number) {
    if (consumer.cancelled || this.#closed || this.#model !== model) return
    const { initialDelayMs, maxDelayMs } = this.options.reconnect
    const timer = setTimeout(
      () => {
        if (consumer.cancelled || this.#closed || this.#model !== model || consumer.channel) return
        this.#subscribe(model, consumer).catch((error: Error) => {
          this.logger.error({ err: error, queue: consumer.queue }, 'RabbitMQ resubscribe failed')
          this.#resubscribeLater(model, consumer, attempt + 1)
        })
      },
      Math.min(maxDelayMs, initialDelayMs * 2 ** attempt)
    )
    timer.unref()
  }

  #confirmChannel(): Promise<ConfirmChannel> {
    if (this.#confirm) return this.#confirm
    const opening = (async () => {
      const model = await this.connect(this.options.publishTimeoutMs)
      const channel = await model.createConfirmChannel()
      this.#watch(channel, 'confirm channel')
      channel.on('close', () => {
        if (this.#confirm === opening) this.#confirm = undefined
      })
      return channel
    })()
    this.#confirm = opening
    opening.catch(() => {
      if (this.#confirm === opening) this.#confirm = undefined
    })
    return opening
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
  #waitFor(timeoutMs: number, failFast: boolean) {
    return new Promise<ChannelModel>((resolve, reject) => {
      const cleanup = () => {
        clearTimeout(timer)
        this.#events.off('connected', onConnected)
        this.#events.off('failed', onFailed)
        this.#events.off('closed', onClosed)
      }
      const onConnected = (model: ChannelModel) => {
        cleanup()
        resolve(model)
      }
      const onFailed = (error: Error) => {
        if (!failFast) return
        cleanup()
        reject(new Error(`RabbitMQ unreachable: ${error.message}`))
      }
      const onClosed = () => {
        cleanup()
        reject(new Error('The RabbitMQ connection manager is closed'))
      }
      const timer = Number.isFinite(timeoutMs)
        ? setTimeout(() => {
            cleanup()
            const last = this.#lastError ? `: ${this.#lastError.message}` : ''
            reject(new Error(`RabbitMQ not connected within ${timeoutMs} ms${last}`))
          }, timeoutMs)
        : undefined
      this.#events.on('connected', onConnected)
      this.#events.on('failed', onFailed)
      this.#events.on('closed', onClosed)
    })
  }
}

function toJson(body: unknown) {
  return JSON.stringify(body, (_key, value: unknown) =>
    typeof value === 'bigint' ? value.toString() : value
  )
}

function toError(error: unknown, fallback: string) {
  return error instanceof Error ? error : new Error(fallback)
}

async function withTimeout<T>(promise: Promise<T>, timeoutMs: number, message: string) {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), timeoutMs)
  })
  promise.catch(() => {})
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}
