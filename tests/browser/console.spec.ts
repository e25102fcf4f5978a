import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import { CancelPayout } from '#actions/payouts/cancel_payout'
import { PostDeposit } from '#actions/accounts/post_deposit'
import { direct } from '#infrastructure/database/direct'
import { accountBalanceAt } from '#infrastructure/ledger/ledger'
import { formatAmount } from '#domain/money'
import { CheckLedger } from '#queries/ledger/check_ledger'
import type { PayoutWorker } from '#consumers/payout_worker'
import type { MockProviderServer } from '#dev/mock_provider/mock_provider_server'
import { UserFactory } from '#database/factories/user_factory'
import { AccountFactory } from '#database/factories/account_factory'
import { PayoutFactory } from '#database/factories/payout_factory'
import { truncatePayoutTables } from '#tests/helpers'
import payoutsConfig from '#config/payouts'
import {
  contradictedPayout,
  createPayout,
  payoutRow,
  stuckPayout,
  waitingForAttempt,
} from '#tests/support/console'
import {
  createPayoutsFrom,
  payoutStatuses,
  startConfiguredMockProvider,
  startWorker,
  stopWorkerAndProvider,
  waitUntilSettled,
} from '#tests/support/processing'

const CONSOLE_TABLES = [
  'audit_log',
  'contradiction_reviews',
  'consumer_pauses',
  'worker_heartbeats',
]

test.group('Browser: operator console', (group) => {
  group.each.setup(async () => {
    await truncatePayoutTables('provider_events', ...CONSOLE_TABLES)
  })

  test('a status change shows on the open list without reload; the cancel is audited by name', async ({
    visit,
    browserContext,
    assert,
  }) => {
    const operator = await UserFactory.apply('operator').create()
    const account = await AccountFactory.apply('funded').create()
    const [watched, canceled, opened] = await PayoutFactory.merge({
      accountId: account.id,
    }).createMany(3)
    await browserContext.loginAs(operator)

    const list = await visit('/payouts')
    await list.waitForSelector('html[data-live="connected"]', { state: 'attached' })
    let reloads = 0
    list.on('framenavigated', (frame) => {
      if (frame === list.mainFrame()) reloads++
    })
    const cancel = await app.container.make(CancelPayout)
    await direct.transaction((trx) => cancel.handle(trx, { payoutId: watched.id, actor: 'test' }))
    await list.waitForSelector(`tr[data-id="${watched.id}"][data-status="CANCELED"]`, {
      timeout: 10_000,
    })
    assert.equal(reloads, 0)

    // An open payout page follows its payout too: status and timeline.
    const detail = await visit(`/payouts/${opened.id}`)
    await detail.waitForSelector('html[data-live="connected"]', { state: 'attached' })
    await direct.transaction((trx) => cancel.handle(trx, { payoutId: opened.id, actor: 'test' }))
    await detail.waitForSelector('[data-testid="timeline"] [data-type="canceled"]', {
      timeout: 10_000,
    })
    await detail.assertTextContains('[data-testid="payout-status"]', 'CANCELED')

    // The operator cancels the other one from its page; the audit log names them.
    const page = await visit(`/payouts/${canceled.id}`)
    page.once('dialog', (dialog) => dialog.accept())
    await page.getByRole('button', { name: 'Cancel payout' }).click()
    await page.assertTextContains('.flash-success', 'Payout canceled')
    await page.getByTestId('audit-link').click()
    await page.waitForURL(/\/audit\?/)
    const row = page.locator('[data-testid="audit-table"] tr[data-action="payout.cancel"]')
    assert.equal(await row.count(), 1)
    await page.assertTextContains(
      '[data-testid="audit-table"] tr[data-action="payout.cancel"]',
      operator.email
    )
  }).timeout(60_000)

  test('"/" and a provider reference go straight to the payout', async ({
    visit,
    browserContext,
  }) => {
    const viewer = await UserFactory.apply('viewer').create()
    const account = await AccountFactory.apply('funded').create()
    const payout = await PayoutFactory.merge({ accountId: account.id }).create()
    await db.from('payouts').where('id', payout.id).update({ provider_reference: 'prv_browser_42' })
    await browserContext.loginAs(viewer)

    const page = await visit('/')
    await page.keyboard.press('/')
    await page.keyboard.type('prv_browser_42')
    await page.keyboard.press('Enter')
    await page.waitForURL(`**/payouts/${payout.id}`)
    await page.assertTextContains('[data-testid="payout-status"]', 'NEW')
  })

  test('a statement whose closing balance is balance-at of its end', async ({
    visit,
    browserContext,
    assert,
  }) => {
    const viewer = await UserFactory.apply('viewer').create()
    const account = await AccountFactory.apply('funded').create()
    const deposit = await app.container.make(PostDeposit)
    for (const amount of [12_345n, 7n]) {
      await direct.transaction((trx) =>
        deposit.handle(trx, {
          account: { id: account.id, currency: 'EUR' },
          amount,
          reference: null,
          actor: 'test',
        })
      )
    }
    await createPayoutsFrom(account, ['IBAN statement'])
    const to = new Date(Math.ceil(Date.now() / 1000) * 1000 + 1000)
    await new Promise((resolve) => setTimeout(resolve, to.getTime() - Date.now() + 50))
    await browserContext.loginAs(viewer)

    const page = await visit(`/accounts/${account.id}`)
    await page.getByTestId('statement-link').click()
    await page.waitForURL(/\/statement/)
    await page.getByLabel('From').fill('2020-01-01T00:00:00')
    await page.getByLabel('To').fill(to.toISOString().slice(0, 19))
    await page.getByRole('button', { name: 'Show statement' }).click()
    await page.waitForURL(/to=/)
    const balanceAt = await accountBalanceAt(direct, account.id, to)
    await page.assertText(
      '[data-testid="closing-balance"]',
      formatAmount(balanceAt!.balance, 'EUR')
    )
    await page.assertText('[data-testid="opening-balance"]', '0.00')
    assert.equal(await page.locator('[data-testid="statement-entries"] tbody tr').count(), 4)
  })

  test('an operator marks a contradiction reconciled with a note', async ({
    visit,
    browserContext,
    assert,
  }) => {
    const operator = await UserFactory.apply('operator').create()
    const { payout } = await contradictedPayout()
    await browserContext.loginAs(operator)

    const page = await visit('/')
    await page.assertText('[data-live-count="contradictions"]', '1')
    await page.getByTestId('stat-contradictions').click()
    await page.waitForURL('**/reconciliation')
    const row = page.locator(`tr[data-payout-id="${payout.id}"]`)
    await row.getByLabel('Reconciliation note').fill('Refund agreed with the provider')
    await row.getByRole('button', { name: 'Mark reconciled' }).click()
    await page.assertTextContains('.flash-success', 'reconciled')
    await page.assertText('[data-testid="open-count"]', '0')
    const timeline = await db
      .from('payout_events')
      .where({ payout_id: payout.id, type: 'contradiction_reconciled' })
    assert.lengthOf(timeline, 1)
  })
})

