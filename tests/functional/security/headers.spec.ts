import { test } from '@japa/runner'
import { UserFactory } from '#database/factories/user_factory'
import { tokenFor } from '#tests/helpers'

function assertSecurityHeaders(assert: any, response: any, what: string) {
  const csp = String(response.header('content-security-policy'))
  assert.include(csp, "default-src 'self'", what)
  assert.include(csp, "frame-ancestors 'none'", what)
  assert.notInclude(csp, 'unsafe-inline', what)
  assert.equal(response.header('x-content-type-options'), 'nosniff', what)
  assert.equal(response.header('cache-control'), 'no-store', what)
}

test.group('Security headers on one answer of each kind', () => {
  test('dashboard page, sign-in page, dashboard 404 page', async ({ client, assert }) => {
    const operator = await UserFactory.apply('operator').create()
    const page = await client.get('/payouts').loginAs(operator)
    page.assertStatus(200)
    assertSecurityHeaders(assert, page, 'dashboard page')
    assertSecurityHeaders(assert, await client.get('/login'), 'sign-in page')
    const missing = await client
      .get('/payouts/00000000-0000-4000-8000-000000000000')
      .loginAs(operator)
    missing.assertStatus(404)
    assertSecurityHeaders(assert, missing, 'error page')
  })

  test('API answer, API error, /docs, /openapi.json, webhook, unknown route', async ({
    client,
    assert,
  }) => {
    const { token } = await tokenFor(['payouts:read'])
    assertSecurityHeaders(assert, await client.get('/api/v1/payouts').bearerToken(token), 'API')
    assertSecurityHeaders(assert, await client.get('/api/v1/payouts'), 'API 401')
    assertSecurityHeaders(assert, await client.get('/docs'), '/docs')
    assertSecurityHeaders(assert, await client.get('/openapi.json'), '/openapi.json')
    assertSecurityHeaders(assert, await client.post('/webhooks/provider').json({}), 'webhook')
    assertSecurityHeaders(assert, await client.get('/no-such-page'), 'unknown route')
  })

  test('the page that shows a new token secret is not cached', async ({ client, assert }) => {
    const admin = await UserFactory.apply('admin').create()
    const page = await client
      .get('/users')
      .loginAs(admin)
      .withFlashMessages({
        newToken: { secret: 'pat_x', name: 'n', userId: admin.id, email: admin.email },
      })
    page.assertStatus(200)
    assert.include(page.text(), 'pat_x')
    assert.equal(page.header('cache-control'), 'no-store')
  })

  test('Swagger UI does not keep bearer tokens in localStorage', async ({ client, assert }) => {
    const initializer = await client.get('/docs/assets/swagger-initializer.js')
    assert.include(initializer.text(), '"persistAuthorization":false')
  })
})
