import { randomUUID } from 'node:crypto'
import app from '@adonisjs/core/services/app'
import type Account from '#models/account'
import DeadLetter from '#models/dead_letter'
import Payout from '#models/payout'
import { MirrorDeadLetter } from '#actions/dead_letters/mirror_dead_letter'
import { CreatePayout } from '#actions/payouts/create_payout'
import { PayoutTransitions } from '#actions/payouts/payout_transitions'
import { direct } from '#infrastructure/database/direct'
import { recordPayoutEvent } from '#infrastructure/payouts/payout_store'

/*
 * What the worker leaves behind when the provider stays down: the payout
 * opened by the real action (its `payout.process` command in the outbox) and
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
  const create = await app.container.make(CreatePayout)
  const payout = await direct.transaction((trx) =>
    create.handle(trx, {
      account,
      amount: options.amount ?? 10_000n,
      recipientDetails: 'down-dlq-test',
      actor: 'test',
    })
  )
  const transitions = await app.container.make(PayoutTransitions)
  await direct.transaction(async (trx) => {
    await transitions.move(trx, payout.id, 'NEW', 'PROCESSING', {
      actor: 'worker',
      countAttempt: true,
    })
    for (let attempt = 1; attempt <= attempts; attempt++) {
      await recordPayoutEvent(trx, {
        payoutId: payout.id,
        type: 'attempt_failed',
        actor: 'worker',
        details: { attempt, error: `Provider answered 503 (attempt ${attempt})` },
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
