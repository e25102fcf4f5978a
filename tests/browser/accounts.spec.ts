import { test } from '@japa/runner'
import LedgerEntry from '#models/ledger_entry'
import { UserFactory } from '#database/factories/user_factory'
import { AccountFactory } from '#database/factories/account_factory'
import { truncateMoney } from '#tests/support/dashboard'

test.group('Browser: accounts', (group) => {
  group.each.setup(() => truncateMoney())

  test('an operator finds an account and posts a deposit through the confirm dialog', async ({
    visit,
    browserContext,
    assert,
  }) => {
    const operator = await UserFactory.apply('operator').create()
    const account = await AccountFactory.merge({
      externalRef: 'Globex-Berlin',
      balance: 9_800n,
    }).create() // 98.00
    await AccountFactory.merge({ externalRef: 'initech' }).create()
    await browserContext.loginAs(operator)

    const page = await visit('/accounts')
    await page.getByLabel('Search').fill('globex')
    await page.getByRole('button', { name: 'Search' }).click()
    await page.waitForURL(/q=globex/)
    const rows = page.locator('[data-testid="accounts-table"] tbody tr')
    assert.equal(await rows.count(), 1)
    await rows.first().getByRole('link', { name: 'Globex-Berlin' }).click()
    await page.waitForURL(`**/accounts/${account.id}`)
    await page.assertTextContains('[data-testid="current-balance"]', '98.00')

    // A bad amount is refused on the form, with the reference kept.
    page.once('dialog', (dialog) => dialog.accept())
    await page.getByLabel('Amount (EUR)').fill('12.345')
    await page.getByLabel('Reference (optional)').fill('wire 9')
    await page.getByRole('button', { name: 'Post deposit' }).click()
    await page.assertTextContains('#amount-error', 'more decimals')
    await page.assertInputValue('#deposit-reference', 'wire 9')

    let question = ''
    page.once('dialog', (dialog) => {
      question = dialog.message()
      return dialog.accept()
    })
    await page.getByLabel('Amount (EUR)').fill('120.00')
    await page.getByRole('button', { name: 'Post deposit' }).click()
    await page.assertTextContains('.flash-success', 'Deposit of 120.00 EUR posted')
    assert.include(question, '120.00 EUR')
    assert.include(question, 'Globex-Berlin')
    await page.assertTextContains('[data-testid="current-balance"]', '215.60')

    const row = page.locator('[data-testid="transactions-table"] tbody tr').first()
    assert.include(await row.innerText(), 'wire 9')
    assert.include(await row.innerText(), '+117.60')
    assert.include(await row.innerText(), operator.email)
    const entry = await LedgerEntry.query().where('reference', 'wire 9').firstOrFail()
    assert.equal(entry.actor, `user:${operator.id}`)
  })

  test('the picker shows the balance at a past instant (UTC)', async ({
    visit,
    browserContext,
    assert,
  }) => {
    const viewer = await UserFactory.apply('viewer').create()
    const account = await AccountFactory.merge({ balance: 9_800n }).create()
    await LedgerEntry.query()
      .where('account_id', account.id)
      .update({ created_at: '2026-02-01T08:00:00Z' })
    await browserContext.loginAs(viewer)

    const page = await visit(`/accounts/${account.id}`)
    await page.assertNotExists('[data-testid="deposit-form"]')
    await page.getByLabel('Balance at an instant').fill('2026-02-01T07:59:59')
    await page.getByRole('button', { name: 'Show balance' }).click()
    await page.assertTextContains('[data-testid="balance-at"]', '0.00 EUR')

    await page.getByLabel('Balance at an instant').fill('2026-02-01T08:00:00')
    await page.getByRole('button', { name: 'Show balance' }).click()
    await page.assertTextContains('[data-testid="balance-at"]', '98.00 EUR')
    await page.assertTextContains('[data-testid="balance-at"]', '2026-02-01 08:00:00')
    assert.include(page.url(), 'at=2026-02-01T08%3A00')
  })
})
