import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import payoutsConfig from '#config/payouts'
import { CheckLedger } from '#queries/ledger/check_ledger'
import type { PayoutWorker } from '#consumers/payout_worker'
import type { MockProviderServer } from '#dev/mock_provider/mock_provider_server'
import { UserFactory } from '#database/factories/user_factory'
import { truncatePayoutTables } from '#tests/helpers'
import {
  createPayout,
  payoutRow,
  stuckPayout,
  waitingForAttempt as waitingFor,
} from '#tests/support/console'
import { clientFor } from '#tests/support/provider'
import {
  startConfiguredMockProvider,
  startWorker,
  stopWorkerAndProvider,
  waitUntilSettled,
} from '#tests/support/processing'

test.group('Console: retries and stuck payouts', (group) => {
  let provider: MockProviderServer
  let worker: PayoutWorker | undefined
  const retry = { ...payoutsConfig.retry }

  group.each.setup(async () => {
    await truncatePayoutTables('provider_events', 'audit_log')
    provider = await startConfiguredMockProvider()
    return async () => {
      Object.assign(payoutsConfig.retry, retry)
      await stopWorkerAndProvider(provider, worker)
      worker = undefined
    }
  })

  test('retry now runs a flaky payout at once; the delayed copy then changes nothing', async ({
    client,
    assert,
  }) => {
    Object.assign(payoutsConfig.retry, { baseMs: 2000, maxMs: 4000, jitterMs: 0 })
    const viewer = await UserFactory.apply('viewer').create()
    const operator = await UserFactory.apply('operator').create()
    worker = await startWorker()
    const payout = await createPayout('flaky-retry-now')
    await waitingFor(payout.id, 2)

    const page = await client.get('/retries').loginAs(viewer)
    page.assertStatus(200)
    assert.include(page.text(), `data-id="${payout.id}"`)
    assert.match(page.text(), /data-testid="attempt">\s*2 of 4/)
    assert.notInclude(page.text(), 'data-testid="retry-now"')
    const refused = await client
      .post(`/retries/${payout.id}/retry-now`)
      .withCsrfToken()
      .loginAs(viewer)
      .redirects(0)
    refused.assertStatus(403)

    const started = Date.now()
    const now = await client
      .post(`/retries/${payout.id}/retry-now`)
      .withCsrfToken()
      .loginAs(operator)
      .redirects(0)
    now.assertStatus(302)
    // Attempt 2 ran at once (the flaky provider fails it too), long before its 2 s delay.
    await waitingFor(payout.id, 3)
    assert.isBelow(Date.now() - started, 1500)

    const [settled] = [...(await waitUntilSettled([payout.id], 15_000)).values()]
    assert.equal(settled.status, 'COMPLETED')
    // Give the replaced delayed message time to arrive: it must not count an attempt.
    await new Promise((resolve) => setTimeout(resolve, 1500))
    assert.equal((await payoutRow(payout.id)).attempts, 3)
    const record = await fetch(`http://127.0.0.1:${provider.port}/payouts/${payout.id}`)
    assert.equal(((await record.json()) as { payments: number }).payments, 1)
    const audit = await db.from('audit_log').where('target_id', payout.id)
    assert.deepEqual(
      audit.map((row) => [row.action, row.actor_email]),
      [['payout.retry_now', operator.email]]
    )
    assert.deepEqual(await new CheckLedger().handle(), [])
  }).timeout(40_000)

  test('give up only when the provider does not have the payout', async ({ client, assert }) => {
    Object.assign(payoutsConfig.retry, { baseMs: 30_000, maxMs: 60_000, jitterMs: 0 })
    const operator = await UserFactory.apply('operator').create()
    worker = await startWorker()
    const down = await createPayout('down-give-up')
    const paid = await createPayout('flaky-give-up')
    const scheduled = await waitingFor(down.id, 2)
    await waitingFor(paid.id, 2)
    // The provider takes the flaky one meanwhile (its third call succeeds).
    const providerClient = clientFor(provider)
    for (let n = 0; n < 2; n++) {
      await providerClient.pay({
        payoutId: paid.id,
        amount: '10.00',
        currency: 'EUR',
        recipientDetails: 'flaky-give-up',
      })
    }

    const giveUp = (id: string) =>
      client.post(`/retries/${id}/give-up`).withCsrfToken().loginAs(operator).redirects(0)
    ;(await giveUp(paid.id)).assertStatus(302)
    const kept = await payoutRow(paid.id)
    assert.equal(kept.status, 'PROCESSING')
    assert.isNull(await db.from('audit_log').where('target_id', paid.id).first())

    ;(await giveUp(down.id)).assertStatus(302)
    const failed = await payoutRow(down.id)
    assert.equal(failed.status, 'FAILED')
    assert.equal(failed.failure_code, 'given_up')
    const released = await db
      .from('transactions')
      .where({ payout_id: down.id, type: 'payout_release' })
    assert.lengthOf(released, 1)
    const [audit] = await db.from('audit_log').where('target_id', down.id)
    assert.equal(audit.action, 'payout.give_up')
    assert.deepEqual(audit.changes.status, { before: 'PROCESSING', after: 'FAILED' })
    // The delayed message of attempt 2 is marked handled: when it comes, the worker only acks it.
    assert.isNotNull(
      await db.from('inbox_messages').where('message_id', scheduled.next_message_id).first()
    )
    assert.deepEqual(await new CheckLedger().handle(), [])
  }).timeout(40_000)

  test('a stuck payout shows on the stuck page and is settled by reconcile now', async ({
    client,
    assert,
  }) => {
    const viewer = await UserFactory.apply('viewer').create()
    const operator = await UserFactory.apply('operator').create()
    const payout = await stuckPayout(provider)

    const page = await client.get('/stuck').loginAs(viewer)
    page.assertStatus(200)
    assert.include(page.text(), `data-id="${payout.id}"`)
    assert.include(page.text(), 'data-reason="stuck"')
    assert.notInclude(page.text(), 'data-testid="reconcile-now"')
    for (const path of [`/stuck/${payout.id}/reconcile`, `/retries/${payout.id}/give-up`]) {
      const refused = await client.post(path).withCsrfToken().loginAs(viewer).redirects(0)
      refused.assertStatus(403)
    }
    assert.isNull(await db.from('audit_log').first())

    const done = await client
      .post(`/stuck/${payout.id}/reconcile`)
      .withCsrfToken()
      .loginAs(operator)
      .redirects(0)
    done.assertStatus(302)
    assert.equal((await payoutRow(payout.id)).status, 'COMPLETED')
    const [audit] = await db.from('audit_log').where('target_id', payout.id)
    assert.equal(audit.action, 'payout.reconcile_now')
    assert.equal(audit.actor_email, operator.email)
    const after = await client.get('/stuck').loginAs(viewer)
    assert.notInclude(after.text(), `data-id="${payout.id}"`)
  })

  test('a retries page link that does not hold a real instant and id is the first page', async ({
    client,
  }) => {
    const viewer = await UserFactory.apply('viewer').create()
    const zero = '00000000-0000-0000-0000-000000000000'
    for (const after of [
      `2026-13-45T99:99Z_${zero}`,
      `2026-01-01T00:00:00Z_${'-'.repeat(36)}`,
      `2026-01-01T00:00:00.000Z_${zero}`,
    ]) {
      const page = await client.get('/retries').qs({ after }).loginAs(viewer)
      page.assertStatus(200)
    }
  })
})
