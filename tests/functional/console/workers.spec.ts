import { test } from '@japa/runner'
import ace from '@adonisjs/core/services/ace'
import db from '@adonisjs/lucid/services/db'
import Account from '#models/account'
import PayoutsPause from '#commands/payouts_pause'
import PayoutsResume from '#commands/payouts_resume'
import { CheckLedger } from '#queries/ledger/check_ledger'
import type { PayoutWorker } from '#consumers/payout_worker'
import type { MockProviderServer } from '#dev/mock_provider/mock_provider_server'
import { UserFactory } from '#database/factories/user_factory'
import { AccountFactory } from '#database/factories/account_factory'
import { truncatePayoutTables } from '#tests/helpers'
import { eventually } from '#tests/support/eventually'
import {
  createPayoutsFrom,
  payoutStatuses,
  startConfiguredMockProvider,
  startWorker,
  stopWorkerAndProvider,
  waitUntilSettled,
} from '#tests/support/processing'

const CONSOLE_TABLES = ['audit_log', 'consumer_pauses', 'worker_heartbeats']

async function createPayouts(accountId: string, count: number) {
  const account = await Account.findOrFail(accountId)
  return createPayoutsFrom(
    account,
    Array.from({ length: count }, (_, n) => `IBAN ${n}`)
  )
}

const heartbeat = async () => (await db.from('worker_heartbeats').first()) ?? null

test.group('Console: workers, pause and resume', (group) => {
  let provider: MockProviderServer
  let worker: PayoutWorker | undefined

  group.each.setup(async () => {
    await truncatePayoutTables('provider_events', ...CONSOLE_TABLES)
    provider = await startConfiguredMockProvider()
    ace.ui.switchMode('raw')
    return async () => {
      ace.ui.switchMode('normal')
      await stopWorkerAndProvider(provider, worker)
      worker = undefined
    }
  })

  test('viewers see workers but no pause button, and pausing is 403', async ({
    client,
    assert,
  }) => {
    worker = await startWorker()
    const viewer = await UserFactory.apply('viewer').create()
    const beat = await eventually(heartbeat, 5000, 'a heartbeat')
    const page = await client.get('/workers').loginAs(viewer)
    page.assertStatus(200)
    assert.include(page.text(), `data-name="${beat.name}"`)
    assert.notInclude(page.text(), 'data-testid="pause"')
    const refused = await client
      .post('/workers/pause')
      .form({ queue: 'payouts.process' })
      .withCsrfToken()
      .loginAs(viewer)
      .redirects(0)
    refused.assertStatus(403)
    assert.isNull(await db.from('consumer_pauses').first())
  })

  test('paused from the page: nothing processed, also after a restart; resumed: all paid once', async ({
    client,
    assert,
  }) => {
    const operator = await UserFactory.apply('operator').create()
    const { id: accountId } = await AccountFactory.merge({ balance: 1_000_000n }).create()
    worker = await startWorker()
    assert.include(worker.consumingQueues(), 'payouts.process')

    const paused = await client
      .post('/workers/pause')
      .form({ queue: 'payouts.process' })
      .withCsrfToken()
      .loginAs(operator)
      .redirects(0)
    paused.assertStatus(302)
    await eventually(() => !worker!.consumingQueues().includes('payouts.process'), 5000, 'pause')
    const ids = await createPayouts(accountId, 5)

    // A restart while paused stays paused: the state is in the database.
    await worker.stop()
    worker = await startWorker()
    assert.notInclude(worker.consumingQueues(), 'payouts.process')
    await new Promise((resolve) => setTimeout(resolve, 1500))
    const waiting = await payoutStatuses(ids)
    assert.deepEqual(
      [...waiting.values()].map((row) => row.status),
      ['NEW', 'NEW', 'NEW', 'NEW', 'NEW']
    )
    const page = await client.get('/workers').loginAs(operator)
    assert.include(page.text(), 'data-paused="true"')
    assert.include(page.text(), 'data-testid="resume"')

    const resumed = await client
      .post('/workers/resume')
      .form({ queue: 'payouts.process' })
      .withCsrfToken()
      .loginAs(operator)
      .redirects(0)
    resumed.assertStatus(302)
    const settled = await waitUntilSettled(ids, 20_000)
    assert.deepEqual(
      [...settled.values()].map((row) => [row.status, row.attempts]),
      ids.map(() => ['COMPLETED', 1])
    )
    const holds = await db.rawQuery(
      `SELECT count(*)::int AS n FROM transactions WHERE type = 'payout_hold'`
    )
    assert.equal(holds.rows[0].n, 5)
    assert.deepEqual(await new CheckLedger().handle(), [])
    const audit = await db.from('audit_log').where('target_type', 'queue').orderBy('id')
    assert.deepEqual(
      audit.map((row) => [row.action, row.actor_email]),
      [
        ['queue.pause', operator.email],
        ['queue.resume', operator.email],
      ]
    )
  }).timeout(60_000)

  test('payouts:pause and payouts:resume in ace; a heartbeat lists the queues consumed', async ({
    assert,
  }) => {
    worker = await startWorker()
    const pause = await ace.create(PayoutsPause, [])
    await pause.exec()
    pause.assertSucceeded()
    await eventually(() => !worker!.consumingQueues().includes('payouts.process'), 5000, 'pause')
    await worker.stop()
    worker = await startWorker()
    const beat = await eventually(heartbeat, 5000, 'a heartbeat')
    assert.notInclude(beat.consuming, 'payouts.process')
    assert.include(beat.consuming, 'payouts.dead')

    const resume = await ace.create(PayoutsResume, [])
    await resume.exec()
    resume.assertSucceeded()
    await eventually(() => worker!.consumingQueues().includes('payouts.process'), 5000, 'resume')
    const audit = await db.from('audit_log').where('via', 'cli').orderBy('id')
    assert.deepEqual(
      audit.map((row) => row.action),
      ['queue.pause', 'queue.resume']
    )
  }).timeout(30_000)
})
