import { randomUUID } from 'node:crypto'
import { inject } from '@adonisjs/core'
import db from '@adonisjs/lucid/services/db'
import payoutsConfig from '#config/payouts'
import Payout from '#models/payout'
import type Account from '#models/account'
import { feeFor } from '#domain/money'
import { COMMANDS, EVENTS, EXCHANGES } from '#domain/events'
import { postEntry } from '#infrastructure/ledger/ledger'
import { Outbox } from '#infrastructure/outbox/outbox'
import { bindings } from '#infrastructure/database/bindings'
import { PayoutTransitions } from '#infrastructure/payouts/payout_transitions'
import { payoutJson } from '#transformers/payout_transformer'
import { payoutMetrics } from '#infrastructure/payouts/metrics'
import { InsufficientFundsException } from '#exceptions/account_exceptions'
import type { TransactionHooks } from '#actions/transaction_hooks'

export interface CreatePayoutInput {
  account: Account
  amount: bigint
  recipientDetails: string
  comment?: string | null
  actor: string
}

/*
 * Opens a payout: holds amount + fee on the account (refused with nothing
 * written when the balance does not cover it), writes the payout in NEW with
 * its first event, and stages `payout.created` and the `payout.process`
 * command in the outbox, all in one transaction. The work therefore reaches
 * RabbitMQ only after commit, and never for a rolled-back payout.
 */
@inject()
export class CreatePayout {
  constructor(
    private outbox: Outbox,
    private transitions: PayoutTransitions
  ) {}

  async handle(input: CreatePayoutInput, hooks: TransactionHooks<Payout> = {}) {
    const fee = feeFor(input.amount, payoutsConfig.feeBps)
    const id = randomUUID()
    return db.transaction(async (trx) => {
      const hold = await postEntry(trx, {
        accountId: input.account.id,
        type: 'payout_hold',
        amount: -(input.amount + fee),
        fee,
        payoutId: id,
        actor: input.actor,
      })
      if (!hold) throw new InsufficientFundsException()

      const inserted = await trx.rawQuery(
        `INSERT INTO payouts (id, account_id, amount, fee, currency, recipient_details, comment, created_by)
         VALUES (?, ?, ?::bigint, ?::bigint, ?, ?, ?, ?) RETURNING *`,
        bindings([
          id,
          input.account.id,
          input.amount.toString(),
          fee.toString(),
          input.account.currency,
          input.recipientDetails,
          input.comment ?? null,
          input.actor,
        ])
      )
      const payout = Payout.$createFromAdapterResult(
        inserted.rows[0],
        {},
        { client: trx }
      ) as Payout
      await this.transitions.record(trx, payout, 'created', input.actor, {}, null, 'NEW')
      await this.outbox.stage(trx, [
        {
          exchange: EXCHANGES.events,
          routingKey: EVENTS.payoutCreated,
          payload: payoutJson(payout),
        },
        {
          exchange: EXCHANGES.commands,
          routingKey: COMMANDS.processPayout,
          payload: { payout_id: payout.id },
        },
      ])
      await hooks.beforeCommit?.(trx, payout)
      trx.after('commit', () => payoutMetrics.created.inc({ currency: payout.currency }))
      return payout
    })
  }
}
