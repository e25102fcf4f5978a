import { randomUUID } from 'node:crypto'
import { inject } from '@adonisjs/core'
import logger from '@adonisjs/core/services/logger'
import payoutsConfig from '#config/payouts'
import type { PayoutRecord } from '#domain/records'
import { direct, type Transaction } from '#infrastructure/database/direct'
import { formatAmount } from '#domain/money'
import { backoffDelay, statusCheckDelay } from '#domain/retry_policy'
import { COMMANDS } from '#domain/messages'
import { Inbox } from '#infrastructure/inbox/inbox'
import { Outbox } from '#infrastructure/outbox/outbox'
import {
  lockPayout,
  markAwaitingProvider,
  recordPayoutEvent,
  startNextAttempt,
  startStatusCheck,
} from '#infrastructure/payouts/payout_store'
import { PayoutTransitions } from '#actions/payouts/payout_transitions'
import { NextStep } from '#actions/payouts/next_step'
import { ProviderClient, type PayResult } from '#infrastructure/provider/provider_client'
import { TOPOLOGY } from '#infrastructure/rabbitmq/topology'
import { toDate } from '#transformers/json'

export const PROCESS_CONSUMER = 'payouts.process'

export type ProcessOutcome =
  | 'completed'
  | 'failed'
  | 'retry_scheduled'
  | 'pending'
  | 'status_check_scheduled'
  | 'dead_lettered'
  | 'duplicate'
  | 'skipped'

export interface ProcessMessage {
  messageId: string
  payoutId: string
  /* The message body as received, kept in a dead letter. */
  payload: Record<string, unknown>
  traceparent?: string
}

/*
 * Moves one payout out through the provider. Each `payout.process` message
 * is one attempt:
 *   1. NEW → PROCESSING (or, for a retry, PROCESSING stays) and one more attempt, committed;
 *   2. the provider call, outside any transaction, with the payout id as its
 *      idempotency key so a repeated call can never pay twice;
 *   3. the outcome, its events and the inbox mark in one transaction:
 *      COMPLETED; FAILED (declined, hold released); or, after a transient
 *      error, the provider's own status first, then a retry through the delay
 *      queues, or FAILED + a dead letter once attempts are exhausted and the
 *      provider has said it does not have the payout (while the status
 *      inquiry itself fails, nobody knows whether the last call paid, so
 *      attempts continue past the limit instead).
 * Once the provider has accepted the payout as pending, it holds the money's
 * fate: later messages only ask for its status (not counted as attempts) until
 * it answers succeeded or declined, and no transient error can fail the payout
 * or release its hold. The webhook usually settles it first; these checks
 * cover a webhook that never arrives.
 * The message is acknowledged by the caller after this returns.
 */
@inject()
export class ProcessPayout {
  constructor(
    private transitions: PayoutTransitions,
    private outbox: Outbox,
    private provider: ProviderClient,
    private inbox: Inbox,
    private nextStep: NextStep
  ) {}

  async handle(message: ProcessMessage): Promise<ProcessOutcome> {
    if (await this.inbox.seen(PROCESS_CONSUMER, message.messageId)) return 'duplicate'

    const payout = await this.startAttempt(message)
    if (!payout) return 'skipped'

    if (payout.awaitingProviderSince) {
      const status = await this.provider.status(payout.id)
      // A provider that lost an accepted payout is asked to pay it again under
      // the same idempotency key (the payout id), which cannot pay twice.
      const result = status.kind === 'not_found' ? await this.pay(payout) : status
      return this.settle(message, payout, result)
    }

    let result = await this.pay(payout)
    let outcomeUnknown = false
    if (result.kind === 'transient') {
      // Before retrying, ask: the call may have reached the provider and paid.
      const status = await this.provider.status(payout.id)
      if (status.kind !== 'not_found' && status.kind !== 'transient') result = status
      else result = { kind: 'transient', reason: result.reason }
      outcomeUnknown = status.kind === 'transient'
    }
    return this.settle(message, payout, result, outcomeUnknown)
  }

  protected pay(payout: PayoutRecord): Promise<PayResult> {
    return this.provider.pay({
      payoutId: payout.id,
      amount: formatAmount(payout.amount, payout.currency),
      currency: payout.currency,
      recipientDetails: payout.recipientDetails,
    })
  }

  /* Step 1: the payout enters (or stays in) PROCESSING with one more attempt counted. */
  protected async startAttempt(message: ProcessMessage) {
    return direct.transaction(async (trx) => {
      const payout = await lockPayout(trx, message.payoutId)
      // The payout waits for another message (the sweeper re-dispatched this step): a stale copy.
      const superseded = payout?.nextMessageId && payout.nextMessageId !== message.messageId
      if (payout?.status === 'NEW' && !superseded) {
        return this.transitions.move(trx, payout.id, 'NEW', 'PROCESSING', {
          actor: 'worker',
          countAttempt: true,
          attemptMessageId: message.messageId,
        })
      }
      if (payout?.status === 'PROCESSING' && payout.awaitingProviderSince && !superseded) {
        // A status check of an accepted payout: not a new attempt.
        return startStatusCheck(trx, payout.id)
      }
      if (payout?.status === 'PROCESSING' && !superseded) {
        // A redelivery (or concurrent duplicate) of the current attempt's message is not a new attempt.
        return startNextAttempt(trx, payout.id, message.messageId)
      }
      // Unknown, already final, canceled, failed or superseded: a stale message. Nothing to do.
      await this.inbox.mark(trx, PROCESS_CONSUMER, message.messageId)
      if (!payout)
        logger.warn({ payout_id: message.payoutId }, 'payout.process for an unknown payout')
      return null
    })
  }

