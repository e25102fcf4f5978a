import { createHash } from 'node:crypto'
import { inject } from '@adonisjs/core'
import logger from '@adonisjs/core/services/logger'
import type { Channel, ConsumeMessage } from 'amqplib'
import payoutsConfig from '#config/payouts'
import { BrokerConnection } from '#infrastructure/rabbitmq/broker_connection'
import type { BrokerConsumer } from '#infrastructure/rabbitmq/broker_consumer'
import { TOPOLOGY } from '#infrastructure/rabbitmq/topology'
import { Outbox } from '#infrastructure/outbox/outbox'
import { OutboxRelayLoop } from '#infrastructure/outbox/relay_loop'
import { workerMetrics } from '#infrastructure/worker/metrics'
import { ProcessPayout } from '#actions/payouts/process_payout'
import { PayOrder, DuplicateOrderRace } from '#actions/orders/pay_order'
import { MirrorDeadLetter } from '#actions/dead_letters/mirror_dead_letter'
import { ReconcilePayouts } from '#actions/payouts/reconcile_payouts'
import { SweeperLoop } from '#consumers/sweeper_loop'
import { ConsumerControl } from '#consumers/consumer_control'
import { isUuid } from '#domain/ids'
import { activeTraceparent, annotateActiveSpan } from '#infrastructure/tracing/spans'

/* After an unexpected failure (database down…) a message goes back to its queue after this pause. */
const REQUEUE_AFTER_MS = 1000

/*
 * The worker process: consumes payouts.process, payments.pay-order and
 * payouts.dead with a bounded prefetch, acknowledges each message only after
 * the database transaction holding its effect has committed, and relays the
 * outbox in a loop. stop() lets in-flight messages finish.
 */
@inject()
export class PayoutWorker {
  #consumers: BrokerConsumer[] = []
  #relay: OutboxRelayLoop
  #sweeper: SweeperLoop
  /* Operator pause of payouts.process, heartbeats and in-flight messages (the workers page). */
  #control: ConsumerControl

