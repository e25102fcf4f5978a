import { test } from '@japa/runner'
import type { Page } from 'playwright'
import User from '#models/user'
import { UserFactory } from '#database/factories/user_factory'

const baseUrl = () => `http://localhost:${process.env.PORT}`

function me(secret: string) {
  return fetch(`${baseUrl()}/api/v1/me`, {
    headers: { authorization: `Bearer ${secret}`, accept: 'application/json' },
  })
}

function tokensCardOf(page: Page, email: string) {
  return page.locator(`section.user-card[data-email="${email}"]`)
}

test.group('Browser: Users & tokens', () => {
  test('an admin creates a token, sees it once, uses it, then revokes it', async ({
    visit,
    browserContext,
    assert,
  }) => {
    const admin = await UserFactory.apply('admin').create()
    const owner = await UserFactory.apply('operator').create()
    await browserContext.loginAs(admin)

    const page = await visit('/users')
    const card = tokensCardOf(page, owner.email)
    await card.getByText('Create API token').click()
    await card.getByLabel('Name', { exact: true }).fill('ci-robot')
    await card.getByLabel('accounts:read').check()
    await card.getByLabel('payouts:write').check()
    await card.getByRole('button', { name: 'Create token' }).click()

    await page.assertTextContains('[data-testid="new-token"]', `created for ${owner.email}`)
    const secret = await page.locator('#new-token-secret').inputValue()
    assert.match(secret, /^pat_/)
    await tokensCardOf(page, owner.email).locator('tr[data-token="ci-robot"]').waitFor()

    const response = await me(secret)
    assert.equal(response.status, 200)
    const body = (await response.json()) as { email: string; token: { abilities: string[] } }
    assert.equal(body.email, owner.email)
    assert.sameMembers(body.token.abilities, ['accounts:read', 'payouts:write'])

    // Shown once: the next page load no longer contains the secret anywhere.
    await page.reload()
    await page.assertNotExists('[data-testid="new-token"]')
    assert.notInclude(await page.content(), secret)

    const row = tokensCardOf(page, owner.email).locator('tr[data-token="ci-robot"]')

    // Dismissing the confirmation keeps the token.
    page.once('dialog', (dialog) => dialog.dismiss())
    await row.getByRole('button', { name: 'Revoke' }).click()
    assert.equal((await me(secret)).status, 200)
    await page.assertExists('tr[data-token="ci-robot"]')

    let question = ''
    page.once('dialog', (dialog) => {
      question = dialog.message()
      return dialog.accept()
    })
    await row.getByRole('button', { name: 'Revoke' }).click()
    await page.assertTextContains('.flash-success', `Token revoked for ${owner.email}`)
    assert.include(question, 'ci-robot')
    await page.assertNotExists('tr[data-token="ci-robot"]')

    const revoked = await me(secret)
    assert.equal(revoked.status, 401)
    assert.lengthOf(await User.accessTokens.all(owner), 0)
  })

  test('an admin creates a user through the form', async ({
    visit,
    browser,
    browserContext,
    assert,
  }) => {
    const admin = await UserFactory.apply('admin').create()
    await browserContext.loginAs(admin)
    const email = `created-${Date.now()}@example.test`

    const page = await visit('/users')
    await page.getByLabel('Email').fill(email)
    await page.getByLabel('Name (optional)').fill('Olivia Ops')
    await page.getByLabel('Role').selectOption('operator')
    await page.getByLabel('Password').fill('short')
    await page.getByRole('button', { name: 'Create user' }).click()

    // Too short a password: the field says why and the other fields keep their values.
    await page.assertTextContains('#password-error', '12')
    await page.assertInputValue('#user-email', email)
    await page.assertSelectedOptions('#user-role', ['operator'])
    assert.isNull(await User.findByEmail(email))

    await page.getByLabel('Password').fill('a-long-password-1')
    await page.getByRole('button', { name: 'Create user' }).click()

    await page.assertTextContains('.flash-success', `User ${email} created`)
    const row = page.locator(`[data-testid="users-table"] tr[data-email="${email}"]`)
    await row.waitFor()
    assert.include(await row.innerText(), 'Olivia Ops')
    assert.include(await row.innerText(), 'operator')
    const user = await User.findByEmail(email)
    assert.equal(user?.role, 'operator')

    // The new user can sign in with that password.
    const login = await browser.newContext({ baseURL: baseUrl() })
    const fresh = await login.newPage()
    await fresh.goto('/login')
    await fresh.getByLabel('Email').fill(email)
    await fresh.getByLabel('Password').fill('a-long-password-1')
    await fresh.getByRole('button', { name: 'Sign in' }).click()
    await fresh.waitForURL(`${baseUrl()}/`)
    assert.include(await fresh.locator('[data-testid="current-user"]').innerText(), email)
    await login.close()
  })

  test('a viewer who opens /users gets the 403 page', async ({ browserContext, assert }) => {
    const viewer = await UserFactory.apply('viewer').create()
    await browserContext.loginAs(viewer)

    const page = await browserContext.newPage()
    const response = await page.goto('/users')

    assert.equal(response?.status(), 403)
    await page.assertTextContains('[data-testid="forbidden"]', 'You do not have access')
    await page.assertTextContains('[data-testid="forbidden"]', viewer.email)
    await page.assertNotExists('nav a[href="/users"]')
    await page.assertExists('nav a[href="/payouts"]')
  })
})
