import { test } from '@japa/runner'
import User from '#models/user'
import { UserFactory } from '#database/factories/user_factory'

/* A CSRF failure in AdonisJS is a flash and a 302 back, not a 403. */
test.group('Dashboard CSRF protection', () => {
  test('POST /users without a CSRF token is redirected and creates nothing', async ({
    client,
    assert,
  }) => {
    const admin = await UserFactory.apply('admin').create()
    const email = `csrf-${Date.now()}@example.test`
    const form = { email, password: 'a-long-password-1', role: 'viewer' }

    const refused = await client.post('/users').loginAs(admin).form(form).redirects(0)

    refused.assertStatus(302)
    assert.deepEqual(refused.flashMessages().errorsBag, {
      E_BAD_CSRF_TOKEN: refused.flashMessages().error,
    })
    assert.isNull(await User.findByEmail(email))

    const accepted = await client
      .post('/users')
      .loginAs(admin)
      .withCsrfToken()
      .form(form)
      .redirects(0)
    accepted.assertStatus(302)
    accepted.assertHeader('location', '/users')
    assert.equal((await User.findByEmail(email))?.role, 'viewer')
  })

  test('POST /login without a CSRF token is redirected and does not sign in', async ({
    client,
    assert,
  }) => {
    const user = await UserFactory.apply('operator').create()
    const credentials = { email: user.email, password: 'password-123456' }

    const refused = await client.post('/login').form(credentials).redirects(0)

    refused.assertStatus(302)
    assert.property(refused.flashMessages().errorsBag, 'E_BAD_CSRF_TOKEN')
    assert.notProperty(refused.session(), 'auth_web')

    const accepted = await client.post('/login').withCsrfToken().form(credentials).redirects(0)
    accepted.assertStatus(302)
    accepted.assertHeader('location', '/')
    assert.equal(accepted.session().auth_web, user.id)
  })
})
