import { test } from '@japa/runner'
import ace from '@adonisjs/core/services/ace'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import type { Channel } from 'amqplib'
import Account from '#models/account'
import PayoutsReconcile from '#commands/payouts_reconcile'
import { NextStep } from '#actions/payouts/next_step'
import { PayoutTransitions } from '#actions/payouts/payout_transitions'
import { ReconcilePayouts, type ReconcileResult } from '#actions/payouts/reconcile_payouts'
import { ProcessPayout } from '#actions/payouts/process_payout'
import type { PayoutWorker } from '#consumers/payout_worker'
import type { MetricsSnapshot } from '#actions/monitoring/collect_metrics'
import { direct } from '#infrastructure/database/direct'
import { readSweepBacklog } from '#infrastructure/payouts/sweep_sql'
import { ProviderClient } from '#infrastructure/provider/provider_client'
import { BrokerConnection } from '#infrastructure/rabbitmq/broker_connection'
import { TOPOLOGY } from '#infrastructure/rabbitmq/topology'
import { CheckLedger } from '#queries/ledger/check_ledger'
import { listSweepablePayouts } from '#queries/payouts/sweepable_payouts'
import type { MockProviderServer } from '#dev/mock_provider/mock_provider_server'
import { AccountFactory } from '#database/factories/account_factory'
import { UserFactory } from '#database/factories/user_factory'
import { truncatePayoutTables } from '#tests/helpers'
import { takeMessage } from '#tests/support/broker'
import { eventually } from '#tests/support/eventually'
import { inquiry } from '#tests/support/provider'
import {
  createPayoutsFrom,
  payoutStatuses,
  startConfiguredMockProvider,
  startWorker,
  stopWorkerAndProvider,
  waitUntilSettled,
} from '#tests/support/processing'

/* NEW payouts of 10.00 (10.20 held); their own payout.process commands are purged. */
async function newPayouts(channel: Channel, recipients: string[]) {
  const { id } = await AccountFactory.merge({ balance: 1_000_000n }).create()
  const account = await Account.findOrFail(id)
  const ids = await createPayoutsFrom(account, recipients)
  await eventually(async () => {
    const unpublished = await db.rawQuery(
      `SELECT count(*)::int AS n FROM outbox_messages WHERE published_at IS NULL`
    )
    return unpublished.rows[0].n === 0
  })
  await channel.purgeQueue(TOPOLOGY.queues.process)
  return { account, ids }
}

/* The worker's first attempt, as if it had started and then been lost track of. */
async function startAttempt(payoutId: string) {
  const transitions = await app.container.make(PayoutTransitions)
  await direct.transaction((trx) =>
    transitions.move(trx, payoutId, 'NEW', 'PROCESSING', {
      actor: 'worker',
      countAttempt: true,
      attemptMessageId: `first-${payoutId}`,
    })
  )
}

/* A retry parked for a minute in a delay queue, whose due time then lies `agoMs` in the past. */
async function parkRetry(payoutId: string, agoMs: number) {
  const nextStep = await app.container.make(NextStep)
  const messageId = await direct.transaction((trx) =>
    nextStep.later(trx, payoutId, 60_000, { attempt: 2 })
  )
  await db.rawQuery(
    `UPDATE payouts SET next_attempt_at = now() - (?::int * interval '1 millisecond') WHERE id = ?`,
    [agoMs, payoutId]
  )
  return messageId!
}

async function idle(payoutIds: string[], forMs: number) {
  await db.rawQuery(
    `UPDATE payouts SET updated_at = now() - (?::int * interval '1 millisecond')
      WHERE id = ANY(?::uuid[])`,
    [forMs, `{${payoutIds.join(',')}}`]
  )
}

async function sweeperEvents(payoutId: string) {
  const result = await db.rawQuery(
    `SELECT type, to_status, details FROM payout_events
      WHERE payout_id = ? AND actor = 'sweeper' ORDER BY id`,
    [payoutId]
  )
  return result.rows as { type: string; to_status: string | null; details: any }[]
}

function byPayout(results: ReconcileResult[]) {
  return new Map(results.map((result) => [result.payoutId, result]))
}

