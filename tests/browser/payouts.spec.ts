import { test } from '@japa/runner'
import Payout from '#models/payout'
import { UserFactory } from '#database/factories/user_factory'
import { AccountFactory } from '#database/factories/account_factory'
import { PayoutFactory } from '#database/factories/payout_factory'
import { insertPayouts, truncateMoney } from '#tests/support/dashboard'

test.group('Browser: payouts', (group) => {
  group.each.setup(() => truncateMoney())

  test('an operator filters and searches the list, opens a payout and cancels it', async ({
    visit,
    browserContext,
    assert,
  }) => {
    const operator = await UserFactory.apply('operator').create()
    const account = await AccountFactory.merge({
      externalRef: 'browser-acct',
      balance: 98_000n,
    }).create()
    const other = await AccountFactory.merge({ balance: 98_000n }).create()
    await insertPayouts(other, 40)
    const target = await PayoutFactory.merge({
      accountId: account.id,
      amount: 4_200n,
      recipientDetails: 'IBAN NL91 Zoe Visser',
      comment: 'refund 77',
    }).create()
    await PayoutFactory.merge({
      accountId: account.id,
      recipientDetails: 'IBAN NL91 Zoe Jansen',
    }).create()
    await browserContext.loginAs(operator)

    const page = await visit('/payouts')
    assert.equal(await page.locator('[data-testid="payouts-table"] tbody tr').count(), 25)
    await page.assertTextContains('.tab[data-status="ALL"] .tab-count', '42')

    // Filter by account: only its two payouts remain, and the counts follow.
    await page.getByLabel('Account id').fill(account.id)
    await page.getByRole('button', { name: 'Apply' }).click()
    await page.waitForURL(/account_id=/)
    assert.equal(await page.locator('[data-testid="payouts-table"] tbody tr').count(), 2)
    await page.assertTextContains('.tab[data-status="ALL"] .tab-count', '2')

    // Search within it, case-insensitively, on the recipient.
    await page.getByLabel('Search').fill('zoe VISSER')
    await page.getByRole('button', { name: 'Apply' }).click()
    await page.waitForURL(/q=zoe/)
    const rows = page.locator('[data-testid="payouts-table"] tbody tr')
    assert.equal(await rows.count(), 1)
    assert.equal(await rows.first().getAttribute('data-id'), target.id)

    // The NEW tab keeps the filter and the search.
    await page.locator('.tab[data-status="NEW"]').click()
    await page.waitForURL(/status=NEW/)
    assert.include(page.url(), `account_id=${account.id}`)
    assert.equal(await rows.count(), 1)

    await rows
      .first()
      .getByRole('link', { name: target.id.slice(0, 8) })
      .click()
    await page.waitForURL(`**/payouts/${target.id}`)
    await page.assertTextContains('[data-testid="payout-status"]', 'NEW')
    await page.assertTextContains('[data-testid="account-link"]', 'browser-acct')

    // Dismissing the confirmation changes nothing.
    page.once('dialog', (dialog) => dialog.dismiss())
    await page.getByRole('button', { name: 'Cancel payout' }).click()
    await page.assertTextContains('[data-testid="payout-status"]', 'NEW')
    assert.equal((await Payout.findOrFail(target.id)).status, 'NEW')

    let question = ''
    page.once('dialog', (dialog) => {
      question = dialog.message()
      return dialog.accept()
    })
    await page.getByRole('button', { name: 'Cancel payout' }).click()
    await page.assertTextContains('.flash-success', 'Payout canceled; 42.84 EUR released')
    assert.include(question, '42.00 EUR')
    await page.assertTextContains('[data-testid="payout-status"]', 'CANCELED')
    await page.assertNotExists('[data-testid="payout-actions"]')
    const canceled = page.locator('[data-testid="timeline"] li[data-type="canceled"]')
    assert.include(await canceled.innerText(), operator.email)
    assert.include(await canceled.innerText(), 'CANCELED')
    assert.equal((await Payout.findOrFail(target.id)).status, 'CANCELED')
  })

  test('CSV export downloads the filtered rows', async ({ visit, browserContext, assert }) => {
    const viewer = await UserFactory.apply('viewer').create()
    const account = await AccountFactory.create()
    await insertPayouts(account, 30)
    await browserContext.loginAs(viewer)

    const page = await visit('/payouts?status=COMPLETED')
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Export CSV' }).click(),
    ])
    assert.match(download.suggestedFilename(), /^payouts-completed-\d{8}-\d{6}\.csv$/)
    const stream = await download.createReadStream()
    let text = ''
    for await (const chunk of stream) text += chunk.toString()
    const lines = text.trim().split('\n')
    assert.lengthOf(lines, 1 + 6) // header + the COMPLETED sixth of 30
    assert.isTrue(lines.slice(1).every((line) => line.includes(',COMPLETED,')))
  })
})
