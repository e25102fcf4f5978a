import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import User from '#models/user'
import { UserFactory } from '#database/factories/user_factory'
import { capAbilities } from '#domain/roles'
import { assertErrorBody } from '#tests/support/error_shape'

/* A token holding `*` for a user of `role`, written straight into the table (as old tokens were). */
async function starToken(role: 'viewer' | 'operator' | 'admin') {
  const user = await UserFactory.apply(role).create()
  const token = await User.accessTokens.create(user, ['*'], { name: 'legacy' })
  return { user, token: token.value!.release() }
}

const NOWHERE = '00000000-0000-4000-8000-000000000000'

test.group('Token abilities capped by the owner role', () => {
  test('a viewer holding a `*` token gets 403 on writes and on dead letters', async ({
    client,
    assert,
  }) => {
    const { token } = await starToken('viewer')

    const writes = [
      client
        .post('/api/v1/accounts')
        .bearerToken(token)
        .json({ external_ref: 'x', currency: 'EUR' }),
      client.post('/api/v1/payouts').bearerToken(token).json({}),
      client.post(`/api/v1/payouts/${NOWHERE}/cancel`).bearerToken(token),
      client.get('/api/v1/dead-letters').bearerToken(token),
      client.post(`/api/v1/dead-letters/${NOWHERE}/replay`).bearerToken(token),
    ]
    for (const response of await Promise.all(writes)) {
      response.assertStatus(403)
      assertErrorBody(assert, response.body(), 'E_FORBIDDEN')
    }
    ;(await client.get('/api/v1/payouts').bearerToken(token)).assertStatus(200)
    const me = await client.get('/api/v1/me').bearerToken(token)
    assert.deepEqual(me.body().token.abilities, ['accounts:read', 'payouts:read'])
    assert.lengthOf(await db.from('accounts').where('external_ref', 'x'), 0)
  })

  test('an operator `*` token may do everything an operator may', async ({ client }) => {
    const { token } = await starToken('operator')
    ;(await client.get('/api/v1/dead-letters').bearerToken(token)).assertStatus(200)
  })

  test('the dashboard creates tokens capped by the role, 90 days by default', async ({
    client,
    assert,
  }) => {
    const admin = await UserFactory.apply('admin').create()
    const viewer = await UserFactory.apply('viewer').create()

    const response = await client
      .post(`/users/${viewer.id}/tokens`)
      .loginAs(admin)
      .withCsrfToken()
      .form({ 'name': 'reports', 'abilities[0]': '*' })
      .redirects(0)

    response.assertStatus(302)
    assert.match(
      String(response.flashMessages().warning),
      /accounts:write, payouts:write, dlq:manage/
    )
    const [row] = await db.from('auth_access_tokens').where('tokenable_id', viewer.id)
    assert.deepEqual(JSON.parse(row.abilities), ['accounts:read', 'payouts:read'])
    const days = (new Date(row.expires_at).getTime() - Date.now()) / 86_400_000
    assert.closeTo(days, 90, 0.01)
  })

  test('"never expires" is explicit', async ({ client, assert }) => {
    const admin = await UserFactory.apply('admin').create()
    const viewer = await UserFactory.apply('viewer').create()

    await client
      .post(`/users/${viewer.id}/tokens`)
      .loginAs(admin)
      .withCsrfToken()
      .form({ 'name': 'forever', 'abilities[0]': 'payouts:read', 'neverExpires': 'true' })
      .redirects(0)

    const [row] = await db.from('auth_access_tokens').where('tokenable_id', viewer.id)
    assert.isNull(row.expires_at)
  })

  test('capAbilities: the intersection of the token and the role', ({ assert }) => {
    assert.deepEqual(capAbilities('viewer', ['*']), ['accounts:read', 'payouts:read'])
    assert.deepEqual(capAbilities('viewer', ['payouts:write', 'payouts:read']), ['payouts:read'])
    assert.deepEqual(capAbilities('operator', ['*']), ['*'])
    assert.deepEqual(capAbilities('admin', ['dlq:manage']), ['dlq:manage'])
    assert.deepEqual(capAbilities('viewer', ['dlq:manage']), [])
  })
})
