import { test } from '@japa/runner'
import { UserFactory } from '#database/factories/user_factory'

test.group('Browser: signing in', () => {
  test('an admin signs in through the form and lands on the overview', async ({ visit }) => {
    const admin = await UserFactory.apply('admin').create()

    const page = await visit('/login')
    await page.getByLabel('Email').fill(admin.email)
    await page.getByLabel('Password').fill('password-123456')
    await page.getByRole('button', { name: 'Sign in' }).click()

    await page.assertPath('/')
    await page.assertText('h1', 'Overview')
    await page.assertTextContains('[data-testid="current-user"]', admin.email)
    await page.assertTextContains('[data-testid="current-user"]', 'admin')
    await page.assertExists('nav a[href="/users"]')
  })

  test('a wrong password shows the error and keeps the email', async ({ visit }) => {
    const user = await UserFactory.apply('operator').create()

    const page = await visit('/login')
    await page.getByLabel('Email').fill(user.email)
    await page.getByLabel('Password').fill('not-the-password')
    await page.getByRole('button', { name: 'Sign in' }).click()

    await page.assertPath('/login')
    await page.assertTextContains('.flash-error', 'Invalid email or password')
    await page.assertInputValue('#email', user.email)
    await page.assertInputValue('#password', '')
  })

  test('signing out returns to the sign-in page, which then guards the overview', async ({
    visit,
    browserContext,
  }) => {
    const user = await UserFactory.apply('viewer').create()
    await browserContext.loginAs(user)

    const page = await visit('/')
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.assertPath('/login')
    await page.assertTextContains('.flash-success', 'Signed out')

    await page.goto('/')
    await page.assertPath('/login')
  })
})