  constructor(
    private broker: BrokerConnection,
    outbox: Outbox,
    private processPayout: ProcessPayout,
    private payOrder: PayOrder,
    private mirror: MirrorDeadLetter,
    reconcile: ReconcilePayouts
  ) {
    this.#relay = new OutboxRelayLoop(outbox, payoutsConfig.worker.outboxRelayIntervalMs)
    this.#sweeper = new SweeperLoop(reconcile, payoutsConfig.sweeper.intervalMs)
    this.#control = new ConsumerControl(this, {
      name: broker.connectionName,
      role: 'worker',
      prefetch: payoutsConfig.worker.prefetch,
      pausable: [TOPOLOGY.queues.process],
    })
  }

  async start() {
    const prefetch = payoutsConfig.worker.prefetch
    await this.broker.connect()
    this.#consumers.push(
      await this.broker.consume(TOPOLOGY.queues.payOrder, (m, c) => this.onPayOrder(m, c), {
        prefetch,
      }),
      await this.broker.consume(TOPOLOGY.queues.dead, (m, c) => this.onDead(m, c), { prefetch })
    )
    // payouts.process, unless an operator paused it.
    await this.#control.start()
    this.#relay.start()
    this.#sweeper.start()
  }

  async stop() {
    await this.#control.stop()
    await Promise.all(this.#consumers.map((consumer) => consumer.cancel()))
    await this.#relay.stop()
    await this.#sweeper.stop()
  }

  /* Readiness: every consumer is subscribed on the broker. */
  get consuming() {
    return this.#consumers.length > 0 && this.#consumers.every((consumer) => consumer.attached)
  }

  consumingQueues() {
    return this.#consumers.map((consumer) => consumer.queue)
  }

  /* Paused by an operator: the queue's consumer is cancelled; its running handlers finish. */
  async pauseQueue(queue: string) {
    const paused = this.#consumers.filter((consumer) => consumer.queue === queue)
    this.#consumers = this.#consumers.filter((consumer) => consumer.queue !== queue)
    await Promise.all(paused.map((consumer) => consumer.cancel()))
  }

  async resumeQueue(queue: string) {
    if (queue !== TOPOLOGY.queues.process) return
    const prefetch = payoutsConfig.worker.prefetch
    this.#consumers.push(
      await this.broker.consume(queue, (m, c) => this.onProcess(m, c), { prefetch })
    )
  }

  /* After stop() outlived the shutdown grace: unacked messages go back to their queues now. */
  async returnUnacked() {
    await Promise.all(this.#consumers.map((consumer) => consumer.returnUnacked()))
  }

  protected async onProcess(message: ConsumeMessage, channel: Channel) {
    const queue = TOPOLOGY.queues.process
    await this.run(queue, message, channel, async (body, messageId) => {
      const payoutId = body?.payout_id
      if (!isUuid(payoutId)) return 'poison'
      const outcome = await this.processPayout.handle({
        messageId,
        payoutId: payoutId.toLowerCase(),
        payload: body!,
        traceparent: traceparentOf(message),
      })
      annotateActiveSpan({ 'payout.id': payoutId, 'payout.outcome': outcome })
      if (outcome === 'retry_scheduled') workerMetrics.retries.inc()
      if (outcome === 'dead_lettered') {
        workerMetrics.deadLetters.inc({ reason: 'exhausted' })
        workerMetrics.payoutsFailed.inc({ reason: 'provider_unavailable' })
      }
      if (outcome === 'failed') workerMetrics.payoutsFailed.inc({ reason: 'declined' })
      return outcome
    })
  }

  protected async onPayOrder(message: ConsumeMessage, channel: Channel) {
    await this.run(TOPOLOGY.queues.payOrder, message, channel, async (body, messageId) => {
      if (!body) return 'poison'
      const outcome = await this.payOrder.handle({
        messageId,
        body,
        traceparent: traceparentOf(message),
      })
      return outcome === 'invalid' ? 'poison' : outcome
    })
  }

  protected async onDead(message: ConsumeMessage, channel: Channel) {
    const started = performance.now()
    const parsed = parseBody(message)
    const { reason } = await this.mirror.handle({
      messageId: messageIdOf(message),
      payload: parsed ?? { raw: message.content.toString('utf8') },
      headers: (message.properties.headers ?? {}) as Record<string, unknown>,
    })
    channel.ack(message)
    workerMetrics.processed.inc({ queue: TOPOLOGY.queues.dead, outcome: 'mirrored' })
    if (reason !== 'exhausted' && reason !== 'poison') workerMetrics.deadLetters.inc({ reason })
    workerMetrics.duration.observe(
      { queue: TOPOLOGY.queues.dead },
      (performance.now() - started) / 1000
    )
  }

  /*
   * Common handling: parse, run, ack after the handler's transaction
   * committed. A message that cannot be parsed or is not a command we know is
   * poison: it is dead-lettered at once, never retried. An unexpected error
   * (database unreachable…) returns the message to its queue after a pause.
   */
  protected async run(
    queue: string,
    message: ConsumeMessage,
    channel: Channel,
    handler: (body: Record<string, unknown> | null, messageId: string) => Promise<string>
  ) {
    const started = performance.now()
    const messageId = messageIdOf(message)
    let outcome: string
    try {
      const body = parseBody(message)
      outcome = await this.#control.inFlight.track(
        { queue, messageId, payoutId: body?.payout_id },
        () => handler(body, messageId)
      )
    } catch (error) {
      logger.error({ err: error, queue, message_id: messageId }, 'message failed; requeued')
      workerMetrics.processed.inc({ queue, outcome: 'requeued' })
      const delay = error instanceof DuplicateOrderRace ? 0 : REQUEUE_AFTER_MS
      setTimeout(() => {
        try {
          channel.nack(message, false, true)
        } catch {
          // The channel closed meanwhile: the broker redelivers the message anyway.
        }
      }, delay)
      return
    }
    if (outcome === 'poison') {
      await this.poison(queue, message, messageId)
      outcome = 'dead_lettered'
      workerMetrics.deadLetters.inc({ reason: 'poison' })
    }
    if (outcome === 'duplicate') workerMetrics.inboxDuplicates.inc({ queue })
    channel.ack(message)
    workerMetrics.processed.inc({ queue, outcome })
    workerMetrics.duration.observe({ queue }, (performance.now() - started) / 1000)
  }

  /* Sends an unusable message to payouts.dead with the reason, then the caller acks the original. */
  protected async poison(queue: string, message: ConsumeMessage, messageId: string) {
    logger.warn({ queue, message_id: messageId }, 'poison message dead-lettered')
    await this.broker.publish('', TOPOLOGY.queues.dead, message.content, {
      messageId,
      type: message.properties.type,
      headers: {
        ...(message.properties.headers ?? {}),
        'x-dead-letter-reason': 'poison',
        'x-error-code': 'unparseable_message',
        'x-original-queue': queue,
        'x-original-routing-key': message.fields.routingKey,
        'x-last-error': 'The message is not JSON or lacks the fields its queue requires',
      },
    })
  }
}

function parseBody(message: ConsumeMessage): Record<string, unknown> | null {
  try {
    const value = JSON.parse(message.content.toString('utf8')) as unknown
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null
  } catch {
    return null
  }
}

/* The contract's dedup key; a message from elsewhere without one is keyed by its content. */
function messageIdOf(message: ConsumeMessage) {
  const id = message.properties.messageId as unknown
  if (typeof id === 'string' && id.length > 0 && id.length <= 255) return id
  return `sha256:${createHash('sha256').update(message.content).digest('hex')}`
}

/* What the handler's own messages continue: the consume span when tracing, else the message's. */
function traceparentOf(message: ConsumeMessage) {
  const value = message.properties.headers?.traceparent as unknown
  return activeTraceparent() ?? (typeof value === 'string' ? value : undefined)
}
