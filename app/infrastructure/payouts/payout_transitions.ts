import { inject } from '@adonisjs/core'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import Payout from '#models/payout'
import { assertMove, eventFor, ledgerEffect, type PayoutStatus } from '#domain/payout_state'
import { EXCHANGES } from '#domain/events'
import { postEntry } from '#infrastructure/ledger/ledger'
import { bindings as bind } from '#infrastructure/database/bindings'
import { payoutMetrics } from '#infrastructure/payouts/metrics'
import { Outbox } from '#infrastructure/outbox/outbox'
import { payoutJson } from '#transformers/payout_transformer'
import { InsufficientFundsException } from '#exceptions/account_exceptions'

/*
 * The WHERE of every conditional write to one payout: `id = ? AND status = ?`,
 * with the status test written so that no index can serve it. Statistics
 * taken while NEW and PROCESSING were rare (as they usually are) make
 * `status = 'NEW'` look like one row, and the planner then chose the status
 * index over the primary key: every move scanned the whole backlog of that
 * status (~180 ms at 900,000 NEW payouts), so a backlog made the worker slower
 * exactly when it had the most to do. The primary key finds the row; the
 * status is checked on it.
 */
export const ONE_PAYOUT_IN_STATUS = 'id = ? AND (status = ?) IS TRUE'

export interface MoveOptions {
  /* Who moved it: `user:<id>`, `worker`, `provider`. */
  actor: string
  details?: Record<string, unknown>
  failureCode?: string | null
  failureMessage?: string | null
  providerReference?: string | null
  /* Counts one more provider attempt, made for this payout.process message. */
  countAttempt?: boolean
  attemptMessageId?: string
}

/*
 * Applies a payout state move inside the caller's transaction:
 * `UPDATE … WHERE status = <from>` (null when someone else moved it first),
 * the ledger effect of the move (release when funds stop being held, a new
 * hold on an operator's replay, refused when the funds are short), one
 * payout_events row and the `payout.<status>` event in the outbox.
 */
@inject()
export class PayoutTransitions {
  constructor(private outbox: Outbox) {}

  async move(
    trx: TransactionClientContract,
    payoutId: string,
    from: PayoutStatus,
    to: PayoutStatus,
    options: MoveOptions
  ): Promise<Payout | null> {
    assertMove(from, to)
    const sets = [
      `status = ?`,
      `updated_at = date_trunc('milliseconds', clock_timestamp())`,
      // Waiting on the provider belongs to one PROCESSING spell; any move ends it.
      `awaiting_provider_since = NULL`,
    ]
    const bindings: (string | number | null)[] = [to]
    if (to === 'COMPLETED')
      sets.push(`completed_at = date_trunc('milliseconds', clock_timestamp())`)
    if (to === 'PROCESSING' && from === 'FAILED') {
      // An operator's replay: a fresh retry budget; the timeline keeps the earlier attempts.
      sets.push('failure_code = NULL', 'failure_message = NULL', 'attempts = 0')
    }
    if (options.countAttempt) sets.push('attempts = attempts + 1')
    for (const [column, value] of [
      ['failure_code', options.failureCode],
      ['failure_message', options.failureMessage],
      ['provider_reference', options.providerReference],
      ['attempt_message_id', options.attemptMessageId],
    ] as const) {
      if (value !== undefined) {
        sets.push(`${column} = ?`)
        bindings.push(value)
      }
    }
    const result = await trx.rawQuery(
      `UPDATE payouts SET ${sets.join(', ')} WHERE ${ONE_PAYOUT_IN_STATUS} RETURNING *`,
      bind([...bindings, payoutId, from])
    )
    const row = result.rows[0]
    if (!row) return null
    const payout = Payout.$createFromAdapterResult(row, {}, { client: trx }) as Payout

    const effect = ledgerEffect(from, to)
    if (effect === 'release') {
      await postEntry(trx, {
        accountId: payout.accountId,
        type: 'payout_release',
        amount: payout.held,
        fee: payout.fee,
        payoutId: payout.id,
        actor: options.actor,
      })
    } else if (effect === 'hold') {
      const hold = await postEntry(trx, {
        accountId: payout.accountId,
        type: 'payout_hold',
        amount: -payout.held,
        fee: payout.fee,
        payoutId: payout.id,
        actor: options.actor,
      })
      if (!hold) throw new InsufficientFundsException()
    }

    await this.record(trx, payout, to.toLowerCase(), options.actor, options.details ?? {}, from, to)
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

  /* Writes one timeline event (status moves and other facts such as edits). */
  async record(
    trx: TransactionClientContract,
    payout: Pick<Payout, 'id'>,
    type: string,
    actor: string,
    details: Record<string, unknown> = {},
    fromStatus: PayoutStatus | null = null,
    toStatus: PayoutStatus | null = null
  ) {
    await trx.rawQuery(
      `INSERT INTO payout_events (payout_id, type, from_status, to_status, actor, details)
       VALUES (?, ?, ?, ?, ?, ?::jsonb)`,
      bind([payout.id, type, fromStatus, toStatus, actor, JSON.stringify(details)])
    )
  }
}
