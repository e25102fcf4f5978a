import { inject } from '@adonisjs/core'
import { assertMove, eventFor, ledgerEffect, type PayoutStatus } from '#domain/payout_state'
import { EXCHANGES } from '#domain/messages'
import { heldBy, type PayoutRecord } from '#domain/records'
import type { Transaction } from '#infrastructure/database/direct'
import { postEntry } from '#infrastructure/ledger/ledger'
import { Outbox } from '#infrastructure/outbox/outbox'
import {
  changeStatus,
  recordPayoutEvent,
  type StatusChange,
} from '#infrastructure/payouts/payout_store'
import { payoutMetrics } from '#infrastructure/payouts/metrics'
import { annotateActiveSpan, payoutAttributes } from '#infrastructure/tracing/spans'
import { payoutJson } from '#transformers/payout_transformer'
import { InsufficientFundsException } from '#exceptions/account_exceptions'

export interface MoveOptions extends StatusChange {
  /* Who moved it: `user:<id>`, `worker`, `provider`. */
  actor: string
  details?: Record<string, unknown>
}

/*
 * A payout's state move inside the caller's transaction, the one way every
 * use case changes a status: the conditional status change (null when someone
 * else moved it first), the move's ledger effect (release when funds stop
 * being held, a new hold on an operator's replay, refused when the funds are
 * short), one timeline event and the `payout.<status>` event in the outbox.
 */
@inject()
export class PayoutTransitions {
  constructor(private outbox: Outbox) {}

  async move(
    trx: Transaction,
    payoutId: string,
    from: PayoutStatus,
    to: PayoutStatus,
    options: MoveOptions
  ): Promise<PayoutRecord | null> {
    assertMove(from, to)
    const payout = await changeStatus(trx, payoutId, from, to, options)
    if (!payout) return null
    annotateActiveSpan(payoutAttributes(payout))

    const effect = ledgerEffect(from, to)
    if (effect) {
      const held = heldBy(payout)
      const entry = await postEntry(trx, {
        accountId: payout.accountId,
        type: effect === 'release' ? 'payout_release' : 'payout_hold',
        amount: effect === 'release' ? held : -held,
        fee: payout.fee,
        payoutId: payout.id,
        actor: options.actor,
      })
      if (!entry) throw new InsufficientFundsException()
    }

    await recordPayoutEvent(trx, {
      payoutId: payout.id,
      type: to.toLowerCase(),
      actor: options.actor,
      details: options.details,
      fromStatus: from,
      toStatus: to,
    })
    trx.after('commit', () => {
      payoutMetrics.transitions.inc({ to_status: to })
      if (to === 'CANCELED') payoutMetrics.canceled.inc({ currency: payout.currency })
    })
    await this.outbox.stage(trx, [
      {
        exchange: EXCHANGES.events,
        routingKey: eventFor(to),
        payload: { ...payoutJson(payout), previous_status: from },
      },
    ])
    return payout
  }
}
