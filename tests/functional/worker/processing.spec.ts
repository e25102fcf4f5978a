import { test } from '@japa/runner'
import type { Assert } from '@japa/assert'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import Account from '#models/account'
import { CheckLedger } from '#queries/ledger/check_ledger'
import { BrokerConnection } from '#infrastructure/rabbitmq/broker_connection'
import { TOPOLOGY } from '#infrastructure/rabbitmq/topology'
import type { MockProviderServer } from '#dev/mock_provider/mock_provider_server'
import {
  ProviderClient,
  type PayResult,
  type StatusResult,
} from '#infrastructure/provider/provider_client'
import type { PayoutWorker } from '#consumers/payout_worker'
import { truncatePayoutTables } from '#tests/helpers'
import { AccountFactory } from '#database/factories/account_factory'
import {
  createPayoutsFrom,
  startConfiguredMockProvider,
  startWorker,
  stopWorkerAndProvider,
  waitUntilSettled,
} from '#tests/support/processing'
import { eventually } from '#tests/support/eventually'

async function createPayouts(accountId: string, recipients: string[], amount = 1000n) {
  return createPayoutsFrom(await Account.findOrFail(accountId), recipients, amount)
}

async function providerRecord(provider: MockProviderServer, payoutId: string) {
  const response = await fetch(`http://127.0.0.1:${provider.port}/payouts/${payoutId}`)
  return (await response.json()) as { status: string; payments: number }
}

/* Runs `body` with the worker's ProviderClient replaced by `fake` (the client boundary). */
async function withProvider(fake: ProviderClient, body: () => Promise<void>) {
  app.container.swap(ProviderClient, () => fake)
  try {
    await body()
  } finally {
    app.container.restore(ProviderClient)
  }
}

/* A 10.00 payout the provider paid: its hold (10.20) is the debit; nothing released or dead-lettered. */
async function assertPaidFromItsHold(assert: Assert, payoutId: string, accountId: string) {
  const released = await db.rawQuery(
    `SELECT count(*)::int AS n FROM transactions WHERE payout_id = ? AND type = 'payout_release'`,
    [payoutId]
  )
  assert.equal(released.rows[0].n, 0)
  const letters = await db.rawQuery(`SELECT count(*)::int AS n FROM dead_letters`)
  assert.equal(letters.rows[0].n, 0)
  const account = await Account.findOrFail(accountId)
  assert.equal(account.balance, 100_000n - 1020n)
  assert.deepEqual(await new CheckLedger().handle(), [])
}