test.group('Sweeper: overdue retries and stuck payouts', (group) => {
  let provider: MockProviderServer
  let worker: PayoutWorker | undefined
  let channel: Channel

  group.each.setup(async () => {
    await truncatePayoutTables('provider_events')
    provider = await startConfiguredMockProvider()
    channel = await (await app.container.make(BrokerConnection)).openChannel('sweeper test')
    for (const queue of [TOPOLOGY.queues.process, ...TOPOLOGY.retryQueues]) {
      await channel.purgeQueue(queue)
    }
    return async () => {
      await stopWorkerAndProvider(provider, worker)
      worker = undefined
      for (const queue of [TOPOLOGY.queues.process, ...TOPOLOGY.retryQueues]) {
        await channel.purgeQueue(queue)
      }
      await channel.close()
    }
  })

  test('the worker records the retry it schedules and the message it waits for; only that one moves the payout', async ({
    assert,
  }) => {
    const { ids } = await newPayouts(channel, ['IBAN scheduled'])
    const [id] = ids
    const fake = {
      pay: async () => ({ kind: 'transient', reason: 'HTTP 503' }),
      status: async () => ({ kind: 'not_found' }),
    } as unknown as ProviderClient
    app.container.swap(ProviderClient, () => fake)
    try {
      const process = await app.container.make(ProcessPayout)
      const handle = (messageId: string) =>
        process.handle({ messageId, payoutId: id, payload: { payout_id: id } })
      const scheduled = async () =>
        (
          await db.rawQuery(
            `SELECT next_attempt_at, next_attempt, next_message_id, attempts FROM payouts WHERE id = ?`,
            [id]
          )
        ).rows[0]

      const before = Date.now()
      assert.equal(await handle('first'), 'retry_scheduled')
      const retry = await scheduled()
      assert.equal(retry.attempts, 1)
      assert.equal(retry.next_attempt, 2)
      assert.isAtLeast(retry.next_attempt_at.getTime(), before)
      const staged = await db.rawQuery(
        `SELECT routing_key, expiration_ms FROM outbox_messages WHERE message_id = ?`,
        [retry.next_message_id]
      )
      assert.match(staged.rows[0].routing_key, /^payouts\.process\.retry\.q\d$/)

      // Another payout.process (a stale copy) does not take the scheduled step.
      assert.equal(await handle('stale'), 'skipped')
      assert.equal((await scheduled()).attempts, 1)

      assert.equal(await handle(retry.next_message_id), 'retry_scheduled')
      const second = await scheduled()
      assert.equal(second.attempts, 2)
      assert.equal(second.next_attempt, 3)
      assert.notEqual(second.next_message_id, retry.next_message_id)
    } finally {
      app.container.restore(ProviderClient)
    }
    // A move ends the schedule: canceled-or-settled payouts wait for nothing.
    const transitions = await app.container.make(PayoutTransitions)
    await direct.transaction((trx) =>
      transitions.move(trx, id, 'PROCESSING', 'FAILED', { actor: 'test' })
    )
    const row = (
      await db.rawQuery(`SELECT next_attempt_at, next_message_id FROM payouts WHERE id = ?`, [id])
    ).rows[0]
    assert.deepEqual(row, { next_attempt_at: null, next_message_id: null })
  })

  test('a retry whose message never came back is re-dispatched; the lost copy changes nothing later', async ({
    assert,
  }) => {
    const { account, ids } = await newPayouts(channel, ['IBAN lost-retry'])
    const [id] = ids
    await startAttempt(id)
    const lost = await parkRetry(id, 10_000)

    const backlog = await readSweepBacklog(direct)
    assert.equal(backlog.overdue, 1)
    assert.isAbove(backlog.overdueOldestSeconds, 9)
    assert.deepEqual(
      (await listSweepablePayouts()).map((row) => [row.id, row.reason]),
      [[id, 'retry_overdue']]
    )

    const reconcile = await app.container.make(ReconcilePayouts)
    const results = await reconcile.handle()
    assert.deepInclude(results, { payoutId: id, action: 'redispatched', reason: 'retry_overdue' })
    const [event] = await sweeperEvents(id)
    assert.equal(event.type, 'sweeper_redispatched')
    assert.equal(event.details.replaced_message_id, lost)
    assert.equal(event.details.attempt, 2)
    assert.equal((await readSweepBacklog(direct)).overdue, 0)

    worker = await startWorker()
    const settled = await waitUntilSettled(ids, 20_000)
    assert.equal(settled.get(id)!.status, 'COMPLETED')
    assert.equal(settled.get(id)!.attempts, 2)
    const cleared = await db.rawQuery(`SELECT next_attempt_at FROM payouts WHERE id = ?`, [id])
    assert.isNull(cleared.rows[0].next_attempt_at, 'the attempt that ran cleared its schedule')

    // The lost retry turns up after all: the inbox knows it, so it is acknowledged and ignored.
    const broker = await app.container.make(BrokerConnection)
    await broker.publish('', TOPOLOGY.queues.process, { payout_id: id }, { messageId: lost })
    await eventually(async () => {
      const depth = await channel.checkQueue(TOPOLOGY.queues.process)
      return depth.messageCount === 0
    })
    await new Promise((resolve) => setTimeout(resolve, 300))
    const after = (await payoutStatuses(ids)).get(id)!
    assert.equal(after.status, 'COMPLETED')
    assert.equal(after.attempts, 2)
    assert.equal((await inquiry(provider, id)).body.payments, 1)
    await account.refresh()
    assert.equal(account.balance, 1_000_000n - 1020n)
    assert.deepEqual(await new CheckLedger().handle(), [])
  }).timeout(40_000)

  test('a PROCESSING payout with nothing scheduled: the provider is asked, then it settles', async ({
    assert,
  }) => {
    const { account, ids } = await newPayouts(channel, [
      'IBAN paid',
      'decline-closed',
      'IBAN never-sent',
      'IBAN recent',
    ])
    const [paid, declined, neverSent, recent] = ids
    const client = new ProviderClient({ url: provider.url, timeoutMs: 2000 })
    const pay = (payoutId: string, recipientDetails: string) =>
      client.pay({ payoutId, amount: '10.00', currency: 'EUR', recipientDetails })
    assert.equal((await pay(paid, 'IBAN paid')).kind, 'succeeded')
    assert.equal((await pay(declined, 'decline-closed')).kind, 'declined')
    for (const id of ids) await startAttempt(id)
    await idle([paid, declined, neverSent], 60_000)

    const reconcile = await app.container.make(ReconcilePayouts)
    const results = byPayout(await reconcile.handle())
    assert.equal(results.get(paid)?.action, 'completed')
    assert.equal(results.get(declined)?.action, 'failed')
    assert.equal(results.get(neverSent)?.action, 'redispatched')
    assert.equal(results.get(neverSent)?.providerStatus, 'not_found')
    assert.isUndefined(results.get(recent), 'a payout that moved recently is left alone')

    const statuses = await payoutStatuses(ids)
    assert.equal(statuses.get(paid)!.status, 'COMPLETED')
    assert.equal(statuses.get(declined)!.status, 'FAILED')
    assert.equal(statuses.get(neverSent)!.status, 'PROCESSING')
    assert.deepEqual(
      (await sweeperEvents(paid)).map((event) => event.to_status),
      ['COMPLETED']
    )
    assert.deepEqual(
      (await sweeperEvents(declined)).map((event) => event.to_status),
      ['FAILED']
    )
    const [redispatch] = await sweeperEvents(neverSent)
    assert.equal(redispatch.type, 'sweeper_redispatched')
    assert.equal(redispatch.details.reason, 'stuck')
    const message = await takeMessage(
      channel,
      TOPOLOGY.queues.process,
      redispatch.details.message_id
    )
    assert.exists(message, 'the re-dispatch is in payouts.process')

    // Paid and never-sent keep their holds; the declined one was released.
    await account.refresh()
    assert.equal(account.balance, 1_000_000n - 3n * 1020n)
    assert.deepEqual(await new CheckLedger().handle(), [])
  }).timeout(30_000)

  test('a NEW payout whose command was lost is re-dispatched, but not while the work queue has a backlog', async ({
    assert,
  }) => {
    const { ids } = await newPayouts(channel, ['IBAN lost-command'])
    const [id] = ids
    await idle(ids, 60_000)
    const broker = await app.container.make(BrokerConnection)
    await broker.publish('', TOPOLOGY.queues.process, { payout_id: 'backlog' }, {})

    const reconcile = await app.container.make(ReconcilePayouts)
    assert.isUndefined(byPayout(await reconcile.handle()).get(id), 'queued behind a backlog')
    await channel.purgeQueue(TOPOLOGY.queues.process)
    assert.deepInclude(await reconcile.handle(), {
      payoutId: id,
      action: 'redispatched',
      reason: 'never_started',
    })

    worker = await startWorker()
    const settled = await waitUntilSettled(ids, 20_000)
    assert.equal(settled.get(id)!.status, 'COMPLETED')
    assert.equal(settled.get(id)!.attempts, 1)
  }).timeout(30_000)

  test('overdue retries, stuck payouts and sweeper actions show on /metrics, the metrics page and the overview', async ({
    assert,
    client,
  }) => {
    const { ids } = await newPayouts(channel, ['IBAN overdue', 'IBAN stuck'])
    const [overdue, stuck] = ids
    for (const id of ids) await startAttempt(id)
    await parkRetry(overdue, 30_000)
    await idle([stuck], 90_000)

    const prometheus = await (await client.get('/metrics')).text()
    assert.match(prometheus, /^payouts_retries_overdue 1$/m)
    assert.match(prometheus, /^payouts_stuck 1$/m)
    const oldest = /^payouts_stuck_oldest_seconds (\S+)$/m.exec(prometheus)
    assert.isAbove(Number(oldest?.[1]), 89)

    const viewer = await UserFactory.apply('viewer').create()
    const before = (await client.get('/monitoring/data').loginAs(viewer)).body() as MetricsSnapshot
    assert.include(before.sweeper, { overdue: 1, stuck: 1, redispatched: 0 })
    assert.isAbove(before.sweeper.overdue_oldest_seconds!, 29)

    await (await app.container.make(ReconcilePayouts)).handle()
    const after = (await client.get('/monitoring/data').loginAs(viewer)).body() as MetricsSnapshot
    assert.include(after.sweeper, { overdue: 0, stuck: 0, redispatched: 2 })

    for (const path of ['/monitoring', '/']) {
      const page = await client.get(path).loginAs(viewer)
      page.assertStatus(200)
      const html = page.text()
      assert.include(html, 'data-testid="stat-overdue-retries"', path)
      assert.match(
        html,
        /data-metric="sweeper.redispatched" data-format="count">2</,
        `${path} shows the re-dispatches`
      )
    }
  }).timeout(30_000)

  test('an outbox row the relay left behind longer than the NEW threshold is published by the sweep', async ({
    assert,
  }) => {
    const { ids } = await newPayouts(channel, ['IBAN left-in-outbox'])
    const [id] = ids
    const left = await db.rawQuery(
      `INSERT INTO outbox_messages (message_id, exchange, routing_key, payload, created_at)
       VALUES (gen_random_uuid()::text, ?, ?, ?::jsonb, now() - interval '1 minute')
       RETURNING message_id`,
      [
        TOPOLOGY.exchanges.commands,
        TOPOLOGY.routingKeys.processPayout,
        JSON.stringify({ payout_id: id }),
      ]
    )
    const messageId = left.rows[0].message_id as string

    await (await app.container.make(ReconcilePayouts)).handle()
    const row = await db.rawQuery(`SELECT published_at FROM outbox_messages WHERE message_id = ?`, [
      messageId,
    ])
    assert.isNotNull(row.rows[0].published_at)
    assert.exists(await takeMessage(channel, TOPOLOGY.queues.process, messageId))
  })

  test('two sweepers at once take each overdue payout exactly once', async ({ assert }) => {
    const { ids } = await newPayouts(
      channel,
      Array.from({ length: 12 }, (_, i) => `IBAN race-${i}`)
    )
    for (const id of ids) {
      await startAttempt(id)
      await parkRetry(id, 5000)
    }
    const [first, second] = await Promise.all([
      app.container.make(ReconcilePayouts),
      app.container.make(ReconcilePayouts),
    ])
    const results = (await Promise.all([first.handle({ limit: 8 }), second.handle({ limit: 8 })]))
      .flat()
      .filter((result) => result.action === 'redispatched')
    assert.sameMembers(
      results.map((result) => result.payoutId),
      ids
    )
    const events = await db.rawQuery(
      `SELECT payout_id, count(*)::int AS n FROM payout_events
        WHERE actor = 'sweeper' GROUP BY payout_id`
    )
    assert.lengthOf(events.rows, ids.length)
    for (const row of events.rows) assert.equal(row.n, 1)
  }).timeout(30_000)

  test('payouts:reconcile <id> reconciles one payout now; a final one is left alone', async ({
    assert,
  }) => {
    ace.ui.switchMode('raw')
    try {
      const { ids } = await newPayouts(channel, ['IBAN by-hand'])
      const [id] = ids
      const command = await ace.create(PayoutsReconcile, [id])
      await command.exec()
      command.assertSucceeded()
      command.assertLog(`[ blue(info) ] ${id} requested → redispatched`)
      assert.lengthOf(await sweeperEvents(id), 1)

      worker = await startWorker()
      await waitUntilSettled(ids, 20_000)
      const reconcile = await app.container.make(ReconcilePayouts)
      assert.deepInclude(await reconcile.one(id), { action: 'nothing', note: 'already COMPLETED' })
    } finally {
      ace.ui.switchMode('normal')
    }
  }).timeout(30_000)
})
