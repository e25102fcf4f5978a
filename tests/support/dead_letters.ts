import { randomUUID } from 'node:crypto'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import type Account from '#models/account'
import DeadLetter from '#models/dead_letter'
import Payout from '#models/payout'
import { CreateAccount } from '#actions/accounts/create_account'
import { PostDeposit } from '#actions/accounts/post_deposit'
import { CreatePayout } from '#actions/payouts/create_payout'
import { MirrorDeadLetter } from '#actions/dead_letters/mirror_dead_letter'
import { PayoutTransitions } from '#infrastructure/payouts/payout_transitions'

/* An EUR account credited with `deposit` minor units (minus the deposit fee), through the real actions. */
export async function fundedAccount(deposit = 50_000n) {
  const account = await (
    await app.container.make(CreateAccount)
  ).handle({ externalRef: `dlq-${randomUUID()}`, currency: 'EUR' })
  const postDeposit = await app.container.make(PostDeposit)
  await postDeposit.handle({ account, amount: deposit, actor: 'test' })
  await account.refresh()
  return account
}

/* A payout opened on `account` through the real action (its funds held). */
export async function openPayout(account: Account, amount: bigint) {
  const create = await app.container.make(CreatePayout)
  return create.handle({ account, amount, recipientDetails: 'down-dlq-test', actor: 'test' })
}

/*
 * What the worker leaves behind when the provider stays down: the payout
 * moved NEW → PROCESSING → FAILED by the real transitions (so its hold is
 * released in the ledger), two failed attempts on its timeline, and the
 * dead-lettered `payout.process` message mirrored into dead_letters.
 */
export async function failedPayoutWithDeadLetter(
  account: Account,
  options: { amount?: bigint; errorCode?: string } = {}
) {
  const payout = await openPayout(account, options.amount ?? 10_000n)
  const transitions = await app.container.make(PayoutTransitions)
  await db.transaction(async (trx) => {
    await transitions.move(trx, payout.id, 'NEW', 'PROCESSING', {
      actor: 'worker',
      countAttempt: true,
    })
    for (const attempt of [1, 2]) {
      await transitions.record(trx, payout, 'attempt_failed', 'worker', {
        attempt,
        error: `Provider answered 503 (attempt ${attempt})`,
      })
    }
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
      'x-attempts': 2,
      'x-last-error': 'Provider answered 503 (attempt 2)',
    },
  })
  const letter = await DeadLetter.findByOrFail('messageId', messageId)
  return { payout: await Payout.findOrFail(payout.id), letter }
}

/* A unique error code, so a bulk action in a test only matches that test's letters. */
export function uniqueErrorCode() {
  return `test_${randomUUID().slice(0, 8)}`
}
