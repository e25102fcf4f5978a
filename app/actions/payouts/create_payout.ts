import { randomUUID } from 'node:crypto'
import { inject } from '@adonisjs/core'
import payoutsConfig from '#config/payouts'
import Payout from '#models/payout'
import { feeFor } from '#domain/money'
import { COMMANDS, EVENTS, EXCHANGES } from '#domain/events'
import { entryCte } from '#infrastructure/ledger/ledger'
import { assignOutboxIds, Outbox, outboxInsertSql } from '#infrastructure/outbox/outbox'
import type { RawBindings } from '#infrastructure/database/bindings'
import type { SqlClient } from '#infrastructure/database/direct'
import { payoutJson } from '#transformers/payout_transformer'
import { payoutMetrics } from '#infrastructure/payouts/metrics'
import { InsufficientFundsException } from '#exceptions/account_exceptions'
import { writeOneStatement, type TransactionHooks } from '#actions/transaction_hooks'

export interface CreatePayoutInput {
  account: { id: string; currency: string }
  amount: bigint
  recipientDetails: string
  comment?: string | null
  actor: string
}

/* The payout's timestamps as the API writes them, in SQL over the inserted `payout` row. */
const TIMESTAMPS_SQL = `jsonb_build_object(
  'created_at', to_char(payout.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
  'updated_at', to_char(payout.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))`

/*
 * Opens a payout: holds amount + fee on the account (refused with nothing
 * written when the balance does not cover it), writes the payout in NEW with
 * its first event, and writes `payout.created` and the `payout.process`
 * command to the outbox — all in ONE statement, so it is atomic even without
 * a transaction around it (with a beforeCommit hook, such as an
 * Idempotency-Key's sealed answer, both share one transaction). The work
 * therefore reaches RabbitMQ only after commit, and never for a refused payout.
 */
@inject()
export class CreatePayout {
  constructor(private outbox: Outbox) {}

  async handle(input: CreatePayoutInput, hooks: TransactionHooks<Payout> = {}) {
    const payout = await writeOneStatement(hooks, async (client, trx) => {
      const { payout: written, events } = await this.#write(client, input)
      this.outbox.publishAfterCommit(trx, events)
      return written
    })
    payoutMetrics.created.inc({ currency: payout.currency })
    return payout
  }

  async #write(client: SqlClient, input: CreatePayoutInput) {
    const { account, amount, actor } = input
    const fee = feeFor(amount, payoutsConfig.feeBps)
    const id = randomUUID()

    // payout.created carries the payout as the API shows it; the statement adds its timestamps.
    const draft = new Payout().merge({
      id,
      accountId: account.id,
      amount,
      fee,
      currency: account.currency,
      status: 'NEW',
      recipientDetails: input.recipientDetails,
      comment: input.comment ?? null,
      attempts: 0,
      failureCode: null,
      failureMessage: null,
      providerReference: null,
      completedAt: null,
    })
    const createdPayload: Record<string, unknown> = payoutJson(draft)
    delete createdPayload.created_at
    delete createdPayload.updated_at
    const [created, processCommand] = this.outbox.prepare([
      { exchange: EXCHANGES.events, routingKey: EVENTS.payoutCreated, payload: createdPayload },
      {
        exchange: EXCHANGES.commands,
        routingKey: COMMANDS.processPayout,
        payload: { payout_id: id },
      },
    ])

    const ledger = entryCte({
      accountId: account.id,
      type: 'payout_hold',
      amount: -(amount + fee),
      fee,
      payoutId: id,
      actor,
    })
    const createdSql = outboxInsertSql([created], 'payout', TIMESTAMPS_SQL)
    const processSql = outboxInsertSql([processCommand], 'payout')
    const result = await client.rawQuery(
      `WITH ${ledger.sql}, payout AS (
         INSERT INTO payouts (id, account_id, amount, fee, currency, recipient_details, comment, created_by)
         SELECT ?, entry.account_id, ?::bigint, ?::bigint, ?, ?, ?, ? FROM entry
         RETURNING *
       ), event AS (
         INSERT INTO payout_events (payout_id, type, from_status, to_status, actor, details)
         SELECT payout.id, 'created', NULL, 'NEW', ?, '{}'::jsonb FROM payout
       ), created AS (${createdSql.sql}), process AS (${processSql.sql})
       SELECT payout.*,
              (SELECT json_agg(o) FROM (SELECT * FROM created UNION ALL SELECT * FROM process) o)
                AS outbox_rows
         FROM payout`,
      [
        ...ledger.bindings,
        id,
        amount.toString(),
        fee.toString(),
        account.currency,
        input.recipientDetails,
        input.comment ?? null,
        actor,
        actor,
        ...createdSql.bindings,
        ...processSql.bindings,
      ] as RawBindings
    )
    const row = result.rows[0]
    if (!row) throw new InsufficientFundsException()
    const events = [created, processCommand]
    assignOutboxIds(events, row.outbox_rows ?? [])
    delete row.outbox_rows
    return { payout: Payout.$createFromAdapterResult(row) as Payout, events }
  }
}
