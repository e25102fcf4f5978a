import { randomUUID } from 'node:crypto'
import { DateTime } from 'luxon'
import factory from '@adonisjs/lucid/factories'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import payoutsConfig from '#config/payouts'
import { feeFor } from '#domain/money'
import type { PayoutStatus } from '#domain/payout_state'
import Account from '#models/account'
import Payout from '#models/payout'
import { AccountFactory } from '#database/factories/account_factory'

/* The statuses a payout passed through to reach its own, from NEW. */
const PATHS: Record<PayoutStatus, PayoutStatus[]> = {
  NEW: ['NEW'],
  PROCESSING: ['NEW', 'PROCESSING'],
  COMPLETED: ['NEW', 'PROCESSING', 'COMPLETED'],
  FAILED: ['NEW', 'PROCESSING', 'FAILED'],
  CANCELED: ['NEW', 'CANCELED'],
}

/*
 * Moves `amount` (signed minor units) on the account and writes its ledger
 * row in one statement; refuses, like the real ledger, to go below zero.
 */
async function ledgerEntry(
  trx: TransactionClientContract,
  payout: Payout,
  type: 'payout_hold' | 'payout_release',
  amount: bigint
) {
  const result = await trx.rawQuery(
    `WITH changed AS (
       UPDATE accounts SET balance = balance + ?::bigint, updated_at = now()
        WHERE id = ? AND balance + ?::bigint >= 0 RETURNING id, balance)
     INSERT INTO transactions (account_id, type, amount, fee, balance_after, payout_id, actor)
     SELECT id, ?, ?::bigint, ?::bigint, balance, ?, 'test' FROM changed RETURNING id`,
    [amount, payout.accountId, amount, type, amount, payout.fee, payout.id].map(String)
  )
  if (result.rows.length === 0) {
    throw new Error(`PayoutFactory: account ${payout.accountId} cannot hold ${-amount}`)
  }
}

/*
 * A payout of 10.00 (plus the configured fee) that went the way the real
 * actions take it: its hold is on the account's ledger (amount + fee, taken
 * from the balance, refused when the balance does not cover it), released
 * again when it ended FAILED or CANCELED, and its timeline has one event per
 * status it passed through. Merge `accountId` (its currency is the
 * account's); without one it gets a `funded` account of its own. It writes
 * no outbox messages: a test of the worker or of the events creates its
 * payouts through the real action.
 *
 * States: `processing` (one attempt), `completed`, `failed`
 * (provider_declined), `canceled`.
 */
export const PayoutFactory = factory
  .define(Payout, () => ({
    id: randomUUID(),
    amount: 10_000n,
    currency: 'EUR',
    status: 'NEW' as const,
    recipientDetails: 'IBAN DE89 3704 0044 0532 0130 00',
    comment: null,
    attempts: 0,
    createdBy: 'test',
  }))
  .state('processing', (payout) => {
    payout.merge({ status: 'PROCESSING', attempts: 1 })
  })
  .state('completed', (payout) => {
    payout.merge({ status: 'COMPLETED', attempts: 1, completedAt: DateTime.now() })
  })
  .state('failed', (payout) => {
    payout.merge({
      status: 'FAILED',
      attempts: 1,
      failureCode: 'provider_declined',
      failureMessage: 'The provider declined the payout',
    })
  })
  .state('canceled', (payout) => {
    payout.status = 'CANCELED'
  })
  .before('create', async (_, payout, ctx) => {
    if (!payout.accountId) {
      const account = await AccountFactory.query().useCtx(ctx).apply('funded').create()
      payout.accountId = account.id
    }
    const account = await Account.findOrFail(payout.accountId, { client: ctx.$trx })
    payout.currency = account.currency
    if (payout.$attributes.fee === undefined) {
      payout.fee = feeFor(payout.amount, payoutsConfig.feeBps)
    }
  })
  .after('create', async (_, payout, { $trx }) => {
    const trx = $trx!
    const path = PATHS[payout.status]
    await ledgerEntry(trx, payout, 'payout_hold', -payout.held)
    if (payout.status === 'FAILED' || payout.status === 'CANCELED') {
      await ledgerEntry(trx, payout, 'payout_release', payout.held)
    }
    const events = path.map((to, index) => ({
      payout_id: payout.id,
      type: index === 0 ? 'created' : to.toLowerCase(),
      from_status: index === 0 ? null : path[index - 1],
      to_status: to,
      actor: payout.createdBy ?? 'test',
      details: '{}',
    }))
    await trx.insertQuery().table('payout_events').multiInsert(events)
    await payout.refresh()
  })
  .build()
