import { randomUUID } from 'node:crypto'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import type Account from '#models/account'
import DeadLetter from '#models/dead_letter'
import Payout from '#models/payout'
import { MirrorDeadLetter } from '#actions/dead_letters/mirror_dead_letter'
import { PayoutTransitions } from '#infrastructure/payouts/payout_transitions'
import { accountWith, payoutOn } from '#tests/support/dashboard'

/* An EUR account credited with `deposit` minor units (minus the deposit fee), through the real actions. */
export function fundedAccount(deposit = 50_000n) {
  return accountWith({ externalRef: `dlq-${randomUUID()}`, deposit })
}

/* A payout opened on `account` through the real action (its funds held). */
export function openPayout(account: Account, amount: bigint) {
  return payoutOn(account, { amount, recipientDetails: 'down-dlq-test' })
}

/*
 * What the worker leaves behind when the provider stays down: the payout
 * moved NEW → PROCESSING → FAILED by the real transitions (so its hold is
 * released in the ledger), two failed attempts on its timeline, and the
 * dead-lettered `payout.process` message mirrored into dead_letters.
 */
export async function failedPayoutWithDeadLetter(
  account: Account,
  options: {
    amount?: bigint
    errorCode?: string
    /* How many failed attempts the timeline shows (2 unless said). */
    attempts?: number
    /* Leave the payout in PROCESSING, as if the worker died before failing it. */
    stillProcessing?: boolean
    /* Also mark it accepted by the provider (awaiting its answer); implies stillProcessing. */
    acceptedByProvider?: boolean
  } = {}
) {
  const attempts = options.attempts ?? 2
  const lastError = `Provider answered 503 (attempt ${attempts})`
  const payout = await openPayout(account, options.amount ?? 10_000n)
  const transitions = await app.container.make(PayoutTransitions)
  await db.transaction(async (trx) => {
    await transitions.move(trx, payout.id, 'NEW', 'PROCESSING', {
      actor: 'worker',
      countAttempt: true,
    })
    for (let attempt = 1; attempt <= attempts; attempt++) {
      await transitions.record(trx, payout, 'attempt_failed', 'worker', {
        attempt,
        error: `Provider answered 503 (attempt ${attempt})`,
      })
    }
    if (options.acceptedByProvider) {
      await trx.rawQuery(
        `UPDATE payouts SET awaiting_provider_since = now(), provider_reference = 'prv-test'
          WHERE id = ?`,
        [payout.id]
      )
    }
    if (options.stillProcessing || options.acceptedByProvider) return
    await transitions.move(trx, payout.id, 'PROCESSING', 'FAILED', {
      actor: 'worker',
      failureCode: 'provider_unavailable',
      failureMessage: 'The provider stayed unavailable',
    })
  })
  const messageId = `dlq-test-${randomUUID()}`
  await (
    await app.container.make(MirrorDeadLetter)
  ).handle({
    messageId,
    payload: { payout_id: payout.id },
    headers: {
      'x-dead-letter-reason': 'exhausted',
      'x-original-queue': 'payouts.process',
      'x-original-routing-key': 'payout.process',
      'x-error-code': options.errorCode ?? 'provider_unavailable',
      'x-attempts': attempts,
      'x-last-error': lastError,
    },
  })
  const letter = await DeadLetter.findByOrFail('messageId', messageId)
  return { payout: await Payout.findOrFail(payout.id), letter }
}

/* A unique error code, so a bulk action in a test only matches that test's letters. */
export function uniqueErrorCode() {
  return `test_${randomUUID().slice(0, 8)}`
}
