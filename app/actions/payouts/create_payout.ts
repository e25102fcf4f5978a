import { randomUUID } from 'node:crypto'
import { inject } from '@adonisjs/core'
import payoutsConfig from '#config/payouts'
import { feeFor } from '#domain/money'
import { COMMANDS, EVENTS, EXCHANGES } from '#domain/messages'
import type { PayoutRecord } from '#domain/records'
import type { Transaction } from '#infrastructure/database/direct'
import { Outbox } from '#infrastructure/outbox/outbox'
import { insertPayout } from '#infrastructure/payouts/payout_store'
import { payoutMetrics } from '#infrastructure/payouts/metrics'
import {
  annotateActiveSpan,
  payoutAttributes,
  producingTraceparent,
} from '#infrastructure/tracing/spans'
import { payoutJson } from '#transformers/payout_transformer'
import { InsufficientFundsException } from '#exceptions/account_exceptions'

export interface CreatePayoutInput {
  account: { id: string; currency: string }
  amount: bigint
  recipientDetails: string
  comment?: string | null
  actor: string
}

/*
 * Opens a payout:
 *   1. the payout as it will be stored, NEW, with its id and timestamps decided here;
 *   2. its messages, finished: `payout.created` (the payout as the API shows it)
 *      and the `payout.process` command;
 *   3. ONE statement holds amount + fee on the account (refused with nothing
 *      written when the balance does not cover it) and writes the payout, its
 *      first event and both messages;
 *   4. after commit, the messages are published (see Outbox).
 */
@inject()
export class CreatePayout {
  /* One statement: atomic on its own (see IdempotentResponse). */
  static readonly singleStatement = true

  constructor(private outbox: Outbox) {}

  async handle(trx: Transaction, input: CreatePayoutInput): Promise<PayoutRecord> {
    const { account, amount, actor } = input
    const now = new Date()
    const payout: PayoutRecord = {
      id: randomUUID(),
      accountId: account.id,
      amount,
      fee: feeFor(amount, payoutsConfig.feeBps),
      currency: account.currency,
      status: 'NEW',
      recipientDetails: input.recipientDetails,
      comment: input.comment ?? null,
      attempts: 0,
      failureCode: null,
      failureMessage: null,
      providerReference: null,
      createdAt: now,
      updatedAt: now,
      completedAt: null,
      awaitingProviderSince: null,
    }

    // One trace context for the payout and its messages (see docs/observability.md).
    const traceparent = producingTraceparent()
    annotateActiveSpan(payoutAttributes(payout))
    const written = await insertPayout(trx, {
      payout,
      createdBy: actor,
      traceparent,
      hold: {
        accountId: account.id,
        type: 'payout_hold',
        amount: -(amount + payout.fee),
        fee: payout.fee,
        payoutId: payout.id,
        actor,
      },
      messages: [
        {
          exchange: EXCHANGES.events,
          routingKey: EVENTS.payoutCreated,
          payload: payoutJson(payout),
          headers: { traceparent },
        },
        {
          exchange: EXCHANGES.commands,
          routingKey: COMMANDS.processPayout,
          payload: { payout_id: payout.id },
          headers: { traceparent },
        },
      ],
    })
    if (!written) throw new InsufficientFundsException()

    this.outbox.publishAfterCommit(trx, written.outboxRows)
    trx.after('commit', () => payoutMetrics.created.inc({ currency: payout.currency }))
    return payout
  }
}