test.group('Browser: workers page', (group) => {
  let provider: MockProviderServer
  let worker: PayoutWorker | undefined

  group.each.setup(async () => {
    await truncatePayoutTables('provider_events', ...CONSOLE_TABLES)
    provider = await startConfiguredMockProvider()
    return async () => {
      await stopWorkerAndProvider(provider, worker)
      worker = undefined
    }
  })

  test('pausing and resuming while payouts flow loses and doubles none', async ({
    visit,
    browserContext,
    assert,
  }) => {
    const operator = await UserFactory.apply('operator').create()
    const account = await AccountFactory.merge({ balance: 1_000_000n }).create()
    worker = await startWorker()
    await browserContext.loginAs(operator)
    const page = await visit('/workers')
    await page.assertText('[data-testid="queue-state"]', 'consuming')

    const flowing = createPayoutsFrom(
      account,
      Array.from({ length: 15 }, (_, n) => `IBAN flow ${n}`)
    )
    page.once('dialog', (dialog) => dialog.accept())
    await page.getByTestId('pause').click()
    await page.assertText('[data-testid="queue-state"]', 'paused')
    const first = await flowing
    const held = await createPayoutsFrom(
      account,
      Array.from({ length: 5 }, (_, n) => `IBAN held ${n}`)
    )
    await new Promise((resolve) => setTimeout(resolve, 1500))
    const waiting = await payoutStatuses(held)
    assert.deepEqual(
      [...waiting.values()].map((row) => row.status),
      held.map(() => 'NEW')
    )

    await page.getByTestId('resume').click()
    await page.assertText('[data-testid="queue-state"]', 'consuming')
    const ids = [...first, ...held]
    const settled = await waitUntilSettled(ids, 30_000)
    assert.deepEqual(
      [...settled.values()].map((row) => row.status),
      ids.map(() => 'COMPLETED')
    )
    for (const id of ids) {
      const record = await fetch(`http://127.0.0.1:${provider.port}/payouts/${id}`)
      assert.equal(((await record.json()) as { payments: number }).payments, 1, id)
    }
    const holds = await db.rawQuery(
      `SELECT count(*)::int AS n FROM transactions WHERE type = 'payout_hold'`
    )
    assert.equal(holds.rows[0].n, ids.length)
    assert.deepEqual(await new CheckLedger().handle(), [])
  }).timeout(90_000)

  test('retry now of a flaky payout: two clicks instead of minutes of delays', async ({
    visit,
    browserContext,
    assert,
  }) => {
    const retry = { ...payoutsConfig.retry }
    Object.assign(payoutsConfig.retry, { baseMs: 60_000, maxMs: 120_000, jitterMs: 0 })
    try {
      const operator = await UserFactory.apply('operator').create()
      worker = await startWorker()
      const payout = await createPayout('flaky-browser')
      await browserContext.loginAs(operator)
      for (const attempt of [2, 3]) {
        await waitingForAttempt(payout.id, attempt)
        const page = await visit('/retries')
        const row = page.locator(`tr[data-id="${payout.id}"]`)
        await page.assertTextContains(
          `tr[data-id="${payout.id}"] [data-testid="attempt"]`,
          `${attempt} of`
        )
        await row.getByTestId('retry-now').click()
        await page.assertTextContains('.flash-success', 'sent to the workers now')
      }
      await waitUntilSettled([payout.id], 10_000)
      const settled = await payoutRow(payout.id)
      assert.equal(settled.status, 'COMPLETED')
      assert.equal(settled.attempts, 3)
    } finally {
      Object.assign(payoutsConfig.retry, retry)
    }
  }).timeout(60_000)

  test('a stuck payout settled from the stuck page', async ({ visit, browserContext, assert }) => {
    const operator = await UserFactory.apply('operator').create()
    const payout = await stuckPayout(provider)
    await browserContext.loginAs(operator)
    const page = await visit('/stuck')
    const row = page.locator(`tr[data-id="${payout.id}"]`)
    await page.assertText(`tr[data-id="${payout.id}"] td:nth-child(3)`, 'Stuck in processing')
    await row.getByTestId('reconcile-now').click()
    await page.assertTextContains('.flash-success', 'completed')
    assert.equal((await payoutRow(payout.id)).status, 'COMPLETED')
  })
})