  /* Step 3: the outcome and the inbox mark, together. */
  protected async settle(
    message: ProcessMessage,
    payout: PayoutRecord,
    result: PayResult,
    /* A transient answer the provider could not be asked about: it may have paid. */
    outcomeUnknown = false
  ): Promise<ProcessOutcome> {
    return direct.transaction(async (trx) => {
      if (!(await this.inbox.mark(trx, PROCESS_CONSUMER, message.messageId))) return 'duplicate'
      const attempt = payout.attempts

      if (result.kind === 'succeeded') {
        const moved = await this.transitions.move(trx, payout.id, 'PROCESSING', 'COMPLETED', {
          actor: 'worker',
          providerReference: result.providerReference,
          details: { attempt },
        })
        return moved ? 'completed' : 'skipped'
      }
      if (result.kind === 'declined') {
        const moved = await this.transitions.move(trx, payout.id, 'PROCESSING', 'FAILED', {
          actor: 'worker',
          failureCode: result.failureCode,
          failureMessage: result.failureMessage,
          details: { attempt },
        })
        return moved ? 'failed' : 'skipped'
      }
      if (payout.awaitingProviderSince) {
        // Still pending, or the check itself failed: ask again later, never give up.
        if (result.kind === 'transient') {
          logger.warn(
            { payout_id: payout.id, error: result.reason },
            'provider status check failed; checking again later'
          )
        }
        await this.scheduleStatusCheck(trx, payout, message, waitingSince(payout))
        return 'status_check_scheduled'
      }
      if (result.kind === 'pending') {
        // A webhook may already have settled it while we were asking.
        if (!(await markAwaitingProvider(trx, payout.id, result.providerReference))) {
          return 'skipped'
        }
        await this.timeline(trx, payout, 'provider_pending', {
          attempt,
          provider_reference: result.providerReference,
        })
        // The result comes as a webhook; status checks cover a lost one.
        await this.scheduleStatusCheck(trx, payout, message, Date.now())
        return 'pending'
      }

      await this.timeline(trx, payout, 'attempt_failed', { attempt, error: result.reason })
      // Out of attempts, a payout is failed (and its hold released) only once the provider
      // has said it does not have it. While it cannot be asked, the last call may have paid:
      // attempts go on (the provider is idempotent by payout id) until it answers.
      if (attempt < payoutsConfig.retry.maxAttempts || outcomeUnknown) {
        await this.scheduleRetry(trx, payout, message, outcomeUnknown)
        return 'retry_scheduled'
      }
      const failed = await this.transitions.move(trx, payout.id, 'PROCESSING', 'FAILED', {
        actor: 'worker',
        failureCode: 'provider_unavailable',
        failureMessage: `The provider failed ${attempt} attempts; last error: ${result.reason}`,
        details: { attempt },
      })
      if (!failed) return 'skipped'
      await this.deadLetter(trx, payout, message, attempt, result.reason)
      return 'dead_lettered'
    })
  }

  /* A fact of this attempt on the payout's timeline, by the worker. */
  protected timeline(
    trx: Transaction,
    payout: PayoutRecord,
    type: string,
    details: Record<string, unknown>
  ) {
    return recordPayoutEvent(trx, { payoutId: payout.id, type, actor: 'worker', details })
  }

  protected async scheduleRetry(
    trx: Transaction,
    payout: PayoutRecord,
    message: ProcessMessage,
    outcomeUnknown: boolean
  ) {
    const delayMs = backoffDelay(payout.attempts, payoutsConfig.retry)
    await this.timeline(trx, payout, 'retry_scheduled', {
      attempt: payout.attempts,
      delay_ms: delayMs,
      ...(outcomeUnknown ? { provider_outcome: 'unknown' } : {}),
    })
    await this.nextStep.later(trx, payout.id, delayMs, {
      attempt: payout.attempts + 1,
      traceparent: message.traceparent,
    })
  }

  /* The next status check of an accepted payout, through the same delay queues as retries. */
  protected async scheduleStatusCheck(
    trx: Transaction,
    payout: PayoutRecord,
    message: ProcessMessage,
    waitingSinceMs: number
  ) {
    const delayMs = statusCheckDelay(Date.now() - waitingSinceMs, payoutsConfig.retry)
    await this.nextStep.later(trx, payout.id, delayMs, {
      attempt: payout.attempts,
      traceparent: message.traceparent,
    })
  }

  /* The exhausted work goes to payouts.dead, where the worker mirrors it for operators. */
  protected async deadLetter(
    trx: Transaction,
    payout: PayoutRecord,
    message: ProcessMessage,
    attempts: number,
    lastError: string
  ) {
    await this.outbox.stage(trx, [
      {
        exchange: '',
        routingKey: TOPOLOGY.queues.dead,
        messageId: randomUUID(),
        payload: message.payload,
        headers: {
          'x-dead-letter-reason': 'exhausted',
          'x-original-routing-key': COMMANDS.processPayout,
          'x-original-message-id': message.messageId,
          'x-attempts': String(attempts),
          'x-last-error': lastError.slice(0, 500),
          'x-payout-id': payout.id,
          ...(message.traceparent ? { traceparent: message.traceparent } : {}),
        },
      },
    ])
  }
}

/* Since when the provider holds the payout as pending (set whenever this is asked). */
function waitingSince(payout: PayoutRecord) {
  return toDate(payout.awaitingProviderSince!).getTime()
}
