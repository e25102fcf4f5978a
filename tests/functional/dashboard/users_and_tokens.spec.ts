import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import hash from '@adonisjs/core/services/hash'
import User from '#models/user'
import { UserFactory } from '#database/factories/user_factory'

/*
 * Field errors as the session flashes them for `@inputError`. The session
 * plugin's assertHasValidationError reads an older key, so it is not used.
 */
function fieldErrors(response: { flashMessages(): Record<string, any> }): Record<string, string[]> {
  return response.flashMessages().inputErrorsBag ?? {}
}

test.group('Users & tokens forms', () => {
  test('an admin creates a user; the password is stored hashed', async ({ client, assert }) => {
    const admin = await UserFactory.apply('admin').create()
    const email = `New.Operator-${Date.now()}@Example.test`

    const response = await client
      .post('/users')
      .loginAs(admin)
      .withCsrfToken()
      .form({ email, fullName: 'Nora Operator', role: 'operator', password: 'a-long-password-1' })
      .redirects(0)

    response.assertStatus(302)
    response.assertFlashMessage('success')
    const user = await User.findByEmail(email)
    assert.equal(user?.email, email.toLowerCase())
    assert.equal(user?.fullName, 'Nora Operator')
    assert.equal(user?.role, 'operator')
    assert.notEqual(user?.password, 'a-long-password-1')
    assert.isTrue(await hash.verify(user!.password, 'a-long-password-1'))
  })

  test('invalid input is flashed back field by field, without the password', async ({
    client,
    assert,
  }) => {
    const admin = await UserFactory.apply('admin').create()

    const response = await client
      .post('/users')
      .loginAs(admin)
      .withCsrfToken()
      .header('referer', '/users')
      .form({ email: 'not-an-email', role: 'superuser', password: 'short' })
      .redirects(0)

    response.assertStatus(302)
    response.assertHeader('location', '/users')
    assert.sameMembers(Object.keys(fieldErrors(response)), ['email', 'role', 'password'])
    assert.equal(response.flashMessages().email, 'not-an-email')
    assert.notProperty(response.flashMessages(), 'password')
  })

  test('a duplicate email is refused with a message and nothing changes', async ({
    client,
    assert,
  }) => {
    const admin = await UserFactory.apply('admin').create()
    const existing = await UserFactory.apply('viewer').create()

    const response = await client
      .post('/users')
      .loginAs(admin)
      .withCsrfToken()
      .form({ email: existing.email.toUpperCase(), role: 'admin', password: 'a-long-password-1' })
      .redirects(0)

    response.assertStatus(302)
    response.assertFlashMessage('error', 'A user with this email already exists')
    await existing.refresh()
    assert.equal(existing.role, 'viewer')
  })

  test('a token is issued with the chosen abilities and expiry; its secret is flashed once', async ({
    client,
    assert,
  }) => {
    const admin = await UserFactory.apply('admin').create()
    const owner = await UserFactory.apply('operator').create()

    const response = await client
      .post(`/users/${owner.id}/tokens`)
      .loginAs(admin)
      .withCsrfToken()
      .form({
        tokenFor: owner.id,
        name: 'merchant-backend',
        abilities: ['payouts:read', 'payouts:write'],
        expiresInDays: '30',
      })
      .redirects(0)

    response.assertStatus(302)
    const flashed = response.flashMessages().newToken as { secret: string; email: string }
    assert.match(flashed.secret, /^pat_/)
    assert.equal(flashed.email, owner.email)

    const [token] = await User.accessTokens.all(owner)
    assert.equal(token.name, 'merchant-backend')
    assert.sameMembers(token.abilities, ['payouts:read', 'payouts:write'])
    const days = DateTime.fromJSDate(token.expiresAt!).diffNow('days').days
    assert.approximately(days, 30, 0.01)
    assert.notInclude(JSON.stringify(token.toJSON()), flashed.secret)

    const page = await client.get('/users').loginAs(admin)
    assert.notInclude(page.text(), flashed.secret)
  })

  test('a token without abilities is refused with a field error', async ({ client, assert }) => {
    const admin = await UserFactory.apply('admin').create()
    const owner = await UserFactory.apply('viewer').create()

    const response = await client
      .post(`/users/${owner.id}/tokens`)
      .loginAs(admin)
      .withCsrfToken()
      .form({ tokenFor: owner.id, name: 'no-abilities' })
      .redirects(0)

    response.assertStatus(302)
    assert.sameMembers(Object.keys(fieldErrors(response)), ['abilities'])
    assert.equal(response.flashMessages().tokenFor, owner.id)
    assert.lengthOf(await User.accessTokens.all(owner), 0)
  })

  test('revoking a token deletes it; revoking it again is refused', async ({ client, assert }) => {
    const admin = await UserFactory.apply('admin').create()
    const owner = await UserFactory.apply('viewer').create()
    const token = await User.accessTokens.create(owner, ['*'], { name: 'old' })
    const revoke = () =>
      client
        .delete(`/users/${owner.id}/tokens/${token.identifier}`)
        .loginAs(admin)
        .withCsrfToken()
        .redirects(0)

    const first = await revoke()
    first.assertStatus(302)
    first.assertFlashMessage('success')
    assert.lengthOf(await User.accessTokens.all(owner), 0)

    const again = await revoke()
    again.assertStatus(302)
    again.assertFlashMessage('error', 'This token does not exist or was already revoked')
  })

  test('a token cannot be revoked through another user', async ({ client, assert }) => {
    const admin = await UserFactory.apply('admin').create()
    const owner = await UserFactory.apply('viewer').create()
    const other = await UserFactory.apply('viewer').create()
    const token = await User.accessTokens.create(owner, ['*'], { name: 'mine' })

    const response = await client
      .delete(`/users/${other.id}/tokens/${token.identifier}`)
      .loginAs(admin)
      .withCsrfToken()
      .redirects(0)

    response.assertStatus(302)
    response.assertFlashMessage('error')
    assert.lengthOf(await User.accessTokens.all(owner), 1)
  })
})
