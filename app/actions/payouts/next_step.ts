import { randomUUID } from 'node:crypto'
import { inject } from '@adonisjs/core'
import payoutsConfig from '#config/payouts'
import { COMMANDS, EXCHANGES } from '#domain/messages'
import type { Transaction } from '#infrastructure/database/direct'
import { Outbox, type OutgoingMessage } from '#infrastructure/outbox/outbox'
import { scheduleNextStep } from '#infrastructure/payouts/payout_store'
import { retryQueueFor } from '#infrastructure/rabbitmq/topology'

export interface NextStepOptions {
  /* The attempt the step is for (a status check repeats the current attempt's number). */
  attempt: number
  /* Continues the payout's trace. */
  traceparent?: string
}

/*
 * Schedules a payout's next `payout.process` and records it on the payout
 * (next_attempt_at, next_attempt, next_message_id) in the caller's
 * transaction, so the database knows when the payout should move and which
 * message is to move it. The worker schedules retries and status checks
 * through the delay queues; the sweeper re-dispatches straight to the work
 * queue what is overdue or stuck (docs/adr/0009).
 */
@inject()
export class NextStep {
  constructor(private outbox: Outbox) {}

  /* `payout.process` again after `delayMs`, parked in a delay queue until then. */
  later(trx: Transaction, payoutId: string, delayMs: number, options: NextStepOptions) {
    return this.schedule(trx, payoutId, Date.now() + delayMs, options, {
      exchange: '',
      routingKey: retryQueueFor(delayMs, payoutsConfig.retry.baseMs),
      expirationMs: Math.max(delayMs, 1),
    })
  }

  /* `payout.process` at once, to the work queue. */
  now(trx: Transaction, payoutId: string, options: NextStepOptions) {
    return this.schedule(trx, payoutId, Date.now(), options, {
      exchange: EXCHANGES.commands,
      routingKey: COMMANDS.processPayout,
    })
  }

  protected async schedule(
    trx: Transaction,
    payoutId: string,
    atMs: number,
    options: NextStepOptions,
    route: Pick<OutgoingMessage, 'exchange' | 'routingKey' | 'expirationMs'>
  ) {
    const messageId = randomUUID()
    const scheduled = await scheduleNextStep(trx, payoutId, {
      at: new Date(atMs),
      attempt: options.attempt,
      messageId,
    })
    if (!scheduled) return null
    await this.outbox.stage(trx, [
      {
        ...route,
        messageId,
        payload: { payout_id: payoutId },
        headers: options.traceparent ? { traceparent: options.traceparent } : {},
      },
    ])
    return messageId
  }
}
