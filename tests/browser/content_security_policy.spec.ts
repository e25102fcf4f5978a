import { test } from '@japa/runner'
import { UserFactory } from '#database/factories/user_factory'

/*
 * The pages run under the Content-Security-Policy every answer carries: no
 * inline script, Chart.js and Swagger UI from this origin. A violation shows
 * in the browser console.
 */
test.group('Browser: Content-Security-Policy', () => {
  test('the dashboard, the monitoring charts and Swagger UI cause no violation', async ({
    visit,
    browserContext,
    assert,
  }) => {
    const operator = await UserFactory.apply('operator').create()
    await browserContext.loginAs(operator)
    const violations: string[] = []
    browserContext.on('console', (message) => {
      if (/Content.Security.Policy/i.test(message.text())) violations.push(message.text())
    })

    for (const path of ['/', '/payouts', '/monitoring']) {
      const page = await visit(path)
      await page.waitForLoadState('networkidle')
    }
    const docs = await visit('/docs')
    await docs.locator('.swagger-ui .info').waitFor()
    await docs.waitForLoadState('networkidle')

    assert.deepEqual(violations, [])
  })
})