test.group('Worker: processing payouts end to end', (group) => {
  let provider: MockProviderServer
  let worker: PayoutWorker | undefined

  group.each.setup(async () => {
    await truncatePayoutTables('provider_events')
    provider = await startConfiguredMockProvider()
    return async () => {
      await stopWorkerAndProvider(provider, worker)
      worker = undefined
    }
  })

  test('each mock-provider prefix ends in the contract outcome', async ({ assert }) => {
    const { id: accountId } = await AccountFactory.merge({ balance: 1_000_000n }).create()
    const recipients = ['IBAN ok', 'decline-1', 'flaky-1', 'down-1', 'slow-1', 'async-1']
    const ids = await createPayouts(accountId, recipients)
    worker = await startWorker()
    const settled = await waitUntilSettled(ids, 40_000)
    const [ok, decline, flaky, down, slow, async] = ids.map((id) => settled.get(id)!)

    assert.equal(ok.status, 'COMPLETED')
    assert.equal(decline.status, 'FAILED')
    assert.isString(decline.failure_code)
    assert.equal(flaky.status, 'COMPLETED')
    assert.isAtLeast(flaky.attempts, 3)
    assert.equal(down.status, 'FAILED')
    assert.equal(down.failure_code, 'provider_unavailable')
    assert.equal(slow.status, 'COMPLETED')
    assert.equal(async.status, 'COMPLETED')

    // The slow payout was paid once by the provider, and once in our ledger.
    assert.equal((await providerRecord(provider, slow.id)).payments, 1)
    const holds = await db.rawQuery(
      `SELECT count(*)::int AS n FROM transactions WHERE payout_id = ? AND type = 'payout_hold'`,
      [slow.id]
    )
    assert.equal(holds.rows[0].n, 1)

    // An open dead letter names the payout that exhausted its attempts.
    const letter = await eventually(async () => {
      const result = await db.rawQuery(`SELECT * FROM dead_letters WHERE payout_id = ?`, [down.id])
      return result.rows[0]
    }, 10_000)
    assert.equal(letter.status, 'open')
    assert.equal(letter.reason, 'exhausted')
    assert.equal(letter.attempts, 4)
    assert.lengthOf(letter.errors, 4)
    assert.deepEqual(letter.payload, { payout_id: down.id })

    // Balance: completed payouts keep their hold (10.20 each), failed ones were released.
    const account = await Account.findOrFail(accountId)
    assert.equal(account.balance, 1_000_000n - 4n * 1020n)
    assert.deepEqual(await new CheckLedger().handle(), [])
  }).timeout(60_000)

  test('a pending payout whose webhook never comes is completed by status checks', async ({
    assert,
  }) => {
    // The webhook goes nowhere, and settles long after the four attempts a retry budget would allow.
    await provider.stop()
    provider = await startConfiguredMockProvider({
      webhookUrl: 'http://127.0.0.1:1/webhooks/provider',
      webhookDelayMs: 1500,
      webhookAttempts: 1,
    })
    const { id: accountId } = await AccountFactory.merge({ balance: 100_000n }).create()
    const [id] = await createPayouts(accountId, ['async-lost-webhook'])
    worker = await startWorker()
    const settled = await waitUntilSettled([id], 20_000)

    assert.equal(settled.get(id)!.status, 'COMPLETED')
    // Status checks are not attempts: the provider was asked to pay once.
    assert.equal(settled.get(id)!.attempts, 1)
    assert.equal((await providerRecord(provider, id)).payments, 1)
    const events = await db.rawQuery(
      `SELECT type, actor, to_status FROM payout_events WHERE payout_id = ? ORDER BY id`,
      [id]
    )
    const types = events.rows.map((e: { type: string }) => e.type)
    assert.deepEqual(types, ['created', 'processing', 'provider_pending', 'completed'])
    assert.equal(events.rows.at(-1).actor, 'worker')
    const payout = await db.rawQuery(
      `SELECT awaiting_provider_since, provider_reference FROM payouts WHERE id = ?`,
      [id]
    )
    assert.isNull(payout.rows[0].awaiting_provider_since)
    assert.match(payout.rows[0].provider_reference, /\S/)
    assert.deepEqual(await new CheckLedger().handle(), [])
  }).timeout(30_000)

  test('once the provider accepted a payout, transient errors never fail it', async ({
    assert,
  }) => {
    // At the client boundary: pay() accepts once, then every call and the first
    // eight status checks fail transiently (twice the retry budget), then it is paid.
    const calls = { pay: 0, status: 0 }
    class AcceptedThenFlaky extends ProviderClient {
      async pay(): Promise<PayResult> {
        calls.pay += 1
        return calls.pay === 1
          ? { kind: 'pending', providerReference: 'ref-accepted' }
          : { kind: 'transient', reason: 'HTTP 503' }
      }
      async status(): Promise<StatusResult> {
        calls.status += 1
        return calls.status <= 8
          ? { kind: 'transient', reason: 'HTTP 503' }
          : { kind: 'succeeded', providerReference: 'ref-accepted' }
      }
    }
    await withProvider(new AcceptedThenFlaky({ url: 'http://x', timeoutMs: 1 }), async () => {
      const { id: accountId } = await AccountFactory.merge({ balance: 100_000n }).create()
      const [id] = await createPayouts(accountId, ['IBAN accepted'])
      worker = await startWorker()
      const settled = await waitUntilSettled([id], 20_000)

      assert.equal(settled.get(id)!.status, 'COMPLETED')
      assert.equal(calls.pay, 1)
      assert.equal(calls.status, 9)
      await assertPaidFromItsHold(assert, id, accountId)
    })
  }).timeout(30_000)

  test('out of attempts while the provider cannot be asked, a payout is not failed', async ({
    assert,
  }) => {
    // At the client boundary: every pay() call times out, and the status inquiry fails
    // for six calls (past RETRY_MAX_ATTEMPTS=4), then says the provider had paid it.
    const calls = { pay: 0, status: 0 }
    class PaidButUnreachable extends ProviderClient {
      async pay(): Promise<PayResult> {
        calls.pay += 1
        return { kind: 'transient', reason: 'timeout' }
      }
      async status(): Promise<StatusResult> {
        calls.status += 1
        return calls.status <= 6
          ? { kind: 'transient', reason: 'HTTP 503' }
          : { kind: 'succeeded', providerReference: 'ref-paid' }
      }
    }
    await withProvider(new PaidButUnreachable({ url: 'http://x', timeoutMs: 1 }), async () => {
      const { id: accountId } = await AccountFactory.merge({ balance: 100_000n }).create()
      const [id] = await createPayouts(accountId, ['IBAN unreachable'])
      worker = await startWorker()
      const settled = await waitUntilSettled([id], 20_000)

      assert.equal(settled.get(id)!.status, 'COMPLETED')
      assert.equal(calls.pay, 7)
      const retries = await db.rawQuery(
        `SELECT count(*)::int AS n FROM payout_events
          WHERE payout_id = ? AND type = 'retry_scheduled' AND details->>'provider_outcome' = 'unknown'`,
        [id]
      )
      assert.equal(retries.rows[0].n, 6)
      await assertPaidFromItsHold(assert, id, accountId)
    })
  }).timeout(30_000)

  test('the same payout.process message delivered 3 times pays once', async ({ assert }) => {
    const { id: accountId } = await AccountFactory.merge({ balance: 100_000n }).create()
    const [id] = await createPayouts(accountId, ['IBAN dup'])
    const row = await eventually(async () => {
      const result = await db.rawQuery(
        `SELECT message_id, payload FROM outbox_messages
          WHERE routing_key = 'payout.process' AND payload->>'payout_id' = ? AND published_at IS NOT NULL`,
        [id]
      )
      return result.rows[0] as { message_id: string; payload: object } | undefined
    }, 20_000)
    const broker = await app.container.make(BrokerConnection)
    for (let i = 0; i < 2; i++) {
      await broker.publish(
        TOPOLOGY.exchanges.commands,
        TOPOLOGY.routingKeys.processPayout,
        row.payload,
        {
          messageId: row.message_id,
        }
      )
    }
    worker = await startWorker()
    await waitUntilSettled([id])
    await eventually(async () => {
      const seen = await db.rawQuery(
        `SELECT count(*)::int AS n FROM inbox_messages WHERE message_id = ?`,
        [row.message_id]
      )
      return seen.rows[0].n === 1
    }, 20_000)
    // Give the two duplicates time to be delivered and skipped.
    await new Promise((resolve) => setTimeout(resolve, 500))
    const record = await providerRecord(provider, id)
    assert.equal(record.payments, 1)
    const completions = await db.rawQuery(
      `SELECT count(*)::int AS n FROM payout_events WHERE payout_id = ? AND to_status = 'COMPLETED'`,
      [id]
    )
    assert.equal(completions.rows[0].n, 1)
    const payout = await db.rawQuery('SELECT attempts FROM payouts WHERE id = ?', [id])
    assert.equal(payout.rows[0].attempts, 1)
  }).timeout(30_000)

  test('a message that cannot be parsed is dead-lettered, not retried', async ({ assert }) => {
    worker = await startWorker()
    const broker = await app.container.make(BrokerConnection)
    const messageId = `poison-${Date.now()}`
    await broker.publish(
      TOPOLOGY.exchanges.commands,
      TOPOLOGY.routingKeys.processPayout,
      Buffer.from('{not json'),
      { messageId }
    )
    const letter = await eventually(async () => {
      const result = await db.rawQuery(`SELECT * FROM dead_letters WHERE message_id = ?`, [
        messageId,
      ])
      return result.rows[0]
    }, 20_000)
    assert.equal(letter.reason, 'poison')
    assert.equal(letter.queue, TOPOLOGY.queues.process)
    assert.equal(letter.status, 'open')
    assert.deepEqual(letter.payload, { raw: '{not json' })
  }).timeout(20_000)
})
