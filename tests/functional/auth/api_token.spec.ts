import { DateTime } from 'luxon'
import { truncate } from '#tests/helpers'
import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import User from '#models/user'
import { UserFactory } from '#database/factories/user_factory'
import { assertErrorBody } from '#tests/support/error_shape'
import type { TokenAbility } from '#domain/roles'

async function issue(abilities: (TokenAbility | '*')[], options: { expiresIn?: string } = {}) {
  const user = await UserFactory.apply('operator').create()
  const token = await User.accessTokens.create(user, abilities, { name: 'test', ...options })
  return { user, token, secret: token.value!.release() }
}

test.group('API auth | 401 for every token that is not valid', (group) => {
  group.each.setup(() => truncate('users'))

  test('no Authorization header', async ({ client, assert }) => {
    const response = await client.get('/api/v1/me')

    response.assertStatus(401)
    response.assertHeader('www-authenticate', 'Bearer')
    assertErrorBody(assert, response.body(), 'E_UNAUTHORIZED')
  })

  test('malformed Authorization header: {$self}')
    .with([
      'Bearer',
      'Bearer ',
      'bearer',
      'Token abc',
      'Basic dXNlcjpwYXNzd29yZA==',
      'Bearer not-a-token',
      'Bearer pat_',
      'Bearer pat_.',
      'Bearer pat_!!!.???',
    ])
    .run(async ({ client, assert }, header) => {
      const response = await client.get('/api/v1/me').header('Authorization', header)

      response.assertStatus(401)
      assertErrorBody(assert, response.body(), 'E_UNAUTHORIZED')
    })

  test('unknown token: right shape, wrong secret or unknown id', async ({ client, assert }) => {
    const { secret } = await issue(['*'])
    const [head, tail] = secret.split('.')
    const wrongSecret = `${head}.${tail.slice(0, -2)}${tail.endsWith('AA') ? 'BB' : 'AA'}`
    const unknownId = `pat_${Buffer.from('987654321').toString('base64url')}.${tail}`

    for (const value of [wrongSecret, unknownId]) {
      const response = await client.get('/api/v1/me').bearerToken(value)
      response.assertStatus(401)
      assertErrorBody(assert, response.body(), 'E_UNAUTHORIZED')
    }
  })

  test('revoked (deleted) token', async ({ client, assert }) => {
    const { user, token, secret } = await issue(['*'])
    const before = await client.get('/api/v1/me').bearerToken(secret)
    before.assertStatus(200)

    await User.accessTokens.delete(user, token.identifier)
    const response = await client.get('/api/v1/me').bearerToken(secret)

    response.assertStatus(401)
    assertErrorBody(assert, response.body(), 'E_UNAUTHORIZED')
  })

  test('expired token', async ({ client, assert }) => {
    const { token, secret } = await issue(['*'], { expiresIn: '1 hour' })
    const before = await client.get('/api/v1/me').bearerToken(secret)
    before.assertStatus(200)

    await db
      .from('auth_access_tokens')
      .where('id', String(token.identifier))
      .update({ expires_at: DateTime.utc().minus({ minutes: 1 }).toJSDate() })
    const response = await client.get('/api/v1/me').bearerToken(secret)

    response.assertStatus(401)
    assertErrorBody(assert, response.body(), 'E_UNAUTHORIZED')
  })

  test('a deleted user takes its tokens with it', async ({ client, assert }) => {
    const { user, secret } = await issue(['*'])
    await user.delete()

    const response = await client.get('/api/v1/me').bearerToken(secret)

    response.assertStatus(401)
    assertErrorBody(assert, response.body(), 'E_UNAUTHORIZED')
  })
})

test.group('API auth | GET /api/v1/me', (group) => {
  group.each.setup(() => truncate('users'))

  test('200 with the contract shape for a token with {$self}')
    .with<(TokenAbility | '*')[][]>([
      ['*'],
      ['accounts:read'],
      ['payouts:write', 'dlq:manage'],
      ['accounts:read', 'accounts:write', 'payouts:read', 'payouts:write', 'dlq:manage'],
    ])
    .run(async ({ client, assert }, abilities) => {
      const { user, secret } = await issue(abilities)

      const response = await client.get('/api/v1/me').bearerToken(secret)

      response.assertStatus(200)
      assert.deepEqual(response.body(), {
        id: user.id,
        email: user.email,
        role: 'operator',
        token: { name: 'test', abilities, expires_at: null },
      })
    })

  test('expires_at is the ISO 8601 UTC expiry of an expiring token', async ({ client, assert }) => {
    const { token, secret } = await issue(['payouts:read'], { expiresIn: '2 hours' })

    const response = await client.get('/api/v1/me').bearerToken(secret)

    response.assertStatus(200)
    const expiresAt = response.body().token.expires_at as string
    assert.match(expiresAt, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/)
    assert.equal(Date.parse(expiresAt), token.expiresAt!.getTime())
  })
})
