import { randomUUID } from 'node:crypto'
import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { tokenFor, truncate } from '#tests/helpers'
import { assertErrorBody } from '#tests/support/error_shape'

/*
 * TokenAbilityMiddleware through real routes: the accounts routes need
 * `accounts:read` / `accounts:write`, checked before the account is looked up.
 */
test.group('API auth | 403 for a token without the ability', (group) => {
  group.each.setup(() => truncate('users', 'accounts', 'outbox_messages'))

  test('a read without accounts:read is a 403, even for an unknown id', async ({
    client,
    assert,
  }) => {
    const { token } = await tokenFor(['payouts:read', 'accounts:write'])

    const response = await client.get(`/api/v1/accounts/${randomUUID()}`).bearerToken(token)

    response.assertStatus(403)
    assertErrorBody(assert, response.body(), 'E_FORBIDDEN')
  })

  test('a write without accounts:write is a 403 and creates nothing', async ({
    client,
    assert,
  }) => {
    const { token } = await tokenFor(['accounts:read'])

    const response = await client
      .post('/api/v1/accounts')
      .bearerToken(token)
      .json({ external_ref: 'forbidden-ref', currency: 'EUR' })

    response.assertStatus(403)
    assertErrorBody(assert, response.body(), 'E_FORBIDDEN')
    assert.lengthOf(await db.from('accounts').where('external_ref', 'forbidden-ref'), 0)
  })

  test('with the ability (or *) the same request reaches the lookup: 404', async ({
    client,
    assert,
  }) => {
    for (const abilities of [['accounts:read'], ['*']] as const) {
      const { token } = await tokenFor([...abilities])
      const response = await client.get(`/api/v1/accounts/${randomUUID()}`).bearerToken(token)

      response.assertStatus(404)
      assertErrorBody(assert, response.body(), 'E_NOT_FOUND')
    }
  })

  test('no token at all is a 401 before any ability check', async ({ client, assert }) => {
    const response = await client.get(`/api/v1/accounts/${randomUUID()}`)

    response.assertStatus(401)
    assertErrorBody(assert, response.body(), 'E_UNAUTHORIZED')
  })
})
