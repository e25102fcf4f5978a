import { randomUUID } from 'node:crypto'
import type { ConfirmChannel, Options } from 'amqplib'
import { ensureTraceparent } from '#infrastructure/tracing/traceparent'
import { activeTraceparent, withParent } from '#infrastructure/tracing/spans'
import { withTimeout } from '#infrastructure/support/with_timeout'

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

/*
 * Publishing through one confirm channel, opened on first use and again after
 * it closed (with its connection, or on a channel error).
 */
export class ConfirmPublisher {
  #channel?: Promise<ConfirmChannel>

  constructor(
    private openChannel: () => Promise<ConfirmChannel>,
    private timeoutMs: number
  ) {}

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
    const { content, properties } = encodeMessage(routingKey, body, options)
    // The publish span (amqplib instrumentation) continues the message's own trace context.
    const confirmed = withParent(properties.headers!.traceparent, async () => {
      const channel = await this.#confirmChannel()
      await new Promise<void>((resolve, reject) => {
        channel.publish(exchange, routingKey, content, properties, (error) =>
          error ? reject(toError(error, 'RabbitMQ rejected the message')) : resolve()
        )
      })
    })
    await withTimeout(
      confirmed,
      this.timeoutMs,
      `RabbitMQ did not confirm ${routingKey} to ${exchange} within ${this.timeoutMs} ms`
    )
  }

  /* The connection is gone: the next publish opens a channel on the next one. */
  reset() {
    this.#channel = undefined
  }

  #confirmChannel(): Promise<ConfirmChannel> {
    if (this.#channel) return this.#channel
    const opening = (async () => {
      const channel = await this.openChannel()
      channel.on('close', () => {
        if (this.#channel === opening) this.#channel = undefined
      })
      return channel
    })()
    this.#channel = opening
    opening.catch(() => {
      if (this.#channel === opening) this.#channel = undefined
    })
    return opening
  }
}

/*
 * The content and properties every message carries (CONTRACT.md): JSON (a
 * Buffer is sent as is, bigints as strings), persistent, a message id, a
 * timestamp in seconds, the routing key as type and a W3C traceparent header.
 */
function encodeMessage(routingKey: string, body: unknown, options: PublishOptions) {
  const content = Buffer.isBuffer(body) ? body : Buffer.from(toJson(body))
  const timestamp = options.timestamp ?? Date.now()
  const headers = { ...options.headers }
  headers.traceparent = ensureTraceparent(
    options.traceparent ?? headers.traceparent ?? activeTraceparent()
  )
  const properties: Options.Publish = {
    persistent: true,
    contentType: 'application/json',
    messageId: options.messageId ?? randomUUID(),
    timestamp: Math.floor((timestamp instanceof Date ? timestamp.getTime() : timestamp) / 1000),
    type: options.type ?? routingKey,
    headers,
    ...(options.expiration === undefined ? {} : { expiration: String(options.expiration) }),
    ...(options.correlationId === undefined ? {} : { correlationId: options.correlationId }),
  }
  return { content, properties }
}

function toJson(body: unknown) {
  return JSON.stringify(body, (_key, value: unknown) =>
    typeof value === 'bigint' ? value.toString() : value
  )
}

function toError(error: unknown, fallback: string) {
  return error instanceof Error ? error : new Error(fallback)
}
