import { test } from '@japa/runner'
import DeadLetter from '#models/dead_letter'
import Payout from '#models/payout'
import { UserFactory } from '#database/factories/user_factory'
import { AccountFactory } from '#database/factories/account_factory'
import { failedPayoutWithDeadLetter } from '#tests/support/dead_letters'

test.group('Browser: dead letters', () => {
  test('an operator replays a dead letter through the confirmation and sees it replayed', async ({
    visit,
    browserContext,
    assert,
  }) => {
    const operator = await UserFactory.apply('operator').create()
    const account = await AccountFactory.apply('funded').create()
    const { letter, payout } = await failedPayoutWithDeadLetter(account)
    await browserContext.loginAs(operator)

    // Found from the list by its payout id.
    const list = await visit('/dead-letters')
    await list.getByLabel('Search').fill(payout.id)
    await list.getByRole('button', { name: 'Apply' }).click()
    await list.waitForURL(new RegExp(`/dead-letters\\?q=${payout.id}`))
    const row = list.locator(`tr[data-id="${letter.id}"]`)
    await row.waitFor()
    assert.equal(await list.locator('[data-testid="dead-letters-table"] tbody tr').count(), 1)

    // Dismissing the confirmation from the row changes nothing.
    list.once('dialog', (dialog) => dialog.dismiss())
    await row.getByRole('button', { name: 'Replay' }).click()
    await letter.refresh()
    assert.equal(letter.status, 'open')

    await row.getByRole('link', { name: letter.id.slice(0, 8) }).click()
    await list.waitForURL(`**/dead-letters/${letter.id}`)
    await list.assertTextContains('[data-testid="letter-status"]', 'open')
    await list.assertTextContains('[data-testid="payload"]', `"payout_id": "${payout.id}"`)
    await list.assertTextContains(
      '[data-testid="attempts-table"]',
      'Provider answered 503 (attempt 2)'
    )

    let question = ''
    list.once('dialog', (dialog) => {
      question = dialog.message()
      return dialog.accept()
    })
    await list
      .locator('[data-testid="letter-actions"]')
      .getByRole('button', { name: 'Replay' })
      .click()

    await list.assertTextContains('.flash-success', `Dead letter ${letter.id.slice(0, 8)} replayed`)
    assert.include(question, letter.id.slice(0, 8))
    assert.include(question, 'held again')
    await list.assertTextContains('[data-testid="letter-status"]', 'replayed')
    await list.assertTextContains('[data-testid="resolved-by"]', operator.email)
    await list.assertNotExists('[data-testid="letter-actions"]')

    const stored = await DeadLetter.findOrFail(letter.id)
    assert.equal(stored.status, 'replayed')
    assert.equal(stored.resolvedBy, `user:${operator.id}`)
    assert.equal((await Payout.findOrFail(payout.id)).status, 'PROCESSING')
  })

  test('a viewer sees no replay or discard buttons', async ({ visit, browserContext, assert }) => {
    const viewer = await UserFactory.apply('viewer').create()
    const account = await AccountFactory.apply('funded').create()
    const { letter } = await failedPayoutWithDeadLetter(account)
    await browserContext.loginAs(viewer)

    const page = await visit(`/dead-letters/${letter.id}`)
    await page.assertTextContains('[data-testid="letter-status"]', 'open')
    await page.assertNotExists('[data-testid="letter-actions"]')
    await page.goto('/dead-letters')
    await page.assertNotExists('[data-testid="bulk-bar"]')
    assert.equal(await page.getByRole('button', { name: 'Replay' }).count(), 0)
  })
})
